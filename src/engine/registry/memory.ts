/**
 * Keeps the memory of blob streaming flat. Every socket read of a download
 * lands in a fresh buffer outside V8's heap (up to 64 KiB), and streaming makes
 * almost no other garbage, so V8, which collects when its own young generation
 * fills, lets tens of MiB of spent read buffers pile up between collections;
 * the allocator keeps their pages, so they count in peak RSS (90+ MiB for the
 * benchmark's 300 MiB copy, against 44 MiB for node with http and crypto loaded).
 * A scavenge (minor GC) every 4 MiB moved frees them while they are young; it
 * costs well under a millisecond, as the young generation holds only what is
 * in flight. (Without it the benchmark peaked at 113–119 MiB; every MiB
 * instead of every 4 saved 2–3 MiB more but cost 0.1–0.2 s of CPU, and the
 * cold copy, which shares 2 cores with both registries, got slower.)
 *
 * The scavenge is V8's own `gc({ type: 'minor' })`, exposed for this process
 * with `--expose-gc` set at run time (the flag only adds the `gc` function to
 * new contexts). Where that is refused, the nudge is a no-op and memory
 * behaves as before.
 *
 * The CLI and the action keep the young generation small from their first
 * line (heap.ts); an embedder's process gets the same cap with
 * the first scavenge, as the young generation has nothing to gain from
 * growing while blobs stream.
 */
import * as v8 from 'node:v8'
import * as vm from 'node:vm'
import { keepYoungGenerationSmall } from '../../heap.js'

/** Bytes moved between two scavenges. */
export const COLLECT_EVERY_BYTES = 4 * 1024 * 1024

type Collect = (options?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async' }) => void

let collect: Collect | null | undefined

function collector(): Collect | undefined {
  if (collect === undefined) {
    collect = null
    try {
      keepYoungGenerationSmall()
      const existing = (globalThis as { gc?: unknown }).gc
      if (typeof existing === 'function') collect = existing as Collect
      else {
        v8.setFlagsFromString('--expose-gc')
        const exposed: unknown = vm.runInNewContext('typeof gc === "function" ? gc : undefined')
        if (typeof exposed === 'function') collect = exposed as Collect
      }
    } catch {
      collect = null
    }
  }
  return collect ?? undefined
}

/** Counts bytes streamed and frees spent read buffers every COLLECT_EVERY_BYTES. */
export class BufferReclaimer {
  private pending = 0
  /** Scavenges run, for benchmarks. */
  collections = 0

  constructor(private readonly everyBytes = COLLECT_EVERY_BYTES) {}

  moved(bytes: number): void {
    this.pending += bytes
    if (this.pending < this.everyBytes) return
    this.pending = 0
    const run = collector()
    if (!run) return
    run({ type: 'minor' })
    this.collections += 1
  }
}
