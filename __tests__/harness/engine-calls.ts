/** What the execute stage does with a copy port, for tests that call an engine directly. */
import { EngineFailure, type CopyOutcome, type CopyPort, type OperationContext } from '../../src/engine/port.js'
import type { ImageReference } from '../../src/reference.js'

/** Prepare (reads only), then copy: one image through a copy port. */
export async function copyThrough(engine: CopyPort, source: ImageReference, target: ImageReference, context: OperationContext): Promise<CopyOutcome> {
  return engine.copy(await engine.prepareCopy(source, target, context), context)
}

/** The EngineFailure a promise rejects with; anything else (or no rejection) fails the test. */
export async function failureOf(promise: Promise<unknown>): Promise<EngineFailure> {
  try {
    await promise
  } catch (error) {
    if (error instanceof EngineFailure) return error
    throw error
  }
  throw new Error('expected an EngineFailure')
}
