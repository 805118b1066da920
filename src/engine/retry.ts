/**
 * Retries with exponential backoff and full jitter, shared by both engines.
 * Only what the caller classifies as transient is retried; every loop is
 * bounded by `attempts`, and an AbortSignal ends the wait between attempts at
 * once (no attempt starts after it fired).
 */

export interface RetryPolicy {
  /** Total attempts, the first included (retries + 1). */
  attempts: number
  /** Delay before the first retry; doubles each time. */
  baseDelayMs: number
  /** No single wait is longer than this. */
  maxDelayMs: number
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 15000 }

export interface RetryHooks {
  /** Transient failures are retried; anything else is thrown at once. */
  isTransient: (error: unknown) => boolean
  /** A server-requested wait (Retry-After), in ms, which replaces the computed backoff. */
  retryAfterMs?: (error: unknown) => number | undefined
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void
  /** Injected for tests; defaults to an abortable setTimeout. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** Injected for tests; defaults to Math.random. */
  random?: () => number
  /** Once aborted, no further attempt starts and a running wait ends with the signal's reason. */
  signal?: AbortSignal
}

export async function withRetry<T>(operation: (attempt: number) => Promise<T>, policy: RetryPolicy, hooks: RetryHooks): Promise<T> {
  const sleep = hooks.sleep ?? abortableSleep
  const random = hooks.random ?? Math.random
  for (let attempt = 1; ; attempt += 1) {
    hooks.signal?.throwIfAborted()
    try {
      return await operation(attempt)
    } catch (error) {
      if (attempt >= policy.attempts || !hooks.isTransient(error) || hooks.signal?.aborted) throw error
      const delay = backoffDelay(attempt, policy, random, hooks.retryAfterMs?.(error))
      hooks.onRetry?.(error, attempt, delay)
      await sleep(delay, hooks.signal)
    }
  }
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason)
      return
    }
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** Full jitter: a random wait in [0, min(max, base·2^(attempt-1))], unless the server named one. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number, serverDelayMs?: number): number {
  if (serverDelayMs !== undefined && Number.isFinite(serverDelayMs) && serverDelayMs >= 0) return Math.min(serverDelayMs, policy.maxDelayMs)
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
  return Math.round(random() * ceiling)
}
