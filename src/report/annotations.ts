/**
 * Which findings become annotations (pure; main.ts emits them).
 *
 * GitHub shows at most 10 error and 10 warning (and 10 notice) annotations per
 * step and drops the rest silently. The action's own failure message is an
 * error annotation too, and it must show, so findings get at most 9 per level:
 * the 10th error is the failure message (`failureMessage`, which counts the
 * errors left out), the 10th warning or notice says how many more the job
 * summary holds.
 *
 * - check and plan: one annotation per finding, on its line (a pull request
 *   shows them in the diff).
 * - execute modes (mirror, build, verify, all): per kind, a few line
 *   annotations and, when there are more, one annotation for the whole kind
 *   ("20 images missing from harbor.example.com/aihpc: see the job summary");
 *   a failure of the whole run (credentials refused) is one annotation.
 *
 * Titles read as sentences: "Unmapped image: bitnami/kafka:3.7".
 * Paths are the report's: relative to the repository root, as GitHub expects.
 */
import type { FindingKind, Severity } from '../model.js'
import { displayName, plural, type Report, type ReportFinding } from './report.js'

/** GitHub's limit per level and step. */
export const ANNOTATIONS_PER_LEVEL = 10
/** Annotations from findings per level: one less than GitHub shows, for the failure message or the "more" note. */
export const FINDING_ANNOTATIONS_PER_LEVEL = ANNOTATIONS_PER_LEVEL - 1
/** Execute modes: line annotations per finding kind before the rest is one annotation for the kind. */
export const LINE_ANNOTATIONS_PER_KIND = 3

export interface Annotation {
  level: Severity
  message: string
  title: string
  /** Relative to the repository root, POSIX separators, as GitHub expects. */
  file?: string
  startLine?: number
}

const LEVELS: Severity[] = ['error', 'warning', 'notice']
const EXECUTE_MODES = new Set(['mirror', 'build', 'verify', 'all'])

export function selectAnnotations(report: Report): Annotation[] {
  return select(report).annotations
}

/** The action's failure message, emitted last: the verdict and how many errors the annotations left out. */
export function failureMessage(report: Report): string {
  const left = select(report).leftOut.error
  const more = left > 0 ? `; ${plural(left, 'more error')} than the annotations show` : ''
  return `${report.verdict}${more} (see the job summary)`
}

function select(report: Report): { annotations: Annotation[]; leftOut: Record<Severity, number> } {
  const perKind = EXECUTE_MODES.has(report.mode)
  const annotations: Annotation[] = []
  const leftOut: Record<Severity, number> = { error: 0, warning: 0, notice: 0 }
  for (const level of LEVELS) {
    const findings = report.findings.filter(finding => finding.severity === level)
    const candidates = perKind ? groupedByKind(findings, report) : findings.map(finding => ({ annotation: lineAnnotation(finding), covers: 1 }))
    const shown = candidates.slice(0, FINDING_ANNOTATIONS_PER_LEVEL)
    annotations.push(...shown.map(candidate => candidate.annotation))
    const left = candidates.slice(shown.length).reduce((total, candidate) => total + candidate.covers, 0)
    leftOut[level] = left
    // The error level's last slot is the failure message, which counts what was left out.
    if (left > 0 && level !== 'error') {
      annotations.push({
        level,
        title: `${plural(left, `more ${level}`)} in the job summary`,
        message: `${plural(left, `more ${level}`)} than GitHub shows as annotations: see the job summary or the JSON report.`
      })
    }
  }
  return { annotations, leftOut }
}

interface Candidate {
  annotation: Annotation
  /** How many findings it stands for. */
  covers: number
}

function groupedByKind(findings: ReportFinding[], report: Report): Candidate[] {
  const candidates: Candidate[] = []
  const kinds = [...new Set(findings.map(finding => finding.kind))]
  for (const kind of kinds) {
    const group = findings.filter(finding => finding.kind === kind)
    const runWide = group.filter(finding => finding.affected !== undefined)
    const rest = group.filter(finding => finding.affected === undefined)
    candidates.push(...runWide.map(finding => ({ annotation: lineAnnotation(finding), covers: 1 })))
    if (rest.length <= LINE_ANNOTATIONS_PER_KIND) {
      candidates.push(...rest.map(finding => ({ annotation: lineAnnotation(finding), covers: 1 })))
      continue
    }
    // The kind as a whole first, so it shows even when the lines of other kinds fill the level.
    candidates.push({ annotation: kindAnnotation(kind, rest, report), covers: rest.length - LINE_ANNOTATIONS_PER_KIND })
    candidates.push(...rest.slice(0, LINE_ANNOTATIONS_PER_KIND).map(finding => ({ annotation: lineAnnotation(finding), covers: 1 })))
  }
  return candidates
}

function lineAnnotation(finding: ReportFinding): Annotation {
  const suggestion = finding.suggestion !== undefined ? `\nFix: ${finding.suggestion}` : ''
  const affected = finding.affected !== undefined ? `\nImages: ${finding.affected.slice(0, 20).join(', ')}${finding.affected.length > 20 ? `, … (${finding.affected.length - 20} more)` : ''}` : ''
  const inRepository = finding.file !== undefined && !finding.file.startsWith('../') && !finding.file.startsWith('/')
  return {
    level: finding.severity,
    title: titleOf(finding),
    message: `${finding.message}${suggestion}${affected}`,
    ...(inRepository && { file: finding.file }),
    ...(inRepository && finding.line !== undefined && finding.line > 0 && { startLine: finding.line })
  }
}

const KIND_NOUNS: Record<FindingKind, [string, string]> = {
  'invalid-file': ['file could not be read', 'files could not be read'],
  'unresolved-variable': ['unresolved variable', 'unresolved variables'],
  'invalid-reference': ['invalid image reference', 'invalid image references'],
  'invalid-config': ['mapping file or input error', 'mapping file or input errors'],
  unmapped: ['image has no mapping rule', 'images have no mapping rule'],
  excluded: ['image excluded by the mapping file', 'images excluded by the mapping file'],
  collision: ['target collision', 'target collisions'],
  'tag-policy': ['tag policy violation', 'tag policy violations'],
  'version-drift': ['image has several versions in use', 'images have several versions in use'],
  missing: ['image missing', 'images missing'],
  failed: ['image failed', 'images failed'],
  'scan-note': ['note on how a file was read', 'notes on how files were read']
}

function kindAnnotation(kind: FindingKind, group: ReportFinding[], report: Report): Annotation {
  const [one, many] = KIND_NOUNS[kind]
  const count = `${group.length} ${group.length === 1 ? one : many}`
  const where = kind === 'missing' && report.registry !== null ? ` from ${report.registry}` : ''
  const names = group
    .map(finding => (finding.image === undefined ? undefined : displayName(finding.image)))
    .filter((name): name is string => name !== undefined)
  const list = names.length > 0 ? ` (${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''})` : ''
  return {
    level: group[0]!.severity,
    title: `${count}${where}`,
    message: `${count}${where}${list}: see the job summary for each one and what to do.`
  }
}

function titleOf(finding: ReportFinding): string {
  const name = finding.image === undefined ? undefined : displayName(finding.image)
  const about = (text: string): string => (name === undefined ? text : `${text}: ${name}`)
  switch (finding.kind) {
    case 'unmapped':
      return about('Unmapped image')
    case 'collision':
      return about('Target collision')
    case 'tag-policy':
      return about('Tag policy')
    case 'version-drift':
      return name === undefined ? 'Several versions of one image' : `Several versions of ${name}`
    case 'excluded':
      return about('Excluded image')
    case 'missing':
      return about('Missing image')
    case 'failed':
      if (finding.affected !== undefined) return `${plural(finding.affected.length, 'image')} failed: ${finding.message.replace(/:.*$/, '')}`
      return about('Failed image')
    case 'invalid-file':
      return 'File could not be read'
    case 'unresolved-variable':
      return about('Unresolved variable')
    case 'invalid-reference':
      return 'Invalid image reference'
    case 'invalid-config':
      return finding.file === undefined ? 'Input error' : 'Mapping file error'
    case 'scan-note':
      return 'How this file was read'
  }
}
