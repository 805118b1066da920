/**
 * The plan stage: the WHOLE plan becomes typed jobs, and a shard or a mode is
 * only a filter over them (issue 8). Pure apart from reading Dockerfiles from
 * a temporary workspace, so no docker and no registry.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { BuildSecret, MappingOutcome, Plan, PlannedImage } from '../src/model.js'
import { planJobs, selectJobs, type JobSet, type PlanJobsOptions } from '../src/plan/jobs.js'
import { familiarName } from '../src/reference.js'
import type { Mode } from '../src/settings.js'
import type { Builder } from '../src/engine/docker/builder.js'
import { plannedImage } from './harness/registry-api.js'

const REGISTRY = 'harbor.example.com/aihpc'

let workspace: string
let outside: string

/** Reads like the pipeline does: symlinks resolved, so confinement sees where a file really is. */
function readWorkspaceFile(absolutePath: string): { realPath: string; text: string } {
  const realPath = fs.realpathSync(absolutePath)
  return { realPath, text: fs.statSync(realPath).isFile() ? fs.readFileSync(realPath, 'utf8') : '' }
}

function options(overrides: Partial<PlanJobsOptions> = {}): PlanJobsOptions {
  return { root: workspace, workspace, useMirroredBases: true, push: true, platforms: [], readFile: readWorkspaceFile, ...overrides }
}

function write(relative: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(workspace, relative)), { recursive: true })
  fs.writeFileSync(path.join(workspace, relative), text)
}

function withMapping(image: PlannedImage, mapping: MappingOutcome): PlannedImage {
  const { targetRef: _unused, ...rest } = image
  return { ...rest, mapping, target: null }
}

function plan(images: PlannedImage[]): Plan {
  return { images, findings: [], files: [] }
}

beforeAll(() => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'im-jobs-ws-'))
  outside = fs.mkdtempSync(path.join(os.tmpdir(), 'im-jobs-outside-'))
  write('api/Dockerfile', 'FROM golang:1.24-alpine AS build\nRUN go build\nFROM postgres:15-alpine\nCOPY --from=build /app /app\n')
  write('web/Dockerfile', 'ARG NODE=node:20-alpine\nFROM ${NODE}\nRUN npm ci\n')
  fs.writeFileSync(path.join(outside, 'Dockerfile'), 'FROM postgres:15-alpine\n')
})

afterAll(() => {
  fs.rmSync(workspace, { recursive: true, force: true })
  fs.rmSync(outside, { recursive: true, force: true })
})

/** Two bases and one service built from both: the shape of issue 8's shard bug. */
function twoBasesOneService(): Plan {
  return plan([
    plannedImage('base', 'golang:1.24-alpine', `${REGISTRY}/library/golang:1.24-alpine`),
    plannedImage('base', 'postgres:15-alpine', `${REGISTRY}/library/postgres:15-alpine`),
    plannedImage('service', 'aihpc/api:v1', `${REGISTRY}/api:v1`, { context: 'api', dockerfile: 'api/Dockerfile', args: { MODE: 'prod' } })
  ])
}

describe('planJobs', () => {
  test('derives a mirror job per mapped base, a build job per service and a verify job per mapped image', () => {
    const jobs = planJobs(twoBasesOneService(), options())

    expect(jobs.mirror.map(job => [familiarName(job.source), familiarName(job.target)])).toEqual([
      ['golang:1.24-alpine', `${REGISTRY}/library/golang:1.24-alpine`],
      ['postgres:15-alpine', `${REGISTRY}/library/postgres:15-alpine`]
    ])
    expect(jobs.build).toHaveLength(1)
    expect(jobs.build[0]).toMatchObject({ kind: 'build', image: 'docker.io/aihpc/api:v1', dockerfilePath: 'api/Dockerfile', pullsFrom: ['harbor.example.com'], push: true })
    expect(jobs.build[0]!.command).toMatchObject({ context: path.join(workspace, 'api'), args: { MODE: 'prod' } })
    expect(jobs.build[0]!.command.tags.map(familiarName)).toEqual([`${REGISTRY}/api:v1`])
    expect(jobs.verify.map(job => familiarName(job.target))).toEqual([`${REGISTRY}/library/golang:1.24-alpine`, `${REGISTRY}/library/postgres:15-alpine`, `${REGISTRY}/api:v1`])
    expect(jobs.blocked).toEqual([])
    expect(jobs.findings).toEqual([])
  })

  test('a build is rewritten against the mirrored targets of every base it uses, every stage included, and the file on disk is untouched', () => {
    const [build] = planJobs(twoBasesOneService(), options()).build
    expect(build!.command.dockerfile).toBe(
      `FROM ${REGISTRY}/library/golang:1.24-alpine AS build\nRUN go build\nFROM ${REGISTRY}/library/postgres:15-alpine\nCOPY --from=build /app /app\n`
    )
    expect(fs.readFileSync(path.join(workspace, 'api/Dockerfile'), 'utf8')).toContain('FROM golang:1.24-alpine AS build')
  })

  test('a base named through an ARG default is rewritten where the FROM uses it', () => {
    const jobs = planJobs(
      plan([
        plannedImage('base', 'node:20-alpine', `${REGISTRY}/library/node:20-alpine`),
        plannedImage('service', 'aihpc/web:v1', `${REGISTRY}/web:v1`, { context: 'web', dockerfile: 'web/Dockerfile', args: {} })
      ]),
      options()
    )
    expect(jobs.build[0]!.command.dockerfile).toBe(`ARG NODE=node:20-alpine\nFROM ${REGISTRY}/library/node:20-alpine\nRUN npm ci\n`)
  })

  test("BuildKit's TARGETARCH is read for the platforms the build passes: one platform is rewritten, several leave it with a notice", () => {
    write('arch/Dockerfile', 'FROM golang:1.25 AS build\nFROM gcr.io/distroless/static:nonroot-${TARGETARCH}\n')
    const buildkitBuilder: Builder = { kind: 'buildx', name: 'ci', description: 'buildx' }
    const images = (platforms: string[]) =>
      plan([
        plannedImage('base', 'golang:1.25', `${REGISTRY}/library/golang:1.25`),
        plannedImage('base', 'gcr.io/distroless/static:nonroot-arm64', `${REGISTRY}/distroless/static:nonroot-arm64`),
        plannedImage('service', 'aihpc/arch:v1', `${REGISTRY}/arch:v1`, { context: 'arch', dockerfile: 'arch/Dockerfile', args: {}, platforms })
      ])
    const one = planJobs(images(['linux/arm64']), options({ builder: buildkitBuilder }))
    expect([one.build[0]!.command.dockerfile, one.findings]).toEqual([`FROM ${REGISTRY}/library/golang:1.25 AS build\nFROM ${REGISTRY}/distroless/static:nonroot-arm64\n`, []])
    const several = planJobs(images(['linux/amd64', 'linux/arm64']), options({ builder: buildkitBuilder }))
    expect(several.build[0]!.command.dockerfile).toBe(`FROM ${REGISTRY}/library/golang:1.25 AS build\nFROM gcr.io/distroless/static:nonroot-\${TARGETARCH}\n`)
    expect(several.findings).toEqual([expect.objectContaining({ kind: 'scan-note', severity: 'notice', file: 'arch/Dockerfile', line: 2 })])
  })

  test('use-mirrored-bases false keeps the Dockerfile as written and pulls from nowhere in particular', () => {
    const [build] = planJobs(twoBasesOneService(), options({ useMirroredBases: false })).build
    expect(build!.command.dockerfile).toBe(fs.readFileSync(path.join(workspace, 'api/Dockerfile'), 'utf8'))
    expect(build!.pullsFrom).toEqual([])
  })

  test('an excluded, unmapped, collision or invalid image gets no job of any kind, and its base is not rewritten into builds', () => {
    const golang = plannedImage('base', 'golang:1.24-alpine', `${REGISTRY}/library/golang:1.24-alpine`)
    const postgres = plannedImage('base', 'postgres:15-alpine', `${REGISTRY}/library/postgres:15-alpine`)
    for (const mapping of ['excluded', 'unmapped', 'collision', 'invalid'] as const) {
      const jobs = planJobs(
        plan([
          withMapping(golang, mapping),
          postgres,
          plannedImage('service', 'aihpc/api:v1', `${REGISTRY}/api:v1`, { context: 'api', dockerfile: 'api/Dockerfile', args: {} }),
          withMapping(plannedImage('service', 'aihpc/other:v1', `${REGISTRY}/other:v1`, { context: 'api', dockerfile: 'api/Dockerfile', args: {} }), mapping)
        ]),
        options()
      )
      const images = [...jobs.mirror, ...jobs.build, ...jobs.verify, ...jobs.blocked].map(job => job.image)
      expect(images).not.toContain(golang.source)
      expect(images).not.toContain('docker.io/aihpc/other:v1')
      expect(jobs.mirror.map(job => job.image)).toEqual([postgres.source])
      // The unmapped base keeps its public name; the mapped one is rewritten.
      expect(jobs.build[0]!.command.dockerfile).toContain('FROM golang:1.24-alpine AS build')
      expect(jobs.build[0]!.command.dockerfile).toContain(`FROM ${REGISTRY}/library/postgres:15-alpine`)
    }
  })

  test('a base whose source already is its target is not copied onto itself: no mirror job, a notice, and still a verify job', () => {
    const target = `${REGISTRY}/library/redis:7-alpine`
    const jobs = planJobs(plan([plannedImage('base', target, target)]), options())
    expect(jobs.mirror).toEqual([])
    expect(jobs.verify.map(job => job.image)).toEqual([`${REGISTRY}/library/redis:7-alpine`])
    expect(jobs.findings).toEqual([
      expect.objectContaining({ kind: 'excluded', severity: 'notice', image: `${REGISTRY}/library/redis:7-alpine`, file: 'docker-compose.yml', line: 1 })
    ])
    expect(jobs.findings[0]!.message).toMatch(/already in the target registry; it is verified, never copied onto itself$/)
  })

  test('with a platform filter, a base already at its target is a warning: copying would drop its other platforms', () => {
    const target = `${REGISTRY}/library/redis:7-alpine`
    const jobs = planJobs(plan([plannedImage('base', target, target)]), options({ platforms: ['linux/amd64'] }))
    expect(jobs.mirror).toEqual([])
    expect(jobs.findings).toEqual([expect.objectContaining({ kind: 'excluded', severity: 'warning' })])
    expect(jobs.findings[0]!.message).toContain('overwrite it with fewer platforms')
  })

  test('a build context outside the workspace is blocked, not built', () => {
    const jobs = planJobs(
      plan([plannedImage('service', 'aihpc/evil:v1', `${REGISTRY}/evil:v1`, { context: path.relative(workspace, outside), dockerfile: 'api/Dockerfile', args: {} })]),
      options()
    )
    expect(jobs.build).toEqual([])
    expect(jobs.blocked).toEqual([
      {
        image: 'docker.io/aihpc/evil:v1',
        phase: 'build',
        failure: { kind: 'unsupported', side: 'local', phase: 'build', message: expect.stringMatching(/outside the workspace; it is not built$/) }
      }
    ])
    // The verify job stays: the report still says whether the image is there.
    expect(jobs.verify.map(job => job.image)).toEqual(['docker.io/aihpc/evil:v1'])
  })

  test('a build context that is a symlink pointing outside the workspace is blocked too', () => {
    fs.symlinkSync(outside, path.join(workspace, 'linked-context'))
    try {
      const jobs = planJobs(
        plan([plannedImage('service', 'aihpc/evil:v1', `${REGISTRY}/evil:v1`, { context: 'linked-context', dockerfile: 'api/Dockerfile', args: {} })]),
        options()
      )
      expect(jobs.build).toEqual([])
      expect(jobs.blocked.map(job => job.failure.message)).toEqual(['the build context linked-context is outside the workspace; it is not built'])
    } finally {
      fs.rmSync(path.join(workspace, 'linked-context'))
    }
  })

  test('a Dockerfile that is a symlink pointing outside the workspace is blocked', () => {
    fs.symlinkSync(path.join(outside, 'Dockerfile'), path.join(workspace, 'api', 'Linked.Dockerfile'))
    try {
      const jobs = planJobs(
        plan([plannedImage('service', 'aihpc/evil:v1', `${REGISTRY}/evil:v1`, { context: 'api', dockerfile: 'api/Linked.Dockerfile', args: {} })]),
        options()
      )
      expect(jobs.build).toEqual([])
      expect(jobs.blocked.map(job => job.failure.message)).toEqual(['api/Linked.Dockerfile is outside the workspace; it is not built'])
    } finally {
      fs.rmSync(path.join(workspace, 'api', 'Linked.Dockerfile'))
    }
  })

  test('a missing Dockerfile or build section blocks only that build, with a message naming it', () => {
    const noBuild = plannedImage('service', 'aihpc/nobuild:v1', `${REGISTRY}/nobuild:v1`)
    const jobs = planJobs(
      plan([noBuild, plannedImage('service', 'aihpc/gone:v1', `${REGISTRY}/gone:v1`, { context: 'api', dockerfile: 'api/Gone.Dockerfile', args: {} }), ...twoBasesOneService().images]),
      options()
    )
    expect(jobs.build.map(job => job.image)).toEqual(['docker.io/aihpc/api:v1'])
    expect(jobs.blocked.map(job => [job.image, job.failure.message])).toEqual([
      ['docker.io/aihpc/nobuild:v1', `${REGISTRY}/nobuild:v1 has no build section (context and Dockerfile)`],
      ['docker.io/aihpc/gone:v1', expect.stringMatching(/^could not read api\/Gone\.Dockerfile: /)]
    ])
  })

  test('an inline Dockerfile (compose dockerfile_inline, or a rendered template) is built from its text, not from a file', () => {
    const jobs = planJobs(
      plan([
        plannedImage('base', 'postgres:15-alpine', `${REGISTRY}/library/postgres:15-alpine`),
        plannedImage('service', 'aihpc/inline:v1', `${REGISTRY}/inline:v1`, {
          context: 'api',
          // The path it stands for does not exist: the text is in the spec.
          dockerfile: 'api/Dockerfile.inline',
          dockerfileInline: 'FROM postgres:15-alpine\nRUN echo inline\n',
          args: {}
        })
      ]),
      options()
    )
    expect(jobs.blocked).toEqual([])
    expect(jobs.build[0]?.command.dockerfile).toBe(`FROM ${REGISTRY}/library/postgres:15-alpine\nRUN echo inline\n`)
  })

  test('the network of a build is the compose build.network, else the build-network input, else absent (docker’s default)', () => {
    const spec = { context: 'api', dockerfile: 'api/Dockerfile', args: {} }
    const images = [plannedImage('service', 'aihpc/a:v1', `${REGISTRY}/a:v1`, { ...spec, network: 'none' }), plannedImage('service', 'aihpc/b:v1', `${REGISTRY}/b:v1`, spec)]
    expect(planJobs(plan(images), options({ buildNetwork: 'host' })).build.map(job => job.command.network)).toEqual(['none', 'host'])
    expect(planJobs(plan(images), options()).build.map(job => job.command.network)).toEqual(['none', undefined])
  })

  test('push false makes build jobs that are not pushed', () => {
    expect(planJobs(twoBasesOneService(), options({ push: false })).build.map(job => job.push)).toEqual([false])
  })
})

describe('planJobs for the builder the engine found', () => {
  const buildx: Builder = { kind: 'buildx', name: 'ci-builder', description: 'BuildKit through docker buildx v0.17.1' }
  const buildkit: Builder = { kind: 'buildkit', description: "the daemon's built-in BuildKit" }
  const legacy: Builder = { kind: 'legacy', description: 'the legacy builder' }
  /** A service whose compose build uses every key the inventory reads. */
  function everyKey(): Plan {
    write('keys/Dockerfile', '# syntax=docker/dockerfile:1\nFROM base AS assets\nFROM golang:1.24-alpine\nCOPY --from=assets /a /a\n')
    fs.mkdirSync(path.join(workspace, 'keys', 'assets'), { recursive: true })
    write('keys/npmrc', 'registry=https://npm.example.com\n')
    return plan([
      plannedImage('base', 'golang:1.24-alpine', `${REGISTRY}/library/golang:1.24-alpine`),
      plannedImage('base', 'alpine:3.20', `${REGISTRY}/library/alpine:3.20`),
      { ...plannedImage('base', 'docker/dockerfile:1', `${REGISTRY}/docker/dockerfile:1`), frontend: true },
      plannedImage('service', 'aihpc/keys:v1', `${REGISTRY}/keys:v1`, {
        context: 'keys',
        dockerfile: 'keys/Dockerfile',
        args: {},
        platforms: ['linux/amd64', 'linux/arm64'],
        secrets: [
          { id: 'npmrc', name: 'npmrc', origin: { file: 'compose.yml', line: 9 }, file: 'keys/npmrc' },
          { id: 'npm_token', name: 'npm_token', origin: { file: 'compose.yml', line: 10 }, environment: 'NPM_TOKEN' }
        ],
        ssh: ['default'],
        additionalContexts: { base: 'docker-image://alpine:3.20', files: 'keys/assets' },
        contextImages: { base: 'docker.io/library/alpine:3.20' },
        cacheFrom: ['type=registry,ref=harbor.example.com/aihpc/keys:cache', 'type=local,src=/tmp/cache'],
        cacheTo: ['type=inline'],
        labels: { team: 'infra' },
        extraHosts: ['db:127.0.0.9'],
        shmSize: '256m',
        network: 'host',
        otherKeys: ['privileged']
      })
    ])
  }
  const jobFor = (builder: Builder | undefined, overrides: Partial<PlanJobsOptions> = {}) => {
    const jobs = planJobs(everyKey(), options({ ...(builder !== undefined && { builder }), buildSecretEnv: ['NPM_TOKEN'], ...overrides }))
    expect(jobs.blocked).toEqual([])
    return { job: jobs.build[0]!, findings: jobs.findings }
  }

  test('buildx honours every key the inventory reads, with named contexts on the mirrored images and in the workspace, and pushes itself', () => {
    const { job, findings } = jobFor(buildx)
    expect(job.ignoredKeys).toEqual(['privileged'])
    expect(job.command).toMatchObject({
      builder: buildx,
      push: true,
      platforms: ['linux/amd64', 'linux/arm64'],
      ssh: ['default'],
      cacheFrom: ['type=registry,ref=harbor.example.com/aihpc/keys:cache', 'type=local,src=/tmp/cache'],
      cacheTo: ['type=inline'],
      shmSize: '256m',
      network: 'host',
      labels: { team: 'infra' },
      extraHosts: ['db:127.0.0.9'],
      contexts: { base: `docker-image://${REGISTRY}/library/alpine:3.20`, files: path.join(workspace, 'keys', 'assets') },
      secrets: [
        { id: 'npmrc', src: fs.realpathSync(path.join(workspace, 'keys', 'npmrc')), shownSrc: 'keys/npmrc' },
        { id: 'npm_token', env: 'NPM_TOKEN' }
      ]
    })
    expect(findings.map(finding => finding.message)).toEqual([`${REGISTRY}/keys:v1: the build ignores the compose build key privileged (BuildKit through docker buildx cannot honour it)`])
  })

  test('the # syntax= frontend and every FROM name the mirrored targets, and a stage taken from a named context stays a context', () => {
    const { job } = jobFor(buildx)
    expect(job.command.dockerfile).toBe(`# syntax=${REGISTRY}/docker/dockerfile:1\nFROM base AS assets\nFROM ${REGISTRY}/library/golang:1.24-alpine\nCOPY --from=assets /a /a\n`)
    expect(job.pullsFrom).toEqual(['harbor.example.com'])
  })

  test('buildx building into the local store (push: false) loads, and cannot keep several platforms', () => {
    const { job } = jobFor(buildx, { push: false })
    expect(job.command.push).toBeUndefined()
    expect(job.command.platforms).toBeUndefined()
    expect(job.ignoredKeys).toContain('platforms (more than one: only a build that pushes can keep them)')
  })

  test('the built-in BuildKit: secrets, but no named contexts, cache export, shm size or several platforms; registry cache sources as image names', () => {
    const { job, findings } = jobFor(buildkit)
    expect(job.ignoredKeys).toEqual([
      'additional_contexts',
      'platforms (more than one)',
      'cache_from type=local,src=/tmp/cache',
      'cache_to',
      'shm_size',
      'privileged'
    ])
    expect(job.command).toMatchObject({ builder: buildkit, ssh: ['default'], cacheFrom: ['harbor.example.com/aihpc/keys:cache'], network: 'host' })
    expect(job.command.secrets?.map(secret => secret.id)).toEqual(['npmrc', 'npm_token'])
    expect(job.command.contexts).toBeUndefined()
    expect(job.command.shmSize).toBeUndefined()
    expect(job.command.push).toBeUndefined()
    expect(findings[0]?.message).toContain("(the daemon's built-in BuildKit cannot honour them)")
  })

  test('the legacy builder (and a plain docker build, when no builder is known) keeps shm size but drops secrets and ssh', () => {
    for (const builder of [legacy, undefined]) {
      const { job, findings } = jobFor(builder)
      expect(job.ignoredKeys).toEqual(['additional_contexts', 'platforms (more than one)', 'cache_from type=local,src=/tmp/cache', 'cache_to', 'ssh', 'secrets', 'privileged'])
      expect(job.command).toMatchObject({ shmSize: '256m', cacheFrom: ['harbor.example.com/aihpc/keys:cache'] })
      expect(job.command.ssh).toBeUndefined()
      expect(job.command.secrets).toBeUndefined()
      expect(findings[0]?.message).toContain('(the legacy builder cannot honour them)')
    }
  })

  test('BuildKit builds on default, host or none: a user-defined network is reported and not passed', () => {
    const spec = { context: 'api', dockerfile: 'api/Dockerfile', args: {}, network: 'ci-net' }
    const jobs = planJobs(plan([plannedImage('service', 'aihpc/a:v1', `${REGISTRY}/a:v1`, spec)]), options({ builder: buildkit }))
    expect(jobs.build[0]?.command.network).toBeUndefined()
    expect(jobs.build[0]?.ignoredKeys).toEqual(['network ci-net (BuildKit builds on default, host or none)'])
    expect(planJobs(plan([plannedImage('service', 'aihpc/a:v1', `${REGISTRY}/a:v1`, spec)]), options({ builder: legacy })).build[0]?.command.network).toBe('ci-net')
  })

  test('an ssh key or a named context outside the workspace is never handed to the build', () => {
    const spec = { context: 'api', dockerfile: 'api/Dockerfile', args: {} }
    const ssh = planJobs(plan([plannedImage('service', 'aihpc/a:v1', `${REGISTRY}/a:v1`, { ...spec, ssh: [`deploy=${path.join(outside, 'id_rsa')}`, 'default'] })]), options({ builder: buildkit }))
    expect(ssh.build[0]?.command.ssh).toEqual(['default'])
    expect(ssh.build[0]?.ignoredKeys).toEqual(['ssh deploy (its key is outside the workspace)'])
    const contexts = planJobs(plan([plannedImage('service', 'aihpc/a:v1', `${REGISTRY}/a:v1`, { ...spec, additionalContexts: { secrets: outside } })]), options({ builder: buildx }))
    expect(contexts.build).toEqual([])
    expect(contexts.blocked[0]?.failure.message).toContain('is outside the workspace')
  })

  test('a builder input naming a buildx builder where buildx is missing blocks every build, saying why', () => {
    const problem = 'the builder input names the buildx builder ci-builder, but docker buildx is not installed here'
    const jobs = planJobs(twoBasesOneService(), options({ builder: { kind: 'legacy', description: 'the legacy builder', problem } }))
    expect(jobs.build).toEqual([])
    expect(jobs.blocked).toEqual([{ image: 'docker.io/aihpc/api:v1', phase: 'build', failure: expect.objectContaining({ kind: 'unsupported', message: `${REGISTRY}/api:v1 is not built: ${problem}` }) }])
    expect(jobs.mirror).toHaveLength(2)
  })
})

describe('build secrets (the compose file is the repository\'s; files outside the workspace and the runner\'s variables are not)', () => {
  const buildkit: Builder = { kind: 'buildkit', description: "the daemon's built-in BuildKit" }
  const at = { file: 'compose.yml', line: 12 }
  const jobsWith = (secrets: BuildSecret[], overrides: Partial<PlanJobsOptions> = {}) =>
    planJobs(plan([plannedImage('service', 'aihpc/s:v1', `${REGISTRY}/s:v1`, { context: 'api', dockerfile: 'api/Dockerfile', args: {}, secrets })]), options({ builder: buildkit, ...overrides }))

  beforeAll(() => {
    write('secrets/token.txt', 'not-a-real-token\n')
    fs.writeFileSync(path.join(outside, 'id_rsa'), 'outside\n')
    fs.symlinkSync(path.join(outside, 'id_rsa'), path.join(workspace, 'secrets', 'escape.txt'))
    fs.symlinkSync(path.join(workspace, 'secrets', 'token.txt'), path.join(workspace, 'secrets', 'inside-link.txt'))
  })

  test('a file inside the workspace is passed by its real path, shown relative to the workspace', () => {
    const jobs = jobsWith([
      { id: 'token', name: 'token', origin: at, file: 'secrets/token.txt' },
      { id: 'linked', name: 'linked', origin: at, file: 'secrets/inside-link.txt' }
    ])
    expect(jobs.blocked).toEqual([])
    expect(jobs.build[0]?.command.secrets).toEqual([
      { id: 'token', src: fs.realpathSync(path.join(workspace, 'secrets', 'token.txt')), shownSrc: 'secrets/token.txt' },
      { id: 'linked', src: fs.realpathSync(path.join(workspace, 'secrets', 'token.txt')), shownSrc: 'secrets/token.txt' }
    ])
  })

  test.each([
    ['a parent path', () => path.relative(workspace, path.join(outside, 'id_rsa'))],
    ['an absolute path', () => path.join(outside, 'id_rsa')],
    ['a symlink that leads outside', () => 'secrets/escape.txt'],
    ["the runner's home", () => '~/.ssh/id_rsa']
  ])('a file outside the workspace refuses the build, naming the compose file and line: %s', (_name, file) => {
    const jobs = jobsWith([{ id: 'key', name: 'deploy_key', origin: at, file: file() }])
    expect(jobs.build).toEqual([])
    expect(jobs.blocked).toEqual([
      {
        image: 'docker.io/aihpc/s:v1',
        phase: 'build',
        failure: expect.objectContaining({ kind: 'unsupported', side: 'local', message: `the build secret 'deploy_key' (compose.yml:12) reads ${file()}, outside the workspace; ${REGISTRY}/s:v1 is not built` })
      }
    ])
  })

  test('a file that does not exist refuses the build, saying so', () => {
    const jobs = jobsWith([{ id: 'key', name: 'key', origin: at, file: 'secrets/missing.txt' }])
    expect(jobs.blocked[0]?.failure.message).toBe(`the build secret 'key' (compose.yml:12) reads secrets/missing.txt, which does not exist; ${REGISTRY}/s:v1 is not built`)
  })

  test('a variable the build-secret-env input does not list is not passed: a warning names the secret, the variable and the input', () => {
    const jobs = jobsWith([{ id: 'gh', name: 'gh', origin: at, environment: 'GITHUB_TOKEN' }])
    expect(jobs.blocked).toEqual([])
    expect(jobs.build[0]?.command.secrets).toBeUndefined()
    expect(jobs.findings).toEqual([
      {
        kind: 'scan-note',
        severity: 'warning',
        message: `${REGISTRY}/s:v1: the build secret 'gh' reads the variable GITHUB_TOKEN, which the build-secret-env input does not list; it is not passed to the build`,
        image: 'docker.io/aihpc/s:v1',
        file: 'compose.yml',
        line: 12,
        suggestion: expect.stringContaining('build-secret-env: GITHUB_TOKEN')
      }
    ])
  })

  test('a variable the input lists is passed by name only (docker reads it from its environment)', () => {
    const jobs = jobsWith([{ id: 'npm', name: 'npm_token', origin: at, environment: 'NPM_TOKEN' }], { buildSecretEnv: ['NPM_TOKEN'] })
    expect(jobs.findings).toEqual([])
    expect(jobs.build[0]?.command.secrets).toEqual([{ id: 'npm', env: 'NPM_TOKEN' }])
  })

  test('a secret without a definition refuses the build with the file and line; an external one is left out (extraction warned)', () => {
    const missing = jobsWith([{ id: 'npm', name: 'npm_token', origin: at, unusable: 'undefined' }])
    expect(missing.blocked[0]?.failure.message).toBe(`the build secret 'npm_token' (compose.yml:12) has no top-level secrets: definition (compose refuses such a project); ${REGISTRY}/s:v1 is not built`)
    const external = jobsWith([{ id: 'vault', name: 'vault', origin: at, unusable: 'external' }])
    expect(external.blocked).toEqual([])
    expect(external.findings).toEqual([])
    expect(external.build[0]?.command.secrets).toBeUndefined()
  })

  test('an id or a variable that could smuggle another --secret field refuses the build (bad-input twins)', () => {
    const id = jobsWith([{ id: 'x,src=/etc/shadow', name: 'x', origin: at, file: 'secrets/token.txt' }])
    expect(id.blocked[0]?.failure.message).toContain("has the id 'x,src=/etc/shadow', which docker cannot take")
    const variable = jobsWith([{ id: 'x', name: 'x', origin: at, environment: 'A,src=/etc/shadow' }], { buildSecretEnv: ['A,src=/etc/shadow'] })
    expect(variable.blocked[0]?.failure.message).toContain("names the variable 'A,src=/etc/shadow', which is not a variable name")
  })
})

describe('selectJobs', () => {
  const summary = (jobs: JobSet): Record<string, string[]> => ({
    mirror: jobs.mirror.map(job => job.image),
    build: jobs.build.map(job => job.image),
    verify: jobs.verify.map(job => job.image),
    blocked: jobs.blocked.map(job => job.image)
  })

  test('a shard holding only the service still builds against the mirrored targets of both bases, copied by other shards', () => {
    const whole = planJobs(twoBasesOneService(), options())
    const shard = selectJobs(whole, 'all', new Set(['docker.io/aihpc/api:v1']))

    expect(summary(shard)).toEqual({ mirror: [], build: ['docker.io/aihpc/api:v1'], verify: ['docker.io/aihpc/api:v1'], blocked: [] })
    const dockerfile = shard.build[0]!.command.dockerfile
    expect(dockerfile).toContain(`FROM ${REGISTRY}/library/golang:1.24-alpine AS build`)
    expect(dockerfile).toContain(`FROM ${REGISTRY}/library/postgres:15-alpine`)
    expect(dockerfile).not.toMatch(/FROM (golang|postgres):/)
    expect(shard.build[0]!.pullsFrom).toEqual(['harbor.example.com'])
  })

  test.each<[Mode, Record<string, string[]>]>([
    ['plan', { mirror: [], build: [], verify: [], blocked: [] }],
    ['check', { mirror: [], build: [], verify: [], blocked: [] }],
    ['mirror', { mirror: ['docker.io/library/golang:1.24-alpine', 'docker.io/library/postgres:15-alpine'], build: [], verify: [], blocked: [] }],
    ['build', { mirror: [], build: ['docker.io/aihpc/api:v1'], verify: [], blocked: ['docker.io/aihpc/evil:v1'] }],
    [
      'verify',
      {
        mirror: [],
        build: [],
        verify: ['docker.io/library/golang:1.24-alpine', 'docker.io/library/postgres:15-alpine', 'docker.io/aihpc/api:v1', 'docker.io/aihpc/evil:v1'],
        blocked: []
      }
    ],
    [
      'all',
      {
        mirror: ['docker.io/library/golang:1.24-alpine', 'docker.io/library/postgres:15-alpine'],
        build: ['docker.io/aihpc/api:v1'],
        verify: ['docker.io/library/golang:1.24-alpine', 'docker.io/library/postgres:15-alpine', 'docker.io/aihpc/api:v1', 'docker.io/aihpc/evil:v1'],
        blocked: ['docker.io/aihpc/evil:v1']
      }
    ]
  ])('mode %s selects only its phases’ jobs (a blocked build shows only where builds run)', (mode, expected) => {
    const whole = planJobs(
      plan([
        ...twoBasesOneService().images,
        plannedImage('service', 'aihpc/evil:v1', `${REGISTRY}/evil:v1`, { context: path.relative(workspace, outside), dockerfile: 'api/Dockerfile', args: {} })
      ]),
      options()
    )
    expect(summary(selectJobs(whole, mode))).toEqual(expected)
  })

  test('a shard keeps the findings about its own images and those about no image', () => {
    const target = `${REGISTRY}/library/redis:7-alpine`
    const whole = planJobs(plan([plannedImage('base', target, target), ...twoBasesOneService().images]), options())
    const general = { kind: 'invalid-config' as const, severity: 'error' as const, message: 'about the run' }
    const withGeneral = { ...whole, findings: [...whole.findings, general] }
    expect(selectJobs(withGeneral, 'all', new Set(['docker.io/aihpc/api:v1'])).findings).toEqual([general])
    expect(selectJobs(withGeneral, 'all', new Set([target])).findings.map(finding => finding.kind)).toEqual(['excluded', 'invalid-config'])
  })
})
