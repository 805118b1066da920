/**
 * The one place inputs are read and validated. The action reads them with
 * core.getInput, the CLI from its flags; both go through `buildSettings`, so an
 * invalid value is rejected the same way, by name, before any work starts.
 *
 * `readInputs` parses every input of the table in src/inputs.ts by its kind
 * (defaults come from the table, nowhere else); `buildSettings` adds the checks
 * that span inputs or look at the file system and shapes the result.
 */
import * as path from 'node:path'
import * as fs from 'node:fs'
import type { FindingKind } from './model.js'
import { DOCKER_HUB, parseRegistryTarget } from './reference.js'
import type { Credentials } from './engine/port.js'
import {
  describeChoices,
  FAIL_ON_WORDS,
  FALSE_WORDS,
  FINDING_KINDS,
  hasUserInfo,
  INPUT_SPECS,
  INPUTS,
  TRUE_WORDS,
  type EngineName,
  type InputName,
  type InputSpec,
  type Layout,
  type Mode,
  type PathRule,
  type PullPolicy,
  type VerifySource
} from './inputs.js'
import { globProblem } from './discover/glob.js'
import { outputPathProblem } from './output-files.js'
import { interpolationEnvironment } from './extract/interpolate.js'
import { userDockerConfigDir } from './docker-config.js'
import { cacheServiceAvailable } from './engine/cache/policy.js'

export {
  DEFAULT_FAIL_ON,
  ENGINES,
  FINDING_KINDS,
  LAYOUTS,
  MODES,
  PULL_POLICIES,
  VERIFY_SOURCES,
  type EngineName,
  type Layout,
  type Mode,
  type PullPolicy,
  type VerifySource
} from './inputs.js'

/** The mapping file used when `config` is not given, at the workspace root (else under the scanned path). */
export const DEFAULT_CONFIG_FILE = '.github/image-mirror.yml'
/** The report's file name when `report-path` is not given. */
export const DEFAULT_REPORT_NAME = 'image-mirror-report.json'

export interface RegistryTarget {
  /** As given, without a trailing slash: `harbor.example.com/aihpc`. */
  text: string
  registry: string
  namespace: string
}

export interface Settings {
  /** Absolute path of the workspace (GITHUB_WORKSPACE, the CLI's current directory); input paths resolve against it. */
  workspace: string
  /** Absolute path of the directory scanned; origins are relative to it. */
  root: string
  /** Directories outputs (report, compose-output) may be written under: the workspace and the temp directory. */
  outputRoots: string[]
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
  /** Absolute paths of extra .env files, read in order (inside the workspace or the scanned path). */
  envFiles: string[]
  /** Absolute paths of the template-defaults files; undefined: `.env.example` beside each template, then at the scanned root. */
  templateDefaults?: string[]
  failOn: FindingKind[]
  /** Absolute path for the generated deployment compose file (or directory). */
  composeOutput?: string
  /** Absolute path of the JSON report. */
  reportPath: string
  engine: EngineName
  pull: PullPolicy
  push: boolean
  useMirroredBases: boolean
  /** `docker build --network` for builds whose compose build.network names none; undefined: docker's default network. */
  buildNetwork?: string
  /** The buildx builder instance to build with (`builder`); undefined: buildx's current one. */
  builder?: string
  /** DOCKER_BUILDKIT of the environment, as docker reads it: false asks for the legacy builder; undefined when unset. */
  buildkit?: boolean
  /** Variables builds may receive as compose `environment:` secrets (`build-secret-env`); docker reads their values from its environment. */
  buildSecretEnv: string[]
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
  /** mode export/import, verify-from bundle: the bundle, an absolute path (a directory, or a .tar file) or an http(s) URL of a .tar. */
  bundle?: string
  /** mode export: an earlier bundle or its index.json, absolute; the export carries only what it lacks. */
  bundleBaseline?: string
  /** The runner's tool cache (RUNNER_TOOL_CACHE), where downloaded bundles are kept. */
  toolCacheDir: string
  /** cache: keep what sources served in GitHub's cache between runs (src/execute/cache.ts). */
  cache: boolean
  /** The cache's directory on the runner (its store and the note for the post step): image-mirror-cache in the temp directory. */
  cacheDir: string
  /** Whether the runner offers the Actions cache service (ACTIONS_RUNTIME_TOKEN and the service's URL). */
  cacheService: boolean
  /** The user's docker config directory ($DOCKER_CONFIG, else ~/.docker): read to seed ours, never written. */
  userDockerConfig: string
  /**
   * The private DOCKER_CONFIG our logins go to, when the front end made one (the
   * action, whose post step removes it); otherwise the execute stage makes and
   * removes its own.
   */
  privateDockerConfig?: string
  shard?: { index: number; count: number }
  shards: number
  /** The environment compose interpolation reads (a snapshot, so stages stay pure). */
  env: Record<string, string>
}

/** Reads one input by its action.yml name; '' when not given. */
export type InputReader = (name: string) => string

export class InputError extends Error {
  constructor(
    message: string,
    /** The input at fault, when there is one. */
    readonly input?: string
  ) {
    super(message)
    this.name = 'InputError'
  }
}

export interface SettingsContext {
  /** Directory relative paths are resolved against (GITHUB_WORKSPACE or the current directory). */
  workspace: string
  /** The temp directory (RUNNER_TEMP or the OS temp dir): outputs may be written under it. */
  tempDir: string
  /** Directory of the default report; default tempDir. The CLI passes a new directory per run. */
  reportDir?: string
  env: Record<string, string | undefined>
  /** Called with every credential the moment it is read, before anything can log it. */
  maskSecret: (value: string) => void
}

type Spec<N extends InputName> = Extract<(typeof INPUTS)[number], { name: N }>
type KindValue<S> = S extends { kind: 'boolean' }
  ? boolean
  : S extends { kind: 'integer' }
    ? number
    : S extends { kind: 'list' }
      ? string[]
      : S extends { kind: 'choice'; choices: readonly (infer C)[] }
        ? C
        : string
type InputValue<S> = S extends { kind: 'list' } | { default: string } | { fallback: string } ? KindValue<S> : KindValue<S> | undefined

/** Every input parsed by its kind: path inputs absolute, lists split, the table's defaults applied. */
export type InputValues = { [N in InputName]: InputValue<Spec<N>> }

export function buildSettings(read: InputReader, context: SettingsContext): Settings {
  const input = readInputs(read, context)
  const workspace = path.resolve(context.workspace)
  const outputRoots = [...new Set([workspace, path.resolve(context.tempDir)])]

  const mode = input.mode
  if (input.registry === undefined && mode !== 'plan') {
    throw new InputError(`Input 'registry' is required for mode '${mode}' (for example registry: harbor.example.com/project)`, 'registry')
  }
  const registry = input.registry === undefined ? undefined : registryTarget(input.registry)

  const configFile = input.config ?? defaultConfigFile(workspace, input.path)

  const credentials = (userInput: 'username' | 'source-username', passwordInput: 'password' | 'source-password'): { username: string; password: string } | undefined => {
    const username = input[userInput] ?? ''
    const password = input[passwordInput] ?? ''
    if (username === '' && password === '') return undefined
    if (username === '' || password === '') {
      throw new InputError(`Inputs '${userInput}' and '${passwordInput}' go together: give both or neither`, username === '' ? userInput : passwordInput)
    }
    return { username, password }
  }
  const targetCredentials = credentials('username', 'password')
  const sourceCredentials = credentials('source-username', 'source-password')

  const bundle = bundleSettings(input, outputRoots, context)

  let shard: Settings['shard']
  if (input.shard !== undefined) {
    const [index, count] = input.shard.split('/').map(Number) as [number, number]
    shard = { index, count }
  }

  checkPlatformsEngine(input)

  const buildkit = parseBuildKitVariable(context.env.DOCKER_BUILDKIT)
  checkBuildSecretEnv(input['build-secret-env'], context.env, [targetCredentials?.password, sourceCredentials?.password])

  // Interpolation never sees the inputs, the runner's tokens or a variable holding a credential (DESIGN.md, trust boundaries).
  const { env } = interpolationEnvironment(context.env, [targetCredentials?.password, sourceCredentials?.password])

  return {
    workspace,
    root: input.path,
    outputRoots,
    mode,
    ...(registry && { registry }),
    ...(input.tag !== undefined && { tag: input.tag }),
    layout: input.layout,
    layoutFromInput: read('layout').trim() !== '',
    ...(input['flat-separator'] !== undefined && { flatSeparator: input['flat-separator'] }),
    ...(configFile !== undefined && { configFile }),
    ...(input.strict !== undefined && { strict: input.strict }),
    composeFiles: input['compose-files'],
    dockerfiles: input.dockerfiles,
    exclude: input.exclude,
    envFiles: input['env-file'],
    ...(input['template-defaults'].length > 0 && { templateDefaults: input['template-defaults'] }),
    failOn: failOnKinds(input['fail-on']),
    ...(input['compose-output'] !== undefined && { composeOutput: input['compose-output'] }),
    reportPath: input['report-path'] ?? defaultReportPath(context),
    engine: input.engine,
    pull: input.pull,
    push: input.push,
    useMirroredBases: input['use-mirrored-bases'],
    ...(input['build-network'] !== undefined && { buildNetwork: input['build-network'] }),
    ...(input.builder !== undefined && { builder: input.builder }),
    ...(buildkit !== undefined && { buildkit }),
    buildSecretEnv: input['build-secret-env'],
    verifyFrom: input['verify-from'],
    dryRun: input['dry-run'],
    ...(targetCredentials && { targetCredentials }),
    ...(sourceCredentials && { sourceCredentials }),
    concurrency: input.concurrency,
    buildConcurrency: input['build-concurrency'],
    retries: input.retries,
    ...(input['registry-mirror'] !== undefined && { registryMirror: input['registry-mirror'].replace(/\/$/, '') }),
    insecureRegistries: input['insecure-registries'],
    ...(input['ca-file'] !== undefined && { caFile: input['ca-file'] }),
    platforms: input.platforms,
    copyReferrers: input['copy-referrers'],
    ...bundle,
    cache: input.cache,
    cacheDir: path.join(path.resolve(context.tempDir), 'image-mirror-cache'),
    cacheService: cacheServiceAvailable(context.env),
    userDockerConfig: path.resolve(userDockerConfigDir(context.env)),
    ...(shard && { shard }),
    shards: input.shards,
    env
  }
}

/**
 * Parses every input of the table by its kind, in table order, and checks path
 * inputs against the file system. Secrets are masked first, before anything
 * can echo them; an error never echoes a secret or a password given in a URL.
 */
export function readInputs(read: InputReader, context: SettingsContext): InputValues {
  const specs = INPUT_SPECS
  for (const spec of specs) {
    const raw = read(spec.name)
    if (spec.kind === 'secret' && raw !== '') context.maskSecret(raw)
    else if (raw !== '') for (const secret of passwordsInUserInfo(raw)) context.maskSecret(secret)
  }
  const workspace = path.resolve(context.workspace)
  const values: Record<string, unknown> = {}
  for (const spec of specs) values[spec.name] = parseInput(spec, read(spec.name), workspace)

  // Path checks need the scanned path, so they come once every value has parsed.
  const root = values.path as string
  for (const spec of specs) {
    const rule = spec.kind === 'path' || spec.kind === 'list' ? spec.path : undefined
    if (rule === undefined) continue
    const written = spec.kind === 'list' ? splitList(read(spec.name)) : [read(spec.name).trim() || (spec.default ?? '')]
    const absolute = spec.kind === 'list' ? (values[spec.name] as string[]) : [values[spec.name] as string | undefined]
    absolute.forEach((file, index) => {
      if (file === undefined) return
      const problem = pathProblem(rule, file, { workspace, root, outputRoots: [workspace, path.resolve(context.tempDir)] })
      if (problem !== undefined) throw invalid(spec, written[index] ?? file, problem, spec.kind === 'list' ? 'entry' : 'value')
    })
  }
  return values as InputValues
}

/**
 * Where the report goes when the inputs were rejected: the report-path input
 * when it is itself valid, else the default; undefined when neither can be
 * written. The run still ends with a report saying what was wrong.
 */
export function reportPathAfterError(read: InputReader, context: SettingsContext): string | undefined {
  const workspace = path.resolve(context.workspace)
  const written = read('report-path').trim()
  const roots = { workspace, root: workspace, outputRoots: [workspace, path.resolve(context.tempDir)] }
  const rule: PathRule = { base: 'workspace', expect: 'output-file' }
  if (written !== '') {
    const file = path.resolve(workspace, written)
    if (pathProblem(rule, file, roots) === undefined) return file
  }
  const fallback = defaultReportPath(context)
  return pathProblem(rule, fallback, roots) === undefined ? fallback : undefined
}

/**
 * Splits a list input: one entry per line, and on commas outside `{…}` and
 * `[…]`, so brace globs (`**\/{docs,tools}/**`) stay whole. Entries are trimmed;
 * empty entries and entries starting with '#' are dropped.
 */
export function splitList(text: string): string[] {
  const entries: string[] = []
  for (const line of text.split(/\r?\n/)) {
    let depth = 0
    let inClass = false
    let current = ''
    for (const ch of line) {
      if (inClass) {
        if (ch === ']') inClass = false
      } else if (ch === '[') inClass = true
      else if (ch === '{') depth += 1
      else if (ch === '}' && depth > 0) depth -= 1
      else if (ch === ',' && depth === 0) {
        entries.push(current)
        current = ''
        continue
      }
      current += ch
    }
    entries.push(current)
  }
  return entries.map(entry => entry.trim()).filter(entry => entry !== '' && !entry.startsWith('#'))
}

function parseInput(spec: InputSpec, raw: string, workspace: string): unknown {
  if (spec.kind === 'secret') return raw === '' ? undefined : raw
  if (spec.kind === 'list') {
    const given = splitList(raw)
    const items = given.length === 0 && spec.default !== undefined ? splitList(spec.default) : given
    for (const item of items) {
      const problem =
        spec.choices !== undefined && !spec.choices.includes(item)
          ? `expected ${describeChoices(spec.choices)}`
          : spec.glob === true
            ? globProblem(item)
            : spec.validate?.(item)
      if (problem !== undefined) throw invalid(spec, item, problem, 'entry')
    }
    return spec.path === undefined ? items : items.map(item => path.resolve(workspace, item))
  }
  const text = raw.trim()
  const value = text !== '' ? text : (spec.default ?? (spec.kind === 'choice' ? spec.fallback : undefined))
  if (value === undefined) return undefined
  switch (spec.kind) {
    case 'string': {
      const problem = spec.validate?.(value)
      if (problem !== undefined) throw invalid(spec, value, problem)
      return value
    }
    case 'path':
      return path.resolve(workspace, value)
    case 'choice':
      if (!spec.choices.includes(value)) throw invalid(spec, value, `expected ${describeChoices(spec.choices)}`)
      return value
    case 'boolean': {
      const lower = value.toLowerCase()
      if ((TRUE_WORDS as readonly string[]).includes(lower)) return true
      if ((FALSE_WORDS as readonly string[]).includes(lower)) return false
      throw invalid(spec, value, 'expected true or false')
    }
    case 'integer': {
      if (!/^\d+$/.test(value) || Number(value) < spec.min || Number(value) > spec.max) {
        throw invalid(spec, value, `expected a whole number from ${spec.min} to ${spec.max}`)
      }
      return Number(value)
    }
  }
}

interface PathRoots {
  workspace: string
  root: string
  outputRoots: string[]
}

function pathProblem(rule: PathRule, file: string, roots: PathRoots): string | undefined {
  switch (rule.expect) {
    case 'directory':
      return isDirectory(file) ? undefined : `${file} is not a directory`
    case 'any-file':
    case 'file': {
      let stat: fs.Stats
      try {
        stat = fs.statSync(file)
      } catch {
        return `${file} does not exist`
      }
      if (!stat.isFile()) return `${file} is not a regular file`
      if (rule.expect === 'file') {
        const real = fs.realpathSync(file)
        const inside = [roots.workspace, roots.root].some(dir => isInside(real, realpathOr(dir)))
        if (!inside) return `${file} resolves to ${real}, outside the workspace (${roots.workspace})`
      }
      return undefined
    }
    case 'output-file':
      return outputPathProblem(file, { allowedRoots: roots.outputRoots, expect: 'file' })
    case 'output':
      return outputPathProblem(file, { allowedRoots: roots.outputRoots, expect: 'file-or-directory' })
  }
}

function invalid(spec: InputSpec, value: string, reason: string, what: 'value' | 'entry' = 'value'): InputError {
  const name = what === 'entry' ? `${spec.name} entry` : spec.name
  // A secret's value is never echoed; neither is a password given as user:password@host.
  const shown = spec.kind === 'secret' ? '***' : quoteForMessage(redactUserInfo(value))
  return new InputError(`Invalid ${name} '${shown}': ${reason}`, spec.name)
}

/** `user:secret@host` → `user:***@host`; scheme and path kept. */
export function redactUserInfo(value: string): string {
  if (!hasUserInfo(value)) return value
  return value.replace(/^((?:[a-z][a-z0-9+.-]*:\/\/)?)([^/@]*)@/i, (_match, scheme: string, userInfo: string) => {
    const colon = userInfo.indexOf(':')
    return `${scheme}${colon < 0 ? '***' : `${userInfo.slice(0, colon)}:***`}@`
  })
}

/** The password of every `user:password@host` in a value (a username alone, as in `me@example.com`, is no secret). */
function passwordsInUserInfo(value: string): string[] {
  const secrets: string[] = []
  for (const line of value.split(/[\n,]/)) {
    const secret = /^\s*(?:[a-z][a-z0-9+.-]*:\/\/)?[^/@\s:]*:([^/@\s]+)@/i.exec(line)?.[1]
    if (secret !== undefined) secrets.push(secret)
  }
  return secrets
}

/** Values are echoed in one line: control characters escaped, long values shortened. */
function quoteForMessage(value: string): string {
  // eslint-disable-next-line no-control-regex
  const escaped = value.replace(/[\u0000-\u001f\u007f]/g, ch => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`)
  return escaped.length > 200 ? `${escaped.slice(0, 200)}…` : escaped
}

function registryTarget(value: string): RegistryTarget {
  // Validated by the table (src/inputs.ts), so this parse cannot fail.
  const { registry, namespace } = parseRegistryTarget(value)
  return { text: namespace === '' ? registry : `${registry}/${namespace}`, registry, namespace }
}

/**
 * The setting that sends base-image copies through docker: engine docker, or
 * with engine auto the offline retags (pull: never, push: false); undefined
 * when the registry engine copies.
 */
export function dockerCopyCause(settings: Pick<Settings, 'engine' | 'pull' | 'push'>): 'engine' | 'pull' | 'push' | undefined {
  if (settings.engine !== 'auto') return settings.engine === 'docker' ? 'engine' : undefined
  return settings.pull === 'never' ? 'pull' : !settings.push ? 'push' : undefined
}

/** Which engine copies base images (see dockerCopyCause). */
export function copyEngine(settings: Pick<Settings, 'engine' | 'pull' | 'push'>): 'docker' | 'registry' {
  return dockerCopyCause(settings) === undefined ? 'registry' : 'docker'
}

/** `platforms` needs copies through the registry engine: with docker they would silently keep one platform. */
function checkPlatformsEngine(input: InputValues): void {
  if (input.platforms.length === 0) return
  const cause = dockerCopyCause(input)
  if (cause === undefined) return
  const why = {
    engine: "engine 'docker' copies the daemon's platform only",
    pull: "with pull 'never', copies are offline retags in the docker daemon, which keep one platform",
    push: "with push 'false', copies are retags in the docker daemon, which keep one platform"
  }[cause]
  throw new InputError(
    `Invalid platforms '${input.platforms.join(', ')}': ${why}; use engine 'auto' (the default) or 'registry' with pull and push left as they are, or remove platforms`,
    'platforms'
  )
}

/** DOCKER_BUILDKIT as docker reads it (Go's ParseBool); undefined when unset or not a boolean. */
export function parseBuildKitVariable(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false
  return undefined
}

function failOnKinds(items: string[]): FindingKind[] {
  const words = items.filter(item => (FAIL_ON_WORDS as readonly string[]).includes(item))
  if (words.length > 0 && items.length > 1) {
    throw new InputError(`Invalid fail-on '${items.join(', ')}': ${words[0]} stands alone, without finding kinds`, 'fail-on')
  }
  if (words[0] === 'none') return []
  if (words[0] === 'all') return [...FINDING_KINDS]
  return items as FindingKind[]
}

/** `.github/image-mirror.yml` at the workspace root, else under the scanned path; checked like a `config` input. */
function defaultConfigFile(workspace: string, root: string): string | undefined {
  for (const dir of [workspace, root]) {
    const file = path.join(dir, DEFAULT_CONFIG_FILE)
    if (!fs.existsSync(file)) continue
    const problem = pathProblem({ base: 'workspace', expect: 'file' }, file, { workspace, root, outputRoots: [] })
    if (problem !== undefined) throw new InputError(`Invalid mapping file ${path.relative(workspace, file) || file}: ${problem}`, 'config')
    return file
  }
  return undefined
}

function defaultReportPath(context: SettingsContext): string {
  return path.resolve(context.reportDir ?? context.tempDir, DEFAULT_REPORT_NAME)
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory()
  } catch {
    return false
  }
}

function isInside(file: string, dir: string): boolean {
  const relative = path.relative(dir, file)
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative))
}

function realpathOr(dir: string): string {
  try {
    return fs.realpathSync(dir)
  } catch {
    return path.resolve(dir)
  }
}

/** The bundle inputs, checked together with the mode: a path inside the workspace or the temp directory, or a URL for import. */
function bundleSettings(input: InputValues, outputRoots: string[], context: SettingsContext): Pick<Settings, 'bundle' | 'bundleBaseline' | 'toolCacheDir'> {
  const mode = input.mode
  const fromBundle = input['verify-from'] === 'bundle'
  const toolCacheDir = path.resolve(context.env.RUNNER_TOOL_CACHE ?? path.join(context.tempDir, 'image-mirror-tool-cache'))
  const written = input.bundle
  if (written === undefined) {
    if (mode === 'export' || mode === 'import') throw new InputError(`Input 'bundle' is required for mode '${mode}' (a directory, or a file ending in .tar)`, 'bundle')
    if (fromBundle) throw new InputError("Input 'bundle' is required with verify-from: bundle", 'bundle')
    return { toolCacheDir }
  }
  if (mode !== 'export' && mode !== 'import' && mode !== 'verify') {
    throw new InputError(`Input 'bundle' is used by modes export, import and verify, not by mode '${mode}'`, 'bundle')
  }
  if (fromBundle && mode !== 'verify') throw new InputError(`verify-from: bundle checks a bundle with mode verify, not mode '${mode}'`, 'verify-from')
  const isUrl = /^https?:\/\//i.test(written)
  if (isUrl && mode === 'export') throw new InputError(`Invalid bundle '${redactUserInfo(written)}': mode export writes a local path, not a URL`, 'bundle')
  const workspace = path.resolve(context.workspace)
  let bundle = written
  if (!isUrl) {
    bundle = path.resolve(workspace, written)
    const tar = bundle.toLowerCase().endsWith('.tar')
    const problem = outputPathProblem(bundle, { allowedRoots: outputRoots, expect: mode === 'export' ? (tar ? 'file' : 'directory') : 'file-or-directory' })
    if (problem !== undefined) throw new InputError(`Invalid bundle '${quoteForMessage(written)}': ${problem}`, 'bundle')
    if (mode !== 'export' && !fs.existsSync(bundle)) throw new InputError(`Invalid bundle '${quoteForMessage(written)}': ${bundle} does not exist`, 'bundle')
  }
  let bundleBaseline: string | undefined
  if (input['bundle-baseline'] !== undefined) {
    if (mode !== 'export') throw new InputError(`Input 'bundle-baseline' is used by mode export only`, 'bundle-baseline')
    bundleBaseline = path.resolve(workspace, input['bundle-baseline'])
    const problem = outputPathProblem(bundleBaseline, { allowedRoots: outputRoots, expect: 'file-or-directory' })
    if (problem !== undefined || !fs.existsSync(bundleBaseline)) {
      throw new InputError(`Invalid bundle-baseline '${quoteForMessage(input['bundle-baseline'])}': ${problem ?? `${bundleBaseline} does not exist`}`, 'bundle-baseline')
    }
    if (bundleBaseline === bundle) throw new InputError('Invalid bundle-baseline: it is the bundle being written; name the earlier bundle', 'bundle-baseline')
  }
  return { bundle, ...(bundleBaseline !== undefined && { bundleBaseline }), toolCacheDir }
}

/**
 * Credentials by host, each only where it belongs: the target's to the
 * `registry` host, the source's to Docker Hub only (a registry-mirror is
 * another party's server: it gets no Docker Hub password).
 */
export function credentialsByHost(settings: Pick<Settings, 'registry' | 'targetCredentials' | 'sourceCredentials' | 'registryMirror'>): Map<string, Credentials> {
  const byHost = new Map<string, Credentials>()
  if (settings.sourceCredentials !== undefined) byHost.set(DOCKER_HUB, settings.sourceCredentials)
  if (settings.targetCredentials !== undefined && settings.registry !== undefined) byHost.set(settings.registry.registry, settings.targetCredentials)
  return byHost
}

/**
 * A variable listed in build-secret-env whose value is a registry password
 * would hand that password to a build (which can send it anywhere): credentials
 * go only to the host they are for (DESIGN.md). The value is never echoed.
 */
function checkBuildSecretEnv(names: readonly string[], env: Record<string, string | undefined>, passwords: ReadonlyArray<string | undefined>): void {
  for (const name of names) {
    const value = env[name]
    if (value !== undefined && value !== '' && passwords.includes(value)) {
      throw new InputError(`Invalid build-secret-env entry '${name}': it holds the password of a registry input, which is never passed to a build`, 'build-secret-env')
    }
  }
}
