/**
 * The `.env` format docker compose reads (compose-go's dotenv dialect):
 * `KEY=value` or `KEY: value`, an optional `export ` prefix, `#` comment lines,
 * single quotes (literal, may span lines), double quotes (backslash escapes,
 * may span lines, `${…}` expanded), unquoted values (trimmed, ` #` starts a
 * comment, `${…}` expanded) and a bare `KEY` that takes its value from the
 * environment. Pure: text in, values and findings out.
 *
 * Findings never quote the file's text: an env file may be a symlink to, or a
 * copy of, another file's secrets, and a finding ends up in logs and summaries.
 * They name the line, and the key when the line is a well-formed assignment.
 */
import type { Finding } from '../model.js'
import { COMPOSE_SYNTAX, interpolate, isWithheldName, WITHHELD_REASON, type InterpolationProblem, type Lookup } from './interpolate.js'

export interface Dotenv {
  values: Map<string, string>
  findings: Finding[]
}

const KEY = /^[A-Za-z_.][A-Za-z0-9_.-]*/

/**
 * Parses `text` (the contents of `file`). Variables inside values resolve
 * against `lookup` first (the process environment wins, as in compose), then
 * against the keys defined earlier in the same file. Withheld names
 * (`isWithheldName`) are never looked up.
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
    const unresolved = (why: string): void => {
      // A warning: the variable matters only where a compose file uses it, and that use is reported there.
      findings.push({ kind: 'unresolved-variable', severity: 'warning', message: `${file}:${lineNumber}: ${why}`, file, line: lineNumber })
    }
    let rest = (lines[index] as string).trimStart()
    if (rest === '' || rest.startsWith('#')) continue
    if (/^export[ \t]/.test(rest)) rest = rest.slice('export'.length).trimStart()

    const key = KEY.exec(rest)?.[0]
    if (key === undefined) {
      invalid(`line ${lineNumber} is not NAME=value (it does not start with a variable name)`)
      continue
    }
    rest = rest.slice(key.length).trimStart()
    if (rest === '' || rest.startsWith('#')) {
      // A bare name passes the value through from the environment.
      if (isWithheldName(key)) {
        unresolved(`${key} is ${WITHHELD_REASON}; it is not passed through`)
        continue
      }
      const inherited = lookup(key)
      if (inherited !== undefined) values.set(key, inherited)
      continue
    }
    if (rest[0] !== '=' && rest[0] !== ':') {
      // The "key" may be the first word of something that is not an env file at all: not echoed.
      invalid(`line ${lineNumber} is not NAME=value (no '=' after the name)`)
      continue
    }
    rest = rest.slice(1).replace(/^[ \t]+/, '')

    const quote = rest[0]
    if (quote === "'" || quote === '"') {
      // Quoted values may continue over the following lines: each line is searched once, and joined once.
      const parts = [rest.slice(1)]
      let closeInLine = findClosingQuote(parts[0] as string, quote)
      while (closeInLine < 0 && index + 1 < lines.length) {
        index += 1
        const line = lines[index] as string
        parts.push(line)
        // A backslash that ended the previous line escaped the line break, so each line is searched from its start.
        closeInLine = findClosingQuote(line, quote)
      }
      if (closeInLine < 0) {
        // As before: the rest of the file is the unclosed value, and is not used.
        invalid(`the ${quote === '"' ? 'double' : 'single'} quote of ${key} is never closed`)
        continue
      }
      const body = parts.join('\n')
      const close = body.length - (parts[parts.length - 1] as string).length + closeInLine
      const after = body.slice(close + 1).trim()
      if (after !== '' && !after.startsWith('#')) {
        invalid(`unexpected text after the quoted value of ${key}`)
        continue
      }
      const raw = body.slice(0, close)
      if (quote === "'") {
        values.set(key, raw)
        continue
      }
      const expanded = expand(unescapeDoubleQuoted(raw), resolve)
      report(expanded.problems, key, invalid, unresolved)
      if (expanded.ok) values.set(key, expanded.value)
      continue
    }

    // Unquoted: a '#' preceded by white space starts a comment.
    const comment = /[ \t]#/.exec(rest)
    const raw = (comment === null ? rest : rest.slice(0, comment.index)).trim()
    const expanded = expand(raw, resolve)
    report(expanded.problems, key, invalid, unresolved)
    if (expanded.ok) values.set(key, expanded.value)
  }
  return { values, findings }
}

/**
 * Index of the closing quote in `text` (one line); -1
 * when the line does not close the value. A backslash escapes the next
 * character inside double quotes (at the end of a line: the line break).
 */
function findClosingQuote(text: string, quote: string): number {
  for (let i = 0; i < text.length; i += 1) {
    if (quote === '"' && text[i] === '\\') {
      i += 1
      continue
    }
    if (text[i] === quote) return i
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
function expand(raw: string, lookup: Lookup): { value: string; ok: boolean; problems: InterpolationProblem[] } {
  if (!raw.includes('$')) return { value: raw, ok: true, problems: [] }
  const result = interpolate(raw, lookup, COMPOSE_SYNTAX)
  return { value: result.value, ok: result.problems.length === 0, problems: result.problems }
}

/** Interpolation problems as findings, in words that do not quote the value. */
function report(problems: InterpolationProblem[], key: string, invalid: (why: string) => void, unresolved: (why: string) => void): void {
  for (const problem of problems) {
    switch (problem.kind) {
      case 'withheld':
        unresolved(`the value of ${key} uses ${problem.name ?? 'a variable'}, which is ${WITHHELD_REASON}; ${key} is not set`)
        break
      case 'required':
        unresolved(`the value of ${key} requires ${problem.name ?? 'a variable'}, which is not set; ${key} is not set`)
        break
      case 'too-deep':
        invalid(`the value of ${key} nests variables too deeply`)
        break
      case 'syntax':
        invalid(`the value of ${key} is not valid variable syntax (an unterminated or invalid \${…})`)
        break
    }
  }
}
