/**
 * cache: true without a registry: the key, the restore-or-fetch decisions,
 * the save decision, when the cache is on, the prepare-ahead hand-over, and
 * the blob store on disk (a damaged entry is removed and fetched again, never
 * served).
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { Readable } from 'node:stream'
import { blobSource, cacheKey, cacheServiceAvailable, KEY_PREFIX, manifestSource, saveDecision } from '../src/engine/cache/policy.js'
import { BlobCache } from '../src/engine/cache/blob-cache.js'
import { readRunState, storeContents, writeRunState } from '../src/engine/cache/service.js'
import { BlobMismatchError } from '../src/engine/bundle/store.js'
import { cacheUse, PreparedAhead, RunCache } from '../src/execute/cache.js'
import type { Settings } from '../src/settings.js'

const dirs: string[] = []
const temp = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-cache-units-'))
  dirs.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true })
})

const digest = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`
const D1 = `sha256:${'1'.repeat(64)}`
const D2 = `sha256:${'2'.repeat(64)}`
const D3 = `sha256:${'3'.repeat(64)}`

describe('cacheKey: the plan’s source digests and platforms, nothing else', () => {
  it('is the same whatever the order or repetition of the digests', () => {
    expect(cacheKey([D1, D2, D3], []).key).toBe(cacheKey([D3, D1, D2, D1], []).key)
  })
  it('changes when a digest changes, one is added, or the platforms differ', () => {
    const base = cacheKey([D1, D2], []).key
    expect(new Set([base, cacheKey([D1, D3], []).key, cacheKey([D1, D2, D3], []).key, cacheKey([D1, D2], ['linux/amd64']).key]).size).toBe(4)
    expect(cacheKey([D1], ['linux/arm64', 'linux/amd64']).key).toBe(cacheKey([D1], ['linux/amd64', 'linux/arm64']).key)
  })
  it('is image-mirror-<store format>-<hash>, with the format prefix as the one restore key', () => {
    const { key, restoreKeys } = cacheKey([D1], [])
    expect(key).toMatch(/^image-mirror-v1-[a-f0-9]{32}$/)
    expect(restoreKeys).toEqual([KEY_PREFIX])
    expect(key.startsWith(KEY_PREFIX)).toBe(true)
    // @actions/cache refuses keys over 512 characters or with commas.
    expect(key.length).toBeLessThan(512)
    expect(key).not.toContain(',')
  })
})

describe('restore or fetch', () => {
  const blobCases: Array<[string, Parameters<typeof blobSource>[0], number, ReturnType<typeof blobSource>]> = [
    ['a blob the store lacks is fetched', undefined, 10, 'fetch'],
    ['a blob of the right size not yet hashed this run is verified first', { size: 10 }, 10, 'verify'],
    ['a verified blob is read from the cache', { size: 10, intact: true }, 10, 'cache'],
    ['a blob whose bytes do not hash to its digest is discarded (then fetched)', { size: 10, intact: false }, 10, 'discard'],
    ['a blob of another size is discarded without hashing', { size: 9 }, 10, 'discard']
  ]
  it.each(blobCases)('%s', (_label, entry, size, expected) => {
    expect(blobSource(entry, size)).toBe(expected)
  })

  const manifestCases: Array<[string, string | undefined, { digest: string } | undefined, ReturnType<typeof manifestSource>]> = [
    ['a manifest asked for by tag is always fetched', undefined, { digest: D1 }, 'fetch'],
    ['a manifest the store lacks is fetched', D1, undefined, 'fetch'],
    ['a manifest whose bytes hash to the digest asked for is read from the cache', D1, { digest: D1 }, 'cache'],
    ['a manifest whose bytes hash to another digest is discarded', D1, { digest: D2 }, 'discard']
  ]
  it.each(manifestCases)('%s', (_label, expected, stored, decision) => {
    expect(manifestSource(expected, stored)).toBe(decision)
  })
})

describe('saveDecision: the post step saves unless the exact key was restored', () => {
  const key = cacheKey([D1], []).key
  const cases: Array<[string, Parameters<typeof saveDecision>[0], number, boolean]> = [
    ['nothing restored, blobs stored: saved', { key, restoredKey: null }, 3, true],
    ['an older entry restored through the restore key: saved under the new key', { key, restoredKey: `${KEY_PREFIX}older` }, 3, true],
    ['the exact key restored: not saved again', { key, restoredKey: key }, 3, false],
    ['an empty store: not saved', { key, restoredKey: null }, 0, false],
    ['no note from the main step (it stopped before the restore): not saved', undefined, 3, false]
  ]
  it.each(cases)('%s', (_label, state, blobs, save) => {
    expect(saveDecision(state, blobs).save).toBe(save)
  })

  it('reads back the note the main step writes, and nothing from a file that is not one', () => {
    const dir = temp()
    expect(readRunState(dir)).toBeUndefined()
    writeRunState(dir, { key, restoredKey: null })
    expect(readRunState(dir)).toEqual({ key, restoredKey: null })
    fs.writeFileSync(path.join(dir, 'run.json'), '{"key": 3}')
    expect(readRunState(dir)).toBeUndefined()
  })
})

describe('when cache: true is on', () => {
  const settings = (overrides: Partial<Settings>): Pick<Settings, 'cache' | 'cacheService' | 'mode' | 'dryRun' | 'engine' | 'pull' | 'push'> => ({
    cache: true,
    cacheService: true,
    mode: 'export',
    dryRun: false,
    engine: 'auto',
    pull: 'missing',
    push: true,
    ...overrides
  })
  it('is on for export and for mirroring through the registry engine, where the service is', () => {
    expect(cacheUse(settings({})).on).toBe(true)
    expect(cacheUse(settings({ mode: 'mirror', engine: 'registry' })).on).toBe(true)
    expect(cacheUse(settings({ mode: 'all' })).on).toBe(true)
    // mode export reads sources through the registry engine whatever the engine input says.
    expect(cacheUse(settings({ engine: 'docker' })).on).toBe(true)
  })
  it('is off without a word when not asked for, or in a dry run (nothing is fetched)', () => {
    expect(cacheUse(settings({ cache: false }))).toEqual({ on: false })
    expect(cacheUse(settings({ dryRun: true }))).toEqual({ on: false })
  })
  it('is off with a warning when copies go through docker, saying which input sends them there', () => {
    for (const [overrides, why] of [
      [{ engine: 'docker' }, 'engine: docker'],
      [{ pull: 'never' }, 'pull: never'],
      [{ push: false }, 'push: false']
    ] as const) {
      const use = cacheUse(settings({ mode: 'mirror', ...overrides }))
      expect(use).toEqual({ on: false, finding: expect.objectContaining({ kind: 'invalid-config', severity: 'warning', message: expect.stringContaining(`with ${why} copies go through docker`) }) })
    }
  })
  it('is off with a warning where the Actions cache service is not (a self-hosted runner, outside Actions)', () => {
    const use = cacheUse(settings({ cacheService: false }))
    expect(use).toEqual({ on: false, finding: expect.objectContaining({ severity: 'warning', message: expect.stringContaining('the Actions cache service is not available here') }) })
  })
  it('is off with a warning for modes that fetch nothing from sources', () => {
    for (const mode of ['import', 'verify', 'build'] as const) expect(cacheUse(settings({ mode }))).toMatchObject({ on: false, finding: { severity: 'warning' } })
  })
  it('sees the service as @actions/cache does: the runtime token with the v1 or the v2 URL', () => {
    expect(cacheServiceAvailable({})).toBe(false)
    expect(cacheServiceAvailable({ ACTIONS_CACHE_URL: 'https://cache/' })).toBe(false)
    expect(cacheServiceAvailable({ ACTIONS_RUNTIME_TOKEN: 't', ACTIONS_CACHE_URL: 'https://cache/' })).toBe(true)
    expect(cacheServiceAvailable({ ACTIONS_RUNTIME_TOKEN: 't', ACTIONS_CACHE_SERVICE_V2: 'true', ACTIONS_RESULTS_URL: 'https://results/' })).toBe(true)
    expect(cacheServiceAvailable({ ACTIONS_RUNTIME_TOKEN: 't', ACTIONS_CACHE_SERVICE_V2: 'true', ACTIONS_CACHE_URL: 'https://cache/' })).toBe(false)
  })
})

describe('PreparedAhead: each prepare runs once, its answer handed to the execute stage', () => {
  it('hands over answers and failures with the lines they recorded, once; a key not prepared ahead is prepared then', async () => {
    const ahead = new PreparedAhead<string>()
    let calls = 0
    const done = await ahead.run(['a', 'b'], 2, new AbortController().signal, job => job, async (job, context) => {
      calls += 1
      context.record(`HEAD ${job}`)
      if (job === 'b') throw new Error('b is not there')
      return `prepared ${job}`
    })
    expect(done).toEqual(['prepared a'])
    const lines: string[] = []
    const context = { signal: new AbortController().signal, record: (line: string) => lines.push(line) }
    const again = async (): Promise<string> => {
      calls += 1
      return 'prepared again'
    }
    await expect(ahead.take('a', context, again)).resolves.toBe('prepared a')
    await expect(ahead.take('b', context, again)).rejects.toThrow('b is not there')
    expect(lines).toEqual(['HEAD a', 'HEAD b'])
    expect(calls).toBe(2)
    await expect(ahead.take('a', context, again)).resolves.toBe('prepared again')
    expect(calls).toBe(3)
  })
})

describe('RunCache: the key is made of what this run fetches', () => {
  const progress = { group: <T>(_name: string, fn: () => Promise<T>): Promise<T> => fn(), info: (): void => undefined }
  const jobs = [
    { name: 'a', prepared: { sourceDigest: D1 } },
    { name: 'b', prepared: { sourceDigest: D2, done: { status: 'already-present' } } },
    { name: 'c', prepared: { sourceDigest: D3 } },
    { name: 'd', prepared: {} }
  ]
  const signal = new AbortController().signal

  it('leaves out images already at their target, and images whose digest the engine did not learn', async () => {
    // No cache service here: the restore fails, and the note for the post step still names the key.
    const cacheDir = temp()
    const cache = new RunCache({ cacheDir, platforms: [] }, progress)
    const ahead = await cache.prepareAndRestore(jobs, { concurrency: 2, signal, keyOf: job => job.name }, async job => job.prepared)
    expect(readRunState(cacheDir)?.key).toBe(cacheKey([D1, D3], []).key)
    expect(await ahead.take('b', { signal, record: () => undefined }, async () => ({}))).toEqual(jobs[1]!.prepared)
  })

  it('with nothing to fetch, neither restores nor leaves the post step a key to save', async () => {
    const cacheDir = temp()
    const cache = new RunCache({ cacheDir, platforms: [] }, progress)
    await cache.prepareAndRestore(jobs.slice(1, 2), { concurrency: 2, signal, keyOf: job => job.name }, async job => job.prepared)
    expect(readRunState(cacheDir)).toBeUndefined()
  })
})

describe('BlobCache on disk', () => {
  const layer = Buffer.from('layer bytes '.repeat(1000))
  const descriptor = { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: digest(layer), size: layer.length }
  const source = (bytes: Buffer, counter: { opened: number }) => async (): Promise<Readable> => {
    counter.opened += 1
    return Readable.from([bytes])
  }

  it('fetches a blob once, then serves it from the store, in this run and in the next', async () => {
    const dir = path.join(temp(), 'store')
    const counter = { opened: 0 }
    const first = new BlobCache(dir)
    const location = await first.obtain(descriptor, source(layer, counter))
    expect(fs.readFileSync(location.file)).toEqual(layer)
    await first.obtain(descriptor, source(layer, counter))
    expect(counter.opened).toBe(1)
    expect(first.counts).toMatchObject({ fetched: 1, hits: 1, discarded: 0 })
    const next = new BlobCache(dir)
    await next.obtain(descriptor, source(layer, counter))
    expect([counter.opened, next.counts.hits]).toEqual([1, 1])
  })

  it('removes a damaged entry and fetches the blob again, never serving the damaged bytes', async () => {
    const dir = path.join(temp(), 'store')
    const counter = { opened: 0 }
    await new BlobCache(dir).obtain(descriptor, source(layer, counter))
    const file = path.join(dir, 'blobs', 'sha256', descriptor.digest.slice('sha256:'.length))
    const damaged = Buffer.from(layer)
    damaged[100] = damaged[100]! ^ 0xff
    fs.writeFileSync(file, damaged)
    const cache = new BlobCache(dir)
    const location = await cache.obtain(descriptor, source(layer, counter))
    expect(fs.readFileSync(location.file)).toEqual(layer)
    expect(counter.opened).toBe(2)
    expect(cache.counts).toMatchObject({ discarded: 1, fetched: 1, hits: 0 })
  })

  it('never follows a link a restored archive put in the store: the entry is removed and the blob fetched', async () => {
    const dir = path.join(temp(), 'store')
    const outside = path.join(temp(), 'runner-file')
    fs.writeFileSync(outside, layer)
    fs.mkdirSync(path.join(dir, 'blobs', 'sha256'), { recursive: true })
    const entry = path.join(dir, 'blobs', 'sha256', descriptor.digest.slice('sha256:'.length))
    fs.symlinkSync(outside, entry)
    fs.symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'blobs', 'sha256', '5'.repeat(64)))
    const counter = { opened: 0 }
    const cache = new BlobCache(dir)
    await cache.obtain(descriptor, source(layer, counter))
    expect([counter.opened, fs.lstatSync(entry).isFile(), fs.readFileSync(outside)]).toEqual([1, true, layer])
    expect(storeContents(dir).blobs).toBe(1)
  })

  it.each(['blobs', 'blobs/sha256', 'the store itself'])('never works through a link a restored archive put at %s: the link is removed, where it points is untouched', async at => {
    const base = temp()
    const dir = path.join(base, 'store')
    // A directory of the runner's the link points at, shaped like a store, with a file the prune would remove.
    const elsewhere = path.join(temp(), 'elsewhere')
    const inner = at === 'blobs' ? path.join(elsewhere, 'sha256') : elsewhere
    fs.mkdirSync(at === 'the store itself' ? path.join(elsewhere, 'blobs', 'sha256') : inner, { recursive: true })
    const victim = at === 'the store itself' ? path.join(elsewhere, 'blobs', 'sha256', '6'.repeat(64)) : path.join(inner, '6'.repeat(64))
    fs.writeFileSync(victim, 'runner data')
    if (at === 'the store itself') fs.symlinkSync(elsewhere, dir)
    else {
      fs.mkdirSync(path.join(dir, path.dirname(at)), { recursive: true })
      fs.symlinkSync(at === 'blobs' ? elsewhere : inner, path.join(dir, at))
    }
    const counter = { opened: 0 }
    const cache = new BlobCache(dir)
    await cache.obtain(descriptor, source(layer, counter))
    cache.prune()
    expect([counter.opened, fs.lstatSync(path.join(dir, 'blobs', 'sha256')).isDirectory(), fs.readFileSync(victim, 'utf8')]).toEqual([1, true, 'runner data'])
    expect(fs.readdirSync(at === 'blobs' ? inner : elsewhere).sort()).toEqual(at === 'the store itself' ? ['blobs'] : ['6'.repeat(64)])
    expect(storeContents(dir)).toEqual({ blobs: 1, bytes: layer.length })
  })

  it('counts a restored store with a dangling link in it without failing: the link is no entry', () => {
    const dir = path.join(temp(), 'store')
    fs.mkdirSync(path.join(dir, 'blobs', 'sha256'), { recursive: true })
    fs.writeFileSync(path.join(dir, 'blobs', 'sha256', descriptor.digest.slice('sha256:'.length)), layer)
    fs.symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'blobs', 'sha256', '5'.repeat(64)))
    expect(storeContents(dir)).toEqual({ blobs: 1, bytes: layer.length })
  })

  it('refuses a source that sends other bytes, leaving nothing in the store', async () => {
    const dir = path.join(temp(), 'store')
    const cache = new BlobCache(dir)
    await expect(cache.obtain(descriptor, source(Buffer.from('not the layer'), { opened: 0 }))).rejects.toBeInstanceOf(BlobMismatchError)
    expect(storeContents(dir)).toEqual({ blobs: 0, bytes: 0 })
  })

  it('serves a manifest only when its bytes hash to the digest asked for', async () => {
    const dir = path.join(temp(), 'store')
    const manifest = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"x","digest":"' + D1 + '","size":1},"layers":[]}')
    const cache = new BlobCache(dir)
    await cache.keepManifest(digest(manifest), manifest)
    expect(await new BlobCache(dir).manifest(digest(manifest))).toEqual(manifest)
    fs.writeFileSync(path.join(dir, 'blobs', 'sha256', digest(manifest).slice(7)), Buffer.from(manifest.toString().replace('x', 'y')))
    const after = new BlobCache(dir)
    expect(await after.manifest(digest(manifest))).toBeUndefined()
    expect(after.counts.discarded).toBe(1)
    expect(storeContents(dir).blobs).toBe(0)
  })

  it('prunes what the run did not use, and temporary files', async () => {
    const dir = path.join(temp(), 'store')
    const other = Buffer.from('another layer')
    await new BlobCache(dir).obtain({ ...descriptor, digest: digest(other), size: other.length }, source(other, { opened: 0 }))
    const cache = new BlobCache(dir)
    await cache.obtain(descriptor, source(layer, { opened: 0 }))
    fs.writeFileSync(path.join(dir, 'blobs', 'sha256', `${'4'.repeat(64)}.partial-abc`), 'half')
    expect(cache.prune().removed).toBe(2)
    expect(storeContents(dir)).toEqual({ blobs: 1, bytes: layer.length })
  })
})
