/**
 * Starts a real CNCF distribution registry (Debian's docker-registry) on a free
 * 127.0.0.1 port, optionally behind htpasswd basic auth. Tests never mock a
 * registry: they start one of these and stop it by its pid.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import * as fs from 'node:fs'
import * as net from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'

export interface TestRegistry {
  /** host:port, e.g. 127.0.0.1:41234 */
  host: string
  port: number
  url: string
  dataDir: string
  credentials?: { username: string; password: string }
  /** Stops the process; its storage is removed unless `keepData` (to restart on it) or it was passed in. */
  stop(options?: { keepData?: boolean }): Promise<void>
}

export interface RegistryOptions {
  /** Enable htpasswd basic auth with these credentials. */
  basicAuth?: { username: string; password: string }
  /** Extra YAML appended to the config (e.g. an auth: token section). Replaces basicAuth. */
  extraConfig?: string
  /** Reuse a storage directory (to restart a registry with the same content). */
  dataDir?: string
  /** Listen on this port instead of a free one (to restart on the same address). */
  port?: number
}

export function requireBinary(name: string, debianPackage: string): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).concat(['/usr/bin', '/usr/sbin'])) {
    const candidate = path.join(dir, name)
    if (fs.existsSync(candidate)) return candidate
  }
  throw new Error(`'${name}' is not installed: run 'npm run ci' (it installs it) or 'apt-get install -y ${debianPackage}'`)
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

export async function waitForHttp(url: string, timeoutMs: number, accept: (status: number) => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) })
      await response.arrayBuffer()
      if (accept(response.status)) return
    } catch (error) {
      lastError = error
    }
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms: ${String(lastError)}`)
}

/**
 * A free port is only free until someone binds it: another test worker may
 * take it between freePort() and the registry's bind. Then our registry exits
 * at once while the other one answers our readiness probe, so a start only
 * counts when our own process is still alive after the probe; up to five ports
 * are tried.
 */
export async function startRegistry(options: RegistryOptions = {}): Promise<TestRegistry> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startRegistryOnce(options)
    } catch (error) {
      if (!(error instanceof PortTakenError) || options.port !== undefined || attempt >= 5) throw error
    }
  }
}

class PortTakenError extends Error {}

async function startRegistryOnce(options: RegistryOptions): Promise<TestRegistry> {
  const binary = requireBinary('docker-registry', 'docker-registry')
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'im-registry-'))
  const port = options.port ?? (await freePort())
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-registry-config-'))
  let auth = ''
  if (options.basicAuth) {
    const htpasswdBinary = requireBinary('htpasswd', 'apache2-utils')
    const line = execFileSync(htpasswdBinary, ['-Bbn', options.basicAuth.username, options.basicAuth.password]).toString().trim()
    fs.writeFileSync(path.join(configDir, 'htpasswd'), `${line}\n`)
    auth = `auth:\n  htpasswd:\n    realm: image-mirror-test\n    path: ${path.join(configDir, 'htpasswd')}\n`
  }
  const config = [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${dataDir}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    options.extraConfig ?? auth
  ].join('\n')
  const configPath = path.join(configDir, 'config.yml')
  fs.writeFileSync(configPath, config)
  const logPath = path.join(configDir, 'registry.log')
  const log = fs.openSync(logPath, 'a')
  const child: ChildProcess = spawn(binary, ['serve', configPath], { stdio: ['ignore', log, log], detached: false })
  fs.closeSync(log)
  const host = `127.0.0.1:${port}`
  const url = `http://${host}`
  try {
    await waitForHttp(`${url}/v2/`, 15000)
    // A registry that lost the port race exits right after failing to bind.
    await new Promise(resolve => setTimeout(resolve, 150))
    if (child.exitCode !== null || child.signalCode !== null) throw new PortTakenError(`registry on ${host} exited: ${fs.readFileSync(logPath, 'utf8').slice(-500)}`)
  } catch (error) {
    child.kill('SIGTERM')
    fs.rmSync(configDir, { recursive: true, force: true })
    if (options.dataDir === undefined) fs.rmSync(dataDir, { recursive: true, force: true })
    if (error instanceof PortTakenError || /address already in use/.test(safeRead(logPath))) throw new PortTakenError(String(error))
    throw new Error(`registry on ${host} did not start: ${String(error)}\n${safeRead(logPath).slice(-2000)}`)
  }
  return {
    host,
    port,
    url,
    dataDir,
    ...(options.basicAuth && { credentials: options.basicAuth }),
    stop: async (stopOptions = {}) => {
      await stopProcess(child)
      fs.rmSync(configDir, { recursive: true, force: true })
      if (options.dataDir === undefined && stopOptions.keepData !== true) fs.rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

function safeRead(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

/** Ends a process this harness started, by its pid, and waits (bounded) for it to exit. */
export async function stopProcess(child: ChildProcess, timeoutMs = 10000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  await new Promise<void>(resolve => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      resolve()
    }, timeoutMs)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill('SIGTERM')
  })
}
