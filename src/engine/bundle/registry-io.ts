/**
 * The distribution API requests a bundle needs, made through the registry
 * engine's RegistryClient (auth, retries, counting, side tagging): HEAD and
 * GET of manifests with their digests checked, blob downloads as streams,
 * and on the import side HEAD, mount, upload from a file (its bytes checked
 * against the digest while they stream, the last piece held back so a
 * mismatch never commits) and manifest PUTs with the exact bytes.
 */
import type { Readable } from 'node:stream'
import { header, type RegistryClient, type RequestContext } from '../registry/client.js'
import { RegistryError } from '../registry/errors.js'
import { DigestGate, pullScope, pushScope, type GateProblem } from '../registry/blob.js'
import { digestOf, type Descriptor } from '../registry/manifest.js'
import { BlobMismatchError } from './store.js'

export { getManifest, headManifest, type ManifestHead } from '../registry/manifest-requests.js'

export async function blobExists(client: RegistryClient, repository: string, digest: string, context: RequestContext): Promise<boolean> {
  const answer = await client.request({ method: 'HEAD', path: `/v2/${repository}/blobs/${digest}`, scopes: [pushScope(repository)], expect: [200, 404], kind: 'blob' }, context)
  return answer.status === 200
}

/** A cross-repository mount; true when the registry linked the blob (201). A declined mount's session is deleted. */
export async function mountBlob(client: RegistryClient, repository: string, digest: string, from: string, context: RequestContext): Promise<boolean> {
  try {
    const answer = await client.request(
      {
        method: 'POST',
        path: `/v2/${repository}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`,
        scopes: [pushScope(repository), pullScope(from)],
        expect: [201, 202],
        retry: false
      },
      context
    )
    if (answer.status === 201) return true
    const location = header(answer.headers.location)
    if (location !== undefined) await deleteSession(client, repository, new URL(location, client.endpoint.origin), context)
    return false
  } catch (error) {
    if (context.signal.aborted) throw error
    return false
  }
}

/**
 * Uploads one blob from `open()`'s bytes in a single PUT; the bytes are hashed
 * as they go and the last piece is held back until the digest matches, so a
 * corrupt blob is never committed. A corrupt source throws BlobMismatchError.
 */
export async function uploadBlob(client: RegistryClient, repository: string, descriptor: Descriptor, open: () => Readable, context: RequestContext, onBytes?: (bytes: number) => void): Promise<void> {
  const started = await client.request({ method: 'POST', path: `/v2/${repository}/blobs/uploads/`, scopes: [pushScope(repository)], expect: [202], retry: false }, context)
  const location = header(started.headers.location)
  if (location === undefined) throw new RegistryError(`POST ${client.host}/v2/${repository}/blobs/uploads/: no Location in the answer`, { transient: false, side: 'target', host: client.host })
  const session = new URL(location, client.endpoint.origin)
  const gate = new DigestGate(descriptor, problem => bundleMismatch(descriptor, problem), onBytes)
  const source = open()
  source.on('error', error => gate.destroy(error))
  source.pipe(gate)
  try {
    await client.request(
      {
        method: 'PUT',
        path: new URL(`${session.href}${session.search ? '&' : '?'}digest=${encodeURIComponent(descriptor.digest)}`),
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(descriptor.size) },
        body: gate,
        scopes: [pushScope(repository)],
        expect: [201],
        retry: false,
        transferBytes: descriptor.size
      },
      context
    )
    client.countSent(gate.bytes)
  } catch (error) {
    source.destroy()
    await deleteSession(client, repository, session, context)
    // The bundle's bytes were wrong: that is the failure, not what it did to the request.
    if (gate.mismatch !== undefined) throw gate.mismatch
    throw error
  }
}

export async function putManifest(client: RegistryClient, repository: string, reference: string, bytes: Buffer, mediaType: string, context: RequestContext): Promise<void> {
  const expected = digestOf(bytes)
  const where = `PUT ${client.host}/v2/${repository}/manifests/${reference}`
  await client.request(
    {
      method: 'PUT',
      path: `/v2/${repository}/manifests/${reference}`,
      headers: { 'content-type': mediaType },
      body: bytes,
      scopes: [pushScope(repository)],
      expect: [201],
      kind: 'manifest',
      verify: answer => {
        const stored = header(answer.headers['docker-content-digest'])
        if (stored !== undefined && stored !== expected) throw new RegistryError(`${where}: the registry stored ${stored.slice(0, 100)}, expected ${expected}`, { code: 'DIGEST_MISMATCH', transient: false })
      }
    },
    context
  )
}

async function deleteSession(client: RegistryClient, repository: string, session: URL, context: RequestContext): Promise<void> {
  try {
    await client.request(
      { method: 'DELETE', path: session, scopes: [pushScope(repository)], expect: [200, 202, 204, 404], retry: false },
      { signal: AbortSignal.timeout(10_000), ...(context.record && { record: context.record }) }
    )
  } catch {
    // Registries expire abandoned sessions themselves.
  }
}

/** A blob in the bundle that is not what its descriptor names: the bundle is corrupt, not the network. */
function bundleMismatch(descriptor: Descriptor, problem: GateProblem): BlobMismatchError {
  const reason =
    problem.kind === 'too-long'
      ? `holds more than the ${descriptor.size} bytes its descriptor names`
      : problem.kind === 'size'
        ? `holds ${problem.bytes} bytes, its descriptor names ${descriptor.size}`
        : `is corrupt: its bytes hash to ${problem.actual}`
  return new BlobMismatchError(descriptor.digest, `blob ${descriptor.digest} in the bundle ${reason}`)
}
