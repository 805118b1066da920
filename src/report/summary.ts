/**
 * The job summary, rendered from the report as one HTML string (pure: the
 * caller writes it with core.summary). Read by someone fixing a failed run in
 * a panel about 1012 px wide, so:
 *
 * - the verdict comes first, then what to do next, grouped and counted;
 * - one table per finding kind, messages and fixes as wrapped text; code only
 *   where it is code (a YAML rule, docker output, commands); a fix every row of
 *   a table shares is said once above it;
 * - lists longer than 10 rows are collapsed in <details>;
 * - file:line links to the file at the commit, when the run's repository and
 *   commit are given (`links`);
 * - every string from the repository, a registry or docker is escaped, and
 *   newlines inside a cell are encoded (`<br>`, `&#10;`), so no blank line can
 *   end an HTML block and let Markdown through;
 * - it stays far below GitHub's 1 MiB: rows and logs are capped, and whole
 *   sections past a byte budget are left out with a note.
 *
 * Why not core.summary's addTable/addDetails: they insert cell text as raw
 * HTML and cannot measure a section before adding it; the string is written
 * with core.summary.addRaw(...).write() at the edge.
 */
import type { FindingKind, Origin, PhaseResult } from '../model.js'
import { displayName, joinAnd, plural, type CacheOutcome, type Report, type ReportFinding, type ReportImage } from './report.js'

/** Where file:line links point: `${serverUrl}/${repository}/blob/${sha}/<path>#L<line>`. */
export interface SummaryLinks {
  serverUrl: string
  repository: string
  sha: string
}

export interface SummaryOptions {
  /** From GITHUB_SERVER_URL, GITHUB_REPOSITORY and GITHUB_SHA; links are left out when absent or malformed. */
  links?: SummaryLinks
  /** Byte budget of the whole summary (default 512 KiB, GitHub refuses over 1 MiB). */
  maxBytes?: number
}

/** Rows shown before a list is collapsed in <details>. */
export const COLLAPSE_AFTER = 10
/** Rows per table at most; the JSON report has the rest. */
export const MAX_TABLE_ROWS = 200
export const MAX_SUMMARY_BYTES = 512 * 1024
const MAX_LOGS = 10
const MAX_LOG_CHARS = 4000
const MAX_COMMAND_LINES = 400

export const FINDING_TITLES: Record<FindingKind, string> = {
  'invalid-file': 'Files that could not be read',
  'unresolved-variable': 'Unresolved variables',
  'invalid-reference': 'Invalid image references',
  'invalid-config': 'Mapping file and input errors',
  unmapped: 'Unmapped images',
  excluded: 'Excluded by the mapping file',
  collision: 'Target collisions',
  'tag-policy': 'Tag policy',
  'version-drift': 'Several versions of one image',
  missing: 'Missing images',
  failed: 'Failed images',
  'scan-note': 'How files were read'
}

/** Finding kinds in the order a reader fixes them. */
const KIND_ORDER: FindingKind[] = ['failed', 'missing', 'invalid-config', 'unmapped', 'collision', 'tag-policy', 'invalid-file', 'unresolved-variable', 'invalid-reference', 'version-drift', 'excluded', 'scan-note']

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}

/** Escaped text for a cell or paragraph: newlines become <br>, so no blank line reaches the Markdown parser. */
export function cellText(text: string): string {
  return escapeHtml(text.replace(/\r\n?/g, '\n')).replace(/\n/g, '<br>')
}

/** Escaped text for <pre>: newlines kept as entities, so the HTML stays on one line. */
function preText(text: string): string {
  return escapeHtml(text.replace(/\r\n?/g, '\n')).replace(/\n/g, '&#10;')
}

const code = (text: string): string => `<code>${cellText(text)}</code>`

/** Prose where `backticks` mark code: escaped, code spans as <code>. */
export function proseHtml(text: string): string {
  return text
    .split(/(`[^`\n]+`)/)
    .map(part => (part.length > 2 && part.startsWith('`') && part.endsWith('`') ? code(part.slice(1, -1)) : cellText(part)))
    .join('')
}

/**
 * A suggestion as HTML: prose as wrapped text; code as a block. The code is a
 * YAML list (`- source: …`) when the suggestion starts with one, or the lines
 * after a prose line that ends with ':' ("Add these rules under rules: in x.yml:").
 */
export function suggestionHtml(text: string): string {
  const { prose, code: block } = splitSuggestion(text)
  const parts: string[] = []
  if (prose !== '') parts.push(proseHtml(prose))
  if (block !== '') parts.push(`<pre><code>${preText(block)}</code></pre>`)
  return parts.join('')
}

export function splitSuggestion(text: string): { prose: string; code: string } {
  const lines = text.replace(/\s+$/, '').split('\n')
  if (lines[0]?.startsWith('- ') === true) return { prose: '', code: lines.join('\n') }
  const intro = lines.findIndex((line, index) => index < lines.length - 1 && /:\s*$/.test(line))
  if (intro < 0) return { prose: lines.join('\n'), code: '' }
  return { prose: lines.slice(0, intro + 1).join('\n'), code: lines.slice(intro + 1).join('\n') }
}

export function renderSummary(report: Report, options: SummaryOptions = {}): string {
  const links = validLinks(options.links)
  const sections: string[] = []
  sections.push(headerHtml(report))
  if (report.nextSteps.length > 0) sections.push(`<h3>What to do next</h3>\n<ul>${report.nextSteps.map(step => `<li>${proseHtml(step)}</li>`).join('')}</ul>`)
  for (const kind of KIND_ORDER) {
    const group = report.findings.filter(finding => finding.kind === kind)
    if (group.length > 0) sections.push(findingsHtml(kind, group, report, links))
  }
  sections.push(imagesHtml('Base images', report.images.filter(image => image.kind === 'base'), report, links))
  sections.push(imagesHtml('Service images', report.images.filter(image => image.kind === 'service'), report, links))
  sections.push(commandsHtml(report.images))
  sections.push(logsHtml(report.images))
  sections.push(trafficHtml(report))
  sections.push(cacheHtml(report.cache))
  return withinBudget(
    sections.filter(section => section !== ''),
    options.maxBytes ?? MAX_SUMMARY_BYTES
  )
}

function withinBudget(sections: string[], maxBytes: number): string {
  const note = (left: number): string =>
    `<p><em>${plural(left, 'section')} of this summary ${left === 1 ? 'was' : 'were'} left out to keep it under GitHub's size limit: the JSON report (the <code>report</code> output) has everything.</em></p>`
  const kept: string[] = []
  let bytes = Buffer.byteLength(note(sections.length)) + 1
  for (const [index, section] of sections.entries()) {
    const size = Buffer.byteLength(section) + 1
    if (bytes + size > maxBytes) {
      kept.push(note(sections.length - index))
      break
    }
    kept.push(section)
    bytes += size
  }
  return `${kept.join('\n')}\n`
}

// ---------------------------------------------------------------- header

function headerHtml(report: Report): string {
  const icon = !report.ok ? '❌' : report.dryRun ? '📝' : '✅'
  const context = [`image-mirror, mode ${code(report.mode)}${report.dryRun ? ' (dry run)' : ''}`]
  if (report.registry !== null) context.push(`registry ${code(report.registry)}`)
  if (report.tag !== null) context.push(`tag ${code(report.tag)}`)
  context.push(`${plural(report.files.length, 'file')} scanned${report.path !== '' ? ` in ${code(report.path)}` : ''}`)
  const images = `${plural(report.counts.images, 'image')} (${report.counts.base} base, ${report.counts.service} service)`
  context.push(images)
  return `<h2>${icon} ${cellText(report.verdict)}</h2>\n<p>${context.join(' · ')}</p>`
}

// ---------------------------------------------------------------- findings

function findingsHtml(kind: FindingKind, group: ReportFinding[], report: Report, links: SummaryLinks | undefined): string {
  const title = kind === 'missing' && report.registry !== null ? `Missing from ${code(report.registry)}` : escapeHtml(FINDING_TITLES[kind])
  const parts = [`<h3>${title} (${group.length})</h3>`]
  const suggestions = new Set(group.map(finding => finding.suggestion ?? ''))
  const shared = suggestions.size === 1 && group.length > 1 ? group[0]!.suggestion : undefined
  if (shared !== undefined) parts.push(`<div><strong>Fix:</strong> ${suggestionHtml(shared)}</div>`)

  const runWide = group.filter(finding => finding.affected !== undefined)
  for (const finding of runWide) parts.push(runWideHtml(finding, shared === undefined, report.registry))
  const rows = group.filter(finding => finding.affected === undefined)
  if (rows.length === 0) return parts.join('\n')

  // The image and where it is referenced share the first column, so the prose columns get the width.
  const hasWhere = rows.some(finding => finding.file !== undefined || finding.image !== undefined)
  const hasFix = shared === undefined && rows.some(finding => finding.suggestion !== undefined)
  const severities = new Set(rows.map(finding => finding.severity))
  // A missing image's message only says it is not in the registry the heading names: its target says more.
  const targets = new Map(report.images.map(image => [image.source, image.target]))
  const problem = (finding: ReportFinding): string => {
    const target = finding.image === undefined ? undefined : targets.get(finding.image)
    if (kind !== 'missing' || target === undefined || target === null) return cellText(finding.message)
    const detail = /\(([^()]*)\)$/.exec(finding.message)?.[1]
    return `${code(shortTarget(target, report.registry ?? ''))}${detail === undefined ? '' : `<br>${cellText(detail)}`}`
  }
  const headers = [
    ...(severities.size > 1 ? ['Level'] : []),
    ...(hasWhere ? ['Where'] : []),
    kind === 'missing' ? 'Target' : 'Problem',
    ...(hasFix ? ['Fix'] : [])
  ]
  const body = rows.map(finding => [
    ...(severities.size > 1 ? [severityLabel(finding)] : []),
    ...(hasWhere ? [whereHtml(finding, links)] : []),
    problem(finding),
    ...(hasFix ? [finding.suggestion === undefined ? '' : suggestionHtml(finding.suggestion)] : [])
  ])
  parts.push(tableHtml(headers, body, plural(rows.length, FINDING_NOUNS[kind][0], FINDING_NOUNS[kind][1])))
  return parts.join('\n')
}

const FINDING_NOUNS: Record<FindingKind, [string, string]> = {
  'invalid-file': ['file', 'files'],
  'unresolved-variable': ['variable', 'variables'],
  'invalid-reference': ['reference', 'references'],
  'invalid-config': ['error', 'errors'],
  unmapped: ['unmapped image', 'unmapped images'],
  excluded: ['excluded image', 'excluded images'],
  collision: ['collision', 'collisions'],
  'tag-policy': ['violation', 'violations'],
  'version-drift': ['image', 'images'],
  missing: ['missing image', 'missing images'],
  failed: ['failed image', 'failed images'],
  'scan-note': ['note', 'notes']
}

function whereHtml(finding: ReportFinding, links: SummaryLinks | undefined): string {
  const parts: string[] = []
  if (finding.image !== undefined) parts.push(code(displayName(finding.image)))
  if (finding.file !== undefined) parts.push(locationHtml({ file: finding.file, line: finding.line ?? 0 }, links))
  return parts.join('<br>')
}

/** One problem of the whole run: what, the fix, and the images it affected (collapsed when many). */
function runWideHtml(finding: ReportFinding, withFix: boolean, registry: string | null): string {
  const affected = finding.affected ?? []
  const list = affected.map(name => code(registry === null ? name : shortTarget(name, registry))).join(', ')
  const below = registry === null ? '' : ` (below ${code(registry)})`
  const images = affected.length > COLLAPSE_AFTER ? `<details><summary>${plural(affected.length, 'image')} affected</summary><p>${list}${below}</p></details>` : `<p>Affected${below}: ${list}</p>`
  const fix = withFix && finding.suggestion !== undefined ? `<div><strong>Fix:</strong> ${suggestionHtml(finding.suggestion)}</div>` : ''
  return `<p>${severityLabel(finding)} ${cellText(finding.message)}</p>${fix}${images}`
}

function severityLabel(finding: ReportFinding): string {
  if (finding.severity === 'error') return '❌'
  if (finding.severity === 'warning') return '⚠️'
  return 'ℹ️'
}

// ---------------------------------------------------------------- images

function imagesHtml(title: string, images: ReportImage[], report: Report, links: SummaryLinks | undefined): string {
  if (images.length === 0) return ''
  const executed = images.some(image => (image.phases?.length ?? 0) > 0)
  const digests = images.some(image => image.digest !== undefined)
  const mapped = report.registry !== null
  // Source and target share a column (the target below the source), so the table fits the panel.
  const headers = [mapped ? 'Image → target' : 'Image', ...(mapped || executed ? ['Status'] : []), ...(digests ? ['Digest'] : []), 'Referenced in']
  const rows = images.map(image => {
    const time = image.status === 'planned' ? undefined : image.phases?.reduce((total, phase) => total + phase.durationMs, 0)
    const target = image.target === null ? '<br>→ —' : `<br>→ ${code(shortTarget(image.target, report.registry ?? ''))}`
    return [
      `${code(displayName(image.source))}${mapped ? target : ''}`,
      ...(mapped || executed ? [`${escapeHtml(statusLabel(image))}${executed && time !== undefined && time > 0 ? `<br>${formatDuration(time)}` : ''}`] : []),
      ...(digests ? [image.digest === undefined ? '' : code(shortDigest(image.digest))] : []),
      originsHtml(image.origins, links)
    ]
  })
  const note = mapped ? `<p>Targets are below ${code(report.registry!)}.${digests ? ' Full digests: the <code>digests</code> output.' : ''}</p>` : ''
  return `<h3>${escapeHtml(title)} (${images.length})</h3>\n${note}${tableHtml(headers, rows, plural(images.length, 'image'))}`
}

/** The target below the registry input, which the summary names once: `library/postgres:15`. */
function shortTarget(target: string, registry: string): string {
  return target.startsWith(`${registry}/`) ? target.slice(registry.length + 1) : target
}

function shortDigest(digest: string): string {
  const [algorithm, hex] = digest.split(':')
  return hex === undefined ? digest : `${algorithm}:${hex.slice(0, 12)}`
}

function statusLabel(image: ReportImage): string {
  if (image.status === 'planned' && (image.phases?.length ?? 0) > 0) {
    const phases = image.phases!.filter(phase => phase.status === 'planned').map(phase => phase.phase)
    return `would ${joinAnd(phases)}`
  }
  const labels: Record<string, string> = {
    verified: '✅ verified',
    mirrored: '✅ mirrored',
    'already-present': '✅ already present',
    built: '✅ built',
    pushed: '✅ pushed',
    exported: '✅ exported',
    imported: '✅ imported',
    planned: 'planned',
    missing: '❌ missing',
    failed: '❌ failed',
    unmapped: '❌ unmapped',
    skipped: '⏭️ skipped'
  }
  // Before any run (plan, check), a planned image with a target is simply mapped.
  if (image.status === 'planned' && image.target !== null) return 'mapped'
  const failedPhase = image.status === 'failed' ? image.phases?.find(phase => phase.status === 'failed')?.phase : undefined
  return failedPhase !== undefined ? `❌ ${failedPhase} failed` : (labels[image.status] ?? image.status)
}

// ---------------------------------------------------------------- commands, logs, traffic

/** A dry run's commands (or a real run's, when the engines recorded them), collapsed per phase. */
function commandsHtml(images: ReportImage[]): string {
  const byPhase = new Map<PhaseResult['phase'], string[]>()
  const dryRun = images.some(image => image.phases?.some(phase => phase.status === 'planned'))
  if (!dryRun) return ''
  for (const image of images) {
    for (const phase of image.phases ?? []) {
      if (phase.commands === undefined || phase.commands.length === 0) continue
      byPhase.set(phase.phase, [...(byPhase.get(phase.phase) ?? []), `# ${displayName(image.target ?? image.source)}`, ...phase.commands])
    }
  }
  if (byPhase.size === 0) return ''
  const parts = ['<h3>Commands the run would make</h3>']
  const order: PhaseResult['phase'][] = ['mirror', 'build', 'push', 'export', 'import', 'verify']
  for (const [phase, lines] of [...byPhase].sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))) {
    const commands = lines.filter(line => !line.startsWith('# ')).length
    const shown = lines.length > MAX_COMMAND_LINES ? [...lines.slice(0, MAX_COMMAND_LINES), `# … ${lines.length - MAX_COMMAND_LINES} more lines: see the JSON report`] : lines
    parts.push(`<details><summary>${escapeHtml(capitalize(phase))}: ${plural(commands, 'command')}</summary><pre><code>${preText(shown.join('\n'))}</code></pre></details>`)
  }
  return parts.join('\n')
}

function logsHtml(images: ReportImage[]): string {
  const logs: string[] = []
  for (const image of images) {
    for (const phase of image.phases ?? []) {
      if (phase.log === undefined || (phase.status !== 'failed' && phase.status !== 'missing')) continue
      // A tool says what broke at the end of its output (a build's last lines): keep the end.
      const log = phase.log.length > MAX_LOG_CHARS ? `… (the start is cut; the JSON report has all of it)\n${phase.log.slice(-MAX_LOG_CHARS)}` : phase.log
      logs.push(`<details><summary>${escapeHtml(`${phase.phase} ${displayName(image.target ?? image.source)}`)}</summary><pre>${preText(log)}</pre></details>`)
    }
  }
  if (logs.length === 0) return ''
  const more = logs.length > MAX_LOGS ? `<p>… and ${logs.length - MAX_LOGS} more in the JSON report.</p>` : ''
  return `<h3>Tool output of the failures (${logs.length})</h3>\n${logs.slice(0, MAX_LOGS).join('\n')}${more}`
}

function trafficHtml(report: Report): string {
  const hosts = Object.entries(report.registries ?? {})
  if (hosts.length === 0) return ''
  const sum = (pick: (phase: PhaseResult) => number | undefined): number =>
    report.images.reduce((total, image) => total + (image.phases ?? []).reduce((inner, phase) => inner + (pick(phase) ?? 0), 0), 0)
  const rows = hosts.map(([host, traffic]) => [code(host), String(traffic.requests), formatBytes(traffic.bytesReceived), formatBytes(traffic.bytesSent)])
  return `<h3>Registry traffic</h3>\n<p>${formatBytes(sum(phase => phase.bytesTransferred))} copied, ${formatBytes(sum(phase => phase.bytesSkipped))} already present or mounted.</p>${tableHtml(['Registry', 'Requests', 'Received', 'Sent'], rows, plural(rows.length, 'registry', 'registries'))}`
}

/** What cache: true restored and served, so a user sees whether the cache paid off. */
function cacheHtml(cache: Report['cache']): string {
  if (cache === undefined) return ''
  const restored = {
    exact: `Restored ${code(cache.key)}.`,
    partial: `Restored ${code(cache.restoredKey ?? '')}, an earlier plan's entry; the post step saves ${code(cache.key)}.`,
    none: `Nothing was restored; the post step saves ${code(cache.key)}.`
  }[cache.restored]
  return `<h3>Actions cache</h3>\n<p>${restored} ${escapeHtml(cacheServed(cache))}.</p>`
}

/** What the cache served this run, one clause (the log's line and the summary's). */
export function cacheServed(cache: Pick<CacheOutcome, 'hits' | 'hitBytes' | 'fetched' | 'fetchedBytes' | 'damaged' | 'pruned'>): string {
  const entries = (count: number): string => plural(count, 'manifest or blob', 'manifests and blobs')
  return (
    `${entries(cache.hits)} (${formatBytes(cache.hitBytes)}) read from the cache, ${entries(cache.fetched)} (${formatBytes(cache.fetchedBytes)}) fetched from sources` +
    (cache.damaged > 0 ? `, ${plural(cache.damaged, 'damaged entry', 'damaged entries')} fetched again` : '') +
    (cache.pruned > 0 ? `, ${plural(cache.pruned, 'unused entry', 'unused entries')} left out of the next save` : '')
  )
}

// ---------------------------------------------------------------- building blocks

/** A table; over COLLAPSE_AFTER rows it is collapsed in <details> labelled with `what` ("20 missing images"). */
function tableHtml(headers: string[], rows: string[][], what: string): string {
  const shown = rows.slice(0, MAX_TABLE_ROWS)
  const head = `<tr>${headers.map(header => `<th>${escapeHtml(header)}</th>`).join('')}</tr>`
  const body = shown.map(row => `<tr>${row.map(cell => `<td>${cell}</td>`).join('')}</tr>`).join('')
  const cut = rows.length > MAX_TABLE_ROWS ? `<p>… and ${rows.length - MAX_TABLE_ROWS} more: see the JSON report.</p>` : ''
  const table = `<table>${head}${body}</table>${cut}`
  return rows.length > COLLAPSE_AFTER ? `<details><summary>Show all ${escapeHtml(what)}</summary>${table}</details>` : table
}

function originsHtml(origins: Origin[], links: SummaryLinks | undefined, limit = 2): string {
  const shown = origins.slice(0, limit).map(origin => locationHtml(origin, links))
  return origins.length > limit ? `${shown.join('<br>')}<br>+${origins.length - limit} more` : shown.join('<br>')
}

function locationHtml(origin: Origin, links: SummaryLinks | undefined): string {
  const text = escapeHtml(origin.line > 0 ? `${origin.file}:${origin.line}` : origin.file)
  if (links === undefined || origin.file.startsWith('../') || origin.file.startsWith('/')) return text
  const href = `${links.serverUrl}/${links.repository}/blob/${links.sha}/${origin.file.split('/').map(encodeURIComponent).join('/')}${origin.line > 0 ? `#L${origin.line}` : ''}`
  return `<a href="${escapeHtml(href)}">${text}</a>`
}

function validLinks(links: SummaryLinks | undefined): SummaryLinks | undefined {
  if (links === undefined) return undefined
  const ok = /^https?:\/\/[A-Za-z0-9.-]+(?::\d+)?(?:\/[\w.~-]+)*$/.test(links.serverUrl) && /^[\w.-]+\/[\w.-]+$/.test(links.repository) && /^[0-9a-f]{7,64}$/i.test(links.sha)
  return ok ? { ...links, serverUrl: links.serverUrl.replace(/\/+$/, '') } : undefined
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

export function formatOrigins(origins: Origin[], limit = 3): string {
  const shown = origins.slice(0, limit).map(origin => `${origin.file}:${origin.line}`)
  return origins.length > limit ? `${shown.join(', ')} (+${origins.length - limit} more)` : shown.join(', ')
}

/** A size or a rate (bytes per second may be fractional): `512 B`, `1.5 KiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B`
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
