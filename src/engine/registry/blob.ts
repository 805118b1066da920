/**
 * Moves blobs into a target repository at most once per run: HEAD first, then
 * a cross-repository mount when the blob is in another repository of the
 * target registry (pushed or seen this run, or the source itself when source
 * and target are one registry), else an upload streamed from the source. The
 * digest of what streams past is checked before the upload is committed, so a
 * truncated or corrupted transfer never becomes a blob in the target.
 *
 * Like go-containerregistry's remote.Write: a mount that fails in any way
 * (401, 403, 404, 5xx, a registry without mounts) falls back to a plain
 * upload; the upload is retried as one unit (new session, new download) and
 * its own requests are not retried, so a failing registry sees at most
 * `retries + 1` sessions per blob; a session left open by a failure or a
 * cancellation is deleted, best effort.
 */
import { createHash, type Hash } from 'node:crypto'
import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream'
import type { ImageReference } from '../../reference.js'
import { PrioritySlots } from '../pool.js'
import { withRetry, type RetryPolicy } from '../retry.js'
import { header, type RegistryClient, type RequestContext } from './client.js'
import { cancelledError, isTransient, RegistryError, retryAfterOf, untilAborted } from './errors.js'
import { BufferReclaimer } from './memory.js'
import type { Descriptor } from './manifest.js'
import type { Registries } from './registries.js'
import type { BlobCache } from '../cache/blob-cache.js'
import { streamBlob } from '../bundle/layout.js'
import { BlobMismatchError } from '../bundle/store.js'

export type Repository = Pick<ImageReference, 'registry' | 'repository'>

export interface BlobOptions {
  /** Blob transfers (download + upload) at once across every image of the run; the largest waiting goes first. */
  concurrency: number
  /** Blobs larger than this are uploaded in chunks (bytes). */
  chunkThreshold: number
  /** Size of each PATCH when uploading in chunks (raised to the registry's OCI-Chunk-Min-Length). */
  chunkSize: number
  /** Attempts of one blob upload as a whole. */
  retry: RetryPolicy
  /** cache: true: blobs are read from this store when it holds them intact, else fetched into it, then uploaded from it. */
  cache?: BlobCache
}

/** present: already there; mounted: linked from another repository; uploaded: bytes sent; shared: another image of this run moved it. */
export type BlobOutcome = 'present' | 'mounted' | 'uploaded' | 'shared'

/** How blobs were moved this run. */
export interface BlobCounts {
  heads: number
  /** Mount requests sent. */
  mounts: number
  /** Mounts the registry answered with an upload session instead (202). */
  mountsDeclined: number
  /** Mounts that failed (any error) and fell back to an upload. */
  mountsFailed: number
  /** Blobs uploaded (each counted once, however many attempts it took). */
  uploads: number
  /** PATCH requests of chunked uploads. */
  chunks: number
  /** Scavenges run to free spent read buffers (memory.ts). */
  collections: number
}

/** A chunk size a registry may demand; above it we refuse rather than buffer. */
const MAX_CHUNK = 256 * 1024 * 1024
/** Deleting a session left behind gets this long, whatever happened to the copy's own signal. */
const CLEANUP_TIMEOUT_MS = 10_000
/** A copy another image started and a cancellation ended is waited for again at most this often before we start our own. */
const SHARED_ROUNDS = 3

/**
 * A blob's bytes as a stream, redirects to blob storage followed. Not retried
 * here: whoever consumes the stream retries the transfer as a whole.
 */
export async function downloadBlob(client: RegistryClient, repository: string, descriptor: Descriptor, context: RequestContext): Promise<Readable> {
  const answer = await client.request(
    {
      method: 'GET',
      path: `/v2/${repository}/blobs/${descriptor.digest}`,
      scopes: [pullScope(repository)],
      expect: [200],
      stream: true,
      followRedirects: true,
      kind: 'blob',
      retry: false,
      transferBytes: descriptor.size
    },
    context
  )
  return answer.stream as Readable
}

export function pullScope(repository: string): string {
  return `repository:${repository}:pull`
}

export function pushScope(repository: string): string {
  return `repository:${repository}:pull,push`
}

/** An open upload session; the location moves with each chunk. */
interface Session {
  location: URL
  minChunk: number
}

export class BlobMover {
  private readonly byRepository = new Map<string, Promise<BlobOutcome>>()
  private readonly byRegistry = new Map<string, { repository: string; done: Promise<unknown> }>()
  /** Repositories of a target registry known to hold a digest: `registry@digest` → repositories. */
  private readonly locations = new Map<string, Set<string>>()
  private readonly counters = { heads: 0, mounts: 0, mountsDeclined: 0, mountsFailed: 0, uploads: 0, chunks: 0 }
  private readonly transfers: PrioritySlots
  private readonly reclaimer = new BufferReclaimer()

  constructor(
    private readonly registries: Registries,
    private readonly options: BlobOptions
  ) {
    this.transfers = new PrioritySlots(Math.max(1, options.concurrency))
  }

  get counts(): BlobCounts {
    return { ...this.counters, collections: this.reclaimer.collections }
  }

  /** Makes `descriptor` present in `target`, moving its bytes at most once per run. */
  async copy(source: Repository, target: Repository, descriptor: Descriptor, context: RequestContext): Promise<BlobOutcome> {
    const key = `${target.registry}/${target.repository}@${descriptor.digest}`
    for (let round = 0; round < SHARED_ROUNDS; round += 1) {
      const running = this.byRepository.get(key)
      if (!running) break
      try {
        await untilAborted(running, context.signal, target.registry)
        return 'shared'
      } catch (error) {
        // Another image's cancellation is not ours: try again (it removed itself from the map).
        if (context.signal.aborted || !isCancellation(error)) throw error
      }
    }
    const attempt = this.copyOnce(source, target, descriptor, context)
    this.byRepository.set(key, attempt)
    // A failed copy may be tried again by a later image.
    attempt.catch(() => {
      if (this.byRepository.get(key) === attempt) this.byRepository.delete(key)
    })
    return attempt
  }

  private async copyOnce(source: Repository, target: Repository, descriptor: Descriptor, context: RequestContext): Promise<BlobOutcome> {
    const destination = this.registries.client(target.registry, 'write')
    const blobPath = `/v2/${target.repository}/blobs/${descriptor.digest}`
    this.counters.heads += 1
    const head = await destination.request({ method: 'HEAD', path: blobPath, scopes: [pushScope(target.repository)], expect: [200, 404], kind: 'blob' }, context)
    if (head.status === 200) {
      this.remember(target, descriptor.digest)
      return 'present'
    }

    // One transfer per digest and registry: wait for a running one elsewhere, then mount from it.
    const registryKey = `${target.registry}@${descriptor.digest}`
    const elsewhere = this.byRegistry.get(registryKey)
    let finished!: () => void
    const done = new Promise<void>(resolve => (finished = resolve))
    if (elsewhere && elsewhere.repository !== target.repository) await untilAborted(elsewhere.done, context.signal, target.registry)
    else this.byRegistry.set(registryKey, { repository: target.repository, done })
    try {
      let declined: Session | undefined
      for (const from of this.mountCandidates(source, target, destination, descriptor.digest)) {
        this.counters.mounts += 1
        try {
          const mount = await destination.request(
            {
              method: 'POST',
              path: `/v2/${target.repository}/blobs/uploads/?mount=${encodeURIComponent(descriptor.digest)}&from=${encodeURIComponent(from)}`,
              scopes: [pushScope(target.repository), pullScope(from)],
              expect: [201, 202],
              // The fallback is the retry.
              retry: false
            },
            context
          )
          if (mount.status === 201) {
            this.remember(target, descriptor.digest)
            return 'mounted'
          }
          // 202: declined, but the answer is an upload session we can use.
          this.counters.mountsDeclined += 1
          const location = header(mount.headers.location)
          if (location) declined = { location: new URL(location, destination.endpoint.origin), minChunk: 0 }
        } catch (error) {
          if (context.signal.aborted) throw error
          // Any refusal of a mount (no pull right on `from`, a registry without mounts, a 5xx) means: upload instead.
          this.counters.mountsFailed += 1
        }
        break
      }
      // The unit of retry: a fresh session and a fresh download each time, each in a transfer slot (none held while backing off).
      await withRetry(
        attempt =>
          this.transfers.run(descriptor.size, context.signal, async () => {
            const session = attempt === 1 && declined ? declined : await this.startUpload(destination, target, context)
            try {
              await this.upload(source, target, destination, descriptor, session, context)
            } catch (error) {
              await this.cancelSession(destination, target, session, context)
              throw error
            }
          }).catch((error: unknown) => {
            // Aborted while waiting for a slot: a cancellation like any other, so images sharing this blob try again.
            throw context.signal.aborted && !(error instanceof RegistryError) ? cancelledError(target.registry) : error
          }),
        this.options.retry,
        { isTransient, retryAfterMs: retryAfterOf, signal: context.signal }
      )
      this.counters.uploads += 1
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

  private async startUpload(destination: RegistryClient, target: Repository, context: RequestContext): Promise<Session> {
    const started = await destination.request({ method: 'POST', path: `/v2/${target.repository}/blobs/uploads/`, scopes: [pushScope(target.repository)], expect: [202], retry: false }, context)
    const location = header(started.headers.location)
    if (!location) throw new RegistryError(`POST ${destination.host}/v2/${target.repository}/blobs/uploads/: no Location in the answer`, { transient: false, side: 'target', host: destination.host })
    const minChunk = Number.parseInt(header(started.headers['oci-chunk-min-length']) ?? '0', 10)
    return { location: new URL(location, destination.endpoint.origin), minChunk: Number.isFinite(minChunk) && minChunk > 0 ? minChunk : 0 }
  }

  /** Deletes an upload session a failure left open; best effort, and never with the copy's (perhaps aborted) signal. */
  private async cancelSession(destination: RegistryClient, target: Repository, session: Session, context: RequestContext): Promise<void> {
    const cleanup: RequestContext = { signal: AbortSignal.timeout(CLEANUP_TIMEOUT_MS), ...(context.record && { record: context.record }) }
    try {
      await destination.request({ method: 'DELETE', path: session.location, scopes: [pushScope(target.repository)], expect: [200, 202, 204, 404], retry: false }, cleanup)
    } catch {
      // The registry expires abandoned sessions itself; nothing more to do.
    }
  }

  private async upload(source: Repository, target: Repository, destination: RegistryClient, descriptor: Descriptor, session: Session, context: RequestContext): Promise<void> {
    const origin = this.registries.client(source.registry, 'read')
    const stream = await this.sourceBytes(origin, source, descriptor, context)
    try {
      if (session.minChunk > MAX_CHUNK) {
        throw new RegistryError(`${destination.host} asks for upload chunks of at least ${session.minChunk} bytes, more than ${MAX_CHUNK} this engine buffers`, {
          code: 'UNSUPPORTED',
          transient: false,
          side: 'target',
          host: destination.host
        })
      }
      if (descriptor.size > this.options.chunkThreshold || session.minChunk > 0) {
        await this.uploadChunks(stream, origin.host, target, destination, descriptor, session, Math.max(this.options.chunkSize, session.minChunk), context)
      } else {
        const gate = new DigestGate(descriptor, problem => transferError(descriptor, problem, origin.host), bytes => this.reclaimer.moved(bytes))
        pipeline(stream, gate, () => undefined)
        await destination.request(
          {
            method: 'PUT',
            path: withDigest(session.location, descriptor.digest),
            headers: { 'content-type': 'application/octet-stream', 'content-length': String(descriptor.size) },
            body: gate,
            scopes: [pushScope(target.repository)],
            expect: [201],
            retry: false,
            transferBytes: descriptor.size
          },
          context
        )
        destination.countSent(gate.bytes)
      }
    } finally {
      stream.destroy()
    }
  }

  /** The blob's bytes: from the source, or with the blob cache on, from the cache (fetched into it first when it lacks them). */
  private async sourceBytes(origin: RegistryClient, source: Repository, descriptor: Descriptor, context: RequestContext): Promise<Readable> {
    const download = (): Promise<Readable> => downloadBlob(origin, source.repository, descriptor, context)
    const cache = this.options.cache
    if (cache === undefined) return download()
    try {
      return streamBlob(await cache.obtain(descriptor, download))
    } catch (error) {
      if (error instanceof BlobMismatchError) throw new RegistryError(error.message, { code: 'DIGEST_MISMATCH', transient: true, side: 'source', host: origin.host })
      throw error
    }
  }

  private async uploadChunks(stream: Readable, sourceHost: string, target: Repository, destination: RegistryClient, descriptor: Descriptor, session: Session, chunkSize: number, context: RequestContext): Promise<void> {
    const hash = hashFor(descriptor.digest)
    let offset = 0
    let pending: Buffer[] = []
    let pendingLength = 0
    const send = async (chunk: Buffer): Promise<void> => {
      this.counters.chunks += 1
      const answer = await destination.request(
        {
          method: 'PATCH',
          path: session.location,
          headers: {
            'content-type': 'application/octet-stream',
            'content-range': `${offset}-${offset + chunk.length - 1}`
          },
          body: chunk,
          scopes: [pushScope(target.repository)],
          expect: [202],
          retry: false,
          transferBytes: chunk.length
        },
        context
      )
      offset += chunk.length
      const next = header(answer.headers.location)
      if (next) session.location = new URL(next, destination.endpoint.origin)
    }
    for await (const piece of stream as AsyncIterable<Buffer>) {
      hash.update(piece)
      this.reclaimer.moved(piece.length)
      if (offset + pendingLength + piece.length > descriptor.size) checkTransfer(descriptor, offset + pendingLength + piece.length, undefined, sourceHost)
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
    checkTransfer(descriptor, offset, `${algorithmOf(descriptor.digest)}:${hash.digest('hex')}`, sourceHost)
    await destination.request(
      {
        method: 'PUT',
        path: withDigest(session.location, descriptor.digest),
        headers: { 'content-type': 'application/octet-stream' },
        body: Buffer.alloc(0),
        scopes: [pushScope(target.repository)],
        expect: [201],
        retry: false
      },
      context
    )
  }
}

/** `…/uploads/<id>?_state=…` + `&digest=sha256:…`, keeping the registry's query as it wrote it. */
function withDigest(location: URL, digest: string): URL {
  return new URL(`${location.href}${location.search ? '&' : '?'}digest=${encodeURIComponent(digest)}`)
}

function algorithmOf(digest: string): string {
  return digest.slice(0, digest.indexOf(':'))
}

function hashFor(digest: string): Hash {
  return createHash(algorithmOf(digest))
}

/** Bytes that do not match their descriptor came from the source: an integrity failure on that side. */
function checkTransfer(descriptor: Descriptor, size: number, digest: string | undefined, sourceHost: string): void {
  if (digest === undefined ? size > descriptor.size : size !== descriptor.size) {
    throw transferError(descriptor, digest === undefined ? { kind: 'too-long' } : { kind: 'size', bytes: size }, sourceHost)
  }
  if (digest !== undefined && digest !== descriptor.digest) throw transferError(descriptor, { kind: 'digest', actual: digest }, sourceHost)
}

/** A source that sent other bytes than its descriptor names: transient (a retry may get the right ones). */
function transferError(descriptor: Descriptor, problem: GateProblem, sourceHost: string): RegistryError {
  if (problem.kind === 'digest') {
    return new RegistryError(`blob ${descriptor.digest}: the bytes received hash to ${problem.actual}`, { code: 'DIGEST_MISMATCH', transient: true, side: 'source', host: sourceHost })
  }
  return new RegistryError(`blob ${descriptor.digest}: received ${problem.kind === 'too-long' ? 'more than' : problem.bytes} bytes, expected ${descriptor.size}`, {
    code: 'SIZE_MISMATCH',
    transient: true,
    side: 'source',
    host: sourceHost
  })
}

function isCancellation(error: unknown): boolean {
  return error instanceof RegistryError && error.code === 'CANCELLED'
}


/** Buffered on each side of the gate: a few socket reads, so the source keeps reading while the upload's socket drains. */
const GATE_BUFFER_BYTES = 256 * 1024

/** What a gate found wrong with the bytes that passed it. */
export type GateProblem = { kind: 'too-long' } | { kind: 'size'; bytes: number } | { kind: 'digest'; actual: string }

/**
 * Passes bytes through while hashing them and holds back the last piece until
 * the digest is known: on a mismatch the upload body never completes, so the
 * registry cannot commit it. `refuse` turns the problem into the caller's
 * error (a source registry's, a bundle's); the first one is kept in `mismatch`.
 */
export class DigestGate extends Transform {
  private readonly hash: Hash
  private held: Buffer | undefined
  bytes = 0
  mismatch: Error | undefined

  constructor(
    private readonly descriptor: Descriptor,
    private readonly refuse: (problem: GateProblem) => Error,
    private readonly onBytes?: (bytes: number) => void
  ) {
    super({ highWaterMark: GATE_BUFFER_BYTES })
    this.hash = hashFor(descriptor.digest)
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk)
    this.bytes += chunk.length
    this.onBytes?.(chunk.length)
    if (this.bytes > this.descriptor.size) {
      done(this.fail({ kind: 'too-long' }))
      return
    }
    const previous = this.held
    this.held = chunk
    done(null, previous)
  }

  override _flush(done: TransformCallback): void {
    if (this.bytes !== this.descriptor.size) {
      done(this.fail({ kind: 'size', bytes: this.bytes }))
      return
    }
    const actual = `${algorithmOf(this.descriptor.digest)}:${this.hash.digest('hex')}`
    if (actual !== this.descriptor.digest) {
      done(this.fail({ kind: 'digest', actual }))
      return
    }
    done(null, this.held)
  }

  private fail(problem: GateProblem): Error {
    this.mismatch ??= this.refuse(problem)
    return this.mismatch
  }
}
