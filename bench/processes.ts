/**
 * What a bench starts and must stop: registries (each with its storage), one
 * private dockerd (through the harness: no bridge, no iptables), and a work
 * directory; all stopped once, by the bench or on SIGINT/SIGTERM. Also the
 * bounded docker commands the benches run against their daemon, and the
 * environment the product runs in.
 */
import { execFile } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { startDockerd, type DockerdOptions, type TestDockerd } from '../__tests__/harness/docker.js'
import { startRegistry, type TestRegistry } from '../__tests__/harness/registry.js'
import { MiB } from './measure.js'

const execFileAsync = promisify(execFile)

export class BenchProcesses {
  readonly workDir: string
  private readonly registries: TestRegistry[] = []
  private readonly daemons: TestDockerd[] = []
  private stopping = false

  constructor(name: string) {
    this.workDir = fs.mkdtempSync(path.join(os.tmpdir(), `im-bench-${name}-`))
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void this.stopAll().finally(() => process.exit(130)))
  }

  /** A fresh, empty registry on 127.0.0.1. */
  async registry(): Promise<TestRegistry> {
    const registry = await startRegistry()
    this.registries.push(registry)
    return registry
  }

  /** Stops a registry and removes its storage (hundreds of MiB at full scale). */
  async drop(registry: TestRegistry): Promise<void> {
    this.registries.splice(this.registries.indexOf(registry), 1)
    await registry.stop()
    fs.rmSync(registry.dataDir, { recursive: true, force: true })
  }

  async dockerd(options?: DockerdOptions): Promise<TestDockerd> {
    const daemon = await startDockerd(options)
    this.daemons.push(daemon)
    return daemon
  }

  async stopDockerd(daemon: TestDockerd): Promise<void> {
    this.daemons.splice(this.daemons.indexOf(daemon), 1)
    await daemon.stop()
  }

  async stopAll(): Promise<void> {
    if (this.stopping) return
    this.stopping = true
    for (const daemon of this.daemons) await daemon.stop().catch(() => undefined)
    for (const registry of this.registries) {
      await registry.stop().catch(() => undefined)
      fs.rmSync(registry.dataDir, { recursive: true, force: true })
    }
    fs.rmSync(this.workDir, { recursive: true, force: true })
  }
}

/** Runs docker against a bench's daemon, bounded by `timeoutMs`; returns stdout. */
export async function docker(dockerd: TestDockerd, args: string[], timeoutMs: number): Promise<string> {
  try {
    return (await execFileAsync('docker', args, { env: dockerd.env, timeout: timeoutMs, maxBuffer: 64 * MiB })).stdout
  } catch (error) {
    throw new Error(`docker ${args.slice(0, 3).join(' ')} … failed: ${String((error as { stderr?: string }).stderr ?? error).trim().slice(-1500)}`)
  }
}

/** Removes every image from the daemon (untimed), so the next run has to pull, or loads into a fresh image store. */
export async function emptyDaemon(dockerd: TestDockerd, timeoutMs: number): Promise<void> {
  const listed = async (): Promise<string[]> => [...new Set((await docker(dockerd, ['image', 'ls', '-a', '--no-trunc', '--format', '{{.ID}}'], timeoutMs)).split('\n').map(line => line.trim()).filter(Boolean))]
  const ids = await listed()
  // -f: an image pulled under its source name and tagged to its target has two names.
  if (ids.length > 0) await docker(dockerd, ['rmi', '-f', ...ids], timeoutMs)
  await docker(dockerd, ['image', 'prune', '-a', '-f'], timeoutMs)
  const left = await listed()
  if (left.length > 0) throw new Error(`images still in the daemon after removal: ${left.join(', ')}`)
}

/** dist/cli.js, the product as users run it; throws when it is not built. */
export function productCli(): string {
  // BENCH_PRODUCT_CLI=<another build's cli.js>: measure that build instead (A/B runs).
  const cli = process.env.BENCH_PRODUCT_CLI || path.join(process.cwd(), 'dist', 'cli.js')
  if (!fs.existsSync(cli)) throw new Error('dist/cli.js is missing: run npm run build first')
  return cli
}

/** `base` with `workspace` as GITHUB_WORKSPACE and no other GITHUB_* or IMAGE_MIRROR_* variable, so nothing of the caller's leaks into the product's settings. */
export function productEnv(base: NodeJS.ProcessEnv, workspace: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, GITHUB_WORKSPACE: workspace }
  for (const name of Object.keys(env)) if (name.startsWith('IMAGE_MIRROR_') || (name.startsWith('GITHUB_') && name !== 'GITHUB_WORKSPACE')) delete env[name]
  return env
}
