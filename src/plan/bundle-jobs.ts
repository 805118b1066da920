/**
 * Bundle jobs, derived from the whole plan like every other job (DESIGN.md,
 * "Jobs are derived from the whole plan"): one ExportJob per mapped image for
 * `mode: export` (base images from their source registry, service images from
 * the local daemon where `mode: build` left them, else from the target they
 * were pushed to), one ImportJob per mapped image for `mode: import`, and the
 * VerifyJobs of `verify-from: bundle`. A shard filters them afterwards.
 */
import type { PlannedImage, Plan } from '../model.js'
import { familiarName, parseReference, type ImageReference } from '../reference.js'
import type { VerifyJob } from './jobs.js'
import type { Settings } from '../settings.js'

export interface ExportJob {
  kind: 'export'
  image: string
  imageKind: PlannedImage['kind']
  source: ImageReference
  target: ImageReference
  origins: PlannedImage['origins']
  /** Read from the daemon under this name first (service images), else from `readFrom`. */
  daemonName?: string
  /** The registry reference the bytes are read from. */
  readFrom: ImageReference
}

export interface ImportJob {
  kind: 'import'
  image: string
  imageKind: PlannedImage['kind']
  source: ImageReference
  target: ImageReference
}

export interface BundleJobSet {
  export: ExportJob[]
  import: ImportJob[]
  verify: VerifyJob[]
}

export type BundleMode = 'export' | 'import' | 'verify'

export function planBundleJobs(plan: Plan, mode: BundleMode): BundleJobSet {
  const set: BundleJobSet = { export: [], import: [], verify: [] }
  for (const image of plan.images) {
    if (image.mapping !== 'mapped' || image.target === null) continue
    const target = image.targetRef ?? parseReference(image.target)
    if (mode === 'export') {
      set.export.push({
        kind: 'export',
        image: image.source,
        imageKind: image.kind,
        source: image.ref,
        target,
        origins: image.origins,
        ...(image.kind === 'service' && { daemonName: familiarName(target) }),
        // A service image comes from where it was pushed; a base image from its source.
        readFrom: image.kind === 'service' ? target : image.ref
      })
    } else if (mode === 'import') {
      set.import.push({ kind: 'import', image: image.source, imageKind: image.kind, source: image.ref, target })
    } else {
      set.verify.push({ kind: 'verify', image: image.source, target, source: image.ref, imageKind: image.kind })
    }
  }
  return set
}

/** The jobs of one shard (all when `images` is undefined). */
export function selectBundleJobs(jobs: BundleJobSet, images?: ReadonlySet<string>): BundleJobSet {
  const inShard = (job: { image: string }): boolean => images === undefined || images.has(job.image)
  return { export: jobs.export.filter(inShard), import: jobs.import.filter(inShard), verify: jobs.verify.filter(inShard) }
}

/** The run reads a bundle: mode import, or mode verify given one (its plan stands in for a checkout; verify-from: bundle checks it). */
export function readsBundle(settings: Pick<Settings, 'mode' | 'bundle'>): boolean {
  return settings.bundle !== undefined && (settings.mode === 'import' || settings.mode === 'verify')
}

/** The bundle engine runs the jobs: export, import, and verify-from: bundle (verify-from: registry with a bundle verifies the registry). */
export function isBundleRun(settings: Pick<Settings, 'mode' | 'verifyFrom' | 'bundle'>): boolean {
  return settings.bundle !== undefined && (settings.mode === 'export' || settings.mode === 'import' || (settings.mode === 'verify' && settings.verifyFrom === 'bundle'))
}
