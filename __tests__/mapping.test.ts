import { describe, expect, it } from '@jest/globals'
import { parse } from 'yaml'
import type { Finding, ImageKind, Inventory, InventoryImage, Origin, Plan } from '../src/model.js'
import { formatReference, parseReference } from '../src/reference.js'
import { parseMappingConfig, type MappingConfig } from '../src/map/config.js'
import { mapInventory, mapReference, type MappingOptions } from '../src/map/mapping.js'
import { splitSuggestion } from '../src/report/summary.js'

const DIGEST = 'sha256:' + 'ab'.repeat(32)
const HARBOR = { registry: 'aiharbor.msxf.local', namespace: 'aihpc' }
const ACR = { registry: 'xxx.aliyuncs.com', namespace: 'ai-infra-matrix' }
const CONFIG_FILE = '.github/image-mirror.yml'

function image(text: string, kind: ImageKind, ...origins: Origin[]): InventoryImage {
  const ref = parseReference(text)
  return { kind, source: formatReference(ref), ref, origins }
}

const at = (file: string, line: number): Origin => ({ file, line })

function inventoryOf(images: InventoryImage[], findings: Finding[] = []): Inventory {
  return { images, findings, files: [...new Set(images.flatMap(item => item.origins.map(origin => origin.file)))].sort() }
}

/** The reference project of the seeds: 15 base images and 5 service images, with the fixture's origins. */
function referenceProject(): Inventory {
  return inventoryOf([
    image('nginx:1.27-alpine', 'base', at('docker-compose.yml', 24)),
    image('postgres:15-alpine', 'base', at('docker-compose.yml', 15)),
    image('redis:7-alpine', 'base', at('docker-compose.yml', 21)),
    image('osixia/openldap:stable', 'base', at('docker-compose.yml', 28)),
    image('osixia/phpldapadmin:stable', 'base', at('docker-compose.yml', 31)),
    image('quay.io/minio/minio:latest', 'base', at('docker-compose.yml', 35)),
    image('redislabs/redisinsight:latest', 'base', at('docker-compose.yml', 39)),
    image('tecnativa/tcp-proxy', 'base', at('docker-compose.yml', 43)),
    image('nginx:stable-alpine-perl', 'base', at('src/frontend/Dockerfile', 6), at('src/nginx/Dockerfile', 1)),
    image('alpine:latest', 'base', at('src/backend/Dockerfile', 8), at('tools/migrate/Dockerfile', 5)),
    image('golang:1.25-alpine', 'base', at('src/backend/Dockerfile', 3)),
    image('golang:1.24-alpine', 'base', at('tools/migrate/Dockerfile', 3)),
    image('node:22-alpine', 'base', at('src/frontend/Dockerfile', 1)),
    image('node:18-alpine', 'base', at('docs/Dockerfile', 1)),
    image('python:3.13-alpine', 'base', at('src/jupyterhub/Dockerfile', 1), at('src/saltstack/Dockerfile', 3)),
    image('ai-infra-backend:v0.3.5', 'service', at('docker-compose.yml', 10)),
    image('ai-infra-frontend:v0.3.5', 'service', at('docker-compose.yml', 57)),
    image('ai-infra-jupyterhub:v0.3.5', 'service', at('docker-compose.yml', 61)),
    image('ai-infra-nginx:v0.3.5', 'service', at('docker-compose.yml', 67)),
    image('ai-infra-saltstack:v0.3.5', 'service', at('docker-compose.yml', 72))
  ])
}

function config(text: string): MappingConfig {
  const parsed = parseMappingConfig(text, CONFIG_FILE)
  expect(parsed.findings).toEqual([])
  return parsed.config
}

function targets(plan: Plan): Record<string, string | null> {
  return Object.fromEntries(plan.images.map(item => [item.source, item.target]))
}

function mapOne(text: string, options: Partial<MappingOptions> & { kind?: ImageKind } = {}): string | null {
  const { kind = 'base', ...rest } = options
  const plan = mapInventory(inventoryOf([image(text, kind, at('Dockerfile', 1))]), { registry: HARBOR, layout: 'preserve', ...rest })
  return plan.images[0]!.target
}

const ofKind = (plan: Plan, kind: Finding['kind']): Finding[] => plan.findings.filter(finding => finding.kind === kind)

describe('layouts on the reference project', () => {
  it('gives the Harbor project structure of the seed with layout library', () => {
    const plan = mapInventory(referenceProject(), { registry: HARBOR, tag: 'v0.3.5', layout: 'library', layoutFromInput: true })
    expect(targets(plan)).toEqual({
      'docker.io/library/nginx:1.27-alpine': 'aiharbor.msxf.local/aihpc/library/nginx:1.27-alpine',
      'docker.io/library/postgres:15-alpine': 'aiharbor.msxf.local/aihpc/library/postgres:15-alpine',
      'docker.io/library/redis:7-alpine': 'aiharbor.msxf.local/aihpc/library/redis:7-alpine',
      'docker.io/osixia/openldap:stable': 'aiharbor.msxf.local/aihpc/osixia/openldap:stable',
      'docker.io/osixia/phpldapadmin:stable': 'aiharbor.msxf.local/aihpc/osixia/phpldapadmin:stable',
      'quay.io/minio/minio:latest': 'aiharbor.msxf.local/aihpc/minio/minio:latest',
      'docker.io/redislabs/redisinsight:latest': 'aiharbor.msxf.local/aihpc/redislabs/redisinsight:latest',
      'docker.io/tecnativa/tcp-proxy:latest': 'aiharbor.msxf.local/aihpc/tecnativa/tcp-proxy:latest',
      'docker.io/library/nginx:stable-alpine-perl': 'aiharbor.msxf.local/aihpc/library/nginx:stable-alpine-perl',
      'docker.io/library/alpine:latest': 'aiharbor.msxf.local/aihpc/library/alpine:latest',
      'docker.io/library/golang:1.25-alpine': 'aiharbor.msxf.local/aihpc/library/golang:1.25-alpine',
      'docker.io/library/golang:1.24-alpine': 'aiharbor.msxf.local/aihpc/library/golang:1.24-alpine',
      'docker.io/library/node:22-alpine': 'aiharbor.msxf.local/aihpc/library/node:22-alpine',
      'docker.io/library/node:18-alpine': 'aiharbor.msxf.local/aihpc/library/node:18-alpine',
      'docker.io/library/python:3.13-alpine': 'aiharbor.msxf.local/aihpc/library/python:3.13-alpine',
      'docker.io/library/ai-infra-backend:v0.3.5': 'aiharbor.msxf.local/aihpc/ai-infra-backend:v0.3.5',
      'docker.io/library/ai-infra-frontend:v0.3.5': 'aiharbor.msxf.local/aihpc/ai-infra-frontend:v0.3.5',
      'docker.io/library/ai-infra-jupyterhub:v0.3.5': 'aiharbor.msxf.local/aihpc/ai-infra-jupyterhub:v0.3.5',
      'docker.io/library/ai-infra-nginx:v0.3.5': 'aiharbor.msxf.local/aihpc/ai-infra-nginx:v0.3.5',
      'docker.io/library/ai-infra-saltstack:v0.3.5': 'aiharbor.msxf.local/aihpc/ai-infra-saltstack:v0.3.5'
    })
  })

  it('gives exactly the ACR names of the seed with layout preserve', () => {
    const plan = mapInventory(referenceProject(), { registry: ACR, tag: 'v0.3.5', layout: 'preserve' })
    // The seed writes the tcp-proxy target without a tag, which docker reads as :latest.
    expect(plan.images.map(item => item.target)).toEqual([
      'xxx.aliyuncs.com/ai-infra-matrix/nginx:1.27-alpine',
      'xxx.aliyuncs.com/ai-infra-matrix/postgres:15-alpine',
      'xxx.aliyuncs.com/ai-infra-matrix/redis:7-alpine',
      'xxx.aliyuncs.com/ai-infra-matrix/osixia/openldap:stable',
      'xxx.aliyuncs.com/ai-infra-matrix/osixia/phpldapadmin:stable',
      'xxx.aliyuncs.com/ai-infra-matrix/minio/minio:latest',
      'xxx.aliyuncs.com/ai-infra-matrix/redislabs/redisinsight:latest',
      'xxx.aliyuncs.com/ai-infra-matrix/tecnativa/tcp-proxy:latest',
      'xxx.aliyuncs.com/ai-infra-matrix/nginx:stable-alpine-perl',
      'xxx.aliyuncs.com/ai-infra-matrix/alpine:latest',
      'xxx.aliyuncs.com/ai-infra-matrix/golang:1.25-alpine',
      'xxx.aliyuncs.com/ai-infra-matrix/golang:1.24-alpine',
      'xxx.aliyuncs.com/ai-infra-matrix/node:22-alpine',
      'xxx.aliyuncs.com/ai-infra-matrix/node:18-alpine',
      'xxx.aliyuncs.com/ai-infra-matrix/python:3.13-alpine',
      'xxx.aliyuncs.com/ai-infra-matrix/ai-infra-backend:v0.3.5',
      'xxx.aliyuncs.com/ai-infra-matrix/ai-infra-frontend:v0.3.5',
      'xxx.aliyuncs.com/ai-infra-matrix/ai-infra-jupyterhub:v0.3.5',
      'xxx.aliyuncs.com/ai-infra-matrix/ai-infra-nginx:v0.3.5',
      'xxx.aliyuncs.com/ai-infra-matrix/ai-infra-saltstack:v0.3.5'
    ])
  })

  it('keeps inventory order and puts inventory findings first, mapping findings after', () => {
    const inventoryFinding: Finding = { kind: 'invalid-file', severity: 'error', message: 'broken', file: 'x.yml', line: 1 }
    const inventory = { ...referenceProject(), findings: [inventoryFinding] }
    const plan = mapInventory(inventory, { registry: ACR, layout: 'preserve' })
    expect(plan.images.map(item => item.source)).toEqual(inventory.images.map(item => item.source))
    expect(plan.findings[0]).toBe(inventoryFinding)
    expect(plan.findings.slice(1).map(finding => finding.kind)).toEqual(['version-drift', 'version-drift', 'version-drift'])
    expect(plan.files).toEqual(inventory.files)
  })

  it('is clean on the reference project: no collisions, no unmapped, no tag policy without a mapping file', () => {
    for (const layout of ['preserve', 'library', 'flat'] as const) {
      const plan = mapInventory(referenceProject(), { registry: HARBOR, tag: 'v0.3.5', layout })
      expect(plan.findings.filter(finding => finding.severity === 'error')).toEqual([])
      expect(plan.images.every(item => item.target !== null && item.targetRef !== undefined)).toBe(true)
    }
  })
})

describe('mapping one base image by layout', () => {
  it.each([
    // [source, layout, flatSeparator, target]
    ['postgres:15-alpine', 'preserve', undefined, 'aiharbor.msxf.local/aihpc/postgres:15-alpine'],
    ['postgres:15-alpine', 'library', undefined, 'aiharbor.msxf.local/aihpc/library/postgres:15-alpine'],
    ['postgres:15-alpine', 'flat', undefined, 'aiharbor.msxf.local/aihpc/postgres:15-alpine'],
    ['postgres:15-alpine', 'flat', '-', 'aiharbor.msxf.local/aihpc/postgres:15-alpine'],
    ['quay.io/minio/minio:latest', 'preserve', undefined, 'aiharbor.msxf.local/aihpc/minio/minio:latest'],
    ['quay.io/minio/minio:latest', 'library', undefined, 'aiharbor.msxf.local/aihpc/minio/minio:latest'],
    ['quay.io/minio/minio:latest', 'flat', undefined, 'aiharbor.msxf.local/aihpc/minio:latest'],
    ['quay.io/minio/minio:latest', 'flat', '-', 'aiharbor.msxf.local/aihpc/minio-minio:latest'],
    ['quay.io/minio/minio:latest', 'flat', '__', 'aiharbor.msxf.local/aihpc/minio__minio:latest'],
    ['ghcr.io/a/b/c:1', 'preserve', undefined, 'aiharbor.msxf.local/aihpc/a/b/c:1'],
    ['ghcr.io/a/b/c:1', 'flat', '.', 'aiharbor.msxf.local/aihpc/a.b.c:1'],
    ['bitnami/redis:7', 'library', undefined, 'aiharbor.msxf.local/aihpc/bitnami/redis:7'],
    // library/ is Docker Hub's official namespace only; elsewhere it is an ordinary path component.
    ['ghcr.io/library/tool:2', 'preserve', undefined, 'aiharbor.msxf.local/aihpc/library/tool:2'],
    ['localhost:5000/team/app:1.0', 'preserve', undefined, 'aiharbor.msxf.local/aihpc/team/app:1.0']
  ] as const)('%s with %s (separator %s) → %s', (source, layout, flatSeparator, expected) => {
    expect(mapOne(source, { layout, layoutFromInput: true, ...(flatSeparator !== undefined && { flatSeparator }) })).toBe(expected)
  })

  it('maps to the registry host alone when the registry input has no namespace', () => {
    expect(mapOne('quay.io/minio/minio:latest', { registry: { registry: '127.0.0.1:5000', namespace: '' } })).toBe('127.0.0.1:5000/minio/minio:latest')
    expect(mapOne('postgres:15', { registry: { registry: 'localhost:5000', namespace: '' }, layout: 'library' })).toBe('localhost:5000/library/postgres:15')
  })

  it('keeps the tag and drops the digest of a pinned source (a push sets a tag)', () => {
    expect(mapOne(`postgres:15@${DIGEST}`)).toBe('aiharbor.msxf.local/aihpc/postgres:15')
  })

  it('tags a digest-only source sha256-<hex>', () => {
    expect(mapOne(`postgres@${DIGEST}`)).toBe(`aiharbor.msxf.local/aihpc/postgres:sha256-${'ab'.repeat(32)}`)
  })

  it('maps an image already in the target registry and namespace to itself, under any layout', () => {
    for (const layout of ['preserve', 'library', 'flat'] as const) {
      expect(mapOne('aiharbor.msxf.local/aihpc/library/postgres:15-alpine', { layout, layoutFromInput: true })).toBe(
        'aiharbor.msxf.local/aihpc/library/postgres:15-alpine'
      )
    }
  })

  it('maps an image of the same host but another namespace like any other source', () => {
    expect(mapOne('aiharbor.msxf.local/other/tool:1')).toBe('aiharbor.msxf.local/aihpc/other/tool:1')
  })
})

describe('service images', () => {
  it.each([
    ['ai-infra-backend:v0.3.5', 'v0.4.0', 'aiharbor.msxf.local/aihpc/ai-infra-backend:v0.4.0'],
    ['ai-infra-backend:v0.3.5', undefined, 'aiharbor.msxf.local/aihpc/ai-infra-backend:v0.3.5'],
    ['aiharbor.msxf.local/aihpc/ai-infra-backend:dev', 'v0.3.5', 'aiharbor.msxf.local/aihpc/ai-infra-backend:v0.3.5'],
    ['ghcr.io/acme/deep/path/web', 'v1.0.0', 'aiharbor.msxf.local/aihpc/web:v1.0.0'],
    ['project-backend', undefined, 'aiharbor.msxf.local/aihpc/project-backend:latest']
  ] as const)('%s with tag input %s → %s, whatever the layout', (source, tag, expected) => {
    for (const layout of ['preserve', 'library', 'flat'] as const) {
      expect(mapOne(source, { kind: 'service', layout, layoutFromInput: true, ...(tag !== undefined && { tag }) })).toBe(expected)
    }
  })

  it('is not unmapped under strict: the project names its own images', () => {
    const plan = mapInventory(inventoryOf([image('ai-infra-backend:v0.3.5', 'service', at('docker-compose.yml', 10))]), {
      registry: HARBOR,
      layout: 'preserve',
      strict: true,
      tag: 'v1.0.0'
    })
    expect(plan.images[0]!.target).toBe('aiharbor.msxf.local/aihpc/ai-infra-backend:v1.0.0')
    expect(plan.findings).toEqual([])
  })
})

describe('rules override the layout', () => {
  const rules = config(`
rules:
  - source: postgres
    target: db/postgres
  - source: postgres:13
    target: legacy/postgres
  - source: ghcr.io/acme/*
    target: mirror/acme/*
  - source: ghcr.io/acme/special/*
    target: special/*
  - source: docker.io/bitnami/*
    target: bn/*
    tags: { "7.2": "7.2.5", "1.10": "1.10.0" }
  - source: node
    tag: "{tag}-mirrored"
  - source: node:18-alpine
    tag: 18.20-alpine
  - source: redis
    target: other.example.com/cache/redis:7-pinned
  - source: quay.io/minio/minio
    target: harbor2.example.com/minio
  - source: docker.io/library/busybox
    exclude: true
  - source: alpine
`)

  it.each([
    ['postgres:15-alpine', 'aiharbor.msxf.local/aihpc/db/postgres:15-alpine', 'a repository rule covers every tag'],
    ['postgres:13', 'aiharbor.msxf.local/aihpc/legacy/postgres:13', 'a one-image rule beats the repository rule'],
    ['docker.io/library/postgres:14', 'aiharbor.msxf.local/aihpc/db/postgres:14', 'rule sources are normalised like references'],
    ['ghcr.io/acme/tool:1.2', 'aiharbor.msxf.local/aihpc/mirror/acme/tool:1.2', "'*' takes the rest of the path"],
    ['ghcr.io/acme/team/tool:1', 'aiharbor.msxf.local/aihpc/mirror/acme/team/tool:1', 'a prefix covers any depth'],
    ['ghcr.io/acme/special/x:1', 'aiharbor.msxf.local/aihpc/special/x:1', 'the longer prefix wins'],
    ['ghcr.io/acme:1', 'aiharbor.msxf.local/aihpc/acme:1', 'a prefix does not cover the prefix itself'],
    ['bitnami/redis:7.2', 'aiharbor.msxf.local/aihpc/bn/redis:7.2.5', 'tags rewrites a listed tag'],
    ['bitnami/redis:1.10', 'aiharbor.msxf.local/aihpc/bn/redis:1.10.0', 'tags keys keep their text (1.10 is not 1.1)'],
    ['bitnami/redis:7.4', 'aiharbor.msxf.local/aihpc/bn/redis:7.4', 'tags keeps unlisted tags'],
    ['node:22-alpine', 'aiharbor.msxf.local/aihpc/node:22-alpine-mirrored', '{tag} is the source tag'],
    ['node:18-alpine', 'aiharbor.msxf.local/aihpc/node:18.20-alpine', 'tag sets the tag'],
    ['redis:6', 'other.example.com/cache/redis:7-pinned', 'an absolute target with a tag'],
    ['quay.io/minio/minio:latest', 'harbor2.example.com/minio:latest', 'an absolute target keeps the source tag'],
    ['busybox:1.36', null, 'exclude gives no target'],
    ['alpine:3.20', 'aiharbor.msxf.local/aihpc/alpine:3.20', 'a rule with source only takes the layout name']
  ] as Array<[string, string | null, string]>)('%s → %s (%s)', (source, expected) => {
    expect(mapOne(source, { config: rules })).toBe(expected)
  })

  it('applies rules to service images too', () => {
    const serviceRules = config('rules:\n  - source: ai-infra-backend\n    target: apps/backend\n')
    expect(mapOne('ai-infra-backend:v0.3.5', { kind: 'service', tag: 'v1.0.0', config: serviceRules })).toBe('aiharbor.msxf.local/aihpc/apps/backend:v1.0.0')
  })

  it('reports an excluded image as a notice naming the rule, file and line', () => {
    const plan = mapInventory(inventoryOf([image('busybox:1.36', 'base', at('tools/Dockerfile', 4), at('ci/Dockerfile', 2))]), {
      registry: HARBOR,
      layout: 'preserve',
      config: rules
    })
    expect(plan.images[0]).toMatchObject({ target: null, mapping: 'excluded' })
    expect(plan.images[0]!.targetRef).toBeUndefined()
    expect(plan.findings).toEqual([
      {
        kind: 'excluded',
        severity: 'notice',
        file: 'tools/Dockerfile',
        line: 4,
        image: 'docker.io/library/busybox:1.36',
        message: `busybox:1.36 is excluded by the rule at ${CONFIG_FILE}:22 (source: docker.io/library/busybox); it will not be mirrored (also referenced at ci/Dockerfile:2)`
      }
    ])
  })

  it('reports a {tag} template that grows past 128 characters as invalid config at the rule line', () => {
    const longTag = config(`rules:\n  - source: node\n    tag: "{tag}-${'x'.repeat(120)}"\n`)
    const plan = mapInventory(inventoryOf([image('node:22-alpine', 'base', at('Dockerfile', 1))]), { registry: HARBOR, layout: 'preserve', config: longTag })
    expect(plan.images[0]!.target).toBeNull()
    expect(plan.findings).toMatchObject([{ kind: 'invalid-config', severity: 'error', file: CONFIG_FILE, line: 2 }])
  })

  it('exposes the reason and the layout proposal through mapReference', () => {
    expect(mapReference(parseReference('busybox'), 'base', { registry: HARBOR, layout: 'preserve', config: rules })).toMatchObject({
      status: 'excluded',
      rule: { line: 22 },
      proposed: { relativePath: 'busybox' }
    })
    expect(mapReference(parseReference('ghcr.io/acme/tool:1.2'), 'base', { registry: HARBOR, layout: 'preserve', config: rules })).toMatchObject({
      status: 'mapped',
      target: { registry: 'aiharbor.msxf.local', repository: 'aihpc/mirror/acme/tool', tag: '1.2' },
      rule: { line: 7 }
    })
  })
})

describe('layout, flat-separator and strict from the mapping file', () => {
  const fileSettings = config('layout: library\nflat-separator: "-"\nstrict: true\n')

  it('uses the file layout unless the layout input was given', () => {
    expect(mapOne('postgres:15', { layout: 'preserve', config: fileSettings, strict: false })).toBe('aiharbor.msxf.local/aihpc/library/postgres:15')
    expect(mapOne('postgres:15', { layout: 'preserve', layoutFromInput: true, config: fileSettings, strict: false })).toBe(
      'aiharbor.msxf.local/aihpc/postgres:15'
    )
  })

  it('uses the file flat-separator unless the input gives one', () => {
    const flat = config('layout: flat\nflat-separator: "-"\n')
    expect(mapOne('quay.io/minio/minio:1', { config: flat })).toBe('aiharbor.msxf.local/aihpc/minio-minio:1')
    expect(mapOne('quay.io/minio/minio:1', { config: flat, flatSeparator: '_' })).toBe('aiharbor.msxf.local/aihpc/minio_minio:1')
  })

  it('uses the file strict unless the strict input was given', () => {
    expect(mapOne('postgres:15', { config: fileSettings })).toBeNull()
    expect(mapOne('postgres:15', { config: fileSettings, strict: false })).toBe('aiharbor.msxf.local/aihpc/library/postgres:15')
    expect(mapOne('postgres:15', { strict: true })).toBeNull()
  })
})

describe('strict mapping', () => {
  const pr = (): Inventory =>
    inventoryOf([
      image('postgres:15-alpine', 'base', at('docker-compose.yml', 15)),
      image('ghcr.io/acme/tool:1.2', 'base', at('tools/acme/Dockerfile', 3), at('tools/other/Dockerfile', 1))
    ])
  const strictConfig = 'strict: true\nrules:\n  - source: postgres\n    target: library/postgres\n'

  it('leaves an image no rule covers unmapped, with one error at its first origin and the rule to paste', () => {
    const plan = mapInventory(pr(), { registry: HARBOR, layout: 'library', config: config(strictConfig) })
    expect(targets(plan)).toEqual({
      'docker.io/library/postgres:15-alpine': 'aiharbor.msxf.local/aihpc/library/postgres:15-alpine',
      'ghcr.io/acme/tool:1.2': null
    })
    const unmapped = ofKind(plan, 'unmapped')
    expect(unmapped).toEqual([
      {
        kind: 'unmapped',
        severity: 'error',
        file: 'tools/acme/Dockerfile',
        line: 3,
        image: 'ghcr.io/acme/tool:1.2',
        message: `ghcr.io/acme/tool:1.2 has no rule in ${CONFIG_FILE}, and strict mapping requires one (the layout would give aiharbor.msxf.local/aihpc/acme/tool:1.2) (also referenced at tools/other/Dockerfile:1)`,
        suggestion: '- source: ghcr.io/acme/tool\n  target: acme/tool'
      }
    ])
  })

  it('maps the image once the suggested rule is added to the mapping file', () => {
    const first = mapInventory(pr(), { registry: HARBOR, layout: 'library', config: config(strictConfig) })
    const suggestion = ofKind(first, 'unmapped')[0]!.suggestion!
    // The suggestion is YAML for one list item: it pastes under rules: as is.
    expect(parse(suggestion)).toEqual([{ source: 'ghcr.io/acme/tool', target: 'acme/tool' }])
    const fixed = config(`${strictConfig}${suggestion.replace(/^/gm, '  ')}\n`)
    const second = mapInventory(pr(), { registry: HARBOR, layout: 'library', config: fixed })
    expect(targets(second)['ghcr.io/acme/tool:1.2']).toBe('aiharbor.msxf.local/aihpc/acme/tool:1.2')
    expect(second.findings).toEqual([])
  })

  it('suggests the flat name under the flat layout and the short name for Docker Hub images', () => {
    const plan = mapInventory(inventoryOf([image('quay.io/minio/minio:latest', 'base', at('c.yml', 2)), image('nginx:1.27', 'base', at('c.yml', 5))]), {
      registry: ACR,
      layout: 'flat',
      flatSeparator: '-',
      strict: true
    })
    expect(ofKind(plan, 'unmapped').map(finding => parse(finding.suggestion!))).toEqual([
      [{ source: 'quay.io/minio/minio', target: 'minio-minio' }],
      [{ source: 'nginx', target: 'nginx' }]
    ])
  })

  it('counts exclude and wildcard rules as covering an image', () => {
    const covered = config('strict: true\nrules:\n  - source: ghcr.io/*\n    target: gh/*\n  - source: postgres\n    exclude: true\n')
    const plan = mapInventory(pr(), { registry: HARBOR, layout: 'preserve', config: covered })
    expect(ofKind(plan, 'unmapped')).toEqual([])
    expect(ofKind(plan, 'excluded').map(finding => finding.severity)).toEqual(['notice'])
    expect(targets(plan)['ghcr.io/acme/tool:1.2']).toBe('aiharbor.msxf.local/aihpc/gh/acme/tool:1.2')
  })
})

describe('collisions', () => {
  it('reports bitnami/redis and redis on one flat target as an error naming both, and maps neither', () => {
    const plan = mapInventory(
      inventoryOf([image('bitnami/redis:7', 'base', at('docker-compose.yml', 4)), image('redis:7', 'base', at('cache/Dockerfile', 1))]),
      { registry: ACR, layout: 'flat' }
    )
    expect(plan.images.map(item => item.target)).toEqual([null, null])
    const collisions = ofKind(plan, 'collision')
    expect(collisions).toHaveLength(1)
    expect(collisions[0]).toMatchObject({ severity: 'error', file: 'docker-compose.yml', line: 4, image: 'docker.io/bitnami/redis:7' })
    expect(collisions[0]!.message).toContain('xxx.aliyuncs.com/ai-infra-matrix/redis:7')
    expect(collisions[0]!.message).toContain('bitnami/redis:7 (docker-compose.yml:4)')
    expect(collisions[0]!.message).toContain('redis:7 (cache/Dockerfile:1)')
    expect(collisions[0]!.suggestion).toContain('- source: bitnami/redis\n    target: bitnami-redis')
  })

  it('does not collide under flat with a separator', () => {
    const plan = mapInventory(inventoryOf([image('bitnami/redis:7', 'base', at('a', 1)), image('redis:7', 'base', at('b', 1))]), {
      registry: ACR,
      layout: 'flat',
      flatSeparator: '-'
    })
    expect(plan.images.map(item => item.target)).toEqual(['xxx.aliyuncs.com/ai-infra-matrix/bitnami-redis:7', 'xxx.aliyuncs.com/ai-infra-matrix/redis:7'])
    expect(ofKind(plan, 'collision')).toEqual([])
  })

  it('reports two source repositories sharing one target repository even when their tags differ', () => {
    const plan = mapInventory(
      inventoryOf([image('minio/minio:RELEASE.2024', 'base', at('a.yml', 1)), image('quay.io/minio/minio:latest', 'base', at('b.yml', 2))]),
      { registry: HARBOR, layout: 'preserve' }
    )
    const collisions = ofKind(plan, 'collision')
    expect(collisions).toHaveLength(1)
    expect(collisions[0]!.message).toContain('2 different repositories map to aiharbor.msxf.local/aihpc/minio/minio')
    // Nothing is overwritten yet, so both keep their targets.
    expect(plan.images.every(item => item.target !== null)).toBe(true)
  })

  it('reports a tag rewrite that sends two tags of one repository to one target', () => {
    const plan = mapInventory(
      inventoryOf([image('golang:1.24-alpine', 'base', at('a', 1)), image('golang:1.25-alpine', 'base', at('b', 1))]),
      { registry: HARBOR, layout: 'preserve', config: config('rules:\n  - source: golang\n    tag: stable\n') }
    )
    expect(ofKind(plan, 'collision')).toHaveLength(1)
    expect(plan.images.map(item => item.target)).toEqual([null, null])
  })

  it('reports a service image and a base image on one target', () => {
    const plan = mapInventory(
      inventoryOf([image('acme/web:v1', 'base', at('a', 1)), image('web:v0', 'service', at('docker-compose.yml', 3))]),
      { registry: HARBOR, layout: 'flat', tag: 'v1' }
    )
    expect(ofKind(plan, 'collision')).toHaveLength(1)
  })

  it('does not count different tags of one source repository as a collision', () => {
    const plan = mapInventory(referenceProject(), { registry: HARBOR, layout: 'flat' })
    expect(ofKind(plan, 'collision')).toEqual([])
  })
})

describe('tag policy', () => {
  const policyProject = (): Inventory =>
    inventoryOf([
      image('quay.io/minio/minio:latest', 'base', at('docker-compose.yml', 35)),
      image('tecnativa/tcp-proxy', 'base', at('docker-compose.yml', 43)),
      image(`alpine:latest@${DIGEST}`, 'base', at('Dockerfile', 8)),
      image('golang:1.23-alpine', 'base', at('backend/Dockerfile', 3)),
      image('golang:1.25-alpine', 'base', at('Dockerfile', 1)),
      image('node:lts-alpine', 'base', at('web/Dockerfile', 1)),
      image(`postgres:15-alpine@${DIGEST}`, 'base', at('docker-compose.yml', 15)),
      image('ai-infra-backend:latest', 'service', at('docker-compose.yml', 10))
    ])
  const policyFindings = (text: string | undefined): Array<[string, number | undefined, string]> => {
    const options: MappingOptions = { registry: HARBOR, layout: 'preserve', ...(text !== undefined && { config: config(text) }) }
    return ofKind(mapInventory(policyProject(), options), 'tag-policy').map(finding => [finding.image!, finding.line, finding.message])
  }

  it('is off by default, with or without a mapping file', () => {
    expect(policyFindings(undefined)).toEqual([])
    expect(policyFindings('rules: []\n')).toEqual([])
  })

  it('flags latest and missing tags, but not a latest pinned by digest nor service images', () => {
    const found = policyFindings('tag-policy:\n  disallow-latest: true\n')
    expect(found.map(([source, line]) => [source, line])).toEqual([
      ['quay.io/minio/minio:latest', 35],
      ['docker.io/tecnativa/tcp-proxy:latest', 43]
    ])
    expect(found[0]![2]).toContain("uses the 'latest' tag (or no tag)")
  })

  it('requires a digest on every base image when asked', () => {
    const plan = mapInventory(policyProject(), { registry: HARBOR, layout: 'preserve', config: config('tag-policy:\n  require-digest: true\n') })
    const found = ofKind(plan, 'tag-policy')
    expect(found.map(finding => finding.image)).toEqual([
      'quay.io/minio/minio:latest',
      'docker.io/tecnativa/tcp-proxy:latest',
      'docker.io/library/golang:1.23-alpine',
      'docker.io/library/golang:1.25-alpine',
      'docker.io/library/node:lts-alpine'
    ])
    expect(found[2]!.suggestion).toBe('Write golang:1.23-alpine@sha256:<digest>; find the digest with: docker buildx imagetools inspect golang:1.23-alpine')
  })

  it('checks semver ranges per repository, reading 1.23-alpine as 1.23.0 and saying so', () => {
    const found = policyFindings('tag-policy:\n  allowed:\n    golang: ">=1.24 <2"\n    node: ^22\n    postgres: "15"\n')
    expect(found).toEqual([
      [
        'docker.io/library/golang:1.23-alpine',
        3,
        `golang:1.23-alpine: tag '1.23-alpine' (read as 1.23.0) is outside tag-policy.allowed 'golang: >=1.24 <2' (${CONFIG_FILE}:3)`
      ],
      [
        'docker.io/library/node:lts-alpine',
        1,
        `node:lts-alpine: tag 'lts-alpine' is not a version, so it cannot satisfy tag-policy.allowed 'node: ^22' (${CONFIG_FILE}:4)`
      ]
    ])
  })

  it('lets the most specific range win: a repository over a prefix', () => {
    const found = policyFindings('tag-policy:\n  allowed:\n    docker.io/library/*: ">=100"\n    golang: ">=1.20"\n')
    expect(found.map(([source]) => source)).toEqual([
      `docker.io/library/alpine:latest@${DIGEST}`,
      'docker.io/library/node:lts-alpine',
      `docker.io/library/postgres:15-alpine@${DIGEST}`
    ])
  })

  it('skips excluded images', () => {
    const found = policyFindings('rules:\n  - source: quay.io/minio/minio\n    exclude: true\ntag-policy:\n  disallow-latest: true\n')
    expect(found.map(([source]) => source)).toEqual(['docker.io/tecnativa/tcp-proxy:latest'])
  })
})

describe('version drift', () => {
  it('gives one notice per repository with several versions, listing versions and origins', () => {
    const plan = mapInventory(referenceProject(), { registry: HARBOR, layout: 'library' })
    const drift = ofKind(plan, 'version-drift')
    expect(drift.map(finding => [finding.image, finding.severity, finding.file, finding.line])).toEqual([
      ['docker.io/library/nginx', 'notice', 'docker-compose.yml', 24],
      ['docker.io/library/golang', 'notice', 'src/backend/Dockerfile', 3],
      ['docker.io/library/node', 'notice', 'src/frontend/Dockerfile', 1]
    ])
    expect(drift[1]!.message).toBe(
      '2 versions of golang are in use: golang:1.25-alpine (src/backend/Dockerfile:3); golang:1.24-alpine (tools/migrate/Dockerfile:3)'
    )
    expect(drift[1]!.suggestion).toContain('the newest in use is golang:1.25-alpine')
    expect(drift[0]!.suggestion).toBe('Settle on one of 1.27-alpine, stable-alpine-perl for nginx where the code allows')
  })

  it('ignores service images and single versions', () => {
    const plan = mapInventory(
      inventoryOf([image('web:v1', 'service', at('a', 1)), image('web:v2', 'service', at('b', 1)), image('redis:7', 'base', at('c', 1))]),
      { registry: HARBOR, layout: 'preserve' }
    )
    expect(ofKind(plan, 'version-drift')).toEqual([])
  })
})

/** The mapping file after a person applies a suggestion: the rules pasted under rules:, or the file created as shown. */
function applySuggestion(configText: string | undefined, suggestion: string): string {
  const { code } = splitSuggestion(suggestion)
  const parsed = parse(code) as unknown
  if (Array.isArray(parsed)) {
    const base = configText ?? 'rules:\n'
    return `${base.replace(/\n*$/, '\n')}${code.replace(/^/gm, '  ')}\n`
  }
  expect(configText).toBeUndefined()
  return `${code}\n`
}

describe('collision suggestions resolve the collision', () => {
  const cases: Array<[string, InventoryImage[], Partial<MappingOptions>, string | undefined]> = [
    ['redis and bitnami/redis under flat, no mapping file', [image('bitnami/redis:7', 'base', at('docker-compose.yml', 4)), image('redis:7', 'base', at('cache/Dockerfile', 1))], { registry: ACR, layout: 'flat' }, undefined],
    ['redis and bitnami/redis under flat, with a mapping file', [image('bitnami/redis:7', 'base', at('a', 1)), image('redis:7', 'base', at('b', 1))], { registry: ACR, layout: 'flat' }, 'rules:\n  - source: postgres\n    target: library/postgres\n'],
    ['three redis images under flat', [image('bitnami/redis:7', 'base', at('a', 1)), image('redis:7', 'base', at('b', 1)), image('ghcr.io/bitnami/redis:7', 'base', at('c', 1))], { registry: ACR, layout: 'flat' }, undefined],
    ['two tags sent to one tag by a rule', [image('golang:1.24-alpine', 'base', at('a', 1)), image('golang:1.25-alpine', 'base', at('b', 1))], { registry: HARBOR, layout: 'preserve' }, 'rules:\n  - source: golang\n    tag: stable\n'],
    ['a base image on a service image', [image('acme/web:v1', 'base', at('a', 1)), image('web:v0', 'service', at('docker-compose.yml', 3))], { registry: HARBOR, layout: 'flat', tag: 'v1' }, undefined],
    ['two registries sharing a repository under preserve', [image('minio/minio:RELEASE.2024', 'base', at('a.yml', 1)), image('quay.io/minio/minio:latest', 'base', at('b.yml', 2))], { registry: HARBOR, layout: 'preserve' }, undefined],
    ['a repository rule that sends two repositories to one', [image('bitnami/redis:7', 'base', at('a', 1)), image('redis:6', 'base', at('b', 1))], { registry: HARBOR, layout: 'preserve' }, 'rules:\n  - source: bitnami/redis\n    target: redis\n']
  ]

  it.each(cases)('%s', (_name, images, options, configText) => {
    const withConfig = (text: string | undefined): Partial<MappingOptions> => (text === undefined ? {} : { config: config(text) })
    const before = mapInventory(inventoryOf(images), { ...options, ...withConfig(configText) } as MappingOptions)
    const collisions = ofKind(before, 'collision')
    expect(collisions.length).toBeGreaterThan(0)
    let text = configText
    for (const collision of collisions) text = applySuggestion(text, collision.suggestion!)
    const after = mapInventory(inventoryOf(images), { ...options, config: config(text!) } as MappingOptions)
    expect(ofKind(after, 'collision')).toEqual([])
    expect(after.images.every(item => item.target !== null)).toBe(true)
    // The project's own service images keep their names.
    for (const item of after.images.filter(candidate => candidate.kind === 'service')) {
      expect(item.target).toBe(before.images.find(candidate => candidate.source === item.source)!.target ?? item.target)
    }
  })

  it('says which rule to change when an image rule of the file causes the collision (an added rule could not outrank it)', () => {
    const images = [image('bitnami/redis:7', 'base', at('a', 1)), image('redis:7', 'base', at('b', 1))]
    const text = 'rules:\n  - source: bitnami/redis:7\n    target: redis\n'
    const plan = mapInventory(inventoryOf(images), { registry: HARBOR, layout: 'preserve', config: config(text) })
    const suggestion = ofKind(plan, 'collision')[0]!.suggestion!
    expect(suggestion).toBe('Give each image its own target. Change the rule at .github/image-mirror.yml:2 (source: bitnami/redis:7) to target: bitnami/redis.')
    const fixed = mapInventory(inventoryOf(images), { registry: HARBOR, layout: 'preserve', config: config(text.replace('target: redis', 'target: bitnami/redis')) })
    expect(ofKind(fixed, 'collision')).toEqual([])
  })

  it('suggests moving bitnami/redis, not the official redis, under flat', () => {
    const plan = mapInventory(inventoryOf([image('bitnami/redis:7', 'base', at('a', 1)), image('redis:7', 'base', at('b', 1))]), { registry: ACR, layout: 'flat' })
    const suggestion = ofKind(plan, 'collision')[0]!.suggestion!
    expect(parse(splitSuggestion(suggestion).code)).toEqual({ rules: [{ source: 'bitnami/redis', target: 'bitnami-redis' }] })
    expect(suggestion.split('\n')[0]).toBe('Give each image its own target: create .github/image-mirror.yml with these rules:')
  })
})

describe('strict without a mapping file', () => {
  const project = (): Inventory =>
    inventoryOf([image('postgres:15-alpine', 'base', at('docker-compose.yml', 15)), image('quay.io/minio/minio:latest', 'base', at('docker-compose.yml', 35)), image('app:v1', 'service', at('docker-compose.yml', 3))])

  it('says strict needs a mapping file, and shows a starter file that makes the check pass', () => {
    const plan = mapInventory(project(), { registry: HARBOR, layout: 'library', strict: true })
    const unmapped = ofKind(plan, 'unmapped')
    expect(unmapped).toHaveLength(2)
    expect(unmapped[0]!.message).toContain('strict mapping requires one, and there is no mapping file (.github/image-mirror.yml)')
    expect(unmapped[0]!.message).not.toContain('no rule in .github/image-mirror.yml')
    const missingFile = ofKind(plan, 'invalid-config')
    expect(missingFile).toHaveLength(1)
    expect(missingFile[0]!.message).toMatch(/^strict: true needs a mapping file/)
    const starter = applySuggestion(undefined, missingFile[0]!.suggestion!)
    expect(parse(starter)).toEqual({
      strict: true,
      layout: 'library',
      rules: [
        { source: 'postgres', target: 'library/postgres' },
        { source: 'quay.io/minio/minio', target: 'minio/minio' }
      ]
    })
    const passing = mapInventory(project(), { registry: HARBOR, layout: 'library', strict: true, config: config(starter) })
    expect(passing.findings).toEqual([])
    expect(targets(passing)['docker.io/library/postgres:15-alpine']).toBe('aiharbor.msxf.local/aihpc/library/postgres:15-alpine')
  })

  it('says nothing of the kind when the mapping file exists', () => {
    const plan = mapInventory(project(), { registry: HARBOR, layout: 'library', config: config('strict: true\nrules:\n  - source: postgres\n    target: library/postgres\n') })
    expect(ofKind(plan, 'invalid-config')).toEqual([])
    expect(ofKind(plan, 'unmapped')[0]!.message).toContain('has no rule in .github/image-mirror.yml')
  })
})
