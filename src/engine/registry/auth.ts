/**
 * Answers a registry's `WWW-Authenticate` challenge: Basic with the registry's
 * credentials, or Bearer by getting a token from the realm (with credentials
 * as basic auth when the realm may have them, anonymously otherwise). Tokens
 * are cached per (host, scopes) and refreshed before they expire; once a
 * host's scheme is known, requests carry auth up front instead of paying a 401
 * round trip each time.
 *
 * A realm is named by the registry, which is untrusted: it receives the
 * registry's credentials only when it is that registry's own (same host name,
 * or Docker Hub's auth.docker.io) and only over https unless the registry
 * itself is reached over plain http (loopback or insecure-registries). Any
 * other realm gets the credentials given for its own host, if any, else none.
 */
import type { Credentials } from '../port.js'
import type { CredentialStore } from './credentials.js'
import { DOCKER_HUB_HOST, hostname, type RegistryEndpoint } from './endpoint.js'
import { describeError, oneLine, RegistryError, untilAborted } from './errors.js'

export interface Challenge {
  scheme: string
  params: Record<string, string>
}

/** Parses `Bearer realm="https://auth",service="registry",scope="repository:a:pull"`. */
export function parseChallenge(header: string): Challenge {
  const trimmed = header.trim()
  const space = trimmed.indexOf(' ')
  const scheme = (space < 0 ? trimmed : trimmed.slice(0, space)).toLowerCase()
  const params: Record<string, string> = {}
  const pattern = /([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g
  const rest = space < 0 ? '' : trimmed.slice(space + 1)
  for (let match = pattern.exec(rest); match; match = pattern.exec(rest)) {
    params[(match[1] as string).toLowerCase()] = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : (match[3] ?? '')
  }
  return { scheme, params }
}

/** Fetches a token: GET realm?service&scope… with optional basic credentials. */
export type TokenFetcher = (url: URL, authorization: string | undefined) => Promise<{ status: number; body: Buffer }>

type HostScheme = { kind: 'basic' } | { kind: 'bearer'; realm: string; service?: string } | { kind: 'none' }

interface CachedToken {
  header: string
  expiresAt: number
}

/** Tokens are renewed this long before they expire. */
const EXPIRY_MARGIN_MS = 10_000

export class Authenticator {
  private readonly schemes = new Map<string, HostScheme>()
  private readonly tokens = new Map<string, Promise<CachedToken>>()

  constructor(
    private readonly credentials: CredentialStore,
    private readonly fetchToken: TokenFetcher,
    private readonly now: () => number = Date.now
  ) {}

  /** The Authorization header to send up front, when this host's scheme is known. */
  async headerFor(endpoint: RegistryEndpoint, scopes: readonly string[], signal: AbortSignal): Promise<string | undefined> {
    const scheme = this.schemes.get(endpoint.host)
    if (!scheme || scheme.kind === 'none') return undefined
    if (scheme.kind === 'basic') {
      const creds = await this.lookup(endpoint, endpoint.credentialKey)
      return creds ? basicHeader(creds) : undefined
    }
    return (await untilAborted(this.token(endpoint, scheme, scopes, false), signal, endpoint.host)).header
  }

  /** Answers a 401 challenge; a stale token for these scopes is replaced. */
  async answer(endpoint: RegistryEndpoint, header: string | undefined, scopes: readonly string[], signal: AbortSignal): Promise<string> {
    const challenge = parseChallenge(header ?? '')
    if (challenge.scheme === 'basic') {
      this.schemes.set(endpoint.host, { kind: 'basic' })
      const creds = await this.lookup(endpoint, endpoint.credentialKey)
      if (!creds) throw unauthorized(endpoint, 'the registry requires a login and no credentials were found')
      return basicHeader(creds)
    }
    if (challenge.scheme === 'bearer' && challenge.params.realm) {
      if (realmUrl(challenge.params.realm) === undefined) throw unauthorized(endpoint, `the token realm '${oneLine(challenge.params.realm, 200)}' is not an http(s) URL`)
      const scheme: HostScheme = {
        kind: 'bearer',
        realm: challenge.params.realm,
        ...(challenge.params.service !== undefined && { service: challenge.params.service })
      }
      this.schemes.set(endpoint.host, scheme)
      const wanted = scopes.length > 0 ? scopes : challenge.params.scope ? challenge.params.scope.split(' ') : []
      return (await untilAborted(this.token(endpoint, scheme, wanted, true), signal, endpoint.host)).header
    }
    throw unauthorized(endpoint, `unsupported authentication challenge '${oneLine(header ?? '', 200)}'`)
  }

  /** Marks a host as needing no authentication (it answered without a challenge). */
  noteAnonymous(endpoint: RegistryEndpoint): void {
    if (!this.schemes.has(endpoint.host)) this.schemes.set(endpoint.host, { kind: 'none' })
  }

  private token(endpoint: RegistryEndpoint, scheme: { realm: string; service?: string }, scopes: readonly string[], renew: boolean): Promise<CachedToken> {
    const key = `${endpoint.host} ${[...scopes].sort().join(' ')}`
    const cached = this.tokens.get(key)
    if (cached && !renew) {
      return cached.then(token => (token.expiresAt - EXPIRY_MARGIN_MS > this.now() ? token : this.token(endpoint, scheme, scopes, true)))
    }
    const fresh = this.requestToken(endpoint, scheme, scopes)
    this.tokens.set(key, fresh)
    fresh.catch(() => this.tokens.delete(key))
    return fresh
  }

  private async requestToken(endpoint: RegistryEndpoint, scheme: { realm: string; service?: string }, scopes: readonly string[]): Promise<CachedToken> {
    const url = realmUrl(scheme.realm) as URL
    if (scheme.service !== undefined) url.searchParams.set('service', scheme.service)
    for (const scope of scopes) url.searchParams.append('scope', scope)
    const key = realmCredentialKey(endpoint, url)
    const creds = key === undefined ? undefined : await this.lookup(endpoint, key)
    const started = this.now()
    const response = await this.fetchToken(url, creds ? basicHeader(creds) : undefined)
    if (response.status === 401 || response.status === 403) {
      throw unauthorized(endpoint, `the token service ${url.origin} refused ${creds ? `the credentials of '${creds.username}'` : 'anonymous access'} (HTTP ${response.status})`)
    }
    if (response.status !== 200) {
      throw new RegistryError(`GET token from ${url.origin}: HTTP ${response.status}`, {
        status: response.status,
        transient: response.status === 429 || response.status >= 500,
        body: response.body.toString('utf8').slice(0, 2000)
      })
    }
    let parsed: { token?: unknown; access_token?: unknown; expires_in?: unknown }
    try {
      parsed = JSON.parse(response.body.toString('utf8')) as typeof parsed
    } catch {
      throw new RegistryError(`the token service ${url.origin} answered something other than JSON`, { transient: false })
    }
    const token = typeof parsed.token === 'string' ? parsed.token : typeof parsed.access_token === 'string' ? parsed.access_token : undefined
    if (!token || /[\r\n]/.test(token)) throw new RegistryError(`the token service ${url.origin} answered without a usable token`, { transient: false })
    // 60 s is the spec's default lifetime when expires_in is missing.
    const lifetime = (typeof parsed.expires_in === 'number' && parsed.expires_in > 0 ? parsed.expires_in : 60) * 1000
    return { header: `Bearer ${token}`, expiresAt: started + lifetime }
  }

  /** A credential lookup whose failure (a broken helper, an unreadable config) is an authentication failure of this registry. */
  private async lookup(endpoint: RegistryEndpoint, key: string): Promise<Credentials | undefined> {
    try {
      return await this.credentials.lookup(key)
    } catch (error) {
      throw unauthorized(endpoint, describeError(error))
    }
  }
}

function realmUrl(realm: string): URL | undefined {
  try {
    const url = new URL(realm)
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined
  } catch {
    return undefined
  }
}

/**
 * Whose credentials a token request to `realm` may carry, as a credential key:
 * the registry's own when the realm is the registry's (same host name, or
 * Docker Hub's auth service), those given for the realm's host otherwise;
 * none over plain http unless the registry itself is reached over plain http.
 */
export function realmCredentialKey(endpoint: Pick<RegistryEndpoint, 'origin' | 'host' | 'credentialKey'>, realm: URL): string | undefined {
  const registryIsPlainHttp = endpoint.origin.startsWith('http:')
  if (realm.protocol !== 'https:' && !(realm.protocol === 'http:' && registryIsPlainHttp)) return undefined
  return sameRegistry(endpoint.host, realm.host) ? endpoint.credentialKey : realm.host
}

/** Known token services that belong to a registry on another host name. */
const OWN_REALMS: Record<string, string> = { [DOCKER_HUB_HOST]: 'auth.docker.io' }

function sameRegistry(registryHost: string, realmHost: string): boolean {
  const registryName = hostname(registryHost).toLowerCase()
  const realmName = hostname(realmHost).toLowerCase()
  return registryName === realmName || OWN_REALMS[registryName] === realmName
}


function basicHeader(creds: Credentials): string {
  return `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`
}

function unauthorized(endpoint: RegistryEndpoint, reason: string): RegistryError {
  return new RegistryError(`${endpoint.host}: HTTP 401 UNAUTHORIZED: ${reason}`, { status: 401, code: 'UNAUTHORIZED', transient: false })
}
