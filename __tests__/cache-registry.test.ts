/**
 * cache: true against real registries on 127.0.0.1. A source registry behind
 * a counting proxy serves a two-platform OCI index and a docker image sharing
 * a layer; a first export fills the blob store (what @actions/cache restores
 * on the next runner). With that store warm, an export into a new bundle and a
 * registry-engine mirror into a fresh target send the source HEAD requests
 * only, and every digest equals the source's. A damaged entry in the store is
 * fetched again from the source and never reaches the bundle or the target.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { BundleExportEngine } from '../src/engine/bundle/engine.js'
import { openLayout } from '../src/engine/bundle/layout.js'
import { parseRecord } from '../src/engine/bundle/record.js'
import { BlobCache } from '../src/engine/cache/blob-cache.js'
import type { OperationContext } from '../src/engine/port.js'
import { RegistryEngine } from '../src/engine/registry/engine.js'
import { parseReference, type ImageReference } from '../src/reference.js'
import { copyThrough } from './harness/engine-calls.js'
import { startFaultProxy, type FaultProxy } from './harness/fault-proxy.js'
import { manifestBytes, manifestDigest, pushImage, pushMultiPlatform, seededBytes, type PushedManifest } from './harness/oci-images.js'
import { startRegistry, type TestRegistry } from './harness/registry.js'

let upstream: TestRegistry
let source: FaultProxy
let work: string
const images: Record<string, PushedManifest> = {}
const IMAGES = ['app/multi:1', 'app/single:1'] as const

const context = (): OperationContext => ({ signal: new AbortController().signal, record: () => undefined })
const src = (name: string): ImageReference => parseReference(`${source.host}/${name}`)
const requestsTo = (proxy: FaultProxy): string[] => proxy.requests.map(request => `${request.method} ${request.path.replace(/\?.*$/, '')}`)
const storeOf = (name: string): string => path.join(work, name)

beforeAll(async () => {
  upstream = await startRegistry()
  source = await startFaultProxy(upstream.url)
  const shared = seededBytes('cache-shared', 120_000)
  images.multi = (
    await pushMultiPlatform(upstream, 'app/multi', '1', 'oci', 'cache-multi', [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' }
    ])
  ).index
  images.single = await pushImage(upstream, 'app/single', '1', { format: 'docker', layers: [shared, seededBytes('cache-single', 90_000)] })
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'im-cache-registry-'))
}, 60000)

afterAll(async () => {
  await source?.stop()
  await upstream?.stop()
  if (work !== undefined) fs.rmSync(work, { recursive: true, force: true })
})

/** Every image exported into `bundle` through `cache`; the bundle's record. */
async function exportWith(cache: BlobCache, bundle: string): Promise<ReturnType<typeof parseRecord>> {
  const engine = new BundleExportEngine({ bundle, credentials: new Map(), platforms: [], insecureRegistries: [], concurrency: 4, retries: 1, retryBaseDelayMs: 10, tempDir: work, cache })
  try {
    const recorded = []
    for (const name of IMAGES) {
      const ref = src(name)
      const request = { kind: 'base' as const, source: `${source.host}/${name}`, target: parseReference(`harbor.example.com/aihpc/${name}`), origins: [], from: { kind: 'registry' as const, ref } }
      const prepared = await engine.prepareExport(request, context())
      recorded.push((await engine.export(prepared, context())).image)
    }
    await engine.finish(recorded, { registry: 'harbor.example.com/aihpc', tag: null, platforms: [] })
    const layout = openLayout(bundle)
    return parseRecord(layout.record as Buffer, bundle)
  } finally {
    await engine.close()
  }
}

/** Every image mirrored into a fresh target registry through `cache`; the target's digests. */
async function mirrorWith(cache: BlobCache): Promise<{ digests: Record<string, string | undefined>; target: TestRegistry }> {
  const target = await startRegistry()
  const engine = new RegistryEngine({ insecureRegistries: [], concurrency: 4, retries: 1, retryBaseDelayMs: 10, platforms: [], copyReferrers: false, cache })
  try {
    const digests: Record<string, string | undefined> = {}
    for (const name of IMAGES) {
      await copyThrough(engine, src(name), parseReference(`${target.host}/mirror/${name}`), context())
      const [repository, tag] = name.split(':') as [string, string]
      digests[name] = await manifestDigest(target, `mirror/${repository}`, tag)
    }
    return { digests, target }
  } finally {
    await engine.close()
  }
}

const sourceDigests = (): Record<string, string> => ({ 'app/multi:1': images.multi!.digest, 'app/single:1': images.single!.digest })

describe('cache: true with a warm blob store', () => {
  it('fills the store on a cold run: every manifest and blob fetched once', async () => {
    const cache = new BlobCache(storeOf('warm'))
    source.reset()
    const record = await exportWith(cache, path.join(work, 'cold-bundle'))
    expect(Object.fromEntries(record.images.map(image => [image.source.replace(`${source.host}/`, ''), image.digest]))).toEqual(sourceDigests())
    expect(requestsTo(source).filter(line => line.startsWith('GET ') && line.includes('/blobs/')).length).toBe(new Set([...images.multi!.blobs, ...images.single!.blobs].map(blob => blob.digest)).size)
    expect(cache.counts.hits).toBe(0)
  })

  it('exports into a new bundle sending the source HEAD requests only, with the source digests', async () => {
    const cache = new BlobCache(storeOf('warm'))
    source.reset()
    const record = await exportWith(cache, path.join(work, 'warm-bundle.tar'))
    expect(requestsTo(source).filter(line => !line.startsWith('HEAD ') && line !== 'GET /v2/')).toEqual([])
    expect(requestsTo(source).filter(line => line.startsWith('HEAD '))).toHaveLength(IMAGES.length)
    expect(Object.fromEntries(record.images.map(image => [image.source.replace(`${source.host}/`, ''), image.digest]))).toEqual(sourceDigests())
    expect(cache.counts).toMatchObject({ fetched: 0, discarded: 0 })
    // The bundle holds the bytes themselves: every blob under its digest.
    const layout = openLayout(path.join(work, 'warm-bundle.tar'))
    for (const blob of [...images.multi!.blobs, ...images.single!.blobs]) expect(layout.locate(blob.digest)?.size).toBe(blob.size)
  })

  it('mirrors into a fresh target through the registry engine sending the source HEAD requests only, digests kept', async () => {
    const cache = new BlobCache(storeOf('warm'))
    source.reset()
    const { digests, target } = await mirrorWith(cache)
    try {
      expect(requestsTo(source).filter(line => !line.startsWith('HEAD ') && line !== 'GET /v2/')).toEqual([])
      expect(requestsTo(source).filter(line => line.startsWith('HEAD '))).toEqual(IMAGES.map(name => `HEAD /v2/${name.replace(':', '/manifests/')}`))
      expect(digests).toEqual(sourceDigests())
      expect(await manifestBytes(target, 'mirror/app/multi', '1')).toEqual(images.multi!.bytes)
      expect(cache.counts).toMatchObject({ fetched: 0, discarded: 0 })
    } finally {
      await target.stop()
    }
  }, 60000)
})

describe('cache: true with a damaged entry in the store', () => {
  /** A copy of the warm store with one layer's bytes flipped (same size, so only its digest tells). */
  function damagedStore(name: string): { dir: string; blob: { digest: string; size: number } } {
    const dir = storeOf(name)
    fs.cpSync(storeOf('warm'), dir, { recursive: true })
    const blob = images.single!.blobs[1] as { digest: string; size: number }
    const file = path.join(dir, 'blobs', 'sha256', blob.digest.slice('sha256:'.length))
    const bytes = fs.readFileSync(file)
    bytes[1000] = bytes[1000]! ^ 0xff
    fs.writeFileSync(file, bytes)
    return { dir, blob }
  }

  it('export fetches the damaged blob again from the source and writes the right bytes into the bundle', async () => {
    const { dir, blob } = damagedStore('damaged-export')
    const cache = new BlobCache(dir)
    source.reset()
    const bundle = path.join(work, 'damaged-bundle')
    const record = await exportWith(cache, bundle)
    expect(requestsTo(source).filter(line => !line.startsWith('HEAD ') && line !== 'GET /v2/')).toEqual([`GET /v2/app/single/blobs/${blob.digest}`])
    expect(cache.counts).toMatchObject({ discarded: 1, fetched: 1 })
    expect(record.images.find(image => image.source.endsWith('app/single:1'))?.digest).toBe(images.single!.digest)
    expect(fs.readFileSync(path.join(bundle, 'blobs', 'sha256', blob.digest.slice(7)))).toEqual(fs.readFileSync(path.join(dir, 'blobs', 'sha256', blob.digest.slice(7))))
    expect(fs.statSync(path.join(bundle, 'blobs', 'sha256', blob.digest.slice(7))).size).toBe(blob.size)
  })

  it('mirror fetches the damaged blob again from the source, and the target gets the right bytes', async () => {
    const { dir, blob } = damagedStore('damaged-mirror')
    const cache = new BlobCache(dir)
    source.reset()
    const { digests, target } = await mirrorWith(cache)
    try {
      expect(requestsTo(source).filter(line => !line.startsWith('HEAD ') && line !== 'GET /v2/')).toEqual([`GET /v2/app/single/blobs/${blob.digest}`])
      expect(digests).toEqual(sourceDigests())
      expect(cache.counts).toMatchObject({ discarded: 1, fetched: 1 })
      // The target holds the source's bytes (distribution checks the digest of what it stores).
      const answer = await fetch(`${target.url}/v2/mirror/app/single/blobs/${blob.digest}`)
      expect(Buffer.from(await answer.arrayBuffer()).length).toBe(blob.size)
    } finally {
      await target.stop()
    }
  }, 60000)
})
