/**
 * Manifests and indexes as the distribution API carries them. Bytes are kept
 * exactly as received, because the digest is the hash of those bytes.
 *
 * A registry is untrusted input: every digest it names (in a header, a
 * descriptor of a manifest or index, a subject, a referrer) is checked against
 * the OCI digest grammar here, before anything puts it in a URL or compares it,
 * so `../../other/repo/manifests/x` can never become a request path.
 */
import { createHash } from 'node:crypto'
import { oneLine, RegistryError } from './errors.js'

/** Distribution refuses manifests above 4 MiB; so do we, before reading past it. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024

/** Registered algorithms and the length of their lowercase hex encoding (OCI image-spec, descriptor.md). */
const DIGEST_ALGORITHMS: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 }

/** `algorithm:encoded` with a registered algorithm and its exact lowercase hex length. */
export function isDigest(value: unknown): value is string {
  if (typeof value !== 'string') return false
  const match = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-f0-9]+)$/.exec(value)
  if (!match) return false
  const length = DIGEST_ALGORITHMS[match[1] as string]
  return length !== undefined && (match[2] as string).length === length
}

/** The digest, or a refusal naming where the bad one came from. */
export function checkDigest(value: unknown, where: string): string {
  if (isDigest(value)) return value
  const shown = typeof value === 'string' ? `'${oneLine(value, 100)}'` : typeof value
  throw new RegistryError(`${where}: ${shown} is not a valid digest (algorithm:hex, e.g. sha256 with 64 lowercase hex digits)`, { code: 'DIGEST_INVALID', transient: false })
}

/** The digest of `bytes` with the algorithm of `like` (sha256 when none is given). */
export function digestOf(bytes: Buffer, like?: string): string {
  const algorithm = like?.slice(0, like.indexOf(':')) ?? 'sha256'
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`
}

export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json'
} as const

export const MANIFEST_ACCEPT = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList, MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest].join(', ')

export interface Platform {
  os: string
  architecture: string
  variant?: string
}

export interface Descriptor {
  mediaType: string
  digest: string
  size: number
  platform?: Platform
  urls?: string[]
  artifactType?: string
  annotations?: Record<string, string>
}

export interface Manifest {
  /** The exact bytes; pushed as they are. */
  bytes: Buffer
  mediaType: string
  digest: string
  /** Children of an index; empty for an image manifest. */
  manifests: Descriptor[]
  /** Config and layers of an image manifest; empty for an index. */
  blobs: Descriptor[]
  subject?: Descriptor
  /** The parsed document, for building a filtered index. */
  document: Record<string, unknown>
}

export function sha256Digest(bytes: Buffer): string {
  return digestOf(bytes)
}

export function isIndexType(mediaType: string): boolean {
  return mediaType === MEDIA_TYPES.ociIndex || mediaType === MEDIA_TYPES.dockerManifestList
}

/** Parses manifest bytes; the media type is the response's Content-Type, or the document's own. */
export function parseManifest(bytes: Buffer, contentType: string | undefined, where: string): Manifest {
  if (bytes.length > MAX_MANIFEST_BYTES) {
    throw new RegistryError(`${where}: the manifest is larger than ${MAX_MANIFEST_BYTES} bytes`, { code: 'MANIFEST_TOO_BIG', transient: false })
  }
  let document: Record<string, unknown>
  try {
    document = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>
  } catch {
    throw new RegistryError(`${where}: the manifest is not JSON`, { code: 'MANIFEST_INVALID', transient: false })
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new RegistryError(`${where}: the manifest is not a JSON object`, { code: 'MANIFEST_INVALID', transient: false })
  }
  const declared = typeof document.mediaType === 'string' ? document.mediaType : undefined
  const header = contentType?.split(';')[0]?.trim()
  let mediaType = declared ?? (header && header !== 'application/json' ? header : undefined)
  // An OCI index or manifest may omit mediaType; its shape tells which it is.
  mediaType ??= Array.isArray(document.manifests) ? MEDIA_TYPES.ociIndex : MEDIA_TYPES.ociManifest
  if (document.schemaVersion === 1 || mediaType.startsWith('application/vnd.docker.distribution.manifest.v1')) {
    throw new RegistryError(`${where}: Docker schema 1 manifests are not supported (re-push the image with a current docker)`, {
      code: 'UNSUPPORTED',
      transient: false
    })
  }
  const index = isIndexType(mediaType)
  const manifests = index ? descriptors(document.manifests, `${where} manifests`) : []
  const blobs = index ? [] : [...descriptors(document.config === undefined ? [] : [document.config], `${where} config`), ...descriptors(document.layers ?? [], `${where} layers`)]
  const subject = descriptors(document.subject === undefined ? [] : [document.subject], `${where} subject`)[0]
  return { bytes, mediaType, digest: sha256Digest(bytes), manifests, blobs, ...(subject && { subject }), document }
}

/** Every descriptor must name a valid digest, a size and a media type: one bad entry refuses the whole manifest. */
function descriptors(value: unknown, where: string): Descriptor[] {
  if (!Array.isArray(value)) throw new RegistryError(`${where}: not a list of descriptors`, { code: 'MANIFEST_INVALID', transient: false })
  return value.map((item: unknown, position) => {
    if (typeof item !== 'object' || item === null) throw new RegistryError(`${where}[${position}]: not a descriptor`, { code: 'MANIFEST_INVALID', transient: false })
    const descriptor = item as Record<string, unknown>
    checkDigest(descriptor.digest, `${where}[${position}]`)
    if (typeof descriptor.size !== 'number' || !Number.isSafeInteger(descriptor.size) || descriptor.size < 0) {
      throw new RegistryError(`${where}[${position}]: the size is not a non-negative integer`, { code: 'MANIFEST_INVALID', transient: false })
    }
    if (typeof descriptor.mediaType !== 'string') throw new RegistryError(`${where}[${position}]: no media type`, { code: 'MANIFEST_INVALID', transient: false })
    if (descriptor.urls !== undefined && !(Array.isArray(descriptor.urls) && descriptor.urls.every(url => typeof url === 'string'))) {
      throw new RegistryError(`${where}[${position}]: urls is not a list of strings`, { code: 'MANIFEST_INVALID', transient: false })
    }
    return item as Descriptor
  })
}

export function formatPlatform(platform: Platform | undefined): string | undefined {
  if (!platform?.os || !platform.architecture) return undefined
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/')
}

/** `linux/arm64` matches `linux/arm64` and `linux/arm64/v8`; `linux/arm/v7` needs the variant. */
export function platformMatches(platform: Platform | undefined, wanted: string): boolean {
  const formatted = formatPlatform(platform)
  if (!formatted) return false
  return formatted === wanted || formatted.startsWith(`${wanted}/`)
}

/** Blobs a registry will not serve (foreign, non-distributable layers) are not copied. */
export function isForeign(descriptor: Descriptor): boolean {
  return (descriptor.urls?.length ?? 0) > 0 || descriptor.mediaType.includes('foreign') || descriptor.mediaType.includes('nondistributable')
}

/**
 * A copy of an index with only the wanted platforms. Its bytes are new, so its
 * digest differs from the source's: that is why `platforms` is opt-in.
 */
export function filterIndex(index: Manifest, platforms: readonly string[]): Manifest {
  const kept = index.manifests.filter(child => platforms.some(wanted => platformMatches(child.platform, wanted)))
  if (kept.length === index.manifests.length) return index
  const bytes = Buffer.from(JSON.stringify({ ...index.document, manifests: kept }))
  return { ...index, bytes, digest: sha256Digest(bytes), manifests: kept, document: { ...index.document, manifests: kept } }
}
