/**
 * The daemon's registry configuration (registry-mirrors, insecure-registries):
 * read from the daemon's API on its unix socket when docker would use that
 * socket, through `docker info` otherwise. Against a real private dockerd
 * started with a mirror and an insecure registry; the recording CLI shows
 * whether a docker process ran.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { daemonRegistryConfig, defaultDaemonSocket } from '../src/engine/docker/daemon.js'
import { RecordingDockerCli, startDockerd, type TestDockerd } from './harness/docker.js'

describe('defaultDaemonSocket', () => {
  const noConfig = fs.mkdtempSync(path.join(os.tmpdir(), 'image-mirror-daemon-'))
  const withContext = fs.mkdtempSync(path.join(os.tmpdir(), 'image-mirror-daemon-'))
  fs.writeFileSync(path.join(withContext, 'config.json'), JSON.stringify({ currentContext: 'remote' }))
  afterAll(() => {
    for (const dir of [noConfig, withContext]) fs.rmSync(dir, { recursive: true, force: true })
  })

  test.each([
    ['nothing set: docker’s default socket', {}, 'none', '/var/run/docker.sock'],
    ['a unix DOCKER_HOST', { DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }, 'none', '/run/user/1000/docker.sock'],
    ['a TCP DOCKER_HOST is the CLI’s to resolve', { DOCKER_HOST: 'tcp://127.0.0.1:2376' }, 'none', undefined],
    ['an SSH DOCKER_HOST is the CLI’s to resolve', { DOCKER_HOST: 'ssh://builder@build-host' }, 'none', undefined],
    ['DOCKER_CONTEXT names a context', { DOCKER_CONTEXT: 'remote' }, 'none', undefined],
    ['DOCKER_CONTEXT=default is the default socket', { DOCKER_CONTEXT: 'default' }, 'none', '/var/run/docker.sock'],
    ['config.json names a current context', {}, 'context', undefined],
    ['DOCKER_HOST wins over config.json’s context, as in the CLI', { DOCKER_HOST: 'unix:///tmp/d.sock' }, 'context', '/tmp/d.sock']
  ] as const)('%s', (_name, env, config, expected) => {
    expect(defaultDaemonSocket(env, config === 'context' ? withContext : noConfig, 'linux')).toBe(expected)
  })

  test('on Windows the daemon is a named pipe: the CLI finds it', () => {
    expect(defaultDaemonSocket({}, noConfig, 'win32')).toBeUndefined()
  })
})

describe('daemonRegistryConfig against a real dockerd', () => {
  let dockerd: TestDockerd
  const mirror = 'http://127.0.0.1:5999'
  beforeAll(async () => {
    dockerd = await startDockerd({ registryMirror: mirror, insecureRegistries: ['127.0.0.1:5998'] })
  }, 120000)
  afterAll(async () => {
    await dockerd?.stop()
  })

  test('reads the mirror and the insecure registries from the daemon’s socket without running docker', async () => {
    const cli = new RecordingDockerCli({ env: dockerd.env as Record<string, string> })
    const config = await daemonRegistryConfig(cli, { env: dockerd.env, dockerConfigDir: dockerd.env.DOCKER_CONFIG as string })
    expect(config?.mirrors).toEqual([mirror])
    expect(config?.insecureRegistries).toContain('127.0.0.1:5998')
    expect(cli.ran).toEqual([])
  })

  test('gives the same answer as docker info', async () => {
    const cli = new RecordingDockerCli({ env: dockerd.env as Record<string, string> })
    const viaSocket = await daemonRegistryConfig(cli, { env: dockerd.env, dockerConfigDir: dockerd.env.DOCKER_CONFIG as string })
    // A docker context makes the lookup go through the CLI; DOCKER_HOST still points the CLI at our daemon.
    const viaCli = await daemonRegistryConfig(cli, { env: { ...dockerd.env, DOCKER_CONTEXT: 'elsewhere' }, dockerConfigDir: dockerd.env.DOCKER_CONFIG as string })
    expect(cli.ran).toEqual(["docker info --format '{{json .RegistryConfig}}'"])
    expect(viaCli).toEqual(viaSocket)
  })

  test('no daemon on the socket: no configuration, and no docker process', async () => {
    const cli = new RecordingDockerCli({ env: dockerd.env as Record<string, string> })
    const missing = path.join(dockerd.dir, 'nobody-here.sock')
    expect(await daemonRegistryConfig(cli, { env: { DOCKER_HOST: `unix://${missing}` }, dockerConfigDir: dockerd.env.DOCKER_CONFIG as string })).toBeUndefined()
    expect(cli.ran).toEqual([])
  })
})
