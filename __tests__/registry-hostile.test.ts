import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as http from 'node:http'
import * as os from 'node:os'
import * as path from 'node:path'
import { EngineFailure, type CopyOutcome, type Credentials, type OperationContext } from '../src/engine/port.js'
import { RegistryEngine, type RegistryEngineOptions } from '../src/engine/registry/engine.js'
import { parseReference, type ImageReference } from '../src/reference.js'
import { startFaultProxy, type FaultProxy } from './harness/fault-proxy.js'
import { answerError, drip, flood, manifestDocument, serveImage, sha256, startHostileRegistry, tokenHandler, type HostileRegistry } from './harness/hostile-registry.js'
import { manifestDigest, seededBytes } from './harness/oci-images.js'
import { catalog } from './harness/registry-api.js'
import { startRegistry, type TestRegistry } from './harness/registry.js'
import { copyThrough, failureOf } from './harness/engine-calls.js'

const hubUser = { username: 'hub-user', password: 'hub-secret-1' }
const targetUser = { username: 'target-user', password: 'target-secret-2' }
const sourceUser = { username: 'source-user', password: 'source-secret-3' }
const basicOf = (user: Credentials): string => `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`
const emptyConfigDir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-hostile-no-docker-config-'))

let target: TestRegistry
let destination: FaultProxy
let authedTarget: TestRegistry
let authedDestination: FaultProxy
let hostile: HostileRegistry
let realm: HostileRegistry

function engine(overrides: Partial<RegistryEngineOptions> = {}): RegistryEngine {
  return new RegistryEngine({
    insecureRegistries: [],
    concurrency: 2,
    retries: 1,
    platforms: [],
    copyReferrers: false,
    retryBaseDelayMs: 10,
    retryMaxDelayMs: 200,
    dockerConfigDir: emptyConfigDir,
    ...overrides
  })
}
const context = (controller = new AbortController()): OperationContext => ({ signal: controller.signal, record: () => undefined })
const mirrorWith = (mirror: RegistryEngine, source: ImageReference, to: ImageReference, ctx: OperationContext = context()): Promise<CopyOutcome> => copyThrough(mirror, source, to, ctx)
/** Runs a copy with a fresh engine, closed afterwards, and hands back its failure. */
async function failedCopy(source: string, to: string, overrides: Partial<RegistryEngineOptions> = {}): Promise<EngineFailure> {
  const mirror = engine(overrides)
  try {
    return await failureOf(mirrorWith(mirror, parseReference(source), parseReference(to)))
  } finally {
    await mirror.close()
  }
}
const writes = (proxy: FaultProxy): string[] => proxy.requests.filter(r => ['PUT', 'POST', 'PATCH', 'DELETE'].includes(r.method)).map(r => `${r.method} ${r.path}`)
let run = 0
const fresh = (name: string): string => {
  run += 1
  return `${destination.host}/hostile/${name}-${run}:1`
}

beforeAll(async () => {
  ;[target, authedTarget] = await Promise.all([startRegistry(), startRegistry({ basicAuth: targetUser })])
  ;[destination, authedDestination] = await Promise.all([startFaultProxy(target.url), startFaultProxy(authedTarget.url)])
  ;[hostile, realm] = await Promise.all([startHostileRegistry(), startHostileRegistry()])
}, 60000)

afterAll(async () => {
  await Promise.all([destination?.stop(), authedDestination?.stop(), hostile?.stop(), realm?.stop()])
  await Promise.all([target?.stop(), authedTarget?.stop()])
})

beforeEach(() => {
  for (const registry of [hostile, realm]) {
    registry.clearRules()
    registry.reset()
    registry.requireAuth(undefined)
  }
  for (const proxy of [destination, authedDestination]) {
    proxy.clearRules()
    proxy.reset()
  }
})

describe('credentials go only to the host they are for', () => {
  it('sends Docker Hub credentials neither to another source registry nor to a registry-mirror they were not mapped for; target credentials only to the target', async () => {
    const image = serveImage(hostile, 'library/app', '1', [seededBytes('scoped-hub', 5000)])
    serveImage(hostile, 'team/app', '1', [seededBytes('scoped-other', 5000)])
    hostile.requireAuth(`Bearer realm="${hostile.url}/token",service="hostile"`)
    hostile.on({ path: /^\/token/, handle: tokenHandler() })
    const mirror = engine({
      registryMirror: hostile.url,
      credentials: new Map([
        ['docker.io', hubUser],
        [authedDestination.host, targetUser]
      ])
    })
    const fromHub = await mirrorWith(mirror, parseReference('docker.io/library/app:1'), parseReference(`${authedDestination.host}/scoped/hub:1`))
    const fromOther = await mirrorWith(mirror, parseReference(`${hostile.host}/team/app:1`), parseReference(`${authedDestination.host}/scoped/other:1`))
    await mirror.close()
    expect(fromHub).toMatchObject({ status: 'mirrored', digest: image.digest })
    expect(fromOther.status).toBe('mirrored')
    // The mirror and the other source (one hostile host here) got tokens anonymously, and never a password.
    expect(hostile.requests.filter(r => r.path.startsWith('/token')).length).toBeGreaterThan(0)
    expect(hostile.requests.filter(r => r.authorization?.startsWith('Basic '))).toEqual([])
    // The target got its own credentials and nothing else.
    const targetAuth = new Set(authedDestination.requests.map(r => r.authorization).filter(Boolean))
    expect([...targetAuth]).toEqual([basicOf(targetUser)])
  })

  it('sends mapped credentials to the registry-mirror when the caller maps them to its host', async () => {
    serveImage(hostile, 'library/mapped', '1', [seededBytes('mapped-hub', 3000)])
    hostile.requireAuth(`Bearer realm="${hostile.url}/token",service="hostile"`)
    hostile.on({ path: /^\/token/, handle: tokenHandler() })
    const mirror = engine({ registryMirror: hostile.url, credentials: new Map([[hostile.host, hubUser]]) })
    const result = await mirrorWith(mirror, parseReference('docker.io/library/mapped:1'), parseReference(fresh('mapped')))
    await mirror.close()
    expect(result.status).toBe('mirrored')
    expect(hostile.requests.filter(r => r.path.startsWith('/token')).map(r => r.authorization)).toContain(basicOf(hubUser))
  })

  it.each([
    ['a realm on another host name gets no credentials', (port: number) => `http://localhost:${port}/token`, [] as Array<[string, Credentials]>, undefined],
    ['a realm on the registry host name gets its credentials', (port: number) => `http://127.0.0.1:${port}/token`, [], basicOf(sourceUser)],
    ['a realm on another host gets the credentials mapped for that host', (port: number) => `http://localhost:${port}/token`, [[`localhost:PORT`, hubUser]], basicOf(hubUser)],
    ['a realm that is not http(s) is refused', () => 'file:///etc/passwd', [], 'refused']
  ] as Array<[string, (port: number) => string, Array<[string, Credentials]>, string | undefined]>)('%s', async (_label, realmUrl, extra, expected) => {
    serveImage(hostile, 'team/realm', '1', [seededBytes('realm', 2000)])
    hostile.requireAuth(`Bearer realm="${realmUrl(realm.port)}",service="hostile"`)
    realm.on({ path: /^\/token/, handle: tokenHandler() })
    const credentials = new Map<string, Credentials>([[hostile.host, sourceUser], ...extra.map(([host, user]): [string, Credentials] => [host.replace('PORT', String(realm.port)), user])])
    const mirror = engine({ credentials })
    try {
      if (expected === 'refused') {
        const failure = await failureOf(mirrorWith(mirror, parseReference(`${hostile.host}/team/realm:1`), parseReference(fresh('realm'))))
        expect(failure).toMatchObject({ kind: 'unauthorized', side: 'source' })
        expect(failure.message).toMatch(/not an http\(s\) URL/)
        return
      }
      const result = await mirrorWith(mirror, parseReference(`${hostile.host}/team/realm:1`), parseReference(fresh('realm')))
      expect(result.status).toBe('mirrored')
    } finally {
      await mirror.close()
    }
    const tokenRequests = realm.requests.filter(r => r.path.startsWith('/token'))
    expect(tokenRequests.length).toBeGreaterThan(0)
    expect(new Set(tokenRequests.map(r => r.authorization))).toEqual(new Set([expected]))
    expect(hostile.requests.filter(r => r.authorization?.startsWith('Basic '))).toEqual([])
  })

  it('never sends the Authorization header along a blob redirect to another host name, and refuses a redirect out of http(s)', async () => {
    const image = serveImage(hostile, 'team/redirected', '1', [seededBytes('redirected', 4000)])
    hostile.requireAuth('Basic realm="hostile"')
    hostile.on({
      method: 'GET',
      path: /\/blobs\//,
      times: 2,
      handle: (req, res) => {
        res.writeHead(307, { location: `http://localhost:${realm.port}${req.url ?? ''}` })
        res.end()
      }
    })
    // 'Blob storage' on another host name: fetches the blob itself and records what it was sent.
    realm.on({
      path: /\/blobs\//,
      handle: (req, res) => {
        http.get(`${hostile.url}${req.url ?? ''}`, { headers: { authorization: 'Basic c3RvcmFnZTo=' } }, upstream => {
          res.writeHead(upstream.statusCode ?? 502, upstream.headers)
          upstream.pipe(res)
        })
      }
    })
    const mirror = engine({ credentials: new Map([[hostile.host, sourceUser]]) })
    const result = await mirrorWith(mirror, parseReference(`${hostile.host}/team/redirected:1`), parseReference(fresh('redirected')))
    await mirror.close()
    expect(result).toMatchObject({ status: 'mirrored', digest: image.digest })
    const storage = realm.requests.filter(r => r.path.includes('/blobs/'))
    expect(storage).toHaveLength(2)
    expect(storage.map(r => r.authorization)).toEqual([undefined, undefined])
    // The engine's own blob requests to the registry carried the registry's credentials; the storage's fetches carry its own.
    const direct = hostile.requests.filter(r => r.path.includes('/blobs/') && r.authorization !== 'Basic c3RvcmFnZTo=')
    expect(direct.map(r => r.authorization)).toEqual([basicOf(sourceUser), basicOf(sourceUser)])

    hostile.clearRules()
    hostile.on({
      method: 'GET',
      path: /\/blobs\//,
      handle: (_req, res) => {
        res.writeHead(302, { location: 'file:///etc/passwd' })
        res.end()
      }
    })
    const refused = await failedCopy(`${hostile.host}/team/redirected:1`, fresh('redirected'), { credentials: new Map([[hostile.host, sourceUser]]) })
    expect(refused).toMatchObject({ kind: 'integrity', side: 'source' })
    expect(refused.message).toMatch(/refused a redirect/)
  })

  it('stops following a redirect loop after a few hops', async () => {
    serveImage(hostile, 'team/loop', '1', [seededBytes('loop', 1000)])
    hostile.on({
      method: 'GET',
      path: /\/blobs\//,
      handle: (req, res) => {
        res.writeHead(307, { location: req.url ?? '/' })
        res.end()
      }
    })
    const failure = await failedCopy(`${hostile.host}/team/loop:1`, fresh('loop'), { retries: 1, concurrency: 1 })
    expect(failure.side).toBe('source')
    expect(failure.message).toMatch(/HTTP 307/)
    // Six requests per attempt at most (the first and five hops), two attempts, two blobs at most before the first failure stops the image.
    expect(hostile.requests.filter(r => r.path.includes('/blobs/')).length).toBeLessThanOrEqual(6 * 2 * 2)
  })
})

describe('every digest from a registry is checked before it is used', () => {
  it('refuses an index whose child digest is a path, as an integrity failure on the source, and writes nothing', async () => {
    const planted = manifestDocument('index', {
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: '../../../other/repo/manifests/x', size: 10, platform: { os: 'linux', architecture: 'amd64' } }]
    })
    hostile.addManifest('team/planted', ['1'], planted.bytes, planted.mediaType)
    const before = await catalog(target)
    const failure = await failedCopy(`${hostile.host}/team/planted:1`, fresh('planted'))
    expect(failure).toMatchObject({ kind: 'integrity', side: 'source' })
    expect(failure.message).toMatch(/not a valid digest/)
    expect(writes(destination)).toEqual([])
    expect([...destination.requests, ...hostile.requests].some(r => r.path.includes('other/repo') || r.path.includes('..'))).toBe(false)
    expect(await catalog(target)).toEqual(before)
  })

  const valid = `sha256:${'a'.repeat(64)}`
  it.each([
    ['an uppercase hex layer digest', { layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${'A'.repeat(64)}`, size: 1 }] }],
    ['a short sha256 config digest', { config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: 'sha256:abc', size: 1 } }],
    ['a sha512 digest of sha256 length', { layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha512:${'b'.repeat(64)}`, size: 1 }] }],
    ['an unknown algorithm', { layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `md5:${'c'.repeat(32)}`, size: 1 }] }],
    ['a subject digest with a query', { subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `${valid}?x=1`, size: 1 } }],
    ['a negative size', { layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: valid, size: -1 }] }]
  ])('refuses a manifest with %s and writes nothing', async (_label, fields) => {
    const config = { mediaType: 'application/vnd.oci.image.config.v1+json', digest: valid, size: 2 }
    const document = manifestDocument('manifest', { config, layers: [], ...fields })
    hostile.addManifest('team/bad-descriptor', ['1'], document.bytes, document.mediaType)
    const failure = await failedCopy(`${hostile.host}/team/bad-descriptor:1`, fresh('bad-descriptor'))
    expect(failure).toMatchObject({ kind: 'integrity', side: 'source' })
    expect(writes(destination)).toEqual([])
  })

  it.each([
    ['a path', 'sha256:../../../other/repo/manifests/x'],
    ['trailing text', `${valid}\r\n::error::planted`],
    ['no algorithm', 'a'.repeat(64)]
  ])('refuses a Docker-Content-Digest header with %s in prepare, touching nothing', async (_label, digest) => {
    serveImage(hostile, 'team/bad-header', '1', [seededBytes('bad-header', 1000)])
    hostile.on({
      method: 'HEAD',
      path: /\/manifests\//,
      handle: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': digest.replace(/[\r\n]/g, ' ') })
        res.end()
      }
    })
    const failure = await failedCopy(`${hostile.host}/team/bad-header:1`, fresh('bad-header'))
    expect(failure).toMatchObject({ kind: 'integrity', side: 'source' })
    expect(failure.message).not.toMatch(/[\r\n]/)
    expect(writes(destination)).toEqual([])
  })

  it('refuses a manifest whose bytes do not match the digest its HEAD announced', async () => {
    const image = serveImage(hostile, 'team/liar', '1', [seededBytes('liar', 1000)])
    const lie = `sha256:${'d'.repeat(64)}`
    hostile.on({
      method: 'HEAD',
      path: /\/manifests\//,
      handle: (_req, res) => {
        res.writeHead(200, { 'content-type': image.mediaType, 'docker-content-digest': lie })
        res.end()
      }
    })
    // Whatever digest it is asked for, it serves the same bytes.
    hostile.on({
      method: 'GET',
      path: /\/manifests\//,
      handle: (_req, res) => {
        res.writeHead(200, { 'content-type': image.mediaType, 'content-length': String(image.bytes.length) })
        res.end(image.bytes)
      }
    })
    const failure = await failedCopy(`${hostile.host}/team/liar:1`, fresh('liar'))
    expect(failure).toMatchObject({ kind: 'integrity', side: 'source' })
    expect(failure.message).toMatch(/hashes to sha256:[0-9a-f]{64}, expected sha256:d{64}/)
    expect(writes(destination)).toEqual([])
  })

  it('refuses a blob whose bytes do not match its digest, commits nothing and deletes the upload session', async () => {
    const layer = seededBytes('honest', 20_000)
    const image = serveImage(hostile, 'team/swapped', '1', [layer])
    const digest = image.layers[0]?.digest as string
    hostile.on({
      method: 'GET',
      path: new RegExp(`/blobs/${digest}`),
      handle: (_req, res) => {
        const swapped = seededBytes('swapped', 20_000)
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(swapped.length) })
        res.end(swapped)
      }
    })
    const to = fresh('swapped')
    const failure = await failedCopy(`${hostile.host}/team/swapped:1`, to)
    expect(failure).toMatchObject({ kind: 'integrity', side: 'source' })
    expect(failure.message).toMatch(/hash to/)
    const repository = parseReference(to).repository
    expect(await manifestDigest(target, repository, '1')).toBeUndefined()
    const layerPut = destination.requests.filter(r => r.method === 'PUT' && r.path.includes(encodeURIComponent(digest)))
    expect(layerPut.every(r => r.status !== 201)).toBe(true)
    const sessions = destination.requests.filter(r => r.method === 'POST' && r.status === 202 && r.path.includes(repository)).length
    expect(destination.requests.filter(r => r.method === 'DELETE')).toHaveLength(sessions - 1)
    expect(sessions).toBeGreaterThan(1)
  })
})

describe('sizes and times are bounded', () => {
  it('refuses a manifest that announces more than 4 MiB without reading it', async () => {
    hostile.on({
      method: 'HEAD',
      path: /\/manifests\//,
      handle: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': `sha256:${'e'.repeat(64)}` })
        res.end()
      }
    })
    let written = -1
    hostile.on({
      method: 'GET',
      path: /\/manifests\//,
      handle: async (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'content-length': String(5 * 1024 * 1024) })
        written = await drip(res, { total: 5 * 1024 * 1024, chunk: 1024, intervalMs: 20, maxMs: 10_000 })
      }
    })
    const started = Date.now()
    const failure = await failedCopy(`${hostile.host}/team/huge:1`, fresh('huge'))
    expect(failure).toMatchObject({ kind: 'integrity', side: 'source' })
    expect(failure.message).toMatch(/larger than 4194304 bytes/)
    expect(Date.now() - started).toBeLessThan(5000)
    await waitFor(() => written >= 0)
    expect(written).toBeLessThan(64 * 1024)
  })

  it('stops reading a manifest without Content-Length past 4 MiB', async () => {
    hostile.on({
      method: 'HEAD',
      path: /\/manifests\//,
      handle: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': `sha256:${'f'.repeat(64)}` })
        res.end()
      }
    })
    const written: number[] = []
    hostile.on({
      method: 'GET',
      path: /\/manifests\//,
      handle: async (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' })
        written.push(await flood(res, { total: 256 * 1024 * 1024, maxMs: 20_000 }))
      }
    })
    const failure = await failedCopy(`${hostile.host}/team/endless:1`, fresh('endless'), { retries: 0 })
    expect(failure).toMatchObject({ kind: 'integrity', side: 'source' })
    expect(failure.message).toMatch(/larger than 4194304 bytes/)
    await waitFor(() => written.length === 1)
    // Whatever the socket buffers held, far from the 256 MiB on offer.
    expect(written[0]).toBeLessThan(32 * 1024 * 1024)
  })

  it('ends a request whose body drips slower than its deadline, as unreachable on the source', async () => {
    const image = serveImage(hostile, 'team/drip', '1', [seededBytes('drip', 1000)])
    hostile.on({
      method: 'GET',
      path: /\/manifests\//,
      handle: async (_req, res) => {
        res.writeHead(200, { 'content-type': image.mediaType, 'content-length': String(image.bytes.length) })
        await drip(res, { total: image.bytes.length, chunk: 1, intervalMs: 50, maxMs: 10_000, fill: image.bytes })
      }
    })
    const started = Date.now()
    const failure = await failedCopy(`${hostile.host}/team/drip:1`, fresh('drip'), { deadlineMs: 500, timeoutMs: 5000, retries: 1 })
    const elapsed = Date.now() - started
    expect(failure).toMatchObject({ kind: 'unreachable', side: 'source' })
    expect(failure.message).toMatch(/deadline of 500 ms/)
    // Two attempts of half a second each, never the inactivity timeout of five.
    expect(elapsed).toBeGreaterThanOrEqual(900)
    expect(elapsed).toBeLessThan(4000)
  })
})

describe('cancellation reaches every request', () => {
  it('ends a copy promptly when aborted mid-blob, as cancelled, and deletes the open upload session', async () => {
    const layer = seededBytes('slow-layer', 512 * 1024)
    const image = serveImage(hostile, 'team/slow', '1', [layer])
    const digest = image.layers[0]?.digest as string
    hostile.on({
      method: 'GET',
      path: new RegExp(`/blobs/${digest}`),
      handle: async (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(layer.length) })
        await drip(res, { total: layer.length, chunk: 1024, intervalMs: 20, maxMs: 20_000, fill: layer })
      }
    })
    const to = fresh('slow')
    const controller = new AbortController()
    const mirror = engine()
    const copying = failureOf(mirrorWith(mirror, parseReference(`${hostile.host}/team/slow:1`), parseReference(to), context(controller)))
    await waitFor(() => hostile.requests.some(r => r.path.includes(`/blobs/${digest}`)))
    await new Promise(resolve => setTimeout(resolve, 200))
    const aborted = Date.now()
    controller.abort()
    const failure = await copying
    const took = Date.now() - aborted
    await mirror.close()
    expect(failure).toMatchObject({ kind: 'cancelled' })
    expect(took).toBeLessThan(1500)
    const repository = parseReference(to).repository
    const session = destination.requests.find(r => r.method === 'POST' && r.status === 202 && r.path.includes(repository) && !r.path.includes('mount='))
    expect(session).toBeDefined()
    // The layer's session (and the config's, when a slow machine had not finished it yet) is deleted.
    await waitFor(() => destination.requests.some(r => r.method === 'DELETE' && r.status !== undefined))
    const deleted = destination.requests.filter(r => r.method === 'DELETE')
    expect(deleted.length).toBeGreaterThanOrEqual(1)
    expect(deleted.every(r => new RegExp(`^/v2/${repository}/blobs/uploads/[0-9a-f-]+`).test(r.path))).toBe(true)
    // 204, or 404 when distribution already dropped the session whose PUT broke off: either way none is left open.
    expect(deleted.every(r => r.status === undefined || [204, 404].includes(r.status))).toBe(true)
    expect(await manifestDigest(target, repository, '1')).toBeUndefined()
  })

  it('ends the wait between retries at once when aborted', async () => {
    serveImage(hostile, 'team/busy', '1', [seededBytes('busy', 1000)])
    hostile.on({ method: 'GET', path: /\/manifests\//, handle: (_req, res) => answerError(res, 503, 'UNAVAILABLE', 'come back in a minute') })
    hostile.on({
      method: 'HEAD',
      path: /\/manifests\//,
      handle: (_req, res) => {
        res.writeHead(503, { 'retry-after': '60' })
        res.end()
      }
    })
    const controller = new AbortController()
    const mirror = engine({ retries: 5, retryMaxDelayMs: 60_000 })
    const preparing = failureOf(mirror.prepareCopy(parseReference(`${hostile.host}/team/busy:1`), parseReference(fresh('busy')), context(controller)))
    await waitFor(() => hostile.requests.length > 0)
    await new Promise(resolve => setTimeout(resolve, 100))
    const aborted = Date.now()
    controller.abort()
    const failure = await preparing
    await mirror.close()
    expect(failure.kind).toBe('cancelled')
    expect(Date.now() - aborted).toBeLessThan(1000)
  })
})

describe('text from a registry stays one line', () => {
  it('keeps an injected workflow command out of the one-line message, and the raw body (bounded) in the log', async () => {
    serveImage(hostile, 'team/noisy', '1', [seededBytes('noisy', 1000)])
    const injected = `bad request\r::error::pwned\n##[error]owned\n${'x'.repeat(5000)}`
    hostile.on({ method: 'GET', path: /\/manifests\//, handle: (_req, res) => answerError(res, 400, 'DENIED\r::error::code', injected) })
    const failure = await failedCopy(`${hostile.host}/team/noisy:1`, fresh('noisy'))
    expect(failure.side).toBe('source')
    expect(failure.message).not.toMatch(/[\r\n]/)
    expect(failure.message).toContain('bad request\\r::error::pwned\\n##[error]owned')
    expect(failure.message.length).toBeLessThan(600)
    // The code is not one a registry may name: the status speaks instead.
    expect(failure.message).toMatch(/HTTP 400:/)
    expect(failure.details.log?.length).toBeLessThanOrEqual(2000)
  })
})

describe('the engine never overwrites an image with itself', () => {
  it('refuses to copy only some platforms of an image onto its own tag', async () => {
    const same = `${destination.host}/hostile/self:1`
    const failure = await failedCopy(same, same, { platforms: ['linux/amd64'] })
    expect(failure).toMatchObject({ kind: 'unsupported', side: 'target' })
    expect(destination.requests).toEqual([])
  })
})

describe('hostile registry harness', () => {
  it('serves what it holds by tag and digest', async () => {
    const image = serveImage(hostile, 'team/plain', '1', [seededBytes('plain', 100)])
    const response = await fetch(`${hostile.url}/v2/team/plain/manifests/${image.digest}`)
    expect(sha256(Buffer.from(await response.arrayBuffer()))).toBe(image.digest)
  })
})

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}
