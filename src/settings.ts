/**
 * The one place inputs are read and validated. The action reads them with
 * core.getInput, the CLI from its flags; both go through `buildSettings`, so an
 * invalid value is rejected the same way, by name, before any work starts.
 */
import * as path from 'node:path'
import * as fs from 'node:fs'
import type { FindingKind } from './model.js'
import { parseRegistryTarget, ReferenceFormatError } from './reference.js'

export const MODES = ['plan', 'check', 'mirror', 'build', 'verify', 'all'] as const
export type Mode = (typeof MODES)[number]
export const LAYOUTS = ['preserve', 'library', 'flat'] as const
export type Layout = (typeof LAYOUTS)[number]
export const ENGINES = ['docker', 'registry'] as const
export type EngineName = (typeof ENGINES)[number]
export const PULL_POLICIES = ['missing', 'always', 'never'] as const
export type PullPolicy = (typeof PULL_POLICIES)[number]
export const VERIFY_SOURCES = ['registry', 'local'] as const
export type VerifySource = (typeof VERIFY_SOURCES)[number]

export const FINDING_KINDS: readonly FindingKind[] = [
  'invalid-file',
  'unresolved-variable',
  'invalid-reference',
  'invalid-config',
  'unmapped',
  'excluded',
  'collision',
  'tag-policy',
  'version-drift',
  'missing',
  'failed'
]
/** Everything but the version-drift and excluded notices fails the run unless `fail-on` says otherwise. */
export const DEFAULT_FAIL_ON: readonly FindingKind[] = FINDING_KINDS.filter(kind => kind !== 'version-drift' && kind !== 'excluded')

export const DEFAULT_CONFIG_FILE = '.github/image-mirror.yml'

export interface RegistryTarget {
  /** As given, without a trailing slash: `harbor.example.com/aihpc`. */
  text: string
  registry: string
  namespace: string
}

export interface Settings {
  /** Absolute path of the directory scanned; origins are relative to it. */
  root: string
  mode: Mode
  registry?: RegistryTarget
  tag?: string
  layout: Layout
  /** Whether the layout input was given; when not, a layout in the mapping file wins. */
  layoutFromInput: boolean
  /** Joins path components under the flat layout (`minio-minio`); undefined keeps only the last component. */
  flatSeparator?: string
  /** Absolute path of the mapping file, when one is used. */
  configFile?: string
  strict?: boolean
  composeFiles: string[]
  dockerfiles: string[]
  exclude: string[]
  /** Absolute paths of extra .env files, read in order. */
  envFiles: string[]
  failOn: FindingKind[]
  /** Absolute path for the generated deployment compose file. */
  composeOutput?: string
  /** Absolute path of the JSON report. */
  reportPath: string
  engine: EngineName
  pull: PullPolicy
  push: boolean
  useMirroredBases: boolean
  verifyFrom: VerifySource
  dryRun: boolean
  targetCredentials?: { username: string; password: string }
  sourceCredentials?: { username: string; password: string }
  concurrency: number
  buildConcurrency: number
  retries: number
  registryMirror?: string
  insecureRegistries: string[]
  caFile?: string
  platforms: string[]
  copyReferrers: boolean
  shard?: { index: number; count: number }
  shards: number
  /** The environment compose interpolation reads (a snapshot, so stages stay pure). */
  env: Record<string, string>
}

/** Reads one input by its action.yml name; '' when not given. */
export type InputReader = (name: string) => string

export class InputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'InputError'
  }
}

export interface SettingsContext {
  /** Directory relative paths are resolved against (GITHUB_WORKSPACE or the current directory). */
  workspace: string
  /** Directory for the default report path (RUNNER_TEMP or the OS temp dir). */
  tempDir: string
  env: Record<string, string | undefined>
  /** Called with every credential the moment it is read, before anything can log it. */
  maskSecret: (value: string) => void
}

export function buildSettings(read: InputReader, context: SettingsContext): Settings {
  const text = (name: string): string => read(name).trim()
  const optional = (name: string): string | undefined => text(name) || undefined
  const list = (name: string): string[] =>
    read(name)
      .split(/[\n,]/)
      .map(item => item.trim())
      .filter(item => item !== '' && !item.startsWith('#'))
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const value = text(name) || fallback
    if (!(allowed as readonly string[]).includes(value)) {
      throw new InputError(`Invalid ${name} '${value}': expected ${describeChoices(allowed)}`)
    }
    return value as T
  }
  const bool = (name: string, fallback: boolean): boolean => {
    const value = text(name).toLowerCase()
    if (value === '') return fallback
    if (['true', 'yes', 'on', '1'].includes(value)) return true
    if (['false', 'no', 'off', '0'].includes(value)) return false
    throw new InputError(`Invalid ${name} '${read(name).trim()}': expected true or false`)
  }
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const value = text(name)
    if (value === '') return fallback
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InputError(`Invalid ${name} '${value}': expected a whole number from ${min} to ${max}`)
    }
    return Number(value)
  }
  const resolvePath = (base: string, value: string): string => path.resolve(base, value)

  const root = resolvePath(context.workspace, text('path') || '.')
  if (!isDirectory(root)) throw new InputError(`Invalid path '${text('path') || '.'}': ${root} is not a directory`)

  const mode = oneOf('mode', MODES, 'all')
  const registry = parseRegistryInput(optional('registry'))
  const tag = optional('tag')
  if (tag !== undefined && !/^[\w][\w.-]{0,127}$/.test(tag)) {
    throw new InputError(`Invalid tag '${tag}': a tag is letters, digits, '_', '.' and '-', at most 128 characters, not starting with '.' or '-'`)
  }
  if (registry === undefined && mode !== 'plan') {
    throw new InputError(`Input 'registry' is required for mode '${mode}' (for example registry: harbor.example.com/project)`)
  }

  const flatSeparator = read('flat-separator') === '' ? undefined : read('flat-separator')
  if (flatSeparator !== undefined && !/^(?:[._]|__|-+)$/.test(flatSeparator)) {
    throw new InputError(`Invalid flat-separator '${flatSeparator}': expected one of '-', '_', '.', '__'`)
  }

  const configInput = optional('config')
  let configFile: string | undefined
  if (configInput !== undefined) {
    configFile = resolvePath(root, configInput)
    if (!fs.existsSync(configFile)) throw new InputError(`Invalid config '${configInput}': ${configFile} does not exist`)
  } else if (fs.existsSync(path.join(root, DEFAULT_CONFIG_FILE))) {
    configFile = path.join(root, DEFAULT_CONFIG_FILE)
  }

  const strictText = text('strict')
  const strict = strictText === '' ? undefined : bool('strict', false)

  const failOn = parseFailOn(list('fail-on'))

  const envFiles = list('env-file').map(file => {
    const absolute = resolvePath(root, file)
    if (!fs.existsSync(absolute)) throw new InputError(`Invalid env-file '${file}': ${absolute} does not exist`)
    return absolute
  })

  const composeOutputText = optional('compose-output')
  const reportText = optional('report-path')

  const credentials = (userInput: string, passwordInput: string): { username: string; password: string } | undefined => {
    const username = text(userInput)
    const password = read(passwordInput)
    if (password !== '') context.maskSecret(password)
    if (username === '' && password === '') return undefined
    if (username === '' || password === '') {
      throw new InputError(`Inputs '${userInput}' and '${passwordInput}' go together: give both or neither`)
    }
    return { username, password }
  }
  const targetCredentials = credentials('username', 'password')
  const sourceCredentials = credentials('source-username', 'source-password')

  const caText = optional('ca-file')
  const caFile = caText === undefined ? undefined : resolvePath(context.workspace, caText)
  if (caFile !== undefined && !fs.existsSync(caFile)) throw new InputError(`Invalid ca-file '${caText}': ${caFile} does not exist`)

  const registryMirror = optional('registry-mirror')
  if (registryMirror !== undefined && !/^https?:\/\/[^\s/]+\/?$/.test(registryMirror)) {
    throw new InputError(`Invalid registry-mirror '${registryMirror}': expected a URL such as https://mirror.example.com`)
  }

  const platforms = list('platforms')
  for (const platform of platforms) {
    if (!/^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/.test(platform)) {
      throw new InputError(`Invalid platforms entry '${platform}': expected os/arch[/variant], e.g. linux/arm64`)
    }
  }

  const shards = integer('shards', 1, 1, 256)
  const shardText = optional('shard')
  let shard: Settings['shard']
  if (shardText !== undefined) {
    const match = /^(\d+)\/(\d+)$/.exec(shardText)
    const index = Number(match?.[1])
    const count = Number(match?.[2])
    if (match === null || index < 1 || count < 1 || index > count) {
      throw new InputError(`Invalid shard '${shardText}': expected i/n with 1 <= i <= n, e.g. 2/4`)
    }
    shard = { index, count }
  }

  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(context.env)) if (value !== undefined) env[key] = value

  return {
    root,
    mode,
    ...(registry && { registry }),
    ...(tag !== undefined && { tag }),
    layout: oneOf('layout', LAYOUTS, 'preserve'),
    layoutFromInput: text('layout') !== '',
    ...(flatSeparator !== undefined && { flatSeparator }),
    ...(configFile !== undefined && { configFile }),
    ...(strict !== undefined && { strict }),
    composeFiles: list('compose-files'),
    dockerfiles: list('dockerfiles'),
    exclude: list('exclude'),
    envFiles,
    failOn,
    ...(composeOutputText !== undefined && { composeOutput: resolvePath(context.workspace, composeOutputText) }),
    reportPath: resolvePath(context.workspace, reportText ?? path.join(context.tempDir, 'image-mirror-report.json')),
    engine: oneOf('engine', ENGINES, 'docker'),
    pull: oneOf('pull', PULL_POLICIES, 'missing'),
    push: bool('push', true),
    useMirroredBases: bool('use-mirrored-bases', true),
    verifyFrom: oneOf('verify-from', VERIFY_SOURCES, 'registry'),
    dryRun: bool('dry-run', false),
    ...(targetCredentials && { targetCredentials }),
    ...(sourceCredentials && { sourceCredentials }),
    concurrency: integer('concurrency', 4, 1, 64),
    buildConcurrency: integer('build-concurrency', 1, 1, 16),
    retries: integer('retries', 3, 0, 10),
    ...(registryMirror !== undefined && { registryMirror: registryMirror.replace(/\/$/, '') }),
    insecureRegistries: list('insecure-registries'),
    ...(caFile !== undefined && { caFile }),
    platforms,
    copyReferrers: bool('copy-referrers', false),
    ...(shard && { shard }),
    shards,
    env
  }
}

function parseRegistryInput(value: string | undefined): RegistryTarget | undefined {
  if (value === undefined) return undefined
  try {
    const { registry, namespace } = parseRegistryTarget(value)
    return { text: namespace === '' ? registry : `${registry}/${namespace}`, registry, namespace }
  } catch (error) {
    if (error instanceof ReferenceFormatError) throw new InputError(`Invalid registry '${value}': ${error.reason}`)
    throw error
  }
}

function parseFailOn(items: string[]): FindingKind[] {
  if (items.length === 0) return [...DEFAULT_FAIL_ON]
  if (items.length === 1 && items[0] === 'none') return []
  const kinds: FindingKind[] = []
  for (const item of items) {
    if (item === 'all') return [...FINDING_KINDS]
    if (!(FINDING_KINDS as readonly string[]).includes(item)) {
      throw new InputError(`Invalid fail-on entry '${item}': expected none, all, or a list of ${FINDING_KINDS.join(', ')}`)
    }
    kinds.push(item as FindingKind)
  }
  return kinds
}

function describeChoices(values: readonly string[]): string {
  return values.length <= 2 ? values.join(' or ') : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory()
  } catch {
    return false
  }
}
