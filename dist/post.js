import { createRequire as __imageMirrorRequire } from 'node:module';
const require = __imageMirrorRequire(import.meta.url);
import {
  getState,
  info,
  warning
} from "./chunks/chunk-QLJTGL5W.js";
import {
  readRunState,
  removePartials,
  saveStore,
  storeContents,
  storeDir
} from "./chunks/chunk-EBTGWOLB.js";
import {
  CACHE_STATE,
  removePrivateDockerConfig,
  saveDecision
} from "./chunks/chunk-IOAWOIKA.js";
import "./chunks/chunk-LRCA6YLR.js";
import "./chunks/chunk-7FBY6XPY.js";
import "./chunks/chunk-SVPXH4ZQ.js";

// lib/post.js
var DOCKER_CONFIG_STATE = "docker-config";
async function runPost() {
  removeDockerConfig();
  await saveCache();
}
function removeDockerConfig() {
  const dir = getState(DOCKER_CONFIG_STATE);
  if (dir === "")
    return;
  try {
    if (removePrivateDockerConfig(dir))
      info("Removed the private docker config of image-mirror (its docker logins).");
  } catch (error) {
    warning(`Could not remove image-mirror's private docker config ${dir}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
async function saveCache() {
  const dir = getState(CACHE_STATE);
  if (dir === "")
    return;
  try {
    const store = storeDir(dir);
    removePartials(store);
    const held = storeContents(store);
    const state = readRunState(dir);
    const decision = saveDecision(state, held.blobs);
    if (!decision.save || state === void 0) {
      info(`The image-mirror cache is not saved: ${decision.reason}.`);
      return;
    }
    const key = state.key;
    info(`Saving the image-mirror cache as ${key} (${held.blobs} entries, ${(held.bytes / 1024 / 1024).toFixed(1)} MiB): ${decision.reason}.`);
    const saved = await saveStore(dir, key);
    if (saved.ok)
      info(`Saved the image-mirror cache as ${key}.`);
    else
      warning(`The image-mirror cache was not saved: ${saved.reason}`);
  } catch (error) {
    warning(`The image-mirror cache was not saved: ${error instanceof Error ? error.message : String(error)}`);
  }
}

// lib/post-entry.js
await runPost();
