/**
 * The plan stage: turns the WHOLE plan into typed jobs (DESIGN.md, "Jobs are
 * derived from the whole plan"). Pure apart from reading Dockerfiles through
 * the reader it is given. A build is always pointed at the targets of every
 * mirrored base image, whichever shard copies them; a shard is a filter over
 * the jobs afterwards (`selectJobs`), never over the plan they came from.
 */
import * as path from 'node:path'
import type { Failure, Finding, PhaseName, Plan, PlannedImage } from '../model.js'
import type { Mode } from '../settings.js'
import { familiarName, formatReference, parseReference, tryParseReference, type ImageReference } from '../reference.js'
import { rewriteDockerfileImages } from '../extract/dockerfile.js'
import type { BuildCommandOptions } from '../engine/docker/commands.js'

/** Copy one third-party image to its target. */
export interface MirrorJob {
  kind: 'mirror'
  /** The plan image (its normalised source) the job serves. */
  image: string
  source: ImageReference
  target: ImageReference
}

/** Build one service image, fully decided: the engine only runs it. */
export interface BuildJob {
  kind: 'build'
  image: string
  target: ImageReference
  /** The compose service, for messages. */
  service?: string
  /** The Dockerfile as the repository has it, relative to the scanned root, for messages. */
  dockerfilePath: string
  command: BuildCommandOptions
  /** Registry hosts of the mirrored bases the Dockerfile now names. */
  pullsFrom: string[]
  /** Push after a successful build. */
  push: boolean
  /** Compose build keys this build does not honour (the plan stage reports them). */
  ignoredKeys: string[]
}

/** Check that one target exists. */
export interface VerifyJob {
  kind: 'verify'
  image: string
  target: ImageReference
  source: ImageReference
  imageKind: PlannedImage['kind']
}

export type Job = MirrorJob | BuildJob | VerifyJob

/** A job that could not even be formed (unreadable Dockerfile, context outside the workspace). */
export interface BlockedJob {
  image: string
  phase: PhaseName
  failure: Failure
}

export interface JobSet {
  mirror: MirrorJob[]
  build: BuildJob[]
  verify: VerifyJob[]
  blocked: BlockedJob[]
  /** Notes about the jobs (an image already at its target is not copied onto itself). */
  findings: Finding[]
}

export interface PlanJobsOptions {
  /** Absolute path of the scanned directory; build paths in the plan are relative to it. */
  root: string
  /** Build contexts and Dockerfiles must resolve inside it (symlinks included). */
  workspace: string
  /** Builds take their bases from the target registry (default true). */
  useMirroredBases: boolean
  /** Push built images (false: build into the local daemon only). */
  push: boolean
  /** docker build --network; absent: docker's default (a compose build.network wins). */
  buildNetwork?: string
  /** Copy only these platforms (registry engine): an image at its own source would be overwritten. */
  platforms: readonly string[]
  /** Reads a file by absolute path; resolves symlinks and returns the real path with the text. */
  readFile: (absolutePath: string) => { realPath: string; text: string }
}

export function planJobs(plan: Plan, options: PlanJobsOptions): JobSet {
  const set: JobSet = { mirror: [], build: [], verify: [], blocked: [], findings: [] }
  const baseTargets = new Map<string, ImageReference>()
  for (const image of plan.images) if (image.kind === 'base' && image.mapping === 'mapped' && image.target !== null) baseTargets.set(image.source, targetOf(image))

  for (const image of plan.images) {
    if (image.mapping !== 'mapped' || image.target === null) continue
    const target = targetOf(image)
    if (image.kind === 'base') {
      if (image.source === image.target) {
        // Already under the target: copying it onto itself could only rewrite it (a platform filter would).
        set.findings.push({
          kind: 'excluded',
          severity: options.platforms.length > 0 ? 'warning' : 'notice',
          message: `${familiarName(image.ref)} is already in the target registry; it is verified, never copied onto itself${
            options.platforms.length > 0 ? ' (copying it with platforms would overwrite it with fewer platforms)' : ''
          }`,
          image: image.source,
          ...(image.origins[0] !== undefined && { file: image.origins[0].file, line: image.origins[0].line })
        })
      } else {
        set.mirror.push({ kind: 'mirror', image: image.source, source: image.ref, target })
      }
    } else {
      const job = buildJob(image, target, baseTargets, options)
      if ('failure' in job) set.blocked.push(job)
      else {
        set.build.push(job)
        if (job.ignoredKeys.length > 0) {
          set.findings.push({
            kind: 'scan-note',
            severity: 'warning',
            message: `${familiarName(target)}: the build ignores the compose build key${job.ignoredKeys.length === 1 ? '' : 's'} ${job.ignoredKeys.join(', ')} (docker build of one image cannot honour ${job.ignoredKeys.length === 1 ? 'it' : 'them'})`,
            image: image.source,
            ...(image.origins[0] !== undefined && { file: image.origins[0].file, line: image.origins[0].line })
          })
        }
      }
    }
    set.verify.push({ kind: 'verify', image: image.source, target, source: image.ref, imageKind: image.kind })
  }
  return set
}

/** The jobs a mode runs, for the images of one shard (all when `images` is undefined). */
export function selectJobs(jobs: JobSet, mode: Mode, images?: ReadonlySet<string>): JobSet {
  const phases = phasesOf(mode)
  const inShard = (job: { image: string }): boolean => images === undefined || images.has(job.image)
  return {
    mirror: phases.includes('mirror') ? jobs.mirror.filter(inShard) : [],
    build: phases.includes('build') ? jobs.build.filter(inShard) : [],
    verify: phases.includes('verify') ? jobs.verify.filter(inShard) : [],
    blocked: jobs.blocked.filter(job => inShard(job) && phases.includes(job.phase)),
    findings: jobs.findings.filter(finding => finding.image === undefined || images === undefined || images.has(finding.image))
  }
}

export function phasesOf(mode: Mode): PhaseName[] {
  switch (mode) {
    case 'mirror':
      return ['mirror']
    case 'build':
      return ['build', 'push']
    case 'verify':
      return ['verify']
    case 'all':
      return ['mirror', 'build', 'push', 'verify']
    default:
      return []
  }
}

function targetOf(image: PlannedImage): ImageReference {
  return image.targetRef ?? parseReference(image.target as string)
}

function buildJob(image: PlannedImage, target: ImageReference, baseTargets: ReadonlyMap<string, ImageReference>, options: PlanJobsOptions): BuildJob | BlockedJob {
  const blocked = (message: string): BlockedJob => ({ image: image.source, phase: 'build', failure: { kind: 'unsupported', side: 'local', phase: 'build', message } })
  const spec = image.build
  if (spec === undefined) return blocked(`${familiarName(target)} has no build section (context and Dockerfile)`)

  const context = path.resolve(options.root, spec.context)
  let realContext: string
  try {
    realContext = options.readFile(context).realPath
  } catch {
    realContext = context
  }
  if (!isInside(realContext, options.workspace)) return blocked(`the build context ${spec.context} is outside the workspace; it is not built`)
  let original: string
  if (spec.dockerfileInline !== undefined) {
    // compose dockerfile_inline, or a template rendered in memory.
    original = spec.dockerfileInline
  } else {
    let dockerfile: { realPath: string; text: string }
    try {
      dockerfile = options.readFile(path.resolve(options.root, spec.dockerfile))
    } catch (error) {
      return blocked(`could not read ${spec.dockerfile}: ${error instanceof Error ? error.message : String(error)}`)
    }
    if (!isInside(dockerfile.realPath, options.workspace)) return blocked(`${spec.dockerfile} is outside the workspace; it is not built`)
    original = dockerfile.text
  }

  let text = original
  const pullsFrom = new Set<string>()
  if (options.useMirroredBases && baseTargets.size > 0) {
    text = rewriteDockerfileImages(
      original,
      reference => {
        const parsed = tryParseReference(reference)
        if (!('ref' in parsed)) return undefined
        const mirrored = baseTargets.get(formatReference(parsed.ref))
        if (mirrored === undefined) return undefined
        pullsFrom.add(mirrored.registry)
        return familiarName(mirrored)
      },
      { file: spec.dockerfile, buildArgs: spec.args, ...(spec.target !== undefined && { target: spec.target }) }
    ).text
  }
  const network = spec.network ?? options.buildNetwork
  return {
    kind: 'build',
    image: image.source,
    target,
    dockerfilePath: spec.dockerfile,
    command: {
      context,
      dockerfile: text,
      tags: [target],
      ...(spec.target !== undefined && { target: spec.target }),
      args: spec.args,
      ...(network !== undefined && { network }),
      ...(spec.labels !== undefined && { labels: spec.labels }),
      ...(spec.extraHosts !== undefined && { extraHosts: spec.extraHosts }),
      ...(spec.shmSize !== undefined && { shmSize: spec.shmSize }),
      ...(spec.cacheFrom !== undefined && { cacheFrom: spec.cacheFrom }),
      ...(spec.platforms?.length === 1 && { platform: spec.platforms[0] as string })
    },
    pullsFrom: [...pullsFrom].sort(),
    push: options.push,
    ignoredKeys: ignoredBuildKeys(spec)
  }
}

/** Compose build keys a plain `docker build` of one image cannot honour: said, never silently dropped. */
function ignoredBuildKeys(spec: NonNullable<PlannedImage['build']>): string[] {
  const ignored: string[] = []
  if ((spec.platforms?.length ?? 0) > 1) ignored.push('platforms (more than one)')
  if ((spec.secrets?.length ?? 0) > 0) ignored.push('secrets')
  if ((spec.ssh?.length ?? 0) > 0) ignored.push('ssh')
  if (Object.keys(spec.additionalContexts ?? {}).length > 0) ignored.push('additional_contexts')
  if ((spec.cacheTo?.length ?? 0) > 0) ignored.push('cache_to')
  if ((spec.tags?.length ?? 0) > 0) ignored.push('tags')
  ignored.push(...(spec.otherKeys ?? []))
  return ignored
}

function isInside(file: string, directory: string): boolean {
  const relative = path.relative(directory, file)
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))
}
