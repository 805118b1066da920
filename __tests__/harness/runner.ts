/**
 * Runs the bundled action exactly as the GitHub runner does: `node
 * dist/index.js` with INPUT_* variables (hyphens kept in the names),
 * GITHUB_WORKSPACE, and GITHUB_OUTPUT / GITHUB_STEP_SUMMARY pointing at files
 * that are read back and parsed.
 */
import { spawn, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

export const REPO_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..')

export interface ActionRun {
  exitCode: number
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  /** The JSON report file named by the `report` output, parsed (read before the runner's temp directory goes). */
  report?: unknown
  /** Workflow commands the action printed: ::error file=…,line=…::message */
  commands: Array<{ command: string; properties: Record<string, string>; message: string }>
}

export interface ActionOptions {
  workspace: string
  env?: NodeJS.ProcessEnv
  timeoutMs?: number
}

/** The runner's files and environment for one step: GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP, INPUT_*. */
function prepareStep(inputs: Record<string, string>, options: ActionOptions): { env: NodeJS.ProcessEnv; finish: (exitCode: number, stdout: string, stderr: string) => ActionRun } {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'im-runner-'))
  const outputFile = path.join(temp, 'output')
  const summaryFile = path.join(temp, 'summary')
  fs.writeFileSync(outputFile, '')
  fs.writeFileSync(summaryFile, '')
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: temp,
    GITHUB_ACTIONS: 'true',
    ...options.env
  }
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
  const finish = (exitCode: number, stdout: string, stderr: string): ActionRun => {
    const run: ActionRun = {
      exitCode,
      stdout,
      stderr,
      outputs: parseOutputFile(fs.readFileSync(outputFile, 'utf8')),
      summary: fs.readFileSync(summaryFile, 'utf8'),
      commands: parseCommands(stdout)
    }
    const reportPath = run.outputs.report
    if (reportPath !== undefined && fs.existsSync(reportPath)) run.report = JSON.parse(fs.readFileSync(reportPath, 'utf8'))
    fs.rmSync(temp, { recursive: true, force: true })
    return run
  }
  return { env, finish }
}

export function runAction(inputs: Record<string, string>, options: ActionOptions): ActionRun {
  const step = prepareStep(inputs, options)
  const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'index.js')], {
    env: step.env,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120000
  })
  return step.finish(result.status ?? -1, result.stdout, result.stderr)
}

/**
 * runAction without blocking the test's event loop: servers the test itself
 * runs (a counting proxy in front of a registry, an HTTP file server) keep
 * answering while the action runs.
 */
export async function runActionAsync(inputs: Record<string, string>, options: ActionOptions): Promise<ActionRun> {
  const step = prepareStep(inputs, options)
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist', 'index.js')], { env: step.env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120000)
  const exitCode = await new Promise<number>(resolve => child.on('close', code => resolve(code ?? -1)))
  clearTimeout(timer)
  return step.finish(exitCode, stdout, stderr)
}

/** GITHUB_OUTPUT holds `name<<delimiter\nvalue\ndelimiter` blocks. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i += 1) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i] as string)
    if (match === null) continue
    const [, name, delimiter] = match as unknown as [string, string, string]
    const value: string[] = []
    for (i += 1; i < lines.length && lines[i] !== delimiter; i += 1) value.push(lines[i] as string)
    outputs[name] = value.join('\n')
  }
  return outputs
}

function unescapeCommand(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%')
}

function parseCommands(stdout: string): ActionRun['commands'] {
  const commands: ActionRun['commands'] = []
  for (const line of stdout.split('\n')) {
    const match = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line)
    if (match === null) continue
    const properties: Record<string, string> = {}
    for (const pair of (match[2] ?? '').split(',').filter(Boolean)) {
      const eq = pair.indexOf('=')
      properties[pair.slice(0, eq)] = unescapeCommand(pair.slice(eq + 1))
    }
    commands.push({ command: match[1] as string, properties, message: unescapeCommand(match[3] ?? '') })
  }
  return commands
}
