/**
 * Export: images into the bundle's blob store with their exact bytes.
 *
 * From a registry (through the registry engine's clients): `prepare` makes
 * one HEAD of the source manifest; an image the bundle at this path already
 * holds whole under that digest, or that the baseline covers, is done without
 * another request. Otherwise manifests are fetched by digest (or read from the
 * store when held), every platform of an index (or the `platforms` asked for,
 * which changes the index digest as with the registry engine), and only the
 * blobs the store lacks and the baseline does not cover are downloaded, each
 * once per run whatever number of images share it.
 *
 * From the local daemon (a service image built in this job): `docker save`
 * into a temporary archive; the config is kept byte for byte (its digest is
 * the image ID), layers are compressed with gzip into blobs and a Docker v2
 * manifest names them, the way a push would. A daemon whose `docker save`
 * already writes an OCI layout (docker 25 and later) is copied as it is.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { Readable } from 'node:stream'
import { createGzip } from 'node:zlib'
import { familiarName, formatReference, type ImageReference } from '../../reference.js'
import { EngineFailure, type OperationContext } from '../port.js'
import { mapConcurrent } from '../pool.js'
import { withRetry, type RetryPolicy } from '../retry.js'
import type { Registries } from '../registry/registries.js'
import { engineFailure, isTransient, RegistryError, retryAfterOf } from '../registry/errors.js'
import { pullScope } from '../registry/blob.js'
import { filterIndex, formatPlatform, isForeign, isIndexType, MAX_MANIFEST_BYTES, MEDIA_TYPES, parseManifest, sha256Digest, type Descriptor, type Manifest } from '../registry/manifest.js'
import { DockerCommandError, type DockerCli } from '../docker/cli.js'
import { displayCommand, type DockerCommand } from '../docker/commands.js'
import { getManifest, headManifest } from './registry-io.js'
import { downloadBlob } from '../registry/blob.js'
import { BlobMismatchError, type BundleStore } from './store.js'
import { readBlob, streamBlob, type BlobLocation } from './layout.js'
import { indexTar, type TarEntry } from './tar.js'
import type { ExportOutcome, ExportRequest, PreparedExport, TransferMeter } from './port.js'
import type { RecordedImage } from './record.js'
import type { BlobCache } from '../cache/blob-cache.js'

const DOCKER_CONFIG_TYPE = 'application/vnd.docker.container.image.v1+json'
const DOCKER_LAYER_TYPE = 'application/vnd.docker.image.rootfs.diff.tar.gzip'

export interface ExporterOptions {
  registries: Registries
  store: BundleStore
  /** Images of the bundle previously at this path, by source, to reuse what is unchanged. */
  previous: ReadonlyMap<string, RecordedImage>
  /** Images of the baseline, by digest, to describe what a delta leaves out. */
  baseline: ReadonlyMap<string, RecordedImage>
  platforms: readonly string[]
  concurrency: number
  retry: RetryPolicy
  cli?: DockerCli
  tempDir: string
  meter?: TransferMeter
  /** cache: true: manifests and blobs are read from this store when it holds them intact, and what is fetched goes into it. */
  cache?: BlobCache
}

type RegistryState = { kind: 'registry'; ref: ImageReference; sourceDigest?: string; mediaType?: string }
type DaemonState = { kind: 'daemon'; name: string; imageId: string }

interface Tally {
  transferred: number
  skipped: number
  bytes: number
  content: Set<string>
  platforms: Set<string>
}

export class Exporter {
  constructor(private readonly options: ExporterOptions) {}

  async prepare(request: ExportRequest, context: OperationContext): Promise<PreparedExport> {
    try {
      if (request.from.kind === 'daemon') {
        const imageId = await this.localImageId(request.from.name, context)
        if (imageId === undefined) {
          if (request.from.fallback === undefined) throw new EngineFailure('not-local', 'local', `${request.from.name} is not in the local docker daemon: build it first (mode: build) or push it`)
          return this.prepareRegistry(request, request.from.fallback, context)
        }
        const reused = this.reusable(request, previous => previous.imageId === imageId)
        if (reused !== undefined) return { request, done: reused, steps: [] }
        // The baseline carried this very image (same ID): a delta leaves it out.
        const known = [...this.options.baseline.values()].find(image => image.imageId === imageId && image.source === request.source)
        if (known !== undefined && this.options.store.isCovered(known.digest)) {
          const done = this.inBaseline(request, known.digest, {})
          return { request, done: { ...done, image: { ...done.image, from: 'daemon', imageId } }, steps: [] }
        }
        return { request, steps: [displayCommand(saveCommand('<temp>/image.tar', request.from.name)), `compress its layers into ${this.options.store.root}`], state: { kind: 'daemon', name: request.from.name, imageId } satisfies DaemonState }
      }
      return await this.prepareRegistry(request, request.from.ref, context)
    } catch (error) {
      throw engineFailure(error, context.signal)
    }
  }

  async export(prepared: PreparedExport, context: OperationContext): Promise<ExportOutcome> {
    if (prepared.done !== undefined) return prepared.done
    const state = prepared.state as RegistryState | DaemonState
    try {
      return state.kind === 'daemon' ? await this.exportDaemon(prepared.request, state, context) : await this.exportRegistry(prepared.request, state, context)
    } catch (error) {
      if (error instanceof BlobMismatchError) throw new EngineFailure('integrity', 'source', error.message)
      throw engineFailure(error, context.signal)
    }
  }

  // ------------------------------------------------------------ registry

  private async prepareRegistry(request: ExportRequest, ref: ImageReference, context: OperationContext): Promise<PreparedExport> {
    const client = this.options.registries.client(ref.registry, 'read')
    const selector = ref.tag ?? (ref.digest as string)
    const head = ref.digest !== undefined ? { digest: ref.digest } : await headManifest(client, ref.repository, selector, pullScope(ref.repository), context)
    if (head === undefined) {
      throw new RegistryError(`HEAD ${client.host}/v2/${ref.repository}/manifests/${selector}: HTTP 404 MANIFEST_UNKNOWN`, { status: 404, code: 'MANIFEST_UNKNOWN', transient: false, side: 'source', host: client.host })
    }
    const sourceDigest = head.digest
    if (sourceDigest !== undefined) {
      const reused = this.reusable(request, previous => (previous.sourceDigest ?? previous.digest) === sourceDigest && previous.from === 'registry')
      if (reused !== undefined) return { request, done: reused, steps: [] }
      if (this.options.store.isCovered(sourceDigest)) return { request, done: this.inBaseline(request, sourceDigest, head), steps: [] }
    }
    const state: RegistryState = { kind: 'registry', ref, ...(sourceDigest !== undefined && { sourceDigest }), ...(head.mediaType !== undefined && { mediaType: head.mediaType }) }
    const steps = [
      client.describe('GET', `/v2/${ref.repository}/manifests/${sourceDigest ?? selector}`),
      `fetch the ${this.options.platforms.length > 0 ? `${this.options.platforms.join(', ')} manifests` : 'platform manifests'} and the blobs the bundle lacks into ${this.options.store.root} (${client.describe('GET', `/v2/${ref.repository}/blobs/<digest>`)})`
    ]
    return { request, steps, state, ...(sourceDigest !== undefined && { sourceDigest }) }
  }

  private async exportRegistry(request: ExportRequest, state: RegistryState, context: OperationContext): Promise<ExportOutcome> {
    const client = this.options.registries.client(state.ref.registry, 'read')
    const repository = state.ref.repository
    const manifestOf = async (reference: string, expected: string | undefined): Promise<Manifest> => {
      if (expected !== undefined) {
        const held = (await this.heldManifest(expected)) ?? (await this.cachedManifest(expected))
        if (held !== undefined) return held
      }
      const fetched = await getManifest(client, repository, reference, expected, context, pullScope(repository))
      await this.options.store.putBytes(fetched.digest, fetched.bytes)
      await this.options.cache?.keepManifest(fetched.digest, fetched.bytes)
      return fetched
    }
    const original = await manifestOf(state.sourceDigest ?? state.ref.tag ?? (state.ref.digest as string), state.sourceDigest)
    let top = original
    if (isIndexType(original.mediaType) && this.options.platforms.length > 0) {
      top = filterIndex(original, this.options.platforms)
      if (top.manifests.length === 0) {
        const offered = original.manifests.map(child => formatPlatform(child.platform)).filter(Boolean).join(', ')
        throw new RegistryError(`none of the platforms ${this.options.platforms.join(', ')} is in the index of ${formatReference(state.ref)} (it has ${offered.slice(0, 500)})`, {
          code: 'PLATFORM_UNKNOWN',
          transient: false,
          side: 'source',
          host: client.host
        })
      }
      await this.options.store.putBytes(top.digest, top.bytes)
    }
    const tally = newTally()
    await this.walk(top, request.source, tally, (child, expected) => manifestOf(child, expected), blob => this.fetchBlob(client, repository, blob, request.source, context))
    return this.outcome(request, top, tally, { from: 'registry', sourceDigest: original.digest })
  }

  private async fetchBlob(client: ReturnType<Registries['client']>, repository: string, blob: Descriptor, image: string, context: OperationContext): Promise<boolean> {
    let written = false
    await withRetry(
      async () => {
        try {
          const cache = this.options.cache
          const download = (): Promise<Readable> => downloadBlob(client, repository, blob, context)
          const open = cache === undefined ? download : async () => streamBlob(await cache.obtain(blob, download))
          const outcome = await this.options.store.ensure(blob.digest, blob.size, open, bytes => this.options.meter?.moved(image, bytes))
          written = outcome === 'written'
        } catch (error) {
          if (error instanceof BlobMismatchError) throw new RegistryError(error.message, { code: 'DIGEST_MISMATCH', transient: true, side: 'source', host: client.host })
          throw error
        }
      },
      this.options.retry,
      { isTransient, retryAfterMs: retryAfterOf, signal: context.signal }
    )
    return written
  }

  // ------------------------------------------------------------ daemon

  private async localImageId(name: string, context: OperationContext): Promise<string | undefined> {
    const cli = this.options.cli
    if (cli === undefined) return undefined
    const command: DockerCommand = { args: ['image', 'inspect', '--format', '{{.Id}}', name] }
    context.record(displayCommand(command))
    try {
      const id = (await cli.run(command, { signal: context.signal })).stdout.trim()
      return /^sha256:[a-f0-9]{64}$/.test(id) ? id : undefined
    } catch (error) {
      if (error instanceof DockerCommandError && /no such (image|object)/i.test(error.stderr)) return undefined
      if (error instanceof DockerCommandError || (error as Error).name === 'DockerNotFoundError') return undefined
      throw error
    }
  }

  private async exportDaemon(request: ExportRequest, state: DaemonState, context: OperationContext): Promise<ExportOutcome> {
    const cli = this.options.cli as DockerCli
    const dir = fs.mkdtempSync(path.join(this.options.tempDir || os.tmpdir(), 'im-save-'))
    try {
      const archive = path.join(dir, 'image.tar')
      const command = saveCommand(archive, state.name)
      context.record(displayCommand(command))
      try {
        await cli.run(command, { signal: context.signal })
      } catch (error) {
        const reason = error instanceof DockerCommandError ? error.reason : String(error)
        throw new EngineFailure('other', 'local', `docker save ${state.name} failed: ${reason}`, { ...(error instanceof DockerCommandError && { log: error.output }) })
      }
      const entries = indexTar(archive)
      const locate = (name: string): BlobLocation | undefined => {
        const entry: TarEntry | undefined = entries.get(name)
        return entry?.type === 'file' ? { file: archive, offset: entry.offset, size: entry.size } : undefined
      }
      const tally = newTally()
      let top: Manifest
      if (locate('oci-layout') !== undefined && locate('index.json') !== undefined) {
        top = await this.fromSavedLayout(request, locate, tally, context)
      } else {
        top = await this.fromLegacySave(request, state, locate, tally)
      }
      return this.outcome(request, top, tally, { from: 'daemon', imageId: state.imageId })
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }

  /** docker 25+: the saved archive is an OCI layout already; its first image is copied as it is. */
  private async fromSavedLayout(request: ExportRequest, locate: (name: string) => BlobLocation | undefined, tally: Tally, context: OperationContext): Promise<Manifest> {
    const index = parseManifest(await readBlob(locate('index.json') as BlobLocation, MAX_MANIFEST_BYTES), MEDIA_TYPES.ociIndex, 'docker save index.json')
    const first = index.manifests[0]
    if (first === undefined) throw new EngineFailure('other', 'local', `docker save of ${familiarName(request.target)} wrote no image`)
    const blobAt = (digest: string): BlobLocation | undefined => locate(`blobs/${digest.replace(':', '/')}`)
    const manifestOf = async (digest: string): Promise<Manifest> => {
      const location = blobAt(digest)
      if (location === undefined) throw new EngineFailure('other', 'local', `docker save wrote no manifest ${digest}`)
      const manifest = parseManifest(await readBlob(location, MAX_MANIFEST_BYTES), undefined, `docker save ${digest}`)
      if (manifest.digest !== digest) throw new EngineFailure('integrity', 'local', `docker save wrote manifest ${digest} with other bytes`)
      await this.options.store.putBytes(digest, manifest.bytes)
      return manifest
    }
    const top = await manifestOf(first.digest)
    await this.walk(top, request.source, tally, (_reference, expected) => manifestOf(expected as string), async blob => {
      const location = blobAt(blob.digest)
      // A containerd store keeps only the platforms it pulled: the others are not in the archive.
      if (location === undefined) throw new EngineFailure('not-local', 'local', `docker save of ${familiarName(request.target)} lacks blob ${blob.digest}`)
      context.signal.throwIfAborted()
      return (await this.options.store.ensure(blob.digest, blob.size, async () => streamBlob(location), bytes => this.options.meter?.moved(request.source, bytes))) === 'written'
    })
    return top
  }

  /** docker before 25: manifest.json, the config by its ID, uncompressed layer tars; layers are gzipped as a push would. */
  private async fromLegacySave(request: ExportRequest, state: DaemonState, locate: (name: string) => BlobLocation | undefined, tally: Tally): Promise<Manifest> {
    const manifestFile = locate('manifest.json')
    if (manifestFile === undefined) throw new EngineFailure('other', 'local', `docker save of ${state.name} wrote neither an OCI layout nor manifest.json`)
    const saved = JSON.parse((await readBlob(manifestFile, MAX_MANIFEST_BYTES)).toString('utf8')) as Array<{ Config?: unknown; Layers?: unknown }>
    const entry = saved[0]
    if (entry === undefined || typeof entry.Config !== 'string' || !Array.isArray(entry.Layers)) throw new EngineFailure('other', 'local', `docker save of ${state.name}: manifest.json is not as expected`)
    const configLocation = locate(entry.Config)
    if (configLocation === undefined) throw new EngineFailure('other', 'local', `docker save of ${state.name}: no ${entry.Config}`)
    const configBytes = await readBlob(configLocation, MAX_MANIFEST_BYTES)
    const configDigest = sha256Digest(configBytes)
    await this.options.store.putBytes(configDigest, configBytes)
    const layers: Descriptor[] = []
    for (const name of entry.Layers) {
      const location = typeof name === 'string' ? locate(name) : undefined
      if (location === undefined) throw new EngineFailure('other', 'local', `docker save of ${state.name}: no layer ${String(name)}`)
      this.options.meter?.expect(request.source, location.size)
      const stored = await this.options.store.putComputed(streamBlob(location), createGzip(), bytes => this.options.meter?.moved(request.source, bytes))
      layers.push({ mediaType: DOCKER_LAYER_TYPE, digest: stored.digest, size: stored.size })
      tally.transferred += stored.size
    }
    const config: Descriptor = { mediaType: DOCKER_CONFIG_TYPE, digest: configDigest, size: configBytes.length }
    tally.transferred += config.size
    const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.dockerManifest, config, layers }, null, 3))
    const manifest = parseManifest(bytes, MEDIA_TYPES.dockerManifest, `${state.name} (from docker save)`)
    await this.options.store.putBytes(manifest.digest, bytes)
    for (const blob of [config, ...layers]) {
      tally.content.add(blob.digest)
      tally.bytes += blob.size
    }
    try {
      const platform = JSON.parse(configBytes.toString('utf8')) as { os?: string; architecture?: string; variant?: string }
      const formatted = formatPlatform({ os: platform.os ?? '', architecture: platform.architecture ?? '', ...(platform.variant !== undefined && { variant: platform.variant }) })
      if (formatted !== undefined) tally.platforms.add(formatted)
    } catch {
      // A config without a platform: none recorded.
    }
    return manifest
  }

  // ------------------------------------------------------------ shared

  /**
   * Every child manifest and blob below `manifest`: children fetched (or read
   * from the store) and always carried, blobs only when neither the store
   * holds them nor the baseline covers them.
   */
  private async walk(
    manifest: Manifest,
    image: string,
    tally: Tally,
    child: (reference: string, expected: string | undefined) => Promise<Manifest>,
    fetch: (blob: Descriptor) => Promise<boolean>
  ): Promise<void> {
    if (isIndexType(manifest.mediaType)) {
      await mapConcurrent(manifest.manifests, this.options.concurrency, async descriptor => {
        const platform = formatPlatform(descriptor.platform)
        if (platform !== undefined && platform !== 'unknown/unknown') tally.platforms.add(platform)
        tally.content.add(descriptor.digest)
        const nested = await child(descriptor.digest, descriptor.digest)
        await this.walk(nested, image, tally, child, fetch)
      })
      return
    }
    const blobs = manifest.blobs.filter(blob => !isForeign(blob))
    for (const blob of blobs) {
      tally.content.add(blob.digest)
      tally.bytes += blob.size
    }
    const missing = blobs.filter(blob => this.options.store.locate(blob.digest, blob.size) === undefined && !this.options.store.isCovered(blob.digest))
    for (const blob of missing) this.options.meter?.expect(image, blob.size)
    await mapConcurrent(missing, this.options.concurrency, async blob => {
      if (await fetch(blob)) tally.transferred += blob.size
    })
    tally.skipped += blobs.filter(blob => !missing.includes(blob)).reduce((sum, blob) => sum + blob.size, 0)
  }

  /** A manifest the blob cache holds intact, copied into the bundle. */
  private async cachedManifest(digest: string): Promise<Manifest | undefined> {
    const bytes = await this.options.cache?.manifest(digest)
    if (bytes === undefined) return undefined
    const manifest = parseManifest(bytes, undefined, digest)
    await this.options.store.putBytes(digest, bytes)
    return manifest
  }

  private async heldManifest(digest: string): Promise<Manifest | undefined> {
    const bytes = await this.options.store.read(digest, MAX_MANIFEST_BYTES).catch(() => undefined)
    if (bytes === undefined) return undefined
    try {
      const manifest = parseManifest(bytes, undefined, digest)
      return manifest.digest === digest ? manifest : undefined
    } catch {
      return undefined
    }
  }

  /** The previous bundle's record of this image, when `same` and everything it names is held (or covered). */
  private reusable(request: ExportRequest, same: (previous: RecordedImage) => boolean): ExportOutcome | undefined {
    const previous = this.options.previous.get(request.source)
    if (previous === undefined || !previous.carried || !same(previous)) return undefined
    const store = this.options.store
    const whole = store.locate(previous.digest, previous.size) !== undefined && previous.content.every(digest => store.locate(digest) !== undefined || store.isCovered(digest))
    if (!whole) return undefined
    return {
      status: 'already-present',
      image: { ...previous, kind: request.kind, source: request.source, target: formatReference(request.target), origins: request.origins },
      bytesTransferred: 0,
      bytesSkipped: previous.bytes
    }
  }

  /** The baseline carried this image unchanged: the delta records it and carries none of it. */
  private inBaseline(request: ExportRequest, digest: string, head: { mediaType?: string; size?: number }): ExportOutcome {
    const known = this.options.baseline.get(digest)
    const image: RecordedImage = {
      kind: request.kind,
      source: request.source,
      target: formatReference(request.target),
      origins: request.origins,
      from: 'registry',
      digest,
      mediaType: known?.mediaType ?? head.mediaType ?? MEDIA_TYPES.ociManifest,
      size: known?.size ?? head.size ?? 0,
      sourceDigest: digest,
      ...(known?.platforms !== undefined && { platforms: known.platforms }),
      content: known?.content ?? [],
      bytes: known?.bytes ?? 0,
      carried: false
    }
    return { status: 'already-present', image, bytesTransferred: 0, bytesSkipped: image.bytes }
  }

  private outcome(request: ExportRequest, top: Manifest, tally: Tally, origin: { from: 'registry' | 'daemon'; sourceDigest?: string; imageId?: string }): ExportOutcome {
    const image: RecordedImage = {
      kind: request.kind,
      source: request.source,
      target: formatReference(request.target),
      origins: request.origins,
      from: origin.from,
      digest: top.digest,
      mediaType: top.mediaType,
      size: top.bytes.length,
      ...(origin.sourceDigest !== undefined && { sourceDigest: origin.sourceDigest }),
      ...(origin.imageId !== undefined && { imageId: origin.imageId }),
      ...(tally.platforms.size > 0 && { platforms: [...tally.platforms].sort() }),
      content: [...tally.content].sort(),
      bytes: tally.bytes,
      carried: true
    }
    return { status: 'exported', image, bytesTransferred: tally.transferred, bytesSkipped: tally.skipped }
  }
}

export function saveCommand(output: string, name: string): DockerCommand {
  return { args: ['save', '-o', output, name] }
}

function newTally(): Tally {
  return { transferred: 0, skipped: 0, bytes: 0, content: new Set(), platforms: new Set() }
}
