import { describe, expect, it } from '@jest/globals'
import { mapConcurrent, Semaphore } from '../src/engine/pool.js'
import { backoffDelay, withRetry, type RetryPolicy } from '../src/engine/retry.js'

const policy: RetryPolicy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 1000 }

class Transient extends Error {
  constructor(readonly retryAfter?: number) {
    super('503 Service Unavailable')
  }
}

/** Deterministic randomness: cycles through the given values. */
const sequence = (values: number[]): (() => number) => {
  let i = 0
  return () => values[i++ % values.length] as number
}

describe('backoffDelay: full jitter', () => {
  it('waits between 0 and min(max, base·2^(attempt-1))', () => {
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
      expect(backoffDelay(attempt, policy, () => 0)).toBe(0)
      expect(backoffDelay(attempt, policy, () => 0.999999)).toBeLessThanOrEqual(ceiling)
      expect(backoffDelay(attempt, policy, () => 0.5)).toBe(Math.round(ceiling / 2))
      for (const r of [0.1, 0.37, 0.73, 0.99]) {
        const delay = backoffDelay(attempt, policy, () => r)
        expect(delay).toBeGreaterThanOrEqual(0)
        expect(delay).toBeLessThanOrEqual(ceiling)
      }
    }
  })

  it('never exceeds maxDelayMs however many attempts', () => {
    expect(backoffDelay(60, policy, () => 0.999999)).toBeLessThanOrEqual(policy.maxDelayMs)
  })

  it('uses a server-named wait (Retry-After) instead, capped at maxDelayMs', () => {
    expect(backoffDelay(1, policy, () => 0.5, 250)).toBe(250)
    expect(backoffDelay(1, policy, () => 0.5, 0)).toBe(0)
    expect(backoffDelay(1, policy, () => 0.5, 3_600_000)).toBe(policy.maxDelayMs)
  })

  it('ignores a nonsensical server wait (negative, NaN, infinite) and falls back to jitter', () => {
    for (const bad of [-5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(backoffDelay(2, policy, () => 0.5, bad)).toBe(100)
    }
  })
})

describe('withRetry', () => {
  const recorder = () => {
    const sleeps: number[] = []
    return { sleeps, sleep: async (ms: number) => void sleeps.push(ms) }
  }

  it('returns the first success without sleeping', async () => {
    const { sleeps, sleep } = recorder()
    await expect(withRetry(async () => 'ok', policy, { isTransient: () => true, sleep })).resolves.toBe('ok')
    expect(sleeps).toEqual([])
  })

  it('retries transient failures and returns the eventual success', async () => {
    const { sleeps, sleep } = recorder()
    const attempts: number[] = []
    const result = await withRetry(
      async attempt => {
        attempts.push(attempt)
        if (attempt < 3) throw new Transient()
        return 'third time'
      },
      policy,
      { isTransient: error => error instanceof Transient, sleep, random: sequence([0.5]) }
    )
    expect(result).toBe('third time')
    expect(attempts).toEqual([1, 2, 3])
    expect(sleeps).toEqual([50, 100])
  })

  it('throws a non-transient failure at once, with no retry and no wait', async () => {
    const { sleeps, sleep } = recorder()
    let calls = 0
    const fatal = new Error('401 Unauthorized')
    await expect(
      withRetry(
        async () => {
          calls += 1
          throw fatal
        },
        policy,
        { isTransient: error => error instanceof Transient, sleep }
      )
    ).rejects.toBe(fatal)
    expect(calls).toBe(1)
    expect(sleeps).toEqual([])
  })

  it('makes at most policy.attempts attempts, then throws the last failure', async () => {
    const { sleeps, sleep } = recorder()
    let calls = 0
    const errors: Error[] = []
    let thrown: unknown
    try {
      await withRetry(
        async () => {
          calls += 1
          const error = new Transient()
          errors.push(error)
          throw error
        },
        policy,
        { isTransient: () => true, sleep, random: () => 1 }
      )
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBe(errors[errors.length - 1])
    expect(calls).toBe(policy.attempts)
    expect(sleeps).toHaveLength(policy.attempts - 1)
    expect(sleeps).toEqual([100, 200, 400])
  })

  it('makes exactly one attempt with attempts: 1 (retries: 0)', async () => {
    const { sleeps, sleep } = recorder()
    let calls = 0
    await expect(
      withRetry(
        async () => {
          calls += 1
          throw new Transient()
        },
        { ...policy, attempts: 1 },
        { isTransient: () => true, sleep }
      )
    ).rejects.toBeInstanceOf(Transient)
    expect([calls, sleeps.length]).toEqual([1, 0])
  })

  it('waits what the server asks (Retry-After), capped at maxDelayMs, and reports each retry', async () => {
    const { sleeps, sleep } = recorder()
    const retries: Array<[number, number]> = []
    let calls = 0
    await withRetry(
      async () => {
        calls += 1
        if (calls === 1) throw new Transient(300)
        if (calls === 2) throw new Transient(120_000)
        return 'done'
      },
      policy,
      {
        isTransient: () => true,
        retryAfterMs: error => (error as Transient).retryAfter,
        onRetry: (_error, attempt, delay) => retries.push([attempt, delay]),
        sleep,
        random: () => 0.5
      }
    )
    expect(sleeps).toEqual([300, policy.maxDelayMs])
    expect(retries).toEqual([
      [1, 300],
      [2, policy.maxDelayMs]
    ])
  })
})

/** A hand-released task: lets a test decide the order in which workers finish. */
const deferred = <T>() => {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}
const tick = () => new Promise<void>(resolve => setImmediate(resolve))

describe('mapConcurrent', () => {
  it('never runs more than limit workers at once, and uses the whole limit', async () => {
    for (const limit of [1, 2, 3, 8]) {
      let active = 0
      let peak = 0
      await mapConcurrent(
        Array.from({ length: 20 }, (_, i) => i),
        limit,
        async item => {
          active += 1
          peak = Math.max(peak, active)
          await tick()
          active -= 1
          return item
        }
      )
      expect([limit, peak]).toEqual([limit, limit])
    }
  })

  it('keeps results in input order whatever order workers finish in', async () => {
    const gates = Array.from({ length: 5 }, () => deferred<void>())
    const run = mapConcurrent([0, 1, 2, 3, 4], 5, async item => {
      await gates[item]?.promise
      return `r${item}`
    })
    for (const index of [4, 2, 0, 3, 1]) {
      gates[index]?.resolve()
      await tick()
    }
    await expect(run).resolves.toEqual(['r0', 'r1', 'r2', 'r3', 'r4'])
  })

  it('runs every item exactly once', async () => {
    const seen: number[] = []
    await mapConcurrent(
      Array.from({ length: 50 }, (_, i) => i),
      7,
      async item => {
        seen.push(item)
        await tick()
      }
    )
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i))
  })

  it('handles no items and a limit above the item count', async () => {
    await expect(mapConcurrent([], 4, async () => 1)).resolves.toEqual([])
    await expect(mapConcurrent([1, 2], 64, async item => item * 2)).resolves.toEqual([2, 4])
  })

  it('still runs the other items when one worker fails, and surfaces the failure', async () => {
    const ran: number[] = []
    const run = mapConcurrent([0, 1, 2, 3, 4, 5], 2, async item => {
      ran.push(item)
      await tick()
      if (item === 1) throw new Error('item 1 failed')
      return item
    })
    await expect(run).rejects.toThrow('item 1 failed')
    // Let the lanes still running drain before counting.
    for (let i = 0; i < 20; i += 1) await tick()
    expect(ran.sort()).toEqual([0, 1, 2, 3, 4, 5])
  })

  // Known gap, reported to the lead: Promise.all rejects at the first failing worker while the
  // other lanes keep running, so the caller returns before they settle and their results are
  // lost. Passes (as `failing`) while the gap is there; flip to `it` once pool.ts waits for every
  // lane before rejecting.
  it('settles only after every started worker has settled, even when one fails', async () => {
    const slow = deferred<number>()
    let slowSettled = false
    const run = mapConcurrent([0, 1], 2, async item => {
      if (item === 1) throw new Error('fast failure')
      const value = await slow.promise
      slowSettled = true
      return value
    })
    let settledWhileSlowRunning = false
    void run.catch(() => {
      settledWhileSlowRunning = !slowSettled
    })
    await tick()
    await tick()
    slow.resolve(0)
    await run.catch(() => undefined)
    expect(settledWhileSlowRunning).toBe(false)
  })
})

describe('Semaphore', () => {
  it('shares one limit across call sites and runs everything', async () => {
    const slots = new Semaphore(2)
    let active = 0
    let peak = 0
    const task = (value: number) => async () => {
      active += 1
      peak = Math.max(peak, active)
      await tick()
      active -= 1
      return value
    }
    const results = await Promise.all([1, 2, 3, 4, 5].map(value => slots.run(task(value))))
    expect(results).toEqual([1, 2, 3, 4, 5])
    expect(peak).toBe(2)
  })

  it('releases the slot when a task throws', async () => {
    const slots = new Semaphore(1)
    await expect(slots.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    await expect(slots.run(async () => 'next')).resolves.toBe('next')
  })
})
