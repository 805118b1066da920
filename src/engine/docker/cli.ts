/**
 * The one edge that runs docker (STYLE.md, "One wrapper per external tool").
 * Every command is built as data in commands.ts; `DockerCli.run` runs it and
 * turns a non-zero exit into a DockerCommandError carrying docker's output.
 * Passwords only travel on stdin and build-arg values in the environment, so
 * an argument list never holds a secret.
 *
 * Spawned directly (not through @actions/exec) so an AbortSignal can stop a
 * running build or push, and a build's output can be streamed line by line.
 */
import { childProcess } from '../builtins.js'
import { displayCommand, type DockerCommand } from './commands.js'

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
    super(`${displayCommand({ args: [...args] })} failed (exit ${exitCode}): ${summarizeDockerError(stderr, stdout)}`)
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
  /** Variables laid over process.env for every docker call (DOCKER_HOST, DOCKER_CONFIG). */
  env?: NodeJS.ProcessEnv
  /** The docker binary; `docker` from PATH by default. */
  binary?: string
}

export interface RunOptions {
  signal?: AbortSignal
  /** Each line docker prints while it runs, for commands that stream (builds). */
  onLine?: (line: string) => void
}

/** Output kept per stream: the end, where docker's error is. */
const OUTPUT_LIMIT = 1024 * 1024

export class DockerCli {
  private readonly env: Record<string, string>
  private readonly binary: string

  constructor(options: DockerCliOptions = {}) {
    this.binary = options.binary ?? 'docker'
    this.env = mergeEnv(process.env, options.env ?? {})
  }

  /** Runs one command; throws DockerCommandError on a non-zero exit. */
  run(command: DockerCommand, options: RunOptions = {}): Promise<DockerCommandResult> {
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) {
        reject(new DockerCommandError(command.args, -1, `cancelled before ${displayCommand(command)} started`, ''))
        return
      }
      const child = childProcess().spawn(this.binary, command.args, {
        env: command.env === undefined ? this.env : { ...this.env, ...command.env },
        stdio: ['pipe', 'pipe', 'pipe'],
        ...(options.signal !== undefined && { signal: options.signal })
      })
      const stdout = new BoundedText(OUTPUT_LIMIT, options.onLine)
      const stderr = new BoundedText(OUTPUT_LIMIT, options.onLine)
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
      child.stdin.on('error', () => undefined)
      child.stdin.end(command.input ?? '')
      let failed: Error | undefined
      child.on('error', error => {
        failed = error
      })
      child.on('close', (code, signal) => {
        stdout.flush()
        stderr.flush()
        if (failed !== undefined && (failed as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(new DockerNotFoundError(this.binary))
          return
        }
        const exitCode = code ?? -1
        const aborted = options.signal?.aborted === true
        if (exitCode === 0 && !aborted) resolve({ stdout: stdout.text, stderr: stderr.text, exitCode })
        else reject(new DockerCommandError(command.args, aborted ? -1 : exitCode, aborted ? `cancelled (${signal ?? 'aborted'})\n${stderr.text}` : stderr.text, stdout.text))
      })
    })
  }
}

/** The docker binary is not installed on this machine. */
export class DockerNotFoundError extends Error {
  constructor(readonly binary: string) {
    super(`${binary} was not found on PATH`)
    this.name = 'DockerNotFoundError'
  }
}

/** Keeps the last `limit` bytes of a stream and hands complete lines to a listener. */
class BoundedText {
  private chunks: string[] = []
  private length = 0
  private partial = ''

  constructor(
    private readonly limit: number,
    private readonly onLine?: (line: string) => void
  ) {}

  push(chunk: Buffer): void {
    const text = chunk.toString('utf8')
    this.chunks.push(text)
    this.length += text.length
    while (this.length > this.limit && this.chunks.length > 1) this.length -= (this.chunks.shift() as string).length
    if (this.onLine !== undefined) {
      const lines = (this.partial + text).split(/\r?\n/)
      this.partial = lines.pop() ?? ''
      for (const line of lines) this.onLine(line)
    }
  }

  flush(): void {
    if (this.onLine !== undefined && this.partial !== '') this.onLine(this.partial)
    this.partial = ''
  }

  get text(): string {
    return this.chunks.join('')
  }
}

function mergeEnv(base: NodeJS.ProcessEnv, overrides: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries({ ...base, ...overrides })) if (value !== undefined) env[key] = value
  return env
}

/** The line of docker's output that explains the failure, without docker's boilerplate prefix. */
export function summarizeDockerError(stderr: string, stdout = ''): string {
  const lines = stderr
    .replace(/^DEPRECATED:.*(?:\r?\n[ \t]+\S.*)*/gm, '')
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
