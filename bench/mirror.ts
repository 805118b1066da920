/**
 * Mirror benchmark: the reference project's 15 base images copied from an
 * "upstream" registry (the private dockerd's Docker Hub mirror) to a target
 * registry, by
 *   A. the baseline the seeds' shell scripts use: a plain sequential loop of
 *      `docker pull; docker tag; docker push`, one image after the other, and
 *   B. image-mirror: `node dist/cli.js --mode mirror --layout library`.
 * Each is timed cold (fresh empty target registry, images not in the local
 * daemon) and warm (the same run again: everything local and in the target).
 * quay.io/minio/minio cannot be pulled here: it stays loaded in the daemon for
 * both contenders (the `pull: missing` path; the baseline skips its pull).
 *
 * Every contender gets a fresh target registry per repetition, so neither sees
 * the other's pushes (nor can docker mount blobs across repetitions). Medians
 * of BENCH_REPETITIONS (default 3) are reported; BENCH_LAYER_MB (default 8)
 * adds one distinct incompressible layer of that size to every seeded image so
 * transfers weigh something (0 keeps the harness's ~2 MB busybox images).
 *
 * Run: node node_modules/typescript/bin/tsc -p tsconfig.bench.json && node .bench-build/bench/mirror.js
 */
import { execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { performance } from 'node:perf_hooks'
import { promisify } from 'node:util'
import { mapReference } from '../src/map/mapping.js'
import { familiarName, formatReference, parseReference, parseRegistryTarget, type ImageReference } from '../src/reference.js'
import { seedBaseImages, startDockerd, type SeededImage, type TestDockerd } from '../__tests__/harness/docker.js'
import { manifestDigest } from '../__tests__/harness/registry-api.js'
import { REFERENCE_BASE_IMAGES } from '../__tests__/harness/reference-project.js'
import type { Report } from '../src/report/report.js'
import { startRegistry, type TestRegistry } from '../__tests__/harness/registry.js'

const execFileAsync = promisify(execFile)

const REPETITIONS = positiveInteger('BENCH_REPETITIONS', 3)
const LAYER_MB = positiveInteger('BENCH_LAYER_MB', 8, true)
/** Bounds each contender run, so a hung push cannot stall the benchmark forever. */
const RUN_TIMEOUT_MS = 180000
const IMAGE_MIRROR_NAMESPACE = 'aihpc'
const BASELINE_NAMESPACE = 'baseline'

type Contender = 'baseline' | 'image-mirror'
type Phase = 'cold' | 'warm'

interface Measurement {
  contender: Contender
  phase: Phase
  repetition: number
  seconds: number
  present: number
}

function positiveInteger(name: string, fallback: number, allowZero = false): number {
  const text = process.env[name]
  if (text === undefined || text === '') return fallback
  const value = Number(text)
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) throw new Error(`${name}='${text}': expected a whole number${allowZero ? '' : ' above 0'}`)
  return value
}

/** The repository root: the first directory upwards holding dist/cli.js (this file runs from .bench-build/bench). */
function findRepoRoot(): string {
  let dir = path.dirname(new URL(import.meta.url).pathname)
  for (let depth = 0; depth < 5; depth += 1) {
    if (fs.existsSync(path.join(dir, 'dist', 'cli.js')) && fs.existsSync(path.join(dir, 'fixtures', 'reference-project'))) return dir
    dir = path.dirname(dir)
  }
  throw new Error('dist/cli.js not found above this script: run `npm run build` in the repository first')
}

/** Where image-mirror's library layout puts each base image; the baseline pushes to the same names in its own namespace. */
function targetsFor(registryHost: string, namespace: string): ImageReference[] {
  const registry = parseRegistryTarget(`${registryHost}/${namespace}`)
  return REFERENCE_BASE_IMAGES.map(name => {
    const mapping = mapReference(parseReference(name), 'base', { registry, layout: 'library', layoutFromInput: true })
    if (mapping.status !== 'mapped') throw new Error(`${name} has no target under the library layout (${mapping.status})`)
    return mapping.target
  })
}

/**
 * Makes the seeded images heavier: one distinct random (incompressible) layer
 * each, rebuilt under the same name. Docker Hub names go back to the upstream
 * registry and leave the daemon; locally loaded ones stay local.
 */
async function addPayloadLayers(dockerd: TestDockerd, seeded: SeededImage[], megabytes: number): Promise<void> {
  if (megabytes === 0) return
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-bench-payload-'))
  try {
    for (const [index, image] of seeded.entries()) {
      const name = image.upstreamName ?? familiarName(image.ref)
      const context = path.join(workDir, String(index))
      fs.mkdirSync(context)
      fs.writeFileSync(path.join(context, 'payload.bin'), randomBytes(megabytes * 1024 * 1024))
      fs.writeFileSync(path.join(context, 'Dockerfile'), `FROM ${name}\nCOPY payload.bin /payload.bin\n`)
      await dockerd.docker(['build', '--network=host', '-q', '-t', name, context])
      if (!image.local) {
        await dockerd.docker(['push', name])
        await dockerd.docker(['rmi', name])
      }
      fs.rmSync(context, { recursive: true, force: true })
    }
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true })
  }
}

/** Image IDs the daemon must keep for both contenders: the locally loaded images (minio) and the busybox base the harness builds on. */
async function localImageIds(dockerd: TestDockerd, names: string[]): Promise<Set<string>> {
  const ids = new Set<string>()
  for (const name of names) ids.add((await dockerd.docker(['image', 'inspect', '--format', '{{.Id}}', name])).trim())
  return ids
}

/** Removes every image but `keep` from the daemon, so the next run has to pull. */
async function removeImagesExcept(dockerd: TestDockerd, keep: Set<string>): Promise<void> {
  const listed = async (): Promise<string[]> =>
    [...new Set((await dockerd.docker(['image', 'ls', '--no-trunc', '--format', '{{.ID}}'])).split('\n').map(line => line.trim()).filter(Boolean))]
  for (const id of (await listed()).filter(id => !keep.has(id))) {
    // -f: an image pulled under its source name and tagged to its target has two names.
    await dockerd.docker(['rmi', '-f', id])
  }
  await dockerd.docker(['image', 'prune', '-f'])
  const left = (await listed()).filter(id => !keep.has(id))
  if (left.length > 0) throw new Error(`images still in the daemon after removal: ${left.join(', ')}`)
}

/** Contender A: what the seeds' scripts do, one image after the other. */
async function runBaseline(dockerd: TestDockerd, seeded: SeededImage[], targets: ImageReference[]): Promise<void> {
  const docker = async (args: string[]): Promise<void> => {
    try {
      await execFileAsync('docker', args, { env: dockerd.env, maxBuffer: 64 * 1024 * 1024, timeout: RUN_TIMEOUT_MS })
    } catch (error) {
      throw new Error(`baseline: docker ${args.join(' ')} failed: ${String((error as { stderr?: string }).stderr ?? error).trim()}`)
    }
  }
  for (const [index, image] of seeded.entries()) {
    const source = familiarName(image.ref)
    const target = formatReference(targets[index] as ImageReference)
    // A locally loaded image (minio) cannot be pulled here; it is present for both contenders.
    if (!image.local) await docker(['pull', source])
    await docker(['tag', source, target])
    await docker(['push', target])
  }
}

/** Contender B: the CLI from dist/, with the same docker environment. Returns its JSON report. */
async function runImageMirror(root: string, dockerd: TestDockerd, project: string, registryHost: string, reportPath: string): Promise<Report> {
  const args = [
    path.join(root, 'dist', 'cli.js'),
    '--mode',
    'mirror',
    '--path',
    project,
    '--registry',
    `${registryHost}/${IMAGE_MIRROR_NAMESPACE}`,
    '--layout',
    'library',
    '--report-path',
    reportPath
  ]
  const child = spawn(process.execPath, args, { cwd: root, env: dockerd.env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const timer = setTimeout(() => child.kill('SIGTERM'), RUN_TIMEOUT_MS)
  const code = await new Promise<number | null>(resolve => child.once('close', resolve))
  clearTimeout(timer)
  if (code !== 0) throw new Error(`image-mirror exited with ${String(code)}:\n${output.slice(-4000)}`)
  return JSON.parse(fs.readFileSync(reportPath, 'utf8')) as Report
}

/** `14 mirrored, 1 already-present`: what image-mirror says it did, to show a cold run really copied. */
function statusCounts(report: Report): string {
  const counts = new Map<string, number>()
  for (const image of report.images.filter(image => image.kind === 'base')) counts.set(image.status, (counts.get(image.status) ?? 0) + 1)
  return [...counts].map(([status, count]) => `${count} ${status}`).join(', ')
}

/** The benchmark verifies the targets it computed; they must be the ones image-mirror planned. */
function checkPlannedTargets(report: Report, targets: ImageReference[]): void {
  const planned = report.images.filter(image => image.kind === 'base').map(image => image.target ?? `(none for ${image.source})`).sort()
  const expected = targets.map(formatReference).sort()
  if (JSON.stringify(planned) !== JSON.stringify(expected)) {
    throw new Error(`image-mirror planned other targets than the benchmark verifies:\n${planned.join('\n')}\nexpected:\n${expected.join('\n')}`)
  }
}

/** How many of `targets` the registry answers a manifest HEAD for. */
async function countPresent(registry: TestRegistry, targets: ImageReference[]): Promise<number> {
  let present = 0
  for (const target of targets) {
    if ((await manifestDigest(registry, target.repository, target.tag ?? 'latest')) !== undefined) present += 1
  }
  return present
}

/** Stops a registry this benchmark started and deletes its storage (over 100 MB each with the payload layers). */
async function stopAndRemove(registry: TestRegistry): Promise<void> {
  await registry.stop()
  fs.rmSync(registry.dataDir, { recursive: true, force: true })
}

async function timed(run: () => Promise<void>): Promise<number> {
  const started = performance.now()
  await run()
  return (performance.now() - started) / 1000
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

async function main(): Promise<void> {
  const root = findRepoRoot()
  const benchStarted = performance.now()
  const registries: TestRegistry[] = []
  let dockerd: TestDockerd | undefined
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-bench-mirror-'))
  const measurements: Measurement[] = []
  try {
    const upstream = await startRegistry()
    registries.push(upstream)
    dockerd = await startDockerd({ registryMirror: upstream.url })
    const daemon = dockerd
    const seeded = await seedBaseImages(daemon, upstream, REFERENCE_BASE_IMAGES)
    // Keep the harness's order (REFERENCE_BASE_IMAGES) for the baseline's loop.
    seeded.sort((a, b) => REFERENCE_BASE_IMAGES.indexOf(a.name) - REFERENCE_BASE_IMAGES.indexOf(b.name))
    await addPayloadLayers(daemon, seeded, LAYER_MB)
    const localNames = seeded.filter(image => image.local).map(image => familiarName(image.ref))
    const keep = await localImageIds(daemon, [...localNames, 'im-test/busybox:base'])
    const project = path.join(workDir, 'project')
    fs.cpSync(path.join(root, 'fixtures', 'reference-project'), project, { recursive: true })
    console.log(
      `seeded ${seeded.length} images (${seeded.filter(image => image.local).length} loaded locally), busybox base + ${LAYER_MB} MB distinct layer each, in ${((performance.now() - benchStarted) / 1000).toFixed(1)} s`
    )

    const measure = async (contender: Contender, repetition: number): Promise<void> => {
      await removeImagesExcept(daemon, keep)
      const target = await startRegistry()
      registries.push(target)
      try {
        const namespace = contender === 'baseline' ? BASELINE_NAMESPACE : IMAGE_MIRROR_NAMESPACE
        const targets = targetsFor(target.host, namespace)
        const reportPath = path.join(workDir, `report-${repetition}.json`)
        let report: Report | undefined
        const run =
          contender === 'baseline'
            ? () => runBaseline(daemon, seeded, targets)
            : async () => {
                report = await runImageMirror(root, daemon, project, target.host, reportPath)
              }
        for (const phase of ['cold', 'warm'] as const) {
          const seconds = await timed(run)
          let detail = ''
          if (report !== undefined) {
            checkPlannedTargets(report, targets)
            detail = ` (image-mirror: ${statusCounts(report)})`
          }
          const present = await countPresent(target, targets)
          measurements.push({ contender, phase, repetition, seconds, present })
          console.log(
            `run ${repetition} ${contender.padEnd(12)} ${phase}: ${seconds.toFixed(2).padStart(6)} s, verified ${present}/${targets.length} in ${target.host}/${namespace}${detail}`
          )
          if (present !== targets.length) throw new Error(`${contender} ${phase} run ${repetition}: only ${present}/${targets.length} images in the target`)
        }
      } finally {
        registries.splice(registries.indexOf(target), 1)
        await stopAndRemove(target)
      }
    }
    for (let repetition = 1; repetition <= REPETITIONS; repetition += 1) {
      // Alternate who goes first, so neither always runs on a just-warmed machine.
      const order: Contender[] = repetition % 2 === 1 ? ['baseline', 'image-mirror'] : ['image-mirror', 'baseline']
      for (const contender of order) await measure(contender, repetition)
    }
  } finally {
    await dockerd?.stop()
    await Promise.all(registries.map(stopAndRemove))
    fs.rmSync(workDir, { recursive: true, force: true })
  }

  const medianOf = (contender: Contender, phase: Phase): number =>
    median(measurements.filter(m => m.contender === contender && m.phase === phase).map(m => m.seconds))
  const rows = (['baseline', 'image-mirror'] as const).map(contender => ({ contender, cold: medianOf(contender, 'cold'), warm: medianOf(contender, 'warm') }))
  const [baseline, mirror] = rows as [(typeof rows)[number], (typeof rows)[number]]
  console.log('')
  console.log(`15 base images, upstream registry -> target registry, median of ${REPETITIONS} runs each (total ${((performance.now() - benchStarted) / 1000).toFixed(0)} s)`)
  console.log('contender                                  cold s   warm s')
  console.log(`baseline (sequential pull; tag; push)    ${baseline.cold.toFixed(2).padStart(8)} ${baseline.warm.toFixed(2).padStart(8)}`)
  console.log(`image-mirror (--mode mirror)             ${mirror.cold.toFixed(2).padStart(8)} ${mirror.warm.toFixed(2).padStart(8)}`)
  console.log(`ratio baseline / image-mirror            ${(baseline.cold / mirror.cold).toFixed(2).padStart(7)}x ${(baseline.warm / mirror.warm).toFixed(2).padStart(7)}x`)
  const verified = measurements.every(m => m.present === REFERENCE_BASE_IMAGES.length)
  console.log(`verification: ${verified ? `every run ended with all ${REFERENCE_BASE_IMAGES.length} images in its target` : 'FAILED'}`)
}

main().catch((error: unknown) => {
  console.error(`bench/mirror failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
  process.exitCode = 1
})
