/**
 * The `map` stage: inventory + registry + layout + mapping file → Plan.
 * Pure. Each image gets a target (or none, when excluded, unmapped under
 * strict, or colliding), and the stage adds the findings about the set:
 * unmapped images, collisions, tag policy and version drift.
 *
 * Decisions worth knowing:
 * - Targets carry a tag, never a digest (a push sets a tag). A digest-only
 *   source `x@sha256:abc…` gets the tag `sha256-abc…`. The source digest stays
 *   on the PlannedImage's `ref`.
 * - Rules beat the layout. Among matching rules the most specific wins: one
 *   image (tag/digest) over a repository over a prefix/*, a longer prefix over a
 *   shorter one, and the first in the file among equals.
 * - `strict` covers base (third-party) images only: service images are named
 *   by the project itself (`<registry>/<name>:<tag>`).
 * - An image already below the target registry and namespace maps to itself.
 */
import { stringify } from 'yaml'
import * as semver from 'semver'
import type { Finding, ImageKind, Inventory, InventoryImage, Origin, Plan, PlannedImage } from '../model.js'
import type { Layout } from '../settings.js'
import {
  DEFAULT_TAG,
  familiarName,
  formatReference,
  isOfficialImage,
  repositoryName,
  repositoryPath,
  ReferenceFormatError,
  type ImageReference
} from '../reference.js'
import {
  emptyMappingConfig,
  isValidTag,
  parseSourcePattern,
  parseTargetPattern,
  resolveTargetPattern,
  ruleSourceText,
  type AllowedRange,
  type MappingConfig,
  type MappingRule,
  type SourcePattern
} from './config.js'
import { DEFAULT_CONFIG_FILE } from '../settings.js'

export interface MappingOptions {
  /** The registry input, parsed: host and optional namespace path. */
  registry: { registry: string; namespace: string }
  /** Tag of the service images; absent keeps their source tag. */
  tag?: string
  layout: Layout
  /**
   * Whether `layout` was given as an input. When false (the default) a `layout`
   * in the mapping file wins over `layout`, which is then only the fallback.
   */
  layoutFromInput?: boolean
  /** Flat layout: join all path components with this (`minio-minio`); absent keeps the last one. Wins over the file's. */
  flatSeparator?: string
  /** The `strict` input; absent falls back to the mapping file, then false. */
  strict?: boolean
  config?: MappingConfig
  /** The mapping file as shown to users, for suggestions; defaults to the config's file or .github/image-mirror.yml. */
  configFile?: string
}

/** What the layout alone would give: the target and its path below the registry input. */
export interface ProposedTarget {
  ref: ImageReference
  /** Path below `<registry>/<namespace>`, as a relative `target:` in a rule would say it. */
  relativePath: string
}

export type ReferenceMapping =
  | { status: 'mapped'; target: ImageReference; proposed: ProposedTarget; rule?: MappingRule }
  | { status: 'excluded'; rule: MappingRule; proposed: ProposedTarget }
  | { status: 'unmapped'; proposed: ProposedTarget }
  /** The rule gives a name that is not a valid reference (a `{tag}` template grown past 128 characters). */
  | { status: 'invalid'; rule: MappingRule; proposed: ProposedTarget; reason: string }

interface EffectiveOptions {
  layout: Layout
  flatSeparator: string | undefined
  strict: boolean
  rules: MappingRule[]
}

function effectiveOptions(options: MappingOptions): EffectiveOptions {
  const config = options.config
  return {
    layout: options.layoutFromInput === true ? options.layout : (config?.layout ?? options.layout),
    flatSeparator: options.flatSeparator ?? config?.flatSeparator,
    strict: options.strict ?? config?.strict ?? false,
    rules: config?.rules ?? []
  }
}

/** Maps one reference: the matching rule, else the layout (or unmapped under strict for base images). */
export function mapReference(ref: ImageReference, kind: ImageKind, options: MappingOptions): ReferenceMapping {
  const effective = effectiveOptions(options)
  const proposed = proposeTarget(ref, kind, options, effective)
  const match = findRule(ref, effective.rules)
  if (match === undefined) {
    if (effective.strict && kind === 'base' && !isBelowTarget(ref, options.registry)) return { status: 'unmapped', proposed }
    return { status: 'mapped', target: proposed.ref, proposed }
  }
  const { rule, wildcardPath } = match
  if (rule.exclude) return { status: 'excluded', rule, proposed }
  try {
    const repository = rule.target === undefined ? proposed.ref : resolveTargetPattern(rule.target, options.registry, wildcardPath)
    const layoutTag = proposed.ref.tag ?? DEFAULT_TAG
    const tag = rule.target?.tag ?? rewriteTag(rule, ref, layoutTag)
    const target = { registry: repository.registry, repository: repository.repository, tag }
    formatValidated(target)
    return { status: 'mapped', target, proposed, rule }
  } catch (error) {
    if (error instanceof ReferenceFormatError) return { status: 'invalid', rule, proposed, reason: error.message }
    throw error
  }
}

export function mapInventory(inventory: Inventory, options: MappingOptions): Plan {
  const effective = effectiveOptions(options)
  const configFile = options.configFile ?? options.config?.file ?? DEFAULT_CONFIG_FILE
  const findings: Finding[] = []
  const mappings = inventory.images.map(image => mapReference(image.ref, image.kind, options))
  const images: PlannedImage[] = inventory.images.map((image, index) => {
    const mapping = mappings[index]!
    if (mapping.status !== 'mapped') return { ...image, mapping: mapping.status, target: null }
    return { ...image, mapping: 'mapped', target: formatReference(mapping.target), targetRef: mapping.target }
  })

  inventory.images.forEach((image, index) => {
    const mapping = mappings[index]!
    if (mapping.status === 'excluded') {
      findings.push({
        ...located(image),
        kind: 'excluded',
        severity: 'notice',
        message: `${familiarName(image.ref)} is excluded by the rule at ${configFile}:${mapping.rule.line} (source: ${mapping.rule.sourceText}); it will not be mirrored${alsoAt(image)}`
      })
    } else if (mapping.status === 'unmapped') {
      const why =
        options.config === undefined
          ? `has no rule: strict mapping requires one, and there is no mapping file (${configFile})`
          : `has no rule in ${configFile}, and strict mapping requires one`
      findings.push({
        ...located(image),
        kind: 'unmapped',
        severity: 'error',
        message: `${familiarName(image.ref)} ${why} (the layout would give ${formatReference(mapping.proposed.ref)})${alsoAt(image)}`,
        suggestion: suggestedRule(image.ref, mapping.proposed.relativePath)
      })
    } else if (mapping.status === 'invalid') {
      findings.push({
        kind: 'invalid-config',
        severity: 'error',
        message: `The rule at ${configFile}:${mapping.rule.line} (source: ${mapping.rule.sourceText}) gives ${familiarName(image.ref)} an invalid target: ${mapping.reason}`,
        file: configFile,
        line: mapping.rule.line,
        image: image.source
      })
    }
  })

  if (effective.strict && options.config === undefined && mappings.some(mapping => mapping.status === 'unmapped')) {
    findings.push(strictWithoutFile(inventory.images, mappings, effective, configFile))
  }
  findings.push(...findCollisions(images, inventory.images, mappings, effective, options))
  if (options.config !== undefined) findings.push(...checkTagPolicy(inventory.images, mappings, options.config, configFile))
  findings.push(...findVersionDrift(inventory.images))
  return { images, findings: [...inventory.findings, ...findings], files: inventory.files }
}

// ---------------------------------------------------------------- layout

function proposeTarget(ref: ImageReference, kind: ImageKind, options: MappingOptions, effective: EffectiveOptions): ProposedTarget {
  const { registry, namespace } = options.registry
  const sourceTag = ref.tag ?? digestTag(ref)
  if (kind === 'base' && isBelowTarget(ref, options.registry)) {
    const relativePath = namespace === '' ? ref.repository : ref.repository.slice(namespace.length + 1)
    return { ref: { registry, repository: ref.repository, tag: sourceTag }, relativePath }
  }
  const components = repositoryPath(ref)
  let path: string[]
  if (kind === 'service') {
    path = components.slice(-1)
  } else {
    const withoutLibrary = isOfficialImage(ref) ? components.slice(1) : components
    switch (effective.layout) {
      case 'preserve':
        path = withoutLibrary
        break
      case 'library':
        path = components
        break
      case 'flat':
        path = effective.flatSeparator === undefined ? components.slice(-1) : [withoutLibrary.join(effective.flatSeparator)]
        break
    }
  }
  const relativePath = path.join('/')
  const tag = kind === 'service' ? (options.tag ?? sourceTag) : sourceTag
  return { ref: { registry, repository: namespace === '' ? relativePath : `${namespace}/${relativePath}`, tag }, relativePath }
}

/** A push needs a tag: `sha256:abc…` becomes `sha256-abc…`, the convention cosign and others use. */
function digestTag(ref: ImageReference): string {
  return ref.digest === undefined ? DEFAULT_TAG : ref.digest.replace(':', '-')
}

function isBelowTarget(ref: ImageReference, target: { registry: string; namespace: string }): boolean {
  if (ref.registry !== target.registry) return false
  return target.namespace === '' || ref.repository.startsWith(`${target.namespace}/`)
}

// ---------------------------------------------------------------- rules

function findRule(ref: ImageReference, rules: MappingRule[]): { rule: MappingRule; wildcardPath?: string[] } | undefined {
  let best: { rule: MappingRule; wildcardPath?: string[]; rank: number } | undefined
  for (const rule of rules) {
    const match = matchSource(rule.source, ref)
    if (match === undefined) continue
    if (best === undefined || match.rank > best.rank) best = { rule, rank: match.rank, ...(match.wildcardPath && { wildcardPath: match.wildcardPath }) }
  }
  if (best === undefined) return undefined
  return { rule: best.rule, ...(best.wildcardPath && { wildcardPath: best.wildcardPath }) }
}

/** Whether `pattern` covers `ref`; rank orders matches from least (short prefix) to most specific (one image). */
function matchSource(pattern: SourcePattern, ref: ImageReference): { rank: number; wildcardPath?: string[] } | undefined {
  switch (pattern.kind) {
    case 'image': {
      const same =
        pattern.ref.registry === ref.registry &&
        pattern.ref.repository === ref.repository &&
        (pattern.ref.tag === undefined || pattern.ref.tag === ref.tag) &&
        (pattern.ref.digest === undefined || pattern.ref.digest === ref.digest)
      return same ? { rank: 3000 } : undefined
    }
    case 'repository':
      return pattern.registry === ref.registry && pattern.repository === ref.repository ? { rank: 2000 } : undefined
    case 'prefix': {
      if (pattern.registry !== ref.registry) return undefined
      const components = repositoryPath(ref)
      if (components.length <= pattern.path.length) return undefined
      if (!pattern.path.every((component, index) => components[index] === component)) return undefined
      return { rank: pattern.path.length, wildcardPath: components.slice(pattern.path.length) }
    }
  }
}

function rewriteTag(rule: MappingRule, ref: ImageReference, layoutTag: string): string {
  if (rule.tag !== undefined) return rule.tag.split('{tag}').join(layoutTag)
  if (rule.tags !== undefined && ref.tag !== undefined && rule.tags[ref.tag] !== undefined) return rule.tags[ref.tag]!
  return layoutTag
}

/** Throws ReferenceFormatError when a rewritten tag is not a valid tag (a `{tag}` template can grow past 128 characters). */
function formatValidated(ref: ImageReference): string {
  const tag = ref.tag ?? DEFAULT_TAG
  if (!isValidTag(tag)) throw new ReferenceFormatError(formatReference(ref), `'${tag}' is not a valid tag`)
  return formatReference(ref)
}

/** The rule to paste under `rules:`: every tag of the repository, sent where the layout proposes. */
function suggestedRule(ref: ImageReference, relativePath: string): string {
  return stringify([{ source: ruleSourceText(ref), target: relativePath }]).trimEnd()
}

// ---------------------------------------------------------------- strict without a mapping file

/**
 * `strict: true` (the input) with no mapping file: one finding that says so
 * and shows a starter file with a rule for every base image, where the layout
 * would send it, so the check passes once the file is committed.
 */
function strictWithoutFile(images: InventoryImage[], mappings: ReferenceMapping[], effective: EffectiveOptions, configFile: string): Finding {
  const rules = new Map<string, { source: string; target: string }>()
  images.forEach((image, index) => {
    const mapping = mappings[index]!
    if (mapping.status !== 'unmapped') return
    const source = ruleSourceText(image.ref)
    if (!rules.has(source)) rules.set(source, { source, target: mapping.proposed.relativePath })
  })
  const starter = stringify({ strict: true, layout: effective.layout, rules: [...rules.values()] }).trimEnd()
  return {
    kind: 'invalid-config',
    severity: 'error',
    message: `strict: true needs a mapping file with a rule for each base image, and there is none (${configFile}), so ${rules.size === 1 ? 'its one repository is' : `all ${rules.size} repositories are`} unmapped`,
    suggestion: `Create ${configFile}; this starter file maps each image where the layout would, for you to adjust:\n${starter}`
  }
}

// ---------------------------------------------------------------- collisions

function findCollisions(images: PlannedImage[], inventory: InventoryImage[], mappings: ReferenceMapping[], effective: EffectiveOptions, options: MappingOptions): Finding[] {
  const findings: Finding[] = []
  const mappingOf = new Map(images.map((image, index) => [image, mappings[index]!]))
  const byTarget = groupBy(
    images.filter(image => image.target !== null),
    image => image.target!
  )
  const collided = new Set<PlannedImage>()
  for (const [target, group] of byTarget) {
    if (group.length < 2) continue
    group.forEach(image => collided.add(image))
    findings.push({
      ...located(group[0]!),
      kind: 'collision',
      severity: 'error',
      message: `${group.length} different images map to ${target}, so each push would overwrite the other: ${group.map(describeWithOrigin).join('; ')}. None of them is mirrored until they map apart`,
      suggestion: collisionSuggestion(group, inventory, mappingOf, effective, options)
    })
  }

  // Different source repositories sharing one target repository: no tag clashes today, but the next one will.
  const byRepository = groupBy(
    images.filter(image => image.targetRef !== undefined && !collided.has(image)),
    image => repositoryName(image.targetRef!)
  )
  for (const [repository, group] of byRepository) {
    const sources = new Set(group.map(image => repositoryName(image.ref)))
    if (sources.size < 2) continue
    findings.push({
      ...located(group[0]!),
      kind: 'collision',
      severity: 'error',
      message: `${sources.size} different repositories map to ${repository}: ${group.map(describeWithOrigin).join('; ')}. Their tags do not clash yet, but one repository cannot hold two images' histories`,
      suggestion: collisionSuggestion(group, inventory, mappingOf, effective, options)
    })
  }
  for (const image of collided) {
    image.mapping = 'collision'
    image.target = null
    delete image.targetRef
  }
  return findings
}

interface SuggestedRule {
  source: string
  target: string
  tag?: string
  tags?: Record<string, string>
}

/**
 * Rules that give every image of a colliding group its own target, checked
 * by mapping the whole inventory again with them: the suggestion is only made
 * of rules that resolve the collision without causing another. One image keeps
 * the contested name (a service image, else a Docker Hub official image, else
 * the shortest name); each other repository gets a rule with a longer name
 * (`bitnami-redis` under flat, the registry's name in front when that is not
 * enough), and two tags of one repository sent to one tag get a rule per image
 * that keeps the source tag.
 */
function collisionSuggestion(
  group: PlannedImage[],
  inventory: InventoryImage[],
  mappingOf: Map<PlannedImage, ReferenceMapping>,
  effective: EffectiveOptions,
  options: MappingOptions
): string {
  const file = options.configFile ?? options.config?.file ?? DEFAULT_CONFIG_FILE
  const ranked = [...group].sort((a, b) => keepRank(a) - keepRank(b) || familiarName(a.ref).length - familiarName(b.ref).length)
  const kept = ranked[0]!
  const chosen: Array<{ yaml: SuggestedRule; rule: MappingRule }> = []
  // Rules of the file that an added rule cannot outrank (an image rule): changed in place instead.
  const changed: Array<{ from: MappingRule; to: { yaml: SuggestedRule; rule: MappingRule } }> = []
  const rulesNow = (): { extra: MappingRule[]; dropped: MappingRule[] } => ({
    extra: [...chosen.map(entry => entry.rule), ...changed.map(entry => entry.to.rule)],
    dropped: changed.map(entry => entry.from)
  })
  const resolved = new Set<PlannedImage>([kept])
  for (const image of ranked.slice(1)) {
    if (resolved.has(image)) continue
    const existing = (() => {
      const mapping = mappingOf.get(image)
      return mapping?.status === 'mapped' ? mapping.rule : undefined
    })()
    const sameRepository = repositoryName(image.ref) === repositoryName(kept.ref)
    // A repository rule covers the group's other images of that repository, unless the file already has one for it (equal rank: the first wins), then one per image.
    const perImage = sameRepository || existing?.source.kind === 'repository' || existing?.source.kind === 'image'
    const members = perImage ? [image] : ranked.filter(other => repositoryName(other.ref) === repositoryName(image.ref))
    const candidates = candidateRules(image, sameRepository, perImage, mappingOf.get(image), effective, options)
    const works = (candidate: { rule: MappingRule }, drop: MappingRule[] = []): boolean => {
      const now = rulesNow()
      return members.every(member => resolvesFor(member, [...now.extra, candidate.rule], [...now.dropped, ...drop], inventory, options))
    }
    if (existing?.source.kind === 'image') {
      const pick = candidates.find(candidate => works(candidate, [existing]))
      if (pick === undefined) return fallbackSuggestion(file, image)
      changed.push({ from: existing, to: pick })
    } else {
      const pick = candidates.find(candidate => works(candidate))
      if (pick === undefined) return fallbackSuggestion(file, image)
      chosen.push(pick)
    }
    members.forEach(member => resolved.add(member))
  }
  const lines = changed.map(({ from, to }) => `Change the rule at ${file}:${from.line} (source: ${from.sourceText}) to target: ${to.yaml.target}.`)
  const rules = chosen.map(entry => entry.yaml)
  if (rules.length === 0) return `Give each image its own target. ${lines.join(' ')}`
  const intro = lines.length > 0 ? `Give each image its own target. ${lines.join(' ')} Then` : 'Give each image its own target:'
  if (options.config === undefined) return `${intro} create ${file} with these rules:\n${stringify({ rules }).trimEnd()}`
  return `${intro} add these rules under rules: in ${file}:\n${stringify(rules).trimEnd()}`
}

function fallbackSuggestion(file: string, image: InventoryImage): string {
  return `Give each image its own target with a rule in ${file} (rules:), e.g. target: <a name no other image uses> for ${familiarName(image.ref)}`
}

/** Lower keeps its name: service images (the project names them), then official images, then the rest. */
function keepRank(image: InventoryImage): number {
  if (image.kind === 'service') return 0
  return isOfficialImage(image.ref) ? 1 : 2
}

function candidateRules(
  image: InventoryImage,
  sameRepository: boolean,
  perImage: boolean,
  mapping: ReferenceMapping | undefined,
  effective: EffectiveOptions,
  options: MappingOptions
): Array<{ yaml: SuggestedRule; rule: MappingRule }> {
  const current = mapping?.status === 'mapped' ? mapping : undefined
  const existing = current?.rule
  const make = (source: string, target: string, keepTags: boolean): { yaml: SuggestedRule; rule: MappingRule } | undefined => {
    const parsedSource = parseSourcePattern(source)
    const parsedTarget = parseTargetPattern(target)
    if ('error' in parsedSource || 'error' in parsedTarget || parsedTarget.pattern.absolute) return undefined
    const tag = keepTags && parsedTarget.pattern.tag === undefined ? existing?.tag : undefined
    const tags = keepTags && parsedTarget.pattern.tag === undefined ? existing?.tags : undefined
    return {
      yaml: { source, target, ...(tag !== undefined && { tag }), ...(tags !== undefined && { tags }) },
      rule: {
        line: 0,
        sourceText: source,
        source: parsedSource.pattern,
        target: parsedTarget.pattern,
        exclude: false,
        ...(tag !== undefined && { tag }),
        ...(tags !== undefined && { tags })
      }
    }
  }
  const candidates: Array<{ yaml: SuggestedRule; rule: MappingRule } | undefined> = []
  if (sameRepository) {
    // Two tags of one repository on one tag: this image keeps its own tag.
    const where = current === undefined ? undefined : relativeTo(current.target, options.registry)
    const tag = image.ref.tag ?? digestTag(image.ref)
    if (where !== undefined && isValidTag(tag)) candidates.push(make(familiarName(image.ref), `${where}:${tag}`, false))
  } else {
    const separator = effective.layout === 'flat' ? (effective.flatSeparator ?? '-') : '/'
    const components = repositoryPath(image.ref)
    const path = effective.layout === 'library' || !isOfficialImage(image.ref) ? components : components.slice(1)
    const host = image.ref.registry === 'docker.io' ? [] : [image.ref.registry.split(/[.:]/)[0]!.toLowerCase()]
    const wholeHost = image.ref.registry.toLowerCase().replace(/[^a-z0-9]+/g, '-')
    const names = [path.join(separator), [...host, ...path].join(separator), [wholeHost, ...path].join(separator), `${path.join(separator)}${separator === '/' ? '-' : separator}2`]
    const source = perImage ? familiarName(image.ref) : ruleSourceText(image.ref)
    for (const name of [...new Set(names)]) candidates.push(make(source, name, true))
  }
  return candidates.filter((candidate): candidate is { yaml: SuggestedRule; rule: MappingRule } => candidate !== undefined)
}

/** The target's path below the registry input, or undefined when it lies elsewhere. */
function relativeTo(target: ImageReference, registry: { registry: string; namespace: string }): string | undefined {
  if (target.registry !== registry.registry) return undefined
  if (registry.namespace === '') return target.repository
  return target.repository.startsWith(`${registry.namespace}/`) ? target.repository.slice(registry.namespace.length + 1) : undefined
}

/** With the extra rules, does `image` get a target of its own (no other source on it, no other repository sharing it)? */
function resolvesFor(image: InventoryImage, extra: MappingRule[], dropped: MappingRule[], inventory: InventoryImage[], options: MappingOptions): boolean {
  const base = options.config ?? { ...emptyMappingConfig(options.configFile ?? DEFAULT_CONFIG_FILE) }
  const config: MappingConfig = { ...base, rules: [...base.rules.filter(rule => !dropped.includes(rule)), ...extra] }
  const targetOf = (candidate: InventoryImage): ImageReference | undefined => {
    const mapped = mapReference(candidate.ref, candidate.kind, { ...options, config })
    return mapped.status === 'mapped' ? mapped.target : undefined
  }
  const own = targetOf(image)
  if (own === undefined) return false
  const ownTarget = formatReference(own)
  const ownRepository = repositoryName(own)
  for (const other of inventory) {
    if (other.source === image.source) continue
    const target = targetOf(other)
    if (target === undefined) continue
    if (formatReference(target) === ownTarget) return false
    if (repositoryName(target) === ownRepository && repositoryName(other.ref) !== repositoryName(image.ref)) return false
  }
  return true
}

// ---------------------------------------------------------------- tag policy

function checkTagPolicy(images: InventoryImage[], mappings: ReferenceMapping[], config: MappingConfig, configFile: string): Finding[] {
  const policy = config.tagPolicy
  const findings: Finding[] = []
  images.forEach((image, index) => {
    if (image.kind !== 'base' || mappings[index]!.status === 'excluded') return
    const ref = image.ref
    const name = familiarName(ref)
    const repository = familiarName({ registry: ref.registry, repository: ref.repository })
    const violation = (message: string, suggestion: string): void => {
      findings.push({ ...located(image), kind: 'tag-policy', severity: 'error', message: `${message}${alsoAt(image)}`, suggestion })
    }
    if (policy.disallowLatest && ref.tag === DEFAULT_TAG && ref.digest === undefined) {
      violation(
        `${name} uses the '${DEFAULT_TAG}' tag (or no tag), which changes without notice; the tag policy in ${configFile} disallows it`,
        `Pin a version tag (${repository}:<version>) or a digest (${name}@sha256:…; find it with: docker buildx imagetools inspect ${name})`
      )
    }
    if (policy.requireDigest && ref.digest === undefined) {
      violation(
        `${name} is not pinned by digest; the tag policy in ${configFile} requires every base image to be`,
        `Write ${name}@sha256:<digest>; find the digest with: docker buildx imagetools inspect ${name}`
      )
    }
    const allowed = findAllowedRange(ref, policy.allowed)
    if (allowed === undefined) return
    const rangeAt = `tag-policy.allowed '${allowed.sourceText}: ${allowed.range}' (${configFile}:${allowed.line})`
    if (ref.tag === undefined) {
      violation(`${name} has no tag to check against ${rangeAt}`, `Add the version tag next to the digest: ${repository}:<version>@${ref.digest}`)
      return
    }
    const version = semver.coerce(ref.tag)
    if (version === null) {
      violation(
        `${name}: tag '${ref.tag}' is not a version, so it cannot satisfy ${rangeAt}`,
        `Use a version tag within '${allowed.range}' for ${repository}, or remove it from tag-policy.allowed`
      )
      return
    }
    if (!semver.satisfies(version, allowed.range)) {
      const reading = version.version === ref.tag ? '' : ` (read as ${version.version})`
      violation(
        `${name}: tag '${ref.tag}'${reading} is outside ${rangeAt}`,
        `Use a ${repository} tag within '${allowed.range}', or widen the range in ${configFile}`
      )
    }
  })
  return findings
}

function findAllowedRange(ref: ImageReference, ranges: AllowedRange[]): AllowedRange | undefined {
  let best: { range: AllowedRange; rank: number } | undefined
  for (const range of ranges) {
    const match = matchSource(range.source, ref)
    if (match !== undefined && (best === undefined || match.rank > best.rank)) best = { range, rank: match.rank }
  }
  return best?.range
}

// ---------------------------------------------------------------- version drift

function findVersionDrift(images: InventoryImage[]): Finding[] {
  const findings: Finding[] = []
  const byRepository = groupBy(
    images.filter(image => image.kind === 'base'),
    image => repositoryName(image.ref)
  )
  for (const [repository, group] of byRepository) {
    if (group.length < 2) continue
    const name = familiarName({ registry: group[0]!.ref.registry, repository: group[0]!.ref.repository })
    const versions = group.map(image => image.ref.tag ?? image.ref.digest!)
    const newest = newestVersion(group)
    findings.push({
      ...located(group[0]!),
      image: repository,
      kind: 'version-drift',
      severity: 'notice',
      message: `${group.length} versions of ${name} are in use: ${group.map(describeWithOrigin).join('; ')}`,
      suggestion:
        newest !== undefined
          ? `Settle on one version of ${name} (the newest in use is ${familiarName(newest.ref)}) where the code allows`
          : `Settle on one of ${versions.join(', ')} for ${name} where the code allows`
    })
  }
  return findings
}

function newestVersion(images: InventoryImage[]): InventoryImage | undefined {
  let newest: { image: InventoryImage; version: semver.SemVer } | undefined
  for (const image of images) {
    const version = image.ref.tag === undefined ? null : semver.coerce(image.ref.tag)
    if (version === null) return undefined
    if (newest === undefined || semver.gt(version, newest.version)) newest = { image, version }
  }
  return newest?.image
}

// ---------------------------------------------------------------- locations

/** A finding's place: the image's first origin (the others are listed in the message). */
function located(image: InventoryImage): { file?: string; line?: number; image: string } {
  const first: Origin | undefined = image.origins[0]
  return { ...(first !== undefined && { file: first.file, line: first.line }), image: image.source }
}

function alsoAt(image: InventoryImage): string {
  const others = image.origins.slice(1)
  return others.length === 0 ? '' : ` (also referenced at ${others.map(formatOrigin).join(', ')})`
}

function describeWithOrigin(image: InventoryImage): string {
  return `${familiarName(image.ref)} (${image.origins.map(formatOrigin).join(', ') || 'no origin'})`
}

function formatOrigin(origin: Origin): string {
  return `${origin.file}:${origin.line}`
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const value = key(item)
    const group = groups.get(value)
    if (group === undefined) groups.set(value, [item])
    else group.push(item)
  }
  return groups
}
