/**
 * The pure and file-level parts of bundles: the tar writer and indexer (also
 * against GNU tar's own archives), layouts, the plan record, target re-basing,
 * the tool-cache key, and the progress meter's steady line.
 */
import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { Readable } from 'node:stream'
import { indexTar, TarError, TarWriter } from '../src/engine/bundle/tar.js'
import { openLayout, streamBlob, readBlob } from '../src/engine/bundle/layout.js'
import { coveredByIndex, parseRecord } from '../src/engine/bundle/record.js'
import { cacheVersion, parseChecksumFile, pinnedDigest, redactUrl } from '../src/engine/bundle/download.js'
import { ProgressMeter, rebase } from '../src/execute/bundle.js'
import { formatBytes } from '../src/report/summary.js'
import { planBundleJobs } from '../src/plan/bundle-jobs.js'
import { plannedImage } from './harness/registry-api.js'

const temp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'im-bundle-unit-'))

async function writeArchive(file: string, entries: Array<[string, Buffer]>): Promise<string> {
  const writer = await TarWriter.create(file)
  await writer.directory('blobs')
  for (const [name, data] of entries) {
    if (data.length % 2 === 0) await writer.file(name, data)
    else await writer.stream(name, data.length, Readable.from([data.subarray(0, 3), data.subarray(3)]))
  }
  return (await writer.close()).digest
}

describe('tar archives', () => {
  it('writes ustar entries that the indexer and GNU tar both read back byte for byte', async () => {
    const dir = temp()
    const file = path.join(dir, 'a.tar')
    const long = `blobs/${'x'.repeat(120)}`
    const digest = await writeArchive(file, [
      ['oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}')],
      ['blobs/sha256/abc', Buffer.from('hello world')],
      [long, Buffer.alloc(1500, 7)]
    ])
    const entries = indexTar(file)
    expect([...entries.keys()]).toEqual(['blobs', 'oci-layout', 'blobs/sha256/abc', long])
    const entry = entries.get('blobs/sha256/abc')!
    expect(fs.readFileSync(file).subarray(entry.offset, entry.offset + entry.size).toString()).toBe('hello world')
    expect(digest).toMatch(/^sha256:[a-f0-9]{64}$/)
    const listed = execFileSync('tar', ['-tf', file]).toString().trim().split('\n')
    expect(listed).toEqual(['blobs/', 'oci-layout', 'blobs/sha256/abc', long])
    const out = path.join(dir, 'out')
    fs.mkdirSync(out)
    execFileSync('tar', ['-xf', file, '-C', out])
    expect(fs.readFileSync(path.join(out, long))).toEqual(Buffer.alloc(1500, 7))
  })

  it('indexes what GNU tar writes: ./ prefixes, directories, long names', () => {
    const dir = temp()
    const src = path.join(dir, 'src')
    const deep = path.join(src, 'blobs', 'sha256')
    fs.mkdirSync(deep, { recursive: true })
    fs.writeFileSync(path.join(deep, 'y'.repeat(110)), 'long')
    fs.writeFileSync(path.join(src, 'index.json'), '{}')
    const file = path.join(dir, 'gnu.tar')
    execFileSync('tar', ['--format=gnu', '-cf', file, '-C', src, '.'])
    const entries = indexTar(file)
    expect(entries.get('index.json')?.size).toBe(2)
    const long = entries.get(`blobs/sha256/${'y'.repeat(110)}`)!
    expect(fs.readFileSync(file).subarray(long.offset, long.offset + long.size).toString()).toBe('long')
    execFileSync('tar', ['--format=pax', '-cf', `${file}.pax`, '-C', src, '.'])
    expect(indexTar(`${file}.pax`).get(`blobs/sha256/${'y'.repeat(110)}`)?.size).toBe(4)
  })

  it('refuses a truncated archive, naming the entry it cut, and one without its end marker', async () => {
    const dir = temp()
    const file = path.join(dir, 'a.tar')
    await writeArchive(file, [
      ['first', Buffer.alloc(700, 1)],
      ['second', Buffer.alloc(5000, 2)]
    ])
    const whole = fs.readFileSync(file)
    fs.writeFileSync(`${file}.cut`, whole.subarray(0, 3000))
    expect(() => indexTar(`${file}.cut`)).toThrow(TarError)
    expect(() => indexTar(`${file}.cut`)).toThrow(/truncated: entry 'second' needs 5000 bytes/)
    // Cut exactly after the last entry: no end-of-archive marker.
    fs.writeFileSync(`${file}.end`, whole.subarray(0, whole.length - 1024))
    expect(() => indexTar(`${file}.end`)).toThrow(/truncated: it ends after entry 'second' without the end-of-archive marker/)
    const damaged = Buffer.from(whole)
    damaged[10] = 0x41
    fs.writeFileSync(`${file}.bad`, damaged)
    expect(() => indexTar(`${file}.bad`)).toThrow(/checksum mismatch/)
  })
})

describe('layouts and records', () => {
  it('opens a directory and its archive alike and locates blobs in both', async () => {
    const dir = temp()
    const layout = path.join(dir, 'layout')
    fs.mkdirSync(path.join(layout, 'blobs', 'sha256'), { recursive: true })
    const blob = Buffer.from('blob bytes')
    const hex = 'a'.repeat(64)
    fs.writeFileSync(path.join(layout, 'blobs', 'sha256', hex), blob)
    fs.writeFileSync(path.join(layout, 'blobs', 'sha256', 'not-a-digest'), 'x')
    fs.writeFileSync(path.join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}')
    fs.writeFileSync(path.join(layout, 'index.json'), '{"schemaVersion":2,"manifests":[]}')
    execFileSync('tar', ['-cf', path.join(dir, 'layout.tar'), '-C', layout, '.'])
    for (const opened of [openLayout(layout), openLayout(path.join(dir, 'layout.tar'))]) {
      expect(opened.digests()).toEqual([`sha256:${hex}`])
      const location = opened.locate(`sha256:${hex}`)!
      expect(await readBlob(location, 100)).toEqual(blob)
      const chunks: Buffer[] = []
      for await (const chunk of streamBlob(location)) chunks.push(chunk as Buffer)
      expect(Buffer.concat(chunks)).toEqual(blob)
    }
    expect(() => openLayout(path.join(dir, 'nothing'))).toThrow(/does not exist/)
    fs.rmSync(path.join(layout, 'oci-layout'))
    expect(() => openLayout(layout)).toThrow(/not an OCI image layout: it has no oci-layout/)
  })

  it('refuses a plan record with a digest that is not one, or a traversal for a reference', () => {
    const image = { kind: 'base', source: 'postgres:15', target: 'harbor.example.com/p/postgres:15', origins: [], from: 'registry', digest: `sha256:${'b'.repeat(64)}`, mediaType: 'x', size: 1, content: [], bytes: 0 }
    const record = (images: unknown[]): Buffer => Buffer.from(JSON.stringify({ tool: 'image-mirror', version: 1, images }))
    expect(parseRecord(record([image]), 'b').images[0]?.source).toBe('docker.io/library/postgres:15')
    expect(() => parseRecord(record([{ ...image, digest: 'sha256:../../etc' }]), 'b')).toThrow(/images\[0\]\.digest is not a digest/)
    expect(() => parseRecord(record([{ ...image, content: ['../x'] }]), 'b')).toThrow(/content\[0\] is not a digest/)
    expect(() => parseRecord(record([{ ...image, target: '../../x' }]), 'b')).toThrow(/images\[0\]\.target/)
    expect(() => parseRecord(Buffer.from('{"tool":"other"}'), 'b')).toThrow(/not written by image-mirror/)
  })

  it('reads what a baseline covers from its index.json alone', () => {
    const a = `sha256:${'1'.repeat(64)}`
    const b = `sha256:${'2'.repeat(64)}`
    const index = Buffer.from(JSON.stringify({ manifests: [{ digest: a, mediaType: 'x', size: 1 }], annotations: { 'dev.image-mirror.covers': `${b} junk ${a}` } }))
    expect([...coveredByIndex(index, 'i')].sort()).toEqual([a, b])
  })
})

describe('targets, keys and progress', () => {
  it('re-bases targets from the registry a bundle was exported for to the one it is imported into', () => {
    expect(rebase('harbor.example.com/aihpc/library/postgres:15', 'harbor.example.com/aihpc', '127.0.0.1:5000/x')).toBe('127.0.0.1:5000/x/library/postgres:15')
    expect(rebase('harbor.example.com/aihpcx/postgres:15', 'harbor.example.com/aihpc', '127.0.0.1:5000/x')).toBe('harbor.example.com/aihpcx/postgres:15')
    expect(rebase('a.io/b/c:1', null, 'x.io')).toBe('a.io/b/c:1')
  })

  it('keys the tool cache by the bundle digest, from a URL fragment or a sha256sum line', () => {
    const hex = 'c'.repeat(64)
    expect(cacheVersion(`sha256:${hex}`)).toBe(`0.0.0-sha256-${hex}`)
    expect(pinnedDigest(`https://files.local/b.tar#sha256=${hex.toUpperCase()}`)).toBe(`sha256:${hex}`)
    expect(pinnedDigest('https://files.local/b.tar')).toBeUndefined()
    expect(parseChecksumFile(`${hex}  bundle.tar\n`)).toBe(`sha256:${hex}`)
    expect(parseChecksumFile('not a checksum')).toBeUndefined()
    expect(redactUrl('https://user:secret@files.local/b.tar?token=x')).toBe('https://files.local/b.tar')
  })

  it('prints progress lines only when bytes moved, with totals, a rate and the images in flight', () => {
    const lines: string[] = []
    const meter = new ProgressMeter({ group: async (_name, fn) => fn(), info: line => lines.push(line) }, 'pushed', 60_000)
    meter.start()
    meter.expect('docker.io/library/postgres:15', 4 * 1024 * 1024)
    meter.moved('docker.io/library/postgres:15', 1024 * 1024)
    expect(meter.line()).toMatch(/^1\.0 MiB of 4\.0 MiB pushed \(25%\) at .+\/s; in progress: postgres:15 1\.0 MiB\/4\.0 MiB$/)
    expect(meter.line()).toBeUndefined()
    meter.stop()
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(1536)).toBe('1.5 KiB')
  })

  it('derives export jobs from the whole plan: base images from their source, service images from the daemon, else their target', () => {
    const plan = {
      images: [
        plannedImage('base', 'postgres:15', 'harbor.example.com/p/postgres:15'),
        plannedImage('service', 'app:v1', 'harbor.example.com/p/app:v1'),
        plannedImage('base', 'unmapped:1', null)
      ],
      findings: [],
      files: []
    }
    const jobs = planBundleJobs(plan, 'export').export
    expect(jobs.map(job => [job.image, job.daemonName, `${job.readFrom.registry}/${job.readFrom.repository}`])).toEqual([
      ['docker.io/library/postgres:15', undefined, 'docker.io/library/postgres'],
      ['docker.io/library/app:v1', 'harbor.example.com/p/app:v1', 'harbor.example.com/p/app']
    ])
    expect(planBundleJobs(plan, 'import').import).toHaveLength(2)
  })
})
