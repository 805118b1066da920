/**
 * The run's blob cache (`cache: true`): a content-addressed store on the
 * runner, `blobs/sha256/<hex>` for blobs and manifests alike, that
 * @actions/cache restores before the copies and saves in the post step. It is
 * the bundle's BundleStore in a directory of its own: each entry written under
 * a temporary name while it is hashed and renamed only when size and digest
 * match.
 *
 * Nothing read from it is trusted: a restored entry is hashed the first time
 * it is used in a run, and one whose bytes do not match its digest is removed
 * and fetched again from its source (policy.ts decides which). Whoever streams
 * the bytes on (into a bundle, up to a registry) checks the digest once more.
 * What is fetched from a source while the cache is on goes into the store
 * first, so the post step saves it.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { Readable } from 'node:stream'
import { hashBlob, readBlob, type BlobLocation } from '../bundle/layout.js'
import { BundleStore } from '../bundle/store.js'
import { digestOf, MAX_MANIFEST_BYTES, type Descriptor } from '../registry/manifest.js'
import { blobSource, manifestSource } from './policy.js'

/** What the cache served and what had to be fetched, this run. */
export interface CacheCounts {
  /** Blobs and manifests read from the store, and their bytes. */
  hits: number
  hitBytes: number
  /** Blobs and manifests fetched from their source into the store, and their bytes. */
  fetched: number
  fetchedBytes: number
  /** Entries whose bytes did not match their digest: removed, fetched again. */
  discarded: number
}

export class BlobCache {
  private store: BundleStore | undefined
  /** Digest → whether its entry hashes to it, once checked this run. */
  private readonly checked = new Map<string, Promise<boolean>>()
  /** Every digest this run read or wrote: what a pruned store keeps. */
  private readonly used = new Set<string>()
  private readonly counters: CacheCounts = { hits: 0, hitBytes: 0, fetched: 0, fetchedBytes: 0, discarded: 0 }

  /** `dir`: the store's directory (made by the first write). */
  constructor(readonly dir: string) {}

  get counts(): CacheCounts {
    return { ...this.counters }
  }

  /**
   * The store as the disk holds it when first used: after a restore, which
   * happens once the plan's source digests are known and before any copy.
   */
  private get blobs(): BundleStore {
    if (this.store === undefined) {
      sanitizeStore(this.dir)
      this.store = new BundleStore({ path: this.dir, format: 'directory' })
    }
    return this.store
  }

  /** A manifest's bytes by digest, when the store holds them intact; a damaged entry is removed. */
  async manifest(digest: string): Promise<Buffer | undefined> {
    const location = this.blobs.locate(digest)
    const plain = location !== undefined && fs.lstatSync(location.file, { throwIfNoEntry: false })?.isFile() === true
    const bytes = plain ? await readBlob(location, MAX_MANIFEST_BYTES).catch(() => undefined) : undefined
    const decision = manifestSource(digest, bytes === undefined ? undefined : { digest: digestOf(bytes, digest) })
    if (decision === 'discard' || (location !== undefined && bytes === undefined)) this.discard(digest)
    if (decision !== 'cache' || bytes === undefined) return undefined
    this.hit(digest, bytes.length)
    return bytes
  }

  /** Keeps a manifest fetched from its source; a store that cannot take it (a full disk) costs only a later fetch. */
  async keepManifest(digest: string, bytes: Buffer): Promise<void> {
    try {
      await this.blobs.putBytes(digest, bytes)
      this.used.add(digest)
      this.counters.fetched += 1
      this.counters.fetchedBytes += bytes.length
    } catch {
      // Not cached: the next run fetches it again.
    }
  }

  /**
   * Where the blob's bytes are, intact: in the store already (hashed first, the
   * first time this run), else fetched with `open` into the store and checked
   * while they are written. A source sending other bytes than the descriptor
   * names throws BlobMismatchError and leaves nothing in the store.
   */
  async obtain(descriptor: Descriptor, open: () => Promise<Readable>, onBytes?: (bytes: number) => void): Promise<BlobLocation> {
    const { digest, size } = descriptor
    const held = this.blobs.locate(digest)
    let decision = blobSource(held === undefined ? undefined : { size: held.size }, size)
    if (decision === 'verify') decision = blobSource({ size, intact: await this.intact(digest, held as BlobLocation) }, size)
    if (decision === 'cache') {
      this.hit(digest, size)
      return held as BlobLocation
    }
    if (decision === 'discard') this.discard(digest)
    if ((await this.blobs.ensure(digest, size, open, onBytes)) === 'written') {
      this.counters.fetched += 1
      this.counters.fetchedBytes += size
    }
    // Written by this call or by a concurrent one for the same digest: checked on the way in either way.
    this.checked.set(digest, Promise.resolve(true))
    this.used.add(digest)
    return this.blobs.locate(digest, size) as BlobLocation
  }

  /**
   * Removes every entry this run did not use (and every partial file), so a
   * store restored from an older entry is saved with what this plan needs, not
   * with everything it ever held. Only after a run that was not cut short.
   */
  prune(): { removed: number } {
    let removed = 0
    for (const { digest, file } of storeEntries(this.dir)) {
      if (this.used.has(digest)) continue
      fs.rmSync(file, { force: true, recursive: true })
      removed += 1
    }
    return { removed }
  }

  private intact(digest: string, location: BlobLocation): Promise<boolean> {
    let check = this.checked.get(digest)
    if (check === undefined) {
      // A restored archive is not trusted: an entry that is not a plain file (a link, a FIFO) is never read.
      const plain = fs.lstatSync(location.file, { throwIfNoEntry: false })?.isFile() === true
      check = (plain ? hashBlob(location, digest).then(hashed => hashed.digest) : Promise.resolve('')).then(
        actual => actual === digest,
        () => false
      )
      this.checked.set(digest, check)
    }
    return check
  }

  private hit(digest: string, size: number): void {
    this.used.add(digest)
    this.counters.hits += 1
    this.counters.hitBytes += size
  }

  private discard(digest: string): void {
    // Concurrent users of one damaged entry: the first one removes it.
    if (this.blobs.locate(digest) === undefined) return
    this.counters.discarded += 1
    this.checked.delete(digest)
    this.blobs.discard(digest)
  }
}

/**
 * Makes a restored store plain before anything reads, writes or prunes it: the
 * store, `blobs/` and each `blobs/<algorithm>/` must be real directories and
 * every entry a plain file. A link at any level (which would make the cache
 * read, write or delete where it points) or any other kind of entry is
 * removed: the link itself, never what it points to.
 */
export function sanitizeStore(dir: string): void {
  const notDirectory = (at: string): boolean => {
    const stat = fs.lstatSync(at, { throwIfNoEntry: false })
    if (stat === undefined || stat.isDirectory()) return false
    fs.rmSync(at, { force: true })
    return true
  }
  if (notDirectory(dir) || notDirectory(path.join(dir, 'blobs'))) return
  for (const algorithm of safeList(path.join(dir, 'blobs'))) notDirectory(path.join(dir, 'blobs', algorithm))
  for (const { file } of storeEntries(dir)) if (fs.lstatSync(file, { throwIfNoEntry: false })?.isFile() !== true) fs.rmSync(file, { recursive: true, force: true })
}

/** Every name under `dir/blobs/<algorithm>/`, as the digest it would be and its path. */
function storeEntries(dir: string): Array<{ digest: string; file: string }> {
  const blobs = path.join(dir, 'blobs')
  return safeList(blobs).flatMap(algorithm => safeList(path.join(blobs, algorithm)).map(name => ({ digest: `${algorithm}:${name}`, file: path.join(blobs, algorithm, name) })))
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir)
  } catch {
    return []
  }
}
