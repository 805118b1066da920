/**
 * A small registry of our own on 127.0.0.1 that misbehaves on purpose. It
 * serves manifests and blobs it was given (read-only, like a source), records
 * every request with its Authorization header, and lets a test put a rule in
 * front of any path: lie about digests, redirect, drip a body, answer with a
 * challenge naming a foreign realm, or an error whose message carries
 * `\r::error::` and `##[`. Every drip is bounded in bytes and time, and stops
 * when the client goes away.
 */
import { createHash } from 'node:crypto'
import * as http from 'node:http'

export interface HostileRequest {
  method: string
  path: string
  authorization?: string
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>

export interface HostileRule {
  method?: string
  /** Matches the request path (with query). */
  path: RegExp
  /** How many matching requests the rule answers (default: all). */
  times?: number
  handle: Handler
}

export interface ServedManifest {
  digest: string
  mediaType: string
  bytes: Buffer
  size: number
}

export interface HostileRegistry {
  host: string
  url: string
  port: number
  requests: HostileRequest[]
  /** Serves `bytes` as a manifest of `repository` under each reference and under its digest. */
  addManifest(repository: string, references: string[], bytes: Buffer, mediaType: string): ServedManifest
  /** Serves `bytes` as a blob of any repository. */
  addBlob(bytes: Buffer): string
  /** Rules are tried in order before the content store. */
  on(rule: HostileRule): void
  /** Requests without Authorization get 401 with this WWW-Authenticate (undefined: no auth). */
  requireAuth(challenge: string | undefined): void
  clearRules(): void
  reset(): void
  stop(): Promise<void>
}

const MEDIA = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip'
} as const

export function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`
}

export async function startHostileRegistry(): Promise<HostileRegistry> {
  const manifests = new Map<string, { bytes: Buffer; mediaType: string; digest: string }>()
  const blobs = new Map<string, Buffer>()
  const rules: Array<HostileRule & { used: number }> = []
  const requests: HostileRequest[] = []
  let challenge: string | undefined

  const server = http.createServer((req, res) => {
    const path = req.url ?? '/'
    requests.push({ method: req.method ?? 'GET', path, ...(req.headers.authorization !== undefined && { authorization: req.headers.authorization }) })
    req.resume()
    const rule = rules.find(candidate => (candidate.times === undefined || candidate.used < candidate.times) && (!candidate.method || candidate.method === req.method) && candidate.path.test(path))
    if (rule) {
      rule.used += 1
      Promise.resolve(rule.handle(req, res)).catch(() => res.destroy())
      return
    }
    if (challenge !== undefined && req.headers.authorization === undefined && path.startsWith('/v2/')) {
      res.writeHead(401, { 'www-authenticate': challenge, 'content-type': 'application/json' })
      res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }))
      return
    }
    if (path === '/v2/' || path === '/v2') {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{}')
      return
    }
    const manifest = /^\/v2\/(.+)\/manifests\/([^/?]+)$/.exec(path)
    if (manifest) {
      const found = manifests.get(`${manifest[1]}@${manifest[2]}`)
      if (!found) return notFound(res, 'MANIFEST_UNKNOWN')
      res.writeHead(200, { 'content-type': found.mediaType, 'docker-content-digest': found.digest, 'content-length': String(found.bytes.length) })
      res.end(req.method === 'HEAD' ? undefined : found.bytes)
      return
    }
    const blob = /^\/v2\/(.+)\/blobs\/([^/?]+)$/.exec(path)
    if (blob) {
      const found = blobs.get(blob[2] as string)
      if (!found) return notFound(res, 'BLOB_UNKNOWN')
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'docker-content-digest': blob[2] as string, 'content-length': String(found.length) })
      res.end(req.method === 'HEAD' ? undefined : found)
      return
    }
    notFound(res, 'NAME_UNKNOWN')
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    addManifest: (repository, references, bytes, mediaType) => {
      const digest = sha256(bytes)
      for (const reference of [...references, digest]) manifests.set(`${repository}@${reference}`, { bytes, mediaType, digest })
      return { digest, mediaType, bytes, size: bytes.length }
    },
    addBlob: bytes => {
      const digest = sha256(bytes)
      blobs.set(digest, bytes)
      return digest
    },
    on: rule => rules.push({ ...rule, used: 0 }),
    requireAuth: value => {
      challenge = value
    },
    clearRules: () => rules.splice(0),
    reset: () => requests.splice(0),
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

function notFound(res: http.ServerResponse, code: string): void {
  res.writeHead(404, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ errors: [{ code, message: 'not here' }] }))
}

/** An OCI image (config + layers) served by `registry` under `repository:tag`. */
export function serveImage(registry: HostileRegistry, repository: string, tag: string, layers: Buffer[]): ServedManifest & { layers: Array<{ digest: string; size: number }> } {
  const layerDescriptors = layers.map(layer => ({ mediaType: MEDIA.ociLayer, digest: registry.addBlob(layer), size: layer.length }))
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: layerDescriptors.map(layer => layer.digest) } }))
  const configDescriptor = { mediaType: MEDIA.ociConfig, digest: registry.addBlob(config), size: config.length }
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.ociManifest, config: configDescriptor, layers: layerDescriptors }))
  return { ...registry.addManifest(repository, [tag], bytes, MEDIA.ociManifest), layers: layerDescriptors }
}

/** Manifest bytes of an OCI image manifest or index with whatever descriptors a test wants, valid or not. */
export function manifestDocument(kind: 'manifest' | 'index', fields: Record<string, unknown>): { bytes: Buffer; mediaType: string } {
  const mediaType = kind === 'index' ? MEDIA.ociIndex : MEDIA.ociManifest
  return { bytes: Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, ...fields })), mediaType }
}

/** Answers with a distribution error body; the message may carry anything (it is the point). */
export function answerError(res: http.ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ errors: [{ code, message }] }))
}

/**
 * Sends `total` bytes of `fill` in `chunk`-byte pieces every `intervalMs`,
 * stopping early when the client goes away or `maxMs` has passed.
 * Resolves with the number of bytes written.
 */
export function drip(res: http.ServerResponse, options: { total: number; chunk: number; intervalMs: number; maxMs: number; fill?: Buffer }): Promise<number> {
  const started = Date.now()
  let written = 0
  return new Promise(resolve => {
    const timer = setInterval(() => {
      if (res.destroyed || res.writableEnded || Date.now() - started > options.maxMs || written >= options.total) {
        clearInterval(timer)
        if (!res.destroyed && !res.writableEnded) res.end()
        resolve(written)
        return
      }
      const size = Math.min(options.chunk, options.total - written)
      const piece = options.fill ? options.fill.subarray(written, written + size) : Buffer.alloc(size, 0x20)
      written += piece.length
      res.write(piece)
    }, options.intervalMs)
    res.once('close', () => {
      clearInterval(timer)
      resolve(written)
    })
  })
}

/**
 * Writes up to `total` bytes as fast as the client reads them (respecting
 * backpressure), and resolves with how many were written before the client
 * hung up or `maxMs` passed.
 */
export function flood(res: http.ServerResponse, options: { total: number; maxMs: number }): Promise<number> {
  const started = Date.now()
  const piece = Buffer.alloc(64 * 1024, 0x20)
  let written = 0
  return new Promise(resolve => {
    let done = false
    const finish = (): void => {
      if (done) return
      done = true
      resolve(written)
    }
    res.once('close', finish)
    const pump = (): void => {
      while (!res.destroyed && written < options.total && Date.now() - started < options.maxMs) {
        written += piece.length
        if (!res.write(piece)) {
          res.once('drain', pump)
          return
        }
      }
      if (!res.destroyed) res.end()
      finish()
    }
    pump()
  })
}

/** A token endpoint: answers every request with a token and leaves the recording to the registry. */
export function tokenHandler(): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ token: 'hostile-token', expires_in: 300 }))
  }
}
