/**
 * The registry engine through HTTP(S) proxies, as users configure them with
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY. The decision (which URL goes through
 * which proxy) is checked over a table; the traffic against a real registry
 * through a small proxy of our own on 127.0.0.1 that counts what passes.
 *
 * Registries behind the proxy are named `<name>.test:<port>`: only the proxy
 * resolves those names (to 127.0.0.1), so a request that reached one did go
 * through it. Loopback names are never proxied (Go's rule), so the direct
 * registries of other tests are unaffected by a proxy in the environment.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as http from 'node:http'
import * as https from 'node:https'
import * as net from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import type { OperationContext } from '../src/engine/port.js'
import { RegistryEngine, type RegistryEngineOptions } from '../src/engine/registry/engine.js'
import { ProxyConfig, proxyEnvironment, type ProxyEnvironment } from '../src/engine/registry/proxy.js'
import { parseReference } from '../src/reference.js'
import { MANIFEST_ACCEPT, manifestDigest, pushImage, pushMultiPlatform, seededBytes, type PushedManifest } from './harness/oci-images.js'
import { freePort, requireBinary, startRegistry, type TestRegistry } from './harness/registry.js'
import { failureOf } from './harness/engine-calls.js'

// ---------------------------------------------------------------- decisions

describe('proxy variables are read like Go does', () => {
  it('prefers the upper-case variable and falls back to the lower-case one', () => {
    expect(proxyEnvironment({ HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:1', http_proxy: 'http://plain:2', no_proxy: 'a.example' })).toEqual({
      httpsProxy: 'http://upper:1',
      httpProxy: 'http://plain:2',
      noProxy: 'a.example'
    })
    expect(proxyEnvironment({ HTTPS_PROXY: '', https_proxy: 'http://lower:1' })).toEqual({ httpsProxy: 'http://lower:1' })
    expect(proxyEnvironment({})).toEqual({})
  })
})

describe('which requests go through a proxy', () => {
  const proxies: ProxyEnvironment = { httpsProxy: 'http://secure-proxy:3128', httpProxy: 'http://plain-proxy:3128' }
  const cases: Array<[string, string, string | undefined, string | undefined]> = [
    // [NO_PROXY, URL, proxy host expected (undefined: direct), label]
    ['', 'https://registry.example.com/v2/', 'secure-proxy:3128', 'https uses HTTPS_PROXY'],
    ['', 'http://registry.example.com:5000/v2/', 'plain-proxy:3128', 'http uses HTTP_PROXY'],
    ['', 'https://localhost:5000/v2/', undefined, 'localhost is never proxied'],
    ['', 'http://127.0.0.1:5000/v2/', undefined, '127.0.0.0/8 is never proxied'],
    ['', 'http://127.9.9.9/v2/', undefined, 'all of 127.0.0.0/8'],
    ['', 'http://[::1]:5000/v2/', undefined, '::1 is never proxied'],
    ['', 'http://[::ffff:127.0.0.1]:5000/v2/', undefined, 'nor an IPv4-mapped loopback address'],
    ['*', 'https://registry.example.com/v2/', undefined, '* turns the proxy off'],
    ['example.com', 'https://example.com/v2/', undefined, 'a domain matches itself'],
    ['example.com', 'https://registry.example.com/v2/', undefined, 'and its subdomains'],
    ['example.com', 'https://badexample.com/v2/', 'secure-proxy:3128', 'but not a name that merely ends like it'],
    ['.example.com', 'https://example.com/v2/', 'secure-proxy:3128', 'a leading dot matches subdomains only'],
    ['.example.com', 'https://a.b.example.com/v2/', undefined, 'any depth of subdomain'],
    ['*.example.com', 'https://example.com/v2/', 'secure-proxy:3128', '*. is the same as a leading dot'],
    ['*.example.com', 'https://registry.example.com/v2/', undefined, '*. matches a subdomain'],
    ['Registry.Example.COM', 'https://registry.example.com/v2/', undefined, 'names compare case-insensitively'],
    ['registry.example.com:5000', 'https://registry.example.com:5000/v2/', undefined, 'a port matches that port'],
    ['registry.example.com:5000', 'https://registry.example.com/v2/', 'secure-proxy:3128', 'and no other'],
    ['registry.example.com:443', 'https://registry.example.com/v2/', undefined, "the scheme's default port counts"],
    ['registry.example.com:80', 'http://registry.example.com/v2/', undefined, 'for http too'],
    ['10.1.2.3', 'http://10.1.2.3:5000/v2/', undefined, 'an IP address'],
    ['10.1.2.3:5000', 'http://10.1.2.3:5001/v2/', 'plain-proxy:3128', 'an IP address with a port'],
    ['10.0.0.0/8', 'https://10.200.0.1/v2/', undefined, 'a CIDR range'],
    ['10.0.0.0/8', 'https://11.0.0.1/v2/', 'secure-proxy:3128', 'outside the range'],
    ['10.0.0.0/8', 'https://10.example.com/v2/', 'secure-proxy:3128', 'a CIDR range never matches a name'],
    ['fd00::/8', 'https://[fd12::1]/v2/', undefined, 'an IPv6 range'],
    ['[fd12::1]:443', 'https://[fd12::1]/v2/', undefined, 'an IPv6 address with a port'],
    ['fd12:0::1', 'https://[fd12::1]/v2/', undefined, 'IPv6 addresses however spelt'],
    [' , ,other.org, example.com ', 'https://registry.example.com/v2/', undefined, 'blank entries and spaces are ignored'],
    [':5000,[]:1', 'https://registry.example.com:5000/v2/', 'secure-proxy:3128', 'entries without a host are ignored']
  ]
  it.each(cases)('NO_PROXY=%j, %s → %s (%s)', (noProxy, url, expected) => {
    const route = new ProxyConfig({ ...proxies, noProxy }).routeFor(new URL(url))
    expect(route?.url.host).toBe(expected)
  })

  it('never falls back from HTTPS_PROXY to HTTP_PROXY', () => {
    const config = new ProxyConfig({ httpProxy: 'http://plain-proxy:3128' })
    expect(config.routeFor(new URL('https://registry.example.com/v2/'))).toBeUndefined()
    expect(config.routeFor(new URL('http://registry.example.com/v2/'))?.variable).toBe('HTTP_PROXY')
  })

  it('reads a value without a scheme as http://, and keeps https:// proxies', () => {
    expect(new ProxyConfig({ httpsProxy: 'proxy.corp:8080' }).routeFor(new URL('https://r.example/v2/'))?.url.href).toBe('http://proxy.corp:8080/')
    expect(new ProxyConfig({ httpsProxy: 'https://proxy.corp' }).routeFor(new URL('https://r.example/v2/'))?.url.href).toBe('https://proxy.corp/')
  })

  it('turns credentials in the proxy URL into Proxy-Authorization and drops them from the URL', () => {
    const route = new ProxyConfig({ httpsProxy: 'http://me:p%40ss@proxy.corp:3128' }).routeFor(new URL('https://r.example/v2/'))
    expect(route?.authorization).toBe(`Basic ${Buffer.from('me:p@ss').toString('base64')}`)
    expect(route?.url.href).toBe('http://proxy.corp:3128/')
  })

  it('fails requests it would proxy with an error that names the variable, never the credentials', () => {
    const config = new ProxyConfig({ httpsProxy: 'socks5://me:secret@proxy.corp:1080', noProxy: 'internal.example' })
    expect(() => config.routeFor(new URL('https://r.example/v2/'))).toThrow(/HTTPS_PROXY names a socks5 proxy \(proxy\.corp:1080\)/)
    expect(() => config.routeFor(new URL('https://r.example/v2/'))).not.toThrow(/secret/)
    expect(config.routeFor(new URL('https://internal.example/v2/'))).toBeUndefined()
  })
})

// ---------------------------------------------------------------- traffic

interface ProxyLog {
  /** `CONNECT host:port` tunnels opened. */
  tunnels: string[]
  /** Absolute-form requests forwarded: `GET http://host/path`. */
  forwarded: string[]
  /** Bytes through tunnels, both ways. */
  tunnelBytes: number
  /** What the proxy refused (407, unknown hosts). */
  refused: string[]
  /** Proxy-Authorization values seen. */
  proxyAuthorizations: string[]
  /** Any Proxy-Authorization header that reached a registry (must stay empty). */
  leakedToRegistry: string[]
}

interface CountingProxy {
  host: string
  url: string
  log: ProxyLog
  reset(): void
  stop(): Promise<void>
}

/**
 * A forward proxy on 127.0.0.1: CONNECT tunnels and absolute-form requests,
 * optionally behind Basic proxy auth. It resolves `<name>.test:<port>` to
 * 127.0.0.1:<port> and refuses every other host, so nothing leaves loopback.
 */
async function startCountingProxy(options: { credentials?: string } = {}): Promise<CountingProxy> {
  const log: ProxyLog = { tunnels: [], forwarded: [], tunnelBytes: 0, refused: [], proxyAuthorizations: [], leakedToRegistry: [] }
  const sockets = new Set<net.Socket>()
  const upstreamAgent = new http.Agent({ keepAlive: true })
  const expected = options.credentials === undefined ? undefined : `Basic ${Buffer.from(options.credentials).toString('base64')}`
  const loopbackPort = (host: string): number | undefined => {
    const match = /^[a-z0-9-]+\.test:(\d+)$/.exec(host)
    return match ? Number(match[1]) : undefined
  }
  const authorized = (header: string | undefined): boolean => {
    if (header !== undefined) log.proxyAuthorizations.push(header)
    return expected === undefined || header === expected
  }
  const server = http.createServer((req, res) => {
    const target = new URL(req.url ?? '/', 'http://invalid')
    const port = req.url?.startsWith('http://') ? loopbackPort(target.host) : undefined
    if (!authorized(req.headers['proxy-authorization'] as string | undefined)) {
      log.refused.push(`407 ${req.method} ${req.url}`)
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"', 'content-length': '0' }).end()
      return
    }
    if (port === undefined) {
      log.refused.push(`403 ${req.method} ${req.url}`)
      res.writeHead(403, { 'content-length': '0' }).end()
      return
    }
    log.forwarded.push(`${req.method} ${req.url}`)
    const headers = { ...req.headers }
    delete headers['proxy-authorization']
    delete headers['proxy-connection']
    const upstream = http.request({ host: '127.0.0.1', port, method: req.method, path: `${target.pathname}${target.search}`, headers, agent: upstreamAgent }, answer => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  })
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    sockets.add(client)
    client.on('close', () => sockets.delete(client))
    client.on('error', () => undefined)
    if (!authorized(req.headers['proxy-authorization'] as string | undefined)) {
      log.refused.push(`407 CONNECT ${req.url}`)
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n')
      return
    }
    const port = loopbackPort(req.url ?? '')
    if (port === undefined) {
      log.refused.push(`403 CONNECT ${req.url}`)
      client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n')
      return
    }
    log.tunnels.push(`CONNECT ${req.url}`)
    const upstream = net.connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length > 0) upstream.write(head)
      client.on('data', (chunk: Buffer) => void (log.tunnelBytes += chunk.length))
      upstream.on('data', (chunk: Buffer) => void (log.tunnelBytes += chunk.length))
      client.pipe(upstream)
      upstream.pipe(client)
    })
    sockets.add(upstream)
    upstream.on('close', () => {
      sockets.delete(upstream)
      client.destroy()
    })
    upstream.on('error', () => client.destroy())
    client.on('close', () => upstream.destroy())
  })
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    log,
    reset: () => {
      log.tunnels.length = 0
      log.forwarded.length = 0
      log.refused.length = 0
      log.proxyAuthorizations.length = 0
      log.tunnelBytes = 0
    },
    stop: async () => {
      upstreamAgent.destroy()
      for (const socket of sockets) socket.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}

/** A registry that also records whether a Proxy-Authorization header ever reached it. */
async function startSpyRegistry(upstream: TestRegistry, log: ProxyLog): Promise<{ port: number; stop(): Promise<void> }> {
  const agent = new http.Agent({ keepAlive: true })
  const server = http.createServer((req, res) => {
    if (req.headers['proxy-authorization'] !== undefined) log.leakedToRegistry.push(String(req.headers['proxy-authorization']))
    const forward = http.request({ host: '127.0.0.1', port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent }, answer => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    forward.on('error', () => res.destroy())
    req.pipe(forward)
  })
  const sockets = new Set<net.Socket>()
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as net.AddressInfo).port,
    stop: async () => {
      agent.destroy()
      for (const socket of sockets) socket.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-proxy-test-'))
const certFile = path.join(workDir, 'cert.pem')
const keyFile = path.join(workDir, 'key.pem')
let plain: TestRegistry
let secure: TestRegistry
let proxy: CountingProxy
let spy: { port: number; stop(): Promise<void> }
let single: PushedManifest
let multi: PushedManifest

function engine(overrides: Partial<RegistryEngineOptions> = {}): RegistryEngine {
  return new RegistryEngine({
    insecureRegistries: [],
    concurrency: 4,
    retries: 1,
    platforms: [],
    copyReferrers: false,
    retryBaseDelayMs: 10,
    retryMaxDelayMs: 50,
    timeoutMs: 10_000,
    caFile: certFile,
    ...overrides
  })
}
const context = (lines: string[] = []): OperationContext => ({ signal: AbortSignal.timeout(60_000), record: line => lines.push(line) })
async function copy(mirror: RegistryEngine, from: string, to: string): Promise<Awaited<ReturnType<RegistryEngine['copy']>>> {
  const ctx = context()
  return mirror.copy(await mirror.prepareCopy(parseReference(from), parseReference(to), ctx), ctx)
}

/** The digest the TLS registry holds, asked directly (not through the proxy, not through the engine). */
function secureDigest(repository: string, tag: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: '127.0.0.1', port: secure.port, servername: 'secure.test', ca: fs.readFileSync(certFile), method: 'HEAD', path: `/v2/${repository}/manifests/${tag}`, headers: { accept: MANIFEST_ACCEPT }, agent: false, timeout: 10_000 },
      answer => {
        answer.resume()
        resolve(answer.statusCode === 200 ? String(answer.headers['docker-content-digest']) : undefined)
      }
    )
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', reject)
    req.end()
  })
}

const plainName = (): string => `plain.test:${plain.port}`
const secureName = (): string => `secure.test:${secure.port}`
const spyName = (): string => `spy.test:${spy.port}`

beforeAll(async () => {
  const openssl = requireBinary('openssl', 'openssl')
  execFileSync(openssl, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=secure.test', '-addext', 'subjectAltName=DNS:secure.test', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' })
  ;[plain, secure, proxy] = await Promise.all([
    startRegistry(),
    // Appended under `http:` of the harness's config: the same registry, over TLS.
    startRegistry({ extraConfig: `  tls:\n    certificate: ${certFile}\n    key: ${keyFile}\n` }),
    startCountingProxy()
  ])
  spy = await startSpyRegistry(plain, proxy.log)
  single = await pushImage(plain, 'app/single', '1.0', { format: 'docker', layers: [seededBytes('proxy-a', 300_000), seededBytes('proxy-b', 1_200_000)] })
  multi = (await pushMultiPlatform(plain, 'app/multi', '1.0', 'oci', 'proxy-multi', [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64', variant: 'v8' }])).index
}, 60_000)

afterAll(async () => {
  await Promise.all([proxy?.stop(), spy?.stop()])
  await Promise.all([plain?.stop(), secure?.stop()])
  fs.rmSync(workDir, { recursive: true, force: true })
})

describe('the registry engine through a proxy', () => {
  it('reads an http registry with absolute-form requests and writes an https one through CONNECT tunnels', async () => {
    proxy.reset()
    const mirror = engine({ insecureRegistries: [plainName()], proxy: { httpProxy: proxy.url, httpsProxy: proxy.url } })
    let targetRequests = 0
    try {
      const single1 = await copy(mirror, `${plainName()}/app/single:1.0`, `${secureName()}/mirror/single:1.0`)
      const multi1 = await copy(mirror, `${plainName()}/app/multi:1.0`, `${secureName()}/mirror/multi:1.0`)
      expect(single1).toMatchObject({ status: 'mirrored', digest: single.digest })
      expect(multi1).toMatchObject({ status: 'mirrored', digest: multi.digest })
      targetRequests = mirror.stats()[secureName()]?.requests ?? 0
    } finally {
      await mirror.close()
    }
    expect(await secureDigest('mirror/single', '1.0')).toBe(single.digest)
    expect(await secureDigest('mirror/multi', '1.0')).toBe(multi.digest)
    // Every source request went through the proxy, in absolute form.
    expect(proxy.log.forwarded.length).toBeGreaterThan(0)
    expect(proxy.log.forwarded.every(line => line.includes(` http://${plainName()}/v2/`))).toBe(true)
    expect(proxy.log.forwarded.filter(line => line.startsWith('GET ') && line.includes('/blobs/sha256:')).length).toBeGreaterThanOrEqual(single.blobs.length)
    // Every target byte went through tunnels: at least the blobs, and the tunnels are pooled, not one per request.
    expect(proxy.log.tunnels.length).toBeGreaterThan(0)
    expect(targetRequests).toBeGreaterThan(20)
    expect(proxy.log.tunnels.length).toBeLessThan(targetRequests / 2)
    expect(new Set(proxy.log.tunnels)).toEqual(new Set([`CONNECT ${secureName()}`]))
    expect(proxy.log.tunnelBytes).toBeGreaterThan(1_500_000)
    expect(proxy.log.refused).toEqual([])
  }, 60_000)

  it('finds a mirrored image already present with HEADs through the tunnel', async () => {
    proxy.reset()
    const mirror = engine({ insecureRegistries: [plainName()], proxy: { httpProxy: proxy.url, httpsProxy: proxy.url } })
    try {
      expect(await copy(mirror, `${plainName()}/app/single:1.0`, `${secureName()}/mirror/single:1.0`)).toMatchObject({ status: 'already-present', digest: single.digest })
      expect(await mirror.lookup(parseReference(`${secureName()}/mirror/multi:1.0`), context())).toEqual({ status: 'verified', digest: multi.digest })
    } finally {
      await mirror.close()
    }
    expect(proxy.log.forwarded).toEqual([`HEAD http://${plainName()}/v2/app/single/manifests/1.0`])
    expect(new Set(proxy.log.tunnels)).toEqual(new Set([`CONNECT ${secureName()}`]))
  }, 30_000)

  it('reads the variables from the process environment when it is given none', async () => {
    proxy.reset()
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY }
    process.env.HTTP_PROXY = proxy.url
    process.env.NO_PROXY = 'elsewhere.example'
    let mirror: RegistryEngine | undefined
    try {
      mirror = engine({ insecureRegistries: [plainName()] })
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name]
        else process.env[name] = value
      }
    }
    try {
      expect(await mirror.lookup(parseReference(`${plainName()}/app/single:1.0`), context())).toEqual({ status: 'verified', digest: single.digest })
    } finally {
      await mirror.close()
    }
    expect(proxy.log.forwarded).toEqual([`HEAD http://${plainName()}/v2/app/single/manifests/1.0`])
  })

  it('never sends loopback registries through the proxy', async () => {
    proxy.reset()
    const mirror = engine({ proxy: { httpProxy: proxy.url, httpsProxy: proxy.url } })
    try {
      const result = await copy(mirror, `${plain.host}/app/single:1.0`, `localhost:${plain.port}/loopback/single:1.0`)
      expect(result).toMatchObject({ status: 'mirrored', digest: single.digest })
    } finally {
      await mirror.close()
    }
    expect(await manifestDigest(plain, 'loopback/single', '1.0')).toBe(single.digest)
    expect(proxy.log.forwarded).toEqual([])
    expect(proxy.log.tunnels).toEqual([])
  })

  it('sends a registry NO_PROXY does not name through the proxy', async () => {
    // Going direct to a NO_PROXY name is checked over the table above: here it would need DNS.
    proxy.reset()
    const proxied = engine({ insecureRegistries: [spyName()], proxy: { httpProxy: proxy.url, noProxy: 'plain.test,spy.test:1,.spy.test,example.com' } })
    try {
      await expect(proxied.lookup(parseReference(`${spyName()}/app/single:1.0`), context())).resolves.toEqual({ status: 'verified', digest: single.digest })
    } finally {
      await proxied.close()
    }
    expect(proxy.log.forwarded).toEqual([`HEAD http://${spyName()}/v2/app/single/manifests/1.0`])
  })
})

describe('a proxy that wants credentials', () => {
  let guarded: CountingProxy
  beforeAll(async () => {
    guarded = await startCountingProxy({ credentials: 'mirror-bot:pr0xy pass' })
  })
  afterAll(async () => {
    await guarded?.stop()
  })

  it('gets them from the proxy URL, and the registries never see them', async () => {
    proxy.log.leakedToRegistry.length = 0
    const url = `http://mirror-bot:${encodeURIComponent('pr0xy pass')}@${guarded.host}`
    const mirror = engine({ insecureRegistries: [spyName()], proxy: { httpProxy: url, httpsProxy: url } })
    try {
      const result = await copy(mirror, `${spyName()}/app/single:1.0`, `${secureName()}/guarded/single:1.0`)
      expect(result).toMatchObject({ status: 'mirrored', digest: single.digest })
    } finally {
      await mirror.close()
    }
    expect(await secureDigest('guarded/single', '1.0')).toBe(single.digest)
    expect(guarded.log.refused).toEqual([])
    expect(guarded.log.tunnels.length).toBeGreaterThan(0)
    expect(guarded.log.forwarded.length).toBeGreaterThan(0)
    // Sent with every absolute-form request and every CONNECT, never past the proxy.
    expect(guarded.log.proxyAuthorizations.length).toBe(guarded.log.forwarded.length + guarded.log.tunnels.length)
    expect(proxy.log.leakedToRegistry).toEqual([])
  }, 30_000)

  it('fails at once without them, naming the proxy and not retrying a 407', async () => {
    guarded.reset()
    const mirror = engine({ proxy: { httpsProxy: `http://mirror-bot:wrong-secret@${guarded.host}` }, retries: 3 })
    try {
      const failure = await failureOf(copy(mirror, `${plain.host}/app/single:1.0`, `${secureName()}/refused/single:1.0`))
      expect(failure.kind).toBe('unreachable')
      expect(failure.side).toBe('target')
      expect(failure.message).toContain(`CONNECT ${secureName()} through the proxy ${guarded.host} (HTTPS_PROXY): HTTP 407`)
      expect(failure.message).not.toContain('wrong-secret')
    } finally {
      await mirror.close()
    }
    expect(guarded.log.refused).toEqual([`407 CONNECT ${secureName()}`])
  })

  it('says which proxy could not be reached', async () => {
    const port = await freePort()
    const mirror = engine({ insecureRegistries: [plainName()], proxy: { httpProxy: `http://127.0.0.1:${port}`, httpsProxy: `http://127.0.0.1:${port}` }, retries: 1 })
    try {
      const tunnel = await failureOf(mirror.lookup(parseReference(`${secureName()}/app/single:1.0`), context()))
      expect(tunnel.kind).toBe('unreachable')
      expect(tunnel.message).toContain(`through the proxy 127.0.0.1:${port} (HTTPS_PROXY)`)
      const forwarded = await failureOf(mirror.lookup(parseReference(`${plainName()}/app/single:1.0`), context()))
      expect(forwarded.kind).toBe('unreachable')
      expect(forwarded.message).toContain(`through the proxy 127.0.0.1:${port} from HTTP_PROXY`)
    } finally {
      await mirror.close()
    }
  })
})
