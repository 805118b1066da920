/**
 * Which builder a service image build runs on, detected, never assumed
 * (issue 11, "Builds as on GitHub's runners"):
 *
 * 1. `docker buildx build` when the buildx plugin answers `docker buildx
 *    version` (GitHub's runners; `docker/setup-buildx-action`), on the builder
 *    the `builder` input names, else buildx's current one;
 * 2. else BuildKit through `DOCKER_BUILDKIT=1 docker build`, when the docker
 *    CLI still has BuildKit built in (CLIs before 23.0, such as Debian's
 *    20.10: from 23.0 on, BuildKit needs the buildx plugin) and the daemon
 *    speaks it (Linux, 18.09 or later);
 * 3. else the legacy builder, `DOCKER_BUILDKIT=0 docker build`.
 *
 * `DOCKER_BUILDKIT=0` in the environment asks for the legacy builder, as it
 * does for docker itself. What each builder honours of the compose build keys
 * is data (`BUILDER_FEATURES`), read by the plan stage.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { familiarName, type ImageReference } from '../../reference.js'
import { EngineFailure, type OperationContext } from '../port.js'
import type { BuildOutcome, BuildRequest } from './build-port.js'
import type { DockerCli } from './cli.js'
import { DockerCommandError, DockerNotFoundError } from './cli.js'
import { buildCommand, buildxVersionCommand, displayCommand, dockerVersionCommand } from './commands.js'
import { dockerFailure } from './failures.js'

export type BuilderKind = 'buildx' | 'buildkit' | 'legacy'

export interface Builder {
  kind: BuilderKind
  /** buildx only: the builder instance (`--builder`); absent: buildx's current builder. */
  name?: string
  /** One line for the log: which builder builds, and why this one. */
  description: string
  /** Set when no build can run as asked (a `builder` named without buildx): every build fails with it. */
  problem?: string
}

/** What a builder honours; what it does not stays a warning finding of the plan. */
export interface BuilderFeatures {
  /** `--secret`, `--ssh`. */
  secretsAndSsh: boolean
  /** `--build-context` (compose additional_contexts). */
  namedContexts: boolean
  /** Several platforms in one build (buildx pushing an index). */
  multiPlatform: boolean
  /** `--cache-to`, and `--cache-from` in the `type=…` form. */
  cacheExport: boolean
  /** `--shm-size`. */
  shmSize: boolean
  /** `--network NAME` for a user-defined network (BuildKit knows default, host and none only). */
  namedNetworks: boolean
  /** Reads `# syntax=` and pulls that frontend. */
  frontend: boolean
}

export const BUILDER_FEATURES: Readonly<Record<BuilderKind, BuilderFeatures>> = {
  buildx: { secretsAndSsh: true, namedContexts: true, multiPlatform: true, cacheExport: true, shmSize: true, namedNetworks: false, frontend: true },
  // The daemon's built-in BuildKit through the 20.10 CLI: no --build-context, no --cache-to, and --shm-size is not passed on.
  buildkit: { secretsAndSsh: true, namedContexts: false, multiPlatform: false, cacheExport: false, shmSize: false, namedNetworks: false, frontend: true },
  legacy: { secretsAndSsh: false, namedContexts: false, multiPlatform: false, cacheExport: false, shmSize: true, namedNetworks: true, frontend: false }
}

export const BUILDER_NAMES: Readonly<Record<BuilderKind, string>> = {
  buildx: 'BuildKit through docker buildx',
  buildkit: "the daemon's built-in BuildKit",
  legacy: 'the legacy builder'
}

export interface DetectBuilderOptions {
  /** The `builder` input: a buildx builder instance. */
  name?: string
  /** DOCKER_BUILDKIT as the environment sets it (false: the legacy builder is asked for); undefined when unset. */
  buildkit?: boolean
  signal?: AbortSignal
}

/** The first docker CLI release whose `docker build` needs the buildx plugin for BuildKit. */
const BUILDX_ONLY_FROM_MAJOR = 23

export async function detectBuilder(cli: DockerCli, options: DetectBuilderOptions = {}): Promise<Builder> {
  const run = (command: ReturnType<typeof buildxVersionCommand>) => cli.run(command, options.signal !== undefined ? { signal: options.signal } : {})

  if (options.buildkit === false && options.name === undefined) {
    return { kind: 'legacy', description: `${BUILDER_NAMES.legacy} (DOCKER_BUILDKIT=0 docker build): DOCKER_BUILDKIT=0 in the environment asks for it` }
  }

  let buildxFailure: string
  try {
    const version = (await run(buildxVersionCommand())).stdout.trim()
    const shown = /\bv?\d+\.\d+\.\d+\S*/.exec(version)?.[0] ?? (version.split('\n')[0] || 'unknown version')
    const on = options.name !== undefined ? `builder ${options.name}` : "buildx's current builder"
    return { kind: 'buildx', ...(options.name !== undefined && { name: options.name }), description: `${BUILDER_NAMES.buildx} ${shown} (docker buildx build, ${on})` }
  } catch (error) {
    if (error instanceof DockerNotFoundError) {
      return { kind: 'legacy', description: `${BUILDER_NAMES.legacy}: ${error.message}`, ...(options.name !== undefined && { problem: `the builder input names ${options.name}, but ${error.message}` }) }
    }
    // docker's first line says it: "docker: 'buildx' is not a docker command." / "unknown command: docker buildx".
    buildxFailure = error instanceof DockerCommandError ? (error.output.split('\n').find(line => line.trim() !== '')?.trim() ?? error.reason) : String(error)
  }

  if (options.name !== undefined) {
    return {
      kind: 'legacy',
      description: `${BUILDER_NAMES.legacy}: docker buildx is not installed`,
      problem: `the builder input names the buildx builder ${options.name}, but docker buildx is not installed here (docker buildx version: ${buildxFailure}); install buildx (docker/setup-buildx-action) or remove the builder input`
    }
  }

  const { client, server } = await versions(run)
  const clientMajor = majorOf(client)
  if (clientMajor === undefined) {
    return { kind: 'legacy', description: `${BUILDER_NAMES.legacy} (DOCKER_BUILDKIT=0 docker build): docker buildx is not installed and the docker CLI's version is unknown` }
  }
  if (clientMajor >= BUILDX_ONLY_FROM_MAJOR) {
    return {
      kind: 'legacy',
      description: `${BUILDER_NAMES.legacy} (DOCKER_BUILDKIT=0 docker build): the docker CLI ${client} builds with BuildKit only through the buildx plugin, which is not installed`
    }
  }
  if (server !== undefined && !serverSpeaksBuildKit(server)) {
    return { kind: 'legacy', description: `${BUILDER_NAMES.legacy} (DOCKER_BUILDKIT=0 docker build): the docker daemon (${server.os} ${server.version}) has no BuildKit` }
  }
  return { kind: 'buildkit', description: `${BUILDER_NAMES.buildkit} (DOCKER_BUILDKIT=1 docker build, docker CLI ${client} without buildx)` }
}

async function versions(run: (command: ReturnType<typeof dockerVersionCommand>) => Promise<{ stdout: string }>): Promise<{ client?: string; server?: { os: string; version: string } }> {
  let stdout: string
  try {
    stdout = (await run(dockerVersionCommand())).stdout
  } catch (error) {
    // Without a daemon, docker prints the client part and fails: the client's version still counts.
    if (!(error instanceof DockerCommandError)) return {}
    stdout = error.stdout
  }
  let parsed: { Client?: { Version?: unknown }; Server?: { Os?: unknown; Version?: unknown } | null }
  try {
    parsed = JSON.parse(stdout.trim().split('\n')[0] ?? '') as typeof parsed
  } catch {
    return {}
  }
  const client = typeof parsed.Client?.Version === 'string' ? parsed.Client.Version : undefined
  const os = parsed.Server?.Os
  const version = parsed.Server?.Version
  return { ...(client !== undefined && { client }), ...(typeof os === 'string' && typeof version === 'string' && { server: { os, version } }) }
}

function majorOf(version: string | undefined): number | undefined {
  const match = /^v?(\d+)\.(\d+)/.exec(version ?? '')
  return match === null ? undefined : Number(match[1])
}

/** Linux daemons from 18.09 on serve BuildKit sessions. */
function serverSpeaksBuildKit(server: { os: string; version: string }): boolean {
  const match = /^v?(\d+)\.(\d+)/.exec(server.version)
  if (match === null || server.os !== 'linux') return false
  const major = Number(match[1])
  const minor = Number(match[2])
  return major > 18 || (major === 18 && minor >= 9)
}

/** The end of a build's output kept for its failure: its last lines, as the summary shows them. */
const TAIL_LINES = 40
const TAIL_CHARS = 4000
/** Stand-in for buildx's metadata file in a dry run: the real run makes a temporary one. */
const METADATA_FILE_SHOWN = '<temporary metadata file>'

/** The build command as a dry run shows it. */
export function describeBuildCommand(request: BuildRequest): string {
  const buildx = request.command.builder?.kind === 'buildx'
  return displayCommand(buildCommand(request.command, buildx && request.command.push === true ? { metadataFile: METADATA_FILE_SHOWN } : {}))
}

/**
 * Runs one build on its builder, streaming every line to `context.output`.
 * A failure's log is the last lines of the interleaved output (where docker
 * and BuildKit say what broke), not stderr then stdout. A buildx build that
 * pushes writes `--metadata-file` to a temporary directory, read for the
 * pushed digest and removed.
 */
export async function runBuild(
  cli: DockerCli,
  request: BuildRequest,
  context: OperationContext,
  inspect: (name: string) => Promise<{ id: string } | undefined>
): Promise<BuildOutcome> {
  const name = familiarName(request.command.tags[0] as ImageReference)
  const pushes = request.command.builder?.kind === 'buildx' && request.command.push === true
  const metadataDir = pushes ? fs.mkdtempSync(path.join(os.tmpdir(), 'image-mirror-build-')) : undefined
  const metadataFile = metadataDir === undefined ? undefined : path.join(metadataDir, 'metadata.json')
  try {
    const command = buildCommand(request.command, metadataFile !== undefined ? { metadataFile } : {})
    // Recorded as a dry run shows it: the temporary file's path means nothing afterwards.
    context.record(describeBuildCommand(request))
    const tail: string[] = []
    try {
      await cli.run(command, {
        signal: context.signal,
        onLine: line => {
          tail.push(line)
          if (tail.length > TAIL_LINES) tail.shift()
          context.output?.(line)
        }
      })
    } catch (error) {
      const failure = dockerFailure(error, 'local', `build ${name}`, { build: true })
      const log = tailText(tail)
      throw log === '' ? failure : new EngineFailure(failure.kind, failure.side, failure.message, { ...failure.details, log })
    }
    if (metadataFile !== undefined) {
      const metadata = readMetadata(metadataFile)
      return {
        ...(metadata.configDigest !== undefined && { imageId: metadata.configDigest }),
        ...(metadata.digest !== undefined && { pushedDigest: metadata.digest })
      }
    }
    const built = await inspect(name).catch(() => undefined)
    return { ...(built !== undefined && { imageId: built.id }) }
  } finally {
    if (metadataDir !== undefined) fs.rmSync(metadataDir, { recursive: true, force: true })
  }
}

function tailText(lines: readonly string[]): string {
  const text = lines.join('\n').trim()
  return text.length > TAIL_CHARS ? text.slice(-TAIL_CHARS) : text
}

const DIGEST = /^sha256:[a-f0-9]{64}$/

/** buildx's metadata: `containerimage.digest` (what was pushed) and `containerimage.config.digest`; validated, never trusted as text. */
function readMetadata(file: string): { digest?: string; configDigest?: string } {
  let parsed: unknown
  try {
    const text = fs.readFileSync(file, 'utf8')
    if (text.length > 1024 * 1024) return {}
    parsed = JSON.parse(text)
  } catch {
    return {}
  }
  if (typeof parsed !== 'object' || parsed === null) return {}
  const record = parsed as Record<string, unknown>
  const digest = record['containerimage.digest']
  const config = record['containerimage.config.digest']
  return {
    ...(typeof digest === 'string' && DIGEST.test(digest) && { digest }),
    ...(typeof config === 'string' && DIGEST.test(config) && { configDigest: config })
  }
}
