/**
 * The CLI front end: the action's inputs as flags (`--registry`, `--mode`, …),
 * or as IMAGE_MIRROR_<INPUT> environment variables (for secrets, which do not
 * belong on a command line). Logs go to stderr; stdout gets the report (text,
 * or JSON with --json). Exit codes: 0 ok, 1 problems found, 2 bad usage or input.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { INPUTS } from '../inputs.js'
import { runPipeline } from '../pipeline.js'
import { renderText } from '../report/text.js'
import { buildSettings, InputError } from '../settings.js'

export const EXIT_OK = 0
export const EXIT_PROBLEMS = 1
export const EXIT_USAGE = 2

export interface CliArguments {
  inputs: Map<string, string>
  json: boolean
  help: boolean
}

export class UsageError extends Error {}

export function parseArguments(argv: readonly string[]): CliArguments {
  const known = new Map(INPUTS.map(input => [input.name, input]))
  const inputs = new Map<string, string>()
  let json = false
  let help = false
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string
    if (arg === '--json') json = true
    else if (arg === '--help' || arg === '-h') help = true
    else if (arg.startsWith('--')) {
      const eq = arg.indexOf('=')
      const name = arg.slice(2, eq < 0 ? undefined : eq)
      const spec = known.get(name)
      if (spec === undefined) throw new UsageError(`Unknown option '--${name}' (see --help)`)
      let value: string
      if (eq >= 0) value = arg.slice(eq + 1)
      else if (spec.flag === true && (argv[i + 1] === undefined || argv[i + 1]?.startsWith('--') === true)) value = 'true'
      else {
        const next = argv[i + 1]
        if (next === undefined) throw new UsageError(`Option '--${name}' needs a value`)
        value = next
        i += 1
      }
      // Repeating a list option adds to it, as a multi-line input would.
      inputs.set(name, inputs.has(name) ? `${inputs.get(name)}\n${value}` : value)
    } else throw new UsageError(`Unexpected argument '${arg}' (options are --name value; see --help)`)
  }
  return { inputs, json, help }
}

export function usage(): string {
  const lines = ['Usage: image-mirror [--json] --mode <mode> --registry <host/namespace> [options]', '', 'Options (each also read from IMAGE_MIRROR_<NAME>, e.g. IMAGE_MIRROR_PASSWORD):']
  for (const input of INPUTS) {
    const value = input.flag === true ? '' : ' <value>'
    lines.push(`  --${input.name}${value}${input.default !== undefined ? ` (default: ${input.default})` : ''}`, `      ${input.description}`)
  }
  lines.push('  --json', '      Print the JSON report on stdout instead of the text report.')
  return lines.join('\n')
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  let args: CliArguments
  try {
    args = parseArguments(argv)
  } catch (error) {
    process.stderr.write(`image-mirror: ${(error as Error).message}\n`)
    return EXIT_USAGE
  }
  if (args.help) {
    process.stdout.write(`${usage()}\n`)
    return EXIT_OK
  }
  const read = (name: string): string => args.inputs.get(name) ?? env[`IMAGE_MIRROR_${name.toUpperCase().replace(/-/g, '_')}`] ?? ''
  let settings
  try {
    settings = buildSettings(read, { workspace: process.cwd(), tempDir: os.tmpdir(), env, maskSecret: () => undefined })
  } catch (error) {
    if (error instanceof InputError) {
      process.stderr.write(`image-mirror: ${error.message}\n`)
      return EXIT_USAGE
    }
    throw error
  }
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`)
  }
  const { report } = await runPipeline(settings, {
    group: async (name, fn) => {
      log(`== ${name}`)
      return fn()
    },
    info: log
  })
  fs.mkdirSync(path.dirname(settings.reportPath), { recursive: true })
  fs.writeFileSync(settings.reportPath, `${JSON.stringify(report, null, 2)}\n`)
  process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderText(report)}\n`)
  return report.ok ? EXIT_OK : EXIT_PROBLEMS
}
