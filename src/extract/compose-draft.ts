/**
 * Compose services as written in one file ("drafts"): values not yet
 * interpolated, each keeping its file, line and the scope it resolves in, so
 * that overrides, `extends` and `include` can be merged first and only the
 * winning values interpolated (as `docker compose config` does).
 */
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml'
import type { Origin } from '../model.js'
import { deref, lineOf, mapEntries, type MapEntry } from './compose-yaml.js'
import type { Lookup } from './interpolate.js'

/** `!reset` in an override file: the value is removed from the merged service. */
export const RESET = Symbol('reset')

export interface Scope {
  file: string
  /** Directory relative paths in this file are resolved against. */
  workingDir: string
  lookup: Lookup
}

/** One scalar as written; interpolation waits until the merge has picked the winning value. */
export interface RawValue {
  /** The string, the source text of a number or boolean, or null for an empty value or a collection. */
  text: string | null
  isString: boolean
  isCollection: boolean
  origin: Origin
  scope: Scope
  /** A `|` block scalar: its content starts on the line after `origin.line`. */
  literalBlock?: boolean
}

export type Field = RawValue | typeof RESET

/** The build keys read as one string. */
export const BUILD_SCALARS = ['context', 'dockerfile', 'dockerfile_inline', 'target', 'network', 'shm_size'] as const
/** The build keys read as a mapping (or a `- K=V` list). */
export const BUILD_MAPS = ['args', 'labels', 'additional_contexts'] as const
/** The build keys read as a list of strings (`secrets` has its own reader: its long syntax is a mapping). */
export const BUILD_LISTS = ['platforms', 'cache_from', 'cache_to', 'extra_hosts', 'tags', 'ssh'] as const

export type BuildScalarKey = (typeof BUILD_SCALARS)[number]
export type BuildMapKey = (typeof BUILD_MAPS)[number]
export type BuildListKey = (typeof BUILD_LISTS)[number]

export interface BuildDraft {
  origin: Origin
  scope: Scope
  /** `!override`: replaces the build of the file below instead of merging into it. */
  replace: boolean
  scalars: Map<BuildScalarKey, Field>
  maps: Map<BuildMapKey, Map<string, Field>>
  lists: Map<BuildListKey, RawValue[] | typeof RESET>
  /** `secrets`: short (`- name`) and long (`- source: name`, `target: id`) syntax. */
  secrets?: BuildSecretDraft[] | typeof RESET
  /** Other keys written under `build:` (privileged, pull, no_cache, …). */
  otherKeys: Set<string>
}

/** One entry of a build's `secrets`; uid, gid and mode are not read (BuildKit ignores them). */
export interface BuildSecretDraft {
  source: RawValue
  target?: RawValue
}

/** The fields of a top-level `secrets:` definition that decide what a build can use. */
export const SECRET_FIELDS = ['file', 'environment', 'external', 'name'] as const
export type SecretField = (typeof SECRET_FIELDS)[number]

/** One top-level `secrets:` definition as written. */
export interface SecretDefinitionDraft {
  name: string
  /** The line of its name. */
  origin: Origin
  fields: Map<SecretField, Field>
}

export interface ExtendsDraft {
  service: RawValue
  file?: RawValue
}

export interface ServiceDraft {
  name: string
  origin: Origin
  image?: Field
  platform?: Field
  build?: BuildDraft | typeof RESET
  extends?: ExtendsDraft
}

export interface ParsedFile {
  file: string
  doc: Document
  /** Further YAML documents of the file with content, each read like one more `-f` file over the first. */
  more?: Document[]
  lineCounter: LineCounter
  text: string
}

export type Problem = (message: string, node: Node) => void

export function present(field: Field | undefined): RawValue | undefined {
  return field === RESET ? undefined : field
}

export function emptyBuild(origin: Origin, scope: Scope): BuildDraft {
  return { origin, scope, replace: false, scalars: new Map(), maps: new Map(), lists: new Map(), otherKeys: new Set() }
}

// ---------------------------------------------------------------------------
// Merging (override files, extends, includes): compose's rules.

export function mergeServices(base: ServiceDraft, over: ServiceDraft): ServiceDraft {
  const merged: ServiceDraft = { name: over.name, origin: over.origin }
  const image = over.image ?? base.image
  const platform = over.platform ?? base.platform
  const build = mergeBuild(base.build, over.build)
  if (image !== undefined) merged.image = image
  if (platform !== undefined) merged.platform = platform
  if (build !== undefined) merged.build = build
  return merged
}

/** Scalars replaced, mappings merged key by key, lists appended without duplicates. */
function mergeBuild(base: ServiceDraft['build'], over: ServiceDraft['build']): ServiceDraft['build'] {
  if (over === undefined) return base
  if (over === RESET || base === undefined || base === RESET || over.replace) return over
  const merged: BuildDraft = {
    ...emptyBuild(over.origin, over.scope),
    scalars: new Map([...base.scalars, ...over.scalars]),
    otherKeys: new Set([...base.otherKeys, ...over.otherKeys])
  }
  // dockerfile and dockerfile_inline exclude each other: the override's choice wins.
  if (over.scalars.has('dockerfile_inline') && !over.scalars.has('dockerfile')) merged.scalars.delete('dockerfile')
  if (over.scalars.has('dockerfile') && !over.scalars.has('dockerfile_inline')) merged.scalars.delete('dockerfile_inline')
  for (const key of BUILD_MAPS) {
    const values = new Map([...(base.maps.get(key) ?? []), ...(over.maps.get(key) ?? [])])
    if (values.size > 0) merged.maps.set(key, values)
  }
  const secrets = mergeBuildSecrets(base.secrets, over.secrets)
  if (secrets !== undefined) merged.secrets = secrets
  for (const key of BUILD_LISTS) {
    const b = base.lists.get(key)
    const o = over.lists.get(key)
    if (o === RESET) merged.lists.set(key, RESET)
    else if (o === undefined || b === undefined || b === RESET) {
      const value = o ?? b
      if (value !== undefined) merged.lists.set(key, value)
    } else {
      const seen = new Set(b.map(item => item.text))
      merged.lists.set(key, [...b, ...o.filter(item => !seen.has(item.text))])
    }
  }
  return merged
}

/** Build secrets appended; one with the id of an earlier one (its target, else its source) takes its place, as compose keeps mounts unique. */
function mergeBuildSecrets(base: BuildDraft['secrets'], over: BuildDraft['secrets']): BuildDraft['secrets'] {
  if (over === undefined) return base
  if (over === RESET || base === undefined || base === RESET) return over
  const idOf = (entry: BuildSecretDraft): string | null => (entry.target ?? entry.source).text
  const merged = [...base]
  for (const entry of over) {
    const index = merged.findIndex(existing => idOf(existing) === idOf(entry))
    if (index < 0) merged.push(entry)
    else merged[index] = entry
  }
  return merged
}

/**
 * Top-level `secrets:` of a later file (`-f` override) merged into an earlier
 * one's, as compose merges mappings: a definition of the same name field by
 * field (`!reset` removes a field).
 */
export function mergeSecretDefinitions(base: ReadonlyMap<string, SecretDefinitionDraft>, over: ReadonlyMap<string, SecretDefinitionDraft>): Map<string, SecretDefinitionDraft> {
  const merged = new Map(base)
  for (const [name, definition] of over) {
    const existing = merged.get(name)
    merged.set(name, existing === undefined ? definition : { name, origin: definition.origin, fields: new Map([...existing.fields, ...definition.fields]) })
  }
  return merged
}

// ---------------------------------------------------------------------------
// Reading one service mapping.

export class DraftReader {
  constructor(
    private readonly parsed: ParsedFile,
    private readonly scope: Scope,
    private readonly report: (message: string, origin: Origin) => void
  ) {}

  private at(node: Node | null | undefined, fallback?: number): Origin {
    return { file: this.parsed.file, line: lineOf(node, this.parsed.lineCounter, fallback) }
  }

  /**
   * A service mapping. `legacy` is a version 1 file, where `dockerfile` is a
   * key of the service itself.
   */
  service(name: string, entry: MapEntry, problem: Problem, legacy = false): ServiceDraft {
    const { doc, lineCounter, file } = this.parsed
    const draft: ServiceDraft = { name, origin: { file, line: lineOf(entry.keyNode, lineCounter) } }
    const fields = mapEntries(entry.value, doc, problem) ?? new Map<string, MapEntry>()

    const image = fields.get('image')
    if (image !== undefined) draft.image = this.field(image)
    const platform = fields.get('platform')
    if (platform !== undefined) draft.platform = this.field(platform)

    const build = fields.get('build')
    if (build !== undefined) {
      const node = deref(build.value, doc)
      const origin = { file, line: lineOf(build.keyNode, lineCounter) }
      if (node?.tag === '!reset') draft.build = RESET
      else if (isMap(node)) draft.build = this.build(node, origin, name, problem)
      else if (isScalar(node) && node.value !== null) {
        const spec = emptyBuild(origin, this.scope)
        spec.scalars.set('context', this.rawValue(build))
        draft.build = spec
      } else {
        this.report(`'build' of service '${name}' must be a path or a mapping; it was ignored`, origin)
      }
    }
    const legacyDockerfile = legacy ? fields.get('dockerfile') : undefined
    if (legacyDockerfile !== undefined && draft.build !== undefined && draft.build !== RESET && !draft.build.scalars.has('dockerfile')) {
      draft.build.scalars.set('dockerfile', this.field(legacyDockerfile))
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
          draft.extends = { service: this.rawValue(service), ...(fromFile !== undefined && { file: this.rawValue(fromFile) }) }
        }
      } else if (isScalar(node) && node.value !== null) {
        draft.extends = { service: this.rawValue(extended) }
      } else {
        problem(`'extends' of service '${name}' must be a service name or a mapping; it was ignored`, node ?? entry.keyNode)
      }
    }
    return draft
  }

  private build(node: Node, origin: Origin, service: string, problem: Problem): BuildDraft {
    const { doc } = this.parsed
    const spec: BuildDraft = { ...emptyBuild(origin, this.scope), replace: node.tag === '!override' }
    const fields = mapEntries(node, doc, problem) ?? new Map<string, MapEntry>()
    for (const [key, entry] of fields) {
      if ((BUILD_SCALARS as readonly string[]).includes(key)) spec.scalars.set(key as BuildScalarKey, this.field(entry))
      else if ((BUILD_MAPS as readonly string[]).includes(key)) spec.maps.set(key as BuildMapKey, this.keyValues(entry, key, service))
      else if (key === 'secrets') {
        const secrets = this.buildSecrets(entry, service)
        if (secrets !== undefined) spec.secrets = secrets
      } else if ((BUILD_LISTS as readonly string[]).includes(key)) {
        const list = this.list(entry, key as BuildListKey, service)
        if (list !== undefined) spec.lists.set(key as BuildListKey, list)
      } else spec.otherKeys.add(key)
    }
    return spec
  }

  /** `K: v` mapping (`K:` with no value: the environment's value) or `- K=v` list (`- K`: the environment's). */
  private keyValues(entry: MapEntry, key: string, service: string): Map<string, Field> {
    const values = new Map<string, Field>()
    const { doc, lineCounter } = this.parsed
    const node = deref(entry.value, doc)
    if (node?.tag === '!reset') return values
    const entries = mapEntries(node, doc)
    if (entries !== undefined) {
      for (const [name, value] of entries) values.set(name, this.field(value))
      return values
    }
    if (isSeq(node)) {
      for (const item of node.items) {
        const itemNode = deref(item, doc)
        const origin = this.at(itemNode, lineOf(node, lineCounter))
        if (!isScalar(itemNode) || itemNode.value === null || typeof itemNode.value === 'object') {
          this.report(`${key} of service '${service}' must be KEY=value; the entry was ignored`, origin)
          continue
        }
        const text = typeof itemNode.value === 'string' ? itemNode.value : (itemNode.source ?? String(itemNode.value))
        const equals = text.indexOf('=')
        const name = equals < 0 ? text : text.slice(0, equals)
        const value = equals < 0 ? null : text.slice(equals + 1)
        values.set(name, { text: value, isString: true, isCollection: false, origin, scope: this.scope })
      }
      return values
    }
    if (node === null || (isScalar(node) && node.value === null)) return values
    this.report(`'${key}' of service '${service}' must be a mapping or a list; it was ignored`, this.at(node))
    return values
  }

  /** A list of strings; a mapping (extra_hosts, ssh) becomes `key=value` items. */
  private list(entry: MapEntry, key: BuildListKey, service: string): RawValue[] | typeof RESET | undefined {
    const { doc } = this.parsed
    const node = deref(entry.value, doc)
    if (node?.tag === '!reset') return RESET
    if (node === null || (isScalar(node) && node.value === null)) return []
    const asMap = mapEntries(node, doc)
    if (asMap !== undefined && (key === 'extra_hosts' || key === 'ssh')) {
      return [...asMap.values()].map(value => {
        const raw = this.rawValue(value)
        return { ...raw, text: raw.text === null ? value.key : `${value.key}=${raw.text}`, isString: true, isCollection: false }
      })
    }
    if (isScalar(node)) return [this.rawValue(entry)]
    if (!isSeq(node)) {
      this.report(`'${key}' of service '${service}' must be a list; it was ignored`, this.at(node))
      return undefined
    }
    const items: RawValue[] = []
    for (const item of node.items) {
      const itemEntry: MapEntry = { key, keyNode: entry.keyNode, value: item as Node, merged: false }
      const raw = this.rawValue(itemEntry)
      if (raw.isCollection) {
        this.report(`an entry of '${key}' of service '${service}' must be a string; it was ignored`, raw.origin)
        continue
      }
      if (raw.text !== null) items.push(raw)
    }
    return items
  }

  /** A build's `secrets`: `- name`, or `- source: name` with an optional `target` (the id the Dockerfile mounts). */
  private buildSecrets(entry: MapEntry, service: string): BuildSecretDraft[] | typeof RESET | undefined {
    const { doc } = this.parsed
    const node = deref(entry.value, doc)
    if (node?.tag === '!reset') return RESET
    if (node === null || (isScalar(node) && node.value === null)) return []
    if (!isSeq(node)) {
      this.report(`'secrets' of the build of service '${service}' must be a list; it was ignored`, this.at(node))
      return undefined
    }
    const secrets: BuildSecretDraft[] = []
    for (const item of node.items) {
      const itemNode = deref(item, doc)
      const fields = isMap(itemNode) ? mapEntries(itemNode, doc) : undefined
      if (fields !== undefined) {
        const source = fields.get('source')
        const sourceValue = source === undefined ? undefined : this.rawValue(source)
        if (sourceValue === undefined || sourceValue.text === null || sourceValue.isCollection) {
          this.report(`an entry of the build secrets of service '${service}' needs a source (the name of a top-level secret); it was ignored`, this.at(itemNode))
          continue
        }
        const target = fields.get('target')
        const targetValue = target === undefined ? undefined : this.rawValue(target)
        secrets.push({ source: sourceValue, ...(targetValue !== undefined && targetValue.text !== null && !targetValue.isCollection && { target: targetValue }) })
        continue
      }
      const raw = this.rawValue({ key: 'secrets', keyNode: entry.keyNode, value: item as Node, merged: false })
      if (raw.isCollection || raw.text === null) {
        this.report(`an entry of the build secrets of service '${service}' must be a secret's name or a mapping with a source; it was ignored`, raw.origin)
        continue
      }
      secrets.push({ source: raw })
    }
    return secrets
  }

  /** The top-level `secrets:` mapping: each definition's file, environment, external and name. */
  secretDefinitions(entry: MapEntry, problem: Problem): Map<string, SecretDefinitionDraft> {
    const definitions = new Map<string, SecretDefinitionDraft>()
    const { doc, lineCounter, file } = this.parsed
    const node = deref(entry.value, doc)
    if (node === null || (isScalar(node) && node.value === null)) return definitions
    const entries = mapEntries(node, doc, problem)
    if (entries === undefined) {
      problem("the top-level 'secrets' must be a mapping of secret names to definitions; it was ignored", node)
      return definitions
    }
    for (const [name, definition] of entries) {
      const origin = { file, line: lineOf(definition.keyNode, lineCounter) }
      const fields = new Map<SecretField, Field>()
      const definitionNode = deref(definition.value, doc)
      const definitionFields = mapEntries(definitionNode, doc, problem)
      if (definitionFields === undefined) {
        if (!(definitionNode === null || (isScalar(definitionNode) && definitionNode.value === null))) problem(`secret '${name}' must be a mapping (file, environment or external)`, definitionNode)
      } else {
        for (const key of SECRET_FIELDS) {
          const field = definitionFields.get(key)
          if (field !== undefined) fields.set(key, this.field(field))
        }
      }
      definitions.set(name, { name, origin, fields })
    }
    return definitions
  }

  field(entry: MapEntry): Field {
    const node = deref(entry.value, this.parsed.doc)
    if (node?.tag === '!reset') return RESET
    return this.rawValue(entry)
  }

  rawValue(entry: MapEntry): RawValue {
    const node = deref(entry.value, this.parsed.doc)
    // An empty value (`image:`) has no range worth reporting: use the key's line.
    const keyLine = lineOf(entry.keyNode, this.parsed.lineCounter)
    const line = node === null || (isScalar(node) && node.value === null) ? keyLine : lineOf(node, this.parsed.lineCounter, keyLine)
    const origin = { file: this.parsed.file, line }
    if (isScalar(node) && node.value !== null && typeof node.value !== 'object') {
      const isString = typeof node.value === 'string'
      return {
        text: isString ? (node.value as string) : (node.source ?? String(node.value)),
        isString,
        isCollection: false,
        origin,
        scope: this.scope,
        ...(node.type === 'BLOCK_LITERAL' && { literalBlock: true })
      }
    }
    return { text: null, isString: false, isCollection: node !== null && !isScalar(node), origin, scope: this.scope }
  }
}
