import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { type CopyOutcome, type OperationContext } from '../src/engine/port.js'
import { RegistryEngine, type RegistryEngineOptions } from '../src/engine/registry/engine.js'
import { parseReference, type ImageReference } from '../src/reference.js'
import { startFaultProxy, type FaultProxy } from './harness/fault-proxy.js'
import { blobExists, manifestBytes, manifestDigest, pushImage, pushMultiPlatform, pushReferrer, seededBytes, type PushedManifest } from './harness/oci-images.js'
import { startRegistry, type TestRegistry } from './harness/registry.js'
import { copyThrough, failureOf } from './harness/engine-calls.js'

const MiB = 1024 * 1024

let upstream: TestRegistry
let target: TestRegistry
let source: FaultProxy
let destination: FaultProxy
const images: Record<string, PushedManifest> = {}
let referrer: PushedManifest
const sharedLayer = seededBytes('shared-layer', 300_000)

function engine(overrides: Partial<RegistryEngineOptions> = {}): RegistryEngine {
  return new RegistryEngine({ insecureRegistries: [], concurrency: 4, retries: 2, platforms: [], copyReferrers: false, retryBaseDelayMs: 20, ...overrides })
}
const src = (name: string): ReturnType<typeof parseReference> => parseReference(`${source.host}/${name}`)
const dst = (name: string): ReturnType<typeof parseReference> => parseReference(`${destination.host}/${name}`)
const context = (lines: string[] = []): OperationContext => ({ signal: new AbortController().signal, record: line => lines.push(line) })
const mirrorWith = (mirror: RegistryEngine, source: ImageReference, target: ImageReference, lines: string[] = []): Promise<CopyOutcome> =>
  copyThrough(mirror, source, target, context(lines))
const count = (proxy: FaultProxy, method: string, pattern: RegExp = /./): number => proxy.requests.filter(r => r.method === method && pattern.test(r.path)).length

beforeAll(async () => {
  ;[upstream, target] = await Promise.all([startRegistry(), startRegistry()])
  ;[source, destination] = await Promise.all([startFaultProxy(upstream.url), startFaultProxy(target.url)])
  images.single = await pushImage(upstream, 'app/single', '1.0', { format: 'docker', layers: [seededBytes('single-1', 50_000), seededBytes('single-2', 80_000)] })
  images.ociSingle = await pushImage(upstream, 'app/oci-single', '1.0', { format: 'oci', layers: [seededBytes('oci-single', 60_000)] })
  const amd64 = { os: 'linux', architecture: 'amd64' }
  const arm64 = { os: 'linux', architecture: 'arm64', variant: 'v8' }
  images.multi = (await pushMultiPlatform(upstream, 'app/multi', '1.0', 'docker', 'multi', [amd64, arm64])).index
  images.ociMulti = (await pushMultiPlatform(upstream, 'app/oci-multi', '1.0', 'oci', 'oci-multi', [amd64, arm64])).index
  referrer = await pushReferrer(upstream, 'app/oci-multi', images.ociMulti, 'signature')
  images.sharerA = await pushImage(upstream, 'app/sharer-a', '1', { format: 'oci', layers: [sharedLayer, seededBytes('sharer-a', 10_000)] })
  images.sharerB = await pushImage(upstream, 'app/sharer-b', '1', { format: 'oci', layers: [sharedLayer, seededBytes('sharer-b', 20_000)] })
  images.big = await pushImage(upstream, 'app/big', '1', { format: 'oci', layers: [seededBytes('big', 24 * MiB)] })
}, 60000)

afterAll(async () => {
  await Promise.all([source?.stop(), destination?.stop()])
  await Promise.all([upstream?.stop(), target?.stop()])
})

describe('RegistryEngine copies images with their digests', () => {
  const cases: Array<[string, string, string, string[] | undefined]> = [
    ['a docker schema 2 image', 'app/single', 'single', undefined],
    ['an OCI image', 'app/oci-single', 'ociSingle', undefined],
    ['a two-platform docker manifest list', 'app/multi', 'multi', ['linux/amd64', 'linux/arm64/v8']],
    ['a two-platform OCI index', 'app/oci-multi', 'ociMulti', ['linux/amd64', 'linux/arm64/v8']]
  ]
  it.each(cases)('copies %s byte for byte, children and blobs included', async (_label, repository, key, platforms) => {
    const pushed = images[key] as PushedManifest
    const mirror = engine()
    const result = await mirrorWith(mirror, src(`${repository}:1.0`), dst(`mirror/${repository}:1.0`))
    await mirror.close()
    expect(result).toMatchObject({ status: 'mirrored', digest: pushed.digest })
    expect(result.platforms).toEqual(platforms)
    expect(await manifestDigest(target, `mirror/${repository}`, '1.0')).toBe(pushed.digest)
    expect((await manifestBytes(target, `mirror/${repository}`, '1.0')).equals(pushed.bytes)).toBe(true)
    for (const blob of pushed.blobs) expect(await blobExists(target, `mirror/${repository}`, blob.digest)).toBe(true)
    const unique = new Map(pushed.blobs.map(blob => [blob.digest, blob.size]))
    expect(result.bytesTransferred).toBe([...unique.values()].reduce((a, b) => a + b, 0))
  })

  it('skips every image on a second run with one HEAD on the target and one on the source per image', async () => {
    const names = ['app/single', 'app/oci-single', 'app/multi', 'app/oci-multi']
    const first = engine()
    for (const name of names) await mirrorWith(first, src(`${name}:1.0`), dst(`rerun/${name}:1.0`))
    await first.close()
    source.reset()
    destination.reset()
    const second = engine()
    const results = await Promise.all(names.map(name => mirrorWith(second, src(`${name}:1.0`), dst(`rerun/${name}:1.0`))))
    await second.close()
    expect(results.map(r => r.status)).toEqual(names.map(() => 'already-present'))
    expect(results.map(r => r.digest)).toEqual([images.single, images.ociSingle, images.multi, images.ociMulti].map(i => i?.digest))
    expect(destination.requests.map(r => r.method)).toEqual(names.map(() => 'HEAD'))
    expect(source.requests.map(r => r.method)).toEqual(names.map(() => 'HEAD'))
  })

  it('skips an image pinned by digest with exactly one HEAD, on the target only', async () => {
    const pinned = parseReference(`${source.host}/app/multi@${images.multi?.digest}`)
    const first = engine()
    expect((await mirrorWith(first, pinned, dst('pinned/multi:1.0'))).status).toBe('mirrored')
    await first.close()
    source.reset()
    destination.reset()
    const second = engine()
    expect((await mirrorWith(second, pinned, dst('pinned/multi:1.0'))).status).toBe('already-present')
    await second.close()
    expect(destination.requests.map(r => `${r.method} ${r.path}`)).toEqual(['HEAD /v2/pinned/multi/manifests/1.0'])
    expect(source.requests).toHaveLength(0)
  })
})

describe('RegistryEngine moves each blob once', () => {
  it('transfers a layer shared by two images once and mounts it into the second repository', async () => {
    source.reset()
    destination.reset()
    const mirror = engine()
    const [a, b] = await Promise.all([mirrorWith(mirror, src('app/sharer-a:1'), dst('share/sharer-a:1')), mirrorWith(mirror, src('app/sharer-b:1'), dst('share/sharer-b:1'))])
    await mirror.close()
    expect([a?.status, b?.status]).toEqual(['mirrored', 'mirrored'])
    const shared = images.sharerA?.blobs.find(blob => blob.size === sharedLayer.length)?.digest as string
    expect(count(source, 'GET', new RegExp(`/blobs/${shared}`))).toBe(1)
    expect(count(destination, 'POST', new RegExp(`mount=${encodeURIComponent(shared)}`))).toBe(1)
    expect(count(destination, 'PUT', new RegExp(`digest=${encodeURIComponent(shared)}`))).toBe(1)
    expect((a?.bytesTransferred ?? 0) + (b?.bytesTransferred ?? 0)).toBe(
      [...new Map([...(images.sharerA?.blobs ?? []), ...(images.sharerB?.blobs ?? [])].map(blob => [blob.digest, blob.size])).values()].reduce((x, y) => x + y, 0)
    )
    expect(await blobExists(target, 'share/sharer-b', shared)).toBe(true)
    expect(mirror.blobCounts()).toMatchObject({ mounts: 1, mountsDeclined: 0 })
  })

  it('mounts every blob from the source repository when source and target are the same registry', async () => {
    const mirror = engine()
    await mirrorWith(mirror, src('app/single:1.0'), dst('same/single:1.0'))
    destination.reset()
    const result = await mirrorWith(mirror, dst('same/single:1.0'), dst('same/copy:1.0'))
    await mirror.close()
    expect(result).toMatchObject({ status: 'mirrored', digest: images.single?.digest, bytesTransferred: 0 })
    expect(count(destination, 'POST', /mount=/)).toBe(images.single?.blobs.length)
    expect(count(destination, 'GET', /\/blobs\//)).toBe(0)
  })

  it('uploads a 24 MiB layer in 4 MiB PATCH chunks and commits it with the right digest', async () => {
    destination.reset()
    const mirror = engine({ chunkSize: 4 * MiB, chunkThreshold: 8 * MiB })
    const result = await mirrorWith(mirror, src('app/big:1'), dst('chunked/big:1'))
    await mirror.close()
    expect(result).toMatchObject({ status: 'mirrored', digest: images.big?.digest })
    expect(count(destination, 'PATCH')).toBe(6)
    const layer = images.big?.blobs.find(blob => blob.size === 24 * MiB)?.digest as string
    expect(await blobExists(target, 'chunked/big', layer)).toBe(true)
    expect(mirror.stats()[destination.host]?.bytesSent).toBeGreaterThanOrEqual(24 * MiB)
  })
})

describe('RegistryEngine options', () => {
  it('copies only the requested platforms, which gives the index a new digest', async () => {
    const mirror = engine({ platforms: ['linux/arm64'] })
    const result = await mirrorWith(mirror, src('app/multi:1.0'), dst('subset/multi:1.0'))
    const again = await mirrorWith(mirror, src('app/multi:1.0'), dst('subset/multi:1.0'))
    await mirror.close()
    expect(result.status).toBe('mirrored')
    expect(result.platforms).toEqual(['linux/arm64/v8'])
    expect(result.digest).not.toBe(images.multi?.digest)
    const stored = JSON.parse((await manifestBytes(target, 'subset/multi', '1.0')).toString()) as { manifests: unknown[] }
    expect(stored.manifests).toHaveLength(1)
    expect(again).toMatchObject({ status: 'already-present', digest: result.digest })
  })

  it('copies referrers through the sha256-<hex> tag when copy-referrers is on', async () => {
    const mirror = engine({ copyReferrers: true })
    const result = await mirrorWith(mirror, src('app/oci-multi:1.0'), dst('signed/oci-multi:1.0'))
    await mirror.close()
    expect(result).toMatchObject({ status: 'mirrored', digest: images.ociMulti?.digest })
    const tag = (images.ociMulti?.digest as string).replace(':', '-')
    expect(await manifestDigest(target, 'signed/oci-multi', tag)).toBe(await manifestDigest(upstream, 'app/oci-multi', tag))
    expect(await manifestDigest(target, 'signed/oci-multi', referrer.digest)).toBe(referrer.digest)
  })

  it('leaves referrers behind when copy-referrers is off', async () => {
    const mirror = engine()
    await mirrorWith(mirror, src('app/oci-multi:1.0'), dst('unsigned/oci-multi:1.0'))
    await mirror.close()
    expect(await manifestDigest(target, 'unsigned/oci-multi', (images.ociMulti?.digest as string).replace(':', '-'))).toBeUndefined()
  })
})

describe('RegistryEngine reports', () => {
  it('looks a present target up with its digest in one HEAD, and reports a missing one', async () => {
    const mirror = engine()
    await mirrorWith(mirror, src('app/single:1.0'), dst('verify/single:1.0'))
    destination.reset()
    const lines: string[] = []
    const present = await mirror.lookup(dst('verify/single:1.0'), context(lines))
    const absent = await mirror.lookup(dst('verify/absent:1.0'), context())
    await mirror.close()
    expect(present).toEqual({ status: 'verified', digest: images.single?.digest })
    expect(absent).toEqual({ status: 'missing' })
    expect(destination.requests.map(r => `${r.method} ${r.path}`)).toEqual(['HEAD /v2/verify/single/manifests/1.0', 'HEAD /v2/verify/absent/manifests/1.0'])
    expect(mirror.describeLookup(dst('verify/single:1.0'))).toEqual([`HEAD ${destination.host}/v2/verify/single/manifests/1.0`])
    expect(lines).toEqual(mirror.describeLookup(dst('verify/single:1.0')))
  })

  it('fails a missing source tag as not-found on the source, with the HTTP status and registry code, and creates no target tag', async () => {
    const mirror = engine()
    const failure = await failureOf(mirrorWith(mirror, src('app/single:does-not-exist'), dst('missing/single:does-not-exist')))
    await mirror.close()
    expect(failure).toMatchObject({ kind: 'not-found', side: 'source' })
    expect(failure.details.host).toBe(source.host)
    expect(failure.message).toMatch(/HTTP 404 MANIFEST_UNKNOWN/)
    expect(await manifestDigest(target, 'missing/single', 'does-not-exist')).toBeUndefined()
  })

  it('prepares with reads only and lists the requests the copy will make; the copy records what it sent', async () => {
    const mirror = engine()
    source.reset()
    destination.reset()
    const ctx = context()
    const prepared = await mirror.prepareCopy(src('app/single:1.0'), dst('steps/single:1.0'), ctx)
    expect([...source.requests, ...destination.requests].map(r => r.method)).toEqual(['HEAD', 'HEAD'])
    expect(prepared.done).toBeUndefined()
    expect(prepared.steps).toEqual([
      `GET ${source.host}/v2/app/single/manifests/${images.single?.digest}`,
      `copy blobs of ${images.single?.digest} into ${destination.host}/steps/single (HEAD, mount from another repository or upload)`,
      `PUT ${destination.host}/v2/steps/single/manifests/1.0`
    ])
    const lines: string[] = []
    const ctxCopy = context(lines)
    const outcome = await mirror.copy(prepared, ctxCopy)
    await mirror.close()
    expect(outcome).toMatchObject({ status: 'mirrored', digest: images.single?.digest })
    // The copy does not repeat the HEADs prepare made.
    expect(source.requests.filter(r => r.method === 'HEAD')).toHaveLength(1)
    expect(lines[0]).toBe(`GET ${source.host}/v2/app/single/manifests/${images.single?.digest}`)
    expect(lines.at(-1)).toBe(`PUT ${destination.host}/v2/steps/single/manifests/1.0`)
    expect(lines.filter(line => line.startsWith(`POST ${destination.host}/v2/steps/single/blobs/uploads/`))).toHaveLength(images.single?.blobs.length as number)
    // What the registry wrote into upload locations (_state) never reaches the log.
    expect(lines.every(line => !line.includes('_state'))).toBe(true)
  })

  it('prepares an already-present image as done, with no steps', async () => {
    const mirror = engine()
    await mirrorWith(mirror, src('app/oci-single:1.0'), dst('done/oci-single:1.0'))
    const prepared = await mirror.prepareCopy(src('app/oci-single:1.0'), dst('done/oci-single:1.0'), context())
    await mirror.close()
    expect(prepared.done).toMatchObject({ status: 'already-present', digest: images.ociSingle?.digest })
    expect(prepared.steps).toEqual([])
  })
})
