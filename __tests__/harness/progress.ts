/** A ProgressSink that keeps every line, so tests can assert what a run logged. */
import type { ProgressSink } from '../../src/execute/execute.js'

export function recordingProgress(): ProgressSink & { lines: string[] } {
  const lines: string[] = []
  return {
    lines,
    group: async (name, fn) => {
      lines.push(`## ${name}`)
      return fn()
    },
    info: line => void lines.push(line)
  }
}
