/**
 * The content-addressed blob store an export writes into: each blob stored
 * once, under its digest, written to a temporary name while it is hashed and
 * renamed only when its size and digest match, so a name under `blobs/` always
 * holds exactly its bytes. A directory bundle is its own store; a `.tar`
 * bundle fills a staging directory beside the archive (kept after a failure,
 * so the next export fetches only what is still missing), then is written as
 * one archive taking each blob from the staging directory or the previous
 * archive.
 *
 * What an earlier bundle at the same path holds counts as held (re-export
 * fetches only what is new); what a baseline covers counts as covered (a delta
 * leaves it out).
 */
import { createHash, randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Transform, type Readable, type TransformCallback } from 'node:stream'
import { blobPath, INDEX_FILE, LAYOUT_FILE, LAYOUT_VERSION, listDirectoryBlobs, openLayout, readBlob, RECORD_FILE, streamBlob, type BlobLocation, type Layout } from './layout.js'
import { TarWriter } from './tar.js'

export class BlobMismatchError extends Error {
  constructor(
    readonly digest: string,
    message: string
  ) {
    super(message)
    this.name = 'BlobMismatchError'
  }
}

export interface StoreOptions {
  /** The bundle: a directory, or a file ending in .tar. */
  path: string
  format: 'directory' | 'tar'
  /** Digests the baseline covers: never stored. */
  covered?: ReadonlySet<string>
}

export interface FinishedBundle {
  path: string
  format: 'directory' | 'tar'
  /** Blobs in the bundle and their bytes. */
  blobs: number
  bytes: number
  /** The archive's sha256 (tar only), also written to `<bundle>.sha256`. */
  digest?: string
}

export class BundleStore {
  /** Where new blobs are written: the bundle directory itself, or the staging directory of an archive. */
  readonly root: string
  private readonly previous: Layout | undefined
  private readonly held = new Map<string, BlobLocation>()
  private readonly pending = new Map<string, Promise<BlobLocation>>()
  private readonly covered: ReadonlySet<string>

  constructor(private readonly options: StoreOptions) {
    this.covered = options.covered ?? new Set()
    this.root = options.format === 'directory' ? options.path : `${options.path}.parts`
    // Directories are made by the first write: a dry run leaves nothing behind.
    // A previous archive at the same path: its blobs are read from it, not fetched again.
    let previous: Layout | undefined
    if (options.format === 'tar' && fs.existsSync(options.path)) {
      try {
        previous = openLayout(options.path)
      } catch {
        previous = undefined
      }
    }
    this.previous = previous
    for (const digest of listDirectoryBlobs(this.root)) {
      const file = path.join(this.root, blobPath(digest))
      this.held.set(digest, { file, offset: 0, size: fs.statSync(file).size })
    }
  }

  /** The bundle that was at this path before this export, if it was one. */
  get previousLayout(): Layout | undefined {
    return this.options.format === 'directory' ? tryOpen(this.options.path) : this.previous
  }

  isCovered(digest: string): boolean {
    return this.covered.has(digest)
  }

  /** Where the blob is, when this store (or the bundle it replaces) holds it with the expected size. */
  locate(digest: string, size?: number): BlobLocation | undefined {
    const found = this.held.get(digest) ?? this.previous?.locate(digest)
    if (found === undefined || (size !== undefined && found.size !== size)) return undefined
    return found
  }

  /** Forgets a blob found damaged and removes its file (a blob cache's entry), so the next `ensure` fetches it again. */
  discard(digest: string): void {
    const location = this.held.get(digest)
    this.held.delete(digest)
    if (location !== undefined && location.offset === 0 && location.file.startsWith(this.root)) fs.rmSync(location.file, { force: true })
  }

  async read(digest: string, maxBytes: number): Promise<Buffer | undefined> {
    const location = this.locate(digest)
    return location === undefined ? undefined : readBlob(location, maxBytes)
  }

  /** Stores bytes in memory (a manifest) under their digest. */
  async putBytes(digest: string, bytes: Buffer): Promise<void> {
    if (this.locate(digest, bytes.length) !== undefined) return
    const actual = `sha256:${createHash('sha256').update(bytes).digest('hex')}`
    if (digest.startsWith('sha256:') && actual !== digest) throw new BlobMismatchError(digest, `the bytes hash to ${actual}, expected ${digest}`)
    const file = path.join(this.root, blobPath(digest))
    fs.mkdirSync(path.dirname(file), { recursive: true })
    const temporary = `${file}.partial-${randomBytes(6).toString('hex')}`
    fs.writeFileSync(temporary, bytes)
    fs.renameSync(temporary, file)
    this.held.set(digest, { file, offset: 0, size: bytes.length })
  }

  /**
   * Makes the blob present, calling `open` for its bytes only when it is not
   * held yet; concurrent calls for one digest share one transfer.
   * Returns whether bytes were written.
   */
  async ensure(digest: string, size: number, open: () => Promise<Readable>, onBytes?: (bytes: number) => void): Promise<'held' | 'written' | 'shared'> {
    if (this.locate(digest, size) !== undefined) return 'held'
    const running = this.pending.get(digest)
    if (running !== undefined) {
      await running
      return 'shared'
    }
    const work = (async (): Promise<BlobLocation> => {
      const file = path.join(this.root, blobPath(digest))
      fs.mkdirSync(path.dirname(file), { recursive: true })
      const temporary = `${file}.partial-${randomBytes(6).toString('hex')}`
      const gate = new HashingCounter(digest, size, onBytes)
      try {
        await pipeline(await open(), gate, fs.createWriteStream(temporary, { flags: 'wx', mode: 0o644 }))
        gate.check()
        fs.renameSync(temporary, file)
      } catch (error) {
        fs.rmSync(temporary, { force: true })
        throw error
      }
      const location = { file, offset: 0, size }
      this.held.set(digest, location)
      return location
    })()
    this.pending.set(digest, work)
    try {
      await work
      return 'written'
    } finally {
      this.pending.delete(digest)
    }
  }

  /** Stores a stream whose digest is only known at its end (a layer compressed here); returns its descriptor. */
  async putComputed(source: Readable, transform: Transform, onBytes?: (bytes: number) => void): Promise<{ digest: string; size: number }> {
    fs.mkdirSync(path.join(this.root, 'blobs', 'sha256'), { recursive: true })
    const temporary = path.join(this.root, 'blobs', 'sha256', `.computed-${randomBytes(6).toString('hex')}`)
    const hash = createHash('sha256')
    let size = 0
    source.on('data', (chunk: Buffer) => onBytes?.(chunk.length))
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk)
        size += chunk.length
        done(null, chunk)
      }
    })
    try {
      await pipeline(source, transform, counter, fs.createWriteStream(temporary, { flags: 'wx', mode: 0o644 }))
    } catch (error) {
      fs.rmSync(temporary, { force: true })
      throw error
    }
    const digest = `sha256:${hash.digest('hex')}`
    const file = path.join(this.root, blobPath(digest))
    if (this.locate(digest, size) !== undefined) fs.rmSync(temporary, { force: true })
    else {
      fs.renameSync(temporary, file)
      this.held.set(digest, { file, offset: 0, size })
    }
    return { digest, size }
  }

  /**
   * Writes index.json and the record, keeps exactly the blobs in `keep` and
   * makes the bundle whole: a directory is completed in place (metadata last,
   * blobs no longer referenced removed); an archive is written to a temporary
   * name and renamed over the old one, with its sha256 beside it.
   */
  async finish(index: Buffer, record: Buffer, keep: ReadonlySet<string>): Promise<FinishedBundle> {
    const missing = [...keep].filter(digest => this.locate(digest) === undefined)
    if (missing.length > 0) throw new Error(`the bundle would lack ${missing.length} blob(s), e.g. ${missing[0]}`)
    let bytes = 0
    for (const digest of keep) bytes += (this.locate(digest) as BlobLocation).size
    const layout = Buffer.from(`${JSON.stringify({ imageLayoutVersion: LAYOUT_VERSION })}\n`)
    if (this.options.format === 'directory') {
      const dir = this.options.path
      fs.mkdirSync(dir, { recursive: true })
      for (const digest of listDirectoryBlobs(dir)) if (!keep.has(digest)) fs.rmSync(path.join(dir, blobPath(digest)), { force: true })
      removePartials(dir)
      writeAtomically(path.join(dir, LAYOUT_FILE), layout)
      writeAtomically(path.join(dir, RECORD_FILE), record)
      writeAtomically(path.join(dir, INDEX_FILE), index)
      return { path: dir, format: 'directory', blobs: keep.size, bytes }
    }
    const file = this.options.path
    fs.mkdirSync(path.dirname(file), { recursive: true })
    const temporary = `${file}.tmp-${randomBytes(6).toString('hex')}`
    const writer = await TarWriter.create(temporary)
    let digest: string
    try {
      await writer.file(LAYOUT_FILE, layout)
      await writer.directory('blobs')
      await writer.directory('blobs/sha256')
      for (const blob of [...keep].sort()) {
        const location = this.locate(blob) as BlobLocation
        await writer.stream(blobPath(blob), location.size, streamBlob(location))
      }
      await writer.file(RECORD_FILE, record)
      await writer.file(INDEX_FILE, index)
      digest = (await writer.close()).digest
    } catch (error) {
      await writer.abandon()
      fs.rmSync(temporary, { force: true })
      throw error
    }
    fs.renameSync(temporary, file)
    writeAtomically(`${file}.sha256`, Buffer.from(`${digest.slice('sha256:'.length)}  ${path.basename(file)}\n`))
    fs.rmSync(this.root, { recursive: true, force: true })
    return { path: file, format: 'tar', blobs: keep.size, bytes, digest }
  }
}

function tryOpen(location: string): Layout | undefined {
  try {
    return openLayout(location)
  } catch {
    return undefined
  }
}

/** Writes `file` whole or not at all: a temporary name, then a rename. */
export function writeAtomically(file: string, bytes: Buffer): void {
  const temporary = `${file}.tmp-${randomBytes(6).toString('hex')}`
  fs.writeFileSync(temporary, bytes)
  fs.renameSync(temporary, file)
}

/** Removes what interrupted writes left under `dir/blobs` (a store saved by the cache's post step, too). */
export function removePartials(dir: string): void {
  const blobs = path.join(dir, 'blobs')
  for (const algorithm of safeList(blobs)) {
    for (const name of safeList(path.join(blobs, algorithm))) {
      if (name.includes('.partial-') || name.startsWith('.computed-')) fs.rmSync(path.join(blobs, algorithm, name), { force: true })
    }
  }
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir)
  } catch {
    return []
  }
}

/** Passes bytes through while counting and hashing them; more than announced fails at once. */
class HashingCounter extends Transform {
  private readonly hash
  bytes = 0

  constructor(
    private readonly digest: string,
    private readonly size: number,
    private readonly onBytes?: (bytes: number) => void
  ) {
    super()
    this.hash = createHash(digest.slice(0, digest.indexOf(':')))
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length
    this.onBytes?.(chunk.length)
    if (this.bytes > this.size) {
      done(new BlobMismatchError(this.digest, `blob ${this.digest}: received more than the ${this.size} bytes announced`))
      return
    }
    this.hash.update(chunk)
    done(null, chunk)
  }

  check(): void {
    if (this.bytes !== this.size) throw new BlobMismatchError(this.digest, `blob ${this.digest}: received ${this.bytes} bytes, expected ${this.size}`)
    const actual = `${this.digest.slice(0, this.digest.indexOf(':'))}:${this.hash.digest('hex')}`
    if (actual !== this.digest) throw new BlobMismatchError(this.digest, `blob ${this.digest}: the bytes received hash to ${actual}`)
  }
}
