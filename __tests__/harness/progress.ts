/** A ProgressSink that keeps every line, so tests can assert what a run logged; and an OperationContext that does the same. */
import type { ProgressSink } from '../../src/execute/execute.js'
import type { OperationContext } from '../../src/engine/port.js'

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

/** The context one engine call gets from the execute stage: its own record, an abortable signal. */
export function recordingContext(signal: AbortSignal = new AbortController().signal): OperationContext & { lines: string[]; output: (line: string) => void; printed: string[] } {
  const lines: string[] = []
  const printed: string[] = []
  return { signal, lines, printed, record: line => void lines.push(line), output: line => void printed.push(line) }
}
