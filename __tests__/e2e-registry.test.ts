/**
 * engine: registry through the bundled action: Docker Hub names served by a
 * local registry-mirror, a multi-platform index and an image named by its own
 * registry host, copied to a target with basic auth. Digests must match the
 * source exactly (every platform kept), and a second run must copy nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { catalog } from './harness/registry-api.js'
import { manifestDigest, pushImage, pushMultiPlatform, seededBytes } from './harness/oci-images.js'
import { startRegistry, type TestRegistry } from './harness/registry.js'
import { runAction, type ActionRun } from './harness/runner.js'

const CREDENTIALS = { username: 'copier', password: 'registry-e2e-Pa55' }
let source: TestRegistry
let target: TestRegistry
let workspace: string
const sourceDigests = new Map<string, string>()

beforeAll(async () => {
  source = await startRegistry()
  target = await startRegistry({ basicAuth: CREDENTIALS })
  const shared = seededBytes('shared-base', 300_000)
  sourceDigests.set('library/postgres:15-alpine', (await pushImage(source, 'library/postgres', '15-alpine', { format: 'docker', layers: [shared, seededBytes('pg', 120_000)] })).digest)
  const redis = await pushMultiPlatform(source, 'library/redis', '7-alpine', 'oci', 'redis', [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64', variant: 'v8' }
  ])
  sourceDigests.set('library/redis:7-alpine', redis.index.digest)
  sourceDigests.set('acme/tool:1.0', (await pushImage(source, 'acme/tool', '1.0', { format: 'oci', layers: [shared, seededBytes('tool', 50_000)] })).digest)
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'im-e2e-registry-'))
  fs.writeFileSync(
    path.join(workspace, 'compose.yaml'),
    ['services:', '  db:', '    image: postgres:15-alpine', '  cache:', '    image: redis:7-alpine', '  tool:', `    image: ${source.host}/acme/tool:1.0`, ''].join('\n')
  )
}, 60000)

afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()])
  if (workspace !== undefined) fs.rmSync(workspace, { recursive: true, force: true })
})

const action = (inputs: Record<string, string>): ActionRun =>
  runAction(
    { engine: 'registry', registry: `${target.host}/mirror`, 'registry-mirror': source.url, username: CREDENTIALS.username, password: CREDENTIALS.password, ...inputs },
    // DOCKER_CONFIG points at an empty directory: only the inputs' credentials count.
    { workspace, env: { DOCKER_CONFIG: fs.mkdtempSync(path.join(os.tmpdir(), 'im-docker-config-')) } }
  )

describe('mode mirror with engine: registry', () => {
  it('a dry run writes nothing: the target catalog stays empty and every copy is listed with its requests', async () => {
    const run = action({ mode: 'all', 'dry-run': 'true' })
    expect(run.exitCode).toBe(0)
    expect(await catalog(target)).toEqual([])
    const report = run.report as { images: Array<{ source: string; phases: Array<{ phase: string; status: string; commands?: string[] }> }> }
    for (const image of report.images) {
      const mirror = image.phases.find(phase => phase.phase === 'mirror')
      expect([image.source, mirror?.status]).toEqual([image.source, 'planned'])
      // Each image's requests name its own repository only.
      const own = image.source.replace(/^docker\.io\//, '').replace(/^library\//, '').replace(/:.*$/, '').split('/').at(-1) as string
      expect(mirror?.commands?.length).toBeGreaterThan(0)
      for (const command of mirror?.commands ?? []) expect([image.source, command.includes(own)]).toEqual([image.source, true])
    }
  })

  it('copies every image with its exact digest, the multi-platform index included', async () => {
    const run = action({ mode: 'mirror' })
    expect(run.exitCode).toBe(0)
    expect(run.outputs.verdict).toBe('3 images (3 mirrored)')
    for (const [image, digest] of sourceDigests) {
      const [repository, tag] = image.split(':') as [string, string]
      const targetRepository = `mirror/${repository.replace(/^library\//, '')}`
      expect([image, await manifestDigest(target, targetRepository, tag)]).toEqual([image, digest])
    }
    expect(run.summary).toContain('Registry traffic')
    expect(run.summary).toContain(`<code>${target.host}</code>`)
  })

  it('copies nothing on a second run and verifies all three through the registry', () => {
    const again = action({ mode: 'mirror' })
    expect(again.exitCode).toBe(0)
    expect(again.outputs.verdict).toBe('3 images (3 already present)')
    const report = again.report as { images: Array<{ phases: Array<{ bytesTransferred?: number }> }> }
    expect(report.images.flatMap(image => image.phases.map(phase => phase.bytesTransferred ?? 0)).reduce((a, b) => a + b, 0)).toBe(0)
    const verify = action({ mode: 'verify' })
    expect(verify.exitCode).toBe(0)
    expect(verify.outputs.verdict).toBe('3/3 images verified')
  })

  it('loads none of the parts of Node it does not use on a no-op run: no undici, http2 or zlib (an ESM import of node:http loads them on Node >= 22), no child_process (no process to start)', () => {
    const probeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-loaded-'))
    const probe = path.join(probeDir, 'probe.mjs')
    const loaded = path.join(probeDir, 'loaded.json')
    fs.writeFileSync(probe, `import * as fs from 'node:fs'\nprocess.on('exit', () => fs.writeFileSync(${JSON.stringify(loaded)}, JSON.stringify(process.moduleLoadList)))\n`)
    try {
      const again = runAction(
        { engine: 'registry', mode: 'mirror', registry: `${target.host}/mirror`, 'registry-mirror': source.url, username: CREDENTIALS.username, password: CREDENTIALS.password },
        { workspace, env: { DOCKER_CONFIG: fs.mkdtempSync(path.join(os.tmpdir(), 'im-docker-config-')), NODE_OPTIONS: `--import=${probe}` } }
      )
      expect(again.outputs.verdict).toBe('3 images (3 already present)')
      const modules = JSON.parse(fs.readFileSync(loaded, 'utf8')) as string[]
      expect(modules).toContain('NativeModule _http_client')
      expect(modules.filter(name => /undici|http2|zlib|child_process|dgram/.test(name))).toEqual([])
    } finally {
      fs.rmSync(probeDir, { recursive: true, force: true })
    }
  })
})
