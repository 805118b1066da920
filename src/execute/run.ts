/**
 * Chooses the engines the settings ask for and runs the plan through them.
 * The docker engine builds, and verifies from the local daemon; the registry
 * engine, when chosen, copies and verifies registry to registry.
 */
import type { ImageResult, Plan } from '../model.js'
import type { Settings } from '../settings.js'
import { DockerEngine, dockerEngineOptions } from '../engine/docker/engine.js'
import { RegistryEngine } from '../engine/registry/engine.js'
import { executeOptionsFromSettings, executePlan, type ProgressSink } from './execute.js'

export type { ProgressSink } from './execute.js'

/** Requests and bytes per registry host, as the registry engine counted them. */
export type RegistryTraffic = Record<string, { requests: number; bytesSent: number; bytesReceived: number }>

export interface Execution {
  results: ImageResult[]
  /** Present when the registry engine ran. */
  registries?: RegistryTraffic
}

export async function executeSettings(plan: Plan, settings: Settings, progress: ProgressSink): Promise<Execution> {
  const docker = new DockerEngine({ ...dockerEngineOptions(settings, plan), onRetry: message => progress.info(message) })
  const registry =
    settings.engine === 'registry'
      ? new RegistryEngine({
          ...(settings.targetCredentials !== undefined && { targetCredentials: settings.targetCredentials }),
          ...(settings.sourceCredentials !== undefined && { sourceCredentials: settings.sourceCredentials }),
          ...(settings.registryMirror !== undefined && { registryMirror: settings.registryMirror }),
          ...(settings.caFile !== undefined && { caFile: settings.caFile }),
          insecureRegistries: settings.insecureRegistries,
          concurrency: settings.concurrency,
          retries: settings.retries,
          platforms: settings.platforms,
          copyReferrers: settings.copyReferrers
        })
      : undefined
  const mirror = registry ?? docker
  const verify = settings.verifyFrom === 'local' ? docker : mirror
  try {
    const results = await executePlan(plan, executeOptionsFromSettings(settings), { mirror, build: docker, verify }, progress)
    return { results, ...(registry !== undefined && { registries: registry.stats() }) }
  } finally {
    await Promise.allSettled([docker.close(), ...(registry !== undefined ? [registry.close()] : [])])
  }
}
