/**
 * The docker engine: copies base images (pull, tag, push), builds and pushes
 * service images, and looks targets up in a registry or in the local daemon,
 * all through the docker CLI (commands as data in commands.ts, run by cli.ts).
 *
 * Check before write: `prepareCopy` only reads (`docker image inspect`,
 * HEAD requests) and returns the exact commands `copy` runs; the execute
 * stage prints them in a dry run and stops there.
 *
 * Re-runs are cheap and quota-aware: the target and the source are compared
 * by HEAD requests through the registry engine's clients (Docker Hub does not
 * count HEADs), with the local image's ID and repo digests; a manifest GET is
 * made only when digests alone cannot tell (a target docker pushed from a
 * multi-platform source that is no longer local, or whose manifest docker
 * rewrote), and a local image that differs from an unchanged target is never
 * pushed over it.
 *
 * Logins go to the DOCKER_CONFIG in `env`, which the caller makes private and
 * removes (src/docker-config.ts): the engine never logs out of anything.
 */
import type { PullPolicy } from '../../settings.js'
import { DOCKER_HUB, familiarName, withParts, type ImageReference } from '../../reference.js'
import { EngineFailure, type CopyOutcome, type CopyPort, type Credentials, type LookupOutcome, type OperationContext, type PreparedCopy } from '../port.js'
import type { BuildOutcome, BuildPort, BuildRequest } from './build-port.js'
import { describeBuildCommand, runBuild } from './builder.js'
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from '../retry.js'
import { hostname, isLoopbackHost } from '../registry/endpoint.js'
import { DockerCli, DockerCommandError, classifyDockerFailure, isTransientDockerFailure } from './cli.js'
import { displayCommand, loginCommand, pullCommand, pushCommand, tagCommand, type DockerCommand } from './commands.js'
import { dockerFailure } from './failures.js'
import { LocalImages, type LocalImage } from './local.js'
import { ManifestLookup, RegistryManifests, type ManifestHead } from './manifests.js'
import { RegistryEngine } from '../registry/engine.js'
import { engineFailure } from '../registry/errors.js'
import type { Registries } from '../registry/registries.js'

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
  /** The registry engine's clients, for HEAD lookups; when not given, the engine makes its own from these options. */
  registries?: Registries
  /** PEM file of extra trusted CAs, for the clients the engine makes itself. */
  caFile?: string
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
  private readonly heads: RegistryManifests
  /** The registry engine made for the HEAD lookups when none was given; closed with this engine. */
  private readonly ownRegistry: RegistryEngine | undefined
  private readonly multiPlatform = new Map<string, { source: ImageReference; target: ImageReference }>()

  constructor(private readonly options: DockerEngineOptions = {}) {
    this.cli = options.cli ?? new DockerCli({ ...(options.env && { env: options.env }) })
    this.pullPolicy = options.pull ?? 'missing'
    this.pushToTarget = options.push ?? true
    this.retryPolicy = options.retry ?? DEFAULT_RETRY
    this.credentials = options.credentials ?? new Map()
    this.local = new LocalImages(this.cli)
    this.manifests = new ManifestLookup(this.cli, host => this.isInsecure(host))
    this.ownRegistry =
      options.registries === undefined
        ? new RegistryEngine({
            credentials: this.credentials,
            ...(options.registryMirror !== undefined && { registryMirror: options.registryMirror }),
            ...(options.caFile !== undefined && { caFile: options.caFile }),
            ...(options.env?.DOCKER_CONFIG !== undefined && { dockerConfigDir: options.env.DOCKER_CONFIG }),
            insecureRegistries: [...(options.insecureRegistries ?? [])],
            concurrency: 4,
            retries: Math.max(0, this.retryPolicy.attempts - 1),
            retryBaseDelayMs: this.retryPolicy.baseDelayMs,
            retryMaxDelayMs: this.retryPolicy.maxDelayMs,
            platforms: [],
            copyReferrers: false
          })
        : undefined
    this.heads = new RegistryManifests(options.registries ?? (this.ownRegistry as RegistryEngine).clients, () => this.manifests.daemonPlatform())
  }

  /** Sources copied (or found copied) as one platform of a multi-platform index: their targets keep the daemon's platform only. */
  singlePlatformCopies(): Array<{ source: ImageReference; target: ImageReference }> {
    return [...this.multiPlatform.values()]
  }

  // --- copy -------------------------------------------------------------

  async prepareCopy(source: ImageReference, target: ImageReference, context: OperationContext): Promise<PreparedCopy> {
    const sourceName = familiarName(source)
    const local = this.pullPolicy === 'always' ? undefined : await this.read(() => this.local.inspect(sourceName, context), 'local', `look up ${sourceName} in the local docker daemon`)
    if (this.pullPolicy === 'never' && local === undefined) {
      throw new EngineFailure('not-local', 'local', `${sourceName} is not in the local docker daemon and pull is 'never'`)
    }

    if (this.pushToTarget) {
      // HEADs through the registry engine's clients: Docker Hub does not count them against the pull quota.
      const present = await this.registryRead(() => this.heads.head(target, 'target', context), context)
      if (present !== undefined) {
        const done: CopyOutcome = { status: 'already-present', digest: present.digest }
        if (local !== undefined && (await this.isLocalImage(local, target, present, context))) return { source, target, done, steps: [] }
        // The local image differs (or there is none): the target is still current when it matches the source registry.
        const upstream = await this.sourceHead(source, target, context)
        if (upstream !== undefined && (await this.holdsSource(target, present, source, upstream, local, context))) {
          if (local !== undefined && this.pullPolicy === 'missing') {
            throw new EngineFailure(
              'stale-local',
              'local',
              `the local ${sourceName} (${local.id.slice(0, 19)}) differs from ${sourceName} in its registry, which ${familiarName(target)} already holds; not pushed over it`
            )
          }
          return { source, target, done, steps: [] }
        }
      } else if (local === undefined) {
        // Only to know whether the pull keeps one platform of several (a warning); a HEAD costs no quota.
        await this.sourceHead(source, target, context)
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
    return [...this.buildLogins(request).filter(host => this.credentials.has(host)).map(host => this.describe({ kind: 'login', host })), describeBuildCommand(request)]
  }

  async build(request: BuildRequest, context: OperationContext): Promise<BuildOutcome> {
    // The build pulls mirrored bases from the target registry (and, with buildx --push, pushes there).
    for (const host of this.buildLogins(request)) await this.login(host, 'target', context)
    return runBuild(this.cli, request, context, name => this.local.inspect(name, context))
  }

  /** Registries a build needs credentials for: where its bases come from, and its target when the build pushes. */
  private buildLogins(request: BuildRequest): string[] {
    const hosts = new Set(request.pullsFrom)
    if (request.command.push === true) for (const tag of request.command.tags) hosts.add(tag.registry)
    return [...hosts]
  }

  describePush(target: ImageReference): string[] {
    return [...(this.credentials.has(target.registry) ? [this.describe({ kind: 'login', host: target.registry })] : []), displayCommand(pushCommand(target))]
  }

  async push(target: ImageReference, context: OperationContext): Promise<{ digest?: string }> {
    await this.login(target.registry, 'target', context)
    const digest = await this.pushImage(target, context)
    return { ...(digest !== undefined && { digest }) }
  }

  /**
   * Forgets its logins and closes the clients it made. No `docker logout`:
   * logins live in the DOCKER_CONFIG the caller gave (a private directory it
   * removes), and logging out of a shared config would also remove a login
   * the user made before this step (docker/login-action's).
   */
  async close(): Promise<void> {
    this.loggedIn.clear()
    this.logins.clear()
    await this.ownRegistry?.close()
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

  /** A registry read through the clients, its failure typed with the side and host of the request that failed. */
  private async registryRead<T>(operation: () => Promise<T>, context: OperationContext): Promise<T> {
    try {
      return await operation()
    } catch (error) {
      throw engineFailure(error, context.signal)
    }
  }

  /** Whether the local image is what the target holds: by its repo digests (no request), else by the target's config (a GET of the target only). */
  private async isLocalImage(local: LocalImage, target: ImageReference, present: ManifestHead, context: OperationContext): Promise<boolean> {
    if (this.local.repoDigestFor(local, target) === present.digest) return true
    const config = await this.registryRead(() => this.heads.platformConfig(target, present.digest, 'target', context), context)
    return config.configDigest === local.id
  }

  /**
   * The source's digest by a HEAD (none with pull: never, which promises no
   * network for the source); undefined when the source cannot be read, which
   * only costs a pull. Notes a multi-platform source for the warning.
   */
  private async sourceHead(source: ImageReference, target: ImageReference, context: OperationContext): Promise<ManifestHead | undefined> {
    if (this.pullPolicy === 'never') return undefined
    try {
      const head = await this.heads.head(source, 'source', context)
      if (head?.index === true) this.multiPlatform.set(familiarName(source), { source, target })
      return head
    } catch (error) {
      if (context.signal.aborted) throw engineFailure(error, context.signal)
      return undefined
    }
  }

  /**
   * Whether the target holds the source's current image for the daemon's
   * platform. Equal digests, or a local image pulled at the source's current
   * digest (that differs from the target), decide without a GET; otherwise the
   * source's manifest is read (an index once, and its platform's manifest when
   * the target's digest is not among its children): only then does a re-run
   * cost pull quota.
   */
  private async holdsSource(target: ImageReference, present: ManifestHead, source: ImageReference, upstream: ManifestHead, local: LocalImage | undefined, context: OperationContext): Promise<boolean> {
    if (upstream.digest === present.digest) return true
    if (local !== undefined && this.local.repoDigestFor(local, source) === upstream.digest) return false
    try {
      const fromSource = await this.heads.platformConfig(source, upstream.digest, 'source', context)
      if (fromSource.children.includes(present.digest)) return true
      if (fromSource.configDigest === undefined) return false
      const atTarget = await this.registryRead(() => this.heads.platformConfig(target, present.digest, 'target', context), context)
      return atTarget.configDigest === fromSource.configDigest
    } catch (error) {
      if (context.signal.aborted) throw engineFailure(error, context.signal)
      // An unknown source state only costs a pull.
      return false
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
