/**
 * Registry-engine benchmark: the reference project's 20 images (bench/images.ts:
 * 15 base + 5 service, realistic layer sharing, four two-platform indexes,
 * ~300 MB unique; BENCH_SCALE=0.1 for a quick run) seeded into a source
 * registry.
 *
 * Contenders, each into its own fresh registry, cold (empty target) then warm
 * (everything present), each in its own process under /usr/bin/time so peak
 * RSS is its own:
 *   image-mirror  the product: `node dist/cli.js --mode mirror --engine registry` over a compose
 *                 file naming the 20 images, bundle load, scan, plan and report included
 *                 (BENCH_CLI=0 skips it; needs `npm run build` first); again on Node 24, the
 *                 runtime action.yml declares, unless this node is 24 (BENCH_NODE24=0 skips it)
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
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as http from 'node:http'
import * as os from 'node:os'
import * as path from 'node:path'
import { performance } from 'node:perf_hooks'
import { mapConcurrent } from '../src/engine/pool.js'
import { detachedContext, EngineFailure } from '../src/engine/port.js'
import { RegistryEngine } from '../src/engine/registry/engine.js'
import { parseReference } from '../src/reference.js'
import type { TestDockerd } from '../__tests__/harness/docker.js'
import { MANIFEST_ACCEPT, MEDIA } from '../__tests__/harness/oci-images.js'
import { requireBinary, type TestRegistry } from '../__tests__/harness/registry.js'
import { benchImages, describeImageSet, hostRef, MULTI_ARCH, seedSource, type BenchImage, type Seeded } from './images.js'
import { describeRounds, dockerdHighWater, loadAverage, median, MiB, positiveNumber, timed as timedWithin, verifyTarget, type Run as TimedRun } from './measure.js'
import { BenchProcesses, productCli, productEnv } from './processes.js'

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
/**
 * Node 24, the runtime action.yml declares (scripts/node24.sh: this machine's node when it is 24, else
 * Node's official build fetched once from the npm registry); BENCH_NODE24=0 skips its contender.
 */
function node24(): string | undefined {
  if (process.env.BENCH_NODE24 === '0' || !WITH_CLI) return undefined
  if (process.versions.node.split('.')[0] === '24') return undefined
  return execFileSync('bash', [path.join(process.cwd(), 'scripts', 'node24.sh')], { encoding: 'utf8' }).trim()
}

/** The engine's concurrency (images at once, and blobs per image); the action's default is 4. */
const ENGINE_CONCURRENCY = positiveNumber('BENCH_CONCURRENCY', 4)

// ---------------------------------------------------------------- contenders

interface Run extends TimedRun {
  details?: EngineReport
}

/** A contender's process under /usr/bin/time, bounded by RUN_TIMEOUT_MS. */
function timed(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): ReturnType<typeof timedWithin> {
  return timedWithin(command, args, { env, timeoutMs: RUN_TIMEOUT_MS })
}

interface EngineReport {
  inProcessMs: number
  maxRssKiB: number
  statuses: Record<string, number>
  failures: string[]
  stats: ReturnType<RegistryEngine['stats']>
  blobCounts: ReturnType<RegistryEngine['blobCounts']>
  bytesTransferred: number
  /** Peaks of process.memoryUsage() sampled every 100 ms, in MiB (more often, the sampling itself shows in the timings). */
  memory: { rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number }
}


/** `script`: another build of this bench (BENCH_BASELINE), to compare two versions of the engine in one run. */
async function runEngine(source: TestRegistry, target: TestRegistry, images: BenchImage[], script = new URL(import.meta.url).pathname, blobConcurrency?: number): Promise<Run> {
  const pairs = images.map(image => [hostRef(source.host, image), hostRef(target.host, image)])
  const env = blobConcurrency === undefined ? process.env : { ...process.env, BENCH_BLOB_CONCURRENCY: String(blobConcurrency) }
  const run = await timed(process.execPath, [...NODE_FLAGS, script, 'engine-child', JSON.stringify(pairs)], env)
  const report = JSON.parse(run.stdout) as EngineReport
  if (report.failures.length > 0) throw new Error(`engine: ${report.failures.join('; ')}`)
  return { ...run, details: report }
}

/** The child side: mirrors every pair with one RegistryEngine, four images at a time, and prints a JSON report. */
async function engineChild(pairs: Array<[string, string]>): Promise<void> {
  const started = performance.now()
  const memory = { rss: 0, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 }
  const sample = (): void => {
    const usage = process.memoryUsage()
    for (const key of Object.keys(memory) as Array<keyof typeof memory>) memory[key] = Math.max(memory[key], Math.round((usage[key] / MiB) * 10) / 10)
  }
  const sampler = setInterval(sample, 100)
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
async function runCli(source: TestRegistry, target: TestRegistry, images: BenchImage[], workDir: string, nodeFlags: string[] = NODE_FLAGS, node = process.execPath): Promise<Run> {
  const project = path.join(workDir, `cli-${source.port}`)
  if (!fs.existsSync(project)) {
    fs.mkdirSync(project, { recursive: true })
    const services = images.map((image, i) => `  s${i}:\n    image: ${hostRef(source.host, image)}`)
    fs.writeFileSync(path.join(project, 'docker-compose.yml'), `services:\n${services.join('\n')}\n`)
  }
  const cli = productCli()
  const report = path.join(workDir, 'cli-report.json')
  const args = [...nodeFlags, cli, '--json', '--mode', 'mirror', '--engine', 'registry', '--path', project, '--registry', target.host, '--layout', 'preserve', '--concurrency', String(ENGINE_CONCURRENCY), '--report-path', report]
  const run = await timed(node, args, productEnv(process.env, workDir))
  const parsed = JSON.parse(run.stdout) as { images?: Array<{ status?: string }> }
  const statuses: Record<string, number> = {}
  for (const image of parsed.images ?? []) statuses[image.status ?? '?'] = (statuses[image.status ?? '?'] ?? 0) + 1
  const good = (statuses.mirrored ?? 0) + (statuses['already-present'] ?? 0) + (statuses.verified ?? 0)
  if (good !== images.length) throw new Error(`image-mirror CLI: ${JSON.stringify(statuses)}`)
  const { stdout: _stdout, ...measured } = run
  return measured
}

const SKOPEO_TLS = ['--src-tls-verify=false', '--dest-tls-verify=false']

async function runSkopeoCopy(source: TestRegistry, target: TestRegistry, images: BenchImage[]): Promise<Run> {
  const skopeo = requireBinary('skopeo', 'skopeo')
  let seconds = 0
  let maxRssKiB = 0
  let cpuSeconds = 0
  for (const image of images) {
    const run = await timed(skopeo, ['copy', '--all', '--quiet', ...SKOPEO_TLS, `docker://${hostRef(source.host, image)}`, `docker://${hostRef(target.host, image)}`])
    seconds += run.seconds
    maxRssKiB = Math.max(maxRssKiB, run.maxRssKiB)
    cpuSeconds += run.cpuSeconds ?? 0
  }
  return { seconds, maxRssKiB, cpuSeconds }
}

async function runSkopeoSync(source: TestRegistry, target: TestRegistry, images: BenchImage[], workDir: string): Promise<Run> {
  const skopeo = requireBinary('skopeo', 'skopeo')
  const yamlPath = path.join(workDir, 'skopeo-sync.yaml')
  // Registry → repository → tags; skopeo writes each to <dest>/<repository>:<tag>.
  const tags = new Map<string, string[]>()
  for (const image of images) tags.set(image.repository, [...(tags.get(image.repository) ?? []), image.tag])
  const lines = [`${source.host}:`, '  tls-verify: false', '  images:', ...[...tags].map(([repository, list]) => `    ${repository}: [${list.map(tag => `"${tag}"`).join(', ')}]`)]
  fs.writeFileSync(yamlPath, `${lines.join('\n')}\n`)
  const { stdout: _stdout, ...measured } = await timed(skopeo, ['sync', '--all', '--src', 'yaml', '--dest', 'docker', ...SKOPEO_TLS, yamlPath, target.host])
  return measured
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


// ---------------------------------------------------------------- what a node process costs by itself

/**
 * The least any node program spends on a no-op re-run here: node's own start, then the same
 * 40 manifest HEADs the product sends (source and target of each image, keep-alive, 4 sockets
 * per registry), and nothing else: no scan, no plan, no report.
 */
const NODE_HEADS_SCRIPT = `import { createRequire } from 'node:module'
// Not an ESM import: on Node >= 22 that would load the bundled undici (src/engine/builtins.ts).
const http = createRequire(import.meta.url)('node:http')
const [source, target, refs] = JSON.parse(process.argv[2])
const accept = '${MANIFEST_ACCEPT}'
const head = (agent, origin, [repository, tag]) => new Promise((resolve, reject) => {
  http.request(origin + '/v2/' + repository + '/manifests/' + tag, { method: 'HEAD', agent, headers: { accept } }, answer => {
    answer.resume()
    answer.on('end', () => (answer.statusCode === 200 ? resolve() : reject(new Error(origin + ' ' + repository + ': HTTP ' + answer.statusCode))))
  }).on('error', reject).end()
})
const agents = [source, target].map(() => new http.Agent({ keepAlive: true, maxSockets: 4 }))
await Promise.all(refs.flatMap(ref => [head(agents[0], source, ref), head(agents[1], target, ref)]))
for (const agent of agents) agent.destroy()
`

/**
 * Samples the product's memory every 10 ms (loaded with --import, so it adds a timer and
 * nothing else) and writes the sample with the highest RSS: file-backed pages (node's own
 * binary and libraries) apart from anonymous memory (V8's heap, buffers, the allocator).
 */
const MEMORY_PROBE_SCRIPT = `import * as fs from 'node:fs'
const kib = (status, name) => Number(status.split('\\n').find(line => line.startsWith(name + ':'))?.split(/[ \\t]+/)[1] ?? 0)
let peak = { rss: 0 }
const sample = () => {
  const status = fs.readFileSync('/proc/self/status', 'utf8')
  const rss = kib(status, 'VmRSS')
  if (rss <= peak.rss) return
  const memory = process.memoryUsage()
  peak = { rss, file: kib(status, 'RssFile'), anonymous: kib(status, 'RssAnon'), heapTotal: memory.heapTotal / 1024, arrayBuffers: memory.arrayBuffers / 1024 }
}
setInterval(sample, 10).unref()
process.on('exit', () => {
  sample()
  fs.writeFileSync(process.env.BENCH_MEMORY_PROBE_OUT, JSON.stringify(peak))
})
`

interface MemoryPeak {
  rss: number
  file: number
  anonymous: number
  heapTotal: number
  arrayBuffers: number
}

interface RuntimeFloor {
  nodeStart: Run[]
  nodeHeads: Run[]
  /** The same on Node 24 (empty when there is no Node 24 contender). */
  node24Start: Run[]
  node24Heads: Run[]
  memory?: MemoryPeak
}

/** After the rounds: node's bare start and node + the HEADs (7 runs each), and one more cold CLI run under the memory probe. */
async function measureRuntimeFloor(source: TestRegistry, target: TestRegistry, images: BenchImage[], workDir: string, node24Binary: string | undefined): Promise<RuntimeFloor> {
  const probe = path.join(workDir, 'memory-probe.mjs')
  const probeOut = path.join(workDir, 'memory-probe.json')
  fs.writeFileSync(probe, MEMORY_PROBE_SCRIPT)
  let memory: MemoryPeak | undefined
  if (WITH_CLI) {
    process.env.BENCH_MEMORY_PROBE_OUT = probeOut
    try {
      await runCli(source, target, images, workDir, ['--import', probe])
      memory = JSON.parse(fs.readFileSync(probeOut, 'utf8')) as MemoryPeak
    } finally {
      delete process.env.BENCH_MEMORY_PROBE_OUT
    }
  } else {
    const copy = await runEngine(source, target, images)
    if (copy.details === undefined) throw new Error('engine: no report')
  }
  const script = path.join(workDir, 'node-heads.mjs')
  fs.writeFileSync(script, NODE_HEADS_SCRIPT)
  const refs = JSON.stringify([source.url, target.url, images.map(image => [image.repository, image.tag])])
  const nodeStart: Run[] = []
  const nodeHeads: Run[] = []
  const node24Start: Run[] = []
  const node24Heads: Run[] = []
  for (let i = 0; i < 7; i += 1) {
    nodeStart.push(await timed(process.execPath, ['-e', '0']))
    nodeHeads.push(await timed(process.execPath, [script, refs]))
    if (node24Binary === undefined) continue
    node24Start.push(await timed(node24Binary, ['-e', '0']))
    node24Heads.push(await timed(node24Binary, [script, refs]))
  }
  return { nodeStart, nodeHeads, node24Start, node24Heads, ...(memory && { memory }) }
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



async function main(): Promise<void> {
  // Here, not at module level: the engine contender runs this script again as its child, timed.
  const node24Binary = node24()
  const images = benchImages()
  const processes = new BenchProcesses('registry')
  const { workDir } = processes
  const fresh = (): Promise<TestRegistry> => processes.registry()

  try {
    const loadAtStart = loadAverage()
    const source = await fresh()
    const seedStart = performance.now()
    const seeded = await seedSource(source, images, SCALE)
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
      ...(node24Binary !== undefined
        ? [{ key: 'image-mirror-node24', name: 'image-mirror CLI on Node 24', note: 'the same, on the action\'s runtime', run: (target: TestRegistry) => runCli(source, target, images, workDir, NODE_FLAGS, node24Binary) }]
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
          dockerd = await processes.dockerd()
        },
        run: target => runDockerLoop(dockerd as TestDockerd, source, target, images),
        teardown: async () => {
          if (dockerd) await processes.stopDockerd(dockerd)
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
          const verified = (await verifyTarget(contender.name, source, target, images, contender.targetRepository ?? (image => image.repository))).line
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
          await processes.drop(target)
        }
      }
      await measureFloors()
      loads.push(loadAverage())
    }
    log(`runtime floor: node's start, node + the HEADs, and one cold CLI run under the memory probe … (load ${loadAverage()})`)
    const runtimeTarget = await fresh()
    const runtime = await measureRuntimeFloor(source, runtimeTarget, images, workDir, node24Binary)
    await processes.drop(runtimeTarget)
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
    out.push(describeImageSet(images, seeded, SCALE, os.cpus().length))
    out.push(describeRounds(ROUNDS, loads))
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
    // Where the cold time goes: the contender's own CPU, and how busy the machine (contender and both registries) was.
    out.push('cold CPU (median over the rounds): ' + rows.map(row => {
      const cpu = row.cold.map(run => run.cpuSeconds).filter((value): value is number => value !== undefined)
      const busy = row.cold.map(run => run.machineBusy).filter((value): value is number => value !== undefined)
      return `${row.contender.key} ${cpu.length > 0 ? `${median(cpu).toFixed(2)} CPU s` : '-'}${busy.length > 0 ? `, machine ${(median(busy) * 100).toFixed(0)}% busy` : ''}`
    }).join('; '))
    const mbps = (values: number[]): string => values.map(t => (t / MiB).toFixed(0)).join(', ')
    out.push(`floor cold: ${(seeded.uniqueBytes / MiB).toFixed(1)} MiB / ${(throughput / MiB).toFixed(0)} MiB/s (the target registry's best intake, measured before and after each round: one piped GET→PUT stream of the largest layer ${mbps(oneStream)} MiB/s; two streams of the two largest ${mbps(twoStreams)} MiB/s)`)
    out.push(`floor warm: 20 sequential manifest HEADs on one keep-alive connection, best of ${headTimes.length}: ${(floorWarm * 1000).toFixed(1)} ms (${headTimes.map(t => (t * 1000).toFixed(1)).join(', ')} ms)`)
    const medianOf = (runs: Run[]): Run => ({ seconds: median(runs.map(run => run.seconds)), maxRssKiB: median(runs.map(run => run.maxRssKiB)) })
    const bare = medianOf(runtime.nodeStart)
    const heads = medianOf(runtime.nodeHeads)
    out.push(
      `runtime floor (medians of 7): node -e 0 ${(bare.seconds * 1000).toFixed(0)} ms, ${(bare.maxRssKiB / 1024).toFixed(0)} MiB; ` +
        `node + the no-op's 40 HEADs and nothing else ${(heads.seconds * 1000).toFixed(0)} ms, ${(heads.maxRssKiB / 1024).toFixed(0)} MiB` +
        (process.env.NODE_EXTRA_CA_CERTS ? ' (NODE_EXTRA_CA_CERTS is set: node 20 reads that bundle at every start)' : '')
    )
    if (runtime.node24Start.length > 0) {
      const bare24 = medianOf(runtime.node24Start)
      const heads24 = medianOf(runtime.node24Heads)
      out.push(
        `runtime floor on Node 24: node -e 0 ${(bare24.seconds * 1000).toFixed(0)} ms, ${(bare24.maxRssKiB / 1024).toFixed(0)} MiB; ` +
          `node + the 40 HEADs ${(heads24.seconds * 1000).toFixed(0)} ms, ${(heads24.maxRssKiB / 1024).toFixed(0)} MiB`
      )
    }
    if (runtime.memory) {
      const { rss, file, anonymous, heapTotal, arrayBuffers } = runtime.memory
      const mib = (kib: number): string => (kib / 1024).toFixed(1)
      out.push(
        `image-mirror CLI cold, at its peak RSS of ${mib(rss)} MiB: file-backed ${mib(file)} MiB (node's binary and libraries) + anonymous ${mib(anonymous)} MiB ` +
          `(V8's heap had ${mib(heapTotal)} MiB committed, not all of it touched; array buffers ${mib(arrayBuffers)} MiB)`
      )
    }
    const sync = rows.find(row => row.contender.key === 'skopeo-sync')
    for (const row of rows.filter(candidate => ['engine', 'image-mirror', 'image-mirror-node24'].includes(candidate.contender.key))) {
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
      out.push(`engine cold memory peaks (MiB, sampled every 100 ms): ${JSON.stringify(engineCold.memory)}`)
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
    await processes.stopAll()
  }
}

if (process.argv[2] === 'engine-child') {
  await engineChild(JSON.parse(process.argv[3] as string) as Array<[string, string]>)
} else {
  await main()
}
