/**
 * A client of one registry endpoint: every request goes through `request`,
 * which adds auth (answering one 401 challenge), follows redirects (dropping
 * Authorization when the host changes, so credentials never reach blob
 * storage), retries transient failures (network errors, 429, 5xx, honouring
 * Retry-After; never 401/403/404), and counts requests and bytes.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import { Transform, type Readable } from 'node:stream'
import { pipeline } from 'node:stream'
import { withRetry, type RetryPolicy } from '../retry.js'
import type { Authenticator } from './auth.js'
import type { Purpose, RegistryEndpoint } from './endpoint.js'
import { codeForStatus, isTransient, parseErrorBody, parseRetryAfter, RegistryError, retryAfterOf } from './errors.js'
import { discard, exchange, readBody, type Agents } from './transport.js'

export interface RegistryStats {
  requests: number
  bytesSent: number
  bytesReceived: number
}

export interface RegistryRequest {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE'
  /** A path below the origin (`/v2/…`) or an absolute URL (upload locations). */
  path: string | URL
  headers?: Record<string, string>
  /** A Buffer may be re-sent; a stream is sent once (no retry, no second try after a 401). */
  body?: Buffer | Readable
  /** Token scopes this request needs: `repository:team/app:pull,push`. */
  scopes: readonly string[]
  /** Statuses that are success; anything else becomes a RegistryError. */
  expect: readonly number[]
  /** Hand back the body as a stream instead of reading it. */
  stream?: boolean
  /** Follow 3xx (blob downloads redirected to storage). */
  followRedirects?: boolean
  /** For errors that have no body: what a 404 means here. */
  kind?: 'manifest' | 'blob' | 'other'
  /** false: one attempt only (upload chunks, which the caller retries as a whole). */
  retry?: boolean
}

export interface RegistryResponse {
  status: number
  headers: IncomingHttpHeaders
  /** The body when not streamed (empty for HEAD). */
  body: Buffer
  /** The body when `stream` was asked for; the caller must consume it. */
  stream?: Readable
  url: URL
}

export interface ClientOptions {
  agents: Agents
  auth: Authenticator
  purpose: Purpose
  retry: RetryPolicy
  timeoutMs: number
  stats: RegistryStats
  /** Called with Docker Hub's `ratelimit-remaining` whenever a response carries it. */
  onRateLimit?: (remaining: number) => void
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void
}

const MAX_REDIRECTS = 5

export class RegistryClient {
  constructor(
    readonly endpoint: RegistryEndpoint,
    private readonly options: ClientOptions
  ) {}

  get host(): string {
    return this.endpoint.host
  }

  /** Bytes of a streamed request body, counted by whoever streams it. */
  countSent(bytes: number): void {
    this.options.stats.bytesSent += bytes
  }

  url(path: string | URL): URL {
    return path instanceof URL ? path : new URL(path, this.endpoint.origin)
  }

  async request(request: RegistryRequest): Promise<RegistryResponse> {
    const replayable = request.body === undefined || Buffer.isBuffer(request.body)
    const policy = replayable && request.retry !== false ? this.options.retry : { ...this.options.retry, attempts: 1 }
    return withRetry(() => this.attempt(request), policy, {
      isTransient,
      retryAfterMs: retryAfterOf,
      ...(this.options.onRetry && { onRetry: this.options.onRetry })
    })
  }

  private async attempt(request: RegistryRequest): Promise<RegistryResponse> {
    const url = this.url(request.path)
    let authorization = await this.options.auth.headerFor(this.endpoint, request.scopes)
    let response = await this.send(request, url, authorization)
    if (response.status === 401) {
      discard(response.message)
      const bodyConsumed = request.body !== undefined && !Buffer.isBuffer(request.body)
      authorization = await this.options.auth.answer(this.endpoint, header(response.message.headers['www-authenticate']), request.scopes)
      if (bodyConsumed) {
        throw new RegistryError(`${request.method} ${url.pathname}: HTTP 401 UNAUTHORIZED on a streamed upload`, { status: 401, code: 'UNAUTHORIZED', transient: true })
      }
      response = await this.send(request, url, authorization)
    } else if (authorization === undefined && response.status < 400) {
      this.options.auth.noteAnonymous(this.endpoint)
    }
    const { message } = response
    if (!request.expect.includes(message.statusCode ?? 0)) throw await this.failure(request, response.url, message)
    if (request.stream) return { status: message.statusCode ?? 0, headers: message.headers, body: Buffer.alloc(0), stream: this.counted(message), url: response.url }
    // A HEAD answer must still be consumed, or its socket never returns to the pool.
    if (request.method === 'HEAD') discard(message)
    const body = request.method === 'HEAD' ? Buffer.alloc(0) : await readBody(message)
    this.options.stats.bytesReceived += body.length
    return { status: message.statusCode ?? 0, headers: message.headers, body, url: response.url }
  }

  /** One exchange plus redirects; Authorization only goes to this registry's origin. */
  private async send(request: RegistryRequest, url: URL, authorization: string | undefined): Promise<{ status: number; message: IncomingMessage; url: URL }> {
    let current = url
    for (let hop = 0; ; hop += 1) {
      const headers: Record<string, string> = { ...request.headers }
      if (authorization !== undefined && current.origin === this.endpoint.origin) headers.authorization = authorization
      const body = current === url ? request.body : undefined
      if (Buffer.isBuffer(body)) headers['content-length'] = String(body.length)
      this.options.stats.requests += 1
      if (Buffer.isBuffer(body)) this.options.stats.bytesSent += body.length
      const message = await exchange({
        method: request.method,
        url: current,
        headers,
        ...(body !== undefined && { body }),
        agent: this.options.agents.for(current, this.options.purpose),
        timeoutMs: this.options.timeoutMs
      })
      this.noteRateLimit(message.headers)
      const status = message.statusCode ?? 0
      const location = header(message.headers.location)
      if (request.followRedirects && [301, 302, 303, 307, 308].includes(status) && location && hop < MAX_REDIRECTS) {
        discard(message)
        current = new URL(location, current)
        continue
      }
      return { status, message, url: current }
    }
  }

  private async failure(request: RegistryRequest, url: URL, message: IncomingMessage): Promise<RegistryError> {
    const status = message.statusCode ?? 0
    const text = request.method === 'HEAD' ? '' : (await readBody(message, 64 * 1024)).toString('utf8')
    if (request.method === 'HEAD') discard(message)
    const parsed = parseErrorBody(text)
    const code = parsed.code ?? codeForStatus(status, request.kind ?? 'other')
    const reason = parsed.message ? `: ${parsed.message}` : ''
    const retryAfterMs = parseRetryAfter(header(message.headers['retry-after']))
    return new RegistryError(`${request.method} ${url.host}${url.pathname}: HTTP ${status}${code ? ` ${code}` : ''}${reason}`, {
      status,
      ...(code !== undefined && { code }),
      transient: status === 429 || status >= 500 || status === 408,
      ...(retryAfterMs !== undefined && { retryAfterMs }),
      ...(text && { body: text.slice(0, 2000) })
    })
  }

  /** Counts bytes as they stream past without breaking backpressure. */
  private counted(message: IncomingMessage): Readable {
    const stats = this.options.stats
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        stats.bytesReceived += chunk.length
        done(null, chunk)
      }
    })
    pipeline(message, counter, () => undefined)
    return counter
  }

  private noteRateLimit(headers: IncomingHttpHeaders): void {
    const value = header(headers['ratelimit-remaining'])
    if (value === undefined || !this.options.onRateLimit) return
    const remaining = Number.parseInt(value, 10)
    if (Number.isFinite(remaining)) this.options.onRateLimit(remaining)
  }
}

export function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}
