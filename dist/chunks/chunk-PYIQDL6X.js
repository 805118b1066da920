import { createRequire as __imageMirrorRequire } from 'node:module';
const require = __imageMirrorRequire(import.meta.url);
import {
  dockerCopyCause
} from "./chunk-GMHTV7BP.js";

// lib/execute/cache-use.js
var OFF = "cache: true is off for this run";
function cacheUse(settings) {
  if (!settings.cache)
    return { on: false };
  const warning = (message, suggestion) => ({ on: false, finding: { kind: "invalid-config", severity: "warning", message, suggestion } });
  if (settings.mode !== "export" && settings.mode !== "mirror" && settings.mode !== "all") {
    return warning(`${OFF}: mode ${settings.mode} fetches nothing from sources (the cache serves mode export and mirroring)`, "Remove cache: true from this step");
  }
  const cause = settings.mode === "export" ? void 0 : dockerCopyCause(settings);
  if (cause !== void 0) {
    const setting = { engine: "engine: docker", pull: "pull: never", push: "push: false" }[cause];
    return warning(`${OFF}: with ${setting} copies go through docker, whose image store the cache does not hold`, "Use engine auto (the default) or registry to copy through the registry engine, or remove cache: true");
  }
  if (settings.dryRun)
    return { on: false };
  if (!settings.cacheService) {
    return warning(`${OFF}: the Actions cache service is not available here (no ACTIONS_RUNTIME_TOKEN with ACTIONS_CACHE_URL or ACTIONS_RESULTS_URL: a self-hosted runner without it, a container step, or outside GitHub Actions); every image is read from its source`, "On a self-hosted runner, keep a registry-mirror (a pull-through cache) instead, or remove cache: true");
  }
  return { on: true };
}
function cacheFindings(use) {
  return !use.on && use.finding !== void 0 ? [use.finding] : [];
}

export {
  cacheUse,
  cacheFindings
};
