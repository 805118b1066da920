/**
 * The build half of the port: only the docker engine builds. A request is
 * fully decided by the plan stage (Dockerfile text already pointed at the
 * mirrored bases, arguments, tags); the engine only runs it.
 */
import type { ImageReference } from '../../reference.js'
import type { OperationContext } from '../port.js'
import type { BuildCommandOptions } from './commands.js'

export interface BuildRequest {
  command: BuildCommandOptions
  /** Registry hosts the build pulls mirrored bases from (logged in to first, when credentials are held). */
  pullsFrom: string[]
}

export interface BuildPort {
  describeBuild(request: BuildRequest): string[]
  /** Builds into the local daemon; returns the local image ID. */
  build(request: BuildRequest, context: OperationContext): Promise<{ imageId?: string }>
  describePush(target: ImageReference): string[]
  /** Pushes; returns the manifest digest the registry stored. */
  push(target: ImageReference, context: OperationContext): Promise<{ digest?: string }>
}
