/**
 * `docker manifest inspect --verbose`: the manifest of an image in a registry
 * for the daemon's platform, without pulling it.
 */
import { familiarName, type ImageReference } from '../../reference.js'
import type { OperationContext } from '../port.js'
import type { DockerCli } from './cli.js'
import { displayCommand, manifestInspectCommand, serverPlatformCommand, type DockerCommand } from './commands.js'

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

  private daemonPlatform(): Promise<string> {
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
