/**
 * Manifests of images in registries, without pulling them: `docker manifest
 * inspect --verbose` (ManifestLookup: verify with engine docker, and what a
 * registry-mirror says after a failed pull), and HEAD requests through the
 * registry engine's clients (RegistryManifests: the "already present" check).
 */
import { familiarName, type ImageReference } from '../../reference.js'
import type { OperationContext } from '../port.js'
import type { DockerCli } from './cli.js'
import { displayCommand, manifestInspectCommand, serverPlatformCommand, type DockerCommand } from './commands.js'
import { pullScope } from '../registry/blob.js'
import { header } from '../registry/client.js'
import { checkDigest, isIndexType, MANIFEST_ACCEPT, MAX_MANIFEST_BYTES, parseManifest, platformMatches, type Manifest } from '../registry/manifest.js'
import type { Registries } from '../registry/registries.js'

export interface ManifestInfo {
  /** Digest of the manifest for the daemon's platform. */
  digest: string
  configDigest?: string
  size?: number
  platforms?: string[]
}

export class ManifestLookup {
  private platform: Promise<string> | undefined

  constructor(
    private readonly cli: DockerCli,
    private readonly isInsecure: (host: string) => boolean
  ) {}

  command(ref: ImageReference): DockerCommand {
    return manifestInspectCommand(ref, this.isInsecure(ref.registry))
  }

  async inspect(ref: ImageReference, context: OperationContext): Promise<ManifestInfo> {
    const command = this.command(ref)
    context.record(displayCommand(command))
    const result = await this.cli.run(command, { signal: context.signal })
    let parsed: unknown
    try {
      parsed = JSON.parse(result.stdout)
    } catch {
      throw new Error(`unexpected output of ${displayCommand(command)}`)
    }
    const entries = (Array.isArray(parsed) ? parsed : [parsed]) as VerboseManifest[]
    const platforms = entries
      .map(entry => entry.Descriptor?.platform)
      .filter((platform): platform is Platform => platform?.os !== undefined && platform.architecture !== undefined)
      .map(platform => `${platform.os}/${platform.architecture}${platform.variant ? `/${platform.variant}` : ''}`)
    let chosen = entries[0]
    if (entries.length > 1) {
      const daemon = await this.daemonPlatform()
      chosen = entries.find(entry => `${entry.Descriptor?.platform?.os}/${entry.Descriptor?.platform?.architecture}` === daemon) ?? chosen
    }
    const manifest = chosen?.SchemaV2Manifest ?? chosen?.OCIManifest
    const digest = chosen?.Descriptor?.digest
    if (digest === undefined) throw new Error(`unexpected output of ${displayCommand(command)} for ${familiarName(ref)}`)
    const size =
      manifest?.config?.size !== undefined && manifest.layers !== undefined
        ? manifest.layers.reduce((total, layer) => total + (layer.size ?? 0), manifest.config.size)
        : undefined
    return {
      digest,
      ...(manifest?.config?.digest !== undefined && { configDigest: manifest.config.digest }),
      ...(size !== undefined && { size }),
      ...(platforms.length > 0 && { platforms })
    }
  }

  /** `os/arch` of the daemon (linux/amd64 when docker does not say). */
  daemonPlatform(): Promise<string> {
    this.platform ??= this.cli
      .run(serverPlatformCommand())
      .then(result => result.stdout.trim())
      .catch(() => 'linux/amd64')
    return this.platform
  }
}

interface Platform {
  os?: string
  architecture?: string
  variant?: string
}

interface ImageManifest {
  config?: { digest?: string; size?: number }
  layers?: Array<{ size?: number }>
}

/** One entry of `docker manifest inspect --verbose`. */
interface VerboseManifest {
  Descriptor?: { digest?: string; size?: number; platform?: Platform }
  SchemaV2Manifest?: ImageManifest
  OCIManifest?: ImageManifest
}

/** What a HEAD of a manifest says: its digest, and whether it is an index (several platforms). */
export interface ManifestHead {
  digest: string
  mediaType?: string
  index: boolean
}

/**
 * Manifest reads through the registry engine's clients, for the docker
 * engine's "already present" check: HEAD requests, which Docker Hub does not
 * count against the pull quota, where `docker manifest inspect --verbose`
 * GETs the index and every platform manifest. A GET is made only when digests
 * alone cannot tell (see DockerEngine.prepareCopy). Sources are read through
 * the read client (the registry-mirror for Docker Hub names), targets through
 * the write client.
 */
export class RegistryManifests {
  constructor(
    private readonly registries: Registries,
    private readonly daemonPlatform: () => Promise<string>
  ) {}

  /** The HEAD line the image's log shows. */
  describeHead(ref: ImageReference, side: 'source' | 'target'): string {
    return this.client(ref, side).describe('HEAD', `/v2/${ref.repository}/manifests/${selector(ref)}`)
  }

  /** The manifest's digest by one HEAD, or undefined when the registry does not have it. */
  async head(ref: ImageReference, side: 'source' | 'target', context: OperationContext): Promise<ManifestHead | undefined> {
    const client = this.client(ref, side)
    const reference = selector(ref)
    const where = `${client.host}/${ref.repository}:${reference}`
    context.record(this.describeHead(ref, side))
    const answer = await client.request(
      {
        method: 'HEAD',
        path: `/v2/${ref.repository}/manifests/${reference}`,
        headers: { accept: MANIFEST_ACCEPT },
        scopes: [pullScope(ref.repository)],
        expect: [200, 404],
        kind: 'manifest',
        verify: response => {
          const digest = header(response.headers['docker-content-digest'])
          if (digest !== undefined) checkDigest(digest, `${where} Docker-Content-Digest`)
        }
      },
      { signal: context.signal, record: line => context.record(line) }
    )
    if (answer.status === 404) return undefined
    const mediaType = header(answer.headers['content-type'])?.split(';')[0]?.trim()
    const digest = header(answer.headers['docker-content-digest']) ?? ref.digest
    if (digest === undefined) {
      // A registry that does not say the digest on HEAD: only then a GET (of the target, or of a source pinned by nothing).
      const manifest = await this.get(ref, reference, side, context)
      return { digest: manifest.digest, mediaType: manifest.mediaType, index: isIndexType(manifest.mediaType) }
    }
    return { digest, ...(mediaType !== undefined && { mediaType }), index: mediaType !== undefined && isIndexType(mediaType) }
  }

  /**
   * The config digest of the daemon's platform's image behind a manifest
   * digest (an index is resolved to that platform's child), and the digests
   * of the index's children: GETs, made only when digests alone cannot tell.
   */
  async platformConfig(ref: ImageReference, digest: string, side: 'source' | 'target', context: OperationContext): Promise<{ configDigest?: string; children: string[] }> {
    const top = await this.get(ref, digest, side, context)
    if (!isIndexType(top.mediaType)) return { ...configOf(top), children: [] }
    const platform = await this.daemonPlatform()
    const chosen = top.manifests.find(child => platformMatches(child.platform, platform)) ?? top.manifests[0]
    const children = top.manifests.map(child => child.digest)
    if (chosen === undefined) return { children }
    return { ...configOf(await this.get(ref, chosen.digest, side, context)), children }
  }

  private async get(ref: ImageReference, reference: string, side: 'source' | 'target', context: OperationContext): Promise<Manifest> {
    const client = this.client(ref, side)
    const where = `${client.host}/${ref.repository}:${reference}`
    const answer = await client.request(
      {
        method: 'GET',
        path: `/v2/${ref.repository}/manifests/${reference}`,
        headers: { accept: MANIFEST_ACCEPT },
        scopes: [pullScope(ref.repository)],
        expect: [200],
        kind: 'manifest',
        maxBodyBytes: MAX_MANIFEST_BYTES
      },
      { signal: context.signal, record: line => context.record(line) }
    )
    const manifest = parseManifest(answer.body, header(answer.headers['content-type']), where)
    if (reference.includes(':') && manifest.digest !== reference) {
      throw new Error(`${where}: the manifest received hashes to ${manifest.digest}, expected ${reference}`)
    }
    return manifest
  }

  private client(ref: ImageReference, side: 'source' | 'target') {
    return this.registries.client(ref.registry, side === 'source' ? 'read' : 'write')
  }
}

function configOf(manifest: Manifest): { configDigest?: string } {
  const config = manifest.blobs[0]
  return config === undefined ? {} : { configDigest: config.digest }
}

function selector(ref: ImageReference): string {
  return ref.digest ?? (ref.tag as string)
}
