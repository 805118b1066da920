/**
 * A bundle named by an http(s) URL (an internal file server on the air-gapped
 * side): downloaded with @actions/tool-cache (`downloadTool`, which retries
 * 5xx, 408 and 429), extracted with `extractTar`, and kept in the runner's
 * tool cache under the bundle's digest (`cacheDir`, `find`), so a re-run on the
 * same self-hosted runner opens the cached copy without downloading again.
 *
 * The digest is known before the download from the URL's fragment
 * (`…/bundle.tar#sha256=<hex>`) or from the `<url>.sha256` file an export
 * writes beside the archive; without either, the archive is downloaded, hashed
 * and then looked up (it is still extracted only once per digest). A download
 * that does not hash to the digest expected is refused.
 */
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { LAYOUT_FILE } from './layout.js'

export const TOOL_NAME = 'image-mirror-bundle'

export interface FetchedBundle {
  /** The extracted bundle directory in the tool cache. */
  path: string
  digest: string
  downloaded: boolean
}

export interface FetchOptions {
  /** Where the tool cache lives (RUNNER_TOOL_CACHE); used when the environment names none. */
  toolCacheDir: string
  /** Where downloads go first (RUNNER_TEMP). */
  tempDir: string
  info: (line: string) => void
}

export function isBundleUrl(value: string): boolean {
  return /^https?:\/\//i.test(value)
}

/** The tool-cache version of a digest: semver with the digest as its pre-release (`0.0.0-sha256-<hex>`). */
export function cacheVersion(digest: string): string {
  return `0.0.0-${digest.replace(':', '-')}`
}

/** The digest the URL pins (`#sha256=<hex>`), if any. */
export function pinnedDigest(url: string): string | undefined {
  const match = /#sha256[=:]([a-f0-9]{64})$/i.exec(url)
  return match ? `sha256:${(match[1] as string).toLowerCase()}` : undefined
}

/** The digest a `sha256sum` line names (`<hex>  bundle.tar`). */
export function parseChecksumFile(text: string): string | undefined {
  const match = /^([a-f0-9]{64})\b/i.exec(text.trim())
  return match ? `sha256:${(match[1] as string).toLowerCase()}` : undefined
}

export async function fetchBundle(url: string, options: FetchOptions): Promise<FetchedBundle> {
  // tool-cache reads these from the environment; a CLI run has none, so they default to ours.
  process.env.RUNNER_TOOL_CACHE ||= options.toolCacheDir
  process.env.RUNNER_TEMP ||= options.tempDir
  // Loaded only for a URL bundle: the toolkit's HTTP client is most of the action's code by size.
  const tc = await import('@actions/tool-cache')
  const address = url.replace(/#.*$/, '')
  const shown = redactUrl(address)
  let expected = pinnedDigest(url)
  if (expected === undefined) {
    const sidecar = path.join(options.tempDir, `im-bundle-${process.pid}-${Date.now()}.sha256`)
    try {
      await tc.downloadTool(`${address}.sha256`, sidecar)
      expected = parseChecksumFile(fs.readFileSync(sidecar, 'utf8').slice(0, 4096))
    } catch {
      options.info(`No ${shown}.sha256 beside the bundle: it is downloaded to learn its digest`)
    } finally {
      fs.rmSync(sidecar, { force: true })
    }
  }
  if (expected !== undefined) {
    const cached = cachedBundle(tc, expected)
    if (cached !== undefined) {
      options.info(`Bundle ${expected} is in the tool cache (${cached}): not downloaded again`)
      return { path: cached, digest: expected, downloaded: false }
    }
  }
  options.info(`Downloading the bundle ${shown}`)
  const started = Date.now()
  const file = await tc.downloadTool(address)
  try {
    const digest = await fileDigest(file)
    const size = fs.statSync(file).size
    options.info(`Downloaded ${size} bytes in ${((Date.now() - started) / 1000).toFixed(1)}s: ${digest}`)
    if (expected !== undefined && digest !== expected) throw new Error(`the bundle downloaded from ${shown} hashes to ${digest}, not ${expected} as announced: refused`)
    const cached = cachedBundle(tc, digest)
    if (cached !== undefined) return { path: cached, digest, downloaded: true }
    const extracted = await tc.extractTar(file, undefined, 'x')
    try {
      if (!fs.existsSync(path.join(extracted, LAYOUT_FILE))) throw new Error(`${shown} is not an OCI image layout archive (no ${LAYOUT_FILE} in it)`)
      const stored = await tc.cacheDir(extracted, TOOL_NAME, cacheVersion(digest))
      return { path: stored, digest, downloaded: true }
    } finally {
      fs.rmSync(extracted, { recursive: true, force: true })
    }
  } finally {
    fs.rmSync(file, { force: true })
  }
}

function cachedBundle(tc: typeof import('@actions/tool-cache'), digest: string): string | undefined {
  const found = tc.find(TOOL_NAME, cacheVersion(digest))
  return found !== '' && fs.existsSync(path.join(found, LAYOUT_FILE)) ? found : undefined
}

async function fileDigest(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) hash.update(chunk)
  return `sha256:${hash.digest('hex')}`
}

/** A URL as the log may show it: no user info, no query (a signed URL's token). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`
  } catch {
    return '<bundle URL>'
  }
}
