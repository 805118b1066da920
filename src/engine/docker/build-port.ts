/**
 * The build half of the port: only the docker engine builds. A request is
 * fully decided by the plan stage (Dockerfile text already pointed at the
 * mirrored bases, arguments, tags, the builder and what it honours); the
 * engine only runs it.
 */
import type { ImageReference } from '../../reference.js'
import type { OperationContext } from '../port.js'
import type { BuildCommandOptions } from './commands.js'

export interface BuildRequest {
  command: BuildCommandOptions
  /** Registry hosts the build pulls mirrored bases from (logged in to first, when credentials are held). */
  pullsFrom: string[]
}

export interface BuildOutcome {
  /** The image ID (config digest) of what was built. */
  imageId?: string
  /** Set when the build itself pushed (`docker buildx build --push`): the manifest digest the registry stored. */
  pushedDigest?: string
}

export interface BuildPort {
  describeBuild(request: BuildRequest): string[]
  /**
   * Builds into the local daemon (buildx: `--load`), or builds and pushes when
   * `request.command.push` says so (buildx: `--push`). Throws EngineFailure
   * whose log is the end of the build's output.
   */
  build(request: BuildRequest, context: OperationContext): Promise<BuildOutcome>
  describePush(target: ImageReference): string[]
  /** Pushes; returns the manifest digest the registry stored. */
  push(target: ImageReference, context: OperationContext): Promise<{ digest?: string }>
}
