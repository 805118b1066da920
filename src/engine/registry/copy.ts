/**
 * Copies one image registry to registry, in two halves.
 *
 * `prepare` only reads: a HEAD of the target manifest and (unless the source
 * is pinned by digest) a HEAD of the source, both at once, never a manifest GET (Docker Hub
 * counts those) and nothing that writes. When the digests match, the copy is
 * already done; otherwise it says, as request lines, what `copy` will do, and
 * carries what it learned so `copy` does not ask again.
 *
 * `copy` fetches the source manifest by the digest prepare saw, makes
 * everything it references present first (children by digest, blobs through
 * BlobMover), and pushes the manifest last with its exact bytes and media
 * type, so digests are preserved and a failed copy never leaves a tag pointing
 * at an incomplete image. Work inside one image runs as an errgroup: bounded,
 * and the first failure cancels its siblings before the error is thrown.
 */
import { setMaxListeners } from 'node:events'
import { DOCKER_HUB, formatReference, type ImageReference } from '../../reference.js'
import { header, type RegistryClient, type RegistryResponse, type RequestContext } from './client.js'
import { oneLine, RegistryError } from './errors.js'
import { BlobMover, pullScope, pushScope, type Repository } from './blob.js'
import { getManifest, headManifest } from './manifest-requests.js'
import {
  filterIndex,
  formatPlatform,
  isForeign,
  isIndexType,
  MAX_MANIFEST_BYTES,
  MEDIA_TYPES,
  parseManifest,
  sha256Digest,
  type Descriptor,
  type Manifest
} from './manifest.js'
import type { Registries } from './registries.js'
import type { BlobCache } from '../cache/blob-cache.js'

export interface CopyOptions {
  /** Children and blobs of one image copied at once. */
  concurrency: number
  /** Copy only these platforms of an index (`linux/amd64`); empty: all. Changes the index digest. */
  platforms: readonly string[]
  copyReferrers: boolean
  /** Stop before a manifest GET when Docker Hub's ratelimit-remaining is at or below this. */
  rateLimitReserve: number
  /** cache: true: source manifests asked for by digest are read from this store when it holds them intact, and kept there when fetched. */
  cache?: BlobCache
}

export interface CopyResult {
  status: 'mirrored' | 'already-present'
  digest: string
  mediaType?: string
  /** Bytes of the blobs the image references (as far as they were looked at). */
  size?: number
  platforms?: string[]
  bytesTransferred: number
  bytesSkipped: number
  /** Referrer manifests copied (signatures, SBOMs). */
  referrers: number
}

/** What prepare learned, handed to copy so it does not repeat the HEADs. */
export class CopyState {
  constructor(
    /** The target's digest now, or undefined when the target is absent. */
    readonly targetDigest: string | undefined,
    /** The source's digest (pinned, or from its HEAD); undefined when its registry did not say. */
    readonly sourceDigest: string | undefined,
    /** The target already holds the source: only referrers are left to copy. */
    readonly referrersOnly: boolean
  ) {}
}

export interface PreparedImage {
  done?: CopyResult
  steps: string[]
  state: CopyState
}

interface Tally {
  size: number
  transferred: number
  skipped: number
  platforms: Set<string>
  referrers: number
}

interface Route {
  source: Repository
  target: Repository
  from: RegistryClient
  to: RegistryClient
}

interface Head {
  /** Undefined when the registry sent no digest and a GET was not allowed. */
  digest?: string
  mediaType?: string
}

export class ImageCopier {
  constructor(
    private readonly registries: Registries,
    private readonly blobs: BlobMover,
    private readonly options: CopyOptions
  ) {}

  async prepare(source: ImageReference, target: ImageReference, context: RequestContext): Promise<PreparedImage> {
    const route = this.route(source, target)
    // Both HEADs at once: every outcome needs the target's, and the source's unless it is pinned by digest.
    const [present, headed] = await Promise.all([
      this.head(route.to, target.repository, selector(target), pushScope(target.repository), context, target.registry !== DOCKER_HUB),
      source.digest !== undefined ? undefined : this.head(route.from, source.repository, selector(source), pullScope(source.repository), context, false)
    ])
    if (source.digest === undefined && headed === undefined) throw notFound(route.from, source)
    const sourceHead: Head | undefined = source.digest !== undefined ? { digest: source.digest } : headed
    const filtering = this.options.platforms.length > 0
    if (present && sourceHead && !filtering) {
      if (sourceHead.digest !== undefined && sourceHead.digest === present.digest) {
        if (this.options.copyReferrers) {
          // Signatures may have been attached since the last run.
          return { steps: [this.referrersStep(route, present.digest)], state: new CopyState(present.digest, sourceHead.digest, true) }
        }
        return { done: alreadyPresent(present.digest, present.mediaType), steps: [], state: new CopyState(present.digest, sourceHead.digest, false) }
      }
    }
    const sourceDigest = sourceHead?.digest
    return { steps: this.copySteps(route, source, target, sourceDigest, sourceHead?.mediaType, present), state: new CopyState(present?.digest, sourceDigest, false) }
  }

  async copy(source: ImageReference, target: ImageReference, state: CopyState, context: RequestContext): Promise<CopyResult> {
    const route = this.route(source, target)
    if (state.referrersOnly && state.targetDigest !== undefined) {
      const tally = newTally()
      await this.copyReferrers(route, state.targetDigest, tally, context)
      return { ...alreadyPresent(state.targetDigest, undefined), referrers: tally.referrers }
    }
    const original = await this.sourceManifest(route, state.sourceDigest ?? selector(source), state.sourceDigest, context)
    let top = original
    if (isIndexType(original.mediaType) && this.options.platforms.length > 0) {
      top = filterIndex(original, this.options.platforms)
      if (top.manifests.length === 0) {
        const offered = original.manifests.map(child => formatPlatform(child.platform)).filter(Boolean).join(', ')
        throw new RegistryError(`none of the platforms ${this.options.platforms.join(', ')} is in the index of ${formatReference(source)} (it has ${oneLine(offered, 500)})`, {
          code: 'PLATFORM_UNKNOWN',
          transient: false,
          side: 'source',
          host: route.from.host
        })
      }
    }
    if (state.targetDigest === top.digest) return alreadyPresent(top.digest, top.mediaType)

    const tally = newTally()
    await this.copyContent(route, top, tally, context)
    await this.put(route.to, target.repository, selector(target), top, context)
    if (this.options.copyReferrers) await this.copyReferrers(route, original.digest, tally, context)
    return {
      status: 'mirrored',
      digest: top.digest,
      mediaType: top.mediaType,
      size: tally.size,
      ...(tally.platforms.size > 0 && { platforms: [...tally.platforms].sort() }),
      bytesTransferred: tally.transferred,
      bytesSkipped: tally.skipped,
      referrers: tally.referrers
    }
  }

  /** The target's manifest digest, or undefined when it is absent: one HEAD. */
  async lookup(target: ImageReference, context: RequestContext): Promise<Head | undefined> {
    const to = this.registries.client(target.registry, 'write')
    // The one request of a lookup is its whole log, as describeLookup announced it.
    for (const line of this.describeLookup(target)) context.record?.(line)
    return this.head(to, target.repository, selector(target), pushScope(target.repository), context, target.registry !== DOCKER_HUB)
  }

  describeLookup(target: ImageReference): string[] {
    return [this.registries.client(target.registry, 'write').describe('HEAD', `/v2/${target.repository}/manifests/${selector(target)}`)]
  }

  private route(source: ImageReference, target: ImageReference): Route {
    return { source, target, from: this.registries.client(source.registry, 'read'), to: this.registries.client(target.registry, 'write') }
  }

  private copySteps(route: Route, source: ImageReference, target: ImageReference, sourceDigest: string | undefined, mediaType: string | undefined, present: Head | undefined): string[] {
    const what = sourceDigest ?? formatReference(source)
    const into = `${route.to.host}/${target.repository}`
    const blobs = '(HEAD, mount from another repository or upload)'
    const steps = [route.from.describe('GET', `/v2/${source.repository}/manifests/${sourceDigest ?? selector(source)}`)]
    if (this.options.platforms.length > 0) {
      steps.push(`keep only ${this.options.platforms.join(', ')} of an index (its digest changes); nothing more when ${formatReference(target)} already holds that`)
    }
    if (mediaType !== undefined && isIndexType(mediaType)) {
      steps.push(`copy each platform manifest of ${what} into ${into} (HEAD, GET and PUT by digest) with its blobs ${blobs}`)
    } else if (mediaType !== undefined) {
      steps.push(`copy blobs of ${what} into ${into} ${blobs}`)
    } else {
      steps.push(`copy the platform manifests and blobs of ${what} into ${into} ${blobs}`)
    }
    const replacing = present?.digest !== undefined ? ` (replacing ${present.digest})` : present ? ' (replacing what is there)' : ''
    steps.push(`${route.to.describe('PUT', `/v2/${target.repository}/manifests/${selector(target)}`)}${replacing}`)
    if (this.options.copyReferrers) steps.push(this.referrersStep(route, what))
    return steps
  }

  private referrersStep(route: Route, subject: string): string {
    return `copy referrers of ${subject} into ${route.to.host}/${route.target.repository} (${route.from.describe('GET', `/v2/${route.source.repository}/referrers/${subject}`)}, or the sha256-<hex> tag)`
  }

  /**
   * A manifest's digest and media type as a HEAD gives them, or undefined when
   * it is absent. A registry that sends no digest on HEAD: the manifest is
   * fetched and hashed when `allowGet` (never on the source in prepare).
   */
  private async head(client: RegistryClient, repository: string, reference: string, scope: string, context: RequestContext, allowGet: boolean): Promise<Head | undefined> {
    const answer = await headManifest(client, repository, reference, scope, context)
    if (answer === undefined) return undefined
    const { digest, mediaType } = answer
    if (digest) return { digest, ...(mediaType !== undefined && { mediaType }) }
    if (!allowGet) return { ...(mediaType !== undefined && { mediaType }) }
    const manifest = await this.fetch(client, repository, reference, undefined, context, scope)
    return { digest: manifest.digest, mediaType: manifest.mediaType }
  }

  /** GETs a manifest (4 MiB at most) and checks it against the digest expected and the one announced; a mismatch is retried like a failed request. */
  private async fetch(client: RegistryClient, repository: string, reference: string, expectedDigest: string | undefined, context: RequestContext, scope = pullScope(repository)): Promise<Manifest> {
    const remaining = this.registries.rateLimitRemaining(client.host)
    if (remaining !== undefined && remaining <= this.options.rateLimitReserve) {
      throw new RegistryError(`stopped before running out of the pull quota of ${client.host} (ratelimit-remaining: ${remaining})`, {
        code: 'RATE_LIMIT_STOP',
        transient: false,
        side: client.side,
        host: client.host
      })
    }
    return getManifest(client, repository, reference, expectedDigest, context, scope)
  }

  /** A source manifest: from the blob cache when it holds the digest asked for intact, else fetched (and kept in the cache). */
  private async sourceManifest(route: Route, reference: string, expectedDigest: string | undefined, context: RequestContext): Promise<Manifest> {
    const cache = this.options.cache
    const cached = expectedDigest === undefined ? undefined : await cache?.manifest(expectedDigest)
    if (cached !== undefined) return parseManifest(cached, undefined, `${route.from.host}/${route.source.repository}@${expectedDigest}`)
    const fetched = await this.fetch(route.from, route.source.repository, reference, expectedDigest, context)
    await cache?.keepManifest(fetched.digest, fetched.bytes)
    return fetched
  }

  /** Makes everything `manifest` references present in the target: children first, then blobs. */
  private async copyContent(route: Route, manifest: Manifest, tally: Tally, context: RequestContext): Promise<void> {
    if (isIndexType(manifest.mediaType)) {
      await inGroup(manifest.manifests, this.options.concurrency, context, async (child, inner) => {
        const platform = formatPlatform(child.platform)
        if (platform && platform !== 'unknown/unknown') tally.platforms.add(oneLine(platform, 100))
        await this.copyChild(route, child, tally, inner)
      })
      return
    }
    const blobs = manifest.blobs.filter(blob => !isForeign(blob))
    // The transfers themselves wait for the run's blob slots (blob.ts); HEADs and mounts do not.
    await inGroup(blobs, this.options.concurrency, context, async (blob, inner) => {
      const outcome = await this.blobs.copy(route.source, route.target, blob, inner)
      tally.size += blob.size
      if (outcome === 'uploaded') tally.transferred += blob.size
      else tally.skipped += blob.size
    })
  }

  /** A manifest by digest: present means its blobs are too, since manifests are pushed last. */
  private async copyChild(route: Route, child: Descriptor, tally: Tally, context: RequestContext): Promise<void> {
    const there = await this.head(route.to, route.target.repository, child.digest, pushScope(route.target.repository), context, true)
    if (there) {
      tally.skipped += child.size
      return
    }
    const manifest = await this.sourceManifest(route, child.digest, child.digest, context)
    await this.copyContent(route, manifest, tally, context)
    await this.put(route.to, route.target.repository, child.digest, manifest, context)
  }

  private async put(client: RegistryClient, repository: string, reference: string, manifest: Manifest, context: RequestContext): Promise<void> {
    const where = `PUT ${client.host}/v2/${repository}/manifests/${reference}`
    await client.request(
      {
        method: 'PUT',
        path: `/v2/${repository}/manifests/${reference}`,
        headers: { 'content-type': manifest.mediaType },
        body: manifest.bytes,
        scopes: [pushScope(repository)],
        expect: [201],
        kind: 'manifest',
        verify: answer => {
          const stored = header(answer.headers['docker-content-digest'])
          if (stored !== undefined && stored !== manifest.digest) {
            throw new RegistryError(`${where}: the registry stored ${oneLine(stored, 150)}, expected ${manifest.digest}`, { code: 'DIGEST_MISMATCH', transient: false })
          }
        }
      },
      context
    )
  }

  /**
   * Referrers of the image (OCI 1.1): through the referrers API when the source
   * has it, else through the `sha256-<hex>` tag schema; the target gets the
   * fallback tag when it has no referrers API of its own.
   */
  private async copyReferrers(route: Route, subject: string, tally: Tally, context: RequestContext): Promise<void> {
    const listed = await route.from.request(
      {
        method: 'GET',
        path: `/v2/${route.source.repository}/referrers/${subject}`,
        headers: { accept: MEDIA_TYPES.ociIndex },
        scopes: [pullScope(route.source.repository)],
        expect: [200, 400, 404, 405],
        maxBodyBytes: MAX_MANIFEST_BYTES,
        verify: answer => {
          if (answer.status === 200 && isOciIndex(answer)) parseManifest(answer.body, MEDIA_TYPES.ociIndex, `${route.from.host}/${route.source.repository} referrers of ${subject}`)
        }
      },
      context
    )
    const fallbackTag = subject.replace(':', '-')
    if (listed.status === 200 && isOciIndex(listed)) {
      const index = parseManifest(listed.body, MEDIA_TYPES.ociIndex, `${route.from.host}/${route.source.repository} referrers of ${subject}`)
      for (const referrer of index.manifests) await this.copyChild(route, referrer, tally, context)
      tally.referrers += index.manifests.length
      const targetHasApi = await route.to.request(
        {
          method: 'GET',
          path: `/v2/${route.target.repository}/referrers/${subject}`,
          headers: { accept: MEDIA_TYPES.ociIndex },
          scopes: [pushScope(route.target.repository)],
          expect: [200, 400, 404, 405],
          maxBodyBytes: MAX_MANIFEST_BYTES
        },
        context
      )
      if (targetHasApi.status !== 200 && index.manifests.length > 0) {
        const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: index.manifests }))
        await this.put(route.to, route.target.repository, fallbackTag, { ...index, bytes, digest: sha256Digest(bytes) }, context)
      }
      return
    }
    const tagged = await this.head(route.from, route.source.repository, fallbackTag, pullScope(route.source.repository), context, true)
    if (!tagged) return
    const index = await this.fetch(route.from, route.source.repository, fallbackTag, tagged.digest, context)
    const inTarget = await this.head(route.to, route.target.repository, fallbackTag, pushScope(route.target.repository), context, true)
    if (inTarget?.digest === index.digest) return
    await this.copyContent(route, index, tally, context)
    await this.put(route.to, route.target.repository, fallbackTag, index, context)
    tally.referrers += index.manifests.length
  }
}

function isOciIndex(answer: RegistryResponse): boolean {
  return (header(answer.headers['content-type']) ?? '').includes(MEDIA_TYPES.ociIndex)
}

/**
 * errgroup: runs `worker` over `items`, at most `limit` at once; the first
 * failure aborts the others (their requests end at once) and is thrown once
 * every worker has stopped, so nothing of this image runs after it failed.
 */
async function inGroup<T>(items: readonly T[], limit: number, context: RequestContext, worker: (item: T, context: RequestContext) => Promise<void>): Promise<void> {
  const controller = new AbortController()
  // Every request in flight listens to it, and each removes its listener when done: no leak to warn about.
  setMaxListeners(0, controller.signal)
  const forward = (): void => controller.abort(context.signal.reason)
  if (context.signal.aborted) forward()
  else context.signal.addEventListener('abort', forward, { once: true })
  const inner: RequestContext = { signal: controller.signal, ...(context.record && { record: context.record }) }
  let failed: { error: unknown } | undefined
  let next = 0
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length && failed === undefined && !controller.signal.aborted) {
      const item = items[next] as T
      next += 1
      try {
        await worker(item, inner)
      } catch (error) {
        if (failed === undefined) {
          failed = { error }
          controller.abort()
        }
      }
    }
  })
  try {
    await Promise.all(lanes)
  } finally {
    context.signal.removeEventListener('abort', forward)
  }
  if (failed) throw failed.error
  // Aborted from outside before any item failed: nothing may pass for done.
  context.signal.throwIfAborted()
}

function selector(ref: ImageReference): string {
  // The tag names what to update in the target; a digest-only reference is copied by digest.
  return ref.tag ?? (ref.digest as string)
}

function newTally(): Tally {
  return { size: 0, transferred: 0, skipped: 0, platforms: new Set(), referrers: 0 }
}

function alreadyPresent(digest: string, mediaType: string | undefined): CopyResult {
  return { status: 'already-present', digest, ...(mediaType !== undefined && { mediaType }), bytesTransferred: 0, bytesSkipped: 0, referrers: 0 }
}

function notFound(client: RegistryClient, ref: ImageReference): RegistryError {
  return new RegistryError(`HEAD ${client.host}/v2/${ref.repository}/manifests/${selector(ref)}: HTTP 404 MANIFEST_UNKNOWN`, {
    status: 404,
    code: 'MANIFEST_UNKNOWN',
    transient: false,
    side: client.side,
    host: client.host
  })
}
