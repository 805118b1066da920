/**
 * Keeps V8's young generation small: at most twice the size it starts with.
 *
 * V8 doubles the young generation, up to 2 × 16 MiB, whenever a scavenge finds
 * much of it alive. Loading the bundle does that twice, and blob streaming
 * keeps doing it (each scavenge memory.ts asks for finds the chunks in flight
 * alive), though nothing that lives there needs the room: it only fills with
 * spent buffers between scavenges. Capped, the registry benchmark's copy
 * holds 5–8 MiB less of V8's pages (16–19 against 21–27 MiB over a dozen runs)
 * at the same speed and CPU, though its peak RSS varies by as much from run to
 * run with the spent buffers waiting for a scavenge; the 12,500-file scan
 * takes the same time, and loading the bundle a few more scavenges (5 ms).
 * V8 reads the factor each time it considers growing, so setting it at run
 * time works; it must come before the bundle loads to keep those first
 * doublings from happening.
 */
import * as v8 from 'node:v8'

export function keepYoungGenerationSmall(): void {
  try {
    v8.setFlagsFromString('--semi-space-growth-factor=1')
  } catch {
    // A runtime that refuses V8 flags keeps its defaults.
  }
}
