/**
 * Bundle benchmark: 20 images (15 base, 5 service-like, four two-platform
 * indexes, a shared base layer under most), ~200 MB unique at BENCH_SCALE=1,
 * seeded into a source registry. Contenders, each into a fresh target:
 *   image-mirror  `node dist/cli.js --mode export` to one .tar, then `--mode import` (needs `npm run build`)
 *   skopeo        `skopeo copy --all --preserve-digests` per image to `oci:<dir>:<name>`, then back per image
 *   floor         the bundle's blobs streamed into a fresh registry (POST + PUT per blob, 4 at a time),
 *                 manifests PUT: what any import must at least do
 * The docker save/load/push loop the issue names is not measured here (it needs a daemon and loses
 * multi-platform images); bench:mirror measures the docker loop against the registry engine.
 * Prints times, ratios and bytes; BENCH_SCALE=0.1 for a quick run.
 */
import { execFile } from 'node:child_process'
import * as fs from 'node:fs'
import * as http from 'node:http'
import * as os from 'node:os'
import * as path from 'node:path'
import { performance } from 'node:perf_hooks'
import { promisify } from 'node:util'
import { mapConcurrent } from '../src/engine/pool.js'
import { openLayout, readBlob, streamBlob } from '../src/engine/bundle/layout.js'
import { parseRecord } from '../src/engine/bundle/record.js'
import { manifestDigest, pushImage, pushMultiPlatform, seededBytes } from '../__tests__/harness/oci-images.js'
import { requireBinary, startRegistry, type TestRegistry } from '../__tests__/harness/registry.js'

const execFileAsync = promisify(execFile)
const MiB = 1024 * 1024
const SCALE = Number(process.env.BENCH_SCALE ?? '1') > 0 ? Number(process.env.BENCH_SCALE ?? '1') : 1
const REPO_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..')

async function seed(source: TestRegistry): Promise<string[]> {
  const base = seededBytes('bench-bundle-base', Math.round(30 * MiB * SCALE))
  const names: string[] = []
  for (let i = 0; i < 16; i += 1) {
    const repository = `bench/image${i}`
    if (i % 4 === 0) {
      await pushMultiPlatform(source, repository, '1', 'oci', `bench-${i}`, [
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm64', variant: 'v8' }
      ])
    } else {
      await pushImage(source, repository, '1', { format: 'oci', layers: [base, seededBytes(`bench-${i}`, Math.round(8 * MiB * SCALE))] })
    }
    names.push(`${source.host}/${repository}:1`)
  }
  for (let i = 0; i < 4; i += 1) {
    await pushImage(source, `bench/service${i}`, '1', { format: 'oci', layers: [base, seededBytes(`bench-service-${i}`, Math.round(12 * MiB * SCALE)), seededBytes(`bench-app-${i}`, Math.round(2 * MiB * SCALE))] })
    names.push(`${source.host}/bench/service${i}:1`)
  }
  return names
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await fn()
  return (performance.now() - started) / 1000
}

async function cli(args: string[], cwd: string): Promise<void> {
  await execFileAsync(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli.js'), ...args], { cwd, env: { ...process.env, DOCKER_CONFIG: cwd }, maxBuffer: 64 * MiB })
}

/** Streams every blob of the bundle into `target` and PUTs its manifests: the least an import does. */
async function floor(bundle: string, target: TestRegistry): Promise<void> {
  const layout = openLayout(bundle)
  const record = parseRecord(layout.record as Buffer, bundle)
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 })
  await mapConcurrent(layout.digests(), 4, async digest => {
    const location = layout.locate(digest)!
    const started = await fetch(`${target.url}/v2/floor/blobs/uploads/`, { method: 'POST' })
    const upload = new URL(started.headers.get('location') as string, target.url)
    upload.searchParams.set('digest', digest)
    const status = await new Promise<number>((resolve, reject) => {
      const request = http.request(upload, { method: 'PUT', agent, headers: { 'content-length': String(location.size), 'content-type': 'application/octet-stream' } }, response => {
        response.resume()
        response.on('end', () => resolve(response.statusCode ?? 0))
      })
      request.on('error', reject)
      streamBlob(location).pipe(request)
    })
    if (status !== 201) throw new Error(`floor PUT ${digest}: ${status}`)
  })
  for (const image of record.images) {
    for (const digest of [...image.content, image.digest].filter(candidate => layout.locate(candidate) !== undefined && layout.locate(candidate)!.size < 4 * MiB)) {
      const bytes = await readBlob(layout.locate(digest)!, 4 * MiB)
      let type: string | undefined
      try {
        type = (JSON.parse(bytes.toString()) as { mediaType?: string }).mediaType
      } catch {
        continue
      }
      if (type === undefined || (!type.includes('manifest') && !type.includes('index'))) continue
      await fetch(`${target.url}/v2/floor/manifests/${digest}`, { method: 'PUT', body: bytes, headers: { 'content-type': type } })
    }
  }
}

async function main(): Promise<void> {
  const skopeo = requireBinary('skopeo', 'skopeo')
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run npm run build first')
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'im-bench-bundle-'))
  const source = await startRegistry()
  const registries: TestRegistry[] = [source]
  const fresh = async (): Promise<TestRegistry> => {
    const registry = await startRegistry()
    registries.push(registry)
    return registry
  }
  try {
    const names = await seed(source)
    fs.writeFileSync(path.join(work, 'compose.yaml'), `services:\n${names.map((name, i) => `  s${i}:\n    image: ${name}\n`).join('')}`)
    const bundle = path.join(work, 'bundle.tar')
    const ours = await fresh()
    const exportSeconds = await timed(() => cli(['--mode', 'export', '--bundle', 'bundle.tar', '--registry', `${ours.host}/bench`], work))
    const importSeconds = await timed(() => cli(['--mode', 'import', '--bundle', 'bundle.tar', '--registry', `${ours.host}/bench`], work))
    const bundleBytes = fs.statSync(bundle).size

    const theirs = await fresh()
    const layoutDir = path.join(work, 'skopeo-oci')
    const skopeoOut = await timed(async () => {
      for (const name of names) await execFileAsync(skopeo, ['copy', '--all', '--preserve-digests', '--src-tls-verify=false', `docker://${name}`, `oci:${layoutDir}:${name}`])
    })
    const skopeoIn = await timed(async () => {
      for (const name of names) {
        const repository = name.slice(name.indexOf('/') + 1)
        await execFileAsync(skopeo, ['copy', '--all', '--preserve-digests', '--dest-tls-verify=false', `oci:${layoutDir}:${name}`, `docker://${theirs.host}/bench/${repository}`])
      }
    })
    const floorTarget = await fresh()
    const floorSeconds = await timed(() => floor(bundle, floorTarget))

    let equal = 0
    for (const name of names) {
      const repository = name.slice(name.indexOf('/') + 1).replace(/:.*$/, '')
      const digest = await manifestDigest(source, repository, '1')
      if (digest !== undefined && digest === (await manifestDigest(ours, `bench/${repository}`, '1'))) equal += 1
    }
    const row = (what: string, seconds: number, note = ''): string => `| ${what} | ${seconds.toFixed(2)} s | ${note} |`
    console.log(`20 images, bundle ${(bundleBytes / MiB).toFixed(1)} MiB, scale ${SCALE}, digests equal to the source: ${equal}/20\n`)
    console.log('| contender | time | ratio |\n| --- | --- | --- |')
    console.log(row('image-mirror export (CLI, one .tar)', exportSeconds, `${(skopeoOut / exportSeconds).toFixed(2)}× faster than skopeo to oci:`))
    console.log(row('skopeo copy --all → oci: per image', skopeoOut))
    console.log(row('image-mirror import (CLI)', importSeconds, `${(skopeoIn / importSeconds).toFixed(2)}× faster than skopeo back; ${(importSeconds / floorSeconds).toFixed(2)}× the floor (target ≤ 1.5×)`))
    console.log(row('skopeo copy --all oci: → registry per image', skopeoIn))
    console.log(row('floor: the bundle streamed into a registry', floorSeconds, `${(bundleBytes / MiB / floorSeconds).toFixed(0)} MiB/s`))
  } finally {
    await Promise.all(registries.map(registry => registry.stop()))
    fs.rmSync(work, { recursive: true, force: true })
  }
}

await main()
