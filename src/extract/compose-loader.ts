/**
 * Compose files → merged service drafts: parsing (each file once), the env
 * files each scope reads, top-level `include`, `extends` (same file or
 * `file:`), the legacy version 1 layout and the project name. `include` and
 * `extends` are memoised per file and scope and depth-limited: a limit hit is
 * a finding, never a stack overflow.
 */
import * as path from 'node:path'
import { isMap, isScalar, isSeq, type Node } from 'yaml'
import { parseComposeYaml } from './compose-yaml.js'
import type { Origin } from '../model.js'
import { DraftReader, mergeSecretDefinitions, mergeServices, type ParsedFile, type RawValue, type Scope, type SecretDefinitionDraft, type ServiceDraft } from './compose-draft.js'
import { isOutsideRoot, isRemote, ValueResolver } from './compose-service.js'
import { deref, lineOf, mapEntries, type MapEntry } from './compose-yaml.js'
import { parseDotenv } from './dotenv.js'
import type { Lookup } from './interpolate.js'

/** Deeper `include` nesting than this is a finding (compose has no limit; real projects use two or three levels). */
export const MAX_INCLUDE_DEPTH = 16
/** Longer `extends` chains than this are a finding. */
export const MAX_EXTENDS_DEPTH = 32

/** Top-level keys of a compose file that are not services, in the legacy layout too. */
const TOP_LEVEL_KEYS = new Set(['version', 'name', 'include', 'services', 'networks', 'volumes', 'secrets', 'configs', 'models'])

export interface LoaderOptions {
  env: Record<string, string>
  envFiles: string[]
  readFile: (relativePath: string) => string | undefined
  rootDirectoryName?: string
}

export interface LoadedFile {
  services: Map<string, ServiceDraft>
  name?: RawValue
  /** Top-level `secrets:` definitions, its includes' too (the file's own win). */
  secrets?: Map<string, SecretDefinitionDraft>
}

export class ComposeLoader {
  readonly values = new ValueResolver()
  /** Compose files read, in the order first read. */
  readonly files: string[] = []
  /** Compose files read through a top-level `include`. */
  readonly included: string[] = []
  /** The text of each compose file read. */
  readonly texts = new Map<string, string>()
  private readonly parsed = new Map<string, ParsedFile | 'unreadable' | 'invalid'>()
  private readonly environments = new Map<string, Lookup>()
  private readonly scopeIds = new WeakMap<Lookup, number>()
  private readonly loadedFiles = new Map<string, LoadedFile | undefined>()
  private readonly drafts = new Map<string, LoadedFile | undefined>()
  private readonly extended = new Map<string, ServiceDraft>()
  /** How many `extends` chains were cut short so far. */
  private cutChains = 0

  constructor(private readonly options: LoaderOptions) {}

  /**
   * A lookup over the process environment, then `options.envFiles`, then the
   * given env files (an optional `.env`, or an include's `env_file`). An
   * included file's lookup has the including project's in front: compose-go
   * gives an include the parent's environment (its `.env` too), and the
   * include's own env files only fill what that leaves unset.
   */
  environment(files: { file: string; required: boolean; origin?: Origin }[], parent?: Lookup): Lookup {
    // Every lookup a scope holds was made here, so a parent always has its id.
    const key = `${files.map(f => f.file).join('\0')}\0${parent === undefined ? 0 : this.scopeIds.get(parent)}`
    const cached = this.environments.get(key)
    if (cached !== undefined) return cached
    const env = this.options.env
    // The including project's environment (the process environment and its own env files) goes first.
    const base: Lookup = parent ?? (name => (Object.hasOwn(env, name) ? env[name] : undefined))
    const values = new Map<string, string>()
    const all = [...files, ...this.options.envFiles.map(file => ({ file: normalisePath(file), required: true, origin: undefined }))]
    for (const { file, required, origin } of all) {
      const text = this.options.readFile(file)
      if (text === undefined) {
        if (required) {
          this.values.report(
            origin === undefined ? 'invalid-config' : 'invalid-file',
            'error',
            `Env file ${file} does not exist or cannot be read`,
            origin ?? { file }
          )
        }
        continue
      }
      const parsed = parseDotenv(text, file, name => base(name) ?? values.get(name))
      this.values.findings.push(...parsed.findings)
      for (const [name, value] of parsed.values) values.set(name, value)
    }
    const lookup: Lookup = name => base(name) ?? values.get(name)
    this.environments.set(key, lookup)
    this.scopeIds.set(lookup, this.environments.size)
    return lookup
  }

  private scopeKey(file: string, scope: Scope): string {
    return `${file}\0${scope.workingDir}\0${this.scopeIds.get(scope.lookup) ?? 0}`
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
    this.texts.set(file, text)
    // Linear-time duplicate-key check (the yaml package's own is quadratic in the number of keys).
    const { doc, lineCounter, more } = parseComposeYaml(text)
    const error = doc.errors[0]
    if (error !== undefined) {
      const line = error.linePos?.[0].line ?? lineCounter.linePos(error.pos[0]).line
      const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more YAML error${doc.errors.length > 2 ? 's' : ''})` : ''
      this.values.report('invalid-file', 'error', `Invalid YAML: ${firstLine(error.message)}${more}; the file was not scanned`, { file, line })
      this.parsed.set(file, 'invalid')
      return 'invalid'
    }
    const parsed: ParsedFile = { file, doc, lineCounter, text, ...(more.length > 0 && { more }) }
    this.parsed.set(file, parsed)
    return parsed
  }

  /**
   * One file with its includes loaded and its `extends` resolved. Undefined
   * when it cannot be read (the caller reports that where it is referenced);
   * an empty result when it is invalid (already reported).
   */
  loadFile(file: string, scope: Scope, stack: string[]): LoadedFile | undefined {
    const key = this.scopeKey(file, scope)
    if (this.loadedFiles.has(key)) return this.loadedFiles.get(key)
    const raw = this.readDrafts(file, scope, stack)
    let result: LoadedFile | undefined
    if (raw !== undefined) {
      const services = new Map<string, ServiceDraft>()
      for (const [name, draft] of raw.services) services.set(name, this.resolveExtends(draft, raw.services, scope, [`${file}#${name}`]))
      result = { services, ...(raw.name !== undefined && { name: raw.name }), ...(raw.secrets !== undefined && { secrets: raw.secrets }) }
    }
    this.loadedFiles.set(key, result)
    return result
  }

  /** The services of one file as written (plus what its includes bring), `extends` not yet applied. */
  private readDrafts(file: string, scope: Scope, stack: string[]): LoadedFile | undefined {
    const key = this.scopeKey(file, scope)
    if (this.drafts.has(key)) return this.drafts.get(key)
    const result = this.readDraftsOnce(file, scope, stack)
    this.drafts.set(key, result)
    return result
  }

  private readDraftsOnce(file: string, scope: Scope, stack: string[]): LoadedFile | undefined {
    const parsed = this.parse(file)
    if (parsed === 'unreadable') return undefined
    if (parsed === 'invalid') return { services: new Map() }
    const first = this.readDocument(parsed, scope, stack)
    if (parsed.more === undefined) return first
    // More YAML documents in the file: each over the ones before, as compose merges `-f` files.
    const services = new Map(first.services)
    let { name, secrets } = first
    for (const doc of parsed.more) {
      const next = this.readDocument({ ...parsed, doc }, scope, stack)
      for (const [serviceName, draft] of next.services) {
        const existing = services.get(serviceName)
        services.set(serviceName, existing === undefined ? draft : mergeServices(existing, draft))
      }
      if (next.name !== undefined) name = next.name
      if (next.secrets !== undefined) secrets = mergeSecretDefinitions(secrets ?? new Map(), next.secrets)
    }
    return { services, ...(name !== undefined && { name }), ...(secrets !== undefined && secrets.size > 0 && { secrets }) }
  }

  /** The services of one YAML document of a file, with what its includes bring. */
  private readDocument(parsed: ParsedFile, scope: Scope, stack: string[]): LoadedFile {
    const { file, doc, lineCounter } = parsed
    const services = new Map<string, ServiceDraft>()
    const at = (node: Node | null | undefined, fallback?: number): Origin => ({ file, line: lineOf(node, lineCounter, fallback) })
    const problem = (message: string, node: Node): void => this.values.report('invalid-file', 'error', message, at(node))
    const reader = new DraftReader(parsed, scope, (message, origin) => this.values.report('invalid-file', 'error', message, origin))

    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) return { services }
    const top = mapEntries(doc.contents, doc, problem)
    if (top === undefined) {
      problem('a compose file must be a mapping at the top level; the file was not scanned', doc.contents)
      return { services }
    }

    const secrets = new Map<string, SecretDefinitionDraft>()
    const include = top.get('include')
    if (include !== undefined) {
      for (const [name, draft] of this.loadIncludes(include, parsed, scope, stack, secrets)) services.set(name, draft)
    }
    const secretsEntry = top.get('secrets')
    if (secretsEntry !== undefined) for (const [name, definition] of reader.secretDefinitions(secretsEntry, problem)) secrets.set(name, definition)

    const nameEntry = top.get('name')
    const name = nameEntry === undefined ? undefined : reader.rawValue(nameEntry)
    const withName = (): LoadedFile => ({ services, ...(name !== undefined && { name }), ...(secrets.size > 0 && { secrets }) })

    const servicesEntry = top.get('services')
    let serviceEntries: Map<string, MapEntry> | undefined
    let legacy = false
    if (servicesEntry === undefined) {
      // Version 1: services at the top level, no `services:` key.
      const legacyEntries = [...top].filter(([key, entry]) => !TOP_LEVEL_KEYS.has(key) && !key.startsWith('x-') && looksLikeService(entry, doc))
      if (legacyEntries.length === 0) return withName()
      legacy = true
      serviceEntries = new Map(legacyEntries)
      this.values.report(
        'scan-note',
        'notice',
        `legacy version 1 format: ${file} has its services at the top level (no 'services:' key), which current Docker Compose no longer reads; its services were scanned`,
        at((legacyEntries[0] as [string, MapEntry])[1].keyNode),
        "Move the services under a top-level 'services:' key"
      )
    } else {
      const servicesNode = deref(servicesEntry.value, doc)
      if (servicesNode === null || (isScalar(servicesNode) && servicesNode.value === null)) return withName()
      serviceEntries = mapEntries(servicesNode, doc, problem)
      if (serviceEntries === undefined) {
        problem("'services' must be a mapping of service names to services; no service of this file was scanned", servicesNode)
        return withName()
      }
    }
    for (const [serviceName, entry] of serviceEntries) {
      const node = deref(entry.value, doc)
      if (!isMap(node)) {
        const line = lineOf(entry.value ?? entry.keyNode, lineCounter, lineOf(entry.keyNode, lineCounter))
        this.values.report('invalid-file', 'error', `service '${serviceName}' must be a mapping; it was not scanned`, { file, line })
        continue
      }
      if (services.has(serviceName)) {
        this.values.report('invalid-file', 'warning', `Service '${serviceName}' is defined both in ${file} and in a file it includes; the definition in ${file} is used`, at(entry.keyNode))
      }
      services.set(serviceName, reader.service(serviceName, entry, problem, legacy))
    }
    return withName()
  }

  private loadIncludes(entry: MapEntry, parsed: ParsedFile, scope: Scope, stack: string[], secrets: Map<string, SecretDefinitionDraft>): Map<string, ServiceDraft> {
    const services = new Map<string, ServiceDraft>()
    const { doc, lineCounter, file } = parsed
    const reader = new DraftReader(parsed, scope, (message, origin) => this.values.report('invalid-file', 'error', message, origin))
    const node = deref(entry.value, doc)
    const at = (n: Node | null | undefined): Origin => ({ file, line: lineOf(n, lineCounter, lineOf(entry.keyNode, lineCounter)) })
    if (!isSeq(node)) {
      this.values.report('invalid-file', 'error', `'include' must be a list; nothing was included`, at(node ?? entry.keyNode))
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
          if (!isSeq(value)) return [reader.rawValue(e)]
          return value.items.map((child, index) => reader.rawValue({ key: String(index), keyNode: e.keyNode, value: child as Node, merged: false }))
        }
        paths.push(...listOf(itemEntries.get('path')))
        envFiles.push(...listOf(itemEntries.get('env_file')))
        const directory = itemEntries.get('project_directory')
        if (directory !== undefined) projectDirectory = reader.rawValue(directory)
      } else if (isScalar(itemNode)) {
        paths.push(reader.rawValue({ key: '', keyNode: itemNode, value: itemNode, merged: false }))
      }
      if (paths.length === 0) {
        this.values.report('invalid-file', 'error', `an 'include' entry needs a path; it was ignored`, at(itemNode))
        continue
      }
      const baseDir = path.posix.dirname(file)
      const resolved = paths.map(p => ({ raw: p, text: this.values.text(p, 'include path') }))
      if (resolved.some(p => p.text === undefined || p.text === '')) continue
      const remote = resolved.find(p => isRemote(p.text as string))
      if (remote !== undefined) {
        this.values.report('invalid-file', 'warning', `remote include ${remote.text} is not scanned`, remote.raw.origin)
        continue
      }
      const includedFiles = resolved.map(p => ({ ...p, file: path.posix.join(baseDir, p.text as string) }))
      const directoryText = projectDirectory === undefined ? undefined : this.values.text(projectDirectory, 'include project_directory')
      const workingDir = directoryText !== undefined ? path.posix.join(baseDir, directoryText) : path.posix.dirname((includedFiles[0] as { file: string }).file)
      const envSpecs =
        envFiles.length > 0
          ? envFiles.flatMap(e => {
              const text = this.values.text(e, 'include env_file')
              return text === undefined ? [] : [{ file: path.posix.join(baseDir, text), required: true, origin: e.origin }]
            })
          : [{ file: path.posix.join(workingDir, '.env'), required: false }]
      const lookup = this.environment(envSpecs, scope.lookup)
      for (const included of includedFiles) {
        if (isOutsideRoot(included.file)) {
          this.values.report('invalid-file', 'warning', `included file ${included.text} is outside the scanned directory; it was not scanned`, included.raw.origin)
          continue
        }
        if (stack.includes(included.file)) {
          this.values.report('invalid-file', 'error', `${included.file} includes itself (${[...stack, included.file].join(' → ')})`, included.raw.origin)
          continue
        }
        if (stack.length >= MAX_INCLUDE_DEPTH) {
          this.values.report(
            'invalid-file',
            'error',
            `includes nest deeper than ${MAX_INCLUDE_DEPTH} files (${[...stack, included.file].join(' → ')}); ${included.file} was not scanned`,
            included.raw.origin
          )
          continue
        }
        const loaded = this.loadFile(included.file, { file: included.file, workingDir, lookup }, [...stack, included.file])
        if (loaded !== undefined && !this.included.includes(included.file)) this.included.push(included.file)
        if (loaded === undefined) {
          this.values.report('invalid-file', 'error', `included file ${included.file} does not exist or cannot be read`, included.raw.origin)
          continue
        }
        for (const [name, draft] of loaded.services) {
          const existing = services.get(name)
          services.set(name, existing === undefined ? draft : mergeServices(existing, draft))
        }
        for (const [name, definition] of loaded.secrets ?? []) secrets.set(name, definition)
      }
    }
    return services
  }

  private resolveExtends(draft: ServiceDraft, siblings: Map<string, ServiceDraft>, scope: Scope, chain: string[]): ServiceDraft {
    const extended = draft.extends
    if (extended === undefined) return draft
    const memoKey = `${this.scopeKey(draft.origin.file, scope)}#${draft.name}`
    const memo = this.extended.get(memoKey)
    if (memo !== undefined) return memo
    const local: ServiceDraft = { ...draft }
    delete local.extends
    const cutsBefore = this.cutChains
    const result = this.extend(draft, extended, local, siblings, scope, chain)
    // A chain cut short (a cycle, the depth limit) depends on where it was entered: not memoised.
    if (this.cutChains === cutsBefore) this.extended.set(memoKey, result)
    return result
  }

  private extend(draft: ServiceDraft, extended: NonNullable<ServiceDraft['extends']>, local: ServiceDraft, siblings: Map<string, ServiceDraft>, scope: Scope, chain: string[]): ServiceDraft {
    const baseName = this.values.text(extended.service, `'extends' of service '${draft.name}'`)
    if (baseName === undefined || baseName === '') return local

    let baseFile = extended.service.origin.file
    let baseSiblings = siblings
    let baseScope = scope
    if (extended.file !== undefined) {
      const fileText = this.values.text(extended.file, `'extends.file' of service '${draft.name}'`)
      if (fileText === undefined || fileText === '') return local
      baseFile = path.posix.join(path.posix.dirname(extended.file.origin.file), fileText)
      if (isOutsideRoot(baseFile)) {
        this.values.report('invalid-file', 'warning', `Service '${draft.name}' extends a service in ${fileText}, outside the scanned directory; the base service was not scanned`, extended.file.origin)
        return local
      }
      baseScope = { file: baseFile, workingDir: path.posix.dirname(baseFile), lookup: scope.lookup }
      const loaded = this.readDrafts(baseFile, baseScope, [baseFile])
      if (loaded === undefined) {
        this.values.report(
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
      this.values.report('invalid-file', 'error', `Service '${draft.name}' extends '${baseName}', which is not a service in ${baseFile}`, extended.service.origin)
      return local
    }
    const key = `${baseFile}#${baseName}`
    if (chain.includes(key)) {
      this.cutChains += 1
      this.values.report('invalid-file', 'error', `Service '${draft.name}' extends itself through ${[...chain, key].join(' → ')}`, extended.service.origin)
      return local
    }
    if (chain.length >= MAX_EXTENDS_DEPTH) {
      this.cutChains += 1
      this.values.report(
        'invalid-file',
        'error',
        `Service '${draft.name}' is at the end of an 'extends' chain longer than ${MAX_EXTENDS_DEPTH} services; '${baseName}' and what it extends were not applied`,
        extended.service.origin
      )
      return local
    }
    return mergeServices(this.resolveExtends(base, baseSiblings, baseScope, [...chain, key]), local)
  }

  projectName(nameValue: RawValue | undefined, lookup: Lookup, projectDirectory: string, file: string): string {
    const setName = lookup('COMPOSE_PROJECT_NAME') ?? ''
    const fromEnv = normaliseProjectName(setName)
    // Set by the environment (or .env), a name compose would have to change is refused, not normalised.
    if (fromEnv !== setName && setName !== '') {
      this.values.report(
        'invalid-config',
        'error',
        `COMPOSE_PROJECT_NAME '${setName}' is not a valid compose project name (lowercase letters, digits, '-' and '_', starting with a letter or digit): docker compose refuses to load ${file} with it${fromEnv !== '' ? `; '${fromEnv}' is assumed here` : ''}`,
        { file },
        fromEnv !== '' ? `Set COMPOSE_PROJECT_NAME=${fromEnv}` : 'Set COMPOSE_PROJECT_NAME to a valid name, or unset it'
      )
    }
    if (fromEnv !== '') return fromEnv
    if (nameValue !== undefined) {
      const written = this.values.text(nameValue, "the project 'name'")
      if (written !== undefined) {
        const normalised = normaliseProjectName(written)
        if (normalised !== written) {
          this.values.report(
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
}

/** A top-level entry of a version 1 file: a mapping with an image or a build. */
function looksLikeService(entry: MapEntry, doc: ParsedFile['doc']): boolean {
  const fields = mapEntries(entry.value, doc)
  return fields !== undefined && (fields.has('image') || fields.has('build'))
}

/** compose-go's NormalizeProjectName: lowercase, only [a-z0-9_-], no leading '_' or '-'. */
export function normaliseProjectName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[_-]+/, '')
}

export function normalisePath(file: string): string {
  return path.posix.normalize(file.replace(/\\/g, '/'))
}

function firstLine(message: string): string {
  return (message.split('\n')[0] as string).replace(/ at line \d+, column \d+:?$/, '')
}
