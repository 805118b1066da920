/**
 * `engine: registry`: copies images registry to registry over the OCI
 * distribution API, every platform of an index included, and looks targets up
 * with one HEAD. Implements the CopyPort: `prepareCopy` only reads, `copy`
 * performs what it prepared; a per-image problem is thrown as an
 * EngineFailure whose kind and side come from the request that failed.
 */
import { formatReference, type ImageReference } from '../../reference.js'
import { EngineFailure, type CopyOutcome, type CopyPort, type Credentials, type LookupOutcome, type OperationContext, type PreparedCopy } from '../port.js'
import type { BlobCounts } from './blob.js'
import { BlobMover } from './blob.js'
import type { RegistryStats } from './client.js'
import { CopyState, ImageCopier, type CopyResult } from './copy.js'
import { engineFailure } from './errors.js'
import { ProxyConfig, type ProxyEnvironment } from './proxy.js'
import { Registries } from './registries.js'
import type { BlobCache } from '../cache/blob-cache.js'

export interface RegistryEngineOptions {
  /**
   * Credentials by registry name as references carry it (`docker.io`,
   * `harbor.example.com`, `127.0.0.1:5000`, or a registry-mirror's host), built
   * by the caller. Each is sent only to that registry, and to a bearer token
   * realm only when the realm is that registry's own (see auth.ts). Registries
   * not in the map use docker's config.json, else go anonymous.
   */
  credentials?: ReadonlyMap<string, Credentials>
  /** Serves reads of Docker Hub names: `http://127.0.0.1:5000`, `https://mirror.gcr.io`. */
  registryMirror?: string
  /** Hosts reached over plain HTTP. Loopback hosts always are, like docker does. */
  insecureRegistries: string[]
  /** PEM file of extra trusted CAs. */
  caFile?: string
  /**
   * HTTPS_PROXY / HTTP_PROXY / NO_PROXY (see proxy.ts for the rules, Go's);
   * default: read from the process environment, like $DOCKER_CONFIG.
   * Loopback registries are never proxied.
   */
  proxy?: ProxyEnvironment
  /** Sockets per registry for short requests, and children/blobs of one image looked at once. */
  concurrency: number
  /**
   * Blob transfers at once across the whole run (each a download streamed into
   * an upload), independent of how many images are copied at once; the largest
   * waiting blob goes first. Default: see DEFAULT_BLOB_CONCURRENCY.
   */
  blobConcurrency?: number
  /** Retries after the first attempt of each request, or of each blob upload as a whole (never both). */
  retries: number
  /** Copy only these platforms of an index; changes the index digest. Empty: all. */
  platforms: string[]
  copyReferrers: boolean
  /** Where docker's config.json is; default $DOCKER_CONFIG, then ~/.docker. */
  dockerConfigDir?: string
  /** Inactivity timeout of each request, in ms (default 60 s). */
  timeoutMs?: number
  /** Overall deadline of each request, its body included, in ms (default 10 min). */
  deadlineMs?: number
  /** Chunk size of chunked uploads, in bytes (default 16 MiB). */
  chunkSize?: number
  /** Blobs above this size are uploaded in chunks (default 64 MiB). */
  chunkThreshold?: number
  /** First retry delay (default 500 ms, doubling, full jitter); tests make it small. */
  retryBaseDelayMs?: number
  /** Longest wait between retries, Retry-After included (default 15 s). */
  retryMaxDelayMs?: number
  /** Stop when Docker Hub's ratelimit-remaining falls to this (default 2). */
  rateLimitReserve?: number
  /** cache: true: the run's blob cache, read before a source and filled with what sources serve. */
  cache?: BlobCache
}

const MiB = 1024 * 1024

export class RegistryEngine implements CopyPort {
  readonly name = 'registry' as const
  private readonly registries: Registries
  private readonly blobs: BlobMover
  private readonly copier: ImageCopier

  constructor(private readonly options: RegistryEngineOptions) {
    const retry = { attempts: options.retries + 1, baseDelayMs: options.retryBaseDelayMs ?? 500, maxDelayMs: options.retryMaxDelayMs ?? 15000 }
    this.registries = new Registries({
      credentials: options.credentials ?? new Map(),
      ...(options.dockerConfigDir !== undefined && { dockerConfigDir: options.dockerConfigDir }),
      ...(options.caFile !== undefined && { caFile: options.caFile }),
      ...(options.proxy !== undefined && { proxy: new ProxyConfig(options.proxy) }),
      ...(options.registryMirror !== undefined && { registryMirror: options.registryMirror }),
      insecureRegistries: options.insecureRegistries,
      concurrency: options.concurrency,
      blobConcurrency: blobConcurrency(options),
      retry,
      timeoutMs: options.timeoutMs ?? 60_000,
      deadlineMs: options.deadlineMs ?? 10 * 60_000
    })
    this.blobs = new BlobMover(this.registries, { concurrency: blobConcurrency(options), chunkSize: options.chunkSize ?? 16 * MiB, chunkThreshold: options.chunkThreshold ?? 64 * MiB, retry, ...(options.cache !== undefined && { cache: options.cache }) })
    this.copier = new ImageCopier(this.registries, this.blobs, {
      concurrency: options.concurrency,
      platforms: options.platforms,
      copyReferrers: options.copyReferrers,
      rateLimitReserve: options.rateLimitReserve ?? 2,
      ...(options.cache !== undefined && { cache: options.cache })
    })
  }

  async prepareCopy(source: ImageReference, target: ImageReference, context: OperationContext): Promise<PreparedCopy> {
    if (sameImage(source, target) && this.options.platforms.length > 0) {
      // Filtering platforms would overwrite the source with a new index.
      throw new EngineFailure('unsupported', 'target', `${formatReference(target)} is its own source: copying only ${this.options.platforms.join(', ')} would overwrite it`, {
        host: target.registry
      })
    }
    try {
      const prepared = await this.copier.prepare(source, target, context)
      const sourceDigest = prepared.state.sourceDigest ?? source.digest
      return {
        source,
        target,
        steps: prepared.steps,
        state: prepared.state,
        ...(sourceDigest !== undefined && { sourceDigest }),
        ...(prepared.done && { done: outcome(prepared.done) })
      }
    } catch (error) {
      throw engineFailure(error, context.signal)
    }
  }

  async copy(prepared: PreparedCopy, context: OperationContext): Promise<CopyOutcome> {
    if (prepared.done) return prepared.done
    if (!(prepared.state instanceof CopyState)) {
      throw new EngineFailure('other', 'local', `the copy of ${formatReference(prepared.source)} was not prepared by the registry engine`)
    }
    try {
      return outcome(await this.copier.copy(prepared.source, prepared.target, prepared.state, context))
    } catch (error) {
      throw engineFailure(error, context.signal)
    }
  }

  describeLookup(target: ImageReference): string[] {
    return this.copier.describeLookup(target)
  }

  async lookup(target: ImageReference, context: OperationContext): Promise<LookupOutcome> {
    try {
      const found = await this.copier.lookup(target, context)
      if (!found) return { status: 'missing' }
      return { status: 'verified', ...(found.digest !== undefined && { digest: found.digest }) }
    } catch (error) {
      throw engineFailure(error, context.signal)
    }
  }

  /** This engine's clients, for the docker engine's HEAD lookups: one pool, one set of credentials and counts. */
  get clients(): Registries {
    return this.registries
  }

  /** Requests and bytes per host contacted (registries and token services), for the job summary. */
  stats(): Record<string, RegistryStats> {
    return this.registries.stats()
  }

  /** How blobs were moved this run (HEADs, mounts tried, declined and failed, uploads, chunks), for benchmarks and tests. */
  blobCounts(): BlobCounts {
    return { ...this.blobs.counts }
  }

  async close(): Promise<void> {
    this.registries.close()
  }
}

/**
 * Blob transfers at once when the caller does not say. Measured with
 * `npm run bench:registry` on 2 cores: see the README's benchmark table.
 */
export const DEFAULT_BLOB_CONCURRENCY = 4

function blobConcurrency(options: RegistryEngineOptions): number {
  return Math.max(1, Math.round(options.blobConcurrency ?? Math.min(DEFAULT_BLOB_CONCURRENCY, Math.max(1, options.concurrency))))
}

function outcome(result: CopyResult): CopyOutcome {
  return {
    status: result.status,
    digest: result.digest,
    ...(result.size !== undefined && { size: result.size }),
    ...(result.platforms && { platforms: result.platforms }),
    bytesTransferred: result.bytesTransferred,
    bytesSkipped: result.bytesSkipped
  }
}

function sameImage(source: ImageReference, target: ImageReference): boolean {
  return source.registry === target.registry && source.repository === target.repository && (source.tag ?? source.digest) === (target.tag ?? target.digest)
}
