/**
 * The action's inputs and outputs, described once: name, kind, default,
 * validation and description. action.yml is generated from this table
 * (src/action-yaml.ts), the CLI builds its flags and --help from it, and the
 * settings reader parses and validates every input by its kind, so the three
 * cannot drift apart and each default is written here and nowhere else.
 */
import type { FindingKind } from './model.js'
import { parseRegistryTarget, ReferenceFormatError, tryParseReference } from './reference.js'

export const MODES = ['plan', 'check', 'mirror', 'build', 'verify', 'all', 'export', 'import'] as const
export type Mode = (typeof MODES)[number]
export const LAYOUTS = ['preserve', 'library', 'flat'] as const
export type Layout = (typeof LAYOUTS)[number]
export const ENGINES = ['auto', 'docker', 'registry'] as const
export type EngineName = (typeof ENGINES)[number]
export const PULL_POLICIES = ['missing', 'always', 'never'] as const
export type PullPolicy = (typeof PULL_POLICIES)[number]
export const VERIFY_SOURCES = ['registry', 'local', 'bundle'] as const
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
  'failed',
  'scan-note'
]
/** Everything but the version-drift, excluded and scan-note notices fails the run unless `fail-on` says otherwise. */
export const DEFAULT_FAIL_ON: readonly FindingKind[] = FINDING_KINDS.filter(kind => kind !== 'version-drift' && kind !== 'excluded' && kind !== 'scan-note')

/** The two words `fail-on` takes besides finding kinds. */
export const FAIL_ON_WORDS = ['none', 'all'] as const

export type InputKind = 'string' | 'boolean' | 'integer' | 'choice' | 'list' | 'path' | 'secret'

/**
 * Checks one value (a whole input, or one entry of a list) and returns why it
 * is invalid, or undefined when it is fine. The reader turns the reason into
 * `Invalid <name> '<value>': <reason>`.
 */
export type Validator = (value: string) => string | undefined

/** How a path input is resolved and what must be there. */
export interface PathRule {
  /** workspace: GITHUB_WORKSPACE (the CLI's current directory). */
  base: 'workspace'
  /**
   * directory / file: must exist as one, and (file) lie inside the workspace or the scanned path;
   * any-file: must exist, anywhere (a CA bundle);
   * output-file: where a file is written (not a directory, not a symlink, inside the workspace or temp dir);
   * output: a file or a directory, decided when the number of files to write is known.
   */
  expect: 'directory' | 'file' | 'any-file' | 'output-file' | 'output'
}

interface InputBase {
  readonly name: string
  readonly description: string
  /** The default, as action.yml states it; the reader applies it when the input is empty. */
  readonly default?: string
}

export interface StringInput extends InputBase {
  readonly kind: 'string'
  readonly validate?: Validator
}
/** A credential: masked the moment it is read, never echoed in an error. */
export interface SecretInput extends InputBase {
  readonly kind: 'secret'
}
export interface BooleanInput extends InputBase {
  readonly kind: 'boolean'
}
export interface IntegerInput extends InputBase {
  readonly kind: 'integer'
  readonly min: number
  readonly max: number
}
export interface ChoiceInput extends InputBase {
  readonly kind: 'choice'
  readonly choices: readonly string[]
  /** The value when the input is empty but something else (the mapping file) may still decide; not written to action.yml. */
  readonly fallback?: string
}
/** Newline separated, or comma separated outside `{…}` and `[…]`; `#` starts a comment entry. */
export interface ListInput extends InputBase {
  readonly kind: 'list'
  readonly choices?: readonly string[]
  readonly validate?: Validator
  /** Entries are glob patterns (validated as globs). */
  readonly glob?: boolean
  /** Entries are paths. */
  readonly path?: PathRule
}
export interface PathInput extends InputBase {
  readonly kind: 'path'
  readonly path: PathRule
}

export type InputSpec = StringInput | SecretInput | BooleanInput | IntegerInput | ChoiceInput | ListInput | PathInput

/** The boolean spellings accepted (case-insensitive), as YAML and most CLIs accept them. */
export const TRUE_WORDS = ['true', 'yes', 'on', '1'] as const
export const FALSE_WORDS = ['false', 'no', 'off', '0'] as const

export function describeChoices(values: readonly string[]): string {
  return values.length <= 2 ? values.join(' or ') : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`
}

/** `user:password@host` in a URL or registry input: the password must never be echoed. */
export function hasUserInfo(value: string): boolean {
  const authority = value.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split('/')[0] ?? ''
  return authority.includes('@')
}

const CREDENTIALS_IN_HOST = 'credentials do not belong in this input: give them in username and password (or source-username and source-password)'

const validRegistry: Validator = value => {
  if (hasUserInfo(value)) return CREDENTIALS_IN_HOST
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return 'expected a host with an optional namespace, without a scheme, e.g. harbor.example.com/aihpc'
  try {
    parseRegistryTarget(value)
    return undefined
  } catch (error) {
    if (error instanceof ReferenceFormatError) return error.reason
    throw error
  }
}

const validTag: Validator = value =>
  'ref' in tryParseReference(`probe.invalid/probe:${value}`) ? undefined : "a tag is letters, digits, '_', '.' and '-', at most 128 characters, not starting with '.' or '-'"

const validFlatSeparator: Validator = value => (/^(?:[._]|__|-+)$/.test(value) ? undefined : "expected one of '-', '_', '.', '__'")

const validRegistryMirror: Validator = value => {
  if (hasUserInfo(value)) return CREDENTIALS_IN_HOST
  return /^https?:\/\/[^\s/@]+\/?$/.test(value) ? undefined : 'expected a URL such as https://mirror.example.com'
}

const validInsecureRegistry: Validator = value => {
  if (hasUserInfo(value)) return CREDENTIALS_IN_HOST
  try {
    const { namespace } = parseRegistryTarget(value)
    return namespace === '' ? undefined : 'expected a registry host with an optional port, e.g. registry.local:5000'
  } catch (error) {
    if (error instanceof ReferenceFormatError) return error.reason
    throw error
  }
}

const validPlatform: Validator = value => (/^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/.test(value) ? undefined : 'expected os/arch[/variant], e.g. linux/arm64')

const validShard: Validator = value => {
  const match = /^(\d+)\/(\d+)$/.exec(value)
  const index = Number(match?.[1])
  const count = Number(match?.[2])
  return match === null || index < 1 || count < 1 || index > count || count > 256 ? 'expected i/n with 1 <= i <= n <= 256, e.g. 2/4' : undefined
}

const validNetwork: Validator = value =>
  /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/.test(value) ? undefined : 'expected default, host, none or the name of a docker network'

const validBuilderName: Validator = value => (/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/.test(value) ? undefined : 'expected the name of a buildx builder (letters, digits, _ . -)')

/**
 * A variable a build may receive as a compose `environment:` secret. The
 * action's own inputs (INPUT_*, the registry passwords among them), the CLI's
 * IMAGE_MIRROR_* and the runner's ACTIONS_* tokens are never a build's.
 */
const validSecretVariable: Validator = value => {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,255}$/.test(value)) return 'expected the name of an environment variable (letters, digits and _, not starting with a digit)'
  if (/^(?:INPUT_|IMAGE_MIRROR_|ACTIONS_)/i.test(value)) return "the action's inputs and the runner's ACTIONS_ tokens are never passed to a build"
  return undefined
}

const validBundle: Validator = value => {
  if (hasUserInfo(value)) return 'credentials do not belong in a bundle URL'
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) && !/^https?:\/\/[^\s/]+\/\S*\.tar(?:#sha256[=:][a-fA-F0-9]{64})?$/i.test(value)) return 'expected a path, or an http(s):// URL of a .tar archive'
  return undefined
}

const validBaseline: Validator = value => (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? 'expected a local path to a bundle or its index.json' : undefined)

export const INPUTS = [
  { name: 'mode', kind: 'choice', choices: MODES, default: 'all', description: 'What to do: plan (inventory only), check (mapping and policy, for pull requests), mirror, build, verify, all (mirror, build and push, verify), export (every image of the plan into the bundle) or import (the bundle into the registry).' },
  { name: 'registry', kind: 'string', validate: validRegistry, description: 'Target registry host with optional namespace, e.g. harbor.example.com/aihpc. Required for every mode but plan.' },
  { name: 'tag', kind: 'string', validate: validTag, description: "Tag of the repository's own service images, e.g. v0.3.5. Without it, service images keep the tag their compose file gives them." },
  { name: 'path', kind: 'path', path: { base: 'workspace', expect: 'directory' }, default: '.', description: 'Directory to scan, relative to the workspace.' },
  { name: 'layout', kind: 'choice', choices: LAYOUTS, fallback: 'preserve', description: 'How third-party images are named under the registry: preserve (quay.io/minio/minio -> <registry>/minio/minio), library (as preserve, Docker Hub official images under library/), or flat (last path component only). Default: the layout of the mapping file, else preserve.' },
  { name: 'flat-separator', kind: 'string', validate: validFlatSeparator, description: "With layout flat, join all path components with this separator instead of keeping only the last ('-' gives minio-minio)." },
  { name: 'config', kind: 'path', path: { base: 'workspace', expect: 'file' }, description: 'Mapping file (rules, exclusions, tag policy), relative to the workspace. Default: .github/image-mirror.yml at the workspace root when it exists.' },
  { name: 'strict', kind: 'boolean', description: 'Every image needs an explicit rule in the mapping file; the layout only proposes names. Overrides the mapping file.' },
  { name: 'compose-files', kind: 'list', glob: true, description: "Glob patterns of compose files, relative to path (newline or comma separated; commas inside {…} belong to the pattern). Replaces the defaults; the entry 'defaults' keeps them." },
  { name: 'dockerfiles', kind: 'list', glob: true, description: "Glob patterns of Dockerfiles, relative to path (newline or comma separated; commas inside {…} belong to the pattern). Replaces the defaults; the entry 'defaults' keeps them." },
  { name: 'exclude', kind: 'list', glob: true, description: 'Glob patterns of paths not to scan, relative to path, e.g. **/{docs,tools}/**.' },
  { name: 'env-file', kind: 'list', path: { base: 'workspace', expect: 'file' }, description: 'Extra .env files for compose interpolation, relative to the workspace, read after the .env beside each compose file.' },
  { name: 'template-defaults', kind: 'list', path: { base: 'workspace', expect: 'file' }, description: 'Files of documented defaults (KEY=value) for {{NAME}} placeholders of *.tpl/*.template compose files and Dockerfiles, relative to the workspace, read after the environment, env-file and .env; each value taken from them is a notice. Default: .env.example beside the template, then at path, when it exists.' },
  { name: 'fail-on', kind: 'list', choices: [...FAIL_ON_WORDS, ...FINDING_KINDS], default: DEFAULT_FAIL_ON.join(', '), description: `Finding kinds that fail the run: none, all, or a list of ${FINDING_KINDS.join(', ')}.` },
  { name: 'compose-output', kind: 'path', path: { base: 'workspace', expect: 'output' }, description: 'Write each scanned compose file, rewritten so every image points at the registry, to this path (a directory when there are several). Inside the workspace or the temp directory.' },
  { name: 'report-path', kind: 'path', path: { base: 'workspace', expect: 'output-file' }, description: 'Where to write the JSON report, inside the workspace or the temp directory. Default: image-mirror-report.json in RUNNER_TEMP (the action), or in a new directory under the system temp directory (the CLI).' },
  { name: 'engine', kind: 'choice', choices: ENGINES, default: 'auto', description: "How images are copied and verified: auto (the registry engine copies and verifies, docker builds, retags offline with pull: never or push: false, and verifies with verify-from: local), registry (registry to registry over the OCI distribution API: every platform, exact digests) or docker (pull, tag, push through the docker CLI: the daemon's platform only)." },
  { name: 'pull', kind: 'choice', choices: PULL_POLICIES, default: 'missing', description: 'Copies through docker (engine: docker): missing (use local images when present), always, or never (retag local images only, no network; with engine auto, copies then go through docker).' },
  { name: 'push', kind: 'boolean', default: 'true', description: 'Push built service images and mirrored base images. false: build and retag in the local daemon only, no network (the offline retag).' },
  { name: 'use-mirrored-bases', kind: 'boolean', default: 'true', description: 'Build service images against the mirrored base images in the target registry instead of their public sources.' },
  { name: 'build-network', kind: 'string', validate: validNetwork, description: "Network of service image builds (docker build --network) when the compose file's build.network does not name one: default, host, none or a network name. Default: docker's default network." },
  { name: 'builder', kind: 'string', validate: validBuilderName, description: "The buildx builder that builds service images (docker buildx build --builder), e.g. the name docker/setup-buildx-action outputs. Default: buildx's current builder. Without buildx, docker build builds with BuildKit when the docker CLI has it built in (DOCKER_BUILDKIT=1), else with the legacy builder; DOCKER_BUILDKIT=0 in the environment asks for the legacy builder. The log says which one built." },
  { name: 'build-secret-env', kind: 'list', validate: validSecretVariable, description: "Environment variables a service image build may receive as a compose build secret defined by environment: (secrets: { npm_token: { environment: NPM_TOKEN } }), e.g. NPM_TOKEN. A compose file naming any other variable gets a warning and the build does not receive it: the repository chooses what its build reads, the workflow chooses what it may read. Secrets defined by file: need no input; they must lie inside the workspace." },
  { name: 'verify-from', kind: 'choice', choices: VERIFY_SOURCES, default: 'registry', description: 'Where verify looks: registry (manifest lookup, no pull), local (docker image inspect, no network) or bundle (every blob of the bundle present with its size and digest, offline).' },
  { name: 'bundle', kind: 'string', validate: validBundle, description: "OCI image layout the images are exported to (mode export) or imported from (mode import), or whose plan mode verify checks (with verify-from: bundle, the bundle itself, offline): a directory, or one archive when it ends in .tar, inside the workspace or the temp directory. mode import also takes an http(s):// URL of a .tar (downloaded once per digest into the runner's tool cache; the digest comes from a #sha256=<hex> fragment or the .sha256 file beside it)." },
  { name: 'bundle-baseline', kind: 'string', validate: validBaseline, description: 'mode export: an earlier bundle (directory or .tar) or just its index.json; the new bundle carries only the manifests and blobs the baseline lacks (a delta), and imports on top of it.' },
  { name: 'cache', kind: 'boolean', default: 'false', description: "Keep the manifests and blobs fetched from sources in GitHub's cache (@actions/cache) between runs, keyed by the digests of the sources the run fetches: a re-run or a scheduled run on a fresh runner then sends sources only HEAD requests for unchanged images and takes their bytes from the cache (each digest checked). For mode export, and for copies through the registry engine (engine auto or registry). Restored once the source digests are known, saved in the post step, also after a failure. Needs the Actions cache service (GitHub-hosted runners): without it, or when copies go through docker, a warning says the cache is off and the run goes on without it." },
  { name: 'dry-run', kind: 'boolean', default: 'false', description: 'Print every command that would run, run none.' },
  { name: 'username', kind: 'string', description: 'Username for the target registry. Without it, existing docker credentials are used.' },
  { name: 'password', kind: 'secret', description: 'Password or token for the target registry.' },
  { name: 'source-username', kind: 'string', description: 'Username for Docker Hub (or the registry-mirror), to avoid the anonymous rate limit.' },
  { name: 'source-password', kind: 'secret', description: 'Password or token for source-username.' },
  { name: 'concurrency', kind: 'integer', min: 1, max: 64, default: '4', description: 'Pulls, pushes, copies and blob transfers in parallel. The lookups that decide whether an image needs copying (registry HEAD requests) run up to four times as many at once, each registry still getting at most this many connections.' },
  { name: 'build-concurrency', kind: 'integer', min: 1, max: 16, default: '1', description: 'Service image builds in parallel.' },
  { name: 'retries', kind: 'integer', min: 0, max: 10, default: '3', description: 'Retries of a transient failure (network, 429, 5xx), with exponential backoff.' },
  { name: 'registry-mirror', kind: 'string', validate: validRegistryMirror, description: "URL that serves Docker Hub images (a pull-through cache), used by the registry engine for Docker Hub reads. Default: the docker daemon's first registry-mirrors entry, when docker is there." },
  { name: 'insecure-registries', kind: 'list', validate: validInsecureRegistry, description: "Registries reached over plain HTTP or with an unverified certificate (loopback registries always are). Default: the docker daemon's insecure-registries hosts, when docker is there." },
  { name: 'ca-file', kind: 'path', path: { base: 'workspace', expect: 'any-file' }, description: 'PEM file of a private certificate authority for the registries.' },
  { name: 'platforms', kind: 'list', validate: validPlatform, description: "Copy only these platforms of multi-platform images (changes their digest); copies through the registry engine only, so not with engine: docker, pull: never or push: false. The scan also reads BuildKit's TARGETARCH and the like for them, besides this machine's, in builds that name no platform. Default: all." },
  { name: 'copy-referrers', kind: 'boolean', default: 'false', description: 'Registry engine: also copy OCI referrers (signatures, SBOMs) of each image.' },
  { name: 'shards', kind: 'integer', min: 1, max: 256, default: '1', description: 'mode plan: split the images into this many groups in the matrix output.' },
  { name: 'shard', kind: 'string', validate: validShard, description: 'Handle only part i of n of the images, e.g. 2/4 (from the matrix output of mode plan).' }
] as const satisfies readonly InputSpec[]

export type InputName = (typeof INPUTS)[number]['name']

/** The table seen through the general InputSpec type, for code that walks every input. */
export const INPUT_SPECS: readonly InputSpec[] = INPUTS

/** The input of that name in the table; throws for a name that is not there (a programming error). */
export function inputSpec(name: string): InputSpec {
  const spec = INPUT_SPECS.find(input => input.name === name)
  if (spec === undefined) throw new Error(`No input named '${name}' in src/inputs.ts`)
  return spec
}

export interface OutputSpec {
  name: string
  description: string
}

export const OUTPUTS: readonly OutputSpec[] = [
  { name: 'verdict', description: 'One line: what the run found, e.g. "20/20 images verified".' },
  { name: 'images', description: 'JSON array of every image: kind, source, target, status, origins.' },
  { name: 'image-count', description: 'Number of images found.' },
  { name: 'base-count', description: 'Number of third-party base images.' },
  { name: 'service-count', description: "Number of the repository's own service images." },
  { name: 'findings', description: 'JSON array of findings: kind, severity, message, file, line, suggestion.' },
  { name: 'error-count', description: 'Number of findings that fail the run under fail-on.' },
  { name: 'unmapped', description: 'JSON array of source images with no target.' },
  { name: 'mirrored', description: 'JSON array of target images mirrored (or already present).' },
  { name: 'built', description: 'JSON array of service images built.' },
  { name: 'verified', description: 'JSON array of target images verified present.' },
  { name: 'missing', description: 'JSON array of target images not present.' },
  { name: 'failed', description: 'JSON array of images that failed, target (or source when unmapped).' },
  {
    name: 'digests',
    description:
      'JSON object: target image -> manifest digest at the target (pushed, copied or verified; never a local image ID), e.g. {"harbor.example.com/aihpc/app:v1": "sha256:…"}. Sign each: echo \'${{ steps.mirror.outputs.digests }}\' | jq -r \'to_entries[] | "\\(.key | sub(":[^:/]+$"; ""))@\\(.value)"\' | xargs -n1 cosign sign --yes'
  },
  {
    name: 'targets',
    description:
      'Every target image of the run, one per line, for shell consumers: echo "${{ steps.mirror.outputs.targets }}" | while read -r image; do docker pull "$image"; done'
  },
  { name: 'report', description: 'Path of the JSON report.' },
  { name: 'compose-file', description: 'Path of the generated deployment compose file, when compose-output is set.' },
  { name: 'matrix', description: 'mode plan: JSON for strategy.matrix, {"shard": ["1/n", …]} balanced by image count.' }
]

export const INPUT_KINDS: readonly InputKind[] = ['string', 'boolean', 'integer', 'choice', 'list', 'path', 'secret']
