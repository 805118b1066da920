/**
 * The execute stage: schedules jobs on the engines and returns what happened
 * to each image, phase by phase. Nothing is lost: a job that fails becomes a
 * failed phase of its own image, never an exception that hides the others.
 *
 * - mirror: each MirrorJob: prepare (reads, `readConcurrency` at a time), then
 *   copy (`concurrency` at a time), so the HEADs of a no-op re-run are not
 *   queued behind one another image by image;
 * - build: each BuildJob, `buildConcurrency` at a time, then its push
 *   (`concurrency` at a time); a failed build is not pushed;
 * - verify: each VerifyJob (`readConcurrency` at a time), except images that
 *   already failed in this run.
 *
 * Dry run is the same code stopping before the first write: a copy is
 * prepared (reads only) and its steps printed; builds, pushes and lookups
 * print the commands they would run. Each job records into its own list, so an
 * image's commands appear once, under its own progress line and in its result.
 */
import { setMaxListeners } from 'node:events'
import type { Failure, PhaseName, PhaseResult } from '../model.js'
import { familiarName } from '../reference.js'
import type { BuildJob, JobSet, MirrorJob, VerifyJob } from '../plan/jobs.js'
import { EngineFailure, type CopyPort, type OperationContext } from '../engine/port.js'
import type { BuildPort } from '../engine/docker/build-port.js'
import { mapConcurrent, Semaphore } from '../engine/pool.js'
import { plural } from '../report/report.js'

export interface ExecuteOptions {
  dryRun: boolean
  /** Copies and pushes in flight at once. */
  concurrency: number
  /**
   * Reads in flight at once: the lookups that prepare a copy and verify's.
   * Default: `concurrency`. Registry reads are cheap HEADs whose real
   * concurrency each origin's connection pool bounds anyway.
   */
  readConcurrency?: number
  /** Builds at once. */
  buildConcurrency: number
  /** Cancels everything in flight (SIGTERM, the job's timeout). */
  signal?: AbortSignal
  /** A build silent this long gets a line saying it still runs, and again after each such silence (default 30 s). */
  heartbeatMs?: number
}

const DEFAULT_HEARTBEAT_MS = 30_000

/** Where progress goes; the front ends bind it to core.group / core.info or stderr. */
export interface ProgressSink {
  group<T>(name: string, fn: () => Promise<T>): Promise<T>
  info(line: string): void
}

export interface Engines {
  /** Copies base images; absent when the mode copies nothing. */
  copy?: CopyPort
  /** Builds and pushes service images; absent when no engine can build here. */
  build?: BuildPort
  /** Where verify looks. */
  lookup?: Pick<CopyPort, 'describeLookup' | 'lookup'>
}

/** Phases per image, keyed by the plan image's normalised source. */
export type PhaseResults = Map<string, PhaseResult[]>

export async function executeJobs(jobs: JobSet, options: ExecuteOptions, engines: Engines, progress: ProgressSink): Promise<PhaseResults> {
  const results: PhaseResults = new Map()
  const add = (image: string, result: PhaseResult): void => {
    results.set(image, [...(results.get(image) ?? []), result])
  }
  const signal = options.signal ?? new AbortController().signal
  // Every request in flight listens to the run's signal (readConcurrency prepares at once, each
  // removing its listener when done): past node's default of 10 that is no leak to warn about.
  setMaxListeners(0, signal)
  for (const blocked of jobs.blocked) add(blocked.image, failedResult(blocked.failure.phase, 0, blocked.failure, []))

  if (jobs.mirror.length > 0) {
    await progress.group(`Mirror ${plural(jobs.mirror.length, 'base image')}`, async () => {
      const report = reporter(jobs.mirror.length, progress, options.dryRun)
      const slots = { read: new Semaphore(options.readConcurrency ?? options.concurrency), copy: new Semaphore(options.concurrency) }
      await Promise.all(
        jobs.mirror.map(async job => {
          const result = await mirror(job, engines.copy, options.dryRun, signal, slots)
          add(job.image, result)
          report(result, familiarName(job.source))
        })
      )
    })
  }

  const builds = jobs.build.filter(job => !hasFailed(results.get(job.image)))
  if (builds.length > 0) {
    const pushes = builds.filter(job => job.push).length
    const title = `Build ${plural(builds.length, 'service image')}${pushes > 0 ? ` and push ${pushes === 1 ? 'it' : 'them'}` : ''}`
    await progress.group(title, async () => {
      // Which builder builds, said once: every job carries the one the engine found.
      const builder = builds[0]?.command.builder
      if (builder !== undefined) progress.info(`Builder: ${builder.description}`)
      const report = reporter(builds.length + pushes, progress, options.dryRun)
      const buildSlots = new Semaphore(options.buildConcurrency)
      const pushSlots = new Semaphore(options.concurrency)
      await Promise.all(
        builds.map(async job => {
          const { result: built, pushedDigest } = await buildSlots.run(() => build(job, engines.build, options.dryRun, signal, progress, options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS))
          add(job.image, built)
          report(built, familiarName(job.target))
          if (!job.push) return
          const pushed: PhaseResult =
            built.status === 'failed' || built.status === 'skipped'
              ? { phase: 'push', status: 'skipped', durationMs: 0, error: `not pushed: the build ${built.status === 'failed' ? 'failed' : 'was skipped'}` }
              : job.command.push === true
                ? pushedByBuild(built, pushedDigest)
                : await pushSlots.run(() => push(job, engines.build as BuildPort, options.dryRun, signal))
          add(job.image, pushed)
          report(pushed, familiarName(job.target))
        })
      )
    })
  }

  if (jobs.verify.length > 0) {
    await progress.group(`Verify ${plural(jobs.verify.length, 'image')}`, async () => {
      const report = reporter(jobs.verify.length, progress, options.dryRun)
      await mapConcurrent(jobs.verify, options.readConcurrency ?? options.concurrency, async job => {
        const earlier = (results.get(job.image) ?? []).find(phase => phase.status === 'failed')
        const result: PhaseResult =
          earlier !== undefined
            ? { phase: 'verify', status: 'skipped', durationMs: 0, error: `not verified: the ${earlier.phase} failed` }
            : await verify(job, engines.lookup, options.dryRun, signal)
        add(job.image, result)
        report(result, familiarName(job.target))
      })
    })
  }
  return results
}

async function mirror(
  job: MirrorJob,
  engine: CopyPort | undefined,
  dryRun: boolean,
  signal: AbortSignal,
  slots: { read: Semaphore; copy: Semaphore }
): Promise<PhaseResult> {
  const { context, commands } = operationContext(signal)
  if (engine === undefined) return unsupported('mirror', 'no engine here can copy images')
  let started = Date.now()
  try {
    const prepared = await slots.read.run(() => {
      started = Date.now()
      return engine.prepareCopy(job.source, job.target, context)
    })
    if (prepared.done === undefined && dryRun) {
      return { phase: 'mirror', status: 'planned', durationMs: Date.now() - started, commands: prepared.steps }
    }
    const outcome = prepared.done ?? (await slots.copy.run(() => engine.copy(prepared, context)))
    return {
      phase: 'mirror',
      status: outcome.status,
      durationMs: Date.now() - started,
      ...(outcome.digest !== undefined && { digest: outcome.digest }),
      ...(outcome.size !== undefined && { size: outcome.size }),
      ...(outcome.platforms !== undefined && { platforms: outcome.platforms }),
      ...(outcome.bytesTransferred !== undefined && { bytesTransferred: outcome.bytesTransferred }),
      ...(outcome.bytesSkipped !== undefined && { bytesSkipped: outcome.bytesSkipped }),
      ...(commands.length > 0 && { commands })
    }
  } catch (error) {
    return failedResult('mirror', Date.now() - started, failureOf(error, 'mirror'), commands, logOf(error))
  }
}

async function build(
  job: BuildJob,
  engine: BuildPort | undefined,
  dryRun: boolean,
  signal: AbortSignal,
  progress: ProgressSink,
  heartbeatMs: number
): Promise<{ result: PhaseResult; pushedDigest?: string }> {
  if (engine === undefined) return { result: unsupported('build', 'only the docker engine builds images, and docker is not available to this run') }
  const request = { command: job.command, pullsFrom: job.pullsFrom }
  if (dryRun) return { result: { phase: 'build', status: 'planned', durationMs: 0, commands: engine.describeBuild(request) } }
  // Concurrent builds interleave their output: each line names its image.
  const name = familiarName(job.target)
  let heard = false
  const started = Date.now()
  let lastOutput = started
  // BuildKit prints RUN lines with ARG values substituted: build-arg values never reach the log or the report.
  const redact = buildArgRedactor(job.command.args)
  const { context, commands } = operationContext(signal, line => {
    heard = true
    lastOutput = Date.now()
    progress.info(`    ${name} | ${redact(line)}`)
  })
  // A long silent step (a RUN that compiles) still shows the build is alive: a line per silent interval.
  const heartbeat = setInterval(() => {
    const now = Date.now()
    if (!heard) progress.info(`    ${name} | … still building (${elapsed(now - started)}, no output for ${elapsed(now - lastOutput)})`)
    heard = false
  }, heartbeatMs)
  heartbeat.unref()
  try {
    const built = await engine.build(request, context)
    return {
      result: { phase: 'build', status: 'built', durationMs: Date.now() - started, ...(built.imageId !== undefined && { digest: built.imageId }), commands },
      ...(built.pushedDigest !== undefined && { pushedDigest: built.pushedDigest })
    }
  } catch (error) {
    const log = logOf(error)
    const failure = failureOf(error, 'build')
    return { result: failedResult('build', Date.now() - started, { ...failure, message: redact(failure.message) }, commands, log === undefined ? undefined : redact(log)) }
  } finally {
    clearInterval(heartbeat)
  }
}

/**
 * Replaces build-arg values in text with `***`. Values shorter than 4
 * characters are left: masking `1` or `on` everywhere would make the log
 * unreadable, and such values carry no secret.
 */
export function buildArgRedactor(args: Readonly<Record<string, string>>): (text: string) => string {
  const values = [...new Set(Object.values(args))].filter(value => value.length >= 4).sort((a, b) => b.length - a.length)
  if (values.length === 0) return text => text
  const pattern = new RegExp(values.map(value => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g')
  return text => text.replace(pattern, '***')
}

/** With `docker buildx build --push` the build pushed: the push phase reports its digest and runs nothing. */
function pushedByBuild(built: PhaseResult, digest: string | undefined): PhaseResult {
  const note = 'pushed by the build (docker buildx build --push)'
  if (built.status === 'planned') return { phase: 'push', status: 'planned', durationMs: 0, commands: [note] }
  return { phase: 'push', status: 'pushed', durationMs: 0, ...(digest !== undefined && { digest }), commands: [note] }
}

function elapsed(ms: number): string {
  const seconds = Math.round(ms / 1000)
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`
}

async function push(job: BuildJob, engine: BuildPort, dryRun: boolean, signal: AbortSignal): Promise<PhaseResult> {
  if (dryRun) return { phase: 'push', status: 'planned', durationMs: 0, commands: engine.describePush(job.target) }
  const { context, commands } = operationContext(signal)
  const started = Date.now()
  try {
    const pushed = await engine.push(job.target, context)
    return { phase: 'push', status: 'pushed', durationMs: Date.now() - started, ...(pushed.digest !== undefined && { digest: pushed.digest }), commands }
  } catch (error) {
    return failedResult('push', Date.now() - started, failureOf(error, 'push'), commands, logOf(error))
  }
}

async function verify(job: VerifyJob, engine: Engines['lookup'], dryRun: boolean, signal: AbortSignal): Promise<PhaseResult> {
  if (engine === undefined) return unsupported('verify', 'no engine here can look images up')
  if (dryRun) return { phase: 'verify', status: 'planned', durationMs: 0, commands: engine.describeLookup(job.target) }
  const { context, commands } = operationContext(signal)
  const started = Date.now()
  try {
    const found = await engine.lookup(job.target, context)
    if (found.status === 'verified') {
      return {
        phase: 'verify',
        status: 'verified',
        durationMs: Date.now() - started,
        ...(found.digest !== undefined && { digest: found.digest }),
        ...(found.size !== undefined && { size: found.size }),
        ...(found.platforms !== undefined && { platforms: found.platforms })
      }
    }
    const failure: Failure = {
      kind: 'not-found',
      side: 'target',
      phase: 'verify',
      host: job.target.registry,
      message: `not in ${job.target.registry}`,
      ...(found.hint !== undefined && { hint: found.hint })
    }
    return { phase: 'verify', status: 'missing', durationMs: Date.now() - started, error: failure.message, failure }
  } catch (error) {
    return failedResult('verify', Date.now() - started, failureOf(error, 'verify'), commands, logOf(error))
  }
}

function operationContext(signal: AbortSignal, output?: (line: string) => void): { context: OperationContext; commands: string[] } {
  const commands: string[] = []
  return { context: { signal, record: line => commands.push(line), ...(output !== undefined && { output }) }, commands }
}

/** Any error becomes a typed failure; an engine that threw something untyped is 'other' on this machine. */
export function failureOf(error: unknown, phase: PhaseName): Failure {
  if (error instanceof EngineFailure) {
    return { kind: error.kind, side: error.side, phase, message: error.message, ...(error.details.host !== undefined && { host: error.details.host }) }
  }
  return { kind: 'other', side: 'local', phase, message: error instanceof Error ? error.message : String(error) }
}

function logOf(error: unknown): string | undefined {
  return error instanceof EngineFailure ? error.details.log : undefined
}

function failedResult(phase: PhaseName, durationMs: number, failure: Failure, commands: string[], log?: string): PhaseResult {
  return {
    phase,
    status: 'failed',
    durationMs,
    error: failure.message,
    failure,
    ...(commands.length > 0 && { commands }),
    ...(log !== undefined && log !== '' && { log })
  }
}

function unsupported(phase: PhaseName, message: string): PhaseResult {
  return { phase, status: 'skipped', durationMs: 0, error: message }
}

function hasFailed(phases: PhaseResult[] | undefined): boolean {
  return (phases ?? []).some(phase => phase.status === 'failed')
}

const VERBS: Record<PhaseResult['status'], string> = {
  planned: 'would',
  unmapped: 'unmapped',
  mirrored: 'mirrored',
  'already-present': 'already present',
  built: 'built',
  pushed: 'pushed',
  verified: 'verified',
  exported: 'exported',
  imported: 'imported',
  missing: 'missing',
  failed: 'failed',
  skipped: 'skipped'
}

/**
 * `[7/15] mirrored postgres:15-alpine in 3.2s`, one line per finished step in
 * completion order; below it, this step's own commands when they matter (a
 * dry run, a failure).
 */
function reporter(total: number, progress: ProgressSink, dryRun: boolean): (result: PhaseResult, name: string) => void {
  let done = 0
  return (result, name) => {
    done += 1
    const verb = result.status === 'planned' ? `would ${result.phase}` : result.status === 'failed' ? `failed to ${result.phase}` : VERBS[result.status]
    let line = `[${done}/${total}] ${verb} ${name}`
    if (result.status !== 'planned') line += ` in ${(result.durationMs / 1000).toFixed(1)}s`
    if (result.error !== undefined && result.status !== 'planned') line += `: ${result.error}`
    progress.info(line)
    if (dryRun || result.status === 'failed') for (const command of result.commands ?? []) progress.info(`    ${command}`)
  }
}
