/**
 * A compose file's YAML as compose reads it, without losing where things are
 * written: aliases followed to their anchors and `<<` merge keys applied
 * (single and list form), while every value stays the parsed node it came
 * from, so callers can ask for its line or source range.
 *
 * Bounded work on hostile input (the repository is untrusted): parsing is
 * linear in the number of keys (the `yaml` package's own duplicate-key check
 * compares every key with every earlier one), aliases resolve through one
 * index per document instead of a document walk each, and merge keys expand
 * at most `MAX_MERGED_ENTRIES` entries per document and `MAX_MERGE_DEPTH`
 * levels deep; a limit hit is a problem reported like any other, never a
 * stack overflow or a hang.
 */
import { isAlias, isCollection, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, parseDocument, YAMLParseError, type Document, type Node } from 'yaml'
import { scanPlainYaml } from './compose-yaml-scanner.js'

export interface ParsedYaml {
  /** The first document with content (an empty one when the file has none). */
  doc: Document
  /** The documents with content after it: compose reads each like one more `-f` file. */
  more: Document[]
  lineCounter: LineCounter
}

/**
 * Parses compose YAML. Duplicate keys in a mapping are errors in `doc.errors`
 * (code DUPLICATE_KEY, at the second key), as the `yaml` package reports them,
 * but found in linear time. A parser that runs out of stack on absurd nesting
 * reports it in `doc.errors` too (the `yaml` package catches it).
 * `keepSourceTokens` keeps the CST on each node, for rewriting in place.
 *
 * Alias expansion: nothing here or in the compose stage calls `toJS`, whose
 * `maxAliasCount` guards the `yaml` package's own expansion; aliases are
 * followed one node at a time (`deref`) and merges are budgeted (`mapEntries`).
 */
export function parseComposeYaml(text: string, options: { keepSourceTokens?: boolean; lineCounter?: LineCounter } = {}): ParsedYaml {
  const lineCounter = options.lineCounter ?? new LineCounter()
  // A plain file (most compose files) is read without the yaml parser's lexer and CST: see compose-yaml-scanner.ts.
  // Rewriting needs the CST (keepSourceTokens), so it always takes the parser.
  const plain = options.keepSourceTokens === true ? undefined : scanPlainYaml(text, lineCounter)
  if (plain !== undefined) {
    if (plain.errors.length === 0) plain.errors.push(...duplicateKeyErrors(plain))
    return { doc: plain, more: [], lineCounter }
  }
  // A stream: compose (compose-go) skips the documents without content (a lone or trailing `---`)
  // and reads the others in order.
  const parseOptions = { lineCounter, prettyErrors: false, uniqueKeys: false, keepSourceTokens: options.keepSourceTokens ?? false }
  const stream = parseAllDocuments(text, parseOptions)
  const documents = Array.isArray(stream) ? stream : []
  for (const document of documents) if (document.errors.length === 0) document.errors.push(...duplicateKeyErrors(document))
  const isEmpty = (document: Document): boolean => document.contents === null || (isScalar(document.contents) && document.contents.value === null)
  const withContent = documents.filter(document => !isEmpty(document) || document.errors.length > 0)
  const [doc = documents[0] ?? parseDocument('', parseOptions), ...more] = withContent
  // Every document's errors are the file's: reported at their own lines, the first one first.
  for (const other of more) doc.errors.push(...other.errors)
  // Each document is read like one more -f file: a hostile stream of thousands is refused, not read.
  const extra = more[MAX_DOCUMENTS - 1]
  if (extra !== undefined) {
    const at = extra.range[0]
    doc.errors.push(new YAMLParseError([at, at + 1], 'MULTIPLE_DOCS', `More than ${MAX_DOCUMENTS} YAML documents with content in one file`))
  }
  return { doc, more: more.slice(0, MAX_DOCUMENTS - 1), lineCounter }
}

/** The most YAML documents with content a compose file may hold; real ones hold one, rarely a few. */
export const MAX_DOCUMENTS = 1000

/** The most nodes a document is walked for (duplicate keys, anchors); far above any real compose file's. */
const MAX_WALKED_NODES = 10_000_000

/** Duplicate scalar keys in every mapping of the document, without recursion and in linear time. */
function duplicateKeyErrors(doc: Document): YAMLParseError[] {
  const errors: YAMLParseError[] = []
  walk(doc, node => {
    if (!isMap(node) || node.items.length < 2) return
    // Strings (nearly every key) by value; other scalars by type and text, so 1 and '1' differ.
    const strings = new Set<string>()
    const others = new Set<string>()
    for (const pair of node.items) {
      const key = pair.key
      // Collections as keys are compared by identity, so never equal. A repeated `<<` is a duplicate too,
      // as docker compose's YAML parser (go-yaml v3) says: several merges are written `<<: [*a, *b]`.
      if (!isScalar(key)) continue
      const isString = typeof key.value === 'string'
      const seen = isString ? strings : others
      const id = isString ? (key.value as string) : `${typeof key.value}:${String(key.value)}`
      if (seen.has(id)) {
        const at = key.range?.[0] ?? 0
        errors.push(new YAMLParseError([at, at + 1], 'DUPLICATE_KEY', 'Map keys must be unique'))
      } else seen.add(id)
    }
  })
  return errors
}

/** Visits every node of the document once, in document order, without recursion. */
function walk(doc: Document, visit: (node: Node) => void): void {
  const stack: unknown[] = [doc.contents]
  for (let count = 0; stack.length > 0 && count < MAX_WALKED_NODES; count += 1) {
    const node = stack.pop()
    if (node === null || node === undefined || typeof node !== 'object') continue
    visit(node as Node)
    if (isMap(node)) {
      for (let i = node.items.length - 1; i >= 0; i -= 1) {
        const pair = node.items[i]
        stack.push(pair?.value, pair?.key)
      }
    } else if (isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i -= 1) stack.push(node.items[i])
    }
  }
}

export interface MapEntry {
  key: string
  keyNode: Node
  /** The value as written: may be an alias (see `deref`) or null for `key:` with nothing after it. */
  value: Node | null
  /** True when the entry comes from a `<<` merge key rather than being written in this mapping. */
  merged: boolean
}

const entriesCache = new WeakMap<Document, WeakMap<Node, Map<string, MapEntry>>>()
const aliasIndex = new WeakMap<Document, Map<Node, Node | null>>()
const mergeBudget = new WeakMap<Document, { used: number; reported: boolean }>()

// Alias chains longer than this are treated as broken; YAML itself cannot nest deeper than the document.
const MAX_ALIAS_HOPS = 64

/** Entries `<<` merge keys may copy per document: a real compose file copies a few thousand at most. */
export const MAX_MERGED_ENTRIES = 1_000_000
/** Mappings merged into mappings merged into …: deeper is a problem, not a stack overflow. */
export const MAX_MERGE_DEPTH = 64

/** Follows aliases to the anchored node. */
export function deref(node: unknown, doc: Document): Node | null {
  let current = node
  for (let hops = 0; isAlias(current); hops += 1) {
    if (hops >= MAX_ALIAS_HOPS) return null
    current = aliasTargets(doc).get(current) ?? null
  }
  return (current ?? null) as Node | null
}

/**
 * Every alias of the document with the node it refers to: the last node with
 * that anchor before the alias, in document order (YAML's rule, and what
 * Alias.resolve finds, but with one walk of the document rather than one per alias).
 */
function aliasTargets(doc: Document): Map<Node, Node | null> {
  const cached = aliasIndex.get(doc)
  if (cached !== undefined) return cached
  const targets = new Map<Node, Node | null>()
  const anchors = new Map<string, Node>()
  walk(doc, node => {
    if (isAlias(node)) targets.set(node, anchors.get(node.source) ?? null)
    else if ((isScalar(node) || isCollection(node)) && node.anchor !== undefined) anchors.set(node.anchor, node)
  })
  aliasIndex.set(doc, targets)
  return targets
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
  problem: (message: string, at: Node) => void = ignoreProblem,
  visiting?: Set<Node>
): Map<string, MapEntry> | undefined {
  const map = deref(node, doc)
  if (!isMap(map)) return undefined
  // Memoised per mapping: merge keys that reuse anchors (`<<: [*a, *a]` nested
  // level after level) would otherwise take exponential time.
  let cache = entriesCache.get(doc)
  if (cache === undefined) entriesCache.set(doc, (cache = new WeakMap()))
  const cached = cache.get(map)
  if (cached !== undefined) return cached
  // A mapping without merge keys (most of them), not past the depth limit: its entries as written, in order.
  if ((visiting === undefined || visiting.size < MAX_MERGE_DEPTH) && !map.items.some(pair => isMergeKey(pair.key))) {
    const entries = new Map<string, MapEntry>()
    for (const pair of map.items) {
      if (!isScalar(pair.key) || pair.key.value === null || typeof pair.key.value === 'object') continue
      const key = String(pair.key.value)
      entries.set(key, { key, keyNode: pair.key, value: (pair.value ?? null) as Node | null, merged: false })
    }
    cache.set(map, entries)
    return entries
  }
  let budget = mergeBudget.get(doc)
  if (budget === undefined) mergeBudget.set(doc, (budget = { used: 0, reported: false }))
  if (visiting === undefined) visiting = new Set()
  if (visiting.has(map)) {
    problem('merge key includes the mapping it is part of', map)
    return new Map()
  }
  if (visiting.size >= MAX_MERGE_DEPTH) {
    problem(`merge keys (<<) nest more than ${MAX_MERGE_DEPTH} mappings deep; the deeper ones are not merged`, map)
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
        if (budget.used + entries.size > MAX_MERGED_ENTRIES) {
          // Anchors reused through merge keys, level after level: the billion laughs of YAML.
          if (!budget.reported) problem(`merge keys (<<) copy more than ${MAX_MERGED_ENTRIES} entries in this file; the rest are not merged`, map)
          budget.reported = true
          continue
        }
        budget.used += entries.size
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

function ignoreProblem(): void {}

/** 1-based line where the node starts. */
export function lineOf(node: Node | null | undefined, lineCounter: LineCounter, fallback = 1): number {
  const start = node?.range?.[0]
  return start === undefined ? fallback : lineCounter.linePos(start).line
}
