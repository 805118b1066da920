/**
 * The one small interface between the pipeline and whatever touches docker or
 * the network (DESIGN.md, "Engines are the only code that touches docker or the
 * network"). An engine never throws for a per-image problem: it returns a
 * PhaseResult with status 'failed' and the reason, so one image never hides
 * the others.
 */
import type { ImageKind, PhaseResult, PlannedImage } from '../model.js'
import type { ImageReference } from '../reference.js'

export interface Credentials {
  username: string
  password: string
}

/** What a verify may be told besides the target, to make its suggestion precise. */
export interface VerifyContext {
  source?: ImageReference
  kind?: ImageKind
}

/** Copies third-party images to the target and checks that target images exist. */
export interface MirrorEngine {
  readonly name: 'docker' | 'registry'
  /** Copy `source` to `target`; 'already-present' when the target already holds the same image. */
  mirror(source: ImageReference, target: ImageReference): Promise<PhaseResult>
  /** Does `target` exist (status 'verified' with its digest) or not ('missing' with a suggestion)? */
  verify(target: ImageReference, context?: VerifyContext): Promise<PhaseResult>
  /** Release connections, log out what this engine logged in to. */
  close(): Promise<void>
}

/** Builds the repository's own service images and pushes them. Only the docker engine builds. */
export interface BuildEngine {
  build(image: PlannedImage, target: ImageReference): Promise<PhaseResult>
  push(target: ImageReference): Promise<PhaseResult>
}
