/**
 * The benches' image set: the reference project's 20 images (15 base + 5
 * service) with realistic layer sharing (one alpine-like base under most
 * images, a debian-like one under four, the service images on top of their
 * bases' layers), four of them two-platform indexes (two in Docker's list
 * format, two in OCI's), ~300 MB unique at scale 1. Layers are gzip-framed
 * tars of seeded random bytes: incompressible, and real enough for docker to
 * pull, save, load and push. bench:registry, bench:mirror and bench:bundle
 * seed it into a source registry with seedSource.
 */
import { gzipSync } from 'node:zlib'
import { mapConcurrent } from '../src/engine/pool.js'
import { parseReference, repositoryPath } from '../src/reference.js'
import { digestOf, MEDIA, pushBlob, pushManifest, seededBytes, type Descriptor } from '../__tests__/harness/oci-images.js'
import { REFERENCE_BASE_IMAGES, REFERENCE_SERVICE_IMAGES } from '../__tests__/harness/reference-project.js'
import type { TestRegistry } from '../__tests__/harness/registry.js'

const MiB = 1024 * 1024

/** Unique bytes seeded at scale 1. */
const UNIQUE_MB = 300

export type Arch = 'amd64' | 'arm64'

/** Relative layer sizes (MB before scaling); `@arch` layers exist once per platform. */
const LAYER_WEIGHTS: Record<string, number> = {
  'alpine@': 3.5, 'debian-slim': 28, 'ubi-minimal': 37,
  'go-musl-dev-1.24': 2, 'go-1.24': 22, 'go-env-1.24': 0.1,
  'go-musl-dev-1.25': 2, 'go-1.25': 23, 'go-env-1.25': 0.1,
  'nginx-1.27@': 4, 'nginx-1.27-conf@': 0.05,
  'nginx-stable': 4, 'nginx-stable-perl': 6,
  'node-18': 15, 'yarn-18': 2, 'node-22': 16, 'yarn-22': 2,
  'postgres-deps@': 3, 'postgres-15@': 30, 'postgres-entrypoint@': 0.05,
  'python-deps': 2, 'python-3.13': 16,
  'redis-7@': 5, 'redis-entrypoint@': 0.05,
  'openldap': 20, 'openldap-conf': 0.2, 'php-apache': 25, 'phpldapadmin': 4,
  'node-runtime-debian': 15, 'redisinsight': 30, 'haproxy': 5, 'minio': 35,
  'backend-binary': 12, 'frontend-dist': 6, 'jupyterhub': 25, 'ai-nginx-conf': 0.1, 'salt': 18
}

/** Layers of each image, base first; `@` layers take the platform's variant. */
const IMAGE_LAYERS: Record<string, string[]> = {
  'docker.io/library/alpine:latest': ['alpine@'],
  'docker.io/library/golang:1.24-alpine': ['alpine@', 'go-musl-dev-1.24', 'go-1.24', 'go-env-1.24'],
  'docker.io/library/golang:1.25-alpine': ['alpine@', 'go-musl-dev-1.25', 'go-1.25', 'go-env-1.25'],
  'docker.io/library/nginx:1.27-alpine': ['alpine@', 'nginx-1.27@', 'nginx-1.27-conf@'],
  'docker.io/library/nginx:stable-alpine-perl': ['alpine@', 'nginx-stable', 'nginx-stable-perl'],
  'docker.io/library/node:18-alpine': ['alpine@', 'node-18', 'yarn-18'],
  'docker.io/library/node:22-alpine': ['alpine@', 'node-22', 'yarn-22'],
  'docker.io/library/postgres:15-alpine': ['alpine@', 'postgres-deps@', 'postgres-15@', 'postgres-entrypoint@'],
  'docker.io/library/python:3.13-alpine': ['alpine@', 'python-deps', 'python-3.13'],
  'docker.io/library/redis:7-alpine': ['alpine@', 'redis-7@', 'redis-entrypoint@'],
  'docker.io/osixia/openldap:stable': ['debian-slim', 'openldap', 'openldap-conf'],
  'docker.io/osixia/phpldapadmin:stable': ['debian-slim', 'php-apache', 'phpldapadmin'],
  'docker.io/redislabs/redisinsight:latest': ['debian-slim', 'node-runtime-debian', 'redisinsight'],
  'docker.io/tecnativa/tcp-proxy:latest': ['alpine@', 'haproxy'],
  'quay.io/minio/minio:latest': ['ubi-minimal', 'minio'],
  'docker.io/library/ai-infra-backend:v0.3.5': ['alpine@', 'backend-binary'],
  'docker.io/library/ai-infra-frontend:v0.3.5': ['alpine@', 'nginx-1.27@', 'nginx-1.27-conf@', 'frontend-dist'],
  'docker.io/library/ai-infra-jupyterhub:v0.3.5': ['alpine@', 'python-deps', 'python-3.13', 'jupyterhub'],
  'docker.io/library/ai-infra-nginx:v0.3.5': ['alpine@', 'nginx-stable', 'nginx-stable-perl', 'ai-nginx-conf'],
  'docker.io/library/ai-infra-saltstack:v0.3.5': ['alpine@', 'python-deps', 'python-3.13', 'salt']
}

/** Two-platform indexes, two in Docker's list format and two in OCI's. */
export const MULTI_ARCH: Record<string, 'docker' | 'oci'> = {
  'docker.io/library/alpine:latest': 'docker',
  'docker.io/library/redis:7-alpine': 'docker',
  'docker.io/library/nginx:1.27-alpine': 'oci',
  'docker.io/library/postgres:15-alpine': 'oci'
}

export interface BenchImage {
  name: string
  /** Repository and tag, the same in the source and in every target. */
  repository: string
  tag: string
  /** Where `skopeo sync` (without --scoped) writes it: the last path component only. */
  syncRepository: string
}

export function benchImages(): BenchImage[] {
  const names = [...REFERENCE_BASE_IMAGES, ...REFERENCE_SERVICE_IMAGES]
  if (names.length !== 20 || names.some(name => IMAGE_LAYERS[name] === undefined)) throw new Error('the reference project changed: update IMAGE_LAYERS')
  return names.map(name => {
    const ref = parseReference(name)
    return { name, repository: ref.repository, tag: ref.tag ?? 'latest', syncRepository: repositoryPath(ref).at(-1) as string }
  })
}

export function hostRef(host: string, image: BenchImage): string {
  return `${host}/${image.repository}:${image.tag}`
}

/** Layer keys each (image, platform) uses; `@` layers resolved per platform. */
function layersOf(name: string, arch: Arch): string[] {
  return (IMAGE_LAYERS[name] as string[]).map(key => (key.endsWith('@') ? `${key}${arch}` : key))
}

function platformsOf(name: string): Arch[] {
  return MULTI_ARCH[name] ? ['amd64', 'arm64'] : ['amd64']
}

/** Layer key → size in bytes, scaled so the unique total is UNIQUE_MB × scale. */
function layerSizes(scale: number): Map<string, number> {
  const used = new Set<string>()
  for (const name of Object.keys(IMAGE_LAYERS)) for (const arch of platformsOf(name)) for (const key of layersOf(name, arch)) used.add(key)
  const weight = (key: string): number => LAYER_WEIGHTS[key.endsWith('@amd64') || key.endsWith('@arm64') ? `${key.slice(0, key.lastIndexOf('@'))}@` : key] as number
  const total = [...used].reduce((sum, key) => sum + weight(key), 0)
  const factor = (UNIQUE_MB * scale) / total
  return new Map([...used].map(key => [key, Math.max(4096, Math.round(weight(key) * factor * MiB))]))
}

/** A one-file tar, gzip-framed without compression (its content is random anyway). */
function layerBlob(key: string, size: number): { blob: Buffer; diffId: string } {
  const content = seededBytes(`bench-layer-${key}`, size)
  const header = Buffer.alloc(512)
  header.write(`layer/${key.replace(/[^a-zA-Z0-9.-]/g, '_')}.bin`, 0, 'utf8')
  header.write('0000644\0', 100)
  header.write('0000000\0', 108)
  header.write('0000000\0', 116)
  header.write(`${size.toString(8).padStart(11, '0')}\0`, 124)
  header.write('00000000000\0', 136)
  header.write('        ', 148)
  header.write('0', 156)
  header.write('ustar\0', 257)
  header.write('00', 263)
  let checksum = 0
  for (const byte of header) checksum += byte
  header.write(`${checksum.toString(8).padStart(6, '0')}\0 `, 148)
  const padding = Buffer.alloc((512 - (size % 512)) % 512)
  const tar = Buffer.concat([header, content, padding, Buffer.alloc(1024)])
  return { blob: gzipSync(tar, { level: 0 }), diffId: digestOf(tar) }
}

interface SeededLayer {
  descriptor: Omit<Descriptor, 'mediaType'>
  diffId: string
  /** Repositories of the source holding it, to mount from instead of pushing again. */
  repositories: Set<string>
}

export interface Seeded {
  /** Bytes of distinct blobs (layers, configs, manifests). */
  uniqueBytes: number
  largestLayer: { repository: string; digest: string; size: number }
  /** The two largest layers, for the two-stream floor. */
  largestTwo: Array<{ repository: string; digest: string; size: number }>
  blobCount: number
}

/** Pushes the image set into `registry` under each image's repository and tag; `scale` 1 is ~300 MB unique. */
export async function seedSource(registry: TestRegistry, images: BenchImage[], scale: number): Promise<Seeded> {
  const sizes = layerSizes(scale)
  const layers = new Map<string, Promise<SeededLayer>>()
  let uniqueBytes = 0
  let blobCount = 0
  // The first image to need a layer pushes it; the others wait for that push, then mount it.
  const pushLayer = async (key: string, repository: string, mediaType: string): Promise<SeededLayer> => {
    const { blob, diffId } = layerBlob(key, sizes.get(key) as number)
    const pushed = await pushBlob(registry, repository, blob, mediaType)
    uniqueBytes += blob.length
    blobCount += 1
    return { descriptor: { digest: pushed.digest, size: pushed.size }, diffId, repositories: new Set([repository]) }
  }
  const ensureLayer = async (key: string, repository: string, mediaType: string): Promise<Descriptor> => {
    let pending = layers.get(key)
    if (!pending) {
      pending = pushLayer(key, repository, mediaType)
      layers.set(key, pending)
    }
    const known = await pending
    if (!known.repositories.has(repository)) {
      const from = [...known.repositories][0] as string
      known.repositories.add(repository)
      const mount = await fetch(`${registry.url}/v2/${repository}/blobs/uploads/?mount=${known.descriptor.digest}&from=${from}`, { method: 'POST' })
      await mount.arrayBuffer()
      if (mount.status !== 201) throw new Error(`mount of ${key} into ${repository}: HTTP ${mount.status}`)
    }
    return { ...known.descriptor, mediaType }
  }

  await mapConcurrent(images, 4, async image => {
    const format = MULTI_ARCH[image.name] ?? 'docker'
    const children: Array<{ descriptor: Descriptor; arch: Arch }> = []
    for (const arch of platformsOf(image.name)) {
      const layerDescriptors: Descriptor[] = []
      for (const key of layersOf(image.name, arch)) layerDescriptors.push(await ensureLayer(key, image.repository, format === 'oci' ? MEDIA.ociLayer : MEDIA.dockerLayer))
      const config = Buffer.from(
        JSON.stringify({
          architecture: arch,
          os: 'linux',
          created: '2025-01-01T00:00:00Z',
          config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Labels: { 'bench.image': image.name } },
          rootfs: { type: 'layers', diff_ids: await Promise.all(layersOf(image.name, arch).map(async key => (await layers.get(key))?.diffId)) },
          history: layerDescriptors.map(() => ({ created: '2025-01-01T00:00:00Z', created_by: 'bench' }))
        })
      )
      const configDescriptor = await pushBlob(registry, image.repository, config, format === 'oci' ? MEDIA.ociConfig : MEDIA.dockerConfig)
      uniqueBytes += config.length
      blobCount += 1
      const mediaType = format === 'oci' ? MEDIA.ociManifest : MEDIA.dockerManifest
      const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, config: configDescriptor, layers: layerDescriptors }, null, 3))
      const single = !MULTI_ARCH[image.name]
      const digest = await pushManifest(registry, image.repository, single ? image.tag : digestOf(bytes), bytes, mediaType)
      uniqueBytes += bytes.length
      children.push({ descriptor: { mediaType, digest, size: bytes.length }, arch })
    }
    if (MULTI_ARCH[image.name]) {
      const mediaType = format === 'oci' ? MEDIA.ociIndex : MEDIA.dockerList
      const manifests = children.map(child => ({ ...child.descriptor, platform: { os: 'linux', architecture: child.arch, ...(child.arch === 'arm64' && { variant: 'v8' }) } }))
      const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, manifests }, null, 2))
      await pushManifest(registry, image.repository, image.tag, bytes, mediaType)
      uniqueBytes += bytes.length
    }
  })
  const bySize = (await Promise.all(layers.values())).sort((a, b) => b.descriptor.size - a.descriptor.size)
  const described = (layer: SeededLayer): Seeded['largestLayer'] => ({ repository: [...layer.repositories][0] as string, digest: layer.descriptor.digest, size: layer.descriptor.size })
  return { uniqueBytes, blobCount, largestLayer: described(bySize[0] as SeededLayer), largestTwo: bySize.slice(0, 2).map(described) }
}

/** The first line of every bench's table: what was seeded, on what machine. */
export function describeImageSet(images: BenchImage[], seeded: Seeded, scale: number, cpus: number): string {
  return `image set: ${images.length} images (15 base + 5 service), ${Object.keys(MULTI_ARCH).length} two-platform indexes, ${seeded.blobCount} distinct blobs, ${(seeded.uniqueBytes / MiB).toFixed(1)} MiB unique (BENCH_SCALE=${scale}), ${cpus} CPUs, node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z`
}
