/**
 * A reader for plain compose YAML that builds the same `yaml` nodes as
 * `parseDocument` without its lexer and CST parser, which are most of the cost
 * of scanning a repository's compose files (they run once per file, mostly in
 * V8's interpreter: a monorepo has hundreds of small files).
 *
 * Plain means block mappings and sequences written one entry a line, keys that
 * are plain strings, values that are one-line plain, single-quoted or
 * double-quoted (without escapes) strings, `&anchor`s on mappings and scalars,
 * `*alias` values and `key:` with nothing after it. Anything else (flow
 * collections, block scalars, tags such as `!reset`, multi-line scalars,
 * numbers, booleans and nulls written as words, tabs, carriage returns,
 * document markers, directives, `? ` keys, nested sequences, odd indentation)
 * makes it decline (undefined), and `parseDocument` reads the file, so what
 * the compose stage sees never depends on which reader ran.
 *
 * The nodes carry what the compose stage reads: values, `source`, scalar
 * `type`, anchors, alias sources and where each node starts (`range[0]`, what
 * lines are computed from). The rest of each range is parseDocument's too,
 * except where whole-line comments follow a node: parseDocument stretches the
 * end of the node before them over them, this reader does not. Comments are
 * not attached to nodes. Nothing in the compose stage reads either; the
 * differential tests in __tests__/compose-yaml-scanner.test.ts hold the reader
 * to this.
 */
import { Alias, Document, Pair, Scalar, YAMLMap, YAMLSeq, type LineCounter, type Node } from 'yaml'

/** A line with content (not blank, not a comment line). */
interface Line {
  /** Offset of the first character of the line. */
  start: number
  /** Offset of the first character of the content, after the indentation (or after `- `). */
  content: number
  /** Offset just past the line's last character (its '\n', or the end of the text). */
  end: number
}

/** Plain scalars the core schema reads as something other than a string (yaml's own tests, schema/core). */
const NOT_A_STRING = [
  /^(?:~|[Nn]ull|NULL)?$/,
  /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
  /^0o[0-7]+$/,
  /^[-+]?[0-9]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/
]

/** Characters a plain scalar (or key) cannot start with in this reader: YAML indicators, and '-' to stay clear of sequences and numbers. */
const INDICATORS = new Set(['-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`'])

class Decline extends Error {}

const decline = (): never => {
  throw new Decline()
}

/**
 * The document `parseDocument(text)` gives, for a plain compose file; undefined
 * when the file is not plain. `lineCounter` hears every line start, as the
 * parser's would.
 */
export function scanPlainYaml(text: string, lineCounter: LineCounter): Document | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\t\r\u0000-\u0008\u000b-\u001f\u007f\ufeff\u2028\u2029]/.test(text)) return undefined
  const lines: Line[] = []
  const lineStarts: number[] = []
  for (let start = 0; start <= text.length; ) {
    const newline = text.indexOf('\n', start)
    const end = newline < 0 ? text.length : newline
    lineStarts.push(start)
    let content = start
    while (content < end && text.charCodeAt(content) === SPACE) content += 1
    if (content < end && text[content] !== '#') {
      // Document markers and directives: one document, no directives, here.
      if (content === start && (text.startsWith('---', start) || text.startsWith('...', start) || text[start] === '%')) return undefined
      lines.push({ start, content, end })
    }
    start = end + 1
  }
  let result: Node | null
  try {
    const reader = new BlockReader(text, lines)
    result = lines.length === 0 ? null : reader.block(0, column(lines[0] as Line))
    if (reader.index < lines.length) return undefined
  } catch (error) {
    if (error instanceof Decline) return undefined
    throw error
  }
  const doc = new Document()
  doc.contents = result
  // The parser reports every line start, 0 included.
  for (const start of lineStarts) lineCounter.addNewLine(start)
  return doc
}

const SPACE = 0x20
/** Collections nested deeper than this: far beyond a compose file's, and declined. */
const MAX_DEPTH = 64

function column(line: Line): number {
  return line.content - line.start
}

class BlockReader {
  /** The line read next. */
  index = 0
  private depth = 0
  constructor(
    private readonly text: string,
    private readonly lines: Line[]
  ) {}

  /** A mapping or a sequence starting at the current line, whose entries sit at `indent`. */
  block(index: number, indent: number): YAMLMap | YAMLSeq {
    this.index = index
    const line = this.lines[index] as Line
    if (column(line) !== indent) decline()
    // Deep nesting is parseDocument's to read (and to report): no deep recursion here.
    if (this.depth >= MAX_DEPTH) decline()
    this.depth += 1
    const node = this.isItem(line) ? this.sequence(indent) : this.mapping(indent)
    this.depth -= 1
    return node
  }

  private isItem(line: Line): boolean {
    return this.text[line.content] === '-' && (line.content + 1 === line.end || this.text.charCodeAt(line.content + 1) === SPACE)
  }

  private mapping(indent: number): YAMLMap {
    const map = new YAMLMap()
    const first = this.lines[this.index] as Line
    const rangeStart = first.content
    let end = first.content
    while (this.index < this.lines.length) {
      const line = this.lines[this.index] as Line
      const col = column(line)
      if (col < indent) break
      if (col > indent || this.isItem(line)) decline()
      const pair = this.entry(line, indent)
      map.items.push(pair)
      end = rangeEnd(pair.value as Node)
    }
    map.range = [rangeStart, end, end]
    return map
  }

  /** One `key: value` line (and the block under it); the reader moves past what it read. */
  private entry(line: Line, indent: number): Pair {
    const { text } = this
    // The key: a plain scalar up to ': ' or a ':' that ends the line.
    let colon = line.content
    for (;;) {
      colon = indexInLine(text, ':', colon, line.end)
      if (colon < 0) return decline()
      if (colon + 1 === line.end || text.charCodeAt(colon + 1) === SPACE) break
      colon += 1
    }
    let keyEnd = colon
    while (keyEnd > line.content && text.charCodeAt(keyEnd - 1) === SPACE) keyEnd -= 1
    const keyText = text.slice(line.content, keyEnd)
    if (keyText === '' || keyEnd - line.content > 1024) decline()
    if (keyText !== '<<' && (!plainString(keyText) || keyText.includes(' #'))) decline()
    const key = scalar(keyText, 'PLAIN', line.content, keyEnd, keyEnd)

    let at = colon + 1
    while (at < line.end && text.charCodeAt(at) === SPACE) at += 1
    this.index += 1
    const value = this.value(line, indent, at)
    return new Pair(key, value)
  }

  /**
   * What follows `key:` at `at` on `line`: a scalar, an alias, or (nothing, or
   * only an anchor, on the line) the block on the next lines.
   */
  private value(line: Line, indent: number, at: number): Node {
    const { text } = this
    let anchor: string | undefined
    if (text[at] === '&') {
      let nameEnd = at + 1
      while (nameEnd < line.end && text.charCodeAt(nameEnd) !== SPACE) nameEnd += 1
      anchor = text.slice(at + 1, nameEnd)
      if (!/^[A-Za-z0-9_.-]+$/.test(anchor)) decline()
      at = nameEnd
      while (at < line.end && text.charCodeAt(at) === SPACE) at += 1
    }
    if (at === line.end || text[at] === '#') {
      if (text[at] === '#' && text.charCodeAt(at - 1) !== SPACE) decline()
      const next = this.lines[this.index]
      // The block under the key: deeper, or a sequence at the key's own column.
      if (next !== undefined && (column(next) > indent || (column(next) === indent && this.isItem(next)))) {
        const node = this.block(this.index, column(next))
        if (anchor !== undefined) node.anchor = anchor
        return node
      }
      // `key: &a` with nothing under it: parseDocument's to read.
      if (anchor !== undefined) decline()
      // An empty value sits where the blanks after the ':' end; with a comment, up to the end of the line.
      return scalar(null, 'PLAIN', at, at, at === line.end ? at : Math.min(line.end + 1, text.length))
    }
    const node = this.inline(line, at)
    if (anchor !== undefined) {
      if (!(node instanceof Scalar)) decline()
      node.anchor = anchor
    }
    // A deeper line after a value on the line would continue a plain scalar (or be an error): parseDocument's to read.
    const next = this.lines[this.index]
    if (next !== undefined && column(next) > indent) decline()
    return node
  }

  /** A scalar or an alias that starts at `at` and ends the line (a comment may follow). */
  private inline(line: Line, at: number): Scalar | Alias {
    const { text } = this
    const ch = text[at] as string
    let valueEnd: number
    let node: Scalar | Alias
    if (ch === '*') {
      valueEnd = at + 1
      while (valueEnd < line.end && text.charCodeAt(valueEnd) !== SPACE) valueEnd += 1
      const name = text.slice(at + 1, valueEnd)
      if (!/^[A-Za-z0-9_.-]+$/.test(name)) decline()
      node = new Alias(name)
    } else if (ch === "'") {
      // '' stands for one quote; the first lone quote closes the scalar.
      valueEnd = -1
      for (let i = at + 1; i < line.end; i += 1) {
        if (text[i] !== "'") continue
        if (text[i + 1] === "'") {
          i += 1
          continue
        }
        valueEnd = i + 1
        break
      }
      if (valueEnd < 0) return decline()
      const inner = text.slice(at + 1, valueEnd - 1)
      node = scalar(inner.replace(/''/g, "'"), 'QUOTE_SINGLE', at, valueEnd, valueEnd)
    } else if (ch === '"') {
      const close = indexInLine(text, '"', at + 1, line.end)
      if (close < 0) return decline()
      const inner = text.slice(at + 1, close)
      if (inner.includes('\\')) decline()
      valueEnd = close + 1
      node = scalar(inner, 'QUOTE_DOUBLE', at, valueEnd, valueEnd)
    } else {
      if (INDICATORS.has(ch)) decline()
      // A plain scalar runs to the end of the line or to ' #'.
      const comment = indexInLine(text, ' #', at, line.end)
      let end = comment >= 0 ? comment : line.end
      while (end > at && text.charCodeAt(end - 1) === SPACE) end -= 1
      const value = text.slice(at, end)
      if (value.includes(': ') || value.endsWith(':') || !plainString(value)) decline()
      valueEnd = end
      node = scalar(value, 'PLAIN', at, valueEnd, valueEnd)
    }
    // After the value: blanks, then nothing or a comment.
    let rest = valueEnd
    while (rest < line.end && text.charCodeAt(rest) === SPACE) rest += 1
    if (rest < line.end && (text[rest] !== '#' || rest === valueEnd)) decline()
    node.range = [at, valueEnd, Math.min(line.end + 1, text.length)]
    return node
  }

  private sequence(indent: number): YAMLSeq {
    const seq = new YAMLSeq()
    const first = this.lines[this.index] as Line
    const rangeStart = first.content
    let end = first.content
    while (this.index < this.lines.length) {
      const line = this.lines[this.index] as Line
      const col = column(line)
      if (col < indent) break
      if (col > indent || !this.isItem(line)) {
        // A mapping after a sequence at the same column ends the sequence (the sequence was the value of a key at this column).
        if (col === indent) break
        decline()
      }
      let at = line.content + 1
      while (at < line.end && this.text.charCodeAt(at) === SPACE) at += 1
      if (at === line.end || this.text[at] === '#' || this.text[at] === '-' || this.text[at] === '&') decline()
      let item: Node
      if (this.startsEntry(line, at)) {
        // `- key: value`: a mapping whose entries sit at the column of `key`.
        const itemIndex = this.index
        this.lines[itemIndex] = { ...line, content: at }
        item = this.mapping(at - line.start)
        this.lines[itemIndex] = line
      } else {
        this.index += 1
        item = this.inline(line, at)
        const next = this.lines[this.index]
        if (next !== undefined && column(next) > indent) decline()
      }
      seq.items.push(item)
      end = rangeEnd(item)
    }
    seq.range = [rangeStart, end, end]
    return seq
  }

  /** Whether the content at `at` is `key:` (a ':' followed by a blank or the end of the line, before any quote or comment). */
  private startsEntry(line: Line, at: number): boolean {
    const { text } = this
    if (INDICATORS.has(text[at] as string)) return false
    for (let i = at; i < line.end; i += 1) {
      const ch = text[i]
      if (ch === ':' && (i + 1 === line.end || text.charCodeAt(i + 1) === SPACE)) return true
      if (ch === '#' && text.charCodeAt(i - 1) === SPACE) return false
    }
    return false
  }
}

/** `text.indexOf(search, from)` within one line: -1 when it is not before `end` (never a search through the rest of the file). */
function indexInLine(text: string, search: string, from: number, end: number): number {
  const last = end - search.length
  for (let i = from; i <= last; i += 1) if (text.startsWith(search, i)) return i
  return -1
}

function scalar(value: string | null, type: Scalar.Type, start: number, valueEnd: number, end: number): Scalar {
  const node = new Scalar(value)
  node.type = type
  node.source = value ?? ''
  node.range = [start, valueEnd, end]
  return node
}

function plainString(value: string): boolean {
  return !INDICATORS.has(value[0] as string) && !NOT_A_STRING.some(test => test.test(value))
}

function rangeEnd(node: Node): number {
  return (node.range as [number, number, number])[2]
}
