/**
 * Keeps V8's young generation at its initial size (1 MiB per semi-space).
 *
 * V8 doubles the young generation, up to 2 × 16 MiB, whenever a scavenge finds
 * much of it alive. Loading the bundle does that once, and blob streaming does
 * it again (each scavenge memory.ts asks for finds the chunks in flight alive),
 * though nothing that lives there needs the room: it only fills with spent
 * buffers between scavenges. Capped, the registry benchmark's copy peaked
 * 4–8 MiB lower at the same speed and CPU, and the 12,500-file scan took the
 * same time. V8 reads the factor each time it considers growing, so setting it
 * at run time works; it must come before the bundle loads to keep that first
 * doubling from happening.
 */
import * as v8 from 'node:v8'

export function keepYoungGenerationSmall(): void {
  try {
    v8.setFlagsFromString('--semi-space-growth-factor=1')
  } catch {
    // A runtime that refuses V8 flags keeps its defaults.
  }
}
