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
  const result = readConfined(readerContext(root, limits, resolvedRoot, false), relativePath)
  if (typeof result === 'string') return result
  throw new RepositoryFileError(relativePath, result.problem, result.message)
}

/** Why a file was not read: what RepositoryFileError carries, without the cost of an Error per missing file. */
interface Refusal {
  problem: RepositoryFileProblem
  message: string
  /** The message without the path in front: `is a symbolic link …; it was not read`. */
  why: string
}

/**
 * What every read of one reader shares: the root as given, resolved lexically
 * and really (or why it cannot be resolved), and the real paths of the
 * directories read from so far, by their path relative to the root. A file is
 * opened (without following a link in its last component) in its directory's
 * real path, so reading n files costs one lstat per new directory instead of a
 * realpath of every file, which readlink()s every component of its path. A
 * directory is cached only once it is known to be a directory inside the root;
 * anything else (a symbolic link that leaves the root, a missing directory, an
 * error) takes the full realpath route, which says why it was refused.
 */
interface ReaderContext {
  root: string
  lexicalRoot: string
  realRoot: string | { error: string }
  limits: ReadLimits
  directories: Map<string, string> | undefined
}

function readerContext(root: string, limits: ReadLimits, resolvedRoot: string | undefined, cacheDirectories: boolean): ReaderContext {
  let realRoot: ReaderContext['realRoot']
  try {
    // realpath(3): one system call, where the JavaScript realpathSync lstats every component of the path.
    realRoot = resolvedRoot ?? fs.realpathSync.native(root)
  } catch (error) {
    realRoot = { error: code(error) }
  }
  return { root, lexicalRoot: path.resolve(root), realRoot, limits, directories: cacheDirectories ? new Map() : undefined }
}

/** A relative POSIX path with nothing to resolve: no '.', '..' or empty segment, no backslash, not absolute. */
const SIMPLE_RELATIVE = /^(?!\.{1,2}(?:\/|$))(?:[^/\\]+\/(?!\.{1,2}(?:\/|$)))*[^/\\]+$/

function readConfined(context: ReaderContext, relativePath: string): string | Refusal {
  const { limits, lexicalRoot } = context
  const maxBytes = limits.maxBytes ?? MAX_REPOSITORY_FILE_BYTES
  const refuse = (problem: RepositoryFileProblem, why: string): Refusal => ({ problem, message: `${relativePath} ${why}`, why })
  if (relativePath === '' || relativePath.includes('\0')) return refuse('unreadable', 'is not a valid path; it was not read')
  // The common case, a plain relative path on POSIX, needs no path arithmetic: it is inside the root by construction.
  const simple = path.sep === '/' && SIMPLE_RELATIVE.test(relativePath)
  const lexical = simple ? `${lexicalRoot === '/' ? '' : lexicalRoot}/${relativePath}` : path.resolve(lexicalRoot, relativePath)
  const allowed = limits.allowedOutside !== undefined && limits.allowedOutside.some(file => path.resolve(file) === lexical)
  if (!allowed && !simple && !isWithin(lexicalRoot, lexical)) return refuse('outside-root', 'is outside the scanned directory; it was not read')

  const { realRoot } = context
  if (typeof realRoot !== 'string') return refuse('unreadable', `cannot be read: the scanned directory cannot be resolved (${realRoot.error})`)

  // Fast route: the file's directory resolved inside the root (cached), the file opened there without following a link.
  let fd: number | undefined
  if (!allowed && context.directories !== undefined && lexical !== lexicalRoot) {
    const relative = simple ? relativePath : path.relative(lexicalRoot, lexical)
    const slash = relative.lastIndexOf(path.sep)
    const directory = realDirectory(lexicalRoot, realRoot, slash < 0 ? '' : relative.slice(0, slash), context.directories)
    if (directory !== undefined) {
      try {
        fd = fs.openSync(`${directory}${directory.endsWith(path.sep) ? '' : path.sep}${relative.slice(slash + 1)}`, OPEN_FLAGS)
      } catch (error) {
        // A missing file in a real directory inside the root is missing; anything else (a link: ELOOP) goes the full route.
        if (code(error) === 'ENOENT') return refuse('missing', 'does not exist')
      }
    }
  }

  if (fd === undefined) {
    let real: string
    try {
      real = fs.realpathSync.native(lexical)
    } catch (error) {
      const reason = code(error)
      if (reason === 'ENOENT' || reason === 'ENOTDIR') return refuse('missing', 'does not exist')
      return refuse('unreadable', `cannot be read (${reason})`)
    }
    if (!allowed && !isWithin(realRoot, real)) {
      return refuse('outside-root', `is a symbolic link (or lies under one) that leads outside the scanned directory, to ${real}; it was not read`)
    }
    try {
      // O_NOFOLLOW: the resolved path has no link left; if one appeared since, refuse rather than follow it.
      fd = fs.openSync(real, OPEN_FLAGS)
    } catch (error) {
      const reason = code(error)
      if (reason === 'ENOENT') return refuse('missing', 'does not exist')
      return refuse('unreadable', `cannot be read (${reason})`)
    }
  }
  try {
    const stat = fs.fstatSync(fd)
    if (!stat.isFile()) return refuse('not-a-file', `is ${describeType(stat)}, not a regular file; it was not read`)
    if (stat.size > maxBytes) return refuse('too-large', `is ${stat.size} bytes, over the ${maxBytes}-byte limit for repository files; it was not read`)
    // The size can change under us (a file being written): read at most maxBytes + 1 and check again.
    // Under the cap, the size fstat gave is all we read (as readFileSync does); at the cap, one byte more tells a grown file.
    const buffer = Buffer.allocUnsafe(Math.min(stat.size, maxBytes) + 1)
    let length = 0
    for (let reads = 0; length < buffer.length && reads <= buffer.length; reads += 1) {
      const count = fs.readSync(fd, buffer, length, buffer.length - length, null)
      if (count === 0) break
      length += count
      if (length >= stat.size && stat.size > 0 && stat.size < maxBytes) break
    }
    if (length > maxBytes) return refuse('too-large', `is over the ${maxBytes}-byte limit for repository files; it was not read`)
    return buffer.toString('utf8', 0, length)
  } catch (error) {
    return refuse('unreadable', `cannot be read (${code(error)})`)
  } finally {
    fs.closeSync(fd)
  }
}

/** Read-only, never blocking on a FIFO or a device, and never following a link in the last component. */
const OPEN_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOFOLLOW

/**
 * The real path of `relativeDirectory` (relative to the lexical root, no '..'
 * in it), when it is a directory inside the root; undefined otherwise. A plain
 * directory in a resolved directory is resolved by its name (one lstat); a
 * symbolic link by realpath.
 */
function realDirectory(lexicalRoot: string, realRoot: string, relativeDirectory: string, cache: Map<string, string>): string | undefined {
  if (relativeDirectory === '.' || relativeDirectory === '') return realRoot
  const cached = cache.get(relativeDirectory)
  if (cached !== undefined) return cached
  const slash = relativeDirectory.lastIndexOf(path.sep)
  const parent = realDirectory(lexicalRoot, realRoot, slash < 0 ? '' : relativeDirectory.slice(0, slash), cache)
  if (parent === undefined) return undefined
  const name = relativeDirectory.slice(slash + 1)
  if (name === '..' || name === '.' || name === '') return undefined
  let real: string
  try {
    // A real path and one more name: nothing for path.join to normalise.
    const candidate = `${parent}${parent.endsWith(path.sep) ? '' : path.sep}${name}`
    const stat = fs.lstatSync(candidate, { throwIfNoEntry: false })
    if (stat === undefined) return undefined
    if (stat.isDirectory()) real = candidate
    else if (stat.isSymbolicLink()) {
      real = fs.realpathSync.native(path.join(lexicalRoot, relativeDirectory))
      if (!isWithin(realRoot, real) || !fs.statSync(real).isDirectory()) return undefined
    } else return undefined
  } catch {
    return undefined
  }
  cache.set(relativeDirectory, real)
  return real
}

export interface RepositoryReader {
  /** The contents, or undefined when the file does not exist or was refused (a finding says why). */
  readFile: (relativePath: string) => string | undefined
  /** One finding per refused file (not for files that simply do not exist), in the order they were refused. */
  findings: () => Finding[]
  /** Why a file read was refused (`is a symbolic link …; it was not read`); undefined when it was read or does not exist. */
  refusal: (relativePath: string) => string | undefined
}

/** A reader over `root` that never throws: refusals become findings. */
export function confinedReader(root: string, limits: ReadLimits = {}): RepositoryReader {
  const refused = new Map<string, Finding>()
  const reasons = new Map<string, string>()
  // Resolved once for every file read (a root that cannot be resolved is reported by each read).
  const context = readerContext(root, limits, undefined, true)
  return {
    readFile: relativePath => {
      const result = readConfined(context, relativePath)
      if (typeof result === 'string') return result
      if (result.problem !== 'missing' && !refused.has(relativePath)) {
        reasons.set(relativePath, result.why)
        refused.set(relativePath, {
          kind: 'invalid-file',
          severity: 'error',
          message: result.message,
          file: relativePath,
          suggestion: 'Keep compose files, Dockerfiles and env files as regular files inside the scanned directory'
        })
      }
      return undefined
    },
    findings: () => [...refused.values()],
    refusal: relativePath => reasons.get(relativePath)
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
  // Normalised absolute POSIX paths (what realpath and path.resolve give) compare as strings.
  if (path.sep === '/' && isNormalAbsolute(base) && isNormalAbsolute(candidate)) {
    return candidate === base || base === '/' || (candidate.startsWith(base) && candidate.charCodeAt(base.length) === 0x2f)
  }
  const relative = path.relative(base, candidate)
  return relative === '' || (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative))
}

function isNormalAbsolute(file: string): boolean {
  return file.startsWith('/') && (file === '/' || !file.endsWith('/')) && !/\/\.{0,2}(?:\/|$)/.test(file)
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
