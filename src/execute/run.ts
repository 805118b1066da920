/**
 * The edge of the execute stage: picks the engines the settings ask for,
 * scopes credentials to the hosts they belong to, runs the selected jobs and
 * turns the phases into one result per plan image, with advice for failures.
 */
import type { ImageResult, ImageStatus, PhaseResult, Plan, PlannedImage } from '../model.js'
import { DOCKER_HUB } from '../reference.js'
import type { Settings } from '../settings.js'
import type { JobSet } from '../plan/jobs.js'
import type { Credentials } from '../engine/port.js'
import { DockerEngine } from '../engine/docker/engine.js'
import { RegistryEngine } from '../engine/registry/engine.js'
import { adviseFailure } from '../report/advice.js'
import { executeJobs, type Engines, type ProgressSink } from './execute.js'

export type { ProgressSink } from './execute.js'

/** Requests and bytes per registry host, as the registry engine counted them. */
export type RegistryTraffic = Record<string, { requests: number; bytesSent: number; bytesReceived: number }>

export interface Execution {
  results: ImageResult[]
  /** Present when the registry engine ran. */
  registries?: RegistryTraffic
}

/**
 * Credentials by host, each only where it belongs: the target's to the
 * `registry` host, the source's to Docker Hub only (a registry-mirror is
 * another party's server: it gets no Docker Hub password).
 */
export function credentialsByHost(settings: Pick<Settings, 'registry' | 'targetCredentials' | 'sourceCredentials' | 'registryMirror'>): Map<string, Credentials> {
  const byHost = new Map<string, Credentials>()
  if (settings.sourceCredentials !== undefined) byHost.set(DOCKER_HUB, settings.sourceCredentials)
  if (settings.targetCredentials !== undefined && settings.registry !== undefined) byHost.set(settings.registry.registry, settings.targetCredentials)
  return byHost
}

export async function executeSettings(plan: Plan, jobs: JobSet, settings: Settings, progress: ProgressSink, signal?: AbortSignal): Promise<Execution> {
  const credentials = credentialsByHost(settings)
  const docker = new DockerEngine({
    pull: settings.pull,
    push: settings.push,
    credentials,
    insecureRegistries: settings.insecureRegistries,
    ...(settings.registryMirror !== undefined && { registryMirror: settings.registryMirror }),
    retry: { attempts: settings.retries + 1, baseDelayMs: 500, maxDelayMs: 15000 },
    onRetry: message => progress.info(message)
  })
  const registry =
    settings.engine === 'registry'
      ? new RegistryEngine({
          credentials,
          ...(settings.registryMirror !== undefined && { registryMirror: settings.registryMirror }),
          ...(settings.caFile !== undefined && { caFile: settings.caFile }),
          insecureRegistries: settings.insecureRegistries,
          concurrency: settings.concurrency,
          retries: settings.retries,
          platforms: settings.platforms,
          copyReferrers: settings.copyReferrers
        })
      : undefined
  const engines: Engines = {
    copy: registry ?? docker,
    build: docker,
    lookup: settings.verifyFrom === 'local' ? docker.localLookup() : (registry ?? docker)
  }
  try {
    const phases = await executeJobs(
      jobs,
      { dryRun: settings.dryRun, concurrency: settings.concurrency, buildConcurrency: settings.buildConcurrency, ...(signal !== undefined && { signal }) },
      engines,
      progress
    )
    const results = imageResults(plan.images, phases, {
      engine: settings.engine,
      attempts: settings.retries + 1,
      verifyFrom: settings.verifyFrom
    })
    return { results, ...(registry !== undefined && { registries: registry.stats() }) }
  } finally {
    await Promise.allSettled([docker.close(), ...(registry !== undefined ? [registry.close()] : [])])
  }
}

/** One result per plan image: its phases with advice, and the status that sums them up. */
export function imageResults(
  images: readonly PlannedImage[],
  phases: ReadonlyMap<string, PhaseResult[]>,
  context: { engine: 'docker' | 'registry'; attempts: number; verifyFrom: 'registry' | 'local' }
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
