/**
 * Issue 9, bounded work: hostile compose files and variables cost time linear
 * in their size, and every limit hit is a finding, never a stack overflow or a
 * hang that loses the report. No timed assertions: jest's timeout is the bound,
 * the assertions are about correctness.
 */
import { describe, expect, it } from '@jest/globals'
import { loadComposeProject, type ComposeProject } from '../src/extract/compose.js'
import { deref, mapEntries, MAX_MERGE_DEPTH, MAX_MERGED_ENTRIES, parseComposeYaml } from '../src/extract/compose-yaml.js'
import { MAX_NESTING_DEPTH } from '../src/extract/interpolate.js'

function load(files: Record<string, string>, env: Record<string, string> = {}): ComposeProject {
  const tree = new Map(Object.entries(files))
  return loadComposeProject(['compose.yml'], { env, envFiles: [], readFile: file => tree.get(file) })
}

/** A compose file with one service and a top-level extension of `keys` keys (2.4 MB at 200k keys). */
function manyKeys(keys: number, duplicate = false): string {
  const parts = ['services:', '  web:', '    image: redis:7', 'x-big:']
  for (let i = 0; i < keys; i += 1) parts.push(`  key${i}: value-${i}`)
  if (duplicate) parts.push('  key7: again')
  return parts.join('\n') + '\n'
}

describe('YAML of many keys parses in linear time', () => {
  it('parses 200k keys of one mapping, and still finds a duplicate key at its line', () => {
    const text = manyKeys(200_000, true)
    expect(text.length).toBeGreaterThan(2_400_000)
    const { doc, lineCounter } = parseComposeYaml(text)
    expect(doc.errors).toHaveLength(1)
    expect(doc.errors[0]).toMatchObject({ code: 'DUPLICATE_KEY', message: 'Map keys must be unique' })
    expect(lineCounter.linePos(doc.errors[0]?.pos[0] ?? 0).line).toBe(200_005)
  })

  it('reads every key of a 200k-key mapping through mapEntries', () => {
    const { doc } = parseComposeYaml(manyKeys(200_000))
    expect(doc.errors).toEqual([])
    const top = mapEntries(doc.contents, doc)
    const big = mapEntries(top?.get('x-big')?.value, doc)
    expect(big?.size).toBe(200_000)
    expect(String(deref(big?.get('key199999')?.value, doc))).toBe('value-199999')
  })

  it.each<[string, string, number]>([
    ['a duplicate service', 'services:\n  web:\n    image: a\n  web:\n    image: b\n', 4],
    ['a duplicate key in a service', 'services:\n  web:\n    image: a\n    image: b\n', 4],
    ['a duplicate key in a flow mapping', 'services: {web: {image: a, image: b}}\n', 1],
    ['a repeated merge key (go-yaml v3 rejects it too)', 'a: &a {x: 1}\nb: &b {y: 2}\nc:\n  <<: *a\n  <<: *b\n', 5]
  ])('reports %s as compose does', (_name, text, line) => {
    const { doc, lineCounter } = parseComposeYaml(text)
    expect(doc.errors.map(error => [error.code, lineCounter.linePos(error.pos[0]).line])).toEqual([['DUPLICATE_KEY', line]])
  })

  it.each<[string, string]>([
    ['several merges in one merge key', 'a: &a {x: 1}\nb: &b {y: 2}\nc:\n  <<: [*a, *b]\n  z: 3\n'],
    ['a string and a number that look alike', 'a:\n  1: one\n  "1": string\n'],
    ['the same key in different mappings', 'a: {k: 1}\nb: {k: 2}\n']
  ])('does not report %s', (_name, text) => {
    expect(parseComposeYaml(text).doc.errors).toEqual([])
  })

  // Through the loader, which must parse with parseComposeYaml: 50k keys took a minute with the yaml package's own check.
  it('loads a compose project of 50k keys', () => {
    const project = load({ 'compose.yml': manyKeys(50_000) })
    expect(project.findings).toEqual([])
    expect(project.services.map(service => service.image?.text)).toEqual(['redis:7'])
  })
})

describe('aliases and merge keys are bounded', () => {
  it('resolves 100k aliases with one walk of the document', () => {
    const parts = ['x-arg: &arg VERSION=1', 'services:', '  web:', '    build:', '      context: .', '      args:']
    for (let i = 0; i < 100_000; i += 1) parts.push('        - *arg')
    const project = load({ 'compose.yml': parts.join('\n') + '\n' })
    expect(project.findings).toEqual([])
    expect(project.services[0]?.build?.args).toEqual({ VERSION: '1' })
  })

  it('loads a billion-laughs document without expanding it', () => {
    const parts = ['x-0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]']
    for (let level = 1; level <= 9; level += 1) parts.push(`x-${level}: &l${level} [${Array.from({ length: 10 }, () => `*l${level - 1}`).join(', ')}]`)
    parts.push('services:', '  web:', '    image: redis:7', '    command: *l9')
    const project = load({ 'compose.yml': parts.join('\n') + '\n' })
    expect(project.findings).toEqual([])
    expect(project.services.map(service => service.image?.text)).toEqual(['redis:7'])
  })

  it('stops merging when merge keys copy too many entries, with a finding', () => {
    // 150 services each merging 1000 copies of a 1000-key anchor: 1.5e8 copies unbounded.
    const keys = Array.from({ length: 1000 }, (_, i) => `k${i}: v`).join(', ')
    const aliases = Array.from({ length: 1000 }, () => '*base').join(', ')
    const parts = [`x-base: &base {${keys}}`, 'services:']
    for (let i = 0; i < 150; i += 1) parts.push(`  s${i}:`, `    image: redis:${i}`, `    <<: [${aliases}]`)
    const project = load({ 'compose.yml': parts.join('\n') + '\n' })
    expect(project.services).toHaveLength(150)
    expect(project.services[149]?.image?.text).toBe('redis:149')
    expect(project.findings).toEqual([
      expect.objectContaining({ kind: 'invalid-file', severity: 'error', file: 'compose.yml', message: expect.stringContaining(`copy more than ${MAX_MERGED_ENTRIES} entries`) })
    ])
  })

  it(`stops following merge keys nested more than ${MAX_MERGE_DEPTH} deep, with a finding`, () => {
    const depth = 5000
    const parts = ['x-0: &m0 {image: redis:7}']
    for (let level = 1; level <= depth; level += 1) parts.push(`x-${level}: &m${level} {<<: *m${level - 1}, l${level}: x}`)
    parts.push('services:', '  web:', `    <<: *m${depth}`)
    const { doc } = parseComposeYaml(parts.join('\n') + '\n')
    const problems: string[] = []
    const services = mapEntries(mapEntries(doc.contents, doc)?.get('services')?.value, doc)
    const web = mapEntries(services?.get('web')?.value, doc, message => problems.push(message))
    expect(web?.has('l5000')).toBe(true)
    expect(problems).toEqual([expect.stringContaining(`nest more than ${MAX_MERGE_DEPTH} mappings deep`)])
  })

  it('reports absurdly nested YAML as an invalid file', () => {
    const depth = 50_000
    const project = load({ 'compose.yml': `services:\n  web:\n    image: redis:7\n    labels: ${'['.repeat(depth)}${']'.repeat(depth)}\n` })
    expect(project.findings).toEqual([expect.objectContaining({ kind: 'invalid-file', severity: 'error', message: expect.stringContaining('Invalid YAML') })])
  })
})

describe('interpolation depth is bounded', () => {
  it('reports a default nested thousands deep as a finding on its line, not a stack overflow', () => {
    const depth = 20_000
    const image = 'redis:${A:-'.repeat(1) + '${A:-'.repeat(depth) + '7' + '}'.repeat(depth + 1)
    const project = load({ 'compose.yml': `services:\n  web:\n    image: "${image}"\n  db:\n    image: postgres:16\n` })
    expect(project.services.map(service => service.image?.text)).toContain('postgres:16')
    expect(project.findings).toEqual([expect.objectContaining({ line: 3, message: expect.stringContaining(`nested more than ${MAX_NESTING_DEPTH} levels deep`) })])
  })

  it('expands nesting within the limit', () => {
    const image = 'redis:' + '${A:-'.repeat(10) + '7' + '}'.repeat(10)
    const project = load({ 'compose.yml': `services:\n  web:\n    image: "${image}"\n` })
    expect(project.findings).toEqual([])
    expect(project.services[0]?.image?.text).toBe('redis:7')
  })
})
