/**
 * The JSON report: the one contract every consumer reads (the CLI's --json,
 * the `report` output file, the job summary, the action outputs). Pure: built
 * from the plan, the execution results and the fail-on setting.
 */
import type { Finding, FindingKind, ImageKind, ImageResult, ImageStatus, Origin, PhaseResult, PlannedImage, Severity } from '../model.js'

export const REPORT_VERSION = 1

export interface ReportImage {
  kind: ImageKind
  source: string
  target: string | null
  status: ImageStatus
  origins: Origin[]
  platforms?: string[]
  build?: PlannedImage['build']
  phases?: PhaseResult[]
}

export interface ReportFinding extends Finding {
  /** True when this finding fails the run under `fail-on`. */
  failsRun: boolean
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
  /** One line, leading the summary: "20/20 images verified". */
  verdict: string
  ok: boolean
  counts: ReportCounts
  images: ReportImage[]
  findings: ReportFinding[]
  /** Files scanned, relative to the scanned path. */
  files: string[]
  /** Requests and bytes per registry host (registry engine). */
  registries?: Record<string, { requests: number; bytesSent: number; bytesReceived: number }>
}

export interface ReportInput {
  mode: string
  registry?: string
  tag?: string
  dryRun: boolean
  images: PlannedImage[]
  findings: Finding[]
  files: string[]
  /** Execution results; absent for plan and check. */
  results?: ImageResult[]
  failOn: readonly FindingKind[]
  registries?: Report['registries']
}

export function buildReport(input: ReportInput): Report {
  const resultBySource = new Map((input.results ?? []).map(result => [result.image.source, result]))
  const images: ReportImage[] = input.images.map(image => {
    const result = resultBySource.get(image.source)
    return {
      kind: image.kind,
      source: image.source,
      target: image.target,
      status: result?.status ?? plannedStatus(image, input.registry !== undefined),
      origins: image.origins,
      ...(image.platforms !== undefined && { platforms: image.platforms }),
      ...(image.build !== undefined && { build: image.build }),
      ...(result !== undefined && { phases: result.phases })
    }
  })

  const findings = [...input.findings, ...resultFindings(input.results ?? [])].map(finding => classify(finding, input.failOn))
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
  const ok = counts.errors === 0
  return {
    version: REPORT_VERSION,
    mode: input.mode,
    registry: input.registry ?? null,
    tag: input.tag ?? null,
    dryRun: input.dryRun,
    verdict: verdictOf(input.mode, counts, images, input.dryRun),
    ok,
    counts,
    images,
    findings,
    files: input.files,
    ...(input.registries !== undefined && { registries: input.registries })
  }
}

function plannedStatus(image: PlannedImage, mapped: boolean): ImageStatus {
  if (image.mapping === 'excluded') return 'skipped'
  return image.mapping !== 'mapped' && mapped ? 'unmapped' : 'planned'
}

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

/** Missing and failed images become findings, so fail-on treats them like any other problem. */
function resultFindings(results: ImageResult[]): Finding[] {
  const findings: Finding[] = []
  for (const result of results) {
    if (result.status !== 'missing' && result.status !== 'failed') continue
    const phase = [...result.phases].reverse().find(candidate => candidate.status === result.status)
    const name = result.image.target ?? result.image.source
    const origin = result.image.origins[0]
    findings.push({
      kind: result.status,
      severity: 'error',
      message:
        result.status === 'missing'
          ? `${name} is missing${phase?.error !== undefined ? `: ${phase.error}` : ''}`
          : `${phase?.phase ?? 'processing'} of ${name} failed: ${phase?.error ?? 'unknown error'}`,
      image: result.image.source,
      ...(origin !== undefined && { file: origin.file, line: origin.line }),
      ...(phase?.suggestion !== undefined && { suggestion: phase.suggestion })
    })
  }
  return findings
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, notice: 2 }

function compareFindings(a: ReportFinding, b: ReportFinding): number {
  return (
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    (a.file ?? '').localeCompare(b.file ?? '') ||
    (a.line ?? 0) - (b.line ?? 0) ||
    a.message.localeCompare(b.message)
  )
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

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
  const prefix = dryRun ? 'Dry run: ' : ''
  const verified = status('verified')
  const expected = counts.images - status('unmapped') - status('skipped')
  const done: string[] = []
  if (reached('mirrored') > 0) done.push(`${reached('mirrored')} mirrored`)
  if (reached('already-present') > 0) done.push(`${reached('already-present')} already present`)
  if (reached('built') > 0) done.push(`${reached('built')} built`)
  if (reached('pushed') > 0) done.push(`${reached('pushed')} pushed`)
  if (status('missing') > 0) done.push(`${status('missing')} missing`)
  if (status('failed') > 0) done.push(`${status('failed')} failed`)
  if (status('unmapped') > 0) done.push(`${status('unmapped')} unmapped`)
  if (status('skipped') > 0) done.push(`${status('skipped')} skipped`)
  const head = mode === 'verify' || mode === 'all' ? `${verified}/${expected} images verified` : `${plural(counts.images, 'image')}`
  return `${prefix}${head}${done.length > 0 ? ` (${done.join(', ')})` : ''}${counts.errors > 0 ? `, ${problems}` : ''}`
}
