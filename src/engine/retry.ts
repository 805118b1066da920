/**
 * Retries with exponential backoff and full jitter, shared by both engines.
 * Only what the caller classifies as transient is retried; every loop is
 * bounded by `attempts`.
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
  /** Injected for tests; defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>
  /** Injected for tests; defaults to Math.random. */
  random?: () => number
}

export async function withRetry<T>(operation: (attempt: number) => Promise<T>, policy: RetryPolicy, hooks: RetryHooks): Promise<T> {
  const sleep = hooks.sleep ?? ((ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms)))
  const random = hooks.random ?? Math.random
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation(attempt)
    } catch (error) {
      if (attempt >= policy.attempts || !hooks.isTransient(error)) throw error
      const delay = backoffDelay(attempt, policy, random, hooks.retryAfterMs?.(error))
      hooks.onRetry?.(error, attempt, delay)
      await sleep(delay)
    }
  }
}

/** Full jitter: a random wait in [0, min(max, base·2^(attempt-1))], unless the server named one. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number, serverDelayMs?: number): number {
  if (serverDelayMs !== undefined && Number.isFinite(serverDelayMs) && serverDelayMs >= 0) return Math.min(serverDelayMs, policy.maxDelayMs)
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
  return Math.round(random() * ceiling)
}
