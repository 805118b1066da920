import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { discoverFiles, groupComposeProjects } from '../src/discover/discover.js'
import { buildInventory, fileReader } from '../src/extract/inventory.js'
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
