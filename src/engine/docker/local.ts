/**
 * The local daemon's images: one image by name, and the facts that explain a
 * missing target (a tag with another structure, the source being local).
 */
import { familiarName, repositoryName, repositoryPath, tryParseReference, type ImageReference } from '../../reference.js'
import type { OperationContext } from '../port.js'
import { DockerCommandError, type DockerCli } from './cli.js'
import { displayCommand, inspectImageCommand, listImagesCommand } from './commands.js'

export interface LocalImage {
  id: string
  repoDigests: string[]
}

export class LocalImages {
  constructor(private readonly cli: DockerCli) {}

  /** The image by name, or undefined when the daemon has no such image. */
  async inspect(name: string, context: OperationContext): Promise<LocalImage | undefined> {
    const command = inspectImageCommand(name)
    context.record(displayCommand(command))
    try {
      const result = await this.cli.run(command, { signal: context.signal })
      const line = result.stdout.trim()
      const space = line.indexOf(' ')
      const id = space < 0 ? line : line.slice(0, space)
      let repoDigests: string[] = []
      try {
        const parsed: unknown = JSON.parse(line.slice(space + 1))
        if (Array.isArray(parsed)) repoDigests = parsed.filter((item): item is string => typeof item === 'string')
      } catch {
        // No repo digests (a locally built image).
      }
      return { id, repoDigests }
    } catch (error) {
      if (error instanceof DockerCommandError && /no such image/i.test(error.stderr)) return undefined
      throw error
    }
  }

  repoDigestFor(local: LocalImage, target: ImageReference): string | undefined {
    for (const entry of local.repoDigests) {
      const parsed = tryParseReference(entry)
      if ('ref' in parsed && repositoryName(parsed.ref) === repositoryName(target)) return parsed.ref.digest
    }
    return undefined
  }

  /** A fact about the local daemon that explains why `target` is missing, with the command that fixes it. */
  async missingHint(target: ImageReference, context: OperationContext): Promise<string | undefined> {
    const targetName = familiarName(target)
    const lastComponent = repositoryPath(target).at(-1)
    const local = await this.tags(context)
    const sameNameAndTag = local.filter(ref => repositoryPath(ref).at(-1) === lastComponent && ref.tag === target.tag)
    // Prefer a wrongly structured tag in the same registry: that is the usual mistake.
    sameNameAndTag.sort((a, b) => Number(b.registry === target.registry) - Number(a.registry === target.registry))
    const wrong = sameNameAndTag[0]
    if (wrong !== undefined) return `A tag with another structure is local: docker tag ${familiarName(wrong)} ${targetName}`
    const sameName = local.find(ref => repositoryPath(ref).at(-1) === lastComponent && ref.registry === target.registry)
    if (sameName !== undefined) return `Only ${familiarName(sameName)} is local; if it is the same image: docker tag ${familiarName(sameName)} ${targetName}`
    return undefined
  }

  async has(name: string, context: OperationContext): Promise<boolean> {
    return (await this.inspect(name, context).catch(() => undefined)) !== undefined
  }

  private async tags(context: OperationContext): Promise<ImageReference[]> {
    const command = listImagesCommand()
    context.record(displayCommand(command))
    const result = await this.cli.run(command, { signal: context.signal })
    const refs: ImageReference[] = []
    for (const line of result.stdout.split('\n')) {
      const text = line.trim()
      if (text === '' || text.includes('<none>')) continue
      const parsed = tryParseReference(text)
      if ('ref' in parsed) refs.push(parsed.ref)
    }
    return refs
  }
}
