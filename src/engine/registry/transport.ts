/**
 * One HTTP exchange over node:http/https with a keep-alive agent per origin and
 * purpose (reads and writes use separate pools, so a transfer that holds a
 * source socket while it waits for a target socket can never deadlock when
 * source and target are the same registry). Bodies stream both ways, so
 * backpressure holds from the source registry to the target one.
 */
import * as fs from 'node:fs'
import * as http from 'node:http'
import * as https from 'node:https'
import type { Readable } from 'node:stream'
import type { Purpose } from './endpoint.js'

export interface AgentOptions {
  /** Sockets per origin and purpose (the `concurrency` input). */
  maxSockets: number
  /** PEM file with extra trusted CAs (`ca-file`). */
  caFile?: string
}

export class Agents {
  private readonly agents = new Map<string, http.Agent>()
  private readonly ca: Buffer | undefined

  constructor(private readonly options: AgentOptions) {
    this.ca = options.caFile ? fs.readFileSync(options.caFile) : undefined
  }

  for(url: URL, purpose: Purpose): http.Agent {
    const key = `${purpose} ${url.origin}`
    let agent = this.agents.get(key)
    if (!agent) {
      const common = { keepAlive: true, maxSockets: this.options.maxSockets }
      agent = url.protocol === 'https:' ? new https.Agent({ ...common, ...(this.ca && { ca: this.ca }) }) : new http.Agent(common)
      this.agents.set(key, agent)
    }
    return agent
  }

  destroy(): void {
    for (const agent of this.agents.values()) agent.destroy()
    this.agents.clear()
  }
}

export interface Exchange {
  method: string
  url: URL
  headers: Record<string, string>
  /** A Buffer is replayable; a stream is sent once. */
  body?: Buffer | Readable
  agent: http.Agent
  /** Socket inactivity timeout, in ms. */
  timeoutMs: number
}

/** Sends the request and resolves with the response head; the body is the caller's to consume. */
export function exchange(request: Exchange): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const send = request.url.protocol === 'https:' ? https.request : http.request
    const req = send(request.url, { method: request.method, headers: request.headers, agent: request.agent })
    req.setTimeout(request.timeoutMs, () => {
      const error = Object.assign(new Error(`no response from ${request.url.host} within ${request.timeoutMs} ms`), { code: 'ETIMEDOUT' })
      req.destroy(error)
    })
    req.once('error', reject)
    req.once('response', response => {
      // The inactivity timeout keeps guarding the body while it streams.
      response.once('error', () => undefined)
      resolve(response)
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

/** Reads a (small) body whole; `limit` bounds what is kept of error bodies. */
export async function readBody(response: http.IncomingMessage, limit = 16 * 1024 * 1024): Promise<Buffer> {
  const parts: Buffer[] = []
  let length = 0
  for await (const chunk of response as AsyncIterable<Buffer>) {
    if (length < limit) parts.push(chunk)
    length += chunk.length
  }
  return Buffer.concat(parts).subarray(0, limit)
}

/** Drops a body we do not need, so the socket goes back to the pool. */
export function discard(response: http.IncomingMessage): void {
  response.resume()
}
