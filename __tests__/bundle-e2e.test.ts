/**
 * Across the air gap, end to end through the bundled action. The reference
 * project's base images live in a local "Docker Hub" (behind a counting proxy,
 * redis:7-alpine a two-platform index) and in a second registry standing in
 * for quay.io; its 5 service images are built in a private dockerd (mode
 * build, push: false). mode export writes them all into one .tar; then every
 * source is stopped, and mode import pushes the bundle into fresh targets
 * behind counting proxies: digests equal the sources', verify passes 20/20,
 * and the target is the only address contacted. Re-export, delta bundles, a
 * corrupt blob and a truncated archive are each checked against real
 * registries.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { startDockerd, seedBaseImages, type TestDockerd } from './harness/docker.js'
import { startRegistry, type TestRegistry } from './harness/registry.js'
import { catalog } from './harness/registry-api.js'
import { manifestBytes, manifestDigest, pushImage, pushMultiPlatform, seededBytes } from './harness/oci-images.js'
import { startFaultProxy, type FaultProxy } from './harness/fault-proxy.js'
import { REFERENCE_BASE_IMAGES, REFERENCE_SERVICE_IMAGES } from './harness/reference-project.js'
import { REPO_ROOT, runActionAsync, type ActionRun } from './harness/runner.js'
import { openLayout } from '../src/engine/bundle/layout.js'
import { parseRecord } from '../src/engine/bundle/record.js'
import { parseReference } from '../src/reference.js'

const EXPORTED_FOR = 'harbor.example.com/aihpc'
const QUAY_MINIO = 'quay.io/minio/minio:latest'
let upstream: TestRegistry
let quay: TestRegistry
let hub: FaultProxy
let dockerd: TestDockerd
let workspace: string
let airgap: string
const stopped: Array<() => Promise<void>> = []
/** Plan source → the manifest digest its source registry serves. */
const sourceDigests = new Map<string, string>()
/** Service target (as exported) → the daemon's image ID. */
const serviceIds = new Map<string, string>()
let newTool: { digest: string; blobs: Array<{ digest: string; size: number }>; size: number }

/** A source as the fixture names it in this test: quay.io is served by a local registry. */
const planSource = (name: string): string => (name === QUAY_MINIO ? `${quay.host}/minio/minio:latest` : name)
/** The repository and tag under the target (layout library): docker.io/library/redis:7-alpine → aihpc/library/redis, 7-alpine. */
function targetPath(source: string, service: boolean): [string, string] {
  const ref = parseReference(source)
  const repository = service ? ref.repository.replace(/^library\//, '') : ref.repository
  return [`aihpc/${repository}`, ref.tag as string]
}

beforeAll(async () => {
  upstream = await startRegistry()
  quay = await startRegistry()
  dockerd = await startDockerd({ registryMirror: upstream.url })
  const hubNames = REFERENCE_BASE_IMAGES.filter(name => name !== QUAY_MINIO)
  await seedBaseImages(dockerd, upstream, hubNames)
  // Not a build base: a two-platform OCI index replaces the seeded image.
  await pushMultiPlatform(upstream, 'library/redis', '7-alpine', 'oci', 'redis', [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64', variant: 'v8' }
  ])
  await pushImage(quay, 'minio/minio', 'latest', { format: 'docker', layers: [seededBytes('minio', 60_000)] })
  for (const name of hubNames) {
    const ref = parseReference(name)
    sourceDigests.set(name, (await manifestDigest(upstream, ref.repository, ref.tag as string)) as string)
  }
  sourceDigests.set(planSource(QUAY_MINIO), (await manifestDigest(quay, 'minio/minio', 'latest')) as string)
  hub = await startFaultProxy(upstream.url)

  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'im-bundle-e2e-'))
  fs.cpSync(path.join(REPO_ROOT, 'fixtures', 'reference-project'), path.join(workspace, 'project'), { recursive: true })
  const compose = path.join(workspace, 'project', 'docker-compose.yml')
  fs.writeFileSync(compose, fs.readFileSync(compose, 'utf8').replace(QUAY_MINIO, planSource(QUAY_MINIO)))
  fs.mkdirSync(path.join(workspace, 'bundles'))
  airgap = fs.mkdtempSync(path.join(os.tmpdir(), 'im-bundle-airgap-'))

  const build = await online({ mode: 'build', push: 'false', 'use-mirrored-bases': 'false', 'build-network': 'host' })
  expect([build.exitCode, build.outputs.verdict, build.exitCode === 0 ? '' : `${build.stdout.slice(-3000)}${build.stderr.slice(-2000)}`]).toEqual([0, expect.stringContaining('5 built'), ''])
  for (const source of REFERENCE_SERVICE_IMAGES) {
    const [repository, tag] = targetPath(source, true)
    const name = `${EXPORTED_FOR.split('/')[0]}/${repository}:${tag}`
    serviceIds.set(name, (await dockerd.docker(['image', 'inspect', '--format', '{{.Id}}', name])).trim())
  }
}, 300000)

afterAll(async () => {
  await hub?.stop()
  await dockerd?.stop()
  await Promise.all([upstream?.stop(), quay?.stop(), ...stopped.map(stop => stop())])
  for (const dir of [workspace, airgap]) if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true })
})

/** The online side: the checkout, the daemon, Docker Hub names read through the counting proxy. */
const online = (inputs: Record<string, string>): Promise<ActionRun> =>
  runActionAsync(
    { path: 'project', registry: EXPORTED_FOR, tag: 'v0.3.5', layout: 'library', 'registry-mirror': hub.url, ...inputs },
    { workspace, env: { ...dockerd.env, DOCKER_CONFIG: fs.mkdtempSync(path.join(os.tmpdir(), 'im-bundle-docker-config-')) }, timeoutMs: 300000 }
  )

/** The air-gapped side: no checkout, no daemon, one target registry. */
const offline = (registry: string, inputs: Record<string, string>): Promise<ActionRun> =>
  runActionAsync(
    { registry: `${registry}/aihpc`, ...inputs },
    { workspace: airgap, env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock', DOCKER_CONFIG: fs.mkdtempSync(path.join(os.tmpdir(), 'im-bundle-docker-config-')) }, timeoutMs: 300000 }
  )

async function freshTarget(): Promise<{ registry: TestRegistry; proxy: FaultProxy }> {
  const registry = await startRegistry()
  const proxy = await startFaultProxy(registry.url)
  stopped.push(async () => {
    await proxy.stop()
    await registry.stop()
  })
  return { registry, proxy }
}

type Report = { images: Array<{ source: string; status: string; phases?: Array<{ phase: string; status: string; error?: string; suggestion?: string; bytesTransferred?: number }> }>; registries?: Record<string, unknown>; findings: Array<{ message: string; severity: string }> }

/** The log's end, shown when a run's verdict is not the one expected. */
const tail = (run: ActionRun): string => `${run.stdout.slice(-4000)}\n${run.stderr.slice(-2000)}`

const bundlePath = (name: string): string => path.join(workspace, 'bundles', name)
const toAirgap = (name: string): void => {
  fs.copyFileSync(bundlePath(name), path.join(airgap, name))
}

describe('export and import of the reference project across the air gap', () => {
  it('exports all 20 images into one .tar with their source digests, the two-platform index whole', async () => {
    const run = await online({ mode: 'export', bundle: 'bundles/full.tar' })
    expect([run.exitCode, run.outputs.verdict, tail(run)]).toEqual([0, '20 images (20 exported)', expect.anything()])
    expect(fs.readFileSync(`${bundlePath('full.tar')}.sha256`, 'utf8')).toMatch(/^[a-f0-9]{64} {2}full\.tar\n$/)
    const layout = openLayout(bundlePath('full.tar'))
    const record = parseRecord(layout.record as Buffer, 'full.tar')
    expect(record.images).toHaveLength(20)
    for (const [source, digest] of sourceDigests) expect([source, record.images.find(image => image.source === source)?.digest]).toEqual([source, digest])
    expect(record.images.find(image => image.source === 'docker.io/library/redis:7-alpine')?.platforms).toEqual(['linux/amd64', 'linux/arm64/v8'])
    const backend = record.images.find(image => image.source === 'docker.io/library/ai-infra-backend:v0.3.5')
    expect(backend).toMatchObject({ from: 'daemon', target: `${EXPORTED_FOR}/ai-infra-backend:v0.3.5` })
    // Each blob once: the seeded images share their busybox layer.
    const blobs = layout.digests()
    expect(new Set(blobs).size).toBe(blobs.length)
  })

  it('re-exports after one image is added fetching only that image (counted at the source)', async () => {
    const pushed = await pushImage(upstream, 'acme/newtool', '1.0', { format: 'docker', layers: [seededBytes('newtool', 80_000)] })
    newTool = { digest: pushed.digest, blobs: pushed.blobs, size: pushed.size }
    const compose = path.join(workspace, 'project', 'docker-compose.yml')
    fs.appendFileSync(compose, '\n  newtool:\n    image: acme/newtool:1.0\n')
    fs.copyFileSync(bundlePath('full.tar'), bundlePath('again.tar'))
    hub.reset()
    const run = await online({ mode: 'export', bundle: 'bundles/again.tar' })
    expect([run.exitCode, run.outputs.verdict, tail(run)]).toEqual([0, '21 images (20 already present, 1 exported)', expect.anything()])
    const gets = hub.requests.filter(request => request.method === 'GET' && request.path !== '/v2/')
    expect(gets.map(request => request.path).sort()).toEqual(
      [`/v2/acme/newtool/manifests/${newTool.digest}`, ...newTool.blobs.map(blob => `/v2/acme/newtool/blobs/${blob.digest}`)].sort()
    )
    // Each Docker Hub image costs one HEAD of its manifest; the unchanged ones nothing more.
    const heads = hub.requests.filter(request => request.method === 'HEAD')
    expect(heads.every(request => /^\/v2\/.+\/manifests\/[^/]+$/.test(request.path))).toBe(true)
    expect(heads).toHaveLength(15)
  })

  it('writes a delta against the first bundle that holds only the new image, byte for byte', async () => {
    const run = await online({ mode: 'export', bundle: 'bundles/delta.tar', 'bundle-baseline': 'bundles/full.tar' })
    expect([run.exitCode, run.outputs.verdict, tail(run)]).toEqual([0, '21 images (20 already present, 1 exported)', expect.anything()])
    const layout = openLayout(bundlePath('delta.tar'))
    expect(layout.digests()).toEqual([newTool.digest, ...newTool.blobs.map(blob => blob.digest)].sort())
    const bytes = layout.digests().reduce((sum, digest) => sum + (layout.locate(digest)?.size ?? 0), 0)
    expect(bytes).toBe(newTool.size + newTool.blobs.reduce((sum, blob) => sum + blob.size, 0))
    expect(parseRecord(layout.record as Buffer, 'delta').images.filter(image => image.carried).map(image => image.source)).toEqual(['docker.io/acme/newtool:1.0'])
  })

  it('with every source stopped, imports into a fresh target with equal digests, talking to nothing else', async () => {
    await hub.stop()
    await Promise.all([upstream.stop(), quay.stop(), dockerd.stop()])
    toAirgap('full.tar')
    const { registry, proxy } = await freshTarget()
    const run = await offline(proxy.host, { mode: 'import', bundle: 'full.tar' })
    expect([run.exitCode, run.outputs.verdict, tail(run)]).toEqual([0, '20 images (20 imported)', expect.anything()])
    const report = run.report as Report
    expect(Object.keys(report.registries ?? {})).toEqual([proxy.host])
    expect(proxy.requests.length).toBeGreaterThan(20)
    for (const [source, digest] of sourceDigests) {
      const [repository, tag] = targetPath(source, false)
      expect([source, await manifestDigest(registry, repository, tag)]).toEqual([source, digest])
    }
    for (const [name, id] of serviceIds) {
      const ref = parseReference(name)
      const manifest = JSON.parse((await manifestBytes(registry, ref.repository, ref.tag as string)).toString()) as { config: { digest: string } }
      expect([name, manifest.config.digest]).toEqual([name, id])
    }
    // verify, from the checkout and from the bundle's plan alone: 20/20.
    fs.cpSync(path.join(REPO_ROOT, 'fixtures', 'reference-project'), path.join(airgap, 'project'), { recursive: true })
    const compose = path.join(airgap, 'project', 'docker-compose.yml')
    fs.writeFileSync(compose, fs.readFileSync(compose, 'utf8').replace(QUAY_MINIO, planSource(QUAY_MINIO)))
    const fromCheckout = await offline(proxy.host, { mode: 'verify', path: 'project', tag: 'v0.3.5', layout: 'library' })
    expect([fromCheckout.exitCode, fromCheckout.outputs.verdict, tail(fromCheckout)]).toEqual([0, '20/20 images verified', expect.anything()])
    fs.rmSync(path.join(airgap, 'project'), { recursive: true })
    const fromBundle = await offline(proxy.host, { mode: 'verify', bundle: 'full.tar' })
    expect([fromBundle.exitCode, fromBundle.outputs.verdict, tail(fromBundle)]).toEqual([0, '20/20 images verified', expect.anything()])
    // A second import pushes nothing.
    const again = await offline(proxy.host, { mode: 'import', bundle: 'full.tar' })
    expect([again.exitCode, again.outputs.verdict, tail(again)]).toEqual([0, '20 images (20 already present)', expect.anything()])

    // The delta on top: the new image only.
    toAirgap('delta.tar')
    const delta = await offline(proxy.host, { mode: 'import', bundle: 'delta.tar' })
    expect([delta.exitCode, delta.outputs.verdict, tail(delta)]).toEqual([0, '21 images (20 already present, 1 imported)', expect.anything()])
    expect(await manifestDigest(registry, 'aihpc/acme/newtool', '1.0')).toBe(newTool.digest)
  })

  it('refuses a delta whole on a target without its baseline, naming the missing content', async () => {
    const { registry, proxy } = await freshTarget()
    const run = await offline(proxy.host, { mode: 'import', bundle: 'delta.tar' })
    expect(run.exitCode).toBe(1)
    const report = run.report as Report
    const postgres = report.images.find(image => image.source === 'docker.io/library/postgres:15-alpine')
    expect(postgres?.phases?.[0]?.error).toMatch(/lacks baseline content that this delta bundle does not carry .*sha256:[a-f0-9]{64}.*import the baseline bundle \(full\.tar\) first/)
    expect(report.images.find(image => image.source === 'docker.io/acme/newtool:1.0')?.status).toBe('skipped')
    expect(await catalog(registry)).toEqual([])
  })

  it('refuses the image of a corrupt blob with a clear error, pushes the others, and leaves no tag for it', async () => {
    const dir = path.join(airgap, 'corrupt')
    fs.mkdirSync(dir)
    execFileSync('tar', ['-xf', path.join(airgap, 'full.tar'), '-C', dir])
    const record = parseRecord(fs.readFileSync(path.join(dir, 'image-mirror.json')), 'corrupt')
    const postgres = record.images.find(image => image.source === 'docker.io/library/postgres:15-alpine')!
    const others = new Set(record.images.filter(image => image !== postgres).flatMap(image => image.content))
    const own = postgres.content.filter(digest => !others.has(digest))
    // Its own layer (the largest of its unique blobs), one byte changed, same size.
    const victim = own.map(digest => ({ digest, file: path.join(dir, 'blobs', 'sha256', digest.slice(7)) })).sort((a, b) => fs.statSync(b.file).size - fs.statSync(a.file).size)[0]!
    const bytes = fs.readFileSync(victim.file)
    bytes[Math.floor(bytes.length / 2)] = (bytes[Math.floor(bytes.length / 2)] as number) ^ 0xff
    fs.writeFileSync(victim.file, bytes)

    const { registry, proxy } = await freshTarget()
    const run = await offline(proxy.host, { mode: 'import', bundle: 'corrupt' })
    expect([run.exitCode, run.outputs.verdict, tail(run)]).toEqual([1, expect.stringMatching(/^20 images \(19 imported, 1 failed\)/), expect.anything()])
    const failed = (run.report as Report).images.find(image => image.source === postgres.source)
    expect(failed?.phases?.[0]?.error).toContain(`blob ${victim.digest} in the bundle is corrupt`)
    expect(failed?.phases?.[0]?.suggestion).toMatch(/copy it again/)
    expect(await manifestDigest(registry, 'aihpc/library/postgres', '15-alpine')).toBeUndefined()
    expect(await manifestDigest(registry, 'aihpc/library/redis', '7-alpine')).toBe(sourceDigests.get('docker.io/library/redis:7-alpine'))

    // verify-from: bundle finds it offline too, and names the image.
    const verify = await offline(proxy.host, { mode: 'verify', 'verify-from': 'bundle', bundle: 'corrupt' })
    expect([verify.exitCode, verify.outputs.verdict, tail(verify)]).toEqual([1, expect.stringMatching(/^19\/20 images verified \(1 failed\)/), expect.anything()])
    expect(JSON.parse(verify.outputs.failed as string)).toEqual([`${proxy.host}/aihpc/library/postgres:15-alpine`])
    const intact = await offline(proxy.host, { mode: 'verify', 'verify-from': 'bundle', bundle: 'full.tar' })
    expect([intact.exitCode, intact.outputs.verdict, tail(intact)]).toEqual([0, '20/20 images verified', expect.anything()])
  })

  it('refuses a truncated archive with a clear error before pushing anything', async () => {
    const whole = fs.readFileSync(path.join(airgap, 'full.tar'))
    fs.writeFileSync(path.join(airgap, 'cut.tar'), whole.subarray(0, Math.floor(whole.length * 0.6)))
    const { registry, proxy } = await freshTarget()
    const run = await offline(proxy.host, { mode: 'import', bundle: 'cut.tar' })
    expect(run.exitCode).toBe(1)
    const messages = (run.report as Report).findings.map(finding => finding.message)
    expect(messages).toContainEqual(expect.stringMatching(/^The bundle cut\.tar cannot be used: .*cut\.tar is truncated: entry 'blobs\/sha256\/[a-f0-9]{64}' needs \d+ bytes.*nothing was pushed$/))
    expect(proxy.requests).toEqual([])
    expect(await catalog(registry)).toEqual([])
  })
})
