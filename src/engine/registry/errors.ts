/**
 * The one error type of the registry engine: an HTTP exchange that went wrong,
 * carrying what the report needs in one line (method, where, HTTP status, the
 * registry's error code) and whether a retry can help.
 */

export class RegistryError extends Error {
  constructor(
    message: string,
    readonly details: {
      /** HTTP status, or undefined for network errors and local checks. */
      status?: number
      /** The registry's error code (`UNAUTHORIZED`, `MANIFEST_UNKNOWN`, …) or a local one (`DIGEST_MISMATCH`). */
      code?: string
      /** Retrying can help: network errors, 429, 5xx, truncated or corrupted transfers. */
      transient: boolean
      /** A wait the server asked for (Retry-After), in ms. */
      retryAfterMs?: number
      /** The registry's response body, kept for the report's log. */
      body?: string
    }
  ) {
    super(message)
    this.name = 'RegistryError'
  }

  get status(): number | undefined {
    return this.details.status
  }

  get code(): string | undefined {
    return this.details.code
  }
}

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
  'ERR_STREAM_PREMATURE_CLOSE'
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

/** `Retry-After` is seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** The first `errors[].code` and message of a distribution error body, if it is one. */
export function parseErrorBody(body: string): { code?: string; message?: string } {
  try {
    const parsed = JSON.parse(body) as { errors?: Array<{ code?: unknown; message?: unknown }> }
    const first = parsed.errors?.[0]
    if (!first) return {}
    return {
      ...(typeof first.code === 'string' && { code: first.code }),
      ...(typeof first.message === 'string' && { message: first.message })
    }
  } catch {
    return {}
  }
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
