/**
 * Import: a bundle's images into the target registry, talking to nothing but
 * the target.
 *
 * `prepare` reads the bundle and makes only HEAD requests: the target's tag
 * (equal digest: nothing to do), then, for what the bundle does not carry (a
 * delta leaves out what its baseline had), whether the target already holds
 * it in the image's repository or in another one it can be mounted from. Every
 * manifest the bundle carries is parsed and hashed and every blob's size is
 * checked against its descriptor here, so a truncated or missing blob refuses
 * its image before anything is pushed; a blob whose bytes are corrupt is
 * caught while it streams (its upload never commits).
 *
 * `import` then pushes like the registry engine copies: blobs first (HEAD,
 * mount from a repository this run pushed it to, else upload from the bundle
 * file), child manifests by digest, the tagged manifest last with its exact
 * bytes, so a failed image never leaves a tag behind.
 */
import type { ImageReference } from '../../reference.js'
import { EngineFailure, type OperationContext } from '../port.js'
import { mapConcurrent } from '../pool.js'
import { withRetry, type RetryPolicy } from '../retry.js'
import type { RegistryClient } from '../registry/client.js'
import type { Registries } from '../registry/registries.js'
import { engineFailure, isTransient, retryAfterOf } from '../registry/errors.js'
import { pushScope } from '../registry/blob.js'
import { isForeign, isIndexType, MAX_MANIFEST_BYTES, parseManifest, type Descriptor, type Manifest } from '../registry/manifest.js'
import { blobExists, headManifest, mountBlob, putManifest, uploadBlob } from './registry-io.js'
import { readBlob, streamBlob, type Layout } from './layout.js'
import { BlobMismatchError } from './store.js'
import type { ImportOutcome, ImportRequest, PreparedImport, TransferMeter } from './port.js'
import type { RecordedImage } from './record.js'

/** The cause of a failure that refuses a whole delta import: the target lacks the baseline. */
export const MISSING_BASELINE = Symbol('missing baseline')

export interface ImporterOptions {
  registries: Registries
  layout: Layout
  /** Every image of the bundle's plan with the target it is imported to: where baseline content may already be. */
  images: ReadonlyArray<{ image: RecordedImage; target: ImageReference }>
  /** The baseline named in the record, for messages. */
  baselineName?: string
  concurrency: number
  retry: RetryPolicy
  meter?: TransferMeter
}

interface ImportState {
  /** Manifests in push order: children before the index that names them; the top one last. */
  manifests: Manifest[]
  /** Blobs the bundle carries, once each. */
  blobs: Descriptor[]
  /** Blobs the bundle does not carry, with a repository of the target that holds them. */
  elsewhere: Array<{ blob: string; from: string }>
  platforms: string[]
  size: number
}

export class Importer {
  /** `repository@digest` pushed or found this run, and repositories per digest to mount from. */
  private readonly pushed = new Map<string, Promise<'present' | 'mounted' | 'uploaded'>>()
  private readonly holders = new Map<string, Set<string>>()
  /** Uploads in flight by digest, whatever the repository: another repository waits, then mounts. */
  private readonly uploading = new Map<string, Promise<unknown>>()

  constructor(private readonly options: ImporterOptions) {}

  async prepare(request: ImportRequest, context: OperationContext): Promise<PreparedImport> {
    const { image, target } = request
    const client = this.options.registries.client(target.registry, 'write')
    const reference = target.tag ?? (target.digest as string)
    try {
      const present = await headManifest(client, target.repository, reference, pushScope(target.repository), context)
      if (present?.digest === image.digest) {
        return { request, done: { status: 'already-present', digest: image.digest, size: image.bytes, ...(image.platforms && { platforms: image.platforms }), bytesTransferred: 0, bytesSkipped: image.bytes }, steps: [] }
      }
      if (this.options.layout.locate(image.digest) === undefined) {
        throw this.missingBaseline(image, [image.digest], target)
      }
      const state: ImportState = { manifests: [], blobs: [], elsewhere: [], platforms: [], size: 0 }
      const seen = new Set<string>()
      const absent: Descriptor[] = []
      const visit = async (descriptor: { digest: string; size?: number }): Promise<void> => {
        const manifest = await this.manifest(image, descriptor.digest, descriptor.size)
        if (manifest === undefined) {
          // A child manifest a delta does not carry: the target must hold it by digest.
          if (!(await headManifest(client, target.repository, descriptor.digest, pushScope(target.repository), context))) absent.push({ mediaType: 'manifest', digest: descriptor.digest, size: descriptor.size ?? 0 })
          return
        }
        if (isIndexType(manifest.mediaType)) {
          for (const child of manifest.manifests) {
            if (child.platform?.os && child.platform.architecture) state.platforms.push([child.platform.os, child.platform.architecture, child.platform.variant].filter(Boolean).join('/'))
            if (!seen.has(child.digest)) {
              seen.add(child.digest)
              await visit(child)
            }
          }
        } else {
          for (const blob of manifest.blobs.filter(candidate => !isForeign(candidate))) {
            state.size += blob.size
            if (seen.has(blob.digest)) continue
            seen.add(blob.digest)
            const location = this.options.layout.locate(blob.digest)
            if (location !== undefined) {
              if (location.size !== blob.size) {
                throw new EngineFailure('integrity', 'local', `blob ${blob.digest} of ${image.source} in the bundle has ${location.size} bytes, its manifest names ${blob.size}: the bundle is damaged; the image was not pushed`)
              }
              state.blobs.push(blob)
            } else absent.push(blob)
          }
        }
        // Post-order: children first, the top manifest last.
        state.manifests.push(manifest)
      }
      await visit({ digest: image.digest, size: image.size })
      // What the bundle does not carry must be in the target already: in this repository, or mountable from another.
      const missing: string[] = []
      for (const blob of absent) {
        if (blob.mediaType === 'manifest') {
          missing.push(blob.digest)
          continue
        }
        const from = await this.findInTarget(client, target.repository, blob.digest, context)
        if (from === undefined) missing.push(blob.digest)
        else if (from !== target.repository) state.elsewhere.push({ blob: blob.digest, from })
      }
      if (missing.length > 0) throw this.missingBaseline(image, missing, target)
      const carried = state.blobs.reduce((sum, blob) => sum + blob.size, 0)
      const steps = [
        `push ${state.blobs.length} blob(s) of ${image.source} from ${this.options.layout.path} into ${client.host}/${target.repository} (${carried} bytes at most; HEAD first, mount or upload)`,
        ...(state.elsewhere.length > 0 ? [`mount ${state.elsewhere.length} blob(s) the bundle does not carry from other repositories of ${client.host}`] : []),
        `${client.describe('PUT', `/v2/${target.repository}/manifests/${reference}`)}${present?.digest !== undefined ? ` (replacing ${present.digest})` : ''}`
      ]
      return { request, steps, state }
    } catch (error) {
      if (error instanceof BlobMismatchError) throw new EngineFailure('integrity', 'local', error.message)
      throw engineFailure(error, context.signal)
    }
  }

  async import(prepared: PreparedImport, context: OperationContext): Promise<ImportOutcome> {
    if (prepared.done !== undefined) return prepared.done
    const state = prepared.state as ImportState
    const { image, target } = prepared.request
    const client = this.options.registries.client(target.registry, 'write')
    const repository = target.repository
    let transferred = 0
    try {
      for (const blob of state.blobs) this.options.meter?.expect(image.source, blob.size)
      await mapConcurrent(state.blobs, this.options.concurrency, async blob => {
        const outcome = await this.pushBlob(client, repository, blob, image.source, context)
        if (outcome === 'uploaded') transferred += blob.size
      })
      for (const { blob, from } of state.elsewhere) {
        if (!(await mountBlob(client, repository, blob, from, context))) {
          throw new EngineFailure('not-found', 'target', `blob ${blob} of ${image.source} is not in the bundle and could not be mounted from ${client.host}/${from}`, { host: client.host })
        }
      }
      const top = state.manifests[state.manifests.length - 1] as Manifest
      for (const manifest of state.manifests.slice(0, -1)) {
        if (await headManifest(client, repository, manifest.digest, pushScope(repository), context)) continue
        await putManifest(client, repository, manifest.digest, manifest.bytes, manifest.mediaType, context)
      }
      await putManifest(client, repository, target.tag ?? top.digest, top.bytes, top.mediaType, context)
      return {
        status: 'imported',
        digest: top.digest,
        size: state.size,
        ...(state.platforms.length > 0 && { platforms: [...new Set(state.platforms)].sort() }),
        bytesTransferred: transferred,
        bytesSkipped: state.size - transferred
      }
    } catch (error) {
      if (error instanceof BlobMismatchError) {
        throw new EngineFailure('integrity', 'local', `${error.message}; ${target.repository}:${target.tag ?? ''} was not tagged`)
      }
      throw engineFailure(error, context.signal)
    }
  }

  private async pushBlob(client: RegistryClient, repository: string, blob: Descriptor, image: string, context: OperationContext): Promise<'present' | 'mounted' | 'uploaded'> {
    const key = `${repository}@${blob.digest}`
    const running = this.pushed.get(key)
    if (running !== undefined) {
      try {
        await running
        this.options.meter?.moved(image, blob.size)
        return 'present'
      } catch {
        // The other image's attempt failed: try again for this one.
      }
    }
    const attempt = (async (): Promise<'present' | 'mounted' | 'uploaded'> => {
      if (await blobExists(client, repository, blob.digest, context)) {
        this.options.meter?.moved(image, blob.size)
        return 'present'
      }
      // One upload per digest and registry: wait for one running into another repository, then mount from it.
      const elsewhere = this.uploading.get(blob.digest)
      let finished!: () => void
      const done = new Promise<void>(resolve => (finished = resolve))
      if (elsewhere !== undefined) await elsewhere.catch(() => undefined)
      else this.uploading.set(blob.digest, done)
      try {
        for (const from of this.holders.get(blob.digest) ?? []) {
          if (from === repository) continue
          if (await mountBlob(client, repository, blob.digest, from, context)) {
            this.options.meter?.moved(image, blob.size)
            return 'mounted'
          }
          break
        }
        const location = this.options.layout.locate(blob.digest)
        if (location === undefined) throw new EngineFailure('integrity', 'local', `blob ${blob.digest} is not in the bundle`)
        let moved = 0
        await withRetry(
          async () => {
            this.options.meter?.moved(image, -moved)
            moved = 0
            await uploadBlob(client, repository, blob, () => streamBlob(location), context, bytes => {
              moved += bytes
              this.options.meter?.moved(image, bytes)
            })
          },
          this.options.retry,
          { isTransient: error => !(error instanceof BlobMismatchError) && isTransient(error), retryAfterMs: retryAfterOf, signal: context.signal }
        )
        // Known as a holder before the waiters wake, so they mount from here.
        this.remember(blob.digest, repository)
      } finally {
        if (this.uploading.get(blob.digest) === done) this.uploading.delete(blob.digest)
        finished()
      }
      return 'uploaded'
    })()
    this.pushed.set(key, attempt)
    try {
      const outcome = await attempt
      this.remember(blob.digest, repository)
      return outcome
    } catch (error) {
      if (this.pushed.get(key) === attempt) this.pushed.delete(key)
      throw error
    }
  }

  private remember(digest: string, repository: string): void {
    let holders = this.holders.get(digest)
    if (holders === undefined) this.holders.set(digest, (holders = new Set()))
    holders.add(repository)
  }

  /** A manifest the bundle carries, parsed and checked against its digest and size; undefined when not carried. */
  private async manifest(image: RecordedImage, digest: string, size: number | undefined): Promise<Manifest | undefined> {
    const location = this.options.layout.locate(digest)
    if (location === undefined) return undefined
    if (size !== undefined && location.size !== size) {
      throw new EngineFailure('integrity', 'local', `manifest ${digest} of ${image.source} in the bundle has ${location.size} bytes, ${size} expected: the bundle is damaged; the image was not pushed`)
    }
    const bytes = await readBlob(location, MAX_MANIFEST_BYTES)
    let manifest: Manifest
    try {
      manifest = parseManifest(bytes, digest === image.digest ? image.mediaType : undefined, `manifest ${digest} in the bundle`)
    } catch (error) {
      throw new EngineFailure('integrity', 'local', `${(error as Error).message} (image ${image.source}); the image was not pushed`)
    }
    if (manifest.digest !== digest) {
      throw new EngineFailure('integrity', 'local', `manifest ${digest} of ${image.source} in the bundle is corrupt: its bytes hash to ${manifest.digest}; the image was not pushed`)
    }
    return manifest
  }

  /** A repository of the target that holds `digest`: this one, else one of the plan's images recorded with it, else any of the plan's. */
  private async findInTarget(client: RegistryClient, repository: string, digest: string, context: OperationContext): Promise<string | undefined> {
    if (await blobExists(client, repository, digest, context)) return repository
    const sameRegistry = this.options.images.filter(entry => entry.target.registry === client.endpoint.registry && entry.target.repository !== repository)
    const likely = sameRegistry.filter(entry => entry.image.content.includes(digest))
    const rest = sameRegistry.filter(entry => !entry.image.content.includes(digest))
    const tried = new Set<string>()
    for (const entry of [...likely, ...rest]) {
      if (tried.has(entry.target.repository)) continue
      tried.add(entry.target.repository)
      if (await blobExists(client, entry.target.repository, digest, context)) return entry.target.repository
    }
    return undefined
  }

  private missingBaseline(image: RecordedImage, digests: string[], target: ImageReference): EngineFailure {
    const shown = digests.slice(0, 3).join(', ')
    const more = digests.length > 3 ? ` and ${digests.length - 3} more` : ''
    const baseline = this.options.baselineName !== undefined ? ` (${this.options.baselineName})` : ''
    return new EngineFailure(
      'not-found',
      'target',
      `${target.registry}/${target.repository} lacks baseline content that this delta bundle does not carry for ${image.source}: ${shown}${more}; import the baseline bundle${baseline} first; nothing was pushed`,
      { host: target.registry, cause: MISSING_BASELINE }
    )
  }
}
