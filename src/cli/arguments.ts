/**
 * The CLI's flags, generated from the input table in src/inputs.ts: parsing
 * (`--name value`, `--name=value`, bare boolean flags, repeatable list flags)
 * and --help. Pure: no file system, no environment.
 */
import { FALSE_WORDS, INPUT_SPECS, TRUE_WORDS, type InputSpec } from '../inputs.js'

/** Options of the CLI itself, not inputs of the action. */
const CLI_OPTIONS = [
  { name: 'json', description: 'Print the JSON report on stdout instead of the text report.' },
  { name: 'verbose', description: 'Text report: show every row and every command instead of collapsing long lists.' },
  { name: 'help', description: 'Print this help.' }
] as const

export interface CliArguments {
  /** Input name → value as given; repeated list flags are joined with newlines, as a multi-line input. */
  inputs: Map<string, string>
  json: boolean
  verbose: boolean
  help: boolean
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

const BOOLEAN_WORDS: readonly string[] = [...TRUE_WORDS, ...FALSE_WORDS]

/**
 * Parses `--name value`, `--name=value`, and for boolean inputs a bare `--name`
 * (true) or `--name true|false`. A list input may be repeated (each value adds
 * entries); any other input given twice is a usage error, as is an unknown
 * option, a missing value or a stray argument.
 */
export function parseArguments(argv: readonly string[]): CliArguments {
  const known = new Map(INPUT_SPECS.map(input => [input.name, input]))
  const inputs = new Map<string, string>()
  let json = false
  let verbose = false
  let help = false
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string
    if (arg === '--json') json = true
    else if (arg === '--verbose' || arg === '-v') verbose = true
    else if (arg === '--help' || arg === '-h') help = true
    else if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=')
      const name = arg.slice(2, eq < 0 ? undefined : eq)
      const spec = known.get(name)
      if (spec === undefined) throw new UsageError(`Unknown option '--${name}' (see --help)`)
      const next = argv[i + 1]
      let value: string
      if (eq >= 0) value = arg.slice(eq + 1)
      else if (spec.kind === 'boolean') {
        // `--dry-run` alone means true; a following true/false word is its value.
        if (next !== undefined && BOOLEAN_WORDS.includes(next.toLowerCase())) {
          value = next
          i += 1
        } else value = 'true'
      } else {
        if (next === undefined || (next.startsWith('--') && next.length > 2)) {
          throw new UsageError(`Option '--${name}' needs a value${next === undefined ? '' : ` (write --${name}=${next} if that is the value)`}`)
        }
        value = next
        i += 1
      }
      if (inputs.has(name)) {
        if (spec.kind !== 'list') throw new UsageError(`Option '--${name}' is given more than once; it takes one value`)
        inputs.set(name, `${inputs.get(name)}\n${value}`)
      } else inputs.set(name, value)
    } else throw new UsageError(`Unexpected argument '${arg}' (options are --name value; see --help)`)
  }
  return { inputs, json, verbose, help }
}

/** The environment variable that stands for an input: IMAGE_MIRROR_REPORT_PATH for report-path. */
export function environmentName(input: string): string {
  return `IMAGE_MIRROR_${input.toUpperCase().replace(/-/g, '_')}`
}

export function usage(): string {
  const lines = [
    'Usage: image-mirror [--json] --mode <mode> --registry <host/namespace> [options]',
    '',
    'Options (each also read from IMAGE_MIRROR_<NAME>, e.g. IMAGE_MIRROR_PASSWORD; a flag wins over the variable):'
  ]
  for (const input of INPUT_SPECS) {
    const notes: string[] = []
    if (input.default !== undefined) notes.push(`default: ${input.default}`)
    if (input.kind === 'choice' && input.fallback !== undefined) notes.push(`default: ${input.fallback}`)
    if (input.kind === 'list') notes.push('repeatable')
    if (input.kind === 'secret') notes.push(`prefer ${environmentName(input.name)}: a command line is visible to other users`)
    lines.push(`  --${input.name}${valueHint(input)}${notes.length > 0 ? `  (${notes.join('; ')})` : ''}`, `      ${input.description}`)
  }
  for (const option of CLI_OPTIONS) lines.push(`  --${option.name}`, `      ${option.description}`)
  lines.push('', 'Exit status: 0 no problems, 1 problems found (see the report), 2 bad usage or input.')
  return lines.join('\n')
}

function valueHint(input: InputSpec): string {
  switch (input.kind) {
    case 'boolean':
      return ' [true|false]'
    case 'choice':
      return ` <${input.choices.join('|')}>`
    case 'integer':
      return ` <${input.min}-${input.max}>`
    case 'list':
      return input.glob === true ? ' <glob>' : input.path !== undefined ? ' <file>' : input.choices !== undefined ? ' <kind>' : ' <value>'
    case 'path':
      return input.path.expect === 'directory' ? ' <dir>' : ' <path>'
    case 'secret':
      return ' <secret>'
    case 'string':
      return ' <value>'
  }
}
