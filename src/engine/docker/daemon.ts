/**
 * What the docker daemon knows about registries: its `registry-mirrors` and
 * `insecure-registries` (daemon.json or dockerd flags), read with `docker
 * info`, so the registry engine reaches Docker Hub through the same mirror
 * the user configured for docker. The daemon's answer is checked like an
 * input: a value that is not a plain URL or host is dropped.
 */
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

/** The daemon's registry configuration, or undefined when docker is not there or does not answer. */
export async function daemonRegistryConfig(cli: DockerCli, signal?: AbortSignal): Promise<DaemonRegistryConfig | undefined> {
  try {
    const result = await cli.run(registryConfigCommand(), { ...(signal !== undefined && { signal }) })
    return parseRegistryConfig(result.stdout)
  } catch {
    return undefined
  }
}

/** Parses `{{json .RegistryConfig}}`; undefined when it is not that. */
export function parseRegistryConfig(text: string): DaemonRegistryConfig | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(text.trim())
  } catch {
    return undefined
  }
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
