/**
 * Bounded concurrency: runs `worker` over `items` with at most `limit` in
 * flight, results in input order. A failing item never stops the others: every
 * lane runs to the end, then the first error (if any) is thrown, so no result
 * is lost while work is still running.
 */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, worker: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  const errors: unknown[] = []
  let next = 0
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const index = next
      next += 1
      try {
        results[index] = await worker(items[index] as T, index)
      } catch (error) {
        errors.push(error)
      }
    }
  })
  await Promise.all(lanes)
  if (errors.length > 0) throw errors[0]
  return results
}

/** A semaphore for sharing one limit across several call sites (e.g. per registry). */
export class Semaphore {
  private active = 0
  private readonly waiting: Array<() => void> = []

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A released slot is handed straight to the next waiter, so the limit holds.
    if (this.active >= this.limit) await new Promise<void>(resolve => this.waiting.push(resolve))
    else this.active += 1
    try {
      return await task()
    } finally {
      const next = this.waiting.shift()
      if (next) next()
      else this.active -= 1
    }
  }
}

/**
 * Slots shared by every image of a run (blob transfers): at most `limit`
 * holders; when one frees, the waiter with the highest priority goes next
 * (the largest blob, so a big layer never starts last and stretches the
 * tail), first come first served among equals. A waiter whose signal aborts
 * leaves the queue at once.
 */
export class PrioritySlots {
  private active = 0
  private readonly waiting: Array<{ priority: number; order: number; grant: () => void }> = []
  private arrivals = 0

  constructor(readonly limit: number) {}

  async run<T>(priority: number, signal: AbortSignal, task: () => Promise<T>): Promise<T> {
    await this.acquire(priority, signal)
    try {
      return await task()
    } finally {
      this.release()
    }
  }

  private acquire(priority: number, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted()
    if (this.active < this.limit) {
      this.active += 1
      return Promise.resolve()
    }
    return new Promise<void>((resolve, reject) => {
      const entry = {
        priority,
        order: (this.arrivals += 1),
        grant: () => {
          signal.removeEventListener('abort', onAbort)
          resolve()
        }
      }
      const onAbort = (): void => {
        const at = this.waiting.indexOf(entry)
        if (at >= 0) this.waiting.splice(at, 1)
        reject(signal.reason)
      }
      signal.addEventListener('abort', onAbort, { once: true })
      // Sorted: highest priority first, then arrival order.
      let at = this.waiting.findIndex(other => other.priority < priority)
      if (at < 0) at = this.waiting.length
      this.waiting.splice(at, 0, entry)
    })
  }

  private release(): void {
    const next = this.waiting.shift()
    // The slot passes straight to the next waiter, so the limit holds.
    if (next) next.grant()
    else this.active -= 1
  }
}
