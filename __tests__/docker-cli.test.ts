/**
 * The docker CLI wrapper: how docker's failures are classified for retries,
 * how a failure is summarised in one line, and that a dry run records without
 * running. The failing-command case runs the real docker client against a
 * socket nobody listens on.
 */
import { describe, expect, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { classifyDockerFailure, DockerCli, DockerCommandError, formatDockerCommand, summarizeDockerError } from '../src/engine/docker/cli.js'

const failure = (stderr: string): DockerCommandError => new DockerCommandError(['push', 'x'], 1, stderr, '')

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
    ['', '', 'docker exited without an error message']
  ])('%j → %j', (stderr, stdout, summary) => {
    expect(summarizeDockerError(stderr, stdout)).toBe(summary)
  })
})

describe('DockerCli', () => {
  test('formats commands shell-ready, quoting only what needs it', () => {
    expect(formatDockerCommand(['image', 'inspect', '--format', '{{.Id}}', 'postgres:15-alpine'])).toBe("docker image inspect --format '{{.Id}}' postgres:15-alpine")
    expect(formatDockerCommand(['build', '--build-arg', "NOTE=it's here"])).toBe(`docker build --build-arg 'NOTE=it'\\''s here'`)
  })

  test('a dry run records every command, runs none, and keeps the password out of the record', async () => {
    const seen: string[] = []
    // A daemon address nobody serves: any command that really ran would fail.
    const cli = new DockerCli({ dryRun: true, env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' }, onCommand: line => seen.push(line) })
    await cli.run(['pull', 'postgres:15-alpine'])
    await cli.login('registry.example.com', { username: 'bot', password: 'top-secret' })
    expect(cli.commands).toEqual(['docker pull postgres:15-alpine', 'docker login --username bot --password-stdin registry.example.com'])
    expect(seen).toEqual(cli.commands)
  })

  test('a failing command becomes a DockerCommandError with the arguments, the exit code and docker’s stderr', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-cli-test-'))
    try {
      const cli = new DockerCli({ env: { DOCKER_HOST: `unix://${path.join(dir, 'absent.sock')}`, DOCKER_CONFIG: dir } })
      const error = await cli.run(['image', 'inspect', 'postgres:15-alpine']).then(
        () => undefined,
        (caught: unknown) => caught
      )
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
})
