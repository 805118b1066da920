import { afterEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { discoverFiles } from '../src/discover/discover.js'
import { runPipeline } from '../src/pipeline.js'
import { buildSettings } from '../src/settings.js'
import { recordingProgress } from './harness/progress.js'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

function tree(files: Record<string, string>): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'im-workspace-')))
  dirs.push(root)
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true })
    fs.writeFileSync(path.join(root, file), text)
  }
  return root
}

async function run(workspace: string, inputs: Record<string, string>) {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'im-workspace-tmp-'))
  dirs.push(temp)
  const settings = buildSettings(name => inputs[name] ?? '', { workspace, tempDir: temp, env: {}, maskSecret: () => {} })
  return { settings, ...(await runPipeline(settings, recordingProgress())) }
}

const MONOREPO = {
  '.github/image-mirror.yml': 'strict: true\nrules:\n  - source: postgres\n    target: library/postgres\n',
  'deploy/compose.yml': 'services:\n  db:\n    image: postgres:16\n  cache:\n    image: redis:7\n',
  'deploy/.env.example': 'TAG=1\n',
  'deploy/app/Dockerfile.tpl': 'FROM node:{{NODE}}\n',
  'defaults/versions.env': 'NODE=22\n'
}

describe('workspace: inputs resolve against the repository root', () => {
  it('uses .github/image-mirror.yml at the repository root when path is a subdirectory, and the strict check fails on the unmapped line', async () => {
    const workspace = tree(MONOREPO)
    const { settings, report } = await run(workspace, { mode: 'check', registry: 'harbor.example.com/aihpc', path: 'deploy', 'template-defaults': 'defaults/versions.env' })
    expect(settings.configFile).toBe(path.join(workspace, '.github/image-mirror.yml'))
    expect(report.ok).toBe(false)
    const unmapped = report.findings.filter(finding => finding.kind === 'unmapped').map(finding => `${finding.file}:${finding.line}`)
    expect(unmapped).toEqual(expect.arrayContaining([expect.stringMatching(/compose\.yml:5$/), expect.stringMatching(/Dockerfile\.tpl:1$/)]))
    expect(report.findings.some(finding => finding.kind === 'unmapped' && /postgres/.test(finding.message))).toBe(false)
  })

  it('takes template-defaults relative to the repository root, not to path', async () => {
    const workspace = tree(MONOREPO)
    const { settings, report } = await run(workspace, { mode: 'plan', path: 'deploy', 'template-defaults': 'defaults/versions.env' })
    expect(settings.templateDefaults).toEqual([path.join(workspace, 'defaults/versions.env')])
    expect(report.images.map(image => image.source)).toContain('docker.io/library/node:22')
    expect(report.findings.find(finding => finding.kind === 'scan-note')?.message).toContain('{{NODE}} from ../defaults/versions.env')
  })

  it('passes the strict check when every image is mapped (twin)', async () => {
    const workspace = tree({
      '.github/image-mirror.yml': 'strict: true\nrules:\n  - source: postgres\n    target: library/postgres\n',
      'deploy/compose.yml': 'services:\n  db:\n    image: postgres:16\n'
    })
    const { report } = await run(workspace, { mode: 'check', registry: 'harbor.example.com/aihpc', path: 'deploy' })
    expect(report.findings.filter(finding => finding.severity === 'error')).toEqual([])
    expect(report.ok).toBe(true)
  })
})

describe('workspace: nothing to scan', () => {
  it('fails with a clear error when there is no compose file and no Dockerfile (a job without actions/checkout)', async () => {
    const workspace = tree({ 'README.md': '# not checked out\n' })
    const { report } = await run(workspace, { mode: 'plan' })
    expect(report.ok).toBe(false)
    expect(report.findings).toEqual([
      expect.objectContaining({ kind: 'invalid-config', severity: 'error', message: expect.stringContaining('Nothing to scan'), suggestion: expect.stringContaining('actions/checkout') })
    ])
  })

  it('does not complain when a Dockerfile template is all there is (twin)', async () => {
    const workspace = tree({ 'Dockerfile.tpl': 'FROM alpine:3\n' })
    const { report } = await run(workspace, { mode: 'plan' })
    expect(report.findings.filter(finding => finding.severity === 'error')).toEqual([])
    expect(report.images.map(image => image.source)).toEqual(['docker.io/library/alpine:3'])
  })
})

describe('workspace: brace globs', () => {
  it.each<[string, string[], string[]]>([
    ['**/{docs,tools}/**', ['Dockerfile', 'src/Dockerfile'], []],
    ['{docs,src}/Dockerfile', ['Dockerfile', 'tools/x/Dockerfile'], []],
    ['**/{a,{b,tools}}/**', ['Dockerfile', 'docs/Dockerfile', 'src/Dockerfile'], []]
  ])('exclude %s keeps its commas', (pattern, expected) => {
    const root = tree({ Dockerfile: 'FROM a\n', 'docs/Dockerfile': 'FROM a\n', 'tools/x/Dockerfile': 'FROM a\n', 'src/Dockerfile': 'FROM a\n' })
    expect(discoverFiles(root, { composePatterns: [], dockerfilePatterns: [], exclude: [pattern] }).dockerfiles).toEqual(expected)
  })
})
