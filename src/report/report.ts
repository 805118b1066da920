/**
 * The JSON report: the one contract every consumer reads (the CLI's --json,
 * the `report` output file, the job summary, the annotations, the action
 * outputs). Pure: built from the plan, the execution results and the fail-on
 * setting.
 *
 * - Every path in it (origins, finding files, paths inside messages) is
 *   relative to the repository root: extraction works relative to the scanned
 *   `path`, and `pathPrefix` (that path, from the repository root) is put in
 *   front here, once.
 * - A failure that concerns the whole run (credentials refused, a registry
 *   unreachable: one kind, side and host on several images) is one finding
 *   that counts the images it affected, not one finding per image.
 * - Build-arg values never enter the report (they may be secrets): names only.
 * - `nextSteps` says what to do, grouped ("15 base images missing: run
 *   `mode: mirror`"); text in backticks is code.
 */
import * as path from 'node:path'
import type { Failure, Finding, FindingKind, ImageKind, ImageResult, ImageStatus, Origin, PhaseResult, PlannedImage, Severity } from '../model.js'
import { familiarText, tryParseReference } from '../reference.js'

export const REPORT_VERSION = 1

/** How an image is built, without the build-arg values (they may be secrets). */
export interface ReportBuild {
  context: string
  dockerfile: string
  target?: string
  /** Names of the build args; their values are left out. */
  args: string[]
}

export interface ReportImage {
  kind: ImageKind
  source: string
  target: string | null
  status: ImageStatus
  origins: Origin[]
  platforms?: string[]
  build?: ReportBuild
  /**
   * The manifest digest at the target, when the run learned it: the pushed
   * digest of a service image (never the local image ID of its build), the
   * copied digest of a base image, else the digest verify found.
   */
  digest?: string
  phases?: PhaseResult[]
}

export interface ReportFinding extends Finding {
  /** True when this finding fails the run under `fail-on`. */
  failsRun: boolean
  /** A finding about the whole run (credentials refused for every push): the images it affected. */
  affected?: string[]
}

export interface ReportCounts {
  images: number
  base: number
  service: number
  findings: number
  errors: number
  warnings: number
  notices: number
  byStatus: Partial<Record<ImageStatus, number>>
}

export interface Report {
  version: typeof REPORT_VERSION
  mode: string
  registry: string | null
  tag: string | null
  dryRun: boolean
  /** The scanned directory, relative to the repository root ('' when it is the root). Every other path in the report is relative to the root. */
  path: string
  /** One line, leading the summary: "20/20 images verified". */
  verdict: string
  ok: boolean
  counts: ReportCounts
  /** What to do next, most important first; text in backticks is code (`mode: mirror`). Empty when there is nothing to do. */
  nextSteps: string[]
  images: ReportImage[]
  findings: ReportFinding[]
  /** Files scanned, relative to the repository root. */
  files: string[]
  /** Requests and bytes per registry host (registry engine). */
  registries?: Record<string, { requests: number; bytesSent: number; bytesReceived: number }>
  /** What `cache: true` did this run; absent when it was off. */
  cache?: CacheOutcome
}

/** What the Actions cache held for a run and what it served. */
export interface CacheOutcome {
  /** The key the post step saves under when it was not restored whole. */
  key: string
  /** exact: restored under `key`; partial: under an earlier plan's key; none: nothing to restore (or the service failed). */
  restored: 'exact' | 'partial' | 'none'
  /** The key restored from, when `restored` is partial. */
  restoredKey?: string
  /** Manifests and blobs read from the cache, and their bytes. */
  hits: number
  hitBytes: number
  /** Manifests and blobs fetched from sources into the cache, and their bytes. */
  fetched: number
  fetchedBytes: number
  /** Entries whose bytes did not match their digest: dropped and fetched again. */
  damaged: number
  /** Entries of a partial restore this run did not use: left out of the next save. */
  pruned: number
}

export interface ReportInput {
  mode: string
  registry?: string
  tag?: string
  dryRun: boolean
  images: PlannedImage[]
  findings: Finding[]
  /** Files scanned, relative to the scanned path. */
  files: string[]
  /** Execution results; absent for plan and check. */
  results?: ImageResult[]
  failOn: readonly FindingKind[]
  registries?: Report['registries']
  cache?: CacheOutcome
  /**
   * The scanned path relative to the repository root (the workspace), POSIX
   * separators; '' or absent when the root itself was scanned. Put in front of
   * every path of the report.
   */
  pathPrefix?: string
  /** The mapping file used, relative to the scanned path as mapping names it, so messages that name it get the prefix too. */
  configFile?: string
}

/** Failure kinds that, seen on several images with one side and host, are one problem of the run. */
const RUN_WIDE: ReadonlySet<Failure['kind']> = new Set(['unauthorized', 'denied', 'unreachable', 'rate-limited', 'cancelled', 'unsupported'])

export function buildReport(input: ReportInput): Report {
  const prefix = normalizePrefix(input.pathPrefix)
  const relocate = relocator(prefix, [
    ...input.files,
    ...input.images.flatMap(image => image.origins.map(origin => origin.file)),
    ...input.findings.flatMap(finding => (finding.file === undefined ? [] : [finding.file])),
    ...(input.configFile !== undefined ? [input.configFile] : [])
  ])
  const resultBySource = new Map((input.results ?? []).map(result => [result.image.source, result]))
  const images: ReportImage[] = input.images.map(image => {
    const result = resultBySource.get(image.source)
    const digest = result === undefined ? undefined : targetDigest(result.phases)
    return {
      kind: image.kind,
      source: image.source,
      target: image.target,
      status: result?.status ?? plannedStatus(image, input.registry !== undefined),
      origins: image.origins.map(origin => ({ file: relocate.file(origin.file), line: origin.line })),
      ...(image.platforms !== undefined && { platforms: image.platforms }),
      ...(image.build !== undefined && {
        build: {
          context: relocate.file(image.build.context),
          dockerfile: relocate.file(image.build.dockerfile),
          ...(image.build.target !== undefined && { target: image.build.target }),
          args: Object.keys(image.build.args)
        }
      }),
      ...(digest !== undefined && { digest }),
      ...(result !== undefined && { phases: result.phases })
    }
  })

  const findings = [...input.findings, ...resultFindings(input.results ?? [], input.registry)].map(finding => {
    const classified: ReportFinding = classify(finding, input.failOn)
    if (classified.file !== undefined) classified.file = relocate.file(classified.file)
    classified.message = relocate.text(classified.message)
    if (classified.suggestion !== undefined) classified.suggestion = relocate.text(classified.suggestion)
    return classified
  })
  findings.sort(compareFindings)

  const byStatus: Partial<Record<ImageStatus, number>> = {}
  for (const image of images) byStatus[image.status] = (byStatus[image.status] ?? 0) + 1
  const counts: ReportCounts = {
    images: images.length,
    base: images.filter(image => image.kind === 'base').length,
    service: images.filter(image => image.kind === 'service').length,
    findings: findings.length,
    errors: findings.filter(finding => finding.failsRun).length,
    warnings: findings.filter(finding => finding.severity === 'warning').length,
    notices: findings.filter(finding => finding.severity === 'notice').length,
    byStatus
  }
  const report: Report = {
    version: REPORT_VERSION,
    mode: input.mode,
    registry: input.registry ?? null,
    tag: input.tag ?? null,
    dryRun: input.dryRun,
    path: prefix,
    verdict: verdictOf(input.mode, counts, images, input.dryRun),
    ok: counts.errors === 0,
    counts,
    nextSteps: [],
    images,
    findings,
    files: input.files.map(file => relocate.file(file)),
    ...(input.registries !== undefined && { registries: input.registries }),
    ...(input.cache !== undefined && { cache: input.cache })
  }
  report.nextSteps = nextStepsOf(report)
  return report
}

/** A reference as people write it: `postgres:15`, not `docker.io/library/postgres:15`. */
export const displayName = familiarText

export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`
}

// ---------------------------------------------------------------- paths

function normalizePrefix(prefix: string | undefined): string {
  if (prefix === undefined) return ''
  const posix = path.posix.normalize(prefix.split(path.sep).join('/')).replace(/\/+$/, '')
  return posix === '.' || posix.startsWith('../') || posix === '..' ? '' : posix
}

/**
 * Puts the prefix in front of a path, and of the known paths where they stand
 * in a message (`in docker-compose.yml:4`, `(src/Dockerfile:3)`). A path is
 * rewritten in text only where it stands alone, and only if it names a
 * directory or an extension, or a line follows it (a bare `Dockerfile` in
 * prose is a word, not a path).
 */
function relocator(prefix: string, known: string[]): { file(file: string): string; text(text: string): string } {
  const file = (name: string): string => (prefix === '' ? name : path.posix.normalize(`${prefix}/${name}`))
  if (prefix === '') return { file, text: text => text }
  const names = [...new Set(known)].filter(name => name !== '').sort((a, b) => b.length - a.length)
  if (names.length === 0) return { file, text: text => text }
  const escaped = names.map(name => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')
  const pattern = new RegExp(`(^|[\\s('"\`,;])(${escaped})(?=(:\\d)|$|[\\s)'"\`,;:]|\\.(?:\\s|$))`, 'g')
  return {
    file,
    text: text =>
      text.replace(pattern, (match, before: string, name: string, line: string | undefined) =>
        line !== undefined || /[/.]/.test(name) ? `${before}${file(name)}` : match
      )
  }
}

// ---------------------------------------------------------------- images

function plannedStatus(image: PlannedImage, mapped: boolean): ImageStatus {
  if (image.mapping === 'excluded') return 'skipped'
  return image.mapping !== 'mapped' && mapped ? 'unmapped' : 'planned'
}

/** The digest at the target: push (not build: that is a local image ID), then mirror, then verify. */
function targetDigest(phases: PhaseResult[]): string | undefined {
  const usable = (phase: PhaseResult | undefined): string | undefined =>
    phase !== undefined && phase.status !== 'failed' && phase.status !== 'planned' && phase.status !== 'missing' ? phase.digest : undefined
  for (const name of ['push', 'mirror', 'import', 'verify'] as const) {
    const digest = usable(phases.find(phase => phase.phase === name))
    if (digest !== undefined) return digest
  }
  return undefined
}

// ---------------------------------------------------------------- findings

/**
 * `fail-on` decides what is an error: a finding of a listed kind is an error
 * (a notice such as version-drift included, when asked for), one of an
 * unlisted kind is at most a warning. Warnings never fail the run.
 */
function classify(finding: Finding, failOn: readonly FindingKind[]): ReportFinding {
  const listed = failOn.includes(finding.kind)
  let severity: Severity = finding.severity
  if (listed && severity === 'notice') severity = 'error'
  if (!listed && severity === 'error') severity = 'warning'
  return { ...finding, severity, failsRun: severity === 'error' }
}

interface Problem {
  result: ImageResult
  phase: PhaseResult | undefined
}

/**
 * Missing and failed images become findings, so fail-on treats them like any
 * other problem. A failure of one kind, side and host on several images
 * (credentials refused, a registry down) is one finding for the run.
 */
function resultFindings(results: ImageResult[], registry: string | undefined): Array<Finding & { affected?: string[] }> {
  const findings: Array<Finding & { affected?: string[] }> = []
  const runWide = new Map<string, Problem[]>()
  const single: Problem[] = []
  for (const result of results) {
    if (result.status !== 'missing' && result.status !== 'failed') continue
    const phase = [...result.phases].reverse().find(candidate => candidate.status === result.status)
    const failure = phase?.failure
    if (result.status === 'failed' && failure !== undefined && RUN_WIDE.has(failure.kind)) {
      const key = `${failure.kind}\u0000${failure.side}\u0000${failure.host ?? ''}`
      runWide.set(key, [...(runWide.get(key) ?? []), { result, phase }])
    } else single.push({ result, phase })
  }
  for (const group of runWide.values()) {
    if (group.length === 1) single.push(group[0]!)
    else findings.push(runWideFinding(group))
  }
  for (const { result, phase } of single) {
    const name = result.image.target ?? result.image.source
    const origin = result.image.origins[0]
    findings.push({
      kind: result.status === 'missing' ? 'missing' : 'failed',
      severity: 'error',
      message: result.status === 'missing' ? missingMessage(name, phase, registry) : failedMessage(result, phase),
      image: result.image.source,
      ...(origin !== undefined && { file: origin.file, line: origin.line }),
      ...(phase?.suggestion !== undefined && { suggestion: phase.suggestion })
    })
  }
  return findings
}

function missingMessage(target: string, phase: PhaseResult | undefined, registry: string | undefined): string {
  const where = registry ?? hostOf(target) ?? 'the registry'
  const detail = phase?.failure?.message ?? phase?.error
  const extra = detail === undefined || detail.includes(target) || /^(manifest unknown|not found|missing)$/i.test(detail) ? '' : ` (${detail})`
  // Named below the registry the sentence names: "library/postgres:15 is not in harbor.example.com/aihpc".
  const name = registry !== undefined && target.startsWith(`${registry}/`) ? target.slice(registry.length + 1) : displayName(target)
  return `${name} is not in ${where}${extra}`
}

function failedMessage(result: ImageResult, phase: PhaseResult | undefined): string {
  const detail = phase?.failure?.message ?? phase?.error ?? 'unknown error'
  const names = [result.image.target, result.image.source].filter((name): name is string => name !== null)
  // The failure's own message usually names the image already ("push x: unauthorized"); say it once.
  if (names.some(name => detail.includes(name) || detail.includes(displayName(name)))) return detail
  return `${phase?.phase ?? 'processing'} of ${displayName(names[0]!)} failed: ${detail}`
}

function hostOf(reference: string): string | undefined {
  const parsed = tryParseReference(reference)
  return 'ref' in parsed ? parsed.ref.registry : undefined
}

const PHASE_VERBS: Record<string, string> = { mirror: 'mirrored', build: 'built', push: 'pushed', verify: 'verified', export: 'exported', import: 'imported' }

function runWideFinding(group: Problem[]): Finding & { affected: string[] } {
  const failure = group[0]!.phase!.failure!
  const where = failure.host ?? (failure.side === 'local' ? 'this machine' : `the ${failure.side} registry`)
  const phases = [...new Set(group.map(problem => problem.phase?.phase ?? 'processing'))]
  const verbs = phases.map(phase => PHASE_VERBS[phase] ?? phase).join(' or ')
  const count = plural(group.length, 'image')
  const what: Record<string, string> = {
    unauthorized: `${where} refused the credentials`,
    denied: `${where} denied access`,
    unreachable: `${where} could not be reached`,
    'rate-limited': `${where} rate-limited the run`,
    cancelled: 'The run was cancelled',
    unsupported: `${where} cannot do what was asked`
  }
  const suggestion = group.map(problem => problem.phase?.suggestion).find(value => value !== undefined)
  return {
    kind: 'failed',
    severity: 'error',
    message: `${what[failure.kind] ?? failure.message}: ${count} not ${verbs} (${failure.message})`,
    affected: group.map(problem => displayName(problem.result.image.target ?? problem.result.image.source)),
    ...(suggestion !== undefined && { suggestion })
  }
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, notice: 2 }

function compareFindings(a: ReportFinding, b: ReportFinding): number {
  return (
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    byCodePoint(a.file ?? '', b.file ?? '') ||
    (a.line ?? 0) - (b.line ?? 0) ||
    byCodePoint(a.message, b.message)
  )
}

/** Not localeCompare: the same order on every runner whatever its locale, and no ICU collator to load at start. */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

// ---------------------------------------------------------------- verdict and next steps

function verdictOf(mode: string, counts: ReportCounts, images: ReportImage[], dryRun: boolean): string {
  const status = (name: ImageStatus): number => counts.byStatus[name] ?? 0
  // What was done shows in the phases: under mode all an image mirrored and then verified ends 'verified'.
  const reached = (name: ImageStatus): number => images.filter(image => image.phases?.some(phase => phase.status === name)).length
  const problems = counts.errors === 0 ? 'no problems' : plural(counts.errors, 'problem')
  const inventory = `${plural(counts.images, 'image')} (${counts.base} base, ${counts.service} service)`
  if (mode === 'plan') return `${inventory}, ${problems}`
  if (mode === 'check') {
    return counts.errors === 0 ? `Check passed: ${inventory} mapped` : `Check failed: ${problems} in ${inventory}`
  }
  if (dryRun) return dryRunVerdict(images, counts, problems)
  const verified = status('verified')
  const expected = counts.images - status('unmapped') - status('skipped')
  const done: string[] = []
  if (reached('mirrored') > 0) done.push(`${reached('mirrored')} mirrored`)
  if (reached('already-present') > 0) done.push(`${reached('already-present')} already present`)
  if (reached('built') > 0) done.push(`${reached('built')} built`)
  if (reached('pushed') > 0) done.push(`${reached('pushed')} pushed`)
  if (reached('exported') > 0) done.push(`${reached('exported')} exported`)
  if (reached('imported') > 0) done.push(`${reached('imported')} imported`)
  if (status('missing') > 0) done.push(`${status('missing')} missing`)
  if (status('failed') > 0) done.push(`${status('failed')} failed`)
  if (status('unmapped') > 0) done.push(`${status('unmapped')} unmapped`)
  if (status('skipped') > 0) done.push(`${status('skipped')} skipped`)
  const head = mode === 'verify' || mode === 'all' ? `${verified}/${expected} images verified` : `${plural(counts.images, 'image')}`
  return `${head}${done.length > 0 ? ` (${done.join(', ')})` : ''}${counts.errors > 0 ? `, ${problems}` : ''}`
}

/** "Dry run: would mirror 15 base images, build and push 5 service images and verify 20 images; nothing was changed". */
function dryRunVerdict(images: ReportImage[], counts: ReportCounts, problems: string): string {
  const would = (phase: PhaseResult['phase']): number => images.filter(image => image.phases?.some(p => p.phase === phase && p.status === 'planned')).length
  const parts: string[] = []
  if (would('mirror') > 0) parts.push(`mirror ${plural(would('mirror'), 'base image')}`)
  if (would('build') > 0) parts.push(`${would('push') > 0 ? 'build and push' : 'build'} ${plural(would('build'), 'service image')}`)
  else if (would('push') > 0) parts.push(`push ${plural(would('push'), 'service image')}`)
  if (would('export') > 0) parts.push(`export ${plural(would('export'), 'image')}`)
  if (would('import') > 0) parts.push(`import ${plural(would('import'), 'image')}`)
  if (would('verify') > 0) parts.push(`verify ${plural(would('verify'), 'image')}`)
  const what = parts.length === 0 ? 'nothing to do' : `would ${joinAnd(parts)}`
  return `Dry run: ${what}${counts.errors > 0 ? `; ${problems}` : ''}`
}

export function joinAnd(parts: string[]): string {
  if (parts.length <= 1) return parts.join('')
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`
}

/** What to do next, grouped: one line per kind of problem, counted. */
function nextStepsOf(report: Report): string[] {
  const steps: string[] = []
  const registry = report.registry === null ? 'the registry' : `\`${report.registry}\``
  const errors = report.findings.filter(finding => finding.failsRun)
  const ofKind = (kind: FindingKind): ReportFinding[] => errors.filter(finding => finding.kind === kind)
  const count = (findings: ReportFinding[], word: string, many?: string): string => plural(findings.length, word, many)

  for (const finding of ofKind('failed').filter(candidate => candidate.affected !== undefined)) {
    steps.push(`${finding.message.replace(/ \(.*\)$/, '')}.${finding.suggestion !== undefined ? ` ${firstLine(finding.suggestion)}` : ''}`)
  }
  const missing = report.images.filter(image => image.status === 'missing')
  const missingBase = missing.filter(image => image.kind === 'base')
  const missingService = missing.filter(image => image.kind === 'service')
  if (missingBase.length > 0) {
    steps.push(`${plural(missingBase.length, 'base image')} missing from ${registry}: run \`mode: mirror\` (or \`mode: all\`) to copy ${missingBase.length === 1 ? 'it' : 'them'}.`)
  }
  if (missingService.length > 0) {
    const tag = report.tag === null ? '' : ` with \`tag: ${report.tag}\``
    steps.push(`${plural(missingService.length, 'service image')} missing from ${registry}: run \`mode: build\`${tag} to build and push ${missingService.length === 1 ? 'it' : 'them'}.`)
  }
  const failed = ofKind('failed').filter(candidate => candidate.affected === undefined)
  if (failed.length > 0) steps.push(`${count(failed, 'image')} failed: each error and its fix is under Failed images below; fix them and run again.`)
  const mapping: Array<[FindingKind, string]> = [
    ['invalid-config', 'mapping file or input error'],
    ['unmapped', 'image has no mapping rule'],
    ['collision', 'target collision'],
    ['tag-policy', 'tag policy violation'],
    ['invalid-file', 'file could not be read'],
    ['unresolved-variable', 'unresolved variable'],
    ['invalid-reference', 'invalid image reference'],
    ['version-drift', 'image has several versions in use'],
    ['excluded', 'excluded image']
  ]
  const fixes: Partial<Record<FindingKind, string>> = {
    'invalid-config': 'fix the file or input it names',
    unmapped: 'add the suggested rules to the mapping file',
    collision: 'add the suggested rules so each image gets its own target',
    'tag-policy': 'pin the tags as suggested, or change the policy',
    'invalid-file': 'fix the file',
    'unresolved-variable': 'set the variable in an env file, or give it a default',
    'invalid-reference': 'fix the reference',
    'version-drift': 'settle on one version each',
    excluded: 'remove the exclude rule or the reference'
  }
  for (const [kind, noun] of mapping) {
    const found = ofKind(kind)
    if (found.length === 0) continue
    const [word, ...rest] = noun.split(' ')
    const phrase =
      rest[0] === 'has' || rest[0] === 'could'
        ? `${count(found, word!)} ${found.length === 1 ? rest.join(' ') : rest.join(' ').replace(/^has /, 'have ')}`
        : `${count(found, noun)}`
    steps.push(`${capitalize(phrase)}: ${fixes[kind]}.`)
  }
  if (report.dryRun && report.ok) steps.push('Nothing was changed: run again without `dry-run: true` to do it.')
  return steps
}

function firstLine(text: string): string {
  const line = text.split('\n')[0]!.trim()
  return /[.:!?]$/.test(line) ? line : `${line}.`
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
