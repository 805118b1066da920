/**
 * Bundles among their peers: skopeo (Debian's) reads what mode export writes,
 * directory and archive, with equal digests, and mode import takes what
 * `skopeo copy --all … oci-archive:` writes; a bundle on an HTTP file server
 * is downloaded once into the runner's tool cache and reused by the next run.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as http from 'node:http'
import * as os from 'node:os'
import * as path from 'node:path'
import { manifestDigest, pushImage, pushMultiPlatform, seededBytes } from './harness/oci-images.js'
import { requireBinary, startRegistry, type TestRegistry } from './harness/registry.js'
import { runActionAsync, type ActionRun } from './harness/runner.js'

let source: TestRegistry
let workspace: string
const digests = new Map<string, string>()
const targets: TestRegistry[] = []
let skopeo: string

beforeAll(async () => {
  skopeo = requireBinary('skopeo', 'skopeo')
  source = await startRegistry()
  const index = await pushMultiPlatform(source, 'lib/redis', '7-alpine', 'oci', 'redis-interop', [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64', variant: 'v8' }
  ])
  digests.set(`${source.host}/lib/redis:7-alpine`, index.index.digest)
  digests.set(`${source.host}/acme/tool:1.0`, (await pushImage(source, 'acme/tool', '1.0', { format: 'oci', layers: [seededBytes('tool-interop', 90_000)] })).digest)
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'im-bundle-interop-'))
  fs.writeFileSync(path.join(workspace, 'compose.yaml'), ['services:', '  cache:', `    image: ${source.host}/lib/redis:7-alpine`, '  tool:', `    image: ${source.host}/acme/tool:1.0`, ''].join('\n'))
}, 60000)

afterAll(async () => {
  await Promise.all([source?.stop(), ...targets.map(target => target.stop())])
  if (workspace !== undefined) fs.rmSync(workspace, { recursive: true, force: true })
})

async function target(): Promise<TestRegistry> {
  const registry = await startRegistry()
  targets.push(registry)
  return registry
}

const tail = (run: ActionRun): string => `${run.stdout.slice(-4000)}\n${run.stderr.slice(-2000)}`
const action = (inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}, dir = workspace): Promise<ActionRun> =>
  runActionAsync({ registry: 'harbor.example.com/mirror', ...inputs }, { workspace: dir, env: { DOCKER_CONFIG: fs.mkdtempSync(path.join(os.tmpdir(), 'im-interop-docker-')), ...env } })
const sha256 = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`

describe('skopeo reads our bundles and we read skopeo', () => {
  it('skopeo inspects and copies what mode export wrote, directory and archive, with the source digests', async () => {
    for (const bundle of ['layout', 'layout.tar']) {
      const run = await action({ mode: 'export', bundle })
      expect([run.exitCode, run.outputs.verdict, tail(run)]).toEqual([0, '2 images (2 exported)', expect.anything()])
      const transport = bundle.endsWith('.tar') ? 'oci-archive' : 'oci'
      for (const [name, digest] of digests) {
        const raw = execFileSync(skopeo, ['inspect', '--raw', `${transport}:${path.join(workspace, bundle)}:${name}`])
        expect([bundle, name, sha256(raw)]).toEqual([bundle, name, digest])
      }
    }
    const registry = await target()
    const name = `${source.host}/lib/redis:7-alpine`
    execFileSync(skopeo, ['copy', '--all', '--preserve-digests', '--dest-tls-verify=false', `oci:${path.join(workspace, 'layout')}:${name}`, `docker://${registry.host}/copied/redis:7-alpine`], { stdio: 'pipe' })
    expect(await manifestDigest(registry, 'copied/redis', '7-alpine')).toBe(digests.get(name))
  })

  it('imports what skopeo copy --all wrote to an oci-archive, with the source digests, with and without a checkout', async () => {
    const archive = path.join(workspace, 'skopeo.tar')
    for (const name of digests.keys()) {
      execFileSync(skopeo, ['copy', '--all', '--preserve-digests', '--src-tls-verify=false', `docker://${name}`, `oci-archive:${archive}:${name}`], { stdio: 'pipe' })
      // One image per archive in skopeo's oci-archive; import the last one written, then check both by writing each.
      const registry = await target()
      const run = await action({ mode: 'import', bundle: 'skopeo.tar', registry: `${registry.host}/mirror` })
      expect([run.exitCode, tail(run)]).toEqual([1, expect.anything()])
      // The checkout has both images; the archive only this one: it is imported, the other is named missing from the bundle.
      const repository = name.includes('redis') ? 'mirror/lib/redis' : 'mirror/acme/tool'
      const tag = name.split(':').at(-1) as string
      expect(await manifestDigest(registry, repository, tag)).toBe(digests.get(name))
      const report = run.report as { images: Array<{ source: string; status: string; phases?: Array<{ error?: string }> }> }
      const other = report.images.find(image => image.source !== name)
      expect(other?.phases?.[0]?.error).toMatch(/is not in the bundle/)

      // Without a checkout: the names in index.json are the plan, mapped with the layout.
      const bare = fs.mkdtempSync(path.join(os.tmpdir(), 'im-interop-bare-'))
      fs.copyFileSync(archive, path.join(bare, 'skopeo.tar'))
      const fresh = await target()
      const alone = await action({ mode: 'import', bundle: 'skopeo.tar', registry: `${fresh.host}/mirror` }, {}, bare)
      expect([alone.exitCode, alone.outputs.verdict, tail(alone)]).toEqual([0, '1 image (1 imported)', expect.anything()])
      expect(await manifestDigest(fresh, repository, tag)).toBe(digests.get(name))
      fs.rmSync(bare, { recursive: true, force: true })
      fs.rmSync(archive)
    }
  })
})

describe('a bundle on an HTTP file server', () => {
  it('is downloaded once into the tool cache and imported twice, the second time without a download', async () => {
    const run = await action({ mode: 'export', bundle: 'served.tar' })
    expect([run.exitCode, tail(run)]).toEqual([0, expect.anything()])
    const requests: string[] = []
    const server = http.createServer((request, response) => {
      requests.push(request.url ?? '')
      const file = path.join(workspace, path.basename(request.url ?? ''))
      if (!/^\/served\.tar(\.sha256)?$/.test(request.url ?? '') || !fs.existsSync(file)) {
        response.writeHead(404).end()
        return
      }
      response.writeHead(200, { 'content-length': String(fs.statSync(file).size) })
      fs.createReadStream(file).pipe(response)
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/served.tar`
      const toolCache = fs.mkdtempSync(path.join(os.tmpdir(), 'im-tool-cache-'))
      const airgap = fs.mkdtempSync(path.join(os.tmpdir(), 'im-interop-airgap-'))
      for (const round of [1, 2]) {
        const registry = await target()
        const imported = await action({ mode: 'import', bundle: url, registry: `${registry.host}/mirror` }, { RUNNER_TOOL_CACHE: toolCache }, airgap)
        expect([round, imported.exitCode, imported.outputs.verdict, tail(imported)]).toEqual([round, 0, '2 images (2 imported)', expect.anything()])
        for (const [name, digest] of digests) {
          const repository = name.includes('redis') ? 'mirror/lib/redis' : 'mirror/acme/tool'
          expect(await manifestDigest(registry, repository, name.split(':').at(-1) as string)).toBe(digest)
        }
        if (round === 2) expect(imported.stdout).toMatch(/is in the tool cache .*: not downloaded again/)
      }
      expect(requests.filter(request => request === '/served.tar')).toHaveLength(1)
      expect(requests.filter(request => request === '/served.tar.sha256')).toHaveLength(2)

      // A pinned digest that the download does not match is refused.
      const wrong = await action({ mode: 'import', bundle: `${url}#sha256=${'0'.repeat(64)}`, registry: `${(await target()).host}/mirror` }, { RUNNER_TOOL_CACHE: fs.mkdtempSync(path.join(os.tmpdir(), 'im-tool-cache-')) }, airgap)
      expect(wrong.exitCode).toBe(1)
      expect(JSON.stringify((wrong.report as { findings: unknown[] }).findings)).toMatch(/hashes to sha256:[a-f0-9]{64}, not sha256:0{64} as announced: refused/)
    } finally {
      server.closeAllConnections()
      await new Promise(resolve => server.close(resolve))
    }
  })
})
