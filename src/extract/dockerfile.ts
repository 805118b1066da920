/**
 * Dockerfile extraction (pure: text in, references with origins out), after
 * what BuildKit does with the file:
 *
 * - Every stage counts: an image named in any stage is returned, whether or
 *   not the build target reaches it (CI builds the file without a target,
 *   other jobs build other targets). `targetNeeds` says which of them the
 *   target stage and the stages it depends on pull.
 * - `FROM` is substituted with the ARGs declared before the first FROM,
 *   overridden by build args; an undeclared or empty ARG becomes the empty
 *   string, as BuildKit does, with a warning (an error when what is left is
 *   not an image reference).
 * - `FROM x` names an earlier stage when one is called x; `COPY --from` and
 *   `RUN --mount from` name any stage of the file (BuildKit resolves them over
 *   the whole file); a stage naming itself is a finding, not an image.
 * - Named contexts (compose `build.additional_contexts`) win over images of
 *   the same name: `docker-image://ref` is that image, `service:name` is that
 *   compose service's image, a path or URL is no image at all. A context
 *   called like a stage replaces the stage.
 * - A `# syntax=` parser directive names the BuildKit frontend image, which a
 *   BuildKit build pulls: returned with `frontend: true`.
 *
 * dockerfile-model.ts gives the structure and source ranges (continuations,
 * the `# escape=` directive, flags), through dockerfile-ast or, for plain
 * files, a line scanner that reads them the same way; variable substitution
 * is ours.
 */
import type { ExtractedReference, Finding, Origin, ReferenceSource } from '../model.js'
import { formatReference, tryParseReference } from '../reference.js'
import { readDockerfile, type DockerfileModel, type ModelArgument, type ModelFlag, type ModelInstruction } from './dockerfile-model.js'
import { dockerfileSyntax, interpolate, type Lookup } from './interpolate.js'

/** ARGs BuildKit defines in the global scope (from the build's target platform and its own). */
const PLATFORM_ARGS = new Set([
  'BUILDPLATFORM',
  'BUILDOS',
  'BUILDARCH',
  'BUILDVARIANT',
  'TARGETPLATFORM',
  'TARGETOS',
  'TARGETARCH',
  'TARGETVARIANT'
])

/** Whether `text` (a Dockerfile, or one argument of it) uses a platform arg: reading it depends on the platform. */
const PLATFORM_ARG_USE = new RegExp(`\\$\\{?(?:${[...PLATFORM_ARGS].join('|')})\\b`)
const usesPlatformArgs = (text: string): boolean => PLATFORM_ARG_USE.test(text)

/** Node's process.arch as an OCI architecture (and the variant BuildKit gives it). */
const ARCHITECTURES: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm/v7', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64' }

/** The platform a build targets when it names none: the daemon's, which on a runner is the machine's (Docker Desktop runs Linux too). */
export function nativePlatform(arch: string = process.arch): string {
  return `linux/${ARCHITECTURES[arch] ?? arch}`
}

/**
 * BuildKit's automatic platform args for a build targeting `target` on a builder on `build`
 * (`os/arch[/variant]`). Variants are normalised as BuildKit does: arm64 has none (v8),
 * arm defaults to v7.
 */
export function automaticPlatformArgs(target: string, build: string = nativePlatform()): Record<string, string> {
  const split = (platform: string): { os: string; arch: string; variant: string } => {
    const [os = 'linux', rawArch = '', rawVariant = ''] = platform.toLowerCase().split('/')
    const arch = rawArch === 'x86_64' || rawArch === 'x86-64' ? 'amd64' : rawArch === 'aarch64' ? 'arm64' : rawArch
    let variant = rawVariant
    if (arch === 'arm64' && (variant === 'v8' || variant === '8')) variant = ''
    if (arch === 'arm' && variant === '') variant = 'v7'
    return { os, arch, variant }
  }
  const args: Record<string, string> = {}
  for (const [prefix, platform] of [
    ['TARGET', target],
    ['BUILD', build]
  ] as const) {
    const { os, arch, variant } = split(platform)
    args[`${prefix}PLATFORM`] = [os, arch, variant].filter(part => part !== '').join('/')
    args[`${prefix}OS`] = os
    args[`${prefix}ARCH`] = arch
    args[`${prefix}VARIANT`] = variant
  }
  return args
}

export interface DockerfileOptions {
  /** Path relative to the scanned root; used in origins and findings. */
  file: string
  /** `--build-arg`s (compose `build.args`); they override declared ARG defaults. */
  buildArgs?: Record<string, string>
  /**
   * Platforms the build targets (compose `build.platforms`, a service's `platform`), for
   * BuildKit's automatic TARGET* and BUILD* args; an image that depends on them is read once
   * per platform. Default: this machine's platform, as BuildKit builds when none is named.
   */
  platforms?: readonly string[]
  /** False for the legacy builder, which sets no automatic platform args (default: true, BuildKit). */
  platformArgs?: boolean
  /** Build target stage: `targetNeeds` lists what it and the stages it depends on pull. */
  target?: string
  /** Named build contexts (compose `build.additional_contexts`): name → `docker-image://…`, `service:…`, a path or a URL. */
  contexts?: Record<string, string>
  /** Where Dockerfile line n is written, when that is not line n of `file` (compose `dockerfile_inline`). */
  originOf?: (line: number) => Origin
}

export interface DockerfileScan {
  /** Every image of every stage, and the frontend of the syntax directive. */
  references: ExtractedReference[]
  findings: Finding[]
  /** Texts of the images the build target needs (every reference's text when there is no target). */
  targetNeeds: string[]
  /** Compose services whose image a `service:` named context makes this build use. */
  serviceContexts: string[]
}

/** What a named build context stands for. */
export type NamedContext = { kind: 'image'; reference: string } | { kind: 'service'; service: string } | { kind: 'other' }

/** Reads a compose `additional_contexts` value as BuildKit does. */
export function classifyContext(value: string): NamedContext {
  if (value.startsWith('docker-image://')) return { kind: 'image', reference: value.slice('docker-image://'.length) }
  if (value.startsWith('service:')) return { kind: 'service', service: value.slice('service:'.length) }
  return { kind: 'other' }
}

/** One place in a Dockerfile that names an image, with the source range of the text to replace. */
export interface ImageOccurrence {
  source: ReferenceSource
  /** The reference with variables substituted. */
  text: string
  origin: Origin
  platform?: string
  /** Offsets into the Dockerfile text of the written reference (variables and all). */
  start: number
  end: number
  /** Index of the stage it belongs to; -1 for the syntax directive. */
  stage: number
  frontend?: boolean
}

interface Stage {
  name?: string
  /** Stages this one needs, by index. */
  dependsOn: Set<number>
  /** `service:` contexts it uses. */
  services: Set<string>
}

interface Analysis {
  occurrences: ImageOccurrence[]
  stages: Stage[]
  findings: Finding[]
}

export function extractDockerfile(text: string, options: DockerfileOptions): DockerfileScan {
  return extractDockerfileWith(readDockerfile, text, options)
}

/** `extractDockerfile` with the given reader of the file's structure (the tests run both readers through it). */
export function extractDockerfileWith(reader: (text: string) => DockerfileModel, text: string, options: DockerfileOptions): DockerfileScan {
  const references: ExtractedReference[] = []
  const findings: Finding[] = []
  const needs = new Set<string>()
  const services = new Set<string>()
  const seen = new Set<string>()
  // A file that uses a platform arg may name other images on each platform it is built for (`static:nonroot-${TARGETARCH}`).
  const platforms = (options.platforms?.length ?? 0) > 1 && options.platformArgs !== false && usesPlatformArgs(text) ? (options.platforms as readonly string[]) : [options.platforms?.[0]]
  for (const platform of platforms) {
    const analysis = analyseDockerfile(text, { ...options, platforms: platform === undefined ? [] : [platform] }, reader)
    const wanted = stagesToBuild(analysis, options)
    for (const occurrence of analysis.occurrences) {
      const key = `${occurrence.start}:${occurrence.text}`
      if (seen.has(key)) continue
      seen.add(key)
      references.push({
        kind: 'base',
        text: occurrence.text,
        origin: occurrence.origin,
        source: occurrence.source,
        ...(occurrence.platform !== undefined && { platform: occurrence.platform }),
        ...(occurrence.frontend === true && { frontend: true })
      })
    }
    for (const occurrence of analysis.occurrences) if (occurrence.stage < 0 || wanted.stages.has(occurrence.stage)) needs.add(occurrence.text)
    for (const index of wanted.stages) for (const service of analysis.stages[index]?.services ?? []) services.add(service)
    for (const finding of [...analysis.findings, ...wanted.findings]) {
      if (!findings.some(known => known.message === finding.message && known.line === finding.line)) findings.push(finding)
    }
  }
  return { references, findings, targetNeeds: [...needs], serviceContexts: [...services].sort() }
}

/**
 * Rewrites every image the Dockerfile names (FROM, COPY --from, RUN --mount
 * from, the syntax directive's frontend) to what `rewrite` returns for its
 * substituted text; undefined keeps the original. Used to build against
 * mirrored bases: the result names only the target registry, and everything
 * else in the file is left as written. An image that comes from a named
 * context is not in the text, so it is not rewritten here (the build rewrites
 * the context).
 */
export function rewriteDockerfileImages(
  text: string,
  rewrite: (resolvedReference: string) => string | undefined,
  options: DockerfileOptions
): { text: string; findings: Finding[]; notes: Finding[] } {
  const analysis = analyseDockerfile(text, options)
  // What the rewrite itself has to say (the file's own findings are the scan's).
  const notes: Finding[] = []
  // Built for several platforms, an image that names another image on some platform (through a platform arg,
  // directly or by way of another ARG) cannot be replaced by one text.
  const varying = new Set<number>()
  if ((options.platforms?.length ?? 0) > 1 && options.platformArgs !== false && usesPlatformArgs(text)) {
    const first = new Map(analysis.occurrences.map(occurrence => [occurrence.start, occurrence.text]))
    for (const platform of (options.platforms as readonly string[]).slice(1)) {
      for (const occurrence of analyseDockerfile(text, { ...options, platforms: [platform] }).occurrences) {
        if (first.get(occurrence.start) !== occurrence.text) varying.add(occurrence.start)
      }
    }
  }
  let out = ''
  let cursor = 0
  for (const occurrence of [...analysis.occurrences].filter(o => o.end > o.start).sort((a, b) => a.start - b.start)) {
    if (occurrence.start < cursor) continue
    if (varying.has(occurrence.start)) {
      notes.push({
        kind: 'scan-note',
        severity: 'notice',
        message: `${text.slice(occurrence.start, occurrence.end)} in ${occurrence.origin.file}:${occurrence.origin.line} names another image on each of the ${options.platforms?.length} platforms of the build, so it is not rewritten to the mirror: each platform's build pulls it from its source`,
        ...occurrence.origin,
        suggestion: 'Build one platform per job, or name the image without a platform arg'
      })
      continue
    }
    const replacement = rewrite(occurrence.text)
    if (replacement === undefined) continue
    out += text.slice(cursor, occurrence.start) + replacement
    cursor = occurrence.end
  }
  return { text: out + text.slice(cursor), findings: analysis.findings, notes }
}

/** The name BuildKit looks a named context up by: the image name, normalised (`alpine` = `alpine:latest`). */
function contextKey(name: string): string {
  const parsed = tryParseReference(name)
  return 'ref' in parsed ? formatReference(parsed.ref) : name.toLowerCase()
}

function analyseDockerfile(text: string, options: DockerfileOptions, reader: (text: string) => DockerfileModel = readDockerfile): Analysis {
  const { file } = options
  const findings: Finding[] = []
  const occurrences: ImageOccurrence[] = []
  const stages: Stage[] = []
  const at = (line: number): Origin => options.originOf?.(line) ?? { file, line }
  const where = (line: number): string => {
    const origin = at(line)
    return `${origin.file}:${origin.line}`
  }
  const finding = (kind: Finding['kind'], severity: Finding['severity'], message: string, line: number, suggestion?: string): void => {
    findings.push({ kind, severity, message, ...at(line), ...(suggestion !== undefined && { suggestion }) })
  }

  let dockerfile: DockerfileModel
  try {
    dockerfile = reader(text)
  } catch (error) {
    findings.push({ kind: 'invalid-file', severity: 'error', message: `Could not parse ${file}: ${String(error)}`, ...at(1) })
    return { occurrences, stages, findings }
  }
  const syntax = dockerfileSyntax(dockerfile.escape)
  // BuildKit sets the platform args like build args of its own (a --build-arg of the same name wins): they are
  // in the global scope without an ARG, and a declared ARG gets them.
  const automatic: Record<string, string> = {}
  if (options.platformArgs !== false) {
    for (const [name, value] of Object.entries(automaticPlatformArgs(options.platforms?.[0] ?? nativePlatform()))) automatic[name] = options.buildArgs?.[name] ?? value
  }
  const buildArgs = { ...automatic, ...options.buildArgs }
  const contexts = new Map<string, NamedContext>()
  for (const [name, value] of Object.entries(options.contexts ?? {})) contexts.set(contextKey(name), classifyContext(value))

  // The frontend a BuildKit build pulls before it reads anything else.
  for (const directive of dockerfile.directives) {
    if (directive.name.toLowerCase() !== 'syntax') continue
    const value = directive.value.trim()
    if (value === '') continue
    occurrences.push({ source: 'from', text: value, origin: at(directive.line), start: directive.valueStart, end: directive.valueEnd, stage: -1, frontend: true })
  }

  // Every stage name, for COPY --from and RUN --mount from, which may name a later stage.
  const allStageNames = new Map<string, number>()
  dockerfile.stageNames.forEach((name, index) => {
    if (name !== null && !allStageNames.has(name.toLowerCase())) allStageNames.set(name.toLowerCase(), index)
  })
  const stageCount = dockerfile.stageNames.length

  // Global scope: BuildKit's platform args, ARGs before the first FROM, then build args for the declared ones.
  const globalArgs = new Map<string, string | undefined>(Object.entries(automatic))
  const stageArgs = new Map<string, string | undefined>()
  let seenFrom = false

  const lookupIn =
    (scope: Map<string, string | undefined>): Lookup =>
    name =>
      scope.get(name)

  /**
   * Substitutes like BuildKit: an unset variable becomes ''. A result that is
   * still an image reference is kept with a warning; otherwise an error and undefined.
   */
  const resolve = (raw: string, line: number, what: string, scope: Map<string, string | undefined>): string | undefined => {
    // Without a '$' there is nothing to substitute (the escape character only escapes a '$').
    if (!raw.includes('$')) return raw
    const result = interpolate(raw, lookupIn(scope), syntax)
    if (result.errors.length > 0) {
      finding('unresolved-variable', 'error', `${what} '${raw}' in ${where(line)}: ${result.errors.join('; ')}`, line)
      return undefined
    }
    if (result.missing.length === 0) {
      if (result.value.trim() !== '' || raw.trim() === '') return result.value
      finding('unresolved-variable', 'error', `${what} '${raw}' in ${where(line)} is empty once its variables are substituted`, line, 'Give the ARG a non-empty default or pass it as a build arg')
      return undefined
    }
    const names = result.missing.map(name => `\${${name}}`).join(', ')
    const declare = `declare it with a default (ARG ${result.missing[0]}=…) before the first FROM, or pass it as a build arg`
    const lower = result.value.toLowerCase()
    const usable = result.value !== '' && (lower === 'scratch' || allStageNames.has(lower) || 'ref' in tryParseReference(result.value))
    if (!usable) {
      finding(
        'unresolved-variable',
        'error',
        `${what} '${raw}' in ${where(line)} uses ${names} with no value; as an empty string it gives '${result.value}', which is not an image reference`,
        line,
        `Give ${result.missing[0]} a value: ${declare}`
      )
      return undefined
    }
    finding(
      'unresolved-variable',
      'warning',
      `${what} '${raw}' in ${where(line)} uses ${names}, which is not set: it is an empty string, as in docker build, giving '${result.value}'`,
      line,
      `If that is not the image you mean, ${declare}`
    )
    return result.value
  }

  const declareArgs = (instruction: ModelInstruction, scope: Map<string, string | undefined>, inherited?: Map<string, string | undefined>): void => {
    for (const { name, value } of instruction.properties) {
      let resolved: string | undefined
      if (Object.prototype.hasOwnProperty.call(buildArgs, name)) resolved = buildArgs[name]
      else if (value !== null) resolved = value.includes('$') ? interpolate(value, lookupIn(scope), syntax).value : value
      else if (inherited?.has(name)) resolved = inherited.get(name)
      // `ARG NAME` with no default and no build arg stays declared but unset.
      scope.set(name, resolved)
    }
  }

  const earlierStageByName = (name: string): number | undefined => {
    const lower = name.toLowerCase()
    for (let i = stages.length - 1; i >= 0; i -= 1) if (stages[i]?.name === lower) return i
    return undefined
  }

  /** An image name as BuildKit sees it: a named context when one is called so, else the image. */
  const imageOrContext = (
    resolved: string,
    source: ReferenceSource,
    range: { start: number; end: number },
    line: number,
    stage: number,
    platform?: string
  ): void => {
    // Without named contexts (most builds) there is nothing to look up, nor a name to normalise.
    const context = contexts.size === 0 ? undefined : contexts.get(contextKey(resolved))
    if (context?.kind === 'service') {
      stages[stage]?.services.add(context.service)
      return
    }
    if (context?.kind === 'other') return
    if (context === undefined && resolved.toLowerCase() === 'scratch') return
    const text = context?.kind === 'image' ? context.reference : resolved
    // An image from a context is not written in the file: nothing to rewrite in place.
    const span = context === undefined ? range : { start: range.start, end: range.start }
    occurrences.push({ source, text, origin: at(line), ...(platform !== undefined && { platform }), ...span, stage })
  }

  /** COPY --from / RUN --mount from: a stage name, a stage index, a named context or an image. */
  const classifyFrom = (value: string, range: { start: number; end: number }, line: number, source: ReferenceSource): void => {
    const current = stages.length - 1
    const what = source === 'copy-from' ? 'COPY --from' : 'RUN --mount from'
    // The scope is only read when there is a variable to substitute.
    const scope = value.includes('$') ? new Map([...globalArgs, ...stageArgs]) : stageArgs
    const resolved = resolve(value, line, what, scope)
    if (resolved === undefined) return
    const selfReference = (): void =>
      finding(
        'invalid-reference',
        'error',
        `${what}=${value} in ${where(line)} names the stage it is part of (${stages[current]?.name ?? `stage ${current}`}); docker reports a circular dependency`,
        line,
        'Copy from an earlier stage, or name the image instead'
      )
    if (/^\d+$/.test(resolved)) {
      const index = Number(resolved)
      if (index >= stageCount) {
        finding(
          'invalid-reference',
          'error',
          `${where(line)} refers to stage ${index}, but the file has stages 0 to ${stageCount - 1}`,
          line,
          'Use the name or index of a stage (FROM … AS name)'
        )
        return
      }
      if (index === current) return selfReference()
      stages[current]?.dependsOn.add(index)
      return
    }
    const stageIndex = allStageNames.get(resolved.toLowerCase())
    if (stageIndex !== undefined) {
      if (stageIndex === current) return selfReference()
      stages[current]?.dependsOn.add(stageIndex)
      return
    }
    imageOrContext(resolved, source, range, line, current)
  }

  for (const instruction of dockerfile.instructions) {
    const { keyword, line } = instruction

    if (keyword === 'ARG') {
      if (!seenFrom) declareArgs(instruction, globalArgs)
      else declareArgs(instruction, stageArgs, globalArgs)
      continue
    }

    if (keyword === 'FROM') {
      seenFrom = true
      stageArgs.clear()
      const args = instruction.args
      const flags = instruction.flags
      const imageArgument = args[0]
      const stage: Stage = { dependsOn: new Set(), services: new Set() }
      const alias = parseAlias(args, where(line), at(line), findings)
      if (alias !== undefined) stage.name = alias.toLowerCase()
      const index = stages.length
      if (imageArgument === undefined) {
        finding('invalid-reference', 'error', `FROM without an image in ${where(line)}`, line, 'Write FROM <image>[:tag] [AS <name>]')
        stages.push(stage)
        continue
      }
      const range = { start: imageArgument.start, end: imageArgument.end }
      // A named context called like the stage replaces the whole stage.
      const replacing = stage.name === undefined || contexts.size === 0 ? undefined : contexts.get(contextKey(stage.name))
      if (replacing !== undefined) {
        stages.push(stage)
        imageOrContext(stage.name as string, 'from', { start: range.start, end: range.start }, line, index)
        continue
      }
      // Stage names are resolved against earlier stages before this one is added.
      const resolved = resolve(imageArgument.value, line, 'FROM', globalArgs)
      const platform = platformOf(flags, globalArgs, syntax)
      stages.push(stage)
      if (resolved !== undefined) {
        const earlier = earlierStageByName(resolved)
        if (earlier !== undefined && earlier < index) stage.dependsOn.add(earlier)
        else imageOrContext(resolved, 'from', range, line, index, platform)
      }
      continue
    }

    if (!seenFrom) continue
    if (keyword === 'COPY' || keyword === 'ADD') {
      for (const flag of instruction.flags) {
        if (flag.name.toLowerCase() !== 'from') continue
        const { value, valueRange } = flag
        if (value === null || value === '' || valueRange === null) {
          finding('invalid-reference', 'error', `${keyword} --from without a value in ${where(line)}`, line)
          continue
        }
        classifyFrom(value, valueRange, line, 'copy-from')
      }
    } else if (keyword === 'RUN') {
      for (const flag of instruction.flags) {
        if (flag.name.toLowerCase() !== 'mount') continue
        for (const option of flag.options) {
          const { value, valueRange } = option
          if (option.name.toLowerCase() !== 'from' || value === null || valueRange === null) continue
          classifyFrom(value, valueRange, line, 'mount-from')
        }
      }
    }
  }

  if (stages.length === 0 && findings.length === 0) {
    finding('invalid-file', 'warning', `${file} has no FROM instruction, so it names no base image`, 1)
  }
  return { occurrences, stages, findings }
}

/** The stages a build of the target runs: it and what it depends on; every stage when there is no target. */
function stagesToBuild(analysis: Analysis, options: DockerfileOptions): { stages: Set<number>; findings: Finding[] } {
  const all = new Set(analysis.stages.map((_, index) => index))
  if (options.target === undefined) return { stages: all, findings: [] }
  const target = options.target.toLowerCase()
  const start = analysis.stages.findIndex(stage => stage.name === target)
  if (start < 0) {
    const names = analysis.stages.map(stage => stage.name).filter((name): name is string => name !== undefined)
    return {
      stages: all,
      findings: [
        {
          kind: 'invalid-reference',
          severity: 'error',
          message: `Build target '${options.target}' is not a stage of ${options.file} (stages: ${names.length > 0 ? names.join(', ') : 'none named'}); every stage was scanned`,
          ...(options.originOf?.(1) ?? { file: options.file })
        }
      ]
    }
  }
  const wanted = new Set<number>()
  const pending = [start]
  while (pending.length > 0) {
    const index = pending.pop() as number
    if (wanted.has(index)) continue
    wanted.add(index)
    for (const dependency of analysis.stages[index]?.dependsOn ?? []) pending.push(dependency)
  }
  return { stages: wanted, findings: [] }
}

function parseAlias(args: ModelArgument[], where: string, origin: Origin, findings: Finding[]): string | undefined {
  if (args.length <= 1) return undefined
  const keyword = args[1]?.value
  const name = args[2]?.value
  if (args.length === 3 && keyword?.toLowerCase() === 'as' && name !== undefined && /^[a-zA-Z][a-zA-Z0-9_.-]*$/.test(name)) return name
  findings.push({
    kind: 'invalid-reference',
    severity: 'warning',
    message: `Unexpected text after the image in FROM at ${where}: '${args
      .slice(1)
      .map(arg => arg.value)
      .join(' ')}' (expected AS <name>)`,
    ...origin
  })
  return undefined
}

function platformOf(flags: ModelFlag[], globalArgs: Map<string, string | undefined>, syntax: ReturnType<typeof dockerfileSyntax>): string | undefined {
  const flag = flags.find(candidate => candidate.name.toLowerCase() === 'platform')
  const value = flag?.value
  if (value === null || value === undefined) return undefined
  if (!value.includes('$')) return value
  // `--platform=$BUILDPLATFORM` is decided by the builder, not by the file.
  const result = interpolate(value, name => (PLATFORM_ARGS.has(name) ? undefined : globalArgs.get(name)), syntax)
  if (result.errors.length > 0 || result.missing.length > 0) return undefined
  return result.value
}
