/**
 * One HTTP exchange over node:http/https with a keep-alive agent per origin and
 * purpose (reads and writes use separate pools, so a transfer that holds a
 * source socket while it waits for a target socket can never deadlock when
 * source and target are the same registry). Bodies stream both ways, so
 * backpressure holds from the source registry to the target one.
 *
 * Every exchange is bounded three ways: an inactivity timeout on the socket,
 * an overall deadline that covers the response body too (a server that drips
 * one byte a second never trips the inactivity timeout), and the caller's
 * AbortSignal, which ends the request and its body at once.
 */
import * as fs from 'node:fs'
import * as http from 'node:http'
import * as https from 'node:https'
import type { Readable } from 'node:stream'
import type { Purpose } from './endpoint.js'
import { cancelledError, deadlineError } from './errors.js'

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
export function exchange(request: Exchange): Promise<http.IncomingMessage> {
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
    const send = request.url.protocol === 'https:' ? https.request : http.request
    const req = send(request.url, { method: request.method, headers: request.headers, agent: request.agent })
    let response: http.IncomingMessage | undefined
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
      reject(error)
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

/**
 * Reads a (small) body, never more than `limit` bytes: past it the response is
 * dropped (its socket closed) and `tooBig` says whether that is an error
 * (manifests) or the kept prefix is enough (error bodies).
 */
export async function readBody(response: http.IncomingMessage, limit: number, tooBig?: () => Error): Promise<Buffer> {
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
export function discard(response: http.IncomingMessage): void {
  response.resume()
}
