/**
 * cache: true through the bundled action and its post step, against a
 * stand-in of the Actions cache service on 127.0.0.1 (harness/cache-service.ts,
 * the v1 API @actions/cache speaks without ACTIONS_CACHE_SERVICE_V2). A first
 * export on an empty cache fetches from the source and the post step saves the
 * store; the runner's temp directory is then wiped (a fresh runner), and the
 * same export restores the entry and sends the source HEAD requests only; its
 * post step does not save the entry again. Without the service, cache: true
 * is a warning and the export goes on.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { openLayout } from '../src/engine/bundle/layout.js'
import { parseRecord } from '../src/engine/bundle/record.js'
import { startCacheService, type CacheServiceStandIn } from './harness/cache-service.js'
import { startFaultProxy, type FaultProxy } from './harness/fault-proxy.js'
import { pushImage, pushMultiPlatform, seededBytes, type PushedManifest } from './harness/oci-images.js'
import { startRegistry, type TestRegistry } from './harness/registry.js'
import { parseOutputFile, REPO_ROOT, runActionAsync, type ActionRun } from './harness/runner.js'

let upstream: TestRegistry
let source: FaultProxy
let service: CacheServiceStandIn
let workspace: string
let runnerTemp: string
const pushed: Record<string, PushedManifest> = {}

beforeAll(async () => {
  upstream = await startRegistry()
  source = await startFaultProxy(upstream.url)
  service = await startCacheService()
  pushed.single = await pushImage(upstream, 'app/single', '1', { format: 'docker', layers: [seededBytes('action-cache-1', 80_000), seededBytes('action-cache-2', 50_000)] })
  pushed.multi = (await pushMultiPlatform(upstream, 'app/multi', '1', 'oci', 'action-cache-multi', [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64', variant: 'v8' }])).index
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'im-cache-action-ws-'))
  fs.writeFileSync(path.join(workspace, 'compose.yaml'), `services:\n  a:\n    image: ${source.host}/app/single:1\n  b:\n    image: ${source.host}/app/multi:1\n`)
  // One path for every run: GitHub-hosted runners keep RUNNER_TEMP at the same place, and the cache's version hashes the path.
  runnerTemp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'im-cache-action-runner-')), '_temp')
}, 60000)

afterAll(async () => {
  await service?.stop()
  await source?.stop()
  await upstream?.stop()
  for (const dir of [workspace, runnerTemp && path.dirname(runnerTemp)]) if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

/** A fresh runner: an empty temp directory, a new state file. */
function freshRunner(): string {
  fs.rmSync(runnerTemp, { recursive: true, force: true })
  fs.mkdirSync(runnerTemp, { recursive: true })
  const stateFile = path.join(path.dirname(runnerTemp), 'state')
  fs.writeFileSync(stateFile, '')
  return stateFile
}

const stepEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
  RUNNER_TEMP: runnerTemp,
  DOCKER_HOST: 'unix:///nonexistent/docker.sock',
  DOCKER_CONFIG: fs.mkdtempSync(path.join(os.tmpdir(), 'im-cache-action-docker-')),
  ...extra
})

const exportStep = (stateFile: string, env: Record<string, string>): Promise<ActionRun> =>
  runActionAsync({ mode: 'export', registry: 'harbor.example.com/aihpc', bundle: 'bundle', cache: 'true' }, { workspace, env: stepEnv({ GITHUB_STATE: stateFile, ...env }), timeoutMs: 120000 })

/** dist/post.js as the runner runs it: the main step's state as STATE_<name>; not blocking, so the stand-in keeps answering. */
async function postStep(stateFile: string, env: Record<string, string>): Promise<{ status: number | null; stdout: string }> {
  const state = parseOutputFile(fs.readFileSync(stateFile, 'utf8'))
  const vars: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: workspace, RUNNER_TEMP: runnerTemp, ...env }
  for (const [name, value] of Object.entries(state)) vars[`STATE_${name}`] = value
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist', 'post.js')], { env: vars, stdio: ['ignore', 'pipe', 'inherit'] })
  let stdout = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), 60000)
  const status = await new Promise<number | null>(resolve => child.on('close', code => resolve(code)))
  clearTimeout(timer)
  return { status, stdout }
}

const notHead = (): string[] => source.requests.filter(request => request.method !== 'HEAD' && request.path !== '/v2/').map(request => `${request.method} ${request.path}`)
const tail = (run: ActionRun): string => `${run.stdout.slice(-3000)}\n${run.stderr.slice(-1500)}`

describe('cache: true with the Actions cache service (a local stand-in)', () => {
  it('saves the store after a cold export; on a fresh runner the same export restores it and sends the source HEAD requests only', async () => {
    const cold = freshRunner()
    source.reset()
    const first = await exportStep(cold, service.env)
    expect([first.exitCode, first.outputs.verdict, tail(first)]).toEqual([0, '2 images (2 exported)', expect.anything()])
    expect(first.stdout).toContain('No cache entry for image-mirror-v1-')
    const coldCache = (first.report as { cache?: Record<string, unknown> }).cache
    expect(coldCache).toMatchObject({ key: expect.stringMatching(/^image-mirror-v1-/), restored: 'none', hits: 0, damaged: 0, pruned: 0 })
    expect(coldCache?.fetched).toBeGreaterThan(0)
    expect(first.summary).toContain(`<h3>Actions cache</h3>\n<p>Nothing was restored; the post step saves <code>${coldCache?.key}</code>. 0 manifests and blobs (0 B) read from the cache, ${coldCache?.fetched} manifests and blobs`)
    expect(notHead().some(line => line.startsWith('GET ') && line.includes('/blobs/'))).toBe(true)
    const firstPost = await postStep(cold, service.env)
    expect([firstPost.status, firstPost.stdout]).toEqual([0, expect.stringMatching(/Saved the image-mirror cache as image-mirror-v1-[a-f0-9]{32}/)])
    expect(service.entries.map(entry => entry.key)).toEqual([expect.stringMatching(/^image-mirror-v1-/)])

    fs.rmSync(path.join(workspace, 'bundle'), { recursive: true, force: true })
    const warm = freshRunner()
    source.reset()
    const second = await exportStep(warm, service.env)
    expect([second.exitCode, second.outputs.verdict, tail(second)]).toEqual([0, '2 images (2 exported)', expect.anything()])
    expect(second.stdout).toContain(`Restored ${service.entries[0]?.key}`)
    expect(notHead()).toEqual([])
    const warmCache = (second.report as { cache?: Record<string, unknown> }).cache
    expect(warmCache).toMatchObject({ key: service.entries[0]?.key, restored: 'exact', hits: coldCache?.fetched, hitBytes: coldCache?.fetchedBytes, fetched: 0, fetchedBytes: 0 })
    expect(second.summary).toContain(`<p>Restored <code>${service.entries[0]?.key}</code>. ${coldCache?.fetched} manifests and blobs`)
    expect(source.requests.filter(request => request.method === 'HEAD')).toHaveLength(2)
    const record = parseRecord(openLayout(path.join(workspace, 'bundle')).record as Buffer, 'bundle')
    expect(Object.fromEntries(record.images.map(image => [image.source.replace(`${source.host}/`, ''), image.digest]))).toEqual({ 'app/single:1': pushed.single?.digest, 'app/multi:1': pushed.multi?.digest })
    const secondPost = await postStep(warm, service.env)
    expect([secondPost.status, secondPost.stdout]).toEqual([0, expect.stringContaining('The image-mirror cache is not saved: the cache already holds')])
    expect(service.entries).toHaveLength(1)
  }, 240000)

  it('mirrors into a fresh target on a fresh runner from the entry an export saved (same sources, same key): the source gets HEAD requests only', async () => {
    const stateFile = freshRunner()
    const target = await startRegistry()
    try {
      source.reset()
      const run = await runActionAsync(
        { mode: 'mirror', registry: `${target.host}/aihpc`, cache: 'true' },
        { workspace, env: stepEnv({ GITHUB_STATE: stateFile, ...service.env }), timeoutMs: 120000 }
      )
      expect([run.exitCode, tail(run)]).toEqual([0, expect.anything()])
      expect(run.stdout).toContain(`Restored ${service.entries[0]?.key}`)
      expect(notHead()).toEqual([])
      expect((run.report as { cache?: unknown }).cache).toMatchObject({ key: service.entries[0]?.key, restored: 'exact', fetched: 0 })
      const digests = JSON.parse(run.outputs.digests ?? '{}') as Record<string, string>
      expect(Object.values(digests).sort()).toEqual([pushed.single?.digest, pushed.multi?.digest].sort())
      for (const [image, digest] of Object.entries(digests)) {
        const ref = image.slice(target.host.length + 1)
        const [repository, tag] = [ref.slice(0, ref.lastIndexOf(':')), ref.slice(ref.lastIndexOf(':') + 1)]
        const answer = await fetch(`${target.url}/v2/${repository}/manifests/${tag}`, { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json' } })
        expect([image, answer.headers.get('docker-content-digest')]).toEqual([image, digest])
      }
      const post = await postStep(stateFile, service.env)
      expect([post.status, post.stdout]).toEqual([0, expect.stringContaining('The image-mirror cache is not saved: the cache already holds')])
    } finally {
      await target.stop()
    }
  }, 120000)

  it('without the service, says the cache is off (a warning, not an error) and exports from the source', async () => {
    const stateFile = freshRunner()
    fs.rmSync(path.join(workspace, 'bundle'), { recursive: true, force: true })
    const run = await exportStep(stateFile, {})
    expect([run.exitCode, run.outputs.verdict, tail(run)]).toEqual([0, '2 images (2 exported)', expect.anything()])
    expect(run.commands.filter(command => command.command === 'warning').map(command => command.message)).toEqual([expect.stringContaining('cache: true is off for this run: the Actions cache service is not available here')])
    expect((run.report as { cache?: unknown }).cache).toBeUndefined()
    expect(run.summary).not.toContain('Actions cache</h3>')
    expect(parseOutputFile(fs.readFileSync(stateFile, 'utf8'))['cache-dir']).toBeUndefined()
  }, 120000)
})
