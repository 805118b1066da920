import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { RegistryEngine, type RegistryEngineOptions } from '../src/engine/registry/engine.js'
import { parseReference } from '../src/reference.js'
import { startFaultProxy, type FaultProxy } from './harness/fault-proxy.js'
import { manifestDigest, pushImage, seededBytes, type PushedManifest } from './harness/oci-images.js'
import { startRegistry, type TestRegistry } from './harness/registry.js'

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

let run = 0
async function mirrorFragile(overrides: Partial<RegistryEngineOptions> = {}): Promise<{ result: Awaited<ReturnType<RegistryEngine['mirror']>>; repository: string }> {
  run += 1
  const repository = `faults/run-${run}`
  const mirror = engine(overrides)
  const result = await mirror.mirror(parseReference(`${source.host}/app/fragile:1.0`), parseReference(`${destination.host}/${repository}:1.0`))
  await mirror.close()
  return { result, repository }
}

describe('RegistryEngine recovers from transient faults', () => {
  it('waits out a 429 with Retry-After and retries 503s, then copies the image', async () => {
    source.addRule({ method: 'GET', path: /\/manifests\//, fault: { kind: 'status', status: 429, retryAfterSeconds: 1 }, times: 1 })
    destination.addRule({ method: 'PUT', path: /\/manifests\//, fault: { kind: 'status', status: 503 }, times: 2 })
    const started = Date.now()
    const { result, repository } = await mirrorFragile()
    expect(result.error).toBeUndefined()
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
    expect(result.error).toBeUndefined()
    expect(result).toMatchObject({ status: 'mirrored', digest: image.digest })
    expect(source.requests.filter(r => r.fault === kind)).toHaveLength(1)
    expect(await manifestDigest(target, repository, '1.0')).toBe(image.digest)
  })
})

describe('RegistryEngine fails clearly and leaves no broken tag', () => {
  it('gives up on a target that keeps answering 503 and creates no tag', async () => {
    destination.addRule({ method: 'PUT', path: /\/blobs\/uploads\//, fault: { kind: 'status', status: 503 }, times: 1000 })
    const { result, repository } = await mirrorFragile({ retries: 2 })
    expect(result.status).toBe('failed')
    expect(result.error).toMatch(/HTTP 503 UNAVAILABLE/)
    expect(result.suggestion).toMatch(/re-run later/)
    // At most three attempts for each of the three blobs.
    expect(destination.requests.filter(r => r.fault === 'status').length).toBeLessThanOrEqual(3 * 3)
    expect(await manifestDigest(target, repository, '1.0')).toBeUndefined()
  })

  it('refuses a source that keeps sending short blobs, and creates no tag', async () => {
    source.addRule({ method: 'GET', path: /\/blobs\/sha256:/, fault: { kind: 'truncate' }, times: 1000 })
    const { result, repository } = await mirrorFragile({ retries: 1 })
    expect(result.status).toBe('failed')
    expect(result.error).toMatch(/received \d+ bytes, expected \d+/)
    expect(await manifestDigest(target, repository, '1.0')).toBeUndefined()
  })

  it('stops before Docker Hub quota runs out and says the image is left for the next run', async () => {
    source.addRule({ method: 'GET', path: /\/manifests\//, fault: { kind: 'header', name: 'ratelimit-remaining', value: '2;w=21600' }, times: 1 })
    const mirror = engine()
    const first = await mirror.mirror(parseReference(`${source.host}/app/fragile:1.0`), parseReference(`${destination.host}/quota/fragile:1.0`))
    const second = await mirror.mirror(parseReference(`${source.host}/app/other:1.0`), parseReference(`${destination.host}/quota/other:1.0`))
    await mirror.close()
    expect(first.status).toBe('mirrored')
    expect(second.status).toBe('skipped')
    expect(second.error).toMatch(/ratelimit-remaining: 2/)
    expect(second.suggestion).toMatch(/next run/)
    expect(await manifestDigest(target, 'quota/other', '1.0')).toBeUndefined()
    expect(other.digest).toBeDefined()
  })
})
