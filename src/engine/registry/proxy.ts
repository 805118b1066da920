/**
 * HTTP(S) proxies as users set them: `HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`
 * (upper case first, then lower case, the first one set wins), with the rules
 * of Go's golang.org/x/net/http/httpproxy, which docker, skopeo and the
 * registries' own tools follow, so one environment behaves the same for all:
 *
 * - `https://` registries go through HTTPS_PROXY with a CONNECT tunnel (TLS
 *   end to end, the proxy sees only the host and port); `http://` registries
 *   through HTTP_PROXY with absolute-form requests. No fallback from one
 *   variable to the other.
 * - A proxy value without a scheme means `http://`; `http://` and `https://`
 *   proxies are supported (socks5 is not: requests fail with a clear error);
 *   `user:password@` in the proxy URL becomes `Proxy-Authorization: Basic`,
 *   sent only to the proxy, and never shown in a log or an error.
 * - Requests to `localhost` and loopback addresses (127.0.0.0/8, ::1) never go
 *   through a proxy, whatever NO_PROXY says (Go's rule; a proxy elsewhere
 *   cannot reach this machine's loopback anyway).
 * - NO_PROXY is a comma-separated list: `*` (no proxy at all); an IP address
 *   or a CIDR range (`10.0.0.0/8`); a domain, which matches itself and every
 *   subdomain (`example.com`); a leading dot or `*.` matches subdomains only
 *   (`.example.com`, `*.example.com`); an entry with a port (`example.com:5000`,
 *   `[::1]:5000`) matches only that port (the URL's default port counts).
 *   Matching is case-insensitive; an empty or malformed entry is ignored.
 */
import * as net from 'node:net'
import { RegistryError } from './errors.js'

/** The three variables as read from an environment. */
export interface ProxyEnvironment {
  httpProxy?: string
  httpsProxy?: string
  noProxy?: string
}

/** Where a request goes through, when a proxy applies. */
export interface ProxyRoute {
  /** The proxy's origin (`http://127.0.0.1:3128`); its userinfo removed. */
  url: URL
  /** `Basic …` when the proxy URL carried credentials. */
  authorization?: string
  /** Which variable chose it, for messages: `HTTPS_PROXY`. */
  variable: string
}

/** HTTPS_PROXY / https_proxy … from an environment: upper case wins when both are set (as in Go). */
export function proxyEnvironment(env: Readonly<Record<string, string | undefined>>): ProxyEnvironment {
  const first = (...names: string[]): string | undefined => {
    for (const name of names) {
      const value = env[name]
      if (value !== undefined && value !== '') return value
    }
    return undefined
  }
  const httpProxy = first('HTTP_PROXY', 'http_proxy')
  const httpsProxy = first('HTTPS_PROXY', 'https_proxy')
  const noProxy = first('NO_PROXY', 'no_proxy')
  return { ...(httpProxy !== undefined && { httpProxy }), ...(httpsProxy !== undefined && { httpsProxy }), ...(noProxy !== undefined && { noProxy }) }
}

interface Matcher {
  match(host: string, port: string, ip: string | undefined): boolean
}

type Parsed = { route: ProxyRoute } | { error: string } | undefined

export class ProxyConfig {
  private readonly http: Parsed
  private readonly https: Parsed
  private readonly matchers: Matcher[] = []
  private all = false

  constructor(environment: ProxyEnvironment) {
    this.http = parseProxy(environment.httpProxy, 'HTTP_PROXY')
    this.https = parseProxy(environment.httpsProxy, 'HTTPS_PROXY')
    this.parseNoProxy(environment.noProxy ?? '')
  }

  /** True when no proxy variable is set: every request goes direct. */
  get direct(): boolean {
    return this.http === undefined && this.https === undefined
  }

  /**
   * The proxy a request to `url` goes through, or undefined to go direct.
   * Throws a RegistryError when the variable that applies cannot be used.
   */
  routeFor(url: URL): ProxyRoute | undefined {
    const parsed = url.protocol === 'https:' ? this.https : url.protocol === 'http:' ? this.http : undefined
    if (parsed === undefined) return undefined
    if (!this.useProxy(url)) return undefined
    if ('error' in parsed) throw new RegistryError(parsed.error, { code: 'PROXY_INVALID', transient: false, host: url.host })
    return parsed.route
  }

  private useProxy(url: URL): boolean {
    const host = bareHost(url.hostname).toLowerCase()
    const port = url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80'
    if (host === 'localhost') return false
    const ip = ipFamily(host) !== 0 ? host : undefined
    if (ip !== undefined && isLoopbackIp(ip)) return false
    if (this.all) return false
    return !this.matchers.some(matcher => matcher.match(host, port, ip))
  }

  private parseNoProxy(value: string): void {
    for (const raw of value.split(',')) {
      const entry = raw.trim().toLowerCase()
      if (entry === '') continue
      if (entry === '*') {
        this.all = true
        return
      }
      const cidr = parseCidr(entry)
      if (cidr) {
        this.matchers.push({ match: (_host, _port, ip) => ip !== undefined && cidr.contains(ip) })
        continue
      }
      let host = entry
      let port = ''
      const split = splitHostPort(entry)
      if (split) {
        if (split.host === '') continue
        host = split.host
        port = split.port
      }
      if (ipFamily(host) !== 0) {
        const same = addressMatcher(host)
        this.matchers.push({ match: (_host, actualPort, ip) => ip !== undefined && same(ip) && (port === '' || port === actualPort) })
        continue
      }
      if (host.startsWith('*.')) host = host.slice(1)
      const matchHost = !host.startsWith('.')
      const suffix = matchHost ? `.${host}` : host
      if (suffix === '.') continue
      this.matchers.push({
        match: (actualHost, actualPort) => (actualHost.endsWith(suffix) || (matchHost && actualHost === suffix.slice(1))) && (port === '' || port === actualPort)
      })
    }
  }
}

/** A proxy variable's value as a route, or why it cannot be used (without its credentials). */
function parseProxy(value: string | undefined, variable: string): Parsed {
  if (value === undefined || value.trim() === '') return undefined
  const text = value.trim()
  let url: URL | undefined
  try {
    url = new URL(text)
  } catch {
    url = undefined
  }
  // Like Go: a value that is not an http(s)/socks5 URL is tried again as `http://<value>`.
  if (url === undefined || !['http:', 'https:', 'socks5:'].includes(url.protocol)) {
    try {
      url = new URL(`http://${text}`)
    } catch {
      return { error: `${variable} is not a URL a proxy can be reached at (expected http://host:port)` }
    }
  }
  if (url.protocol === 'socks5:') return { error: `${variable} names a socks5 proxy (${url.host}); the registry engine supports http:// and https:// proxies only` }
  if (url.hostname === '') return { error: `${variable} names no proxy host (expected http://host:port)` }
  const authorization =
    url.username !== '' || url.password !== ''
      ? `Basic ${Buffer.from(`${safeDecode(url.username)}:${safeDecode(url.password)}`).toString('base64')}`
      : undefined
  const origin = new URL(url.origin)
  return { route: { url: origin, variable, ...(authorization !== undefined && { authorization }) } }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** `[::1]` → `::1`. */
function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname
}

/** `host:port` or `[v6]:port` of a NO_PROXY entry; undefined when it has no port. */
function splitHostPort(entry: string): { host: string; port: string } | undefined {
  if (entry.startsWith('[')) {
    const close = entry.indexOf(']')
    if (close < 0 || entry[close + 1] !== ':') return undefined
    return { host: entry.slice(1, close), port: entry.slice(close + 2) }
  }
  const colon = entry.lastIndexOf(':')
  // More than one colon and no brackets: a bare IPv6 address, not host:port.
  if (colon < 0 || entry.indexOf(':') !== colon) return undefined
  const port = entry.slice(colon + 1)
  if (!/^\d+$/.test(port)) return undefined
  return { host: entry.slice(0, colon), port }
}

/**
 * net.isIP, without testing a host name against node's IPv6 pattern, whose
 * first use costs 10-20 ms of every run: only a name with a colon can be IPv6.
 */
function ipFamily(host: string): 0 | 4 | 6 {
  if (host.includes(':')) return net.isIPv6(host) ? 6 : 0
  return /^[\d.]+$/.test(host) && net.isIPv4(host) ? 4 : 0
}

/** 127.0.0.0/8 and ::1, IPv4-mapped spellings (`::ffff:127.0.0.1`) included. */
const LOOPBACK = new net.BlockList()
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4')
LOOPBACK.addAddress('::1', 'ipv6')

function isLoopbackIp(ip: string): boolean {
  return LOOPBACK.check(ip, net.isIPv4(ip) ? 'ipv4' : 'ipv6')
}

/** One address, however it is spelt (`::1`, `0:0::1`, `::ffff:10.0.0.1`). */
function addressMatcher(address: string): (ip: string) => boolean {
  const list = new net.BlockList()
  list.addAddress(address, net.isIPv4(address) ? 'ipv4' : 'ipv6')
  return ip => list.check(ip, net.isIPv4(ip) ? 'ipv4' : 'ipv6')
}

/** `10.0.0.0/8`, `fd00::/8`. */
function parseCidr(entry: string): { contains(ip: string): boolean } | undefined {
  const slash = entry.indexOf('/')
  if (slash < 0) return undefined
  const base = entry.slice(0, slash)
  const bitsText = entry.slice(slash + 1)
  const family = ipFamily(base)
  if (family === 0 || !/^\d+$/.test(bitsText)) return undefined
  const bits = Number(bitsText)
  if (bits > (family === 4 ? 32 : 128)) return undefined
  const list = new net.BlockList()
  list.addSubnet(base, bits, family === 4 ? 'ipv4' : 'ipv6')
  return { contains: ip => list.check(ip, net.isIPv4(ip) ? 'ipv4' : 'ipv6') }
}
