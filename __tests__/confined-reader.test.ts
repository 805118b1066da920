/**
 * The confined reader resolves each directory once and opens files in it
 * without following a last-component link (issue 14: scanning cost). It must
 * read and refuse exactly what `readRepositoryFile` (a realpath of every file)
 * reads and refuses, with the same messages, in any order of reads.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { confinedReader, readRepositoryFile, RepositoryFileError } from '../src/extract/files.js'

let base: string
let root: string

const write = (file: string, text: string): void => {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, text)
}

beforeAll(() => {
  base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'im-reader-')))
  root = path.join(base, 'repo')
  const outside = path.join(base, 'elsewhere')
  write(path.join(outside, 'secrets.env'), 'SECRET=1\n')
  write(path.join(root, 'inside.txt'), 'inside\n')
  write(path.join(root, 'sub', 'real.env'), 'A=1\n')
  write(path.join(root, 'nested', 'deep', 'a', 'b', 'c.env'), 'C=1\n')
  fs.symlinkSync('sub', path.join(root, 'dirlink'))
  fs.symlinkSync('dirlink', path.join(root, 'dirlink2'))
  fs.symlinkSync('../elsewhere', path.join(root, 'escape'))
  fs.symlinkSync(path.join(outside, 'secrets.env'), path.join(root, 'sub', 'outlink.env'))
  fs.symlinkSync('../inside.txt', path.join(root, 'sub', 'inlink.env'))
  fs.symlinkSync('inside.txt', path.join(root, 'filelink'))
  fs.symlinkSync('loop', path.join(root, 'loop'))
  fs.symlinkSync('/dev/null', path.join(root, 'sub', 'null.env'))
  execFileSync('mkfifo', [path.join(root, 'sub', 'fifo.env')])
})

afterAll(() => {
  if (base !== undefined) fs.rmSync(base, { recursive: true, force: true })
})

const PATHS = [
  'inside.txt',
  'sub/real.env',
  'sub/real.env',
  'sub/../inside.txt',
  './inside.txt',
  'sub//real.env',
  'sub/./real.env',
  'dirlink/real.env',
  'dirlink2/real.env',
  'dirlink/../inside.txt',
  'escape/secrets.env',
  'sub/outlink.env',
  'sub/inlink.env',
  'filelink',
  'filelink/x',
  'loop',
  'loop/x',
  'sub/null.env',
  'sub/fifo.env',
  'sub',
  'sub/',
  'sub/missing.env',
  'missing/x.env',
  'inside.txt/x',
  'nested/deep/a/b/c.env',
  'nested/deep/a/b/../b/c.env',
  '../elsewhere/secrets.env',
  `${'x/'.repeat(3)}y`
]

/** What readRepositoryFile says about a path: its text, or the problem and message. */
function direct(relative: string): unknown {
  try {
    return { text: readRepositoryFile(root, relative) }
  } catch (error) {
    if (!(error instanceof RepositoryFileError)) throw error
    return { problem: error.problem, message: error.message }
  }
}

describe('the confined reader and readRepositoryFile agree', () => {
  it.each([
    ['in order', PATHS],
    ['in reverse order', [...PATHS].reverse()],
    ['links first', [...PATHS].sort((a, b) => Number(b.includes('link')) - Number(a.includes('link')))]
  ])('on every path, read %s', (_order, paths) => {
    const reader = confinedReader(root)
    for (const relative of paths) {
      const expected = direct(relative) as { text?: string; problem?: string; message?: string }
      const text = reader.readFile(relative)
      expect([relative, text]).toEqual([relative, expected.text])
      if (expected.problem !== undefined && expected.problem !== 'missing') {
        expect([relative, reader.findings().find(finding => finding.file === relative)?.message]).toEqual([relative, expected.message])
      }
    }
    // Missing files are not findings; every other refusal is one, once.
    const refused = paths.filter(relative => {
      const expected = direct(relative) as { problem?: string }
      return expected.problem !== undefined && expected.problem !== 'missing'
    })
    expect(reader.findings().map(finding => finding.file)).toEqual([...new Set(refused)])
  })

  it('never reads through a directory link that leaves the root, even once its name is cached', () => {
    const reader = confinedReader(root)
    expect(reader.readFile('escape/secrets.env')).toBeUndefined()
    expect(reader.readFile('escape/secrets.env')).toBeUndefined()
    expect(reader.findings()).toEqual([expect.objectContaining({ file: 'escape/secrets.env', message: expect.stringContaining('outside the scanned directory') })])
  })
})
