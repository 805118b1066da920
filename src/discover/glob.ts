/**
 * Glob patterns for file discovery, matched against POSIX paths relative to the
 * scanned directory. A pattern without '/' matches a file's name at any depth
 * (`Dockerfile.*`); one with '/' matches the whole relative path
 * (`services/**\/compose.yml`). Supports `**`, `*`, `?`, `[…]` (`[!…]` and
 * `[^…]` negate) and `{a,b}` (nested braces too). A malformed pattern is a
 * GlobError naming what is wrong, never a crash: inputs are checked with
 * `globProblem` before any work starts.
 */

export interface GlobMatcher {
  readonly pattern: string
  matches(relativePath: string): boolean
}

export class GlobError extends Error {
  constructor(
    readonly pattern: string,
    readonly reason: string
  ) {
    super(`Invalid glob '${pattern}': ${reason}`)
    this.name = 'GlobError'
  }
}

/** Patterns longer than this are refused: they are mistakes, and a long pattern makes a slow matcher. */
const MAX_PATTERN_LENGTH = 1024
const MAX_BRACE_DEPTH = 8

export function compileGlob(pattern: string): GlobMatcher {
  const normalised = pattern.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '')
  const anchored = normalised.includes('/')
  // Positions in errors count from the pattern as written, before './' was dropped.
  const offset = pattern.length - pattern.replace(/^\.[\\/]/, '').length
  const regex = new RegExp(`^${translate(pattern, normalised, offset)}$`)
  return {
    pattern,
    matches(relativePath: string): boolean {
      const candidate = anchored ? relativePath : relativePath.slice(relativePath.lastIndexOf('/') + 1)
      return regex.test(candidate)
    }
  }
}

/** Why `pattern` is not a usable glob, or undefined when it is one. */
export function globProblem(pattern: string): string | undefined {
  try {
    compileGlob(pattern)
    return undefined
  } catch (error) {
    if (error instanceof GlobError) return error.reason
    throw error
  }
}

export function matchesAny(matchers: readonly GlobMatcher[], relativePath: string): boolean {
  return matchers.some(matcher => matcher.matches(relativePath))
}

function translate(pattern: string, glob: string, offset: number): string {
  const fail = (reason: string): never => {
    throw new GlobError(pattern, reason)
  }
  const at = (index: number): number => index + 1 + offset
  if (glob === '') fail('the pattern is empty')
  if (glob.length > MAX_PATTERN_LENGTH) fail(`longer than ${MAX_PATTERN_LENGTH} characters`)
  if (glob.startsWith('/')) fail("patterns are relative to the scanned path: drop the leading '/'")
  if (glob.split('/').includes('..')) fail("patterns are relative to the scanned path and cannot leave it ('..')")

  let out = ''
  const braces: number[] = []
  for (let i = 0; i < glob.length; i += 1) {
    const ch = glob[i] as string
    if (ch === '*') {
      if (glob[i + 1] === '*') {
        // '**/' matches zero or more directories; a trailing '**' matches everything below.
        const slashFollows = glob[i + 2] === '/'
        out += slashFollows ? '(?:[^/]+/)*' : '.*'
        i += slashFollows ? 2 : 1
      } else {
        out += '[^/]*'
      }
    } else if (ch === '?') {
      out += '[^/]'
    } else if (ch === '[') {
      const { regex, end } = translateClass(glob, i, fail, at)
      out += regex
      i = end
    } else if (ch === '{') {
      if (braces.length >= MAX_BRACE_DEPTH) fail(`braces nested deeper than ${MAX_BRACE_DEPTH}`)
      braces.push(i)
      out += '(?:'
    } else if (ch === '}') {
      if (braces.length === 0) fail(`the '}' at position ${at(i)} closes no '{'`)
      braces.pop()
      out += ')'
    } else if (ch === ',' && braces.length > 0) {
      out += '|'
    } else {
      out += ch.replace(/[.+^$()|\\{}[\]]/g, '\\$&')
    }
  }
  if (braces.length > 0) fail(`the '{' at position ${at(braces[braces.length - 1] as number)} is never closed`)
  return out
}

/** `[abc]`, `[a-z]`, `[!a]` / `[^a]`; a ']' right after the opening (or the '!') is a member. */
function translateClass(glob: string, start: number, fail: (reason: string) => never, at: (index: number) => number): { regex: string; end: number } {
  let i = start + 1
  let negated = false
  if (glob[i] === '!' || glob[i] === '^') {
    negated = true
    i += 1
  }
  const members: string[] = []
  let first = true
  for (; i < glob.length; i += 1) {
    const ch = glob[i] as string
    if (ch === ']' && !first) break
    first = false
    if (ch === '/') fail(`'/' cannot be part of a character class (at position ${at(i)})`)
    const next = glob[i + 1]
    const last = glob[i + 2]
    if (next === '-' && last !== undefined && last !== ']') {
      if (last === '/') fail(`'/' cannot be part of a character class (at position ${at(i + 2)})`)
      if (last < ch) fail(`the range '${ch}-${last}' is out of order`)
      members.push(`${escapeClassMember(ch)}-${escapeClassMember(last)}`)
      i += 2
    } else {
      members.push(escapeClassMember(ch))
    }
  }
  if (i >= glob.length) fail(`the '[' at position ${at(start)} is never closed`)
  // A class never matches '/', negated or not: it stands for one character of a name.
  return { regex: negated ? `[^/${members.join('')}]` : `[${members.join('')}]`, end: i }
}

function escapeClassMember(ch: string): string {
  return /[\\\]^-]/.test(ch) ? `\\${ch}` : ch
}
