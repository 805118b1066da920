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
