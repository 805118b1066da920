/**
 * The plain compose YAML reader (issue 14: scanning cost) must build what
 * `parseDocument` builds, or decline. Every case is checked both ways: the
 * nodes (values, sources, types, anchors, aliases, ranges) and the line
 * starts equal parseDocument's whenever the reader answers, and loading a
 * compose project gives the same services and findings whichever reader ran.
 */
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml'
import { loadComposeProject } from '../src/extract/compose.js'
import { mapEntries, MAX_MERGE_DEPTH, parseComposeYaml } from '../src/extract/compose-yaml.js'
import { scanPlainYaml } from '../src/extract/compose-yaml-scanner.js'

/**
 * What the compose stage can read of a node, for comparison. Comments are not
 * kept by the reader, and whole-line comments stretch the ends of parseDocument's
 * ranges: with comment lines in the file, ranges are compared by where they
 * start (and scalars by where their value ends).
 */
function dump(node: unknown, commentLines = false): unknown {
  const range = (value: unknown, isScalar: boolean): unknown => {
    const r = value as [number, number, number] | undefined
    if (r === undefined || !commentLines) return r
    return isScalar ? r.slice(0, 2) : r.slice(0, 1)
  }
  const inner = (child: unknown): unknown => dump(child, commentLines)
  if (node === null || node === undefined) return node
  if (isMap(node) || isSeq(node)) return { kind: isMap(node) ? 'map' : 'seq', range: range(node.range, false), anchor: node.anchor, tag: node.tag, flow: node.flow, items: node.items.map(inner) }
  if (isPair(node)) return { kind: 'pair', key: inner(node.key), value: inner(node.value) }
  if (isScalar(node)) return { kind: 'scalar', value: node.value, source: node.source, type: node.type, range: range(node.range, true), anchor: node.anchor, tag: node.tag, format: node.format }
  if (isAlias(node)) return { kind: 'alias', source: node.source, range: range(node.range, true), anchor: node.anchor }
  return { kind: 'unknown' }
}

const hasCommentLines = (text: string): boolean => /^[ ]*#/m.test(text)

function parsed(text: string): { doc: Document; lineStarts: number[] } {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false })
  return { doc, lineStarts: lineCounter.lineStarts }
}

function scanned(text: string): { doc: Document; lineStarts: number[] } | undefined {
  const lineCounter = new LineCounter()
  const doc = scanPlainYaml(text, lineCounter)
  return doc === undefined ? undefined : { doc, lineStarts: lineCounter.lineStarts }
}

const BENCH = [
  'name: app-0',
  'x-common: &common',
  '  restart: unless-stopped',
  'services:',
  '  svc-0:',
  '    <<: *common',
  '    image: registry.example.com/app-0/svc-0:${TAG:-1.0.0}',
  '    build: ./svc-0',
  '  db:',
  '    image: postgres:10-alpine',
  ''
].join('\n')

/** Files the reader builds itself. */
const PLAIN: Array<[string, string]> = [
  ['the bench file', BENCH],
  ['no trailing newline', 'services:\n  web:\n    image: nginx:1'],
  ['an empty file', ''],
  ['only comments and blank lines', '# nothing\n\n   # here\n'],
  ['comments everywhere', '# head\nservices: # the services\n  # before web\n  web:\n    image: redis:7 # pinned\n\n    build: .   #  here\n# tail\n'],
  ['quoted values', `services:\n  web:\n    image: "nginx:1.27"\n    platform: 'linux/arm64'\n    container_name: 'it''s'\n    hostname: ""\n`],
  ['interpolated image names', 'services:\n  web:\n    image: ${REGISTRY:-docker.io}/library/nginx:${TAG?tag is required}\n    build:\n      context: ${CTX:-.}\n      args:\n        BASE: $BASE\n'],
  ['empty values', 'services:\n  web:\n    image:\n    build:   \n  db:\nname:\n'],
  ['anchors and merge keys', 'x-base: &base\n  image: busybox:1\n  build: ./b\nx-img: &img alpine:3.20\nservices:\n  a:\n    <<: *base\n  b:\n    <<: *base\n    image: *img\n'],
  ['extends', 'services:\n  web:\n    extends:\n      file: common.yml\n      service: base\n  worker:\n    extends: web\n'],
  ['include, short and long', 'include:\n  - other/compose.yml\n  - path: ./lib/compose.yml\n    env_file: ./lib/.env\n    project_directory: ./lib\nservices: {}\n'.replace('services: {}\n', 'services:\n  web:\n    image: a\n')],
  ['a sequence at the key column', 'services:\n  web:\n    image: a\n    ports:\n    - 80:80\n    - "443:443"\n    environment:\n    - A=1\n'],
  ['a compact mapping in a sequence', 'services:\n  web:\n    image: a\n    build:\n      context: .\n      secrets:\n        - source: npmrc\n          target: /root/.npmrc\n        - plain\nsecrets:\n  npmrc:\n    file: ./npmrc\n'],
  ['aliases in a sequence', 'x-a: &a one\nlist:\n  - *a\n  - two\n'],
  ['top level indented', '  services:\n    web:\n      image: a\n'],
  ['deep indentation steps', 'services:\n    web:\n            image: a\n            build:\n             context: .\n'],
  ['keys with dots, slashes and odd characters', 'services:\n  web.v2/x_y-z:\n    image: a\n    labels:\n      com.example/key#1: v\n      "quoted": x\n'.replace('      "quoted": x\n', '      other: x#y\n')],
  ['duplicate keys (reported by the walk, not here)', 'services:\n  web:\n    image: a\n    image: b\n'],
  ['a top-level sequence', '- a\n- b\n'],
  ['values with colons, hashes and brackets inside', 'services:\n  web:\n    image: a:b@sha256:0123\n    command: sh -c echo#1 [x] {y}\n    entrypoint: a,b\n'],
  ['trailing spaces', 'services:   \n  web:  \n    image: a   \n'],
  ['a legacy version 1 file', 'web:\n  image: nginx\n  build: .\ndb:\n  image: postgres\n']
]

/** Files left to parseDocument. */
const DECLINED: Array<[string, string]> = [
  ['a flow mapping', 'services: {}\n'],
  ['a flow sequence', 'services:\n  web:\n    image: a\n    command: ["a", "b"]\n'],
  ['merge keys as a list', 'x-a: &a\n  image: a\nx-b: &b\n  build: .\nservices:\n  w:\n    <<: [*a, *b]\n'],
  ['a block scalar', 'services:\n  web:\n    build:\n      dockerfile_inline: |\n        FROM alpine\n'],
  ['!reset', 'services:\n  web:\n    build: !reset null\n'],
  ['!override', 'services:\n  web:\n    ports: !override\n      - 80:80\n'],
  ['a number', 'version: 3\nservices:\n  web:\n    image: a\n'],
  ['a boolean', 'services:\n  web:\n    image: a\n    privileged: true\n'],
  ['null written as a word', 'services:\n  web:\n    image: null\n'],
  ['a multi-line plain scalar', 'services:\n  web:\n    image: registry.example.com/\n      app:1\n'],
  ['a multi-line quoted scalar', 'services:\n  web:\n    image: "a\n      b"\n'],
  ['escapes in double quotes', 'services:\n  web:\n    image: "a\\tb"\n'],
  ['a tab', 'services:\n\tweb:\n    image: a\n'],
  ['CRLF line ends', 'services:\r\n  web:\r\n    image: a\r\n'],
  ['a document marker', '---\nservices:\n  web:\n    image: a\n'],
  ['a directive', '%YAML 1.2\n---\nservices: {}\n'],
  ['a complex key', '? services\n: web\n'],
  ['a quoted key', 'services:\n  "web":\n    image: a\n'],
  ['a nested sequence', 'a:\n  - - b\n'],
  ['an anchor on an empty value', 'a: &x\nb: *x\n'],
  ['an anchor in a sequence item', 'a:\n  - &x b\n'],
  ['bad indentation', 'services:\n  web:\n    image: a\n   build: .\n'],
  ['a mapping in a scalar value line', 'services:\n  web: image: a\n'],
  ['a byte order mark', '\ufeffservices:\n  web:\n    image: a\n'],
  ['a numeric key', 'services:\n  8080:\n    image: a\n'],
  ['a top-level scalar', 'just-a-string\n'],
  ['a comment with no blank before it', 'services:\n  web:\n    image: "a"#c\n']
]

describe('the plain compose YAML reader', () => {
  it.each(PLAIN)('builds %s as parseDocument does', (_name, text) => {
    const fast = scanned(text)
    expect(fast).toBeDefined()
    const slow = parsed(text)
    expect(slow.doc.errors).toEqual([])
    const comments = hasCommentLines(text)
    expect(dump(fast?.doc.contents, comments)).toEqual(dump(slow.doc.contents, comments))
    expect(fast?.lineStarts).toEqual(slow.lineStarts)
  })

  it.each(DECLINED)('leaves %s to parseDocument', (_name, text) => {
    expect(scanned(text)).toBeUndefined()
    const viaCompose = parseComposeYaml(text)
    const slow = parsed(text)
    expect(dump(viaCompose.doc.contents)).toEqual(dump(slow.doc.contents))
    expect(viaCompose.doc.errors.map(error => error.code)).toEqual(slow.doc.errors.map(error => error.code))
  })

  it('leaves a stream of documents to the parser, which keeps each document with content (compose reads them in order)', () => {
    const text = 'services: {}\n---\n# only a comment\n---\nservices:\n  web:\n    image: a\n'
    expect(scanned(text)).toBeUndefined()
    const { doc, more } = parseComposeYaml(text)
    expect([doc.errors, doc.toJS(), more.map(other => other.toJS())]).toEqual([[], { services: {} }, [{ services: { web: { image: 'a' } } }]])
  })

  it('reads a 200k-key mapping in one pass, and leaves absurd nesting to parseDocument', () => {
    const keys = Array.from({ length: 200_000 }, (_, i) => `k${i}: v${i}`).join('\n')
    const started = Date.now()
    const doc = scanPlainYaml(`services:\n  web:\n    labels:\n${keys.replace(/^/gm, '      ')}\n`, new LineCounter())
    expect(Date.now() - started).toBeLessThan(20_000)
    expect(isMap(doc?.contents)).toBe(true)
    const nested = Array.from({ length: 200 }, (_, depth) => `${' '.repeat(depth)}k${depth}:`).join('\n') + ' v\n'
    expect(scanPlainYaml(nested, new LineCounter())).toBeUndefined()
  })

  it('still reports duplicate keys at the second key, as before', () => {
    const { doc, lineCounter } = parseComposeYaml('services:\n  web:\n    image: a\n    image: b\n')
    expect(doc.errors.map(error => [error.code, lineCounter.linePos(error.pos[0]).line])).toEqual([['DUPLICATE_KEY', 4]])
  })

  const fixtures = ['fixtures', 'examples'].flatMap(dir =>
    fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true }) as string[]).filter(file => /compose.*\.ya?ml/.test(path.basename(file))).map(file => path.join(dir, file)) : []
  )
  it('builds every compose file of the fixtures as parseDocument does, or declines', () => {
    expect(fixtures.length).toBeGreaterThan(0)
    for (const file of fixtures) {
      const text = fs.readFileSync(file, 'utf8')
      const fast = scanned(text)
      const comments = hasCommentLines(text)
      if (fast !== undefined) expect([file, dump(fast.doc.contents, comments), fast.lineStarts]).toEqual([file, dump(parsed(text).doc.contents, comments), parsed(text).lineStarts])
    }
  })
})

describe('mapEntries on mappings without merge keys', () => {
  /** `m0` merges `m1`, which merges `m2`, … down to `m<depth>`, which has no merge key. */
  const chain = (depth: number): string =>
    Array.from({ length: depth + 1 }, (_, i) => `m${i}: &m${i}\n  k${i}: v${i}${i < depth ? `\n  <<: *m${i + 1}` : ''}`)
      .reverse()
      .join('\n') + '\n'
  it.each([
    [MAX_MERGE_DEPTH - 1, []],
    [MAX_MERGE_DEPTH, [`merge keys (<<) nest more than ${MAX_MERGE_DEPTH} mappings deep; the deeper ones are not merged`]]
  ])('still stops at the depth limit, a leaf %i mappings deep included', (depth, expected) => {
    const { doc } = parseComposeYaml(chain(depth as number))
    const problems: string[] = []
    const top = mapEntries(doc.contents, doc)
    const entries = mapEntries(top?.get('m0')?.value, doc, message => problems.push(message))
    expect(problems).toEqual(expected)
    expect(entries?.has(`k${depth as number}`)).toBe((expected as string[]).length === 0)
  })
})

describe('the plain reader on generated files', () => {
  /** Lines combined by a seeded generator (the same files on every run), at random indentation. */
  const LINES = [
    'services:', 'web:', 'image: nginx:1', 'image: ${A:-b}', 'build: .', 'build:', 'context: ./x', '<<: *base', 'x-base: &base', 'x-img: &img a:1', 'image: *img',
    '- item', '- 80:80', '- key: value', '- *img', 'extends: web', 'file: a.yml', "name: 'q''s'", 'name: "dq"', 'empty:', '# comment', '', 'k: v # c', 'k: v#v',
    'version: 3', 'a: [x]', 'b: |', 'c: !reset', 'd: "x\\ty"', 'e: x: y', 'f: -x', '- - x', 'g: &a', '"h": i'
  ]
  let seed = 14
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed / 2147483648
  }
  const files = Array.from({ length: 2000 }, () => {
    const count = 1 + Math.floor(next() * 8)
    return Array.from({ length: count }, () => ' '.repeat(2 * Math.floor(next() * 3)) + (LINES[Math.floor(next() * LINES.length)] as string)).join('\n') + (next() < 0.8 ? '\n' : '')
  })

  it('builds each generated file as parseDocument does, or declines, and builds many of them', () => {
    let built = 0
    for (const text of files) {
      const fast = scanned(text)
      if (fast === undefined) continue
      const slow = parsed(text)
      // A file parseDocument rejects must not be read by the plain reader.
      expect([text, slow.doc.errors.map(error => error.code)]).toEqual([text, []])
      const comments = hasCommentLines(text)
      expect([text, dump(fast.doc.contents, comments), fast.lineStarts]).toEqual([text, dump(slow.doc.contents, comments), slow.lineStarts])
      built += 1
    }
    expect(built).toBeGreaterThan(200)
  })
})

describe('loading a compose project is the same whichever reader ran', () => {
  const project: Record<string, string> = {
    'compose.yml': BENCH.replace('name: app-0\n', 'name: app-0\ninclude:\n  - path: lib/compose.yml\n'),
    'lib/compose.yml': 'x-b: &b\n  image: redis:${REDIS:-7}\nservices:\n  cache:\n    <<: *b\n  base:\n    image: example.org/base:1\n  child:\n    extends: base\n',
    'compose.override.yml': 'services:\n  db:\n    image: postgres:16\n  web:\n    extends:\n      file: lib/compose.yml\n      service: base\n',
    '.env': 'TAG=2.0\n'
  }
  // A trailing comment line with a tab: the same YAML on the same lines, which the plain reader declines.
  const slowly = (text: string): string => `${text}${text.endsWith('\n') || text === '' ? '' : '\n'}#\t\n`
  it('gives the same services and findings', () => {
    const load = (transform: (text: string) => string) =>
      loadComposeProject(['compose.yml', 'compose.override.yml'], { env: {}, envFiles: [], readFile: file => (file in project ? transform(project[file] as string) : undefined) })
    const fast = load(text => text)
    const slow = load(text => (text.includes('services') ? slowly(text) : text))
    expect(fast.services.length).toBeGreaterThan(3)
    expect(fast.services).toEqual(slow.services)
    expect(fast.findings).toEqual(slow.findings)
    expect(fast.name).toEqual(slow.name)
  })
})
