/**
 * One HTTP exchange over node:http/https with a keep-alive agent per origin,
 * purpose and lane (reads and writes use separate pools, so a transfer that
 * holds a source socket while it waits for a target socket can never deadlock
 * when source and target are the same registry; blob transfers and short
 * requests use separate pools, so HEADs never wait behind uploads). Bodies stream both ways, so
 * backpressure holds from the source registry to the target one.
 *
 * Every exchange is bounded three ways: an inactivity timeout on the socket,
 * an overall deadline that covers the response body too (a server that drips
 * one byte a second never trips the inactivity timeout), and the caller's
 * AbortSignal, which ends the request and its body at once.
 *
 * With HTTPS_PROXY/HTTP_PROXY set (see proxy.ts), an `https://` origin's
 * sockets are CONNECT tunnels through the proxy, and an `http://` origin's
 * requests go to the proxy in absolute form; both are pooled like direct ones.
 */
import * as fs from 'node:fs'
import type * as Http from 'node:http'
import type * as Https from 'node:https'
import * as net from 'node:net'
import type { Readable } from 'node:stream'
import type * as Tls from 'node:tls'
import { http, httpsModule, tlsModule } from '../builtins.js'
import type { Purpose } from './endpoint.js'
import { cancelledError, deadlineError, isTransient, RegistryError } from './errors.js'
import { ProxyConfig, type ProxyRoute } from './proxy.js'

/**
 * Which pool a request draws its socket from: blob transfers (long, large)
 * and everything else (HEADs, manifests, upload sessions, tokens: short), so
 * the next image's HEADs never queue behind the uploads streaming now.
 */
export type Lane = 'meta' | 'blob'

export interface AgentOptions {
  /** Sockets per origin and purpose for short requests (the `concurrency` input). */
  maxSockets: number
  /** Sockets per origin and purpose for blob transfers (default: maxSockets). */
  blobSockets?: number
  /** PEM file with extra trusted CAs (`ca-file`), trusted besides the usual ones. */
  caFile?: string
  /** HTTPS_PROXY / HTTP_PROXY / NO_PROXY; undefined: no proxy. */
  proxy?: ProxyConfig
  /** How long opening a tunnel through a proxy may take, in ms (default 30 s). */
  connectTimeoutMs?: number
}

/** The proxy an agent for an `http://` origin forwards through (absolute-form requests). */
const forwarding = new WeakMap<Http.Agent, ProxyRoute>()

export class Agents {
  private readonly agents = new Map<string, Http.Agent>()
  private readonly ca: Array<string | Buffer> | undefined

  constructor(private readonly options: AgentOptions) {
    // Node's `ca` replaces the default roots: keep them, so a private CA does not cost public registries.
    this.ca = options.caFile ? [...tlsModule().rootCertificates, fs.readFileSync(options.caFile)] : undefined
  }

  /** The agent for requests to `url`; throws a RegistryError when a proxy variable that applies is unusable. */
  for(url: URL, purpose: Purpose, lane: Lane = 'meta'): Http.Agent {
    const key = `${purpose} ${lane} ${url.origin}`
    let agent = this.agents.get(key)
    if (!agent) {
      const route = this.options.proxy?.routeFor(url)
      const common = { keepAlive: true, maxSockets: lane === 'blob' ? (this.options.blobSockets ?? this.options.maxSockets) : this.options.maxSockets }
      const ca = this.ca && { ca: this.ca }
      if (route && url.protocol === 'https:') {
        agent = tunnelAgent({ ...common, ...ca }, route, this.options.connectTimeoutMs ?? 30_000, this.ca)
      } else if (route) {
        agent = route.url.protocol === 'https:' ? new (httpsModule().Agent)({ ...common, ...ca }) : new http.Agent(common)
        forwarding.set(agent, route)
      } else {
        agent = url.protocol === 'https:' ? new (httpsModule().Agent)({ ...common, ...ca }) : new http.Agent(common)
      }
      this.agents.set(key, agent)
    }
    return agent
  }

  destroy(): void {
    for (const agent of this.agents.values()) agent.destroy()
    this.agents.clear()
  }
}

interface Tunnel {
  route: ProxyRoute
  connectTimeoutMs: number
  ca: Array<string | Buffer> | undefined
}

type TunnelAgentClass = new (options: Https.AgentOptions, tunnel: Tunnel) => Https.Agent
let TunnelAgent: TunnelAgentClass | undefined

/**
 * An https agent whose sockets are CONNECT tunnels through a proxy: TLS runs
 * end to end with the registry inside the tunnel, so the proxy sees only the
 * host and port. Tunnels are pooled and kept alive like direct sockets.
 */
function tunnelAgent(options: Https.AgentOptions, route: ProxyRoute, connectTimeoutMs: number, ca: Array<string | Buffer> | undefined): Https.Agent {
  // Defined on first use: it extends https.Agent, which loads only then.
  TunnelAgent ??= class extends httpsModule().Agent {
    constructor(
      options: Https.AgentOptions,
      private readonly tunnel: Tunnel
    ) {
      super(options)
    }

    override createConnection(options: Https.RequestOptions, callback?: (error: Error | null, stream: net.Socket) => void): undefined {
      const host = String(options.hostname ?? options.host ?? 'localhost').replace(/^\[(.*)\]$/, '$1')
      const port = Number(options.port ?? 443)
      openTunnel(this.tunnel.route, host, port, this.tunnel.connectTimeoutMs, this.tunnel.ca).then(
        socket => {
          const servername = options.servername ?? (net.isIP(host) === 0 ? host : undefined)
          const secure = tlsModule().connect({ ...(options as Tls.ConnectionOptions), socket, ...(servername !== undefined && servername !== '' && { servername }) })
          callback?.(null, secure)
        },
        (error: unknown) => callback?.(error as Error, undefined as unknown as net.Socket)
      )
      return undefined
    }
  }
  return new TunnelAgent(options, { route, connectTimeoutMs, ca })
}

/** What a proxy may answer to CONNECT before its header ends; more is refused. */
const MAX_CONNECT_HEADER = 16 * 1024

/** A socket to `host:port` through the proxy's CONNECT, or a RegistryError that names the proxy (never its credentials). */
function openTunnel(route: ProxyRoute, host: string, port: number, timeoutMs: number, ca: Array<string | Buffer> | undefined): Promise<net.Socket> {
  const authority = `${net.isIPv6(host) ? `[${host}]` : host}:${port}`
  const proxy = route.url
  const proxyHost = proxy.hostname.replace(/^\[(.*)\]$/, '$1')
  const proxyPort = Number(proxy.port || (proxy.protocol === 'https:' ? 443 : 80))
  const where = `CONNECT ${authority} through the proxy ${proxy.host} (${route.variable})`
  return new Promise((resolve, reject) => {
    const socket: net.Socket =
      proxy.protocol === 'https:'
        ? tlsModule().connect({ host: proxyHost, port: proxyPort, ...(net.isIP(proxyHost) === 0 && { servername: proxyHost }), ...(ca && { ca }) })
        : net.connect({ host: proxyHost, port: proxyPort })
    socket.setNoDelay(true)
    const received: Buffer[] = []
    let length = 0
    let settled = false
    const done = (error: RegistryError | undefined): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.removeListener('readable', onReadable)
      socket.removeListener('error', onError)
      socket.removeListener('end', onEnd)
      if (error) {
        socket.destroy()
        reject(error)
      } else resolve(socket)
    }
    const timer = setTimeout(() => done(new RegistryError(`${where}: no answer within ${timeoutMs} ms`, { code: 'ETIMEDOUT', transient: true, network: true })), timeoutMs)
    timer.unref()
    const onError = (error: Error): void => {
      const code = (error as { code?: unknown }).code
      done(new RegistryError(`${where}: ${error.message}`, { ...(typeof code === 'string' && { code }), transient: isTransient(error), network: true, cause: error }))
    }
    const onEnd = (): void => done(new RegistryError(`${where}: the proxy closed the connection`, { code: 'ECONNRESET', transient: true, network: true }))
    const onReadable = (): void => {
      for (let chunk = socket.read() as Buffer | null; chunk !== null; chunk = socket.read() as Buffer | null) {
        received.push(chunk)
        length += chunk.length
        const head = Buffer.concat(received)
        const end = head.indexOf('\r\n\r\n')
        if (end < 0) {
          if (length > MAX_CONNECT_HEADER) done(new RegistryError(`${where}: the proxy's answer has no end`, { code: 'PROXY_PROTOCOL', transient: false, network: true }))
          continue
        }
        const statusLine = head.subarray(0, head.indexOf('\r\n')).toString('latin1')
        const match = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine)
        const status = match ? Number(match[1]) : 0
        if (status < 200 || status > 299) {
          const reason = match ? `HTTP ${status}${match[2] ? ` ${match[2].replace(/[^\x20-\x7e]/g, '').slice(0, 100)}` : ''}` : 'not an HTTP answer'
          done(
            new RegistryError(`${where}: ${reason}${status === 407 ? ' (the proxy wants credentials: put them in the proxy URL, http://user:password@host:port)' : ''}`, {
              code: 'PROXY_REFUSED',
              transient: status === 502 || status === 503 || status === 504,
              network: true
            })
          )
        } else if (end + 4 < head.length) {
          // The registry speaks first only after TLS starts: bytes here mean a confused proxy.
          done(new RegistryError(`${where}: the proxy sent data before the tunnel was used`, { code: 'PROXY_PROTOCOL', transient: false, network: true }))
        } else done(undefined)
        return
      }
    }
    socket.on('readable', onReadable)
    socket.once('error', onError)
    socket.once('end', onEnd)
    const lines = [`CONNECT ${authority} HTTP/1.1`, `Host: ${authority}`, ...(route.authorization !== undefined ? [`Proxy-Authorization: ${route.authorization}`] : []), '', '']
    socket.write(lines.join('\r\n'))
  })
}

export interface Exchange {
  method: string
  url: URL
  headers: Record<string, string>
  /** A Buffer is replayable; a stream is sent once. */
  body?: Buffer | Readable
  agent: Http.Agent
  /** Socket inactivity timeout, in ms. */
  timeoutMs: number
  /** Overall deadline of the exchange, response body included, in ms. */
  deadlineMs: number
  /** Ends the request (and its response body) when aborted. */
  signal?: AbortSignal
}

/**
 * Sends the request and resolves with the response head; the body is the
 * caller's to consume (or destroy). The deadline and the signal keep guarding
 * the body until it has been read or dropped.
 */
export function exchange(request: Exchange): Promise<Http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const host = request.url.host
    if (request.signal?.aborted) {
      reject(cancelledError(host))
      return
    }
    if (request.url.protocol !== 'http:' && request.url.protocol !== 'https:') {
      reject(new Error(`refusing a ${request.url.protocol} URL`))
      return
    }
    const req = startRequest(request)
    let response: Http.IncomingMessage | undefined
    const fail = (error: Error): void => {
      req.destroy(error)
      response?.destroy(error)
    }
    const deadline = setTimeout(() => fail(deadlineError(host, request.deadlineMs)), request.deadlineMs)
    // Never keeps the process alive by itself; the socket does while it is in use.
    deadline.unref()
    const onAbort = (): void => fail(cancelledError(host))
    request.signal?.addEventListener('abort', onAbort, { once: true })
    const finish = (): void => {
      clearTimeout(deadline)
      request.signal?.removeEventListener('abort', onAbort)
    }
    req.setTimeout(request.timeoutMs, () => {
      const error = Object.assign(new Error(`no response from ${host} within ${request.timeoutMs} ms`), { code: 'ETIMEDOUT' })
      fail(error)
    })
    req.once('error', error => {
      if (response === undefined) finish()
      reject(throughProxy(error, request.agent))
    })
    req.once('response', message => {
      response = message
      // The inactivity timeout, the deadline and the signal keep guarding the body while it streams.
      message.once('error', () => undefined)
      message.once('close', finish)
      resolve(message)
    })
    const body = request.body
    if (body === undefined) req.end()
    else if (Buffer.isBuffer(body)) req.end(body)
    else {
      // Not pipeline(): it aborts a request with a bare 'socket hang up', and the
      // reason (a digest or size mismatch from the source) must reach the caller.
      body.once('error', error => req.destroy(error))
      body.pipe(req)
    }
  })
}

/** A socket error of a request forwarded through a proxy says so (tunnels name their proxy themselves). */
function throughProxy(error: Error, agent: Http.Agent): Error {
  const route = forwarding.get(agent)
  if (route === undefined || error instanceof RegistryError) return error
  return Object.assign(new Error(`${error.message} (through the proxy ${route.url.host} from ${route.variable})`, { cause: error }), {
    ...((error as { code?: unknown }).code !== undefined && { code: (error as { code?: unknown }).code })
  })
}

/** A direct request, or an absolute-form one to the proxy an `http://` origin forwards through. */
function startRequest(request: Exchange): Http.ClientRequest {
  const route = forwarding.get(request.agent)
  if (route === undefined) {
    const send = request.url.protocol === 'https:' ? httpsModule().request : http.request
    return send(request.url, { method: request.method, headers: request.headers, agent: request.agent })
  }
  const proxy = route.url
  const send = proxy.protocol === 'https:' ? httpsModule().request : http.request
  return send({
    protocol: proxy.protocol,
    hostname: proxy.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
    path: request.url.href,
    method: request.method,
    headers: { ...request.headers, host: request.url.host, ...(route.authorization !== undefined && { 'proxy-authorization': route.authorization }) },
    agent: request.agent
  })
}

/**
 * Reads a (small) body, never more than `limit` bytes: past it the response is
 * dropped (its socket closed) and `tooBig` says whether that is an error
 * (manifests) or the kept prefix is enough (error bodies).
 */
export async function readBody(response: Http.IncomingMessage, limit: number, tooBig?: () => Error): Promise<Buffer> {
  const parts: Buffer[] = []
  let length = 0
  for await (const chunk of response as AsyncIterable<Buffer>) {
    const room = limit - length
    if (chunk.length > room) {
      if (room > 0) parts.push(chunk.subarray(0, room))
      response.destroy()
      if (tooBig) throw tooBig()
      break
    }
    parts.push(chunk)
    length += chunk.length
  }
  return Buffer.concat(parts)
}

/** Drops a body we do not need, so the socket goes back to the pool. */
export function discard(response: Http.IncomingMessage): void {
  response.resume()
}
