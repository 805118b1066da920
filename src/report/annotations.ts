/**
 * Which findings become annotations. GitHub shows at most 10 error and 10
 * warning annotations per step, so the most important ones go first (errors
 * that fail the run, then by file and line); the job summary and the JSON
 * report hold the complete list.
 */
import * as path from 'node:path'
import type { Severity } from '../model.js'
import type { Report } from './report.js'

export const ANNOTATIONS_PER_LEVEL = 10

export interface Annotation {
  level: Severity
  message: string
  title: string
  /** Relative to the workspace, POSIX separators, as GitHub expects. */
  file?: string
  startLine?: number
}

/** @param scannedPathFromWorkspace the scanned path relative to the workspace ('' when it is the workspace). */
export function selectAnnotations(report: Report, scannedPathFromWorkspace: string): Annotation[] {
  const annotations: Annotation[] = []
  const perLevel: Record<Severity, number> = { error: 0, warning: 0, notice: 0 }
  for (const finding of report.findings) {
    if (perLevel[finding.severity] >= ANNOTATIONS_PER_LEVEL) continue
    perLevel[finding.severity] += 1
    const suggestion = finding.suggestion !== undefined ? `\nFix: ${finding.suggestion}` : ''
    annotations.push({
      level: finding.severity,
      title: `image-mirror: ${finding.kind}`,
      message: `${finding.message}${suggestion}`,
      ...(finding.file !== undefined && { file: path.posix.join(scannedPathFromWorkspace.split(path.sep).join('/'), finding.file) }),
      ...(finding.line !== undefined && { startLine: finding.line })
    })
  }
  const hidden = report.findings.length - annotations.length
  if (hidden > 0) {
    annotations.push({
      level: 'notice',
      title: 'image-mirror: more findings',
      message: `${hidden} more findings are not shown as annotations (GitHub shows ${ANNOTATIONS_PER_LEVEL} per level): see the job summary or the JSON report`
    })
  }
  return annotations
}
