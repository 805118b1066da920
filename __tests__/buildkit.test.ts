/**
 * Builds as on GitHub's runners (issue 11): the builder is detected, never
 * assumed, with the docker CLIs this machine has (Debian's 20.10 CLI, which
 * has BuildKit built in, and a newer CLI that needs the buildx plugin), and
 * the builds run through dist/index.js against a private dockerd, with
 * BuildKit and with the legacy builder.
 *
 * No buildx plugin is packaged for this machine, so one case installs a small
 * stand-in plugin in the test's DOCKER_CONFIG: it answers `docker buildx
 * version` and runs `docker buildx build` as a BuildKit `docker build` (then
 * `docker push` and the metadata file for --push). It checks our side of the
 * contract (the arguments, --push, reading --metadata-file), not buildx.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { DockerCli } from '../src/engine/docker/cli.js'
import { detectBuilder } from '../src/engine/docker/builder.js'
import type { BuildPort } from '../src/engine/docker/build-port.js'
import { executeJobs } from '../src/execute/execute.js'
import type { BuildJob } from '../src/plan/jobs.js'
import { parseReference } from '../src/reference.js'
import { buildKitEnv, DEBIAN_DOCKER_CLI, seedBaseImages, startDockerd, type TestDockerd } from './harness/docker.js'
import { startRegistry, type TestRegistry } from './harness/registry.js'
import { manifestDigest } from './harness/registry-api.js'
import { recordingProgress } from './harness/progress.js'
import { runAction, type ActionRun } from './harness/runner.js'

let upstream: TestRegistry
let target: TestRegistry
let dockerd: TestDockerd
let workspace: string
/** A DOCKER_CONFIG holding the stand-in buildx plugin. */
let buildxConfig: string
let buildxLog: string

const KEYS_COMPOSE = `services:
  app:
    image: keys-app
    build:
      context: ./app
      args:
        GREETING: hello
      labels:
        org.example.team: infra
      extra_hosts:
        - "registry.internal:127.0.0.9"
      shm_size: 128m
`
const KEYS_DOCKERFILE = 'FROM alpine:3.20\nARG GREETING\nRUN echo "$GREETING" > /greeting && grep registry.internal /etc/hosts > /hosts.txt\n'

const FRONTEND_COMPOSE = `services:
  front:
    image: front-app
    build: ./front
`
const FRONTEND_DOCKERFILE = '# syntax=docker/dockerfile:1\nFROM alpine:3.20\nRUN echo built > /built\n'

const STAND_IN_BUILDX = `#!/bin/bash
# A stand-in for the docker buildx plugin (see the test file's header).
if [ "$1" = docker-cli-plugin-metadata ]; then
  echo '{"SchemaVersion":"0.1.0","Vendor":"image-mirror tests","Version":"v0.99.0-test","ShortDescription":"stand-in for buildx"}'
  exit 0
fi
shift
echo "$*" >> "$STAND_IN_BUILDX_LOG"
case "$1" in
  version) echo "github.com/docker/buildx v0.99.0-test 0000000"; exit 0 ;;
  build) shift ;;
  *) echo "stand-in buildx: unsupported: $*" >&2; exit 1 ;;
esac
args=(); push=0; meta=""; tag=""
while [ $# -gt 0 ]; do
  case "$1" in
    --builder|--allow) shift 2 ;;
    --load) shift ;;
    --push) push=1; shift ;;
    --metadata-file) meta="$2"; shift 2 ;;
    -t) tag="$2"; args+=("$1" "$2"); shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
DOCKER_BUILDKIT=1 ${DEBIAN_DOCKER_CLI} build "\${args[@]}" || exit $?
if [ $push = 1 ]; then
  out=$(${DEBIAN_DOCKER_CLI} push "$tag") || { echo "$out" >&2; exit 1; }
  digest=$(echo "$out" | grep -o 'sha256:[a-f0-9]\\{64\\}' | tail -1)
  config=$(${DEBIAN_DOCKER_CLI} image inspect --format '{{.Id}}' "$tag")
  printf '{"containerimage.digest":"%s","containerimage.config.digest":"%s"}' "$digest" "$config" > "$meta"
fi
`

beforeAll(async () => {
  upstream = await startRegistry()
  target = await startRegistry()
  dockerd = await startDockerd({ registryMirror: upstream.url })
  await seedBaseImages(dockerd, upstream, ['alpine:3.20', 'docker/dockerfile:1'])
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'im-buildkit-'))
  const write = (relative: string, text: string): void => {
    fs.mkdirSync(path.dirname(path.join(workspace, relative)), { recursive: true })
    fs.writeFileSync(path.join(workspace, relative), text)
  }
  write('keys/docker-compose.yml', KEYS_COMPOSE)
  write('keys/app/Dockerfile', KEYS_DOCKERFILE)
  write('frontend/docker-compose.yml', FRONTEND_COMPOSE)
  write('frontend/front/Dockerfile', FRONTEND_DOCKERFILE)
  buildxConfig = fs.mkdtempSync(path.join(os.tmpdir(), 'im-buildx-config-'))
  fs.mkdirSync(path.join(buildxConfig, 'cli-plugins'))
  fs.writeFileSync(path.join(buildxConfig, 'cli-plugins', 'docker-buildx'), STAND_IN_BUILDX, { mode: 0o755 })
  buildxLog = path.join(buildxConfig, 'calls.log')
}, 180000)

afterAll(async () => {
  await dockerd?.stop()
  await Promise.all([upstream?.stop(), target?.stop()])
  for (const dir of [workspace, buildxConfig]) if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true })
})

/** Every docker CLI on PATH with its client version. */
function dockerClients(): Array<{ binary: string; major: number; version: string }> {
  const found = new Set<string>()
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const binary = path.join(dir, 'docker')
    if (dir === '' || !fs.existsSync(binary)) continue
    found.add(fs.realpathSync(binary))
  }
  return [...found].map(binary => {
    // Without a daemon, docker prints the client's version and exits 1.
    const version = spawnSync(binary, ['version', '--format', '{{.Client.Version}}'], { env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent.sock' }, encoding: 'utf8' }).stdout.trim()
    return { binary, version, major: Number(/^(\d+)/.exec(version)?.[1]) }
  })
}

describe('the builder detection, with the docker CLIs of this machine', () => {
  const cli = (binary: string, env: NodeJS.ProcessEnv = {}): DockerCli => new DockerCli({ binary, env: { ...dockerd.env, DOCKER_BUILDKIT: undefined, ...env } })

  it("finds the built-in BuildKit of Debian's docker 20.10 CLI, which has no buildx", async () => {
    const builder = await detectBuilder(cli(DEBIAN_DOCKER_CLI))
    expect(builder.kind).toBe('buildkit')
    expect(builder.description).toMatch(/^the daemon's built-in BuildKit \(DOCKER_BUILDKIT=1 docker build, docker CLI 20\.10\.\S+ without buildx\)$/)
    expect(builder.problem).toBeUndefined()
  })

  it('falls back to the legacy builder with a docker CLI from 23.0 on without the buildx plugin, and says why', async () => {
    const newer = dockerClients().filter(client => client.major >= 23)
    if (newer.length === 0) {
      console.warn('no docker CLI from 23.0 on is installed here: the legacy fallback of a newer CLI is not exercised')
      return
    }
    for (const client of newer) {
      const builder = await detectBuilder(cli(client.binary))
      expect(builder).toEqual({
        kind: 'legacy',
        description: `the legacy builder (DOCKER_BUILDKIT=0 docker build): the docker CLI ${client.version} builds with BuildKit only through the buildx plugin, which is not installed`
      })
    }
  })

  it('takes DOCKER_BUILDKIT=0 as the environment asking for the legacy builder', async () => {
    expect((await detectBuilder(cli(DEBIAN_DOCKER_CLI), { buildkit: false })).kind).toBe('legacy')
    expect((await detectBuilder(cli(DEBIAN_DOCKER_CLI), { buildkit: true })).kind).toBe('buildkit')
  })

  it('uses buildx, on the named builder, wherever the plugin answers, with either CLI', async () => {
    for (const client of dockerClients()) {
      const builder = await detectBuilder(cli(client.binary, { DOCKER_CONFIG: buildxConfig, STAND_IN_BUILDX_LOG: buildxLog }), { name: 'ci-builder' })
      expect([client.version, builder]).toEqual([
        client.version,
        { kind: 'buildx', name: 'ci-builder', description: 'BuildKit through docker buildx v0.99.0-test (docker buildx build, builder ci-builder)' }
      ])
    }
  })

  it('a builder named where buildx is missing is a problem every build reports, not a silent switch', async () => {
    const builder = await detectBuilder(cli(DEBIAN_DOCKER_CLI), { name: 'ci-builder' })
    expect(builder.problem).toMatch(/^the builder input names the buildx builder ci-builder, but docker buildx is not installed here \(docker buildx version: .+\); install buildx/)
  })

  it('without any docker binary, the legacy builder is named and the build itself will say docker is missing', async () => {
    const builder = await detectBuilder(cli('/nonexistent/docker'))
    expect(builder).toEqual({ kind: 'legacy', description: 'the legacy builder: /nonexistent/docker was not found on PATH' })
  })
})

describe('builds through dist/index.js', () => {
  const action = (project: string, inputs: Record<string, string>, env: NodeJS.ProcessEnv): ActionRun =>
    runAction({ path: project, registry: `${target.host}/ci`, tag: 'v1', 'build-network': 'host', ...inputs }, { workspace, env, timeoutMs: 240000 })
  const phaseOf = (run: ActionRun, source: string, phase: string) =>
    (run.report as { images: Array<{ source: string; phases?: Array<{ phase: string; status: string; commands?: string[]; log?: string; digest?: string }> }> }).images
      .find(image => image.source === source)
      ?.phases?.find(result => result.phase === phase)
  const app = 'docker.io/library/keys-app:latest'
  const appTarget = (): string => `${target.host}/ci/keys-app:v1`

  it('builds with BuildKit, passing labels, extra hosts and build args, and warns about shm_size, which it cannot honour', async () => {
    const run = action('keys', { mode: 'all' }, buildKitEnv(dockerd.env))
    expect(run.exitCode).toBe(0)
    expect(run.outputs.verdict).toBe('2/2 images verified (1 mirrored, 1 built, 1 pushed)')
    expect(run.stdout).toMatch(/^Builder: the daemon's built-in BuildKit \(DOCKER_BUILDKIT=1 docker build, docker CLI 20\.10/m)
    expect(phaseOf(run, app, 'build')?.commands).toContain(
      `DOCKER_BUILDKIT=1 docker build --progress plain -f - -t ${appTarget()} --network host --label org.example.team=infra --add-host registry.internal:127.0.0.9 --build-arg GREETING ${path.join(workspace, 'keys', 'app')} < Dockerfile`
    )
    const findings = JSON.parse(run.outputs.findings as string) as Array<{ kind: string; severity: string; message: string }>
    expect(findings).toContainEqual(
      expect.objectContaining({ severity: 'warning', message: `${appTarget()}: the build ignores the compose build key shm_size (the daemon's built-in BuildKit cannot honour it)` })
    )
    expect(await dockerd.docker(['run', '--rm', '--network=host', appTarget(), 'cat', '/greeting', '/hosts.txt'])).toMatch(/^hello\n127\.0\.0\.9\s+registry\.internal\n$/)
    expect((await dockerd.docker(['image', 'inspect', '--format', '{{index .Config.Labels "org.example.team"}}', appTarget()])).trim()).toBe('infra')
  })

  it('builds with the legacy builder, which honours shm_size: no warning about it', () => {
    const run = action('keys', { mode: 'build' }, dockerd.env)
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/^Builder: the legacy builder \(DOCKER_BUILDKIT=0 docker build\)/m)
    expect(phaseOf(run, app, 'build')?.commands?.find(command => command.includes(' build '))).toMatch(/^DOCKER_BUILDKIT=0 docker build -f - .* --shm-size 128m --build-arg GREETING /)
    expect(run.outputs.findings).not.toContain('shm_size')
  })

  it('points # syntax= at the mirrored frontend, so BuildKit pulls nothing public; the failed build shows its last lines in the summary', async () => {
    const run = action('frontend', { mode: 'all' }, buildKitEnv(dockerd.env))
    expect(run.exitCode).toBe(1)
    const frontend = `${target.host}/ci/docker/dockerfile:1`
    // The frontend was mirrored like any base image, and the build asked the target for it, never Docker Hub.
    expect(await manifestDigest(target, 'ci/docker/dockerfile', '1')).toBeDefined()
    const build = phaseOf(run, 'docker.io/library/front-app:latest', 'build')
    expect(build?.status).toBe('failed')
    expect(build?.log).toContain(frontend)
    expect(build?.log).not.toMatch(/docker\.io\/docker\/dockerfile|\bdocker\/dockerfile:1\b(?<!ci\/docker\/dockerfile:1)/)
    // The log is the end of the build output: its last line is BuildKit's own error.
    expect(build?.log?.split('\n').pop()).toMatch(/error|failed/i)
    expect(build?.log?.split('\n').length).toBeLessThanOrEqual(40)
    expect(run.summary).toContain('Tool output of the failures')
    expect(run.summary).toMatch(new RegExp(`<details><summary>build [^<]*front-app:v1</summary><pre>[^]*${frontend.replace(/[.]/g, '\\.')}`))
    // The build output was streamed under the image's name while it ran.
    expect(run.stdout).toMatch(new RegExp(`^    ${target.host.replace(/\./g, '\\.')}/ci/front-app:v1 \\| `, 'm'))
  })

  it('with buildx, builds and pushes in one step (--push), reading the pushed digest from --metadata-file', async () => {
    fs.rmSync(buildxLog, { force: true })
    const run = action('keys', { mode: 'all', builder: 'ci-builder' }, { ...dockerd.env, DOCKER_CONFIG: buildxConfig, STAND_IN_BUILDX_LOG: buildxLog, DOCKER_BUILDKIT: undefined })
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/^Builder: BuildKit through docker buildx v0\.99\.0-test \(docker buildx build, builder ci-builder\)$/m)
    expect(phaseOf(run, app, 'build')?.commands).toContain(
      `docker buildx build --builder ci-builder --progress plain -f - -t ${appTarget()} --network host --allow network.host --label org.example.team=infra --add-host registry.internal:127.0.0.9 --shm-size 128m --build-arg GREETING --push --metadata-file '<temporary metadata file>' ${path.join(workspace, 'keys', 'app')} < Dockerfile`
    )
    const pushed = phaseOf(run, app, 'push')
    expect(pushed).toMatchObject({ status: 'pushed', commands: ['pushed by the build (docker buildx build --push)'] })
    expect(pushed?.digest).toBe(await manifestDigest(target, 'ci/keys-app', 'v1'))
    expect(JSON.parse(run.outputs.digests as string)[appTarget()]).toBe(pushed?.digest)
    // What reached the plugin: the build, told to push, with its metadata file.
    expect(fs.readFileSync(buildxLog, 'utf8')).toMatch(/^build --builder ci-builder .* --push --metadata-file \S+metadata\.json \S+$/m)
  })

  it('a builder input where buildx is missing fails each build with what to do', () => {
    const run = action('keys', { mode: 'build', builder: 'ci-builder' }, buildKitEnv(dockerd.env))
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('the builder input names the buildx builder ci-builder, but docker buildx is not installed here')
  })
})

describe('the build heartbeat', () => {
  it('says a silent build still runs, about once per interval, and stops when it ends', async () => {
    const job: BuildJob = {
      kind: 'build',
      image: 'docker.io/library/slow:v1',
      target: parseReference('127.0.0.1:5000/ci/slow:v1'),
      dockerfilePath: 'Dockerfile',
      command: { context: '/work', dockerfile: 'FROM scratch\n', tags: [parseReference('127.0.0.1:5000/ci/slow:v1')], args: {}, builder: { kind: 'buildkit', description: "the daemon's built-in BuildKit" } },
      pullsFrom: [],
      push: false,
      ignoredKeys: []
    }
    const silentBuild: BuildPort = {
      describeBuild: () => [],
      build: async (_request, context) => {
        context.output?.('#1 [1/2] RUN make')
        await new Promise(resolve => setTimeout(resolve, 1100))
        context.output?.('#1 DONE 1.1s')
        return {}
      },
      describePush: () => [],
      push: async () => ({})
    }
    const progress = recordingProgress()
    await executeJobs({ mirror: [], build: [job], verify: [], blocked: [], findings: [] }, { dryRun: false, concurrency: 1, buildConcurrency: 1, heartbeatMs: 200 }, { build: silentBuild }, progress)
    const beats = progress.lines.filter(line => line.includes('still building'))
    expect(beats.length).toBeGreaterThanOrEqual(3)
    expect(beats.length).toBeLessThanOrEqual(6)
    expect(beats[0]).toMatch(/^ {4}127\.0\.0\.1:5000\/ci\/slow:v1 \| … still building \(\d+s, no output for 0s\)$/)
    expect(progress.lines).toContain("Builder: the daemon's built-in BuildKit")
    const count = beats.length
    await new Promise(resolve => setTimeout(resolve, 500))
    expect(progress.lines.filter(line => line.includes('still building'))).toHaveLength(count)
  })
})
