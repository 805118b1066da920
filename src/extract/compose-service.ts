/**
 * From merged drafts to what callers see: each value interpolated the way
 * compose does it (an unset variable is the empty string, with compose's
 * warning; `${VAR:?message}` and syntax errors are errors), every `build:`
 * key read, paths resolved against the scanned root.
 */
import * as path from 'node:path'
import type { BuildSecret, BuildSpec, Finding, FindingKind, Origin } from '../model.js'
import { tryParseReference } from '../reference.js'
import { BUILD_LISTS, present, RESET, type BuildDraft, type RawValue, type SecretDefinitionDraft, type ServiceDraft } from './compose-draft.js'
import { COMPOSE_SYNTAX, interpolate } from './interpolate.js'

/** Why a build's Dockerfile cannot be scanned (a warning finding says so too). */
export type UnscannedBuild = 'remote-context' | 'outside-root'

export interface ComposeImage {
  /** The image string with variables substituted. */
  text: string
  origin: Origin
}

export interface InlineDockerfile {
  text: string
  /** Where line n of the inline Dockerfile is written in the compose file. */
  originOf(line: number): Origin
}

/** The compose keys passed through as written share BuildSpec's names and types: declared once, there. */
type PassedBuildKeys = 'platforms' | 'secrets' | 'ssh' | 'additionalContexts' | 'cacheFrom' | 'cacheTo' | 'labels' | 'network' | 'extraHosts' | 'shmSize' | 'tags' | 'otherKeys'

export interface ComposeBuild extends Pick<BuildSpec, 'target' | 'args' | PassedBuildKeys> {
  /** Relative to the scanned root ('.' for the root itself), or the URL of a remote context. */
  context: string
  /** Relative to the scanned root; '' for `dockerfile_inline`. */
  dockerfile: string
  /** The line of the `build:` key. */
  origin: Origin
  /** Set when the Dockerfile is not in the scanned tree; callers must not read `dockerfile` then. */
  notScanned?: UnscannedBuild
  /** `dockerfile_inline`: the Dockerfile is this text, not a file. */
  inline?: InlineDockerfile
  /** Where each additional context is written. */
  additionalContextOrigins?: Record<string, Origin>
}

export interface ComposeService {
  name: string
  image?: ComposeImage
  build?: ComposeBuild
  platform?: string
}

/** Collects findings and interpolates values, for the loader and the resolver alike. */
export class ValueResolver {
  readonly findings: Finding[] = []

  report(kind: FindingKind, severity: Finding['severity'], message: string, where: { file?: string; line?: number }, suggestion?: string): void {
    this.findings.push({
      kind,
      severity,
      message: message.charAt(0).toUpperCase() + message.slice(1),
      ...(where.file !== undefined && { file: where.file }),
      ...(where.line !== undefined && { line: where.line }),
      ...(suggestion !== undefined && { suggestion })
    })
  }

  /**
   * Interpolates one value as compose does: an unset variable becomes '' with
   * compose's warning. For an image (`image: true`), an empty or invalid
   * result is an error instead, and undefined is returned.
   */
  text(value: RawValue, what: string, options: { image?: boolean } = {}): string | undefined {
    if (value.isCollection) {
      this.report('invalid-file', 'error', `${what} must be a string`, value.origin)
      return undefined
    }
    if (value.text === null) return ''
    if (!value.text.includes('$')) return value.text
    const result = interpolate(value.text, value.scope.lookup, COMPOSE_SYNTAX)
    if (result.errors.length > 0) {
      for (const error of result.errors) {
        const syntax = /^(unterminated '\$\{'|invalid variable name|unsupported modifier)/.test(error)
        this.report(syntax ? 'invalid-file' : 'unresolved-variable', 'error', `Cannot resolve ${what}: ${error}`, value.origin)
      }
      return undefined
    }
    if (result.missing.length === 0) return result.value
    const names = result.missing.map(name => `"${name}"`).join(', ')
    const suggestion = `Set ${result.missing[0]} in the environment or in an env file, or give it a default: \${${result.missing[0]}:-value}`
    if (options.image === true && (result.value.trim() === '' || 'error' in tryParseReference(result.value))) {
      this.report(
        'unresolved-variable',
        'error',
        `The ${names} variable${result.missing.length > 1 ? 's are' : ' is'} not set: as a blank string, ${what} ('${value.text}') is '${result.value}', which is not an image reference`,
        value.origin,
        suggestion
      )
      return undefined
    }
    this.report(
      'unresolved-variable',
      'warning',
      `The ${names} variable${result.missing.length > 1 ? 's are' : ' is'} not set. Defaulting to a blank string (in ${what}: '${value.text}' is '${result.value}')`,
      value.origin,
      suggestion
    )
    return result.value
  }
}

/**
 * A merged draft → what callers see. Undefined when the service cannot be used
 * (already reported). `secrets` are the project's top-level `secrets:`
 * definitions, merged across its files and includes.
 */
export function resolveService(draft: ServiceDraft, values: ValueResolver, secrets: ReadonlyMap<string, SecretDefinitionDraft> = new Map()): ComposeService | undefined {
  const service: ComposeService = { name: draft.name }
  let failed = false

  const image = present(draft.image)
  if (image !== undefined) {
    const what = `the image of service '${draft.name}'`
    if (image.isCollection || (!image.isString && image.text !== null)) {
      values.report('invalid-reference', 'error', `${what} must be a string`, image.origin)
      failed = true
    } else if (image.text === null || image.text.trim() === '') {
      values.report('invalid-reference', 'error', `${what} is empty`, image.origin)
      failed = true
    } else {
      // With a build, an image that interpolates to nothing is no image: compose tags the build `<project>-<service>`.
      const hasBuild = draft.build !== undefined && draft.build !== RESET
      const text = values.text(image, what, { image: !hasBuild })
      if (text === undefined) failed = true
      else if (text.trim() !== '') service.image = { text, origin: image.origin }
      else if (!hasBuild) {
        values.report('invalid-reference', 'error', `${what} is empty once its variables are substituted`, image.origin)
        failed = true
      }
    }
  }

  const build = draft.build === RESET ? undefined : draft.build
  if (build !== undefined) {
    const resolved = resolveBuild(build, draft.name, values, secrets)
    if (resolved === undefined) failed = true
    else service.build = resolved
  }

  const platform = present(draft.platform)
  if (platform !== undefined) {
    const text = values.text(platform, `the platform of service '${draft.name}'`)
    if (text !== undefined && text !== '') service.platform = text
  }

  // A service whose image or build cannot be worked out is left out: keeping
  // half of it would turn a built image into one pulled from a registry.
  if (failed) return undefined
  if (service.image === undefined && service.build === undefined) {
    values.report('invalid-file', 'warning', `Service '${draft.name}' has neither an image nor a build section`, draft.origin)
  }
  return service
}

const LIST_FIELDS: Record<(typeof BUILD_LISTS)[number], 'platforms' | 'cacheFrom' | 'cacheTo' | 'extraHosts' | 'tags' | 'ssh'> = {
  platforms: 'platforms',
  cache_from: 'cacheFrom',
  cache_to: 'cacheTo',
  extra_hosts: 'extraHosts',
  tags: 'tags',
  ssh: 'ssh'
}

function resolveBuild(build: BuildDraft, service: string, values: ValueResolver, definitions: ReadonlyMap<string, SecretDefinitionDraft>): ComposeBuild | undefined {
  const scalar = (key: Parameters<BuildDraft['scalars']['get']>[0]): RawValue | undefined => present(build.scalars.get(key))
  const context = scalar('context')
  const contextText = context === undefined ? '.' : values.text(context, `the build context of service '${service}'`)
  const dockerfile = scalar('dockerfile')
  const dockerfileText = dockerfile === undefined ? 'Dockerfile' : values.text(dockerfile, `the dockerfile of service '${service}'`)
  const targetValue = scalar('target')
  const target = targetValue === undefined ? undefined : values.text(targetValue, `the build target of service '${service}'`)
  if (contextText === undefined || dockerfileText === undefined || (targetValue !== undefined && target === undefined)) return undefined

  const keyValues = (key: 'args' | 'labels' | 'additional_contexts'): { values: [string, string][]; origins: [string, Origin][] } => {
    const out: [string, string][] = []
    const origins: [string, Origin][] = []
    for (const [name, field] of build.maps.get(key) ?? []) {
      const value = present(field)
      if (value === undefined) continue
      if (value.text === null && !value.isCollection) {
        // `K:` or `- K`: the value comes from the environment (for args, else the Dockerfile's default applies).
        const fromEnvironment = value.scope.lookup(name)
        if (fromEnvironment !== undefined) out.push([name, fromEnvironment])
        continue
      }
      const text = values.text(value, `${key === 'args' ? 'build arg' : key} ${name} of service '${service}'`)
      if (text === undefined) continue
      out.push([name, text])
      origins.push([name, value.origin])
    }
    return { values: out, origins }
  }

  const result: ComposeBuild = {
    context: contextText,
    dockerfile: dockerfileText,
    args: Object.fromEntries(keyValues('args').values),
    origin: build.origin,
    ...(target !== undefined && target !== '' && { target })
  }
  const labels = keyValues('labels').values
  if (labels.length > 0) result.labels = Object.fromEntries(labels)
  for (const key of ['network', 'shm_size'] as const) {
    const value = scalar(key)
    const text = value === undefined ? undefined : values.text(value, `build ${key} of service '${service}'`)
    if (text === undefined || text === '') continue
    if (key === 'network') result.network = text
    else result.shmSize = text
  }
  for (const key of BUILD_LISTS) {
    const list = build.lists.get(key)
    if (list === undefined || list === RESET) continue
    const items = list.flatMap(item => {
      const text = values.text(item, `build ${key} of service '${service}'`)
      return text === undefined || text === '' ? [] : [text]
    })
    if (items.length > 0) result[LIST_FIELDS[key]] = items
  }
  if (build.secrets !== undefined && build.secrets !== RESET) {
    const secrets = build.secrets.flatMap(entry => buildSecret(entry, service, values, definitions) ?? [])
    if (secrets.length > 0) result.secrets = secrets
  }
  if (build.otherKeys.size > 0) result.otherKeys = [...build.otherKeys].sort()

  const inline = scalar('dockerfile_inline')
  if (isRemote(contextText)) {
    values.report('invalid-file', 'warning', `Service '${service}' builds from the remote context ${contextText}; its Dockerfile is not scanned`, context?.origin ?? build.origin)
    return { ...result, notScanned: 'remote-context' }
  }
  const workingDir = context?.scope.workingDir ?? build.scope.workingDir
  result.context = withoutTrailingSlash(path.posix.isAbsolute(contextText) ? path.posix.normalize(contextText) : path.posix.join(workingDir, contextText))

  const contexts = keyValues('additional_contexts')
  if (contexts.values.length > 0) {
    result.additionalContexts = Object.fromEntries(contexts.values.map(([name, value]) => [name, resolveContextPath(value, build.scope.workingDir)]))
    result.additionalContextOrigins = Object.fromEntries(contexts.origins)
  }

  result.dockerfile = path.posix.isAbsolute(dockerfileText) ? path.posix.normalize(dockerfileText) : path.posix.join(result.context, dockerfileText)
  if (inline !== undefined) {
    const text = values.text(inline, `dockerfile_inline of service '${service}'`)
    if (text === undefined) return undefined
    const origin = inline.origin
    const block = inline.literalBlock === true
    result.inline = { text, originOf: line => ({ file: origin.file, line: block ? origin.line + line : origin.line }) }
    result.dockerfile = ''
    if (isOutsideRoot(result.context)) {
      values.report('invalid-file', 'warning', `Service '${service}' builds in ${result.context}, outside the scanned directory`, context?.origin ?? build.origin)
      return { ...result, notScanned: 'outside-root' }
    }
    return result
  }
  if (isOutsideRoot(result.context) || isOutsideRoot(result.dockerfile)) {
    values.report(
      'invalid-file',
      'warning',
      `Service '${service}' builds from ${result.dockerfile}, outside the scanned directory; it is not scanned`,
      (isOutsideRoot(result.context) ? context?.origin : dockerfile?.origin) ?? build.origin
    )
    return { ...result, notScanned: 'outside-root' }
  }
  return result
}

/**
 * One entry of build.secrets joined to its top-level definition, as compose
 * passes it to BuildKit: the id is the entry's `target`, else the secret's
 * name; a `file:` is resolved against the directory of the file that defines
 * it; an `environment:` names a variable (its value is never read here). No
 * definition is an error (compose refuses the project); a definition a build
 * cannot use (`external`, neither file nor environment) is a warning.
 */
function buildSecret(entry: NonNullable<Exclude<BuildDraft['secrets'], typeof RESET>>[number], service: string, values: ValueResolver, definitions: ReadonlyMap<string, SecretDefinitionDraft>): BuildSecret | undefined {
  const name = values.text(entry.source, `a build secret of service '${service}'`)
  if (name === undefined || name === '') return undefined
  const target = entry.target === undefined ? undefined : values.text(entry.target, `the target of build secret ${name} of service '${service}'`)
  if (entry.target !== undefined && target === undefined) return undefined
  const secret: BuildSecret = { id: target !== undefined && target !== '' ? target : name, name, origin: entry.source.origin }
  const definition = definitions.get(name)
  if (definition === undefined) {
    values.report(
      'invalid-file',
      'error',
      `Service '${service}' uses the build secret '${name}', which no top-level 'secrets:' defines; the build cannot run`,
      entry.source.origin,
      `Define it at the top level: secrets: { ${name}: { file: ./path/to/${name} } } (or environment: VARIABLE)`
    )
    return { ...secret, unusable: 'undefined' }
  }
  const field = (key: 'file' | 'environment'): string | undefined => {
    const value = present(definition.fields.get(key))
    if (value === undefined) return undefined
    const text = values.text(value, `the ${key} of secret '${name}'`)
    return text === undefined || text === '' ? undefined : text
  }
  const file = field('file')
  const environment = field('environment')
  if (file !== undefined) {
    const fileValue = present(definition.fields.get('file')) as RawValue
    secret.file = file.startsWith('~') || path.posix.isAbsolute(file) ? path.posix.normalize(file) : path.posix.join(fileValue.scope.workingDir, file)
    return secret
  }
  if (environment !== undefined) return { ...secret, environment }
  const external = present(definition.fields.get('external'))
  values.report(
    'invalid-file',
    'warning',
    `Service '${service}' uses the build secret '${name}', ${
      external !== undefined && external.text !== 'false' ? 'an external secret' : 'whose definition has neither file nor environment'
    } (${definition.origin.file}:${definition.origin.line}): a build takes only a secret defined by file or environment; it is not passed to the build`,
    entry.source.origin,
    `Define ${name} with file: or environment: for the build`
  )
  return { ...secret, unusable: 'external' }
}

/** An additional context that is a local path is resolved like `context`; images, services and URLs stay as written. */
function resolveContextPath(value: string, workingDir: string): string {
  if (value.includes('://') || value.startsWith('service:') || isRemote(value)) return value
  return withoutTrailingSlash(path.posix.isAbsolute(value) ? path.posix.normalize(value) : path.posix.join(workingDir, value))
}

export function isRemote(context: string): boolean {
  return /^(?:https?:\/\/|git@|git:\/\/|ssh:\/\/|github\.com\/|oci:\/\/)/.test(context)
}

export function isOutsideRoot(relative: string): boolean {
  return relative === '..' || relative.startsWith('../') || path.posix.isAbsolute(relative)
}

function withoutTrailingSlash(dir: string): string {
  return dir.length > 1 && dir.endsWith('/') ? dir.slice(0, -1) : dir
}
