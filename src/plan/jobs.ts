/**
 * The plan stage: turns the WHOLE plan into typed jobs (DESIGN.md, "Jobs are
 * derived from the whole plan"). Pure apart from reading Dockerfiles through
 * the reader it is given. A build is always pointed at the targets of every
 * mirrored base image, whichever shard copies them; a shard is a filter over
 * the jobs afterwards (`selectJobs`), never over the plan they came from.
 */
import * as path from 'node:path'
import type { BuildSecret, Failure, Finding, PhaseName, Plan, PlannedImage } from '../model.js'
import type { Mode } from '../settings.js'
import { familiarName, formatReference, parseReference, tryParseReference, type ImageReference } from '../reference.js'
import { rewriteDockerfileImages } from '../extract/dockerfile.js'
import type { BuildCommandOptions, BuildSecretOption } from '../engine/docker/commands.js'
import { BUILDER_FEATURES, BUILDER_NAMES, type Builder, type BuilderFeatures } from '../engine/docker/builder.js'

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
  /** Push after a successful build (with buildx, the build itself pushes: `command.push`). */
  push: boolean
  /** Compose build keys this build's builder does not honour (the plan stage reports them). */
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
  /**
   * The builder the docker engine found (src/engine/docker/builder.ts): what it
   * honours decides the command and the ignored keys. Absent: a plain `docker
   * build`, judged as the legacy builder.
   */
  builder?: Builder
  /** Copy only these platforms (registry engine): an image at its own source would be overwritten. */
  platforms: readonly string[]
  /**
   * The variables a build may receive as a compose `environment:` secret (the
   * `build-secret-env` input). A secret naming any other variable is not passed,
   * with a warning: the compose file is the repository's, the variables the runner's.
   */
  buildSecretEnv?: readonly string[]
  /** Reads a file by absolute path; resolves symlinks and returns the real path with the text. */
  readFile: (absolutePath: string) => { realPath: string; text: string }
}

export function planJobs(plan: Plan, options: PlanJobsOptions): JobSet {
  const set: JobSet = { mirror: [], build: [], verify: [], blocked: [], findings: [] }
  const baseTargets = new Map<string, ImageReference>()
  const serviceTargets = new Map<string, ImageReference>()
  for (const image of plan.images) {
    if (image.mapping !== 'mapped' || image.target === null) continue
    ;(image.kind === 'base' ? baseTargets : serviceTargets).set(image.source, targetOf(image))
  }

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
      const job = buildJob(image, target, { baseTargets, serviceTargets }, options, set.findings)
      if ('failure' in job) set.blocked.push(job)
      else {
        set.build.push(job)
        if (job.ignoredKeys.length > 0) {
          set.findings.push({
            kind: 'scan-note',
            severity: 'warning',
            message: `${familiarName(target)}: the build ignores the compose build key${job.ignoredKeys.length === 1 ? '' : 's'} ${job.ignoredKeys.join(', ')} (${
              BUILDER_NAMES[options.builder?.kind ?? 'legacy']
            } cannot honour ${job.ignoredKeys.length === 1 ? 'it' : 'them'})`,
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

interface Targets {
  baseTargets: ReadonlyMap<string, ImageReference>
  serviceTargets: ReadonlyMap<string, ImageReference>
}

function buildJob(image: PlannedImage, target: ImageReference, targets: Targets, options: PlanJobsOptions, findings: Finding[]): BuildJob | BlockedJob {
  const blocked = (message: string): BlockedJob => ({ image: image.source, phase: 'build', failure: { kind: 'unsupported', side: 'local', phase: 'build', message } })
  const spec = image.build
  if (spec === undefined) return blocked(`${familiarName(target)} has no build section (context and Dockerfile)`)
  if (options.builder?.problem !== undefined) return blocked(`${familiarName(target)} is not built: ${options.builder.problem}`)
  const features = BUILDER_FEATURES[options.builder?.kind ?? 'legacy']

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

  const ignored: string[] = []
  const contexts = features.namedContexts ? namedContexts(spec, targets, options, ignored) : undefined
  if (!features.namedContexts && Object.keys(spec.additionalContexts ?? {}).length > 0) ignored.push('additional_contexts')
  if (contexts === null) return blocked(`a build context of ${familiarName(target)} (additional_contexts) is outside the workspace; it is not built`)

  // The platforms the build runs for (one builder run each): what BuildKit's TARGETARCH and the like stand for.
  const platforms = spec.platforms ?? []
  const builds = options.builder?.kind === 'buildx'
  let platformsUsed: string[] = []
  if (platforms.length === 1) platformsUsed = platforms
  else if (platforms.length > 1) {
    if (features.multiPlatform && options.push) platformsUsed = platforms
    else ignored.push(features.multiPlatform ? 'platforms (more than one: only a build that pushes can keep them)' : 'platforms (more than one)')
  }
  let text = original
  const pullsFrom = new Set<string>()
  const mirrored = (reference: string): ImageReference | undefined => {
    const parsed = tryParseReference(reference)
    return 'ref' in parsed ? targets.baseTargets.get(formatReference(parsed.ref)) : undefined
  }
  if (options.useMirroredBases && targets.baseTargets.size > 0) {
    // Every FROM, COPY --from, RUN --mount from and the `# syntax=` frontend: an air-gapped BuildKit build pulls nothing public.
    const rewritten = rewriteDockerfileImages(
      original,
      reference => {
        const to = mirrored(reference)
        if (to === undefined) return undefined
        pullsFrom.add(to.registry)
        return familiarName(to)
      },
      {
        file: spec.dockerfile,
        buildArgs: spec.args,
        // The legacy builder sets no platform args.
        platforms: platformsUsed,
        platformArgs: (options.builder?.kind ?? 'legacy') !== 'legacy',
        ...(spec.target !== undefined && { target: spec.target }),
        // A stage named after a context the build passes comes from that context, not from a registry.
        ...(contexts !== undefined && spec.additionalContexts !== undefined && { contexts: spec.additionalContexts })
      }
    )
    text = rewritten.text
    findings.push(...rewritten.notes)
    for (const value of Object.values(contexts ?? {})) {
      const to = value.startsWith('docker-image://') ? tryParseReference(value.slice('docker-image://'.length)) : undefined
      if (to !== undefined && 'ref' in to) pullsFrom.add(to.ref.registry)
    }
  }

  let network = spec.network ?? options.buildNetwork
  if (network !== undefined && !features.namedNetworks && !['default', 'host', 'none'].includes(network)) {
    ignored.push(`network ${network} (BuildKit builds on default, host or none)`)
    network = undefined
  }
  const cacheFrom = cacheSources(spec.cacheFrom ?? [], features, ignored)
  if ((spec.cacheTo?.length ?? 0) > 0 && !features.cacheExport) ignored.push('cache_to')
  if (spec.shmSize !== undefined && !features.shmSize) ignored.push('shm_size')
  const ssh = features.secretsAndSsh ? sshEntries(spec.ssh ?? [], options, ignored) : []
  if ((spec.ssh?.length ?? 0) > 0 && !features.secretsAndSsh) ignored.push('ssh')
  const secretList = spec.secrets ?? []
  const undefinedSecret = secretList.find(secret => secret.unusable === 'undefined')
  if (undefinedSecret !== undefined) {
    return blocked(`the build secret '${undefinedSecret.name}' (${where(undefinedSecret, options)}) has no top-level secrets: definition (compose refuses such a project); ${familiarName(target)} is not built`)
  }
  let secrets: BuildSecretOption[] = []
  if (secretList.length > 0 && !features.secretsAndSsh) ignored.push('secrets')
  else if (secretList.length > 0) {
    const passed = buildSecrets(secretList, image, target, options, findings)
    if (typeof passed === 'string') return blocked(passed)
    secrets = passed
  }
  if ((spec.tags?.length ?? 0) > 0) ignored.push('tags')
  ignored.push(...(spec.otherKeys ?? []))

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
      ...(platformsUsed.length > 0 && { platforms: platformsUsed }),
      ...(spec.labels !== undefined && { labels: spec.labels }),
      ...(spec.extraHosts !== undefined && { extraHosts: spec.extraHosts }),
      ...(spec.shmSize !== undefined && features.shmSize && { shmSize: spec.shmSize }),
      ...(cacheFrom.length > 0 && { cacheFrom }),
      ...(features.cacheExport && spec.cacheTo !== undefined && spec.cacheTo.length > 0 && { cacheTo: spec.cacheTo }),
      ...(ssh.length > 0 && { ssh }),
      ...(secrets.length > 0 && { secrets }),
      ...(contexts !== undefined && Object.keys(contexts).length > 0 && { contexts }),
      ...(options.builder !== undefined && { builder: options.builder }),
      ...(builds && options.push && { push: true })
    },
    pullsFrom: [...pullsFrom].sort(),
    push: options.push,
    ignoredKeys: ignored
  }
}

/**
 * compose additional_contexts for `--build-context`: a local directory as an
 * absolute path inside the workspace (null when one is outside), an image as
 * its mirrored target (`docker-image://`), a `service:` context as that
 * service's target image, a URL as written.
 */
function namedContexts(spec: NonNullable<PlannedImage['build']>, targets: Targets, options: PlanJobsOptions, ignored: string[]): Record<string, string> | null {
  const contexts: Record<string, string> = {}
  for (const [name, value] of Object.entries(spec.additionalContexts ?? {})) {
    const image = spec.contextImages?.[name]
    if (value.startsWith('docker-image://') || value.startsWith('service:')) {
      const to = image === undefined ? undefined : (options.useMirroredBases ? targets.baseTargets.get(image) : undefined) ?? targets.serviceTargets.get(image)
      if (to !== undefined) contexts[name] = `docker-image://${familiarName(to)}`
      else if (value.startsWith('docker-image://')) contexts[name] = value
      else ignored.push(`additional_contexts ${name} (service image not in the plan)`)
    } else if (value.includes('://') || /^(?:git@|github\.com\/)/.test(value)) {
      contexts[name] = value
    } else {
      const directory = path.resolve(options.root, value)
      if (!isInside(realPathOf(directory, options), options.workspace)) return null
      contexts[name] = directory
    }
  }
  return contexts
}

/** cache_from for the builder: every form with BuildKit's exporters; image references only (and `type=registry,ref=`) otherwise. */
function cacheSources(entries: readonly string[], features: BuilderFeatures, ignored: string[]): string[] {
  if (features.cacheExport) return [...entries]
  const sources: string[] = []
  for (const entry of entries) {
    if (!entry.includes('=')) sources.push(entry)
    else {
      const fields = new Map(entry.split(',').map(field => [field.slice(0, field.indexOf('=')), field.slice(field.indexOf('=') + 1)] as const))
      const ref = fields.get('ref')
      if (fields.get('type') === 'registry' && ref !== undefined && fields.size === 2) sources.push(ref)
      else ignored.push(`cache_from ${entry}`)
    }
  }
  return sources
}

/** compose ssh entries: `default`, `id`, or `id=path` with the path made absolute; a key outside the workspace is not passed. */
function sshEntries(entries: readonly string[], options: PlanJobsOptions, ignored: string[]): string[] {
  const passed: string[] = []
  for (const entry of entries) {
    const equals = entry.indexOf('=')
    if (equals < 0) {
      passed.push(entry)
      continue
    }
    const id = entry.slice(0, equals)
    const paths = entry
      .slice(equals + 1)
      .split(',')
      .map(file => path.resolve(options.root, file))
    if (paths.every(file => isInside(realPathOf(file, options), options.workspace))) passed.push(`${id}=${paths.join(',')}`)
    else ignored.push(`ssh ${id} (its key is outside the workspace)`)
  }
  return passed
}

/** A secret id or a variable name goes into `--secret id=…,env=…`, a comma-separated list: nothing that could start another field. */
const SECRET_ID = /^[^\s,="'\\]{1,256}$/
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,255}$/

/**
 * compose build secrets for `--secret` (DESIGN.md, trust boundaries: the
 * compose file is the repository's, the files outside the workspace and the
 * variables of the runner are not):
 * - `file:` must resolve (symlinks included) inside the workspace, else the
 *   build is refused (a string: why); docker gets the resolved path, shown
 *   relative to the workspace;
 * - `environment:` is passed (`env=NAME`, docker reads the value from its own
 *   environment) only when the `build-secret-env` input lists the variable,
 *   else a warning names the secret, the variable and the input;
 * - an external secret was reported by extraction and is left out.
 */
function buildSecrets(secrets: readonly BuildSecret[], image: PlannedImage, target: ImageReference, options: PlanJobsOptions, findings: Finding[]): BuildSecretOption[] | string {
  const passed: BuildSecretOption[] = []
  const allowed = new Set(options.buildSecretEnv ?? [])
  for (const secret of secrets) {
    const at = where(secret, options)
    if (secret.unusable !== undefined) continue
    if (!SECRET_ID.test(secret.id)) return `the build secret '${secret.name}' (${at}) has the id '${secret.id}', which docker cannot take (no spaces, commas, quotes or '='); ${familiarName(target)} is not built`
    if (secret.file !== undefined) {
      const refused = `the build secret '${secret.name}' (${at}) reads ${secret.file}, outside the workspace; ${familiarName(target)} is not built`
      if (secret.file.startsWith('~')) return refused
      let realPath: string
      try {
        realPath = options.readFile(path.resolve(options.root, secret.file)).realPath
      } catch (error) {
        const missing = typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT'
        const why = missing ? 'which does not exist' : `which cannot be read (${error instanceof Error ? error.message : String(error)})`
        return `the build secret '${secret.name}' (${at}) reads ${secret.file}, ${why}; ${familiarName(target)} is not built`
      }
      if (!isInside(realPath, options.workspace)) return refused
      if (/[,"\n\r]/.test(realPath)) return `the build secret '${secret.name}' (${at}) reads ${secret.file}, whose path docker cannot take (a comma, a quote or a line break); ${familiarName(target)} is not built`
      passed.push({ id: secret.id, src: realPath, shownSrc: path.relative(options.workspace, realPath).split(path.sep).join('/') || '.' })
    } else if (secret.environment !== undefined) {
      if (!VARIABLE_NAME.test(secret.environment)) {
        return `the build secret '${secret.name}' (${at}) names the variable '${secret.environment}', which is not a variable name; ${familiarName(target)} is not built`
      }
      if (!allowed.has(secret.environment)) {
        findings.push({
          kind: 'scan-note',
          severity: 'warning',
          message: `${familiarName(target)}: the build secret '${secret.name}' reads the variable ${secret.environment}, which the build-secret-env input does not list; it is not passed to the build`,
          image: image.source,
          file: secret.origin.file,
          line: secret.origin.line,
          suggestion: `If this build should receive ${secret.environment}, list it in the build-secret-env input (build-secret-env: ${secret.environment}); a compose file alone never picks the runner's variables`
        })
        continue
      }
      passed.push({ id: secret.id, env: secret.environment })
    }
  }
  return passed
}

/** `compose.yml:12`, relative to the workspace as annotations are. */
function where(secret: BuildSecret, options: PlanJobsOptions): string {
  const file = path.relative(options.workspace, path.resolve(options.root, secret.origin.file)).split(path.sep).join('/')
  return `${file}:${secret.origin.line}`
}

/** Where a path really is (symlinks resolved); the path itself when it cannot be read (docker then says what is missing). */
function realPathOf(file: string, options: PlanJobsOptions): string {
  try {
    return options.readFile(file).realPath
  } catch {
    return file
  }
}

function isInside(file: string, directory: string): boolean {
  const relative = path.relative(directory, file)
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))
}
