/**
 * The execute stage end to end with the docker engine: jobs derived by
 * planJobs from a whole plan, run by executeJobs on a real private dockerd
 * whose Docker Hub pulls go to a local "upstream" registry, into a real target
 * registry behind htpasswd auth.
 *
 * Tests are independent (issue 8): each has its own base images, its own
 * namespace in the target and its own service Dockerfiles, sets up the state
 * it starts from (mirroring first when it needs mirrored bases), and restarts
 * the upstream when it stopped it.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { DockerEngine } from '../src/engine/docker/engine.js'
import { executeJobs, type PhaseResults } from '../src/execute/execute.js'
import type { BuildSpec, Plan, PlannedImage } from '../src/model.js'
import { planJobs, selectJobs } from '../src/plan/jobs.js'
import { adviseFailure } from '../src/report/advice.js'
import type { Mode } from '../src/settings.js'
import { isLocal, seedBaseImages, startDockerd, type TestDockerd } from './harness/docker.js'
import { deleteManifest, manifestDigest, plannedImage } from './harness/registry-api.js'
import { startRegistry, type TestRegistry } from './harness/registry.js'
import { recordingProgress } from './harness/progress.js'

const CREDENTIALS = { username: 'ci', password: 'hunter2-but-longer' }

const SEEDS = {
  mirror: ['postgres:15-alpine', 'redis:7-alpine', 'quay.io/minio/minio:latest'],
  build: ['golang:1.24-alpine'],
  shard: ['node:20-alpine', 'nginx:stable-alpine-perl'],
  verify: ['mariadb:11', 'memcached:1.6'],
  all: ['rabbitmq:3', 'busybox:1.36'],
  failedBuild: ['alpine:3.20'],
  cancelled: ['debian:bookworm-slim']
}

let upstream: TestRegistry
let target: TestRegistry
let dockerd: TestDockerd
let workDir: string

beforeAll(async () => {
  upstream = await startRegistry()
  target = await startRegistry({ basicAuth: CREDENTIALS })
  dockerd = await startDockerd({ registryMirror: upstream.url })
  await seedBaseImages(dockerd, upstream, Object.values(SEEDS).flat())
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-execute-test-'))
}, 180000)

afterAll(async () => {
  await dockerd?.stop()
  await upstream?.stop()
  await target?.stop()
  if (workDir !== undefined) fs.rmSync(workDir, { recursive: true, force: true })
}, 60000)

/** A repository of its own for one test: Dockerfiles by relative path. */
function repository(name: string, files: Record<string, string>): string {
  const root = path.join(workDir, name)
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true })
    fs.writeFileSync(path.join(root, file), text)
  }
  return root
}

function readWorkspaceFile(absolutePath: string): { realPath: string; text: string } {
  const realPath = fs.realpathSync(absolutePath)
  return { realPath, text: fs.statSync(realPath).isFile() ? fs.readFileSync(realPath, 'utf8') : '' }
}

/** `<target>/<namespace>`: each test passes its own namespace. */
const registry = (namespace: string): string => `${target.host}/${namespace}`
const base = (namespace: string, source: string, repositoryPath: string, tag: string): PlannedImage => plannedImage('base', source, `${registry(namespace)}/${repositoryPath}:${tag}`)
const service = (namespace: string, name: string, build: BuildSpec): PlannedImage => plannedImage('service', `aihpc/${name}:v1`, `${registry(namespace)}/${name}:v1`, build)

/** The whole plan becomes jobs; the mode (and shard) only filter them. Builds use the host network: a need of this test machine. */
async function run(plan: Plan, root: string, mode: Mode, shard?: ReadonlySet<string>, signal?: AbortSignal): Promise<{ results: PhaseResults; lines: string[] }> {
  const jobs = selectJobs(planJobs(plan, { root, workspace: root, useMirroredBases: true, push: true, buildNetwork: 'host', platforms: [], readFile: readWorkspaceFile }), mode, shard)
  const docker = new DockerEngine({
    env: dockerd.env,
    registryMirror: upstream.url,
    credentials: new Map([[target.host, CREDENTIALS]]),
    retry: { attempts: 2, baseDelayMs: 20, maxDelayMs: 50 }
  })
  const progress = recordingProgress()
  try {
    const results = await executeJobs(jobs, { dryRun: false, concurrency: 4, buildConcurrency: 1, ...(signal !== undefined && { signal }) }, { copy: docker, build: docker, lookup: docker }, progress)
    return { results, lines: progress.lines }
  } finally {
    await docker.close()
  }
}

const statuses = (results: PhaseResults, plan: Plan): string[][] => plan.images.map(image => (results.get(image.source) ?? []).map(phase => `${phase.phase}:${phase.status}`))

/** Stops the upstream for `body`, then brings it back on the same port and storage. */
async function withUpstreamStopped<T>(body: () => Promise<T>): Promise<T> {
  await upstream.stop({ keepData: true })
  try {
    return await body()
  } finally {
    upstream = await startRegistry({ dataDir: upstream.dataDir, port: upstream.port })
  }
}

describe('executeJobs with the docker engine', () => {
  test('mode mirror copies every base image to the target, builds nothing, and each image keeps only its own commands', async () => {
    const plan: Plan = {
      images: [
        base('mirror', 'postgres:15-alpine', 'library/postgres', '15-alpine'),
        base('mirror', 'redis:7-alpine', 'library/redis', '7-alpine'),
        base('mirror', 'quay.io/minio/minio:latest', 'minio/minio', 'latest'),
        service('mirror', 'db-init', { context: 'db-init', dockerfile: 'db-init/Dockerfile', args: {} })
      ],
      findings: [],
      files: []
    }
    const root = repository('mirror', { 'db-init/Dockerfile': 'FROM postgres:15-alpine\nRUN echo hi > /x\n' })
    const { results, lines } = await run(plan, root, 'mirror')

    expect(statuses(results, plan)).toEqual([['mirror:mirrored'], ['mirror:mirrored'], ['mirror:mirrored'], []])
    expect(lines[0]).toBe('## Mirror 3 base images')
    expect(lines).toHaveLength(4)
    expect(lines.slice(1)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\[[123]\/3\] mirrored postgres:15-alpine in \d+\.\ds$/),
        expect.stringMatching(/^\[[123]\/3\] mirrored quay\.io\/minio\/minio:latest in \d+\.\ds$/),
        expect.stringMatching(/^\[[123]\/3\] mirrored redis:7-alpine in \d+\.\ds$/)
      ])
    )
    for (const image of plan.images.slice(0, 3)) {
      const [phase] = results.get(image.source)!
      const [repositoryPath, tag] = image.target!.slice(target.host.length + 1).split(':') as [string, string]
      expect(await manifestDigest(target, repositoryPath, tag)).toBe(phase!.digest)
      // Its own pull (if any), tag and push, and nothing about the images copied at the same time.
      const own = new RegExp(`(${image.ref.repository.replace(/^library\//, '')}|${repositoryPath})`)
      const commandsNamingImages = (phase!.commands ?? []).filter(command => /^docker (pull|tag|push|manifest inspect|image inspect)/.test(command))
      expect(commandsNamingImages.length).toBeGreaterThan(0)
      for (const command of commandsNamingImages) expect(command).toMatch(own)
    }
    expect(results.get('docker.io/library/postgres:15-alpine')![0]!.commands!.filter(command => command.startsWith('docker pull'))).toEqual(['docker pull postgres:15-alpine'])
    expect(results.get('quay.io/minio/minio:latest')![0]!.commands!.filter(command => command.startsWith('docker pull'))).toEqual([])
  })

  test('mode build builds from the mirrored base in the target registry, with the upstream gone, and pushes', async () => {
    const plan: Plan = {
      images: [base('build', 'golang:1.24-alpine', 'library/golang', '1.24-alpine'), service('build', 'api', { context: 'api', dockerfile: 'api/Dockerfile', args: { GREETING: 'hi' } })],
      findings: [],
      files: []
    }
    const dockerfile = 'FROM golang:1.24-alpine\nARG GREETING\nRUN echo "$GREETING" > /x\n'
    const root = repository('build', { 'api/Dockerfile': dockerfile })
    // Set-up: the base is mirrored, then removed locally, so the build has nothing local to fall back on.
    expect(statuses((await run(plan, root, 'mirror')).results, plan)).toEqual([['mirror:mirrored'], []])
    const mirroredBase = `${registry('build')}/library/golang:1.24-alpine`
    await dockerd.docker(['rmi', 'golang:1.24-alpine', mirroredBase])

    const { results, lines } = await withUpstreamStopped(() => run(plan, root, 'build'))

    expect(statuses(results, plan)).toEqual([[], ['build:built', 'push:pushed']])
    // docker's build output is streamed, indented, before the build's own progress line.
    expect(lines).toContain(`    ${registry('build')}/api:v1 | Successfully tagged ${registry('build')}/api:v1`)
    expect(lines.indexOf(`    ${registry('build')}/api:v1 | Successfully tagged ${registry('build')}/api:v1`)).toBeLessThan(lines.findIndex(line => line.startsWith('[1/2] built')))
    expect(lines.filter(line => !line.startsWith('    '))).toEqual([
      '## Build 1 service image and push it',
      expect.stringMatching(new RegExp(`^\\[1/2\\] built ${registry('build').replace(/\./g, '\\.')}/api:v1 in \\d+\\.\\ds$`)),
      expect.stringMatching(/^\[2\/2\] pushed \S+\/build\/api:v1 in \d+\.\ds$/)
    ])
    const [built, pushed] = results.get('docker.io/aihpc/api:v1')!
    expect(built!.commands!.filter(command => /^docker (login|build) /.test(command))).toEqual([
      `docker login --username ci --password-stdin ${target.host}`,
      `docker build -f - -t ${registry('build')}/api:v1 --network host --build-arg GREETING ${path.join(root, 'api')} < Dockerfile`
    ])
    expect(await manifestDigest(target, 'build/api', 'v1')).toBe(pushed!.digest)
    // The base came from the target registry, and the build arg reached the RUN step through the environment.
    expect(await isLocal(dockerd, mirroredBase)).toBe(true)
    expect(await isLocal(dockerd, 'golang:1.24-alpine')).toBe(false)
    expect(await dockerd.docker(['run', '--rm', '--network=host', `${registry('build')}/api:v1`, 'cat', '/x'])).toBe('hi\n')
    // The Dockerfile on disk is untouched.
    expect(fs.readFileSync(path.join(root, 'api', 'Dockerfile'), 'utf8')).toBe(dockerfile)
  })

  test('a shard holding only the service builds against both bases’ mirrored targets, which other shards copied, with the upstream gone', async () => {
    const plan: Plan = {
      images: [
        base('shard', 'node:20-alpine', 'library/node', '20-alpine'),
        base('shard', 'nginx:stable-alpine-perl', 'library/nginx', 'stable-alpine-perl'),
        service('shard', 'web', { context: 'web', dockerfile: 'web/Dockerfile', args: {} })
      ],
      findings: [],
      files: []
    }
    const root = repository('shard', {
      'web/Dockerfile': 'FROM node:20-alpine AS assets\nRUN cat /image-name.txt > /assets.txt\nFROM nginx:stable-alpine-perl\nCOPY --from=assets /assets.txt /assets.txt\n'
    })
    const serviceImage = 'docker.io/aihpc/web:v1'
    // Set-up: "the other shards" mirror both bases; nothing of them stays local.
    const others = new Set(plan.images.filter(image => image.kind === 'base').map(image => image.source))
    expect(statuses((await run(plan, root, 'all', others)).results, plan)).toEqual([
      ['mirror:mirrored', 'verify:verified'],
      ['mirror:mirrored', 'verify:verified'],
      []
    ])
    await dockerd.docker(['rmi', 'node:20-alpine', 'nginx:stable-alpine-perl', `${registry('shard')}/library/node:20-alpine`, `${registry('shard')}/library/nginx:stable-alpine-perl`])

    const { results } = await withUpstreamStopped(() => run(plan, root, 'all', new Set([serviceImage])))

    expect(statuses(results, plan)).toEqual([[], [], ['build:built', 'push:pushed', 'verify:verified']])
    expect(await isLocal(dockerd, `${registry('shard')}/library/node:20-alpine`)).toBe(true)
    expect(await isLocal(dockerd, `${registry('shard')}/library/nginx:stable-alpine-perl`)).toBe(true)
    expect(await isLocal(dockerd, 'node:20-alpine')).toBe(false)
    // The first stage really was the mirrored node image: its marker file names it.
    expect(await dockerd.docker(['run', '--rm', '--network=host', `${registry('shard')}/web:v1`, 'cat', '/assets.txt'])).toBe('node:20-alpine\n')
  })

  test('mode verify finds every target; after one is deleted from the target, exactly that one is missing, with the push that fixes it', async () => {
    const plan: Plan = {
      images: [base('verify', 'mariadb:11', 'library/mariadb', '11'), base('verify', 'memcached:1.6', 'library/memcached', '1.6')],
      findings: [],
      files: []
    }
    const root = repository('verify', {})
    expect(statuses((await run(plan, root, 'mirror')).results, plan)).toEqual([['mirror:mirrored'], ['mirror:mirrored']])

    const before = await run(plan, root, 'verify')
    expect(statuses(before.results, plan)).toEqual([['verify:verified'], ['verify:verified']])
    expect(before.lines[0]).toBe('## Verify 2 images')

    await deleteManifest(target, 'verify/library/memcached', (await manifestDigest(target, 'verify/library/memcached', '1.6'))!)
    const after = await run(plan, root, 'verify')

    expect(statuses(after.results, plan)).toEqual([['verify:verified'], ['verify:missing']])
    const [missing] = after.results.get('docker.io/library/memcached:1.6')!
    const wanted = `${registry('verify')}/library/memcached:1.6`
    expect(missing).toMatchObject({ status: 'missing', error: `not in ${target.host}`, failure: { kind: 'not-found', side: 'target', phase: 'verify' } })
    // memcached is still in the local daemon from the mirror run, so the fix is a push.
    const suggestion = adviseFailure(missing!.failure!, { imageKind: 'base', source: plan.images[1]!.ref, target: plan.images[1]!.targetRef!, engine: 'docker', attempts: 2, verifyFrom: 'registry' })
    expect(suggestion).toBe(`It is in the local daemon but not pushed: docker push ${wanted}`)
    expect(after.lines.filter(line => / missing /.test(line))).toEqual([expect.stringMatching(new RegExp(`^\\[\\d/2\\] missing ${wanted.replace(/\./g, '\\.')} in \\d+\\.\\ds: `))])
  })

  test('mode all re-pushes a missing image, keeps what is present, builds, pushes and verifies everything', async () => {
    const plan: Plan = {
      images: [
        base('all', 'rabbitmq:3', 'library/rabbitmq', '3'),
        base('all', 'busybox:1.36', 'library/busybox', '1.36'),
        service('all', 'worker', { context: 'worker', dockerfile: 'worker/Dockerfile', args: {} })
      ],
      findings: [],
      files: []
    }
    const root = repository('all', { 'worker/Dockerfile': 'FROM rabbitmq:3\nRUN echo worker > /x\n' })
    expect(statuses((await run(plan, root, 'mirror')).results, plan)).toEqual([['mirror:mirrored'], ['mirror:mirrored'], []])
    await deleteManifest(target, 'all/library/busybox', (await manifestDigest(target, 'all/library/busybox', '1.36'))!)

    const { results } = await run(plan, root, 'all')

    expect(statuses(results, plan)).toEqual([
      ['mirror:already-present', 'verify:verified'],
      ['mirror:mirrored', 'verify:verified'],
      ['build:built', 'push:pushed', 'verify:verified']
    ])
  })

  test('a failed build is not pushed and not verified, fails as build-failed on this machine with docker’s output, and the other images carry on', async () => {
    const plan: Plan = {
      images: [base('failed-build', 'alpine:3.20', 'library/alpine', '3.20'), service('failed-build', 'broken', { context: 'broken', dockerfile: 'broken/Dockerfile', args: {} })],
      findings: [],
      files: []
    }
    const root = repository('failed-build', { 'broken/Dockerfile': 'FROM alpine:3.20\nRUN exit 3\n' })
    const { results } = await run(plan, root, 'all')

    expect(statuses(results, plan)).toEqual([
      ['mirror:mirrored', 'verify:verified'],
      ['build:failed', 'push:skipped', 'verify:skipped']
    ])
    const [build, push, verify] = results.get('docker.io/aihpc/broken:v1')!
    expect(build!.failure).toMatchObject({ kind: 'build-failed', side: 'local', phase: 'build' })
    expect(build!.log).toMatch(/returned a non-zero code: 3/)
    // The reason is docker's error, not the legacy builder's deprecation notice.
    expect(build!.error).toMatch(/^build \S+\/failed-build\/broken:v1 failed: .*returned a non-zero code: 3$/)
    expect(push!.error).toBe('not pushed: the build failed')
    expect(verify!.error).toBe('not verified: the build failed')
    expect(await manifestDigest(target, 'failed-build/broken', 'v1')).toBeUndefined()
  })

  test('cancelling the run stops a running build at once and reports it cancelled', async () => {
    const plan: Plan = {
      images: [service('cancelled', 'slow', { context: 'slow', dockerfile: 'slow/Dockerfile', args: {} })],
      findings: [],
      files: []
    }
    const root = repository('cancelled', { 'slow/Dockerfile': 'FROM debian:bookworm-slim\nRUN sleep 60\n' })
    const whole: Plan = { ...plan, images: [base('cancelled', 'debian:bookworm-slim', 'library/debian', 'bookworm-slim'), ...plan.images] }
    expect(statuses((await run(whole, root, 'mirror')).results, whole)).toEqual([['mirror:mirrored'], []])
    const controller = new AbortController()
    // Long enough for the build to be in its RUN step, far shorter than the step.
    const timer = setTimeout(() => controller.abort(new Error('the job timed out')), 4000)
    const started = Date.now()
    let results: PhaseResults
    let lines: string[]
    try {
      ;({ results, lines } = await run(whole, root, 'build', undefined, controller.signal))
    } finally {
      clearTimeout(timer)
    }

    const [build, push] = results.get('docker.io/aihpc/slow:v1')!
    expect(build).toMatchObject({ status: 'failed', failure: { kind: 'cancelled', side: 'local', phase: 'build' } })
    expect(build!.error).toMatch(/^build \S+\/cancelled\/slow:v1 failed: cancelled/)
    expect(push).toMatchObject({ status: 'skipped' })
    expect(lines.some(line => line.endsWith('/cancelled/slow:v1 | Step 2/2 : RUN sleep 60'))).toBe(true)
    expect(Date.now() - started).toBeLessThan(30000)
  })
})
