/**
 * Shell-style variable substitution as the compose specification and the
 * Dockerfile reference define it: `$VAR`, `${VAR}`, `${VAR:-d}`, `${VAR-d}`,
 * `${VAR:+alt}`, `${VAR+alt}`, `${VAR:?err}`, `${VAR?err}`, with nesting in
 * the default/alternative word. Pure: values come from `lookup`.
 */

export interface InterpolationOptions {
  /**
   * How a literal dollar is written: compose doubles it (`$$`), a Dockerfile
   * escapes it with its escape character (`\$`, or the `# escape=` one).
   */
  escape: { kind: 'double-dollar' } | { kind: 'escape-char'; char: string }
}

export interface Interpolation {
  value: string
  /** Variables used without a default that have no value (substituted as empty). */
  missing: string[]
  /** Syntax errors and the messages of `${VAR:?message}` that fired. */
  errors: string[]
}

export type Lookup = (name: string) => string | undefined

const NAME_START = /[A-Za-z_]/
const NAME_CHAR = /[A-Za-z0-9_]/

export const COMPOSE_SYNTAX: InterpolationOptions = { escape: { kind: 'double-dollar' } }
export const dockerfileSyntax = (escapeChar = '\\'): InterpolationOptions => ({ escape: { kind: 'escape-char', char: escapeChar } })

export function interpolate(text: string, lookup: Lookup, options: InterpolationOptions): Interpolation {
  const state: Interpolation = { value: '', missing: [], errors: [] }
  state.value = substitute(text, lookup, options, state)
  state.missing = [...new Set(state.missing)]
  return state
}

/** True when the text has something to substitute. */
export function hasVariables(text: string): boolean {
  return text.includes('$')
}

function substitute(text: string, lookup: Lookup, options: InterpolationOptions, state: Interpolation): string {
  let out = ''
  let i = 0
  const escapeChar = options.escape.kind === 'escape-char' ? options.escape.char : undefined
  while (i < text.length) {
    const ch = text[i] as string
    if (escapeChar !== undefined && ch === escapeChar && text[i + 1] === '$') {
      out += '$'
      i += 2
      continue
    }
    if (ch !== '$') {
      out += ch
      i += 1
      continue
    }
    const next = text[i + 1]
    if (options.escape.kind === 'double-dollar' && next === '$') {
      out += '$'
      i += 2
      continue
    }
    if (next === '{') {
      const close = findClosingBrace(text, i + 2)
      if (close < 0) {
        state.errors.push(`unterminated '\${' in '${text}'`)
        return out + text.slice(i)
      }
      out += expandBraced(text.slice(i + 2, close), lookup, options, state)
      i = close + 1
      continue
    }
    if (next !== undefined && NAME_START.test(next)) {
      let end = i + 1
      while (end < text.length && NAME_CHAR.test(text[end] as string)) end += 1
      const name = text.slice(i + 1, end)
      const value = lookup(name)
      if (value === undefined) state.missing.push(name)
      out += value ?? ''
      i = end
      continue
    }
    out += '$'
    i += 1
  }
  return out
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

function expandBraced(body: string, lookup: Lookup, options: InterpolationOptions, state: Interpolation): string {
  let end = 0
  while (end < body.length && (end === 0 ? NAME_START : NAME_CHAR).test(body[end] as string)) end += 1
  const name = body.slice(0, end)
  if (name === '') {
    state.errors.push(`invalid variable name in '\${${body}}'`)
    return ''
  }
  const rest = body.slice(end)
  const value = lookup(name)
  if (rest === '') {
    if (value === undefined) state.missing.push(name)
    return value ?? ''
  }
  const operator = /^(:?[-+?])/.exec(rest)?.[1]
  if (operator === undefined) {
    state.errors.push(`unsupported modifier '${rest}' in '\${${body}}'`)
    return value ?? ''
  }
  const word = rest.slice(operator.length)
  const colon = operator.startsWith(':')
  const isSet = value !== undefined && (!colon || value !== '')
  switch (operator.slice(-1)) {
    case '-':
      return isSet ? (value as string) : substitute(word, lookup, options, state)
    case '+':
      return isSet ? substitute(word, lookup, options, state) : ''
    default: {
      if (isSet) return value as string
      const message = substitute(word, lookup, options, state)
      state.errors.push(message !== '' ? `${name}: ${message}` : `required variable ${name} is ${value === undefined ? 'not set' : 'empty'}`)
      return ''
    }
  }
}
