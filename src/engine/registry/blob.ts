/**
 * Moves blobs into a target repository at most once per run: HEAD first, then
 * a cross-repository mount when the blob is in another repository of the
 * target registry (pushed or seen this run, or the source itself when source
 * and target are one registry), else an upload streamed from the source. The
 * sha256 of what streams past is checked before the upload is committed, so a
 * truncated or corrupted transfer never becomes a blob in the target.
 */
import { createHash } from 'node:crypto'
import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream'
import type { ImageReference } from '../../reference.js'
import { withRetry, type RetryPolicy } from '../retry.js'
import { header, type RegistryClient } from './client.js'
import { isTransient, RegistryError, retryAfterOf } from './errors.js'
import type { Descriptor } from './manifest.js'
import type { Registries } from './registries.js'

export type Repository = Pick<ImageReference, 'registry' | 'repository'>

export interface BlobOptions {
  /** Blobs larger than this are uploaded in chunks (bytes). */
  chunkThreshold: number
  /** Size of each PATCH when uploading in chunks (raised to the registry's OCI-Chunk-Min-Length). */
  chunkSize: number
  retry: RetryPolicy
}

/** present: already there; mounted: linked from another repository; uploaded: bytes sent; shared: another image of this run moved it. */
export type BlobOutcome = 'present' | 'mounted' | 'uploaded' | 'shared'

export function pullScope(repository: string): string {
  return `repository:${repository}:pull`
}

export function pushScope(repository: string): string {
  return `repository:${repository}:pull,push`
}

export class BlobMover {
  private readonly byRepository = new Map<string, Promise<BlobOutcome>>()
  private readonly byRegistry = new Map<string, { repository: string; done: Promise<unknown> }>()
  /** Repositories of a target registry known to hold a digest: `registry@digest` → repositories. */
  private readonly locations = new Map<string, Set<string>>()
  /** Counters for the report and tests. */
  readonly counts = { heads: 0, mounts: 0, mountsDeclined: 0, uploads: 0, chunks: 0 }

  constructor(
    private readonly registries: Registries,
    private readonly options: BlobOptions
  ) {}

  /** Makes `descriptor` present in `target`, moving its bytes at most once per run. */
  async copy(source: Repository, target: Repository, descriptor: Descriptor): Promise<BlobOutcome> {
    const key = `${target.registry}/${target.repository}@${descriptor.digest}`
    const running = this.byRepository.get(key)
    if (running) {
      await running
      return 'shared'
    }
    const attempt = this.copyOnce(source, target, descriptor)
    this.byRepository.set(key, attempt)
    // A failed copy may be tried again by a later image.
    attempt.catch(() => this.byRepository.delete(key))
    return attempt
  }

  private async copyOnce(source: Repository, target: Repository, descriptor: Descriptor): Promise<BlobOutcome> {
    const destination = this.registries.client(target.registry, 'write')
    const blobPath = `/v2/${target.repository}/blobs/${descriptor.digest}`
    this.counts.heads += 1
    const head = await destination.request({ method: 'HEAD', path: blobPath, scopes: [pushScope(target.repository)], expect: [200, 404], kind: 'blob' })
    if (head.status === 200) {
      this.remember(target, descriptor.digest)
      return 'present'
    }

    // One transfer per digest and registry: wait for a running one elsewhere, then mount from it.
    const registryKey = `${target.registry}@${descriptor.digest}`
    const elsewhere = this.byRegistry.get(registryKey)
    let finished!: () => void
    const done = new Promise<void>(resolve => (finished = resolve))
    if (elsewhere && elsewhere.repository !== target.repository) await elsewhere.done
    else this.byRegistry.set(registryKey, { repository: target.repository, done })
    try {
      let session: URL | undefined
      for (const from of this.mountCandidates(source, target, destination, descriptor.digest)) {
        this.counts.mounts += 1
        const mount = await destination.request({
          method: 'POST',
          path: `/v2/${target.repository}/blobs/uploads/?mount=${encodeURIComponent(descriptor.digest)}&from=${encodeURIComponent(from)}`,
          scopes: [pushScope(target.repository), pullScope(from)],
          expect: [201, 202]
        })
        if (mount.status === 201) {
          this.remember(target, descriptor.digest)
          return 'mounted'
        }
        // 202: declined, but the answer is an upload session we can use.
        this.counts.mountsDeclined += 1
        const location = header(mount.headers.location)
        if (location) session = new URL(location, destination.endpoint.origin)
        break
      }
      await withRetry(
        async attempt => {
          const start = attempt === 1 && session ? { location: session, minChunk: 0 } : await this.startUpload(destination, target)
          await this.upload(source, target, destination, descriptor, start.location, start.minChunk)
        },
        this.options.retry,
        { isTransient, retryAfterMs: retryAfterOf }
      )
      this.counts.uploads += 1
      this.remember(target, descriptor.digest)
      return 'uploaded'
    } finally {
      finished()
    }
  }

  private mountCandidates(source: Repository, target: Repository, destination: RegistryClient, digest: string): string[] {
    const known = [...(this.locations.get(`${target.registry}@${digest}`) ?? [])].filter(repository => repository !== target.repository)
    const sourceClient = this.registries.client(source.registry, 'read')
    if (sourceClient.endpoint.origin === destination.endpoint.origin && source.repository !== target.repository && !known.includes(source.repository)) {
      known.push(source.repository)
    }
    return known.slice(0, 1)
  }

  private remember(target: Repository, digest: string): void {
    const key = `${target.registry}@${digest}`
    let repositories = this.locations.get(key)
    if (!repositories) {
      repositories = new Set()
      this.locations.set(key, repositories)
    }
    repositories.add(target.repository)
  }

  private async startUpload(destination: RegistryClient, target: Repository): Promise<{ location: URL; minChunk: number }> {
    const started = await destination.request({ method: 'POST', path: `/v2/${target.repository}/blobs/uploads/`, scopes: [pushScope(target.repository)], expect: [202] })
    const location = header(started.headers.location)
    if (!location) throw new RegistryError(`POST ${destination.host}/v2/${target.repository}/blobs/uploads/: no Location in the answer`, { transient: false })
    const minChunk = Number.parseInt(header(started.headers['oci-chunk-min-length']) ?? '0', 10)
    return { location: new URL(location, destination.endpoint.origin), minChunk: Number.isFinite(minChunk) ? minChunk : 0 }
  }

  private async upload(source: Repository, target: Repository, destination: RegistryClient, descriptor: Descriptor, location: URL, minChunk: number): Promise<void> {
    const origin = this.registries.client(source.registry, 'read')
    const download = await origin.request({
      method: 'GET',
      path: `/v2/${source.repository}/blobs/${descriptor.digest}`,
      scopes: [pullScope(source.repository)],
      expect: [200],
      stream: true,
      followRedirects: true,
      kind: 'blob'
    })
    const stream = download.stream as Readable
    try {
      if (descriptor.size > this.options.chunkThreshold || minChunk > 0) {
        await this.uploadChunks(stream, target, destination, descriptor, location, Math.max(this.options.chunkSize, minChunk))
      } else {
        const gate = new DigestGate(descriptor)
        pipeline(stream, gate, () => undefined)
        await destination.request({
          method: 'PUT',
          path: withDigest(location, descriptor.digest),
          headers: { 'content-type': 'application/octet-stream', 'content-length': String(descriptor.size) },
          body: gate,
          scopes: [pushScope(target.repository)],
          expect: [201]
        })
        destination.countSent(gate.bytes)
      }
    } finally {
      stream.destroy()
    }
  }

  private async uploadChunks(stream: Readable, target: Repository, destination: RegistryClient, descriptor: Descriptor, start: URL, chunkSize: number): Promise<void> {
    const hash = createHash('sha256')
    let location = start
    let offset = 0
    let pending: Buffer[] = []
    let pendingLength = 0
    const send = async (chunk: Buffer): Promise<void> => {
      this.counts.chunks += 1
      const answer = await destination.request({
        method: 'PATCH',
        path: location,
        headers: {
          'content-type': 'application/octet-stream',
          'content-range': `${offset}-${offset + chunk.length - 1}`
        },
        body: chunk,
        scopes: [pushScope(target.repository)],
        expect: [202],
        retry: false
      })
      offset += chunk.length
      const next = header(answer.headers.location)
      if (next) location = new URL(next, destination.endpoint.origin)
    }
    for await (const piece of stream as AsyncIterable<Buffer>) {
      hash.update(piece)
      pending.push(piece)
      pendingLength += piece.length
      while (pendingLength >= chunkSize) {
        const all = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending)
        pending = [all.subarray(chunkSize)]
        pendingLength = all.length - chunkSize
        await send(all.subarray(0, chunkSize))
      }
    }
    if (pendingLength > 0) await send(Buffer.concat(pending))
    checkTransfer(descriptor, offset, `sha256:${hash.digest('hex')}`)
    await destination.request({
      method: 'PUT',
      path: withDigest(location, descriptor.digest),
      headers: { 'content-type': 'application/octet-stream' },
      body: Buffer.alloc(0),
      scopes: [pushScope(target.repository)],
      expect: [201],
      retry: false
    })
  }
}

/** `…/uploads/<id>?_state=…` + `&digest=sha256:…`, keeping the registry's query as it wrote it. */
function withDigest(location: URL, digest: string): URL {
  return new URL(`${location.href}${location.search ? '&' : '?'}digest=${encodeURIComponent(digest)}`)
}

function checkTransfer(descriptor: Descriptor, size: number, digest: string): void {
  if (size !== descriptor.size) {
    throw new RegistryError(`blob ${descriptor.digest}: received ${size} bytes, expected ${descriptor.size}`, { code: 'SIZE_MISMATCH', transient: true })
  }
  if (digest !== descriptor.digest) {
    throw new RegistryError(`blob ${descriptor.digest}: the bytes received hash to ${digest}`, { code: 'DIGEST_MISMATCH', transient: true })
  }
}

/**
 * Passes bytes through while hashing them and holds back the last piece until
 * the digest is known: on a mismatch the upload body never completes, so the
 * registry cannot commit it.
 */
export class DigestGate extends Transform {
  private readonly hash = createHash('sha256')
  private held: Buffer | undefined
  bytes = 0

  constructor(private readonly descriptor: Descriptor) {
    super()
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk)
    this.bytes += chunk.length
    const previous = this.held
    this.held = chunk
    done(null, previous)
  }

  override _flush(done: TransformCallback): void {
    try {
      checkTransfer(this.descriptor, this.bytes, `sha256:${this.hash.digest('hex')}`)
    } catch (error) {
      done(error as Error)
      return
    }
    done(null, this.held)
  }
}
