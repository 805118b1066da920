/**
 * The mapping file (`.github/image-mirror.yml` unless the `config` input names another):
 * rules that override the layout, and the tag policy. Parsing is pure; only
 * `loadMappingConfig` reads the disk. Schema (docs/mapping-file.md has the long form):
 *
 *   strict: true              # base images need a rule (the `strict` input wins when given)
 *   layout: library           # preserve | library | flat (used when the `layout` input is not given)
 *   flat-separator: "-"       # flat layout: join all path components (minio-minio)
 *   rules:
 *     - source: postgres              # a repository, any tag
 *       target: library/postgres      # relative to the registry input, or absolute (host/...)
 *     - source: node:18-alpine        # one image (tag or digest)
 *       tag: 18.20-alpine             # new tag; `{tag}` stands for the tag the layout gives
 *     - source: ghcr.io/acme/*        # everything below a prefix
 *       target: mirror/acme/*         # `*` is the rest of the source path
 *       tags: { "1.2": "1.2.0" }      # rewrite listed tags, keep the others
 *     - source: busybox
 *       exclude: true                 # never mirrored
 *   tag-policy:
 *     disallow-latest: true           # `latest` (or no tag) unless pinned by digest
 *     require-digest: false           # every base image pinned by @sha256:…
 *     allowed:                        # semver range per repository (or prefix/*)
 *       golang: ">=1.24 <2"
 *
 * Every unknown key and wrong type is an `invalid-config` error naming the key,
 * the file and the line; the parts that are valid are still returned.
 */
import * as fs from 'node:fs'
import { isAlias, isMap, isScalar, isSeq, LineCounter, type Document, type Node, type Pair, type YAMLMap } from 'yaml'
import * as semver from 'semver'
import type { Finding } from '../model.js'
import { parseComposeYaml } from '../extract/compose-yaml.js'
import { LAYOUTS, type Layout } from '../settings.js'
import { DOCKER_HUB, familiarName, parseReference, repositoryPath, tryParseReference, type ImageReference } from '../reference.js'

/** What a rule's `source` matches. */
export type SourcePattern =
  /** `postgres:15-alpine`, `postgres@sha256:…`: exactly this image. */
  | { kind: 'image'; ref: ImageReference }
  /** `postgres`, `quay.io/minio/minio`: every tag and digest of one repository. */
  | { kind: 'repository'; registry: string; repository: string }
  /** `ghcr.io/acme/*`: every repository below a registry path (any depth). */
  | { kind: 'prefix'; registry: string; path: string[] }

/** Where a rule sends the image. `*` (prefix rules only) is the part of the source path below the prefix. */
export interface TargetPattern {
  /** As written. */
  text: string
  /** Absolute targets name their own registry host; relative ones go below the registry input. */
  absolute: boolean
  /** The tag written in the target, if any (`library/postgres:16`); it wins over `tag`/`tags`. */
  tag?: string
}

export interface MappingRule {
  /** 1-based line of the rule in the mapping file. */
  line: number
  /** The source as written, for messages. */
  sourceText: string
  source: SourcePattern
  target?: TargetPattern
  /** New tag for every matched image; `{tag}` is replaced by the source tag. */
  tag?: string
  /** Tag rewrites: source tag → target tag; other tags are kept. */
  tags?: Record<string, string>
  exclude: boolean
}

export interface AllowedRange {
  line: number
  sourceText: string
  source: Exclude<SourcePattern, { kind: 'image' }>
  /** The range as written (`>=1.24 <2`). */
  range: string
}

export interface TagPolicy {
  disallowLatest: boolean
  requireDigest: boolean
  allowed: AllowedRange[]
}

export interface MappingConfig {
  /** The file as shown to users (relative to the workspace). */
  file: string
  strict?: boolean
  layout?: Layout
  flatSeparator?: string
  rules: MappingRule[]
  tagPolicy: TagPolicy
}

export const WILDCARD = '*'
const TEMPLATE_TAG = '{tag}'
const FLAT_SEPARATOR = /^(?:[._]|__|-+)$/
// With a digest attached, parseReference does not default the tag, so this tells "no tag written" from ":latest".
const PROBE_DIGEST = `sha256:${'0'.repeat(64)}`
// A host that cannot clash with a real one, to check relative targets with the reference grammar.
const PROBE_REGISTRY = 'registry.invalid'

const MAX_MAPPING_FILE_BYTES = 4 * 1024 * 1024

export function emptyMappingConfig(file: string): MappingConfig {
  return { file, rules: [], tagPolicy: { disallowLatest: false, requireDigest: false, allowed: [] } }
}

/** Reads and parses the mapping file; an unreadable file is an invalid-config finding, not an exception. */
export function loadMappingConfig(absolutePath: string, displayPath: string): { config: MappingConfig; findings: Finding[] } {
  let text: string
  try {
    // Settings already confined it to a regular file in the workspace; the cap keeps a hostile one from exhausting memory.
    if (fs.statSync(absolutePath).size > MAX_MAPPING_FILE_BYTES) throw new Error(`it is larger than ${MAX_MAPPING_FILE_BYTES / 1024 / 1024} MiB`)
    text = fs.readFileSync(absolutePath, 'utf8')
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    return {
      config: emptyMappingConfig(displayPath),
      findings: [{ kind: 'invalid-config', severity: 'error', message: `Cannot read the mapping file ${displayPath}: ${reason}`, file: displayPath }]
    }
  }
  return parseMappingConfig(text, displayPath)
}

export function parseMappingConfig(text: string, file: string): { config: MappingConfig; findings: Finding[] } {
  const reader = new ConfigReader(text, file)
  return { config: reader.read(), findings: reader.findings }
}

const TOP_KEYS = ['strict', 'layout', 'flat-separator', 'rules', 'tag-policy'] as const
const RULE_KEYS = ['source', 'target', 'tag', 'tags', 'exclude'] as const
const POLICY_KEYS = ['disallow-latest', 'require-digest', 'allowed'] as const

class ConfigReader {
  readonly findings: Finding[] = []
  private readonly lineCounter = new LineCounter()
  private readonly document: Document

  constructor(
    private readonly text: string,
    private readonly file: string
  ) {
    this.document = parseComposeYaml(text, { lineCounter: this.lineCounter }).doc
  }

  read(): MappingConfig {
    const config = emptyMappingConfig(this.file)
    for (const error of this.document.errors) {
      // yaml's messages end with " at line L, column C:" and a code frame; the line goes in its own field.
      const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')
      this.fail(error.pos[0], `${message} (YAML syntax)`)
    }
    if (this.document.errors.length > 0) return config

    const root = this.resolve(this.document.contents)
    if (root === null || (isScalar(root) && (root.value === null || root.value === undefined))) return config
    if (!isMap(root)) {
      this.failAt(root, `The mapping file must be a map of ${TOP_KEYS.join(', ')}, not ${describe(root)}`)
      return config
    }
    for (const [key, value, pair] of this.entries(root, TOP_KEYS, '')) {
      switch (key) {
        case 'strict': {
          const strict = this.boolean(value, pair, 'strict')
          if (strict !== undefined) config.strict = strict
          break
        }
        case 'layout': {
          const layout = this.string(value, pair, 'layout')
          if (layout === undefined) break
          if ((LAYOUTS as readonly string[]).includes(layout)) config.layout = layout as Layout
          else this.failAt(value ?? pair, `layout '${layout}' is not a layout: expected ${LAYOUTS.join(', ')}`)
          break
        }
        case 'flat-separator': {
          const separator = this.string(value, pair, 'flat-separator')
          if (separator === undefined) break
          if (FLAT_SEPARATOR.test(separator)) config.flatSeparator = separator
          else this.failAt(value ?? pair, `flat-separator '${separator}' is not allowed in repository names: expected '-', '_', '.' or '__'`)
          break
        }
        case 'rules':
          config.rules = this.rules(value, pair)
          break
        case 'tag-policy':
          config.tagPolicy = this.tagPolicy(value, pair)
          break
      }
    }
    return config
  }

  private rules(node: Node | null, pair: Pair): MappingRule[] {
    if (isScalar(node) && node.value === null) return []
    if (!isSeq(node)) {
      this.failAt(node ?? pair, `rules must be a list of rules (- source: …), not ${describe(node)}`)
      return []
    }
    const rules: MappingRule[] = []
    node.items.forEach((item, index) => {
      const rule = this.rule(this.resolve(item as Node), `rules[${index}]`)
      if (rule !== undefined) rules.push(rule)
    })
    return rules
  }

  private rule(node: Node | null, name: string): MappingRule | undefined {
    if (!isMap(node)) {
      this.failAt(node, `${name} must be a map with source and target, tag, tags or exclude, not ${describe(node)}`)
      return undefined
    }
    const line = this.lineOf(node)
    let sourceText: string | undefined
    let source: SourcePattern | undefined
    let target: TargetPattern | undefined
    let tag: string | undefined
    let tags: Record<string, string> | undefined
    let exclude = false
    let ok = true
    const check = <T>(value: T | undefined): T | undefined => {
      if (value === undefined) ok = false
      return value
    }
    for (const [key, value, pair] of this.entries(node, RULE_KEYS, `${name}.`)) {
      switch (key) {
        case 'source': {
          sourceText = check(this.string(value, pair, `${name}.source`))
          if (sourceText === undefined) break
          const parsed = parseSourcePattern(sourceText)
          if ('error' in parsed) this.failAt(value ?? pair, `${name}.source: ${parsed.error}`)
          source = check('error' in parsed ? undefined : parsed.pattern)
          break
        }
        case 'target': {
          const text = check(this.string(value, pair, `${name}.target`))
          if (text === undefined) break
          const parsed = parseTargetPattern(text)
          if ('error' in parsed) this.failAt(value ?? pair, `${name}.target: ${parsed.error}`)
          target = check('error' in parsed ? undefined : parsed.pattern)
          break
        }
        case 'tag': {
          tag = check(this.tagText(value, pair, `${name}.tag`, true))
          break
        }
        case 'tags': {
          tags = check(this.tagMap(value, pair, `${name}.tags`))
          break
        }
        case 'exclude': {
          const excluded = check(this.boolean(value, pair, `${name}.exclude`))
          exclude = excluded ?? false
          break
        }
      }
    }
    if (sourceText === undefined) {
      if (ok) this.failAt(node, `${name} has no source: every rule starts with source: <image, repository or prefix/*>`)
      return undefined
    }
    if (!ok || source === undefined) return undefined
    if (exclude && (target !== undefined || tag !== undefined || tags !== undefined)) {
      this.failAt(node, `${name} (${sourceText}) has exclude: true with target, tag or tags; an excluded image has no target, so drop one of them`)
      return undefined
    }
    if (tag !== undefined && tags !== undefined) {
      this.failAt(node, `${name} (${sourceText}) has both tag and tags; use tag to set every tag, tags to rewrite some`)
      return undefined
    }
    if (target?.tag !== undefined && (tag !== undefined || tags !== undefined)) {
      this.failAt(node, `${name} (${sourceText}) sets the tag twice: in target and in ${tag !== undefined ? 'tag' : 'tags'}`)
      return undefined
    }
    if (target !== undefined && hasWildcard(target) && source.kind !== 'prefix') {
      this.failAt(node, `${name}.target '${target.text}' has a '*' but the source '${sourceText}' is not a prefix/*: there is nothing to put in its place`)
      return undefined
    }
    if (target !== undefined && !hasWildcard(target) && source.kind === 'prefix') {
      this.failAt(
        node,
        `${name}.target '${target.text}' has no '*', so every image below '${sourceText}' would land on one repository; end it with /* (e.g. mirror/acme/*)`
      )
      return undefined
    }
    return {
      line,
      sourceText,
      source,
      exclude,
      ...(target !== undefined && { target }),
      ...(tag !== undefined && { tag }),
      ...(tags !== undefined && { tags })
    }
  }

  private tagPolicy(node: Node | null, pair: Pair): TagPolicy {
    const policy: TagPolicy = { disallowLatest: false, requireDigest: false, allowed: [] }
    if (isScalar(node) && node.value === null) return policy
    if (!isMap(node)) {
      this.failAt(node ?? pair, `tag-policy must be a map of ${POLICY_KEYS.join(', ')}, not ${describe(node)}`)
      return policy
    }
    for (const [key, value, entry] of this.entries(node, POLICY_KEYS, 'tag-policy.')) {
      switch (key) {
        case 'disallow-latest':
          policy.disallowLatest = this.boolean(value, entry, 'tag-policy.disallow-latest') ?? false
          break
        case 'require-digest':
          policy.requireDigest = this.boolean(value, entry, 'tag-policy.require-digest') ?? false
          break
        case 'allowed':
          policy.allowed = this.allowedRanges(value, entry)
          break
      }
    }
    return policy
  }

  private allowedRanges(node: Node | null, pair: Pair): AllowedRange[] {
    if (isScalar(node) && node.value === null) return []
    if (!isMap(node)) {
      this.failAt(node ?? pair, `tag-policy.allowed must be a map of repository: semver range (golang: ">=1.24 <2"), not ${describe(node)}`)
      return []
    }
    const ranges: AllowedRange[] = []
    for (const item of node.items) {
      const keyNode = this.resolve(item.key as Node)
      const sourceText = this.scalarText(keyNode)
      if (sourceText === undefined) {
        this.failAt(keyNode ?? node, `tag-policy.allowed keys must be repository names, not ${describe(keyNode)}`)
        continue
      }
      const name = `tag-policy.allowed.${sourceText}`
      const parsed = parseSourcePattern(sourceText)
      if ('error' in parsed) {
        this.failAt(keyNode, `${name}: ${parsed.error}`)
        continue
      }
      if (parsed.pattern.kind === 'image') {
        this.failAt(keyNode, `${name}: a range covers every tag of a repository; write the repository without tag or digest`)
        continue
      }
      const range = this.string(this.resolve(item.value as Node), item as Pair, name)
      if (range === undefined) continue
      if (semver.validRange(range) === null) {
        this.failAt(this.resolve(item.value as Node) ?? keyNode, `${name}: '${range}' is not a semver range (e.g. ">=1.24 <2", "^15", "~7.2")`)
        continue
      }
      ranges.push({ line: this.lineOf(keyNode ?? node), sourceText, source: parsed.pattern, range })
    }
    return ranges
  }

  /** The pairs of a map with string keys from `allowed`; anything else is reported and skipped. */
  private *entries<K extends string>(map: YAMLMap, allowed: readonly K[], prefix: string): Generator<[K, Node | null, Pair]> {
    for (const item of map.items) {
      const pair = item as Pair
      const keyNode = this.resolve(pair.key as Node)
      const key = this.scalarText(keyNode)
      if (key === undefined || !(allowed as readonly string[]).includes(key)) {
        const shown = key ?? describe(keyNode)
        const guess = key === undefined ? undefined : closest(key, allowed)
        this.failAt(
          keyNode ?? map,
          `Unknown key '${prefix}${shown}'${guess !== undefined ? ` (did you mean '${guess}'?)` : ''}: expected ${allowed.join(', ')}`
        )
        continue
      }
      yield [key as K, this.resolve(pair.value as Node), pair]
    }
  }

  /** A string; a plain number is taken as written (a repository may be named 123, a range may be 18). */
  private string(node: Node | null, pair: Pair, name: string): string | undefined {
    if (isScalar(node) && typeof node.value === 'string' && node.value !== '') return node.value
    if (isScalar(node) && typeof node.value === 'number') return node.source ?? String(node.value)
    this.failAt(node ?? pair, `${name} must be a non-empty string, not ${describe(node)}`)
    return undefined
  }

  private boolean(node: Node | null, pair: Pair, name: string): boolean | undefined {
    if (isScalar(node) && typeof node.value === 'boolean') return node.value
    const hint = isScalar(node) && typeof node.value === 'string' && /^(yes|no|on|off|y|n)$/i.test(node.value) ? ' (YAML 1.2 reads yes/no/on/off as strings)' : ''
    this.failAt(node ?? pair, `${name} must be true or false, not ${describe(node)}${hint}`)
    return undefined
  }

  /** A tag as written: `tag: 1.10` stays "1.10", not the number 1.1. */
  private tagText(node: Node | null, pair: Pair | Node, name: string, allowTemplate: boolean): string | undefined {
    const text = this.scalarText(node)
    if (text === undefined || text === '') {
      this.failAt(node ?? pair, `${name} must be a tag (e.g. 15-alpine), not ${describe(node)}`)
      return undefined
    }
    const probe = allowTemplate ? text.split(TEMPLATE_TAG).join('latest') : text
    if (!isValidTag(probe)) {
      this.failAt(
        node ?? pair,
        `${name} '${text}' is not a valid tag: letters, digits, '_', '.' and '-', at most 128 characters, not starting with '.' or '-'${allowTemplate ? ` ('${TEMPLATE_TAG}' stands for the source tag)` : ''}`
      )
      return undefined
    }
    return text
  }

  private tagMap(node: Node | null, pair: Pair, name: string): Record<string, string> | undefined {
    if (!isMap(node)) {
      this.failAt(node ?? pair, `${name} must be a map of source tag: target tag ("15-alpine": "15.8-alpine"), not ${describe(node)}`)
      return undefined
    }
    const tags: Record<string, string> = {}
    let ok = true
    for (const item of node.items) {
      const keyNode = this.resolve(item.key as Node)
      const from = this.tagText(keyNode, node, `${name} key`, false)
      const to = this.tagText(this.resolve(item.value as Node), keyNode ?? node, `${name}.${from ?? '?'}`, false)
      if (from === undefined || to === undefined) ok = false
      else tags[from] = to
    }
    return ok ? tags : undefined
  }

  /** The text of a scalar as written (so numbers keep trailing zeros), or undefined for non-scalars and null. */
  private scalarText(node: Node | null): string | undefined {
    if (!isScalar(node) || node.value === null || node.value === undefined) return undefined
    if (typeof node.value === 'string') return node.value
    if (typeof node.value === 'number' || typeof node.value === 'boolean') return node.source ?? String(node.value)
    return undefined
  }

  private resolve(node: Node | null | undefined): Node | null {
    if (node === null || node === undefined) return null
    if (isAlias(node)) return (node.resolve(this.document) as Node | undefined) ?? null
    return node
  }

  private lineOf(node: Node): number {
    return this.lineCounter.linePos(node.range?.[0] ?? 0).line
  }

  private failAt(node: Node | Pair | null, message: string): void {
    const start = node === null ? 0 : 'range' in node && node.range ? node.range[0] : isPairWithKey(node) ? (node.key.range?.[0] ?? 0) : 0
    this.fail(start, message)
  }

  private fail(offset: number, message: string): void {
    const line = this.lineCounter.linePos(Math.min(offset, Math.max(this.text.length - 1, 0))).line
    this.findings.push({ kind: 'invalid-config', severity: 'error', message: `${this.file}:${line}: ${message}`, file: this.file, line })
  }
}

function isPairWithKey(node: Node | Pair): node is Pair & { key: Node } {
  return 'key' in node && node.key !== null && typeof node.key === 'object' && 'range' in (node.key as object)
}

function describe(node: Node | null): string {
  if (node === null) return 'nothing'
  if (isMap(node)) return 'a map'
  if (isSeq(node)) return 'a list'
  if (isScalar(node)) {
    if (node.value === null || node.value === undefined) return 'nothing'
    if (typeof node.value === 'string') return `the string '${node.value}'`
    return `the ${typeof node.value} ${node.source ?? String(node.value)}`
  }
  return 'an unsupported YAML node'
}

function closest(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = 3
  for (const candidate of allowed) {
    const distance = editDistance(key.toLowerCase(), candidate)
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]!
}

export function isValidTag(tag: string): boolean {
  return 'ref' in tryParseReference(`${PROBE_REGISTRY}/probe:${tag}`)
}

function hasWildcard(target: TargetPattern): boolean {
  return target.text.includes(WILDCARD)
}

/**
 * Reads a rule's `source`: `postgres` (repository), `postgres:15-alpine` or
 * `postgres@sha256:…` (one image), `ghcr.io/acme/*` (prefix). Names are
 * normalised like any reference, so `postgres` and `docker.io/library/postgres` are one.
 */
export function parseSourcePattern(text: string): { pattern: SourcePattern } | { error: string } {
  if (text.includes(WILDCARD)) {
    if (!text.endsWith(`/${WILDCARD}`) || text.indexOf(WILDCARD) !== text.length - 1) {
      return { error: `'${text}' is not a valid wildcard: '*' may only be the whole last path component, as in ghcr.io/acme/* or docker.io/bitnami/*` }
    }
    const prefix = text.slice(0, -2)
    // Two probe components keep parseReference from adding Docker Hub's library/ to a one-word prefix.
    const probe = tryParseReference(`${prefix}/probe/probe@${PROBE_DIGEST}`)
    if ('error' in probe) return { error: `'${text}' is not a valid prefix: ${probe.error.reason}` }
    if (probe.ref.tag !== undefined) return { error: `'${text}' has a tag before the '*'; a prefix names repositories, not tags` }
    return { pattern: { kind: 'prefix', registry: probe.ref.registry, path: repositoryPath(probe.ref).slice(0, -2) } }
  }
  const parsed = tryParseReference(text)
  if ('error' in parsed) return { error: `'${text}' is not an image reference: ${parsed.error.reason}` }
  const written = writtenParts(text)
  if (written.tag === undefined && written.digest === undefined) {
    return { pattern: { kind: 'repository', registry: parsed.ref.registry, repository: parsed.ref.repository } }
  }
  return { pattern: { kind: 'image', ref: parseReference(text) } }
}

/**
 * Reads a rule's `target`. It is absolute when docker would read its first
 * component as a registry host, i.e. it has a '.' or ':' or is localhost
 * (`harbor2.example.com/x/postgres`, `localhost:5000/x`); otherwise it is
 * relative to the registry input (`library/postgres`, `mirror/acme/*`).
 */
export function parseTargetPattern(text: string): { pattern: TargetPattern } | { error: string } {
  if (text.includes('@')) return { error: `'${text}' has a digest; a push can only set a tag, so write the target without @digest` }
  const wildcards = text.split(WILDCARD).length - 1
  if (wildcards > 1) return { error: `'${text}' has more than one '*'; use one, as the last path component (mirror/acme/*)` }
  if (wildcards === 1 && !text.endsWith(`/${WILDCARD}`) && text !== WILDCARD) {
    return { error: `'${text}' is not a valid wildcard target: '*' may only be the whole last path component, as in mirror/acme/*` }
  }
  const probeText = wildcards === 1 ? `${text.slice(0, -1)}probe` : text
  const parsed = tryParseReference(`${probeText}@${PROBE_DIGEST}`)
  if ('error' in parsed) return { error: `'${text}' is not a valid target: ${parsed.error.reason}` }
  const tag = parsed.ref.tag
  const namesDockerHub = text.startsWith(`${DOCKER_HUB}/`) || text.startsWith('index.docker.io/')
  if (parsed.ref.registry !== DOCKER_HUB || namesDockerHub) return { pattern: { text, absolute: true, ...(tag !== undefined && { tag }) } }
  return { pattern: { text, absolute: false, ...(tag !== undefined && { tag }) } }
}

/** Which of tag and digest `text` spells out (parseReference fills in `latest` when neither is written). */
export function writtenParts(text: string): { tag?: string; digest?: string } {
  const probe = tryParseReference(text.includes('@') ? text : `${text}@${PROBE_DIGEST}`)
  if ('error' in probe) return {}
  return {
    ...(probe.ref.tag !== undefined && { tag: probe.ref.tag }),
    ...(text.includes('@') && probe.ref.digest !== undefined && { digest: probe.ref.digest })
  }
}

/** The target pattern's repository reference, with `*` replaced and the registry input applied. */
export function resolveTargetPattern(
  target: TargetPattern,
  registry: { registry: string; namespace: string },
  wildcardPath: string[] | undefined
): ImageReference {
  let text = target.text
  if (text.endsWith(WILDCARD)) text = `${text.slice(0, -1)}${(wildcardPath ?? []).join('/')}`.replace(/^\//, '')
  const base = target.absolute ? text : `${registry.registry}/${registry.namespace !== '' ? `${registry.namespace}/` : ''}${text}`
  const ref = parseReference(`${base}@${PROBE_DIGEST}`)
  return { registry: ref.registry, repository: ref.repository, ...(ref.tag !== undefined && { tag: ref.tag }) }
}

/** `docker.io/library/postgres:15` → the `source:` text a rule for every tag of it would use: `postgres`. */
export function ruleSourceText(ref: ImageReference): string {
  return familiarName({ registry: ref.registry, repository: ref.repository })
}
