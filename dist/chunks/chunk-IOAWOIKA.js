import { createRequire as __imageMirrorRequire } from 'node:module';
const require = __imageMirrorRequire(import.meta.url);
import {
  DOCKER_HUB
} from "./chunk-7FBY6XPY.js";

// lib/docker-config.js
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
var PRIVATE_CONFIG_PREFIX = "image-mirror-docker-";
var MARKER = ".image-mirror-private-config";
var DOCKER_HUB_LOGIN_KEY = "https://index.docker.io/v1/";
function createPrivateDockerConfig(options) {
  const dir = fs.mkdtempSync(path.join(options.tempDir ?? os.tmpdir(), PRIVATE_CONFIG_PREFIX));
  try {
    fs.chmodSync(dir, 448);
    fs.writeFileSync(path.join(dir, MARKER), "Created by image-mirror for its own docker logins; removed at the end of the run.\n", { mode: 384 });
    seed(dir, path.resolve(options.userDir), options.loginHosts);
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { dir, remove: () => removePrivateDockerConfig(dir) };
}
function removePrivateDockerConfig(dir) {
  const resolved = path.resolve(dir);
  if (!path.basename(resolved).startsWith(PRIVATE_CONFIG_PREFIX))
    return false;
  let stat;
  try {
    stat = fs.lstatSync(resolved);
  } catch {
    return false;
  }
  if (!stat.isDirectory() || !fs.existsSync(path.join(resolved, MARKER)))
    return false;
  fs.rmSync(resolved, { recursive: true, force: true });
  return true;
}
function seed(dir, userDir, loginHosts) {
  let entries;
  try {
    entries = fs.readdirSync(userDir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const from = path.join(userDir, entry.name);
    if (entry.name === "config.json") {
      fs.writeFileSync(path.join(dir, "config.json"), seededConfig(fs.readFileSync(from), loginHosts), { mode: 384 });
    } else if (entry.name !== MARKER && !entry.name.startsWith("config.json")) {
      fs.symlinkSync(from, path.join(dir, entry.name));
    }
  }
}
function seededConfig(bytes, loginHosts) {
  let config;
  try {
    const parsed = JSON.parse(bytes.toString("utf8"));
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      return bytes;
    config = parsed;
  } catch {
    return bytes;
  }
  const helpers = typeof config.credHelpers === "object" && config.credHelpers !== null ? config.credHelpers : void 0;
  if (typeof config.credsStore !== "string" && helpers === void 0)
    return bytes;
  const bypass = {};
  for (const host of loginHosts)
    for (const key of loginKeys(host))
      bypass[key] = "";
  if (Object.keys(bypass).length === 0)
    return bytes;
  return Buffer.from(`${JSON.stringify({ ...config, credHelpers: { ...helpers, ...bypass } }, null, "	")}
`);
}
function loginKeys(host) {
  return host === DOCKER_HUB ? [DOCKER_HUB_LOGIN_KEY, "docker.io", "index.docker.io"] : [host];
}
function userDockerConfigDir(env) {
  return env.DOCKER_CONFIG || path.join(env.HOME || os.homedir(), ".docker");
}

// lib/engine/cache/policy.js
import { createHash } from "node:crypto";
var CACHE_STATE = "cache-dir";
var CACHE_FORMAT = "v1";
var KEY_PREFIX = `image-mirror-${CACHE_FORMAT}-`;
function cacheKey(sourceDigests, platforms) {
  const digests = [...new Set(sourceDigests)].sort();
  const wanted = [...new Set(platforms)].sort();
  const hash = createHash("sha256").update(`digests
${digests.join("\n")}
platforms
${wanted.length > 0 ? wanted.join("\n") : "all"}
`).digest("hex");
  return { key: `${KEY_PREFIX}${hash.slice(0, 32)}`, restoreKeys: [KEY_PREFIX] };
}
function blobSource(entry, size) {
  if (entry === void 0)
    return "fetch";
  if (entry.size !== size)
    return "discard";
  if (entry.intact === void 0)
    return "verify";
  return entry.intact ? "cache" : "discard";
}
function manifestSource(expectedDigest, stored) {
  if (expectedDigest === void 0 || stored === void 0)
    return "fetch";
  return stored.digest === expectedDigest ? "cache" : "discard";
}
function saveDecision(state, storedBlobs) {
  if (state === void 0)
    return { save: false, reason: "the main step did not get as far as restoring the cache" };
  if (state.restoredKey === state.key)
    return { save: false, reason: `the cache already holds ${state.key} (restored whole)` };
  if (storedBlobs === 0)
    return { save: false, reason: "the blob store is empty" };
  return { save: true, reason: state.restoredKey === null ? "no entry was restored" : `only ${state.restoredKey} was restored, not ${state.key}` };
}
function cacheServiceAvailable(env) {
  if (!env.ACTIONS_RUNTIME_TOKEN)
    return false;
  return Boolean(env.ACTIONS_CACHE_SERVICE_V2 ? env.ACTIONS_RESULTS_URL : env.ACTIONS_CACHE_URL);
}

export {
  createPrivateDockerConfig,
  removePrivateDockerConfig,
  userDockerConfigDir,
  CACHE_STATE,
  cacheKey,
  blobSource,
  manifestSource,
  saveDecision,
  cacheServiceAvailable
};
