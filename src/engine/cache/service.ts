/**
 * The edge to GitHub's cache service, through @actions/cache, and the note the
 * main step leaves the post step.
 *
 * @actions/cache (and the Azure storage client it brings) is loaded with a
 * dynamic import() the first time a restore or a save runs, so a run without
 * `cache: true` never loads it, and the bundler keeps it in a chunk of its own.
 *
 * The directory the cache lives in (`<RUNNER_TEMP>/image-mirror-cache`): the
 * store in `store/` (what is restored and saved), and `run.json` beside it,
 * written once the key is known: the key and the entry restored. The main
 * step saves the directory's path as step state before any work; the post step
 * reads the note from there, so it saves even after a failed or cancelled main
 * step, and knows when there is nothing to save.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { blobPath, listDirectoryBlobs } from '../bundle/layout.js'
import { writeAtomically } from '../bundle/store.js'
import { sanitizeStore } from './blob-cache.js'
import type { CacheRunState } from './policy.js'

const STORE_DIR = 'store'
const RUN_FILE = 'run.json'

export function storeDir(cacheDir: string): string {
  return path.join(cacheDir, STORE_DIR)
}

/** What a store directory holds: blobs and their bytes (a restored store is made plain first: sanitizeStore). */
export function storeContents(store: string): { blobs: number; bytes: number } {
  sanitizeStore(store)
  let bytes = 0
  const digests = listDirectoryBlobs(store)
  for (const digest of digests) bytes += fs.statSync(path.join(store, blobPath(digest))).size
  return { blobs: digests.length, bytes }
}

export type CacheServiceResult<T> = { ok: true; value: T } | { ok: false; reason: string }

/** Restores the store under `key`, else the most recent entry under one of `restoreKeys`; the key of the entry restored. */
export async function restoreStore(cacheDir: string, key: string, restoreKeys: string[]): Promise<CacheServiceResult<string | undefined>> {
  try {
    const cache = await import('@actions/cache')
    fs.mkdirSync(storeDir(cacheDir), { recursive: true })
    return { ok: true, value: await cache.restoreCache([storeDir(cacheDir)], key, restoreKeys) }
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) }
  }
}

/**
 * Saves the store under `key`. @actions/cache logs why a save did not happen
 * (another job saving the same key, a quota, a read-only token) and returns -1.
 */
export async function saveStore(cacheDir: string, key: string): Promise<CacheServiceResult<number>> {
  try {
    const cache = await import('@actions/cache')
    const id = await cache.saveCache([storeDir(cacheDir)], key)
    return id === -1 ? { ok: false, reason: 'the cache service did not take the entry (the line above says why)' } : { ok: true, value: id }
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) }
  }
}

export function writeRunState(cacheDir: string, state: CacheRunState): void {
  fs.mkdirSync(cacheDir, { recursive: true })
  writeAtomically(path.join(cacheDir, RUN_FILE), Buffer.from(`${JSON.stringify(state)}\n`))
}

/** The note of the main step, or undefined when it wrote none (or not one of ours). */
export function readRunState(cacheDir: string): CacheRunState | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(cacheDir, RUN_FILE), 'utf8')) as Partial<CacheRunState>
    if (typeof parsed.key !== 'string' || !(typeof parsed.restoredKey === 'string' || parsed.restoredKey === null)) return undefined
    return { key: parsed.key, restoredKey: parsed.restoredKey }
  } catch {
    return undefined
  }
}
