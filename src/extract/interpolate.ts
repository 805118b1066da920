/**
 * Shell-style variable substitution as the compose specification and the
 * Dockerfile reference define it: `$VAR`, `${VAR}`, `${VAR:-d}`, `${VAR-d}`,
 * `${VAR:+alt}`, `${VAR+alt}`, `${VAR:?err}`, `${VAR?err}`, with nesting in
 * the default/alternative word. Pure: values come from `lookup`.
 *
 * Trust boundary (DESIGN.md): the repository is untrusted and the runner's
 * environment holds secrets, so compose interpolation withholds the action's
 * inputs, the CLI's `IMAGE_MIRROR_*` and the runner's tokens. A withheld name is
 * never passed to `lookup`: it expands as if unset and is reported, so that
 * `image: x:${INPUT_PASSWORD}` can never turn a password into a tag.
 */

export interface InterpolationOptions {
  /**
   * How a literal dollar is written: compose doubles it (`$$`), a Dockerfile
   * escapes it with its escape character (`\$`, or the `# escape=` one).
   */
  escape: { kind: 'double-dollar' } | { kind: 'escape-char'; char: string }
  /** Names that are never looked up (see `isWithheldName`); undefined withholds nothing. */
  withheld?: (name: string) => boolean
}

export type InterpolationProblemKind = 'syntax' | 'required' | 'withheld' | 'too-deep'

export interface InterpolationProblem {
  kind: InterpolationProblemKind
  /** The variable concerned, when there is one. */
  name?: string
  message: string
}

export interface Interpolation {
  value: string
  /** Variables used without a default that have no value (substituted as empty). */
  missing: string[]
  /** Withheld variables that were referenced (each also in `problems` and `errors`). */
  withheld: string[]
  /** Syntax errors, the messages of `${VAR:?message}` that fired, withheld variables, nesting too deep. */
  errors: string[]
  /** The same as `errors`, typed, for callers that must not echo the text (a .env file's). */
  problems: InterpolationProblem[]
}

export type Lookup = (name: string) => string | undefined

/** `${A:-${B:-${C}}}` may nest this deep; deeper is a finding, never a stack overflow. */
export const MAX_NESTING_DEPTH = 32

/** Why a withheld variable has no value, in the words of every finding that names one. */
export const WITHHELD_REASON = 'withheld: it holds a secret of the runner/action'

const NAME_START = /[A-Za-z_]/
const NAME_CHAR = /[A-Za-z0-9_]/

/**
 * Names of the runner's and the action's secrets: the action's inputs
 * (`INPUT_*`, the runner passes every input so), the CLI's inputs
 * (`IMAGE_MIRROR_*`), the runner's tokens (`ACTIONS_*`: runtime, cache, results
 * and OIDC request tokens and URLs) and `GITHUB_TOKEN`.
 */
export function isWithheldName(name: string): boolean {
  return /^(?:INPUT_|IMAGE_MIRROR_|ACTIONS_)/i.test(name) || name.toUpperCase() === 'GITHUB_TOKEN'
}

export const COMPOSE_SYNTAX: InterpolationOptions = { escape: { kind: 'double-dollar' }, withheld: isWithheldName }
export const dockerfileSyntax = (escapeChar = '\\'): InterpolationOptions => ({ escape: { kind: 'escape-char', char: escapeChar } })

/** Compose syntax that also withholds the given names (those `interpolationEnvironment` removed for their values). */
export function composeSyntax(withheldNames: Iterable<string> = []): InterpolationOptions {
  const names = new Set(withheldNames)
  if (names.size === 0) return COMPOSE_SYNTAX
  return { escape: { kind: 'double-dollar' }, withheld: name => isWithheldName(name) || names.has(name) }
}

export interface InterpolationEnvironment {
  /** What interpolation may read. */
  env: Record<string, string>
  /** Names removed from it, sorted: by name (`isWithheldName`) or because their value is a secret. */
  withheld: string[]
}

/**
 * The environment compose interpolation may see: `env` minus the withheld
 * names and minus every variable whose value is one of `secretValues` (the
 * credentials the settings masked). Pure; values of removed names are not kept.
 */
export function interpolationEnvironment(env: Record<string, string | undefined>, secretValues: Iterable<string | undefined> = []): InterpolationEnvironment {
  const secrets = new Set<string>()
  for (const secret of secretValues) if (secret !== undefined && secret !== '') secrets.add(secret)
  const visible: Record<string, string> = {}
  const withheld: string[] = []
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue
    if (isWithheldName(name) || secrets.has(value)) withheld.push(name)
    else visible[name] = value
  }
  return { env: visible, withheld: withheld.sort() }
}

export function interpolate(text: string, lookup: Lookup, options: InterpolationOptions): Interpolation {
  const state: Interpolation = { value: '', missing: [], withheld: [], errors: [], problems: [] }
  state.value = substitute(text, 0, { lookup, options, state, text })
  state.missing = [...new Set(state.missing)]
  state.withheld = [...new Set(state.withheld)]
  state.errors = state.problems.map(problem => problem.message)
  return state
}

interface Context {
  lookup: Lookup
  options: InterpolationOptions
  state: Interpolation
  /** The whole text, for messages. */
  text: string
}

function problem(context: Context, kind: InterpolationProblemKind, message: string, name?: string): void {
  // One message per distinct problem: a withheld name used ten times is one finding.
  if (context.state.problems.some(p => p.kind === kind && p.message === message)) return
  context.state.problems.push({ kind, message, ...(name !== undefined && { name }) })
}

/** The value of `name`, or undefined when it is unset or withheld (which is reported). */
function valueOf(name: string, context: Context): string | undefined {
  if (context.options.withheld?.(name) === true) {
    context.state.withheld.push(name)
    problem(context, 'withheld', `variable ${name} is ${WITHHELD_REASON}`, name)
    return undefined
  }
  return context.lookup(name)
}

function substitute(text: string, depth: number, context: Context): string {
  const { options, state } = context
  let out = ''
  let i = 0
  const escapeChar = options.escape.kind === 'escape-char' ? options.escape.char : undefined
  // Each pass consumes at least one character: bounded by the text's length.
  while (i < text.length) {
    const ch = text[i] as string
    if (escapeChar !== undefined && ch === escapeChar && text[i + 1] === '$') {
      out += '$'
      i += 2
      continue
    }
    if (ch !== '$') {
      const next = text.indexOf('$', i + 1)
      const stop = escapeChar === undefined ? next : nearest(next, text.indexOf(escapeChar, i + 1))
      const end = stop < 0 ? text.length : stop
      out += text.slice(i, end)
      i = end
      continue
    }
    const next = text[i + 1]
    if (options.escape.kind === 'double-dollar' && next === '$') {
      out += '$'
      i += 2
      continue
    }
    if (next === '{') {
      if (depth >= MAX_NESTING_DEPTH) {
        problem(context, 'too-deep', `variables are nested more than ${MAX_NESTING_DEPTH} levels deep`)
        return out
      }
      const close = findClosingBrace(text, i + 2)
      if (close < 0) {
        problem(context, 'syntax', `unterminated '\${' in '${context.text}'`)
        return out + text.slice(i)
      }
      out += expandBraced(text.slice(i + 2, close), depth + 1, context)
      i = close + 1
      continue
    }
    if (next !== undefined && NAME_START.test(next)) {
      let end = i + 1
      while (end < text.length && NAME_CHAR.test(text[end] as string)) end += 1
      const name = text.slice(i + 1, end)
      const value = valueOf(name, context)
      if (value === undefined && options.withheld?.(name) !== true) state.missing.push(name)
      out += value ?? ''
      i = end
      continue
    }
    out += '$'
    i += 1
  }
  return out
}

function nearest(a: number, b: number): number {
  if (a < 0) return b
  if (b < 0) return a
  return Math.min(a, b)
}

// Index of the '}' that closes a '${' opened just before `from`, honouring nested '${…}'.
function findClosingBrace(text: string, from: number): number {
  let depth = 1
  for (let i = from; i < text.length; i += 1) {
    if (text[i] === '$' && text[i + 1] === '{') {
      depth += 1
      i += 1
    } else if (text[i] === '}') {
      depth -= 1
      if (depth === 0) return i
    }
  }
  return -1
}

function expandBraced(body: string, depth: number, context: Context): string {
  let end = 0
  while (end < body.length && (end === 0 ? NAME_START : NAME_CHAR).test(body[end] as string)) end += 1
  const name = body.slice(0, end)
  if (name === '') {
    problem(context, 'syntax', `invalid variable name in '\${${body}}'`)
    return ''
  }
  const rest = body.slice(end)
  const value = valueOf(name, context)
  const withheld = context.options.withheld?.(name) === true
  if (rest === '') {
    if (value === undefined && !withheld) context.state.missing.push(name)
    return value ?? ''
  }
  const operator = /^(:?[-+?])/.exec(rest)?.[1]
  if (operator === undefined) {
    problem(context, 'syntax', `unsupported modifier '${rest}' in '\${${body}}'`)
    return value ?? ''
  }
  const word = rest.slice(operator.length)
  const colon = operator.startsWith(':')
  const isSet = value !== undefined && (!colon || value !== '')
  switch (operator.slice(-1)) {
    case '-':
      return isSet ? (value as string) : substitute(word, depth, context)
    case '+':
      return isSet ? substitute(word, depth, context) : ''
    default: {
      if (isSet) return value as string
      const message = substitute(word, depth, context)
      problem(context, 'required', message !== '' ? `${name}: ${message}` : `required variable ${name} is ${value === undefined ? 'not set' : 'empty'}`, name)
      return ''
    }
  }
}
