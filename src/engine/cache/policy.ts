/**
 * The cache's decisions, as pure functions of what is known: the key a run's
 * blob store is restored and saved under, whether a blob or a manifest is read
 * from the store or fetched from its source, and whether the post step saves.
 * Effects (the disk, the cache service) live in blob-cache.ts and service.ts.
 *
 * The key names what a run needs, not when it ran: the sorted, unique source
 * manifest digests its HEAD requests found (or its references pin) and the
 * platforms it copies. An unchanged plan gives the same key, restored whole
 * (an exact hit) and never saved again; a changed one restores the most recent
 * entry of this store format (the restore key, a prefix) for the blobs the
 * images still share, and is saved under its own key.
 */
import { createHash } from 'node:crypto'

/** The step state holding the cache's directory, for the post step (src/main.ts saves it, src/post.ts reads it). */
export const CACHE_STATE = 'cache-dir'

/** The store's layout on disk; part of every key, so a new layout never reads an old entry. */
const CACHE_FORMAT = 'v1'
export const KEY_PREFIX = `image-mirror-${CACHE_FORMAT}-`

export interface CacheKey {
  key: string
  /** Prefixes tried, in order, when `key` has no entry. */
  restoreKeys: string[]
}

/** The key of a run that needs these source manifests (digests) for these platforms (empty: all). */
export function cacheKey(sourceDigests: Iterable<string>, platforms: readonly string[]): CacheKey {
  const digests = [...new Set(sourceDigests)].sort()
  const wanted = [...new Set(platforms)].sort()
  const hash = createHash('sha256')
    .update(`digests\n${digests.join('\n')}\nplatforms\n${wanted.length > 0 ? wanted.join('\n') : 'all'}\n`)
    .digest('hex')
  return { key: `${KEY_PREFIX}${hash.slice(0, 32)}`, restoreKeys: [KEY_PREFIX] }
}

/** What the store holds under a digest: nothing, or an entry of some size checked (intact or not) or not yet. */
export interface StoreEntry {
  size: number
  /** undefined: not hashed yet this run. */
  intact?: boolean
}

/**
 * Restore or fetch, for one blob of known size: `cache` when the store holds
 * it with that size and its bytes hash to its digest; `verify` when they have
 * not been hashed yet this run; `discard` (then fetch) when they do not match;
 * `fetch` when the store lacks it or holds another size.
 */
export function blobSource(entry: StoreEntry | undefined, size: number): 'cache' | 'verify' | 'discard' | 'fetch' {
  if (entry === undefined) return 'fetch'
  if (entry.size !== size) return 'discard'
  if (entry.intact === undefined) return 'verify'
  return entry.intact ? 'cache' : 'discard'
}

/**
 * Restore or fetch, for one manifest: only a manifest asked for by digest can
 * come from the store (a tag names no content), and only when its bytes hash
 * to that digest.
 */
export function manifestSource(expectedDigest: string | undefined, stored: { digest: string } | undefined): 'cache' | 'discard' | 'fetch' {
  if (expectedDigest === undefined || stored === undefined) return 'fetch'
  return stored.digest === expectedDigest ? 'cache' : 'discard'
}

/** What the main step left for the post step. */
export interface CacheRunState {
  key: string
  /** The key of the entry restored (the key itself on an exact hit, an older one through a restore key), or null. */
  restoredKey: string | null
}

/**
 * The post step saves the store unless its exact key was restored (the entry
 * is already there, and entries are immutable) or the store holds nothing.
 */
export function saveDecision(state: CacheRunState | undefined, storedBlobs: number): { save: boolean; reason: string } {
  if (state === undefined) return { save: false, reason: 'the main step did not get as far as restoring the cache' }
  if (state.restoredKey === state.key) return { save: false, reason: `the cache already holds ${state.key} (restored whole)` }
  if (storedBlobs === 0) return { save: false, reason: 'the blob store is empty' }
  return { save: true, reason: state.restoredKey === null ? 'no entry was restored' : `only ${state.restoredKey} was restored, not ${state.key}` }
}

/**
 * Whether the runner offers the cache service, as @actions/cache's
 * isFeatureAvailable decides it (v2: ACTIONS_RESULTS_URL, the legacy v1:
 * ACTIONS_CACHE_URL), with the runtime token its requests carry.
 */
export function cacheServiceAvailable(env: Readonly<Record<string, string | undefined>>): boolean {
  if (!env.ACTIONS_RUNTIME_TOKEN) return false
  return Boolean(env.ACTIONS_CACHE_SERVICE_V2 ? env.ACTIONS_RESULTS_URL : env.ACTIONS_CACHE_URL)
}
