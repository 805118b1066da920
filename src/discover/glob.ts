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
  const { anchored, alternatives: tokenLists } = compileAlternatives(pattern)
  const alternatives = tokenLists.map(compileTokens)
  return {
    pattern,
    matches(relativePath: string): boolean {
      const candidate = anchored ? relativePath : relativePath.slice(relativePath.lastIndexOf('/') + 1)
      return alternatives.some(matches => matches(candidate))
    }
  }
}

/** The expanded alternatives of a pattern, and whether it matches the whole path ('/' in it) or a file's name. */
function compileAlternatives(pattern: string): { anchored: boolean; alternatives: Token[][] } {
  const normalised = pattern.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '')
  const anchored = normalised.includes('/')
  // Positions in errors count from the pattern as written, before './' was dropped.
  const offset = pattern.length - pattern.replace(/^\.[\\/]/, '').length
  return { anchored, alternatives: expand(parse(pattern, normalised, offset), pattern) }
}

/** Several patterns matched as one: true when any of them matches. */
export interface GlobSet {
  readonly patterns: readonly string[]
  /** True when every pattern matches a file's name (none has a '/'): a name is then all `matches` looks at. */
  readonly byNameOnly: boolean
  matches(relativePath: string): boolean
}

/**
 * Compiles a list of patterns into one matcher that gives what `matchesAny`
 * gives over the patterns compiled one by one, with one regular expression per
 * kind (name patterns, whole-path patterns) for every alternative a regex can
 * match safely, instead of one test per pattern and alternative. Alternatives
 * with several repeating tokens keep their dynamic-programming matcher.
 */
export function compileGlobSet(patterns: readonly string[]): GlobSet {
  const sources: Record<'name' | 'path', string[]> = { name: [], path: [] }
  const others: Record<'name' | 'path', Array<(text: string) => boolean>> = { name: [], path: [] }
  for (const pattern of patterns) {
    const { anchored, alternatives } = compileAlternatives(pattern)
    const kind = anchored ? 'path' : 'name'
    for (const tokens of alternatives) {
      if (tokens.filter(isRepeat).length <= 1) sources[kind].push(tokens.map(tokenRegex).join(''))
      else others[kind].push(compileTokens(tokens))
    }
  }
  const union = (list: string[]): RegExp | undefined => (list.length === 0 ? undefined : new RegExp(`^(?:${list.join('|')})$`))
  const byName = union(sources.name)
  const byPath = union(sources.path)
  const nameOthers = others.name
  const pathOthers = others.path
  const hasName = byName !== undefined || nameOthers.length > 0
  return {
    patterns: [...patterns],
    byNameOnly: byPath === undefined && pathOthers.length === 0,
    matches(relativePath: string): boolean {
      if (byPath !== undefined && byPath.test(relativePath)) return true
      for (const matches of pathOthers) if (matches(relativePath)) return true
      if (!hasName) return false
      const name = relativePath.slice(relativePath.lastIndexOf('/') + 1)
      if (byName !== undefined && byName.test(name)) return true
      for (const matches of nameOthers) if (matches(name)) return true
      return false
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

type Token =
  | { t: 'literal'; c: string; code: number }
  /** `?`: one character of a name. */
  | { t: 'one' }
  | { t: 'class'; negated: boolean; ranges: Array<[string, string]> }
  /** `*`: any run of characters within a name. */
  | { t: 'star' }
  /** `**` not followed by '/': anything, slashes included. */
  | { t: 'anything' }
  /** `**\/`: zero or more whole directories. */
  | { t: 'directories' }
type Node = Token | { t: 'braces'; options: Node[][] }

/** Brace alternatives are expanded into separate token lists, at most this many. */
const MAX_ALTERNATIVES = 256

function parse(pattern: string, glob: string, offset: number): Node[] {
  const fail = (reason: string): never => {
    throw new GlobError(pattern, reason)
  }
  const at = (index: number): number => index + 1 + offset
  if (glob === '') fail('the pattern is empty')
  if (glob.length > MAX_PATTERN_LENGTH) fail(`longer than ${MAX_PATTERN_LENGTH} characters`)
  if (glob.startsWith('/')) fail("patterns are relative to the scanned path: drop the leading '/'")
  if (glob.split('/').includes('..')) fail("patterns are relative to the scanned path and cannot leave it ('..')")

  const root: Node[] = []
  const groups: Array<{ options: Node[][]; start: number; parent: Node[] }> = []
  let sequence = root
  for (let i = 0; i < glob.length; i += 1) {
    const ch = glob[i] as string
    if (ch === '*') {
      if (glob[i + 1] === '*') {
        const slashFollows = glob[i + 2] === '/'
        sequence.push({ t: slashFollows ? 'directories' : 'anything' })
        i += slashFollows ? 2 : 1
      } else sequence.push({ t: 'star' })
    } else if (ch === '?') {
      sequence.push({ t: 'one' })
    } else if (ch === '[') {
      const { token, end } = parseClass(glob, i, fail, at)
      sequence.push(token)
      i = end
    } else if (ch === '{') {
      if (groups.length >= MAX_BRACE_DEPTH) fail(`braces nested deeper than ${MAX_BRACE_DEPTH}`)
      const group = { options: [[]] as Node[][], start: i, parent: sequence }
      groups.push(group)
      sequence = group.options[0] as Node[]
    } else if (ch === '}') {
      const group = groups.pop()
      if (group === undefined) return fail(`the '}' at position ${at(i)} closes no '{'`)
      group.parent.push({ t: 'braces', options: group.options })
      sequence = group.parent
    } else if (ch === ',' && groups.length > 0) {
      const next: Node[] = []
      ;(groups[groups.length - 1] as { options: Node[][] }).options.push(next)
      sequence = next
    } else {
      sequence.push({ t: 'literal', c: ch, code: ch.charCodeAt(0) })
    }
  }
  const open = groups[groups.length - 1]
  if (open !== undefined) fail(`the '{' at position ${at(open.start)} is never closed`)
  return root
}

function expand(nodes: readonly Node[], pattern: string): Token[][] {
  let results: Token[][] = [[]]
  for (const node of nodes) {
    if (node.t !== 'braces') {
      for (const result of results) result.push(node)
      continue
    }
    const alternatives = node.options.flatMap(option => expand(option, pattern))
    const next: Token[][] = []
    for (const result of results) {
      for (const alternative of alternatives) {
        next.push([...result, ...alternative])
        if (next.length > MAX_ALTERNATIVES) throw new GlobError(pattern, `its braces expand to more than ${MAX_ALTERNATIVES} patterns`)
      }
    }
    results = next
  }
  return results
}

const isRepeat = (token: Token): boolean => token.t === 'star' || token.t === 'anything' || token.t === 'directories'

/**
 * One expanded alternative as a function. With at most one repeating token a
 * regex cannot backtrack badly (quadratic at worst) and is fastest; with more,
 * the literal head and tail are checked first and the rest is matched by
 * dynamic programming.
 */
function compileTokens(tokens: Token[]): (text: string) => boolean {
  if (tokens.filter(isRepeat).length <= 1) {
    const regex = new RegExp(`^${tokens.map(tokenRegex).join('')}$`)
    return text => regex.test(text)
  }
  let head = ''
  for (const token of tokens) {
    if (token.t !== 'literal') break
    head += token.c
  }
  let tail = ''
  for (let i = tokens.length - 1; i >= 0; i -= 1) {
    const token = tokens[i] as Token
    if (token.t !== 'literal') break
    tail = token.c + tail
  }
  return text => text.startsWith(head) && text.endsWith(tail) && matchTokens(tokens, text)
}

function tokenRegex(token: Token): string {
  switch (token.t) {
    case 'literal':
      return token.c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
    case 'one':
      return '[^/]'
    case 'class': {
      const members = token.ranges.map(([low, high]) => (low === high ? escapeClassMember(low) : `${escapeClassMember(low)}-${escapeClassMember(high)}`)).join('')
      return token.negated ? `[^/${members}]` : `(?![/])[${members}]`
    }
    case 'star':
      return '[^/]*'
    case 'anything':
      return '.*'
    case 'directories':
      return '(?:[^/]+/)*'
  }
}

function escapeClassMember(ch: string): string {
  return /[\\\]^-]/.test(ch) ? `\\${ch}` : ch
}

/**
 * Whether `tokens` match all of `text`, by dynamic programming over (token,
 * position): time proportional to tokens × characters whatever the pattern,
 * where a backtracking regex can take exponential time on `a*a*a*…b`.
 */
function matchTokens(tokens: readonly Token[], text: string): boolean {
  const n = text.length
  if (scratch.nextSlash.length < n + 1) {
    scratch.nextSlash = new Int32Array(2 * (n + 1))
    scratch.below = new Uint8Array(2 * (n + 1))
    scratch.row = new Uint8Array(2 * (n + 1))
  }
  const { nextSlash } = scratch
  let slash = -1
  for (let j = n; j >= 0; j -= 1) {
    if (j < n && text.charCodeAt(j) === SLASH) slash = j
    nextSlash[j] = slash
  }
  // below[j]: the tokens after the current one match text[j..]; row[j]: the current one onwards do.
  let below = scratch.below
  let row = scratch.row
  below.fill(0, 0, n + 1)
  below[n] = 1
  for (let i = tokens.length - 1; i >= 0; i -= 1) {
    const token = tokens[i] as Token
    row[n] = token.t === 'star' || token.t === 'anything' || token.t === 'directories' ? (below[n] as number) : 0
    for (let j = n - 1; j >= 0; j -= 1) {
      const code = text.charCodeAt(j)
      let ok: boolean
      switch (token.t) {
        case 'literal':
          ok = code === token.code && below[j + 1] === 1
          break
        case 'one':
          ok = code !== SLASH && below[j + 1] === 1
          break
        case 'class':
          ok = code !== SLASH && below[j + 1] === 1 && inClass(token, text[j] as string)
          break
        case 'star':
          ok = below[j] === 1 || (code !== SLASH && row[j + 1] === 1)
          break
        case 'anything':
          ok = below[j] === 1 || row[j + 1] === 1
          break
        case 'directories': {
          const end = nextSlash[j] as number
          ok = below[j] === 1 || (end > j && row[end + 1] === 1)
          break
        }
      }
      row[j] = ok ? 1 : 0
    }
    const swap = below
    below = row
    row = swap
  }
  return below[0] === 1
}

const SLASH = 0x2f
/** Rows reused across matches (matching is synchronous), grown for longer paths. */
const scratch = { nextSlash: new Int32Array(512), below: new Uint8Array(512), row: new Uint8Array(512) }

function inClass(token: Extract<Token, { t: 'class' }>, ch: string): boolean {
  const member = token.ranges.some(([low, high]) => ch >= low && ch <= high)
  return member !== token.negated
}

/** `[abc]`, `[a-z]`, `[!a]` / `[^a]`; a ']' right after the opening (or the '!') is a member. */
function parseClass(glob: string, start: number, fail: (reason: string) => never, at: (index: number) => number): { token: Token; end: number } {
  let i = start + 1
  let negated = false
  if (glob[i] === '!' || glob[i] === '^') {
    negated = true
    i += 1
  }
  const ranges: Array<[string, string]> = []
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
      ranges.push([ch, last])
      i += 2
    } else {
      ranges.push([ch, ch])
    }
  }
  if (i >= glob.length) fail(`the '[' at position ${at(start)} is never closed`)
  // A class never matches '/', negated or not: it stands for one character of a name.
  return { token: { t: 'class', negated, ranges }, end: i }
}
