/**
 * Issue 9, confinement: nothing outside the scanned directory is read, symlinks
 * included; only regular files are read, under a size cap. The hostile trees
 * (symlinks, FIFOs, /dev/zero links, sparse files) are made in a temp dir.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { discoverFiles, groupComposeProjects } from '../src/discover/discover.js'
import { confinedReader, MAX_REPOSITORY_FILE_BYTES, readRepositoryFile, RepositoryFileError } from '../src/extract/files.js'
import { buildInventory } from '../src/extract/inventory.js'

/** Text that lives outside the scanned root: it must never appear in any result. */
const OUTSIDE = 'OUTSIDE-THE-ROOT-s3cr3t'

let base: string
let root: string
let outside: string

const write = (file: string, text: string): void => {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, text)
}

beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'im-confine-'))
  root = path.join(base, 'repo')
  outside = path.join(base, 'elsewhere')
  write(path.join(outside, 'secrets.env'), `TAG=${OUTSIDE}\n`)
  write(path.join(outside, 'compose.yml'), `services:\n  leak:\n    image: example.org/${OUTSIDE.toLowerCase()}:1\n`)
  write(path.join(outside, 'Dockerfile'), `FROM example.org/${OUTSIDE.toLowerCase()}:1\n`)
  write(path.join(outside, 'deep', 'compose.yml'), `services:\n  leak:\n    image: example.org/${OUTSIDE.toLowerCase()}:2\n`)
  fs.mkdirSync(root, { recursive: true })
  write(path.join(root, 'inside.txt'), 'inside\n')
  write(path.join(root, 'sub', 'real.env'), 'A=1\n')
  fs.symlinkSync('sub/real.env', path.join(root, 'inside-link.env'))
  fs.symlinkSync(path.join(outside, 'secrets.env'), path.join(root, 'outside-link.env'))
  fs.symlinkSync('../elsewhere', path.join(root, 'escape'))
  fs.symlinkSync('/dev/zero', path.join(root, 'zero.env'))
  execFileSync('mkfifo', [path.join(root, 'fifo.env')])
  // A sparse file just over the cap: no disk is used, and nothing should read it.
  const big = fs.openSync(path.join(root, 'big.env'), 'w')
  fs.ftruncateSync(big, MAX_REPOSITORY_FILE_BYTES + 1)
  fs.closeSync(big)
})

afterAll(() => {
  if (base !== undefined) fs.rmSync(base, { recursive: true, force: true })
})

const refusal = (relative: string, options?: Parameters<typeof readRepositoryFile>[2]): RepositoryFileError => {
  try {
    readRepositoryFile(root, relative, options)
  } catch (error) {
    if (error instanceof RepositoryFileError) return error
    throw error
  }
  throw new Error(`${relative} was read`)
}

describe('the confined repository reader', () => {
  it('reads regular files inside the root, through symlinks that stay inside', () => {
    expect(readRepositoryFile(root, 'inside.txt')).toBe('inside\n')
    expect(readRepositoryFile(root, 'inside-link.env')).toBe('A=1\n')
    expect(readRepositoryFile(root, 'sub/../inside.txt')).toBe('inside\n')
  })

  it.each<[string, string, string, RegExp]>([
    ['a parent path', '../elsewhere/secrets.env', 'outside-root', /is outside the scanned directory/],
    ['an absolute path', '/etc/passwd', 'outside-root', /is outside the scanned directory/],
    ['a symlink to a file outside', 'outside-link.env', 'outside-root', /symbolic link .* outside the scanned directory/],
    ['a file under a directory symlink that leads outside', 'escape/secrets.env', 'outside-root', /symbolic link .* outside the scanned directory/],
    ['a symlink to /dev/zero', 'zero.env', 'outside-root', /outside the scanned directory, to \/dev\/zero/],
    ['a FIFO', 'fifo.env', 'not-a-file', /is a named pipe \(FIFO\), not a regular file/],
    ['a directory', 'sub', 'not-a-file', /is a directory, not a regular file/],
    ['a file over the size cap', 'big.env', 'too-large', /over the 4194304-byte limit/],
    ['a file that does not exist', 'nope.env', 'missing', /does not exist/]
  ])('refuses %s with a typed error', (_name, relative, problem, message) => {
    const error = refusal(relative)
    expect(error).toMatchObject({ problem, file: relative })
    expect(error.message).toMatch(message)
    expect(error.message).not.toContain(OUTSIDE)
  })

  it('reads a file outside the root that an input names explicitly, still only as a regular file', () => {
    const named = path.join(outside, 'secrets.env')
    expect(readRepositoryFile(root, path.relative(root, named), { allowedOutside: [named] })).toBe(`TAG=${OUTSIDE}\n`)
    expect(refusal(path.relative(root, path.join(outside, 'compose.yml')), { allowedOutside: [named] }).problem).toBe('outside-root')
  })

  it('turns refusals into findings, once per file, and never throws', () => {
    const reader = confinedReader(root)
    for (const file of ['outside-link.env', 'fifo.env', 'zero.env', 'big.env', 'nope.env', 'outside-link.env']) expect(reader.readFile(file)).toBeUndefined()
    expect(reader.readFile('inside.txt')).toBe('inside\n')
    expect(reader.findings().map(finding => [finding.file, finding.kind, finding.severity])).toEqual([
      ['outside-link.env', 'invalid-file', 'error'],
      ['fifo.env', 'invalid-file', 'error'],
      ['zero.env', 'invalid-file', 'error'],
      ['big.env', 'invalid-file', 'error']
    ])
  })
})

describe('discovery stays inside the scanned root', () => {
  let tree: string
  beforeAll(() => {
    tree = path.join(base, 'discover')
    write(path.join(tree, 'compose.yml'), 'services:\n  web:\n    image: redis:7\n')
    write(path.join(tree, 'app', 'Dockerfile'), 'FROM alpine:3.20\n')
    fs.symlinkSync('app', path.join(tree, 'app-link'))
    fs.symlinkSync(path.join(outside, 'deep'), path.join(tree, 'vendor'))
    fs.mkdirSync(path.join(tree, 'other'))
    fs.symlinkSync(path.join(outside, 'compose.yml'), path.join(tree, 'other', 'docker-compose.yml'))
    fs.symlinkSync(path.join(outside, 'Dockerfile'), path.join(tree, 'other', 'Dockerfile'))
    execFileSync('mkfifo', [path.join(tree, 'other', 'compose.yaml')])
  })

  it('does not follow a directory symlink that leaves the root, and says so', () => {
    const discovery = discoverFiles(tree, { composePatterns: [], dockerfilePatterns: [], exclude: [] })
    expect(discovery.composeFiles).toEqual(['compose.yml'])
    // A directory symlink inside the root is followed once (app-link is app).
    expect(discovery.dockerfiles).toEqual(['app/Dockerfile'])
    expect(discovery.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'invalid-file', file: 'vendor', message: expect.stringContaining('outside the scanned directory') }),
        expect.objectContaining({ kind: 'invalid-file', file: 'other/docker-compose.yml', message: expect.stringContaining('outside the scanned directory') }),
        expect.objectContaining({ kind: 'invalid-file', file: 'other/Dockerfile', message: expect.stringContaining('outside the scanned directory') })
      ])
    )
    expect(JSON.stringify(discovery)).not.toContain(OUTSIDE)
  })
})

describe('compose and Dockerfile references that lead outside the root', () => {
  let project: string
  beforeAll(() => {
    project = path.join(base, 'project')
    fs.mkdirSync(project)
    fs.symlinkSync(path.join(outside, 'secrets.env'), path.join(project, 'linked.env'))
    fs.symlinkSync(path.join(outside, 'compose.yml'), path.join(project, 'linked-compose.yml'))
    fs.symlinkSync(path.join(outside, 'Dockerfile'), path.join(project, 'Dockerfile.linked'))
    write(
      path.join(project, 'compose.yml'),
      [
        'include:',
        '  - path: linked-compose.yml',
        '    env_file: linked.env',
        'services:',
        '  web:',
        '    image: example.org/web:${TAG:-default}',
        '  base:',
        '    extends:',
        '      file: linked-compose.yml',
        '      service: leak',
        '  built:',
        '    build:',
        '      context: .',
        '      dockerfile: Dockerfile.linked',
        ''
      ].join('\n')
    )
  })

  it('reads none of them, reports each, and keeps the rest of the scan', () => {
    const reader = confinedReader(project)
    const inventory = buildInventory({ composeProjects: [['compose.yml']], dockerfiles: [], env: {}, envFiles: ['linked.env'], readFile: reader.readFile })
    const result = { ...inventory, findings: [...reader.findings(), ...inventory.findings] }
    const json = JSON.stringify(result)
    expect(json).not.toContain(OUTSIDE)
    expect(json.toLowerCase()).not.toContain(OUTSIDE.toLowerCase())
    expect(result.images.map(image => image.source)).toContain('example.org/web:default')
    const refused = reader.findings().map(finding => finding.file)
    expect(refused.sort()).toEqual(['Dockerfile.linked', 'linked-compose.yml', 'linked.env'])
    for (const finding of reader.findings()) expect(finding.message).toMatch(/symbolic link .* outside the scanned directory, to .*; it was not read$/)
  })

  it('says on the compose line why a Dockerfile it builds from was not read, and names the file only once', () => {
    const reader = confinedReader(project)
    const inventory = buildInventory({ composeProjects: [['compose.yml']], dockerfiles: [], env: {}, envFiles: [], readFile: reader.readFile, refusal: reader.refusal })
    const about = inventory.findings.filter(finding => finding.message.includes('Dockerfile.linked'))
    expect(about).toEqual([
      expect.objectContaining({
        kind: 'invalid-file',
        severity: 'error',
        file: 'compose.yml',
        line: 12,
        message: expect.stringMatching(/^Service 'built' builds from Dockerfile\.linked, which is a symbolic link .* outside the scanned directory, to .*; it was not read$/)
      })
    ])
    // The pipeline leaves out the reader's own finding on a file a compose line explains.
    expect(inventory.explained).toEqual(['Dockerfile.linked'])
  })

  it('finishes on an env file that is a FIFO or /dev/zero, with a finding for each', () => {
    const dir = path.join(base, 'fifo-project')
    write(path.join(dir, 'compose.yml'), 'services:\n  web:\n    image: redis:${TAG:-7}\n')
    execFileSync('mkfifo', [path.join(dir, '.env')])
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero.env'))
    const reader = confinedReader(dir)
    const discovery = discoverFiles(dir, { composePatterns: [], dockerfilePatterns: [], exclude: [] })
    const inventory = buildInventory({ composeProjects: groupComposeProjects(discovery.composeFiles), dockerfiles: discovery.dockerfiles, env: {}, envFiles: ['zero.env'], readFile: reader.readFile })
    expect(inventory.images.map(image => image.source)).toEqual(['docker.io/library/redis:7'])
    expect(reader.findings()).toEqual([
      expect.objectContaining({ file: '.env', message: expect.stringContaining('named pipe') }),
      expect.objectContaining({ file: 'zero.env', message: expect.stringContaining('/dev/zero') })
    ])
  })
})
