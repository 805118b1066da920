/**
 * The private DOCKER_CONFIG our logins go to (src/docker-config.ts): seeded
 * from the user's directory without writing it, bypassing a credential store
 * only for the hosts we log in to, and removed only when it is really ours.
 */
import { afterEach, describe, expect, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { createPrivateDockerConfig, PRIVATE_CONFIG_PREFIX, removePrivateDockerConfig, seededConfig, userDockerConfigDir } from '../src/docker-config.js'

const made: string[] = []
function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  made.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

const LOGIN_ACTION_CONFIG = `{\n\t"auths": {\n\t\t"harbor.example.com": {\n\t\t\t"auth": "${Buffer.from('ci-user:ci-token').toString('base64')}"\n\t\t}\n\t}\n}`

describe('createPrivateDockerConfig', () => {
  test('copies config.json byte for byte and links the other entries (cli-plugins, buildx) instead of copying them', () => {
    const user = tempDir('im-user-docker-')
    fs.writeFileSync(path.join(user, 'config.json'), LOGIN_ACTION_CONFIG)
    fs.mkdirSync(path.join(user, 'cli-plugins'))
    fs.mkdirSync(path.join(user, 'buildx'))
    const before = fs.readdirSync(user).sort()
    const ours = createPrivateDockerConfig({ userDir: user, tempDir: tempDir('im-temp-'), loginHosts: ['harbor.example.com'] })
    try {
      expect(path.basename(ours.dir).startsWith(PRIVATE_CONFIG_PREFIX)).toBe(true)
      expect(fs.statSync(ours.dir).mode & 0o777).toBe(0o700)
      expect(fs.readFileSync(path.join(ours.dir, 'config.json'), 'utf8')).toBe(LOGIN_ACTION_CONFIG)
      expect(fs.lstatSync(path.join(ours.dir, 'config.json')).isSymbolicLink()).toBe(false)
      expect(fs.readlinkSync(path.join(ours.dir, 'cli-plugins'))).toBe(path.join(user, 'cli-plugins'))
      expect(fs.readlinkSync(path.join(ours.dir, 'buildx'))).toBe(path.join(user, 'buildx'))
    } finally {
      ours.remove()
    }
    expect(fs.existsSync(ours.dir)).toBe(false)
    // Removing ours never follows the links into the user's directory.
    expect(fs.readdirSync(user).sort()).toEqual(before)
    expect(fs.readFileSync(path.join(user, 'config.json'), 'utf8')).toBe(LOGIN_ACTION_CONFIG)
  })

  test('starts empty when the user has no docker config directory', () => {
    const ours = createPrivateDockerConfig({ userDir: path.join(tempDir('im-none-'), 'missing'), tempDir: tempDir('im-temp-'), loginHosts: [] })
    expect(fs.readdirSync(ours.dir).filter(name => !name.startsWith('.'))).toEqual([])
    ours.remove()
    expect(fs.existsSync(ours.dir)).toBe(false)
  })
})

describe('seededConfig', () => {
  test('keeps a config without a credential store unchanged', () => {
    const bytes = Buffer.from(LOGIN_ACTION_CONFIG)
    expect(seededConfig(bytes, ['harbor.example.com'])).toBe(bytes)
  })

  test('sends the logins we make to the file store, not the user keychain, for those hosts only', () => {
    const bytes = Buffer.from(JSON.stringify({ credsStore: 'desktop', credHelpers: { 'gcr.io': 'gcloud' }, auths: {} }))
    const seeded = JSON.parse(seededConfig(bytes, ['harbor.example.com', 'docker.io']).toString('utf8')) as { credsStore: string; credHelpers: Record<string, string> }
    expect(seeded.credsStore).toBe('desktop')
    expect(seeded.credHelpers).toEqual({ 'gcr.io': 'gcloud', 'harbor.example.com': '', 'https://index.docker.io/v1/': '', 'docker.io': '', 'index.docker.io': '' })
  })

  test('leaves a config that is not JSON to docker to complain about', () => {
    const bytes = Buffer.from('{not json')
    expect(seededConfig(bytes, ['a.example'])).toBe(bytes)
  })
})

describe('removePrivateDockerConfig', () => {
  test('refuses a directory that is not one of ours (the user config, a look-alike without the marker)', () => {
    const user = tempDir('im-user-docker-')
    fs.writeFileSync(path.join(user, 'config.json'), '{}')
    expect(removePrivateDockerConfig(user)).toBe(false)
    const lookalike = tempDir(PRIVATE_CONFIG_PREFIX)
    expect(removePrivateDockerConfig(lookalike)).toBe(false)
    expect(fs.existsSync(user) && fs.existsSync(lookalike)).toBe(true)
    expect(removePrivateDockerConfig(path.join(os.tmpdir(), `${PRIVATE_CONFIG_PREFIX}gone`))).toBe(false)
  })
})

describe('userDockerConfigDir', () => {
  test('is $DOCKER_CONFIG, else ~/.docker, as docker finds it', () => {
    expect(userDockerConfigDir({ DOCKER_CONFIG: '/cfg', HOME: '/home/u' })).toBe('/cfg')
    expect(userDockerConfigDir({ HOME: '/home/u' })).toBe('/home/u/.docker')
  })
})
