/**
 * The edge of the execute stage: picks the engines the settings ask for,
 * scopes credentials to the hosts they belong to, runs the selected jobs and
 * turns the phases into one result per plan image, with advice for failures.
 *
 * Engines (engine: auto, the default): the registry engine copies and
 * verifies; docker builds, retags offline (pull: never, push: false) and
 * verifies with verify-from: local. Every docker command and the registry
 * engine use a private DOCKER_CONFIG (src/docker-config.ts): the action's
 * front end makes it (its post step removes it too), else it is made and
 * removed here. The registry engine reads the daemon's registry-mirrors and
 * insecure-registries when the inputs do not name them.
 */
import type { Finding, ImageResult, ImageStatus, PhaseResult, Plan, PlannedImage } from '../model.js'
import { formatReference } from '../reference.js'
import { copyEngine, credentialsByHost, type Settings } from '../settings.js'
import { createPrivateDockerConfig, type PrivateDockerConfig } from '../docker-config.js'
import { DockerCli } from '../engine/docker/cli.js'
import { daemonRegistryConfig } from '../engine/docker/daemon.js'
import type { JobSet } from '../plan/jobs.js'
import { EngineFailure, type CopyPort, type PreparedCopy } from '../engine/port.js'
import { DockerEngine } from '../engine/docker/engine.js'
import { RegistryEngine } from '../engine/registry/engine.js'
import { adviseFailure } from '../report/advice.js'
import type { CacheOutcome } from '../report/report.js'
import { executeJobs, type Engines, type ProgressSink } from './execute.js'
import { cacheFindings, cacheUse, RunCache } from './cache.js'

export type { ProgressSink } from './execute.js'

/** Requests and bytes per registry host, as the registry engine counted them. */
export type RegistryTraffic = Record<string, { requests: number; bytesSent: number; bytesReceived: number }>

export interface Execution {
  results: ImageResult[]
  /** Present when a registry was contacted through the registry engine's clients. */
  registries?: RegistryTraffic
  /** What the run learned that the plan could not know (a multi-platform source copied by docker). */
  findings?: Finding[]
  /** What cache: true restored and served. */
  cache?: CacheOutcome
}

export async function executeSettings(plan: Plan, jobs: JobSet, settings: Settings, progress: ProgressSink, signal?: AbortSignal): Promise<Execution> {
  const credentials = credentialsByHost(settings)
  const own: PrivateDockerConfig | undefined =
    settings.privateDockerConfig === undefined ? createPrivateDockerConfig({ userDir: settings.userDockerConfig, loginHosts: [...credentials.keys()] }) : undefined
  const dockerConfig = settings.privateDockerConfig ?? (own as PrivateDockerConfig).dir
  const dockerEnv = { DOCKER_CONFIG: dockerConfig }
  const cli = new DockerCli({ env: dockerEnv })
  const copyWith = copyEngine(settings)
  let docker: DockerEngine | undefined
  let registry: RegistryEngine | undefined
  // cache: true: the registry engine reads and fills the run's blob cache, restored once every copy is prepared.
  const caching = cacheUse(settings)
  const cache = caching.on ? new RunCache(settings, progress) : undefined
  try {
    const network = await registryNetwork(settings, cli, dockerConfig, progress, signal)
    registry = new RegistryEngine({
      credentials,
      ...(network.registryMirror !== undefined && { registryMirror: network.registryMirror }),
      ...(settings.caFile !== undefined && { caFile: settings.caFile }),
      insecureRegistries: network.insecureRegistries,
      concurrency: settings.concurrency,
      retries: settings.retries,
      platforms: settings.platforms,
      copyReferrers: settings.copyReferrers,
      dockerConfigDir: dockerConfig,
      ...(cache !== undefined && { cache: cache.blobs })
    })
    docker = new DockerEngine({
      cli,
      env: dockerEnv,
      pull: settings.pull,
      push: settings.push,
      credentials,
      insecureRegistries: network.insecureRegistries,
      ...(network.registryMirror !== undefined && { registryMirror: network.registryMirror }),
      registries: registry.clients,
      retry: { attempts: settings.retries + 1, baseDelayMs: 500, maxDelayMs: 15000 },
      onRetry: message => progress.info(message)
    })
    const copy = copyWith === 'docker' ? docker : settings.engine === 'auto' ? autoCopy(registry, docker) : registry
    const engines: Engines = {
      copy: cache === undefined ? copy : await cache.copies(copy, jobs.mirror, registryReads(settings), signal ?? new AbortController().signal),
      build: docker,
      lookup: settings.verifyFrom === 'local' ? docker.localLookup() : settings.engine === 'docker' ? docker : registry
    }
    const phases = await executeJobs(
      jobs,
      {
        dryRun: settings.dryRun,
        concurrency: settings.concurrency,
        readConcurrency: registryReads(settings),
        buildConcurrency: settings.buildConcurrency,
        ...(signal !== undefined && { signal })
      },
      engines,
      progress
    )
    const results = imageResults(plan.images, phases, {
      engine: copyWith,
      attempts: settings.retries + 1,
      verifyFrom: settings.verifyFrom
    })
    const cached = cache?.finish(signal?.aborted === true)
    const traffic = registry.stats()
    const findings = [...cacheFindings(caching), ...(copyWith === 'docker' ? singlePlatformWarnings(docker) : [])]
    return {
      results,
      ...(Object.keys(traffic).length > 0 && { registries: traffic }),
      ...(findings.length > 0 && { findings }),
      ...(cached !== undefined && { cache: cached })
    }
  } finally {
    await Promise.allSettled([docker?.close(), registry?.close()])
    own?.remove()
  }
}

/**
 * engine: auto copies through the registry engine; a source it cannot read
 * (a name only `docker load` put on this machine, an unreachable registry)
 * that the local daemon has is copied by docker instead, as `pull: missing`
 * does with engine docker. The first step says why.
 */
export function autoCopy(registry: CopyPort, docker: DockerEngine): CopyPort {
  return {
    name: 'registry',
    describeLookup: target => registry.describeLookup(target),
    lookup: (target, context) => registry.lookup(target, context),
    close: async () => undefined,
    async prepareCopy(source, target, context) {
      try {
        return await registry.prepareCopy(source, target, context)
      } catch (error) {
        if (!(error instanceof EngineFailure) || error.side !== 'source' || error.kind === 'cancelled' || context.signal.aborted) throw error
        const local = await docker
          .localLookup()
          .lookup(source, context)
          .catch(() => undefined)
        if (local?.status !== 'verified') throw error
        const prepared = await docker.prepareCopy(source, target, context)
        return {
          ...prepared,
          steps: [`the registry engine cannot read ${formatReference(source)} (${error.message}); the local docker image is copied instead`, ...prepared.steps],
          state: new DockerFallback(prepared)
        }
      }
    },
    copy: (prepared, context) => (prepared.state instanceof DockerFallback ? docker.copy(prepared.state.prepared, context) : registry.copy(prepared, context))
  }
}

/** A copy engine: auto prepared with docker. */
class DockerFallback {
  constructor(readonly prepared: PreparedCopy) {}
}

/**
 * Registry reads (the HEADs preparing a copy, verify's lookups) at once: four
 * times `concurrency`, as each origin's connection pool (`concurrency` sockets)
 * bounds the requests anyway and a queue keeps them busy. Reads through docker
 * start a process each: those stay at `concurrency`.
 */
function registryReads(settings: Pick<Settings, 'concurrency' | 'verifyFrom' | 'engine' | 'pull' | 'push'>): number {
  const throughDocker = copyEngine(settings) === 'docker' || settings.verifyFrom === 'local'
  return throughDocker ? settings.concurrency : Math.min(64, settings.concurrency * 4)
}

/**
 * The Docker Hub mirror and insecure registries of the registry engine: the
 * inputs when given, else what the docker daemon is configured with (when
 * docker is there), so both reach registries the same way.
 */
export async function registryNetwork(
  settings: Pick<Settings, 'registryMirror' | 'insecureRegistries'>,
  cli: DockerCli,
  dockerConfigDir: string,
  progress: Pick<ProgressSink, 'info'>,
  signal?: AbortSignal
): Promise<{ registryMirror?: string; insecureRegistries: string[] }> {
  const given = { ...(settings.registryMirror !== undefined && { registryMirror: settings.registryMirror }), insecureRegistries: settings.insecureRegistries }
  if (settings.registryMirror !== undefined && settings.insecureRegistries.length > 0) return given
  const daemon = await daemonRegistryConfig(cli, { env: process.env, dockerConfigDir, ...(signal !== undefined && { signal }) })
  if (daemon === undefined) return given
  const registryMirror = settings.registryMirror ?? daemon.mirrors[0]
  const insecureRegistries = settings.insecureRegistries.length > 0 ? settings.insecureRegistries : daemon.insecureRegistries
  if (settings.registryMirror === undefined && registryMirror !== undefined) {
    progress.info(`Docker Hub reads go through the docker daemon's registry mirror ${registryMirror} (the registry-mirror input overrides it)`)
  }
  if (settings.insecureRegistries.length === 0 && insecureRegistries.length > 0) {
    progress.info(`The docker daemon's insecure registries are reached without TLS verification: ${insecureRegistries.join(', ')} (the insecure-registries input overrides them)`)
  }
  return { ...(registryMirror !== undefined && { registryMirror }), insecureRegistries }
}

/** engine: docker keeps the daemon's platform of a multi-platform source: a warning per image, never silence. */
function singlePlatformWarnings(docker: DockerEngine): Finding[] {
  return docker.singlePlatformCopies().map(({ source, target }) => ({
    kind: 'invalid-config' as const,
    severity: 'warning' as const,
    image: formatReference(source),
    message: `${formatReference(source)} has several platforms, but the docker engine copies only the docker daemon's platform: ${formatReference(target)} keeps one platform only`,
    suggestion: "Use engine: auto (the default) or engine: registry to copy every platform with its exact digest (platforms chooses some)"
  }))
}

/** One result per plan image: its phases with advice, and the status that sums them up. */
export function imageResults(
  images: readonly PlannedImage[],
  phases: ReadonlyMap<string, PhaseResult[]>,
  context: { engine: 'docker' | 'registry'; attempts: number; verifyFrom: 'registry' | 'local' | 'bundle' }
): ImageResult[] {
  return images.map(image => {
    const advised = (phases.get(image.source) ?? []).map(phase => {
      if (phase.failure === undefined || phase.suggestion !== undefined) return phase
      const suggestion = adviseFailure(phase.failure, {
        imageKind: image.kind,
        source: image.ref,
        ...(image.targetRef !== undefined && { target: image.targetRef }),
        ...context
      })
      return suggestion === undefined ? phase : { ...phase, suggestion }
    })
    return { image, status: finalStatus(image, advised), phases: advised }
  })
}

/** Unmapped and excluded images were never attempted; otherwise the first failure, else the last phase's status. */
function finalStatus(image: PlannedImage, phases: PhaseResult[]): ImageStatus {
  if (image.mapping !== 'mapped') return image.mapping === 'excluded' ? 'skipped' : 'unmapped'
  if (phases.some(phase => phase.status === 'failed')) return 'failed'
  return phases[phases.length - 1]?.status ?? 'skipped'
}
