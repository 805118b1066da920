/**
 * The two manifest requests every user of the registry client makes (the
 * copier, the bundle engine): a HEAD that validates the announced digest, and
 * a GET whose bytes are checked against the expected and announced digests,
 * bounded to the 4 MiB distribution allows.
 */
import { header, type RegistryClient, type RegistryResponse, type RequestContext } from './client.js'
import { RegistryError } from './errors.js'
import { checkDigest, digestOf, MANIFEST_ACCEPT, MAX_MANIFEST_BYTES, parseManifest, type Manifest } from './manifest.js'

export interface ManifestHead {
  digest?: string
  /** Without parameters (`; charset=…`). */
  mediaType?: string
  size?: number
}

/** What a HEAD says of a manifest, or undefined when the registry does not have it. */
export async function headManifest(client: RegistryClient, repository: string, reference: string, scope: string, context: RequestContext): Promise<ManifestHead | undefined> {
  const where = `${client.host}/${repository}:${reference}`
  const answer = await client.request(
    {
      method: 'HEAD',
      path: `/v2/${repository}/manifests/${reference}`,
      headers: { accept: MANIFEST_ACCEPT },
      scopes: [scope],
      expect: [200, 404],
      kind: 'manifest',
      verify: response => {
        const digest = header(response.headers['docker-content-digest'])
        if (digest !== undefined) checkDigest(digest, `${where} Docker-Content-Digest`)
      }
    },
    context
  )
  if (answer.status === 404) return undefined
  const digest = header(answer.headers['docker-content-digest'])
  const mediaType = header(answer.headers['content-type'])?.split(';')[0]?.trim()
  const length = Number.parseInt(header(answer.headers['content-length']) ?? '', 10)
  return {
    ...(digest !== undefined && digest !== '' && { digest }),
    ...(mediaType !== undefined && mediaType !== '' && { mediaType }),
    ...(Number.isSafeInteger(length) && length >= 0 && { size: length })
  }
}

/** A manifest by tag or digest, its bytes checked against `expected` and against the digest the registry announced. */
export async function getManifest(client: RegistryClient, repository: string, reference: string, expected: string | undefined, context: RequestContext, scope: string): Promise<Manifest> {
  const where = `${client.host}/${repository}:${reference}`
  let manifest: Manifest | undefined
  await client.request(
    {
      method: 'GET',
      path: `/v2/${repository}/manifests/${reference}`,
      headers: { accept: MANIFEST_ACCEPT },
      scopes: [scope],
      expect: [200],
      kind: 'manifest',
      maxBodyBytes: MAX_MANIFEST_BYTES,
      verify: answer => {
        manifest = checkedManifest(answer, where, expected)
      }
    },
    context
  )
  return manifest as Manifest
}

export function checkedManifest(answer: RegistryResponse, where: string, expectedDigest: string | undefined): Manifest {
  const manifest = parseManifest(answer.body, header(answer.headers['content-type']), where)
  const announced = header(answer.headers['docker-content-digest'])
  if (announced !== undefined) checkDigest(announced, `${where} Docker-Content-Digest`)
  for (const expected of [expectedDigest, announced]) {
    if (expected === undefined) continue
    const actual = expected.startsWith('sha256:') ? manifest.digest : digestOf(manifest.bytes, expected)
    if (actual !== expected) {
      throw new RegistryError(`${where}: the manifest received hashes to ${actual}, expected ${expected}`, { code: 'DIGEST_MISMATCH', transient: true })
    }
  }
  return manifest
}
