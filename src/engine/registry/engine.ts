/**
 * `engine: registry`: copies images registry to registry over the OCI
 * distribution API, every platform of an index included, and checks targets
 * with one HEAD. Never throws for one image: each call returns a PhaseResult.
 */
import type { PhaseResult } from '../../model.js'
import { formatReference, type ImageReference } from '../../reference.js'
import type { Credentials, MirrorEngine } from '../engine.js'
import { BlobMover } from './blob.js'
import type { RegistryStats } from './client.js'
import { ImageCopier, RateLimitStop } from './copy.js'
import { pushScope } from './blob.js'
import { describeError, RegistryError } from './errors.js'
import { Registries } from './registries.js'

export interface RegistryEngineOptions {
  /** Used for the target registry of every image. */
  targetCredentials?: Credentials
  /** Used for the source registry of every image (not sent to a registry-mirror, which is another host). */
  sourceCredentials?: Credentials
  /** Serves reads of Docker Hub names: `http://127.0.0.1:5000`, `https://mirror.gcr.io`. */
  registryMirror?: string
  /** Hosts reached over plain HTTP. Loopback hosts always are, like docker does. */
  insecureRegistries: string[]
  /** PEM file of extra trusted CAs. */
  caFile?: string
  /** Sockets per registry, and children/blobs of one image copied at once. */
  concurrency: number
  /** Retries after the first attempt of each request or blob transfer. */
  retries: number
  /** Copy only these platforms of an index; changes the index digest. Empty: all. */
  platforms: string[]
  copyReferrers: boolean
  /** Where docker's config.json is; default $DOCKER_CONFIG, then ~/.docker. */
  dockerConfigDir?: string
  /** Inactivity timeout of each request, in ms (default 60 s). */
  timeoutMs?: number
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
}

const MiB = 1024 * 1024

export class RegistryEngine implements MirrorEngine {
  readonly name = 'registry' as const
  private readonly explicit = new Map<string, Credentials>()
  private readonly registries: Registries
  private readonly blobs: BlobMover
  private readonly copier: ImageCopier

  constructor(private readonly options: RegistryEngineOptions) {
    const retry = { attempts: options.retries + 1, baseDelayMs: options.retryBaseDelayMs ?? 500, maxDelayMs: options.retryMaxDelayMs ?? 15000 }
    this.registries = new Registries({
      credentials: this.explicit,
      ...(options.dockerConfigDir !== undefined && { dockerConfigDir: options.dockerConfigDir }),
      ...(options.caFile !== undefined && { caFile: options.caFile }),
      ...(options.registryMirror !== undefined && { registryMirror: options.registryMirror }),
      insecureRegistries: options.insecureRegistries,
      concurrency: options.concurrency,
      retry,
      timeoutMs: options.timeoutMs ?? 60000
    })
    this.blobs = new BlobMover(this.registries, { chunkSize: options.chunkSize ?? 16 * MiB, chunkThreshold: options.chunkThreshold ?? 64 * MiB, retry })
    this.copier = new ImageCopier(this.registries, this.blobs, {
      concurrency: options.concurrency,
      platforms: options.platforms,
      copyReferrers: options.copyReferrers,
      rateLimitReserve: options.rateLimitReserve ?? 2
    })
  }

  async mirror(source: ImageReference, target: ImageReference): Promise<PhaseResult> {
    const started = Date.now()
    try {
      this.noteCredentials(source, target)
      const outcome = await this.copier.copy(source, target)
      return {
        phase: 'mirror',
        status: outcome.status,
        durationMs: Date.now() - started,
        digest: outcome.digest,
        ...(outcome.size !== undefined && { size: outcome.size }),
        ...(outcome.platforms && { platforms: outcome.platforms }),
        bytesTransferred: outcome.bytesTransferred,
        bytesSkipped: outcome.bytesSkipped
      }
    } catch (error) {
      return failure('mirror', error, started, source, target)
    }
  }

  async verify(target: ImageReference): Promise<PhaseResult> {
    const started = Date.now()
    try {
      this.noteCredentials(undefined, target)
      const client = this.registries.client(target.registry, 'write')
      const found = await this.copier.head(client, target.repository, target.tag ?? (target.digest as string), pushScope(target.repository))
      if (found) return { phase: 'verify', status: 'verified', durationMs: Date.now() - started, digest: found.digest }
      return {
        phase: 'verify',
        status: 'missing',
        durationMs: Date.now() - started,
        error: `${formatReference(target)} is not in the target registry`,
        suggestion: `Mirror it first (mode: mirror), or push ${formatReference(target)}`
      }
    } catch (error) {
      return failure('verify', error, started, undefined, target)
    }
  }

  /** Requests and bytes per host contacted (registries and token services), for the job summary. */
  stats(): Record<string, RegistryStats> {
    return this.registries.stats()
  }

  /** Docker Hub's last `ratelimit-remaining` per host that sent one. */
  rateLimits(): Record<string, number> {
    return this.registries.rateLimitsByHost()
  }

  /** How blobs were moved this run: HEADs, mount attempts, declined mounts, uploads, chunks. */
  blobCounts(): { heads: number; mounts: number; mountsDeclined: number; uploads: number; chunks: number } {
    return { ...this.blobs.counts }
  }

  async close(): Promise<void> {
    this.registries.close()
  }

  // Explicit credentials belong to a registry: the target's to the target, the source's to the source.
  private noteCredentials(source: ImageReference | undefined, target: ImageReference): void {
    if (source && this.options.sourceCredentials && !this.explicit.has(source.registry) && source.registry !== target.registry) {
      this.explicit.set(source.registry, this.options.sourceCredentials)
    }
    if (this.options.targetCredentials && !this.explicit.has(target.registry)) this.explicit.set(target.registry, this.options.targetCredentials)
  }
}

function failure(phase: 'mirror' | 'verify', error: unknown, started: number, source: ImageReference | undefined, target: ImageReference): PhaseResult {
  const durationMs = Date.now() - started
  if (error instanceof RateLimitStop) {
    return {
      phase,
      status: 'skipped',
      durationMs,
      error: error.message,
      suggestion: 'Left for the next run: Docker Hub restores the quota over 6 hours; log in (docker/login-action) for a larger quota, or set registry-mirror'
    }
  }
  const message = describeError(error).split('\n')[0] as string
  const log = error instanceof RegistryError ? error.details.body : undefined
  return {
    phase,
    status: 'failed',
    durationMs,
    error: message,
    ...(log !== undefined && { log }),
    suggestion: suggestionFor(error, source, target)
  }
}

function suggestionFor(error: unknown, source: ImageReference | undefined, target: ImageReference): string {
  const message = error instanceof Error ? error.message : String(error)
  const onSource = source !== undefined && message.includes(`/v2/${source.repository}/`) && !message.includes(`/v2/${target.repository}/`)
  const registry = onSource && source ? source.registry : target.registry
  const status = error instanceof RegistryError ? error.status : undefined
  const code = error instanceof RegistryError ? error.code : (error as { code?: string } | null)?.code
  if (status === 401 || code === 'UNAUTHORIZED') {
    return onSource
      ? `Check the credentials for ${registry}: the source-username/source-password inputs, or docker login ${registry} before this step`
      : `Check the credentials for ${registry}: the target-username/target-password inputs, or docker login ${registry} before this step`
  }
  if (status === 403 || code === 'DENIED') return `The account has no ${onSource ? 'pull' : 'push'} permission on ${registry}; grant it, or use another account`
  if (code === 'MANIFEST_UNKNOWN' && source && onSource) return `Check that ${formatReference(source)} exists (skopeo inspect docker://${formatReference(source)})`
  if (code === 'NAME_UNKNOWN') return `Create the repository or project for ${formatReference(target)} in ${target.registry}, or fix the mapping`
  if (status === 429 || code === 'TOOMANYREQUESTS') return `${registry} is rate limiting: re-run later, log in for a larger quota, or lower concurrency`
  if (status !== undefined && status >= 500) return `${registry} failed (HTTP ${status}); re-run later, or raise retries`
  if (code === 'DIGEST_MISMATCH' || code === 'SIZE_MISMATCH') return 'The bytes received did not match their digest; re-run, and check any proxy in between'
  if (typeof code === 'string' && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return `The TLS certificate of ${registry} is not trusted: pass its CA with ca-file, or list it in insecure-registries`
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return `Cannot reach ${registry}: check the address; a plain-HTTP registry belongs in insecure-registries`
  }
  if (code === 'EPROTO' || /wrong version number/i.test(message)) return `${registry} does not speak HTTPS: list it in insecure-registries`
  return `Re-run to retry; if it persists, check ${registry} and the network between`
}
