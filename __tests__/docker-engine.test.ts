/**
 * The docker engine against a real private dockerd, a real "upstream" registry
 * that answers Docker Hub names through --registry-mirror, and a real target
 * registry behind htpasswd auth, all on 127.0.0.1. Tests run in order and
 * share the daemon: each says what state it starts from.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { DockerEngine, type DockerEngineOptions } from '../src/engine/docker/engine.js'
import type { MirrorEngine } from '../src/engine/engine.js'
import { executePlan } from '../src/execute/execute.js'
import type { PhaseResult, Plan } from '../src/model.js'
import { parseReference } from '../src/reference.js'
import { seedBaseImages, startDockerd, type SeededImage, type TestDockerd } from './harness/docker.js'
import { catalog, manifestDigest, plannedImage } from './harness/registry-api.js'
import { startRegistry, type TestRegistry } from './harness/registry.js'
import { recordingProgress } from './harness/progress.js'

const CREDENTIALS = { username: 'mirror-bot', password: 's3cret-Pa55' }
const FAST_RETRY = { attempts: 3, baseDelayMs: 20, maxDelayMs: 100 }

let upstream: TestRegistry
let target: TestRegistry
let dockerd: TestDockerd
let seeded: SeededImage[]
let workDir: string

beforeAll(async () => {
  upstream = await startRegistry()
  target = await startRegistry({ basicAuth: CREDENTIALS })
  dockerd = await startDockerd({ registryMirror: upstream.url })
  seeded = await seedBaseImages(dockerd, upstream, ['postgres:15-alpine', 'redis:7-alpine', 'osixia/openldap:stable', 'quay.io/minio/minio:latest'])
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-engine-test-'))
}, 90000)

afterAll(async () => {
  await dockerd?.stop()
  await upstream?.stop()
  await target?.stop()
  if (workDir !== undefined) fs.rmSync(workDir, { recursive: true, force: true })
}, 60000)

function engine(options: DockerEngineOptions = {}): DockerEngine {
  return new DockerEngine({
    env: dockerd.env,
    registryMirror: upstream.url,
    targetCredentials: CREDENTIALS,
    targetRegistry: target.host,
    retry: FAST_RETRY,
    ...options
  })
}

function targetOf(repository: string, tag: string): string {
  return `${target.host}/aihpc/${repository}:${tag}`
}


async function isLocal(name: string): Promise<boolean> {
  try {
    await dockerd.docker(['image', 'inspect', name])
    return true
  } catch {
    return false
  }
}

const pulls = (commands: string[]): string[] => commands.filter(command => command.startsWith('docker pull '))
const pushes = (commands: string[]): string[] => commands.filter(command => command.startsWith('docker push '))
const logins = (commands: string[]): string[] => commands.filter(command => command.startsWith('docker login '))

describe('DockerEngine on a real dockerd and real registries', () => {
  test('a dry run lists the pull, tag, push, build and lookup commands and runs none of them', async () => {
    const root = path.join(workDir, 'dry-run')
    fs.mkdirSync(path.join(root, 'api'), { recursive: true })
    fs.writeFileSync(path.join(root, 'api', 'Dockerfile'), 'FROM postgres:15-alpine\nRUN echo hi > /x\n')
    const plan: Plan = {
      images: [
        plannedImage('base', 'postgres:15-alpine', targetOf('library/postgres', '15-alpine')),
        plannedImage('service', 'aihpc/api:v1', targetOf('api', 'v1'), { context: 'api', dockerfile: 'api/Dockerfile', args: { MODE: 'prod' } })
      ],
      findings: [],
      files: []
    }
    const dryRun = engine({ dryRun: true, root, baseTargets: new Map([[plan.images[0]!.source, plan.images[0]!.target!]]) })
    const progress = recordingProgress()
    const results = await executePlan(plan, { mode: 'all', concurrency: 2, buildConcurrency: 1 }, { mirror: dryRun, build: dryRun }, progress)
    await dryRun.close()

    expect(results.map(result => result.phases.map(phase => `${phase.phase}:${phase.status}`))).toEqual([
      ['mirror:planned', 'verify:planned'],
      ['build:planned', 'push:planned', 'verify:planned']
    ])
    const postgresTarget = targetOf('library/postgres', '15-alpine')
    expect(progress.lines).toEqual(
      expect.arrayContaining([
        '    docker pull postgres:15-alpine',
        `    docker tag postgres:15-alpine ${postgresTarget}`,
        `    docker push ${postgresTarget}`,
        `    docker push ${targetOf('api', 'v1')}`,
        `    docker manifest inspect --insecure --verbose ${postgresTarget}`
      ])
    )
    expect(progress.lines.some(line => /^ {4}docker build --network=host -f \S+ -t \S+\/aihpc\/api:v1 --build-arg MODE=prod \S+\/api$/.test(line))).toBe(true)
    expect(logins(dryRun.cli.commands)[0]).toBe(`docker login --username mirror-bot --password-stdin ${target.host}`)
    expect(dryRun.cli.commands.join('\n')).not.toContain(CREDENTIALS.password)
    // Nothing ran: the target registry is empty and nothing was pulled.
    expect(await catalog(target)).toEqual([])
    expect(await isLocal('postgres:15-alpine')).toBe(false)
  })

  test('mirrors a Docker Hub image through the registry mirror to an authenticated target, then logs out', async () => {
    const mirror = engine()
    const result = await mirror.mirror(parseReference('postgres:15-alpine'), parseReference(targetOf('library/postgres', '15-alpine')))
    await mirror.close()

    expect(result).toMatchObject({ phase: 'mirror', status: 'mirrored' })
    expect(result.digest).toMatch(/^sha256:[a-f0-9]{64}$/)
    expect(await manifestDigest(target, 'aihpc/library/postgres', '15-alpine')).toBe(result.digest)
    expect(logins(mirror.cli.commands)).toEqual([`docker login --username mirror-bot --password-stdin ${target.host}`])
    expect(mirror.cli.commands.join('\n')).not.toContain(CREDENTIALS.password)
    expect(mirror.cli.commands).toContain(`docker logout ${target.host}`)
    const config = fs.readFileSync(path.join(String(dockerd.env.DOCKER_CONFIG), 'config.json'), 'utf8')
    expect(config).not.toContain(target.host)
  })

  test('a second mirror of the same image reports already-present without pulling or pushing', async () => {
    const mirror = engine()
    const result = await mirror.mirror(parseReference('postgres:15-alpine'), parseReference(targetOf('library/postgres', '15-alpine')))
    await mirror.close()

    expect(result.status).toBe('already-present')
    expect(result.digest).toBe(await manifestDigest(target, 'aihpc/library/postgres', '15-alpine'))
    expect(result.size).toBeGreaterThan(1_000_000)
    expect(pulls(mirror.cli.commands)).toEqual([])
    expect(pushes(mirror.cli.commands)).toEqual([])
  })

  test('with nothing local, an unchanged image is recognised by comparing manifests on both sides, without a pull', async () => {
    await dockerd.docker(['rmi', 'postgres:15-alpine', targetOf('library/postgres', '15-alpine')])
    const mirror = engine()
    const result = await mirror.mirror(parseReference('postgres:15-alpine'), parseReference(targetOf('library/postgres', '15-alpine')))
    await mirror.close()

    expect(result.status).toBe('already-present')
    expect(pulls(mirror.cli.commands)).toEqual([])
    expect(pushes(mirror.cli.commands)).toEqual([])
    expect(await isLocal('postgres:15-alpine')).toBe(false)
  })

  test("pull: never fails for an image that is not in the local daemon, says how to load it, and touches no network", async () => {
    const mirror = engine({ pull: 'never' })
    const result = await mirror.mirror(parseReference('redis:7-alpine'), parseReference(targetOf('library/redis', '7-alpine')))
    await mirror.close()

    expect(result.status).toBe('failed')
    expect(result.error).toBe("redis:7-alpine is not in the local docker daemon and pull is 'never'")
    expect(result.suggestion).toContain('docker pull redis:7-alpine')
    expect(mirror.cli.commands).toEqual(['docker image inspect --format \'{{.Id}} {{json .RepoDigests}}\' redis:7-alpine'])
  })

  test('verify from the registry: a mirrored target is verified with its digest, an absent one is missing with advice to mirror it', async () => {
    const verifier = engine()
    const present = await verifier.verify(parseReference(targetOf('library/postgres', '15-alpine')))
    const absent = await verifier.verify(parseReference(targetOf('library/redis', '7-alpine')), { source: parseReference('redis:7-alpine'), kind: 'base' })
    await verifier.close()

    expect(present).toMatchObject({ phase: 'verify', status: 'verified', digest: await manifestDigest(target, 'aihpc/library/postgres', '15-alpine') })
    expect(present.platforms).toEqual(['linux/amd64'])
    expect(absent).toMatchObject({ status: 'missing', error: `${targetOf('library/redis', '7-alpine')} is not in ${target.host}` })
    expect(absent.suggestion).toBe('Mirror it: run mode: mirror (copies redis:7-alpine)')
    expect(pulls(verifier.cli.commands)).toEqual([])
  })

  test('verify from the local daemon reports a wrongly structured tag as missing with the exact docker tag that fixes it', async () => {
    const wrong = `${target.host}/aihpc/minio:latest`
    const wanted = `${target.host}/aihpc/minio/minio:latest`
    await dockerd.docker(['tag', 'quay.io/minio/minio:latest', wrong])
    const verifier = engine({ verifyFrom: 'local' })
    const before = await verifier.verify(parseReference(wanted), { source: parseReference('quay.io/minio/minio:latest'), kind: 'base' })

    expect(before).toMatchObject({ status: 'missing', error: `${wanted} is not in the local docker daemon` })
    expect(before.suggestion).toBe(`A tag with another structure is local: docker tag ${wrong} ${wanted}`)

    // Run the suggested command as written, then verify again.
    const command = /docker (tag \S+ \S+)$/.exec(before.suggestion ?? '')?.[1]
    await dockerd.docker(command!.split(' '))
    const after = await verifier.verify(parseReference(wanted))
    await verifier.close()

    const minio = seeded.find(image => image.name === 'quay.io/minio/minio:latest')!
    expect(after).toMatchObject({ status: 'verified', digest: minio.id })
    // Local verification never reaches a registry.
    expect(verifier.cli.commands.every(command => /^docker (image inspect|images) /.test(command))).toBe(true)
    await dockerd.docker(['rmi', wrong, wanted])
  })

  test('a wrong password fails with a clear unauthorized error after exactly one login attempt and no retries', async () => {
    const retries: string[] = []
    const mirror = engine({ targetCredentials: { username: CREDENTIALS.username, password: 'wrong' }, onRetry: message => retries.push(message) })
    const first = await mirror.mirror(parseReference('osixia/openldap:stable'), parseReference(targetOf('osixia/openldap', 'stable')))
    const second = await mirror.mirror(parseReference('redis:7-alpine'), parseReference(targetOf('library/redis', '7-alpine')))
    await mirror.close()

    for (const result of [first, second]) {
      expect(result.status).toBe('failed')
      expect(result.error).toMatch(new RegExp(`^log in to ${target.host.replace(/\./g, '\\.')} failed: .*401 Unauthorized`))
      expect(result.suggestion).toContain('Check the username and password')
      expect(result.log).toContain('401 Unauthorized')
    }
    expect(logins(mirror.cli.commands)).toHaveLength(1)
    expect(retries).toEqual([])
    expect(pulls(mirror.cli.commands)).toEqual([])
    expect(pushes(mirror.cli.commands)).toEqual([])
    // It never logged in, so it logs nothing out.
    expect(mirror.cli.commands.filter(command => command.startsWith('docker logout'))).toEqual([])
  })

  test('an image absent upstream fails on its own while the other images of the plan are mirrored', async () => {
    const plan: Plan = {
      images: [
        plannedImage('base', 'redis:7-alpine', targetOf('library/redis', '7-alpine')),
        plannedImage('base', 'postgres:0-does-not-exist', targetOf('library/postgres', '0-does-not-exist')),
        plannedImage('base', 'osixia/openldap:stable', targetOf('osixia/openldap', 'stable')),
        plannedImage('base', 'example/unmapped:1', null)
      ],
      findings: [{ kind: 'unmapped', severity: 'error', message: 'no rule', image: 'docker.io/example/unmapped:1' }],
      files: []
    }
    const mirror = engine()
    const progress = recordingProgress()
    const results = await executePlan(plan, { mode: 'mirror', concurrency: 2, buildConcurrency: 1 }, { mirror, build: mirror }, progress)
    await mirror.close()

    expect(results.map(result => result.status)).toEqual(['mirrored', 'failed', 'mirrored', 'unmapped'])
    const failed = results[1]!.phases[0]!
    expect(failed.error).toMatch(new RegExp(`^pull postgres:0-does-not-exist failed: not in the registry mirror ${upstream.host.replace(/\./g, '\\.')}, and docker's fallback failed: `))
    expect(failed.suggestion).toMatch(/^postgres:0-does-not-exist does not exist where docker looked: check its name and tag/)
    expect(failed.log).toContain('Error response from daemon')
    expect(results[3]!.phases).toEqual([])
    expect(await manifestDigest(target, 'aihpc/library/redis', '7-alpine')).toBe(results[0]!.phases[0]!.digest)
    expect(await manifestDigest(target, 'aihpc/library/postgres', '0-does-not-exist')).toBeUndefined()
    expect(progress.lines[0]).toBe('## Mirror 3 base images')
    expect(progress.lines.filter(line => /^\[\d\/3\] mirrored (redis:7-alpine|osixia\/openldap:stable) in \d+\.\ds$/.test(line))).toHaveLength(2)
    expect(progress.lines.some(line => /^\[\d\/3\] failed to mirror postgres:0-does-not-exist in \d+\.\ds: pull postgres:0-does-not-exist failed: /.test(line))).toBe(true)
  })

  test('pull: never retags and pushes a local image with the upstream registry stopped', async () => {
    await upstream.stop()
    const mirror = engine({ pull: 'never' })
    const result = await mirror.mirror(parseReference('quay.io/minio/minio:latest'), parseReference(targetOf('minio/minio', 'latest')))
    await mirror.close()

    expect(result.status).toBe('mirrored')
    expect(await manifestDigest(target, 'aihpc/minio/minio', 'latest')).toBe(result.digest)
    expect(pulls(mirror.cli.commands)).toEqual([])
  })

  test('a target registry that goes down mid-run is retried a bounded number of times, then reported failed', async () => {
    const retries: string[] = []
    const real = engine({ pull: 'never', onRetry: message => retries.push(message) })
    let calls = 0
    // Stops the target registry just before the second image, so the run loses it half-way.
    const stopping: MirrorEngine = {
      name: 'docker',
      mirror: async (source, destination) => {
        calls += 1
        if (calls === 2) await target.stop()
        return real.mirror(source, destination)
      },
      verify: target => real.verify(target),
      close: () => real.close()
    }
    const plan: Plan = {
      images: [
        plannedImage('base', 'redis:7-alpine', targetOf('library/redis', '7-alpine-copy')),
        plannedImage('base', 'osixia/openldap:stable', targetOf('osixia/openldap', 'stable-copy'))
      ],
      findings: [],
      files: []
    }
    const started = Date.now()
    const results = await executePlan(plan, { mode: 'mirror', concurrency: 1, buildConcurrency: 1 }, { mirror: stopping }, recordingProgress())
    await real.close()

    expect(results.map(result => result.status)).toEqual(['mirrored', 'failed'])
    const failed = results[1]!.phases[0] as PhaseResult
    expect(failed.error).toMatch(/connection refused/)
    expect(failed.suggestion).toBe('The registry did not answer after 3 attempts: check that it is reachable, then run again')
    // Three attempts of the failing call: two retries, no more.
    expect(retries).toHaveLength(2)
    expect(Date.now() - started).toBeLessThan(30000)
  })
})
