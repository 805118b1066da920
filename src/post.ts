/**
 * The action's post step (`post-if: always()`): removes the private
 * DOCKER_CONFIG the main step made for its docker logins, whether the main
 * step succeeded, failed, was cancelled or was killed. It touches nothing
 * else: a path that is not one of our private directories is left alone
 * (src/docker-config.ts), and the user's docker config is never read or
 * written here.
 */
import * as core from '@actions/core'
import { removePrivateDockerConfig } from './docker-config.js'

/** The state name the main step saved the directory under (src/main.ts). */
const DOCKER_CONFIG_STATE = 'docker-config'

export function runPost(): void {
  const dir = core.getState(DOCKER_CONFIG_STATE)
  if (dir === '') return
  try {
    if (removePrivateDockerConfig(dir)) core.info('Removed the private docker config of image-mirror (its docker logins).')
  } catch (error) {
    core.warning(`Could not remove image-mirror's private docker config ${dir}: ${error instanceof Error ? error.message : String(error)}`)
  }
}
