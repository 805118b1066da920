/**
 * The execute stage: runs the phases of a mode over the plan through the
 * engines and returns one result per planned image. Pure except through the
 * engines and the progress sink.
 *
 * - mirror: every base image with a target (identical source → target pairs once),
 *   up to `concurrency` at a time;
 * - build: every service image with a target, built up to `buildConcurrency` at a
 *   time, then pushed (unless `push` is false) up to `concurrency` at a time; an
 *   image whose build failed is not pushed;
 * - verify: every planned target, except images that already failed in this run;
 * - all: mirror, build and push, verify, in that order.
 *
 * One image failing never stops the others: every image ends with a status.
 * Images without a target are 'unmapped' (an unmapped finding names them) or
 * 'skipped' (excluded), never attempted; images no phase of the mode covers are
 * 'skipped' with no phases.
 */
import type { ImageResult, ImageStatus, PhaseResult, Plan, PlannedImage } from '../model.js'
import { familiarName, parseReference, type ImageReference } from '../reference.js'
import type { Mode, Settings } from '../settings.js'
import type { BuildEngine, MirrorEngine } from '../engine/engine.js'
import { mapConcurrent, Semaphore } from '../engine/pool.js'

export interface ExecuteOptions {
  mode: Mode
  /** Push service images after building them (default true). */
  push?: boolean
  /** Pulls, pushes, lookups in flight at once. */
  concurrency: number
  /** Builds at once. */
  buildConcurrency: number
}

/** Where progress goes; main.ts binds it to core.group / core.info. */
export interface ProgressSink {
  group<T>(name: string, fn: () => Promise<T>): Promise<T>
  info(line: string): void
}

export interface ExecuteEngines {
  mirror: MirrorEngine
  /** Absent for engines that cannot build (the registry engine): service images are then skipped. */
  build?: BuildEngine
  /** Where verify looks, when not the mirror engine (verify-from: local with the registry engine). */
  verify?: MirrorEngine
}


type PhaseName = PhaseResult['phase']

export function executeOptionsFromSettings(settings: Settings): ExecuteOptions {
  return { mode: settings.mode, push: settings.push, concurrency: settings.concurrency, buildConcurrency: settings.buildConcurrency }
}

export async function executePlan(plan: Plan, options: ExecuteOptions, engines: ExecuteEngines, progress: ProgressSink): Promise<ImageResult[]> {
  const unmappedSources = new Set(plan.findings.filter(finding => finding.kind === 'unmapped' && finding.image !== undefined).map(finding => finding.image))
  const states = plan.images.map(image => ({ image, target: targetOf(image), phases: [] as PhaseResult[] }))
  const modePhases = phasesOf(options.mode)

  if (modePhases.includes('mirror')) {
    const jobs = states.filter(state => state.image.kind === 'base' && state.target !== undefined)
    // Identical source → target pairs are mirrored once and share the result.
    const byPair = new Map<string, typeof jobs>()
    for (const job of jobs) {
      const key = `${job.image.source}\u0000${job.image.target}`
      byPair.set(key, [...(byPair.get(key) ?? []), job])
    }
    const pairs = [...byPair.values()]
    await progress.group(`Mirror ${pairs.length} base image${plural(pairs.length)}`, async () => {
      const counter = progressCounter(pairs.length, progress)
      await mapConcurrent(pairs, options.concurrency, async group => {
        const first = group[0]!
        const result = await engines.mirror.mirror(first.image.ref, first.target!)
        counter(result, familiarName(first.image.ref))
        for (const job of group) job.phases.push(result)
      })
    })
  }

  if (modePhases.includes('build')) {
    const jobs = states.filter(state => state.image.kind === 'service' && state.target !== undefined)
    const push = options.push ?? true
    await progress.group(`Build ${jobs.length} service image${plural(jobs.length)}${push ? ' and push them' : ''}`, async () => {
      const buildEngine = engines.build
      const steps = jobs.length * (push ? 2 : 1)
      const counter = progressCounter(steps, progress)
      if (buildEngine === undefined) {
        for (const job of jobs) {
          const skipped: PhaseResult = { phase: 'build', status: 'skipped', durationMs: 0, error: `the ${engines.mirror.name} engine cannot build images; use engine: docker` }
          job.phases.push(skipped)
          counter(skipped, familiarName(job.target!))
        }
        return
      }
      const builds = new Semaphore(options.buildConcurrency)
      const pushes = new Semaphore(options.concurrency)
      await Promise.all(
        jobs.map(async job => {
          const target = job.target!
          const built = await builds.run(() => buildEngine.build(job.image, target))
          job.phases.push(built)
          counter(built, familiarName(target))
          if (!push) return
          if (built.status !== 'built' && built.status !== 'planned') {
            const skipped: PhaseResult = { phase: 'push', status: 'skipped', durationMs: 0, error: 'not pushed: the build failed' }
            job.phases.push(skipped)
            counter(skipped, familiarName(target))
            return
          }
          const pushed = await pushes.run(() => buildEngine.push(target))
          job.phases.push(pushed)
          counter(pushed, familiarName(target))
        })
      )
    })
  }

  if (modePhases.includes('verify')) {
    const jobs = states.filter(state => state.target !== undefined)
    const verifier = engines.verify ?? engines.mirror
    const verify = verifier.verify.bind(verifier)
    await progress.group(`Verify ${jobs.length} image${plural(jobs.length)}`, async () => {
      const counter = progressCounter(jobs.length, progress)
      await mapConcurrent(jobs, options.concurrency, async job => {
        const target = job.target!
        const earlier = job.phases.find(phase => phase.status === 'failed')
        const result: PhaseResult =
          earlier !== undefined
            ? { phase: 'verify', status: 'skipped', durationMs: 0, error: `not verified: the ${earlier.phase} failed` }
            : await verify(target, { source: job.image.ref, kind: job.image.kind })
        job.phases.push(result)
        counter(result, familiarName(target))
      })
    })
  }

  return states.map(state => ({
    image: state.image,
    status: finalStatus(state.image, state.phases, state.target !== undefined, unmappedSources),
    phases: state.phases
  }))
}

function phasesOf(mode: Mode): PhaseName[] {
  switch (mode) {
    case 'mirror':
      return ['mirror']
    case 'build':
      return ['build']
    case 'verify':
      return ['verify']
    case 'all':
      return ['mirror', 'build', 'verify']
    default:
      return []
  }
}

function targetOf(image: PlannedImage): ImageReference | undefined {
  if (image.target === null) return undefined
  return image.targetRef ?? parseReference(image.target)
}

/** The first failure, else the last phase's status. */
function finalStatus(image: PlannedImage, phases: PhaseResult[], hasTarget: boolean, unmappedSources: Set<string | undefined>): ImageStatus {
  if (!hasTarget) return unmappedSources.has(image.source) ? 'unmapped' : 'skipped'
  const failure = phases.find(phase => phase.status === 'failed')
  if (failure !== undefined) return 'failed'
  return phases[phases.length - 1]?.status ?? 'skipped'
}

const VERBS: Record<ImageStatus, string> = {
  planned: 'would',
  unmapped: 'unmapped',
  mirrored: 'mirrored',
  'already-present': 'already present',
  built: 'built',
  pushed: 'pushed',
  verified: 'verified',
  missing: 'missing',
  failed: 'failed',
  skipped: 'skipped'
}

/** `[7/15] mirrored postgres:15-alpine in 3.2s`, one line per finished step, in completion order. */
function progressCounter(total: number, progress: ProgressSink): (result: PhaseResult, name: string) => void {
  let done = 0
  return (result, name) => {
    done += 1
    const verb = result.status === 'planned' ? `would ${result.phase}` : result.status === 'failed' ? `failed to ${result.phase}` : VERBS[result.status]
    let line = `[${done}/${total}] ${verb} ${name} in ${(result.durationMs / 1000).toFixed(1)}s`
    if (result.error !== undefined) line += `: ${result.error}`
    progress.info(line)
    if (result.suggestion !== undefined) progress.info(`    suggestion: ${result.suggestion}`)
    // A dry run lists the commands it would have run.
    if (result.status === 'planned' && result.log !== undefined) {
      for (const command of result.log.split('\n').slice(1)) progress.info(`    ${command}`)
    }
  }
}

function plural(count: number): string {
  return count === 1 ? '' : 's'
}
