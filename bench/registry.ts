/**
 * Registry-engine benchmark: the reference project's 20 images (15 base + 5
 * service) seeded into a source registry with realistic layer sharing (one
 * alpine-like base under most images, a debian-like one under four, the
 * service images on top of their bases' layers), four of them two-platform
 * indexes, ~300 MB unique (BENCH_SCALE=0.1 for a quick run). Layers are
 * gzip-framed tars of seeded random bytes: incompressible, and real enough
 * for docker to pull.
 *
 * Contenders, each into its own fresh registry, cold (empty target) then warm
 * (everything present), each in its own process under /usr/bin/time so peak
 * RSS is its own:
 *   image-mirror  the product: `node dist/cli.js --mode mirror --engine registry` over a compose
 *                 file naming the 20 images, bundle load, scan, plan and report included
 *                 (BENCH_CLI=0 skips it; needs `npm run build` first)
 *   engine        RegistryEngine.prepareCopy + copy over all 20 images, 4 at a time (compiled src)
 *   skopeo copy   `skopeo copy --all` per image, one after the other
 *   skopeo sync   `skopeo sync --all --src yaml` of all 20, one process
 *   docker loop   `docker pull; docker tag; docker push` per image through a private dockerd
 *                 (BENCH_DOCKER=0 skips it); RSS is dockerd's high-water mark
 * Rounds: BENCH_ROUNDS (default 3); every round runs every contender once, in
 * an order rotated each round (interleaved, so a noisy minute hits them all);
 * the table shows medians of the rounds and the highest peak RSS.
 * Floors: cold = unique bytes at the target registry's best measured intake
 * rate (one, then two piped GET→PUT blob streams); warm = 20 sequential
 * manifest HEADs on one keep-alive connection; both measured before the first
 * round and after each, the best kept.
 *
 * Run: npm run bench:registry   (BENCH_ONLY=engine,image-mirror runs some contenders only;
 * BENCH_NODE_FLAGS='--cpu-prof' passes flags to the node contenders; BENCH_BASELINE=<other build's
 * .bench-build/bench/registry.js> adds that build's engine as a contender, for A/B runs;
 * BENCH_BLOB_VARIANTS=2,4,6 adds engines with that many blob transfers at once)
 */
import { execFile } from 'node:child_process'
import * as fs from 'node:fs'
import * as http from 'node:http'
import * as os from 'node:os'
import * as path from 'node:path'
import { performance } from 'node:perf_hooks'
import { promisify } from 'node:util'
import { gzipSync } from 'node:zlib'
import { mapConcurrent } from '../src/engine/pool.js'
import { detachedContext, EngineFailure } from '../src/engine/port.js'
import { RegistryEngine } from '../src/engine/registry/engine.js'
import { parseReference, repositoryPath } from '../src/reference.js'
import { startDockerd, type TestDockerd } from '../__tests__/harness/docker.js'
import { digestOf, manifestDigest, MEDIA, pushBlob, pushManifest, seededBytes, type Descriptor } from '../__tests__/harness/oci-images.js'
import { REFERENCE_BASE_IMAGES, REFERENCE_SERVICE_IMAGES } from '../__tests__/harness/reference-project.js'
import { requireBinary, startRegistry, type TestRegistry } from '../__tests__/harness/registry.js'

const execFileAsync = promisify(execFile)
const MiB = 1024 * 1024

/** Unique bytes seeded at BENCH_SCALE=1. */
const UNIQUE_MB = 300
const SCALE = positiveNumber('BENCH_SCALE', 1)
const WITH_DOCKER = process.env.BENCH_DOCKER !== '0'
const WITH_CLI = process.env.BENCH_CLI !== '0'
const ROUNDS = Math.round(positiveNumber('BENCH_ROUNDS', 3))
/** Contenders to run (by key); empty: all. */
const ONLY = (process.env.BENCH_ONLY ?? '').split(',').map(key => key.trim()).filter(Boolean)
const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean)
/** The compiled bench/registry.js of another build (e.g. the last commit's), run as an extra engine contender. */
const BASELINE = process.env.BENCH_BASELINE || undefined
/** BENCH_BLOB_VARIANTS=2,4,6: extra engine contenders with that many blob transfers at once (to choose the default). */
const BLOB_VARIANTS = (process.env.BENCH_BLOB_VARIANTS ?? '').split(',').filter(Boolean).map(Number)
/** Bounds every contender run, so a hang cannot stall the benchmark forever. */
const RUN_TIMEOUT_MS = 240000
/** The engine's concurrency (images at once, and blobs per image); the action's default is 4. */
const ENGINE_CONCURRENCY = positiveNumber('BENCH_CONCURRENCY', 4)

function positiveNumber(name: string, fallback: number): number {
  const text = process.env[name]
  if (text === undefined || text === '') return fallback
  const value = Number(text)
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}='${text}': expected a number above 0`)
  return value
}

// ---------------------------------------------------------------- image set

type Arch = 'amd64' | 'arm64'

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
const MULTI_ARCH: Record<string, 'docker' | 'oci'> = {
  'docker.io/library/alpine:latest': 'docker',
  'docker.io/library/redis:7-alpine': 'docker',
  'docker.io/library/nginx:1.27-alpine': 'oci',
  'docker.io/library/postgres:15-alpine': 'oci'
}

interface BenchImage {
  name: string
  /** Repository and tag, the same in the source and in every target. */
  repository: string
  tag: string
  /** Where `skopeo sync` (without --scoped) writes it: the last path component only. */
  syncRepository: string
}

function benchImages(): BenchImage[] {
  const names = [...REFERENCE_BASE_IMAGES, ...REFERENCE_SERVICE_IMAGES]
  if (names.length !== 20 || names.some(name => IMAGE_LAYERS[name] === undefined)) throw new Error('the reference project changed: update IMAGE_LAYERS')
  return names.map(name => {
    const ref = parseReference(name)
    return { name, repository: ref.repository, tag: ref.tag ?? 'latest', syncRepository: repositoryPath(ref).at(-1) as string }
  })
}

function hostRef(host: string, image: BenchImage): string {
  return `${host}/${image.repository}:${image.tag}`
}

/** Layer keys each (image, platform) uses; `@` layers resolved per platform. */
function layersOf(name: string, arch: Arch): string[] {
  return (IMAGE_LAYERS[name] as string[]).map(key => (key.endsWith('@') ? `${key}${arch}` : key))
}

function platformsOf(name: string): Arch[] {
  return MULTI_ARCH[name] ? ['amd64', 'arm64'] : ['amd64']
}

/** Layer key → size in bytes, scaled so the unique total is UNIQUE_MB × BENCH_SCALE. */
function layerSizes(): Map<string, number> {
  const used = new Set<string>()
  for (const name of Object.keys(IMAGE_LAYERS)) for (const arch of platformsOf(name)) for (const key of layersOf(name, arch)) used.add(key)
  const weight = (key: string): number => LAYER_WEIGHTS[key.endsWith('@amd64') || key.endsWith('@arm64') ? `${key.slice(0, key.lastIndexOf('@'))}@` : key] as number
  const total = [...used].reduce((sum, key) => sum + weight(key), 0)
  const factor = (UNIQUE_MB * SCALE) / total
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

interface Seeded {
  /** Bytes of distinct blobs (layers, configs, manifests). */
  uniqueBytes: number
  largestLayer: { repository: string; digest: string; size: number }
  /** The two largest layers, for the two-stream floor. */
  largestTwo: Array<{ repository: string; digest: string; size: number }>
  blobCount: number
}

async function seedSource(registry: TestRegistry, images: BenchImage[]): Promise<Seeded> {
  const sizes = layerSizes()
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

// ---------------------------------------------------------------- contenders

interface Run {
  seconds: number
  /** Peak RSS in KiB (the largest of the run's processes). */
  maxRssKiB: number
  details?: EngineReport
}

interface EngineReport {
  inProcessMs: number
  maxRssKiB: number
  statuses: Record<string, number>
  failures: string[]
  stats: ReturnType<RegistryEngine['stats']>
  blobCounts: ReturnType<RegistryEngine['blobCounts']>
  bytesTransferred: number
  /** Peaks of process.memoryUsage() sampled every 20 ms, in MiB. */
  memory: { rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number }
}

/** Runs a command under /usr/bin/time, bounded; returns its wall time and peak RSS. */
async function timed(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ seconds: number; maxRssKiB: number; stdout: string }> {
  const timeBinary = requireBinary('time', 'time')
  const rssFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'im-bench-time-')), 'rss')
  const started = performance.now()
  try {
    const { stdout } = await execFileAsync(timeBinary, ['-f', '%M', '-o', rssFile, command, ...args], { env, timeout: RUN_TIMEOUT_MS, maxBuffer: 64 * MiB })
    const seconds = (performance.now() - started) / 1000
    return { seconds, maxRssKiB: Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop()), stdout }
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? error).trim()
    throw new Error(`${path.basename(command)} ${args.slice(0, 3).join(' ')} … failed: ${stderr.slice(-1500)}`)
  } finally {
    fs.rmSync(path.dirname(rssFile), { recursive: true, force: true })
  }
}

/** `script`: another build of this bench (BENCH_BASELINE), to compare two versions of the engine in one run. */
async function runEngine(source: TestRegistry, target: TestRegistry, images: BenchImage[], script = new URL(import.meta.url).pathname, blobConcurrency?: number): Promise<Run> {
  const pairs = images.map(image => [hostRef(source.host, image), hostRef(target.host, image)])
  const env = blobConcurrency === undefined ? process.env : { ...process.env, BENCH_BLOB_CONCURRENCY: String(blobConcurrency) }
  const run = await timed(process.execPath, [...NODE_FLAGS, script, 'engine-child', JSON.stringify(pairs)], env)
  const report = JSON.parse(run.stdout) as EngineReport
  if (report.failures.length > 0) throw new Error(`engine: ${report.failures.join('; ')}`)
  return { seconds: run.seconds, maxRssKiB: run.maxRssKiB, details: report }
}

/** The child side: mirrors every pair with one RegistryEngine, four images at a time, and prints a JSON report. */
async function engineChild(pairs: Array<[string, string]>): Promise<void> {
  const started = performance.now()
  const memory = { rss: 0, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 }
  const sample = (): void => {
    const usage = process.memoryUsage()
    for (const key of Object.keys(memory) as Array<keyof typeof memory>) memory[key] = Math.max(memory[key], Math.round((usage[key] / MiB) * 10) / 10)
  }
  const sampler = setInterval(sample, 20)
  sampler.unref()
  const blobConcurrency = process.env.BENCH_BLOB_CONCURRENCY ? Number(process.env.BENCH_BLOB_CONCURRENCY) : undefined
  const engine = new RegistryEngine({
    insecureRegistries: [],
    concurrency: ENGINE_CONCURRENCY,
    ...(blobConcurrency !== undefined && { blobConcurrency }),
    retries: 3,
    platforms: [],
    copyReferrers: false
  })
  try {
    const results = await mapConcurrent(pairs, ENGINE_CONCURRENCY, async ([source, target]) => {
      const context = detachedContext()
      try {
        return await engine.copy(await engine.prepareCopy(parseReference(source), parseReference(target), context), context)
      } catch (error) {
        if (error instanceof EngineFailure) return { status: 'failed' as const, error: `${error.kind} (${error.side}): ${error.message}`, bytesTransferred: 0 }
        throw error
      }
    })
    const statuses: Record<string, number> = {}
    for (const result of results) statuses[result.status] = (statuses[result.status] ?? 0) + 1
    const report: EngineReport = {
      inProcessMs: performance.now() - started,
      maxRssKiB: process.resourceUsage().maxRSS,
      statuses,
      failures: results.flatMap((result, i) => ('error' in result ? [`${(pairs[i] as [string, string])[0]}: ${result.error}`] : [])),
      stats: engine.stats(),
      blobCounts: engine.blobCounts(),
      bytesTransferred: results.reduce((sum, result) => sum + (result.bytesTransferred ?? 0), 0),
      memory
    }
    sample()
    clearInterval(sampler)
    process.stdout.write(JSON.stringify(report))
  } finally {
    await engine.close()
  }
}

/** The product as a user runs it: dist/cli.js over a compose file naming the source images, into the target. */
async function runCli(source: TestRegistry, target: TestRegistry, images: BenchImage[], workDir: string): Promise<Run> {
  const project = path.join(workDir, `cli-${source.port}`)
  if (!fs.existsSync(project)) {
    fs.mkdirSync(project, { recursive: true })
    const services = images.map((image, i) => `  s${i}:\n    image: ${hostRef(source.host, image)}`)
    fs.writeFileSync(path.join(project, 'docker-compose.yml'), `services:\n${services.join('\n')}\n`)
  }
  const cli = path.join(process.cwd(), 'dist', 'cli.js')
  if (!fs.existsSync(cli)) throw new Error('dist/cli.js is missing: run npm run build first (or BENCH_CLI=0)')
  const report = path.join(workDir, 'cli-report.json')
  const args = [...NODE_FLAGS, cli, '--json', '--mode', 'mirror', '--engine', 'registry', '--path', project, '--registry', target.host, '--layout', 'preserve', '--concurrency', String(ENGINE_CONCURRENCY), '--report-path', report]
  const env: NodeJS.ProcessEnv = { ...process.env, GITHUB_WORKSPACE: workDir }
  for (const name of Object.keys(env)) if (name.startsWith('IMAGE_MIRROR_') || (name.startsWith('GITHUB_') && name !== 'GITHUB_WORKSPACE')) delete env[name]
  const run = await timed(process.execPath, args, env)
  const parsed = JSON.parse(run.stdout) as { images?: Array<{ status?: string }> }
  const statuses: Record<string, number> = {}
  for (const image of parsed.images ?? []) statuses[image.status ?? '?'] = (statuses[image.status ?? '?'] ?? 0) + 1
  const good = (statuses.mirrored ?? 0) + (statuses['already-present'] ?? 0) + (statuses.verified ?? 0)
  if (good !== images.length) throw new Error(`image-mirror CLI: ${JSON.stringify(statuses)}`)
  return { seconds: run.seconds, maxRssKiB: run.maxRssKiB }
}

const SKOPEO_TLS = ['--src-tls-verify=false', '--dest-tls-verify=false']

async function runSkopeoCopy(source: TestRegistry, target: TestRegistry, images: BenchImage[]): Promise<Run> {
  const skopeo = requireBinary('skopeo', 'skopeo')
  let seconds = 0
  let maxRssKiB = 0
  for (const image of images) {
    const run = await timed(skopeo, ['copy', '--all', '--quiet', ...SKOPEO_TLS, `docker://${hostRef(source.host, image)}`, `docker://${hostRef(target.host, image)}`])
    seconds += run.seconds
    maxRssKiB = Math.max(maxRssKiB, run.maxRssKiB)
  }
  return { seconds, maxRssKiB }
}

async function runSkopeoSync(source: TestRegistry, target: TestRegistry, images: BenchImage[], workDir: string): Promise<Run> {
  const skopeo = requireBinary('skopeo', 'skopeo')
  const yamlPath = path.join(workDir, 'skopeo-sync.yaml')
  // Registry → repository → tags; skopeo writes each to <dest>/<repository>:<tag>.
  const tags = new Map<string, string[]>()
  for (const image of images) tags.set(image.repository, [...(tags.get(image.repository) ?? []), image.tag])
  const lines = [`${source.host}:`, '  tls-verify: false', '  images:', ...[...tags].map(([repository, list]) => `    ${repository}: [${list.map(tag => `"${tag}"`).join(', ')}]`)]
  fs.writeFileSync(yamlPath, `${lines.join('\n')}\n`)
  const run = await timed(skopeo, ['sync', '--all', '--src', 'yaml', '--dest', 'docker', ...SKOPEO_TLS, yamlPath, target.host])
  return { seconds: run.seconds, maxRssKiB: run.maxRssKiB }
}

async function runDockerLoop(dockerd: TestDockerd, source: TestRegistry, target: TestRegistry, images: BenchImage[]): Promise<Run> {
  const started = performance.now()
  for (const image of images) {
    await dockerd.docker(['pull', '-q', hostRef(source.host, image)])
    await dockerd.docker(['tag', hostRef(source.host, image), hostRef(target.host, image)])
    await dockerd.docker(['push', '-q', hostRef(target.host, image)])
  }
  return { seconds: (performance.now() - started) / 1000, maxRssKiB: dockerdHighWater(dockerd) }
}

/** dockerd's peak RSS since it started (VmHWM), in KiB. */
function dockerdHighWater(dockerd: TestDockerd): number {
  const pid = fs.readFileSync(path.join(dockerd.dir, 'docker.pid'), 'utf8').trim()
  const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match ? Number(match[1]) : 0
}

// ---------------------------------------------------------------- floors and checks

/** Bytes/s of `streams` blobs streamed at once, each from a GET on the source straight into a PUT on the target. */
async function pipedCopyThroughput(source: TestRegistry, target: TestRegistry, blobs: Array<Seeded['largestLayer']>, attempt: string): Promise<number> {
  const agent = new http.Agent({ keepAlive: false })
  const started = performance.now()
  await Promise.all(
    blobs.map(async (blob, i) => {
      const repository = `floor/copy-${attempt}-${i}`
      const session = await fetch(`${target.url}/v2/${repository}/blobs/uploads/`, { method: 'POST' })
      await session.arrayBuffer()
      const location = new URL(session.headers.get('location') as string, target.url)
      location.searchParams.set('digest', blob.digest)
      await new Promise<void>((resolve, reject) => {
        http
          .get(`${source.url}/v2/${blob.repository}/blobs/${blob.digest}`, { agent }, download => {
            if (download.statusCode !== 200) return reject(new Error(`floor GET: HTTP ${download.statusCode}`))
            const upload = http.request(location, { method: 'PUT', agent, headers: { 'content-type': 'application/octet-stream', 'content-length': String(blob.size) } }, answer => {
              answer.resume()
              answer.on('end', () => (answer.statusCode === 201 ? resolve() : reject(new Error(`floor PUT: HTTP ${answer.statusCode}`))))
            })
            upload.on('error', reject)
            download.pipe(upload)
          })
          .on('error', reject)
      })
    })
  )
  const seconds = (performance.now() - started) / 1000
  agent.destroy()
  return blobs.reduce((sum, blob) => sum + blob.size, 0) / seconds
}

async function sequentialHeads(registry: TestRegistry, images: BenchImage[]): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const started = performance.now()
  for (const image of images) {
    await new Promise<void>((resolve, reject) => {
      http
        .request(`${registry.url}/v2/${image.repository}/manifests/${image.tag}`, { method: 'HEAD', agent, headers: { accept: MEDIA.ociIndex } }, answer => {
          answer.resume()
          answer.on('end', () => (answer.statusCode === 200 ? resolve() : reject(new Error(`HEAD ${image.repository}: HTTP ${answer.statusCode}`))))
        })
        .on('error', reject)
        .end()
    })
  }
  const seconds = (performance.now() - started) / 1000
  agent.destroy()
  return seconds
}

/** Compares the digest every target manifest has with the source's; returns a line to print. */
async function verifyTarget(label: string, source: TestRegistry, target: TestRegistry, images: BenchImage[], targetRepository: (image: BenchImage) => string): Promise<string> {
  const missing: string[] = []
  const differing: string[] = []
  for (const image of images) {
    const [want, got] = await Promise.all([manifestDigest(source, image.repository, image.tag), manifestDigest(target, targetRepository(image), image.tag)])
    if (got === undefined) missing.push(`${targetRepository(image)}:${image.tag}`)
    else if (got !== want) differing.push(`${targetRepository(image)}:${image.tag}`)
  }
  if (missing.length + differing.length === 0) return `verify ${label}: all ${images.length} target manifests present, digests equal to the source`
  const parts = [`${images.length - missing.length - differing.length}/${images.length} equal to the source`]
  if (differing.length > 0) parts.push(`different digest: ${differing.join(', ')}`)
  if (missing.length > 0) parts.push(`missing: ${missing.join(', ')}`)
  return `verify ${label}: ${parts.join('; ')}`
}

// ---------------------------------------------------------------- main

interface Contender {
  key: string
  name: string
  note: string
  targetRepository?: (image: BenchImage) => string
  run: (target: TestRegistry) => Promise<Run>
  setup?: () => Promise<void>
  teardown?: () => Promise<void>
}

interface Row {
  contender: Contender
  cold: Run[]
  warm: Run[]
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

function loadAverage(): string {
  return os.loadavg().map(value => value.toFixed(2)).join(' ')
}

async function main(): Promise<void> {
  const images = benchImages()
  const registries: TestRegistry[] = []
  const daemons: TestDockerd[] = []
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-bench-registry-'))
  const fresh = async (): Promise<TestRegistry> => {
    const registry = await startRegistry()
    registries.push(registry)
    return registry
  }
  let stopping = false
  const stopAll = async (): Promise<void> => {
    if (stopping) return
    stopping = true
    for (const daemon of daemons) await daemon.stop().catch(() => undefined)
    for (const registry of registries) {
      await registry.stop().catch(() => undefined)
      fs.rmSync(registry.dataDir, { recursive: true, force: true })
    }
    fs.rmSync(workDir, { recursive: true, force: true })
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void stopAll().finally(() => process.exit(130))
    })
  }

  try {
    const loadAtStart = loadAverage()
    const source = await fresh()
    const seedStart = performance.now()
    const seeded = await seedSource(source, images)
    const log = (line: string): void => void process.stderr.write(`${line}\n`)
    log(`seeded ${images.length} images (${Object.keys(MULTI_ARCH).length} two-platform), ${seeded.blobCount} blobs, ${(seeded.uniqueBytes / MiB).toFixed(1)} MiB unique, in ${((performance.now() - seedStart) / 1000).toFixed(1)} s; load ${loadAtStart}`)

    // The floors are measured in every round too (interleaved with the contenders), and the best is kept.
    const floorTarget = await fresh()
    const oneStream: number[] = []
    const twoStreams: number[] = []
    const headTimes: number[] = []
    let floorAttempt = 0
    const measureFloors = async (): Promise<void> => {
      floorAttempt += 1
      oneStream.push(await pipedCopyThroughput(source, floorTarget, [seeded.largestLayer], `one-${floorAttempt}`))
      twoStreams.push(await pipedCopyThroughput(source, floorTarget, seeded.largestTwo, `two-${floorAttempt}`))
      headTimes.push(await sequentialHeads(source, images))
    }
    await sequentialHeads(source, images) // open the connection and warm the registry's caches once
    await measureFloors()

    const contenders: Contender[] = [
      { key: 'engine', name: `engine: registry (${ENGINE_CONCURRENCY} at a time)`, note: 'child node process', run: target => runEngine(source, target, images) },
      ...BLOB_VARIANTS.map(blobs => ({
        key: `blobs-${blobs}`,
        name: `engine: ${blobs} blob transfers`,
        note: 'child node process',
        run: (target: TestRegistry) => runEngine(source, target, images, undefined, blobs)
      })),
      ...(BASELINE !== undefined
        ? [{ key: 'baseline', name: 'engine: baseline build', note: 'BENCH_BASELINE child', run: (target: TestRegistry) => runEngine(source, target, images, BASELINE) }]
        : []),
      ...(WITH_CLI
        ? [{ key: 'image-mirror', name: 'image-mirror CLI (dist/cli.js)', note: 'the whole product process', run: (target: TestRegistry) => runCli(source, target, images, workDir) }]
        : []),
      { key: 'skopeo-copy', name: 'skopeo copy --all, per image', note: 'largest skopeo process', run: target => runSkopeoCopy(source, target, images) },
      { key: 'skopeo-sync', name: 'skopeo sync --all (yaml)', note: 'one skopeo process', targetRepository: image => image.syncRepository, run: target => runSkopeoSync(source, target, images, workDir) }
    ]
    if (WITH_DOCKER) {
      let dockerd: TestDockerd | undefined
      contenders.push({
        key: 'docker',
        name: 'docker pull/tag/push loop',
        note: 'dockerd VmHWM since start',
        setup: async () => {
          dockerd = await startDockerd()
          daemons.push(dockerd)
        },
        run: target => runDockerLoop(dockerd as TestDockerd, source, target, images),
        teardown: async () => {
          await dockerd?.stop()
          dockerd = undefined
        }
      })
    }
    const chosen = ONLY.length === 0 ? contenders : contenders.filter(contender => ONLY.includes(contender.key))
    if (chosen.length === 0) throw new Error(`BENCH_ONLY='${ONLY.join(',')}': none of ${contenders.map(contender => contender.key).join(', ')}`)
    const rows: Row[] = chosen.map(contender => ({ contender, cold: [], warm: [] }))
    const verifications = new Map<string, string>()
    const loads: string[] = [loadAtStart]
    let engineWarm: EngineReport | undefined
    let engineCold: EngineReport | undefined
    for (let round = 0; round < ROUNDS; round += 1) {
      // Rotated each round, so no contender always runs first (or right after the docker daemon starts).
      const order = rows.map((_, i) => rows[(i + round) % rows.length] as Row)
      for (const row of order) {
        const { contender } = row
        log(`round ${round + 1}/${ROUNDS}: ${contender.name} … (load ${loadAverage()})`)
        await contender.setup?.()
        const target = await fresh()
        try {
          const cold = await contender.run(target)
          const verified = await verifyTarget(contender.name, source, target, images, contender.targetRepository ?? (image => image.repository))
          if (!verifications.has(contender.name) || !verified.includes('all 20')) verifications.set(contender.name, verified)
          const warm = await contender.run(target)
          row.cold.push(cold)
          row.warm.push(warm)
          if (contender.key === 'engine') {
            engineCold ??= cold.details
            engineWarm ??= warm.details
          }
        } finally {
          await contender.teardown?.()
          await target.stop()
          fs.rmSync(target.dataDir, { recursive: true, force: true })
        }
      }
      await measureFloors()
      loads.push(loadAverage())
    }
    const throughput = Math.max(...oneStream, ...twoStreams)
    const floorCold = seeded.uniqueBytes / throughput
    const floorWarm = Math.min(...headTimes)

    const reference = rows[0] as Row
    const coldOf = (row: Row): number => median(row.cold.map(run => run.seconds))
    const warmOf = (row: Row): number => median(row.warm.map(run => run.seconds))
    const rssOf = (row: Row): number => Math.max(...row.cold.map(run => run.maxRssKiB), ...row.warm.map(run => run.maxRssKiB)) / 1024
    const pad = (text: string, width: number): string => text.padEnd(width)
    const num = (value: number, digits = 2): string => value.toFixed(digits).padStart(8)
    const out: string[] = []
    out.push(`image set: ${images.length} images (15 base + 5 service), ${Object.keys(MULTI_ARCH).length} two-platform indexes, ${seeded.blobCount} distinct blobs, ${(seeded.uniqueBytes / MiB).toFixed(1)} MiB unique (BENCH_SCALE=${SCALE}), ${os.cpus().length} CPUs, node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z`)
    out.push(`medians of ${ROUNDS} interleaved rounds; load average (1, 5, 15 min) at the start and after each round: ${loads.join(' | ')}`)
    out.push('')
    out.push(`${pad('contender', 32)} ${'cold s'.padStart(8)} ${'warm s'.padStart(8)} ${'RSS MiB'.padStart(8)}  ${`cold ×${reference.contender.key}`.padStart(16)} ${`warm ×${reference.contender.key}`.padStart(16)}  rss measured as`)
    for (const row of rows) {
      out.push(
        `${pad(row.contender.name, 32)} ${num(coldOf(row))} ${num(warmOf(row), 3)} ${num(rssOf(row), 0)}  ${num(coldOf(row) / coldOf(reference)).padStart(15)}× ${num(warmOf(row) / warmOf(reference)).padStart(15)}×  ${row.contender.note}`
      )
    }
    out.push(`${pad('floor', 32)} ${num(floorCold)} ${num(floorWarm, 3)} ${'-'.padStart(8)}  ${num(floorCold / coldOf(reference)).padStart(15)}× ${num(floorWarm / warmOf(reference)).padStart(15)}×`)
    out.push('')
    out.push('rounds (cold s / warm s / peak RSS MiB):')
    for (const row of rows) {
      out.push(`  ${pad(row.contender.name, 32)} ${row.cold.map((run, i) => `${run.seconds.toFixed(2)} / ${(row.warm[i] as Run).seconds.toFixed(3)} / ${(Math.max(run.maxRssKiB, (row.warm[i] as Run).maxRssKiB) / 1024).toFixed(0)}`).join('   ')}`)
    }
    const mbps = (values: number[]): string => values.map(t => (t / MiB).toFixed(0)).join(', ')
    out.push(`floor cold: ${(seeded.uniqueBytes / MiB).toFixed(1)} MiB / ${(throughput / MiB).toFixed(0)} MiB/s (the target registry's best intake, measured before and after each round: one piped GET→PUT stream of the largest layer ${mbps(oneStream)} MiB/s; two streams of the two largest ${mbps(twoStreams)} MiB/s)`)
    out.push(`floor warm: 20 sequential manifest HEADs on one keep-alive connection, best of ${headTimes.length}: ${(floorWarm * 1000).toFixed(1)} ms (${headTimes.map(t => (t * 1000).toFixed(1)).join(', ')} ms)`)
    const sync = rows.find(row => row.contender.key === 'skopeo-sync')
    for (const row of rows.filter(candidate => candidate.contender.key === 'engine' || candidate.contender.key === 'image-mirror')) {
      const checks = [
        `cold ${(coldOf(row) / floorCold).toFixed(2)}× the floor (target ≤ 1.50×: ${coldOf(row) / floorCold <= 1.5 ? 'met' : 'NOT met'})`,
        ...(sync ? [`${(coldOf(sync) / coldOf(row)).toFixed(2)}× faster than skopeo sync cold (target ≥ 2.00×: ${coldOf(sync) / coldOf(row) >= 2 ? 'met' : 'NOT met'})`] : []),
        `warm whole process ${warmOf(row).toFixed(3)} s (target ≤ 0.150 s: ${warmOf(row) <= 0.15 ? 'met' : 'NOT met'})`,
        `peak RSS ${rssOf(row).toFixed(0)} MiB (target ≤ 64 MiB: ${rssOf(row) <= 64 ? 'met' : 'NOT met'})`
      ]
      out.push(`${row.contender.key}: ${checks.join('; ')}`)
    }
    if (engineCold) {
      out.push(`engine cold in-process: ${(engineCold.inProcessMs / 1000).toFixed(2)} s, ${JSON.stringify(engineCold.statuses)}, ${(engineCold.bytesTransferred / MiB).toFixed(1)} MiB transferred, blobs ${JSON.stringify(engineCold.blobCounts)}`)
      out.push(`engine cold memory peaks (MiB, sampled every 20 ms): ${JSON.stringify(engineCold.memory)}`)
      out.push(`engine cold requests: ${Object.entries(engineCold.stats).map(([host, stat]) => `${host === source.host ? 'source' : 'target'} ${stat.requests} (${(stat.bytesSent / MiB).toFixed(1)} MiB sent, ${(stat.bytesReceived / MiB).toFixed(1)} MiB received)`).join(', ')}`)
    }
    if (engineWarm) {
      const requests = Object.entries(engineWarm.stats).map(([host, stat]) => `${host === source.host ? 'source' : 'target'} ${stat.requests} requests`)
      out.push(`engine warm in-process: ${(engineWarm.inProcessMs / 1000).toFixed(3)} s, ${JSON.stringify(engineWarm.statuses)}, ${requests.join(', ')}, blobs ${JSON.stringify(engineWarm.blobCounts)}`)
    }
    if (!WITH_DOCKER) out.push('docker loop: skipped (BENCH_DOCKER=0)')
    if (!WITH_CLI) out.push('image-mirror CLI: skipped (BENCH_CLI=0)')
    out.push(...verifications.values())
    console.log(out.join('\n'))
  } finally {
    await stopAll()
  }
}

if (process.argv[2] === 'engine-child') {
  await engineChild(JSON.parse(process.argv[3] as string) as Array<[string, string]>)
} else {
  await main()
}
