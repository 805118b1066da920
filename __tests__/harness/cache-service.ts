/**
 * A stand-in for GitHub's cache service on 127.0.0.1, the legacy v1 REST API
 * @actions/cache still speaks when ACTIONS_CACHE_SERVICE_V2 is not set:
 * `GET _apis/artifactcache/cache?keys=…&version=…` (exact key first, then each
 * restore key as a prefix, newest first), `POST caches` (reserve), `PATCH
 * caches/<id>` (chunks by Content-Range), `POST caches/<id>` (commit), and the
 * archive served from `archiveLocation`. Entries are immutable: reserving a
 * key and version already taken is refused, as the service does. Requests are
 * recorded so a test can tell a restore from a save.
 */
import * as http from 'node:http'

export interface CacheEntry {
  key: string
  version: string
  archive: Buffer
  created: number
}

export interface CacheServiceStandIn {
  /** ACTIONS_CACHE_URL, with its trailing slash. */
  url: string
  /** The environment @actions/cache needs to find this service. */
  env: Record<string, string>
  entries: CacheEntry[]
  requests: Array<{ method: string; path: string }>
  stop(): Promise<void>
}

export async function startCacheService(): Promise<CacheServiceStandIn> {
  const entries: CacheEntry[] = []
  const pending = new Map<number, { key: string; version: string; chunks: Array<{ start: number; bytes: Buffer }> }>()
  const requests: Array<{ method: string; path: string }> = []
  let nextId = 1
  let created = 0

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    requests.push({ method: req.method ?? 'GET', path: url.pathname })
    const body: Buffer[] = []
    req.on('data', (chunk: Buffer) => body.push(chunk))
    req.on('end', () => {
      const json = (status: number, value?: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' })
        res.end(value === undefined ? undefined : JSON.stringify(value))
      }
      const api = '/_apis/artifactcache/'
      if (req.method === 'GET' && url.pathname === `${api}cache`) {
        const keys = (url.searchParams.get('keys') ?? '').split(',')
        const version = url.searchParams.get('version') ?? ''
        const newest = (match: (entry: CacheEntry) => boolean): CacheEntry | undefined =>
          entries.filter(entry => entry.version === version && match(entry)).sort((a, b) => b.created - a.created)[0]
        let found = newest(entry => entry.key === keys[0])
        for (const key of keys) found ??= newest(entry => entry.key.startsWith(key))
        if (found === undefined) return json(204)
        return json(200, { cacheKey: found.key, scope: 'refs/heads/main', archiveLocation: `http://${req.headers.host}/archives/${entries.indexOf(found)}` })
      }
      if (req.method === 'POST' && url.pathname === `${api}caches`) {
        const request = JSON.parse(Buffer.concat(body).toString('utf8')) as { key: string; version: string }
        const taken = entries.some(entry => entry.key === request.key && entry.version === request.version) || [...pending.values()].some(entry => entry.key === request.key)
        if (taken) return json(409, { message: `Cache already exists. Scope: refs/heads/main, Key: ${request.key}, Version: ${request.version}` })
        const cacheId = nextId++
        pending.set(cacheId, { key: request.key, version: request.version, chunks: [] })
        return json(201, { cacheId })
      }
      const id = /^\/_apis\/artifactcache\/caches\/(\d+)$/.exec(url.pathname)?.[1]
      if (id !== undefined) {
        const entry = pending.get(Number(id))
        if (entry === undefined) return json(404, { message: 'no such reservation' })
        if (req.method === 'PATCH') {
          const start = Number(/^bytes (\d+)-\d+\/\*$/.exec(String(req.headers['content-range']))?.[1] ?? NaN)
          if (!Number.isFinite(start)) return json(400, { message: 'bad Content-Range' })
          entry.chunks.push({ start, bytes: Buffer.concat(body) })
          return json(204)
        }
        if (req.method === 'POST') {
          const { size } = JSON.parse(Buffer.concat(body).toString('utf8')) as { size: number }
          const archive = Buffer.concat(entry.chunks.sort((a, b) => a.start - b.start).map(chunk => chunk.bytes))
          if (archive.length !== size) return json(400, { message: `committed ${size} bytes, received ${archive.length}` })
          pending.delete(Number(id))
          entries.push({ key: entry.key, version: entry.version, archive, created: ++created })
          return json(204)
        }
      }
      const archive = /^\/archives\/(\d+)$/.exec(url.pathname)?.[1]
      if (req.method === 'GET' && archive !== undefined && entries[Number(archive)] !== undefined) {
        const bytes = (entries[Number(archive)] as CacheEntry).archive
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) })
        res.end(bytes)
        return
      }
      json(404, { message: `no route for ${req.method} ${url.pathname}` })
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the cache service stand-in did not bind')
  const url = `http://127.0.0.1:${address.port}/`
  return {
    url,
    env: { ACTIONS_RUNTIME_TOKEN: 'stand-in-token', ACTIONS_CACHE_URL: url, GITHUB_SERVER_URL: 'https://github.com' },
    entries,
    requests,
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
