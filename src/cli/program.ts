/**
 * The CLI front end: the action's inputs as flags (`--registry`, `--mode`, …),
 * or as IMAGE_MIRROR_<INPUT> environment variables (for secrets, which do not
 * belong on a command line). Flags, their values and --help come from the
 * input table in src/inputs.ts. Logs go to stderr; stdout gets the report
 * (text, or JSON with --json). Exit codes: 0 ok, 1 problems found, 2 bad usage
 * or input (the report is still written, saying what was wrong).
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { FINDING_KINDS, INPUT_SPECS, MODES } from '../inputs.js'
import { writeOutputFile } from '../output-files.js'
import { runPipeline } from '../pipeline.js'
import { buildReport, type Report } from '../report/report.js'
import { renderText } from '../report/text.js'
import { safeLine } from '../report/neutralize.js'
import { buildSettings, InputError, reportPathAfterError, type InputReader, type SettingsContext } from '../settings.js'
import { environmentName, parseArguments, usage, type CliArguments } from './arguments.js'

export { environmentName, parseArguments, usage, UsageError, type CliArguments } from './arguments.js'

export const EXIT_OK = 0
export const EXIT_PROBLEMS = 1
export const EXIT_USAGE = 2

export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  /** The workspace: input paths resolve against it; the report may be written under it. */
  cwd: string
  /** The system temp directory. */
  tempDir: string
}

const processIo = (): CliIo => ({
  stdout: text => process.stdout.write(text),
  stderr: text => process.stderr.write(text),
  cwd: process.cwd(),
  tempDir: os.tmpdir()
})

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, io: CliIo = processIo()): Promise<number> {
  let args: CliArguments
  try {
    args = parseArguments(argv)
  } catch (error) {
    io.stderr(`image-mirror: ${(error as Error).message}\n`)
    return EXIT_USAGE
  }
  if (args.help) {
    io.stdout(`${usage()}\n`)
    return EXIT_OK
  }
  for (const input of INPUT_SPECS) {
    if (input.kind === 'secret' && args.inputs.has(input.name)) {
      io.stderr(`image-mirror: warning: --${input.name} on the command line is visible to other users of this machine; prefer ${environmentName(input.name)}\n`)
    }
  }
  const read: InputReader = name => args.inputs.get(name) ?? env[environmentName(name)] ?? ''
  const context: SettingsContext = {
    workspace: io.cwd,
    tempDir: io.tempDir,
    // A new directory per run, so two runs never share (or race for) the default report.
    ...(read('report-path').trim() === '' && { reportDir: fs.mkdtempSync(path.join(io.tempDir, 'image-mirror-')) }),
    env,
    maskSecret: () => undefined
  }
  const allowedRoots = [io.cwd, io.tempDir]

  let settings
  try {
    settings = buildSettings(read, context)
  } catch (error) {
    if (!(error instanceof InputError)) throw error
    io.stderr(`image-mirror: ${error.message}\n`)
    // The report-path input may be what was wrong: then the report goes to a new directory of its own.
    const reportPath = reportPathAfterError(read, { ...context, reportDir: context.reportDir ?? fs.mkdtempSync(path.join(io.tempDir, 'image-mirror-')) })
    if (reportPath !== undefined) {
      const mode = read('mode').trim()
      const report = inputErrorReport(error, (MODES as readonly string[]).includes(mode) ? mode : 'all')
      try {
        writeOutputFile(reportPath, `${JSON.stringify(report, null, 2)}\n`, { allowedRoots })
        io.stderr(`image-mirror: report written to ${reportPath}\n`)
      } catch (writeError) {
        io.stderr(`image-mirror: ${(writeError as Error).message}\n`)
      }
    }
    return EXIT_USAGE
  }

  // Lines carry repository, registry and docker text: neutralised, since the CLI may run inside a workflow step.
  const log = (line: string): void => io.stderr(`${safeLine(line)}\n`)
  // SIGTERM/SIGINT cancel what is in flight (docker processes, requests, upload sessions); the report is still written.
  const cancel = new AbortController()
  const onSignal = (): void => cancel.abort()
  process.once('SIGTERM', onSignal)
  process.once('SIGINT', onSignal)
  let report: Report
  try {
    report = (
      await runPipeline(
        settings,
        {
          group: async (name, fn) => {
            log(`== ${name}`)
            return fn()
          },
          info: log
        },
        cancel.signal
      )
    ).report
  } finally {
    process.off('SIGTERM', onSignal)
    process.off('SIGINT', onSignal)
  }
  io.stdout(args.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderText(report, { verbose: args.verbose })}\n`)
  try {
    writeOutputFile(settings.reportPath, `${JSON.stringify(report, null, 2)}\n`, { allowedRoots: settings.outputRoots })
    log(`Report: ${settings.reportPath}`)
  } catch (error) {
    io.stderr(`image-mirror: ${(error as Error).message}\n`)
    return EXIT_USAGE
  }
  return report.ok ? EXIT_OK : EXIT_PROBLEMS
}

/** The report of a run stopped by an invalid input: no images, one finding saying what to fix. */
export function inputErrorReport(error: InputError, mode: string): Report {
  const report = buildReport({
    mode,
    dryRun: false,
    images: [],
    findings: [
      {
        kind: 'invalid-config',
        severity: 'error',
        message: error.message,
        suggestion: error.input !== undefined ? `Fix the input '${error.input}' (see --help or action.yml) and run again` : 'Fix the inputs and run again'
      }
    ],
    files: [],
    failOn: FINDING_KINDS
  })
  return { ...report, ok: false, verdict: `Invalid input: ${error.message}` }
}

