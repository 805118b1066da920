/**
 * The deployment compose file: one compose file's text with each service's
 * image pointed at its target and nothing else touched. Edits are splices at
 * the source offsets `yaml` records, with the new scalar produced by `yaml`'s
 * CST helpers, so comments, key order, indentation, blank lines and the
 * quoting style of a replaced scalar stay as they were.
 *
 * - `image:` written in the service mapping: its scalar is replaced.
 * - A service with `build:` and no `image:`, or whose image comes through an
 *   alias or `<<` merge key: an `image:` key is added as the first key of the
 *   service mapping. The anchor is left alone, since other services may share it.
 * - A service that is itself an alias (`web: *base`) becomes
 *   `web: { <<: *base, image: … }`.
 * - A service with an image or a build that `images` does not name is left
 *   unchanged and reported ('unmapped'), so the caller can refuse to write a
 *   half-mapped file. Names in `images` that this file does not define (or
 *   defines without image or build, as an override file may) are ignored.
 * The output is parsed again and checked; if any service's image is not its
 * target, the original text is returned with a 'failed' finding.
 */
import { CST, isAlias, isMap, isScalar, type Node, type Pair } from 'yaml'
import { parseComposeYaml } from './compose-yaml.js'
import type { Finding } from '../model.js'
import { deref, isMergeKey, lineOf, mapEntries } from './compose-yaml.js'

interface Edit {
  offset: number
  remove: number
  insert: string
}

export function rewriteComposeImages(text: string, images: ReadonlyMap<string, string>, file: string): { text: string; findings: Finding[] } {
  const findings: Finding[] = []
  const unchanged = (): { text: string; findings: Finding[] } => ({ text, findings })
  const { doc, more, lineCounter } = parseComposeYaml(text, { keepSourceTokens: true })
  const error = doc.errors[0]
  if (error !== undefined) {
    const line = error.linePos?.[0].line ?? 1
    findings.push({ kind: 'invalid-file', severity: 'error', message: `Invalid YAML: ${firstLine(error.message)}; images were not rewritten`, file, line })
    return unchanged()
  }
  if (more.length > 0) {
    findings.push({
      kind: 'failed',
      severity: 'error',
      message: `${file} holds ${more.length + 1} YAML documents, which compose merges in order; its images are not rewritten in place`,
      file,
      line: lineOf((more[0] as { contents: Node | null }).contents, lineCounter),
      suggestion: 'Merge the documents into one, or write the overrides as a separate compose file'
    })
    return unchanged()
  }
  if (!isMap(doc.contents)) return unchanged()
  const servicesPair = doc.contents.items.find(pair => isScalar(pair.key) && pair.key.value === 'services')
  // A legacy version 1 file has its services at the top level; other top-level keys name no image or build.
  const services = servicesPair === undefined ? doc.contents : servicesPair.value
  if (servicesPair !== undefined && !isMap(services)) {
    findings.push({
      kind: 'failed',
      severity: 'error',
      message: "'services' is not written as a mapping in this file (an alias?); its images cannot be rewritten in place",
      file,
      line: lineOf(servicesPair.key as Node, lineCounter)
    })
    return unchanged()
  }
  if (!isMap(services)) return unchanged()

  const edits: Edit[] = []
  const rewritten = new Map<string, string>()
  for (const pair of services.items) {
    if (isMergeKey(pair.key)) {
      findings.push({
        kind: 'failed',
        severity: 'error',
        message: "Services merged into 'services' with << cannot be rewritten in place; write them out in this file",
        file,
        line: lineOf(pair.key as Node, lineCounter)
      })
      continue
    }
    if (!isScalar(pair.key)) continue
    const name = String(pair.key.value)
    const entries = mapEntries(pair.value, doc)
    if (entries === undefined) continue
    const image = entries.get('image')
    const build = entries.get('build')
    if (image === undefined && build === undefined) continue
    const line = image !== undefined ? lineOf(deref(image.value, doc) ?? image.keyNode, lineCounter) : lineOf((build as { keyNode: Node }).keyNode, lineCounter)
    const target = images.get(name)
    if (target === undefined) {
      findings.push({ kind: 'unmapped', severity: 'error', message: `Service '${name}' has no target image; its image was left unchanged`, file, line })
      continue
    }
    const edit = editFor(pair as Pair<Node, Node | null>, image !== undefined && !image.merged, target, text)
    if (typeof edit === 'string') {
      findings.push({ kind: 'failed', severity: 'error', message: `Cannot rewrite the image of service '${name}': ${edit}`, file, line })
      continue
    }
    edits.push(edit)
    rewritten.set(name, target)
  }

  let output = text
  for (const edit of edits.sort((a, b) => b.offset - a.offset)) {
    output = output.slice(0, edit.offset) + edit.insert + output.slice(edit.offset + edit.remove)
  }
  const problem = verify(output, rewritten)
  if (problem !== undefined) {
    findings.push({ kind: 'failed', severity: 'error', message: `Rewriting the images of ${file} went wrong (${problem}); the file was left unchanged`, file })
    return unchanged()
  }
  return { text: output, findings }
}

/** The splice that gives one service its target image, or why there is none. */
function editFor(pair: Pair<Node, Node | null>, hasOwnImage: boolean, target: string, text: string): Edit | string {
  const service = pair.value
  if (isAlias(service)) {
    const token = aliasToken(service)
    if (token === undefined) return 'no source position for the alias'
    return { offset: token.offset, remove: token.source.length, insert: `{ <<: ${token.source}, image: ${renderScalar(target, 0, true)} }` }
  }
  if (!isMap(service)) return 'the service is not a mapping'
  const inFlow = service.flow === true

  if (hasOwnImage) {
    const imagePair = service.items.find(item => isScalar(item.key) && item.key.value === 'image' && !isMergeKey(item.key))
    if (imagePair === undefined) return 'image key not found'
    const value = imagePair.value as Node | null
    if (value === null || (isScalar(value) && value.value === null && value.srcToken === undefined)) {
      // `image:` with nothing after it: write the value right after the colon, before any comment.
      const keyEnd = (imagePair.key as Node).range?.[1]
      const colon = keyEnd === undefined ? -1 : text.indexOf(':', keyEnd)
      if (colon < 0) return 'no source position for the empty image'
      return { offset: colon + 1, remove: 0, insert: ` ${renderScalar(target, 0, inFlow)}` }
    }
    if (value.tag !== undefined) return `the image is tagged ${value.tag}`
    if (isAlias(value)) {
      const token = aliasToken(value)
      if (token === undefined) return 'no source position for the image alias'
      return { offset: token.offset, remove: token.source.length, insert: renderScalar(target, 0, inFlow) }
    }
    if (!isScalar(value) || value.srcToken === undefined) return 'the image is not a scalar'
    const token = value.srcToken
    const original = CST.stringify(token)
    if (text.slice(token.offset, token.offset + original.length) !== original) return 'source positions do not match the text'
    const replacement = structuredClone(token)
    CST.setScalarValue(replacement, target, { afterKey: true, inFlow })
    return { offset: token.offset, remove: original.length, insert: CST.stringify(replacement) }
  }

  // No image of its own: add one as the first key of the service mapping.
  const first = service.items[0]
  const firstStart = (first?.key as Node | undefined)?.range?.[0]
  if (firstStart === undefined) return 'the service mapping is empty'
  if (inFlow) return { offset: firstStart, remove: 0, insert: `image: ${renderScalar(target, 0, true)}, ` }
  const lineStart = text.lastIndexOf('\n', firstStart - 1) + 1
  const indent = text.slice(lineStart, firstStart)
  if (!/^ *$/.test(indent)) return 'the first key of the service does not start its line'
  return { offset: firstStart, remove: 0, insert: `image: ${renderScalar(target, indent.length, false)}\n${indent}` }
}

function aliasToken(node: Node): { offset: number; source: string } | undefined {
  const token = node.srcToken
  return token?.type === 'alias' ? token : undefined
}

/** A scalar for a new value: plain when YAML allows it, else quoted; always on one line. */
function renderScalar(value: string, indent: number, inFlow: boolean): string {
  const token = CST.createScalarToken(value, { indent, inFlow })
  return token.type === 'block-scalar' ? JSON.stringify(value) : token.source
}

/** Parses the output again and checks each rewritten service's image. */
function verify(output: string, expected: ReadonlyMap<string, string>): string | undefined {
  const { doc } = parseComposeYaml(output)
  if (doc.errors.length > 0) return firstLine((doc.errors[0] as Error).message)
  const services = isMap(doc.contents) ? mapEntries(doc.contents.has('services') ? doc.contents.get('services', true) : doc.contents, doc) : undefined
  for (const [name, target] of expected) {
    const image = mapEntries(services?.get(name)?.value, doc)?.get('image')
    const value = deref(image?.value, doc)
    if (!isScalar(value) || value.value !== target) return `service '${name}' reads ${isScalar(value) ? String(value.value) : 'no image'}`
  }
  return undefined
}

function firstLine(message: string): string {
  return (message.split('\n')[0] as string).replace(/ at line \d+, column \d+:?$/, '')
}
