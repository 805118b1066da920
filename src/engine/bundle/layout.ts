/**
 * The OCI image layout a bundle is (image-spec, image-layout.md): `oci-layout`,
 * `index.json` and `blobs/<algorithm>/<encoded>`, as a directory or as one tar
 * archive of the same files. `openLayout` reads either without extracting: it
 * locates each blob (a file, or a range of the archive) so it is streamed from
 * where it lies. A bundle is untrusted input like a registry: names that are
 * not digests are ignored, sizes are checked against descriptors before a blob
 * is used, and bytes against digests while they stream.
 */
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { Readable } from 'node:stream'
import { isDigest } from '../registry/manifest.js'
import { indexTar, TarError } from './tar.js'

export const LAYOUT_FILE = 'oci-layout'
export const INDEX_FILE = 'index.json'
/** The plan the bundle carries (sources, targets, origins, digests): see record.ts. */
export const RECORD_FILE = 'image-mirror.json'
export const LAYOUT_VERSION = '1.0.0'
/** index.json and the record are small; a larger one is refused before it is read. */
export const MAX_METADATA_BYTES = 64 * 1024 * 1024

export class LayoutError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'LayoutError'
  }
}

/** Where a blob's bytes are: a whole file, or a range of an archive. */
export interface BlobLocation {
  file: string
  offset: number
  size: number
}

export interface Layout {
  kind: 'directory' | 'tar'
  /** The directory or archive, absolute. */
  path: string
  /** index.json as stored. */
  index: Buffer
  /** image-mirror.json, when the bundle is ours. */
  record?: Buffer
  locate(digest: string): BlobLocation | undefined
  /** Every digest the layout holds a blob for. */
  digests(): string[]
}

export function blobPath(digest: string): string {
  const colon = digest.indexOf(':')
  return `blobs/${digest.slice(0, colon)}/${digest.slice(colon + 1)}`
}

/** A digest from a `blobs/<algorithm>/<encoded>` name, or undefined for anything else. */
function digestOfPath(name: string): string | undefined {
  const match = /^blobs\/([a-z0-9]+)\/([a-f0-9]+)$/.exec(name)
  if (!match) return undefined
  const digest = `${match[1]}:${match[2]}`
  return isDigest(digest) ? digest : undefined
}

export function isTarPath(file: string): boolean {
  return file.toLowerCase().endsWith('.tar')
}

/** Opens a bundle directory or archive; throws LayoutError saying what is wrong with it. */
export function openLayout(location: string): Layout {
  let stat: fs.Stats
  try {
    stat = fs.statSync(location)
  } catch {
    throw new LayoutError(`${location} does not exist`)
  }
  return stat.isDirectory() ? openDirectory(location) : openArchive(location)
}

function openDirectory(dir: string): Layout {
  const read = (name: string, required: boolean): Buffer | undefined => {
    const file = path.join(dir, name)
    let stat: fs.Stats
    try {
      stat = fs.lstatSync(file)
    } catch {
      if (required) throw new LayoutError(`${dir} is not an OCI image layout: it has no ${name}`)
      return undefined
    }
    if (!stat.isFile()) throw new LayoutError(`${file} is not a regular file`)
    if (stat.size > MAX_METADATA_BYTES) throw new LayoutError(`${file} is larger than ${MAX_METADATA_BYTES} bytes`)
    return fs.readFileSync(file)
  }
  checkLayoutFile(read(LAYOUT_FILE, true) as Buffer, dir)
  const index = read(INDEX_FILE, true) as Buffer
  const record = read(RECORD_FILE, false)
  const located = new Map<string, BlobLocation | null>()
  return {
    kind: 'directory',
    path: dir,
    index,
    ...(record !== undefined && { record }),
    locate: digest => {
      if (!isDigest(digest)) return undefined
      const known = located.get(digest)
      if (known !== undefined) return known ?? undefined
      const file = path.join(dir, blobPath(digest))
      let found: BlobLocation | null = null
      try {
        // Never through a link: a bundle is untrusted and must not read the runner's files.
        const stat = fs.lstatSync(file)
        if (stat.isFile()) found = { file, offset: 0, size: stat.size }
      } catch {
        found = null
      }
      located.set(digest, found)
      return found ?? undefined
    },
    digests: () => listDirectoryBlobs(dir)
  }
}

/** Digests of the blobs stored under `dir/blobs`. */
export function listDirectoryBlobs(dir: string): string[] {
  const digests: string[] = []
  const blobs = path.join(dir, 'blobs')
  let algorithms: string[] = []
  try {
    algorithms = fs.readdirSync(blobs)
  } catch {
    return digests
  }
  for (const algorithm of algorithms) {
    let names: string[] = []
    try {
      names = fs.readdirSync(path.join(blobs, algorithm))
    } catch {
      continue
    }
    for (const name of names) {
      const digest = digestOfPath(`blobs/${algorithm}/${name}`)
      if (digest !== undefined) digests.push(digest)
    }
  }
  return digests.sort()
}

function openArchive(file: string): Layout {
  let entries
  try {
    entries = indexTar(file)
  } catch (error) {
    if (error instanceof TarError) throw new LayoutError(error.message)
    throw error
  }
  const fd = fs.openSync(file, 'r')
  const read = (name: string, required: boolean): Buffer | undefined => {
    const entry = entries.get(name)
    if (entry === undefined || entry.type !== 'file') {
      if (required) throw new LayoutError(`${file} is not an OCI image layout archive: it has no ${name}`)
      return undefined
    }
    if (entry.size > MAX_METADATA_BYTES) throw new LayoutError(`${name} in ${file} is larger than ${MAX_METADATA_BYTES} bytes`)
    const buffer = Buffer.alloc(entry.size)
    fs.readSync(fd, buffer, 0, entry.size, entry.offset)
    return buffer
  }
  try {
    checkLayoutFile(read(LAYOUT_FILE, true) as Buffer, file)
    const index = read(INDEX_FILE, true) as Buffer
    const record = read(RECORD_FILE, false)
    const blobs = new Map<string, BlobLocation>()
    for (const entry of entries.values()) {
      const digest = entry.type === 'file' ? digestOfPath(entry.name) : undefined
      if (digest !== undefined) blobs.set(digest, { file, offset: entry.offset, size: entry.size })
    }
    return {
      kind: 'tar',
      path: file,
      index,
      ...(record !== undefined && { record }),
      locate: digest => blobs.get(digest),
      digests: () => [...blobs.keys()].sort()
    }
  } finally {
    fs.closeSync(fd)
  }
}

function checkLayoutFile(bytes: Buffer, where: string): void {
  let version: unknown
  try {
    version = (JSON.parse(bytes.toString('utf8')) as { imageLayoutVersion?: unknown }).imageLayoutVersion
  } catch {
    throw new LayoutError(`${where}: ${LAYOUT_FILE} is not JSON`)
  }
  if (typeof version !== 'string' || !version.startsWith('1.')) throw new LayoutError(`${where}: image layout version ${String(version)} is not supported (1.x is)`)
}

/** The bytes of a located blob as a stream (a range of an archive, or a whole file). */
export function streamBlob(location: BlobLocation): Readable {
  if (location.size === 0) return Readable.from([])
  return fs.createReadStream(location.file, { start: location.offset, end: location.offset + location.size - 1, highWaterMark: 1024 * 1024 })
}

/** A small blob (a manifest) read whole; refused above `maxBytes`. */
export async function readBlob(location: BlobLocation, maxBytes: number): Promise<Buffer> {
  if (location.size > maxBytes) throw new LayoutError(`${location.file}: a manifest of ${location.size} bytes is larger than ${maxBytes}`)
  const handle = await fs.promises.open(location.file, 'r')
  try {
    const buffer = Buffer.alloc(location.size)
    let done = 0
    while (done < location.size) {
      const { bytesRead } = await handle.read(buffer, done, location.size - done, location.offset + done)
      if (bytesRead === 0) throw new LayoutError(`${location.file}: ends before the blob does`)
      done += bytesRead
    }
    return buffer
  } finally {
    await handle.close()
  }
}

/** What a stored blob's bytes hash to, with the algorithm of `like` (a digest), and how many bytes were read. */
export async function hashBlob(location: BlobLocation, like: string): Promise<{ digest: string; size: number }> {
  const algorithm = like.slice(0, like.indexOf(':'))
  const hash = createHash(algorithm)
  let size = 0
  for await (const chunk of streamBlob(location) as AsyncIterable<Buffer>) {
    hash.update(chunk)
    size += chunk.length
  }
  return { digest: `${algorithm}:${hash.digest('hex')}`, size }
}
