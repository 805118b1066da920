/**
 * executePlan end to end with the docker engine: a real private dockerd whose
 * Docker Hub pulls go to a local "upstream" registry, and a real target
 * registry behind htpasswd auth. Tests run in order on one plan: mirror, build
 * with mirrored bases after the upstream is gone, verify, lose one image,
 * verify again, then everything at once.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { DockerEngine } from '../src/engine/docker/engine.js'
import { executePlan } from '../src/execute/execute.js'
import type { Plan } from '../src/model.js'
import { seedBaseImages, startDockerd, type TestDockerd } from './harness/docker.js'
import { deleteManifest, manifestDigest, plannedImage } from './harness/registry-api.js'
import { startRegistry, type TestRegistry } from './harness/registry.js'
import { recordingProgress } from './harness/progress.js'

const CREDENTIALS = { username: 'ci', password: 'hunter2-but-longer' }

let upstream: TestRegistry
let target: TestRegistry
let dockerd: TestDockerd
let root: string
let plan: Plan

beforeAll(async () => {
  upstream = await startRegistry()
  target = await startRegistry({ basicAuth: CREDENTIALS })
  dockerd = await startDockerd({ registryMirror: upstream.url })
  await seedBaseImages(dockerd, upstream, ['postgres:15-alpine', 'redis:7-alpine', 'quay.io/minio/minio:latest'])
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'im-execute-test-'))
  fs.mkdirSync(path.join(root, 'db-init'))
  fs.writeFileSync(path.join(root, 'db-init', 'Dockerfile'), 'FROM postgres:15-alpine\nRUN echo hi > /x\n')
  const registry = `${target.host}/aihpc`
  plan = {
    images: [
      plannedImage('base', 'postgres:15-alpine', `${registry}/library/postgres:15-alpine`),
      plannedImage('base', 'redis:7-alpine', `${registry}/library/redis:7-alpine`),
      plannedImage('base', 'quay.io/minio/minio:latest', `${registry}/minio/minio:latest`),
      plannedImage('service', 'aihpc/db-init:v1', `${registry}/db-init:v1`, { context: 'db-init', dockerfile: 'db-init/Dockerfile', args: {} })
    ],
    findings: [],
    files: ['db-init/Dockerfile']
  }
}, 90000)

afterAll(async () => {
  await dockerd?.stop()
  await upstream?.stop()
  await target?.stop()
  if (root !== undefined) fs.rmSync(root, { recursive: true, force: true })
}, 60000)

function engine(): DockerEngine {
  const baseTargets = new Map(plan.images.filter(image => image.kind === 'base').map(image => [image.source, image.target!] as const))
  return new DockerEngine({
    env: dockerd.env,
    registryMirror: upstream.url,
    targetCredentials: CREDENTIALS,
    targetRegistry: target.host,
    retry: { attempts: 2, baseDelayMs: 20, maxDelayMs: 50 },
    root,
    baseTargets,
    useMirroredBases: true
  })
}


async function run(mode: 'mirror' | 'build' | 'verify' | 'all'): Promise<{ statuses: string[]; lines: string[]; results: Awaited<ReturnType<typeof executePlan>> }> {
  const docker = engine()
  const progress = recordingProgress()
  try {
    const results = await executePlan(plan, { mode, push: true, concurrency: 4, buildConcurrency: 1 }, { mirror: docker, build: docker }, progress)
    return { statuses: results.map(result => result.status), lines: progress.lines, results }
  } finally {
    await docker.close()
  }
}

describe('executePlan with the docker engine', () => {
  test('mode mirror copies every base image to the target and leaves the service image for the build', async () => {
    const { statuses, lines } = await run('mirror')

    expect(statuses).toEqual(['mirrored', 'mirrored', 'mirrored', 'skipped'])
    expect(lines[0]).toBe('## Mirror 3 base images')
    expect(lines).toHaveLength(4)
    expect(lines.slice(1)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^\[[123]\/3\] mirrored postgres:15-alpine in \d+\.\ds$/),
      expect.stringMatching(/^\[[123]\/3\] mirrored quay\.io\/minio\/minio:latest in \d+\.\ds$/),
      expect.stringMatching(/^\[[123]\/3\] mirrored redis:7-alpine in \d+\.\ds$/)
    ]))
    for (const [repository, tag] of [
      ['aihpc/library/postgres', '15-alpine'],
      ['aihpc/library/redis', '7-alpine'],
      ['aihpc/minio/minio', 'latest']
    ] as const) {
      expect(await manifestDigest(target, repository, tag)).toMatch(/^sha256:/)
    }
  })

  test('mode build builds from the mirrored base in the target registry, with the upstream gone, and pushes', async () => {
    await upstream.stop({ keepData: true })
    const mirroredPostgres = `${target.host}/aihpc/library/postgres:15-alpine`
    // Nothing local to fall back on: the build has to pull its base from the target registry.
    await dockerd.docker(['rmi', 'postgres:15-alpine', mirroredPostgres])

    const { statuses, results, lines } = await run('build')

    expect(statuses).toEqual(['skipped', 'skipped', 'skipped', 'pushed'])
    expect(results[3]!.phases.map(phase => phase.status)).toEqual(['built', 'pushed'])
    expect(lines).toEqual([
      '## Build 1 service image and push them',
      expect.stringMatching(new RegExp(`^\\[1/2\\] built ${target.host.replace(/\./g, '\\.')}/aihpc/db-init:v1 in \\d+\\.\\ds$`)),
      expect.stringMatching(/^\[2\/2\] pushed \S+\/aihpc\/db-init:v1 in \d+\.\ds$/)
    ])
    expect(await manifestDigest(target, 'aihpc/db-init', 'v1')).toBe(results[3]!.phases[1]!.digest)
    // The base came from the target registry, and the RUN step ran on it.
    expect((await dockerd.docker(['image', 'inspect', '--format', '{{.Id}}', mirroredPostgres])).trim()).toMatch(/^sha256:/)
    await expect(dockerd.docker(['image', 'inspect', 'postgres:15-alpine'])).rejects.toThrow(/No such image/i)
    expect(await dockerd.docker(['run', '--rm', '--network=host', `${target.host}/aihpc/db-init:v1`, 'cat', '/x'])).toBe('hi\n')
    // The original Dockerfile is untouched.
    expect(fs.readFileSync(path.join(root, 'db-init', 'Dockerfile'), 'utf8')).toBe('FROM postgres:15-alpine\nRUN echo hi > /x\n')
  })

  test('mode verify finds every planned target in the registry', async () => {
    const { statuses, lines } = await run('verify')

    expect(statuses).toEqual(['verified', 'verified', 'verified', 'verified'])
    expect(lines[0]).toBe('## Verify 4 images')
  })

  test('after one image is deleted from the target, verify reports exactly that one missing', async () => {
    const digest = await manifestDigest(target, 'aihpc/library/redis', '7-alpine')
    await deleteManifest(target, 'aihpc/library/redis', digest!)

    const { statuses, results, lines } = await run('verify')

    expect(statuses).toEqual(['verified', 'missing', 'verified', 'verified'])
    expect(results[1]!.phases[0]).toMatchObject({
      status: 'missing',
      error: `${target.host}/aihpc/library/redis:7-alpine is not in ${target.host}`
    })
    // redis is still in the local daemon from the mirror run, so the fix is a push.
    expect(results[1]!.phases[0]!.suggestion).toBe(`It is in the local daemon but not pushed: docker push ${target.host}/aihpc/library/redis:7-alpine`)
    expect(lines.filter(line => / missing /.test(line))).toEqual([
      expect.stringMatching(new RegExp(`^\\[\\d/4\\] missing ${target.host.replace(/\./g, '\\.')}/aihpc/library/redis:7-alpine in \\d+\\.\\ds: `))
    ])
  })

  test('mode all re-pushes the missing image, keeps what is present, rebuilds, pushes and verifies everything', async () => {
    // The upstream comes back: a base that is not local is compared through it.
    upstream = await startRegistry({ dataDir: upstream.dataDir, port: upstream.port })
    const { statuses, results } = await run('all')

    expect(statuses).toEqual(['verified', 'verified', 'verified', 'verified'])
    expect(results.map(result => result.phases.map(phase => phase.status))).toEqual([
      ['already-present', 'verified'],
      ['mirrored', 'verified'],
      ['already-present', 'verified'],
      ['built', 'pushed', 'verified']
    ])
  })
})
