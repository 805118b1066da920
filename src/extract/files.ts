/**
 * The one way repository files are read: relative to the scanned root and
 * confined to it. Trust boundary (DESIGN.md): the repository is untrusted, so
 * a path that resolves outside the root (`../`, an absolute path, or a symbolic
 * link anywhere on the way) is refused, only regular files are read (a FIFO
 * would block, `/dev/zero` never ends), and a file over the size cap is refused
 * before it is read.
 *
 * `readRepositoryFile` throws a typed `RepositoryFileError`; `confinedReader`
 * turns refusals into findings and gives the extract stage the
 * `readFile(relativePath) → text | undefined` it expects (undefined for a file
 * that is not there or was refused; the caller reports the reference, the reader
 * reports why).
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { Finding } from '../model.js'

/** The largest repository file read: compose files, Dockerfiles and env files are far smaller. */
export const MAX_REPOSITORY_FILE_BYTES = 4 * 1024 * 1024

export type RepositoryFileProblem = 'missing' | 'outside-root' | 'not-a-file' | 'too-large' | 'unreadable'

export class RepositoryFileError extends Error {
  constructor(
    /** The path as asked for, relative to the scanned root. */
    readonly file: string,
    readonly problem: RepositoryFileProblem,
    message: string
  ) {
    super(message)
    this.name = 'RepositoryFileError'
  }
}

export interface ReadLimits {
  maxBytes?: number
  /**
   * Absolute paths an input names explicitly (`env-file`): read even when they
   * lie outside the root, still only as regular files under the size cap.
   */
  allowedOutside?: readonly string[]
}

/**
 * Reads `relativePath` (POSIX or native separators) under `root`, or throws a
 * RepositoryFileError saying why not. Never blocks on a FIFO or a device: the
 * file is opened non-blocking and checked with fstat before a byte is read.
 */
export function readRepositoryFile(root: string, relativePath: string, limits: ReadLimits = {}, resolvedRoot?: string): string {
  const maxBytes = limits.maxBytes ?? MAX_REPOSITORY_FILE_BYTES
  const shown = relativePath
  const refuse = (problem: RepositoryFileProblem, why: string): never => {
    throw new RepositoryFileError(shown, problem, `${shown} ${why}`)
  }
  if (relativePath === '' || relativePath.includes('\0')) refuse('unreadable', 'is not a valid path; it was not read')
  const lexical = path.resolve(root, relativePath)
  const allowed = (limits.allowedOutside ?? []).some(file => path.resolve(file) === lexical)
  if (!allowed && !isWithin(path.resolve(root), lexical)) refuse('outside-root', 'is outside the scanned directory; it was not read')

  let realRoot: string
  let real: string
  try {
    // realpath(3): one system call, where the JavaScript realpathSync lstats every component of the path.
    realRoot = resolvedRoot ?? fs.realpathSync.native(root)
  } catch (error) {
    return refuse('unreadable', `cannot be read: the scanned directory cannot be resolved (${code(error)})`)
  }
  try {
    real = fs.realpathSync.native(lexical)
  } catch (error) {
    const reason = code(error)
    if (reason === 'ENOENT' || reason === 'ENOTDIR') return refuse('missing', 'does not exist')
    return refuse('unreadable', `cannot be read (${reason})`)
  }
  if (!allowed && !isWithin(realRoot, real)) {
    refuse('outside-root', `is a symbolic link (or lies under one) that leads outside the scanned directory, to ${real}; it was not read`)
  }

  let fd: number
  try {
    // O_NOFOLLOW: the resolved path has no link left; if one appeared since, refuse rather than follow it.
    fd = fs.openSync(real, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOFOLLOW)
  } catch (error) {
    const reason = code(error)
    if (reason === 'ENOENT') return refuse('missing', 'does not exist')
    return refuse('unreadable', `cannot be read (${reason})`)
  }
  try {
    const stat = fs.fstatSync(fd)
    if (!stat.isFile()) refuse('not-a-file', `is ${describeType(stat)}, not a regular file; it was not read`)
    if (stat.size > maxBytes) refuse('too-large', `is ${stat.size} bytes, over the ${maxBytes}-byte limit for repository files; it was not read`)
    // The size can change under us (a file being written): read at most maxBytes + 1 and check again.
    const buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1)
    let length = 0
    for (let reads = 0; length < buffer.length && reads <= buffer.length; reads += 1) {
      const count = fs.readSync(fd, buffer, length, buffer.length - length, null)
      if (count === 0) break
      length += count
    }
    if (length > maxBytes) refuse('too-large', `is over the ${maxBytes}-byte limit for repository files; it was not read`)
    return buffer.subarray(0, length).toString('utf8')
  } catch (error) {
    if (error instanceof RepositoryFileError) throw error
    return refuse('unreadable', `cannot be read (${code(error)})`)
  } finally {
    fs.closeSync(fd)
  }
}

export interface RepositoryReader {
  /** The contents, or undefined when the file does not exist or was refused (a finding says why). */
  readFile: (relativePath: string) => string | undefined
  /** One finding per refused file (not for files that simply do not exist), in the order they were refused. */
  findings: () => Finding[]
}

/** A reader over `root` that never throws: refusals become findings. */
export function confinedReader(root: string, limits: ReadLimits = {}): RepositoryReader {
  const refused = new Map<string, Finding>()
  // Resolved once for every file read (a root that cannot be resolved is reported by each read).
  let realRoot: string | undefined
  try {
    realRoot = fs.realpathSync.native(root)
  } catch {
    realRoot = undefined
  }
  return {
    readFile: relativePath => {
      try {
        return readRepositoryFile(root, relativePath, limits, realRoot)
      } catch (error) {
        if (!(error instanceof RepositoryFileError)) throw error
        if (error.problem !== 'missing' && !refused.has(error.file)) {
          refused.set(error.file, {
            kind: 'invalid-file',
            severity: 'error',
            message: error.message,
            file: error.file,
            suggestion: 'Keep compose files, Dockerfiles and env files as regular files inside the scanned directory'
          })
        }
        return undefined
      }
    },
    findings: () => [...refused.values()]
  }
}

/**
 * A readFile over the real file system, confined to `root` (see
 * `readRepositoryFile`); never throws. The second argument is accepted for
 * older callers and ignored: confinement needs the real `node:fs`.
 */
export function fileReader(root: string, _fs?: unknown): (relativePath: string) => string | undefined {
  return confinedReader(root).readFile
}

/** True when `candidate` (absolute) is `base` or lies under it. */
export function isWithin(base: string, candidate: string): boolean {
  const relative = path.relative(base, candidate)
  return relative === '' || (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative))
}

function describeType(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a directory'
  if (stat.isFIFO()) return 'a named pipe (FIFO)'
  if (stat.isCharacterDevice()) return 'a character device'
  if (stat.isBlockDevice()) return 'a block device'
  if (stat.isSocket()) return 'a socket'
  return 'not a regular file'
}

// Duck-typed: errors from node:fs may come from another realm (a test runner's vm context).
function code(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error) return String((error as NodeJS.ErrnoException).code)
  return typeof error === 'object' && error !== null && 'message' in error ? String((error as Error).message) : String(error)
}
