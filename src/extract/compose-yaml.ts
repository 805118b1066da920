/**
 * A compose file's YAML as compose reads it, without losing where things are
 * written: aliases followed to their anchors and `<<` merge keys applied
 * (single and list form), while every value stays the parsed node it came
 * from, so callers can ask for its line or source range.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml'

export interface MapEntry {
  key: string
  keyNode: Node
  /** The value as written: may be an alias (see `deref`) or null for `key:` with nothing after it. */
  value: Node | null
  /** True when the entry comes from a `<<` merge key rather than being written in this mapping. */
  merged: boolean
}

const entriesCache = new WeakMap<Document, WeakMap<Node, Map<string, MapEntry>>>()
const aliasCache = new WeakMap<Document, WeakMap<Node, Node | null>>()

// Alias chains longer than this are treated as broken; YAML itself cannot nest deeper than the document.
const MAX_ALIAS_HOPS = 64

/** Follows aliases to the anchored node. */
export function deref(node: unknown, doc: Document): Node | null {
  let current = node
  for (let hops = 0; isAlias(current); hops += 1) {
    if (hops >= MAX_ALIAS_HOPS) return null
    // Alias.resolve searches the whole document; remember each answer.
    let resolved = aliasCache.get(doc)
    if (resolved === undefined) aliasCache.set(doc, (resolved = new WeakMap()))
    const alias: Node = current
    let target = resolved.get(alias)
    if (target === undefined) {
      target = current.resolve(doc) ?? null
      resolved.set(alias, target)
    }
    current = target
  }
  return (current ?? null) as Node | null
}

/** True for `<<` written as a plain scalar: a quoted '<<' is an ordinary key. */
export function isMergeKey(node: unknown): boolean {
  return isScalar(node) && node.value === '<<' && node.type === 'PLAIN'
}

/**
 * The entries of a mapping with merge keys applied the way YAML 1.1 (and
 * compose) defines them: keys written in the mapping win over merged ones, and
 * among merged mappings the earlier one in a `<<: [*a, *b]` list wins.
 * Returns undefined when `node` is not a mapping. `problem` hears about merge
 * values that are not mappings.
 */
export function mapEntries(
  node: unknown,
  doc: Document,
  problem: (message: string, at: Node) => void = () => {},
  visiting: Set<Node> = new Set()
): Map<string, MapEntry> | undefined {
  const map = deref(node, doc)
  if (!isMap(map)) return undefined
  // Memoised per mapping: merge keys that reuse anchors (`<<: [*a, *a]` nested
  // level after level) would otherwise take exponential time.
  let cache = entriesCache.get(doc)
  if (cache === undefined) entriesCache.set(doc, (cache = new WeakMap()))
  const cached = cache.get(map)
  if (cached !== undefined) return cached
  if (visiting.has(map)) {
    problem('merge key includes the mapping it is part of', map)
    return new Map()
  }
  visiting.add(map)
  const merged = new Map<string, MapEntry>()
  const written = new Map<string, MapEntry>()
  for (const pair of map.items) {
    if (isMergeKey(pair.key)) {
      const target = deref(pair.value, doc)
      const sources = isSeq(target) ? target.items : [pair.value]
      for (const source of sources) {
        const entries = mapEntries(source, doc, problem, visiting)
        if (entries === undefined) {
          problem('a merge key (<<) must refer to a mapping or a list of mappings', (pair.value ?? pair.key) as Node)
          continue
        }
        for (const [key, entry] of entries) if (!merged.has(key)) merged.set(key, { ...entry, merged: true })
      }
      continue
    }
    if (!isScalar(pair.key) || pair.key.value === null || typeof pair.key.value === 'object') continue
    const key = String(pair.key.value)
    written.set(key, { key, keyNode: pair.key, value: (pair.value ?? null) as Node | null, merged: false })
  }
  visiting.delete(map)
  for (const [key, entry] of written) merged.set(key, entry)
  cache.set(map, merged)
  return merged
}

/** 1-based line where the node starts. */
export function lineOf(node: Node | null | undefined, lineCounter: LineCounter, fallback = 1): number {
  const start = node?.range?.[0]
  return start === undefined ? fallback : lineCounter.linePos(start).line
}
