/**
 * Pushes test images straight to a registry over HTTP, the way a client like
 * crane would: blobs (POST + PUT), then manifests and indexes. Content is
 * deterministic from a seed, so tests can name exact digests and sizes.
 */
import { createCipheriv, createHash } from 'node:crypto'

export interface Pushable {
  url: string
  credentials?: { username: string; password: string }
}

export interface Descriptor {
  mediaType: string
  digest: string
  size: number
  platform?: { os: string; architecture: string; variant?: string }
  artifactType?: string
}

export interface PushedManifest {
  digest: string
  mediaType: string
  bytes: Buffer
  size: number
  /** Every blob this manifest (or index) references, children included. */
  blobs: Descriptor[]
}

export const MEDIA = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociEmpty: 'application/vnd.oci.empty.v1+json'
} as const

export const MANIFEST_ACCEPT = [MEDIA.ociIndex, MEDIA.dockerList, MEDIA.ociManifest, MEDIA.dockerManifest].join(', ')

/** `size` pseudo-random bytes, the same for the same seed (AES-CTR over zeros: fast for tens of MiB). */
export function seededBytes(seed: string, size: number): Buffer {
  const key = createHash('sha256').update(seed).digest().subarray(0, 16)
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16))
  return Buffer.concat([cipher.update(Buffer.alloc(size)), cipher.final()])
}

export function digestOf(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`
}

function headers(target: Pushable, extra: Record<string, string> = {}): Record<string, string> {
  const auth: Record<string, string> = target.credentials ? { authorization: `Basic ${Buffer.from(`${target.credentials.username}:${target.credentials.password}`).toString('base64')}` } : {}
  return { ...auth, ...extra }
}

export async function pushBlob(target: Pushable, repository: string, data: Buffer, mediaType: string): Promise<Descriptor> {
  const digest = digestOf(data)
  const started = await fetch(`${target.url}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers: headers(target) })
  if (started.status !== 202) throw new Error(`POST upload to ${repository}: HTTP ${started.status} ${await started.text()}`)
  const location = new URL(started.headers.get('location') as string, target.url)
  location.searchParams.set('digest', digest)
  const put = await fetch(location, { method: 'PUT', headers: headers(target, { 'content-type': 'application/octet-stream' }), body: data })
  if (put.status !== 201) throw new Error(`PUT blob to ${repository}: HTTP ${put.status} ${await put.text()}`)
  return { mediaType, digest, size: data.length }
}

export async function pushManifest(target: Pushable, repository: string, reference: string, bytes: Buffer, mediaType: string): Promise<string> {
  const response = await fetch(`${target.url}/v2/${repository}/manifests/${reference}`, {
    method: 'PUT',
    headers: headers(target, { 'content-type': mediaType }),
    body: bytes
  })
  if (response.status !== 201) throw new Error(`PUT manifest ${repository}:${reference}: HTTP ${response.status} ${await response.text()}`)
  return digestOf(bytes)
}

export interface ImageSpec {
  format: 'docker' | 'oci'
  /** Layer contents; share a Buffer between images to share the layer. */
  layers: Buffer[]
  platform?: { os: string; architecture: string; variant?: string }
}

/** `reference` undefined: pushed by digest only (index children). */
export async function pushImage(target: Pushable, repository: string, reference: string | undefined, spec: ImageSpec): Promise<PushedManifest> {
  const docker = spec.format === 'docker'
  const layers: Descriptor[] = []
  for (const layer of spec.layers) layers.push(await pushBlob(target, repository, layer, docker ? MEDIA.dockerLayer : MEDIA.ociLayer))
  const platform = spec.platform ?? { os: 'linux', architecture: 'amd64' }
  const configBytes = Buffer.from(
    JSON.stringify({ ...platform, config: {}, rootfs: { type: 'layers', diff_ids: layers.map(layer => layer.digest) }, history: [] })
  )
  const config = await pushBlob(target, repository, configBytes, docker ? MEDIA.dockerConfig : MEDIA.ociConfig)
  const mediaType = docker ? MEDIA.dockerManifest : MEDIA.ociManifest
  // Indented on purpose: exact bytes matter, not the canonical form.
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, config, layers }, null, 3))
  const digest = await pushManifest(target, repository, reference ?? digestOf(bytes), bytes, mediaType)
  return { digest, mediaType, bytes, size: bytes.length, blobs: [config, ...layers] }
}

export async function pushIndex(target: Pushable, repository: string, reference: string, format: 'docker' | 'oci', children: Array<{ manifest: PushedManifest; platform: Descriptor['platform'] }>): Promise<PushedManifest> {
  const mediaType = format === 'docker' ? MEDIA.dockerList : MEDIA.ociIndex
  const manifests = children.map(({ manifest, platform }) => ({ mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.size, platform }))
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, manifests }, null, 2))
  const digest = await pushManifest(target, repository, reference, bytes, mediaType)
  return { digest, mediaType, bytes, size: bytes.length, blobs: children.flatMap(child => child.manifest.blobs) }
}

/** An image of each platform, then an index over them (children pushed by digest). */
export async function pushMultiPlatform(target: Pushable, repository: string, tag: string, format: 'docker' | 'oci', seed: string, platforms: Array<{ os: string; architecture: string; variant?: string }>): Promise<{ index: PushedManifest; children: PushedManifest[] }> {
  const children: PushedManifest[] = []
  for (const platform of platforms) {
    const layers = [seededBytes(`${seed}-${platform.architecture}-1`, 40_000), seededBytes(`${seed}-${platform.architecture}-2`, 70_000)]
    const pushed = await pushImage(target, repository, undefined, { format, layers, platform })
    children.push(pushed)
  }
  const index = await pushIndex(target, repository, tag, format, children.map((manifest, i) => ({ manifest, platform: platforms[i] })))
  return { index, children }
}

/**
 * An artifact (say, a signature) whose `subject` is `subject`, plus the
 * `sha256-<hex>` tag index that OCI 1.1 clients maintain on registries
 * without the referrers API (distribution 2.8 has none).
 */
export async function pushReferrer(target: Pushable, repository: string, subject: { digest: string; mediaType: string; size: number }, seed: string): Promise<PushedManifest> {
  const empty = await pushBlob(target, repository, Buffer.from('{}'), MEDIA.ociEmpty)
  const signature = await pushBlob(target, repository, seededBytes(seed, 512), 'application/vnd.dev.cosign.simplesigning.v1+json')
  const artifactType = 'application/vnd.dev.sigstore.bundle.v0.3+json'
  const bytes = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.ociManifest, artifactType, config: empty, layers: [signature], subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size } })
  )
  const digest = digestOf(bytes)
  await pushManifest(target, repository, digest, bytes, MEDIA.ociManifest)
  const fallback = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests: [{ mediaType: MEDIA.ociManifest, digest, size: bytes.length, artifactType }] }))
  await pushManifest(target, repository, subject.digest.replace(':', '-'), fallback, MEDIA.ociIndex)
  return { digest, mediaType: MEDIA.ociManifest, bytes, size: bytes.length, blobs: [empty, signature] }
}

/** The digest a registry reports for a manifest, or undefined on 404. */
export async function manifestDigest(target: Pushable, repository: string, reference: string): Promise<string | undefined> {
  const response = await fetch(`${target.url}/v2/${repository}/manifests/${reference}`, { method: 'HEAD', headers: headers(target, { accept: MANIFEST_ACCEPT }) })
  if (response.status === 404) return undefined
  if (response.status !== 200) throw new Error(`HEAD ${repository}:${reference}: HTTP ${response.status}`)
  return response.headers.get('docker-content-digest') ?? undefined
}

/** The manifest bytes as stored, to compare byte for byte. */
export async function manifestBytes(target: Pushable, repository: string, reference: string): Promise<Buffer> {
  const response = await fetch(`${target.url}/v2/${repository}/manifests/${reference}`, { headers: headers(target, { accept: MANIFEST_ACCEPT }) })
  if (response.status !== 200) throw new Error(`GET ${repository}:${reference}: HTTP ${response.status}`)
  return Buffer.from(await response.arrayBuffer())
}

export async function blobExists(target: Pushable, repository: string, digest: string): Promise<boolean> {
  const response = await fetch(`${target.url}/v2/${repository}/blobs/${digest}`, { method: 'HEAD', headers: headers(target) })
  return response.status === 200
}
