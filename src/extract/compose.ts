/**
 * Compose files → the services of one compose project: each service's image,
 * build section and platform, with interpolation done and every value keeping
 * the file and line where it is written. Pure: files come in through
 * `readFile` (paths relative to the scanned root, POSIX separators).
 *
 * The work is split by responsibility:
 * - compose-loader.ts: files, env files, `include`, `extends`, the legacy
 *   version 1 layout and the project name;
 * - compose-draft.ts: services as written in one file, and how drafts merge;
 * - compose-service.ts: interpolation and every `build:` key;
 * - compose-rewrite.ts: the deployment file (images pointed at targets).
 *
 * What it follows, as `docker compose config` does:
 * - several files merged in order (`-f base -f override`): later scalars win,
 *   `build` mappings merge field by field (`args`, `labels`,
 *   `additional_contexts` key by key, lists appended); `!reset` removes a
 *   value and `!override` replaces a mapping instead of merging it;
 * - YAML anchors, aliases and `<<` merge keys; top-level `x-` fields and every
 *   other top-level key except `name`, `include`, `services` and `secrets` (what
 *   build.secrets name) are ignored; `secrets` merge across files like a
 *   service's mappings, an included file's come in with its services;
 * - `extends` (same file, or `file:` another one) and top-level `include`;
 * - every profile counts (`profiles` is ignored): a mirror must hold what any
 *   profile may start;
 * - an unset variable is the empty string, with compose's warning ("The "X"
 *   variable is not set. Defaulting to a blank string."); an image that is no
 *   longer a reference once blanked is an error;
 * - a version 1 file (services at the top level) is read, with a notice.
 *
 * Choices where compose leaves room:
 * - An image written in an anchor and used through an alias or merge key gets
 *   the line where the scalar is written (in the anchor).
 * - Paths (`build.context`, `include`) in the first file and its overrides are
 *   relative to the first file's directory (compose's project directory);
 *   in an included file or an `extends: file:` target, to that file's directory.
 * - Variables: `options.env` (the process environment) wins over env files.
 *   The `.env` beside the first compose file is read when it exists, and
 *   `options.envFiles` are read after it, in order, later ones winning. They add
 *   to `.env` rather than replace it (as `docker compose --env-file` would), so
 *   one `env-file` input serves a repository with several projects. An included
 *   file sees the including project's environment first, then its own `.env`
 *   (or the include's `env_file`).
 * - Project name, in compose's documented order: COMPOSE_PROJECT_NAME (from the
 *   environment or the env files), then the last top-level `name:`, then the
 *   first file's directory name; for a file at the scanned root, whose
 *   directory name this pure stage cannot see, `options.rootDirectoryName`
 *   or else 'project'. Normalised as compose-go does; a COMPOSE_PROJECT_NAME
 *   compose would have to change is an error, as compose refuses it.
 * - `project.files` lists the compose files read (including `extends` and
 *   `include` targets), not the env files.
 */
import * as path from 'node:path'
import type { Finding } from '../model.js'
import { mergeSecretDefinitions, mergeServices, type RawValue, type SecretDefinitionDraft, type ServiceDraft } from './compose-draft.js'
import { ComposeLoader, normalisePath, normaliseProjectName } from './compose-loader.js'
import { resolveService, type ComposeService } from './compose-service.js'

export { rewriteComposeImages } from './compose-rewrite.js'
export { normaliseProjectName } from './compose-loader.js'
export type { ComposeBuild, ComposeImage, ComposeService, InlineDockerfile, UnscannedBuild } from './compose-service.js'

export interface ComposeProject {
  name: string
  /** The files the project was loaded from (`-f` order): the base file, then its overrides. */
  inputs: string[]
  /** Every compose file read, includes and `extends` targets too. */
  files: string[]
  /** The compose files it reads through a top-level `include` (with the include's env_file and directory). */
  included: string[]
  /** The text of every compose file read (templates rendered), so later stages need not read them again. */
  texts: ReadonlyMap<string, string>
  services: ComposeService[]
  findings: Finding[]
}

export interface ComposeLoadOptions {
  env: Record<string, string>
  envFiles: string[]
  readFile: (relativePath: string) => string | undefined
  /** Directory name of the scanned root, for the project name of a compose file that sits there. */
  rootDirectoryName?: string
}

/** Loads one compose project: `files[0]` is the base file, the rest override it in order. */
export function loadComposeProject(files: string[], options: ComposeLoadOptions): ComposeProject {
  const loader = new ComposeLoader(options)
  const first = files[0]
  if (first === undefined) {
    return { name: normaliseProjectName(options.rootDirectoryName ?? '') || 'project', inputs: [], files: [], included: [], texts: new Map(), services: [], findings: [] }
  }
  const projectDirectory = path.posix.dirname(normalisePath(first))
  const lookup = loader.environment([{ file: path.posix.join(projectDirectory, '.env'), required: false }])

  const merged = new Map<string, ServiceDraft>()
  let nameValue: RawValue | undefined
  let secrets = new Map<string, SecretDefinitionDraft>()
  const inputs = files.map(normalisePath)
  for (const file of inputs) {
    const loaded = loader.loadFile(file, { file, workingDir: projectDirectory, lookup }, [file])
    if (loaded === undefined) {
      loader.values.report('invalid-file', 'error', `Compose file ${file} does not exist or cannot be read`, { file })
      continue
    }
    if (loaded.name !== undefined) nameValue = loaded.name
    if (loaded.secrets !== undefined) secrets = mergeSecretDefinitions(secrets, loaded.secrets)
    for (const [name, draft] of loaded.services) {
      const existing = merged.get(name)
      merged.set(name, existing === undefined ? draft : mergeServices(existing, draft))
    }
  }

  const name = loader.projectName(nameValue, lookup, projectDirectory, inputs[0] as string)
  const services: ComposeService[] = []
  for (const draft of merged.values()) {
    const service = resolveService(draft, loader.values, secrets)
    if (service !== undefined) services.push(service)
  }
  return { name, inputs, files: loader.files, included: loader.included, texts: loader.texts, services, findings: uniqueFindings(loader.values.findings) }
}

/** The image `docker compose build` tags a service that has no `image:`: `<project>-<service>`. */
export function defaultServiceImageName(projectName: string, serviceName: string): string {
  return `${normaliseProjectName(projectName)}-${serviceName}`
}

function uniqueFindings(findings: Finding[]): Finding[] {
  const seen = new Set<string>()
  return findings.filter(finding => {
    const key = JSON.stringify([finding.kind, finding.severity, finding.message, finding.file, finding.line])
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
