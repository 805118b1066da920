/**
 * Bundle benchmark (issue 13): carrying the reference project's 20 images
 * (bench/images.ts: 4 two-platform indexes, shared layers, ~300 MB unique;
 * BENCH_SCALE=0.1 for a quick run) across an air gap, from a source registry
 * to a fresh target registry through a file, by three contenders in the same
 * run:
 *   image-mirror  `node dist/cli.js --mode export` to one .tar, then `--mode import` (needs `npm run build`)
 *   skopeo        `skopeo copy --all` per image to `oci:<dir>:<name>`, then back per image; the oci:
 *                 transport stores OCI media types only, so skopeo converts Docker-format manifests
 *                 (refusing --preserve-digests for them): those digests change (counted)
 *   docker        the hand-written loop: `docker pull` per image and one `docker save` of all into a
 *                 .tar; then, with the daemon emptied (every image removed, untimed), `docker load`
 *                 of the .tar, and `docker tag` + `docker push` per image. docker keeps only the
 *                 daemon's platform of an index, and re-compresses every layer it pushes to a registry
 *                 it did not pull from: its target digests differ (counted, not hidden).
 *   floor         the image-mirror bundle's blobs streamed into a fresh registry (POST + PUT per blob,
 *                 4 at a time) and its manifests PUT: what any import must at least do.
 * Rounds: BENCH_ROUNDS (default 3), each running every contender once in an order rotated per
 * round (the floor right after image-mirror's import); medians, ratios, artifact bytes, peak RSS
 * (the largest process; for docker, dockerd's VmHWM reset before the export), the load average,
 * and a digest check of all 20 images of every contender in every round.
 *
 * Run: npm run bench:bundle (needs `npm run build` first; BENCH_DOCKER=0 skips the docker loop)
 */
import * as fs from 'node:fs'
import * as http from 'node:http'
import * as os from 'node:os'
import * as path from 'node:path'
import { performance } from 'node:perf_hooks'
import { mapConcurrent } from '../src/engine/pool.js'
import { openLayout, readBlob, streamBlob } from '../src/engine/bundle/layout.js'
import { parseRecord } from '../src/engine/bundle/record.js'
import type { TestDockerd } from '../__tests__/harness/docker.js'
import { requireBinary, type TestRegistry } from '../__tests__/harness/registry.js'
import { benchImages, describeImageSet, hostRef, seedSource, type BenchImage } from './images.js'
import { describeRounds, dockerdHighWater, loadAverage, median, MiB, positiveNumber, resetHighWater, timed, verifyTarget, worstVerification, type Run, type Verification } from './measure.js'
import { BenchProcesses, emptyDaemon, productCli, productEnv } from './processes.js'
const SCALE = positiveNumber('BENCH_SCALE', 1)
const ROUNDS = Math.round(positiveNumber('BENCH_ROUNDS', 3))
const WITH_DOCKER = process.env.BENCH_DOCKER !== '0'
/** Bounds every process a contender runs (one image's copy, one export, one docker command). */
const RUN_TIMEOUT_MS = 300000
/** Issue 13's target: the import within this factor of the floor. */
const FLOOR_TARGET = 1.5

interface Trip {
  export: Run
  import: Run
  /** Bytes of what crosses the gap: the .tar, the oci: directory. */
  bytes: number
}

interface Contender {
  key: 'image-mirror' | 'skopeo' | 'docker'
  name: string
  rssNote: string
  /** Source to `target` through a file under `dir`. */
  trip: (target: TestRegistry, dir: string) => Promise<Trip>
}

interface Row {
  contender: Contender
  trips: Trip[]
  verifications: Verification[]
}

/** Runs one after the other: their total time and the largest peak RSS. */
function inSequence(runs: Run[]): Run {
  return { seconds: runs.reduce((sum, run) => sum + run.seconds, 0), maxRssKiB: Math.max(0, ...runs.map(run => run.maxRssKiB)) }
}

function treeBytes(dir: string): number {
  let total = 0
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) if (entry.isFile()) total += fs.statSync(path.join(entry.parentPath, entry.name)).size
  return total
}

/** The product: export to one .tar, then import into the target, each its own process. */
async function imageMirrorTrip(source: TestRegistry, images: BenchImage[], target: TestRegistry, dir: string): Promise<Trip> {
  fs.writeFileSync(path.join(dir, 'compose.yaml'), `services:\n${images.map((image, i) => `  s${i}:\n    image: ${hostRef(source.host, image)}\n`).join('')}`)
  const env = productEnv({ ...process.env, DOCKER_CONFIG: dir }, dir)
  const cli = (mode: string): Promise<Run> =>
    timed(process.execPath, [productCli(), '--mode', mode, '--path', dir, '--bundle', path.join(dir, 'bundle.tar'), '--registry', target.host, '--layout', 'library', '--report-path', path.join(dir, `${mode}.json`)], {
      env,
      timeoutMs: RUN_TIMEOUT_MS,
      cwd: dir
    })
  const exported = await cli('export')
  const imported = await cli('import')
  return { export: exported, import: imported, bytes: fs.statSync(path.join(dir, 'bundle.tar')).size }
}

async function skopeoTrip(source: TestRegistry, images: BenchImage[], target: TestRegistry, dir: string): Promise<Trip> {
  const skopeo = requireBinary('skopeo', 'skopeo')
  const layout = path.join(dir, 'oci')
  const copy = (from: string, to: string): Promise<Run> => timed(skopeo, ['copy', '--all', '--quiet', '--src-tls-verify=false', '--dest-tls-verify=false', from, to], { timeoutMs: RUN_TIMEOUT_MS })
  const out: Run[] = []
  for (const image of images) out.push(await copy(`docker://${hostRef(source.host, image)}`, `oci:${layout}:${image.repository}:${image.tag}`))
  const back: Run[] = []
  for (const image of images) back.push(await copy(`oci:${layout}:${image.repository}:${image.tag}`, `docker://${hostRef(target.host, image)}`))
  return { export: inSequence(out), import: inSequence(back), bytes: treeBytes(layout) }
}

/** The hand-written loop: pull each and save all; then load into an emptied daemon, tag and push each. RSS: dockerd's, or the largest docker CLI's. */
async function dockerTrip(dockerd: TestDockerd, source: TestRegistry, images: BenchImage[], target: TestRegistry, dir: string): Promise<Trip> {
  const tar = path.join(dir, 'images.tar')
  const run = async (commands: string[][]): Promise<Run> => {
    resetHighWater(dockerd)
    const started = performance.now()
    let cliRssKiB = 0
    for (const args of commands) cliRssKiB = Math.max(cliRssKiB, (await timed('docker', args, { env: dockerd.env, timeoutMs: RUN_TIMEOUT_MS })).maxRssKiB)
    return { seconds: (performance.now() - started) / 1000, maxRssKiB: Math.max(cliRssKiB, dockerdHighWater(dockerd)) }
  }
  await emptyDaemon(dockerd, RUN_TIMEOUT_MS)
  const exported = await run([...images.map(image => ['pull', '-q', hostRef(source.host, image)]), ['save', '-o', tar, ...images.map(image => hostRef(source.host, image))]])
  await emptyDaemon(dockerd, RUN_TIMEOUT_MS)
  const imported = await run([
    ['load', '-q', '-i', tar],
    ...images.flatMap(image => [
      ['tag', hostRef(source.host, image), hostRef(target.host, image)],
      ['push', '-q', hostRef(target.host, image)]
    ])
  ])
  return { export: exported, import: imported, bytes: fs.statSync(tar).size }
}

/** One request on `agent`, the body a buffer or a stream; resolves with the status once the answer is read. */
function send(agent: http.Agent, url: URL, method: string, headers: Record<string, string>, body?: Buffer | NodeJS.ReadableStream): Promise<{ status: number; location?: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, agent, headers }, response => {
      response.resume()
      response.on('end', () => resolve({ status: response.statusCode ?? 0, ...(response.headers.location !== undefined && { location: response.headers.location }) }))
    })
    request.on('error', reject)
    if (body === undefined || Buffer.isBuffer(body)) request.end(body)
    else body.pipe(request)
  })
}

/**
 * The least an import does: every blob of the bundle that is not a manifest streamed into `target`
 * (POST + PUT, 4 at a time, keep-alive), then the manifests PUT (images 4 at a time, indexes after
 * their children).
 */
async function floor(bundle: string, target: TestRegistry): Promise<void> {
  const layout = openLayout(bundle)
  const record = parseRecord(layout.record as Buffer, bundle)
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 })
  const manifests = new Map<string, { bytes: Buffer; type: string }>()
  for (const digest of new Set(record.images.flatMap(image => [...image.content, image.digest]))) {
    const location = layout.locate(digest)
    if (location === undefined || location.size >= 4 * MiB) continue
    const bytes = await readBlob(location, 4 * MiB)
    let type: string | undefined
    try {
      type = (JSON.parse(bytes.toString()) as { mediaType?: string }).mediaType
    } catch {
      continue
    }
    if (type !== undefined && (type.includes('manifest') || type.includes('index'))) manifests.set(digest, { bytes, type })
  }
  try {
    await mapConcurrent(
      layout.digests().filter(digest => !manifests.has(digest)),
      4,
      async digest => {
        const location = layout.locate(digest) as NonNullable<ReturnType<typeof layout.locate>>
        const started = await send(agent, new URL(`${target.url}/v2/floor/blobs/uploads/`), 'POST', { 'content-length': '0' })
        if (started.status !== 202 || started.location === undefined) throw new Error(`floor POST: ${started.status}`)
        const upload = new URL(started.location, target.url)
        upload.searchParams.set('digest', digest)
        const put = await send(agent, upload, 'PUT', { 'content-length': String(location.size), 'content-type': 'application/octet-stream' }, streamBlob(location))
        if (put.status !== 201) throw new Error(`floor PUT ${digest}: ${put.status}`)
      }
    )
    const isIndex = (digest: string): boolean => (manifests.get(digest)?.type ?? '').includes('index') || (manifests.get(digest)?.type ?? '').includes('list')
    await mapConcurrent(record.images, 4, async image => {
      const own = [...image.content, image.digest].filter(digest => manifests.has(digest))
      for (const digest of [...own.filter(digest => !isIndex(digest)), ...own.filter(isIndex)]) {
        const { bytes, type } = manifests.get(digest) as { bytes: Buffer; type: string }
        const put = await send(agent, new URL(`${target.url}/v2/floor/manifests/${digest}`), 'PUT', { 'content-type': type, 'content-length': String(bytes.length) }, bytes)
        if (put.status !== 201) throw new Error(`floor PUT manifest ${digest}: ${put.status}`)
      }
    })
  } finally {
    agent.destroy()
  }
}

async function main(): Promise<void> {
  productCli()
  const images = benchImages()
  const processes = new BenchProcesses('bundle')
  const { workDir } = processes
  const log = (line: string): void => void process.stderr.write(`${line}\n`)
  const fresh = (): Promise<TestRegistry> => processes.registry()
  const drop = (registry: TestRegistry): Promise<void> => processes.drop(registry)
  try {
    const loads = [loadAverage()]
    const source = await fresh()
    const seedStart = performance.now()
    const seeded = await seedSource(source, images, SCALE)
    const daemon = WITH_DOCKER ? await processes.dockerd() : undefined
    log(`seeded ${images.length} images, ${seeded.blobCount} blobs, ${(seeded.uniqueBytes / MiB).toFixed(1)} MiB unique, in ${((performance.now() - seedStart) / 1000).toFixed(1)} s; load ${loads[0]}`)

    const floors: number[] = []
    const contenders: Contender[] = [
      {
        key: 'image-mirror',
        name: 'image-mirror export/import',
        rssNote: 'the larger node process',
        trip: async (target, dir) => {
          const trip = await imageMirrorTrip(source, images, target, dir)
          const floorTarget = await fresh()
          try {
            const started = performance.now()
            await floor(path.join(dir, 'bundle.tar'), floorTarget)
            floors.push((performance.now() - started) / 1000)
          } finally {
            await drop(floorTarget)
          }
          return trip
        }
      },
      { key: 'skopeo', name: 'skopeo copy --all, oci: per image', rssNote: 'the largest skopeo process', trip: (target, dir) => skopeoTrip(source, images, target, dir) },
      ...(daemon !== undefined
        ? [{ key: 'docker' as const, name: 'docker pull+save / load+tag+push', rssNote: 'dockerd VmHWM of each half', trip: (target: TestRegistry, dir: string) => dockerTrip(daemon, source, images, target, dir) }]
        : [])
    ]
    const rows: Row[] = contenders.map(contender => ({ contender, trips: [], verifications: [] }))
    for (let round = 0; round < ROUNDS; round += 1) {
      const order = rows.map((_, i) => rows[(i + round) % rows.length] as Row)
      for (const row of order) {
        log(`round ${round + 1}/${ROUNDS}: ${row.contender.name} … (load ${loadAverage()})`)
        const target = await fresh()
        const dir = fs.mkdtempSync(path.join(workDir, `${row.contender.key}-`))
        try {
          const trip = await row.contender.trip(target, dir)
          const verified = await verifyTarget(`${row.contender.name} round ${round + 1}`, source, target, images, image => image.repository)
          row.trips.push(trip)
          row.verifications.push(verified)
          log(`  export ${trip.export.seconds.toFixed(2)} s, import ${trip.import.seconds.toFixed(2)} s, ${(trip.bytes / MiB).toFixed(1)} MiB; ${verified.line}`)
        } finally {
          await drop(target)
          fs.rmSync(dir, { recursive: true, force: true })
        }
      }
      loads.push(loadAverage())
    }

    const ours = rows[0] as Row
    const exportOf = (row: Row): number => median(row.trips.map(trip => trip.export.seconds))
    const importOf = (row: Row): number => median(row.trips.map(trip => trip.import.seconds))
    const totalOf = (row: Row): number => median(row.trips.map(trip => trip.export.seconds + trip.import.seconds))
    const bytesOf = (row: Row): number => median(row.trips.map(trip => trip.bytes))
    const rssOf = (row: Row): number => Math.max(...row.trips.map(trip => Math.max(trip.export.maxRssKiB, trip.import.maxRssKiB))) / 1024
    const worst = (row: Row): Verification => worstVerification(row.verifications)
    const floorSeconds = Math.min(...floors)
    const num = (value: number, digits = 2): string => value.toFixed(digits).padStart(8)
    const out: string[] = []
    out.push(describeImageSet(images, seeded, SCALE, os.cpus().length))
    out.push(describeRounds(ROUNDS, loads))
    out.push('')
    out.push(`${'contender'.padEnd(34)} ${'export s'.padStart(8)} ${'import s'.padStart(8)} ${'total s'.padStart(8)} ${'MiB'.padStart(8)} ${'RSS MiB'.padStart(8)} ${'digests'.padStart(8)}  ${'total ÷ ours'.padStart(12)}  rss measured as`)
    for (const row of rows) {
      out.push(
        `${row.contender.name.padEnd(34)} ${num(exportOf(row))} ${num(importOf(row))} ${num(totalOf(row))} ${num(bytesOf(row) / MiB, 1)} ${num(rssOf(row), 0)} ${`${worst(row).equal}/${images.length}`.padStart(8)}  ${num(totalOf(row) / totalOf(ours)).padStart(11)}×  ${row.contender.rssNote}`
      )
    }
    out.push(`${'floor: the bundle into a registry'.padEnd(34)} ${'-'.padStart(8)} ${num(floorSeconds)} ${'-'.padStart(8)} ${num(bytesOf(ours) / MiB, 1)}  (best of ${floors.length}: ${floors.map(seconds => seconds.toFixed(2)).join(', ')} s; ${(bytesOf(ours) / MiB / floorSeconds).toFixed(0)} MiB/s)`)
    out.push('')
    out.push('rounds (export s / import s):')
    for (const row of rows) out.push(`  ${row.contender.name.padEnd(34)} ${row.trips.map(trip => `${trip.export.seconds.toFixed(2)} / ${trip.import.seconds.toFixed(2)}`).join('   ')}`)
    out.push("digests (the worst round of each contender; skopeo's oci: converts Docker-format manifests to OCI ones; docker keeps only the daemon's platform of an index and re-compresses every layer it pushes, so none of its digests can match):")
    for (const row of rows) out.push(`  ${worst(row).line}`)
    const skopeo = rows.find(row => row.contender.key === 'skopeo')
    const checks: string[] = []
    if (skopeo) {
      checks.push(`export ${(exportOf(skopeo) / exportOf(ours)).toFixed(2)}× faster than skopeo (ahead: ${exportOf(ours) < exportOf(skopeo) ? 'met' : 'NOT met'})`)
      checks.push(`import ${(importOf(skopeo) / importOf(ours)).toFixed(2)}× faster than skopeo (ahead: ${importOf(ours) < importOf(skopeo) ? 'met' : 'NOT met'})`)
    }
    const docker = rows.find(row => row.contender.key === 'docker')
    if (docker) checks.push(`export + import ${(totalOf(docker) / totalOf(ours)).toFixed(2)}× faster than the docker loop`)
    checks.push(`import ${(importOf(ours) / floorSeconds).toFixed(2)}× the floor (≤ ${FLOOR_TARGET.toFixed(2)}×: ${importOf(ours) / floorSeconds <= FLOOR_TARGET ? 'met' : 'NOT met'})`)
    checks.push(`every digest equal to the source's in every round: ${ours.verifications.every(entry => entry.equal === images.length) ? 'met' : 'NOT met'}`)
    out.push(`targets (issue 13): ${checks.join('; ')}`)
    if (!WITH_DOCKER) out.push('docker loop: skipped (BENCH_DOCKER=0)')
    console.log(out.join('\n'))
  } finally {
    await processes.stopAll()
  }
}

await main()
