/**
 * The docker engine: mirrors base images (pull, tag, push), builds and pushes
 * service images, and verifies targets, all through the docker CLI (cli.ts).
 *
 * Re-runs are cheap: before pulling or pushing, the image config digest of the
 * target (a manifest lookup, no pull) is compared with the source's (the local
 * image ID, or a manifest lookup of the source); equal digests mean the target
 * already holds the image, reported 'already-present' with no pull and no push.
 *
 * Never throws for a per-image problem: each call ends in a PhaseResult, with
 * a one-line error, docker's output in `log` and a suggestion when it failed.
 * Dry run: every command that would run is recorded and returned in `log`,
 * nothing runs, and the status stays 'planned'.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { PhaseResult, Plan, PlannedImage } from '../../model.js'
import { familiarName, formatReference, repositoryName, repositoryPath, tryParseReference, withParts, type ImageReference } from '../../reference.js'
import type { PullPolicy, Settings, VerifySource } from '../../settings.js'
import { rewriteDockerfileImages } from '../../extract/dockerfile.js'
import type { BuildEngine, Credentials, MirrorEngine, VerifyContext } from '../engine.js'
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from '../retry.js'
import { classifyDockerFailure, DockerCli, DockerCommandError, formatDockerCommand, isTransientDockerFailure } from './cli.js'

const DOCKER_HUB = 'docker.io'
/** Failure logs keep the end of docker's output, where the error is. */
const LOG_LIMIT = 8000

export interface DockerEngineOptions {
  /** The CLI wrapper to use; built from `env`, `dryRun` and `onCommand` when not given. */
  cli?: DockerCli
  /** Laid over process.env for every docker call (DOCKER_HOST, DOCKER_CONFIG). */
  env?: NodeJS.ProcessEnv
  /** Called with every docker command line, as it runs or (dry run) would run. */
  onCommand?: (commandLine: string) => void
  /** missing (default): pull only what is not local; always; never: retag local images only. */
  pull?: PullPolicy
  /** Mirror pushes to the target (default). false: mirror only retags in the local daemon, no network at all. */
  push?: boolean
  verifyFrom?: VerifySource
  dryRun?: boolean
  /** Logged in (`--password-stdin`) before the first network call to the target registry. */
  targetCredentials?: Credentials
  /** The registry host `targetCredentials` belong to; without it, any target's registry. */
  targetRegistry?: string
  /** Logged in to Docker Hub before the first Docker Hub pull (rate limits). */
  sourceCredentials?: Credentials
  /** Hosts whose manifest lookups need `--insecure` (loopback hosts always do). */
  insecureRegistries?: string[]
  /** http(s)://host of the daemon's Docker Hub mirror: Docker Hub manifest lookups go there. */
  registryMirror?: string
  retry?: RetryPolicy
  /** Build paths (image.build context and dockerfile) are relative to it; the current directory by default. */
  root?: string
  /** Normalised source → target of every mirrored base image, for use-mirrored-bases. */
  baseTargets?: ReadonlyMap<string, string>
  /** Builds take their base images from the target registry (default true). */
  useMirroredBases?: boolean
  /** Told about each retry, e.g. to log it. */
  onRetry?: (message: string) => void
  /** Injected for tests; defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>
}

interface ManifestInfo {
  /** Digest of the manifest for the runner's platform. */
  digest: string
  configDigest?: string
  size?: number
  platforms?: string[]
}

interface LocalImage {
  id: string
  repoDigests: string[]
}

/** The options a DockerEngine needs from the settings and the plan. */
export function dockerEngineOptions(settings: Settings, plan: Plan): DockerEngineOptions {
  const baseTargets = new Map<string, string>()
  for (const image of plan.images) if (image.kind === 'base' && image.target !== null) baseTargets.set(image.source, image.target)
  return {
    pull: settings.pull,
    push: settings.push,
    verifyFrom: settings.verifyFrom,
    dryRun: settings.dryRun,
    ...(settings.targetCredentials && { targetCredentials: settings.targetCredentials }),
    ...(settings.registry && { targetRegistry: settings.registry.registry }),
    ...(settings.sourceCredentials && { sourceCredentials: settings.sourceCredentials }),
    insecureRegistries: settings.insecureRegistries,
    ...(settings.registryMirror !== undefined && { registryMirror: settings.registryMirror }),
    retry: { ...DEFAULT_RETRY, attempts: settings.retries + 1 },
    root: settings.root,
    baseTargets,
    useMirroredBases: settings.useMirroredBases
  }
}

export class DockerEngine implements MirrorEngine, BuildEngine {
  readonly name = 'docker' as const
  readonly cli: DockerCli
  private readonly options: DockerEngineOptions
  private readonly pullPolicy: PullPolicy
  private readonly pushToTarget: boolean
  private readonly retryPolicy: RetryPolicy
  private readonly logins = new Map<string, Promise<void>>()
  private readonly loggedIn = new Set<string>()
  private readonly pulls = new Map<string, Promise<void>>()
  private platform: Promise<string> | undefined

  constructor(options: DockerEngineOptions = {}) {
    this.options = options
    this.cli =
      options.cli ??
      new DockerCli({
        ...(options.env && { env: options.env }),
        ...(options.dryRun !== undefined && { dryRun: options.dryRun }),
        ...(options.onCommand && { onCommand: options.onCommand })
      })
    this.pullPolicy = options.pull ?? 'missing'
    this.pushToTarget = options.push ?? true
    this.retryPolicy = options.retry ?? DEFAULT_RETRY
  }

  private get dryRun(): boolean {
    return this.cli.dryRun
  }

  async mirror(source: ImageReference, target: ImageReference): Promise<PhaseResult> {
    const started = Date.now()
    const sourceName = familiarName(source)
    const targetName = familiarName(target)
    if (this.dryRun) {
      return this.planned('mirror', started, async () => {
        if (this.pullPolicy !== 'never') {
          await this.loginFor(source, 'source')
          await this.cli.run(['pull', sourceName])
        }
        await this.cli.run(['tag', sourceName, targetName])
        if (this.pushToTarget) {
          await this.loginFor(target, 'target')
          await this.cli.run(['push', targetName])
        }
      })
    }

    let step = `look up ${sourceName} in the local daemon`
    try {
      let local = this.pullPolicy === 'always' ? undefined : await this.localImage(sourceName)
      if (this.pullPolicy === 'never' && local === undefined) {
        return {
          phase: 'mirror',
          status: 'failed',
          durationMs: Date.now() - started,
          error: `${sourceName} is not in the local docker daemon and pull is 'never'`,
          suggestion: `Load it first (docker pull ${sourceName}, or docker load -i <archive>), or run with pull: missing`
        }
      }

      if (this.pushToTarget) {
        step = `log in to ${target.registry}`
        await this.loginFor(target, 'target')
        step = `look up ${targetName} in ${target.registry}`
        const present = await this.targetManifest(target)
        if (present?.configDigest !== undefined) {
          const sourceConfig = local?.id ?? (await this.sourceConfigDigest(source))
          if (sourceConfig === present.configDigest) {
            return {
              phase: 'mirror',
              status: 'already-present',
              durationMs: Date.now() - started,
              digest: present.digest,
              ...(present.size !== undefined && { size: present.size }),
              ...(present.platforms && { platforms: present.platforms })
            }
          }
        }
      }

      if (local === undefined) {
        step = `pull ${sourceName}`
        await this.loginFor(source, 'source')
        try {
          await this.pullOnce(sourceName)
        } catch (error) {
          throw await this.explainPullFailure(source, error)
        }
        local = await this.localImage(sourceName)
      }
      step = `tag ${sourceName} as ${targetName}`
      await this.cli.run(['tag', sourceName, targetName])
      if (!this.pushToTarget) {
        return { phase: 'mirror', status: 'mirrored', durationMs: Date.now() - started, ...(local && { digest: local.id }) }
      }
      step = `push ${targetName}`
      const digest = await this.pushImage(targetName)
      return { phase: 'mirror', status: 'mirrored', durationMs: Date.now() - started, ...(digest !== undefined && { digest }) }
    } catch (error) {
      return this.failed('mirror', started, step, error, { source, target })
    }
  }

  async verify(target: ImageReference, context: VerifyContext = {}): Promise<PhaseResult> {
    const started = Date.now()
    const targetName = familiarName(target)
    const fromLocal = this.options.verifyFrom === 'local'
    if (this.dryRun) {
      return this.planned('verify', started, async () => {
        if (fromLocal) {
          await this.cli.run(['image', 'inspect', targetName])
        } else {
          await this.loginFor(target, 'target')
          await this.cli.run(this.manifestArgs(target))
        }
      })
    }
    let step = `look up ${targetName}`
    try {
      if (fromLocal) {
        const local = await this.localImage(targetName)
        if (local !== undefined) {
          return { phase: 'verify', status: 'verified', durationMs: Date.now() - started, digest: this.repoDigestFor(local, target) ?? local.id }
        }
        return {
          phase: 'verify',
          status: 'missing',
          durationMs: Date.now() - started,
          error: `${targetName} is not in the local docker daemon`,
          suggestion: await this.localMissingSuggestion(target, context)
        }
      }
      step = `log in to ${target.registry}`
      await this.loginFor(target, 'target')
      step = `look up ${targetName} in ${target.registry}`
      const present = await this.targetManifest(target)
      if (present !== undefined) {
        return {
          phase: 'verify',
          status: 'verified',
          durationMs: Date.now() - started,
          digest: present.digest,
          ...(present.size !== undefined && { size: present.size }),
          ...(present.platforms && { platforms: present.platforms })
        }
      }
      return {
        phase: 'verify',
        status: 'missing',
        durationMs: Date.now() - started,
        error: `${targetName} is not in ${target.registry}`,
        suggestion: await this.registryMissingSuggestion(target, context)
      }
    } catch (error) {
      return this.failed('verify', started, step, error, { target })
    }
  }

  async build(image: PlannedImage, target: ImageReference): Promise<PhaseResult> {
    const started = Date.now()
    const targetName = familiarName(target)
    const spec = image.build
    if (spec === undefined) {
      return {
        phase: 'build',
        status: 'failed',
        durationMs: 0,
        error: `${image.source} has no build section (context and Dockerfile)`,
        suggestion: 'Give the compose service a build: section, or map the image as a base image'
      }
    }
    const root = this.options.root ?? process.cwd()
    const contextDir = path.resolve(root, spec.context)
    let dockerfile = path.resolve(root, spec.dockerfile)
    let tempDir: string | undefined
    let step = `read ${spec.dockerfile}`
    try {
      const baseTargets = this.options.baseTargets
      if ((this.options.useMirroredBases ?? true) && baseTargets !== undefined && baseTargets.size > 0) {
        const original = fs.readFileSync(dockerfile, 'utf8')
        const rewritten = rewriteDockerfileImages(original, text => mirroredBase(text, baseTargets), {
          file: spec.dockerfile,
          buildArgs: spec.args,
          ...(spec.target !== undefined && { target: spec.target })
        })
        if (rewritten.text !== original) {
          // The temporary Dockerfile lives outside the context; docker sends it along, the context stays as it is.
          tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'image-mirror-build-'))
          dockerfile = path.join(tempDir, 'Dockerfile')
          fs.writeFileSync(dockerfile, rewritten.text)
        }
        // The build pulls mirrored bases from the target registry.
        step = `log in to ${target.registry}`
        await this.loginFor(target, 'target')
      }
      const args = ['build', '--network=host', '-f', dockerfile, '-t', targetName]
      if (spec.target !== undefined) args.push('--target', spec.target)
      for (const [name, value] of Object.entries(spec.args)) args.push('--build-arg', `${name}=${value}`)
      args.push(contextDir)
      step = `build ${targetName}`
      if (this.dryRun) return await this.planned('build', started, async () => void (await this.cli.run(args)))
      await this.retry(step, () => this.cli.run(args))
      const built = await this.localImage(targetName)
      return { phase: 'build', status: 'built', durationMs: Date.now() - started, ...(built && { digest: built.id }) }
    } catch (error) {
      return this.failed('build', started, step, error, { target })
    } finally {
      if (tempDir !== undefined) fs.rmSync(tempDir, { recursive: true, force: true })
    }
  }

  async push(target: ImageReference): Promise<PhaseResult> {
    const started = Date.now()
    const targetName = familiarName(target)
    if (this.dryRun) {
      return this.planned('push', started, async () => {
        await this.loginFor(target, 'target')
        await this.cli.run(['push', targetName])
      })
    }
    let step = `log in to ${target.registry}`
    try {
      await this.loginFor(target, 'target')
      step = `push ${targetName}`
      const digest = await this.pushImage(targetName)
      return { phase: 'push', status: 'pushed', durationMs: Date.now() - started, ...(digest !== undefined && { digest }) }
    } catch (error) {
      return this.failed('push', started, step, error, { target })
    }
  }

  /** Logs out of exactly the registries this engine logged in to. */
  async close(): Promise<void> {
    for (const host of this.loggedIn) {
      try {
        await this.cli.logout(host)
      } catch {
        // A failed logout leaves nothing to report per image; the credentials file is the runner's.
      }
    }
    this.loggedIn.clear()
    this.logins.clear()
  }

  // --- docker operations -------------------------------------------------

  private retry<T>(what: string, operation: () => Promise<T>): Promise<T> {
    return withRetry(operation, this.retryPolicy, {
      isTransient: isTransientDockerFailure,
      onRetry: (error, attempt, delayMs) => {
        const reason = error instanceof DockerCommandError ? error.reason : String(error)
        this.options.onRetry?.(`${what}: attempt ${attempt} failed (${reason}); retrying in ${delayMs} ms`)
      },
      ...(this.options.sleep && { sleep: this.options.sleep })
    })
  }

  /** Logs in once per registry when this engine holds credentials for it; a failed login is remembered, not repeated. */
  private async loginFor(ref: ImageReference, role: 'source' | 'target'): Promise<void> {
    let credentials: Credentials | undefined
    if (role === 'target') {
      const forRegistry = this.options.targetRegistry === undefined || this.options.targetRegistry === ref.registry
      credentials = forRegistry ? this.options.targetCredentials : undefined
    } else if (ref.registry === DOCKER_HUB) {
      credentials = this.options.sourceCredentials
    } else if (this.options.targetRegistry === ref.registry) {
      credentials = this.options.targetCredentials
    }
    if (credentials === undefined) return
    const host = ref.registry
    let login = this.logins.get(host)
    if (login === undefined) {
      const given = credentials
      login = this.retry(`log in to ${host}`, () => this.cli.login(host, given)).then(() => {
        this.loggedIn.add(host)
      })
      // Callers await it; this only keeps an early rejection from being reported as unhandled.
      login.catch(() => undefined)
      this.logins.set(host, login)
    }
    try {
      await login
    } catch (error) {
      throw new LoginError(host, error)
    }
  }

  private pullOnce(name: string): Promise<void> {
    let pull = this.pulls.get(name)
    if (pull === undefined) {
      pull = this.retry(`pull ${name}`, () => this.cli.run(['pull', name])).then(() => undefined)
      pull.catch(() => undefined)
      this.pulls.set(name, pull)
      // A failed pull may be retried by a later call; a finished one stays shared.
      pull.catch(() => this.pulls.delete(name))
    }
    return pull
  }

  /**
   * When docker's mirror has no such image, docker falls back to Docker Hub and
   * reports that attempt's error; say what the mirror said instead.
   */
  private async explainPullFailure(source: ImageReference, error: unknown): Promise<unknown> {
    const mirror = this.options.registryMirror
    if (source.registry !== DOCKER_HUB || mirror === undefined || classifyDockerFailure(error) === 'not-found') return error
    let mirrorHost: string
    try {
      mirrorHost = new URL(mirror).host
    } catch {
      return error
    }
    try {
      await this.manifest(withParts(source, { registry: mirrorHost }))
      return error
    } catch (lookupError) {
      return classifyDockerFailure(lookupError) === 'not-found' && error instanceof DockerCommandError
        ? new MirrorMissError(mirrorHost, error)
        : error
    }
  }

  /** Pushes and returns the manifest digest docker reports. */
  private async pushImage(name: string): Promise<string | undefined> {
    const result = await this.retry(`push ${name}`, () => this.cli.run(['push', name]))
    const match = /digest: (sha256:[a-f0-9]{64})/.exec(result.stdout)
    return match?.[1]
  }

  private async localImage(name: string): Promise<LocalImage | undefined> {
    try {
      const result = await this.cli.run(['image', 'inspect', '--format', '{{.Id}} {{json .RepoDigests}}', name])
      const line = result.stdout.trim()
      const space = line.indexOf(' ')
      const id = space < 0 ? line : line.slice(0, space)
      let repoDigests: string[] = []
      try {
        const parsed: unknown = JSON.parse(line.slice(space + 1))
        if (Array.isArray(parsed)) repoDigests = parsed.filter((item): item is string => typeof item === 'string')
      } catch {
        // No repo digests (a locally built image).
      }
      return { id, repoDigests }
    } catch (error) {
      if (error instanceof DockerCommandError && /no such image/i.test(error.stderr)) return undefined
      throw error
    }
  }

  private repoDigestFor(local: LocalImage, target: ImageReference): string | undefined {
    for (const entry of local.repoDigests) {
      const parsed = tryParseReference(entry)
      if ('ref' in parsed && repositoryName(parsed.ref) === repositoryName(target)) return parsed.ref.digest
    }
    return undefined
  }

  private manifestArgs(ref: ImageReference): string[] {
    const args = ['manifest', 'inspect']
    if (this.isInsecure(ref.registry)) args.push('--insecure')
    args.push('--verbose', familiarName(ref))
    return args
  }

  /** The target's manifest for the runner's platform; undefined when the registry does not have it. */
  private async targetManifest(ref: ImageReference): Promise<ManifestInfo | undefined> {
    try {
      return await this.retry(`look up ${familiarName(ref)}`, () => this.manifest(ref))
    } catch (error) {
      if (classifyDockerFailure(error) === 'not-found') return undefined
      throw error
    }
  }

  /** The source's config digest by a manifest lookup (through the Docker Hub mirror when there is one); undefined when unknown. */
  private async sourceConfigDigest(source: ImageReference): Promise<string | undefined> {
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
      return (await this.manifest(lookup)).configDigest
    } catch {
      // Unknown source state only costs a pull.
      return undefined
    }
  }

  private async manifest(ref: ImageReference): Promise<ManifestInfo> {
    const result = await this.cli.run(this.manifestArgs(ref))
    const parsed: unknown = JSON.parse(result.stdout)
    const entries = (Array.isArray(parsed) ? parsed : [parsed]) as VerboseManifest[]
    const platforms = entries
      .map(entry => entry.Descriptor?.platform)
      .filter((platform): platform is Platform => platform?.os !== undefined && platform.architecture !== undefined)
      .map(platform => `${platform.os}/${platform.architecture}${platform.variant ? `/${platform.variant}` : ''}`)
    let chosen = entries[0]
    if (entries.length > 1) {
      const runner = await this.runnerPlatform()
      chosen = entries.find(entry => `${entry.Descriptor?.platform?.os}/${entry.Descriptor?.platform?.architecture}` === runner) ?? chosen
    }
    const manifest = chosen?.SchemaV2Manifest ?? chosen?.OCIManifest
    const digest = chosen?.Descriptor?.digest
    if (digest === undefined) throw new Error(`unexpected output of ${formatDockerCommand(this.manifestArgs(ref))}`)
    const size =
      manifest?.config?.size !== undefined && manifest.layers !== undefined
        ? manifest.layers.reduce((total, layer) => total + (layer.size ?? 0), manifest.config.size)
        : undefined
    return {
      digest,
      ...(manifest?.config?.digest !== undefined && { configDigest: manifest.config.digest }),
      ...(size !== undefined && { size }),
      ...(platforms.length > 0 && { platforms })
    }
  }

  private runnerPlatform(): Promise<string> {
    this.platform ??= this.cli
      .run(['version', '--format', '{{.Server.Os}}/{{.Server.Arch}}'])
      .then(result => result.stdout.trim())
      .catch(() => 'linux/amd64')
    return this.platform
  }

  private isInsecure(host: string): boolean {
    if (/^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$/.test(host)) return true
    if ((this.options.insecureRegistries ?? []).includes(host)) return true
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

  // --- suggestions -------------------------------------------------------

  private async localMissingSuggestion(target: ImageReference, context: VerifyContext): Promise<string> {
    const targetName = familiarName(target)
    const lastComponent = repositoryPath(target).at(-1)
    const local = await this.localTags()
    const sameNameAndTag = local.filter(ref => repositoryPath(ref).at(-1) === lastComponent && ref.tag === target.tag)
    // Prefer a wrongly structured tag in the same registry: that is the usual mistake.
    sameNameAndTag.sort((a, b) => Number(b.registry === target.registry) - Number(a.registry === target.registry))
    const wrong = sameNameAndTag[0]
    if (wrong !== undefined) return `A tag with another structure is local: docker tag ${familiarName(wrong)} ${targetName}`
    if (context.source !== undefined && (await this.localImage(familiarName(context.source))) !== undefined) {
      return `The source is local: docker tag ${familiarName(context.source)} ${targetName} (or run mode: mirror with pull: never)`
    }
    const sameName = local.find(ref => repositoryPath(ref).at(-1) === lastComponent && ref.registry === target.registry)
    if (sameName !== undefined) {
      return `Only ${familiarName(sameName)} is local; if it is the same image: docker tag ${familiarName(sameName)} ${targetName}`
    }
    if (context.kind === 'service') return `Build it: run mode: build (the image is built as ${targetName})`
    const pull = context.source !== undefined ? `docker pull ${familiarName(context.source)}` : 'pull the source image'
    return `Not in the local daemon: ${pull} or docker load it, then run mode: mirror with pull: never`
  }

  private async registryMissingSuggestion(target: ImageReference, context: VerifyContext): Promise<string> {
    const targetName = familiarName(target)
    try {
      if ((await this.localImage(targetName)) !== undefined) return `It is in the local daemon but not pushed: docker push ${targetName}`
    } catch {
      // The daemon is not needed for a registry verification; fall through to the generic advice.
    }
    if (context.kind === 'service') return `Build and push it: run mode: build with push: true`
    const source = context.source !== undefined ? ` (copies ${familiarName(context.source)})` : ''
    return `Mirror it: run mode: mirror${source}`
  }

  private async localTags(): Promise<ImageReference[]> {
    const result = await this.cli.run(['images', '--format', '{{.Repository}}:{{.Tag}}'])
    const refs: ImageReference[] = []
    for (const line of result.stdout.split('\n')) {
      const text = line.trim()
      if (text === '' || text.includes('<none>')) continue
      const parsed = tryParseReference(text)
      if ('ref' in parsed) refs.push(parsed.ref)
    }
    return refs
  }

  // --- results -----------------------------------------------------------

  private async planned(phase: PhaseResult['phase'], started: number, record: () => Promise<void>): Promise<PhaseResult> {
    const before = this.cli.commands.length
    await record()
    return {
      phase,
      status: 'planned',
      durationMs: Date.now() - started,
      log: `dry run, would run:\n${this.cli.commands.slice(before).join('\n')}`
    }
  }

  private failed(
    phase: PhaseResult['phase'],
    started: number,
    step: string,
    error: unknown,
    images: { source?: ImageReference; target?: ImageReference }
  ): PhaseResult {
    const cause = error instanceof LoginError || error instanceof MirrorMissError ? error.cause : error
    const reason = error instanceof MirrorMissError ? error.message : cause instanceof DockerCommandError ? cause.reason : cause instanceof Error ? cause.message : String(cause)
    const log = cause instanceof DockerCommandError ? cause.output.slice(-LOG_LIMIT) : undefined
    const suggestion =
      error instanceof MirrorMissError && images.source !== undefined
        ? notFoundSuggestion(images.source)
        : suggestFix(phase, step, cause, images, error instanceof LoginError, this.retryPolicy.attempts)
    return {
      phase,
      status: 'failed',
      durationMs: Date.now() - started,
      error: `${step} failed: ${reason}`,
      ...(log !== undefined && log !== '' && { log }),
      ...(suggestion !== undefined && { suggestion })
    }
  }
}

/** A Docker Hub image the registry mirror does not have, after docker's own fallback failed too. */
class MirrorMissError extends Error {
  constructor(
    readonly mirrorHost: string,
    override readonly cause: DockerCommandError
  ) {
    super(`not in the registry mirror ${mirrorHost}, and docker's fallback failed: ${cause.reason}`)
    this.name = 'MirrorMissError'
  }
}

class LoginError extends Error {
  constructor(
    readonly host: string,
    override readonly cause: unknown
  ) {
    super(`docker login to ${host} failed`)
    this.name = 'LoginError'
  }
}

function suggestFix(
  phase: PhaseResult['phase'],
  step: string,
  error: unknown,
  images: { source?: ImageReference; target?: ImageReference },
  duringLogin: boolean,
  attempts: number
): string | undefined {
  if (!(error instanceof DockerCommandError)) {
    if (error instanceof Error && /ENOENT/.test(error.message)) return 'Install docker on the runner, or use engine: registry'
    return undefined
  }
  const kind = classifyDockerFailure(error)
  const target = images.target
  const source = images.source
  const pulling = step.startsWith('pull ')
  if (kind === 'unauthorized') {
    if (duringLogin) return `Check the username and password (or source-username/source-password for Docker Hub) for ${step.replace(/^log in to /, '')}`
    if (pulling && source !== undefined) {
      return `Log in to ${source.registry} (inputs source-username/source-password for Docker Hub) or check that ${familiarName(source)} is public`
    }
    if (target !== undefined) return `Check that the credentials for ${target.registry} (inputs username/password) may push to ${repositoryName(target)}`
  }
  if (kind === 'not-found' && pulling && source !== undefined) return notFoundSuggestion(source)
  if (kind === 'transient') return `The registry did not answer after ${attempts} attempts: check that it is reachable, then run again`
  if (phase === 'build') return 'Fix the build error shown in the log (docker build output)'
  return undefined
}

function notFoundSuggestion(source: ImageReference): string {
  return `${familiarName(source)} does not exist where docker looked: check its name and tag; an image that cannot be pulled here can be loaded (docker load) and mirrored with pull: missing or never`
}

/** A resolved FROM/COPY --from/--mount reference → its mirrored target, when the plan mirrors it. */
function mirroredBase(text: string, baseTargets: ReadonlyMap<string, string>): string | undefined {
  const parsed = tryParseReference(text)
  if (!('ref' in parsed)) return undefined
  return baseTargets.get(formatReference(parsed.ref))
}

interface Platform {
  os?: string
  architecture?: string
  variant?: string
}

interface ImageManifest {
  config?: { digest?: string; size?: number }
  layers?: Array<{ size?: number }>
}

/** One entry of `docker manifest inspect --verbose`. */
interface VerboseManifest {
  Descriptor?: { digest?: string; size?: number; platform?: Platform }
  SchemaV2Manifest?: ImageManifest
  OCIManifest?: ImageManifest
}
