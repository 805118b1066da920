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
    images: JSON.stringify(images.map(({ kind, source, target, status, origins, digest }) => ({ kind, source, target, status, origins, ...(digest !== undefined && { digest }) }))),
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
    digests: JSON.stringify(digestsOf(report)),
    targets: targetsOf(report).join('\n'),
    report: reportPath
  }
}

/**
 * Target → manifest digest of every image whose digest at the target this run
 * learned (pushed, copied, found by verify), for `cosign sign` or
 * `actions/attest-build-provenance`. A failed image has none.
 */
export function digestsOf(report: Report): Record<string, string> {
  const digests: Record<string, string> = {}
  for (const image of report.images) {
    if (image.target === null || image.digest === undefined || image.status === 'failed' || image.status === 'missing') continue
    digests[image.target] = image.digest
  }
  return digests
}

/** Every target of the run, once each, in report order (sorted by source). */
export function targetsOf(report: Report): string[] {
  return [...new Set(report.images.map(image => image.target).filter((target): target is string => target !== null))]
}
