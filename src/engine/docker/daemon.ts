/**
 * What the docker daemon knows about registries: its `registry-mirrors` and
 * `insecure-registries` (daemon.json or dockerd flags), so the registry engine
 * reaches Docker Hub through the same mirror the user configured for docker.
 * The daemon's answer is checked like an input: a value that is not a plain
 * URL or host is dropped.
 *
 * When docker would talk to the daemon's unix socket, we ask the daemon's API
 * there (`GET /info`, a few milliseconds); only other endpoints (a TCP or SSH
 * DOCKER_HOST, a docker context) go through `docker info`, whose start costs
 * a tenth of a second on every run, a no-op re-run included.
 */
import * as fs from 'node:fs'
import type * as Http from 'node:http'
import * as path from 'node:path'
import { http } from '../builtins.js'
import type { DockerCli } from './cli.js'
import type { DockerCommand } from './commands.js'

export interface DaemonRegistryConfig {
  /** Docker Hub mirrors, in the daemon's order: `https://mirror.example.com`. */
  mirrors: string[]
  /** Hosts the daemon reaches without TLS verification (`registry.local:5000`); CIDR ranges are left out. */
  insecureRegistries: string[]
}

export function registryConfigCommand(): DockerCommand {
  return { args: ['info', '--format', '{{json .RegistryConfig}}'] }
}

export interface DaemonLookup {
  /** The environment docker runs with (DOCKER_HOST, DOCKER_CONTEXT). */
  env: NodeJS.ProcessEnv
  /** The docker config directory docker runs with; its config.json may name a current context. */
  dockerConfigDir: string
  signal?: AbortSignal
}

/** The daemon's registry configuration, or undefined when docker is not there or does not answer. */
export async function daemonRegistryConfig(cli: DockerCli, lookup: DaemonLookup): Promise<DaemonRegistryConfig | undefined> {
  const socket = defaultDaemonSocket(lookup.env, lookup.dockerConfigDir)
  if (socket !== undefined) {
    const info = await daemonInfo(socket, lookup.signal)
    // No socket, or nobody listening: the docker CLI would find no daemon either.
    if (info === 'unreachable') return undefined
    if (info !== 'unreadable') return registryConfigOf((info as { RegistryConfig?: unknown } | null)?.RegistryConfig)
  }
  try {
    const result = await cli.run(registryConfigCommand(), { ...(lookup.signal !== undefined && { signal: lookup.signal }) })
    return parseRegistryConfig(result.stdout)
  } catch {
    return undefined
  }
}

/**
 * The unix socket docker talks to when nothing chooses another endpoint: no
 * DOCKER_CONTEXT, no current context in config.json, and a DOCKER_HOST that
 * is unset or `unix://`; undefined otherwise (the CLI resolves those), and on
 * Windows.
 */
export function defaultDaemonSocket(env: NodeJS.ProcessEnv, dockerConfigDir: string, platform: NodeJS.Platform = process.platform): string | undefined {
  // Windows' daemon listens on a named pipe: the CLI knows it.
  if (platform === 'win32') return undefined
  if (env.DOCKER_CONTEXT !== undefined && env.DOCKER_CONTEXT !== '' && env.DOCKER_CONTEXT !== 'default') return undefined
  const host = env.DOCKER_HOST ?? ''
  if (host !== '' && !host.startsWith('unix://')) return undefined
  if (host === '' && currentContext(dockerConfigDir) !== undefined) return undefined
  return host === '' ? '/var/run/docker.sock' : host.slice('unix://'.length)
}

function currentContext(dockerConfigDir: string): string | undefined {
  try {
    const config = JSON.parse(fs.readFileSync(path.join(dockerConfigDir, 'config.json'), 'utf8')) as { currentContext?: unknown }
    return typeof config.currentContext === 'string' && config.currentContext !== '' && config.currentContext !== 'default' ? config.currentContext : undefined
  } catch {
    return undefined
  }
}

/** A daemon's `/info` answer is a few KiB; anything past this is not one. */
const MAX_INFO_BYTES = 1024 * 1024
const INFO_TIMEOUT_MS = 10_000

/**
 * `GET /info` on the daemon's socket: the parsed answer, 'unreachable' (no daemon there) or 'unreadable' (ask the CLI).
 * An empty servername keeps node's agent from testing the Host header for an IPv6 address, whose first use costs 20 ms.
 */
function daemonInfo(socketPath: string, signal: AbortSignal | undefined): Promise<unknown> {
  return new Promise(resolve => {
    const options: Http.RequestOptions & { servername: string } = {
      socketPath,
      path: '/info',
      headers: { host: 'docker' },
      servername: '',
      timeout: INFO_TIMEOUT_MS,
      ...(signal !== undefined && { signal })
    }
    const request = http.get(options, response => {
      const parts: Buffer[] = []
      let length = 0
      response.on('data', (chunk: Buffer) => {
        length += chunk.length
        if (length > MAX_INFO_BYTES) request.destroy()
        else parts.push(chunk)
      })
      response.on('end', () => {
        try {
          resolve(response.statusCode === 200 ? JSON.parse(Buffer.concat(parts).toString('utf8')) : 'unreadable')
        } catch {
          resolve('unreadable')
        }
      })
      response.on('error', () => resolve('unreadable'))
    })
    request.on('timeout', () => request.destroy())
    request.on('error', error => {
      const code = (error as { code?: unknown }).code
      resolve(code === 'ENOENT' || code === 'ECONNREFUSED' ? 'unreachable' : 'unreadable')
    })
  })
}

/** Parses `{{json .RegistryConfig}}`; undefined when it is not that. */
export function parseRegistryConfig(text: string): DaemonRegistryConfig | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(text.trim())
  } catch {
    return undefined
  }
  return registryConfigOf(parsed)
}

function registryConfigOf(parsed: unknown): DaemonRegistryConfig | undefined {
  if (typeof parsed !== 'object' || parsed === null) return undefined
  const config = parsed as { Mirrors?: unknown; IndexConfigs?: unknown }
  const mirrors = (Array.isArray(config.Mirrors) ? config.Mirrors : [])
    .filter((mirror): mirror is string => typeof mirror === 'string' && /^https?:\/\/[^\s/@]+\/?$/.test(mirror))
    .map(mirror => mirror.replace(/\/$/, ''))
  const insecureRegistries: string[] = []
  if (typeof config.IndexConfigs === 'object' && config.IndexConfigs !== null) {
    for (const entry of Object.values(config.IndexConfigs as Record<string, unknown>)) {
      const index = entry as { Name?: unknown; Secure?: unknown }
      if (index.Secure === false && typeof index.Name === 'string' && /^[a-zA-Z0-9.-]+(?::\d{1,5})?$/.test(index.Name)) insecureRegistries.push(index.Name)
    }
  }
  return { mirrors: [...new Set(mirrors)], insecureRegistries: [...new Set(insecureRegistries)].sort() }
}
