/**
 * The one error type of the registry engine: an HTTP exchange that went wrong,
 * carrying what the report needs in one line (method, where, HTTP status, the
 * registry's error code), which side of the copy it happened on, and whether a
 * retry can help. `engineFailure` turns any of them into the port's typed
 * EngineFailure; the side always comes from the client that made the request,
 * never from the message text.
 */
import type { FailureKind, FailureSide } from '../../model.js'
import { EngineFailure } from '../port.js'

/** Which client a request went through: the source registry's (reads) or the target's (writes and lookups). */
export type Side = 'source' | 'target'

export class RegistryError extends Error {
  /** Set by the client that made the request (or the check that refused its bytes); first one wins. */
  side: Side | undefined
  host: string | undefined

  constructor(
    message: string,
    readonly details: {
      /** HTTP status, or undefined for network errors and local checks. */
      status?: number
      /** The registry's error code (`UNAUTHORIZED`, `MANIFEST_UNKNOWN`, …) or a local one (`DIGEST_MISMATCH`, `CANCELLED`). */
      code?: string
      /** Retrying can help: network errors, 429, 5xx, truncated or corrupted transfers. */
      transient: boolean
      /** A wait the server asked for (Retry-After), in ms. */
      retryAfterMs?: number
      /** The registry's response body, kept for the report's log (bounded). */
      body?: string
      /** The connection failed, timed out or hit its deadline (no HTTP answer to judge). */
      network?: boolean
      side?: Side
      host?: string
      cause?: unknown
    }
  ) {
    super(message, details.cause !== undefined ? { cause: details.cause } : undefined)
    this.name = 'RegistryError'
    this.side = details.side
    this.host = details.host
  }

  get status(): number | undefined {
    return this.details.status
  }

  get code(): string | undefined {
    return this.details.code
  }

  /** Records where this happened unless an earlier step already did. */
  onSide(side: Side, host: string | undefined): this {
    this.side ??= side
    this.host ??= host
    return this
  }
}

/** Codes of checks on what a registry sent: the bytes or names cannot be trusted. */
const INTEGRITY_CODES = new Set(['DIGEST_MISMATCH', 'SIZE_MISMATCH', 'DIGEST_INVALID', 'MANIFEST_INVALID', 'MANIFEST_TOO_BIG', 'REDIRECT_REFUSED'])

/** Network-level failures (reset, refused, timeout, TLS) that a retry may cure. */
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE',
  'DEADLINE'
])

export function isTransient(error: unknown): boolean {
  if (error instanceof RegistryError) return error.details.transient
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string' && TRANSIENT_NETWORK_CODES.has(code)) return true
  return error instanceof Error && /aborted|socket hang up|premature close/i.test(error.message)
}

export function retryAfterOf(error: unknown): number | undefined {
  return error instanceof RegistryError ? error.details.retryAfterMs : undefined
}

export function cancelledError(host: string): RegistryError {
  return new RegistryError(`request to ${host} cancelled`, { code: 'CANCELLED', transient: false, host })
}

export function deadlineError(host: string, deadlineMs: number): RegistryError {
  return new RegistryError(`no complete answer from ${host} within the deadline of ${deadlineMs} ms`, { code: 'DEADLINE', transient: true, network: true, host })
}

/** Wraps a socket-level error (reset, refused, TLS) of a request. */
export function networkError(what: string, error: unknown, side: Side, host: string): RegistryError {
  if (error instanceof RegistryError) return error.onSide(side, host)
  const code = (error as { code?: unknown } | null)?.code
  return new RegistryError(`${what}: ${describeError(error)}`, {
    ...(typeof code === 'string' && { code }),
    transient: isTransient(error),
    network: true,
    side,
    host,
    cause: error
  })
}

/** `Retry-After` is seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/**
 * The first `errors[].code` and message of a distribution error body, if it is one.
 * A registry is untrusted: the code must look like one, and the message is made one bounded line.
 */
export function parseErrorBody(body: string): { code?: string; message?: string } {
  try {
    const parsed = JSON.parse(body) as { errors?: Array<{ code?: unknown; message?: unknown }> }
    const first = Array.isArray(parsed.errors) ? parsed.errors[0] : undefined
    if (!first || typeof first !== 'object') return {}
    return {
      ...(typeof first.code === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(first.code) && { code: first.code }),
      ...(typeof first.message === 'string' && { message: oneLine(first.message) })
    }
  } catch {
    return {}
  }
}

/**
 * Text from a registry made safe to sit inside one line of ours: control
 * characters (CR and LF included, which would start a new log line and with it
 * a workflow command) are written as escapes, and the length is bounded.
 * Neutralising `::` and `##[` for the runner is the log edge's job.
 */
export function oneLine(text: string, max = 300): string {
  const escaped = text.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]/g, char => {
    if (char === '\r') return '\\r'
    if (char === '\n') return '\\n'
    if (char === '\t') return '\\t'
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`
  })
  return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped
}

/** What the registry would have said, for HEAD responses that carry no body. */
export function codeForStatus(status: number, kind: 'manifest' | 'blob' | 'other'): string | undefined {
  if (status === 401) return 'UNAUTHORIZED'
  if (status === 403) return 'DENIED'
  if (status === 404) return kind === 'manifest' ? 'MANIFEST_UNKNOWN' : kind === 'blob' ? 'BLOB_UNKNOWN' : 'NOT_FOUND'
  if (status === 429) return 'TOOMANYREQUESTS'
  return undefined
}

/** A short description of any error for a one-line report. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code
    return typeof code === 'string' && !error.message.includes(code) && !(error instanceof RegistryError) ? `${error.message} (${code})` : error.message
  }
  return String(error)
}

/** The failure kind of a registry error, from its status, code or nature; never from its text. */
export function failureKind(error: RegistryError): FailureKind {
  const { status, code } = error
  if (code === 'CANCELLED') return 'cancelled'
  if (code !== undefined && INTEGRITY_CODES.has(code)) return 'integrity'
  if (code === 'UNSUPPORTED' || code === 'PLATFORM_UNKNOWN') return 'unsupported'
  if (status === 401 || code === 'UNAUTHORIZED') return 'unauthorized'
  if (status === 403 || code === 'DENIED') return 'denied'
  if (status === 404 || code === 'MANIFEST_UNKNOWN' || code === 'NAME_UNKNOWN' || code === 'BLOB_UNKNOWN') return 'not-found'
  if (status === 429 || code === 'TOOMANYREQUESTS' || code === 'RATE_LIMIT_STOP') return 'rate-limited'
  if (error.details.network || (status !== undefined && (status >= 500 || status === 408))) return 'unreachable'
  return 'other'
}

/**
 * Any error of a registry operation as the port's EngineFailure. A cancelled
 * context wins over whatever the cancellation made a request throw.
 */
export function engineFailure(error: unknown, signal: AbortSignal): EngineFailure {
  if (error instanceof EngineFailure) return error
  const registryError = error instanceof RegistryError ? error : undefined
  const side: FailureSide = registryError?.side ?? 'local'
  const host = registryError?.host
  const message = oneLine(describeError(error), 2000)
  const details = { ...(host !== undefined && { host }), ...(registryError?.details.body !== undefined && { log: registryError.details.body }), cause: error }
  if (signal.aborted) return new EngineFailure('cancelled', side, registryError?.code === 'CANCELLED' ? message : `cancelled: ${message}`, details)
  return new EngineFailure(registryError ? failureKind(registryError) : 'other', side, message, details)
}

/** Waits for a shared promise, or stops waiting (with a cancellation) when this caller's signal aborts. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, host: string): Promise<T> {
  if (signal.aborted) return Promise.reject(cancelledError(host))
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(cancelledError(host))
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      value => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      }
    )
  })
}
