import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { discoverFiles, groupComposeProjects } from '../src/discover/discover.js'
import { buildInventory, fileReader } from '../src/extract/inventory.js'
import { nativePlatform } from '../src/extract/dockerfile.js'
import { REPO_ROOT } from './harness/runner.js'
import { REFERENCE_BASE_IMAGES, REFERENCE_SERVICE_IMAGES } from './harness/reference-project.js'

const FIXTURE = path.join(REPO_ROOT, 'fixtures', 'reference-project')

function scan(root: string, env: Record<string, string> = {}) {
  const discovery = discoverFiles(root, { composePatterns: [], dockerfilePatterns: [], exclude: [] })
  const inventory = buildInventory({
    composeProjects: groupComposeProjects(discovery.composeFiles),
    dockerfiles: discovery.dockerfiles,
    readFile: fileReader(root, fs),
    env,
    envFiles: [],
    rootDirectoryName: path.basename(root)
  })
  return { discovery, inventory }
}

describe('the reference project inventory', () => {
  it('holds exactly the 15 base and 5 service images of the seeds, deduplicated and sorted', () => {
    const { inventory } = scan(FIXTURE)
    expect(inventory.findings).toEqual([])
    expect(inventory.images.filter(image => image.kind === 'base').map(image => image.source)).toEqual(REFERENCE_BASE_IMAGES)
    expect(inventory.images.filter(image => image.kind === 'service').map(image => image.source)).toEqual(REFERENCE_SERVICE_IMAGES)
  })

  it('keeps every place an image is referenced', () => {
    const { inventory } = scan(FIXTURE)
    const origins = (source: string) => inventory.images.find(image => image.source === source)?.origins
    expect(origins('docker.io/library/alpine:latest')).toEqual([
      { file: 'src/backend/Dockerfile', line: 9 },
      { file: 'tools/migrate/Dockerfile', line: 5 }
    ])
    // The compose build arg GO_VERSION=1.25 wins over the Dockerfile's default 1.24.
    expect(origins('docker.io/library/golang:1.25-alpine')).toEqual([{ file: 'src/backend/Dockerfile', line: 3 }])
    expect(origins('docker.io/library/golang:1.24-alpine')).toEqual([{ file: 'tools/migrate/Dockerfile', line: 3 }])
    expect(inventory.images.find(image => image.source.endsWith('ai-infra-backend:v0.3.5'))?.build).toMatchObject({ context: 'src/backend', dockerfile: 'src/backend/Dockerfile', args: { GO_VERSION: '1.25' } })
  })

  it('follows the environment over the .env file', () => {
    const { inventory } = scan(FIXTURE, { POSTGRES_VERSION: '16-alpine' })
    expect(inventory.images.map(image => image.source)).toContain('docker.io/library/postgres:16-alpine')
  })
})

describe('a repository with bad files is still scanned', () => {
  it('names a root compose project after the scanned directory and does not look for remote build contexts on disk', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'im-inventory-'))
    try {
      fs.writeFileSync(path.join(root, 'compose.yaml'), 'services:\n  api:\n    build: .\n  remote:\n    image: acme/remote:1\n    build: https://github.com/acme/remote.git#main\n')
      fs.writeFileSync(path.join(root, 'Dockerfile'), 'FROM alpine:3\n')
      const { inventory } = scan(root)
      const name = path.basename(root).toLowerCase().replace(/[^a-z0-9_-]/g, '')
      expect(inventory.images.map(image => `${image.kind} ${image.source}`)).toEqual([
        'base docker.io/library/alpine:3',
        'service docker.io/acme/remote:1',
        `service docker.io/library/${name}-api:latest`
      ])
      expect(inventory.findings.map(finding => `${finding.severity} ${finding.file}:${finding.line}`)).toEqual(['warning compose.yaml:6'])
    } finally {
      fs.rmSync(root, { recursive: true, force: true })
    }
  })

  it('reports each bad file with its line and keeps every other image', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'im-inventory-'))
    try {
      fs.mkdirSync(path.join(root, 'a'))
      fs.mkdirSync(path.join(root, 'b'))
      fs.writeFileSync(path.join(root, 'a', 'docker-compose.yml'), 'services:\n  web:\n    image: nginx:1\n  bad: [unclosed\n')
      fs.writeFileSync(path.join(root, 'b', 'compose.yaml'), 'services:\n  db:\n    image: postgres:${PG:?set PG}\n  cache:\n    image: redis:7\n')
      fs.writeFileSync(path.join(root, 'Dockerfile'), 'FROM\nFROM alpine:3\n')
      fs.writeFileSync(path.join(root, 'tool.Dockerfile'), 'FROM golang:${GO\n')
      fs.writeFileSync(path.join(root, 'ok.Dockerfile'), 'FROM busybox:1\n')
      const { inventory } = scan(root)
      expect(inventory.images.map(image => image.source)).toEqual(['docker.io/library/alpine:3', 'docker.io/library/busybox:1', 'docker.io/library/redis:7'])
      const where = inventory.findings.map(finding => `${finding.kind} ${finding.file}:${finding.line}`).sort()
      expect(where).toEqual([
        // yaml reports an unclosed flow sequence where the input ends.
        'invalid-file a/docker-compose.yml:5',
        'invalid-reference Dockerfile:1',
        'unresolved-variable b/compose.yaml:3',
        'unresolved-variable tool.Dockerfile:1'
      ])
    } finally {
      fs.rmSync(root, { recursive: true, force: true })
    }
  })
})

/** buildInventory over an in-memory tree: compose files and Dockerfiles named as discovery would find them. */
function scanMemory(files: Record<string, string>) {
  const names = Object.keys(files)
  return buildInventory({
    composeProjects: groupComposeProjects(names.filter(name => /compose\.ya?ml$/.test(name))),
    dockerfiles: names.filter(name => /Dockerfile$/.test(name)),
    readFile: file => files[file],
    env: {},
    envFiles: [],
    rootDirectoryName: 'app'
  })
}
const listed = (inventory: ReturnType<typeof scanMemory>) => inventory.images.map(image => `${image.kind} ${image.source}${image.frontend === true ? ' (frontend)' : ''}`)

describe("docker's semantics in the inventory", () => {
  it('counts every stage a compose build.target does not reach, and records what the target needs', () => {
    const inventory = scanMemory({
      'compose.yml': 'services:\n  api:\n    image: acme/api:1\n    build:\n      context: .\n      target: runtime\n',
      Dockerfile: 'FROM golang:1.25 AS build\nFROM node:22 AS docs\nFROM alpine:3 AS runtime\nCOPY --from=build /a /a\n'
    })
    expect(listed(inventory)).toEqual(['base docker.io/library/alpine:3', 'base docker.io/library/golang:1.25', 'base docker.io/library/node:22', 'service docker.io/acme/api:1'])
    expect(inventory.images.find(image => image.kind === 'service')?.build?.needs).toEqual(['docker.io/library/alpine:3', 'docker.io/library/golang:1.25'])
    expect(inventory.findings).toEqual([])
  })

  it('scans dockerfile_inline with origins on the compose lines', () => {
    const inventory = scanMemory({ 'compose.yml': 'services:\n  web:\n    build:\n      dockerfile_inline: |\n        FROM nginx:1.27\n        COPY --from=busybox:1 /bin/sh /sh\n' })
    expect(listed(inventory)).toEqual(['base docker.io/library/busybox:1', 'base docker.io/library/nginx:1.27', 'service docker.io/library/app-web:latest'])
    expect(inventory.images.map(image => image.origins[0]?.line)).toEqual([6, 5, 3])
    expect(inventory.images[2]?.build).toMatchObject({ dockerfile: '', dockerfileInline: 'FROM nginx:1.27\nCOPY --from=busybox:1 /bin/sh /sh\n' })
  })

  it('reports a bad inline Dockerfile on its compose line (twin; $$ keeps the variable from compose)', () => {
    const inventory = scanMemory({ 'compose.yml': 'services:\n  web:\n    build:\n      dockerfile_inline: |\n        FROM nginx:$${NOPE}\n' })
    expect(inventory.findings.map(finding => `${finding.severity} ${finding.kind} ${finding.file}:${finding.line}`)).toEqual(['error unresolved-variable compose.yml:5'])
  })

  it('takes docker-image:// contexts as images, service: contexts as the service image, paths as nothing', () => {
    const inventory = scanMemory({
      'compose.yml': [
        'services:',
        '  base:',
        '    image: acme/base:2',
        '    build: ./base',
        '  app:',
        '    image: acme/app:1',
        '    build:',
        '      context: .',
        '      additional_contexts:',
        '        alpine: docker-image://alpine:3.19',
        '        acme-base: service:base',
        '        assets: ./assets',
        ''
      ].join('\n'),
      'base/Dockerfile': 'FROM debian:12\n',
      Dockerfile: 'FROM acme-base\nFROM alpine\nCOPY --from=assets / /srv\n'
    })
    expect(listed(inventory)).toEqual(['base docker.io/library/alpine:3.19', 'base docker.io/library/debian:12', 'service docker.io/acme/app:1', 'service docker.io/acme/base:2'])
    expect(inventory.images.find(image => image.source === 'docker.io/library/alpine:3.19')?.origins).toEqual([
      { file: 'Dockerfile', line: 2 },
      { file: 'compose.yml', line: 10 }
    ])
    expect(inventory.images.find(image => image.source === 'docker.io/acme/app:1')?.build).toMatchObject({
      additionalContexts: { alpine: 'docker-image://alpine:3.19', 'acme-base': 'service:base', assets: 'assets' },
      contextImages: { alpine: 'docker.io/library/alpine:3.19', 'acme-base': 'docker.io/acme/base:2' }
    })
    expect(inventory.findings).toEqual([])
  })

  it('reports a service: context naming no service (twin)', () => {
    const inventory = scanMemory({ 'compose.yml': 'services:\n  app:\n    build:\n      context: .\n      additional_contexts:\n        b: service:ghost\n', Dockerfile: 'FROM b\n' })
    expect(inventory.findings).toEqual([expect.objectContaining({ kind: 'invalid-reference', severity: 'error', file: 'compose.yml', line: 6, message: expect.stringContaining("'ghost'") })])
  })

  it('lists the # syntax= frontend as a base image marked as a frontend', () => {
    const inventory = scanMemory({ Dockerfile: '# syntax=docker/dockerfile:1.7\nFROM alpine:3\n' })
    expect(listed(inventory)).toEqual(['base docker.io/docker/dockerfile:1.7 (frontend)', 'base docker.io/library/alpine:3'])
  })

  it('does not mark an image a frontend when a FROM uses it too (twin)', () => {
    const inventory = scanMemory({ Dockerfile: '# syntax=docker/dockerfile:1.7\nFROM docker/dockerfile:1.7\n' })
    expect(listed(inventory)).toEqual(['base docker.io/docker/dockerfile:1.7'])
  })

  it('lists an image whose unset variable leaves a valid reference, with a warning', () => {
    const inventory = scanMemory({ 'compose.yml': 'services:\n  web:\n    image: ${REGISTRY}nginx:1.27\n', Dockerfile: 'FROM ${MIRROR}alpine:3\n' })
    expect(listed(inventory)).toEqual(['base docker.io/library/alpine:3', 'base docker.io/library/nginx:1.27'])
    expect(inventory.findings.map(finding => `${finding.severity} ${finding.kind}`)).toEqual(['warning unresolved-variable', 'warning unresolved-variable'])
  })

  it('scans a legacy version 1 compose file, with a notice', () => {
    const inventory = scanMemory({ 'docker-compose.yml': 'web:\n  image: nginx:1\nworker:\n  build: .\n', Dockerfile: 'FROM python:3.13\n' })
    expect(listed(inventory)).toEqual(['base docker.io/library/nginx:1', 'base docker.io/library/python:3.13', 'service docker.io/library/app-worker:latest'])
    expect(inventory.findings.map(finding => `${finding.severity} ${finding.kind}`)).toEqual(['notice scan-note'])
  })

  it('reads a compose file another one includes only there, with the include env_file, not again on its own', () => {
    const inventory = scanMemory({
      'compose.yml': 'include:\n  - path: inc/compose.yml\n    env_file: inc/custom.env\nservices:\n  web:\n    image: nginx:1\n',
      'inc/compose.yml': 'services:\n  inc:\n    image: acme/inc:${INCTAG}\n',
      'inc/custom.env': 'INCTAG=9\n'
    })
    expect(listed(inventory)).toEqual(['base docker.io/acme/inc:9', 'base docker.io/library/nginx:1'])
    // Without the include's env_file INCTAG is not set: that standalone reading is not compose's, and no finding comes of it.
    expect(inventory.findings).toEqual([])
    expect(inventory.files).toEqual(['compose.yml', 'inc/compose.yml'])
  })

  it('still scans each of two compose files that include each other (a cycle is reported, nothing is lost)', () => {
    const inventory = scanMemory({
      'a/compose.yml': 'include:\n  - ../b/compose.yml\nservices:\n  a:\n    image: acme/a:1\n',
      'b/compose.yml': 'include:\n  - ../a/compose.yml\nservices:\n  b:\n    image: acme/b:1\n'
    })
    expect(listed(inventory)).toEqual(['base docker.io/acme/a:1', 'base docker.io/acme/b:1'])
  })

  it("reads BuildKit's TARGETARCH for this machine and the platforms input, or for the platforms a compose build names", () => {
    const native = nativePlatform().split('/')[1] as string
    const files = {
      Dockerfile: 'FROM acme/base:${TARGETARCH}\n',
      'svc/Dockerfile': 'FROM acme/svc:${TARGETARCH}\n',
      'compose.yml': 'services:\n  svc:\n    image: acme/svc-app:1\n    build:\n      context: svc\n      platforms: [linux/ppc64le]\n'
    }
    const names = Object.keys(files)
    const inventory = buildInventory({
      composeProjects: [['compose.yml']],
      dockerfiles: names.filter(name => name.endsWith('Dockerfile')),
      readFile: file => files[file as keyof typeof files],
      env: {},
      envFiles: [],
      platforms: ['linux/s390x']
    })
    expect(listed(inventory)).toEqual([...new Set([`base docker.io/acme/base:${native}`, 'base docker.io/acme/base:s390x'])].sort().concat(['base docker.io/acme/svc:ppc64le', 'service docker.io/acme/svc-app:1']))
    expect(inventory.findings).toEqual([])
  })

  it('returns the loaded compose projects for the deployment writer', () => {
    const inventory = scanMemory({ 'compose.yml': 'services:\n  web:\n    image: nginx:1\n' })
    expect(inventory.projects.map(project => [project.inputs, [...project.texts.keys()]])).toEqual([[['compose.yml'], ['compose.yml']]])
  })
})
