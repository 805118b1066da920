/**
 * The docker engine: copies base images (pull, tag, push), builds and pushes
 * service images, and looks targets up in a registry or in the local daemon,
 * all through the docker CLI (commands as data in commands.ts, run by cli.ts).
 *
 * Check before write: `prepareCopy` only reads (`docker image inspect`,
 * `docker manifest inspect`) and returns the exact commands `copy` runs; the
 * execute stage prints them in a dry run and stops there.
 *
 * Re-runs are cheap: the target's image config digest (a manifest lookup, no
 * pull) is compared with the local image ID, and with the source registry's
 * config digest; equal means already present, and a local image that differs
 * from an unchanged target is never pushed over it.
 */
import type { PullPolicy } from '../../settings.js'
import { DOCKER_HUB, familiarName, withParts, type ImageReference } from '../../reference.js'
import { EngineFailure, type CopyOutcome, type CopyPort, type Credentials, type LookupOutcome, type OperationContext, type PreparedCopy } from '../port.js'
import type { BuildPort, BuildRequest } from './build-port.js'
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from '../retry.js'
import { hostname, isLoopbackHost } from '../registry/endpoint.js'
import { DockerCli, DockerCommandError, classifyDockerFailure, isTransientDockerFailure } from './cli.js'
import { buildCommand, displayCommand, loginCommand, logoutCommand, pullCommand, pushCommand, tagCommand, type DockerCommand } from './commands.js'
import { dockerFailure } from './failures.js'
import { LocalImages } from './local.js'
import { ManifestLookup } from './manifests.js'

export interface DockerEngineOptions {
  /** The CLI edge; built from `env` when not given. */
  cli?: DockerCli
  /** Laid over process.env for every docker call (DOCKER_HOST, DOCKER_CONFIG). */
  env?: NodeJS.ProcessEnv
  /** missing (default): pull only what is not local; always; never: retag local images only. */
  pull?: PullPolicy
  /** Copies push to the target (default). false: a copy only retags in the local daemon, no network at all. */
  push?: boolean
  /** Credentials by registry host; `docker login` runs once per host before its first use. */
  credentials?: ReadonlyMap<string, Credentials>
  /** Hosts whose manifest lookups need `--insecure` (loopback hosts always do). */
  insecureRegistries?: readonly string[]
  /** http(s)://host of the daemon's Docker Hub mirror: Docker Hub manifest lookups go there. */
  registryMirror?: string
  retry?: RetryPolicy
  /** Told about each retry, e.g. to log it. */
  onRetry?: (message: string) => void
  /** Injected for tests; defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>
}

type CopyStep = { kind: 'login'; host: string } | { kind: 'pull'; ref: ImageReference } | { kind: 'tag'; from: ImageReference; to: ImageReference } | { kind: 'push'; ref: ImageReference }

interface CopyState {
  steps: CopyStep[]
  localId?: string
}

export class DockerEngine implements CopyPort, BuildPort {
  readonly name = 'docker' as const
  readonly cli: DockerCli
  private readonly pullPolicy: PullPolicy
  private readonly pushToTarget: boolean
  private readonly retryPolicy: RetryPolicy
  private readonly credentials: ReadonlyMap<string, Credentials>
  private readonly logins = new Map<string, Promise<void>>()
  private readonly loggedIn = new Set<string>()
  private readonly pulls = new Map<string, Promise<void>>()
  private readonly local: LocalImages
  private readonly manifests: ManifestLookup

  constructor(private readonly options: DockerEngineOptions = {}) {
    this.cli = options.cli ?? new DockerCli({ ...(options.env && { env: options.env }) })
    this.pullPolicy = options.pull ?? 'missing'
    this.pushToTarget = options.push ?? true
    this.retryPolicy = options.retry ?? DEFAULT_RETRY
    this.credentials = options.credentials ?? new Map()
    this.local = new LocalImages(this.cli)
    this.manifests = new ManifestLookup(this.cli, host => this.isInsecure(host))
  }

  // --- copy -------------------------------------------------------------

  async prepareCopy(source: ImageReference, target: ImageReference, context: OperationContext): Promise<PreparedCopy> {
    const sourceName = familiarName(source)
    const local = this.pullPolicy === 'always' ? undefined : await this.read(() => this.local.inspect(sourceName, context), 'local', `look up ${sourceName} in the local docker daemon`)
    if (this.pullPolicy === 'never' && local === undefined) {
      throw new EngineFailure('not-local', 'local', `${sourceName} is not in the local docker daemon and pull is 'never'`)
    }

    if (this.pushToTarget) {
      await this.login(target.registry, 'target', context)
      const present = await this.targetManifest(target, context)
      if (present?.configDigest !== undefined) {
        const done: CopyOutcome = {
          status: 'already-present',
          digest: present.digest,
          ...(present.size !== undefined && { size: present.size }),
          ...(present.platforms && { platforms: present.platforms })
        }
        if (local?.id === present.configDigest) return { source, target, done, steps: [] }
        // The local image differs (or there is none): the target is still current when it matches the source registry.
        const upstream = await this.sourceConfigDigest(source, context)
        if (upstream === present.configDigest) {
          if (local !== undefined && this.pullPolicy === 'missing') {
            throw new EngineFailure(
              'stale-local',
              'local',
              `the local ${sourceName} (${local.id.slice(0, 19)}) differs from ${sourceName} in its registry, which ${familiarName(target)} already holds; not pushed over it`
            )
          }
          return { source, target, done, steps: [] }
        }
      }
    }

    const steps: CopyStep[] = []
    if (local === undefined) {
      if (this.credentials.has(source.registry)) steps.push({ kind: 'login', host: source.registry })
      steps.push({ kind: 'pull', ref: source })
    }
    steps.push({ kind: 'tag', from: source, to: target })
    if (this.pushToTarget) {
      if (this.credentials.has(target.registry)) steps.push({ kind: 'login', host: target.registry })
      steps.push({ kind: 'push', ref: target })
    }
    const state: CopyState = { steps, ...(local !== undefined && { localId: local.id }) }
    return { source, target, steps: steps.map(step => this.describe(step)), state }
  }

  async copy(prepared: PreparedCopy, context: OperationContext): Promise<CopyOutcome> {
    if (prepared.done !== undefined) return prepared.done
    const state = prepared.state as CopyState
    let digest: string | undefined = state.localId
    for (const step of state.steps) {
      if (step.kind === 'login') await this.login(step.host, step.host === prepared.target.registry ? 'target' : 'source', context)
      else if (step.kind === 'pull') await this.pullOnce(step.ref, context)
      else if (step.kind === 'tag') await this.run(tagCommand(step.from, step.to), 'local', context)
      else digest = await this.pushImage(step.ref, context)
    }
    return { status: 'mirrored', ...(digest !== undefined && { digest }) }
  }

  // --- lookups ------------------------------------------------------------

  describeLookup(target: ImageReference): string[] {
    return [displayCommand(this.manifests.command(target))]
  }

  async lookup(target: ImageReference, context: OperationContext): Promise<LookupOutcome> {
    await this.login(target.registry, 'target', context)
    const present = await this.targetManifest(target, context)
    if (present === undefined) {
      const local = await this.local.inspect(familiarName(target), context).catch(() => undefined)
      return { status: 'missing', ...(local !== undefined && { hint: `It is in the local daemon but not pushed: docker push ${familiarName(target)}` }) }
    }
    return {
      status: 'verified',
      digest: present.digest,
      ...(present.size !== undefined && { size: present.size }),
      ...(present.platforms && { platforms: present.platforms })
    }
  }

  /** Looks targets up in the local daemon only (`verify-from: local`): no network. */
  localLookup(): Pick<CopyPort, 'describeLookup' | 'lookup'> {
    return {
      describeLookup: target => [displayCommand({ args: ['image', 'inspect', familiarName(target)] })],
      lookup: async (target, context) => {
        const name = familiarName(target)
        const found = await this.read(() => this.local.inspect(name, context), 'local', `look up ${name} in the local docker daemon`)
        if (found !== undefined) return { status: 'verified', digest: this.local.repoDigestFor(found, target) ?? found.id }
        const hint = await this.local.missingHint(target, context).catch(() => undefined)
        return { status: 'missing', ...(hint !== undefined && { hint }) }
      }
    }
  }

  // --- build and push -----------------------------------------------------

  describeBuild(request: BuildRequest): string[] {
    return [...request.pullsFrom.filter(host => this.credentials.has(host)).map(host => this.describe({ kind: 'login', host })), displayCommand(buildCommand(request.command))]
  }

  async build(request: BuildRequest, context: OperationContext): Promise<{ imageId?: string }> {
    // The build pulls mirrored bases from the target registry.
    for (const host of request.pullsFrom) await this.login(host, 'target', context)
    const command = buildCommand(request.command)
    context.record(displayCommand(command))
    try {
      await this.cli.run(command, { signal: context.signal, ...(context.output !== undefined && { onLine: context.output }) })
    } catch (error) {
      throw dockerFailure(error, 'local', `build ${familiarName(request.command.tags[0] as ImageReference)}`, { build: true })
    }
    const built = await this.local.inspect(familiarName(request.command.tags[0] as ImageReference), context).catch(() => undefined)
    return { ...(built !== undefined && { imageId: built.id }) }
  }

  describePush(target: ImageReference): string[] {
    return [...(this.credentials.has(target.registry) ? [this.describe({ kind: 'login', host: target.registry })] : []), displayCommand(pushCommand(target))]
  }

  async push(target: ImageReference, context: OperationContext): Promise<{ digest?: string }> {
    await this.login(target.registry, 'target', context)
    const digest = await this.pushImage(target, context)
    return { ...(digest !== undefined && { digest }) }
  }

  /** Logs out of exactly the registries this engine logged in to. */
  async close(): Promise<void> {
    for (const host of this.loggedIn) {
      try {
        await this.cli.run(logoutCommand(host))
      } catch {
        // A failed logout leaves nothing to report per image.
      }
    }
    this.loggedIn.clear()
    this.logins.clear()
  }

  // --- docker operations --------------------------------------------------

  private describe(step: CopyStep): string {
    switch (step.kind) {
      case 'login':
        return displayCommand(loginCommand(step.host, this.credentials.get(step.host)?.username ?? '', ''))
      case 'pull':
        return displayCommand(pullCommand(step.ref))
      case 'tag':
        return displayCommand(tagCommand(step.from, step.to))
      case 'push':
        return displayCommand(pushCommand(step.ref))
    }
  }

  private async run(command: DockerCommand, side: 'source' | 'target' | 'local', context: OperationContext, host?: string): Promise<string> {
    context.record(displayCommand(command))
    try {
      return (await this.retry(displayCommand(command), () => this.cli.run(command, { signal: context.signal }), context)).stdout
    } catch (error) {
      throw dockerFailure(error, side, displayCommand(command).replace(/^docker /, ''), host !== undefined ? { host } : {})
    }
  }

  /** A read whose failure is typed with the side it reads from. */
  private async read<T>(operation: () => Promise<T>, side: 'source' | 'target' | 'local', what: string): Promise<T> {
    try {
      return await operation()
    } catch (error) {
      throw dockerFailure(error, side, what)
    }
  }

  private retry<T>(what: string, operation: () => Promise<T>, context: OperationContext): Promise<T> {
    return withRetry(operation, this.retryPolicy, {
      signal: context.signal,
      isTransient: error => !context.signal.aborted && isTransientDockerFailure(error),
      onRetry: (error, attempt, delayMs) => {
        const reason = error instanceof DockerCommandError ? error.reason : String(error)
        this.options.onRetry?.(`${what}: attempt ${attempt} failed (${reason}); retrying in ${delayMs} ms`)
      },
      ...(this.options.sleep && { sleep: this.options.sleep })
    })
  }

  /** Logs in once per host this engine holds credentials for; a failed login is remembered, not repeated. */
  private async login(host: string, side: 'source' | 'target', context: OperationContext): Promise<void> {
    const credentials = this.credentials.get(host)
    if (credentials === undefined) return
    let login = this.logins.get(host)
    if (login === undefined) {
      const command = loginCommand(host, credentials.username, credentials.password)
      context.record(displayCommand(command))
      login = this.retry(`docker login ${host}`, () => this.cli.run(command), context).then(() => {
        this.loggedIn.add(host)
      })
      // Callers await it; this only keeps an early rejection from being reported as unhandled.
      login.catch(() => undefined)
      this.logins.set(host, login)
    }
    try {
      await login
    } catch (error) {
      const failure = dockerFailure(error, side, `docker login to ${host}`, { host })
      throw classifyDockerFailure(error) === 'unauthorized' ? new EngineFailure('unauthorized', side, failure.message, { ...failure.details, host }) : failure
    }
  }

  private pullOnce(ref: ImageReference, context: OperationContext): Promise<void> {
    const name = familiarName(ref)
    let pull = this.pulls.get(name)
    if (pull === undefined) {
      pull = this.run(pullCommand(ref), 'source', context, ref.registry).then(() => undefined)
      pull.catch(() => undefined)
      this.pulls.set(name, pull)
      // A failed pull may be retried by a later call; a finished one stays shared.
      pull.catch(() => this.pulls.delete(name))
    } else {
      context.record(`${displayCommand(pullCommand(ref))} (shared with another image of this run)`)
    }
    return pull.catch(async error => {
      throw await this.explainPullFailure(ref, error, context)
    })
  }

  /**
   * When docker's registry mirror has no such image, docker falls back to Docker
   * Hub and reports that attempt's error; say what the mirror said instead.
   */
  private async explainPullFailure(source: ImageReference, error: unknown, context: OperationContext): Promise<unknown> {
    const mirror = this.options.registryMirror
    if (source.registry !== DOCKER_HUB || mirror === undefined || !(error instanceof EngineFailure) || error.kind === 'not-found') return error
    let mirrorHost: string
    try {
      mirrorHost = new URL(mirror).host
    } catch {
      return error
    }
    try {
      await this.manifests.inspect(withParts(source, { registry: mirrorHost }), context)
      return error
    } catch (lookupError) {
      if (classifyDockerFailure(lookupError) !== 'not-found') return error
      return new EngineFailure('not-found', 'source', `${familiarName(source)} is not in the registry mirror ${mirrorHost}, and docker's fallback failed: ${error.message}`, {
        host: mirrorHost,
        ...(error.details.log !== undefined && { log: error.details.log })
      })
    }
  }

  /** Pushes and returns the manifest digest docker reports. */
  private async pushImage(ref: ImageReference, context: OperationContext): Promise<string | undefined> {
    const stdout = await this.run(pushCommand(ref), 'target', context, ref.registry)
    return /digest: (sha256:[a-f0-9]{64})/.exec(stdout)?.[1]
  }

  /** The target's manifest for the daemon's platform; undefined when the registry does not have it. */
  private async targetManifest(ref: ImageReference, context: OperationContext) {
    try {
      return await this.retry(`look up ${familiarName(ref)}`, () => this.manifests.inspect(ref, context), context)
    } catch (error) {
      if (classifyDockerFailure(error) === 'not-found') return undefined
      throw dockerFailure(error, 'target', `look up ${familiarName(ref)} in ${ref.registry}`, { host: ref.registry })
    }
  }

  /** The source's config digest by a manifest lookup (through the Docker Hub mirror when there is one); undefined when unknown. */
  private async sourceConfigDigest(source: ImageReference, context: OperationContext): Promise<string | undefined> {
    let lookup = source
    const mirror = this.options.registryMirror
    if (source.registry === DOCKER_HUB && mirror !== undefined) {
      try {
        lookup = withParts(source, { registry: new URL(mirror).host })
      } catch {
        return undefined
      }
    }
    try {
      return (await this.manifests.inspect(lookup, context)).configDigest
    } catch {
      // An unknown source state only costs a pull.
      return undefined
    }
  }

  private isInsecure(host: string): boolean {
    if (isLoopbackHost(host)) return true
    if ((this.options.insecureRegistries ?? []).some(entry => entry === host || entry === hostname(host))) return true
    const mirror = this.options.registryMirror
    if (mirror !== undefined && mirror.startsWith('http://')) {
      try {
        return new URL(mirror).host === host
      } catch {
        return false
      }
    }
    return false
  }
}
