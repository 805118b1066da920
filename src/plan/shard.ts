/**
 * Splitting a plan across matrix jobs. Images of one repository (several tags
 * of golang, say) usually share layers, so they stay in one shard; groups are
 * dealt largest first to the least loaded shard, which keeps shards within one
 * group of each other. Deterministic, so every job of a matrix computes the
 * same split from the same repository.
 */
import type { PlannedImage } from '../model.js'
import { repositoryName } from '../reference.js'

export function assignShards(images: readonly PlannedImage[], count: number): PlannedImage[][] {
  const shards: PlannedImage[][] = Array.from({ length: count }, () => [])
  const groups = new Map<string, PlannedImage[]>()
  for (const image of images) {
    const key = repositoryName(image.ref)
    groups.set(key, [...(groups.get(key) ?? []), image])
  }
  // Code-point order, not localeCompare: every job of a matrix must compute the same shards, whatever its runner's locale.
  const ordered = [...groups.entries()].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  for (const [, group] of ordered) {
    let lightest = 0
    for (let i = 1; i < count; i += 1) if ((shards[i]?.length ?? 0) < (shards[lightest]?.length ?? 0)) lightest = i
    shards[lightest]?.push(...group)
  }
  return shards
}

/** The images shard `index` (1-based) of `count` handles. */
export function selectShard(images: readonly PlannedImage[], index: number, count: number): PlannedImage[] {
  return assignShards(images, count)[index - 1] ?? []
}

/** The `matrix` output: `{"shard":["1/3","2/3","3/3"]}` for strategy.matrix. Empty shards are left out. */
export function matrixOutput(images: readonly PlannedImage[], count: number): string {
  const shards = assignShards(images, count)
  const names = shards.flatMap((shard, i) => (shard.length > 0 || i === 0 ? [`${i + 1}/${count}`] : []))
  return JSON.stringify({ shard: names })
}
