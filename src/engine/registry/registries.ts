/**
 * The registries one run talks to: one client per (registry, purpose), shared
 * connection pools, credentials, tokens, per-host request and byte counts, and
 * Docker Hub's remaining pull quota as last reported.
 */
import type { Credentials } from '../port.js'
import type { RetryPolicy } from '../retry.js'
import { Authenticator } from './auth.js'
import { RegistryClient, type RegistryStats } from './client.js'
import { CredentialStore } from './credentials.js'
import { resolveEndpoint, type EndpointOptions, type Purpose } from './endpoint.js'
import { ProxyConfig, proxyEnvironment } from './proxy.js'
import { Agents, exchange, readBody } from './transport.js'

export interface RegistriesOptions extends EndpointOptions {
  /** Explicit credentials by registry name. */
  credentials: ReadonlyMap<string, Credentials>
  dockerConfigDir?: string
  caFile?: string
  /** HTTPS_PROXY / HTTP_PROXY / NO_PROXY (proxy.ts); default: from the process environment. */
  proxy?: ProxyConfig
  concurrency: number
  /** Blob transfers at once, run-wide: the sockets of the blob lane (default: concurrency). */
  blobConcurrency?: number
  retry: RetryPolicy
  /** Inactivity timeout of each exchange, in ms. */
  timeoutMs: number
  /** Overall deadline of each exchange, body included, in ms. */
  deadlineMs: number
  onRetry?: (host: string, error: unknown, attempt: number, delayMs: number) => void
}

export class Registries {
  private readonly agents: Agents
  private readonly auth: Authenticator
  private readonly clients = new Map<string, RegistryClient>()
  private readonly statsByHost = new Map<string, RegistryStats>()
  private readonly rateLimits = new Map<string, number>()

  constructor(private readonly options: RegistriesOptions) {
    const proxy = options.proxy ?? new ProxyConfig(proxyEnvironment(process.env))
    this.agents = new Agents({
      maxSockets: options.concurrency,
      blobSockets: options.blobConcurrency ?? options.concurrency,
      ...(options.caFile !== undefined && { caFile: options.caFile }),
      ...(!proxy.direct && { proxy }),
      connectTimeoutMs: options.timeoutMs
    })
    const store = new CredentialStore({
      explicit: options.credentials,
      ...(options.dockerConfigDir !== undefined && { dockerConfigDir: options.dockerConfigDir })
    })
    this.auth = new Authenticator(store, async (url, authorization) => {
      const stats = this.statsFor(url.host)
      stats.requests += 1
      const response = await exchange({
        method: 'GET',
        url,
        headers: authorization ? { authorization } : {},
        agent: this.agents.for(url, 'read'),
        timeoutMs: options.timeoutMs,
        deadlineMs: options.deadlineMs
      })
      // A token answer is small; a larger one is cut short and fails to parse.
      const body = await readBody(response, 1024 * 1024)
      stats.bytesReceived += body.length
      return { status: response.statusCode ?? 0, body }
    })
  }

  client(registry: string, purpose: Purpose): RegistryClient {
    const key = `${purpose} ${registry}`
    let client = this.clients.get(key)
    if (!client) {
      const endpoint = resolveEndpoint(registry, purpose, this.options)
      const onRetry = this.options.onRetry
      client = new RegistryClient(endpoint, {
        agents: this.agents,
        auth: this.auth,
        purpose,
        retry: this.options.retry,
        timeoutMs: this.options.timeoutMs,
        deadlineMs: this.options.deadlineMs,
        stats: this.statsFor(endpoint.host),
        onRateLimit: remaining => this.rateLimits.set(endpoint.host, remaining),
        ...(onRetry && { onRetry: (error: unknown, attempt: number, delayMs: number) => onRetry(endpoint.host, error, attempt, delayMs) })
      })
      this.clients.set(key, client)
    }
    return client
  }

  /** Docker Hub's last `ratelimit-remaining` for a host, if it sent one. */
  rateLimitRemaining(host: string): number | undefined {
    return this.rateLimits.get(host)
  }

  /** Requests and bytes per host contacted, for the job summary. */
  stats(): Record<string, RegistryStats> {
    return Object.fromEntries([...this.statsByHost].map(([host, stats]) => [host, { ...stats }]))
  }

  close(): void {
    this.agents.destroy()
  }

  private statsFor(host: string): RegistryStats {
    let stats = this.statsByHost.get(host)
    if (!stats) {
      stats = { requests: 0, bytesSent: 0, bytesReceived: 0 }
      this.statsByHost.set(host, stats)
    }
    return stats
  }
}
