/**
 * The job summary, rendered from the report into a core.summary buffer (the
 * caller decides whether to write it or print it). Every user-provided string
 * is escaped: image names, messages and docker output are not trusted HTML.
 * Long lists are cut so the summary stays far below GitHub's 1 MiB limit; the
 * JSON report always holds everything.
 */
import type { summary as coreSummary } from '@actions/core'
import type { FindingKind, Origin } from '../model.js'
import type { Report, ReportFinding, ReportImage } from './report.js'

export type Summary = typeof coreSummary
type SummaryTableRow = Parameters<Summary['addTable']>[0][number]

/** Rows per table before the rest is left to the JSON report. */
export const MAX_TABLE_ROWS = 300
const MAX_LOG_CHARS = 4000

const FINDING_TITLES: Record<FindingKind, string> = {
  'invalid-file': 'Files that could not be read',
  'unresolved-variable': 'Unresolved variables',
  'invalid-reference': 'Invalid image references',
  'invalid-config': 'Mapping file errors',
  unmapped: 'Unmapped images',
  excluded: 'Excluded by the mapping file',
  collision: 'Target collisions',
  'tag-policy': 'Tag policy',
  'version-drift': 'Several versions of one image',
  missing: 'Missing images',
  failed: 'Failed images'
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

const code = (text: string): string => `<code>${escapeHtml(text)}</code>`

export function renderSummary(report: Report, summary: Summary): Summary {
  const icon = report.ok ? '✅' : '❌'
  summary.addHeading('image-mirror', 2)
  summary.addRaw(`<p><strong>${icon} ${escapeHtml(report.verdict)}</strong></p>`, true)
  const context = [`mode <code>${escapeHtml(report.mode)}</code>`]
  if (report.registry !== null) context.push(`registry ${code(report.registry)}`)
  if (report.tag !== null) context.push(`tag ${code(report.tag)}`)
  context.push(`${report.files.length} files scanned`)
  summary.addRaw(`<p>${context.join(' · ')}</p>`, true)

  renderFindings(report.findings, summary)
  renderImages('Base images', report.images.filter(image => image.kind === 'base'), summary)
  renderImages('Service images', report.images.filter(image => image.kind === 'service'), summary)
  renderFailures(report.images, summary)
  renderTraffic(report, summary)
  return summary
}

function renderFindings(findings: ReportFinding[], summary: Summary): void {
  if (findings.length === 0) return
  const byKind = new Map<FindingKind, ReportFinding[]>()
  for (const finding of findings) byKind.set(finding.kind, [...(byKind.get(finding.kind) ?? []), finding])
  for (const [kind, group] of byKind) {
    summary.addHeading(`${FINDING_TITLES[kind]} (${group.length})`, 3)
    const rows: SummaryTableRow[] = [
      [
        { data: 'Severity', header: true },
        { data: 'Where', header: true },
        { data: 'Problem', header: true },
        { data: 'Suggested fix', header: true }
      ]
    ]
    for (const finding of group.slice(0, MAX_TABLE_ROWS)) {
      const where = finding.file !== undefined ? `${finding.file}${finding.line !== undefined ? `:${finding.line}` : ''}` : ''
      rows.push([
        severityLabel(finding),
        where === '' ? '' : code(where),
        escapeHtml(finding.message),
        finding.suggestion === undefined ? '' : `<pre>${escapeHtml(finding.suggestion)}</pre>`
      ])
    }
    summary.addTable(rows)
    noteCut(group.length, summary)
  }
}

function severityLabel(finding: ReportFinding): string {
  if (finding.severity === 'error') return '❌ error'
  if (finding.severity === 'warning') return '⚠️ warning'
  return 'ℹ️ notice'
}

function renderImages(title: string, images: ReportImage[], summary: Summary): void {
  if (images.length === 0) return
  summary.addHeading(`${title} (${images.length})`, 3)
  const executed = images.some(image => image.phases !== undefined && image.phases.length > 0)
  const header = ['Source', 'Target', 'Status', ...(executed ? ['Digest', 'Size', 'Time'] : []), 'Referenced in']
  const rows: SummaryTableRow[] = [header.map(data => ({ data, header: true }))]
  for (const image of images.slice(0, MAX_TABLE_ROWS)) {
    const last = image.phases?.at(-1)
    const digest = image.phases?.map(phase => phase.digest).find(value => value !== undefined)
    const size = image.phases?.map(phase => phase.size).find(value => value !== undefined)
    const time = image.phases?.reduce((total, phase) => total + phase.durationMs, 0)
    rows.push([
      code(image.source),
      image.target === null ? '—' : code(image.target),
      escapeHtml(statusLabel(image)),
      ...(executed
        ? [digest === undefined ? '' : code(digest.slice(0, 19)), size === undefined ? '' : formatBytes(size), time === undefined || last === undefined ? '' : formatDuration(time)]
        : []),
      escapeHtml(formatOrigins(image.origins))
    ])
  }
  summary.addTable(rows)
  noteCut(images.length, summary)
}

function renderFailures(images: ReportImage[], summary: Summary): void {
  const failed = images.filter(image => image.phases?.some(phase => phase.log !== undefined && (phase.status === 'failed' || phase.status === 'missing')))
  if (failed.length === 0) return
  summary.addHeading('Failure details', 3)
  for (const image of failed.slice(0, MAX_TABLE_ROWS)) {
    for (const phase of image.phases ?? []) {
      if (phase.log === undefined || (phase.status !== 'failed' && phase.status !== 'missing')) continue
      const log = phase.log.length > MAX_LOG_CHARS ? `${phase.log.slice(0, MAX_LOG_CHARS)}\n… (cut; the JSON report has all of it)` : phase.log
      summary.addDetails(escapeHtml(`${phase.phase} ${image.target ?? image.source}: ${phase.error ?? phase.status}`), `<pre>${escapeHtml(log)}</pre>`)
    }
  }
}

function renderTraffic(report: Report, summary: Summary): void {
  const hosts = Object.entries(report.registries ?? {})
  if (hosts.length === 0) return
  summary.addHeading('Registry traffic', 3)
  const transferred = report.images.reduce((total, image) => total + (image.phases ?? []).reduce((sum, phase) => sum + (phase.bytesTransferred ?? 0), 0), 0)
  const skipped = report.images.reduce((total, image) => total + (image.phases ?? []).reduce((sum, phase) => sum + (phase.bytesSkipped ?? 0), 0), 0)
  summary.addRaw(`<p>${formatBytes(transferred)} copied, ${formatBytes(skipped)} already present or mounted.</p>`, true)
  const rows: SummaryTableRow[] = [['Registry', 'Requests', 'Received', 'Sent'].map(data => ({ data, header: true }))]
  for (const [host, traffic] of hosts) rows.push([code(host), String(traffic.requests), formatBytes(traffic.bytesReceived), formatBytes(traffic.bytesSent)])
  summary.addTable(rows)
}

function statusLabel(image: ReportImage): string {
  const labels: Record<string, string> = {
    verified: '✅ verified',
    mirrored: '✅ mirrored',
    'already-present': '✅ already present',
    built: '✅ built',
    pushed: '✅ pushed',
    planned: 'planned',
    missing: '❌ missing',
    failed: '❌ failed',
    unmapped: '❌ unmapped',
    skipped: '⏭️ skipped'
  }
  return labels[image.status] ?? image.status
}

function noteCut(total: number, summary: Summary): void {
  if (total > MAX_TABLE_ROWS) summary.addRaw(`<p>… and ${total - MAX_TABLE_ROWS} more: see the JSON report.</p>`, true)
}

export function formatOrigins(origins: Origin[], limit = 3): string {
  const shown = origins.slice(0, limit).map(origin => `${origin.file}:${origin.line}`)
  return origins.length > limit ? `${shown.join(', ')} (+${origins.length - limit} more)` : shown.join(', ')
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit += 1
  }
  return `${value.toFixed(1)} ${units[unit]}`
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`
}
