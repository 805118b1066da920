/**
 * Plain HTTP calls to a test registry (OCI distribution API), to check what a
 * test pushed without going through docker.
 */
import type { PlannedImage, BuildSpec, ImageKind } from '../../src/model.js'
import { formatReference, parseReference } from '../../src/reference.js'
import type { TestRegistry } from './registry.js'

const MANIFEST_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json'
].join(', ')

function authHeaders(registry: TestRegistry): Record<string, string> {
  const credentials = registry.credentials
  if (credentials === undefined) return {}
  return { Authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}` }
}

/** The manifest digest of repository:tag, or undefined when the registry answers 404. */
export async function manifestDigest(registry: TestRegistry, repository: string, tag: string): Promise<string | undefined> {
  const response = await fetch(`${registry.url}/v2/${repository}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { Accept: MANIFEST_TYPES, ...authHeaders(registry) }
  })
  if (response.status === 404) return undefined
  if (!response.ok) throw new Error(`HEAD ${repository}:${tag} answered ${response.status}`)
  return response.headers.get('docker-content-digest') ?? undefined
}

export async function catalog(registry: TestRegistry): Promise<string[]> {
  const response = await fetch(`${registry.url}/v2/_catalog`, { headers: authHeaders(registry) })
  if (!response.ok) throw new Error(`GET /v2/_catalog answered ${response.status}`)
  return ((await response.json()) as { repositories: string[] }).repositories
}

/** Deletes a manifest by digest (the harness enables storage delete). */
export async function deleteManifest(registry: TestRegistry, repository: string, digest: string): Promise<void> {
  const response = await fetch(`${registry.url}/v2/${repository}/manifests/${digest}`, { method: 'DELETE', headers: authHeaders(registry) })
  if (response.status !== 202) throw new Error(`DELETE ${repository}@${digest} answered ${response.status}`)
}

/** A plan entry as the mapping stage would produce it. */
export function plannedImage(kind: ImageKind, source: string, target: string | null, build?: BuildSpec): PlannedImage {
  const ref = parseReference(source)
  const targetRef = target === null ? undefined : parseReference(target)
  return {
    kind,
    source: formatReference(ref),
    ref,
    origins: [{ file: 'docker-compose.yml', line: 1 }],
    mapping: targetRef === undefined ? 'unmapped' : 'mapped',
    target: targetRef === undefined ? null : formatReference(targetRef),
    ...(targetRef !== undefined && { targetRef }),
    ...(build !== undefined && { build })
  }
}
