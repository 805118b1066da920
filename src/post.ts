/**
 * The action's post step (`post-if: always()`), whether the main step
 * succeeded, failed, was cancelled or was killed:
 *
 * - removes the private DOCKER_CONFIG the main step made for its docker
 *   logins. It touches nothing else: a path that is not one of our private
 *   directories is left alone (src/docker-config.ts), and the user's docker
 *   config is never read or written here;
 * - with `cache: true`, saves the run's blob store with @actions/cache under
 *   the key the main step restored it for (src/execute/cache.ts), unless that
 *   exact key was restored or the store is empty (src/engine/cache/policy.ts).
 *   @actions/cache is loaded only then.
 */
import * as core from '@actions/core'
import { removePrivateDockerConfig } from './docker-config.js'
import { readRunState, saveStore, storeContents, storeDir } from './engine/cache/service.js'
import { CACHE_STATE, saveDecision } from './engine/cache/policy.js'
import { removePartials } from './engine/bundle/store.js'
import { sanitizeStore } from './engine/cache/blob-cache.js'
import { safeLine } from './report/neutralize.js'
import { formatBytes } from './report/summary.js'

/** The state name the main step saved the directory under (src/main.ts). */
const DOCKER_CONFIG_STATE = 'docker-config'

export async function runPost(): Promise<void> {
  removeDockerConfig()
  await saveCache()
}

function removeDockerConfig(): void {
  const dir = core.getState(DOCKER_CONFIG_STATE)
  if (dir === '') return
  try {
    if (removePrivateDockerConfig(dir)) core.info('Removed the private docker config of image-mirror (its docker logins).')
  } catch (error) {
    core.warning(`Could not remove image-mirror's private docker config ${dir}: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/** Never fails the job: a cache not saved costs the next run its fetches, nothing more. */
async function saveCache(): Promise<void> {
  const dir = core.getState(CACHE_STATE)
  if (dir === '') return
  try {
    const store = storeDir(dir)
    // Links first (they would make the removal below delete where they point), then the temporary
    // files a main step stopped mid-transfer leaves: neither is a blob.
    sanitizeStore(store)
    removePartials(store)
    const held = storeContents(store)
    const state = readRunState(dir)
    const decision = saveDecision(state, held.blobs)
    if (!decision.save || state === undefined) {
      core.info(safeLine(`The image-mirror cache is not saved: ${decision.reason}.`))
      return
    }
    const key = state.key
    // The key and the cache service's answers come from outside this step: printed neutralised.
    core.info(safeLine(`Saving the image-mirror cache as ${key} (${held.blobs} entries, ${formatBytes(held.bytes)}): ${decision.reason}.`))
    const saved = await saveStore(dir, key)
    if (saved.ok) core.info(safeLine(`Saved the image-mirror cache as ${key}.`))
    else core.warning(safeLine(`The image-mirror cache was not saved: ${saved.reason}`))
  } catch (error) {
    core.warning(safeLine(`The image-mirror cache was not saved: ${error instanceof Error ? error.message : String(error)}`))
  }
}
