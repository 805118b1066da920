import { describe, expect, it } from '@jest/globals'
import type { Finding, ImageResult, PlannedImage } from '../src/model.js'
import { parseReference } from '../src/reference.js'
import { failureMessage, selectAnnotations, FINDING_ANNOTATIONS_PER_LEVEL } from '../src/report/annotations.js'
import { buildReport } from '../src/report/report.js'
import { escapeHtml, renderSummary } from '../src/report/summary.js'
import { assignShards, matrixOutput, selectShard } from '../src/plan/shard.js'
import { DEFAULT_FAIL_ON } from '../src/settings.js'

const planned = (source: string, target: string | null, kind: 'base' | 'service' = 'base'): PlannedImage => ({
  kind,
  source: source,
  ref: parseReference(source),
  origins: [{ file: 'docker-compose.yml', line: 3 }],
  mapping: target === null ? 'unmapped' : 'mapped',
  target
})
const finding = (kind: Finding['kind'], severity: Finding['severity'], line = 1): Finding => ({ kind, severity, message: `${kind} at ${line}`, file: 'Dockerfile', line })

describe('buildReport', () => {
  it.each<[Finding['kind'], Finding['severity'], string[], Finding['severity'], boolean]>([
    ['unmapped', 'error', [...DEFAULT_FAIL_ON], 'error', true],
    ['tag-policy', 'error', ['unmapped'], 'warning', false],
    ['version-drift', 'notice', [...DEFAULT_FAIL_ON], 'notice', false],
    ['version-drift', 'notice', ['version-drift'], 'error', true],
    ['invalid-file', 'warning', [...DEFAULT_FAIL_ON], 'warning', false],
    ['excluded', 'notice', [...DEFAULT_FAIL_ON], 'notice', false]
  ])('a %s %s under fail-on %j is a %s that fails the run: %s', (kind, severity, failOn, expected, fails) => {
    const report = buildReport({ mode: 'check', dryRun: false, images: [], findings: [finding(kind, severity)], files: [], failOn: failOn as Finding['kind'][] })
    expect(report.findings[0]).toMatchObject({ severity: expected, failsRun: fails })
    expect(report.ok).toBe(!fails)
  })

  it('turns missing and failed images into findings at their first origin, and says so in the verdict', () => {
    const images = [planned('postgres:15', 'r.example/postgres:15'), planned('redis:7', 'r.example/redis:7'), planned('nginx:1', 'r.example/nginx:1')]
    const results: ImageResult[] = [
      { image: images[0]!, status: 'verified', phases: [{ phase: 'mirror', status: 'mirrored', durationMs: 5 }, { phase: 'verify', status: 'verified', durationMs: 1 }] },
      { image: images[1]!, status: 'missing', phases: [{ phase: 'verify', status: 'missing', durationMs: 1, error: 'manifest unknown', suggestion: 'run mode: mirror' }] },
      { image: images[2]!, status: 'failed', phases: [{ phase: 'mirror', status: 'failed', durationMs: 1, error: 'unauthorized' }] }
    ]
    const report = buildReport({ mode: 'all', registry: 'r.example', dryRun: false, images, findings: [], files: [], results, failOn: DEFAULT_FAIL_ON })
    expect(report.verdict).toBe('1/3 images verified (1 mirrored, 1 missing, 1 failed), 2 problems')
    expect(report.findings.map(f => [f.kind, f.file, f.line, f.suggestion])).toEqual([
      ['failed', 'docker-compose.yml', 3, undefined],
      ['missing', 'docker-compose.yml', 3, 'run mode: mirror']
    ])
    expect(report.ok).toBe(false)
  })

  it('marks images without a target unmapped only when there is a registry, and excluded ones skipped', () => {
    const excluded: PlannedImage = { ...planned('busybox:1', null), mapping: 'excluded' }
    const mapped = buildReport({ mode: 'check', registry: 'r.example', dryRun: false, images: [planned('a:1', null), excluded], findings: [], files: [], failOn: DEFAULT_FAIL_ON })
    expect(mapped.images.map(image => image.status)).toEqual(['unmapped', 'skipped'])
    const plan = buildReport({ mode: 'plan', dryRun: false, images: [planned('a:1', null)], findings: [], files: [], failOn: DEFAULT_FAIL_ON })
    expect(plan.images.map(image => image.status)).toEqual(['planned'])
  })
})

describe('annotations and summary', () => {
  it(`emits at most ${FINDING_ANNOTATIONS_PER_LEVEL} per level, with paths relative to the repository root`, () => {
    const findings = Array.from({ length: 14 }, (_, i) => finding('unmapped', 'error', i + 1))
    const report = buildReport({ mode: 'check', registry: 'r', dryRun: false, images: [], findings, files: [], failOn: DEFAULT_FAIL_ON, pathPrefix: 'services/api' })
    const annotations = selectAnnotations(report)
    expect(annotations.filter(a => a.level === 'error')).toHaveLength(FINDING_ANNOTATIONS_PER_LEVEL)
    expect(annotations[0]).toMatchObject({ file: 'services/api/Dockerfile', startLine: 1, title: 'Unmapped image' })
    expect(failureMessage(report)).toMatch(/; 5 more errors than the annotations show/)
  })

  it('escapes every user-provided string in the job summary', () => {
    const evil = { ...finding('invalid-reference', 'error'), message: '<img src=x onerror=alert(1)>' }
    const report = buildReport({ mode: 'check', dryRun: false, images: [], findings: [evil], files: [], failOn: DEFAULT_FAIL_ON })
    const html = renderSummary(report)
    expect(html).not.toContain('<img')
    expect(html).toContain(escapeHtml('<img src=x onerror=alert(1)>'))
  })
})

describe('shards', () => {
  const images = ['golang:1.24', 'golang:1.25', 'node:18', 'node:22', 'redis:7', 'postgres:15', 'alpine:3'].map(source => planned(source, `r/${source}`))

  it('keeps the tags of one repository together and balances the rest', () => {
    const shards = assignShards(images, 3)
    const names = shards.map(shard => shard.map(image => image.ref.repository))
    for (const shard of names) expect(new Set(shard.filter(name => name === 'library/golang')).size).toBeLessThanOrEqual(1)
    expect(names.flat().sort()).toEqual(images.map(image => image.ref.repository).sort())
    const sizes = shards.map(shard => shard.length)
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(2)
    expect(names.findIndex(shard => shard.includes('library/golang'))).toBe(names.findLastIndex(shard => shard.includes('library/golang')))
  })

  it('gives every image to exactly one shard, the same on every run', () => {
    const all = [1, 2, 3].flatMap(index => selectShard(images, index, 3).map(image => image.source))
    expect(all.sort()).toEqual(images.map(image => image.source).sort())
    expect(selectShard(images, 2, 3)).toEqual(selectShard([...images].reverse(), 2, 3).sort((a, b) => images.indexOf(a) - images.indexOf(b)))
    expect(JSON.parse(matrixOutput(images, 3))).toEqual({ shard: ['1/3', '2/3', '3/3'] })
  })
})
