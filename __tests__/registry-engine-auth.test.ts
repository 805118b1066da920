import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as http from 'node:http'
import * as os from 'node:os'
import * as path from 'node:path'
import { type CopyOutcome, type Credentials, type OperationContext } from '../src/engine/port.js'
import { RegistryEngine, type RegistryEngineOptions } from '../src/engine/registry/engine.js'
import { parseReference, type ImageReference } from '../src/reference.js'
import { startFaultProxy, type FaultProxy } from './harness/fault-proxy.js'
import { manifestDigest, pushImage, seededBytes, type PushedManifest } from './harness/oci-images.js'
import { startRegistry, type TestRegistry } from './harness/registry.js'
import { startTokenIssuer, type TokenIssuer } from './harness/token-auth.js'
import { copyThrough, failureOf } from './harness/engine-calls.js'

const user = { username: 'mirror', password: 's3cret-pass' }
let upstream: TestRegistry
let basic: TestRegistry
let bearer: TestRegistry
let issuer: TokenIssuer
let image: PushedManifest
const emptyConfigDir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-no-docker-config-'))

function engine(overrides: Partial<RegistryEngineOptions> = {}): RegistryEngine {
  return new RegistryEngine({ insecureRegistries: [], concurrency: 4, retries: 2, platforms: [], copyReferrers: false, retryBaseDelayMs: 20, dockerConfigDir: emptyConfigDir, ...overrides })
}

const context = (): OperationContext => ({ signal: new AbortController().signal, record: () => undefined })
const mirrorWith = (mirror: RegistryEngine, source: ImageReference, target: ImageReference): Promise<CopyOutcome> => copyThrough(mirror, source, target, context())
const credentials = (entries: Array<[string, Credentials]>): ReadonlyMap<string, Credentials> => new Map(entries)

beforeAll(async () => {
  issuer = await startTokenIssuer({ users: { [user.username]: user.password } })
  ;[upstream, basic, bearer] = await Promise.all([startRegistry(), startRegistry({ basicAuth: user }), startRegistry({ extraConfig: issuer.registryConfig })])
  image = await pushImage(upstream, 'app/auth', '1.0', { format: 'docker', layers: [seededBytes('auth-1', 30_000)] })
}, 60000)

afterAll(async () => {
  await Promise.all([upstream?.stop(), basic?.stop(), bearer?.stop()])
  await issuer?.stop()
})

const source = (): ReturnType<typeof parseReference> => parseReference(`${upstream.host}/app/auth:1.0`)

describe('RegistryEngine authenticates to the target', () => {
  it('pushes to a registry behind htpasswd basic auth with the target credentials', async () => {
    const mirror = engine({ credentials: credentials([[basic.host, user]]) })
    const result = await mirrorWith(mirror, source(), parseReference(`${basic.host}/basic/auth:1.0`))
    await mirror.close()
    expect(result).toMatchObject({ status: 'mirrored', digest: image.digest })
    expect(await manifestDigest(basic, 'basic/auth', '1.0')).toBe(image.digest)
  })

  it('fails a wrong basic password at once, without retries, as unauthorized on the target', async () => {
    const mirror = engine({ credentials: credentials([[basic.host, { username: user.username, password: 'not-the-password-7' }]]) })
    const failure = await failureOf(mirrorWith(mirror, source(), parseReference(`${basic.host}/basic/wrong:1.0`)))
    const requests = mirror.stats()[basic.host]?.requests
    await mirror.close()
    expect(failure).toMatchObject({ kind: 'unauthorized', side: 'target' })
    expect(failure.details.host).toBe(basic.host)
    expect(failure.message).toMatch(/HTTP 401 UNAUTHORIZED/)
    expect(failure.message).not.toContain('not-the-password-7')
    // The unauthenticated try that earns the challenge, then one with the password.
    expect(requests).toBe(2)
  })

  it('pushes to a registry behind bearer token auth and reuses cached tokens per scope', async () => {
    const mirror = engine({ credentials: credentials([[bearer.host, user]]) })
    const target = parseReference(`${bearer.host}/bearer/auth:1.0`)
    const result = await mirrorWith(mirror, source(), target)
    const tokensAfterFirst = issuer.requests.length
    const again = await mirrorWith(mirror, source(), target)
    await mirror.close()
    expect(result).toMatchObject({ status: 'mirrored', digest: image.digest })
    expect(again.status).toBe('already-present')
    expect(issuer.requests.length).toBe(tokensAfterFirst)
    expect(issuer.requests.some(request => request.user === user.username && request.scopes.includes('repository:bearer/auth:pull,push'))).toBe(true)
  })

  it('fails when the token service refuses the password, saying so', async () => {
    const mirror = engine({ credentials: credentials([[bearer.host, { username: user.username, password: 'nope' }]]) })
    const failure = await failureOf(mirrorWith(mirror, source(), parseReference(`${bearer.host}/bearer/refused:1.0`)))
    await mirror.close()
    expect(failure).toMatchObject({ kind: 'unauthorized', side: 'target' })
    expect(failure.message).toMatch(/HTTP 401 UNAUTHORIZED.*token service/)
  })
})

describe('RegistryEngine reads docker credentials', () => {
  it('uses auths from a docker config.json', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-docker-config-'))
    const auth = Buffer.from(`${user.username}:${user.password}`).toString('base64')
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: { [basic.host]: { auth } } }))
    const mirror = engine({ dockerConfigDir: dir })
    const result = await mirrorWith(mirror, source(), parseReference(`${basic.host}/config/auth:1.0`))
    await mirror.close()
    expect(result).toMatchObject({ status: 'mirrored', digest: image.digest })
  })

  it('runs docker-credential-<helper> get with the server on stdin for credHelpers', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-cred-helper-'))
    const asked = path.join(dir, 'asked.txt')
    const script = path.join(dir, 'docker-credential-test')
    fs.writeFileSync(
      script,
      `#!/bin/sh\n[ "$1" = get ] || exit 1\nread server\necho "$server" >> '${asked}'\nprintf '{"ServerURL":"%s","Username":"${user.username}","Secret":"${user.password}"}' "$server"\n`,
      { mode: 0o755 }
    )
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ credHelpers: { [basic.host]: 'test' } }))
    const savedPath = process.env.PATH
    process.env.PATH = `${dir}${path.delimiter}${savedPath ?? ''}`
    try {
      const mirror = engine({ dockerConfigDir: dir })
      const result = await mirrorWith(mirror, source(), parseReference(`${basic.host}/helper/auth:1.0`))
      await mirror.close()
      expect(result).toMatchObject({ status: 'mirrored', digest: image.digest })
      expect(fs.readFileSync(asked, 'utf8').trim()).toBe(basic.host)
    } finally {
      process.env.PATH = savedPath
    }
  })
})

describe('RegistryEngine keeps credentials on their host', () => {
  let authedSource: TestRegistry
  let proxy: FaultProxy
  let storage: http.Server
  const storageHeaders: http.IncomingHttpHeaders[] = []

  beforeAll(async () => {
    authedSource = await startRegistry({ basicAuth: user })
    await pushImage(authedSource, 'app/redirected', '1.0', { format: 'oci', layers: [seededBytes('redirected', 40_000)] })
    proxy = await startFaultProxy(authedSource.url)
    // 'Blob storage': serves blobs it fetches itself, and records what it was sent.
    storage = http.createServer((req, res) => {
      storageHeaders.push(req.headers)
      const basicHeader = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`
      http.get(`${authedSource.url}${req.url ?? ''}`, { headers: { authorization: basicHeader } }, upstreamResponse => {
        res.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers)
        upstreamResponse.pipe(res)
      })
    })
    await new Promise<void>(resolve => storage.listen(0, '127.0.0.1', resolve))
  })

  afterAll(async () => {
    storage.closeAllConnections()
    await new Promise(resolve => storage.close(resolve))
    await proxy?.stop()
    await authedSource?.stop()
  })

  it('follows a blob redirect to another host without sending it the Authorization header', async () => {
    const port = (storage.address() as { port: number }).port
    proxy.addRule({ method: 'GET', path: /\/blobs\/sha256:/, fault: { kind: 'redirect', location: p => `http://127.0.0.1:${port}${p}` }, times: 100 })
    const mirror = engine({ credentials: credentials([[proxy.host, user], [basic.host, user]]) })
    const result = await mirrorWith(mirror, parseReference(`${proxy.host}/app/redirected:1.0`), parseReference(`${basic.host}/redirected/app:1.0`))
    await mirror.close()
    expect(result.status).toBe('mirrored')
    expect(storageHeaders.length).toBe(2)
    expect(storageHeaders.map(headers => headers.authorization)).toEqual([undefined, undefined])
    expect(proxy.requests.filter(r => r.fault === 'redirect').every(r => r.authorization?.startsWith('Basic '))).toBe(true)
  })
})
