/**
 * Every docker operation the engine runs, as data (STYLE.md, "Commands as
 * data", after build-push-action's getArgs): a typed function per operation
 * builds the argument list, the stdin and the extra environment; one edge
 * (cli.ts) runs them. Unit tests check the lists without docker.
 *
 * What is printed (`display`) is exactly what runs, with deliberate
 * differences that keep secrets out: a password travels on stdin
 * (`--password-stdin`), and build-arg values travel in the environment of the
 * docker process (`--build-arg NAME`, which docker reads from there), so
 * neither appears in an argument list, a log or a report. Build secrets are
 * never values either: `--secret id=…,src=FILE` (shown relative to the
 * workspace) or `--secret id=…,env=NAME`, docker reading NAME from the
 * environment it inherits.
 */
import { familiarName, type ImageReference } from '../../reference.js'
import type { Builder } from './builder.js'

export interface DockerCommand {
  args: string[]
  /** Written to docker's stdin (a password, a Dockerfile). */
  input?: string
  /** Laid over the environment of this one docker process (build-arg values). */
  env?: Record<string, string>
  /** Stream stdout/stderr lines while it runs (builds). */
  streamOutput?: boolean
  /** Variables of `env` that are no secret and choose how docker runs (DOCKER_BUILDKIT=1): shown before the command. */
  shownEnv?: Record<string, string>
  /** The arguments as shown, when they differ from `args` (a secret file relative to the workspace). */
  shownArgs?: string[]
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

export function buildxVersionCommand(): DockerCommand {
  return { args: ['buildx', 'version'] }
}

/** Client and server versions as JSON; without a daemon, docker prints the client part and fails. */
export function dockerVersionCommand(): DockerCommand {
  return { args: ['version', '--format', '{{json .}}'] }
}

/** A compose build secret as BuildKit takes it: never its value, only where docker reads it. */
export interface BuildSecretOption {
  /** The id a Dockerfile mounts. */
  id: string
  /** Absolute path of the file holding it (checked to lie inside the workspace). */
  src?: string
  /** `src` as shown: relative to the workspace. */
  shownSrc?: string
  /** The variable holding it, which docker reads from its own environment. */
  env?: string
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
  /** `--platform`: one, or several for buildx pushing an index. */
  platforms?: readonly string[]
  labels?: Readonly<Record<string, string>>
  extraHosts?: readonly string[]
  shmSize?: string
  cacheFrom?: readonly string[]
  /** BuildKit builders only. */
  cacheTo?: readonly string[]
  /** `--ssh` entries (`default`, `id=/abs/path`), BuildKit builders only. */
  ssh?: readonly string[]
  /** `--secret id=…,src=…` / `--secret id=…,env=…`, BuildKit builders only. */
  secrets?: readonly BuildSecretOption[]
  /** `--build-context name=value` (an absolute path, `docker-image://…`, a URL), buildx only. */
  contexts?: Readonly<Record<string, string>>
  /** Which builder runs it; absent: plain `docker build`, as the environment makes it. */
  builder?: Builder
  /** buildx: the build itself pushes (`--push`, its digest read from `--metadata-file`); otherwise it loads into the local store (`--load`). */
  push?: boolean
}

/**
 * Names docker itself reads from its environment: a build arg with such a name
 * cannot travel in the environment without changing how docker runs.
 */
const RESERVED_ENVIRONMENT = /^(?:PATH|HOME|USER|TMPDIR|SHELL|DOCKER_\w*|BUILDKIT_\w*|BUILDX_\w*|HTTPS?_PROXY|NO_PROXY|https?_proxy|no_proxy|SSL_CERT_\w*|XDG_\w*|LD_\w*|GCONV_PATH|GLIBC_TUNABLES|MALLOC_\w*|HOSTALIASES|LOCALDOMAIN|RES_OPTIONS|RESOLV_\w*|NLSPATH|TZDIR|GODEBUG|GOGC|GOMAXPROCS|GOMEMLIMIT|GOTRACEBACK)$/

/**
 * The build, for the builder it names: `docker buildx build` (with `--load`,
 * or `--push` and `--metadata-file`), `DOCKER_BUILDKIT=1 docker build`, or
 * `DOCKER_BUILDKIT=0 docker build`. Every variant reads the Dockerfile from
 * stdin and build-arg values from its environment.
 */
export function buildCommand(options: BuildCommandOptions, extra: { metadataFile?: string } = {}): DockerCommand {
  const kind = options.builder?.kind
  const args = kind === 'buildx' ? ['buildx', 'build', ...(options.builder?.name !== undefined ? ['--builder', options.builder.name] : [])] : ['build']
  if (kind === 'buildx' || kind === 'buildkit') args.push('--progress', 'plain')
  args.push('-f', '-')
  for (const tag of options.tags) args.push('-t', familiarName(tag))
  if (options.target !== undefined) args.push('--target', options.target)
  if (options.network !== undefined) args.push('--network', options.network)
  if (kind === 'buildx' && options.network === 'host') args.push('--allow', 'network.host')
  if (options.platforms !== undefined && options.platforms.length > 0) args.push('--platform', options.platforms.join(','))
  for (const [name, value] of Object.entries(options.labels ?? {})) args.push('--label', `${name}=${value}`)
  for (const host of options.extraHosts ?? []) args.push('--add-host', host)
  if (options.shmSize !== undefined) args.push('--shm-size', options.shmSize)
  for (const source of options.cacheFrom ?? []) args.push('--cache-from', source)
  for (const destination of options.cacheTo ?? []) args.push('--cache-to', destination)
  for (const entry of options.ssh ?? []) args.push('--ssh', entry)
  // Shown where it differs: a secret file relative to the workspace (index in args → shown text).
  const shown = new Map<number, string>()
  for (const secret of options.secrets ?? []) {
    if (secret.src !== undefined) {
      args.push('--secret', `id=${secret.id},src=${secret.src}`)
      shown.set(args.length - 1, `id=${secret.id},src=${secret.shownSrc ?? secret.src}`)
    } else if (secret.env !== undefined) args.push('--secret', `id=${secret.id},env=${secret.env}`)
  }
  // A variable a secret is read from keeps the value of docker's environment: a build arg of that name goes on the command line.
  const secretVariables = new Set((options.secrets ?? []).flatMap(secret => (secret.env !== undefined ? [secret.env] : [])))
  for (const [name, value] of Object.entries(options.contexts ?? {})) args.push('--build-context', `${name}=${value}`)
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(options.args)) {
    if (RESERVED_ENVIRONMENT.test(name) || secretVariables.has(name)) {
      // Rare: an arg named like docker's own variables goes on the command line (and is elided in display).
      args.push('--build-arg', `${name}=${value}`)
    } else {
      args.push('--build-arg', name)
      env[name] = value
    }
  }
  if (kind === 'buildx') {
    args.push(options.push === true ? '--push' : '--load')
    if (extra.metadataFile !== undefined) args.push('--metadata-file', extra.metadataFile)
  }
  args.push(options.context)
  // The legacy and built-in BuildKit builders are chosen by the environment of the one docker process.
  const shownEnv = kind === 'buildkit' ? { DOCKER_BUILDKIT: '1' } : kind === 'legacy' ? { DOCKER_BUILDKIT: '0' } : undefined
  const allEnv = { ...env, ...shownEnv }
  return {
    args,
    ...(shown.size > 0 && { shownArgs: args.map((arg, index) => shown.get(index) ?? arg) }),
    input: options.dockerfile,
    ...(Object.keys(allEnv).length > 0 && { env: allEnv }),
    ...(shownEnv !== undefined && { shownEnv }),
    streamOutput: true
  }
}

/**
 * The command as a person reads it: shell-quoted where needed, a value given
 * inline to --build-arg elided (`NAME=…`), stdin shown as a redirection.
 */
export function displayCommand(command: DockerCommand): string {
  const shown: string[] = []
  const args = command.shownArgs ?? command.args
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string
    const previous = args[i - 1]
    shown.push(previous === '--build-arg' && arg.includes('=') ? `${arg.slice(0, arg.indexOf('='))}=…` : arg)
  }
  let line = formatDockerCommand(shown)
  const isBuild = args[0] === 'build' || (args[0] === 'buildx' && args[1] === 'build')
  if (isBuild && command.input !== undefined) line += ' < Dockerfile'
  const variables = Object.entries(command.shownEnv ?? {}).map(([name, value]) => `${name}=${quoteArgument(value)} `)
  return variables.join('') + line
}

/** `docker pull postgres:15-alpine`, with arguments holding spaces or quotes shell-quoted. */
export function formatDockerCommand(args: readonly string[]): string {
  return ['docker', ...args].map(quoteArgument).join(' ')
}

function quoteArgument(argument: string): string {
  return /^[\w@%+=:,./…-]+$/.test(argument) ? argument : `'${argument.replace(/'/g, `'\\''`)}'`
}
