import { describe, expect, it } from '@jest/globals'
import { parseChallenge } from '../src/engine/registry/auth.js'
import { configKeys } from '../src/engine/registry/credentials.js'
import { isLoopbackHost, resolveEndpoint } from '../src/engine/registry/endpoint.js'
import { parseErrorBody, parseRetryAfter } from '../src/engine/registry/errors.js'
import { filterIndex, parseManifest, platformMatches } from '../src/engine/registry/manifest.js'

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
  })

  it('looks Docker Hub credentials up under the key docker login uses', () => {
    expect(configKeys('docker.io')[0]).toBe('https://index.docker.io/v1/')
    expect(configKeys('ghcr.io')).toContain('https://ghcr.io')
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

  it.each([
    ['not JSON', Buffer.from('nope'), /not JSON/],
    ['a schema 1 manifest', Buffer.from('{"schemaVersion":1,"name":"x"}'), /schema 1/]
  ])('rejects %s naming where it came from', (_label, bytes, message) => {
    expect(() => parseManifest(bytes, 'application/json', 'example.com/app:1')).toThrow(message)
    expect(() => parseManifest(bytes, 'application/json', 'example.com/app:1')).toThrow(/example\.com\/app:1/)
  })
})
