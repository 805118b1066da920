/**
 * Compose build secrets through dist/index.js, built for real by the daemon's
 * BuildKit (Debian's docker 20.10 CLI with DOCKER_BUILDKIT=1), issue 11. The
 * Dockerfile mounts each secret and writes only its sha256 into the image, so
 * the test proves the values reached the build without ever printing them, and
 * then checks that no value is in the log, the summary, the outputs or the
 * JSON report.
 *
 * The trust boundary under test (DESIGN.md): a `file:` secret must lie inside
 * the workspace, symlinks included, or the build is refused; an
 * `environment:` secret is passed only when the workflow's build-secret-env
 * input lists the variable, so a compose file can never pick GITHUB_TOKEN.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { buildKitEnv, seedBaseImages, startDockerd, type TestDockerd } from './harness/docker.js'
import { startRegistry, type TestRegistry } from './harness/registry.js'
import { runAction, type ActionRun } from './harness/runner.js'

let upstream: TestRegistry
let target: TestRegistry
let dockerd: TestDockerd
let workspace: string
let outside: string

/** Values that must reach the build and nothing else. */
const FILE_SECRET = 'file-secret-7f3a91c2e4b8'
const NPM_SECRET = 'npm-secret-0d52be61a9f7'
/** A runner variable the compose file asks for but the workflow does not allow. */
const GITHUB_SECRET = 'ghs_runner-token-5c8e2f17b3d4'

const COMPOSE = `services:
  app:
    image: secret-app
    build:
      context: ./app
      secrets:
        - source: token_file
          target: token
        - npm_token
        - gh
secrets:
  token_file:
    file: ./secret/token.txt
  npm_token:
    environment: NPM_TOKEN
  gh:
    environment: GITHUB_TOKEN
`
// Only hashes of the secrets enter the image; /mounted says which ids were mounted at all.
const DOCKERFILE = `FROM alpine:3.20
RUN --mount=type=secret,id=token --mount=type=secret,id=npm_token --mount=type=secret,id=gh \\
    sha256sum /run/secrets/token /run/secrets/npm_token | cut -d' ' -f1 > /hashes && ls /run/secrets > /mounted
`
const ESCAPING_COMPOSE = `services:
  leak:
    image: leak-app
    build:
      context: ./app
      secrets: [key]
secrets:
  key:
    file: ./linked-key
`

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

beforeAll(async () => {
  upstream = await startRegistry()
  target = await startRegistry()
  dockerd = await startDockerd({ registryMirror: upstream.url })
  await seedBaseImages(dockerd, upstream, ['alpine:3.20'])
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'im-build-secrets-'))
  outside = fs.mkdtempSync(path.join(os.tmpdir(), 'im-build-secrets-outside-'))
  const write = (relative: string, text: string): void => {
    fs.mkdirSync(path.dirname(path.join(workspace, relative)), { recursive: true })
    fs.writeFileSync(path.join(workspace, relative), text)
  }
  write('project/docker-compose.yml', COMPOSE)
  write('project/app/Dockerfile', DOCKERFILE)
  write('project/secret/token.txt', FILE_SECRET)
  write('escaping/docker-compose.yml', ESCAPING_COMPOSE)
  write('escaping/app/Dockerfile', 'FROM alpine:3.20\nRUN --mount=type=secret,id=key cat /run/secrets/key > /key\n')
  fs.writeFileSync(path.join(outside, 'id_rsa'), 'outside-key-material\n')
  fs.symlinkSync(path.join(outside, 'id_rsa'), path.join(workspace, 'escaping', 'linked-key'))
}, 180000)

afterAll(async () => {
  await dockerd?.stop()
  await Promise.all([upstream?.stop(), target?.stop()])
  for (const dir of [workspace, outside]) if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true })
})

const action = (project: string, inputs: Record<string, string>): ActionRun =>
  runAction(
    { path: project, registry: `${target.host}/ci`, tag: 'v1', 'build-network': 'host', ...inputs },
    { workspace, env: { ...buildKitEnv(dockerd.env), NPM_TOKEN: NPM_SECRET, GITHUB_TOKEN: GITHUB_SECRET }, timeoutMs: 240000 }
  )

type ReportImage = { source: string; phases?: Array<{ phase: string; status: string; commands?: string[]; error?: string }> }
const phaseOf = (run: ActionRun, source: string, phase: string) =>
  (run.report as { images: ReportImage[] }).images.find(image => image.source === source)?.phases?.find(result => result.phase === phase)

/** Everything a run leaves where people or later steps read it. */
const everythingShown = (run: ActionRun): string => [run.stdout, run.stderr, run.summary, JSON.stringify(run.outputs), JSON.stringify(run.report)].join('\n')

describe('compose build secrets with BuildKit, through dist/index.js', () => {
  it('passes a file secret and an allowed variable to the build, never their values; a variable the workflow did not allow stays out', async () => {
    const run = action('project', { mode: 'all', 'build-secret-env': 'NPM_TOKEN' })
    expect(run.exitCode).toBe(0)
    const appTarget = `${target.host}/ci/secret-app:v1`
    const build = phaseOf(run, 'docker.io/library/secret-app:latest', 'build')
    expect(build?.status).toBe('built')
    // The command as shown: the file relative to the workspace, the variable by name.
    expect(build?.commands?.find(command => command.includes(' build '))).toContain('--secret id=token,src=project/secret/token.txt --secret id=npm_token,env=NPM_TOKEN ')
    expect(build?.commands?.join('\n')).not.toContain('GITHUB_TOKEN')

    // The build received both values: the image holds their hashes, and only the allowed ids were mounted.
    const hashes = await dockerd.docker(['run', '--rm', '--network=host', appTarget, 'cat', '/hashes'])
    expect(hashes).toBe(`${sha256(FILE_SECRET)}\n${sha256(NPM_SECRET)}\n`)
    expect(await dockerd.docker(['run', '--rm', '--network=host', appTarget, 'cat', '/mounted'])).toBe('npm_token\ntoken\n')

    // GITHUB_TOKEN: a warning names the secret, the variable and the input that would allow it.
    const findings = JSON.parse(run.outputs.findings as string) as Array<{ severity: string; message: string; file?: string; line?: number; suggestion?: string }>
    expect(findings).toContainEqual(
      expect.objectContaining({
        severity: 'warning',
        message: `${appTarget}: the build secret 'gh' reads the variable GITHUB_TOKEN, which the build-secret-env input does not list; it is not passed to the build`,
        file: 'project/docker-compose.yml',
        line: 10,
        suggestion: expect.stringContaining('build-secret-env: GITHUB_TOKEN')
      })
    )

    // No value anywhere a person or a later step reads.
    const shown = everythingShown(run)
    for (const value of [FILE_SECRET, NPM_SECRET, GITHUB_SECRET]) expect(shown).not.toContain(value)
  })

  it('a dry run prints the same --secret arguments and runs nothing', () => {
    const run = action('project', { mode: 'build', 'dry-run': 'true', 'build-secret-env': 'NPM_TOKEN' })
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain('--secret id=token,src=project/secret/token.txt --secret id=npm_token,env=NPM_TOKEN ')
    for (const value of [FILE_SECRET, NPM_SECRET, GITHUB_SECRET]) expect(everythingShown(run)).not.toContain(value)
  })

  it('refuses a build whose file secret leads outside the workspace through a symlink, naming the compose file and line', async () => {
    const run = action('escaping', { mode: 'build' })
    expect(run.exitCode).toBe(1)
    const build = phaseOf(run, 'docker.io/library/leak-app:latest', 'build')
    expect(build?.status).toBe('failed')
    expect(build?.error).toContain(`the build secret 'key' (escaping/docker-compose.yml:6) reads linked-key, outside the workspace; ${target.host}/ci/leak-app:v1 is not built`)
    expect(build?.commands ?? []).toEqual([])
    expect(everythingShown(run)).not.toContain('outside-key-material')
    await expect(dockerd.docker(['image', 'inspect', `${target.host}/ci/leak-app:v1`])).rejects.toThrow()
  })
})
