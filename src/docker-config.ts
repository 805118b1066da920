/**
 * Our own DOCKER_CONFIG: the user's docker config is never modified
 * (DESIGN.md, trust boundaries). Every docker command we run and the registry
 * engine read this private directory instead; `docker login` writes there; it
 * is removed at the end of the run and, for the action, by the post step too,
 * so a cancelled or killed run leaves no credentials behind.
 *
 * It is seeded from the user's directory so existing logins, credential
 * helpers, contexts, CLI plugins and buildx builders still work: config.json
 * is copied (byte for byte unless a change below is needed), every other entry
 * (cli-plugins, buildx, contexts, …) is linked, not copied.
 *
 * With a `credsStore` (or `credHelpers`) in the user's config, `docker login`
 * would store our password in the user's keychain, overwriting the user's own
 * login for that host; for the hosts we log in to, the copy sets
 * `credHelpers[host]` to "" (docker's "use the file store"), so our logins
 * stay in our file.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { DOCKER_HUB } from './reference.js'

/** Every private directory's name starts with this; removal refuses anything else. */
export const PRIVATE_CONFIG_PREFIX = 'image-mirror-docker-'
/** A file only our private directories hold; removal refuses a directory without it. */
const MARKER = '.image-mirror-private-config'
/** The key `docker login docker.io` stores Docker Hub credentials under. */
const DOCKER_HUB_LOGIN_KEY = 'https://index.docker.io/v1/'

export interface PrivateDockerConfig {
  /** The directory to use as DOCKER_CONFIG. */
  dir: string
  /** Removes it (idempotent). */
  remove(): void
}

export interface PrivateConfigOptions {
  /** The user's docker config directory ($DOCKER_CONFIG or ~/.docker); may not exist. */
  userDir: string
  /** Where to create ours (RUNNER_TEMP, else the system temp directory). */
  tempDir?: string
  /** Registry hosts we may log in to (`docker.io`, `harbor.example.com`, `127.0.0.1:5000`). */
  loginHosts: readonly string[]
}

export function createPrivateDockerConfig(options: PrivateConfigOptions): PrivateDockerConfig {
  const dir = fs.mkdtempSync(path.join(options.tempDir ?? os.tmpdir(), PRIVATE_CONFIG_PREFIX))
  try {
    fs.chmodSync(dir, 0o700)
    fs.writeFileSync(path.join(dir, MARKER), 'Created by image-mirror for its own docker logins; removed at the end of the run.\n', { mode: 0o600 })
    seed(dir, path.resolve(options.userDir), options.loginHosts)
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true })
    throw error
  }
  return { dir, remove: () => removePrivateDockerConfig(dir) }
}

/**
 * Removes a private directory made by `createPrivateDockerConfig`; anything
 * else (a path from a tampered state, the user's own directory) is left alone.
 * Links inside it are removed, never followed. Returns whether it removed it.
 */
export function removePrivateDockerConfig(dir: string): boolean {
  const resolved = path.resolve(dir)
  if (!path.basename(resolved).startsWith(PRIVATE_CONFIG_PREFIX)) return false
  let stat: fs.Stats
  try {
    stat = fs.lstatSync(resolved)
  } catch {
    return false
  }
  if (!stat.isDirectory() || !fs.existsSync(path.join(resolved, MARKER))) return false
  // fs.rmSync never follows symbolic links: the linked user entries stay untouched.
  fs.rmSync(resolved, { recursive: true, force: true })
  return true
}

function seed(dir: string, userDir: string, loginHosts: readonly string[]): void {
  let entries: fs.Dirent[]
  try {
    entries = fs.readdirSync(userDir, { withFileTypes: true })
  } catch {
    return // No docker config yet: ours starts empty.
  }
  for (const entry of entries) {
    const from = path.join(userDir, entry.name)
    if (entry.name === 'config.json') {
      fs.writeFileSync(path.join(dir, 'config.json'), seededConfig(fs.readFileSync(from), loginHosts), { mode: 0o600 })
    } else if (entry.name !== MARKER && !entry.name.startsWith('config.json')) {
      // cli-plugins (buildx), buildx builders, contexts: shared, not copied; docker writes credentials only to config.json.
      fs.symlinkSync(from, path.join(dir, entry.name))
    }
  }
}

/** The user's config.json, with credential helpers bypassed for the hosts we log in to (and unchanged otherwise). */
export function seededConfig(bytes: Buffer, loginHosts: readonly string[]): Buffer {
  let config: Record<string, unknown>
  try {
    const parsed: unknown = JSON.parse(bytes.toString('utf8'))
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return bytes
    config = parsed as Record<string, unknown>
  } catch {
    return bytes // docker will say what is wrong with it.
  }
  const helpers = typeof config.credHelpers === 'object' && config.credHelpers !== null ? (config.credHelpers as Record<string, unknown>) : undefined
  if (typeof config.credsStore !== 'string' && helpers === undefined) return bytes
  const bypass: Record<string, string> = {}
  for (const host of loginHosts) for (const key of loginKeys(host)) bypass[key] = ''
  if (Object.keys(bypass).length === 0) return bytes
  return Buffer.from(`${JSON.stringify({ ...config, credHelpers: { ...helpers, ...bypass } }, null, '\t')}\n`)
}

/** The keys `docker login <host>` stores a login under. */
function loginKeys(host: string): string[] {
  return host === DOCKER_HUB ? [DOCKER_HUB_LOGIN_KEY, 'docker.io', 'index.docker.io'] : [host]
}

/** The user's docker config directory, as docker finds it. */
export function userDockerConfigDir(env: Record<string, string | undefined>): string {
  return env.DOCKER_CONFIG || path.join(env.HOME || os.homedir(), '.docker')
}
