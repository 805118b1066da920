/**
 * A small bearer token issuer for distribution's `auth: token`: the registry
 * stays the real one, this only signs JWTs (RS256, certificate in `x5c`, which
 * distribution 2.8 verifies against `rootcertbundle`). Users are checked with
 * HTTP basic auth; anonymous callers get a token with no access.
 */
import { execFileSync } from 'node:child_process'
import { createPrivateKey, randomUUID, sign, type KeyObject } from 'node:crypto'
import * as fs from 'node:fs'
import * as http from 'node:http'
import * as os from 'node:os'
import * as path from 'node:path'
import { requireBinary } from './registry.js'

export interface TokenIssuer {
  realm: string
  service: string
  issuer: string
  /** The `auth: token` YAML to pass as startRegistry({ extraConfig }). */
  registryConfig: string
  /** Every token request: the user (or 'anonymous') and the scopes asked for. */
  requests: Array<{ user: string; scopes: string[] }>
  stop(): Promise<void>
}

export interface TokenIssuerOptions {
  users: Record<string, string>
  /** Token lifetime in seconds (default 300). */
  lifetimeSeconds?: number
}

export async function startTokenIssuer(options: TokenIssuerOptions): Promise<TokenIssuer> {
  const openssl = requireBinary('openssl', 'openssl')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-token-'))
  const keyPath = path.join(dir, 'key.pem')
  const certPath = path.join(dir, 'cert.pem')
  execFileSync(openssl, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', '/CN=image-mirror-test-token-issuer'], { stdio: 'ignore' })
  const key = createPrivateKey(fs.readFileSync(keyPath))
  const certDer = fs
    .readFileSync(certPath, 'utf8')
    .replace(/-----(BEGIN|END) CERTIFICATE-----/g, '')
    .replace(/\s+/g, '')
  const service = 'image-mirror-test-registry'
  const issuer = 'image-mirror-test-issuer'
  const requests: TokenIssuer['requests'] = []

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const scopes = url.searchParams.getAll('scope').flatMap(scope => scope.split(' ')).filter(Boolean)
    let user = 'anonymous'
    const authorization = req.headers.authorization
    if (authorization?.startsWith('Basic ')) {
      const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8')
      const colon = decoded.indexOf(':')
      const name = decoded.slice(0, colon)
      if (options.users[name] === undefined || options.users[name] !== decoded.slice(colon + 1)) {
        requests.push({ user: `${name} (refused)`, scopes })
        res.writeHead(401, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'invalid username or password' }] }))
        return
      }
      user = name
    }
    requests.push({ user, scopes })
    const access = user === 'anonymous' ? [] : scopes.map(parseScope)
    const token = signToken(key, certDer, { issuer, service, subject: user, access, lifetime: options.lifetimeSeconds ?? 300 })
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ token, access_token: token, expires_in: options.lifetimeSeconds ?? 300, issued_at: new Date().toISOString() }))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address() as { port: number }
  const realm = `http://127.0.0.1:${address.port}/token`
  const registryConfig = ['auth:', '  token:', `    realm: ${realm}`, `    service: ${service}`, `    issuer: ${issuer}`, `    rootcertbundle: ${certPath}`, ''].join('\n')
  return {
    realm,
    service,
    issuer,
    registryConfig,
    requests,
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

function parseScope(scope: string): { type: string; name: string; actions: string[] } {
  const first = scope.indexOf(':')
  const last = scope.lastIndexOf(':')
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions: scope.slice(last + 1).split(',') }
}

function signToken(key: KeyObject, certDer: string, claims: { issuer: string; service: string; subject: string; access: unknown[]; lifetime: number }): string {
  const now = Math.floor(Date.now() / 1000)
  const header = { typ: 'JWT', alg: 'RS256', x5c: [certDer] }
  const payload = { iss: claims.issuer, sub: claims.subject, aud: claims.service, exp: now + claims.lifetime, nbf: now - 10, iat: now, jti: randomUUID(), access: claims.access }
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  const input = `${encode(header)}.${encode(payload)}`
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`
}
