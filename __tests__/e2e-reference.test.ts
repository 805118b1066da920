/**
 * The first acceptance scenario, end to end through the bundled action: the
 * reference project's 15 base images live in an "upstream" registry that the
 * private dockerd uses as its Docker Hub mirror (quay.io/minio/minio, which
 * cannot be pulled here, is loaded into the daemon first, as users do with
 * pull: missing); mode all mirrors them to a target with htpasswd auth, builds
 * the 5 service images against the mirrored bases, pushes and verifies 20/20.
 * The builds run twice on the same daemon and seeded registries: with BuildKit
 * (Debian's docker 20.10 CLI, DOCKER_BUILDKIT=1), as GitHub's runners build,
 * then with the legacy builder (DOCKER_BUILDKIT=0).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { buildKitEnv, startDockerd, seedBaseImages, type TestDockerd } from './harness/docker.js'
import { startRegistry, type TestRegistry } from './harness/registry.js'
import { deleteManifest, manifestDigest } from './harness/registry-api.js'
import { REFERENCE_BASE_IMAGES, REFERENCE_SERVICE_IMAGES } from './harness/reference-project.js'
import { REPO_ROOT, runAction, type ActionRun } from './harness/runner.js'

const CREDENTIALS = { username: 'mirror', password: 'e2e-secret-Pa55' }
let upstream: TestRegistry
let target: TestRegistry
let dockerd: TestDockerd
let workspace: string

beforeAll(async () => {
  upstream = await startRegistry()
  target = await startRegistry({ basicAuth: CREDENTIALS })
  dockerd = await startDockerd({ registryMirror: upstream.url })
  await seedBaseImages(dockerd, upstream, REFERENCE_BASE_IMAGES)
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'im-e2e-'))
  fs.cpSync(path.join(REPO_ROOT, 'fixtures', 'reference-project'), path.join(workspace, 'project'), { recursive: true })
}, 180000)

afterAll(async () => {
  await dockerd?.stop()
  await Promise.all([upstream?.stop(), target?.stop()])
  if (workspace !== undefined) fs.rmSync(workspace, { recursive: true, force: true })
})

const action = (inputs: Record<string, string>, env: NodeJS.ProcessEnv = dockerd.env): ActionRun =>
  runAction(
    { path: 'project', registry: `${target.host}/aihpc`, tag: 'v0.3.5', layout: 'library', 'build-network': 'host', ...inputs },
    { workspace, env, timeoutMs: 300000 }
  )
/** The build commands the report recorded, one per service image. */
const buildCommands = (run: ActionRun): string[] =>
  ((run.report as { images: Array<{ phases?: Array<{ phase: string; commands?: string[] }> }> }).images ?? []).flatMap(image =>
    (image.phases ?? []).filter(phase => phase.phase === 'build').flatMap(phase => (phase.commands ?? []).filter(command => / docker (buildx )?build /.test(` ${command.replace(/^DOCKER_BUILDKIT=\d /, '')}`)))
  )
const targetOf = (source: string): string => {
  const name = source.replace(/^docker\.io\//, '').replace(/^quay\.io\//, '')
  return REFERENCE_SERVICE_IMAGES.includes(source) ? `${target.host}/aihpc/${name.replace(/^library\//, '')}` : `${target.host}/aihpc/${name}`
}
const allTargets = (): string[] => [...REFERENCE_BASE_IMAGES, ...REFERENCE_SERVICE_IMAGES].map(targetOf).sort()

describe('the reference project, mode all against a real dockerd and registries', () => {
  it('mirrors 15 base images, builds and pushes 5 service images against them with BuildKit, and verifies 20/20', () => {
    const run = action({ mode: 'all', username: CREDENTIALS.username, password: CREDENTIALS.password }, buildKitEnv(dockerd.env))
    expect(run.exitCode).toBe(0)
    expect(run.outputs.verdict).toMatch(/^20\/20 images verified \(15 mirrored, 5 built, 5 pushed\)$/)
    expect(run.stdout).toMatch(/^Builder: the daemon's built-in BuildKit \(DOCKER_BUILDKIT=1 docker build, docker CLI 20\.10/m)
    const builds = buildCommands(run)
    expect(builds).toHaveLength(5)
    for (const command of builds) expect(command).toMatch(/^DOCKER_BUILDKIT=1 docker build --progress plain -f - -t \S+ --network host .* < Dockerfile$/)
    // BuildKit's own progress lines, streamed under the image they belong to.
    expect(run.stdout).toMatch(new RegExp(`^    ${target.host.replace(/\./g, '\\.')}/aihpc/ai-infra-backend:v0\\.3\\.5 \\| #\\d+ `, 'm'))
    expect(JSON.parse(run.outputs.verified as string).sort()).toEqual(allTargets())
    expect(JSON.parse(run.outputs.built as string)).toHaveLength(5)
    expect(run.outputs.missing).toBe('[]')
    expect(run.stdout).toContain(`::add-mask::${CREDENTIALS.password}`)
    expect(run.stdout.replace(`::add-mask::${CREDENTIALS.password}`, '')).not.toContain(CREDENTIALS.password)
    expect(run.summary).not.toContain(CREDENTIALS.password)
    expect(run.summary).toContain('20/20 images verified')
    // 15 copies read ahead on one run-wide signal: node must not take that for a listener leak.
    expect(run.stderr).not.toContain('MaxListenersExceededWarning')
  })

  it('builds and pushes the 5 service images again with the legacy builder, the 15 mirrored ones already present', () => {
    const run = action({ mode: 'all', username: CREDENTIALS.username, password: CREDENTIALS.password })
    expect(run.exitCode).toBe(0)
    expect(run.outputs.verdict).toMatch(/^20\/20 images verified \(15 already present, 5 built, 5 pushed\)$/)
    expect(run.stdout).toMatch(/^Builder: the legacy builder \(DOCKER_BUILDKIT=0 docker build\): DOCKER_BUILDKIT=0 in the environment asks for it$/m)
    const builds = buildCommands(run)
    expect(builds).toHaveLength(5)
    for (const command of builds) expect(command).toMatch(/^DOCKER_BUILDKIT=0 docker build -f - -t \S+ --network host .* < Dockerfile$/)
    expect(run.stdout).toMatch(new RegExp(`^    ${target.host.replace(/\./g, '\\.')}/aihpc/ai-infra-backend:v0\\.3\\.5 \\| Step 1/`, 'm'))
  })

  it('built the service images with their compose build args on the seeded bases', async () => {
    const backend = `${target.host}/aihpc/ai-infra-backend:v0.3.5`
    const built = await dockerd.docker(['run', '--rm', '--network=host', backend, 'cat', '/app/build.txt'])
    expect(built.trim()).toBe('backend built with go 1.25')
    // The seeded base images carry their own name: the runtime stage is the mirrored alpine:latest.
    const base = await dockerd.docker(['run', '--rm', '--network=host', backend, 'cat', '/image-name.txt'])
    expect(base.trim()).toBe('docker.io/library/alpine:latest')
  })

  it('reports exactly the one image deleted from the target as missing, with a suggestion', async () => {
    const repository = 'aihpc/library/redis'
    const digest = await manifestDigest(target, repository, '7-alpine')
    expect(digest).toBeDefined()
    await deleteManifest(target, repository, digest as string)
    const run = action({ mode: 'verify', username: CREDENTIALS.username, password: CREDENTIALS.password })
    expect(run.exitCode).toBe(1)
    expect(JSON.parse(run.outputs.missing as string)).toEqual([`${target.host}/${repository}:7-alpine`])
    expect(JSON.parse(run.outputs.verified as string)).toHaveLength(19)
    expect(run.outputs.verdict).toMatch(/^19\/20 images verified \(1 missing\)/)
    const missing = (JSON.parse(run.outputs.findings as string) as Array<{ kind: string; suggestion?: string; file?: string; line?: number }>).filter(
      finding => finding.kind === 'missing'
    )
    expect(missing).toHaveLength(1)
    // Paths are relative to the repository root, as annotations are.
    expect(missing[0]).toMatchObject({ file: 'project/docker-compose.yml', line: 21 })
    expect(missing[0]?.suggestion).toBeTruthy()
  })

  it('works offline: with the target down, mirror with pull: never retags locally and verify-from: local finds all 20', async () => {
    // engine: auto copied the bases registry to registry, so they are not in the daemon: put them there
    // while the network is up, as a user prepares an offline machine (docker pull, or docker load).
    for (const image of REFERENCE_BASE_IMAGES) {
      if (image.startsWith('docker.io/')) await dockerd.docker(['pull', image.replace(/^docker\.io\/(library\/)?/, '')])
    }
    await target.stop()
    await upstream.stop()
    const mirror = action({ mode: 'mirror', pull: 'never', push: 'false' })
    expect(mirror.exitCode).toBe(0)
    const verify = action({ mode: 'verify', 'verify-from': 'local' })
    expect(verify.exitCode).toBe(0)
    expect(verify.outputs.verdict).toBe('20/20 images verified')
  })
})
