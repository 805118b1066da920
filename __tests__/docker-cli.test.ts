/**
 * The one edge that runs docker (cli.ts) and how docker's failures become
 * typed ones (failures.ts): classification for retries, the one-line reason,
 * a failing command, cancellation. The process cases run the real docker
 * client against a socket nobody serves, or a loopback listener that never
 * answers; stdin, environment and streamed output are exercised against a
 * real dockerd in execute.test.ts (builds) and docker-engine.test.ts (logins).
 */
import { describe, expect, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as net from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { classifyDockerFailure, DockerCli, DockerCommandError, DockerNotFoundError, summarizeDockerError } from '../src/engine/docker/cli.js'
import { formatDockerCommand } from '../src/engine/docker/commands.js'
import { dockerFailure } from '../src/engine/docker/failures.js'

const failure = (stderr: string, exitCode = 1): DockerCommandError => new DockerCommandError(['push', 'x'], exitCode, stderr, '')

const LEGACY_BUILDER_NOTICE = [
  'DEPRECATED: The legacy builder is deprecated and will be removed in a future release.',
  '            BuildKit is currently disabled; enable it by removing the DOCKER_BUILDKIT=0',
  '            environment-variable.',
  ''
].join('\n')

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (caught: unknown) => caught
  )
}

describe('classifyDockerFailure', () => {
  test.each([
    ['Error response from daemon: Get "http://127.0.0.1:5000/v2/": dial tcp 127.0.0.1:5000: connect: connection refused', 'transient'],
    ['Error response from daemon: Get "https://registry-1.docker.io/v2/": net/http: TLS handshake timeout', 'transient'],
    ['read tcp 10.0.0.1:1->10.0.0.2:443: read: connection reset by peer', 'transient'],
    ['Get "https://r.example/v2/": dial tcp: i/o timeout', 'transient'],
    ['error pulling image configuration: Get "https://r/v2/x/blobs/sha256:ab": EOF', 'transient'],
    ['toomanyrequests: You have reached your pull rate limit.', 'transient'],
    ['received unexpected HTTP status: 503 Service Unavailable', 'transient'],
    ['received unexpected HTTP status: 500 Internal Server Error', 'transient'],
    ['Error response from daemon: login attempt to http://127.0.0.1:5000/v2/ failed with status: 401 Unauthorized', 'unauthorized'],
    ['unauthorized: authentication required', 'unauthorized'],
    ['denied: requested access to the resource is denied', 'unauthorized'],
    ['no basic auth credentials', 'unauthorized'],
    ['Error response from daemon: manifest for 127.0.0.1:5000/x:1 not found: manifest unknown: manifest unknown', 'not-found'],
    ['no such manifest: 127.0.0.1:5000/library/postgres:nope', 'not-found'],
    ['Error response from daemon: No such image: nope:1', 'not-found'],
    ['invalid reference format', 'other']
  ])('%s → %s', (stderr, kind) => {
    expect(classifyDockerFailure(failure(stderr))).toBe(kind)
  })

  test('an unauthorized answer is permanent even when the text also mentions a 5xx-looking word', () => {
    expect(classifyDockerFailure(failure('unauthorized: Service Unavailable behind auth proxy'))).toBe('unauthorized')
  })

  test('a digest that happens to contain 503 or 429 is not read as an HTTP status', () => {
    expect(classifyDockerFailure(failure(`invalid checksum digest format sha256:${'5034290'.padEnd(64, 'a')}`))).toBe('other')
  })

  test('errors that did not come from docker are never retried', () => {
    expect(classifyDockerFailure(new Error('connection refused'))).toBe('other')
  })
})

describe('summarizeDockerError', () => {
  test.each([
    ['Error response from daemon: manifest unknown', '', 'manifest unknown'],
    ['\nWARNING! Your credentials are stored unencrypted\nError response from daemon: login attempt failed with status: 401 Unauthorized\n', '', 'login attempt failed with status: 401 Unauthorized'],
    ['no such manifest: r/x:1\n', '', 'no such manifest: r/x:1'],
    ['', 'step 3\nThe command returned a non-zero code: 1\n', 'The command returned a non-zero code: 1'],
    ['', '', 'docker exited without an error message'],
    [`${LEGACY_BUILDER_NOTICE}The command '/bin/sh -c exit 3' returned a non-zero code: 3\n`, '', "The command '/bin/sh -c exit 3' returned a non-zero code: 3"],
    [`cancelled (aborted)\n${LEGACY_BUILDER_NOTICE}`, 'Step 2/2 : RUN sleep 60\n', 'cancelled (aborted)']
  ])('%j → %j', (stderr, stdout, summary) => {
    expect(summarizeDockerError(stderr, stdout)).toBe(summary)
  })

  test('the legacy builder’s deprecation notice, continuation lines included, is never the reason', () => {
    expect(summarizeDockerError(LEGACY_BUILDER_NOTICE, 'Step 1/1 : FROM x\n')).toBe('Step 1/1 : FROM x')
  })
})

describe('dockerFailure', () => {
  test.each([
    ['unauthorized: authentication required', 'unauthorized'],
    ['denied: requested access to the resource is denied', 'denied'],
    ['toomanyrequests: You have reached your pull rate limit.', 'rate-limited'],
    ['Error response from daemon: manifest unknown', 'not-found'],
    ['dial tcp 127.0.0.1:5000: connect: connection refused', 'unreachable'],
    ['invalid reference format', 'other']
  ])('%s → %s, on the side the caller names', (stderr, kind) => {
    for (const side of ['source', 'target', 'local'] as const) {
      const typed = dockerFailure(failure(stderr), side, 'push x', { host: 'r.example' })
      expect(typed).toMatchObject({ kind, side, message: `push x failed: ${summarizeDockerError(stderr)}` })
      expect(typed.details).toMatchObject({ host: 'r.example', log: stderr.trim() })
    }
  })

  test('a build failure is build-failed whatever docker said, and a cancelled command is cancelled whatever its exit code', () => {
    expect(dockerFailure(failure('Error response from daemon: manifest unknown'), 'local', 'build x', { build: true }).kind).toBe('build-failed')
    expect(dockerFailure(failure('cancelled (aborted)\nstep 2', -1), 'local', 'build x', { build: true }).kind).toBe('cancelled')
  })

  test('no docker binary is unsupported on this machine', () => {
    expect(dockerFailure(new DockerNotFoundError('docker'), 'target', 'push x')).toMatchObject({ kind: 'unsupported', side: 'local' })
  })
})

describe('DockerCli', () => {
  test('formats commands shell-ready, quoting only what needs it', () => {
    expect(formatDockerCommand(['image', 'inspect', '--format', '{{.Id}}', 'postgres:15-alpine'])).toBe("docker image inspect --format '{{.Id}}' postgres:15-alpine")
    expect(formatDockerCommand(['build', '--build-arg', "NOTE=it's here"])).toBe(`docker build --build-arg 'NOTE=it'\\''s here'`)
  })

  test('a failing command becomes a DockerCommandError with the arguments, the exit code and docker’s stderr', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-cli-test-'))
    try {
      const cli = new DockerCli({ env: { DOCKER_HOST: `unix://${path.join(dir, 'absent.sock')}`, DOCKER_CONFIG: dir } })
      const error = await rejection(cli.run({ args: ['image', 'inspect', 'postgres:15-alpine'] }))
      expect(error).toBeInstanceOf(DockerCommandError)
      const failed = error as DockerCommandError
      expect(failed.args).toEqual(['image', 'inspect', 'postgres:15-alpine'])
      expect(failed.exitCode).not.toBe(0)
      expect(failed.stderr).toContain('absent.sock')
      expect(failed.message).toMatch(/^docker image inspect postgres:15-alpine failed \(exit \d+\): /)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  test('a command whose signal has already fired never starts and is cancelled', async () => {
    const controller = new AbortController()
    controller.abort()
    const error = await rejection(new DockerCli({ binary: '/nonexistent/docker' }).run({ args: ['pull', 'x'] }, { signal: controller.signal }))
    expect(error).toBeInstanceOf(DockerCommandError)
    expect((error as DockerCommandError).exitCode).toBe(-1)
    expect(dockerFailure(error, 'source', 'pull x').kind).toBe('cancelled')
  })

  test('aborting a running command stops the docker process at once and types it cancelled', async () => {
    // A daemon address that accepts connections and never answers: docker would wait forever.
    const sockets: net.Socket[] = []
    const silent = net.createServer(socket => void sockets.push(socket))
    await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve))
    const port = (silent.address() as net.AddressInfo).port
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-cli-test-'))
    try {
      const cli = new DockerCli({ env: { DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_CONFIG: dir } })
      const controller = new AbortController()
      const started = Date.now()
      setTimeout(() => controller.abort(), 500)
      const error = await rejection(cli.run({ args: ['version'] }, { signal: controller.signal }))
      expect(Date.now() - started).toBeLessThan(10000)
      expect(error).toBeInstanceOf(DockerCommandError)
      expect((error as DockerCommandError).exitCode).toBe(-1)
      expect((error as DockerCommandError).stderr).toMatch(/^cancelled/)
      expect(dockerFailure(error, 'local', 'version').kind).toBe('cancelled')
    } finally {
      for (const socket of sockets) socket.destroy()
      await new Promise(resolve => silent.close(resolve))
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  test('a missing docker binary is DockerNotFoundError, not a failed command', async () => {
    const error = await rejection(new DockerCli({ binary: '/nonexistent/docker' }).run({ args: ['version'] }))
    expect(error).toBeInstanceOf(DockerNotFoundError)
  })
})
