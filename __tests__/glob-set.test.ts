/**
 * Discovery matches names with one regular expression per pattern list and,
 * with name patterns only, never builds the path of a file it does not want
 * (issue 14: scanning cost). Both must give what matching pattern by pattern gives.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { DEFAULT_COMPOSE_PATTERNS, DEFAULT_DOCKERFILE_PATTERNS, discoverFiles } from '../src/discover/discover.js'
import { compileGlob, compileGlobSet, matchesAny } from '../src/discover/glob.js'

const PATTERN_LISTS: string[][] = [
  DEFAULT_COMPOSE_PATTERNS,
  DEFAULT_DOCKERFILE_PATTERNS,
  ['services/*/compose.yml', 'Dockerfile'],
  ['**/{docs,tools}/**', 'deploy/**', 'a/*'],
  ['**/a*a*a*b', 'x*y*z', 'Dockerfile.[!a-c]', 'file[]]x', 'a+b(c).yml', 'x$^|y.yml'],
  ['{a,b/{c,d}}/Dockerfile', 'compose{,.prod}.yml', 'Dockerfile.?'],
  []
]

const PATHS = [
  'Dockerfile', 'src/api/Dockerfile', 'Dockerfile.dev', 'x/Dockerfile.prod', 'api.Dockerfile', 'web.dockerfile', 'Containerfile', 'Containerfile.x',
  'compose.yml', 'a/compose.yaml', 'docker-compose.yml', 'docker-compose.prod.yml', 'compose.override.yaml', 'compose.yml.tpl', 'services/api/compose.yml',
  'services/a/b/compose.yml', 'docs/a.md', 'x/tools/y/Dockerfile', 'tools/Dockerfile', 'deploy/compose.yml', 'deployx/a', 'a/b', 'a/b/c', 'aaab', 'q/aXaYb',
  'xyz', 'x/y/z', 'Dockerfile.d', 'Dockerfile.a', 'file]x', 'a+b(c).yml', 'x$^|y.yml', 'b/c/Dockerfile', 'b/Dockerfile', 'compose.prod.yml', 'Dockerfile.q',
  'Dockerfile.ab', `${'x/'.repeat(40)}${'a'.repeat(200)}b`, '.hidden/compose.yml', 'src/pkg-1/file-1.ts'
]

describe('a glob set', () => {
  it.each(PATTERN_LISTS.map(list => [list.join(' '), list] as const))('matches as its patterns one by one do: %s', (_name, patterns) => {
    const set = compileGlobSet(patterns)
    const one = patterns.map(compileGlob)
    for (const file of PATHS) expect([file, set.matches(file)]).toEqual([file, matchesAny(one, file)])
    expect(set.byNameOnly).toBe(patterns.every(pattern => !pattern.replace(/^\.\//, '').replace(/\/+$/, '').includes('/')))
  })
})

describe('discovery by name', () => {
  let root: string
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'im-globset-'))
    const files = [
      'compose.yml', 'compose.override.yml', 'docker-compose.prod.yml.tpl', 'Dockerfile', 'Dockerfile.dockerignore', 'x.dockerignore', 'app/Dockerfile.web',
      'app/api.Dockerfile', 'app/Dockerfile.tpl', 'app/.tpl', 'app/notes.md', 'deep/a/b/c/Containerfile', 'deep/a/b/c/compose.yaml', 'src/index.ts'
    ]
    for (const file of files) {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true })
      fs.writeFileSync(path.join(root, file), 'FROM a\n')
    }
    fs.symlinkSync('app', path.join(root, 'app-link'))
    fs.symlinkSync('Dockerfile', path.join(root, 'Dockerfile.link'))
  })
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

  it('finds what the path route finds (an exclude that matches nothing takes it)', () => {
    const byName = discoverFiles(root, { composePatterns: [], dockerfilePatterns: [], exclude: [] })
    const byPath = discoverFiles(root, { composePatterns: [], dockerfilePatterns: [], exclude: ['nothing/here/**'] })
    expect(byName).toEqual(byPath)
    expect(byName.composeFiles).toEqual(['compose.override.yml', 'compose.yml', 'deep/a/b/c/compose.yaml', 'docker-compose.prod.yml.tpl'])
    expect(byName.dockerfiles).toEqual(['Dockerfile', 'Dockerfile.link', 'app/Dockerfile.tpl', 'app/Dockerfile.web', 'app/api.Dockerfile', 'deep/a/b/c/Containerfile'])
  })
})
