/**
 * What a bundle carries besides the OCI layout: the plan it was exported from
 * (`image-mirror.json`), so the far side needs no repository checkout. Per
 * image: kind, source, target, origins, the manifest digest at export, where
 * it was read from, and its content (every manifest and blob digest below the
 * top manifest), which tells an import of a delta where a blob the bundle
 * does not carry can be found in the target (mounted from a baseline image's
 * repository).
 *
 * The record is untrusted input when read: every field is checked here
 * (digests by the OCI grammar, references by the one parser, sizes bounded)
 * before any other module sees it.
 */
import { formatReference, tryParseReference } from '../../reference.js'
import { isDigest } from '../registry/manifest.js'
import { LayoutError } from './layout.js'

export const RECORD_VERSION = 1
/** Annotations on each index.json entry, read by skopeo (ref.name) and containerd (image.name). */
export const REF_NAME = 'org.opencontainers.image.ref.name'
export const CONTAINERD_NAME = 'io.containerd.image.name'
export const TARGET_ANNOTATION = 'dev.image-mirror.target'
/**
 * On index.json itself: every digest a registry that imported this bundle
 * (and its baselines) holds, space separated. A later export given only this
 * index.json as `bundle-baseline` leaves all of them out.
 */
export const COVERS_ANNOTATION = 'dev.image-mirror.covers'

const MAX_IMAGES = 10_000
const MAX_CONTENT = 100_000
const MAX_TEXT = 2048

export interface RecordedImage {
  kind: 'base' | 'service'
  /** Normalised source reference. */
  source: string
  /** Normalised target reference at export. */
  target: string
  origins: Array<{ file: string; line: number }>
  /** Where the bytes were read: a registry, or the local docker daemon. */
  from: 'registry' | 'daemon'
  /** Manifest (or index) digest as exported: the source's, unless `platforms` filtered an index. */
  digest: string
  mediaType: string
  /** Bytes of the top manifest. */
  size: number
  /** The source registry's digest before any platform filter. */
  sourceDigest?: string
  /** A daemon image's ID (its config digest), to know it unchanged on the next export. */
  imageId?: string
  platforms?: string[]
  /** Every manifest and blob digest below the top manifest (children, configs, layers). */
  content: string[]
  /** Bytes of the blobs the image references (configs and layers), as manifests announce them. */
  bytes: number
  /** false in a delta bundle: the baseline carried this image, unchanged. */
  carried: boolean
}

export interface BundleRecord {
  version: number
  tool: 'image-mirror'
  created: string
  /** The registry input at export (`harbor.example.com/aihpc`): import re-bases targets under its own. */
  registry: string | null
  tag: string | null
  platforms: string[]
  /** Set on a delta: how many digests its baseline covers, and where that baseline was read. */
  baseline?: { covers: number; name: string }
  images: RecordedImage[]
}

export function serializeRecord(record: BundleRecord): Buffer {
  return Buffer.from(`${JSON.stringify(record, null, 2)}\n`)
}

export function parseRecord(bytes: Buffer, where: string): BundleRecord {
  let parsed: unknown
  try {
    parsed = JSON.parse(bytes.toString('utf8'))
  } catch {
    throw new LayoutError(`${where}: the plan record is not JSON`)
  }
  const fail = (reason: string): never => {
    throw new LayoutError(`${where}: the plan record is invalid: ${reason}`)
  }
  if (!isObject(parsed)) return fail('not an object')
  if (parsed.tool !== 'image-mirror') fail("it was not written by image-mirror (tool is not 'image-mirror')")
  if (parsed.version !== RECORD_VERSION) fail(`version ${String(parsed.version)} is not supported (${RECORD_VERSION} is); export the bundle again with this version`)
  if (!Array.isArray(parsed.images) || parsed.images.length > MAX_IMAGES) fail(`images is not a list of at most ${MAX_IMAGES}`)
  const images = (parsed.images as unknown[]).map((item, position) => parseImage(item, `images[${position}]`, fail))
  const platforms = Array.isArray(parsed.platforms) ? parsed.platforms.filter((value): value is string => typeof value === 'string' && value.length < 100) : []
  const baseline =
    isObject(parsed.baseline) && typeof parsed.baseline.covers === 'number' && typeof parsed.baseline.name === 'string'
      ? { covers: parsed.baseline.covers, name: text(parsed.baseline.name) }
      : undefined
  return {
    version: RECORD_VERSION,
    tool: 'image-mirror',
    created: typeof parsed.created === 'string' ? text(parsed.created) : '',
    registry: typeof parsed.registry === 'string' ? text(parsed.registry) : null,
    tag: typeof parsed.tag === 'string' ? text(parsed.tag) : null,
    platforms,
    ...(baseline !== undefined && { baseline }),
    images
  }
}

function parseImage(item: unknown, where: string, fail: (reason: string) => never): RecordedImage {
  if (!isObject(item)) return fail(`${where} is not an object`)
  const reference = (value: unknown, name: string): string => {
    if (typeof value !== 'string' || value.length > MAX_TEXT) return fail(`${where}.${name} is not a reference`)
    const parsed = tryParseReference(value)
    if (!('ref' in parsed)) return fail(`${where}.${name}: ${parsed.error.reason}`)
    return formatReference(parsed.ref)
  }
  const digest = (value: unknown, name: string): string => (isDigest(value) ? value : fail(`${where}.${name} is not a digest`))
  const count = (value: unknown, name: string): number => (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : fail(`${where}.${name} is not a size`))
  if (item.kind !== 'base' && item.kind !== 'service') fail(`${where}.kind is neither base nor service`)
  if (item.from !== 'registry' && item.from !== 'daemon') fail(`${where}.from is neither registry nor daemon`)
  if (typeof item.mediaType !== 'string' || item.mediaType.length > 255) fail(`${where}.mediaType is not a media type`)
  if (!Array.isArray(item.content) || item.content.length > MAX_CONTENT) fail(`${where}.content is not a list of digests`)
  const origins = Array.isArray(item.origins)
    ? item.origins
        .filter((origin): origin is { file: string; line: number } => isObject(origin) && typeof origin.file === 'string' && typeof origin.line === 'number')
        .slice(0, 1000)
        .map(origin => ({ file: text(origin.file), line: Math.max(0, Math.floor(origin.line)) }))
    : []
  return {
    kind: item.kind as RecordedImage['kind'],
    source: reference(item.source, 'source'),
    target: reference(item.target, 'target'),
    origins,
    from: item.from as RecordedImage['from'],
    digest: digest(item.digest, 'digest'),
    mediaType: item.mediaType as string,
    size: count(item.size, 'size'),
    ...(item.sourceDigest !== undefined && { sourceDigest: digest(item.sourceDigest, 'sourceDigest') }),
    ...(item.imageId !== undefined && { imageId: digest(item.imageId, 'imageId') }),
    ...(Array.isArray(item.platforms) && { platforms: item.platforms.filter((value): value is string => typeof value === 'string' && value.length < 100).slice(0, 100) }),
    content: (item.content as unknown[]).map((value, position) => digest(value, `content[${position}]`)),
    bytes: count(item.bytes, 'bytes'),
    carried: item.carried !== false
  }
}

/**
 * The digests a baseline covers, from its index.json: the annotation our
 * exports write, plus the manifests it lists (a foreign layout has only those).
 */
export function coveredByIndex(index: Buffer, where: string): Set<string> {
  let parsed: unknown
  try {
    parsed = JSON.parse(index.toString('utf8'))
  } catch {
    throw new LayoutError(`${where}: index.json is not JSON`)
  }
  if (!isObject(parsed)) throw new LayoutError(`${where}: index.json is not an object`)
  const covered = new Set<string>()
  if (Array.isArray(parsed.manifests)) {
    for (const entry of parsed.manifests) if (isObject(entry) && isDigest(entry.digest)) covered.add(entry.digest)
  }
  const annotation = isObject(parsed.annotations) ? parsed.annotations[COVERS_ANNOTATION] : undefined
  if (typeof annotation === 'string') for (const digest of annotation.split(/\s+/)) if (isDigest(digest)) covered.add(digest)
  return covered
}

export interface IndexEntry {
  digest: string
  mediaType: string
  size: number
  /** org.opencontainers.image.ref.name, when present. */
  name?: string
  annotations: Record<string, string>
}

/** The manifests index.json lists, each checked. */
export function indexEntries(index: Buffer, where: string): IndexEntry[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(index.toString('utf8'))
  } catch {
    throw new LayoutError(`${where}: index.json is not JSON`)
  }
  if (!isObject(parsed) || !Array.isArray(parsed.manifests)) throw new LayoutError(`${where}: index.json has no manifests list`)
  return parsed.manifests.map((entry: unknown, position: number) => {
    if (!isObject(entry) || !isDigest(entry.digest) || typeof entry.mediaType !== 'string' || typeof entry.size !== 'number' || !Number.isSafeInteger(entry.size) || entry.size < 0) {
      throw new LayoutError(`${where}: index.json manifests[${position}] is not a valid descriptor`)
    }
    const annotations: Record<string, string> = {}
    if (isObject(entry.annotations)) for (const [key, value] of Object.entries(entry.annotations)) if (typeof value === 'string') annotations[key] = value
    const name = annotations[REF_NAME]
    return { digest: entry.digest, mediaType: entry.mediaType, size: entry.size, ...(name !== undefined && { name }), annotations }
  })
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function text(value: string): string {
  return value.length > MAX_TEXT ? value.slice(0, MAX_TEXT) : value
}
