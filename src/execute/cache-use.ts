/**
 * Whether `cache: true` applies to a run, decided from the settings alone
 * (the front end asks before any work, to leave the post step its state; the
 * execute stage asks again). Kept apart from src/execute/cache.ts so the front
 * end loads no engine code for it.
 */
import type { Finding } from '../model.js'
import { dockerCopyCause, type Settings } from '../settings.js'

/** The cache is on, or off with the finding that says why (none when it was not asked for). */
export type CacheUse = { on: true } | { on: false; finding?: Finding }

const OFF = 'cache: true is off for this run'

/** Whether `cache: true` applies to this run: a pure function of the settings. */
export function cacheUse(settings: Pick<Settings, 'cache' | 'cacheService' | 'mode' | 'dryRun' | 'engine' | 'pull' | 'push'>): CacheUse {
  if (!settings.cache) return { on: false }
  const warning = (message: string, suggestion: string): CacheUse => ({ on: false, finding: { kind: 'invalid-config', severity: 'warning', message, suggestion } })
  if (settings.mode !== 'export' && settings.mode !== 'mirror' && settings.mode !== 'all') {
    return warning(`${OFF}: mode ${settings.mode} fetches nothing from sources (the cache serves mode export and mirroring)`, 'Remove cache: true from this step')
  }
  const cause = settings.mode === 'export' ? undefined : dockerCopyCause(settings)
  if (cause !== undefined) {
    const setting = { engine: 'engine: docker', pull: 'pull: never', push: 'push: false' }[cause]
    return warning(
      `${OFF}: with ${setting} copies go through docker, whose image store the cache does not hold`,
      'Use engine auto (the default) or registry to copy through the registry engine, or remove cache: true'
    )
  }
  if (settings.dryRun) return { on: false }
  if (!settings.cacheService) {
    return warning(
      `${OFF}: the Actions cache service is not available here (no ACTIONS_RUNTIME_TOKEN with ACTIONS_CACHE_URL or ACTIONS_RESULTS_URL: a self-hosted runner without it, a container step, or outside GitHub Actions); every image is read from its source`,
      'On a self-hosted runner, keep a registry-mirror (a pull-through cache) instead, or remove cache: true'
    )
  }
  return { on: true }
}

/** The finding that says why cache: true is off, when it was asked for. */
export function cacheFindings(use: CacheUse): Finding[] {
  return !use.on && use.finding !== undefined ? [use.finding] : []
}
