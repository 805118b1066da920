/**
 * Manifests and indexes as the distribution API carries them. Bytes are kept
 * exactly as received, because the digest is the sha256 of those bytes.
 */
import { createHash } from 'node:crypto'
import { RegistryError } from './errors.js'

export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json'
} as const

export const MANIFEST_ACCEPT = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList, MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest].join(', ')

export interface Platform {
  os: string
  architecture: string
  variant?: string
}

export interface Descriptor {
  mediaType: string
  digest: string
  size: number
  platform?: Platform
  urls?: string[]
  artifactType?: string
  annotations?: Record<string, string>
}

export interface Manifest {
  /** The exact bytes; pushed as they are. */
  bytes: Buffer
  mediaType: string
  digest: string
  /** Children of an index; empty for an image manifest. */
  manifests: Descriptor[]
  /** Config and layers of an image manifest; empty for an index. */
  blobs: Descriptor[]
  subject?: Descriptor
  /** The parsed document, for building a filtered index. */
  document: Record<string, unknown>
}

export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`
}

export function isIndexType(mediaType: string): boolean {
  return mediaType === MEDIA_TYPES.ociIndex || mediaType === MEDIA_TYPES.dockerManifestList
}

/** Parses manifest bytes; the media type is the response's Content-Type, or the document's own. */
export function parseManifest(bytes: Buffer, contentType: string | undefined, where: string): Manifest {
  let document: Record<string, unknown>
  try {
    document = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>
  } catch {
    throw new RegistryError(`${where}: the manifest is not JSON`, { code: 'MANIFEST_INVALID', transient: false })
  }
  const declared = typeof document.mediaType === 'string' ? document.mediaType : undefined
  const header = contentType?.split(';')[0]?.trim()
  let mediaType = declared ?? (header && header !== 'application/json' ? header : undefined)
  // An OCI index or manifest may omit mediaType; its shape tells which it is.
  mediaType ??= Array.isArray(document.manifests) ? MEDIA_TYPES.ociIndex : MEDIA_TYPES.ociManifest
  if (document.schemaVersion === 1 || mediaType.startsWith('application/vnd.docker.distribution.manifest.v1')) {
    throw new RegistryError(`${where}: Docker schema 1 manifests are not supported (re-push the image with a current docker)`, {
      code: 'MANIFEST_INVALID',
      transient: false
    })
  }
  const manifests = isIndexType(mediaType) ? descriptors(document.manifests) : []
  const blobs = isIndexType(mediaType) ? [] : [...descriptors(document.config === undefined ? [] : [document.config]), ...descriptors(document.layers)]
  const subject = descriptors(document.subject === undefined ? [] : [document.subject])[0]
  return { bytes, mediaType, digest: sha256Digest(bytes), manifests, blobs, ...(subject && { subject }), document }
}

function descriptors(value: unknown): Descriptor[] {
  if (!Array.isArray(value)) return []
  return value.filter((item): item is Descriptor => typeof item === 'object' && item !== null && typeof (item as Descriptor).digest === 'string')
}

export function formatPlatform(platform: Platform | undefined): string | undefined {
  if (!platform?.os || !platform.architecture) return undefined
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/')
}

/** `linux/arm64` matches `linux/arm64` and `linux/arm64/v8`; `linux/arm/v7` needs the variant. */
export function platformMatches(platform: Platform | undefined, wanted: string): boolean {
  const formatted = formatPlatform(platform)
  if (!formatted) return false
  return formatted === wanted || formatted.startsWith(`${wanted}/`)
}

/** Blobs a registry will not serve (foreign, non-distributable layers) are not copied. */
export function isForeign(descriptor: Descriptor): boolean {
  return (descriptor.urls?.length ?? 0) > 0 || descriptor.mediaType.includes('foreign') || descriptor.mediaType.includes('nondistributable')
}

/**
 * A copy of an index with only the wanted platforms. Its bytes are new, so its
 * digest differs from the source's: that is why `platforms` is opt-in.
 */
export function filterIndex(index: Manifest, platforms: readonly string[]): Manifest {
  const kept = index.manifests.filter(child => platforms.some(wanted => platformMatches(child.platform, wanted)))
  if (kept.length === index.manifests.length) return index
  const bytes = Buffer.from(JSON.stringify({ ...index.document, manifests: kept }))
  return { ...index, bytes, digest: sha256Digest(bytes), manifests: kept, document: { ...index.document, manifests: kept } }
}
