/**
 * The execute stage of bundles: `mode: export`, `mode: import` and
 * `verify-from: bundle`. Opens the bundle the run reads (downloading a URL
 * into the tool cache first), gives the plan when there is no checkout (the
 * one the bundle recorded, its targets re-based under this run's registry),
 * runs the bundle jobs on the bundle engine, and turns them into one result
 * per plan image like the other modes.
 *
 * Import is check before write twice over: every image is prepared (bundle
 * read, HEADs only) before the first byte is pushed, so a delta whose baseline
 * the target lacks, or a damaged blob, is named before anything moves; the
 * images that pass are then pushed, manifest last.
 */
import { setMaxListeners } from 'node:events'
import * as os from 'node:os'
import * as path from 'node:path'
import type { Failure, Finding, PhaseResult, Plan, PlannedImage } from '../model.js'
import { familiarName, formatReference, parseReference } from '../reference.js'
import { credentialsByHost, type Settings } from '../settings.js'
import { mapInventory } from '../map/mapping.js'
import { loadMappingConfig } from '../map/config.js'
import { planBundleJobs, readsBundle, selectBundleJobs, type ExportJob, type ImportJob } from '../plan/bundle-jobs.js'
import type { JobSet } from '../plan/jobs.js'
import { DockerCli } from '../engine/docker/cli.js'
import { mapConcurrent } from '../engine/pool.js'
import { EngineFailure, type OperationContext } from '../engine/port.js'
import { BundleExportEngine, BundleImportEngine, openBundle, type OpenedBundle, type RegistryAccess } from '../engine/bundle/engine.js'
import { fetchBundle, isBundleUrl, redactUrl } from '../engine/bundle/download.js'
import { BundleVerifier } from '../engine/bundle/verify.js'
import type { BundleExportPort, ExportRequest, PreparedImport, TransferMeter } from '../engine/bundle/port.js'
import { MISSING_BASELINE } from '../engine/bundle/import.js'
import type { RecordedImage } from '../engine/bundle/record.js'
import { executeJobs, failureOf, type ProgressSink } from './execute.js'
import { cacheFindings, cacheUse, RunCache } from './cache.js'
import { imageResults, type Execution, type RegistryTraffic } from './run.js'
import { plural, type CacheOutcome } from '../report/report.js'
import { formatBytes } from '../report/summary.js'

export interface InputBundle {
  /** As the log may show it (a URL without its query). */
  name: string
  bundle?: OpenedBundle
  findings: Finding[]
}

/** Opens the bundle an import or a bundle verify reads; a bundle that cannot be used is a finding, never a crash. */
export async function openInputBundle(settings: Settings, progress: ProgressSink): Promise<InputBundle | undefined> {
  if (!readsBundle(settings)) return undefined
  const location = settings.bundle as string
  const name = isBundleUrl(location) ? redactUrl(location) : displayPath(settings, location)
  return progress.group(`Open the bundle ${name}`, async () => {
    try {
      let local = location
      if (isBundleUrl(location)) {
        const fetched = await fetchBundle(location, { toolCacheDir: settings.toolCacheDir, tempDir: os.tmpdir(), info: line => progress.info(line) })
        local = fetched.path
      }
      const bundle = openBundle(local)
      const carried = bundle.record.images.filter(image => image.carried).length
      progress.info(
        `${name}: ${plural(bundle.record.images.length, 'image')}${carried !== bundle.record.images.length ? ` (${carried} carried, the rest in its baseline ${bundle.record.baseline?.name ?? ''})` : ''}, ${plural(bundle.layout.digests().length, 'blob')}${bundle.recorded ? '' : ' (no image-mirror plan in it: images named by index.json)'}`
      )
      return { name, bundle, findings: [] }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      progress.info(`The bundle cannot be used: ${reason}`)
      return {
        name,
        findings: [
          {
            kind: 'failed',
            severity: 'error',
            message: `The bundle ${name} cannot be used: ${reason}; nothing was ${settings.mode === 'import' ? 'pushed' : 'verified'}`,
            suggestion: 'Copy the bundle again (a transfer may have cut it short), or export it again (mode: export)'
          }
        ]
      }
    }
  })
}

/**
 * The plan when there is no checkout: the bundle's own, targets re-based from
 * the registry it was exported for to this run's; a layout another tool wrote
 * is mapped from the names in its index.json with this run's layout (and
 * mapping file, when one is given).
 */
export function planFromBundle(input: InputBundle, settings: Settings): Plan {
  const bundle = input.bundle
  const registry = settings.registry
  if (bundle === undefined || registry === undefined) return { images: [], findings: [], files: [] }
  const note: Finding = {
    kind: 'scan-note',
    severity: 'notice',
    message: `No repository to scan: the plan is the one in the bundle ${input.name} (${plural(bundle.record.images.length, 'image')})`
  }
  if (!bundle.recorded) {
    const loaded = settings.configFile === undefined ? undefined : loadMappingConfig(settings.configFile, displayPath(settings, settings.configFile))
    const plan = mapInventory(
      {
        images: bundle.record.images.map(image => ({ kind: image.kind, source: image.source, ref: parseReference(image.source), origins: [] })),
        findings: loaded?.findings ?? [],
        files: []
      },
      {
        registry: { registry: registry.registry, namespace: registry.namespace },
        ...(settings.tag !== undefined && { tag: settings.tag }),
        layout: settings.layout,
        layoutFromInput: settings.layoutFromInput,
        ...(settings.flatSeparator !== undefined && { flatSeparator: settings.flatSeparator }),
        ...(settings.strict !== undefined && { strict: settings.strict }),
        ...(loaded !== undefined && { config: loaded.config })
      }
    )
    return { ...plan, findings: [note, ...plan.findings] }
  }
  const images: PlannedImage[] = bundle.record.images.map(image => {
    const target = rebase(image.target, bundle.record.registry, registry.text)
    const targetRef = parseReference(target)
    return { kind: image.kind, source: image.source, ref: parseReference(image.source), origins: image.origins, mapping: 'mapped', target: formatReference(targetRef), targetRef }
  })
  return { images, findings: [note], files: [] }
}

/** `harbor.example.com/aihpc/library/postgres:15` exported for `harbor.example.com/aihpc`, imported into `127.0.0.1:5000/aihpc`. */
export function rebase(target: string, exportedFor: string | null, importInto: string): string {
  if (exportedFor === null || exportedFor === importInto || !target.startsWith(`${exportedFor}/`)) return target
  return `${importInto}/${target.slice(exportedFor.length + 1)}`
}

export interface BundleExecution extends Execution {
  findings: Finding[]
}

export async function executeBundle(
  plan: Plan,
  shown: PlannedImage[],
  input: InputBundle | undefined,
  settings: Settings,
  progress: ProgressSink,
  signal: AbortSignal = new AbortController().signal,
  shardImages?: ReadonlySet<string>
): Promise<BundleExecution> {
  // Every request in flight listens to the one signal, each removing its listener when done.
  setMaxListeners(0, signal)
  const phases = new Map<string, PhaseResult[]>()
  const add = (image: string, result: PhaseResult): void => {
    phases.set(image, [...(phases.get(image) ?? []), result])
  }
  const findings: Finding[] = [...(input?.findings ?? []), ...cacheFindings(cacheUse(settings))]
  let registries: RegistryTraffic | undefined
  let cached: CacheOutcome | undefined
  const access: RegistryAccess = {
    credentials: credentialsByHost(settings),
    ...(settings.registryMirror !== undefined && { registryMirror: settings.registryMirror }),
    insecureRegistries: settings.insecureRegistries,
    ...(settings.caFile !== undefined && { caFile: settings.caFile }),
    concurrency: settings.concurrency,
    retries: settings.retries,
    dockerConfigDir: settings.userDockerConfig
  }
  if (settings.mode === 'export') {
    const exported = await runExport(plan, settings, access, shardImages, add, findings, progress, signal)
    registries = exported.registries
    cached = exported.cache
  } else if (settings.mode === 'import') {
    registries = await runImport(plan, input, settings, access, shardImages, add, progress, signal)
  } else {
    await runVerify(plan, input, settings, shardImages, add, progress, signal)
  }
  const results = imageResults(shown, phases, { engine: 'registry', attempts: settings.retries + 1, verifyFrom: settings.verifyFrom })
  return { results, findings, ...(registries !== undefined && { registries }), ...(cached !== undefined && { cache: cached }) }
}

type Add = (image: string, result: PhaseResult) => void

async function runExport(
  plan: Plan,
  settings: Settings,
  access: RegistryAccess,
  shardImages: ReadonlySet<string> | undefined,
  add: Add,
  findings: Finding[],
  progress: ProgressSink,
  signal: AbortSignal
): Promise<{ registries?: RegistryTraffic; cache?: CacheOutcome }> {
  const jobs = selectBundleJobs(planBundleJobs(plan, 'export'), shardImages).export
  const bundleName = displayPath(settings, settings.bundle as string)
  const meter = new ProgressMeter(progress, 'exported')
  // cache: true: the export reads and fills the run's blob cache, restored once every image is prepared.
  const cache = cacheUse(settings).on ? new RunCache(settings, progress) : undefined
  let engine: BundleExportEngine
  try {
    engine = new BundleExportEngine({
      ...access,
      bundle: settings.bundle as string,
      ...(settings.bundleBaseline !== undefined && { baseline: settings.bundleBaseline }),
      platforms: settings.platforms,
      cli: new DockerCli(),
      tempDir: os.tmpdir(),
      meter,
      ...(cache !== undefined && { cache: cache.blobs })
    })
  } catch (error) {
    const failure: Failure = { kind: 'other', side: 'local', phase: 'export', message: `the bundle ${bundleName} cannot be written: ${error instanceof Error ? error.message : String(error)}` }
    for (const job of jobs) add(job.image, failed('export', failure, [], 'Name a new directory or a file ending in .tar for bundle, and an existing bundle or index.json for bundle-baseline'))
    return {}
  }
  const recorded = new Map<string, RecordedImage>()
  try {
    let exporter: Pick<BundleExportPort, 'prepareExport' | 'export'> = engine
    if (cache !== undefined && jobs.length > 0) {
      const ahead = await cache.prepareAndRestore(jobs, { concurrency: settings.concurrency, signal, keyOf: job => job.image }, (job, context) =>
        engine.prepareExport(exportRequest(job), context)
      )
      exporter = { prepareExport: (request, context) => ahead.take(request.source, context, () => engine.prepareExport(request, context)), export: (prepared, context) => engine.export(prepared, context) }
    }
    await progress.group(`Export ${plural(jobs.length, 'image')} into ${bundleName}${settings.bundleBaseline !== undefined ? ` (a delta against ${displayPath(settings, settings.bundleBaseline)})` : ''}`, async () => {
      const report = reporter(jobs.length, progress, settings.dryRun)
      meter.start()
      await mapConcurrent(jobs, settings.concurrency, async job => {
        const result = await exportOne(job, exporter, settings.dryRun, signal, recorded)
        add(job.image, result)
        report(result, familiarName(job.imageKind === 'service' ? job.target : job.source))
      })
      meter.stop()
    })
    const cached = cache?.finish(signal.aborted)
    if (!settings.dryRun) {
      const images = plan.images.flatMap(image => recorded.get(image.source) ?? [])
      try {
        const finished = await engine.finish(images, { registry: settings.registry?.text ?? null, tag: settings.tag ?? null, platforms: settings.platforms })
        const carried = images.filter(image => image.carried).length
        progress.info(
          `Bundle ${bundleName}: ${plural(images.length, 'image')}${carried !== images.length ? ` (${carried} carried, ${images.length - carried} left to the baseline)` : ''}, ${plural(finished.blobs, 'blob')}, ${formatBytes(finished.bytes)}${finished.digest !== undefined ? `, ${finished.digest}` : ''}`
        )
      } catch (error) {
        findings.push({
          kind: 'failed',
          severity: 'error',
          message: `The bundle ${bundleName} was not written: ${error instanceof Error ? error.message : String(error)}`,
          suggestion: 'Check the free space and permissions where the bundle goes, then run again: what was fetched is kept and not fetched again'
        })
      }
    }
    return { registries: engine.stats(), ...(cached !== undefined && { cache: cached }) }
  } finally {
    meter.stop()
    await engine.close()
  }
}

function exportRequest(job: ExportJob): ExportRequest {
  return {
    kind: job.imageKind,
    source: job.image,
    target: job.target,
    origins: job.origins,
    from: job.daemonName !== undefined ? { kind: 'daemon', name: job.daemonName, fallback: job.readFrom } : { kind: 'registry', ref: job.readFrom }
  }
}

async function exportOne(job: ExportJob, engine: Pick<BundleExportPort, 'prepareExport' | 'export'>, dryRun: boolean, signal: AbortSignal, recorded: Map<string, RecordedImage>): Promise<PhaseResult> {
  const { context, commands } = operationContext(signal)
  const started = Date.now()
  try {
    const prepared = await engine.prepareExport(exportRequest(job), context)
    if (prepared.done === undefined && dryRun) return { phase: 'export', status: 'planned', durationMs: Date.now() - started, commands: prepared.steps }
    const outcome = await engine.export(prepared, context)
    recorded.set(job.image, outcome.image)
    return {
      phase: 'export',
      status: outcome.status,
      durationMs: Date.now() - started,
      digest: outcome.image.digest,
      size: outcome.image.bytes,
      ...(outcome.image.platforms !== undefined && { platforms: outcome.image.platforms }),
      bytesTransferred: outcome.bytesTransferred,
      bytesSkipped: outcome.bytesSkipped,
      ...(commands.length > 0 && { commands })
    }
  } catch (error) {
    return failed('export', failureOf(error, 'export'), commands, undefined, logOf(error))
  }
}

async function runImport(
  plan: Plan,
  input: InputBundle | undefined,
  settings: Settings,
  access: RegistryAccess,
  shardImages: ReadonlySet<string> | undefined,
  add: Add,
  progress: ProgressSink,
  signal: AbortSignal
): Promise<RegistryTraffic | undefined> {
  const jobs = selectBundleJobs(planBundleJobs(plan, 'import'), shardImages).import
  const bundle = input?.bundle
  if (bundle === undefined) {
    const failure: Failure = { kind: 'other', side: 'local', phase: 'import', message: `the bundle ${input?.name ?? ''} cannot be used; nothing was pushed` }
    for (const job of jobs) add(job.image, failed('import', failure, []))
    return undefined
  }
  const bySource = new Map(bundle.record.images.map(image => [image.source, image]))
  const planned = plan.images.flatMap(image => {
    const recorded = bySource.get(image.source)
    return recorded !== undefined && image.mapping === 'mapped' && image.targetRef !== undefined ? [{ image: recorded, target: image.targetRef }] : []
  })
  // The import talks to the target only: no source credentials, no registry-mirror.
  const engine = new BundleImportEngine({
    ...access,
    credentials: new Map([...access.credentials].filter(([host]) => host === settings.registry?.registry)),
    bundle,
    images: planned
  })
  const meter = new ProgressMeter(progress, 'pushed')
  try {
    const prepared = new Map<string, { job: ImportJob; prepared: PreparedImport; started: number; commands: string[] }>()
    let baselineMissing = false
    await progress.group(`Check ${plural(jobs.length, 'image')} of the bundle against ${settings.registry?.text ?? 'the registry'}`, async () => {
      await mapConcurrent(jobs, settings.concurrency, async job => {
        const started = Date.now()
        const { context, commands } = operationContext(signal)
        const recorded = bySource.get(job.image)
        if (recorded === undefined) {
          const failure: Failure = { kind: 'not-found', side: 'local', phase: 'import', message: `${familiarName(job.source)} is not in the bundle ${input?.name ?? ''}` }
          add(job.image, failed('import', failure, [], 'Export the bundle again from the current plan (mode: export), so it holds every image'))
          progress.info(`${familiarName(job.target)} is not in the bundle`)
          return
        }
        try {
          prepared.set(job.image, { job, prepared: await engine.prepareImport({ image: recorded, target: job.target }, context), started, commands })
        } catch (error) {
          const failure = failureOf(error, 'import')
          if (error instanceof EngineFailure && error.details.cause === MISSING_BASELINE) baselineMissing = true
          add(job.image, failed('import', failure, commands, importAdvice(failure), logOf(error)))
          progress.info(`${familiarName(job.target)} will not be imported: ${failure.message}`)
        }
      })
    })
    let ready = jobs.flatMap(job => prepared.get(job.image) ?? [])
    if (baselineMissing) {
      // A delta on a registry without its baseline: refused whole, before anything is pushed.
      const failure: Failure = { kind: 'not-found', side: 'target', phase: 'import', message: `not imported: ${settings.registry?.text ?? 'the registry'} lacks the baseline this delta bundle builds on (see the other images); nothing was pushed` }
      for (const entry of ready) add(entry.job.image, { ...failed('import', failure, [], importAdvice(failure)), status: 'skipped' })
      ready = []
    }
    await progress.group(`Import ${plural(ready.length, 'image')} into ${settings.registry?.text ?? 'the registry'}`, async () => {
      const report = reporter(ready.length, progress, settings.dryRun)
      meter.start()
      await mapConcurrent(ready, settings.concurrency, async entry => {
        const result = await importOne(entry, engine, settings.dryRun, signal)
        add(entry.job.image, result)
        report(result, familiarName(entry.job.target))
      })
      meter.stop()
    })
    return engine.stats()
  } finally {
    meter.stop()
    await engine.close()
  }
}

async function importOne(entry: { job: ImportJob; prepared: PreparedImport; started: number; commands: string[] }, engine: BundleImportEngine, dryRun: boolean, signal: AbortSignal): Promise<PhaseResult> {
  const { prepared, started } = entry
  if (prepared.done === undefined && dryRun) return { phase: 'import', status: 'planned', durationMs: Date.now() - started, commands: prepared.steps }
  const { context, commands } = operationContext(signal)
  commands.unshift(...entry.commands)
  try {
    const outcome = await engine.import(prepared, context)
    return {
      phase: 'import',
      status: outcome.status,
      durationMs: Date.now() - started,
      digest: outcome.digest,
      size: outcome.size,
      ...(outcome.platforms !== undefined && { platforms: outcome.platforms }),
      bytesTransferred: outcome.bytesTransferred,
      bytesSkipped: outcome.bytesSkipped,
      ...(commands.length > 0 && { commands })
    }
  } catch (error) {
    const failure = failureOf(error, 'import')
    return failed('import', failure, commands, importAdvice(failure), logOf(error))
  }
}

async function runVerify(plan: Plan, input: InputBundle | undefined, settings: Settings, shardImages: ReadonlySet<string> | undefined, add: Add, progress: ProgressSink, signal: AbortSignal): Promise<void> {
  const jobs = selectBundleJobs(planBundleJobs(plan, 'verify'), shardImages).verify
  const bundle = input?.bundle
  if (bundle === undefined) {
    const failure: Failure = { kind: 'other', side: 'local', phase: 'verify', message: `the bundle ${input?.name ?? ''} cannot be used` }
    for (const job of jobs) add(job.image, failed('verify', failure, []))
    return
  }
  const bySource = new Map(bundle.record.images.map(image => [image.source, image]))
  const sourceOfTarget = new Map(plan.images.flatMap(image => (image.target !== null ? [[image.target, image.source] as const] : [])))
  const verifier = new BundleVerifier(bundle.layout, target => {
    const source = sourceOfTarget.get(formatReference(target))
    return source === undefined ? undefined : bySource.get(source)
  })
  const set: JobSet = { mirror: [], build: [], verify: jobs, blocked: [], findings: [] }
  const results = await executeJobs(set, { dryRun: settings.dryRun, concurrency: settings.concurrency, buildConcurrency: 1, signal }, { lookup: verifier }, progress)
  for (const [image, list] of results) {
    for (const result of list) {
      add(image, result.status === 'failed' && result.failure?.kind === 'integrity' ? { ...result, suggestion: 'Copy the bundle again (its bytes were damaged on the way), or export it again (mode: export)' } : result)
    }
  }
}

function importAdvice(failure: Failure): string | undefined {
  if (failure.kind === 'integrity' && failure.side === 'local') return 'The bundle is damaged: copy it again (check its .sha256), or export it again (mode: export); the other images were imported'
  if (failure.kind === 'not-found' && failure.side === 'target') return 'Import the baseline bundle first (the delta carries only what changed since it), then this one'
  return undefined
}

/** `[3/20] exported postgres:15-alpine in 1.2s (12.0 MiB)`, as the other modes print. */
function reporter(total: number, progress: ProgressSink, dryRun: boolean): (result: PhaseResult, name: string) => void {
  let done = 0
  return (result, name) => {
    done += 1
    const verb = result.status === 'planned' ? `would ${result.phase}` : result.status === 'failed' ? `failed to ${result.phase}` : result.status === 'already-present' ? 'already present' : result.status
    let line = `[${done}/${total}] ${verb} ${name}`
    if (result.status !== 'planned') line += ` in ${(result.durationMs / 1000).toFixed(1)}s`
    if (result.bytesTransferred !== undefined && result.bytesTransferred > 0) line += ` (${formatBytes(result.bytesTransferred)})`
    if (result.error !== undefined && result.status !== 'planned') line += `: ${result.error}`
    progress.info(line)
    if (dryRun || result.status === 'failed') for (const command of result.commands ?? []) progress.info(`    ${command}`)
  }
}

/**
 * Progress of long transfers at a steady rate, never per chunk: every
 * `intervalMs` while bytes move, one line for the run (done / known total,
 * rate) naming the images still in flight with their own bytes.
 */
export class ProgressMeter implements TransferMeter {
  private readonly images = new Map<string, { expected: number; moved: number }>()
  private timer: NodeJS.Timeout | undefined
  private started = 0
  private lastMoved = 0

  constructor(
    private readonly progress: ProgressSink,
    private readonly verb: string,
    private readonly intervalMs = 10_000
  ) {}

  expect(image: string, bytes: number): void {
    this.entry(image).expected += bytes
  }

  moved(image: string, bytes: number): void {
    this.entry(image).moved += bytes
  }

  start(): void {
    if (this.timer !== undefined) return
    this.started = Date.now()
    this.timer = setInterval(() => this.tick(), this.intervalMs)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer)
    this.timer = undefined
  }

  /** The line a tick prints, or undefined when nothing moved since the last one. */
  line(): string | undefined {
    let expected = 0
    let moved = 0
    const active: string[] = []
    for (const [image, entry] of this.images) {
      expected += Math.max(entry.expected, entry.moved)
      moved += entry.moved
      if (entry.moved > 0 && entry.moved < entry.expected) active.push(`${familiarNameOf(image)} ${formatBytes(entry.moved)}/${formatBytes(entry.expected)}`)
    }
    if (moved === this.lastMoved) return undefined
    this.lastMoved = moved
    const seconds = Math.max((Date.now() - this.started) / 1000, 0.001)
    const percent = expected > 0 ? ` (${Math.floor((moved / expected) * 100)}%)` : ''
    const shownActive = active.slice(0, 5).join(', ') + (active.length > 5 ? `, ${active.length - 5} more` : '')
    return `${formatBytes(moved)} of ${formatBytes(expected)} ${this.verb}${percent} at ${formatBytes(moved / seconds)}/s${shownActive !== '' ? `; in progress: ${shownActive}` : ''}`
  }

  private tick(): void {
    const line = this.line()
    if (line !== undefined) this.progress.info(line)
  }

  private entry(image: string): { expected: number; moved: number } {
    let entry = this.images.get(image)
    if (entry === undefined) this.images.set(image, (entry = { expected: 0, moved: 0 }))
    return entry
  }
}

function familiarNameOf(source: string): string {
  try {
    return familiarName(parseReference(source))
  } catch {
    return source
  }
}

function operationContext(signal: AbortSignal): { context: OperationContext; commands: string[] } {
  const commands: string[] = []
  return { context: { signal, record: line => commands.push(line) }, commands }
}

function failed(phase: PhaseResult['phase'], failure: Failure, commands: string[], suggestion?: string, log?: string): PhaseResult {
  return {
    phase,
    status: 'failed',
    durationMs: 0,
    error: failure.message,
    failure,
    ...(commands.length > 0 && { commands }),
    ...(suggestion !== undefined && { suggestion }),
    ...(log !== undefined && log !== '' && { log })
  }
}

function logOf(error: unknown): string | undefined {
  return error instanceof EngineFailure ? error.details.log : undefined
}

function displayPath(settings: Settings, absolute: string): string {
  const relative = path.relative(settings.workspace, absolute)
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative.split(path.sep).join('/') : absolute
}

