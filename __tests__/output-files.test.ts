import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { OutputPathError, outputPathProblem, writeOutputFile } from '../src/output-files.js'

let root: string
let outside: string

beforeAll(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'im-out-root-')))
  outside = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'im-out-outside-')))
  fs.writeFileSync(path.join(outside, 'victim'), 'untouched\n')
  fs.symlinkSync(path.join(outside, 'victim'), path.join(root, 'planted.json'))
  fs.symlinkSync(outside, path.join(root, 'planted-dir'))
  fs.symlinkSync(path.join(outside, 'nothing-yet'), path.join(root, 'dangling.json'))
  fs.mkdirSync(path.join(root, 'a-directory'))
  fs.writeFileSync(path.join(root, 'a-file'), 'x')
  execFileSync('mkfifo', [path.join(root, 'fifo.json')])
})

afterAll(() => {
  for (const dir of [root, outside]) fs.rmSync(dir, { recursive: true, force: true })
})

const attempt = (relative: string): string => {
  try {
    writeOutputFile(path.join(root, relative), 'report\n', { allowedRoots: [root] })
    return 'written'
  } catch (error) {
    expect(error).toBeInstanceOf(OutputPathError)
    return (error as OutputPathError).reason
  }
}

describe('writeOutputFile', () => {
  it('writes a file, creating missing directories, and overwrites a regular file', () => {
    expect(attempt('new/dir/report.json')).toBe('written')
    expect(fs.readFileSync(path.join(root, 'new', 'dir', 'report.json'), 'utf8')).toBe('report\n')
    fs.writeFileSync(path.join(root, 'existing.json'), 'a much longer previous content\n')
    expect(attempt('existing.json')).toBe('written')
    expect(fs.readFileSync(path.join(root, 'existing.json'), 'utf8')).toBe('report\n')
  })

  const refused: Array<[string, string]> = [
    ['planted.json', '<root>/planted.json is a symbolic link; refusing to write through it'],
    ['dangling.json', '<root>/dangling.json is a symbolic link; refusing to write through it'],
    ['planted-dir/report.json', '<root>/planted-dir is a symbolic link; refusing to write through it'],
    ['planted-dir/new/report.json', '<root>/planted-dir is a symbolic link; refusing to write through it'],
    ['a-directory', 'it is a directory, not a file'],
    ['a-file/report.json', '<root>/a-file is a file, not a directory'],
    ['fifo.json', 'it exists and is not a regular file (a FIFO, socket or device)']
  ]
  for (const [relative, reason] of refused) {
    it(`refuses ${relative}: ${reason.replace('<root>', 'root')}`, () => {
      expect(attempt(relative)).toBe(reason.replace('<root>', root))
    })
  }

  it('leaves the target of a planted link untouched, and creates nothing through a linked directory', () => {
    expect(fs.readFileSync(path.join(outside, 'victim'), 'utf8')).toBe('untouched\n')
    expect(fs.existsSync(path.join(outside, 'nothing-yet'))).toBe(false)
    expect(fs.existsSync(path.join(outside, 'new'))).toBe(false)
  })

  it('refuses a path outside the allowed roots, and .. that leads out of them', () => {
    expect(() => writeOutputFile(path.join(outside, 'r.json'), 'x', { allowedRoots: [root] })).toThrow(
      new OutputPathError(path.join(outside, 'r.json'), `it is outside the workspace and the temp directory (${root})`)
    )
    expect(() => writeOutputFile(`${root}/../${path.basename(outside)}/r.json`, 'x', { allowedRoots: [root] })).toThrow(OutputPathError)
    expect(fs.existsSync(path.join(outside, 'r.json'))).toBe(false)
  })

  it('accepts a root that is itself reached through a link (RUNNER_TEMP may be one)', () => {
    const link = path.join(outside, 'root-link')
    fs.symlinkSync(root, link)
    writeOutputFile(path.join(link, 'via-link.json'), 'ok', { allowedRoots: [link] })
    expect(fs.readFileSync(path.join(root, 'via-link.json'), 'utf8')).toBe('ok')
  })
})

describe('outputPathProblem', () => {
  const problem = (relative: string, expect: 'file' | 'directory' | 'file-or-directory'): string | undefined =>
    outputPathProblem(path.join(root, relative), { allowedRoots: [root], expect })

  it('checks without writing', () => {
    expect(problem('not/yet/there.json', 'file')).toBeUndefined()
    expect(fs.existsSync(path.join(root, 'not'))).toBe(false)
  })

  it('tells a file from a directory where one is expected', () => {
    expect(problem('a-directory', 'file')).toBe('it is a directory; name a file')
    expect(problem('a-file', 'directory')).toBe('it is a file; name a directory')
    expect(problem('a-directory', 'file-or-directory')).toBeUndefined()
    expect(problem('a-file', 'file-or-directory')).toBeUndefined()
  })

  it('refuses links and FIFOs', () => {
    expect(problem('planted.json', 'file-or-directory')).toBe(`${root}/planted.json is a symbolic link; refusing to write through it`)
    expect(problem('fifo.json', 'file')).toBe('it exists and is not a regular file (a FIFO, socket or device)')
  })
})
