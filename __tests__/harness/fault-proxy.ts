/**
 * An HTTP proxy on 127.0.0.1 in front of a real registry that records every
 * request and injects faults for requests matching a rule, a bounded number of
 * times: an error status with Retry-After, a connection reset in the middle of
 * the body, a body cut short (ended cleanly, so only a size or digest check
 * catches it), a redirect, or an extra response header.
 */
import * as http from 'node:http'

export type Fault =
  | { kind: 'status'; status: number; retryAfterSeconds?: number }
  | { kind: 'reset-mid-body' }
  | { kind: 'truncate' }
  | { kind: 'redirect'; location: (path: string) => string }
  | { kind: 'header'; name: string; value: string }

export interface FaultRule {
  method?: string
  /** Matches the request path (with query). */
  path: RegExp
  fault: Fault
  /** How many matching requests get the fault; later ones pass through. */
  times: number
}

export interface ProxiedRequest {
  method: string
  path: string
  authorization?: string
  /** The fault injected, if any. */
  fault?: Fault['kind']
  status?: number
}

export interface FaultProxy {
  host: string
  url: string
  port: number
  requests: ProxiedRequest[]
  addRule(rule: FaultRule): void
  clearRules(): void
  /** Requests seen since the last reset, with their method and path. */
  reset(): void
  stop(): Promise<void>
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream)
  const rules: Array<FaultRule & { used: number }> = []
  const requests: ProxiedRequest[] = []
  const agent = new http.Agent({ keepAlive: true })

  const server = http.createServer((req, res) => {
    const entry: ProxiedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', ...(req.headers.authorization !== undefined && { authorization: req.headers.authorization }) }
    requests.push(entry)
    const rule = rules.find(candidate => candidate.used < candidate.times && (!candidate.method || candidate.method === entry.method) && candidate.path.test(entry.path))
    if (rule) {
      rule.used += 1
      entry.fault = rule.fault.kind
    }
    const fault = rule?.fault
    if (fault?.kind === 'status') {
      req.resume()
      entry.status = fault.status
      res.writeHead(fault.status, {
        'content-type': 'application/json',
        ...(fault.retryAfterSeconds !== undefined && { 'retry-after': String(fault.retryAfterSeconds) })
      })
      res.end(JSON.stringify({ errors: [{ code: fault.status === 429 ? 'TOOMANYREQUESTS' : 'UNAVAILABLE', message: 'injected by the fault proxy' }] }))
      return
    }
    if (fault?.kind === 'redirect') {
      req.resume()
      entry.status = 307
      res.writeHead(307, { location: fault.location(entry.path) })
      res.end()
      return
    }
    const forward = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
      upstreamResponse => {
        entry.status = upstreamResponse.statusCode ?? 0
        const headers = { ...upstreamResponse.headers }
        if (fault?.kind === 'header') headers[fault.name.toLowerCase()] = fault.value
        if (fault?.kind === 'reset-mid-body' || fault?.kind === 'truncate') {
          const parts: Buffer[] = []
          upstreamResponse.on('data', (chunk: Buffer) => parts.push(chunk))
          upstreamResponse.on('end', () => {
            const body = Buffer.concat(parts)
            const half = body.subarray(0, Math.floor(body.length / 2))
            if (fault.kind === 'truncate') {
              delete headers['content-length']
              res.writeHead(upstreamResponse.statusCode ?? 502, headers)
              res.end(half)
            } else {
              res.writeHead(upstreamResponse.statusCode ?? 502, headers)
              res.write(half, () => res.socket?.resetAndDestroy())
            }
          })
          return
        }
        res.writeHead(upstreamResponse.statusCode ?? 502, headers)
        upstreamResponse.pipe(res)
      }
    )
    forward.on('error', error => {
      if (!res.headersSent) res.writeHead(502)
      res.end(String(error))
    })
    req.pipe(forward)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    addRule: rule => rules.push({ ...rule, used: 0 }),
    clearRules: () => rules.splice(0),
    reset: () => requests.splice(0),
    stop: () =>
      new Promise<void>(resolve => {
        agent.destroy()
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
