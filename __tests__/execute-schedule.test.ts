/**
 * The execute stage's scheduling of copies, on a port that only counts what
 * is in flight (the engines behind the port are tested against real
 * registries and a real dockerd elsewhere): prepares (reads) run
 * `readConcurrency` at a time, ahead of the copies, which stay at
 * `concurrency`; an image already present takes no copy slot.
 */
import { describe, expect, test } from '@jest/globals'
import { executeJobs } from '../src/execute/execute.js'
import type { CopyOutcome, CopyPort, PreparedCopy } from '../src/engine/port.js'
import type { JobSet, MirrorJob } from '../src/plan/jobs.js'
import { parseReference } from '../src/reference.js'

function jobs(count: number): JobSet {
  const mirror: MirrorJob[] = Array.from({ length: count }, (_, i) => ({
    kind: 'mirror',
    image: `docker.io/library/image${i}:1`,
    source: parseReference(`image${i}:1`),
    target: parseReference(`registry.example.com/mirror/image${i}:1`)
  }))
  return { mirror, build: [], verify: [], blocked: [], findings: [] }
}

const tick = (): Promise<void> => new Promise(resolve => setTimeout(resolve, 5))

/** A port whose prepares and copies each take a few ticks; it keeps the most seen at once. */
function countingPort(present: (index: number) => boolean): { port: CopyPort; most: { prepares: number; copies: number }; order: string[] } {
  const now = { prepares: 0, copies: 0 }
  const most = { prepares: 0, copies: 0 }
  const order: string[] = []
  const port: CopyPort = {
    name: 'registry',
    async prepareCopy(source, target) {
      now.prepares += 1
      most.prepares = Math.max(most.prepares, now.prepares)
      order.push(`prepare ${source.repository.replace('library/', '')}`)
      await tick()
      now.prepares -= 1
      const index = Number(source.repository.replace(/\D/g, ''))
      const done: CopyOutcome | undefined = present(index) ? { status: 'already-present', digest: `sha256:${'0'.repeat(64)}` } : undefined
      return { source, target, steps: [], ...(done !== undefined && { done }) } as PreparedCopy
    },
    async copy(prepared) {
      if (prepared.done) throw new Error('a copy already done was handed to copy()')
      now.copies += 1
      most.copies = Math.max(most.copies, now.copies)
      order.push(`copy ${prepared.source.repository.replace('library/', '')}`)
      await tick()
      await tick()
      now.copies -= 1
      return { status: 'mirrored', digest: `sha256:${'1'.repeat(64)}` }
    },
    describeLookup: () => [],
    lookup: async () => ({ status: 'verified' }),
    close: async () => undefined
  }
  return { port, most, order }
}

const progress = { group: <T>(_name: string, fn: () => Promise<T>): Promise<T> => fn(), info: (): void => undefined }

describe('executeJobs schedules copies', () => {
  test('prepares run readConcurrency at a time, copies concurrency at a time', async () => {
    const { port, most } = countingPort(() => false)
    const results = await executeJobs(jobs(12), { dryRun: false, concurrency: 2, readConcurrency: 6, buildConcurrency: 1 }, { copy: port }, progress)
    expect(most).toEqual({ prepares: 6, copies: 2 })
    expect([...results.values()].map(phases => phases.map(phase => phase.status))).toEqual(Array.from({ length: 12 }, () => ['mirrored']))
  })

  test('without readConcurrency, prepares are bounded by concurrency', async () => {
    const { port, most } = countingPort(() => false)
    await executeJobs(jobs(8), { dryRun: false, concurrency: 3, buildConcurrency: 1 }, { copy: port }, progress)
    expect(most).toEqual({ prepares: 3, copies: 3 })
  })

  test('a copy does not wait for every prepare: the first copy starts while later images are still being prepared', async () => {
    const { port, order } = countingPort(() => false)
    await executeJobs(jobs(10), { dryRun: false, concurrency: 1, readConcurrency: 2, buildConcurrency: 1 }, { copy: port }, progress)
    expect(order.indexOf('copy image0')).toBeLessThan(order.indexOf('prepare image9'))
  })

  test('images already present take no copy slot and are never handed to copy()', async () => {
    const { port, most, order } = countingPort(index => index % 2 === 0)
    const results = await executeJobs(jobs(6), { dryRun: false, concurrency: 4, readConcurrency: 6, buildConcurrency: 1 }, { copy: port }, progress)
    expect(order.filter(line => line.startsWith('copy')).sort()).toEqual(['copy image1', 'copy image3', 'copy image5'])
    expect(most.copies).toBeLessThanOrEqual(3)
    expect(results.get('docker.io/library/image0:1')?.[0]?.status).toBe('already-present')
  })
})
