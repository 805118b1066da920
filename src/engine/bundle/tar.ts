/**
 * The tar archives of bundles, written and read here without a dependency:
 * POSIX ustar headers, with a pax extended header for what ustar cannot hold
 * (a name past 100 bytes, a size of 8 GiB or more). The reader indexes an
 * archive without extracting it: each entry's name, data offset and size, so
 * a blob is streamed straight from the archive file. It understands what
 * other tools write too (GNU long names, base-256 sizes, pax and global pax
 * headers, `./` prefixes), and refuses an archive that is truncated (an entry
 * running past the end of the file, or no end-of-archive marker) before
 * anything uses it.
 */
import { createHash, type Hash } from 'node:crypto'
import * as fs from 'node:fs'
import type { Readable } from 'node:stream'

const BLOCK = 512
/** The largest size ustar's 11 octal digits hold. */
const USTAR_MAX_SIZE = 0o77777777777
/** Entries of one archive we index at most: bounds the loop over a hostile file. */
const MAX_ENTRIES = 1_000_000
/** A pax or GNU long-name header's data is small; more is refused. */
const MAX_META_BYTES = 1024 * 1024

export class TarError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TarError'
  }
}

export interface TarEntry {
  /** Normalised: no leading `./`, POSIX separators; directories keep no trailing slash. */
  name: string
  type: 'file' | 'directory' | 'other'
  /** Offset of the first data byte in the archive file. */
  offset: number
  size: number
}

/** Indexes an archive file: every entry by name (the last one of a name wins, as tar extracts). */
export function indexTar(file: string): Map<string, TarEntry> {
  const fd = fs.openSync(file, 'r')
  try {
    const total = fs.fstatSync(fd).size
    const entries = new Map<string, TarEntry>()
    const header = Buffer.alloc(BLOCK)
    let position = 0
    let pax: Record<string, string> = {}
    let globalPax: Record<string, string> = {}
    let longName: string | undefined
    for (let count = 0; count < MAX_ENTRIES * 2; count += 1) {
      if (position + BLOCK > total) {
        throw new TarError(`${file} is truncated: it ends ${position === total ? 'after' : 'inside the header following'} entry ${count === 0 ? '(none)' : lastName(entries)} without the end-of-archive marker`)
      }
      readFully(fd, header, position)
      if (header.every(byte => byte === 0)) return entries
      if (!checksumMatches(header)) throw new TarError(`${file}: the header at byte ${position} is damaged (checksum mismatch)`)
      const typeflag = String.fromCharCode(header[156] as number)
      let size = parseNumber(header.subarray(124, 136), `${file}: size at byte ${position}`)
      const overrides = { ...globalPax, ...pax }
      if (overrides.size !== undefined) size = Number(overrides.size)
      if (!Number.isSafeInteger(size) || size < 0) throw new TarError(`${file}: the entry at byte ${position} has an invalid size`)
      const dataOffset = position + BLOCK
      if (dataOffset + size > total) {
        throw new TarError(`${file} is truncated: entry '${entryName(header, longName, overrides)}' needs ${size} bytes at byte ${dataOffset}, the file ends at ${total}`)
      }
      position = dataOffset + Math.ceil(size / BLOCK) * BLOCK
      if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L') {
        if (size > MAX_META_BYTES) throw new TarError(`${file}: an extended header at byte ${dataOffset - BLOCK} is larger than ${MAX_META_BYTES} bytes`)
        const data = Buffer.alloc(size)
        readFully(fd, data, dataOffset)
        if (typeflag === 'L') longName = data.toString('utf8').replace(/\0.*$/s, '')
        else if (typeflag === 'x') pax = parsePax(data, file)
        else globalPax = { ...globalPax, ...parsePax(data, file) }
        continue
      }
      const name = normaliseName(entryName(header, longName, overrides))
      pax = {}
      longName = undefined
      if (typeflag === 'K') continue
      const type = typeflag === '0' || typeflag === '\0' || typeflag === '7' ? 'file' : typeflag === '5' ? 'directory' : 'other'
      if (name !== '') entries.set(name, { name, type, offset: dataOffset, size: type === 'file' ? size : 0 })
    }
    throw new TarError(`${file}: more than ${MAX_ENTRIES} entries`)
  } finally {
    fs.closeSync(fd)
  }
}

function lastName(entries: Map<string, TarEntry>): string {
  let last = ''
  for (const name of entries.keys()) last = name
  return `'${last}'`
}

function readFully(fd: number, buffer: Buffer, position: number): void {
  let done = 0
  while (done < buffer.length) {
    const read = fs.readSync(fd, buffer, done, buffer.length - done, position + done)
    if (read === 0) throw new TarError(`unexpected end of file at byte ${position + done}`)
    done += read
  }
}

function entryName(header: Buffer, longName: string | undefined, pax: Record<string, string>): string {
  if (pax.path !== undefined) return pax.path
  if (longName !== undefined) return longName
  const name = cString(header.subarray(0, 100))
  const magic = header.subarray(257, 262).toString('latin1')
  const prefix = magic === 'ustar' ? cString(header.subarray(345, 500)) : ''
  return prefix !== '' ? `${prefix}/${name}` : name
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0)
  return bytes.subarray(0, end < 0 ? bytes.length : end).toString('utf8')
}

function normaliseName(name: string): string {
  let result = name.replace(/\\/g, '/')
  while (result.startsWith('./')) result = result.slice(2)
  return result.replace(/\/+$/, '')
}

/** Octal (NUL- or space-terminated), or GNU base-256 when the high bit of the first byte is set. */
function parseNumber(field: Buffer, where: string): number {
  const first = field[0] as number
  if ((first & 0x80) !== 0) {
    let value = first & 0x7f
    for (let i = 1; i < field.length; i += 1) value = value * 256 + (field[i] as number)
    return value
  }
  const text = field.toString('latin1').replace(/[\0 ]+$/, '').replace(/^[\0 ]+/, '')
  if (text === '') return 0
  if (!/^[0-7]+$/.test(text)) throw new TarError(`${where}: '${text.slice(0, 20)}' is not an octal number`)
  return Number.parseInt(text, 8)
}

function checksumMatches(header: Buffer): boolean {
  const stored = parseNumber(header.subarray(148, 156), 'checksum')
  let unsigned = 0
  let signed = 0
  for (let i = 0; i < BLOCK; i += 1) {
    const byte = i >= 148 && i < 156 ? 0x20 : (header[i] as number)
    unsigned += byte
    signed += byte > 127 ? byte - 256 : byte
  }
  return stored === unsigned || stored === signed
}

/** `LEN key=value\n` records. */
function parsePax(data: Buffer, file: string): Record<string, string> {
  const records: Record<string, string> = {}
  let position = 0
  for (let count = 0; position < data.length && count < 10_000; count += 1) {
    const space = data.indexOf(0x20, position)
    if (space < 0) break
    const length = Number.parseInt(data.subarray(position, space).toString('latin1'), 10)
    if (!Number.isSafeInteger(length) || length <= 0 || position + length > data.length) throw new TarError(`${file}: a pax header is malformed`)
    const record = data.subarray(space + 1, position + length - 1).toString('utf8')
    const eq = record.indexOf('=')
    if (eq > 0) records[record.slice(0, eq)] = record.slice(eq + 1)
    position += length
  }
  return records
}

/**
 * Writes an archive entry by entry into a file, hashing every byte written, so
 * the archive's own digest is known when it is closed (for the `.sha256`
 * beside it and the tool cache's key).
 */
export class TarWriter {
  private readonly hash: Hash = createHash('sha256')
  private position = 0

  private constructor(private readonly handle: fs.promises.FileHandle) {}

  static async create(file: string): Promise<TarWriter> {
    return new TarWriter(await fs.promises.open(file, 'wx', 0o644))
  }

  get bytesWritten(): number {
    return this.position
  }

  async directory(name: string): Promise<void> {
    await this.write(header(`${name.replace(/\/+$/, '')}/`, 0, '5', 0o755))
  }

  /** A file from bytes in memory. */
  async file(name: string, data: Buffer): Promise<void> {
    await this.write(header(name, data.length, '0', 0o644))
    await this.write(data)
    await this.pad(data.length)
  }

  /** A file of `size` bytes from a stream; fewer or more bytes than announced fail the archive. */
  async stream(name: string, size: number, source: Readable): Promise<void> {
    await this.write(header(name, size, '0', 0o644))
    let written = 0
    for await (const chunk of source as AsyncIterable<Buffer>) {
      written += chunk.length
      if (written > size) throw new TarError(`${name}: more than the ${size} bytes announced`)
      await this.write(chunk)
    }
    if (written !== size) throw new TarError(`${name}: ${written} bytes, ${size} announced`)
    await this.pad(size)
  }

  /** Ends the archive (two zero blocks) and returns its sha256 digest and size. */
  async close(): Promise<{ digest: string; size: number }> {
    await this.write(Buffer.alloc(BLOCK * 2))
    await this.handle.sync()
    await this.handle.close()
    return { digest: `sha256:${this.hash.digest('hex')}`, size: this.position }
  }

  /** Closes without finishing (after a failure); the caller removes the file. */
  async abandon(): Promise<void> {
    await this.handle.close().catch(() => undefined)
  }

  private async pad(size: number): Promise<void> {
    const rest = size % BLOCK
    if (rest !== 0) await this.write(Buffer.alloc(BLOCK - rest))
  }

  private async write(data: Buffer): Promise<void> {
    let done = 0
    while (done < data.length) {
      const { bytesWritten } = await this.handle.write(data, done, data.length - done)
      done += bytesWritten
    }
    this.hash.update(data)
    this.position += data.length
  }
}

/** A ustar header, preceded by a pax header when the name or size does not fit. */
function header(name: string, size: number, typeflag: '0' | '5', mode: number): Buffer {
  const records: string[] = []
  if (Buffer.byteLength(name) > 100) records.push(paxRecord('path', name))
  if (size > USTAR_MAX_SIZE) records.push(paxRecord('size', String(size)))
  const main = ustar(Buffer.byteLength(name) > 100 ? name.slice(0, 99) : name, size > USTAR_MAX_SIZE ? 0 : size, typeflag, mode)
  if (records.length === 0) return main
  const data = Buffer.from(records.join(''))
  const padded = Buffer.alloc(Math.ceil(data.length / BLOCK) * BLOCK)
  data.copy(padded)
  return Buffer.concat([ustar('PaxHeader', data.length, 'x', 0o644), padded, main])
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`
  let length = Buffer.byteLength(body) + 1
  while (String(length).length + Buffer.byteLength(body) !== length) length = String(length).length + Buffer.byteLength(body)
  return `${length}${body}`
}

function ustar(name: string, size: number, typeflag: string, mode: number): Buffer {
  const block = Buffer.alloc(BLOCK)
  block.write(name, 0, 100, 'utf8')
  octal(block, 100, 8, mode)
  octal(block, 108, 8, 0)
  octal(block, 116, 8, 0)
  octal(block, 124, 12, size)
  // A fixed time: the same content gives the same archive, and so the same digest.
  octal(block, 136, 12, 0)
  block.write(typeflag, 156, 1, 'latin1')
  block.write('ustar\0', 257, 6, 'latin1')
  block.write('00', 263, 2, 'latin1')
  block.fill(0x20, 148, 156)
  let sum = 0
  for (const byte of block) sum += byte
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1')
  return block
}

function octal(block: Buffer, offset: number, length: number, value: number): void {
  block.write(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, length, 'latin1')
}
