/**
 * The `.env` format docker compose reads (compose-go's dotenv dialect):
 * `KEY=value` or `KEY: value`, an optional `export ` prefix, `#` comment lines,
 * single quotes (literal, may span lines), double quotes (backslash escapes,
 * may span lines, `${…}` expanded), unquoted values (trimmed, ` #` starts a
 * comment, `${…}` expanded) and a bare `KEY` that takes its value from the
 * environment. Pure: text in, values and findings out.
 */
import type { Finding } from '../model.js'
import { COMPOSE_SYNTAX, interpolate, type Lookup } from './interpolate.js'

export interface Dotenv {
  values: Map<string, string>
  findings: Finding[]
}

const KEY = /^[A-Za-z_.][A-Za-z0-9_.-]*/

/**
 * Parses `text` (the contents of `file`). Variables inside values resolve
 * against `lookup` first (the process environment wins, as in compose), then
 * against the keys defined earlier in the same file.
 */
export function parseDotenv(text: string, file: string, lookup: Lookup): Dotenv {
  const values = new Map<string, string>()
  const findings: Finding[] = []
  const resolve: Lookup = name => lookup(name) ?? values.get(name)
  const lines = text.replace(/\r\n?/g, '\n').split('\n')

  for (let index = 0; index < lines.length; index += 1) {
    const lineNumber = index + 1
    const invalid = (why: string): void => {
      findings.push({ kind: 'invalid-file', severity: 'warning', message: `${file}:${lineNumber}: ${why}; the line is ignored`, file, line: lineNumber })
    }
    let rest = (lines[index] as string).trimStart()
    if (rest === '' || rest.startsWith('#')) continue
    if (/^export[ \t]/.test(rest)) rest = rest.slice('export'.length).trimStart()

    const key = KEY.exec(rest)?.[0]
    if (key === undefined) {
      invalid(`'${rest}' does not start with a variable name`)
      continue
    }
    rest = rest.slice(key.length).trimStart()
    if (rest === '' || rest.startsWith('#')) {
      // A bare name passes the value through from the environment.
      const inherited = lookup(key)
      if (inherited !== undefined) values.set(key, inherited)
      continue
    }
    if (rest[0] !== '=' && rest[0] !== ':') {
      invalid(`expected '=' after '${key}'`)
      continue
    }
    rest = rest.slice(1).replace(/^[ \t]+/, '')

    const quote = rest[0]
    if (quote === "'" || quote === '"') {
      // Quoted values may continue over the following lines.
      let body = rest.slice(1)
      let close = findClosingQuote(body, quote)
      while (close < 0 && index + 1 < lines.length) {
        index += 1
        body += '\n' + (lines[index] as string)
        close = findClosingQuote(body, quote)
      }
      if (close < 0) {
        invalid(`the ${quote === '"' ? 'double' : 'single'} quote of '${key}' is never closed`)
        continue
      }
      const after = body.slice(close + 1).trim()
      if (after !== '' && !after.startsWith('#')) {
        invalid(`unexpected '${after}' after the quoted value of '${key}'`)
        continue
      }
      const raw = body.slice(0, close)
      if (quote === "'") {
        values.set(key, raw)
        continue
      }
      const expanded = expand(unescapeDoubleQuoted(raw), resolve)
      if (expanded.error !== undefined) invalid(`${key}: ${expanded.error}`)
      else values.set(key, expanded.value)
      continue
    }

    // Unquoted: a '#' preceded by white space starts a comment.
    const comment = /[ \t]#/.exec(rest)
    const raw = (comment === null ? rest : rest.slice(0, comment.index)).trim()
    const expanded = expand(raw, resolve)
    if (expanded.error !== undefined) invalid(`${key}: ${expanded.error}`)
    else values.set(key, expanded.value)
  }
  return { values, findings }
}

function findClosingQuote(body: string, quote: string): number {
  for (let i = 0; i < body.length; i += 1) {
    if (quote === '"' && body[i] === '\\') {
      i += 1
      continue
    }
    if (body[i] === quote) return i
  }
  return -1
}

// `\$` survives as `$$` so that the expansion below leaves a literal dollar.
function unescapeDoubleQuoted(raw: string): string {
  return raw.replace(/\\(.)/gs, (whole, ch: string) => {
    switch (ch) {
      case 'n':
        return '\n'
      case 'r':
        return '\r'
      case 't':
        return '\t'
      case '"':
      case '\\':
        return ch
      case '$':
        return '$$'
      default:
        return whole
    }
  })
}

// Unset variables expand to '' (compose only warns about them in .env files).
function expand(raw: string, lookup: Lookup): { value: string; error?: string } {
  if (!raw.includes('$')) return { value: raw }
  const result = interpolate(raw, lookup, COMPOSE_SYNTAX)
  if (result.errors.length > 0) return { value: result.value, error: result.errors.join('; ') }
  return { value: result.value }
}
