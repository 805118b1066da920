/**
 * The report as plain text for a terminal (the CLI without --json), in the
 * shape of the job summary: the verdict, what to do next, the findings grouped
 * by kind, then the images. Lists longer than 10 lines show their first lines
 * and say how many more `--verbose` shows.
 *
 * Every line is passed through `safeLine`: the CLI may run inside a workflow
 * step, where a line of a hostile repository's text could be read as a
 * workflow command.
 */
import type { FindingKind, PhaseResult } from '../model.js'
import { safeLine } from './neutralize.js'
import { displayName, plural, type Report, type ReportFinding, type ReportImage } from './report.js'
import { COLLAPSE_AFTER, FINDING_TITLES, formatOrigins, splitSuggestion } from './summary.js'

export interface TextOptions {
  /** Show every row of every list, and a dry run's commands. */
  verbose?: boolean
}

const KIND_ORDER: FindingKind[] = ['failed', 'missing', 'invalid-config', 'unmapped', 'collision', 'tag-policy', 'invalid-file', 'unresolved-variable', 'invalid-reference', 'version-drift', 'excluded', 'scan-note']

export function renderText(report: Report, options: TextOptions = {}): string {
  const verbose = options.verbose === true
  const lines: string[] = []
  const cut = <T>(items: T[]): { shown: T[]; more: string | undefined } =>
    verbose || items.length <= COLLAPSE_AFTER
      ? { shown: items, more: undefined }
      : { shown: items.slice(0, COLLAPSE_AFTER), more: `  … ${items.length - COLLAPSE_AFTER} more (--verbose shows all)` }

  // The verdicts of check and dry runs say what they are; the others get OK or FAILED in front.
  const saysItself = /^(Check|Dry run)\b/.test(report.verdict)
  lines.push(saysItself ? report.verdict : `${report.ok ? 'OK' : 'FAILED'}: ${report.verdict}`)
  const context = [`mode ${report.mode}`]
  if (report.registry !== null) context.push(`registry ${report.registry}`)
  if (report.tag !== null) context.push(`tag ${report.tag}`)
  context.push(`${plural(report.files.length, 'file')} scanned${report.path !== '' ? ` in ${report.path}` : ''}`)
  lines.push(context.join(' · '), '')

  if (report.nextSteps.length > 0) {
    lines.push('What to do next:')
    // Inputs as the CLI spells them: `mode: mirror` is --mode mirror here.
    for (const step of report.nextSteps) lines.push(`  - ${step.replace(/`([a-z][a-z-]*): ([^`]+)`/g, '--$1 $2').replace(/`([^`]+)`/g, '$1')}`)
    lines.push('')
  }

  for (const kind of KIND_ORDER) {
    const group = report.findings.filter(finding => finding.kind === kind)
    if (group.length === 0) continue
    lines.push(`${FINDING_TITLES[kind]} (${group.length}):`)
    const suggestions = new Set(group.map(finding => finding.suggestion ?? ''))
    const shared = suggestions.size === 1 && group.length > 1 ? group[0]!.suggestion : undefined
    if (shared !== undefined) lines.push(...suggestionLines(shared, '  Fix: '))
    const { shown, more } = cut(group)
    for (const finding of shown) lines.push(...findingLines(finding, shared === undefined, verbose))
    if (more !== undefined) lines.push(more)
    lines.push('')
  }

  const section = (title: string, images: ReportImage[]): void => {
    if (images.length === 0) return
    lines.push(`${title} (${images.length}):`)
    const { shown, more } = cut(images)
    const width = Math.max(...shown.map(image => displayName(image.source).length))
    for (const image of shown) {
      const target = image.target === null ? '' : ` -> ${image.target}`
      const digest = image.digest === undefined ? '' : `  ${image.digest}`
      lines.push(`  ${displayName(image.source).padEnd(width)}${target}  [${statusText(image)}]${digest}  ${formatOrigins(image.origins)}`)
    }
    if (more !== undefined) lines.push(more)
    lines.push('')
  }
  section('Base images', report.images.filter(image => image.kind === 'base'))
  section('Service images', report.images.filter(image => image.kind === 'service'))

  const commands = report.images.flatMap(image =>
    (image.phases ?? []).filter(phase => phase.status === 'planned').flatMap(phase => (phase.commands ?? []).map(command => ({ image, phase, command })))
  )
  if (commands.length > 0) {
    if (verbose) {
      lines.push(`Commands the run would make (${commands.length}):`)
      for (const { command } of commands) lines.push(`  ${command}`)
    } else lines.push(`${plural(commands.length, 'command')} would run (--verbose lists them).`)
    lines.push('')
  }
  // Every line may carry a repository's or a registry's text.
  return lines
    .flatMap(line => line.split('\n'))
    .map(line => safeLine(line))
    .join('\n')
}

function findingLines(finding: ReportFinding, withFix: boolean, verbose: boolean): string[] {
  const where = finding.file === undefined ? '' : `${finding.file}${finding.line === undefined ? '' : `:${finding.line}`}: `
  const level = finding.severity === 'error' ? 'error' : finding.severity
  const lines = [`  ${level}: ${where}${finding.message}`]
  if (withFix && finding.suggestion !== undefined) lines.push(...suggestionLines(finding.suggestion, '      fix: '))
  if (finding.affected !== undefined) {
    const shown = verbose || finding.affected.length <= COLLAPSE_AFTER ? finding.affected : finding.affected.slice(0, COLLAPSE_AFTER)
    const more = shown.length < finding.affected.length ? `, … ${finding.affected.length - shown.length} more (--verbose shows all)` : ''
    lines.push(`      images: ${shown.join(', ')}${more}`)
  }
  return lines
}

/** Prose on the first line after the label, code indented below it. */
function suggestionLines(suggestion: string, label: string): string[] {
  const { prose, code } = splitSuggestion(suggestion)
  const indent = ' '.repeat(label.length)
  const lines = prose === '' ? [`${label.trimEnd()}`] : prose.split('\n').map((line, index) => `${index === 0 ? label : indent}${line}`)
  if (code !== '') lines.push(...code.split('\n').map(line => `${indent}  ${line}`))
  return lines
}

function statusText(image: ReportImage): string {
  if (image.status === 'planned' && (image.phases?.length ?? 0) > 0) {
    return `would ${image.phases!.filter((phase: PhaseResult) => phase.status === 'planned').map(phase => phase.phase).join(', ')}`
  }
  return image.status === 'planned' && image.target !== null ? 'mapped' : image.status
}
