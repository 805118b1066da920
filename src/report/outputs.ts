/** The action's outputs, computed from the report (pure; main.ts sets them). */
import type { ImageStatus } from '../model.js'
import type { Report, ReportImage } from './report.js'

const reached = (image: ReportImage, status: ImageStatus): boolean =>
  image.status === status || (image.phases?.some(phase => phase.status === status) ?? false)

const names = (images: ReportImage[]): string => JSON.stringify(images.map(image => image.target ?? image.source))

export function reportOutputs(report: Report, reportPath: string): Record<string, string> {
  const { images } = report
  return {
    verdict: report.verdict,
    images: JSON.stringify(images.map(({ kind, source, target, status, origins }) => ({ kind, source, target, status, origins }))),
    'image-count': String(report.counts.images),
    'base-count': String(report.counts.base),
    'service-count': String(report.counts.service),
    findings: JSON.stringify(report.findings),
    'error-count': String(report.counts.errors),
    unmapped: JSON.stringify(images.filter(image => image.status === 'unmapped').map(image => image.source)),
    mirrored: names(images.filter(image => reached(image, 'mirrored') || reached(image, 'already-present'))),
    built: names(images.filter(image => reached(image, 'built'))),
    verified: names(images.filter(image => image.status === 'verified')),
    missing: names(images.filter(image => image.status === 'missing')),
    failed: names(images.filter(image => image.status === 'failed')),
    report: reportPath
  }
}
