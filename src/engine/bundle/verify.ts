/**
 * `verify-from: bundle`: checks, offline, that the bundle holds an image whole:
 * every manifest and blob it carries present, of the size its descriptor names,
 * and hashing to its digest. Each blob is hashed once per run however many
 * images share it. A damaged blob fails every image that references it, each
 * naming the blob; an image the plan has and the bundle lacks is missing.
 */
import { formatReference, type ImageReference } from '../../reference.js'
import { EngineFailure, type LookupOutcome, type OperationContext } from '../port.js'
import { isForeign, isIndexType, MAX_MANIFEST_BYTES, parseManifest } from '../registry/manifest.js'
import { hashBlob, readBlob, type Layout } from './layout.js'
import type { BundleLookupPort } from './port.js'
import type { RecordedImage } from './record.js'

export class BundleVerifier implements BundleLookupPort {
  private readonly checked = new Map<string, Promise<string | undefined>>()

  constructor(
    private readonly layout: Layout,
    /** The recorded image for a target of the plan, or undefined when the bundle has none. */
    private readonly imageFor: (target: ImageReference) => RecordedImage | undefined
  ) {}

  describeLookup(target: ImageReference): string[] {
    return [`check ${formatReference(target)} in ${this.layout.path}: every manifest and blob present, with its size and digest`]
  }

  async lookup(target: ImageReference, context: OperationContext): Promise<LookupOutcome> {
    for (const line of this.describeLookup(target)) context.record(line)
    const image = this.imageFor(target)
    if (image === undefined) return { status: 'missing', hint: `The bundle ${this.layout.path} does not hold it: export the bundle again from a plan that has it (mode: export)` }
    const base = { digest: image.digest, size: image.bytes, ...(image.platforms !== undefined && { platforms: image.platforms }) }
    // A delta leaves out what its baseline carried: nothing of it here to check.
    if (!image.carried) return { status: 'verified', ...base }
    const problems: string[] = []
    const visit = async (digest: string, size: number | undefined, isManifest: boolean): Promise<void> => {
      context.signal.throwIfAborted()
      const location = this.layout.locate(digest)
      if (location === undefined) {
        if (!isManifest || digest === image.digest) problems.push(`${digest} is missing`)
        return
      }
      if (size !== undefined && location.size !== size) {
        problems.push(`${digest} has ${location.size} bytes, ${size} expected`)
        return
      }
      const problem = await this.check(digest)
      if (problem !== undefined) {
        problems.push(problem)
        return
      }
      if (!isManifest) return
      const manifest = parseManifest(await readBlob(location, MAX_MANIFEST_BYTES), digest === image.digest ? image.mediaType : undefined, digest)
      if (isIndexType(manifest.mediaType)) for (const child of manifest.manifests) await visit(child.digest, child.size, true)
      else for (const blob of manifest.blobs.filter(candidate => !isForeign(candidate))) await visit(blob.digest, blob.size, false)
    }
    await visit(image.digest, image.size, true)
    if (problems.length > 0) {
      throw new EngineFailure('integrity', 'local', `the bundle ${this.layout.path} is damaged for ${image.source}: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? `; and ${problems.length - 3} more` : ''}`)
    }
    return { status: 'verified', ...base }
  }

  /** Why the blob's bytes do not hash to its digest, or undefined when they do; hashed once per run. */
  private check(digest: string): Promise<string | undefined> {
    let running = this.checked.get(digest)
    if (running === undefined) {
      running = (async () => {
        const location = this.layout.locate(digest)
        if (location === undefined) return `${digest} is missing`
        const { digest: actual, size } = await hashBlob(location, digest)
        if (size !== location.size) return `${digest} is truncated (${size} of ${location.size} bytes)`
        return actual === digest ? undefined : `${digest} is corrupt (its bytes hash to ${actual})`
      })()
      this.checked.set(digest, running)
    }
    return running
  }
}
