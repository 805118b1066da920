import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { loadMappingConfig, parseMappingConfig, parseSourcePattern, parseTargetPattern, writtenParts } from '../src/map/config.js'

const FILE = '.github/image-mirror.yml'

describe('parseMappingConfig reads a valid file', () => {
  it('reads every key of the schema', () => {
    const { config, findings } = parseMappingConfig(
      `# mirror settings
strict: true
layout: flat
flat-separator: "-"
rules:
  - source: postgres
    target: library/postgres
  - source: node:18-alpine
    tag: 18.20-alpine
  - source: ghcr.io/acme/*
    target: mirror/acme/*
    tags:
      "1.2": 1.2.0
      1.10: "1.10.1"
  - source: busybox
    exclude: true
  - source: quay.io/minio/minio
    target: harbor2.example.com/minio/minio:stable
tag-policy:
  disallow-latest: true
  require-digest: false
  allowed:
    golang: ">=1.24 <2"
    node: 22
`,
      FILE
    )
    expect(findings).toEqual([])
    expect(config).toEqual({
      file: FILE,
      strict: true,
      layout: 'flat',
      flatSeparator: '-',
      rules: [
        { line: 6, sourceText: 'postgres', source: { kind: 'repository', registry: 'docker.io', repository: 'library/postgres' }, target: { text: 'library/postgres', absolute: false }, exclude: false },
        {
          line: 8,
          sourceText: 'node:18-alpine',
          source: { kind: 'image', ref: { registry: 'docker.io', repository: 'library/node', tag: '18-alpine' } },
          tag: '18.20-alpine',
          exclude: false
        },
        {
          line: 10,
          sourceText: 'ghcr.io/acme/*',
          source: { kind: 'prefix', registry: 'ghcr.io', path: ['acme'] },
          target: { text: 'mirror/acme/*', absolute: false },
          tags: { '1.2': '1.2.0', '1.10': '1.10.1' },
          exclude: false
        },
        { line: 15, sourceText: 'busybox', source: { kind: 'repository', registry: 'docker.io', repository: 'library/busybox' }, exclude: true },
        {
          line: 17,
          sourceText: 'quay.io/minio/minio',
          source: { kind: 'repository', registry: 'quay.io', repository: 'minio/minio' },
          target: { text: 'harbor2.example.com/minio/minio:stable', absolute: true, tag: 'stable' },
          exclude: false
        }
      ],
      tagPolicy: {
        disallowLatest: true,
        requireDigest: false,
        allowed: [
          { line: 23, sourceText: 'golang', source: { kind: 'repository', registry: 'docker.io', repository: 'library/golang' }, range: '>=1.24 <2' },
          { line: 24, sourceText: 'node', source: { kind: 'repository', registry: 'docker.io', repository: 'library/node' }, range: '22' }
        ]
      }
    })
  })

  it.each([
    ['an empty file', ''],
    ['only comments', '# nothing yet\n'],
    ['empty sections', 'rules:\ntag-policy:\n'],
    ['an empty list of rules', 'rules: []\n']
  ])('gives the defaults for %s', (_name, text) => {
    expect(parseMappingConfig(text, FILE)).toEqual({
      config: { file: FILE, rules: [], tagPolicy: { disallowLatest: false, requireDigest: false, allowed: [] } },
      findings: []
    })
  })

  it('follows YAML anchors and aliases', () => {
    const { config, findings } = parseMappingConfig('x: &t library/postgres\n', FILE)
    expect(findings).toHaveLength(1)
    expect(config.rules).toEqual([])
    const aliased = parseMappingConfig('rules:\n  - source: postgres\n    target: &t library/postgres\n  - source: postgres:13\n    target: *t\n', FILE)
    expect(aliased.findings).toEqual([])
    expect(aliased.config.rules.map(rule => rule.target?.text)).toEqual(['library/postgres', 'library/postgres'])
  })
})

describe('parseMappingConfig rejects a bad file with the key, file and line', () => {
  it.each([
    ['an unknown top-level key', 'strict: true\nlayuot: flat\n', 2, "Unknown key 'layuot' (did you mean 'layout'?): expected strict, layout, flat-separator, rules, tag-policy"],
    ['an unknown rule key', 'rules:\n  - source: postgres\n    traget: library/postgres\n', 3, "Unknown key 'rules[0].traget' (did you mean 'target'?)"],
    ['an unknown tag-policy key', 'tag-policy:\n  disallow_latest: true\n', 2, "Unknown key 'tag-policy.disallow_latest' (did you mean 'disallow-latest'?)"],
    ['a key with no close match', 'mirrors: []\n', 1, "Unknown key 'mirrors': expected"],
    ['strict as a string', 'strict: "true"\n', 1, "strict must be true or false, not the string 'true'"],
    ['strict as yes', 'strict: yes\n', 1, 'strict must be true or false, not the string \'yes\' (YAML 1.2 reads yes/no/on/off as strings)'],
    ['exclude as a number', 'rules:\n  - source: busybox\n    exclude: 1\n', 3, 'rules[0].exclude must be true or false, not the number 1'],
    ['rules as a map', 'rules:\n  source: postgres\n', 2, 'rules must be a list of rules (- source: …), not a map'],
    ['a rule as a string', 'rules:\n  - postgres\n', 2, "rules[0] must be a map with source and target, tag, tags or exclude, not the string 'postgres'"],
    ['a rule without source', 'rules:\n  - target: library/postgres\n', 2, 'rules[0] has no source'],
    ['a source as a list', 'rules:\n  - source: [postgres]\n', 2, 'rules[0].source must be a non-empty string, not a list'],
    ['a layout that does not exist', 'layout: flatt\n', 1, "layout 'flatt' is not a layout: expected preserve, library, flat"],
    ['a flat-separator not allowed in names', 'flat-separator: "/"\n', 1, "flat-separator '/' is not allowed"],
    ['a wildcard in the middle', 'rules:\n  - source: ghcr.io/*/tool\n    target: x/*\n', 2, "rules[0].source: 'ghcr.io/*/tool' is not a valid wildcard"],
    ['a wildcard inside a component', 'rules:\n  - source: ghcr.io/acme/tool-*\n', 2, "'ghcr.io/acme/tool-*' is not a valid wildcard: '*' may only be the whole last path component"],
    ['a bare wildcard', 'rules:\n  - source: "*"\n', 2, "'*' is not a valid wildcard"],
    ['a tag before the wildcard', 'rules:\n  - source: ghcr.io/acme:1/*\n    target: a/*\n', 2, "rules[0].source: 'ghcr.io/acme:1/*' is not a valid prefix"],
    ['a wildcard target for a non-wildcard source', 'rules:\n  - source: postgres\n    target: db/*\n', 2, "rules[0].target 'db/*' has a '*' but the source 'postgres' is not a prefix/*"],
    ['a wildcard source with a fixed target', 'rules:\n  - source: ghcr.io/acme/*\n    target: mirror/acme\n', 2, "rules[0].target 'mirror/acme' has no '*'"],
    ['two wildcards in a target', 'rules:\n  - source: ghcr.io/acme/*\n    target: "*/*"\n', 3, "has more than one '*'"],
    ['a digest in a target', `rules:\n  - source: postgres\n    target: db/postgres@sha256:${'a'.repeat(64)}\n`, 3, 'a push can only set a tag'],
    ['an upper-case target', 'rules:\n  - source: postgres\n    target: DB/Postgres\n', 3, "rules[0].target: 'DB/Postgres' is not a valid target"],
    ['an invalid source', 'rules:\n  - source: Postgres\n', 2, "rules[0].source: 'Postgres' is not an image reference: repository names must be lowercase"],
    ['exclude with a target', 'rules:\n  - source: busybox\n    exclude: true\n    target: x/busybox\n', 2, 'has exclude: true with target, tag or tags'],
    ['tag with tags', 'rules:\n  - source: node\n    tag: "1"\n    tags: { "2": "3" }\n', 2, 'has both tag and tags'],
    ['a tag in target and in tag', 'rules:\n  - source: node\n    target: x/node:1\n    tag: "2"\n', 2, 'sets the tag twice'],
    ['an invalid tag', 'rules:\n  - source: node\n    tag: -bad\n', 3, "rules[0].tag '-bad' is not a valid tag"],
    ['tags as a list', 'rules:\n  - source: node\n    tags: [a, b]\n', 3, 'rules[0].tags must be a map of source tag: target tag'],
    ['an invalid tags value', 'rules:\n  - source: node\n    tags:\n      "18": "a b"\n', 4, "rules[0].tags.18 'a b' is not a valid tag"],
    ['a range that is not semver', 'tag-policy:\n  allowed:\n    golang: newest\n', 3, "tag-policy.allowed.golang: 'newest' is not a semver range"],
    ['a range on a tagged image', 'tag-policy:\n  allowed:\n    golang:1.24: ">=1"\n', 3, 'a range covers every tag of a repository'],
    ['allowed as a list', 'tag-policy:\n  allowed: [golang]\n', 2, 'tag-policy.allowed must be a map of repository: semver range'],
    ['a top level that is a list', '- source: postgres\n', 1, 'The mapping file must be a map'],
    ['a YAML syntax error', 'rules:\n  - source: postgres\n    target: [a\nlayout: flat\n', 4, '(YAML syntax)'],
    ['a duplicate key', 'layout: flat\nlayout: library\n', 2, 'Map keys must be unique']
  ])('%s', (_name, text, line, message) => {
    const { findings } = parseMappingConfig(text, FILE)
    expect(findings.length).toBeGreaterThanOrEqual(1)
    expect(findings[0]).toMatchObject({ kind: 'invalid-config', severity: 'error', file: FILE, line })
    expect(findings[0]!.message).toContain(`${FILE}:${line}: `)
    expect(findings[0]!.message).toContain(message)
  })

  it('keeps the valid rules next to a broken one', () => {
    const { config, findings } = parseMappingConfig('rules:\n  - source: postgres\n  - source: ghcr.io/*/x\n  - source: redis\n    exclude: true\n', FILE)
    expect(findings).toHaveLength(1)
    expect(config.rules.map(rule => rule.sourceText)).toEqual(['postgres', 'redis'])
  })

  it('reports every problem, not only the first', () => {
    const { findings } = parseMappingConfig('strict: maybe\nlayout: diagonal\nextra: 1\nrules:\n  - source: "a b"\n', FILE)
    expect(findings.map(finding => finding.line)).toEqual([1, 2, 3, 5])
  })
})

describe('rule patterns', () => {
  it.each([
    ['postgres', { kind: 'repository', registry: 'docker.io', repository: 'library/postgres' }],
    ['docker.io/library/postgres', { kind: 'repository', registry: 'docker.io', repository: 'library/postgres' }],
    ['postgres:latest', { kind: 'image', ref: { registry: 'docker.io', repository: 'library/postgres', tag: 'latest' } }],
    [`postgres@sha256:${'c'.repeat(64)}`, { kind: 'image', ref: { registry: 'docker.io', repository: 'library/postgres', digest: `sha256:${'c'.repeat(64)}` } }],
    ['bitnami/*', { kind: 'prefix', registry: 'docker.io', path: ['bitnami'] }],
    ['docker.io/bitnami/*', { kind: 'prefix', registry: 'docker.io', path: ['bitnami'] }],
    ['docker.io/library/*', { kind: 'prefix', registry: 'docker.io', path: ['library'] }],
    ['ghcr.io/*', { kind: 'prefix', registry: 'ghcr.io', path: [] }],
    ['localhost:5000/team/*', { kind: 'prefix', registry: 'localhost:5000', path: ['team'] }]
  ])('source %s', (text, pattern) => {
    expect(parseSourcePattern(text)).toEqual({ pattern })
  })

  it.each([
    ['library/postgres', false, undefined],
    ['mirror/acme/*', false, undefined],
    ['*', false, undefined],
    ['db/postgres:16', false, '16'],
    ['harbor2.example.com/minio', true, undefined],
    ['harbor2.example.com/*', true, undefined],
    ['localhost:5000/x:1', true, '1'],
    ['docker.io/acme/postgres', true, undefined]
  ])('target %s (absolute %s, tag %s)', (text, absolute, tag) => {
    expect(parseTargetPattern(text)).toEqual({ pattern: { text, absolute, ...(tag !== undefined && { tag }) } })
  })

  it.each([
    ['postgres', {}],
    ['postgres:latest', { tag: 'latest' }],
    ['localhost:5000/app', {}],
    ['localhost:5000/app:2', { tag: '2' }],
    [`app@sha256:${'d'.repeat(64)}`, { digest: `sha256:${'d'.repeat(64)}` }]
  ])('tells a written tag or digest in %s', (text, parts) => {
    expect(writtenParts(text)).toEqual(parts)
  })
})

describe('loadMappingConfig', () => {
  it('reads the file and names it by its display path', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mapping-config-'))
    try {
      const file = path.join(dir, 'image-mirror.yml')
      fs.writeFileSync(file, 'layout: library\nrules:\n  - source: postgres\n    tagg: x\n')
      const { config, findings } = loadMappingConfig(file, FILE)
      expect(config.layout).toBe('library')
      expect(findings).toEqual([
        expect.objectContaining({ kind: 'invalid-config', file: FILE, line: 4, message: expect.stringContaining("Unknown key 'rules[0].tagg' (did you mean 'tag'?)") })
      ])
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('turns a missing file into an invalid-config finding', () => {
    const { config, findings } = loadMappingConfig(path.join(os.tmpdir(), 'does-not-exist-image-mirror.yml'), FILE)
    expect(config.rules).toEqual([])
    expect(findings).toEqual([expect.objectContaining({ kind: 'invalid-config', severity: 'error', file: FILE, message: expect.stringContaining(`Cannot read the mapping file ${FILE}`) })])
  })
})
