import { describe, expect, it } from '@jest/globals'
import { parseChallenge, realmCredentialKey } from '../src/engine/registry/auth.js'
import { deadlineFor, describeUrl } from '../src/engine/registry/client.js'
import { configKeys } from '../src/engine/registry/credentials.js'
import { isLoopbackHost, resolveEndpoint } from '../src/engine/registry/endpoint.js'
import { engineFailure, oneLine, parseErrorBody, parseRetryAfter, RegistryError } from '../src/engine/registry/errors.js'
import { filterIndex, isDigest, MAX_MANIFEST_BYTES, parseManifest, platformMatches } from '../src/engine/registry/manifest.js'
import { abortableSleep, withRetry } from '../src/engine/retry.js'

describe('resolveEndpoint maps registry names to URLs', () => {
  const options = { insecureRegistries: ['harbor.lan:8080', 'plain.example.com'] }
  it.each([
    ['docker.io', 'read', {}, 'https://registry-1.docker.io'],
    ['docker.io', 'read', { registryMirror: 'http://127.0.0.1:5000' }, 'http://127.0.0.1:5000'],
    ['docker.io', 'write', { registryMirror: 'http://127.0.0.1:5000' }, 'https://registry-1.docker.io'],
    ['quay.io', 'read', { registryMirror: 'http://127.0.0.1:5000' }, 'https://quay.io'],
    ['127.0.0.1:5000', 'write', {}, 'http://127.0.0.1:5000'],
    ['localhost:5000', 'read', {}, 'http://localhost:5000'],
    ['[::1]:5000', 'read', {}, 'http://[::1]:5000'],
    ['harbor.lan:8080', 'write', {}, 'http://harbor.lan:8080'],
    ['harbor.lan:9090', 'write', {}, 'https://harbor.lan:9090'],
    ['plain.example.com', 'read', {}, 'http://plain.example.com'],
    ['ghcr.io', 'read', {}, 'https://ghcr.io']
  ] as const)('%s for %s with %j → %s', (registry, purpose, extra, origin) => {
    expect(resolveEndpoint(registry, purpose, { ...options, ...extra }).origin).toBe(origin)
  })

  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3:80', true],
    ['localhost', true],
    ['[::1]:5000', true],
    ['128.0.0.1', false],
    ['localhost.example.com', false],
    ['10.0.0.1:5000', false]
  ])('isLoopbackHost(%s) is %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback)
  })
})

describe('protocol parsing', () => {
  it('parses a bearer challenge with quoted, comma-separated parameters', () => {
    expect(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/postgres:pull"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/postgres:pull' }
    })
    expect(parseChallenge('Basic realm="Registry Realm"')).toEqual({ scheme: 'basic', params: { realm: 'Registry Realm' } })
  })

  it.each([
    ['3', 3000],
    ['0', 0],
    ['', undefined],
    ['soon', undefined]
  ])('parseRetryAfter(%j) is %j ms', (value, ms) => {
    expect(parseRetryAfter(value)).toBe(ms)
  })

  it('reads an HTTP-date Retry-After relative to now', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', Date.parse('Thu, 01 Jan 2026 00:00:00 GMT'))).toBe(10000)
  })

  it('reads the first code of a distribution error body and tolerates other bodies', () => {
    expect(parseErrorBody('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}')).toEqual({ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' })
    expect(parseErrorBody('404 page not found')).toEqual({})
    expect(parseErrorBody('{"errors":"nope"}')).toEqual({})
  })

  it('keeps a hostile error body to a registry-like code and one bounded line', () => {
    const parsed = parseErrorBody(JSON.stringify({ errors: [{ code: 'DENIED\n::error::x', message: `a\r::error::b\n##[warning]c\u2028d${'e'.repeat(1000)}` }] }))
    expect(parsed.code).toBeUndefined()
    expect(parsed.message).not.toMatch(/[\r\n\u2028]/)
    expect(parsed.message?.startsWith('a\\r::error::b\\n##[warning]c\\u2028d')).toBe(true)
    expect(parsed.message?.length).toBeLessThanOrEqual(301)
    expect(oneLine('tab\tand\u0007bell')).toBe('tab\\tand\\u0007bell')
  })

  it('gives a blob transfer time for its size on top of the deadline, bounded whatever size is claimed', () => {
    expect(deadlineFor(600_000, undefined)).toBe(600_000)
    expect(deadlineFor(600_000, 4 * 1024 * 1024 * 1024)).toBe(600_000 + 16 * 1024 * 1024)
    expect(deadlineFor(600_000, Number.MAX_SAFE_INTEGER)).toBe(24 * 60 * 60 * 1000)
  })

  it('shows only the query parameters we wrote in a request line', () => {
    expect(describeUrl(new URL('http://127.0.0.1:5000/v2/a/blobs/uploads/123?_state=secret&digest=sha256%3Aab'))).toBe('127.0.0.1:5000/v2/a/blobs/uploads/123?digest=sha256:ab')
    expect(describeUrl(new URL('https://user:pw@s3.example.com/blob?X-Amz-Signature=zzz'))).toBe('s3.example.com/blob')
    expect(describeUrl(new URL('http://h/v2/a/blobs/uploads/?mount=sha256%3Aab&from=lib%2Fb'))).toBe('h/v2/a/blobs/uploads/?mount=sha256:ab&from=lib/b')
  })

  it('looks Docker Hub credentials up under the key docker login uses', () => {
    expect(configKeys('docker.io')[0]).toBe('https://index.docker.io/v1/')
    expect(configKeys('ghcr.io')).toContain('https://ghcr.io')
  })
})

describe('the OCI digest grammar', () => {
  it.each([
    [`sha256:${'a'.repeat(64)}`, true],
    [`sha512:${'0'.repeat(128)}`, true],
    [`sha384:${'f'.repeat(96)}`, true],
    [`sha256:${'A'.repeat(64)}`, false],
    [`sha256:${'a'.repeat(63)}`, false],
    [`sha256:${'a'.repeat(65)}`, false],
    [`sha512:${'a'.repeat(64)}`, false],
    [`md5:${'a'.repeat(32)}`, false],
    ['sha256:../../../other/repo/manifests/x', false],
    [`sha256:${'a'.repeat(64)}/../x`, false],
    [`sha256:${'a'.repeat(64)}\n`, false],
    [`SHA256:${'a'.repeat(64)}`, false],
    ['', false],
    [42, false]
  ])('isDigest(%j) is %s', (value, valid) => {
    expect(isDigest(value)).toBe(valid)
  })
})

describe('credentials for a token realm', () => {
  const https = { origin: 'https://harbor.example.com', host: 'harbor.example.com', credentialKey: 'harbor.example.com' }
  const hub = { origin: 'https://registry-1.docker.io', host: 'registry-1.docker.io', credentialKey: 'docker.io' }
  const loopback = { origin: 'http://127.0.0.1:5000', host: '127.0.0.1:5000', credentialKey: '127.0.0.1:5000' }
  const insecure = { origin: 'http://harbor.lan', host: 'harbor.lan', credentialKey: 'harbor.lan' }
  it.each([
    ['an https realm on the same host name', https, 'https://harbor.example.com/service/token', 'harbor.example.com'],
    ['an https realm on the same host name, another port', https, 'https://harbor.example.com:8443/token', 'harbor.example.com'],
    ['Docker Hub and its auth service', hub, 'https://auth.docker.io/token', 'docker.io'],
    ['an https realm on another host: only what was given for that host', https, 'https://auth.evil.example/token', 'auth.evil.example'],
    ['an http realm named by an https registry: nothing', https, 'http://harbor.example.com/service/token', undefined],
    ['an http realm of a loopback registry', loopback, 'http://127.0.0.1:5001/token', '127.0.0.1:5000'],
    ['an http realm of an insecure registry', insecure, 'http://harbor.lan/service/token', 'harbor.lan'],
    ['a realm on a look-alike host', hub, 'https://auth.docker.io.evil.example/token', 'auth.docker.io.evil.example']
  ])('%s', (_label, endpoint, realm, key) => {
    expect(realmCredentialKey(endpoint, new URL(realm))).toBe(key)
  })
})

describe('retry', () => {
  const policy = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 }
  it('makes at most `attempts` attempts, and none for a permanent failure', async () => {
    let calls = 0
    await expect(withRetry(async () => Promise.reject(new Error(`fail ${++calls}`)), policy, { isTransient: () => true, random: () => 0 })).rejects.toThrow('fail 3')
    expect(calls).toBe(3)
    calls = 0
    await expect(withRetry(async () => Promise.reject(new Error(`fail ${++calls}`)), policy, { isTransient: () => false })).rejects.toThrow('fail 1')
    expect(calls).toBe(1)
  })

  it('waits what the server asked, capped, and tells onRetry', async () => {
    const waits: number[] = []
    let calls = 0
    const result = await withRetry(
      async () => {
        calls += 1
        if (calls < 3) throw new Error('busy')
        return 'ok'
      },
      { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000 },
      { isTransient: () => true, retryAfterMs: () => 5000, sleep: async ms => void waits.push(ms), onRetry: () => undefined }
    )
    expect(result).toBe('ok')
    expect(waits).toEqual([1000, 1000])
  })

  it('ends a wait at once when the signal aborts, and starts no attempt after it', async () => {
    const controller = new AbortController()
    let calls = 0
    const started = Date.now()
    const running = withRetry(
      async () => {
        calls += 1
        throw new Error('busy')
      },
      { attempts: 10, baseDelayMs: 60_000, maxDelayMs: 60_000 },
      { isTransient: () => true, random: () => 1, signal: controller.signal }
    )
    setTimeout(() => controller.abort(), 50)
    await expect(running).rejects.toBeDefined()
    expect(calls).toBe(1)
    expect(Date.now() - started).toBeLessThan(2000)
    await expect(abortableSleep(10, controller.signal)).rejects.toBeDefined()
  })
})

describe('failures are typed from the error, never from its text', () => {
  const signal = new AbortController().signal
  it.each([
    [new RegistryError('x', { status: 401, transient: false, side: 'source' }), 'unauthorized', 'source'],
    [new RegistryError('x', { status: 403, code: 'DENIED', transient: false, side: 'target' }), 'denied', 'target'],
    [new RegistryError('x', { status: 404, code: 'NAME_UNKNOWN', transient: false, side: 'target' }), 'not-found', 'target'],
    [new RegistryError('x', { status: 429, transient: true, side: 'source' }), 'rate-limited', 'source'],
    [new RegistryError('x', { code: 'RATE_LIMIT_STOP', transient: false, side: 'source' }), 'rate-limited', 'source'],
    [new RegistryError('x', { status: 503, transient: true, side: 'target' }), 'unreachable', 'target'],
    [new RegistryError('x', { code: 'ECONNREFUSED', network: true, transient: true, side: 'source' }), 'unreachable', 'source'],
    [new RegistryError('x', { code: 'DIGEST_MISMATCH', transient: true, side: 'source' }), 'integrity', 'source'],
    [new RegistryError('x', { code: 'DIGEST_INVALID', transient: false, side: 'source' }), 'integrity', 'source'],
    [new RegistryError('x', { code: 'MANIFEST_TOO_BIG', transient: false, side: 'source' }), 'integrity', 'source'],
    [new RegistryError('x', { code: 'PLATFORM_UNKNOWN', transient: false, side: 'source' }), 'unsupported', 'source'],
    // A message naming the other side's path must not fool it.
    [new RegistryError('PUT 127.0.0.1:5000/v2/source/repo/manifests/1: HTTP 401', { status: 401, transient: false, side: 'target' }), 'unauthorized', 'target'],
    [new Error('a bug'), 'other', 'local']
  ])('%s', (error, kind, side) => {
    expect(engineFailure(error, signal)).toMatchObject({ kind, side })
  })

  it('calls any failure of a cancelled call cancelled', () => {
    const controller = new AbortController()
    controller.abort()
    expect(engineFailure(new RegistryError('x', { status: 503, transient: true, side: 'target' }), controller.signal).kind).toBe('cancelled')
  })
})

describe('manifests', () => {
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 10, platform: { os: 'linux', architecture: 'amd64' } },
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'b'.repeat(64)}`, size: 10, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } }
      ]
    })
  )

  it('keeps the exact bytes and hashes them for the digest', () => {
    const parsed = parseManifest(index, 'application/vnd.oci.image.index.v1+json', 'test')
    expect(parsed.bytes).toBe(index)
    expect(parsed.manifests).toHaveLength(2)
    expect(parsed.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
  })

  it('filters an index to the wanted platforms, which changes its digest', () => {
    const parsed = parseManifest(index, undefined, 'test')
    const arm = filterIndex(parsed, ['linux/arm64'])
    expect(arm.manifests.map(child => child.platform?.architecture)).toEqual(['arm64'])
    expect(arm.digest).not.toBe(parsed.digest)
    expect(filterIndex(parsed, ['linux/amd64', 'linux/arm64'])).toBe(parsed)
  })

  it('matches linux/arm64 to linux/arm64/v8 but not linux/arm to linux/arm64', () => {
    expect(platformMatches({ os: 'linux', architecture: 'arm64', variant: 'v8' }, 'linux/arm64')).toBe(true)
    expect(platformMatches({ os: 'linux', architecture: 'arm64' }, 'linux/arm')).toBe(false)
  })

  it('refuses an index whose child digest is a path, naming where it came from', () => {
    const planted = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ mediaType: 'x', digest: '../../../other/repo/manifests/x', size: 1 }] }))
    expect(() => parseManifest(planted, undefined, 'example.com/app:1')).toThrow(/example\.com\/app:1 manifests\[0\]: '..\/..\/..\/other\/repo\/manifests\/x' is not a valid digest/)
  })

  it.each([
    ['not JSON', Buffer.from('nope'), /not JSON/],
    ['a schema 1 manifest', Buffer.from('{"schemaVersion":1,"name":"x"}'), /schema 1/],
    ['a JSON array', Buffer.from('[]'), /not a JSON object/],
    ['layers that are not a list', Buffer.from('{"schemaVersion":2,"layers":{}}'), /not a list of descriptors/],
    ['a layer without a media type', Buffer.from(`{"schemaVersion":2,"layers":[{"digest":"sha256:${'a'.repeat(64)}","size":1}]}`), /no media type/],
    ['more than 4 MiB', Buffer.alloc(MAX_MANIFEST_BYTES + 1, 0x20), /larger than/]
  ])('rejects %s naming where it came from', (_label, bytes, message) => {
    expect(() => parseManifest(bytes, 'application/json', 'example.com/app:1')).toThrow(message)
    expect(() => parseManifest(bytes, 'application/json', 'example.com/app:1')).toThrow(/example\.com\/app:1/)
  })
})
