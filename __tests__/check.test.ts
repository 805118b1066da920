import { afterEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parse } from 'yaml'
import { REPO_ROOT, runAction } from './harness/runner.js'

const REFERENCE = path.join(REPO_ROOT, 'fixtures', 'reference-project')
const STRICT_CONFIG = ['strict: true', 'layout: library', 'rules:', '  - source: docker.io/*', '    target: "*"', '  - source: quay.io/*', '    target: "*"', ''].join('\n')

let workspace: string
function workspaceWithReferenceProject(): string {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'im-check-'))
  fs.cpSync(REFERENCE, path.join(workspace, 'project'), { recursive: true })
  fs.mkdirSync(path.join(workspace, 'project', '.github'))
  fs.writeFileSync(path.join(workspace, 'project', '.github', 'image-mirror.yml'), STRICT_CONFIG)
  return workspace
}
afterEach(() => fs.rmSync(workspace, { recursive: true, force: true }))

describe('mode check, the pull-request check', () => {
  it('fails with an annotation on the line that adds an unmapped image, and passes once the suggested rule is added', () => {
    workspaceWithReferenceProject()
    const inputs = { mode: 'check', path: 'project', registry: 'harbor.example.com/aihpc', tag: 'v0.3.5' }
    expect(runAction(inputs, { workspace }).exitCode).toBe(0)

    fs.mkdirSync(path.join(workspace, 'project', 'tools', 'acme'))
    fs.writeFileSync(path.join(workspace, 'project', 'tools', 'acme', 'Dockerfile'), '# a new tool\nFROM ghcr.io/acme/tool:1.2\n')
    const failing = runAction(inputs, { workspace })
    expect(failing.exitCode).toBe(1)
    const annotation = failing.commands.find(command => command.command === 'error' && command.properties.file === 'project/tools/acme/Dockerfile')
    expect(annotation?.properties).toMatchObject({ line: '2', title: 'Unmapped image: ghcr.io/acme/tool:1.2' })
    expect(JSON.parse(failing.outputs.unmapped as string)).toEqual(['ghcr.io/acme/tool:1.2'])
    expect(failing.outputs['error-count']).toBe('1')
    expect(failing.summary).toContain('Unmapped images (1)')

    const findings = JSON.parse(failing.outputs.findings as string) as Array<{ kind: string; suggestion?: string }>
    const suggestion = findings.find(finding => finding.kind === 'unmapped')?.suggestion as string
    const indented = suggestion.split('\n').map(line => `  ${line}`).join('\n')
    fs.appendFileSync(path.join(workspace, 'project', '.github', 'image-mirror.yml'), `${indented}\n`)
    const passing = runAction(inputs, { workspace })
    expect(passing.exitCode).toBe(0)
    expect(passing.outputs.unmapped).toBe('[]')
    expect(passing.outputs.verdict).toBe('Check passed: 21 images (16 base, 5 service) mapped')
  })

  it('says strict needs a mapping file when there is none, and passes with the starter file it shows', () => {
    workspaceWithReferenceProject()
    fs.rmSync(path.join(workspace, 'project', '.github'), { recursive: true })
    const inputs = { mode: 'check', path: 'project', registry: 'harbor.example.com/aihpc', tag: 'v0.3.5', strict: 'true' }
    const failing = runAction(inputs, { workspace })
    expect(failing.exitCode).toBe(1)
    const findings = JSON.parse(failing.outputs.findings as string) as Array<{ kind: string; message: string; suggestion?: string }>
    const missingFile = findings.find(finding => finding.kind === 'invalid-config')
    expect(missingFile?.message).toMatch(/^strict: true needs a mapping file/)
    expect(findings.filter(finding => finding.kind === 'unmapped').every(finding => !finding.message.includes('no rule in'))).toBe(true)
    expect(failing.summary).toContain('strict: true needs a mapping file')

    const [intro, ...starter] = (missingFile?.suggestion as string).split('\n')
    expect(intro).toMatch(/^Create \.github\/image-mirror\.yml/)
    fs.mkdirSync(path.join(workspace, '.github'))
    fs.writeFileSync(path.join(workspace, '.github', 'image-mirror.yml'), `${starter.join('\n')}\n`)
    const passing = runAction(inputs, { workspace })
    expect(passing.exitCode).toBe(0)
    expect(passing.outputs.verdict).toBe('Check passed: 20 images (15 base, 5 service) mapped')
  })

  it('names the key and line of a mapping file error', () => {
    workspaceWithReferenceProject()
    fs.writeFileSync(path.join(workspace, 'project', '.github', 'image-mirror.yml'), 'rules:\n  - source: postgres\n    targte: library/postgres\n')
    const run = runAction({ mode: 'check', path: 'project', registry: 'harbor.example.com/aihpc' }, { workspace })
    expect(run.exitCode).toBe(1)
    const annotation = run.commands.find(command => command.command === 'error' && command.properties.file === 'project/.github/image-mirror.yml')
    expect(annotation?.properties.line).toBe('3')
    expect(annotation?.message).toContain('targte')
  })
})

describe('the generated deployment compose file', () => {
  it('points every service at the registry and changes only image lines', () => {
    workspaceWithReferenceProject()
    fs.rmSync(path.join(workspace, 'project', '.github'), { recursive: true })
    const output = path.join(workspace, 'deploy', 'docker-compose.prod.yml')
    const run = runAction(
      { mode: 'check', path: 'project', registry: 'harbor.example.com/aihpc', tag: 'v0.3.5', layout: 'library', 'compose-output': 'deploy/docker-compose.prod.yml' },
      { workspace }
    )
    expect(run.exitCode).toBe(0)
    expect(run.outputs['compose-file']).toBe(output)
    const original = fs.readFileSync(path.join(REFERENCE, 'docker-compose.yml'), 'utf8')
    const generated = fs.readFileSync(output, 'utf8')
    const services = (parse(generated) as { services: Record<string, { image?: string }> }).services
    for (const [name, service] of Object.entries(services)) expect([name, service.image?.startsWith('harbor.example.com/aihpc/')]).toEqual([name, true])
    expect(services.postgres?.image).toBe('harbor.example.com/aihpc/library/postgres:15-alpine')
    expect(services['backend-init']?.image).toBe('harbor.example.com/aihpc/ai-infra-backend:v0.3.5')

    const before = original.split('\n')
    const after = generated.split('\n')
    const changed = after.filter(line => !before.includes(line))
    expect(changed.length).toBeGreaterThan(0)
    for (const line of changed) expect(line).toMatch(/^\s+image: /)
    const removed = before.filter(line => !after.includes(line))
    for (const line of removed) expect(line).toMatch(/^\s+image: /)
  })
})
