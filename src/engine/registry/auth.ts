/**
 * Answers a registry's `WWW-Authenticate` challenge: Basic with the registry's
 * credentials, or Bearer by getting a token from the realm (with the
 * credentials as basic auth when there are any, anonymously otherwise).
 * Tokens are cached per (host, scopes) and refreshed before they expire; once
 * a host's scheme is known, requests carry auth up front instead of paying a
 * 401 round trip each time.
 */
import type { Credentials } from '../engine.js'
import type { CredentialStore } from './credentials.js'
import type { RegistryEndpoint } from './endpoint.js'
import { RegistryError } from './errors.js'

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
  async headerFor(endpoint: RegistryEndpoint, scopes: readonly string[]): Promise<string | undefined> {
    const scheme = this.schemes.get(endpoint.host)
    if (!scheme || scheme.kind === 'none') return undefined
    if (scheme.kind === 'basic') {
      const creds = await this.credentials.lookup(endpoint.credentialKey)
      return creds ? basicHeader(creds) : undefined
    }
    return (await this.token(endpoint, scheme, scopes, false)).header
  }

  /** Answers a 401 challenge; a stale token for these scopes is replaced. */
  async answer(endpoint: RegistryEndpoint, header: string | undefined, scopes: readonly string[]): Promise<string> {
    const challenge = parseChallenge(header ?? '')
    const creds = await this.credentials.lookup(endpoint.credentialKey)
    if (challenge.scheme === 'basic') {
      this.schemes.set(endpoint.host, { kind: 'basic' })
      if (!creds) throw unauthorized(endpoint, 'the registry requires a login and no credentials were found')
      return basicHeader(creds)
    }
    if (challenge.scheme === 'bearer' && challenge.params.realm) {
      const scheme: HostScheme = {
        kind: 'bearer',
        realm: challenge.params.realm,
        ...(challenge.params.service !== undefined && { service: challenge.params.service })
      }
      this.schemes.set(endpoint.host, scheme)
      const wanted = scopes.length > 0 ? scopes : challenge.params.scope ? challenge.params.scope.split(' ') : []
      return (await this.token(endpoint, scheme, wanted, true)).header
    }
    throw unauthorized(endpoint, `unsupported authentication challenge '${header ?? ''}'`)
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
    const url = new URL(scheme.realm)
    if (scheme.service !== undefined) url.searchParams.set('service', scheme.service)
    for (const scope of scopes) url.searchParams.append('scope', scope)
    const creds = await this.credentials.lookup(endpoint.credentialKey)
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
    const parsed = JSON.parse(response.body.toString('utf8')) as { token?: string; access_token?: string; expires_in?: number }
    const token = parsed.token ?? parsed.access_token
    if (!token) throw new RegistryError(`the token service ${url.origin} answered without a token`, { transient: false })
    // 60 s is the spec's default lifetime when expires_in is missing.
    const lifetime = (typeof parsed.expires_in === 'number' && parsed.expires_in > 0 ? parsed.expires_in : 60) * 1000
    return { header: `Bearer ${token}`, expiresAt: started + lifetime }
  }
}

function basicHeader(creds: Credentials): string {
  return `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`
}

function unauthorized(endpoint: RegistryEndpoint, reason: string): RegistryError {
  return new RegistryError(`${endpoint.host}: HTTP 401 UNAUTHORIZED: ${reason}`, { status: 401, code: 'UNAUTHORIZED', transient: false })
}
