/**
 * Where credentials come from, in order: the explicit map the caller built
 * (registry name → credentials; the caller decides which input goes to which
 * host), then docker's config.json (`credHelpers[host]`, `auths[host].auth`,
 * `credsStore`, through `docker-credential-<name> get`), so
 * `docker/login-action` before this step just works. Credentials are keyed by
 * registry, and the client only ever sends them to that registry (or the token
 * realm that is that registry's own: see auth.ts).
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { childProcess } from '../builtins.js'
import type { Credentials } from '../port.js'
import { DOCKER_HUB } from '../../reference.js'
import { DOCKER_HUB_CONFIG_KEY } from './endpoint.js'

export interface CredentialSources {
  /** Explicit credentials by registry name (`docker.io`, `127.0.0.1:5000`, a registry-mirror's host). */
  explicit: ReadonlyMap<string, Credentials>
  /** Directory holding config.json; defaults to $DOCKER_CONFIG, then ~/.docker. */
  dockerConfigDir?: string
  /** Bounds a credential helper run. */
  helperTimeoutMs?: number
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>
  credsStore?: string
  credHelpers?: Record<string, string>
}

export class CredentialStore {
  private readonly cache = new Map<string, Promise<Credentials | undefined>>()
  private config: DockerConfig | undefined

  constructor(private readonly sources: CredentialSources) {}

  /** Credentials for a registry name, or undefined for anonymous access. */
  lookup(registry: string): Promise<Credentials | undefined> {
    // Explicit credentials may be registered after a first lookup; they always win.
    const explicit = this.sources.explicit.get(registry)
    if (explicit) return Promise.resolve(explicit)
    let found = this.cache.get(registry)
    if (!found) {
      found = this.find(registry)
      this.cache.set(registry, found)
    }
    return found
  }

  private async find(registry: string): Promise<Credentials | undefined> {
    const config = this.readConfig()
    const keys = configKeys(registry)
    const helper = keys.map(key => config.credHelpers?.[key]).find(name => name !== undefined)
    if (helper) return this.runHelper(helper, keys[0] as string)
    for (const key of keys) {
      const entry = config.auths?.[key]
      if (!entry) continue
      if (entry.auth) {
        const decoded = Buffer.from(entry.auth, 'base64').toString('utf8')
        const colon = decoded.indexOf(':')
        if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
      }
      if (entry.username && entry.password) return { username: entry.username, password: entry.password }
    }
    if (config.credsStore) return this.runHelper(config.credsStore, keys[0] as string)
    return undefined
  }

  private readConfig(): DockerConfig {
    if (this.config) return this.config
    const dir = this.sources.dockerConfigDir ?? process.env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker')
    const file = path.join(dir, 'config.json')
    try {
      this.config = JSON.parse(fs.readFileSync(file, 'utf8')) as DockerConfig
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new Error(`Cannot read docker config ${file}: ${(error as Error).message}`)
      }
      this.config = {}
    }
    return this.config
  }

  private runHelper(name: string, serverUrl: string): Promise<Credentials | undefined> {
    const program = `docker-credential-${name}`
    return new Promise((resolve, reject) => {
      const child = childProcess().spawn(program, ['get'], { stdio: ['pipe', 'pipe', 'pipe'], env: process.env })
      const out: Buffer[] = []
      const err: Buffer[] = []
      const timer = setTimeout(() => child.kill('SIGKILL'), this.sources.helperTimeoutMs ?? 10000)
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
      child.stderr.on('data', (chunk: Buffer) => err.push(chunk))
      child.once('error', error => {
        clearTimeout(timer)
        reject(new Error(`Credential helper ${program} for ${serverUrl} could not run: ${error.message}`))
      })
      child.once('close', code => {
        clearTimeout(timer)
        const stdout = Buffer.concat(out).toString('utf8')
        if (code !== 0) {
          // "credentials not found" is how helpers say: anonymous.
          if (/not found/i.test(stdout + Buffer.concat(err).toString('utf8'))) return resolve(undefined)
          return reject(new Error(`Credential helper ${program} failed for ${serverUrl} (exit ${code}): ${Buffer.concat(err).toString('utf8').trim()}`))
        }
        try {
          const parsed = JSON.parse(stdout) as { Username?: string; Secret?: string }
          if (!parsed.Username || !parsed.Secret) return resolve(undefined)
          resolve({ username: parsed.Username, password: parsed.Secret })
        } catch {
          reject(new Error(`Credential helper ${program} printed something other than JSON for ${serverUrl}`))
        }
      })
      child.stdin.end(serverUrl)
    })
  }
}

/** The keys docker login may have used for a registry, the canonical one first. */
export function configKeys(registry: string): string[] {
  if (registry === DOCKER_HUB) return [DOCKER_HUB_CONFIG_KEY, 'index.docker.io', 'docker.io', 'https://index.docker.io/v1', 'registry-1.docker.io']
  return [registry, `https://${registry}`, `http://${registry}`, `https://${registry}/v1/`, `https://${registry}/v2/`]
}
