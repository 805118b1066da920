/**
 * What to do about a failure: one pure module for both engines. It reads the
 * typed failure (kind, side, phase), never the error text, and names only
 * inputs that exist (a test checks every `name:` it mentions against the
 * input table).
 */
import type { Failure, ImageKind } from '../model.js'
import { familiarName, type ImageReference } from '../reference.js'

export interface AdviceContext {
  imageKind: ImageKind
  source?: ImageReference
  target?: ImageReference
  engine: 'docker' | 'registry'
  /** Attempts made for transient failures (retries + 1). */
  attempts: number
  /** Where verify looked. */
  verifyFrom: 'registry' | 'local' | 'bundle'
}

export function adviseFailure(failure: Failure, context: AdviceContext): string | undefined {
  // Only the docker engine reads `pull`; a registry-engine user is told both inputs.
  const pull = (policy: string): string => (context.engine === 'docker' ? `pull: ${policy}` : `engine: docker and pull: ${policy}`)
  const host = failure.host ?? (failure.side === 'target' ? context.target?.registry : context.source?.registry)
  const source = context.source !== undefined ? familiarName(context.source) : undefined
  const target = context.target !== undefined ? familiarName(context.target) : undefined
  switch (failure.kind) {
    case 'unauthorized':
      return failure.side === 'source'
        ? `Log in to ${host}: the source-username and source-password inputs (Docker Hub), or docker/login-action before this step; check that ${source ?? 'the image'} exists and may be pulled`
        : `Check the credentials for ${host}: the username and password inputs, or docker/login-action before this step`
    case 'denied':
      return failure.side === 'source'
        ? `The account may not pull from ${host}; use one with pull permission (source-username/source-password)`
        : `The account may not push to ${host}${target !== undefined ? ` (${target})` : ''}: grant it push permission on the project, or use another account (username/password)`
    case 'not-found':
      if (failure.phase === 'verify') return missingAdvice(failure, context)
      if (failure.side === 'source') {
        return `${source ?? 'The image'} does not exist where it was looked for: check its name and tag; an image that cannot be pulled here can be loaded (docker load) and mirrored with ${pull('never')}`
      }
      return undefined
    case 'unreachable':
      return `${host ?? 'The registry'} did not answer after ${context.attempts} attempt${context.attempts === 1 ? '' : 's'}: check that it is reachable from the runner (proxy, DNS, firewall), then run again; raise retries for a flaky network`
    case 'rate-limited':
      return `Left for the next run: Docker Hub restores the pull quota over 6 hours; log in (source-username/source-password) for a larger quota, or set registry-mirror`
    case 'integrity':
      return `The registry sent content that does not match its digest; nothing was written for this image. Retry, and if it persists, report it to the registry's operators`
    case 'build-failed':
      return `Fix the build error shown in the log; the build ran against the mirrored base images (use-mirrored-bases: false builds against the public ones)`
    case 'not-local':
      return `Load it first (docker pull ${source ?? '<image>'}, or docker load -i <archive>), or run with ${pull('missing')}`
    case 'stale-local':
      return `The target is already current; remove or re-pull the local copy (docker pull ${source ?? '<image>'}), or run with ${pull('always')}`
    case 'unsupported':
      if (failure.phase === 'build') return undefined
      return context.engine === 'docker'
        ? 'Install docker on the runner, or use engine: registry'
        : 'The registry engine cannot copy this image with the platforms input as set; change platforms, or use engine: docker'
    case 'cancelled':
      return 'The run was cancelled before this image finished; run again'
    case 'other':
      return undefined
  }
}

function missingAdvice(failure: Failure, context: AdviceContext): string {
  if (failure.hint !== undefined) return failure.hint
  const source = context.source !== undefined ? familiarName(context.source) : undefined
  const target = context.target !== undefined ? familiarName(context.target) : 'its target'
  if (context.verifyFrom === 'bundle') return `Not in the bundle: export it again with this plan (mode: export), or verify the registry it was imported into (verify-from: registry)`
  if (context.verifyFrom === 'local') {
    if (context.imageKind === 'service') return `Build it: run mode: build (the image is built as ${target})`
    return `Not in the local daemon: docker pull ${source ?? '<image>'} or docker load it, then run mode: mirror with ${context.engine === 'docker' ? 'pull: never' : 'engine: docker and pull: never'}`
  }
  if (context.imageKind === 'service') return 'Build and push it: run mode: build with push: true'
  return `Mirror it: run mode: mirror${source !== undefined ? ` (copies ${source})` : ''}`
}
