import { createRequire as __imageMirrorRequire } from 'node:module';
const require = __imageMirrorRequire(import.meta.url);
import {
  safeLine
} from "./chunks/chunk-BJUT4RHK.js";
import {
  getState,
  info,
  warning
} from "./chunks/chunk-QLJTGL5W.js";
import {
  readRunState,
  removePartials,
  sanitizeStore,
  saveStore,
  storeContents,
  storeDir
} from "./chunks/chunk-E2PIM3G2.js";
import {
  CACHE_STATE,
  formatBytes,
  removePrivateDockerConfig,
  saveDecision
} from "./chunks/chunk-BFJECO4U.js";
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
    sanitizeStore(store);
    removePartials(store);
    const held = storeContents(store);
    const state = readRunState(dir);
    const decision = saveDecision(state, held.blobs);
    if (!decision.save || state === void 0) {
      info(safeLine(`The image-mirror cache is not saved: ${decision.reason}.`));
      return;
    }
    const key = state.key;
    info(safeLine(`Saving the image-mirror cache as ${key} (${held.blobs} entries, ${formatBytes(held.bytes)}): ${decision.reason}.`));
    const saved = await saveStore(dir, key);
    if (saved.ok)
      info(safeLine(`Saved the image-mirror cache as ${key}.`));
    else
      warning(safeLine(`The image-mirror cache was not saved: ${saved.reason}`));
  } catch (error) {
    warning(safeLine(`The image-mirror cache was not saved: ${error instanceof Error ? error.message : String(error)}`));
  }
}

// lib/post-entry.js
await runPost();
