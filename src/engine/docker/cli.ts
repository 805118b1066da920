/**
 * The one wrapper around the docker CLI (STYLE.md, "One wrapper per external
 * tool"). Every docker call goes through `DockerCli.run`, which turns a
 * non-zero exit into a DockerCommandError carrying docker's stderr. Passwords
 * only ever travel through stdin (`docker login --password-stdin`), so the
 * recorded arguments never hold a secret.
 *
 * Dry run: nothing is executed; each command is recorded (and reported through
 * `onCommand`) and answered with an empty success.
 */
import * as exec from '@actions/exec'
import type { Credentials } from '../engine.js'

export interface DockerCommandResult {
  stdout: string
  stderr: string
  exitCode: number
}

export class DockerCommandError extends Error {
  constructor(
    /** The arguments after `docker`; never a secret. */
    readonly args: readonly string[],
    readonly exitCode: number,
    readonly stderr: string,
    readonly stdout: string
  ) {
    super(`${formatDockerCommand(args)} failed (exit ${exitCode}): ${summarizeDockerError(stderr, stdout)}`)
    this.name = 'DockerCommandError'
  }

  /** docker's own explanation in one line. */
  get reason(): string {
    return summarizeDockerError(this.stderr, this.stdout)
  }

  /** What docker printed, kept for failure reports. */
  get output(): string {
    return [this.stderr.trim(), this.stdout.trim()].filter(part => part !== '').join('\n')
  }
}

export interface DockerCliOptions {
  /** Variables laid over process.env for every docker call (DOCKER_HOST, DOCKER_CONFIG in tests). */
  env?: NodeJS.ProcessEnv
  /** Record commands instead of running them. */
  dryRun?: boolean
  /** Called with each command line as it is run (or would be run). */
  onCommand?: (commandLine: string) => void
  /** The docker binary; `docker` from PATH by default. */
  binary?: string
}

export class DockerCli {
  /** Every command line run (or, in a dry run, that would have run), in order. */
  readonly commands: string[] = []
  readonly dryRun: boolean
  private readonly env: { [key: string]: string } | undefined
  private readonly binary: string
  private readonly onCommand: ((commandLine: string) => void) | undefined

  constructor(options: DockerCliOptions = {}) {
    this.dryRun = options.dryRun ?? false
    this.binary = options.binary ?? 'docker'
    this.onCommand = options.onCommand
    this.env = options.env === undefined ? undefined : mergeEnv(process.env, options.env)
  }

  /** Runs `docker ...args`; throws DockerCommandError on a non-zero exit. */
  async run(args: readonly string[], options: { input?: string } = {}): Promise<DockerCommandResult> {
    const commandLine = formatDockerCommand(args)
    this.commands.push(commandLine)
    this.onCommand?.(commandLine)
    if (this.dryRun) return { stdout: '', stderr: '', exitCode: 0 }
    const output = await exec.getExecOutput(this.binary, [...args], {
      ignoreReturnCode: true,
      silent: true,
      ...(options.input !== undefined && { input: Buffer.from(options.input) }),
      ...(this.env !== undefined && { env: this.env })
    })
    if (output.exitCode !== 0) throw new DockerCommandError(args, output.exitCode, output.stderr, output.stdout)
    return output
  }

  /** `docker login --username U --password-stdin host`: the password goes through stdin only. */
  async login(host: string, credentials: Credentials): Promise<void> {
    await this.run(['login', '--username', credentials.username, '--password-stdin', host], { input: credentials.password })
  }

  async logout(host: string): Promise<void> {
    await this.run(['logout', host])
  }
}

/** `docker pull postgres:15-alpine`, with arguments holding spaces or quotes shell-quoted. */
export function formatDockerCommand(args: readonly string[]): string {
  return ['docker', ...args].map(quoteArgument).join(' ')
}

function quoteArgument(argument: string): string {
  return /^[\w@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replace(/'/g, `'\\''`)}'`
}

function mergeEnv(base: NodeJS.ProcessEnv, overrides: NodeJS.ProcessEnv): { [key: string]: string } {
  const env: { [key: string]: string } = {}
  for (const [key, value] of Object.entries({ ...base, ...overrides })) if (value !== undefined) env[key] = value
  return env
}

/** The line of docker's output that explains the failure, without docker's boilerplate prefix. */
export function summarizeDockerError(stderr: string, stdout = ''): string {
  const lines = stderr
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(line => line !== '' && !/^(WARNING!|Configure a credential helper|https:\/\/docs\.docker\.com|DEPRECATED:|Install the buildx|The push refers to)/.test(line))
  const chosen = lines.find(line => /^(Error|error)\b/.test(line)) ?? lines[lines.length - 1] ?? lastLine(stdout) ?? 'docker exited without an error message'
  return chosen.replace(/^Error response from daemon:\s*/, '').replace(/^Error:\s*/, '')
}

function lastLine(text: string): string | undefined {
  const lines = text
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(line => line !== '')
  return lines[lines.length - 1]
}

/** Failures that say the image or tag does not exist. */
const NOT_FOUND = /manifest unknown|no such manifest|not found|no such image|does not exist|repository name not known/i
/** Failures about credentials or permissions. */
const UNAUTHORIZED = /unauthorized|denied|no basic auth credentials|authentication required|incorrect username or password/i
/** Failures worth another attempt: the network or an overloaded registry. */
const TRANSIENT =
  /TLS handshake timeout|connection reset|connection refused|i\/o timeout|\bEOF\b|timeout exceeded|context deadline exceeded|toomanyrequests|too many requests|\b429\b|status(?: code)?:? 5\d\d\b|\b5\d\d (?:Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout)|Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout|no such host|network is unreachable|temporary failure|broken pipe/i

export type DockerFailureKind = 'not-found' | 'unauthorized' | 'transient' | 'other'

/** Classifies a docker failure by its message; permanent kinds win over transient words in the same text. */
export function classifyDockerFailure(error: unknown): DockerFailureKind {
  if (!(error instanceof DockerCommandError)) return 'other'
  const text = `${error.stderr}\n${error.stdout}`
  if (UNAUTHORIZED.test(text)) return 'unauthorized'
  if (NOT_FOUND.test(text)) return 'not-found'
  if (TRANSIENT.test(text)) return 'transient'
  return 'other'
}

export function isTransientDockerFailure(error: unknown): boolean {
  return classifyDockerFailure(error) === 'transient'
}
