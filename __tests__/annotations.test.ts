import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { Finding, ImageResult, PlannedImage } from '../src/model.js'
import { formatReference, parseReference } from '../src/reference.js'
import { actionProgress, publish } from '../src/main.js'
import { ANNOTATIONS_PER_LEVEL, FINDING_ANNOTATIONS_PER_LEVEL, failureMessage, selectAnnotations } from '../src/report/annotations.js'
import { digestsOf, reportOutputs } from '../src/report/outputs.js'
import { buildReport, type Report, type ReportInput } from '../src/report/report.js'
import { DEFAULT_FAIL_ON } from '../src/settings.js'
import { parseOutputFile } from './harness/runner.js'

const REGISTRY = 'harbor.example.com/aihpc'
const DIGEST = (n: number): string => `sha256:${n.toString(16).padStart(2, '0').repeat(32)}`

function image(text: string, kind: 'base' | 'service' = 'base', line = 1): PlannedImage {
  const ref = parseReference(text)
  return {
    kind,
    source: formatReference(ref),
    ref,
    origins: [{ file: 'docker-compose.yml', line }],
    mapping: 'mapped',
    target: `${REGISTRY}/${ref.repository.split('/').at(-1)}:${ref.tag}`
  }
}

const IMAGES = Array.from({ length: 20 }, (_, i) => image(`acme/app-${String(i).padStart(2, '0')}:1.${i}`, i < 15 ? 'base' : 'service', i + 1))

function report(extra: Partial<ReportInput>): Report {
  return buildReport({ mode: 'check', registry: REGISTRY, dryRun: false, images: IMAGES, findings: [], files: ['docker-compose.yml'], failOn: DEFAULT_FAIL_ON, ...extra })
}

const unmapped = (i: number): Finding => ({
  kind: 'unmapped',
  severity: 'error',
  file: 'Dockerfile',
  line: i + 1,
  image: `docker.io/bitnami/kafka:3.${i}`,
  message: `bitnami/kafka:3.${i} has no rule`,
  suggestion: '- source: bitnami/kafka\n  target: bitnami/kafka'
})

describe('annotations', () => {
  it(`gives a check one annotation per finding on its line, at most ${FINDING_ANNOTATIONS_PER_LEVEL} per level`, () => {
    const findings = [...Array.from({ length: 14 }, (_, i) => unmapped(i)), ...Array.from({ length: 12 }, (_, i) => ({ ...unmapped(i), kind: 'tag-policy' as const, severity: 'warning' as const }))]
    const checked = report({ findings, failOn: ['unmapped'], pathPrefix: 'services/api' })
    const annotations = selectAnnotations(checked)
    const errors = annotations.filter(a => a.level === 'error')
    expect(errors).toHaveLength(FINDING_ANNOTATIONS_PER_LEVEL)
    expect(errors[0]).toMatchObject({ file: 'services/api/Dockerfile', startLine: 1, title: 'Unmapped image: bitnami/kafka:3.0' })
    expect(errors[0]!.message).toBe('bitnami/kafka:3.0 has no rule\nFix: - source: bitnami/kafka\n  target: bitnami/kafka')
    const warnings = annotations.filter(a => a.level === 'warning')
    expect(warnings).toHaveLength(ANNOTATIONS_PER_LEVEL)
    expect(warnings.at(-1)).toMatchObject({ title: '3 more warnings in the job summary' })
    expect(warnings.at(-1)!.file).toBeUndefined()
    // The 10th error is the failure message, and it counts the errors left out.
    expect(failureMessage(checked)).toBe('Check failed: 14 problems in 20 images (15 base, 5 service); 5 more errors than the annotations show (see the job summary)')
  })

  it('gives execute modes a few line annotations and one annotation per kind', () => {
    const results: ImageResult[] = IMAGES.map(item => ({ image: item, status: 'missing', phases: [{ phase: 'verify', status: 'missing', durationMs: 1 }] }))
    const verified = report({ mode: 'verify', results })
    const annotations = selectAnnotations(verified)
    expect(annotations.length).toBeLessThanOrEqual(FINDING_ANNOTATIONS_PER_LEVEL)
    expect(annotations[0]).toMatchObject({ level: 'error', title: `20 images missing from ${REGISTRY}` })
    expect(annotations[0]!.message).toMatch(/^20 images missing from harbor\.example\.com\/aihpc \(acme\/app-00:1\.0, .*\): see the job summary/)
    expect(annotations.slice(1).map(a => [a.title, a.file, a.startLine])).toEqual([
      [`Missing image: acme/app-00:1.0`, 'docker-compose.yml', 1],
      [`Missing image: acme/app-01:1.1`, 'docker-compose.yml', 2],
      [`Missing image: acme/app-02:1.2`, 'docker-compose.yml', 3]
    ])
    expect(failureMessage(verified)).toBe('0/20 images verified (20 missing), 20 problems (see the job summary)')
  })

  it('makes a failure of the whole run one annotation without a line', () => {
    const results: ImageResult[] = IMAGES.map(item => ({
      image: item,
      status: 'failed',
      phases: [{ phase: 'mirror', status: 'failed', durationMs: 1, failure: { kind: 'unauthorized', side: 'target', phase: 'mirror', host: 'harbor.example.com', message: 'unauthorized: authentication required' }, suggestion: 'Check the password input' }]
    }))
    const annotations = selectAnnotations(report({ mode: 'mirror', results }))
    expect(annotations).toHaveLength(1)
    expect(annotations[0]).toMatchObject({ level: 'error', title: '20 images failed: harbor.example.com refused the credentials' })
    expect(annotations[0]!.file).toBeUndefined()
    expect(annotations[0]!.message).toContain('Fix: Check the password input')
  })
})

describe('outputs', () => {
  it('gives digests (target → digest at the target) and newline-separated targets', () => {
    const results: ImageResult[] = IMAGES.map((item, i) => ({
      image: item,
      status: i === 3 ? 'failed' : 'verified',
      phases:
        i === 3
          ? [{ phase: 'mirror', status: 'failed', durationMs: 1, error: 'denied' }]
          : item.kind === 'service'
            ? [
                { phase: 'build', status: 'built', durationMs: 1, digest: DIGEST(200 + i) },
                { phase: 'push', status: 'pushed', durationMs: 1, digest: DIGEST(100 + i) }
              ]
            : [{ phase: 'mirror', status: 'mirrored', durationMs: 1, digest: DIGEST(i) }]
    }))
    const outputs = reportOutputs(report({ mode: 'all', results }), '/tmp/report.json')
    const expected = Object.fromEntries(
      results.filter(result => result.status !== 'failed').map(result => [result.image.target, result.phases.find(p => p.phase === 'push' || p.phase === 'mirror')!.digest])
    )
    expect(JSON.parse(outputs.digests!)).toEqual(expected)
    expect(Object.keys(expected)).toHaveLength(19)
    expect(outputs.targets!.split('\n')).toEqual(IMAGES.map(item => item.target))
  })
})

describe('the action edge, with the real @actions/core', () => {
  let temp: string
  let stdout: string[]
  const saved = { ...process.env }
  beforeEach(() => {
    temp = fs.mkdtempSync(path.join(os.tmpdir(), 'im-edge-'))
    for (const name of ['output', 'summary']) fs.writeFileSync(path.join(temp, name), '')
    process.env.GITHUB_OUTPUT = path.join(temp, 'output')
    process.env.GITHUB_STEP_SUMMARY = path.join(temp, 'summary')
    stdout = []
    jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
      stdout.push(String(chunk))
      return true
    })
  })
  afterEach(() => {
    jest.restoreAllMocks()
    process.env = { ...saved }
    process.exitCode = undefined
    fs.rmSync(temp, { recursive: true, force: true })
  })

  /**
   * Workflow commands as the runner reads them: lines split on \r and \n, a
   * command where the first non-blank characters are `::`, none between
   * `::stop-commands::<token>` and `::<token>::`.
   */
  const commands = (): Array<{ command: string; message: string }> => {
    const found: Array<{ command: string; message: string }> = []
    let stopped: string | undefined
    for (const line of stdout.join('').split(/\r\n|\r|\n/)) {
      const match = /^\s*::([a-z0-9-]+)(?: [^:]*)?::(.*)$/.exec(line)
      if (stopped !== undefined) {
        if (line.trim() === `::${stopped}::`) stopped = undefined
        continue
      }
      if (match === null) continue
      if (match[1] === 'stop-commands') stopped = match[2]
      else found.push({ command: match[1]!, message: match[2]! })
    }
    return found
  }

  it('emits at most 9 finding annotations per level and the failure message last, writes the outputs and the summary', async () => {
    const findings = Array.from({ length: 14 }, (_, i) => unmapped(i))
    const results: ImageResult[] = IMAGES.map((item, i) => ({ image: item, status: 'verified', phases: [{ phase: 'verify', status: 'verified', durationMs: 1, digest: DIGEST(i) }] }))
    const failed = report({ mode: 'verify', findings, results })
    process.env.GITHUB_SERVER_URL = 'https://github.com'
    process.env.GITHUB_REPOSITORY = 'acme/stack'
    process.env.GITHUB_SHA = 'b'.repeat(40)
    await publish(failed, reportOutputs(failed, path.join(temp, 'report.json')))

    const errors = commands().filter(command => command.command === 'error')
    expect(errors.length).toBeLessThanOrEqual(ANNOTATIONS_PER_LEVEL)
    expect(errors.at(-1)!.message).toBe(failureMessage(failed))
    expect(commands().at(-1)).toEqual({ command: 'error', message: failureMessage(failed) })
    expect(process.exitCode).toBe(1)

    const outputs = parseOutputFile(fs.readFileSync(path.join(temp, 'output'), 'utf8'))
    expect(JSON.parse(outputs.digests!)).toEqual(digestsOf(failed))
    expect(Object.values(JSON.parse(outputs.digests!))).toEqual(results.map(result => result.phases[0]!.digest))
    expect(outputs.targets).toBe(IMAGES.map(item => item.target).join('\n'))
    const summary = fs.readFileSync(path.join(temp, 'summary'), 'utf8')
    expect(summary.startsWith(`<h2>❌ ${failed.verdict}</h2>`)).toBe(true)
    expect(summary).toContain(`href="https://github.com/acme/stack/blob/${'b'.repeat(40)}/Dockerfile#L1"`)
  })

  it('prints progress lines from a repository or registry without any workflow command in them', async () => {
    const progress = actionProgress()
    await progress.group('Mirror ##[group]x', async () => {
      progress.info('[1/2] failed to mirror x: \r::error::planted')
      progress.info('##[error]fake')
      progress.info('docker build output\n::add-mask::oops\n##[group]x\n')
    })
    const printed = commands().map(command => command.command)
    expect(printed).toEqual(['group', 'endgroup'])
    expect(stdout.join('')).not.toContain('##[')
  })
})
