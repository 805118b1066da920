/**
 * The one parser and normaliser of image references, after the grammar of
 * docker/distribution's `reference` package. Every other module goes through
 * here; nothing else splits image names on '/' or ':'.
 */

export const DOCKER_HUB = 'docker.io'
const LEGACY_DOCKER_HUB = 'index.docker.io'
export const DEFAULT_TAG = 'latest'
const NAME_TOTAL_MAX = 255

const alphanumeric = '[a-z0-9]+'
const separator = '(?:[._]|__|[-]+)'
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
const ipv6 = '\\[(?:[a-fA-F0-9:]+)\\]'
const domain = `(?:${domainComponent}(?:\\.${domainComponent})*|${ipv6})(?::[0-9]+)?`

const PATH_COMPONENT = new RegExp(`^${pathComponent}$`)
const DOMAIN = new RegExp(`^${domain}$`)
const TAG = /^[\w][\w.-]{0,127}$/
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/
const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/

/** A normalised image reference: registry is always set, Docker Hub official images carry library/. */
export interface ImageReference {
  /** Registry host with optional port, e.g. `docker.io`, `quay.io`, `127.0.0.1:5000`. */
  readonly registry: string
  /** Repository path below the registry, e.g. `library/postgres`, `minio/minio`. */
  readonly repository: string
  /** Tag; `latest` when the text had neither tag nor digest. */
  readonly tag?: string
  /** Content digest, e.g. `sha256:…`. */
  readonly digest?: string
}

export class ReferenceFormatError extends Error {
  constructor(
    readonly text: string,
    readonly reason: string
  ) {
    super(`Invalid image reference '${text}': ${reason}`)
    this.name = 'ReferenceFormatError'
  }
}

/**
 * Parses and normalises `text` the way `docker pull` reads it:
 * `postgres` → `docker.io/library/postgres:latest`.
 * Throws ReferenceFormatError with the reason when the text is not a reference.
 */
export function parseReference(text: string): ImageReference {
  const fail = (reason: string): never => {
    throw new ReferenceFormatError(text, reason)
  }
  if (text.length === 0) fail('it is empty')
  if (/\s/.test(text)) fail('it contains white space')

  let rest = text
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at >= 0) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
    if (!DIGEST.test(digest)) fail(`'${digest}' is not a valid digest (expected algorithm:hex)`)
    if (digest.startsWith('sha256:') && !SHA256_DIGEST.test(digest)) {
      fail('a sha256 digest must be 64 lowercase hexadecimal characters')
    }
  }

  // A tag is whatever follows the last ':' that comes after the last '/'.
  let tag: string | undefined
  const lastSlash = rest.lastIndexOf('/')
  const colon = rest.indexOf(':', lastSlash + 1)
  if (colon >= 0) {
    tag = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
    if (!TAG.test(tag)) fail(`'${tag}' is not a valid tag`)
  }
  if (rest.length === 0) fail('the repository name is missing')
  if (rest.length > NAME_TOTAL_MAX) fail(`the repository name is longer than ${NAME_TOTAL_MAX} characters`)

  let registry = DOCKER_HUB
  let path = rest
  const firstSlash = rest.indexOf('/')
  if (firstSlash >= 0) {
    const head = rest.slice(0, firstSlash)
    if (looksLikeRegistry(head)) {
      if (!DOMAIN.test(head)) fail(`'${head}' is not a valid registry host`)
      registry = head
      path = rest.slice(firstSlash + 1)
    }
  }
  if (registry === LEGACY_DOCKER_HUB) registry = DOCKER_HUB

  const components = path.split('/')
  for (const component of components) {
    if (component.length === 0) fail('the repository name has an empty path component')
    if (!PATH_COMPONENT.test(component)) {
      if (PATH_COMPONENT.test(component.toLowerCase())) fail('repository names must be lowercase')
      fail(`'${component}' is not a valid repository path component`)
    }
  }
  if (registry === DOCKER_HUB && components.length === 1) path = `library/${path}`

  if (tag === undefined && digest === undefined) tag = DEFAULT_TAG
  return { registry, repository: path, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) }
}

/**
 * `postgres:15` as people write it, not `docker.io/library/postgres:15`; a
 * reference written without a tag (version-drift names a repository) stays
 * without one, no `:latest` added. Text that is not a reference is returned as is.
 */
export function familiarText(text: string): string {
  const parsed = tryParseReference(text)
  if (!('ref' in parsed)) return text
  const { ref } = parsed
  const tagWritten = ref.digest !== undefined || (ref.tag !== undefined && text.endsWith(`:${ref.tag}`))
  return familiarName(tagWritten ? ref : { registry: ref.registry, repository: ref.repository })
}

/** Like parseReference, but returns the error instead of throwing it. */
export function tryParseReference(text: string): { ref: ImageReference } | { error: ReferenceFormatError } {
  try {
    return { ref: parseReference(text) }
  } catch (error) {
    if (error instanceof ReferenceFormatError) return { error }
    throw error
  }
}

// docker treats the first component as a host when it has a '.' or ':', is
// localhost, or has upper case (which a repository path cannot have).
function looksLikeRegistry(head: string): boolean {
  return head.includes('.') || head.includes(':') || head === 'localhost' || head.startsWith('[') || head !== head.toLowerCase()
}

/** `registry/repository` without tag or digest. */
export function repositoryName(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}`
}

/** The fully qualified form: `docker.io/library/postgres:15-alpine@sha256:…`. */
export function formatReference(ref: ImageReference): string {
  return `${repositoryName(ref)}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`
}

/** The short form people write: `postgres:15-alpine`, `quay.io/minio/minio:latest`. */
export function familiarName(ref: ImageReference): string {
  let name = repositoryName(ref)
  if (ref.registry === DOCKER_HUB) {
    name = ref.repository.startsWith('library/') && ref.repository.split('/').length === 2 ? ref.repository.slice(8) : ref.repository
  }
  return `${name}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`
}

/** Docker Hub official images: `docker.io/library/<name>`. */
export function isOfficialImage(ref: ImageReference): boolean {
  return ref.registry === DOCKER_HUB && ref.repository.startsWith('library/') && ref.repository.split('/').length === 2
}

/** The path components of the repository: `minio/minio` → ['minio', 'minio']. */
export function repositoryPath(ref: ImageReference): string[] {
  return ref.repository.split('/')
}

/** A copy of `ref` with other parts; an undefined tag or digest removes it. */
export function withParts(ref: ImageReference, parts: Partial<ImageReference>): ImageReference {
  const merged = { ...ref, ...parts }
  const result: { -readonly [K in keyof ImageReference]: ImageReference[K] } = {
    registry: merged.registry,
    repository: merged.repository
  }
  if ('tag' in parts ? parts.tag !== undefined : ref.tag !== undefined) result.tag = merged.tag
  if ('digest' in parts ? parts.digest !== undefined : ref.digest !== undefined) result.digest = merged.digest
  return result
}

/**
 * Parses a registry target such as `harbor.example.com/aihpc` or `127.0.0.1:5000`:
 * a host, then an optional namespace path. Unlike an image reference the host is
 * never implied, so `aihpc` alone is rejected.
 */
export function parseRegistryTarget(text: string): { registry: string; namespace: string } {
  const trimmed = text.replace(/\/+$/, '')
  const slash = trimmed.indexOf('/')
  const host = slash >= 0 ? trimmed.slice(0, slash) : trimmed
  const namespace = slash >= 0 ? trimmed.slice(slash + 1) : ''
  if (!looksLikeRegistry(host) || !DOMAIN.test(host)) {
    throw new ReferenceFormatError(text, `'${host}' is not a registry host (expected e.g. harbor.example.com/project or localhost:5000)`)
  }
  if (host !== host.toLowerCase() && !host.startsWith('[')) {
    throw new ReferenceFormatError(text, 'registry hosts must be lowercase')
  }
  if (namespace !== '') {
    for (const component of namespace.split('/')) {
      if (!PATH_COMPONENT.test(component)) {
        throw new ReferenceFormatError(text, `'${component}' is not a valid namespace path component`)
      }
    }
  }
  return { registry: host === LEGACY_DOCKER_HUB ? DOCKER_HUB : host, namespace }
}
