import { describe, expect, it } from '@jest/globals'
import * as os from 'node:os'
import * as path from 'node:path'
import { spawnSync } from 'node:child_process'
import { REPO_ROOT, runAction } from './harness/runner.js'
import { REFERENCE_BASE_IMAGES, REFERENCE_SERVICE_IMAGES } from './harness/reference-project.js'

const WORKSPACE = path.join(REPO_ROOT, 'fixtures')

describe('the bundled action, run as the GitHub runner runs it', () => {
  it('plans the reference project: outputs, job summary and report file', () => {
    const run = runAction({ mode: 'plan', path: 'reference-project' }, { workspace: WORKSPACE })
    expect(run.stderr).toBe('')
    expect(run.exitCode).toBe(0)
    expect(run.outputs['image-count']).toBe('20')
    expect(run.outputs['base-count']).toBe('15')
    expect(run.outputs['service-count']).toBe('5')
    const images = JSON.parse(run.outputs.images as string) as Array<{ kind: string; source: string; status: string }>
    expect(images.filter(image => image.kind === 'base').map(image => image.source)).toEqual(REFERENCE_BASE_IMAGES)
    expect(images.filter(image => image.kind === 'service').map(image => image.source)).toEqual(REFERENCE_SERVICE_IMAGES)
    expect(new Set(images.map(image => image.status))).toEqual(new Set(['planned']))
    expect(run.outputs.verdict).toBe('20 images (15 base, 5 service), no problems')
    expect(run.summary).toContain('20 images (15 base, 5 service), no problems')
    expect(run.summary).toContain('<h3>Base images (15)</h3>')
    expect(run.summary).toContain('<code>quay.io/minio/minio:latest</code>')
    const report = run.report as { images: unknown[]; findings: unknown[] }
    expect(report.images).toHaveLength(20)
    expect(report.findings).toEqual([])
    expect(JSON.parse(run.outputs.matrix as string)).toEqual({ shard: ['1/1'] })
  })

  it('splits the plan into shards for a matrix and handles only its own shard', () => {
    const plan = runAction({ mode: 'plan', path: 'reference-project', shards: '3' }, { workspace: WORKSPACE })
    expect(JSON.parse(plan.outputs.matrix as string)).toEqual({ shard: ['1/3', '2/3', '3/3'] })
    const shards = ['1/3', '2/3', '3/3'].map(shard => JSON.parse(runAction({ mode: 'plan', path: 'reference-project', shard }, { workspace: WORKSPACE }).outputs.images as string) as Array<{ source: string }>)
    const sources = shards.flatMap(images => images.map(image => image.source))
    expect(sources.sort()).toEqual([...REFERENCE_BASE_IMAGES, ...REFERENCE_SERVICE_IMAGES].sort())
    for (const images of shards) expect(images.length).toBeGreaterThanOrEqual(6)
  })

  it('rejects an invalid input by name before doing any work', () => {
    const run = runAction({ mode: 'plan', path: 'reference-project', layout: 'flatt' }, { workspace: WORKSPACE })
    expect(run.exitCode).toBe(1)
    expect(run.commands).toContainEqual(expect.objectContaining({ command: 'error', message: "Invalid layout 'flatt': expected preserve, library or flat" }))
    expect(run.outputs).toEqual({})
  })
})

describe('the bundled CLI', () => {
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli.js'), ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: os.tmpdir(), ...env } })

  it('prints the JSON report on stdout and logs on stderr', () => {
    const result = cli(['--json', '--mode', 'plan', '--path', 'fixtures/reference-project', '--report-path', path.join(os.tmpdir(), 'im-cli-report.json')])
    expect(result.status).toBe(0)
    const report = JSON.parse(result.stdout) as { images: Array<{ source: string }>; counts: { images: number } }
    expect(report.counts.images).toBe(20)
    expect(result.stderr).toContain('== Find images')
  })

  it('reads inputs from IMAGE_MIRROR_<INPUT> variables, flags winning over them', () => {
    const result = cli(['--json', '--layout', 'library'], {
      IMAGE_MIRROR_MODE: 'check',
      IMAGE_MIRROR_PATH: 'fixtures/reference-project',
      IMAGE_MIRROR_REGISTRY: 'harbor.example.com/aihpc',
      IMAGE_MIRROR_LAYOUT: 'flat',
      IMAGE_MIRROR_REPORT_PATH: path.join(os.tmpdir(), 'im-cli-env-report.json')
    })
    expect(result.status).toBe(0)
    const report = JSON.parse(result.stdout) as { mode: string; images: Array<{ source: string; target: string }> }
    expect(report.mode).toBe('check')
    expect(report.images.find(image => image.source === 'docker.io/library/postgres:15-alpine')?.target).toBe('harbor.example.com/aihpc/library/postgres:15-alpine')
  })

  it('exits 2 with the reason on bad usage', () => {
    const unknown = cli(['--mode', 'plan', '--registy', 'x'])
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toContain("Unknown option '--registy'")
    const invalid = cli(['--mode', 'mirror'])
    expect(invalid.status).toBe(2)
    expect(invalid.stderr).toContain("Input 'registry' is required for mode 'mirror'")
  })
})
