/**
 * `{{NAME}}` templates of compose files and Dockerfiles (`docker-compose.yml.tpl`,
 * `Dockerfile.template`), as repositories that fill them with a shell script
 * keep them. Pure: files come in through `readFile`.
 *
 * A placeholder `{{NAME}}` (or `{{ NAME }}`) takes the first value found in:
 * the environment, the `env-file` inputs (later ones winning), the `.env`
 * beside the template, the `.env` at the scanned root, then the defaults files
 * (`template-defaults`; by default the `.env.example` beside the template,
 * then the one at the scanned root). Each rendered template gets a notice
 * naming where its values came from (names only: values may be secrets); a
 * value from a defaults file is a notice of its own kind, never silent.
 *
 * A placeholder with no value is rendered as a marker (`__image_mirror_unset_NAME__`)
 * that keeps the YAML or Dockerfile parseable and lines where they are; an image
 * reference that still holds a marker is an `unresolved-variable` error naming
 * the placeholder and where values were looked for (see `unsetPlaceholders`),
 * never an invalid reference. Any other `{{…}}` expression is not ours to
 * evaluate: a warning, and a marker too.
 */
import * as path from 'node:path'
import type { Finding } from '../model.js'
import { parseDotenv } from './dotenv.js'

export const TEMPLATE_SUFFIXES = ['.tpl', '.template'] as const

/** The path a template renders to (`a/Dockerfile.tpl` → `a/Dockerfile`), or undefined for a file that is not a template. */
export function renderedPath(file: string): string | undefined {
  for (const suffix of TEMPLATE_SUFFIXES) {
    if (file.endsWith(suffix) && file.length > suffix.length && !file.endsWith(`/${suffix}`)) return file.slice(0, -suffix.length)
  }
  return undefined
}

export function isTemplate(file: string): boolean {
  return renderedPath(file) !== undefined
}

const MARK_PREFIX = '__image_mirror_unset_'
const MARK_SUFFIX = '__'
const EXPRESSION_MARK = `${MARK_PREFIX}expression${MARK_SUFFIX}`
const MARK = /__image_mirror_unset_([A-Za-z_][A-Za-z0-9_]*)__/g
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/** Placeholders without a value that a rendered text (an image reference) still holds; 'expression' for a `{{…}}` that is not a name. */
export function unsetPlaceholders(text: string): string[] {
  return [...new Set([...text.matchAll(MARK)].map(match => match[1] as string))]
}

export interface TemplateOptions {
  env: Record<string, string>
  /** env-file inputs, relative to the scanned root. */
  envFiles: string[]
  /** template-defaults inputs, relative to the scanned root; undefined: `.env.example` beside the template, then at the root. */
  templateDefaults?: string[]
  readFile: (relativePath: string) => string | undefined
}

interface ValueSource {
  /** How the report names it: a file path, or 'the environment'. */
  label: string
  values: ReadonlyMap<string, string>
  isDefault: boolean
}

export interface RenderedTemplate {
  text: string
  /** The rendered path (what the template stands for). */
  renders: string
  /** Placeholders with no value, with the lines where they stand. */
  unresolved: Map<string, number[]>
  /** Where values were looked for, in order, for messages. */
  lookedIn: string[]
}

/**
 * Renders templates once each, remembering what it found: the notices and
 * warnings of `findings()` are per template, whoever asked for it first.
 */
export class TemplateRenderer {
  private readonly rendered = new Map<string, RenderedTemplate | undefined>()
  private readonly dotenvs = new Map<string, ReadonlyMap<string, string> | undefined>()
  private readonly found: Finding[] = []

  constructor(private readonly options: TemplateOptions) {}

  /** readFile that renders templates: what the compose loader and the Dockerfile scan read. */
  readonly readFile = (file: string): string | undefined => {
    if (!isTemplate(file)) return this.options.readFile(file)
    return this.render(file)?.text
  }

  /** Notices (where values came from) and warnings (expressions that are not placeholders) of the templates rendered so far. */
  findings(): Finding[] {
    return [...this.found]
  }

  /** Placeholders with no value in the templates rendered so far: the caller decides how much each matters. */
  unresolved(): Array<{ file: string; name: string; lines: number[]; lookedIn: string[] }> {
    const out: Array<{ file: string; name: string; lines: number[]; lookedIn: string[] }> = []
    for (const [file, rendered] of this.rendered) {
      if (rendered === undefined) continue
      for (const [name, lines] of rendered.unresolved) out.push({ file, name, lines, lookedIn: rendered.lookedIn })
    }
    return out
  }

  /** Where values for the templates in `file`'s directory were looked for, for messages about a reference that kept a marker. */
  lookedIn(file: string): string[] {
    return this.render(file)?.lookedIn ?? this.sourcesFor(file).map(source => source.label)
  }

  render(file: string): RenderedTemplate | undefined {
    if (this.rendered.has(file)) return this.rendered.get(file)
    const text = this.options.readFile(file)
    const renders = renderedPath(file)
    if (text === undefined || renders === undefined) {
      this.rendered.set(file, undefined)
      return undefined
    }
    const sources = this.sourcesFor(file)
    const lookedIn = sources.map(source => source.label)
    const unresolved = new Map<string, number[]>()
    const used = new Map<string, ValueSource>()
    const lineStarts = computeLineStarts(text)
    const lineAt = (offset: number): number => {
      let low = 0
      let high = lineStarts.length - 1
      while (low < high) {
        const mid = (low + high + 1) >> 1
        if ((lineStarts[mid] as number) <= offset) low = mid
        else high = mid - 1
      }
      return low + 1
    }
    const output = text.replace(PLACEHOLDER, (whole, inner: string, offset: number) => {
      const line = lineAt(offset)
      if (!NAME.test(inner)) {
        this.found.push({
          kind: 'unresolved-variable',
          severity: 'warning',
          message: `Template expression ${whole} in ${file}:${line} is not a {{NAME}} placeholder; it was not evaluated`,
          file,
          line,
          suggestion: 'Use {{NAME}} placeholders filled from .env files, or commit the rendered file'
        })
        return EXPRESSION_MARK
      }
      const source = sources.find(candidate => candidate.values.has(inner))
      if (source === undefined) {
        unresolved.set(inner, [...(unresolved.get(inner) ?? []), line])
        return `${MARK_PREFIX}${inner}${MARK_SUFFIX}`
      }
      if (!used.has(inner)) used.set(inner, source)
      return source.values.get(inner) as string
    })

    if (used.size > 0) {
      const bySource = new Map<ValueSource, string[]>()
      for (const [name, source] of used) bySource.set(source, [...(bySource.get(source) ?? []), `{{${name}}}`])
      const parts = [...bySource].map(([source, names]) => `${names.join(', ')} from ${source.label}`)
      const defaults = [...bySource.keys()].filter(source => source.isDefault)
      this.found.push({
        kind: 'scan-note',
        severity: 'notice',
        message: `${file} was rendered with ${parts.join('; ')}${
          defaults.length > 0 ? ` (${defaults.map(source => source.label).join(', ')} hold${defaults.length === 1 ? 's' : ''} documented defaults, not the values of a deployment)` : ''
        }`,
        file,
        line: 1,
        ...(defaults.length > 0 && { suggestion: `Set the values in the environment, an env-file input or ${path.posix.join(path.posix.dirname(file), '.env')} to choose them` })
      })
    }
    const result: RenderedTemplate = { text: output, renders, unresolved, lookedIn }
    this.rendered.set(file, result)
    return result
  }

  private sourcesFor(file: string): ValueSource[] {
    const dir = path.posix.dirname(file)
    const sources: ValueSource[] = [{ label: 'the environment', values: new Map(Object.entries(this.options.env)), isDefault: false }]
    const add = (candidate: string, isDefault: boolean): void => {
      const normalised = path.posix.normalize(candidate)
      if (sources.some(source => source.label === normalised)) return
      const values = this.dotenv(normalised)
      if (values !== undefined) sources.push({ label: normalised, values, isDefault })
    }
    // env-file inputs: later ones win, so they are looked at first.
    for (const envFile of [...this.options.envFiles].reverse()) add(envFile, false)
    add(path.posix.join(dir, '.env'), false)
    add('.env', false)
    if (this.options.templateDefaults !== undefined) {
      for (const defaults of [...this.options.templateDefaults].reverse()) add(defaults, true)
    } else {
      add(path.posix.join(dir, '.env.example'), true)
      add('.env.example', true)
    }
    return sources
  }

  private dotenv(file: string): ReadonlyMap<string, string> | undefined {
    if (this.dotenvs.has(file)) return this.dotenvs.get(file)
    const text = this.options.readFile(file)
    const env = this.options.env
    const values = text === undefined ? undefined : parseDotenv(text, file, name => (Object.hasOwn(env, name) ? env[name] : undefined)).values
    this.dotenvs.set(file, values)
    return values
  }
}

/** Where each line of `text` starts (offsets), for turning offsets into line numbers. */
export function computeLineStarts(text: string): number[] {
  const starts = [0]
  for (let i = 0; i < text.length; i += 1) if (text[i] === '\n') starts.push(i + 1)
  return starts
}
