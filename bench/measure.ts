/**
 * How the benches measure: settings from BENCH_* variables, a contender's
 * process under /usr/bin/time (wall time and peak RSS), dockerd's memory
 * high-water mark, medians over rounds, the load average, and the check that
 * every target manifest has the source's digest.
 */
import { execFile } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { performance } from 'node:perf_hooks'
import { promisify } from 'node:util'
import type { TestDockerd } from '../__tests__/harness/docker.js'
import { manifestDigest } from '../__tests__/harness/oci-images.js'
import { requireBinary, type TestRegistry } from '../__tests__/harness/registry.js'
import type { BenchImage } from './images.js'

const execFileAsync = promisify(execFile)
export const MiB = 1024 * 1024

/** A number above 0 from the environment variable `name`, else `fallback`. */
export function positiveNumber(name: string, fallback: number): number {
  const text = process.env[name]
  if (text === undefined || text === '') return fallback
  const value = Number(text)
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}='${text}': expected a number above 0`)
  return value
}

/** One timed run of a contender (or of one half of it). */
export interface Run {
  seconds: number
  /** Peak RSS in KiB (the largest of the run's processes, or dockerd's high-water mark). */
  maxRssKiB: number
  /** CPU time (user + system) of the contender's processes, in seconds; absent where not measured. */
  cpuSeconds?: number
  /** How busy the whole machine's CPUs were during the run (0–1): near 1, the contenders and the registries compete for CPU. */
  machineBusy?: number
}

/** Jiffies of every CPU, busy and all, from /proc/stat (Linux). */
function cpuJiffies(): { busy: number; total: number } | undefined {
  try {
    const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]?.trim().split(/\s+/).slice(1, 9).map(Number) ?? []
    const total = fields.reduce((sum, value) => sum + value, 0)
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0)
    return { busy: total - idle, total }
  } catch {
    return undefined
  }
}

/** Runs a command under /usr/bin/time, bounded by `timeoutMs`; returns its wall time, peak RSS and stdout. */
export async function timed(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs: number; cwd?: string }): Promise<Run & { stdout: string }> {
  const timeBinary = requireBinary('time', 'time')
  const rssFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'im-bench-time-')), 'rss')
  const started = performance.now()
  const cpuBefore = cpuJiffies()
  try {
    const { stdout } = await execFileAsync(timeBinary, ['-f', '%M %U %S', '-o', rssFile, command, ...args], {
      env: options.env ?? process.env,
      timeout: options.timeoutMs,
      maxBuffer: 64 * MiB,
      ...(options.cwd !== undefined && { cwd: options.cwd })
    })
    const seconds = (performance.now() - started) / 1000
    const cpuAfter = cpuJiffies()
    const [rss, user, system] = (fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop() ?? '').split(' ').map(Number)
    return {
      seconds,
      maxRssKiB: rss ?? 0,
      cpuSeconds: (user ?? 0) + (system ?? 0),
      ...(cpuBefore && cpuAfter && cpuAfter.total > cpuBefore.total && { machineBusy: (cpuAfter.busy - cpuBefore.busy) / (cpuAfter.total - cpuBefore.total) }),
      stdout
    }
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? error).trim()
    throw new Error(`${path.basename(command)} ${args.slice(0, 3).join(' ')} … failed: ${stderr.slice(-1500)}`)
  } finally {
    fs.rmSync(path.dirname(rssFile), { recursive: true, force: true })
  }
}

function dockerdPid(dockerd: TestDockerd): string {
  return fs.readFileSync(path.join(dockerd.dir, 'docker.pid'), 'utf8').trim()
}

/** dockerd's peak RSS (VmHWM) since it started or since the last resetHighWater, in KiB. */
export function dockerdHighWater(dockerd: TestDockerd): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${dockerdPid(dockerd)}/status`, 'utf8'))
  return match ? Number(match[1]) : 0
}

/** Resets dockerd's VmHWM to its current RSS (Linux ≥ 4.0, `5` in clear_refs), so a run's peak is its own; false when refused. */
export function resetHighWater(dockerd: TestDockerd): boolean {
  try {
    fs.writeFileSync(`/proc/${dockerdPid(dockerd)}/clear_refs`, '5')
    return true
  } catch {
    return false
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

/** The 1, 5 and 15 minute load averages. */
export function loadAverage(): string {
  return os.loadavg().map(value => value.toFixed(2)).join(' ')
}

/** The second line of every bench's table: how many rounds, and the load they ran under. */
export function describeRounds(rounds: number, loads: string[]): string {
  return `medians of ${rounds} interleaved rounds (order rotated each round); load average (1, 5, 15 min) at the start and after each round: ${loads.join(' | ')}`
}

export interface Verification {
  equal: number
  differing: string[]
  missing: string[]
  /** A line to print: `verify <label>: …`. */
  line: string
}

/** Compares the digest every target manifest has with the source's. */
export async function verifyTarget(label: string, source: TestRegistry, target: TestRegistry, images: BenchImage[], targetRepository: (image: BenchImage) => string): Promise<Verification> {
  const missing: string[] = []
  const differing: string[] = []
  for (const image of images) {
    const [want, got] = await Promise.all([manifestDigest(source, image.repository, image.tag), manifestDigest(target, targetRepository(image), image.tag)])
    if (got === undefined) missing.push(`${targetRepository(image)}:${image.tag}`)
    else if (got !== want) differing.push(`${targetRepository(image)}:${image.tag}`)
  }
  const equal = images.length - missing.length - differing.length
  if (missing.length + differing.length === 0) return { equal, differing, missing, line: `verify ${label}: all ${images.length} target manifests present, digests equal to the source` }
  const some = (names: string[]): string => (names.length > 4 ? `${names.slice(0, 4).join(', ')}, …` : names.join(', '))
  const parts = [`${equal}/${images.length} equal to the source`]
  if (differing.length > 0) parts.push(`${differing.length} with another digest (${some(differing)})`)
  if (missing.length > 0) parts.push(`${missing.length} missing (${some(missing)})`)
  return { equal, differing, missing, line: `verify ${label}: ${parts.join('; ')}` }
}

/** The check with the fewest equal digests: what a table reports for a contender over all its runs. */
export function worstVerification(verifications: Verification[]): Verification {
  return verifications.reduce((low, entry) => (entry.equal < low.equal ? entry : low))
}
