/**
 * A client of one registry endpoint, on one side of a copy (reads of the
 * source, writes and lookups of the target): every request goes through
 * `request`, which adds auth (answering one 401 challenge), follows redirects
 * when asked (dropping Authorization when the origin changes, so credentials
 * never reach blob storage), retries transient failures (network errors, 429,
 * 5xx, honouring Retry-After; never 401/403/404), counts requests and bytes,
 * records what it sends for the image's log, and tags every error with its
 * side and host.
 *
 * Retries happen at one level only. A request is retried here when it stands
 * on its own (HEAD, manifest GET/PUT); a request that is part of a larger unit
 * the caller retries as a whole (the requests of one blob upload, whose
 * streamed body cannot be replayed) is sent with `retry: false`.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import { Transform, type Readable } from 'node:stream'
import { withRetry, type RetryPolicy } from '../retry.js'
import type { Authenticator } from './auth.js'
import type { Purpose, RegistryEndpoint } from './endpoint.js'
import { cancelledError, codeForStatus, isTransient, networkError, oneLine, parseErrorBody, parseRetryAfter, RegistryError, retryAfterOf, type Side } from './errors.js'
import { discard, exchange, readBody, type Agents } from './transport.js'

export interface RegistryStats {
  requests: number
  bytesSent: number
  bytesReceived: number
}

/** What one engine call lends each request: cancellation, and where to record what is sent. */
export interface RequestContext {
  signal: AbortSignal
  /** Told `METHOD host/path` of every request that is not a HEAD (queries the registry wrote are left out). */
  record?: (line: string) => void
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
  /** false: one attempt only (requests of a unit the caller retries as a whole). */
  retry?: boolean
  /** A body longer than this is refused without reading the rest (default 16 MiB). */
  maxBodyBytes?: number
  /** Checks an answer inside the attempt, so a corrupt answer is retried like a failed request. */
  verify?: (response: RegistryResponse) => void
  /** Bytes this request moves (a blob), which lengthens its deadline: see `deadlineFor`. */
  transferBytes?: number
}

export interface RegistryResponse {
  status: number
  headers: IncomingHttpHeaders
  /** The body when not streamed (empty for HEAD). */
  body: Buffer
  /** The body when `stream` was asked for; the caller must consume or destroy it. */
  stream?: Readable
  url: URL
}

export interface ClientOptions {
  agents: Agents
  auth: Authenticator
  purpose: Purpose
  retry: RetryPolicy
  /** Inactivity timeout of each exchange, in ms. */
  timeoutMs: number
  /** Overall deadline of each exchange, body included, in ms. */
  deadlineMs: number
  stats: RegistryStats
  /** Called with Docker Hub's `ratelimit-remaining` whenever a response carries it. */
  onRateLimit?: (remaining: number) => void
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void
}

const MAX_REDIRECTS = 5
/** The slowest transfer a deadline allows for a blob: 256 KiB/s on top of the base deadline. */
const FLOOR_BYTES_PER_MS = 256
const DEFAULT_MAX_BODY = 16 * 1024 * 1024
/** What is read of an error body; the report keeps 2000 characters of it. */
const ERROR_BODY_LIMIT = 64 * 1024
/** Query parameters we write ourselves and show in the log; a registry's own (`_state`, signatures) are left out. */
const SHOWN_QUERY = ['mount', 'from', 'digest']

export class RegistryClient {
  constructor(
    readonly endpoint: RegistryEndpoint,
    private readonly options: ClientOptions
  ) {}

  get host(): string {
    return this.endpoint.host
  }

  /** Reads serve the source of a copy; writes and lookups the target. */
  get side(): Side {
    return this.options.purpose === 'read' ? 'source' : 'target'
  }

  /** Bytes of a streamed request body, counted by whoever streams it. */
  countSent(bytes: number): void {
    this.options.stats.bytesSent += bytes
  }

  url(path: string | URL): URL {
    return path instanceof URL ? path : new URL(path, this.endpoint.origin)
  }

  /** `METHOD host/path?ours` as the log shows a request. */
  describe(method: string, path: string | URL): string {
    return `${method} ${describeUrl(this.url(path))}`
  }

  async request(request: RegistryRequest, context: RequestContext): Promise<RegistryResponse> {
    const replayable = request.body === undefined || Buffer.isBuffer(request.body)
    const policy = replayable && request.retry !== false ? this.options.retry : { ...this.options.retry, attempts: 1 }
    try {
      return await withRetry(() => this.attempt(request, context), policy, {
        isTransient,
        retryAfterMs: retryAfterOf,
        signal: context.signal,
        ...(this.options.onRetry && { onRetry: this.options.onRetry })
      })
    } catch (error) {
      if (context.signal.aborted) throw cancelledError(this.host).onSide(this.side, this.host)
      throw error
    }
  }

  private async attempt(request: RegistryRequest, context: RequestContext): Promise<RegistryResponse> {
    const url = this.url(request.path)
    const what = `${request.method} ${url.host}${url.pathname}`
    try {
      let authorization = await this.options.auth.headerFor(this.endpoint, request.scopes, context.signal)
      let response = await this.send(request, url, authorization, context)
      if (response.status === 401) {
        discard(response.message)
        const bodyConsumed = request.body !== undefined && !Buffer.isBuffer(request.body)
        authorization = await this.options.auth.answer(this.endpoint, header(response.message.headers['www-authenticate']), request.scopes, context.signal)
        if (bodyConsumed) {
          throw new RegistryError(`${what}: HTTP 401 UNAUTHORIZED on a streamed upload`, { status: 401, code: 'UNAUTHORIZED', transient: true })
        }
        response = await this.send(request, url, authorization, context)
      } else if (authorization === undefined && response.status < 400) {
        this.options.auth.noteAnonymous(this.endpoint)
      }
      const { message } = response
      const status = message.statusCode ?? 0
      if (!request.expect.includes(status)) throw await this.failure(request, response.url, message)
      let result: RegistryResponse
      if (request.stream) {
        result = { status, headers: message.headers, body: Buffer.alloc(0), stream: this.counted(message, what), url: response.url }
      } else if (request.method === 'HEAD') {
        // A HEAD answer must still be consumed, or its socket never returns to the pool.
        discard(message)
        result = { status, headers: message.headers, body: Buffer.alloc(0), url: response.url }
      } else {
        const body = await this.readLimited(request, message, what)
        result = { status, headers: message.headers, body, url: response.url }
      }
      request.verify?.(result)
      return result
    } catch (error) {
      if (context.signal.aborted) throw cancelledError(this.host).onSide(this.side, this.host)
      throw networkError(what, error, this.side, url.host)
    }
  }

  private async readLimited(request: RegistryRequest, message: IncomingMessage, what: string): Promise<Buffer> {
    const limit = request.maxBodyBytes ?? DEFAULT_MAX_BODY
    const code = request.kind === 'manifest' ? 'MANIFEST_TOO_BIG' : 'BODY_TOO_BIG'
    const tooBig = (): RegistryError => new RegistryError(`${what}: the answer is larger than ${limit} bytes`, { code, transient: false })
    const announced = Number.parseInt(header(message.headers['content-length']) ?? '', 10)
    if (Number.isFinite(announced) && announced > limit) {
      message.destroy()
      throw tooBig()
    }
    const body = await readBody(message, limit, tooBig)
    this.options.stats.bytesReceived += body.length
    return body
  }

  /** One exchange plus redirects; Authorization only goes to this registry's origin. */
  private async send(request: RegistryRequest, url: URL, authorization: string | undefined, context: RequestContext): Promise<{ status: number; message: IncomingMessage; url: URL }> {
    let current = url
    for (let hop = 0; ; hop += 1) {
      const headers: Record<string, string> = { ...request.headers }
      if (authorization !== undefined && current.origin === this.endpoint.origin) headers.authorization = authorization
      const body = current === url ? request.body : undefined
      if (Buffer.isBuffer(body)) headers['content-length'] = String(body.length)
      this.options.stats.requests += 1
      if (Buffer.isBuffer(body)) this.options.stats.bytesSent += body.length
      if (request.method !== 'HEAD') context.record?.(`${request.method} ${describeUrl(current)}`)
      let message: IncomingMessage
      try {
        message = await exchange({
          method: request.method,
          url: current,
          headers,
          ...(body !== undefined && { body }),
          agent: this.options.agents.for(current, this.options.purpose, request.stream === true || request.transferBytes !== undefined ? 'blob' : 'meta'),
          timeoutMs: this.options.timeoutMs,
          deadlineMs: deadlineFor(this.options.deadlineMs, request.transferBytes),
          signal: context.signal
        })
      } catch (error) {
        throw networkError(`${request.method} ${current.host}${current.pathname}`, error, this.side, current.host)
      }
      this.noteRateLimit(message.headers)
      const status = message.statusCode ?? 0
      const location = header(message.headers.location)
      if (request.followRedirects && [301, 302, 303, 307, 308].includes(status) && location && hop < MAX_REDIRECTS) {
        discard(message)
        const next = redirectTarget(location, current)
        if (!next) {
          throw new RegistryError(`${request.method} ${current.host}${current.pathname}: refused a redirect to '${oneLine(location, 200)}' (only http(s), never from https to http)`, {
            code: 'REDIRECT_REFUSED',
            transient: false,
            side: this.side,
            host: current.host
          })
        }
        current = next
        continue
      }
      return { status, message, url: current }
    }
  }

  private async failure(request: RegistryRequest, url: URL, message: IncomingMessage): Promise<RegistryError> {
    const status = message.statusCode ?? 0
    let text = ''
    if (request.method === 'HEAD') discard(message)
    else text = (await readBody(message, ERROR_BODY_LIMIT)).toString('utf8')
    const parsed = parseErrorBody(text)
    const code = parsed.code ?? codeForStatus(status, request.kind ?? 'other')
    const reason = parsed.message ? `: ${parsed.message}` : ''
    const retryAfterMs = parseRetryAfter(header(message.headers['retry-after']))
    return new RegistryError(`${request.method} ${url.host}${url.pathname}: HTTP ${status}${code ? ` ${code}` : ''}${reason}`, {
      status,
      ...(code !== undefined && { code }),
      transient: status === 429 || status >= 500 || status === 408,
      ...(retryAfterMs !== undefined && { retryAfterMs }),
      ...(text && { body: text.slice(0, 2000) }),
      side: this.side,
      host: url.host
    })
  }

  /**
   * Counts bytes as they stream past without breaking backpressure. An error of
   * the body is tagged with this side, so a request that streams it elsewhere
   * (the PUT to the target) fails with the side the fault was on.
   */
  private counted(message: IncomingMessage, what: string): Readable {
    const stats = this.options.stats
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        stats.bytesReceived += chunk.length
        done(null, chunk)
      }
    })
    message.on('error', error => counter.destroy(networkError(what, error, this.side, this.host)))
    message.on('aborted', () => counter.destroy(networkError(what, Object.assign(new Error('the connection closed before the body ended'), { code: 'ECONNRESET' }), this.side, this.host)))
    // Whoever drops the stream early frees the socket.
    counter.on('close', () => {
      if (!message.complete) message.destroy()
    })
    message.pipe(counter)
    return counter
  }

  private noteRateLimit(headers: IncomingHttpHeaders): void {
    const value = header(headers['ratelimit-remaining'])
    if (value === undefined || !this.options.onRateLimit) return
    const remaining = Number.parseInt(value, 10)
    if (Number.isFinite(remaining)) this.options.onRateLimit(remaining)
  }
}

/**
 * The deadline of one exchange: the base deadline, plus for a blob the time it
 * takes at a floor throughput, so a multi-GiB layer on a slow link is not cut
 * off while a dripping server is still bounded.
 */
export function deadlineFor(baseMs: number, transferBytes: number | undefined): number {
  // Capped at a day (and so below setTimeout's 2^31 ms limit) whatever size a manifest claims.
  return Math.min(baseMs + Math.ceil((transferBytes ?? 0) / FLOOR_BYTES_PER_MS), 24 * 60 * 60 * 1000)
}

export function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

/** Where a redirect may go: http(s) only, and never from https down to plain http. */
function redirectTarget(location: string, from: URL): URL | undefined {
  let next: URL
  try {
    next = new URL(location, from)
  } catch {
    return undefined
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') return undefined
  if (from.protocol === 'https:' && next.protocol === 'http:') return undefined
  return next
}

/** `host/path` plus only the query parameters we wrote; never userinfo or a registry's signed query. */
export function describeUrl(url: URL): string {
  const shown = SHOWN_QUERY.flatMap(name => url.searchParams.getAll(name).map(value => `${name}=${value}`))
  return `${url.host}${url.pathname}${shown.length > 0 ? `?${shown.join('&')}` : ''}`
}
