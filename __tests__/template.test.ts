import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { renderDeploymentCompose } from '../src/deploy/compose-output.js'
import { discoverFiles, groupComposeProjects } from '../src/discover/discover.js'
import { buildInventory, fileReader, type InventoryInput } from '../src/extract/inventory.js'
import { renderedPath, TemplateRenderer, unsetPlaceholders } from '../src/extract/template.js'
import type { Plan } from '../src/model.js'
import { REPO_ROOT } from './harness/runner.js'

const FIXTURE = path.join(REPO_ROOT, 'fixtures', 'template-project')

function scanTree(root: string, options: Partial<InventoryInput> = {}) {
  const discovery = discoverFiles(root, { composePatterns: [], dockerfilePatterns: [], exclude: [] })
  const inventory = buildInventory({
    composeProjects: groupComposeProjects(discovery.composeFiles),
    dockerfiles: discovery.dockerfiles,
    readFile: fileReader(root, fs),
    env: {},
    envFiles: [],
    rootDirectoryName: path.basename(root),
    ...options
  })
  return { discovery, inventory }
}

/** An in-memory tree scanned as buildInventory sees it. */
function scanFiles(files: Record<string, string>, options: Partial<InventoryInput> = {}) {
  const names = Object.keys(files)
  const discovery = { composeFiles: names.filter(n => /compose[^/]*\.ya?ml(\.tpl|\.template)?$/.test(n)), dockerfiles: names.filter(n => /Dockerfile/.test(path.posix.basename(n))) }
  return buildInventory({
    composeProjects: groupComposeProjects(discovery.composeFiles),
    dockerfiles: discovery.dockerfiles,
    readFile: file => files[file],
    env: {},
    envFiles: [],
    ...options
  })
}

const sources = (inventory: { images: Array<{ kind: string; source: string }> }, kind: string) => inventory.images.filter(image => image.kind === kind).map(image => image.source)

describe('templates: the fixture modelled on a repository of *.tpl files', () => {
  it('discovers the compose template and the Dockerfile templates beside the rendered file', () => {
    const { discovery } = scanTree(FIXTURE)
    expect(discovery.composeFiles).toEqual(['docker-compose.yml.tpl'])
    expect(discovery.dockerfiles).toEqual(['src/backend/Dockerfile.tpl', 'src/frontend/Dockerfile', 'src/frontend/Dockerfile.tpl', 'src/worker/Dockerfile.web.tpl'])
  })

  it('plans exactly these images', () => {
    const { inventory } = scanTree(FIXTURE)
    expect(sources(inventory, 'base')).toEqual([
      'docker.io/chrislusf/seaweedfs:3.80',
      'docker.io/library/golang:1.25-alpine',
      'docker.io/library/nginx:1.25-alpine',
      'docker.io/library/nginx:1.27-alpine',
      'docker.io/library/node:18-alpine',
      'docker.io/library/node:22-alpine',
      'docker.io/library/postgres:15-alpine',
      'docker.io/library/python:3.13-slim',
      'docker.io/library/redis:7-alpine',
      'docker.io/library/ubuntu:22.04'
    ])
    expect(sources(inventory, 'service')).toEqual(['docker.io/library/ai-infra-backend:v0.3.5', 'docker.io/library/ai-infra-frontend:v0.3.5'])
    expect(inventory.findings.filter(finding => finding.severity === 'error')).toEqual([])
  })

  it('says where every value came from, as notices, and that the rendered frontend Dockerfile is stale', () => {
    const { inventory } = scanTree(FIXTURE)
    const notices = inventory.findings.filter(finding => finding.severity === 'notice').map(finding => `${finding.kind} ${finding.file}:${finding.line} ${finding.message}`)
    expect(notices).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^scan-note docker-compose\.yml\.tpl:1 .*\{\{IMAGE_TAG\}\}, \{\{SEAWEEDFS_IMAGE\}\}.* from \.env\.example.*documented defaults/),
        expect.stringMatching(/^scan-note src\/backend\/Dockerfile\.tpl:1 .*\{\{GO_VERSION\}\}, \{\{UBUNTU_VERSION\}\} from \.env\.example/),
        expect.stringMatching(/^scan-note src\/frontend\/Dockerfile:1 src\/frontend\/Dockerfile is stale: it names docker\.io\/library\/nginx:1\.25-alpine, docker\.io\/library\/node:18-alpine where its template src\/frontend\/Dockerfile\.tpl renders/)
      ])
    )
    // A placeholder that names no image and has no value is a warning, not an error.
    expect(inventory.findings).toContainEqual(expect.objectContaining({ kind: 'unresolved-variable', severity: 'warning', file: 'docker-compose.yml.tpl', line: 25, message: expect.stringContaining('{{POSTGRES_PASSWORD}}') }))
    // Values are never printed: they may be secrets.
    expect(JSON.stringify(inventory.findings)).not.toContain('chrislusf')
  })

  it('builds the backend from its template rendered in memory, and the frontend from the rendered file', () => {
    const { inventory } = scanTree(FIXTURE)
    const build = (name: string) => inventory.images.find(image => image.source.includes(name))?.build
    expect(build('ai-infra-backend')).toMatchObject({
      context: 'src/backend',
      dockerfile: 'src/backend/Dockerfile',
      template: 'src/backend/Dockerfile.tpl',
      dockerfileInline: expect.stringContaining('FROM ubuntu:22.04'),
      needs: ['docker.io/library/golang:1.25-alpine', 'docker.io/library/ubuntu:22.04']
    })
    expect(build('ai-infra-frontend')).toMatchObject({ dockerfile: 'src/frontend/Dockerfile', needs: ['docker.io/library/nginx:1.25-alpine', 'docker.io/library/node:18-alpine'] })
    expect(build('ai-infra-frontend')?.dockerfileInline).toBeUndefined()
    expect(inventory.images.find(image => image.source.endsWith('ubuntu:22.04'))?.origins).toEqual([{ file: 'src/backend/Dockerfile.tpl', line: 7 }])
  })

  it('writes the compose template rendered, every image at the registry, nothing else changed', () => {
    const { inventory } = scanTree(FIXTURE)
    const plan: Plan = {
      images: inventory.images.map(image => ({ ...image, mapping: 'mapped' as const, target: `harbor.example.com/aihpc/${image.ref.repository}:${image.ref.tag}` })),
      findings: [],
      files: inventory.files
    }
    const { files, findings } = renderDeploymentCompose({ plan, projects: inventory.projects })
    expect(findings).toEqual([])
    expect(files.map(file => [file.from, file.name])).toEqual([['docker-compose.yml.tpl', 'docker-compose.yml']])
    const text = files[0]?.text ?? ''
    expect(text).toContain('    image: harbor.example.com/aihpc/chrislusf/seaweedfs:3.80\n')
    expect(text).toContain('    image: "harbor.example.com/aihpc/library/redis:7-alpine"\n')
    expect(text).toContain('    image: harbor.example.com/aihpc/library/ai-infra-backend:v0.3.5\n')
    expect(text).not.toContain('{{IMAGE_TAG}}')
    const template = fs.readFileSync(path.join(FIXTURE, 'docker-compose.yml.tpl'), 'utf8')
    expect(text.split('\n').length).toBe(template.split('\n').length)
    expect(text.split('\n').filter((line, i) => line !== template.split('\n')[i] && !line.includes('image:'))).toEqual(['      POSTGRES_PASSWORD: "__image_mirror_unset_POSTGRES_PASSWORD__"'])
  })
})

describe('templates: where placeholder values come from', () => {
  const template = 'FROM alpine:{{TAG}}\n'
  it.each<[string, Record<string, string>, Partial<InventoryInput>, string, string]>([
    ['the environment first', { 'a/.env': 'TAG=env-file\n', '.env.example': 'TAG=example\n' }, { env: { TAG: 'environment' } }, 'alpine:environment', 'the environment'],
    ['then env-file inputs, the last one winning', { 'x.env': 'TAG=x\n', 'y.env': 'TAG=y\n', 'a/.env': 'TAG=dotenv\n' }, { envFiles: ['x.env', 'y.env'] }, 'alpine:y', 'y.env'],
    ['then the .env beside the template', { 'a/.env': 'TAG=beside\n', '.env': 'TAG=root\n' }, {}, 'alpine:beside', 'a/.env'],
    ['then the .env at the scanned root', { '.env': 'TAG=root\n', '.env.example': 'TAG=example\n' }, {}, 'alpine:root', '.env'],
    ['then .env.example beside the template', { 'a/.env.example': 'TAG=example-a\n', '.env.example': 'TAG=example\n' }, {}, 'alpine:example-a', 'a/.env.example'],
    ['then the template-defaults input instead of .env.example', { 'defaults.env': 'TAG=defaults\n', '.env.example': 'TAG=example\n' }, { templateDefaults: ['defaults.env'] }, 'alpine:defaults', 'defaults.env']
  ])('%s', (_name, files, options, expected, from) => {
    const inventory = scanFiles({ 'a/Dockerfile.tpl': template, ...files }, options)
    expect(inventory.images.map(image => image.source)).toEqual([`docker.io/library/${expected}`])
    const note = inventory.findings.find(finding => finding.kind === 'scan-note')
    expect(note?.message).toContain(`{{TAG}} from ${from}`)
    expect(note?.severity).toBe('notice')
    expect(note?.suggestion !== undefined).toBe(/example|defaults/.test(from))
  })

  it('reads {{ NAME }} with spaces like {{NAME}}', () => {
    expect(scanFiles({ 'Dockerfile.tpl': 'FROM node:{{ V }}-{{V}}\n', '.env': 'V=22\n' }).images.map(image => image.source)).toEqual(['docker.io/library/node:22-22'])
  })

  it('reports a placeholder in an image with no value as unresolved-variable, naming it and where it looked, never invalid-reference', () => {
    const inventory = scanFiles({ 'a/Dockerfile.tpl': 'FROM alpine:3\nFROM ubuntu:{{UBUNTU_VERSION}}\n', 'compose.yml.tpl': 'services:\n  db:\n    image: {{DB_IMAGE}}\n' })
    expect(inventory.images.map(image => image.source)).toEqual(['docker.io/library/alpine:3'])
    const errors = inventory.findings.filter(finding => finding.severity === 'error')
    expect(errors.map(finding => `${finding.kind} ${finding.file}:${finding.line}`)).toEqual(['unresolved-variable compose.yml.tpl:3', 'unresolved-variable a/Dockerfile.tpl:2'])
    expect(errors[1]?.message).toMatch(/uses \{\{UBUNTU_VERSION\}\}, which has no value \(looked in the environment\)/)
    expect(errors[0]?.message).toMatch(/service 'db'.*\{\{DB_IMAGE\}\}/)
    expect(inventory.findings.some(finding => finding.kind === 'invalid-reference')).toBe(false)
  })

  it('warns about a {{…}} expression that is not a placeholder and keeps the rest', () => {
    const inventory = scanFiles({ 'Dockerfile.tpl': 'FROM alpine:3\nFROM {{ .Values.image }}\n' })
    expect(inventory.images.map(image => image.source)).toEqual(['docker.io/library/alpine:3'])
    expect(inventory.findings.map(finding => `${finding.severity} ${finding.kind} ${finding.line}`)).toEqual(['error unresolved-variable 2', 'warning unresolved-variable 2'])
  })

  it('leaves {{…}} alone in a compose file that is not a template', () => {
    const inventory = scanFiles({ 'compose.yml': 'services:\n  web:\n    image: nginx:1\n    labels:\n      fmt: "{{.Name}}"\n' })
    expect(inventory.findings).toEqual([])
  })
})

describe('templates: rendered files and paths', () => {
  it.each<[string, string | undefined]>([
    ['docker-compose.yml.tpl', 'docker-compose.yml'],
    ['deploy/compose.yaml.template', 'deploy/compose.yaml'],
    ['src/Dockerfile.web.tpl', 'src/Dockerfile.web'],
    ['Dockerfile', undefined],
    ['a/.tpl', undefined]
  ])('%s renders to %s', (file, expected) => {
    expect(renderedPath(file)).toBe(expected)
  })

  it('keeps a rendered compose file and its template as two projects, and notices when they differ', () => {
    const files = {
      'compose.yml': 'services:\n  web:\n    image: nginx:1.25\n',
      'compose.yml.tpl': 'services:\n  web:\n    image: nginx:{{NGINX}}\n',
      '.env.example': 'NGINX=1.27\n'
    }
    expect(groupComposeProjects(['compose.yml', 'compose.yml.tpl'])).toEqual([['compose.yml'], ['compose.yml.tpl']])
    const inventory = scanFiles(files)
    expect(inventory.images.map(image => image.source)).toEqual(['docker.io/library/nginx:1.25', 'docker.io/library/nginx:1.27'])
    expect(inventory.findings.filter(finding => /stale/.test(finding.message)).map(finding => `${finding.file} ${finding.severity}`)).toEqual(['compose.yml notice'])
  })

  it('says nothing when the rendered file matches its template (twin)', () => {
    const inventory = scanFiles({ 'Dockerfile': 'FROM nginx:1.27\n', 'Dockerfile.tpl': 'FROM nginx:{{NGINX}}\n', '.env': 'NGINX=1.27\n' })
    expect(inventory.findings.filter(finding => /stale/.test(finding.message))).toEqual([])
  })

  it('builds a compose service naming the template directly from its rendering', () => {
    const inventory = scanFiles({ 'compose.yml': 'services:\n  app:\n    build:\n      context: .\n      dockerfile: Dockerfile.tpl\n', 'Dockerfile.tpl': 'FROM alpine:{{V}}\n', '.env': 'V=3\n' })
    const app = inventory.images.find(image => image.kind === 'service')
    expect(app?.build).toMatchObject({ dockerfile: 'Dockerfile.tpl', template: 'Dockerfile.tpl', dockerfileInline: 'FROM alpine:3\n' })
  })

  it('reports a build whose Dockerfile has neither a file nor a template (twin)', () => {
    const inventory = scanFiles({ 'compose.yml': 'services:\n  app:\n    build: .\n' })
    expect(inventory.findings).toEqual([expect.objectContaining({ kind: 'invalid-file', severity: 'error', message: expect.stringContaining('Dockerfile, which does not exist') })])
  })

  it('finds markers left in a reference', () => {
    expect(unsetPlaceholders('ubuntu:__image_mirror_unset_UBUNTU_VERSION__-slim')).toEqual(['UBUNTU_VERSION'])
    expect(unsetPlaceholders('ubuntu:22.04')).toEqual([])
  })

  it('renders each template once, whoever reads it', () => {
    let reads = 0
    const renderer = new TemplateRenderer({ env: {}, envFiles: [], readFile: file => (file === 'Dockerfile.tpl' ? (reads += 1, 'FROM a:{{X}}\n') : undefined) })
    renderer.readFile('Dockerfile.tpl')
    renderer.readFile('Dockerfile.tpl')
    expect(reads).toBe(1)
    expect(renderer.unresolved()).toEqual([{ file: 'Dockerfile.tpl', name: 'X', lines: [1], lookedIn: ['the environment'] }])
  })
})

describe('templates: discovery', () => {
  it('finds *.tpl and *.template variants of the compose and Dockerfile patterns, custom patterns too', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'im-template-'))
    try {
      for (const file of ['compose.yaml.template', 'deploy/docker-compose.prod.yml.tpl', 'Dockerfile.template', 'svc/web.Dockerfile.tpl', 'notes.tpl', 'ops/stack.yml.tpl']) {
        fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true })
        fs.writeFileSync(path.join(root, file), '')
      }
      const defaults = discoverFiles(root, { composePatterns: [], dockerfilePatterns: [], exclude: [] })
      expect(defaults.composeFiles).toEqual(['compose.yaml.template', 'deploy/docker-compose.prod.yml.tpl'])
      expect(defaults.dockerfiles).toEqual(['Dockerfile.template', 'svc/web.Dockerfile.tpl'])
      const custom = discoverFiles(root, { composePatterns: ['ops/*.yml'], dockerfilePatterns: [], exclude: ['**/{svc,deploy}/**'] })
      expect(custom.composeFiles).toEqual(['ops/stack.yml.tpl'])
      expect(custom.dockerfiles).toEqual(['Dockerfile.template'])
    } finally {
      fs.rmSync(root, { recursive: true, force: true })
    }
  })
})
