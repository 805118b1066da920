/**
 * Compose files → the services of one compose project: each service's image,
 * build section and platform, with interpolation done and every value keeping
 * the file and line where it is written. Pure: files come in through
 * `readFile` (paths relative to the scanned root, POSIX separators).
 *
 * What it follows, as `docker compose config` does:
 * - several files merged in order (`-f base -f override`): later scalars win,
 *   `build` mappings merge field by field and `build.args` key by key;
 *   `!reset` removes a value and `!override` replaces a mapping instead of
 *   merging it (compose ≥ 2.24);
 * - YAML anchors, aliases and `<<` merge keys; top-level `x-` fields and every
 *   other top-level key except `name`, `include` and `services` are ignored;
 * - `extends` (same file, or `file:` another one) and top-level `include`;
 * - every profile counts (`profiles` is ignored): a mirror must hold what any
 *   profile may start.
 *
 * Choices where compose leaves room:
 * - An image written in an anchor and used through an alias or merge key gets
 *   the line where the scalar is written (in the anchor).
 * - Paths (`build.context`, `include`) in the first file and its overrides are
 *   relative to the first file's directory (compose's project directory);
 *   in an included file or an `extends: file:` target, to that file's directory.
 * - Variables: `options.env` (the process environment) wins over env files.
 *   The `.env` beside the first compose file is read when it exists, and
 *   `options.envFiles` are read after it, in order, later ones winning. They add
 *   to `.env` rather than replace it (as `docker compose --env-file` would), so
 *   one `env-file` input serves a repository with several projects. An included
 *   file uses its own `.env` (or the include's `env_file`) under `envFiles`.
 * - Project name, in compose's documented order: COMPOSE_PROJECT_NAME (from the
 *   environment or the env files), then the last top-level `name:`, then the
 *   first file's directory name; for a file at the scanned root, whose
 *   directory name this pure stage cannot see, `options.rootDirectoryName`
 *   or else 'project'. Normalised as compose-go does.
 * - `project.files` lists the compose files read (including `extends` and
 *   `include` targets), not the env files.
 */
import * as path from 'node:path'
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml'
import type { Finding, FindingKind, Origin } from '../model.js'
import { deref, lineOf, mapEntries, type MapEntry } from './compose-yaml.js'
import { parseDotenv } from './dotenv.js'
import { COMPOSE_SYNTAX, interpolate, type Lookup } from './interpolate.js'

export { rewriteComposeImages } from './compose-rewrite.js'

export interface ComposeImage {
  /** The image string with variables substituted. */
  text: string
  origin: Origin
}

/** Why a build's Dockerfile cannot be scanned (a warning finding says so too). */
export type UnscannedBuild = 'remote-context' | 'dockerfile-inline' | 'outside-root'

export interface ComposeBuild {
  /** Relative to the scanned root ('.' for the root itself), or the URL of a remote context. */
  context: string
  /** Relative to the scanned root; '' for `dockerfile_inline`. */
  dockerfile: string
  target?: string
  args: Record<string, string>
  /** The line of the `build:` key. */
  origin: Origin
  /** Set when the Dockerfile is not in the scanned tree; callers must not read `dockerfile` then. */
  notScanned?: UnscannedBuild
}

export interface ComposeService {
  name: string
  image?: ComposeImage
  build?: ComposeBuild
  platform?: string
}

export interface ComposeProject {
  name: string
  files: string[]
  services: ComposeService[]
  findings: Finding[]
}

export interface ComposeLoadOptions {
  env: Record<string, string>
  envFiles: string[]
  readFile: (relativePath: string) => string | undefined
  /** Directory name of the scanned root, for the project name of a compose file that sits there. */
  rootDirectoryName?: string
}

/** Loads one compose project: `files[0]` is the base file, the rest override it in order. */
export function loadComposeProject(files: string[], options: ComposeLoadOptions): ComposeProject {
  const loader = new ComposeLoader(options)
  const first = files[0]
  if (first === undefined) return { name: normaliseProjectName(options.rootDirectoryName ?? '') || 'project', files: [], services: [], findings: [] }
  const projectDirectory = path.posix.dirname(normalisePath(first))
  const lookup = loader.environment([{ file: path.posix.join(projectDirectory, '.env'), required: false }])

  const merged = new Map<string, ServiceDraft>()
  let nameValue: RawValue | undefined
  for (const file of files.map(normalisePath)) {
    const loaded = loader.loadFile(file, { file, workingDir: projectDirectory, lookup }, [file])
    if (loaded === undefined) {
      loader.report('invalid-file', 'error', `Compose file ${file} does not exist or cannot be read`, { file })
      continue
    }
    if (loaded.name !== undefined) nameValue = loaded.name
    for (const [name, draft] of loaded.services) {
      const existing = merged.get(name)
      merged.set(name, existing === undefined ? draft : mergeServices(existing, draft))
    }
  }

  const name = loader.projectName(nameValue, lookup, projectDirectory)
  const services: ComposeService[] = []
  for (const draft of merged.values()) {
    const service = loader.resolveService(draft)
    if (service !== undefined) services.push(service)
  }
  return { name, files: loader.files, services, findings: uniqueFindings(loader.findings) }
}

/** The image `docker compose build` tags a service that has no `image:`: `<project>-<service>`. */
export function defaultServiceImageName(projectName: string, serviceName: string): string {
  return `${normaliseProjectName(projectName)}-${serviceName}`
}

/** compose-go's NormalizeProjectName: lowercase, only [a-z0-9_-], no leading '_' or '-'. */
export function normaliseProjectName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[_-]+/, '')
}

// ---------------------------------------------------------------------------
// Drafts: a service as written in one file, values not yet interpolated.

/** `!reset` in an override file: the value is removed from the merged service. */
const RESET = Symbol('reset')

interface Scope {
  file: string
  /** Directory relative paths in this file are resolved against. */
  workingDir: string
  lookup: Lookup
}

/** One scalar as written; interpolation waits until the merge has picked the winning value. */
interface RawValue {
  /** The string, the source text of a number or boolean, or null for an empty value or a collection. */
  text: string | null
  isString: boolean
  isCollection: boolean
  origin: Origin
  scope: Scope
}

type Field = RawValue | typeof RESET

interface BuildDraft {
  origin: Origin
  scope: Scope
  /** `!override`: replaces the build of the file below instead of merging into it. */
  replace: boolean
  context?: Field
  dockerfile?: Field
  dockerfileInline?: Field
  target?: Field
  args: Map<string, Field>
}

interface ExtendsDraft {
  service: RawValue
  file?: RawValue
}

interface ServiceDraft {
  name: string
  origin: Origin
  image?: Field
  platform?: Field
  build?: BuildDraft | typeof RESET
  extends?: ExtendsDraft
}

interface LoadedFile {
  services: Map<string, ServiceDraft>
  name?: RawValue
}

interface ParsedFile {
  file: string
  doc: Document
  lineCounter: LineCounter
}

function mergeServices(base: ServiceDraft, over: ServiceDraft): ServiceDraft {
  const merged: ServiceDraft = { name: over.name, origin: over.origin }
  const image = over.image ?? base.image
  const platform = over.platform ?? base.platform
  const build = mergeBuild(base.build, over.build)
  if (image !== undefined) merged.image = image
  if (platform !== undefined) merged.platform = platform
  if (build !== undefined) merged.build = build
  return merged
}

function mergeBuild(base: ServiceDraft['build'], over: ServiceDraft['build']): ServiceDraft['build'] {
  if (over === undefined) return base
  if (over === RESET || base === undefined || base === RESET || over.replace) return over
  const merged: BuildDraft = { origin: over.origin, scope: over.scope, replace: false, args: new Map([...base.args, ...over.args]) }
  for (const key of ['context', 'dockerfile', 'dockerfileInline', 'target'] as const) {
    const value = over[key] ?? base[key]
    if (value !== undefined) merged[key] = value
  }
  return merged
}

function present(field: Field | undefined): RawValue | undefined {
  return field === RESET ? undefined : field
}

// ---------------------------------------------------------------------------

class ComposeLoader {
  readonly findings: Finding[] = []
  readonly files: string[] = []
  private readonly parsed = new Map<string, ParsedFile | 'unreadable' | 'invalid'>()
  private readonly environments = new Map<string, Lookup>()

  constructor(private readonly options: ComposeLoadOptions) {}

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
   * A lookup over the process environment, then `options.envFiles`, then the
   * given env files (an optional `.env`, or an include's `env_file`).
   */
  environment(files: { file: string; required: boolean; origin?: Origin }[]): Lookup {
    const key = files.map(f => f.file).join('\0')
    const cached = this.environments.get(key)
    if (cached !== undefined) return cached
    const env = this.options.env
    const fromProcess: Lookup = name => (Object.hasOwn(env, name) ? env[name] : undefined)
    const values = new Map<string, string>()
    const all = [...files, ...this.options.envFiles.map(file => ({ file: normalisePath(file), required: true, origin: undefined }))]
    for (const { file, required, origin } of all) {
      const text = this.options.readFile(file)
      if (text === undefined) {
        if (required) {
          this.report(
            origin === undefined ? 'invalid-config' : 'invalid-file',
            'error',
            `Env file ${file} does not exist or cannot be read`,
            origin ?? { file }
          )
        }
        continue
      }
      const parsed = parseDotenv(text, file, name => fromProcess(name) ?? values.get(name))
      this.findings.push(...parsed.findings)
      for (const [name, value] of parsed.values) values.set(name, value)
    }
    const lookup: Lookup = name => fromProcess(name) ?? values.get(name)
    this.environments.set(key, lookup)
    return lookup
  }

  private parse(file: string): ParsedFile | 'unreadable' | 'invalid' {
    const cached = this.parsed.get(file)
    if (cached !== undefined) return cached
    const text = this.options.readFile(file)
    if (text === undefined) {
      this.parsed.set(file, 'unreadable')
      return 'unreadable'
    }
    if (!this.files.includes(file)) this.files.push(file)
    const lineCounter = new LineCounter()
    const doc = parseDocument(text, { lineCounter, prettyErrors: false })
    const error = doc.errors[0]
    if (error !== undefined) {
      const line = error.linePos?.[0].line ?? lineCounter.linePos(error.pos[0]).line
      const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more YAML error${doc.errors.length > 2 ? 's' : ''})` : ''
      this.report('invalid-file', 'error', `Invalid YAML: ${firstLine(error.message)}${more}; the file was not scanned`, { file, line })
      this.parsed.set(file, 'invalid')
      return 'invalid'
    }
    const parsed = { file, doc, lineCounter }
    this.parsed.set(file, parsed)
    return parsed
  }

  /**
   * One file with its includes loaded and its `extends` resolved. Undefined
   * when it cannot be read (the caller reports that where it is referenced);
   * an empty result when it is invalid (already reported).
   */
  loadFile(file: string, scope: Scope, stack: string[]): LoadedFile | undefined {
    const raw = this.readDrafts(file, scope, stack)
    if (raw === undefined) return undefined
    const services = new Map<string, ServiceDraft>()
    for (const [name, draft] of raw.services) {
      services.set(name, draft.extends === undefined ? draft : this.resolveExtends(draft, raw.services, scope, [`${file}#${name}`]))
    }
    return { services, ...(raw.name !== undefined && { name: raw.name }) }
  }

  /** The services of one file as written (plus what its includes bring), `extends` not yet applied. */
  private readDrafts(file: string, scope: Scope, stack: string[]): LoadedFile | undefined {
    const parsed = this.parse(file)
    if (parsed === 'unreadable') return undefined
    const services = new Map<string, ServiceDraft>()
    if (parsed === 'invalid') return { services }
    const { doc, lineCounter } = parsed
    const at = (node: Node | null | undefined, fallback?: number): Origin => ({ file, line: lineOf(node, lineCounter, fallback) })
    const problem = (message: string, node: Node): void => this.report('invalid-file', 'error', message, at(node))

    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) return { services }
    const top = mapEntries(doc.contents, doc, problem)
    if (top === undefined) {
      problem('a compose file must be a mapping at the top level; the file was not scanned', doc.contents)
      return { services }
    }

    const include = top.get('include')
    if (include !== undefined) {
      for (const [name, draft] of this.loadIncludes(include, parsed, scope, stack)) services.set(name, draft)
    }

    const nameEntry = top.get('name')
    const name = nameEntry === undefined ? undefined : this.rawValue(nameEntry, parsed, scope)

    const servicesEntry = top.get('services')
    const servicesNode = servicesEntry === undefined ? null : deref(servicesEntry.value, doc)
    if (servicesEntry === undefined || servicesNode === null || (isScalar(servicesNode) && servicesNode.value === null)) {
      return { services, ...(name !== undefined && { name }) }
    }
    const serviceEntries = mapEntries(servicesNode, doc, problem)
    if (serviceEntries === undefined) {
      problem("'services' must be a mapping of service names to services; no service of this file was scanned", servicesNode)
      return { services, ...(name !== undefined && { name }) }
    }
    for (const [serviceName, entry] of serviceEntries) {
      const node = deref(entry.value, doc)
      if (!isMap(node)) {
        const line = lineOf(entry.value ?? entry.keyNode, lineCounter, lineOf(entry.keyNode, lineCounter))
        this.report('invalid-file', 'error', `service '${serviceName}' must be a mapping; it was not scanned`, { file, line })
        continue
      }
      if (services.has(serviceName)) {
        this.report('invalid-file', 'warning', `Service '${serviceName}' is defined both in ${file} and in a file it includes; the definition in ${file} is used`, at(entry.keyNode))
      }
      services.set(serviceName, this.serviceDraft(serviceName, entry, parsed, scope, problem))
    }
    return { services, ...(name !== undefined && { name }) }
  }

  private serviceDraft(name: string, entry: MapEntry, parsed: ParsedFile, scope: Scope, problem: (message: string, node: Node) => void): ServiceDraft {
    const { doc, lineCounter, file } = parsed
    const draft: ServiceDraft = { name, origin: { file, line: lineOf(entry.keyNode, lineCounter) } }
    const fields = mapEntries(entry.value, doc, problem) ?? new Map<string, MapEntry>()

    const image = fields.get('image')
    if (image !== undefined) draft.image = this.field(image, parsed, scope)
    const platform = fields.get('platform')
    if (platform !== undefined) draft.platform = this.field(platform, parsed, scope)

    const build = fields.get('build')
    if (build !== undefined) {
      const node = deref(build.value, doc)
      const origin = { file, line: lineOf(build.keyNode, lineCounter) }
      if (node?.tag === '!reset') draft.build = RESET
      else if (isMap(node)) {
        const buildFields = mapEntries(node, doc, problem) ?? new Map<string, MapEntry>()
        const spec: BuildDraft = { origin, scope, replace: node.tag === '!override', args: this.buildArgs(buildFields.get('args'), parsed, scope, name) }
        const names = { context: 'context', dockerfile: 'dockerfile', dockerfileInline: 'dockerfile_inline', target: 'target' } as const
        for (const [key, written] of Object.entries(names) as [keyof typeof names, string][]) {
          const value = buildFields.get(written)
          if (value !== undefined) spec[key] = this.field(value, parsed, scope)
        }
        draft.build = spec
      } else if (isScalar(node) && node.value !== null) {
        draft.build = { origin, scope, replace: false, context: this.rawValue(build, parsed, scope), args: new Map() }
      } else {
        this.report('invalid-file', 'error', `'build' of service '${name}' must be a path or a mapping; it was ignored`, origin)
      }
    }

    const extended = fields.get('extends')
    if (extended !== undefined) {
      const node = deref(extended.value, doc)
      if (isMap(node)) {
        const extendsFields = mapEntries(node, doc, problem) ?? new Map<string, MapEntry>()
        const service = extendsFields.get('service')
        const fromFile = extendsFields.get('file')
        if (service === undefined) {
          problem(`'extends' of service '${name}' has no 'service'; it was ignored`, node)
        } else {
          draft.extends = {
            service: this.rawValue(service, parsed, scope),
            ...(fromFile !== undefined && { file: this.rawValue(fromFile, parsed, scope) })
          }
        }
      } else if (isScalar(node) && node.value !== null) {
        draft.extends = { service: this.rawValue(extended, parsed, scope) }
      } else {
        problem(`'extends' of service '${name}' must be a service name or a mapping; it was ignored`, node ?? entry.keyNode)
      }
    }
    return draft
  }

  /** `args` as a mapping (`K: v`, `K:` for the environment's value) or a list (`- K=v`, `- K`). */
  private buildArgs(entry: MapEntry | undefined, parsed: ParsedFile, scope: Scope, service: string): Map<string, Field> {
    const args = new Map<string, Field>()
    if (entry === undefined) return args
    const { doc, lineCounter, file } = parsed
    const node = deref(entry.value, doc)
    const entries = mapEntries(node, doc)
    if (entries !== undefined) {
      for (const [key, value] of entries) args.set(key, this.field(value, parsed, scope))
      return args
    }
    if (isSeq(node)) {
      for (const item of node.items) {
        const itemNode = deref(item, doc)
        const origin = { file, line: lineOf(itemNode, lineCounter, lineOf(node, lineCounter)) }
        if (!isScalar(itemNode) || itemNode.value === null || typeof itemNode.value === 'object') {
          this.report('invalid-file', 'error', `build arg of service '${service}' must be KEY=value; it was ignored`, origin)
          continue
        }
        const text = typeof itemNode.value === 'string' ? itemNode.value : (itemNode.source ?? String(itemNode.value))
        const equals = text.indexOf('=')
        const key = equals < 0 ? text : text.slice(0, equals)
        const value = equals < 0 ? null : text.slice(equals + 1)
        args.set(key, { text: value, isString: true, isCollection: false, origin, scope })
      }
      return args
    }
    if (node === null || (isScalar(node) && node.value === null)) return args
    const line = lineOf(node, lineCounter)
    this.report('invalid-file', 'error', `'args' of service '${service}' must be a mapping or a list; they were ignored`, { file, line })
    return args
  }

  private field(entry: MapEntry, parsed: ParsedFile, scope: Scope): Field {
    const node = deref(entry.value, parsed.doc)
    if (node?.tag === '!reset') return RESET
    return this.rawValue(entry, parsed, scope)
  }

  private rawValue(entry: MapEntry, parsed: ParsedFile, scope: Scope): RawValue {
    const node = deref(entry.value, parsed.doc)
    // An empty value (`image:`) has no range worth reporting: use the key's line.
    const keyLine = lineOf(entry.keyNode, parsed.lineCounter)
    const line = node === null || (isScalar(node) && node.value === null) ? keyLine : lineOf(node, parsed.lineCounter, keyLine)
    const origin = { file: parsed.file, line }
    if (isScalar(node) && node.value !== null && typeof node.value !== 'object') {
      const isString = typeof node.value === 'string'
      return { text: isString ? (node.value as string) : (node.source ?? String(node.value)), isString, isCollection: false, origin, scope }
    }
    return { text: null, isString: false, isCollection: node !== null && !isScalar(node), origin, scope }
  }

  private loadIncludes(entry: MapEntry, parsed: ParsedFile, scope: Scope, stack: string[]): Map<string, ServiceDraft> {
    const services = new Map<string, ServiceDraft>()
    const { doc, lineCounter, file } = parsed
    const node = deref(entry.value, doc)
    const at = (n: Node | null | undefined): Origin => ({ file, line: lineOf(n, lineCounter, lineOf(entry.keyNode, lineCounter)) })
    if (!isSeq(node)) {
      const origin = at(node ?? entry.keyNode)
      this.report('invalid-file', 'error', `'include' must be a list; nothing was included`, origin)
      return services
    }
    for (const item of node.items) {
      const itemNode = deref(item, doc)
      const paths: RawValue[] = []
      const envFiles: RawValue[] = []
      let projectDirectory: RawValue | undefined
      const itemEntries = mapEntries(itemNode, doc)
      if (itemEntries !== undefined) {
        const listOf = (e: MapEntry | undefined): RawValue[] => {
          if (e === undefined) return []
          const value = deref(e.value, doc)
          if (!isSeq(value)) return [this.rawValue(e, parsed, scope)]
          return value.items.map((child, index) => this.rawValue({ key: String(index), keyNode: e.keyNode, value: child as Node, merged: false }, parsed, scope))
        }
        paths.push(...listOf(itemEntries.get('path')))
        envFiles.push(...listOf(itemEntries.get('env_file')))
        const directory = itemEntries.get('project_directory')
        if (directory !== undefined) projectDirectory = this.rawValue(directory, parsed, scope)
      } else if (isScalar(itemNode)) {
        paths.push(this.rawValue({ key: '', keyNode: itemNode, value: itemNode, merged: false }, parsed, scope))
      }
      if (paths.length === 0) {
        const origin = at(itemNode)
        this.report('invalid-file', 'error', `an 'include' entry needs a path; it was ignored`, origin)
        continue
      }
      const baseDir = path.posix.dirname(file)
      const resolved = paths.map(p => ({ raw: p, text: this.text(p, 'include path') }))
      if (resolved.some(p => p.text === undefined)) continue
      const remote = resolved.find(p => isRemote(p.text as string))
      if (remote !== undefined) {
        this.report('invalid-file', 'warning', `remote include ${remote.text} is not scanned`, remote.raw.origin)
        continue
      }
      const includedFiles = resolved.map(p => ({ ...p, file: path.posix.join(baseDir, p.text as string) }))
      const directoryText = projectDirectory === undefined ? undefined : this.text(projectDirectory, 'include project_directory')
      const workingDir = directoryText !== undefined ? path.posix.join(baseDir, directoryText) : path.posix.dirname((includedFiles[0] as { file: string }).file)
      const envSpecs = envFiles.length > 0
        ? envFiles.flatMap(e => {
            const text = this.text(e, 'include env_file')
            return text === undefined ? [] : [{ file: path.posix.join(baseDir, text), required: true, origin: e.origin }]
          })
        : [{ file: path.posix.join(workingDir, '.env'), required: false }]
      const lookup = this.environment(envSpecs)
      for (const included of includedFiles) {
        if (isOutsideRoot(included.file)) {
          this.report('invalid-file', 'warning', `included file ${included.text} is outside the scanned directory; it was not scanned`, included.raw.origin)
          continue
        }
        if (stack.includes(included.file)) {
          this.report('invalid-file', 'error', `${included.file} includes itself (${[...stack, included.file].join(' → ')})`, included.raw.origin)
          continue
        }
        const loaded = this.loadFile(included.file, { file: included.file, workingDir, lookup }, [...stack, included.file])
        if (loaded === undefined) {
          this.report('invalid-file', 'error', `included file ${included.file} does not exist or cannot be read`, included.raw.origin)
          continue
        }
        for (const [name, draft] of loaded.services) {
          const existing = services.get(name)
          services.set(name, existing === undefined ? draft : mergeServices(existing, draft))
        }
      }
    }
    return services
  }

  private resolveExtends(draft: ServiceDraft, siblings: Map<string, ServiceDraft>, scope: Scope, chain: string[]): ServiceDraft {
    const extended = draft.extends
    if (extended === undefined) return draft
    const local: ServiceDraft = { ...draft }
    delete local.extends
    const baseName = this.text(extended.service, `'extends' of service '${draft.name}'`)
    if (baseName === undefined) return local

    let baseFile = extended.service.origin.file
    let baseSiblings = siblings
    let baseScope = scope
    if (extended.file !== undefined) {
      const fileText = this.text(extended.file, `'extends.file' of service '${draft.name}'`)
      if (fileText === undefined) return local
      baseFile = path.posix.join(path.posix.dirname(extended.file.origin.file), fileText)
      if (isOutsideRoot(baseFile)) {
        this.report('invalid-file', 'warning', `Service '${draft.name}' extends a service in ${fileText}, outside the scanned directory; the base service was not scanned`, extended.file.origin)
        return local
      }
      baseScope = { file: baseFile, workingDir: path.posix.dirname(baseFile), lookup: scope.lookup }
      const loaded = this.readDrafts(baseFile, baseScope, [baseFile])
      if (loaded === undefined) {
        this.report(
          'invalid-file',
          'error',
          `Service '${draft.name}' extends a service in ${baseFile}, which does not exist or cannot be read`,
          extended.file.origin,
          `Fix 'extends.file' of service '${draft.name}'`
        )
        return local
      }
      baseSiblings = loaded.services
    }
    const base = baseSiblings.get(baseName)
    if (base === undefined) {
      this.report('invalid-file', 'error', `Service '${draft.name}' extends '${baseName}', which is not a service in ${baseFile}`, extended.service.origin)
      return local
    }
    const key = `${baseFile}#${baseName}`
    if (chain.includes(key)) {
      this.report('invalid-file', 'error', `Service '${draft.name}' extends itself through ${[...chain, key].join(' → ')}`, extended.service.origin)
      return local
    }
    return mergeServices(this.resolveExtends(base, baseSiblings, baseScope, [...chain, key]), local)
  }

  projectName(nameValue: RawValue | undefined, lookup: Lookup, projectDirectory: string): string {
    const fromEnv = normaliseProjectName(lookup('COMPOSE_PROJECT_NAME') ?? '')
    if (fromEnv !== '') return fromEnv
    if (nameValue !== undefined) {
      const written = this.text(nameValue, "the project 'name'")
      if (written !== undefined) {
        const normalised = normaliseProjectName(written)
        if (normalised !== written) {
          this.report(
            'invalid-file',
            'warning',
            `Project name '${written}' is not a valid compose project name (lowercase letters, digits, '-' and '_'); '${normalised || 'the directory name'}' is used`,
            nameValue.origin
          )
        }
        if (normalised !== '') return normalised
      }
    }
    const directoryName = projectDirectory === '.' ? (this.options.rootDirectoryName ?? '') : path.posix.basename(projectDirectory)
    return normaliseProjectName(directoryName) || 'project'
  }

  /** A merged draft → what callers see. Undefined when the service cannot be used (already reported). */
  resolveService(draft: ServiceDraft): ComposeService | undefined {
    const service: ComposeService = { name: draft.name }
    let failed = false

    const image = present(draft.image)
    if (image !== undefined) {
      const what = `the image of service '${draft.name}'`
      if (image.isCollection || (!image.isString && image.text !== null)) {
        this.report('invalid-reference', 'error', `${what} must be a string`, image.origin)
        failed = true
      } else if (image.text === null || image.text.trim() === '') {
        this.report('invalid-reference', 'error', `${what} is empty`, image.origin)
        failed = true
      } else {
        const text = this.text(image, what)
        if (text === undefined) failed = true
        else service.image = { text, origin: image.origin }
      }
    }

    const build = draft.build === RESET ? undefined : draft.build
    if (build !== undefined) {
      const resolved = this.resolveBuild(build, draft.name)
      if (resolved === undefined) failed = true
      else service.build = resolved
    }

    const platform = present(draft.platform)
    if (platform !== undefined) {
      const text = this.text(platform, `the platform of service '${draft.name}'`)
      if (text !== undefined && text !== '') service.platform = text
    }

    // A service whose image or build cannot be worked out is left out: keeping
    // half of it would turn a built image into one pulled from a registry.
    if (failed) return undefined
    if (service.image === undefined && service.build === undefined) {
      this.report('invalid-file', 'warning', `Service '${draft.name}' has neither an image nor a build section`, draft.origin)
    }
    return service
  }

  private resolveBuild(build: BuildDraft, service: string): ComposeBuild | undefined {
    const context = present(build.context)
    const contextText = context === undefined ? '.' : this.text(context, `the build context of service '${service}'`)
    const dockerfile = present(build.dockerfile)
    const dockerfileText = dockerfile === undefined ? 'Dockerfile' : this.text(dockerfile, `the dockerfile of service '${service}'`)
    const targetValue = present(build.target)
    const target = targetValue === undefined ? undefined : this.text(targetValue, `the build target of service '${service}'`)
    if (contextText === undefined || dockerfileText === undefined || (targetValue !== undefined && target === undefined)) return undefined

    const args: [string, string][] = []
    for (const [name, field] of build.args) {
      const value = present(field)
      if (value === undefined) continue
      if (value.text === null && !value.isCollection) {
        // `K:` or `- K`: the value comes from the environment, or the Dockerfile's default applies.
        const fromEnvironment = value.scope.lookup(name)
        if (fromEnvironment !== undefined) args.push([name, fromEnvironment])
        continue
      }
      const text = this.text(value, `build arg ${name} of service '${service}'`)
      if (text !== undefined) args.push([name, text])
    }

    const result: ComposeBuild = {
      context: contextText,
      dockerfile: dockerfileText,
      args: Object.fromEntries(args),
      origin: build.origin,
      ...(target !== undefined && target !== '' && { target })
    }
    const inline = present(build.dockerfileInline)
    if (isRemote(contextText)) {
      this.report('invalid-file', 'warning', `Service '${service}' builds from the remote context ${contextText}; its Dockerfile is not scanned`, context?.origin ?? build.origin)
      return { ...result, notScanned: 'remote-context' }
    }
    const workingDir = context?.scope.workingDir ?? build.scope.workingDir
    result.context = withoutTrailingSlash(path.posix.isAbsolute(contextText) ? path.posix.normalize(contextText) : path.posix.join(workingDir, contextText))
    if (inline !== undefined) {
      this.report('invalid-file', 'warning', `Service '${service}' builds from dockerfile_inline, which is not scanned`, inline.origin)
      return { ...result, dockerfile: '', notScanned: 'dockerfile-inline' }
    }
    result.dockerfile = path.posix.isAbsolute(dockerfileText) ? path.posix.normalize(dockerfileText) : path.posix.join(result.context, dockerfileText)
    if (isOutsideRoot(result.context) || isOutsideRoot(result.dockerfile)) {
      this.report(
        'invalid-file',
        'warning',
        `Service '${service}' builds from ${result.dockerfile}, outside the scanned directory; it is not scanned`,
        (isOutsideRoot(result.context) ? context?.origin : dockerfile?.origin) ?? build.origin
      )
      return { ...result, notScanned: 'outside-root' }
    }
    return result
  }

  /** Interpolates one value, reporting why when it cannot be resolved. */
  text(value: RawValue, what: string): string | undefined {
    if (value.isCollection) {
      this.report('invalid-file', 'error', `${what} must be a string`, value.origin)
      return undefined
    }
    if (value.text === null) return ''
    if (!value.text.includes('$')) return value.text
    const result = interpolate(value.text, value.scope.lookup, COMPOSE_SYNTAX)
    let resolved = true
    for (const error of result.errors) {
      resolved = false
      const syntax = /^(unterminated '\$\{'|invalid variable name|unsupported modifier)/.test(error)
      this.report(syntax ? 'invalid-file' : 'unresolved-variable', 'error', `Cannot resolve ${what}: ${error}`, value.origin)
    }
    for (const name of result.missing) {
      resolved = false
      this.report(
        'unresolved-variable',
        'error',
        `Variable ${name} in ${what} ('${value.text}') has no value`,
        value.origin,
        `Set ${name} in the environment or in an env file, or give it a default: \${${name}:-value}`
      )
    }
    return resolved ? result.value : undefined
  }
}

function isRemote(context: string): boolean {
  return /^(?:https?:\/\/|git@|git:\/\/|ssh:\/\/|github\.com\/|oci:\/\/)/.test(context)
}

function isOutsideRoot(relative: string): boolean {
  return relative === '..' || relative.startsWith('../') || path.posix.isAbsolute(relative)
}

function withoutTrailingSlash(dir: string): string {
  return dir.length > 1 && dir.endsWith('/') ? dir.slice(0, -1) : dir
}

function normalisePath(file: string): string {
  return path.posix.normalize(file.replace(/\\/g, '/'))
}

function firstLine(message: string): string {
  return (message.split('\n')[0] as string).replace(/ at line \d+, column \d+:?$/, '')
}

function uniqueFindings(findings: Finding[]): Finding[] {
  const seen = new Set<string>()
  return findings.filter(finding => {
    const key = JSON.stringify([finding.kind, finding.severity, finding.message, finding.file, finding.line])
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
