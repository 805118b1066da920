/**
 * Dockerfile extraction (pure: text in, references with origins out).
 *
 * dockerfile-ast gives the structure and source ranges (continuations, the
 * `# escape=` directive, flags); variable substitution is ours, because what
 * BuildKit substitutes into `FROM` is narrower than what a shell would: only
 * ARGs declared before the first FROM, overridden by build args.
 */
import { DockerfileParser, type Argument, type Flag, type Instruction } from 'dockerfile-ast'
import type { ExtractedReference, Finding, Origin, ReferenceSource } from '../model.js'
import { dockerfileSyntax, interpolate, type Lookup } from './interpolate.js'

/** ARGs BuildKit defines in the global scope; they may appear in `--platform` but name no image. */
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

export interface DockerfileOptions {
  /** Path relative to the scanned root; used in origins and findings. */
  file: string
  /** `--build-arg`s (compose `build.args`); they override declared ARG defaults. */
  buildArgs?: Record<string, string>
  /** Build target stage: only it and the stages it depends on are scanned. */
  target?: string
}

export interface DockerfileScan {
  references: ExtractedReference[]
  findings: Finding[]
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
  /** Index of the stage it belongs to. */
  stage: number
}

interface Stage {
  name?: string
  /** Stages this one needs, by index. */
  dependsOn: Set<number>
}

interface Analysis {
  occurrences: ImageOccurrence[]
  stages: Stage[]
  findings: Finding[]
}

export function extractDockerfile(text: string, options: DockerfileOptions): DockerfileScan {
  const analysis = analyseDockerfile(text, options)
  const wanted = stagesToBuild(analysis, options)
  const findings = [...analysis.findings, ...wanted.findings]
  const references: ExtractedReference[] = analysis.occurrences
    .filter(occurrence => wanted.stages.has(occurrence.stage))
    .map(occurrence => ({
      kind: 'base',
      text: occurrence.text,
      origin: occurrence.origin,
      source: occurrence.source,
      ...(occurrence.platform !== undefined && { platform: occurrence.platform })
    }))
  return { references, findings }
}

/**
 * Rewrites every image the Dockerfile names (FROM, COPY --from, RUN --mount
 * from) to what `rewrite` returns for its substituted text; undefined keeps the
 * original. Used to build against mirrored bases: the result names only the
 * target registry, and everything else in the file is left as written.
 */
export function rewriteDockerfileImages(
  text: string,
  rewrite: (resolvedReference: string) => string | undefined,
  options: DockerfileOptions
): { text: string; findings: Finding[] } {
  const analysis = analyseDockerfile(text, options)
  let out = ''
  let cursor = 0
  for (const occurrence of [...analysis.occurrences].sort((a, b) => a.start - b.start)) {
    const replacement = rewrite(occurrence.text)
    if (replacement === undefined) continue
    out += text.slice(cursor, occurrence.start) + replacement
    cursor = occurrence.end
  }
  return { text: out + text.slice(cursor), findings: analysis.findings }
}

function analyseDockerfile(text: string, options: DockerfileOptions): Analysis {
  const { file } = options
  const findings: Finding[] = []
  const occurrences: ImageOccurrence[] = []
  const stages: Stage[] = []
  const lineStarts = computeLineStarts(text)
  const offsetOf = (position: { line: number; character: number }): number => (lineStarts[position.line] ?? text.length) + position.character

  let dockerfile
  try {
    dockerfile = DockerfileParser.parse(text)
  } catch (error) {
    findings.push({ kind: 'invalid-file', severity: 'error', message: `Could not parse ${file}: ${String(error)}`, file })
    return { occurrences, stages, findings }
  }
  const syntax = dockerfileSyntax(dockerfile.getEscapeCharacter())
  const buildArgs = options.buildArgs ?? {}

  // Global scope: ARGs before the first FROM, then build args for the declared ones.
  const globalArgs = new Map<string, string | undefined>()
  const stageArgs = new Map<string, string | undefined>()
  let seenFrom = false

  const lookupIn =
    (scope: Map<string, string | undefined>): Lookup =>
    name =>
      scope.get(name)

  const resolve = (raw: string, line: number, what: string, scope: Map<string, string | undefined>): string | undefined => {
    const result = interpolate(raw, lookupIn(scope), syntax)
    const origin = { file, line }
    if (result.errors.length > 0) {
      findings.push({
        kind: 'unresolved-variable',
        severity: 'error',
        message: `${what} '${raw}' in ${file}:${line}: ${result.errors.join('; ')}`,
        ...origin
      })
      return undefined
    }
    if (result.missing.length > 0) {
      const names = result.missing.map(name => `\${${name}}`).join(', ')
      findings.push({
        kind: 'unresolved-variable',
        severity: 'error',
        message: `${what} '${raw}' in ${file}:${line} uses ${names} with no value: declare it with a default (ARG ${result.missing[0]}=…) before the first FROM, or pass it as a build arg`,
        ...origin
      })
      return undefined
    }
    return result.value
  }

  const declareArgs = (instruction: Instruction, scope: Map<string, string | undefined>, inherited?: Map<string, string | undefined>): void => {
    const properties = (instruction as unknown as { getProperties(): Array<{ getName(): string; getValue(): string | null }> }).getProperties()
    for (const property of properties) {
      const name = property.getName()
      const value = property.getValue()
      let resolved: string | undefined
      if (Object.prototype.hasOwnProperty.call(buildArgs, name)) resolved = buildArgs[name]
      else if (value !== null) resolved = interpolate(value, lookupIn(scope), syntax).value
      else if (inherited?.has(name)) resolved = inherited.get(name)
      // `ARG NAME` with no default and no build arg stays declared but unset.
      scope.set(name, resolved)
    }
  }

  const stageIndexByName = (name: string): number | undefined => {
    const lower = name.toLowerCase()
    for (let i = stages.length - 1; i >= 0; i -= 1) if (stages[i]?.name === lower) return i
    return undefined
  }

  /** COPY --from / RUN --mount from: a stage name, a stage index, or an image. */
  const classifyFrom = (value: string, range: { start: number; end: number }, lineNo: number, source: ReferenceSource): void => {
    const current = stages.length - 1
    const scope = new Map([...globalArgs, ...stageArgs])
    const resolved = resolve(value, lineNo, source === 'copy-from' ? 'COPY --from' : 'RUN --mount from', scope)
    if (resolved === undefined) return
    if (/^\d+$/.test(resolved)) {
      const index = Number(resolved)
      if (index >= current) {
        findings.push({
          kind: 'invalid-reference',
          severity: 'error',
          message: `${file}:${lineNo} refers to stage ${index}, but only stages 0 to ${current - 1} come before it`,
          file,
          line: lineNo,
          suggestion: 'Use the name or index of an earlier stage (FROM … AS name)'
        })
        return
      }
      stages[current]?.dependsOn.add(index)
      return
    }
    const stageIndex = stageIndexByName(resolved)
    if (stageIndex !== undefined && stageIndex < current) {
      stages[current]?.dependsOn.add(stageIndex)
      return
    }
    if (resolved.toLowerCase() === 'scratch') return
    occurrences.push({ source, text: resolved, origin: { file, line: lineNo }, start: range.start, end: range.end, stage: current })
  }

  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword()
    const lineNo = instruction.getRange().start.line + 1

    if (keyword === 'ARG') {
      if (!seenFrom) declareArgs(instruction, globalArgs)
      else declareArgs(instruction, stageArgs, globalArgs)
      continue
    }

    if (keyword === 'FROM') {
      seenFrom = true
      stageArgs.clear()
      const args = instruction.getArguments()
      const flags = getFlags(instruction)
      const imageArgument = args[0]
      const stage: Stage = { dependsOn: new Set() }
      const alias = parseAlias(args, file, lineNo, findings)
      if (alias !== undefined) stage.name = alias.toLowerCase()
      if (imageArgument === undefined) {
        findings.push({
          kind: 'invalid-reference',
          severity: 'error',
          message: `FROM without an image in ${file}:${lineNo}`,
          file,
          line: lineNo,
          suggestion: 'Write FROM <image>[:tag] [AS <name>]'
        })
        stages.push(stage)
        continue
      }
      // Stage names are resolved against earlier stages before this one is added.
      const resolved = resolve(imageArgument.getValue(), lineNo, 'FROM', globalArgs)
      const platform = platformOf(flags, globalArgs, syntax)
      if (resolved !== undefined) {
        const earlier = stageIndexByName(resolved)
        if (earlier !== undefined) stage.dependsOn.add(earlier)
        else if (resolved.toLowerCase() !== 'scratch') {
          const range = argumentOffsets(imageArgument, offsetOf)
          occurrences.push({
            source: 'from',
            text: resolved,
            origin: { file, line: lineNo },
            ...(platform !== undefined && { platform }),
            ...range,
            stage: stages.length
          })
        }
      }
      stages.push(stage)
      continue
    }

    if (!seenFrom) continue
    if (keyword === 'COPY' || keyword === 'ADD') {
      for (const flag of getFlags(instruction)) {
        if (flag.getName().toLowerCase() !== 'from') continue
        const value = flag.getValue()
        const valueRange = flag.getValueRange()
        if (value === null || value === '' || valueRange === null) {
          findings.push({ kind: 'invalid-reference', severity: 'error', message: `${keyword} --from without a value in ${file}:${lineNo}`, file, line: lineNo })
          continue
        }
        classifyFrom(value, { start: offsetOf(valueRange.start), end: offsetOf(valueRange.end) }, lineNo, 'copy-from')
      }
    } else if (keyword === 'RUN') {
      for (const flag of getFlags(instruction)) {
        if (flag.getName().toLowerCase() !== 'mount') continue
        for (const option of flag.getOptions()) {
          const value = option.getValue()
          const valueRange = option.getValueRange()
          if (option.getName().toLowerCase() !== 'from' || value === null || valueRange === null) continue
          classifyFrom(value, { start: offsetOf(valueRange.start), end: offsetOf(valueRange.end) }, lineNo, 'mount-from')
        }
      }
    }
  }

  if (stages.length === 0 && findings.length === 0) {
    findings.push({
      kind: 'invalid-file',
      severity: 'warning',
      message: `${file} has no FROM instruction, so it names no base image`,
      file,
      line: 1
    })
  }
  return { occurrences, stages, findings }
}

/** The stages a build runs: the target and what it depends on; every stage when there is no target. */
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
          file: options.file
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

function parseAlias(args: Argument[], file: string, line: number, findings: Finding[]): string | undefined {
  if (args.length <= 1) return undefined
  const keyword = args[1]?.getValue()
  const name = args[2]?.getValue()
  if (args.length === 3 && keyword?.toLowerCase() === 'as' && name !== undefined && /^[a-zA-Z][a-zA-Z0-9_.-]*$/.test(name)) return name
  findings.push({
    kind: 'invalid-reference',
    severity: 'warning',
    message: `Unexpected text after the image in FROM at ${file}:${line}: '${args
      .slice(1)
      .map(arg => arg.getValue())
      .join(' ')}' (expected AS <name>)`,
    file,
    line
  })
  return undefined
}

function platformOf(flags: Flag[], globalArgs: Map<string, string | undefined>, syntax: ReturnType<typeof dockerfileSyntax>): string | undefined {
  const flag = flags.find(candidate => candidate.getName().toLowerCase() === 'platform')
  const value = flag?.getValue()
  if (value === null || value === undefined) return undefined
  const result = interpolate(value, name => globalArgs.get(name), syntax)
  // `--platform=$BUILDPLATFORM` is decided by the builder, not by the file.
  if (result.missing.some(name => PLATFORM_ARGS.has(name)) || result.errors.length > 0 || result.missing.length > 0) return undefined
  return result.value
}

function getFlags(instruction: Instruction): Flag[] {
  const withFlags = instruction as unknown as { getFlags?: () => Flag[] }
  return withFlags.getFlags?.() ?? []
}

function argumentOffsets(argument: Argument, offsetOf: (position: { line: number; character: number }) => number): { start: number; end: number } {
  const range = argument.getRange()
  return { start: offsetOf(range.start), end: offsetOf(range.end) }
}

function computeLineStarts(text: string): number[] {
  const starts = [0]
  for (let i = 0; i < text.length; i += 1) if (text[i] === '\n') starts.push(i + 1)
  return starts
}
