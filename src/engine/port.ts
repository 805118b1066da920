/**
 * The small port between the execute stage and whatever touches docker or the
 * network (DESIGN.md, "Engines are leaves behind a small port"). Engines see
 * jobs' references, never Settings, plans, dry-run flags or advice text.
 *
 * Check before write: `prepareCopy` only reads (HEAD, `docker image inspect`)
 * and says what `copy` would do, as the exact commands or requests; a dry run
 * prints those and stops, a real run hands the same prepared copy to `copy`.
 *
 * Engines return outcomes and throw `EngineFailure` for a per-image problem;
 * the execute stage turns failures into results, and report/advice into text.
 */
import type { FailureKind, FailureSide } from '../model.js'
import type { ImageReference } from '../reference.js'

export interface Credentials {
  username: string
  password: string
}

/** What one engine call may use besides its arguments. */
export interface OperationContext {
  /** Aborts every request or docker process of this call (cancellation, deadline). */
  signal: AbortSignal
  /** Records one command or request of this image (what runs, or would run); secrets never appear in it. */
  record(line: string): void
  /** Lines a long-running tool prints (build output), for the log; absent: not shown. */
  output?(line: string): void
}

/** What a copy produced, or found already done. */
export interface CopyOutcome {
  status: 'mirrored' | 'already-present'
  /** Manifest (or index) digest now at the target. */
  digest?: string
  size?: number
  platforms?: string[]
  bytesTransferred?: number
  bytesSkipped?: number
}

/** The read-only half of a copy: what is there, and what `copy` would do about it. */
export interface PreparedCopy {
  source: ImageReference
  target: ImageReference
  /** Set when the target already holds the source: nothing to do. */
  done?: CopyOutcome
  /** The commands or requests `copy` will make, in order, as a person would read them. Empty when done. */
  steps: string[]
  /** Engine-private state carried from prepare to copy (digests seen, local image IDs). */
  state?: unknown
  /** The source's manifest digest, as prepare's HEAD found it or the reference pins it; absent when the engine does not learn it (docker). */
  sourceDigest?: string
}

export interface LookupOutcome {
  status: 'verified' | 'missing'
  digest?: string
  size?: number
  platforms?: string[]
  /** For missing images: a fact that helps the advice (e.g. "a tag with another structure is local: x"). */
  hint?: string
}

/** Copies third-party images to the target and looks targets up. */
export interface CopyPort {
  readonly name: 'docker' | 'registry'
  /** Reads only. Throws EngineFailure when even the reads fail. */
  prepareCopy(source: ImageReference, target: ImageReference, context: OperationContext): Promise<PreparedCopy>
  /** Performs a prepared copy (returns `prepared.done` at once when set). */
  copy(prepared: PreparedCopy, context: OperationContext): Promise<CopyOutcome>
  /** The steps `lookup` makes, for a dry run. */
  describeLookup(target: ImageReference): string[]
  /** Does the target exist? Reads only. */
  lookup(target: ImageReference, context: OperationContext): Promise<LookupOutcome>
  /** Releases connections; removes what the engine created for itself. */
  close(): Promise<void>
}

/** A failure an engine knows the kind and side of. */
export class EngineFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    readonly side: FailureSide,
    message: string,
    readonly details: {
      /** Registry host concerned. */
      host?: string
      /** The tool's or registry's own output, kept for the report's log (already bounded). */
      log?: string
      /** The underlying error. */
      cause?: unknown
    } = {}
  ) {
    super(message)
    this.name = 'EngineFailure'
  }
}

/** A context that records nowhere and cannot be cancelled, for callers outside the execute stage (benchmarks). */
export function detachedContext(): OperationContext {
  return { signal: new AbortController().signal, record: () => undefined }
}
