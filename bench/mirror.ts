/**
 * Mirror benchmark: the product as users run it, `node dist/cli.js --mode
 * mirror` with the default engine (auto: the registry engine copies, docker is
 * only asked for its registry settings), against the sequential
 * `docker pull; docker tag; docker push` loop of the old shell scripts, in the
 * same run, through the same private dockerd.
 *
 * Images: the reference project's 20 (bench/images.ts: 4 two-platform
 * indexes, shared layers, ~300 MB unique; BENCH_SCALE=0.1 for a quick run),
 * seeded into a source registry that the dockerd serves Docker Hub from
 * (`--registry-mirror`), so Docker Hub names (`alpine:latest`) resolve to it
 * for docker and for the product alike (which reads the mirror from
 * `docker info`), and nothing reaches the internet. quay.io/minio/minio cannot
 * go through a Docker Hub mirror: both contenders name it at the source
 * registry's address instead. Both push to `<fresh target>/<repository>:<tag>`
 * (layout library).
 *
 * cold: an empty target registry and none of the images in the daemon (all
 *       removed before each contender's cold run);
 * warm: the same run again right after: the target holds everything, and the
 *       daemon holds the images the docker loop pulled (what a nightly re-run
 *       of the old script sees); for the product, a no-op re-run.
 * Rounds: BENCH_ROUNDS (default 3), each running both contenders in an order
 * rotated per round; medians, ratios, peak RSS (the product: its process tree
 * under /usr/bin/time; the loop: dockerd's VmHWM, reset before each run, and
 * the largest docker CLI process), the load average, and a digest check of all
 * 20 images after every cold and warm run of every contender.
 *
 * Run: npm run bench:mirror (needs `npm run build` first; BENCH_NODE_FLAGS='--cpu-prof' passes flags to
 * the product's node process)
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { performance } from 'node:perf_hooks'
import { familiarName, parseReference } from '../src/reference.js'
import type { TestDockerd } from '../__tests__/harness/docker.js'
import type { TestRegistry } from '../__tests__/harness/registry.js'
import { benchImages, describeImageSet, hostRef, seedSource, type BenchImage } from './images.js'
import { describeRounds, dockerdHighWater, loadAverage, median, MiB, positiveNumber, resetHighWater, timed, verifyTarget, worstVerification, type Run, type Verification } from './measure.js'
import { BenchProcesses, emptyDaemon, productCli, productEnv } from './processes.js'
const SCALE = positiveNumber('BENCH_SCALE', 1)
const ROUNDS = Math.round(positiveNumber('BENCH_ROUNDS', 3))
const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean)
/** Bounds a whole contender run, and each docker command of the loop. */
const RUN_TIMEOUT_MS = 300000
const COMMAND_TIMEOUT_MS = 120000
/** Issue 11's targets: the default engine against the docker loop. */
const COLD_TARGET = 2
const WARM_TARGET = 5

type Phase = 'cold' | 'warm'

interface Contender {
  key: 'image-mirror' | 'docker'
  name: string
  rssNote: string
  run: (target: TestRegistry, phase: Phase) => Promise<Run>
}

interface Row {
  contender: Contender
  cold: Run[]
  warm: Run[]
  verifications: Verification[]
}

/** The name a compose file (and the old script) uses: Docker Hub names as users write them, others at the source registry. */
function sourceName(image: BenchImage, source: TestRegistry): string {
  const ref = parseReference(image.name)
  return ref.registry === 'docker.io' ? familiarName(ref) : hostRef(source.host, image)
}

function targetName(image: BenchImage, target: TestRegistry): string {
  return hostRef(target.host, image)
}

/** The old scripts: one image after the other, pull, tag, push; peak RSS is dockerd's, or the largest docker CLI's. */
async function runDockerLoop(dockerd: TestDockerd, source: TestRegistry, target: TestRegistry, images: BenchImage[]): Promise<Run> {
  const reset = resetHighWater(dockerd)
  let cliRssKiB = 0
  const started = performance.now()
  for (const image of images) {
    for (const args of [
      ['pull', sourceName(image, source)],
      ['tag', sourceName(image, source), targetName(image, target)],
      ['push', targetName(image, target)]
    ]) {
      const run = await timed('docker', args, { env: dockerd.env, timeoutMs: COMMAND_TIMEOUT_MS })
      cliRssKiB = Math.max(cliRssKiB, run.maxRssKiB)
    }
    if (performance.now() - started > RUN_TIMEOUT_MS) throw new Error(`docker loop: over ${RUN_TIMEOUT_MS / 1000} s`)
  }
  const seconds = (performance.now() - started) / 1000
  if (!reset) process.stderr.write('dockerd VmHWM could not be reset: its peak RSS is since it started\n')
  return { seconds, maxRssKiB: Math.max(dockerdHighWater(dockerd), cliRssKiB) }
}

/** The product as users run it: no --engine (auto), the daemon's registry mirror found through docker. */
async function runProduct(dockerd: TestDockerd, project: string, target: TestRegistry, images: BenchImage[], phase: Phase, workDir: string): Promise<Run> {
  const report = path.join(workDir, 'report.json')
  const args = [...NODE_FLAGS, productCli(), '--json', '--mode', 'mirror', '--path', project, '--registry', target.host, '--layout', 'library', '--report-path', report]
  const run = await timed(process.execPath, args, { env: productEnv(dockerd.env, workDir), timeoutMs: RUN_TIMEOUT_MS, cwd: workDir })
  const parsed = JSON.parse(run.stdout) as { images?: Array<{ status?: string; target?: string }> }
  const statuses: Record<string, number> = {}
  for (const image of parsed.images ?? []) statuses[image.status ?? '?'] = (statuses[image.status ?? '?'] ?? 0) + 1
  const expected = phase === 'cold' ? 'mirrored' : 'already-present'
  if (statuses[expected] !== images.length) throw new Error(`image-mirror ${phase}: ${JSON.stringify(statuses)}, expected ${images.length} ${expected}`)
  const planned = (parsed.images ?? []).map(image => image.target).sort()
  const pushedByLoop = images.map(image => targetName(image, target)).sort()
  if (JSON.stringify(planned) !== JSON.stringify(pushedByLoop)) throw new Error(`image-mirror planned other targets than the docker loop pushes: ${planned.join(', ')}`)
  return { seconds: run.seconds, maxRssKiB: run.maxRssKiB }
}

async function main(): Promise<void> {
  productCli()
  const images = benchImages()
  const processes = new BenchProcesses('mirror')
  const { workDir } = processes
  const log = (line: string): void => void process.stderr.write(`${line}\n`)
  try {
    const loads = [loadAverage()]
    const source = await processes.registry()
    const seedStart = performance.now()
    const seeded = await seedSource(source, images, SCALE)
    const daemon = await processes.dockerd({ registryMirror: source.url })
    log(`seeded ${images.length} images, ${seeded.blobCount} blobs, ${(seeded.uniqueBytes / MiB).toFixed(1)} MiB unique, in ${((performance.now() - seedStart) / 1000).toFixed(1)} s; dockerd up; load ${loads[0]}`)
    const project = path.join(workDir, 'project')
    fs.mkdirSync(project)
    fs.writeFileSync(path.join(project, 'docker-compose.yml'), `services:\n${images.map((image, i) => `  s${i}:\n    image: ${sourceName(image, source)}\n`).join('')}`)

    const contenders: Contender[] = [
      {
        key: 'image-mirror',
        name: 'image-mirror (engine: auto)',
        rssNote: 'node and its children',
        run: (target, phase) => runProduct(daemon, project, target, images, phase, workDir)
      },
      {
        key: 'docker',
        name: 'docker pull/tag/push loop',
        rssNote: 'dockerd VmHWM of the run',
        run: target => runDockerLoop(daemon, source, target, images)
      }
    ]
    const rows: Row[] = contenders.map(contender => ({ contender, cold: [], warm: [], verifications: [] }))
    for (let round = 0; round < ROUNDS; round += 1) {
      const order = rows.map((_, i) => rows[(i + round) % rows.length] as Row)
      for (const row of order) {
        log(`round ${round + 1}/${ROUNDS}: ${row.contender.name} … (load ${loadAverage()})`)
        await emptyDaemon(daemon, COMMAND_TIMEOUT_MS)
        const target = await processes.registry()
        try {
          for (const phase of ['cold', 'warm'] as const) {
            const run = await row.contender.run(target, phase)
            row[phase].push(run)
            const result = await verifyTarget(`${row.contender.name} ${phase} round ${round + 1}`, source, target, images, image => image.repository)
            row.verifications.push(result)
            log(`  ${phase}: ${run.seconds.toFixed(2)} s, ${(run.maxRssKiB / 1024).toFixed(0)} MiB; ${result.line}`)
          }
        } finally {
          await processes.drop(target)
        }
      }
      loads.push(loadAverage())
    }

    const [product, loop] = rows as [Row, Row]
    const coldOf = (row: Row): number => median(row.cold.map(run => run.seconds))
    const warmOf = (row: Row): number => median(row.warm.map(run => run.seconds))
    const rssOf = (row: Row): number => Math.max(...row.cold.map(run => run.maxRssKiB), ...row.warm.map(run => run.maxRssKiB)) / 1024
    const num = (value: number, digits = 2): string => value.toFixed(digits).padStart(8)
    const digests = (row: Row): string => `${worstVerification(row.verifications).equal}/${images.length}`
    const out: string[] = []
    out.push(describeImageSet(images, seeded, SCALE, os.cpus().length))
    out.push(describeRounds(ROUNDS, loads))
    out.push('cold: empty target registry, no image in the daemon; warm: the same run again (target holds all, daemon holds what the loop pulled)')
    out.push('')
    out.push(`${'contender'.padEnd(30)} ${'cold s'.padStart(8)} ${'warm s'.padStart(8)} ${'RSS MiB'.padStart(8)} ${'digests'.padStart(8)}  rss measured as`)
    for (const row of rows) out.push(`${row.contender.name.padEnd(30)} ${num(coldOf(row))} ${num(warmOf(row), 3)} ${num(rssOf(row), 0)} ${digests(row).padStart(8)}  ${row.contender.rssNote}`)
    out.push(`${'loop ÷ image-mirror'.padEnd(30)} ${num(coldOf(loop) / coldOf(product)).slice(1)}× ${num(warmOf(loop) / warmOf(product)).slice(1)}×`)
    out.push('')
    out.push('rounds (cold s / warm s / peak RSS MiB):')
    for (const row of rows) {
      out.push(`  ${row.contender.name.padEnd(30)} ${row.cold.map((run, i) => `${run.seconds.toFixed(2)} / ${(row.warm[i] as Run).seconds.toFixed(3)} / ${(Math.max(run.maxRssKiB, (row.warm[i] as Run).maxRssKiB) / 1024).toFixed(0)}`).join('   ')}`)
    }
    out.push("digests (the worst of every cold and warm run of each contender; docker keeps only the daemon's platform of an index and re-compresses every layer it pushes to a registry it did not pull from, so none of its digests can match):")
    for (const row of rows) out.push(`  ${worstVerification(row.verifications).line}`)
    const allEqual = product.verifications.every(entry => entry.equal === images.length)
    const coldRatio = coldOf(loop) / coldOf(product)
    const warmRatio = warmOf(loop) / warmOf(product)
    out.push(
      `targets (issue 11): cold ${coldRatio.toFixed(2)}× faster than the docker loop (≥ ${COLD_TARGET.toFixed(2)}×: ${coldRatio >= COLD_TARGET ? 'met' : 'NOT met'}); warm ${warmRatio.toFixed(2)}× faster (≥ ${WARM_TARGET.toFixed(2)}×: ${warmRatio >= WARM_TARGET ? 'met' : 'NOT met'}); every target digest equal to the source's in every run: ${allEqual ? 'met' : 'NOT met'}`
    )
    console.log(out.join('\n'))
  } finally {
    await processes.stopAll()
  }
}

await main()
