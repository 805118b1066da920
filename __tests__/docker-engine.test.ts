/**
 * The docker engine behind the copy port, against a real private dockerd, a
 * real "upstream" registry that answers Docker Hub names through
 * --registry-mirror, and a real target registry behind htpasswd auth, all on
 * 127.0.0.1.
 *
 * Tests are independent (issue 8): each uses its own base images (seeded
 * once, upstream or local) and its own namespace in the target, sets up the
 * state it starts from itself, and restores whatever shared process it stops.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { DockerEngine, type DockerEngineOptions } from '../src/engine/docker/engine.js'
import { EngineFailure, type CopyPort, type OperationContext } from '../src/engine/port.js'
import { executeJobs } from '../src/execute/execute.js'
import type { MirrorJob, JobSet, VerifyJob } from '../src/plan/jobs.js'
import { adviseFailure, type AdviceContext } from '../src/report/advice.js'
import { formatReference, parseReference, type ImageReference } from '../src/reference.js'
import { daemonPlatform, isLocal, RecordingDockerCli, seedBaseImages, startDockerd, type SeededImage, type TestDockerd } from './harness/docker.js'
import { catalog, manifestDigest } from './harness/registry-api.js'
import { startRegistry, type TestRegistry } from './harness/registry.js'
import { recordingContext, recordingProgress } from './harness/progress.js'

const CREDENTIALS = { username: 'mirror-bot', password: 's3cret-Pa55' }
const FAST_RETRY = { attempts: 3, baseDelayMs: 20, maxDelayMs: 100 }

/** One or more base images per test, so no test depends on what another pulled, pushed or removed. */
const SEEDS = {
  mirror: 'postgres:15-alpine',
  secondRun: 'redis:7-alpine',
  nothingLocal: 'mariadb:11',
  neverMissing: 'memcached:1.6',
  verifyRegistry: 'nginx:stable-alpine-perl',
  verifyLocal: 'quay.io/minio/minio:latest',
  wrongPassword: 'osixia/openldap:stable',
  absentUpstreamA: 'bitnami/kafka:3',
  absentUpstreamB: 'grafana/grafana:10',
  neverUpstreamStopped: 'quay.io/prometheus/prometheus:v2',
  targetDownA: 'quay.io/coreos/etcd:v3',
  targetDownB: 'gcr.io/distroless/static:nonroot',
  stale: 'traefik:v3',
  staleImpostor: 'caddy:2'
} as const

let upstream: TestRegistry
let target: TestRegistry
let dockerd: TestDockerd
let seeded: SeededImage[]

beforeAll(async () => {
  upstream = await startRegistry()
  target = await startRegistry({ basicAuth: CREDENTIALS })
  dockerd = await startDockerd({ registryMirror: upstream.url })
  seeded = await seedBaseImages(dockerd, upstream, Object.values(SEEDS))
}, 180000)

afterAll(async () => {
  await dockerd?.stop()
  await upstream?.stop()
  await target?.stop()
}, 60000)

function engine(options: DockerEngineOptions = {}): { engine: DockerEngine; cli: RecordingDockerCli } {
  const cli = new RecordingDockerCli({ env: dockerd.env })
  return {
    cli,
    engine: new DockerEngine({ cli, registryMirror: upstream.url, credentials: new Map([[target.host, CREDENTIALS]]), retry: FAST_RETRY, ...options })
  }
}

/** `<target>/<namespace>/<repository>:<tag>`: each test passes its own namespace. */
function targetRef(namespace: string, repository: string, tag: string, registry: TestRegistry = target): ImageReference {
  return parseReference(`${registry.host}/${namespace}/${repository}:${tag}`)
}

/** Prepare, then copy: what the execute stage does for one image. */
async function copy(port: CopyPort, source: string, destination: ImageReference, context: OperationContext = recordingContext()) {
  const prepared = await port.prepareCopy(parseReference(source), destination, context)
  return { prepared, outcome: await port.copy(prepared, context) }
}

function mirrorJob(source: string, destination: ImageReference): MirrorJob {
  const ref = parseReference(source)
  return { kind: 'mirror', image: formatReference(ref), source: ref, target: destination }
}

function jobSet(parts: Partial<JobSet>): JobSet {
  return { mirror: [], build: [], verify: [], blocked: [], findings: [], ...parts }
}

function advice(kind: AdviceContext['imageKind'], source: string, destination: ImageReference): AdviceContext {
  return { imageKind: kind, source: parseReference(source), target: destination, engine: 'docker', attempts: FAST_RETRY.attempts, verifyFrom: 'registry' }
}

async function failureOf(promise: Promise<unknown>): Promise<EngineFailure> {
  const caught = await promise.then(
    () => undefined,
    (error: unknown) => error
  )
  expect(caught).toBeInstanceOf(EngineFailure)
  return caught as EngineFailure
}

const pulls = (commands: string[]): string[] => commands.filter(command => command.startsWith('docker pull '))
const pushes = (commands: string[]): string[] => commands.filter(command => command.startsWith('docker push '))
const tags = (commands: string[]): string[] => commands.filter(command => command.startsWith('docker tag '))
const logins = (commands: string[]): string[] => commands.filter(command => command.startsWith('docker login '))
const logouts = (commands: string[]): string[] => commands.filter(command => command.startsWith('docker logout '))
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

describe('DockerEngine copies through the port on a real dockerd and real registries', () => {
  test('mirrors a Docker Hub image through the registry mirror to an authenticated target, its login kept in the DOCKER_CONFIG it was given (never logged out)', async () => {
    const destination = targetRef('copy', 'library/postgres', '15-alpine')
    const { engine: docker, cli } = engine()
    const context = recordingContext()
    let result
    try {
      result = await copy(docker, SEEDS.mirror, destination, context)
    } finally {
      await docker.close()
    }

    // Check before write: the prepared steps are exactly what then ran.
    expect(result.prepared.steps).toEqual([
      'docker pull postgres:15-alpine',
      `docker tag postgres:15-alpine ${formatReference(destination)}`,
      `docker login --username mirror-bot --password-stdin ${target.host}`,
      `docker push ${formatReference(destination)}`
    ])
    expect(result.outcome.status).toBe('mirrored')
    expect(result.outcome.digest).toMatch(/^sha256:[a-f0-9]{64}$/)
    expect(await manifestDigest(target, 'copy/library/postgres', '15-alpine')).toBe(result.outcome.digest)
    expect(pulls(cli.ran)).toEqual(['docker pull postgres:15-alpine'])
    expect(pushes(cli.ran)).toEqual([`docker push ${formatReference(destination)}`])
    // One login for the whole copy, the password never shown, and no logout: the caller's private DOCKER_CONFIG is removed instead.
    expect(logins(cli.ran)).toEqual([`docker login --username mirror-bot --password-stdin ${target.host}`])
    expect([...cli.ran, ...context.lines].join('\n')).not.toContain(CREDENTIALS.password)
    expect(logouts(cli.ran)).toEqual([])
    const config = fs.readFileSync(path.join(String(dockerd.env.DOCKER_CONFIG), 'config.json'), 'utf8')
    expect(config).toContain(target.host)
  })

  test('a second copy of the same image is already present: no pull, no tag, no push', async () => {
    const destination = targetRef('second', 'library/redis', '7-alpine')
    const first = engine()
    try {
      expect((await copy(first.engine, SEEDS.secondRun, destination)).outcome.status).toBe('mirrored')
    } finally {
      await first.engine.close()
    }

    const { engine: docker, cli } = engine()
    let result
    try {
      result = await copy(docker, SEEDS.secondRun, destination)
    } finally {
      await docker.close()
    }

    expect(result.prepared.done).toBeDefined()
    expect(result.prepared.steps).toEqual([])
    expect(result.outcome.status).toBe('already-present')
    expect(result.outcome.digest).toBe(await manifestDigest(target, 'second/library/redis', '7-alpine'))
    expect([...pulls(cli.ran), ...tags(cli.ran), ...pushes(cli.ran)]).toEqual([])
  })

  test('with nothing local, an unchanged image is recognised by comparing manifests on both sides, without a pull', async () => {
    const destination = targetRef('nothing-local', 'library/mariadb', '11')
    const first = engine()
    try {
      expect((await copy(first.engine, SEEDS.nothingLocal, destination)).outcome.status).toBe('mirrored')
    } finally {
      await first.engine.close()
    }
    await dockerd.docker(['rmi', SEEDS.nothingLocal, formatReference(destination)])

    const { engine: docker, cli } = engine()
    const context = recordingContext()
    let result
    try {
      result = await copy(docker, SEEDS.nothingLocal, destination, context)
    } finally {
      await docker.close()
    }

    expect(result.outcome.status).toBe('already-present')
    expect([...pulls(cli.ran), ...tags(cli.ran), ...pushes(cli.ran)]).toEqual([])
    // Both sides were compared by HEAD requests (no pull quota): the target, then the source through the mirror; no GET, no docker manifest inspect.
    expect(cli.ran.filter(command => command.startsWith('docker manifest inspect'))).toEqual([])
    expect(context.lines.filter(line => /^(HEAD|GET) /.test(line))).toEqual([
      `HEAD ${target.host}/v2/nothing-local/library/mariadb/manifests/11`,
      `HEAD ${upstream.host}/v2/library/mariadb/manifests/11`
    ])
    expect(await isLocal(dockerd, SEEDS.nothingLocal)).toBe(false)
  })

  test("pull: never fails 'not-local' for an image the daemon does not have, says how to load it, and touches no network", async () => {
    const destination = targetRef('never-missing', 'library/memcached', '1.6')
    const { engine: docker, cli } = engine({ pull: 'never' })
    let failure: EngineFailure
    try {
      failure = await failureOf(docker.prepareCopy(parseReference(SEEDS.neverMissing), destination, recordingContext()))
    } finally {
      await docker.close()
    }

    expect(failure).toMatchObject({ kind: 'not-local', side: 'local', message: "memcached:1.6 is not in the local docker daemon and pull is 'never'" })
    expect(cli.ran).toEqual(["docker image inspect --format '{{.Id}} {{json .RepoDigests}}' memcached:1.6"])
    expect(adviseFailure({ kind: failure.kind, side: failure.side, phase: 'mirror', message: failure.message }, advice('base', SEEDS.neverMissing, destination))).toBe(
      'Load it first (docker pull memcached:1.6, or docker load -i <archive>), or run with pull: missing'
    )
  })

  test('verify from the registry: a present target is verified with its digest and platform, an absent one is missing with advice to mirror it, and nothing is pulled', async () => {
    const present = targetRef('verify-registry', 'library/nginx', 'stable-alpine-perl')
    const absent = targetRef('verify-registry', 'library/nginx', 'never-mirrored')
    const first = engine()
    try {
      await copy(first.engine, SEEDS.verifyRegistry, present)
    } finally {
      await first.engine.close()
    }

    const { engine: docker, cli } = engine()
    const verifyJob = (destination: ImageReference, source: string): VerifyJob => ({ kind: 'verify', image: formatReference(parseReference(source)), target: destination, source: parseReference(source), imageKind: 'base' })
    let results
    try {
      results = await executeJobs(
        jobSet({ verify: [verifyJob(present, SEEDS.verifyRegistry), verifyJob(absent, 'nginx:never-mirrored')] }),
        { dryRun: false, concurrency: 2, buildConcurrency: 1 },
        { lookup: docker },
        recordingProgress()
      )
    } finally {
      await docker.close()
    }

    expect(results.get('docker.io/library/nginx:stable-alpine-perl')).toEqual([
      expect.objectContaining({
        phase: 'verify',
        status: 'verified',
        digest: await manifestDigest(target, 'verify-registry/library/nginx', 'stable-alpine-perl'),
        platforms: [await daemonPlatform(dockerd)]
      })
    ])
    const [missing] = results.get('docker.io/library/nginx:never-mirrored') ?? []
    expect(missing).toMatchObject({ phase: 'verify', status: 'missing', failure: { kind: 'not-found', side: 'target', phase: 'verify', host: target.host } })
    expect(missing!.failure!.hint).toBeUndefined()
    expect(adviseFailure(missing!.failure!, advice('base', 'nginx:never-mirrored', absent))).toBe('Mirror it: run mode: mirror (copies nginx:never-mirrored)')
    expect(pulls(cli.ran)).toEqual([])
  })

  test('verify from the local daemon reports a wrongly structured tag as missing, with the exact docker tag that fixes it, and never reaches a registry', async () => {
    const wrong = `${target.host}/verify-local/minio:latest`
    const wanted = parseReference(`${target.host}/verify-local/minio/minio:latest`)
    await dockerd.docker(['tag', SEEDS.verifyLocal, wrong])
    const { engine: docker, cli } = engine()
    const local = docker.localLookup()
    try {
      const before = await local.lookup(wanted, recordingContext())
      expect(before).toEqual({ status: 'missing', hint: `A tag with another structure is local: docker tag ${wrong} ${formatReference(wanted)}` })

      // Run the suggested command as written, then look again.
      const command = /docker (tag \S+ \S+)$/.exec(before.hint ?? '')?.[1]
      await dockerd.docker(command!.split(' '))
      const after = await local.lookup(wanted, recordingContext())

      const minio = seeded.find(image => image.name === SEEDS.verifyLocal)!
      expect(after).toEqual({ status: 'verified', digest: minio.id })
      expect(local.describeLookup(wanted)).toEqual([`docker image inspect ${formatReference(wanted)}`])
      expect(cli.ran.length).toBeGreaterThan(0)
      expect(cli.ran.every(line => /^docker (image inspect|images) /.test(line))).toBe(true)
    } finally {
      await docker.close()
      await dockerd.docker(['rmi', wrong, formatReference(wanted)]).catch(() => undefined)
    }
  })

  test("a wrong target password fails every image 'unauthorized' on the target side at its first request, with no retries and no docker login", async () => {
    const retries: string[] = []
    const { engine: docker, cli } = engine({ credentials: new Map([[target.host, { username: CREDENTIALS.username, password: 'wrong' }]]), onRetry: message => retries.push(message) })
    const jobs = [mirrorJob(SEEDS.wrongPassword, targetRef('wrong-password', 'osixia/openldap', 'stable')), mirrorJob(SEEDS.secondRun, targetRef('wrong-password', 'library/redis', '7-alpine'))]
    let results
    try {
      results = await executeJobs(jobSet({ mirror: jobs }), { dryRun: false, concurrency: 2, buildConcurrency: 1 }, { copy: docker }, recordingProgress())
    } finally {
      await docker.close()
    }

    for (const job of jobs) {
      const [phase] = results.get(job.image) ?? []
      expect(phase).toMatchObject({ phase: 'mirror', status: 'failed', failure: { kind: 'unauthorized', side: 'target', phase: 'mirror', host: target.host } })
      expect(phase!.error).toMatch(new RegExp(`^HEAD ${escape(target.host)}/v2/wrong-password/.*: HTTP 401`))
      expect(adviseFailure(phase!.failure!, advice('base', formatReference(job.source), job.target))).toBe(
        `Check the credentials for ${target.host}: the username and password inputs, or docker/login-action before this step`
      )
    }
    expect(logins(cli.ran)).toHaveLength(0)
    expect(retries).toEqual([])
    expect([...pulls(cli.ran), ...pushes(cli.ran)]).toEqual([])
    // It never logged in, so it logs nothing out.
    expect(logouts(cli.ran)).toEqual([])
    expect(await catalog(target)).not.toContain('wrong-password/osixia/openldap')
  })

  test("an image absent upstream fails alone, 'not-found' on the source side, while the other images are mirrored", async () => {
    const jobs = [
      mirrorJob(SEEDS.absentUpstreamA, targetRef('absent', 'bitnami/kafka', '3')),
      mirrorJob('postgres:0-does-not-exist', targetRef('absent', 'library/postgres', '0-does-not-exist')),
      mirrorJob(SEEDS.absentUpstreamB, targetRef('absent', 'grafana/grafana', '10'))
    ]
    const { engine: docker } = engine()
    const progress = recordingProgress()
    let results
    try {
      results = await executeJobs(jobSet({ mirror: jobs }), { dryRun: false, concurrency: 2, buildConcurrency: 1 }, { copy: docker }, progress)
    } finally {
      await docker.close()
    }

    expect(jobs.map(job => results.get(job.image)?.map(phase => phase.status))).toEqual([['mirrored'], ['failed'], ['mirrored']])
    const [failed] = results.get('docker.io/library/postgres:0-does-not-exist')!
    expect(failed!.failure).toMatchObject({ kind: 'not-found', side: 'source', phase: 'mirror', host: upstream.host })
    expect(failed!.error).toMatch(new RegExp(`^postgres:0-does-not-exist is not in the registry mirror ${escape(upstream.host)}, and docker's fallback failed: `))
    expect(failed!.log).toContain('Error response from daemon')
    expect(failed!.commands).toContain('docker pull postgres:0-does-not-exist')
    expect(adviseFailure(failed!.failure!, advice('base', 'postgres:0-does-not-exist', jobs[1]!.target))).toMatch(
      /^postgres:0-does-not-exist does not exist where it was looked for: check its name and tag/
    )
    expect(await manifestDigest(target, 'absent/bitnami/kafka', '3')).toBe(results.get(jobs[0]!.image)![0]!.digest)
    expect(await manifestDigest(target, 'absent/library/postgres', '0-does-not-exist')).toBeUndefined()
    expect(progress.lines[0]).toBe('## Mirror 3 base images')
    expect(progress.lines.filter(line => /^\[\d\/3\] mirrored (bitnami\/kafka:3|grafana\/grafana:10) in \d+\.\ds$/.test(line))).toHaveLength(2)
    expect(progress.lines.some(line => /^\[\d\/3\] failed to mirror postgres:0-does-not-exist in \d+\.\ds: postgres:0-does-not-exist is not in the registry mirror /.test(line))).toBe(true)
  })

  test('pull: never retags and pushes a local image with the upstream registry stopped', async () => {
    const destination = targetRef('never-offline', 'prometheus/prometheus', 'v2')
    await upstream.stop({ keepData: true })
    const { engine: docker, cli } = engine({ pull: 'never' })
    let result
    try {
      result = await copy(docker, SEEDS.neverUpstreamStopped, destination)
    } finally {
      await docker.close()
      upstream = await startRegistry({ dataDir: upstream.dataDir, port: upstream.port })
    }

    expect(result.prepared.steps).toEqual([
      `docker tag ${SEEDS.neverUpstreamStopped} ${formatReference(destination)}`,
      `docker login --username mirror-bot --password-stdin ${target.host}`,
      `docker push ${formatReference(destination)}`
    ])
    expect(result.outcome.status).toBe('mirrored')
    expect(await manifestDigest(target, 'never-offline/prometheus/prometheus', 'v2')).toBe(result.outcome.digest)
    expect(pulls(cli.ran)).toEqual([])
  })

  test("a target registry that goes down mid-run is retried a bounded number of times, then reported 'unreachable' on the target side", async () => {
    // Its own target, so stopping it takes nothing from the other tests.
    const flaky = await startRegistry()
    const retries: string[] = []
    const { engine: real } = engine({ pull: 'never', credentials: new Map(), onRetry: message => retries.push(message) })
    let calls = 0
    let firstCopied!: () => void
    const firstCopy = new Promise<void>(resolve => (firstCopied = resolve))
    // Stops the target once the first image is copied, before the second is prepared (prepares run
    // ahead of copies, so it waits for the first copy), so the run loses it half-way.
    const stopping: CopyPort = {
      name: 'docker',
      prepareCopy: async (source, destination, context) => {
        calls += 1
        if (calls === 2) {
          await firstCopy
          await flaky.stop()
        }
        return real.prepareCopy(source, destination, context)
      },
      copy: async (prepared, context) => {
        try {
          return await real.copy(prepared, context)
        } finally {
          firstCopied()
        }
      },
      describeLookup: destination => real.describeLookup(destination),
      lookup: (destination, context) => real.lookup(destination, context),
      close: () => real.close()
    }
    const jobs = [mirrorJob(SEEDS.targetDownA, targetRef('down', 'coreos/etcd', 'v3', flaky)), mirrorJob(SEEDS.targetDownB, targetRef('down', 'distroless/static', 'nonroot', flaky))]
    const started = Date.now()
    let results
    try {
      results = await executeJobs(jobSet({ mirror: jobs }), { dryRun: false, concurrency: 1, buildConcurrency: 1 }, { copy: stopping }, recordingProgress())
    } finally {
      await stopping.close()
      await flaky.stop()
    }

    expect(jobs.map(job => results.get(job.image)?.map(phase => phase.status))).toEqual([['mirrored'], ['failed']])
    const [failed] = results.get(jobs[1]!.image)!
    expect(failed!.failure).toMatchObject({ kind: 'unreachable', side: 'target', phase: 'mirror', host: flaky.host })
    expect(failed!.error).toMatch(/connection refused|ECONNREFUSED/)
    expect(adviseFailure(failed!.failure!, advice('base', SEEDS.targetDownB, jobs[1]!.target))).toMatch(new RegExp(`^${escape(flaky.host)} did not answer after 3 attempts: `))
    // The target's HEAD is retried by the registry client (attempts from the same policy; its retries are
    // counted in the registry engine's fault tests), so no docker command was retried here, and the run ends in bounded time.
    expect(retries).toEqual([])
    expect(Date.now() - started).toBeLessThan(60000)
  })
})

describe('a local image that differs from its source registry (issue 9)', () => {
  test('is never pushed over a target that already matches the source registry: the copy fails as stale-local and the target keeps its digest', async () => {
    const { engine: mirror } = engine()
    const destination = targetRef('stale', 'traefik', 'v3')
    // The target holds exactly what the source registry serves.
    await copy(mirror, SEEDS.stale, destination)
    const before = await manifestDigest(target, 'stale/traefik', 'v3')
    // The daemon's traefik:v3 is now some other image (a local rebuild, a tampered load).
    await dockerd.docker(['pull', SEEDS.staleImpostor])
    await dockerd.docker(['tag', SEEDS.staleImpostor, SEEDS.stale])
    try {
      const failure = await failureOf(copy(mirror, SEEDS.stale, destination))
      expect([failure.kind, failure.side]).toEqual(['stale-local', 'local'])
      expect(failure.message).toMatch(/differs from traefik:v3 in its registry/)
      expect(await manifestDigest(target, 'stale/traefik', 'v3')).toBe(before)
    } finally {
      await mirror.close()
      await dockerd.docker(['rmi', SEEDS.stale, SEEDS.staleImpostor]).catch(() => undefined)
    }
  })
})
