/**
 * Every docker operation the engine runs, as data (STYLE.md, "Commands as
 * data", after build-push-action's getArgs): a typed function per operation
 * builds the argument list, the stdin and the extra environment; one edge
 * (cli.ts) runs them. Unit tests check the lists without docker.
 *
 * What is printed (`display`) is exactly what runs, with two deliberate
 * differences that keep secrets out: a password travels on stdin
 * (`--password-stdin`), and build-arg values travel in the environment of the
 * docker process (`--build-arg NAME`, which docker reads from there), so
 * neither appears in an argument list, a log or a report.
 */
import { familiarName, type ImageReference } from '../../reference.js'

export interface DockerCommand {
  args: string[]
  /** Written to docker's stdin (a password, a Dockerfile). */
  input?: string
  /** Laid over the environment of this one docker process (build-arg values). */
  env?: Record<string, string>
  /** Stream stdout/stderr lines while it runs (builds). */
  streamOutput?: boolean
}

export function pullCommand(ref: ImageReference): DockerCommand {
  return { args: ['pull', familiarName(ref)] }
}

export function tagCommand(from: ImageReference, to: ImageReference): DockerCommand {
  return { args: ['tag', familiarName(from), familiarName(to)] }
}

export function pushCommand(ref: ImageReference): DockerCommand {
  return { args: ['push', familiarName(ref)] }
}

export function loginCommand(host: string, username: string, password: string): DockerCommand {
  return { args: ['login', '--username', username, '--password-stdin', host], input: password }
}

export function logoutCommand(host: string): DockerCommand {
  return { args: ['logout', host] }
}

/** `{{.Id}} {{json .RepoDigests}}` of a local image. */
export function inspectImageCommand(name: string): DockerCommand {
  return { args: ['image', 'inspect', '--format', '{{.Id}} {{json .RepoDigests}}', name] }
}

export function listImagesCommand(): DockerCommand {
  return { args: ['images', '--format', '{{.Repository}}:{{.Tag}}'] }
}

export function manifestInspectCommand(ref: ImageReference, insecure: boolean): DockerCommand {
  return { args: ['manifest', 'inspect', ...(insecure ? ['--insecure'] : []), '--verbose', familiarName(ref)] }
}

export function serverPlatformCommand(): DockerCommand {
  return { args: ['version', '--format', '{{.Server.Os}}/{{.Server.Arch}}'] }
}

export interface BuildCommandOptions {
  /** Absolute path of the build context. */
  context: string
  /** The Dockerfile's text, sent on stdin (`-f -`): the rewritten one needs no temporary file. */
  dockerfile: string
  tags: ImageReference[]
  target?: string
  args: Readonly<Record<string, string>>
  /** docker's --network; absent: docker's default. */
  network?: string
  platform?: string
  labels?: Readonly<Record<string, string>>
  extraHosts?: readonly string[]
  shmSize?: string
  cacheFrom?: readonly string[]
}

/**
 * Names docker itself reads from its environment: a build arg with such a name
 * cannot travel in the environment without changing how docker runs.
 */
const RESERVED_ENVIRONMENT = /^(?:PATH|HOME|USER|TMPDIR|SHELL|DOCKER_\w*|BUILDKIT_\w*|BUILDX_\w*|HTTPS?_PROXY|NO_PROXY|https?_proxy|no_proxy|SSL_CERT_\w*|XDG_\w*|LD_\w*|GCONV_PATH|GLIBC_TUNABLES|MALLOC_\w*|HOSTALIASES|LOCALDOMAIN|RES_OPTIONS|RESOLV_\w*|NLSPATH|TZDIR|GODEBUG|GOGC|GOMAXPROCS|GOMEMLIMIT|GOTRACEBACK)$/

export function buildCommand(options: BuildCommandOptions): DockerCommand {
  const args = ['build', '-f', '-']
  for (const tag of options.tags) args.push('-t', familiarName(tag))
  if (options.target !== undefined) args.push('--target', options.target)
  if (options.network !== undefined) args.push('--network', options.network)
  if (options.platform !== undefined) args.push('--platform', options.platform)
  for (const [name, value] of Object.entries(options.labels ?? {})) args.push('--label', `${name}=${value}`)
  for (const host of options.extraHosts ?? []) args.push('--add-host', host)
  if (options.shmSize !== undefined) args.push('--shm-size', options.shmSize)
  for (const source of options.cacheFrom ?? []) args.push('--cache-from', source)
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(options.args)) {
    if (RESERVED_ENVIRONMENT.test(name)) {
      // Rare: an arg named like docker's own variables goes on the command line (and is elided in display).
      args.push('--build-arg', `${name}=${value}`)
    } else {
      args.push('--build-arg', name)
      env[name] = value
    }
  }
  args.push(options.context)
  return { args, input: options.dockerfile, ...(Object.keys(env).length > 0 && { env }), streamOutput: true }
}

/**
 * The command as a person reads it: shell-quoted where needed, a value given
 * inline to --build-arg elided (`NAME=…`), stdin shown as a redirection.
 */
export function displayCommand(command: DockerCommand): string {
  const shown: string[] = []
  for (let i = 0; i < command.args.length; i += 1) {
    const arg = command.args[i] as string
    const previous = command.args[i - 1]
    shown.push(previous === '--build-arg' && arg.includes('=') ? `${arg.slice(0, arg.indexOf('='))}=…` : arg)
  }
  let line = formatDockerCommand(shown)
  if (command.args[0] === 'build' && command.input !== undefined) line += ' < Dockerfile'
  return line
}

/** `docker pull postgres:15-alpine`, with arguments holding spaces or quotes shell-quoted. */
export function formatDockerCommand(args: readonly string[]): string {
  return ['docker', ...args].map(quoteArgument).join(' ')
}

function quoteArgument(argument: string): string {
  return /^[\w@%+=:,./…-]+$/.test(argument) ? argument : `'${argument.replace(/'/g, `'\\''`)}'`
}
