/**
 * The bundle engine: the ports of port.ts over an OCI layout on disk, with
 * the registry engine's Registries for every registry request (auth, retries,
 * per-host counts). Engines see references and requests, never Settings.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { ImageReference } from '../../reference.js'
import type { Credentials, OperationContext } from '../port.js'
import { Registries } from '../registry/registries.js'
import type { RegistryStats } from '../registry/client.js'
import { MEDIA_TYPES } from '../registry/manifest.js'
import type { DockerCli } from '../docker/cli.js'
import type { RetryPolicy } from '../retry.js'
import { Exporter } from './export.js'
import { Importer } from './import.js'
import { INDEX_FILE, isTarPath, LayoutError, LAYOUT_FILE, openLayout, type Layout } from './layout.js'
import { BundleStore, type FinishedBundle } from './store.js'
import type { BlobCache } from '../cache/blob-cache.js'
import { CONTAINERD_NAME, COVERS_ANNOTATION, coveredByIndex, parseRecord, RECORD_VERSION, REF_NAME, serializeRecord, TARGET_ANNOTATION, type BundleRecord, type RecordedImage } from './record.js'
import type { BundleExportPort, BundleImportPort, ExportOutcome, ExportRequest, ImportOutcome, ImportRequest, PreparedExport, PreparedImport, TransferMeter } from './port.js'

export interface RegistryAccess {
  credentials: ReadonlyMap<string, Credentials>
  registryMirror?: string
  insecureRegistries: string[]
  caFile?: string
  /** docker's config.json directory, for credentials not given as inputs. */
  dockerConfigDir?: string
  concurrency: number
  retries: number
  retryBaseDelayMs?: number
  timeoutMs?: number
  deadlineMs?: number
}

function registriesFor(access: RegistryAccess): { registries: Registries; retry: RetryPolicy } {
  const retry = { attempts: access.retries + 1, baseDelayMs: access.retryBaseDelayMs ?? 500, maxDelayMs: 15_000 }
  const registries = new Registries({
    credentials: access.credentials,
    ...(access.registryMirror !== undefined && { registryMirror: access.registryMirror }),
    ...(access.caFile !== undefined && { caFile: access.caFile }),
    ...(access.dockerConfigDir !== undefined && { dockerConfigDir: access.dockerConfigDir }),
    insecureRegistries: access.insecureRegistries,
    concurrency: access.concurrency,
    retry,
    timeoutMs: access.timeoutMs ?? 60_000,
    deadlineMs: access.deadlineMs ?? 10 * 60_000
  })
  return { registries, retry }
}

export interface ExportEngineOptions extends RegistryAccess {
  /** The bundle to write: a directory, or a file ending in .tar. */
  bundle: string
  /** An earlier bundle (directory or archive) or its index.json: the export leaves out what it covers. */
  baseline?: string
  platforms: string[]
  cli?: DockerCli
  tempDir: string
  meter?: TransferMeter
  /** cache: true: the run's blob cache, read before a source and filled with what sources serve. */
  cache?: BlobCache
}

/** What a baseline covers, and its images by digest. */
export function readBaseline(location: string): { covered: Set<string>; images: Map<string, RecordedImage>; name: string } {
  const name = path.basename(location)
  const stat = fs.statSync(location)
  if (stat.isFile() && !isTarPath(location)) {
    // Just its index.json.
    return { covered: coveredByIndex(fs.readFileSync(location), location), images: new Map(), name }
  }
  const layout = openLayout(location)
  const covered = coveredByIndex(layout.index, location)
  for (const digest of layout.digests()) covered.add(digest)
  const images = new Map<string, RecordedImage>()
  if (layout.record !== undefined) for (const image of parseRecord(layout.record, location).images) images.set(image.digest, image)
  return { covered, images, name }
}

export class BundleExportEngine implements BundleExportPort {
  private readonly registries: Registries
  private readonly store: BundleStore
  private readonly exporter: Exporter
  private readonly covered: Set<string>
  private readonly baselineName: string | undefined

  constructor(options: ExportEngineOptions) {
    const format = isTarPath(options.bundle) ? 'tar' : 'directory'
    if (format === 'directory' && fs.existsSync(options.bundle)) {
      const entries = fs.readdirSync(options.bundle)
      if (entries.length > 0 && !entries.includes(LAYOUT_FILE)) {
        throw new LayoutError(`${options.bundle} is a directory that is not a bundle (no ${LAYOUT_FILE}): name a new or empty directory, or a file ending in .tar`)
      }
    }
    const baseline = options.baseline !== undefined ? readBaseline(options.baseline) : undefined
    this.covered = baseline?.covered ?? new Set()
    this.baselineName = baseline?.name
    const { registries, retry } = registriesFor(options)
    this.registries = registries
    this.store = new BundleStore({ path: options.bundle, format, covered: this.covered })
    const previous = new Map<string, RecordedImage>()
    const layout = this.store.previousLayout
    if (layout?.record !== undefined) {
      try {
        for (const image of parseRecord(layout.record, options.bundle).images) previous.set(image.source, image)
      } catch {
        // An unreadable record: nothing is reused, everything is fetched again.
      }
    }
    this.exporter = new Exporter({
      registries,
      store: this.store,
      previous,
      baseline: baseline?.images ?? new Map(),
      platforms: options.platforms,
      concurrency: options.concurrency,
      retry,
      ...(options.cli !== undefined && { cli: options.cli }),
      tempDir: options.tempDir,
      ...(options.meter !== undefined && { meter: options.meter }),
      ...(options.cache !== undefined && { cache: options.cache })
    })
  }

  prepareExport(request: ExportRequest, context: OperationContext): Promise<PreparedExport> {
    return this.exporter.prepare(request, context)
  }

  export(prepared: PreparedExport, context: OperationContext): Promise<ExportOutcome> {
    return this.exporter.export(prepared, context)
  }

  async finish(images: RecordedImage[], context: { registry: string | null; tag: string | null; platforms: string[] }): Promise<FinishedBundle> {
    const keep = new Set<string>()
    const covers = new Set<string>(this.covered)
    for (const image of images) {
      for (const digest of [image.digest, ...image.content]) {
        covers.add(digest)
        if (!image.carried) continue
        if (this.store.locate(digest) !== undefined) keep.add(digest)
        else if (!this.covered.has(digest)) throw new Error(`${image.source}: ${digest} is neither in the bundle nor in its baseline`)
      }
    }
    const index = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: images
        .filter(image => image.carried)
        .map(image => ({
          mediaType: image.mediaType,
          digest: image.digest,
          size: image.size,
          annotations: { [REF_NAME]: image.source, [CONTAINERD_NAME]: image.source, [TARGET_ANNOTATION]: image.target }
        })),
      annotations: { [COVERS_ANNOTATION]: [...covers].sort().join(' ') }
    }
    const record: BundleRecord = {
      version: RECORD_VERSION,
      tool: 'image-mirror',
      created: new Date().toISOString(),
      registry: context.registry,
      tag: context.tag,
      platforms: context.platforms,
      ...(this.baselineName !== undefined && { baseline: { covers: this.covered.size, name: this.baselineName } }),
      images
    }
    return this.store.finish(Buffer.from(`${JSON.stringify(index, null, 2)}\n`), serializeRecord(record), keep)
  }

  stats(): Record<string, RegistryStats> {
    return this.registries.stats()
  }

  async close(): Promise<void> {
    this.registries.close()
  }
}

export interface OpenedBundle {
  layout: Layout
  /** Our plan record, or one made from index.json's names for a layout another tool wrote. */
  record: BundleRecord
  /** Whether the record is the bundle's own (false: made from index.json). */
  recorded: boolean
}

/** Opens a bundle for import or verify: its layout, and its plan (made from index.json names when it has none). */
export function openBundle(location: string): OpenedBundle {
  const layout = openLayout(location)
  if (layout.record !== undefined) return { layout, record: parseRecord(layout.record, location), recorded: true }
  return { layout, record: foreignRecord(layout), recorded: false }
}

/**
 * A layout skopeo, crane or docker wrote: each index.json entry named by
 * `org.opencontainers.image.ref.name` (or containerd's image name) that reads
 * as a full reference is an image; a bare tag is not enough to know its source.
 */
function foreignRecord(layout: Layout): BundleRecord {
  const images: RecordedImage[] = []
  let parsed: { manifests?: Array<{ digest?: unknown; mediaType?: unknown; size?: unknown; annotations?: Record<string, unknown> }> }
  try {
    parsed = JSON.parse(layout.index.toString('utf8')) as typeof parsed
  } catch {
    throw new LayoutError(`${layout.path}: ${INDEX_FILE} is not JSON`)
  }
  const seen = new Set<string>()
  for (const entry of parsed.manifests ?? []) {
    const names = [entry.annotations?.[CONTAINERD_NAME], entry.annotations?.[REF_NAME]].filter((name): name is string => typeof name === 'string')
    for (const name of names) {
      const candidate = parseRecord(
        Buffer.from(
          JSON.stringify({
            tool: 'image-mirror',
            version: RECORD_VERSION,
            images: [{ kind: 'base', source: name, target: name, origins: [], from: 'registry', digest: entry.digest, mediaType: entry.mediaType, size: entry.size, content: [], bytes: 0 }]
          })
        ),
        layout.path
      ).images[0]
      // A name that is only a tag (`7-alpine`) parses as docker.io/library/7-alpine: only names with a registry or a path count.
      if (candidate === undefined || !/[/.:]/.test(name.split('@')[0] ?? '') || seen.has(candidate.source)) continue
      seen.add(candidate.source)
      images.push(candidate)
      break
    }
  }
  return { version: RECORD_VERSION, tool: 'image-mirror', created: '', registry: null, tag: null, platforms: [], images }
}

export interface ImportEngineOptions extends RegistryAccess {
  bundle: OpenedBundle
  /** Every image of the plan with its target, to find baseline content in the target. */
  images: ReadonlyArray<{ image: RecordedImage; target: ImageReference }>
  meter?: TransferMeter
}

export class BundleImportEngine implements BundleImportPort {
  private readonly registries: Registries
  private readonly importer: Importer

  constructor(options: ImportEngineOptions) {
    const { registries, retry } = registriesFor(options)
    this.registries = registries
    this.importer = new Importer({
      registries,
      layout: options.bundle.layout,
      images: options.images,
      ...(options.bundle.record.baseline !== undefined && { baselineName: options.bundle.record.baseline.name }),
      concurrency: options.concurrency,
      retry,
      ...(options.meter !== undefined && { meter: options.meter })
    })
  }

  prepareImport(request: ImportRequest, context: OperationContext): Promise<PreparedImport> {
    return this.importer.prepare(request, context)
  }

  import(prepared: PreparedImport, context: OperationContext): Promise<ImportOutcome> {
    return this.importer.import(prepared, context)
  }

  stats(): Record<string, RegistryStats> {
    return this.registries.stats()
  }

  async close(): Promise<void> {
    this.registries.close()
  }
}
