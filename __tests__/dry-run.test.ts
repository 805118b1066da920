/**
 * Dry run with the docker engine (issue 8): it prepares every job (reads only)
 * and prints what the real run would do, from the same code, and writes
 * nothing: the target registry's catalog and tags and the daemon's image list
 * are the same before and after. Each image's commands are its own, once,
 * under its own progress line and in its own result, however many images run
 * at once.
 *
 * Real dockerd, real upstream (through --registry-mirror) and real target
 * registry on 127.0.0.1. Each test has its own namespace in the target.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { DockerEngine } from '../src/engine/docker/engine.js'
import { executeJobs, type PhaseResults } from '../src/execute/execute.js'
import type { Plan, PlannedImage } from '../src/model.js'
import { planJobs, selectJobs } from '../src/plan/jobs.js'
import { familiarName, formatReference, parseReference } from '../src/reference.js'
import { daemonImages, RecordingDockerCli, seedBaseImages, startDockerd, type TestDockerd } from './harness/docker.js'
import { plannedImage } from './harness/registry-api.js'
import { startRegistry, type TestRegistry } from './harness/registry.js'
import { recordingContext, recordingProgress } from './harness/progress.js'

const CREDENTIALS = { username: 'dry', password: 'run-but-secret' }

/** Issue 8's report: 30 images at the default concurrency printed 116 `docker pull` lines. */
const MANY = Array.from({ length: 30 }, (_, i) => `many/app-${String(i).padStart(2, '0')}:1.${i}`)
const FEW = ['postgres:15-alpine', 'redis:7-alpine', 'quay.io/minio/minio:latest', 'osixia/openldap:stable']

let upstream: TestRegistry
let target: TestRegistry
let dockerd: TestDockerd
let workDir: string

beforeAll(async () => {
  upstream = await startRegistry()
  target = await startRegistry({ basicAuth: CREDENTIALS })
  dockerd = await startDockerd({ registryMirror: upstream.url })
  await seedBaseImages(dockerd, upstream, [...FEW, ...MANY])
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-dry-run-test-'))
}, 300000)

afterAll(async () => {
  await dockerd?.stop()
  await upstream?.stop()
  await target?.stop()
  if (workDir !== undefined) fs.rmSync(workDir, { recursive: true, force: true })
}, 60000)

function authorization(): Record<string, string> {
  return { Authorization: `Basic ${Buffer.from(`${CREDENTIALS.username}:${CREDENTIALS.password}`).toString('base64')}` }
}

/** Every repository, tag and manifest digest of the target: equal snapshots mean nothing was written. */
async function registrySnapshot(): Promise<string[]> {
  const entries: string[] = []
  const listed = (await (await fetch(`${target.url}/v2/_catalog?n=1000`, { headers: authorization() })).json()) as { repositories: string[] }
  for (const repository of listed.repositories) {
    const tags = ((await (await fetch(`${target.url}/v2/${repository}/tags/list`, { headers: authorization() })).json()) as { tags: string[] | null }).tags ?? []
    for (const tag of tags) {
      const head = await fetch(`${target.url}/v2/${repository}/manifests/${tag}`, {
        method: 'HEAD',
        headers: { ...authorization(), Accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' }
      })
      entries.push(`${repository}:${tag}@${head.headers.get('docker-content-digest')}`)
    }
    if (tags.length === 0) entries.push(`${repository} (no tags)`)
  }
  return entries.sort()
}

function readWorkspaceFile(absolutePath: string): { realPath: string; text: string } {
  const realPath = fs.realpathSync(absolutePath)
  return { realPath, text: fs.statSync(realPath).isFile() ? fs.readFileSync(realPath, 'utf8') : '' }
}

function engine(): { engine: DockerEngine; cli: RecordingDockerCli } {
  const cli = new RecordingDockerCli({ env: dockerd.env })
  return { cli, engine: new DockerEngine({ cli, registryMirror: upstream.url, credentials: new Map([[target.host, CREDENTIALS]]), retry: { attempts: 2, baseDelayMs: 20, maxDelayMs: 50 } }) }
}

async function execute(plan: Plan, root: string, dryRun: boolean, concurrency: number, docker = engine()): Promise<{ results: PhaseResults; lines: string[]; ran: string[] }> {
  const jobs = selectJobs(planJobs(plan, { root, workspace: root, useMirroredBases: true, push: true, buildNetwork: 'host', platforms: [], readFile: readWorkspaceFile }), 'all')
  const progress = recordingProgress()
  try {
    const results = await executeJobs(jobs, { dryRun, concurrency, buildConcurrency: 1 }, { copy: docker.engine, build: docker.engine, lookup: docker.engine }, progress)
    return { results, lines: progress.lines, ran: docker.cli.ran }
  } finally {
    await docker.engine.close()
  }
}

const baseImage = (namespace: string, source: string): PlannedImage => {
  const ref = parseReference(source)
  return plannedImage('base', source, `${target.host}/${namespace}/${ref.repository}:${ref.tag}`)
}

/** The progress line of one finished step and the indented command lines right under it. */
function blockUnder(lines: string[], heading: RegExp): string[] {
  const start = lines.findIndex(line => heading.test(line))
  expect(start).toBeGreaterThanOrEqual(0)
  const block: string[] = []
  for (let i = start + 1; i < lines.length && (lines[i] as string).startsWith('    '); i += 1) block.push((lines[i] as string).slice(4))
  return block
}

describe('dry run with the docker engine', () => {
  test('prints each image’s own pull/tag/push or build/push commands, reports planned or already-present, and writes nothing to the registry or the daemon', async () => {
    const namespace = 'dry'
    const present = baseImage(namespace, 'redis:7-alpine')
    const plan: Plan = {
      images: [
        baseImage(namespace, 'postgres:15-alpine'),
        present,
        baseImage(namespace, 'quay.io/minio/minio:latest'),
        baseImage(namespace, 'osixia/openldap:stable'),
        plannedImage('service', 'aihpc/api:v1', `${target.host}/${namespace}/api:v1`, { context: 'api', dockerfile: 'api/Dockerfile', args: { MODE: 'prod' } })
      ],
      findings: [],
      files: []
    }
    const root = path.join(workDir, 'few')
    fs.mkdirSync(path.join(root, 'api'), { recursive: true })
    fs.writeFileSync(path.join(root, 'api', 'Dockerfile'), 'FROM postgres:15-alpine\nRUN echo hi > /x\n')
    // Set-up: one base is already at its target.
    const setup = engine()
    try {
      const context = recordingContext()
      const prepared = await setup.engine.prepareCopy(present.ref, present.targetRef!, context)
      expect((await setup.engine.copy(prepared, context)).status).toBe('mirrored')
    } finally {
      await setup.engine.close()
    }
    const registryBefore = await registrySnapshot()
    const daemonBefore = await daemonImages(dockerd)
    expect(registryBefore).toEqual([expect.stringMatching(new RegExp(`^${namespace}/library/redis:7-alpine@sha256:`))])

    const { results, lines, ran } = await execute(plan, root, true, 4)

    // Nothing written: the same repositories, tags and digests, the same images in the daemon.
    expect(await registrySnapshot()).toEqual(registryBefore)
    expect(await daemonImages(dockerd)).toEqual(daemonBefore)
    expect(ran.filter(command => /^docker (pull|tag|push|build|rmi) /.test(command))).toEqual([])

    const phases = plan.images.map(image => (results.get(image.source) ?? []).map(phase => `${phase.phase}:${phase.status}`))
    expect(phases).toEqual([
      ['mirror:planned', 'verify:planned'],
      ['mirror:already-present', 'verify:planned'],
      ['mirror:planned', 'verify:planned'],
      ['mirror:planned', 'verify:planned'],
      ['build:planned', 'push:planned', 'verify:planned']
    ])

    const login = `docker login --username dry --password-stdin ${target.host}`
    const commandsOf = (image: PlannedImage, phase: string): string[] | undefined => results.get(image.source)!.find(result => result.phase === phase)!.commands
    const [postgres, , minio, openldap, api] = plan.images as [PlannedImage, PlannedImage, PlannedImage, PlannedImage, PlannedImage]
    for (const image of [postgres, openldap]) {
      const source = familiarName(image.ref)
      const destination = image.target!.replace(/^docker\.io\//, '')
      expect(commandsOf(image, 'mirror')).toEqual([`docker pull ${source}`, `docker tag ${source} ${destination}`, login, `docker push ${destination}`])
      expect(commandsOf(image, 'verify')).toEqual([`docker manifest inspect --insecure --verbose ${destination}`])
    }
    // A local image is retagged, not pulled.
    expect(commandsOf(minio, 'mirror')).toEqual([`docker tag quay.io/minio/minio:latest ${minio.target}`, login, `docker push ${minio.target}`])
    // The service is built against the mirrored base, which its build pulls from the target.
    expect(commandsOf(api, 'build')).toEqual([login, `docker build -f - -t ${api.target} --network host --build-arg MODE ${path.join(root, 'api')} < Dockerfile`])
    expect(commandsOf(api, 'push')).toEqual([login, `docker push ${api.target}`])
    expect(lines.join('\n')).not.toContain(CREDENTIALS.password)

    // Under each progress line, exactly that step's commands.
    expect(blockUnder(lines, /^\[\d\/4\] would mirror postgres:15-alpine$/)).toEqual(commandsOf(postgres, 'mirror'))
    expect(blockUnder(lines, /^\[1\/2\] would build /)).toEqual(commandsOf(api, 'build'))
    expect(blockUnder(lines, /^\[2\/2\] would push /)).toEqual(commandsOf(api, 'push'))
    expect(lines).toContainEqual(expect.stringMatching(/^\[\d\/4\] already present redis:7-alpine in \d+\.\ds$/))
    // Completion order varies; the set of pull lines does not.
    expect(lines.filter(line => line.startsWith('    docker pull ')).sort()).toEqual(['    docker pull osixia/openldap:stable', '    docker pull postgres:15-alpine'])
  })

  test('30 images at concurrency 4: one docker pull line per image, each under its own progress line and in its own result only', async () => {
    const namespace = 'many'
    const plan: Plan = { images: MANY.map(name => baseImage(namespace, name)), findings: [], files: [] }
    const root = path.join(workDir, 'many')
    fs.mkdirSync(root, { recursive: true })
    const daemonBefore = await daemonImages(dockerd)

    const { results, lines } = await execute(plan, root, true, 4)

    expect(await daemonImages(dockerd)).toEqual(daemonBefore)
    expect(lines.filter(line => line.trim().startsWith('docker pull '))).toHaveLength(30)
    for (const image of plan.images) {
      const source = familiarName(image.ref)
      const escaped = source.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      const [mirror] = results.get(image.source)!
      expect(mirror!.status).toBe('planned')
      expect(mirror!.commands).toEqual([`docker pull ${source}`, `docker tag ${source} ${image.target}`, `docker login --username dry --password-stdin ${target.host}`, `docker push ${image.target}`])
      expect(blockUnder(lines, new RegExp(`^\\[\\d+/30\\] would mirror ${escaped}$`))).toEqual(mirror!.commands)
    }
  })

  test('the real run of the same 30 images at concurrency 4 keeps each image’s commands in its own result: one pull each, no other image named', async () => {
    const namespace = 'many-real'
    const plan: Plan = { images: MANY.map(name => baseImage(namespace, name)), findings: [], files: [] }
    const root = path.join(workDir, 'many-real')
    fs.mkdirSync(root, { recursive: true })

    const { results, ran } = await execute(plan, root, false, 4)

    expect(ran.filter(command => command.startsWith('docker pull '))).toHaveLength(30)
    for (const image of plan.images) {
      const [mirror, verify] = results.get(image.source)!
      expect(mirror!.status).toBe('mirrored')
      expect(verify!.status).toBe('verified')
      const commands = mirror!.commands ?? []
      expect(commands.filter(command => command.startsWith('docker pull '))).toEqual([`docker pull ${familiarName(image.ref)}`])
      const others = plan.images.filter(other => other !== image).map(other => image.ref.repository === other.ref.repository && other.ref.tag === image.ref.tag ? '' : `${other.ref.repository}:${other.ref.tag}`)
      for (const command of commands) for (const other of others) if (other !== '') expect(command).not.toContain(other)
      expect(formatReference(image.ref)).toBe(image.source)
    }
  }, 240000)
})
