/**
 * The data that flows between pipeline stages (DESIGN.md, "The pipeline").
 * Types only: each stage owns its logic in its own module.
 */
import type { ImageReference } from './reference.js'

/** Where something was found: a path relative to the scanned directory and a 1-based line. */
export interface Origin {
  file: string
  line: number
}

export type Severity = 'error' | 'warning' | 'notice'

/** What a finding is about; `fail-on` selects kinds that fail the run. */
export type FindingKind =
  /** A file could not be read or parsed (malformed YAML, Dockerfile syntax, symlink loop). */
  | 'invalid-file'
  /** A variable in an image reference has no value, or `${VAR:?err}` fired. */
  | 'unresolved-variable'
  /** The text is not an image reference, or names a stage that does not exist. */
  | 'invalid-reference'
  /** The mapping file or an input is wrong. */
  | 'invalid-config'
  /** No rule maps the image (strict mapping). */
  | 'unmapped'
  /** A rule of the mapping file excludes the image: it is not mirrored (a notice). */
  | 'excluded'
  /** Two different sources map to one target. */
  | 'collision'
  /** The tag breaks the configured tag policy. */
  | 'tag-policy'
  /** Several versions of one image are in use. */
  | 'version-drift'
  /** An image the deployment needs is not in the target. */
  | 'missing'
  /** Mirroring, building, pushing or verifying an image failed. */
  | 'failed'
  /**
   * How a file was read, worth knowing but not a problem (a notice): a template
   * value taken from a defaults file such as .env.example, a rendered file older
   * than its template, a compose file in the legacy version 1 format.
   */
  | 'scan-note'

export interface Finding {
  kind: FindingKind
  severity: Severity
  message: string
  file?: string
  line?: number
  /** The image the finding is about, fully qualified, when there is one. */
  image?: string
  /** What to do about it, copy-pasteable where possible. */
  suggestion?: string
}

/** base: a third-party image to mirror. service: an image this repository builds. */
export type ImageKind = 'base' | 'service'

/** How a reference was written. */
export type ReferenceSource = 'compose-image' | 'compose-build' | 'from' | 'copy-from' | 'mount-from'

/** One reference as extraction sees it: text with variables resolved, and where it stands. */
export interface ExtractedReference {
  kind: ImageKind
  /** The reference text after variable substitution, not yet normalised. */
  text: string
  origin: Origin
  source: ReferenceSource
  /** `--platform` of a FROM, or `platform:` of a compose service, when given. */
  platform?: string
  /** Compose service name, when the reference came from a compose file. */
  service?: string
  /** How to build it (service images only). */
  build?: BuildSpec
  /** A BuildKit frontend named by a Dockerfile's `# syntax=` directive (a base image BuildKit pulls). */
  frontend?: boolean
}

/** A compose `build:` section resolved against the repository. Paths are relative to the scanned directory. */
export interface BuildSpec {
  context: string
  /** Relative to the scanned directory; when `dockerfileInline` is set, the path it stands for (may not exist). */
  dockerfile: string
  target?: string
  args: Record<string, string>
  /** Dockerfile text to build from instead of reading `dockerfile`: compose `dockerfile_inline`, or a template rendered in memory. */
  dockerfileInline?: string
  /** The `*.tpl`/`*.template` file the Dockerfile text was rendered from, when it was. */
  template?: string
  /** Normalised sources of the images this build (its target and the stages it needs) pulls, the frontend included. */
  needs?: string[]
  /** Named contexts that are images: context name → normalised source (`docker-image://…`, or a `service:` context's image). */
  contextImages?: Record<string, string>
  /** The rest of compose's `build:` keys, as written (interpolated); the build phase decides what it honours. */
  platforms?: string[]
  /** compose build.secrets, each joined to its top-level `secrets:` definition. */
  secrets?: BuildSecret[]
  ssh?: string[]
  additionalContexts?: Record<string, string>
  cacheFrom?: string[]
  cacheTo?: string[]
  labels?: Record<string, string>
  network?: string
  extraHosts?: string[]
  shmSize?: string
  tags?: string[]
  /** Other `build:` keys present (privileged, ulimits, pull, no_cache, …), not read into a field: a build that cannot honour them should warn. */
  otherKeys?: string[]
}

/**
 * One entry of a compose build's `secrets`, joined to its top-level definition.
 * Names only: a secret's value never enters the plan.
 */
export interface BuildSecret {
  /** The id a Dockerfile mounts (`RUN --mount=type=secret,id=…`): the long syntax's `target`, else the secret's name. */
  id: string
  /** The secret's name under the top-level `secrets:`. */
  name: string
  /** Where the build lists it. */
  origin: Origin
  /** `file:`, relative to the scanned directory (it may lead out of it: the plan stage confines it to the workspace). */
  file?: string
  /** `environment:`, the name of the variable holding the value. */
  environment?: string
  /**
   * Why a build cannot use it (a finding already says so): `undefined`, no
   * top-level definition (compose refuses the project); `external`, a secret of
   * the platform (`external`, or neither `file` nor `environment`).
   */
  unusable?: 'undefined' | 'external'
}

/** One deduplicated image of the inventory with every place that references it. */
export interface InventoryImage {
  kind: ImageKind
  /** Normalised, fully qualified: `docker.io/library/postgres:15-alpine`. */
  source: string
  ref: ImageReference
  origins: Origin[]
  /** Service images: how to build them (the first compose service that builds it). */
  build?: BuildSpec
  /** Platforms requested where it is referenced, if any. */
  platforms?: string[]
  /** Only ever named by a `# syntax=` directive: the BuildKit frontend image. */
  frontend?: boolean
}

export interface Inventory {
  images: InventoryImage[]
  findings: Finding[]
  /** Files scanned, relative to the scanned directory, sorted. */
  files: string[]
}

/** What became of an image in mapping: the one field every later stage reads. */
export type MappingOutcome = 'mapped' | 'excluded' | 'unmapped' | 'collision' | 'invalid'

export interface PlannedImage extends InventoryImage {
  /** mapped: it has a target; anything else: target is null and a finding says why (excluded: a notice). */
  mapping: MappingOutcome
  /** Fully qualified target, or null unless mapping is 'mapped'. */
  target: string | null
  targetRef?: ImageReference
}

export interface Plan {
  images: PlannedImage[]
  findings: Finding[]
  files: string[]
}

export type ImageStatus =
  | 'planned'
  | 'unmapped'
  | 'mirrored'
  | 'already-present'
  | 'built'
  | 'pushed'
  | 'verified'
  /** Written into a bundle (mode export). */
  | 'exported'
  /** Pushed from a bundle (mode import). */
  | 'imported'
  | 'missing'
  | 'failed'
  | 'skipped'

/** Which side of an operation a failure is on: the source registry, the target registry, or this machine (docker, files). */
export type FailureSide = 'source' | 'target' | 'local'

/** What went wrong, as the engine knows it, never guessed from message text later. */
export type FailureKind =
  /** Credentials missing or refused (401, docker login failed). */
  | 'unauthorized'
  /** Authenticated but not allowed (403): no pull or push permission. */
  | 'denied'
  /** The image, tag or blob does not exist on that side. */
  | 'not-found'
  /** The host could not be reached, or kept failing after the retries (network, 5xx). */
  | 'unreachable'
  /** 429, or stopped before running out of Docker Hub's pull quota. */
  | 'rate-limited'
  /** Bytes or digests did not match what was announced; hostile or broken registry. */
  | 'integrity'
  /** docker build failed. */
  | 'build-failed'
  /** The image is not in the local daemon and the policy forbids pulling it. */
  | 'not-local'
  /** A local image differs from its source registry's current image, which the target already holds. */
  | 'stale-local'
  /** The engine cannot do this (no docker binary, a platform missing from an index). */
  | 'unsupported'
  /** The run was cancelled or hit its deadline. */
  | 'cancelled'
  | 'other'

export interface Failure {
  kind: FailureKind
  side: FailureSide
  phase: PhaseName
  /** The registry host concerned, when there is one. */
  host?: string
  /** One line: what failed, e.g. "push 127.0.0.1:5000/app:v1: unauthorized: authentication required". */
  message: string
  /** A fact the engine found that explains it (e.g. "a tag with another structure is local: docker tag a b"). */
  hint?: string
}

export type PhaseName = 'mirror' | 'build' | 'push' | 'verify' | 'export' | 'import'

/** What happened to one image in one phase. */
export interface PhaseResult {
  phase: PhaseName
  status: ImageStatus
  durationMs: number
  digest?: string
  /** Bytes of the image (compressed layers + config), when known. */
  size?: number
  platforms?: string[]
  bytesTransferred?: number
  bytesSkipped?: number
  /** Why it failed, in one line. */
  error?: string
  /** The typed failure behind `error`, when the phase failed; report/advice turns it into the suggestion. */
  failure?: Failure
  /** Commands run (or, in a dry run, that would run) for this image in this phase, in order; secrets elided. */
  commands?: string[]
  /** The tool's own output kept for failures (docker stderr, HTTP body). */
  log?: string
  suggestion?: string
}

export interface ImageResult {
  image: PlannedImage
  /** The final status: the last phase's, or the first failure. */
  status: ImageStatus
  phases: PhaseResult[]
}
