/**
 * Text from a repository, a registry or docker, made safe to print in a
 * GitHub Actions log. The runner reads every line a step prints (stdout and
 * stderr) for workflow commands: a line whose first non-blank characters are
 * `::` (`::error::`, `::add-mask::`, `::stop-commands::`), and the older `##[`
 * form anywhere in a line. It splits lines on carriage returns as well as on
 * newlines, so `\r::error::x` inside one "line" is a command too.
 *
 * - `safeLine` keeps one line one line: carriage returns, newlines and other
 *   control characters become visible escapes (`\r`, `\n`, `\x1b`), a leading
 *   `::` and every `##[` get a zero-width space between their characters, which
 *   the runner does not read as a command and a reader does not see.
 * - `untrustedBlock` prints many lines verbatim (docker output, a dry run's
 *   commands) between `::stop-commands::<token>` and `::<token>::`, with a
 *   random token the text cannot contain, so nothing in between is a command;
 *   each line still gets `safeLine`'s treatment of `##[` and control characters,
 *   which the log viewer would otherwise render.
 */
import { randomBytes } from 'node:crypto'

const ZERO_WIDTH_SPACE = '\u200b'

/** Control characters but tab, as visible escapes: `\r`, `\n`, `\x1b`. */
function escapeControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f\u0085\u2028\u2029]/g, char => {
    if (char === '\r') return '\\r'
    if (char === '\n') return '\\n'
    const code = char.charCodeAt(0)
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
  })
}

/** `##[group]` and its kind are read anywhere in a line, inside a stop-commands block too (the log viewer renders them). */
function breakLegacyCommands(line: string): string {
  return line.split('##[').join(`##${ZERO_WIDTH_SPACE}[`)
}

function breakCommands(line: string): string {
  let result = breakLegacyCommands(line)
  const leading = /^(\s*)::/.exec(result)
  if (leading !== null) result = `${leading[1]}:${ZERO_WIDTH_SPACE}:${result.slice(leading[0].length)}`
  return result
}

/** One line of untrusted text, safe to print: no workflow command, no line break. */
export function safeLine(text: string): string {
  return breakCommands(escapeControls(text))
}

/**
 * Many lines of untrusted text, safe to print as they are: the lines between
 * stop-commands markers. Returns the text to print (several lines, no trailing newline).
 * @param token for tests; by default 128 random bits.
 */
export function untrustedBlock(text: string, token?: string): string {
  let marker = token ?? randomBytes(16).toString('hex')
  // A token the text contains would end the block early; a random one never does, but a given one might.
  while (text.includes(marker)) marker = randomBytes(16).toString('hex')
  const lines = text.split(/\r\n|\r|\n/).map(line => breakLegacyCommands(escapeControls(line)))
  return [`::stop-commands::${marker}`, ...lines, `::${marker}::`].join('\n')
}

/** Prints text through `write` (one call per line): one line as `safeLine`, several as an `untrustedBlock`. */
export function printUntrusted(text: string, write: (line: string) => void): void {
  if (/[\r\n]/.test(text.replace(/[\r\n]+$/, ''))) write(untrustedBlock(text.replace(/[\r\n]+$/, '')))
  else write(safeLine(text.replace(/[\r\n]+$/, '')))
}
