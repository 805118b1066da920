/**
 * Turns what docker printed into a typed failure. The side is never read from
 * the text: the caller knows which command failed (a pull is the source, a
 * push or a login to the target is the target, a tag or a build is local);
 * only the kind comes from docker's words, which is all docker gives.
 */
import type { FailureKind, FailureSide } from '../../model.js'
import { EngineFailure } from '../port.js'
import { classifyDockerFailure, DockerCommandError, DockerNotFoundError } from './cli.js'

/** Failure logs keep the end of docker's output, where the error is. */
const LOG_LIMIT = 8000

export function dockerFailure(error: unknown, side: FailureSide, what: string, options: { host?: string; build?: boolean } = {}): EngineFailure {
  if (error instanceof EngineFailure) return error
  const host = options.host !== undefined ? { host: options.host } : {}
  if (error instanceof DockerNotFoundError) {
    return new EngineFailure('unsupported', 'local', `${what} failed: ${error.message}`, { cause: error })
  }
  if (!(error instanceof DockerCommandError)) {
    return new EngineFailure('other', side, `${what} failed: ${error instanceof Error ? error.message : String(error)}`, { ...host, cause: error })
  }
  const log = error.output.slice(-LOG_LIMIT)
  const kind: FailureKind = error.exitCode === -1 && /^cancelled/.test(error.stderr) ? 'cancelled' : kindOf(error, options.build === true)
  return new EngineFailure(kind, side, `${what} failed: ${error.reason}`, { ...host, ...(log !== '' && { log }), cause: error })
}

function kindOf(error: DockerCommandError, build: boolean): FailureKind {
  const text = `${error.stderr}\n${error.stdout}`
  if (/toomanyrequests|too many requests|rate limit/i.test(text)) return 'rate-limited'
  const kind = classifyDockerFailure(error)
  if (build) return 'build-failed'
  if (kind === 'unauthorized') return /denied|forbidden/i.test(text) && !/unauthorized|authentication required|no basic auth/i.test(text) ? 'denied' : 'unauthorized'
  if (kind === 'not-found') return 'not-found'
  if (kind === 'transient') return 'unreachable'
  return 'other'
}
