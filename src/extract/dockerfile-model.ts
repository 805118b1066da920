/**
 * What the Dockerfile extraction reads of a Dockerfile: the parser
 * directives, the stage names, and the instructions that can name an image
 * (ARG, FROM, COPY, ADD, RUN) with their arguments, flags and ARG properties,
 * every range as offsets into the text.
 *
 * Two readers give the same model. `dockerfile-ast` handles every Dockerfile
 * (continuations, heredocs, the escape directive, quoting) but builds a whole
 * syntax tree with a text document, two instruction objects per line and a
 * range object per position: most of a repository scan's time. The line
 * scanner handles plain files only: one instruction per line, no escape
 * character in an instruction that matters, no heredoc, no `escape`
 * directive, no carriage return or byte order mark. On anything else it
 * declines (undefined) and dockerfile-ast reads the file. Where it reads a
 * file, it follows dockerfile-ast's rules to the letter (the differential
 * tests in __tests__/dockerfile-model.test.ts hold it to that).
 */
import { DockerfileParser, type Argument, type Flag, type Instruction } from 'dockerfile-ast'
import { computeLineStarts } from './template.js'

export interface ModelArgument {
  value: string
  start: number
  end: number
}

export interface ModelRange {
  start: number
  end: number
}

export interface ModelFlagOption {
  name: string
  value: string | null
  valueRange: ModelRange | null
}

export interface ModelFlag {
  name: string
  value: string | null
  valueRange: ModelRange | null
  options: ModelFlagOption[]
}

export interface ModelInstruction {
  /** Upper case: ARG, FROM, COPY, ADD or RUN. */
  keyword: string
  /** 1-based line the instruction starts on. */
  line: number
  /** The arguments after the flags (FROM only). */
  args: ModelArgument[]
  /** FROM, COPY, ADD, RUN. */
  flags: ModelFlag[]
  /** ARG only. */
  properties: Array<{ name: string; value: string | null }>
}

export interface ModelDirective {
  name: string
  value: string
  /** 1-based. */
  line: number
  valueStart: number
  valueEnd: number
}

export interface DockerfileModel {
  escape: string
  directives: ModelDirective[]
  /** The `AS` name of each FROM, in order (null without one). */
  stageNames: Array<string | null>
  /** The instructions that can name an image, in order. */
  instructions: ModelInstruction[]
}

const KEYWORDS = new Set(['ARG', 'FROM', 'COPY', 'ADD', 'RUN'])

/** The model of `text`: by the line scanner when the file is plain, else by dockerfile-ast (which may throw). */
export function readDockerfile(text: string): DockerfileModel {
  return scanPlainDockerfile(text) ?? parseDockerfileAst(text)
}

/** The model through dockerfile-ast: every Dockerfile. */
export function parseDockerfileAst(text: string): DockerfileModel {
  const dockerfile = DockerfileParser.parse(text)
  const lineStarts = computeLineStarts(text)
  const offsetOf = (position: { line: number; character: number }): number => (lineStarts[position.line] ?? text.length) + position.character
  const rangeOf = (range: { start: { line: number; character: number }; end: { line: number; character: number } } | null): ModelRange | null =>
    range === null ? null : { start: offsetOf(range.start), end: offsetOf(range.end) }
  const argument = (arg: Argument): ModelArgument => ({ value: arg.getValue(), start: offsetOf(arg.getRange().start), end: offsetOf(arg.getRange().end) })
  const flagsOf = (instruction: Instruction): ModelFlag[] =>
    ((instruction as unknown as { getFlags?: () => Flag[] }).getFlags?.() ?? []).map(flag => ({
      name: flag.getName(),
      value: flag.getValue(),
      valueRange: rangeOf(flag.getValueRange()),
      options: flag.getOptions().map(option => ({ name: option.getName(), value: option.getValue(), valueRange: rangeOf(option.getValueRange()) }))
    }))

  const instructions: ModelInstruction[] = []
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword()
    if (!KEYWORDS.has(keyword)) continue
    const line = instruction.getRange().start.line + 1
    if (keyword === 'ARG') {
      const properties = (instruction as unknown as { getProperties(): Array<{ getName(): string; getValue(): string | null }> }).getProperties()
      instructions.push({ keyword, line, args: [], flags: [], properties: properties.map(property => ({ name: property.getName(), value: property.getValue() })) })
    } else {
      instructions.push({ keyword, line, args: keyword === 'FROM' ? instruction.getArguments().map(argument) : [], flags: flagsOf(instruction), properties: [] })
    }
  }
  return {
    escape: dockerfile.getEscapeCharacter(),
    directives: dockerfile.getDirectives().map(directive => {
      const range = directive.getValueRange()
      return { name: directive.getName(), value: directive.getValue(), line: directive.getRange().start.line + 1, valueStart: offsetOf(range.start), valueEnd: offsetOf(range.end) }
    }),
    stageNames: dockerfile.getFROMs().map(from => from.getBuildStage() ?? null),
    instructions
  }
}

/**
 * The model of a plain Dockerfile, read line by line; undefined when the file
 * is not plain (see the module comment), so dockerfile-ast must read it.
 */
export function scanPlainDockerfile(text: string): DockerfileModel | undefined {
  // Carriage returns, a byte order mark, heredocs: dockerfile-ast's territory.
  if (text.includes('\r') || text.charCodeAt(0) === 0xfeff || text.includes('<<')) return undefined
  const directives = parserDirectives(text)
  if (directives === undefined) return undefined
  const instructions: ModelInstruction[] = []
  const stageNames: Array<string | null> = []
  let lineStart = 0
  let lineIndex = 0
  // Parsing starts after the directives, one line each (dockerfile-ast: the line numbered directives.length).
  for (; lineIndex < directives.length && lineStart <= text.length; lineIndex += 1) {
    const end = text.indexOf('\n', lineStart)
    lineStart = end < 0 ? text.length + 1 : end + 1
  }
  for (; lineStart <= text.length; lineIndex += 1) {
    const newline = text.indexOf('\n', lineStart)
    const lineEnd = newline < 0 ? text.length : newline
    const start = lineStart
    lineStart = lineEnd + 1
    let first = start
    while (first < lineEnd && isBlank(text.charCodeAt(first))) first += 1
    if (first === lineEnd) continue
    // An escape character at the end of a line continues the instruction (or a comment) on the next one.
    let last = lineEnd - 1
    while (last > first && isBlank(text.charCodeAt(last))) last -= 1
    if (text[last] === '\\') return undefined
    if (text[first] === '#') continue
    let keywordEnd = first
    while (keywordEnd < lineEnd && !isBlank(text.charCodeAt(keywordEnd))) keywordEnd += 1
    const word = text.slice(first, keywordEnd)
    if (word.includes('\\')) return undefined
    const keyword = word.toUpperCase()
    if (!KEYWORDS.has(keyword)) continue
    const raw = splitArguments(text, keywordEnd, lineEnd)
    const line = lineIndex + 1
    if (keyword === 'ARG') {
      // Escapes, quotes and `${…}` with blanks in them change how properties split: dockerfile-ast's to read.
      const rest = text.slice(keywordEnd, lineEnd)
      if (rest.includes('\\') || rest.includes('"') || rest.includes("'") || !plainVariables(rest)) return undefined
      instructions.push({ keyword, line, args: [], flags: [], properties: argProperties(raw, text) })
      continue
    }
    // FROM uses every argument; COPY, ADD and RUN only the flags, read up to the first argument without '--'.
    const stop = keyword === 'FROM' ? -1 : raw.findIndex(arg => !arg.value.includes('--'))
    const readUpTo = stop < 0 ? lineEnd : (raw[stop] as ModelArgument).end
    if (text.slice(keywordEnd, readUpTo).includes('\\')) return undefined
    const flags = flagsOf(raw)
    const args = raw.slice(flags.length)
    instructions.push({ keyword, line, args: keyword === 'FROM' ? args : [], flags, properties: [] })
    if (keyword === 'FROM') stageNames.push(args.length > 2 && (args[1] as ModelArgument).value.toUpperCase() === 'AS' ? (args[2] as ModelArgument).value : null)
  }
  return { escape: '\\', directives, stageNames, instructions }
}

/** Every `${` closes with a '}' and holds no blank before it. */
function plainVariables(text: string): boolean {
  for (let open = text.indexOf('${'); open >= 0; open = text.indexOf('${', open + 2)) {
    const close = text.indexOf('}', open + 2)
    if (close < 0 || /[ \t]/.test(text.slice(open + 2, close))) return false
  }
  return true
}

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09
}

/** Arguments split at spaces and tabs, as dockerfile-ast splits a line without escapes. */
function splitArguments(text: string, from: number, to: number): ModelArgument[] {
  const args: ModelArgument[] = []
  let start = -1
  for (let i = from; i <= to; i += 1) {
    const blank = i === to || isBlank(text.charCodeAt(i))
    if (blank && start >= 0) {
      args.push({ value: text.slice(start, i), start, end: i })
      start = -1
    } else if (!blank && start < 0) start = i
  }
  return args
}

/** ModifiableInstruction.getFlags: leading arguments that contain '--', the ones that start with it being flags. */
function flagsOf(args: ModelArgument[]): ModelFlag[] {
  const flags: ModelFlag[] = []
  for (const arg of args) {
    const { value } = arg
    if (!value.includes('--')) break
    if (!value.startsWith('--')) continue
    const index = value.indexOf('=')
    if (index === -1) flags.push({ name: value.substring(2), value: null, valueRange: null, options: [] })
    else if (index === value.length - 1) flags.push({ name: value.substring(2, index), value: '', valueRange: { start: arg.end, end: arg.end }, options: [] })
    else {
      const flagValue = value.substring(index + 1)
      const valueStart = arg.start + index + 1
      flags.push({ name: value.substring(2, index), value: flagValue, valueRange: { start: valueStart, end: arg.end }, options: flagOptions(flagValue, valueStart) })
    }
  }
  return flags
}

/** Flag's constructor: `a=b,c=d` options, with dockerfile-ast's treatment of odd input. */
function flagOptions(value: string, offset: number): ModelFlagOption[] {
  const options: ModelFlagOption[] = []
  let nameStart = -1
  let valueStart = -1
  let hasOptions = false
  const option = (end: number): ModelFlagOption =>
    valueStart === -1
      ? { name: value.substring(nameStart, end), value: null, valueRange: null }
      : { name: value.substring(nameStart, valueStart - 1), value: value.substring(valueStart, end), valueRange: { start: offset + valueStart, end: offset + end } }
  for (let i = 0; i < value.length; i += 1) {
    const ch = value[i]
    if (ch === '=') {
      hasOptions = true
      if (valueStart === -1) valueStart = i + 1
    } else if (ch === ',') {
      options.push(option(i))
      nameStart = -1
      valueStart = -1
    } else if (nameStart === -1) nameStart = i
  }
  if (hasOptions && nameStart !== -1) options.push(option(value.length))
  return options
}

/** PropertyInstruction.getProperties for arguments without quotes or escapes. */
function argProperties(args: ModelArgument[], text: string): Array<{ name: string; value: string | null }> {
  const property = (arg: ModelArgument): { name: string; value: string | null } => {
    const index = arg.value.indexOf('=')
    return index === -1 ? { name: arg.value, value: null } : { name: arg.value.slice(0, index), value: arg.value.slice(index + 1) }
  }
  const [first, second] = args
  if (first === undefined) return []
  if (second === undefined) return [property(first)]
  if (first.value.includes('=')) return args.map(property)
  // `ARG NAME value…`: the rest of the line (inner blanks kept) is the value, as ENV's old syntax.
  const lastArg = args[args.length - 1] as ModelArgument
  return [{ name: first.value, value: args.length === 2 ? second.value : text.slice(second.start, lastArg.end) }]
}

/**
 * Parser.getParserDirectives, on offsets: `# name=value` lines at the top of
 * the file, up to the first line that is not one. Undefined when an `escape`
 * directive is among them (the scanner assumes '\').
 */
function parserDirectives(buffer: string): ModelDirective[] | undefined {
  const directives: ModelDirective[] = []
  let line = 0
  directiveCheck: for (let i = 0; i < buffer.length; i += 1) {
    switch (buffer[i]) {
      case ' ':
      case '\t':
        break
      case '\n':
        break directiveCheck
      case '#': {
        let directiveStart = -1
        let directiveEnd = -1
        for (let j = i + 1; j < buffer.length; j += 1) {
          const ch = buffer[j]
          if (ch === ' ' || ch === '\t') {
            if (directiveStart !== -1 && directiveEnd === -1) directiveEnd = j
          } else if (ch === '\n') {
            break directiveCheck
          } else if (ch === '=') {
            let valueStart = -1
            let valueEnd = -1
            if (directiveEnd === -1) directiveEnd = j
            let lineEnd = buffer.length
            for (let k = j + 1; k < buffer.length; k += 1) {
              const c = buffer[k]
              if (c === '\n') {
                if (valueStart !== -1 && valueEnd === -1) valueEnd = k
                lineEnd = k
                break
              }
              if (c === ' ' || c === '\t') {
                if (valueStart !== -1 && valueEnd === -1) valueEnd = k
                continue
              }
              if (valueStart === -1) valueStart = k
            }
            if (directiveStart === -1) break directiveCheck
            if (valueStart === -1) {
              valueStart = j + 1
              valueEnd = lineEnd
            } else if (valueEnd === -1) valueEnd = buffer.length
            const name = buffer.substring(directiveStart, directiveEnd)
            if (name.toLowerCase() === 'escape') return undefined
            directives.push({ name, value: buffer.substring(valueStart, valueEnd), line: line + 1, valueStart, valueEnd })
            line += 1
            i = valueEnd
            continue directiveCheck
          } else if (directiveStart === -1) directiveStart = j
        }
        break directiveCheck
      }
      default:
        break directiveCheck
    }
  }
  return directives
}
