/** The report as plain text for a terminal (the CLI without --json). */
import type { Report, ReportImage } from './report.js'
import { formatOrigins } from './summary.js'

export function renderText(report: Report): string {
  const lines: string[] = [`${report.ok ? 'OK' : 'FAILED'}: ${report.verdict}`, '']
  const section = (title: string, images: ReportImage[]): void => {
    if (images.length === 0) return
    lines.push(`${title} (${images.length}):`)
    const width = Math.max(...images.map(image => image.source.length))
    for (const image of images) {
      const target = image.target === null ? '' : ` -> ${image.target}`
      lines.push(`  ${image.source.padEnd(width)}${target}  [${image.status}]  ${formatOrigins(image.origins)}`)
    }
    lines.push('')
  }
  section('Base images', report.images.filter(image => image.kind === 'base'))
  section('Service images', report.images.filter(image => image.kind === 'service'))
  if (report.findings.length > 0) {
    lines.push(`Findings (${report.findings.length}):`)
    for (const finding of report.findings) {
      const where = finding.file === undefined ? '' : `${finding.file}${finding.line === undefined ? '' : `:${finding.line}`}: `
      lines.push(`  ${finding.severity}: ${where}${finding.message} [${finding.kind}]`)
      if (finding.suggestion !== undefined) lines.push(...finding.suggestion.split('\n').map(line => `      ${line}`))
    }
    lines.push('')
  }
  return lines.join('\n')
}
