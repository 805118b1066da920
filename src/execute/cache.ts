/**
 * `cache: true` in the execute stage: whether the cache is on for this run,
 * every image prepared (its source HEAD) before the first copy so the key is
 * known, the store restored under that key, and after the copies a line on
 * what the cache served. The post step (src/post.ts) saves the store.
 *
 * Order: HEADs first (uncounted by Docker Hub), then the restore, then the
 * copies, which read manifests and blobs from the store and fetch from a
 * source only what it lacks (or holds damaged). Each prepare runs once: the
 * execute stage's own prepare call gets the answer (or the failure) the
 * pre-pass found, with the lines it recorded.
 */
import type { Settings } from '../settings.js'
import { formatReference, type ImageReference } from '../reference.js'
import { mapConcurrent } from '../engine/pool.js'
import type { CopyPort, OperationContext, PreparedCopy } from '../engine/port.js'
import { BlobCache } from '../engine/cache/blob-cache.js'
import { cacheKey } from '../engine/cache/policy.js'
import { restoreStore, storeContents, storeDir, writeRunState } from '../engine/cache/service.js'
import { plural, type CacheOutcome } from '../report/report.js'
import { cacheServed, formatBytes } from '../report/summary.js'
import type { ProgressSink } from './execute.js'

export { cacheFindings, cacheUse, type CacheUse } from './cache-use.js'

/**
 * Runs every prepare once, ahead of the execute stage, and hands each answer
 * (or failure) to the execute stage's own call for the same key, with the
 * lines it recorded; a key not prepared ahead is prepared then.
 */
export class PreparedAhead<T> {
  private readonly results = new Map<string, { outcome: PromiseSettledResult<T>; lines: string[] }>()

  async run<J>(jobs: readonly J[], concurrency: number, signal: AbortSignal, keyOf: (job: J) => string, prepare: (job: J, context: OperationContext) => Promise<T>): Promise<T[]> {
    const done: T[] = []
    await mapConcurrent(jobs, concurrency, async job => {
      const lines: string[] = []
      const outcome = await prepare(job, { signal, record: line => lines.push(line) }).then(
        (value): PromiseSettledResult<T> => ({ status: 'fulfilled', value }),
        (reason: unknown): PromiseSettledResult<T> => ({ status: 'rejected', reason })
      )
      if (outcome.status === 'fulfilled') done.push(outcome.value)
      this.results.set(keyOf(job), { outcome, lines })
    })
    return done
  }

  /** The answer prepared ahead for `key` (taken once), else `prepare()`. */
  take(key: string, context: OperationContext, prepare: () => Promise<T>): Promise<T> {
    const found = this.results.get(key)
    if (found === undefined) return prepare()
    this.results.delete(key)
    for (const line of found.lines) context.record(line)
    return found.outcome.status === 'fulfilled' ? Promise.resolve(found.outcome.value) : Promise.reject(found.outcome.reason)
  }
}

export const copyKey = (source: ImageReference, target: ImageReference): string => `${formatReference(source)} -> ${formatReference(target)}`

/** A copy port whose prepares were run ahead. */
export function preparedCopies(port: CopyPort, ahead: PreparedAhead<PreparedCopy>): CopyPort {
  return {
    name: port.name,
    prepareCopy: (source, target, context) => ahead.take(copyKey(source, target), context, () => port.prepareCopy(source, target, context)),
    copy: (prepared, context) => port.copy(prepared, context),
    describeLookup: target => port.describeLookup(target),
    lookup: (target, context) => port.lookup(target, context),
    close: () => port.close()
  }
}

/** The run's cache: the store the engines read and write, restored under the key of the digests prepared. */
export class RunCache {
  readonly blobs: BlobCache
  private restored: { key: string; restoredKey: string | null } | undefined

  constructor(
    private readonly settings: Pick<Settings, 'cacheDir' | 'platforms'>,
    private readonly progress: ProgressSink
  ) {
    this.blobs = new BlobCache(storeDir(settings.cacheDir))
  }

  /**
   * Prepares every job ahead (HEAD requests, nothing fetched), then restores
   * the store under the key of the source digests found; once, before the
   * first copy. The answers wait in the returned PreparedAhead.
   */
  async prepareAndRestore<J, T extends { done?: unknown; sourceDigest?: string }>(
    jobs: readonly J[],
    options: { concurrency: number; signal: AbortSignal; keyOf: (job: J) => string },
    prepare: (job: J, context: OperationContext) => Promise<T>
  ): Promise<PreparedAhead<T>> {
    const ahead = new PreparedAhead<T>()
    await this.progress.group('Restore the cache', async () => {
      const prepared = await ahead.run(jobs, options.concurrency, options.signal, options.keyOf, prepare)
      // Only what this run fetches goes into the store, so only that makes the key: an image already at
      // its target (or in the bundle) would make a key whose entry never holds it.
      const digests = prepared.flatMap(one => (one.done === undefined && one.sourceDigest !== undefined ? [one.sourceDigest] : []))
      this.progress.info(`${plural(jobs.length, 'image')} looked up (HEAD requests only): ${plural(new Set(digests).size, 'source digest')} to fetch make the key`)
      if (digests.length === 0) this.progress.info('Nothing to fetch: the cache is neither restored nor saved')
      else await this.restore(digests)
    })
    return ahead
  }

  /** Copies through `port` with the cache: every copy prepared first, the store restored, then the copies. */
  async copies(port: CopyPort, jobs: ReadonlyArray<{ source: ImageReference; target: ImageReference }>, concurrency: number, signal: AbortSignal): Promise<CopyPort> {
    if (jobs.length === 0) return port
    const ahead = await this.prepareAndRestore(jobs, { concurrency, signal, keyOf: job => copyKey(job.source, job.target) }, (job, context) =>
      port.prepareCopy(job.source, job.target, context)
    )
    return preparedCopies(port, ahead)
  }

  private async restore(digests: string[]): Promise<void> {
    const { key, restoreKeys } = cacheKey(digests, this.settings.platforms)
    const result = await restoreStore(this.settings.cacheDir, key, restoreKeys)
    const restoredKey = result.ok ? (result.value ?? null) : null
    this.restored = { key, restoredKey }
    // The post step saves under this key unless it was restored whole, even if this step fails from here on.
    writeRunState(this.settings.cacheDir, this.restored)
    const held = storeContents(this.blobs.dir)
    if (!result.ok) this.progress.info(`The cache could not be restored (${result.reason}): what the sources serve is fetched, and saved as ${key} by the post step`)
    else if (restoredKey === key) this.progress.info(`Restored ${key}: ${plural(held.blobs, 'entry', 'entries')}, ${formatBytes(held.bytes)}; each is checked against its digest when used`)
    else if (restoredKey !== null) this.progress.info(`Restored ${restoredKey}, an earlier plan's (${plural(held.blobs, 'entry', 'entries')}, ${formatBytes(held.bytes)}): what it lacks is fetched, and the post step saves ${key}`)
    else this.progress.info(`No cache entry for ${key} yet: what the sources serve is fetched, and saved by the post step`)
  }

  /**
   * After the copies: one line on what the cache served. A store restored from
   * another key is pruned to what this run used (so entries do not grow run
   * after run), unless the run was cut short.
   */
  finish(cutShort: boolean): CacheOutcome | undefined {
    if (this.restored === undefined) return undefined
    const { key, restoredKey } = this.restored
    const counts = this.blobs.counts
    const pruned = restoredKey !== key && !cutShort ? this.blobs.prune().removed : 0
    const outcome: CacheOutcome = {
      key,
      restored: restoredKey === key ? 'exact' : restoredKey !== null ? 'partial' : 'none',
      ...(restoredKey !== null && restoredKey !== key && { restoredKey }),
      hits: counts.hits,
      hitBytes: counts.hitBytes,
      fetched: counts.fetched,
      fetchedBytes: counts.fetchedBytes,
      damaged: counts.discarded,
      pruned
    }
    this.progress.info(`Cache: ${cacheServed(outcome)}`)
    return outcome
  }
}
