/**
 * Copies one image registry to registry. A re-run is cheap: HEAD the target
 * manifest first and compare digests, touching the source only with a HEAD
 * (none at all when the source is pinned by digest). Otherwise everything an
 * index or manifest references is made present first (children by digest,
 * blobs through BlobMover), and the manifest is pushed last with its exact
 * bytes and media type, so digests are preserved and a failed copy never
 * leaves a tag pointing at an incomplete image.
 */
import { mapConcurrent } from '../pool.js'
import type { ImageReference } from '../../reference.js'
import { header, type RegistryClient } from './client.js'
import { RegistryError } from './errors.js'
import { BlobMover, pullScope, pushScope, type Repository } from './blob.js'
import { filterIndex, formatPlatform, isForeign, isIndexType, MANIFEST_ACCEPT, MEDIA_TYPES, parseManifest, sha256Digest, type Descriptor, type Manifest } from './manifest.js'
import type { Registries } from './registries.js'

export interface CopyOptions {
  /** Children and blobs of one image copied at once. */
  concurrency: number
  /** Copy only these platforms of an index (`linux/amd64`); empty: all. Changes the index digest. */
  platforms: readonly string[]
  copyReferrers: boolean
  /** Stop before a manifest GET when Docker Hub's ratelimit-remaining is at or below this. */
  rateLimitReserve: number
}

export interface CopyOutcome {
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

/** Thrown before a Docker Hub manifest GET that would run the pull quota out. */
export class RateLimitStop extends Error {
  constructor(
    readonly host: string,
    readonly remaining: number
  ) {
    super(`stopped before running out of the pull quota of ${host} (ratelimit-remaining: ${remaining})`)
    this.name = 'RateLimitStop'
  }
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

export class ImageCopier {
  constructor(
    private readonly registries: Registries,
    private readonly blobs: BlobMover,
    private readonly options: CopyOptions
  ) {}

  async copy(source: ImageReference, target: ImageReference): Promise<CopyOutcome> {
    const route: Route = { source, target, from: this.registries.client(source.registry, 'read'), to: this.registries.client(target.registry, 'write') }
    const targetSelector = selector(target)
    const present = await this.head(route.to, target.repository, targetSelector, pushScope(target.repository))
    if (present && this.options.platforms.length === 0) {
      const sourceDigest = source.digest ?? (await this.head(route.from, source.repository, selector(source), pullScope(source.repository)))?.digest
      if (sourceDigest === present.digest) {
        const outcome = alreadyPresent(present.digest, present.mediaType)
        // Signatures may have been attached since the last run.
        if (this.options.copyReferrers) outcome.referrers = await this.referrersOnly(route, present.digest)
        return outcome
      }
    }

    const original = await this.fetch(route.from, source.repository, source.digest ?? selector(source), source.digest)
    let top = original
    if (isIndexType(original.mediaType) && this.options.platforms.length > 0) {
      top = filterIndex(original, this.options.platforms)
      if (top.manifests.length === 0) {
        const offered = original.manifests.map(child => formatPlatform(child.platform)).filter(Boolean).join(', ')
        throw new RegistryError(`none of the platforms ${this.options.platforms.join(', ')} is in the index (it has ${offered})`, { code: 'PLATFORM_UNKNOWN', transient: false })
      }
    }
    if (present?.digest === top.digest) return alreadyPresent(top.digest, top.mediaType)

    const tally: Tally = { size: 0, transferred: 0, skipped: 0, platforms: new Set(), referrers: 0 }
    await this.copyContent(route, top, tally)
    await this.put(route.to, target.repository, targetSelector, top)
    if (this.options.copyReferrers) await this.copyReferrers(route, original.digest, tally)
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

  /** The digest a manifest has in a repository, or undefined when it is not there. */
  async head(client: RegistryClient, repository: string, reference: string, scope: string): Promise<{ digest: string; mediaType?: string } | undefined> {
    const answer = await client.request({
      method: 'HEAD',
      path: `/v2/${repository}/manifests/${reference}`,
      headers: { accept: MANIFEST_ACCEPT },
      scopes: [scope],
      expect: [200, 404],
      kind: 'manifest'
    })
    if (answer.status === 404) return undefined
    const digest = header(answer.headers['docker-content-digest'])
    const mediaType = header(answer.headers['content-type'])
    if (digest) return { digest, ...(mediaType !== undefined && { mediaType }) }
    // A registry that does not send the digest on HEAD: hash the manifest instead.
    const manifest = await this.fetch(client, repository, reference, undefined, scope)
    return { digest: manifest.digest, mediaType: manifest.mediaType }
  }

  private async fetch(client: RegistryClient, repository: string, reference: string, expectedDigest: string | undefined, scope = pullScope(repository)): Promise<Manifest> {
    const remaining = this.registries.rateLimitRemaining(client.host)
    if (remaining !== undefined && remaining <= this.options.rateLimitReserve) throw new RateLimitStop(client.host, remaining)
    const answer = await client.request({
      method: 'GET',
      path: `/v2/${repository}/manifests/${reference}`,
      headers: { accept: MANIFEST_ACCEPT },
      scopes: [scope],
      expect: [200],
      kind: 'manifest'
    })
    const where = `${client.host}/${repository}:${reference}`
    const manifest = parseManifest(answer.body, header(answer.headers['content-type']), where)
    const announced = header(answer.headers['docker-content-digest'])
    for (const expected of [expectedDigest, announced]) {
      if (expected !== undefined && expected.startsWith('sha256:') && expected !== manifest.digest) {
        throw new RegistryError(`${where}: the manifest received hashes to ${manifest.digest}, expected ${expected}`, { code: 'DIGEST_MISMATCH', transient: true })
      }
    }
    return manifest
  }

  /** Makes everything `manifest` references present in the target: children first, then blobs. */
  private async copyContent(route: Route, manifest: Manifest, tally: Tally): Promise<void> {
    if (isIndexType(manifest.mediaType)) {
      await mapConcurrent(manifest.manifests, this.options.concurrency, async child => {
        const platform = formatPlatform(child.platform)
        if (platform && platform !== 'unknown/unknown') tally.platforms.add(platform)
        await this.copyChild(route, child, tally)
      })
      return
    }
    const blobs = manifest.blobs.filter(blob => !isForeign(blob))
    await mapConcurrent(blobs, this.options.concurrency, async blob => {
      const outcome = await this.blobs.copy(route.source, route.target, blob)
      tally.size += blob.size
      if (outcome === 'uploaded') tally.transferred += blob.size
      else tally.skipped += blob.size
    })
  }

  /** A manifest by digest: present means its blobs are too, since manifests are pushed last. */
  private async copyChild(route: Route, child: Descriptor, tally: Tally): Promise<void> {
    const there = await this.head(route.to, route.target.repository, child.digest, pushScope(route.target.repository))
    if (there) {
      tally.skipped += child.size
      return
    }
    const manifest = await this.fetch(route.from, route.source.repository, child.digest, child.digest)
    await this.copyContent(route, manifest, tally)
    await this.put(route.to, route.target.repository, child.digest, manifest)
  }

  private async put(client: RegistryClient, repository: string, reference: string, manifest: Manifest): Promise<void> {
    const answer = await client.request({
      method: 'PUT',
      path: `/v2/${repository}/manifests/${reference}`,
      headers: { 'content-type': manifest.mediaType },
      body: manifest.bytes,
      scopes: [pushScope(repository)],
      expect: [201],
      kind: 'manifest'
    })
    const stored = header(answer.headers['docker-content-digest'])
    if (stored !== undefined && stored !== manifest.digest) {
      throw new RegistryError(`PUT ${client.host}/v2/${repository}/manifests/${reference}: the registry stored ${stored}, expected ${manifest.digest}`, {
        code: 'DIGEST_MISMATCH',
        transient: false
      })
    }
  }

  private async referrersOnly(route: Route, subject: string): Promise<number> {
    const tally: Tally = { size: 0, transferred: 0, skipped: 0, platforms: new Set(), referrers: 0 }
    await this.copyReferrers(route, subject, tally)
    return tally.referrers
  }

  /**
   * Referrers of the image (OCI 1.1): through the referrers API when the source
   * has it, else through the `sha256-<hex>` tag schema; the target gets the
   * fallback tag when it has no referrers API of its own.
   */
  private async copyReferrers(route: Route, subject: string, tally: Tally): Promise<void> {
    const listed = await route.from.request({
      method: 'GET',
      path: `/v2/${route.source.repository}/referrers/${subject}`,
      headers: { accept: MEDIA_TYPES.ociIndex },
      scopes: [pullScope(route.source.repository)],
      expect: [200, 400, 404, 405]
    })
    const fallbackTag = subject.replace(':', '-')
    if (listed.status === 200 && (header(listed.headers['content-type']) ?? '').includes(MEDIA_TYPES.ociIndex)) {
      const index = parseManifest(listed.body, MEDIA_TYPES.ociIndex, `${route.from.host}/${route.source.repository} referrers of ${subject}`)
      for (const referrer of index.manifests) await this.copyChild(route, referrer, tally)
      tally.referrers += index.manifests.length
      const targetHasApi = await route.to.request({
        method: 'GET',
        path: `/v2/${route.target.repository}/referrers/${subject}`,
        headers: { accept: MEDIA_TYPES.ociIndex },
        scopes: [pushScope(route.target.repository)],
        expect: [200, 400, 404, 405]
      })
      if (targetHasApi.status !== 200 && index.manifests.length > 0) {
        const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: index.manifests }))
        await this.put(route.to, route.target.repository, fallbackTag, { ...index, bytes, digest: sha256Digest(bytes) })
      }
      return
    }
    const tagged = await this.head(route.from, route.source.repository, fallbackTag, pullScope(route.source.repository))
    if (!tagged) return
    const index = await this.fetch(route.from, route.source.repository, fallbackTag, tagged.digest)
    const inTarget = await this.head(route.to, route.target.repository, fallbackTag, pushScope(route.target.repository))
    if (inTarget?.digest === index.digest) return
    await this.copyContent(route, index, tally)
    await this.put(route.to, route.target.repository, fallbackTag, index)
    tally.referrers += index.manifests.length
  }
}

function selector(ref: ImageReference): string {
  // The tag names what to update in the target; a digest-only reference is copied by digest.
  return ref.tag ?? (ref.digest as string)
}

function alreadyPresent(digest: string, mediaType: string | undefined): CopyOutcome {
  return { status: 'already-present', digest, ...(mediaType !== undefined && { mediaType }), bytesTransferred: 0, bytesSkipped: 0, referrers: 0 }
}
