/**
 * Issue 11, part A, through the bundled action (dist/index.js and
 * dist/post.js) as a workflow runs it, against a private dockerd whose Docker
 * Hub mirror is a counting proxy in front of a real "upstream" registry, and a
 * target registry behind htpasswd auth, all on 127.0.0.1:
 *
 * - credentials never touch the user's docker config, and the post step
 *   removes our private one, after a normal, a cancelled and a killed run;
 * - engine auto (the default) copies every platform with the exact digest,
 *   reaching Docker Hub names through the daemon's registry-mirrors;
 * - engine docker warns that a multi-platform source keeps one platform;
 *   platforms with it is an input error; pull: never still retags locally;
 * - a docker-engine re-run of mirrored images makes no manifest GET on the source.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile, spawn, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as net from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { daemonPlatform, isLocal, seedBaseImages, startDockerd, type TestDockerd } from './harness/docker.js'
import { startFaultProxy, type FaultProxy } from './harness/fault-proxy.js'
import { manifestBytes, manifestDigest, MEDIA, pushImage, pushIndex, pushMultiPlatform, seededBytes } from './harness/oci-images.js'
import { startRegistry, type TestRegistry } from './harness/registry.js'
import { parseOutputFile, REPO_ROOT, type ActionRun } from './harness/runner.js'

const execFileAsync = promisify(execFile)
const CREDENTIALS = { username: 'mirror-bot', password: 'auto-e2e-Pa55' }

let upstream: TestRegistry
let proxy: FaultProxy
let target: TestRegistry
let dockerd: TestDockerd
let hanging: net.Server
let hangingHost: string
/** A server that accepts connections and never answers: a source that keeps the main step busy. */
const hangingSockets = new Set<net.Socket>()
const temps: string[] = []
/** Digest of the two-platform index of fake blobs (registry engine only). */
let fakeIndexDigest: string
/** Digest of an index whose daemon-platform child is a real, pullable image. */
let realIndexDigest: string

function temp(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  temps.push(dir)
  return dir
}

function workspaceWith(images: string[], extra: Record<string, string> = {}): string {
  const workspace = temp('im-auto-ws-')
  const services = images.map((image, index) => `  s${index}:\n    image: ${image}\n`).join('')
  fs.writeFileSync(path.join(workspace, 'compose.yaml'), `services:\n${services}`)
  for (const [file, text] of Object.entries(extra)) {
    fs.mkdirSync(path.dirname(path.join(workspace, file)), { recursive: true })
    fs.writeFileSync(path.join(workspace, file), text)
  }
  return workspace
}

beforeAll(async () => {
  upstream = await startRegistry()
  proxy = await startFaultProxy(upstream.url)
  target = await startRegistry({ basicAuth: CREDENTIALS })
  dockerd = await startDockerd({ registryMirror: proxy.url })
  await seedBaseImages(dockerd, upstream, ['postgres:15-alpine', 'redis:7-alpine', 'nginx:1', 'alpine:3'])
  const fake = await pushMultiPlatform(upstream, 'library/busybox', 'multi', 'oci', 'busybox-multi', [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64', variant: 'v8' }
  ])
  fakeIndexDigest = fake.index.digest
  // nginx:multi: the real nginx:1 image for the daemon's platform, plus a second platform.
  const [os_, architecture] = (await daemonPlatform(dockerd)).split('/') as [string, string]
  const realBytes = await manifestBytes(upstream, 'library/nginx', '1')
  const real = { digest: (await manifestDigest(upstream, 'library/nginx', '1')) as string, mediaType: MEDIA.dockerManifest, bytes: realBytes, size: realBytes.length, blobs: [] }
  const other = await pushImage(upstream, 'library/nginx', undefined, { format: 'docker', layers: [seededBytes('nginx-s390x', 20_000)], platform: { os: 'linux', architecture: 's390x' } })
  realIndexDigest = (
    await pushIndex(upstream, 'library/nginx', 'multi', 'docker', [
      { manifest: real, platform: { os: os_, architecture } },
      { manifest: other, platform: { os: 'linux', architecture: 's390x' } }
    ])
  ).digest
  hanging = net.createServer(socket => hangingSockets.add(socket))
  await new Promise<void>(resolve => hanging.listen(0, '127.0.0.1', resolve))
  hangingHost = `127.0.0.1:${(hanging.address() as net.AddressInfo).port}`
}, 240000)

afterAll(async () => {
  await dockerd?.stop()
  await Promise.all([proxy?.stop(), upstream?.stop(), target?.stop()])
  for (const socket of hangingSockets) socket.destroy()
  await new Promise(resolve => (hanging ? hanging.close(resolve) : resolve(undefined)))
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true })
}, 60000)

/**
 * runAction, without blocking this process: the counting proxy runs in it, and
 * a spawnSync would stop it from answering the action's requests.
 */
async function action(workspace: string, inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}): Promise<ActionRun> {
  const runnerTemp = temp('im-runner-')
  const outputFile = path.join(runnerTemp, 'output')
  const summaryFile = path.join(runnerTemp, 'summary')
  fs.writeFileSync(outputFile, '')
  fs.writeFileSync(summaryFile, '')
  const childEnv: NodeJS.ProcessEnv = {
    ...dockerd.env,
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: runnerTemp,
    GITHUB_ACTIONS: 'true',
    ...env
  }
  for (const [name, value] of Object.entries({ registry: `${target.host}/mirror`, ...inputs })) childEnv[`INPUT_${name.toUpperCase()}`] = value
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist', 'index.js')], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] })
  const out: Buffer[] = []
  const err: Buffer[] = []
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk))
  const timer = setTimeout(() => child.kill('SIGKILL'), 300000)
  const exitCode = await new Promise<number>(resolve => child.once('close', code => resolve(code ?? -1)))
  clearTimeout(timer)
  const stdout = Buffer.concat(out).toString('utf8')
  const outputs = parseOutputFile(fs.readFileSync(outputFile, 'utf8'))
  const run: ActionRun = { exitCode, stdout, stderr: Buffer.concat(err).toString('utf8'), outputs, summary: fs.readFileSync(summaryFile, 'utf8'), commands: commandsOf(stdout) }
  if (outputs.report !== undefined && fs.existsSync(outputs.report)) run.report = JSON.parse(fs.readFileSync(outputs.report, 'utf8'))
  return run
}

/** `::warning …::message` lines (messages unescaped), as the runner parses them. */
function commandsOf(stdout: string): ActionRun['commands'] {
  const unescape = (text: string): string => text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%')
  return stdout.split('\n').flatMap(line => {
    const match = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line)
    return match === null ? [] : [{ command: match[1] as string, properties: {}, message: unescape(match[3] ?? '') }]
  })
}

/** Manifest GETs the source registry (behind the counting proxy) answered since the last reset. */
const manifestGets = (): string[] => proxy.requests.filter(request => request.method === 'GET' && /\/manifests\//.test(request.path)).map(request => request.path)

/** A user's docker config as docker/login-action leaves it: one `auths` entry for the target. */
function loginActionConfig(): { dir: string; bytes: Buffer } {
  const dir = temp('im-user-docker-')
  const bytes = Buffer.from(
    `${JSON.stringify({ auths: { [target.host]: { auth: Buffer.from(`${CREDENTIALS.username}:${CREDENTIALS.password}`).toString('base64') } } }, null, '\t')}\n`
  )
  fs.writeFileSync(path.join(dir, 'config.json'), bytes, { mode: 0o600 })
  return { dir, bytes }
}

/** Runs dist/post.js as the runner does: the main step's saved state as STATE_<name> variables. */
function runPost(stateFile: string): { status: number | null; stdout: string } {
  const state = parseOutputFile(fs.readFileSync(stateFile, 'utf8'))
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, GITHUB_ACTIONS: 'true' }
  for (const [name, value] of Object.entries(state)) env[`STATE_${name}`] = value
  const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'post.js')], { env, encoding: 'utf8', timeout: 30000 })
  return { status: result.status, stdout: result.stdout }
}

describe('credentials never touch the user’s docker config', () => {
  it('mode all with username/password leaves a login-action config byte-identical, a later docker push still works, and post removes ours', async () => {
    const workspace = workspaceWith([`postgres:15-alpine`, `${target.host}/mirror/app:v1`], {
      'compose.yaml': `services:\n  db:\n    image: postgres:15-alpine\n  app:\n    image: app\n    build: ./app\n`,
      'app/Dockerfile': 'FROM postgres:15-alpine\nLABEL app=1\n'
    })
    const user = loginActionConfig()
    const stateFile = path.join(temp('im-state-'), 'state')
    fs.writeFileSync(stateFile, '')
    const run = await action(
      workspace,
      { mode: 'all', tag: 'v1', username: CREDENTIALS.username, password: CREDENTIALS.password, 'build-network': 'host' },
      { DOCKER_CONFIG: user.dir, HOME: temp('im-home-'), GITHUB_STATE: stateFile }
    )
    expect([run.exitCode, run.outputs.verdict]).toEqual([0, '2/2 images verified (1 mirrored, 1 built, 1 pushed)'])
    // Our docker login ran (the build pulls the mirrored base; the push), but into our own directory.
    expect(JSON.stringify(run.report)).toContain(`docker login --username ${CREDENTIALS.username} --password-stdin ${target.host}`)
    expect(run.stdout).not.toContain('docker logout')
    expect(fs.readFileSync(path.join(user.dir, 'config.json')).equals(user.bytes)).toBe(true)
    expect(fs.readdirSync(user.dir)).toEqual(['config.json'])

    // The next step of the job pushes with the user's config, as after docker/login-action.
    const env = { ...dockerd.env, DOCKER_CONFIG: user.dir }
    await execFileAsync('docker', ['tag', 'alpine:3', `${target.host}/later/step:1`], { env }).catch(async () => {
      await execFileAsync('docker', ['pull', 'alpine:3'], { env })
      await execFileAsync('docker', ['tag', 'alpine:3', `${target.host}/later/step:1`], { env })
    })
    await execFileAsync('docker', ['push', `${target.host}/later/step:1`], { env })
    expect(await manifestDigest({ url: target.url, credentials: CREDENTIALS }, 'later/step', '1')).toMatch(/^sha256:/)

    // The state names our private directory; it is gone already, and post finds nothing to remove and succeeds.
    const saved = parseOutputFile(fs.readFileSync(stateFile, 'utf8'))['docker-config'] as string
    expect(path.basename(saved)).toMatch(/^image-mirror-docker-/)
    expect(fs.existsSync(saved)).toBe(false)
    expect(runPost(stateFile).status).toBe(0)
  }, 400000)

  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    it(`a main step stopped by ${signal} while it works leaves nothing after the post step`, async () => {
      const workspace = workspaceWith([`${hangingHost}/slow/app:1`])
      const user = loginActionConfig()
      const runnerTemp = temp('im-runner-temp-')
      const stateFile = path.join(runnerTemp, 'state')
      fs.writeFileSync(stateFile, '')
      const env: NodeJS.ProcessEnv = {
        ...dockerd.env,
        GITHUB_WORKSPACE: workspace,
        GITHUB_OUTPUT: path.join(runnerTemp, 'output'),
        GITHUB_STEP_SUMMARY: path.join(runnerTemp, 'summary'),
        GITHUB_STATE: stateFile,
        RUNNER_TEMP: runnerTemp,
        GITHUB_ACTIONS: 'true',
        DOCKER_CONFIG: user.dir,
        INPUT_MODE: 'mirror',
        INPUT_REGISTRY: `${target.host}/mirror`,
        INPUT_USERNAME: CREDENTIALS.username,
        INPUT_PASSWORD: CREDENTIALS.password,
        INPUT_RETRIES: '0'
      }
      const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist', 'index.js')], { env, stdio: 'ignore' })
      const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
      try {
        // Bounded: the state is written before any work, the hanging source keeps the step busy.
        let saved: string | undefined
        for (let i = 0; i < 300 && saved === undefined; i += 1) {
          saved = parseOutputFile(fs.readFileSync(stateFile, 'utf8'))['docker-config']
          if (saved === undefined) await new Promise(resolve => setTimeout(resolve, 100))
        }
        expect(saved).toBeDefined()
        expect(fs.existsSync(saved as string)).toBe(true)
        await new Promise(resolve => setTimeout(resolve, 500))
        child.kill(signal)
        await exited
        if (signal === 'SIGKILL') expect(fs.existsSync(saved as string)).toBe(true)
        const post = runPost(stateFile)
        expect(post.status).toBe(0)
        expect(fs.existsSync(saved as string)).toBe(false)
        expect(fs.readdirSync(runnerTemp).filter(name => name.startsWith('image-mirror-docker-'))).toEqual([])
        expect(fs.readFileSync(path.join(user.dir, 'config.json')).equals(user.bytes)).toBe(true)
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
        await exited
      }
    }, 120000)
  }
})

describe('engine: auto, the default', () => {
  it('copies a two-platform index with its exact digest, through the daemon’s registry mirror', async () => {
    const run = await action(workspaceWith(['busybox:multi']), { mode: 'mirror', username: CREDENTIALS.username, password: CREDENTIALS.password })
    expect([run.exitCode, run.outputs.verdict]).toEqual([0, '1 image (1 mirrored)'])
    expect(await manifestDigest({ url: target.url, credentials: CREDENTIALS }, 'mirror/busybox', 'multi')).toBe(fakeIndexDigest)
    expect(run.stdout).toContain(`Docker Hub reads go through the docker daemon's registry mirror ${proxy.url}`)
    // No docker command copied it: the registry engine did, every platform kept.
    expect(JSON.stringify(run.report)).not.toContain('docker pull')
  }, 300000)

  it('with engine: docker, a multi-platform source is copied with a warning that the target keeps one platform', async () => {
    const run = await action(workspaceWith(['nginx:multi']), { mode: 'mirror', engine: 'docker', username: CREDENTIALS.username, password: CREDENTIALS.password })
    expect(run.exitCode).toBe(0)
    const findings = JSON.parse(run.outputs.findings as string) as Array<{ kind: string; severity: string; message: string; suggestion?: string }>
    expect(findings).toEqual([
      expect.objectContaining({ severity: 'warning', message: expect.stringContaining('docker.io/library/nginx:multi has several platforms') as unknown as string })
    ])
    expect(findings[0]?.message).toContain(`${target.host}/mirror/nginx:multi keeps one platform only`)
    expect(findings[0]?.suggestion).toContain('engine: auto')
    expect(run.commands).toContainEqual(expect.objectContaining({ command: 'warning', message: expect.stringContaining('keeps one platform only') as unknown as string }))
    const copied = await manifestDigest({ url: target.url, credentials: CREDENTIALS }, 'mirror/nginx', 'multi')
    expect(copied).toBeDefined()
    expect(copied).not.toBe(realIndexDigest)
  }, 300000)

  it('rejects platforms with engine: docker as an input error (the CLI exits 2)', async () => {
    const workspace = workspaceWith(['busybox:multi'])
    const run = await action(workspace, { mode: 'mirror', engine: 'docker', platforms: 'linux/arm64' })
    expect(run.exitCode).toBe(1)
    expect(run.commands).toContainEqual(expect.objectContaining({ command: 'error', message: expect.stringMatching(/^Invalid platforms 'linux\/arm64': engine 'docker' copies/) as unknown as string }))
    expect(run.outputs).toEqual({})
    const cli = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli.js'), '--mode', 'mirror', '--registry', `${target.host}/mirror`, '--engine', 'docker', '--platforms', 'linux/arm64'], {
      cwd: workspace,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: temp('im-home-') }
    })
    expect(cli.status).toBe(2)
    expect(cli.stderr).toContain("Invalid platforms 'linux/arm64'")
  })

  it('pull: never still retags a local image through docker, offline', async () => {
    await dockerd.docker(['tag', 'im-test/busybox:base', 'im-local/tool:1'])
    const run = await action(workspaceWith(['im-local/tool:1']), { mode: 'mirror', pull: 'never', push: 'false' })
    expect([run.exitCode, run.outputs.verdict]).toEqual([0, '1 image (1 mirrored)'])
    expect(await isLocal(dockerd, `${target.host}/mirror/im-local/tool:1`)).toBe(true)
    expect(JSON.stringify(run.report)).toContain(`docker tag im-local/tool:1 ${target.host}/mirror/im-local/tool:1`)
  }, 300000)
})

describe('quota-aware re-runs with engine: docker', () => {
  it('a re-run of already-mirrored images makes no manifest GET on the source, with and without the local images', async () => {
    const workspace = workspaceWith(['redis:7-alpine', 'nginx:multi'])
    const inputs = { mode: 'mirror', engine: 'docker', registry: `${target.host}/quota`, username: CREDENTIALS.username, password: CREDENTIALS.password }
    const first = await action(workspace, inputs)
    expect([first.exitCode, first.outputs.verdict]).toEqual([0, '2 images (2 mirrored)'])

    proxy.reset()
    const again = await action(workspace, inputs)
    expect([again.exitCode, again.outputs.verdict]).toEqual([0, '2 images (2 already present)'])
    // The local images' repo digests show they are what the target holds: the source is not even asked.
    expect(manifestGets()).toEqual([])

    // A fresh runner: nothing local. The single-platform image still costs no GET.
    for (const name of ['redis:7-alpine', `${target.host}/quota/redis:7-alpine`, 'nginx:multi', `${target.host}/quota/nginx:multi`]) {
      await dockerd.docker(['rmi', name]).catch(() => undefined)
    }
    proxy.reset()
    const fresh = await action(workspace, inputs)
    expect([fresh.exitCode, fresh.outputs.verdict]).toEqual([0, '2 images (2 already present)'])
    expect(proxy.requests.filter(request => request.method === 'HEAD' && /\/manifests\//.test(request.path)).map(request => request.path).sort()).toEqual([
      '/v2/library/nginx/manifests/multi',
      '/v2/library/redis/manifests/7-alpine'
    ])
    // Only the multi-platform source, which docker pushed as one platform (rewriting its manifest), needs reading:
    // its index and its platform's manifest, which Docker Hub counts as one pull (not one GET per platform, as
    // docker manifest inspect --verbose made on every re-run). The single-platform image costs nothing.
    const gets = manifestGets()
    expect(gets[0]).toBe(`/v2/library/nginx/manifests/${realIndexDigest}`)
    expect(gets.length).toBeLessThanOrEqual(2)
    expect(gets.every(get => get.startsWith('/v2/library/nginx/manifests/sha256:'))).toBe(true)
  }, 600000)
})
