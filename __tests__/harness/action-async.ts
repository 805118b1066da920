/**
 * runAction without blocking the test's event loop: servers the test itself
 * runs (a counting proxy in front of a registry, an HTTP file server) keep
 * answering while the action runs. Same environment and parsing as runAction.
 */
import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parseOutputFile, REPO_ROOT, type ActionRun } from './runner.js'

export async function runActionAsync(inputs: Record<string, string>, options: { workspace: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<ActionRun> {
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
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist', 'index.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120000)
  const exitCode = await new Promise<number>(resolve => child.on('close', code => resolve(code ?? -1)))
  clearTimeout(timer)
  const run: ActionRun = { exitCode, stdout, stderr, outputs: parseOutputFile(fs.readFileSync(outputFile, 'utf8')), summary: fs.readFileSync(summaryFile, 'utf8'), commands: [] }
  const reportPath = run.outputs.report
  if (reportPath !== undefined && fs.existsSync(reportPath)) run.report = JSON.parse(fs.readFileSync(reportPath, 'utf8'))
  fs.rmSync(temp, { recursive: true, force: true })
  return run
}
