import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { EngineFailure, type CopyOutcome, type OperationContext } from '../src/engine/port.js'
import { RegistryEngine, type RegistryEngineOptions } from '../src/engine/registry/engine.js'
import { parseReference, type ImageReference } from '../src/reference.js'
import { startFaultProxy, type FaultProxy } from './harness/fault-proxy.js'
import { manifestDigest, pushImage, seededBytes, type PushedManifest } from './harness/oci-images.js'
import { startRegistry, type TestRegistry } from './harness/registry.js'
import { copyThrough, failureOf } from './harness/engine-calls.js'

let upstream: TestRegistry
let target: TestRegistry
let source: FaultProxy
let destination: FaultProxy
let image: PushedManifest
let other: PushedManifest

function engine(overrides: Partial<RegistryEngineOptions> = {}): RegistryEngine {
  return new RegistryEngine({ insecureRegistries: [], concurrency: 4, retries: 3, platforms: [], copyReferrers: false, retryBaseDelayMs: 10, retryMaxDelayMs: 2000, ...overrides })
}

beforeAll(async () => {
  ;[upstream, target] = await Promise.all([startRegistry(), startRegistry()])
  ;[source, destination] = await Promise.all([startFaultProxy(upstream.url), startFaultProxy(target.url)])
  image = await pushImage(upstream, 'app/fragile', '1.0', { format: 'oci', layers: [seededBytes('fragile-1', 200_000), seededBytes('fragile-2', 100_000)] })
  other = await pushImage(upstream, 'app/other', '1.0', { format: 'oci', layers: [seededBytes('other', 10_000)] })
})

afterAll(async () => {
  await Promise.all([source?.stop(), destination?.stop()])
  await Promise.all([upstream?.stop(), target?.stop()])
})

beforeEach(() => {
  source.clearRules()
  destination.clearRules()
  source.reset()
  destination.reset()
})

const context = (): OperationContext => ({ signal: new AbortController().signal, record: () => undefined })
const mirrorWith = (mirror: RegistryEngine, source: ImageReference, target: ImageReference): Promise<CopyOutcome> => copyThrough(mirror, source, target, context())

let run = 0
async function mirrorFragile(overrides: Partial<RegistryEngineOptions> = {}): Promise<{ result: CopyOutcome | EngineFailure; repository: string; mirror: RegistryEngine }> {
  run += 1
  const repository = `faults/run-${run}`
  const mirror = engine(overrides)
  let result: CopyOutcome | EngineFailure
  try {
    result = await mirrorWith(mirror, parseReference(`${source.host}/app/fragile:1.0`), parseReference(`${destination.host}/${repository}:1.0`))
  } catch (error) {
    if (!(error instanceof EngineFailure)) throw error
    result = error
  } finally {
    await mirror.close()
  }
  return { result, repository, mirror }
}

describe('RegistryEngine recovers from transient faults', () => {
  it('waits out a 429 with Retry-After and retries 503s, then copies the image', async () => {
    source.addRule({ method: 'GET', path: /\/manifests\//, fault: { kind: 'status', status: 429, retryAfterSeconds: 1 }, times: 1 })
    destination.addRule({ method: 'PUT', path: /\/manifests\//, fault: { kind: 'status', status: 503 }, times: 2 })
    const started = Date.now()
    const { result, repository } = await mirrorFragile()
    expect(result).toMatchObject({ status: 'mirrored', digest: image.digest })
    expect(Date.now() - started).toBeGreaterThanOrEqual(950)
    expect(source.requests.filter(r => r.fault === 'status')).toHaveLength(1)
    expect(destination.requests.filter(r => r.fault === 'status')).toHaveLength(2)
    expect(await manifestDigest(target, repository, '1.0')).toBe(image.digest)
  })

  it.each([
    ['a connection reset in the middle of a blob', 'reset-mid-body' as const],
    ['a blob body cut short but ended cleanly', 'truncate' as const]
  ])('retries %s and commits only the right bytes', async (_label, kind) => {
    source.addRule({ method: 'GET', path: /\/blobs\/sha256:/, fault: { kind }, times: 1 })
    const { result, repository } = await mirrorFragile()
    expect(result).toMatchObject({ status: 'mirrored', digest: image.digest })
    expect(source.requests.filter(r => r.fault === kind)).toHaveLength(1)
    expect(await manifestDigest(target, repository, '1.0')).toBe(image.digest)
  })
})

describe('RegistryEngine fails clearly and leaves no broken tag', () => {
  it('gives up on a target that keeps answering 503 as unreachable on the target, and creates no tag', async () => {
    destination.addRule({ method: 'PUT', path: /\/blobs\/uploads\//, fault: { kind: 'status', status: 503 }, times: 1000 })
    const { result, repository } = await mirrorFragile({ retries: 2 })
    expect(result).toBeInstanceOf(EngineFailure)
    expect(result).toMatchObject({ kind: 'unreachable', side: 'target' })
    expect((result as EngineFailure).message).toMatch(/HTTP 503 UNAVAILABLE/)
    // Each upload is retried as a whole, three attempts at most per blob; the first blob to give up stops the others.
    const refused = destination.requests.filter(r => r.fault === 'status' && r.path.startsWith(`/v2/${repository}/`))
    const perBlob = new Map<string, number>()
    for (const request of refused) {
      const digest = new URL(request.path, 'http://x').searchParams.get('digest') as string
      perBlob.set(digest, (perBlob.get(digest) ?? 0) + 1)
    }
    expect(Math.max(...perBlob.values())).toBe(3)
    expect([...perBlob.values()].every(attempts => attempts <= 3)).toBe(true)
    expect(await manifestDigest(target, repository, '1.0')).toBeUndefined()
  })

  it('refuses a source that keeps sending short blobs as an integrity failure on the source, and creates no tag', async () => {
    source.addRule({ method: 'GET', path: /\/blobs\/sha256:/, fault: { kind: 'truncate' }, times: 1000 })
    const { result, repository } = await mirrorFragile({ retries: 1 })
    expect(result).toMatchObject({ kind: 'integrity', side: 'source' })
    expect((result as EngineFailure).message).toMatch(/received \d+ bytes, expected \d+/)
    expect(await manifestDigest(target, repository, '1.0')).toBeUndefined()
  })

  it('stops before Docker Hub quota runs out, as rate-limited on the source', async () => {
    source.addRule({ method: 'GET', path: /\/manifests\//, fault: { kind: 'header', name: 'ratelimit-remaining', value: '2;w=21600' }, times: 1 })
    const mirror = engine()
    const first = await mirrorWith(mirror, parseReference(`${source.host}/app/fragile:1.0`), parseReference(`${destination.host}/quota/fragile:1.0`))
    const second = await failureOf(mirrorWith(mirror, parseReference(`${source.host}/app/other:1.0`), parseReference(`${destination.host}/quota/other:1.0`)))
    await mirror.close()
    expect(first.status).toBe('mirrored')
    expect(second).toMatchObject({ kind: 'rate-limited', side: 'source' })
    expect(second.message).toMatch(/ratelimit-remaining: 2/)
    expect(await manifestDigest(target, 'quota/other', '1.0')).toBeUndefined()
    expect(other.digest).toBeDefined()
  })
})

describe('RegistryEngine retries at one level only', () => {
  it('starts at most retries + 1 upload sessions per blob against a registry that refuses them all', async () => {
    destination.addRule({ method: 'POST', path: /\/blobs\/uploads\/$/, fault: { kind: 'status', status: 503 }, times: 1000 })
    const { result, repository } = await mirrorFragile({ retries: 2, concurrency: 1 })
    expect(result).toMatchObject({ kind: 'unreachable', side: 'target' })
    // Nested retries (each request retried inside a retried upload) made this (2 + 1)² = 9 for the first blob.
    const posts = destination.requests.filter(r => r.method === 'POST' && r.path === `/v2/${repository}/blobs/uploads/`)
    expect(posts).toHaveLength(3)
  })

  it('deletes the upload session a failed attempt left open', async () => {
    destination.addRule({ method: 'PUT', path: /\/blobs\/uploads\//, fault: { kind: 'status', status: 500 }, times: 1000 })
    const { result, repository } = await mirrorFragile({ retries: 1, concurrency: 1 })
    expect(result).toMatchObject({ kind: 'unreachable', side: 'target' })
    const mine = destination.requests.filter(r => r.path.startsWith(`/v2/${repository}/`))
    const sessions = mine.filter(r => r.method === 'POST' && r.status === 202).length
    const deleted = mine.filter(r => r.method === 'DELETE' && /\/blobs\/uploads\/[^/?]+/.test(r.path))
    expect(sessions).toBeGreaterThan(0)
    expect(deleted).toHaveLength(sessions)
    expect(deleted.every(r => r.status === 204)).toBe(true)
  })
})

describe('RegistryEngine falls back from a refused mount to an upload', () => {
  it.each([
    ['401 without a usable challenge', 401],
    ['403', 403],
    ['404', 404],
    ['500', 500]
  ])('copies the image when the cross-repository mount answers %s', async (_label, status) => {
    const mirror = engine({ retries: 2 })
    run += 1
    const from = `mount-src/run-${run}`
    await mirrorWith(mirror, parseReference(`${source.host}/app/fragile:1.0`), parseReference(`${destination.host}/${from}:1.0`))
    destination.reset()
    destination.addRule({ method: 'POST', path: /\/blobs\/uploads\/\?mount=/, fault: { kind: 'status', status }, times: 1000 })
    const result = await mirrorWith(mirror, parseReference(`${destination.host}/${from}:1.0`), parseReference(`${destination.host}/mount-dst/run-${run}:1.0`))
    const counts = mirror.blobCounts()
    await mirror.close()
    expect(result).toMatchObject({ status: 'mirrored', digest: image.digest })
    expect(await manifestDigest(target, `mount-dst/run-${run}`, '1.0')).toBe(image.digest)
    // One mount try per blob (the fallback is the retry), then a plain upload.
    const mine = destination.requests.filter(r => r.path.startsWith(`/v2/mount-dst/run-${run}/`))
    const mounts = mine.filter(r => r.method === 'POST' && r.path.includes('mount='))
    expect(mounts).toHaveLength(image.blobs.length)
    expect(counts.mountsFailed).toBe(image.blobs.length)
    expect(mine.filter(r => r.method === 'PUT' && r.path.includes('digest='))).toHaveLength(image.blobs.length)
  })
})
