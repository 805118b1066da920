/**
 * Where a registry name is served: `docker.io` by `https://registry-1.docker.io`,
 * Docker Hub reads optionally by a `registry-mirror`, loopback and
 * `insecure-registries` hosts over plain HTTP. Like docker, registries on a
 * loopback address (127.0.0.0/8, localhost, [::1]) default to plain HTTP, so a
 * local test registry needs no TLS set-up.
 */
import { DOCKER_HUB } from '../../reference.js'

export const DOCKER_HUB_HOST = 'registry-1.docker.io'
/** The key docker login stores Docker Hub credentials under in config.json. */
export const DOCKER_HUB_CONFIG_KEY = 'https://index.docker.io/v1/'

export type Purpose = 'read' | 'write'

export interface EndpointOptions {
  /** `https://mirror.example.com`: serves reads of Docker Hub names. */
  registryMirror?: string
  /** Hosts (`host` or `host:port`) reached over plain HTTP. */
  insecureRegistries: readonly string[]
}

export interface RegistryEndpoint {
  /** The registry name as references carry it: `docker.io`, `127.0.0.1:5000`. */
  registry: string
  /** `http://127.0.0.1:5000`, `https://registry-1.docker.io`: no trailing slash. */
  origin: string
  /** host[:port] contacted; credentials and statistics are kept by it. */
  host: string
  /** The name credentials are looked up under (docker.io for Docker Hub, else host). */
  credentialKey: string
}

export function resolveEndpoint(registry: string, purpose: Purpose, options: EndpointOptions): RegistryEndpoint {
  if (registry === DOCKER_HUB && purpose === 'read' && options.registryMirror) {
    const mirror = new URL(options.registryMirror)
    return { registry, origin: mirror.origin, host: mirror.host, credentialKey: mirror.host }
  }
  const host = registry === DOCKER_HUB ? DOCKER_HUB_HOST : registry
  const scheme = isPlainHttp(host, options.insecureRegistries) ? 'http' : 'https'
  return { registry, origin: `${scheme}://${host}`, host, credentialKey: registry }
}

function isPlainHttp(host: string, insecure: readonly string[]): boolean {
  if (isLoopbackHost(host)) return true
  const name = hostname(host)
  return insecure.some(entry => {
    const bare = entry.replace(/^https?:\/\//, '').replace(/\/+$/, '')
    return bare === host || bare === name
  })
}

/** `127.0.0.1:5000` → `127.0.0.1`; `[::1]:5000` → `[::1]`. */
export function hostname(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1)
  const colon = host.lastIndexOf(':')
  return colon >= 0 ? host.slice(0, colon) : host
}

export function isLoopbackHost(host: string): boolean {
  const name = hostname(host).toLowerCase()
  return name === 'localhost' || name === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)
}
