/**
 * Files the run writes (the JSON report, the deployment compose file) go only
 * inside the allowed roots (the workspace and the temp directory), never
 * through a symbolic link: a repository under test can commit a link named
 * like our output that points at the runner's own files. Every existing
 * component below the root is checked with lstat, missing directories are
 * created one by one, and the file is opened with O_NOFOLLOW (and O_NONBLOCK,
 * so a FIFO planted under that name cannot hang the run).
 */
import * as fs from 'node:fs'
import * as path from 'node:path'

export class OutputPathError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string
  ) {
    super(`Cannot write ${file}: ${reason}`)
    this.name = 'OutputPathError'
  }
}

export interface OutputOptions {
  /** Absolute directories the file must lie under (the roots themselves are trusted as they are). */
  allowedRoots: readonly string[]
}

/** What is at `file` now: nothing, a regular file, a directory, or something we refuse. */
export type OutputTargetState = 'missing' | 'file' | 'directory'

/**
 * Why `file` cannot be written (or, with `expect: 'directory'`, used as a directory
 * of outputs), or undefined when it can. Checks the same rules as writeOutputFile
 * without writing, so inputs can be rejected before any work starts.
 */
export function outputPathProblem(file: string, options: OutputOptions & { expect: 'file' | 'directory' | 'file-or-directory' }): string | undefined {
  try {
    const state = inspectOutputPath(path.resolve(file), options)
    if (state === 'directory' && options.expect === 'file') return 'it is a directory; name a file'
    if (state === 'file' && options.expect === 'directory') return 'it is a file; name a directory'
    return undefined
  } catch (error) {
    if (error instanceof OutputPathError) return error.reason
    throw error
  }
}

/**
 * Writes `content` to `file` (absolute) under one of the allowed roots, creating
 * missing parent directories. Throws OutputPathError saying why when the path is
 * outside the roots, passes through a symbolic link, or names a directory.
 */
export function writeOutputFile(file: string, content: string | Uint8Array, options: OutputOptions): void {
  const target = path.resolve(file)
  const state = inspectOutputPath(target, options, { createParents: true })
  if (state === 'directory') throw new OutputPathError(target, 'it is a directory, not a file')
  const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK
  let fd: number
  try {
    fd = fs.openSync(target, flags, 0o644)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ELOOP') throw new OutputPathError(target, 'it is a symbolic link; refusing to write through it')
    if (code === 'ENXIO') throw new OutputPathError(target, 'it is a FIFO or socket, not a regular file')
    if (code === 'EISDIR') throw new OutputPathError(target, 'it is a directory, not a file')
    throw new OutputPathError(target, describeErrno(error))
  }
  try {
    if (!fs.fstatSync(fd).isFile()) throw new OutputPathError(target, 'it is not a regular file')
    fs.writeFileSync(fd, content)
  } finally {
    fs.closeSync(fd)
  }
}

/** The root `file` lies under, or undefined. Compared lexically and by real path (RUNNER_TEMP may itself be a link). */
function rootOf(file: string, roots: readonly string[]): string | undefined {
  for (const root of roots) {
    for (const candidate of new Set([path.resolve(root), realpathOr(root)])) {
      if (file === candidate || file.startsWith(candidate.endsWith(path.sep) ? candidate : candidate + path.sep)) return candidate
    }
  }
  return undefined
}

function inspectOutputPath(target: string, options: OutputOptions, behaviour: { createParents?: boolean } = {}): OutputTargetState {
  const root = rootOf(target, options.allowedRoots)
  if (root === undefined) {
    throw new OutputPathError(target, `it is outside the workspace and the temp directory (${options.allowedRoots.map(dir => path.resolve(dir)).join(', ')})`)
  }
  if (target === root) return 'directory'
  const components = path.relative(root, target).split(path.sep)
  let current = root
  let created = 0
  for (let index = 0; index < components.length; index += 1) {
    current = path.join(current, components[index] as string)
    const isLast = index === components.length - 1
    let stat: fs.Stats | undefined
    try {
      stat = fs.lstatSync(current)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new OutputPathError(target, `${current}: ${describeErrno(error)}`)
    }
    if (stat === undefined) {
      if (isLast) return 'missing'
      if (behaviour.createParents !== true) return 'missing'
      if (created > components.length) throw new OutputPathError(target, `${current} keeps changing while it is created`)
      created += 1
      try {
        fs.mkdirSync(current)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new OutputPathError(target, `could not create ${current}: ${describeErrno(error)}`)
      }
      // Created by us or by someone in between: check it like any other component.
      index -= 1
      current = path.dirname(current)
      continue
    }
    if (stat.isSymbolicLink()) {
      throw new OutputPathError(target, `${current} is a symbolic link; refusing to write through it`)
    }
    if (isLast) {
      if (stat.isDirectory()) return 'directory'
      if (stat.isFile()) return 'file'
      throw new OutputPathError(target, 'it exists and is not a regular file (a FIFO, socket or device)')
    }
    if (!stat.isDirectory()) throw new OutputPathError(target, `${current} is a file, not a directory`)
  }
  return 'missing'
}

function realpathOr(dir: string): string {
  try {
    return fs.realpathSync(dir)
  } catch {
    return path.resolve(dir)
  }
}

function describeErrno(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code
  return code !== undefined ? code : String(error)
}
