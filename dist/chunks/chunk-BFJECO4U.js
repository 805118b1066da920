import { createRequire as __imageMirrorRequire } from 'node:module';
const require = __imageMirrorRequire(import.meta.url);
import {
  DOCKER_HUB,
  familiarText,
  tryParseReference
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

// lib/report/report.js
import * as path2 from "node:path";
var REPORT_VERSION = 1;
var RUN_WIDE = /* @__PURE__ */ new Set(["unauthorized", "denied", "unreachable", "rate-limited", "cancelled", "unsupported"]);
function buildReport(input) {
  const prefix = normalizePrefix(input.pathPrefix);
  const relocate = relocator(prefix, [
    ...input.files,
    ...input.images.flatMap((image) => image.origins.map((origin) => origin.file)),
    ...input.findings.flatMap((finding) => finding.file === void 0 ? [] : [finding.file]),
    ...input.configFile !== void 0 ? [input.configFile] : []
  ]);
  const resultBySource = new Map((input.results ?? []).map((result) => [result.image.source, result]));
  const images = input.images.map((image) => {
    const result = resultBySource.get(image.source);
    const digest = result === void 0 ? void 0 : targetDigest(result.phases);
    return {
      kind: image.kind,
      source: image.source,
      target: image.target,
      status: result?.status ?? plannedStatus(image, input.registry !== void 0),
      origins: image.origins.map((origin) => ({ file: relocate.file(origin.file), line: origin.line })),
      ...image.platforms !== void 0 && { platforms: image.platforms },
      ...image.build !== void 0 && {
        build: {
          context: relocate.file(image.build.context),
          dockerfile: relocate.file(image.build.dockerfile),
          ...image.build.target !== void 0 && { target: image.build.target },
          args: Object.keys(image.build.args)
        }
      },
      ...digest !== void 0 && { digest },
      ...result !== void 0 && { phases: result.phases }
    };
  });
  const findings = [...input.findings, ...resultFindings(input.results ?? [], input.registry)].map((finding) => {
    const classified = classify(finding, input.failOn);
    if (classified.file !== void 0)
      classified.file = relocate.file(classified.file);
    classified.message = relocate.text(classified.message);
    if (classified.suggestion !== void 0)
      classified.suggestion = relocate.text(classified.suggestion);
    return classified;
  });
  findings.sort(compareFindings);
  const byStatus = {};
  for (const image of images)
    byStatus[image.status] = (byStatus[image.status] ?? 0) + 1;
  const counts = {
    images: images.length,
    base: images.filter((image) => image.kind === "base").length,
    service: images.filter((image) => image.kind === "service").length,
    findings: findings.length,
    errors: findings.filter((finding) => finding.failsRun).length,
    warnings: findings.filter((finding) => finding.severity === "warning").length,
    notices: findings.filter((finding) => finding.severity === "notice").length,
    byStatus
  };
  const report = {
    version: REPORT_VERSION,
    mode: input.mode,
    registry: input.registry ?? null,
    tag: input.tag ?? null,
    dryRun: input.dryRun,
    path: prefix,
    verdict: verdictOf(input.mode, counts, images, input.dryRun),
    ok: counts.errors === 0,
    counts,
    nextSteps: [],
    images,
    findings,
    files: input.files.map((file) => relocate.file(file)),
    ...input.registries !== void 0 && { registries: input.registries },
    ...input.cache !== void 0 && { cache: input.cache }
  };
  report.nextSteps = nextStepsOf(report);
  return report;
}
var displayName = familiarText;
function plural(count, word, many = `${word}s`) {
  return `${count} ${count === 1 ? word : many}`;
}
function normalizePrefix(prefix) {
  if (prefix === void 0)
    return "";
  const posix2 = path2.posix.normalize(prefix.split(path2.sep).join("/")).replace(/\/+$/, "");
  return posix2 === "." || posix2.startsWith("../") || posix2 === ".." ? "" : posix2;
}
function relocator(prefix, known) {
  const file = (name) => prefix === "" ? name : path2.posix.normalize(`${prefix}/${name}`);
  if (prefix === "")
    return { file, text: (text) => text };
  const names = [...new Set(known)].filter((name) => name !== "").sort((a, b) => b.length - a.length);
  if (names.length === 0)
    return { file, text: (text) => text };
  const escaped = names.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
  const pattern = new RegExp(`(^|[\\s('"\`,;])(${escaped})(?=(:\\d)|$|[\\s)'"\`,;:]|\\.(?:\\s|$))`, "g");
  return {
    file,
    text: (text) => text.replace(pattern, (match, before, name, line) => line !== void 0 || /[/.]/.test(name) ? `${before}${file(name)}` : match)
  };
}
function plannedStatus(image, mapped) {
  if (image.mapping === "excluded")
    return "skipped";
  return image.mapping !== "mapped" && mapped ? "unmapped" : "planned";
}
function targetDigest(phases) {
  const usable = (phase) => phase !== void 0 && phase.status !== "failed" && phase.status !== "planned" && phase.status !== "missing" ? phase.digest : void 0;
  for (const name of ["push", "mirror", "import", "verify"]) {
    const digest = usable(phases.find((phase) => phase.phase === name));
    if (digest !== void 0)
      return digest;
  }
  return void 0;
}
function classify(finding, failOn) {
  const listed = failOn.includes(finding.kind);
  let severity = finding.severity;
  if (listed && severity === "notice")
    severity = "error";
  if (!listed && severity === "error")
    severity = "warning";
  return { ...finding, severity, failsRun: severity === "error" };
}
function resultFindings(results, registry) {
  const findings = [];
  const runWide = /* @__PURE__ */ new Map();
  const single = [];
  for (const result of results) {
    if (result.status !== "missing" && result.status !== "failed")
      continue;
    const phase = [...result.phases].reverse().find((candidate) => candidate.status === result.status);
    const failure = phase?.failure;
    if (result.status === "failed" && failure !== void 0 && RUN_WIDE.has(failure.kind)) {
      const key = `${failure.kind}\0${failure.side}\0${failure.host ?? ""}`;
      runWide.set(key, [...runWide.get(key) ?? [], { result, phase }]);
    } else
      single.push({ result, phase });
  }
  for (const group of runWide.values()) {
    if (group.length === 1)
      single.push(group[0]);
    else
      findings.push(runWideFinding(group));
  }
  for (const { result, phase } of single) {
    const name = result.image.target ?? result.image.source;
    const origin = result.image.origins[0];
    findings.push({
      kind: result.status === "missing" ? "missing" : "failed",
      severity: "error",
      message: result.status === "missing" ? missingMessage(name, phase, registry) : failedMessage(result, phase),
      image: result.image.source,
      ...origin !== void 0 && { file: origin.file, line: origin.line },
      ...phase?.suggestion !== void 0 && { suggestion: phase.suggestion }
    });
  }
  return findings;
}
function missingMessage(target, phase, registry) {
  const where = registry ?? hostOf(target) ?? "the registry";
  const detail = phase?.failure?.message ?? phase?.error;
  const extra = detail === void 0 || detail.includes(target) || /^(manifest unknown|not found|missing)$/i.test(detail) ? "" : ` (${detail})`;
  const name = registry !== void 0 && target.startsWith(`${registry}/`) ? target.slice(registry.length + 1) : displayName(target);
  return `${name} is not in ${where}${extra}`;
}
function failedMessage(result, phase) {
  const detail = phase?.failure?.message ?? phase?.error ?? "unknown error";
  const names = [result.image.target, result.image.source].filter((name) => name !== null);
  if (names.some((name) => detail.includes(name) || detail.includes(displayName(name))))
    return detail;
  return `${phase?.phase ?? "processing"} of ${displayName(names[0])} failed: ${detail}`;
}
function hostOf(reference) {
  const parsed = tryParseReference(reference);
  return "ref" in parsed ? parsed.ref.registry : void 0;
}
var PHASE_VERBS = { mirror: "mirrored", build: "built", push: "pushed", verify: "verified", export: "exported", import: "imported" };
function runWideFinding(group) {
  const failure = group[0].phase.failure;
  const where = failure.host ?? (failure.side === "local" ? "this machine" : `the ${failure.side} registry`);
  const phases = [...new Set(group.map((problem) => problem.phase?.phase ?? "processing"))];
  const verbs = phases.map((phase) => PHASE_VERBS[phase] ?? phase).join(" or ");
  const count = plural(group.length, "image");
  const what = {
    unauthorized: `${where} refused the credentials`,
    denied: `${where} denied access`,
    unreachable: `${where} could not be reached`,
    "rate-limited": `${where} rate-limited the run`,
    cancelled: "The run was cancelled",
    unsupported: `${where} cannot do what was asked`
  };
  const suggestion = group.map((problem) => problem.phase?.suggestion).find((value) => value !== void 0);
  return {
    kind: "failed",
    severity: "error",
    message: `${what[failure.kind] ?? failure.message}: ${count} not ${verbs} (${failure.message})`,
    affected: group.map((problem) => displayName(problem.result.image.target ?? problem.result.image.source)),
    ...suggestion !== void 0 && { suggestion }
  };
}
var SEVERITY_ORDER = { error: 0, warning: 1, notice: 2 };
function compareFindings(a, b) {
  return SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || byCodePoint(a.file ?? "", b.file ?? "") || (a.line ?? 0) - (b.line ?? 0) || byCodePoint(a.message, b.message);
}
function byCodePoint(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}
function verdictOf(mode, counts, images, dryRun) {
  const status = (name) => counts.byStatus[name] ?? 0;
  const reached = (name) => images.filter((image) => image.phases?.some((phase) => phase.status === name)).length;
  const problems = counts.errors === 0 ? "no problems" : plural(counts.errors, "problem");
  const inventory = `${plural(counts.images, "image")} (${counts.base} base, ${counts.service} service)`;
  if (mode === "plan")
    return `${inventory}, ${problems}`;
  if (mode === "check") {
    return counts.errors === 0 ? `Check passed: ${inventory} mapped` : `Check failed: ${problems} in ${inventory}`;
  }
  if (dryRun)
    return dryRunVerdict(images, counts, problems);
  const verified = status("verified");
  const expected = counts.images - status("unmapped") - status("skipped");
  const done = [];
  if (reached("mirrored") > 0)
    done.push(`${reached("mirrored")} mirrored`);
  if (reached("already-present") > 0)
    done.push(`${reached("already-present")} already present`);
  if (reached("built") > 0)
    done.push(`${reached("built")} built`);
  if (reached("pushed") > 0)
    done.push(`${reached("pushed")} pushed`);
  if (reached("exported") > 0)
    done.push(`${reached("exported")} exported`);
  if (reached("imported") > 0)
    done.push(`${reached("imported")} imported`);
  if (status("missing") > 0)
    done.push(`${status("missing")} missing`);
  if (status("failed") > 0)
    done.push(`${status("failed")} failed`);
  if (status("unmapped") > 0)
    done.push(`${status("unmapped")} unmapped`);
  if (status("skipped") > 0)
    done.push(`${status("skipped")} skipped`);
  const head = mode === "verify" || mode === "all" ? `${verified}/${expected} images verified` : `${plural(counts.images, "image")}`;
  return `${head}${done.length > 0 ? ` (${done.join(", ")})` : ""}${counts.errors > 0 ? `, ${problems}` : ""}`;
}
function dryRunVerdict(images, counts, problems) {
  const would = (phase) => images.filter((image) => image.phases?.some((p) => p.phase === phase && p.status === "planned")).length;
  const parts = [];
  if (would("mirror") > 0)
    parts.push(`mirror ${plural(would("mirror"), "base image")}`);
  if (would("build") > 0)
    parts.push(`${would("push") > 0 ? "build and push" : "build"} ${plural(would("build"), "service image")}`);
  else if (would("push") > 0)
    parts.push(`push ${plural(would("push"), "service image")}`);
  if (would("export") > 0)
    parts.push(`export ${plural(would("export"), "image")}`);
  if (would("import") > 0)
    parts.push(`import ${plural(would("import"), "image")}`);
  if (would("verify") > 0)
    parts.push(`verify ${plural(would("verify"), "image")}`);
  const what = parts.length === 0 ? "nothing to do" : `would ${joinAnd(parts)}`;
  return `Dry run: ${what}${counts.errors > 0 ? `; ${problems}` : ""}`;
}
function joinAnd(parts) {
  if (parts.length <= 1)
    return parts.join("");
  return `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
}
function nextStepsOf(report) {
  const steps = [];
  const registry = report.registry === null ? "the registry" : `\`${report.registry}\``;
  const errors = report.findings.filter((finding) => finding.failsRun);
  const ofKind = (kind) => errors.filter((finding) => finding.kind === kind);
  const count = (findings, word, many) => plural(findings.length, word, many);
  for (const finding of ofKind("failed").filter((candidate) => candidate.affected !== void 0)) {
    steps.push(`${finding.message.replace(/ \(.*\)$/, "")}.${finding.suggestion !== void 0 ? ` ${firstLine(finding.suggestion)}` : ""}`);
  }
  const missing = report.images.filter((image) => image.status === "missing");
  const missingBase = missing.filter((image) => image.kind === "base");
  const missingService = missing.filter((image) => image.kind === "service");
  if (missingBase.length > 0) {
    steps.push(`${plural(missingBase.length, "base image")} missing from ${registry}: run \`mode: mirror\` (or \`mode: all\`) to copy ${missingBase.length === 1 ? "it" : "them"}.`);
  }
  if (missingService.length > 0) {
    const tag = report.tag === null ? "" : ` with \`tag: ${report.tag}\``;
    steps.push(`${plural(missingService.length, "service image")} missing from ${registry}: run \`mode: build\`${tag} to build and push ${missingService.length === 1 ? "it" : "them"}.`);
  }
  const failed = ofKind("failed").filter((candidate) => candidate.affected === void 0);
  if (failed.length > 0)
    steps.push(`${count(failed, "image")} failed: each error and its fix is under Failed images below; fix them and run again.`);
  const mapping = [
    ["invalid-config", "mapping file or input error"],
    ["unmapped", "image has no mapping rule"],
    ["collision", "target collision"],
    ["tag-policy", "tag policy violation"],
    ["invalid-file", "file could not be read"],
    ["unresolved-variable", "unresolved variable"],
    ["invalid-reference", "invalid image reference"],
    ["version-drift", "image has several versions in use"],
    ["excluded", "excluded image"]
  ];
  const fixes = {
    "invalid-config": "fix the file or input it names",
    unmapped: "add the suggested rules to the mapping file",
    collision: "add the suggested rules so each image gets its own target",
    "tag-policy": "pin the tags as suggested, or change the policy",
    "invalid-file": "fix the file",
    "unresolved-variable": "set the variable in an env file, or give it a default",
    "invalid-reference": "fix the reference",
    "version-drift": "settle on one version each",
    excluded: "remove the exclude rule or the reference"
  };
  for (const [kind, noun] of mapping) {
    const found = ofKind(kind);
    if (found.length === 0)
      continue;
    const [word, ...rest] = noun.split(" ");
    const phrase = rest[0] === "has" || rest[0] === "could" ? `${count(found, word)} ${found.length === 1 ? rest.join(" ") : rest.join(" ").replace(/^has /, "have ")}` : `${count(found, noun)}`;
    steps.push(`${capitalize(phrase)}: ${fixes[kind]}.`);
  }
  if (report.dryRun && report.ok)
    steps.push("Nothing was changed: run again without `dry-run: true` to do it.");
  return steps;
}
function firstLine(text) {
  const line = text.split("\n")[0].trim();
  return /[.:!?]$/.test(line) ? line : `${line}.`;
}
function capitalize(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// lib/report/summary.js
var COLLAPSE_AFTER = 10;
var MAX_TABLE_ROWS = 200;
var MAX_SUMMARY_BYTES = 512 * 1024;
var MAX_LOGS = 10;
var MAX_LOG_CHARS = 4e3;
var MAX_COMMAND_LINES = 400;
var FINDING_TITLES = {
  "invalid-file": "Files that could not be read",
  "unresolved-variable": "Unresolved variables",
  "invalid-reference": "Invalid image references",
  "invalid-config": "Mapping file and input errors",
  unmapped: "Unmapped images",
  excluded: "Excluded by the mapping file",
  collision: "Target collisions",
  "tag-policy": "Tag policy",
  "version-drift": "Several versions of one image",
  missing: "Missing images",
  failed: "Failed images",
  "scan-note": "How files were read"
};
var KIND_ORDER = ["failed", "missing", "invalid-config", "unmapped", "collision", "tag-policy", "invalid-file", "unresolved-variable", "invalid-reference", "version-drift", "excluded", "scan-note"];
function escapeHtml(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}
function cellText(text) {
  return escapeHtml(text.replace(/\r\n?/g, "\n")).replace(/\n/g, "<br>");
}
function preText(text) {
  return escapeHtml(text.replace(/\r\n?/g, "\n")).replace(/\n/g, "&#10;");
}
var code = (text) => `<code>${cellText(text)}</code>`;
function proseHtml(text) {
  return text.split(/(`[^`\n]+`)/).map((part) => part.length > 2 && part.startsWith("`") && part.endsWith("`") ? code(part.slice(1, -1)) : cellText(part)).join("");
}
function suggestionHtml(text) {
  const { prose, code: block } = splitSuggestion(text);
  const parts = [];
  if (prose !== "")
    parts.push(proseHtml(prose));
  if (block !== "")
    parts.push(`<pre><code>${preText(block)}</code></pre>`);
  return parts.join("");
}
function splitSuggestion(text) {
  const lines = text.replace(/\s+$/, "").split("\n");
  if (lines[0]?.startsWith("- ") === true)
    return { prose: "", code: lines.join("\n") };
  const intro = lines.findIndex((line, index) => index < lines.length - 1 && /:\s*$/.test(line));
  if (intro < 0)
    return { prose: lines.join("\n"), code: "" };
  return { prose: lines.slice(0, intro + 1).join("\n"), code: lines.slice(intro + 1).join("\n") };
}
function renderSummary(report, options = {}) {
  const links = validLinks(options.links);
  const sections = [];
  sections.push(headerHtml(report));
  if (report.nextSteps.length > 0)
    sections.push(`<h3>What to do next</h3>
<ul>${report.nextSteps.map((step) => `<li>${proseHtml(step)}</li>`).join("")}</ul>`);
  for (const kind of KIND_ORDER) {
    const group = report.findings.filter((finding) => finding.kind === kind);
    if (group.length > 0)
      sections.push(findingsHtml(kind, group, report, links));
  }
  sections.push(imagesHtml("Base images", report.images.filter((image) => image.kind === "base"), report, links));
  sections.push(imagesHtml("Service images", report.images.filter((image) => image.kind === "service"), report, links));
  sections.push(commandsHtml(report.images));
  sections.push(logsHtml(report.images));
  sections.push(trafficHtml(report));
  sections.push(cacheHtml(report.cache));
  return withinBudget(sections.filter((section) => section !== ""), options.maxBytes ?? MAX_SUMMARY_BYTES);
}
function withinBudget(sections, maxBytes) {
  const note = (left) => `<p><em>${plural(left, "section")} of this summary ${left === 1 ? "was" : "were"} left out to keep it under GitHub's size limit: the JSON report (the <code>report</code> output) has everything.</em></p>`;
  const kept = [];
  let bytes = Buffer.byteLength(note(sections.length)) + 1;
  for (const [index, section] of sections.entries()) {
    const size = Buffer.byteLength(section) + 1;
    if (bytes + size > maxBytes) {
      kept.push(note(sections.length - index));
      break;
    }
    kept.push(section);
    bytes += size;
  }
  return `${kept.join("\n")}
`;
}
function headerHtml(report) {
  const icon = !report.ok ? "\u274C" : report.dryRun ? "\u{1F4DD}" : "\u2705";
  const context = [`image-mirror, mode ${code(report.mode)}${report.dryRun ? " (dry run)" : ""}`];
  if (report.registry !== null)
    context.push(`registry ${code(report.registry)}`);
  if (report.tag !== null)
    context.push(`tag ${code(report.tag)}`);
  context.push(`${plural(report.files.length, "file")} scanned${report.path !== "" ? ` in ${code(report.path)}` : ""}`);
  const images = `${plural(report.counts.images, "image")} (${report.counts.base} base, ${report.counts.service} service)`;
  context.push(images);
  return `<h2>${icon} ${cellText(report.verdict)}</h2>
<p>${context.join(" \xB7 ")}</p>`;
}
function findingsHtml(kind, group, report, links) {
  const title = kind === "missing" && report.registry !== null ? `Missing from ${code(report.registry)}` : escapeHtml(FINDING_TITLES[kind]);
  const parts = [`<h3>${title} (${group.length})</h3>`];
  const suggestions = new Set(group.map((finding) => finding.suggestion ?? ""));
  const shared = suggestions.size === 1 && group.length > 1 ? group[0].suggestion : void 0;
  if (shared !== void 0)
    parts.push(`<div><strong>Fix:</strong> ${suggestionHtml(shared)}</div>`);
  const runWide = group.filter((finding) => finding.affected !== void 0);
  for (const finding of runWide)
    parts.push(runWideHtml(finding, shared === void 0, report.registry));
  const rows = group.filter((finding) => finding.affected === void 0);
  if (rows.length === 0)
    return parts.join("\n");
  const hasWhere = rows.some((finding) => finding.file !== void 0 || finding.image !== void 0);
  const hasFix = shared === void 0 && rows.some((finding) => finding.suggestion !== void 0);
  const severities = new Set(rows.map((finding) => finding.severity));
  const targets = new Map(report.images.map((image) => [image.source, image.target]));
  const problem = (finding) => {
    const target = finding.image === void 0 ? void 0 : targets.get(finding.image);
    if (kind !== "missing" || target === void 0 || target === null)
      return cellText(finding.message);
    const detail = /\(([^()]*)\)$/.exec(finding.message)?.[1];
    return `${code(shortTarget(target, report.registry ?? ""))}${detail === void 0 ? "" : `<br>${cellText(detail)}`}`;
  };
  const headers = [
    ...severities.size > 1 ? ["Level"] : [],
    ...hasWhere ? ["Where"] : [],
    kind === "missing" ? "Target" : "Problem",
    ...hasFix ? ["Fix"] : []
  ];
  const body = rows.map((finding) => [
    ...severities.size > 1 ? [severityLabel(finding)] : [],
    ...hasWhere ? [whereHtml(finding, links)] : [],
    problem(finding),
    ...hasFix ? [finding.suggestion === void 0 ? "" : suggestionHtml(finding.suggestion)] : []
  ]);
  parts.push(tableHtml(headers, body, plural(rows.length, FINDING_NOUNS[kind][0], FINDING_NOUNS[kind][1])));
  return parts.join("\n");
}
var FINDING_NOUNS = {
  "invalid-file": ["file", "files"],
  "unresolved-variable": ["variable", "variables"],
  "invalid-reference": ["reference", "references"],
  "invalid-config": ["error", "errors"],
  unmapped: ["unmapped image", "unmapped images"],
  excluded: ["excluded image", "excluded images"],
  collision: ["collision", "collisions"],
  "tag-policy": ["violation", "violations"],
  "version-drift": ["image", "images"],
  missing: ["missing image", "missing images"],
  failed: ["failed image", "failed images"],
  "scan-note": ["note", "notes"]
};
function whereHtml(finding, links) {
  const parts = [];
  if (finding.image !== void 0)
    parts.push(code(displayName(finding.image)));
  if (finding.file !== void 0)
    parts.push(locationHtml({ file: finding.file, line: finding.line ?? 0 }, links));
  return parts.join("<br>");
}
function runWideHtml(finding, withFix, registry) {
  const affected = finding.affected ?? [];
  const list = affected.map((name) => code(registry === null ? name : shortTarget(name, registry))).join(", ");
  const below = registry === null ? "" : ` (below ${code(registry)})`;
  const images = affected.length > COLLAPSE_AFTER ? `<details><summary>${plural(affected.length, "image")} affected</summary><p>${list}${below}</p></details>` : `<p>Affected${below}: ${list}</p>`;
  const fix = withFix && finding.suggestion !== void 0 ? `<div><strong>Fix:</strong> ${suggestionHtml(finding.suggestion)}</div>` : "";
  return `<p>${severityLabel(finding)} ${cellText(finding.message)}</p>${fix}${images}`;
}
function severityLabel(finding) {
  if (finding.severity === "error")
    return "\u274C";
  if (finding.severity === "warning")
    return "\u26A0\uFE0F";
  return "\u2139\uFE0F";
}
function imagesHtml(title, images, report, links) {
  if (images.length === 0)
    return "";
  const executed = images.some((image) => (image.phases?.length ?? 0) > 0);
  const digests = images.some((image) => image.digest !== void 0);
  const mapped = report.registry !== null;
  const headers = [mapped ? "Image \u2192 target" : "Image", ...mapped || executed ? ["Status"] : [], ...digests ? ["Digest"] : [], "Referenced in"];
  const rows = images.map((image) => {
    const time = image.status === "planned" ? void 0 : image.phases?.reduce((total, phase) => total + phase.durationMs, 0);
    const target = image.target === null ? "<br>\u2192 \u2014" : `<br>\u2192 ${code(shortTarget(image.target, report.registry ?? ""))}`;
    return [
      `${code(displayName(image.source))}${mapped ? target : ""}`,
      ...mapped || executed ? [`${escapeHtml(statusLabel(image))}${executed && time !== void 0 && time > 0 ? `<br>${formatDuration(time)}` : ""}`] : [],
      ...digests ? [image.digest === void 0 ? "" : code(shortDigest(image.digest))] : [],
      originsHtml(image.origins, links)
    ];
  });
  const note = mapped ? `<p>Targets are below ${code(report.registry)}.${digests ? " Full digests: the <code>digests</code> output." : ""}</p>` : "";
  return `<h3>${escapeHtml(title)} (${images.length})</h3>
${note}${tableHtml(headers, rows, plural(images.length, "image"))}`;
}
function shortTarget(target, registry) {
  return target.startsWith(`${registry}/`) ? target.slice(registry.length + 1) : target;
}
function shortDigest(digest) {
  const [algorithm, hex] = digest.split(":");
  return hex === void 0 ? digest : `${algorithm}:${hex.slice(0, 12)}`;
}
function statusLabel(image) {
  if (image.status === "planned" && (image.phases?.length ?? 0) > 0) {
    const phases = image.phases.filter((phase) => phase.status === "planned").map((phase) => phase.phase);
    return `would ${joinAnd(phases)}`;
  }
  const labels = {
    verified: "\u2705 verified",
    mirrored: "\u2705 mirrored",
    "already-present": "\u2705 already present",
    built: "\u2705 built",
    pushed: "\u2705 pushed",
    exported: "\u2705 exported",
    imported: "\u2705 imported",
    planned: "planned",
    missing: "\u274C missing",
    failed: "\u274C failed",
    unmapped: "\u274C unmapped",
    skipped: "\u23ED\uFE0F skipped"
  };
  if (image.status === "planned" && image.target !== null)
    return "mapped";
  const failedPhase = image.status === "failed" ? image.phases?.find((phase) => phase.status === "failed")?.phase : void 0;
  return failedPhase !== void 0 ? `\u274C ${failedPhase} failed` : labels[image.status] ?? image.status;
}
function commandsHtml(images) {
  const byPhase = /* @__PURE__ */ new Map();
  const dryRun = images.some((image) => image.phases?.some((phase) => phase.status === "planned"));
  if (!dryRun)
    return "";
  for (const image of images) {
    for (const phase of image.phases ?? []) {
      if (phase.commands === void 0 || phase.commands.length === 0)
        continue;
      byPhase.set(phase.phase, [...byPhase.get(phase.phase) ?? [], `# ${displayName(image.target ?? image.source)}`, ...phase.commands]);
    }
  }
  if (byPhase.size === 0)
    return "";
  const parts = ["<h3>Commands the run would make</h3>"];
  const order = ["mirror", "build", "push", "export", "import", "verify"];
  for (const [phase, lines] of [...byPhase].sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))) {
    const commands = lines.filter((line) => !line.startsWith("# ")).length;
    const shown = lines.length > MAX_COMMAND_LINES ? [...lines.slice(0, MAX_COMMAND_LINES), `# \u2026 ${lines.length - MAX_COMMAND_LINES} more lines: see the JSON report`] : lines;
    parts.push(`<details><summary>${escapeHtml(capitalize2(phase))}: ${plural(commands, "command")}</summary><pre><code>${preText(shown.join("\n"))}</code></pre></details>`);
  }
  return parts.join("\n");
}
function logsHtml(images) {
  const logs = [];
  for (const image of images) {
    for (const phase of image.phases ?? []) {
      if (phase.log === void 0 || phase.status !== "failed" && phase.status !== "missing")
        continue;
      const log = phase.log.length > MAX_LOG_CHARS ? `\u2026 (the start is cut; the JSON report has all of it)
${phase.log.slice(-MAX_LOG_CHARS)}` : phase.log;
      logs.push(`<details><summary>${escapeHtml(`${phase.phase} ${displayName(image.target ?? image.source)}`)}</summary><pre>${preText(log)}</pre></details>`);
    }
  }
  if (logs.length === 0)
    return "";
  const more = logs.length > MAX_LOGS ? `<p>\u2026 and ${logs.length - MAX_LOGS} more in the JSON report.</p>` : "";
  return `<h3>Tool output of the failures (${logs.length})</h3>
${logs.slice(0, MAX_LOGS).join("\n")}${more}`;
}
function trafficHtml(report) {
  const hosts = Object.entries(report.registries ?? {});
  if (hosts.length === 0)
    return "";
  const sum = (pick) => report.images.reduce((total, image) => total + (image.phases ?? []).reduce((inner, phase) => inner + (pick(phase) ?? 0), 0), 0);
  const rows = hosts.map(([host, traffic]) => [code(host), String(traffic.requests), formatBytes(traffic.bytesReceived), formatBytes(traffic.bytesSent)]);
  return `<h3>Registry traffic</h3>
<p>${formatBytes(sum((phase) => phase.bytesTransferred))} copied, ${formatBytes(sum((phase) => phase.bytesSkipped))} already present or mounted.</p>${tableHtml(["Registry", "Requests", "Received", "Sent"], rows, plural(rows.length, "registry", "registries"))}`;
}
function cacheHtml(cache) {
  if (cache === void 0)
    return "";
  const restored = {
    exact: `Restored ${code(cache.key)}.`,
    partial: `Restored ${code(cache.restoredKey ?? "")}, an earlier plan's entry; the post step saves ${code(cache.key)}.`,
    none: `Nothing was restored; the post step saves ${code(cache.key)}.`
  }[cache.restored];
  return `<h3>Actions cache</h3>
<p>${restored} ${escapeHtml(cacheServed(cache))}.</p>`;
}
function cacheServed(cache) {
  const entries = (count) => plural(count, "manifest or blob", "manifests and blobs");
  return `${entries(cache.hits)} (${formatBytes(cache.hitBytes)}) read from the cache, ${entries(cache.fetched)} (${formatBytes(cache.fetchedBytes)}) fetched from sources` + (cache.damaged > 0 ? `, ${plural(cache.damaged, "damaged entry", "damaged entries")} fetched again` : "") + (cache.pruned > 0 ? `, ${plural(cache.pruned, "unused entry", "unused entries")} left out of the next save` : "");
}
function tableHtml(headers, rows, what) {
  const shown = rows.slice(0, MAX_TABLE_ROWS);
  const head = `<tr>${headers.map((header) => `<th>${escapeHtml(header)}</th>`).join("")}</tr>`;
  const body = shown.map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join("")}</tr>`).join("");
  const cut = rows.length > MAX_TABLE_ROWS ? `<p>\u2026 and ${rows.length - MAX_TABLE_ROWS} more: see the JSON report.</p>` : "";
  const table = `<table>${head}${body}</table>${cut}`;
  return rows.length > COLLAPSE_AFTER ? `<details><summary>Show all ${escapeHtml(what)}</summary>${table}</details>` : table;
}
function originsHtml(origins, links, limit = 2) {
  const shown = origins.slice(0, limit).map((origin) => locationHtml(origin, links));
  return origins.length > limit ? `${shown.join("<br>")}<br>+${origins.length - limit} more` : shown.join("<br>");
}
function locationHtml(origin, links) {
  const text = escapeHtml(origin.line > 0 ? `${origin.file}:${origin.line}` : origin.file);
  if (links === void 0 || origin.file.startsWith("../") || origin.file.startsWith("/"))
    return text;
  const href = `${links.serverUrl}/${links.repository}/blob/${links.sha}/${origin.file.split("/").map(encodeURIComponent).join("/")}${origin.line > 0 ? `#L${origin.line}` : ""}`;
  return `<a href="${escapeHtml(href)}">${text}</a>`;
}
function validLinks(links) {
  if (links === void 0)
    return void 0;
  const ok = /^https?:\/\/[A-Za-z0-9.-]+(?::\d+)?(?:\/[\w.~-]+)*$/.test(links.serverUrl) && /^[\w.-]+\/[\w.-]+$/.test(links.repository) && /^[0-9a-f]{7,64}$/i.test(links.sha);
  return ok ? { ...links, serverUrl: links.serverUrl.replace(/\/+$/, "") } : void 0;
}
function capitalize2(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
function formatOrigins(origins, limit = 3) {
  const shown = origins.slice(0, limit).map((origin) => `${origin.file}:${origin.line}`);
  return origins.length > limit ? `${shown.join(", ")} (+${origins.length - limit} more)` : shown.join(", ");
}
function formatBytes(bytes) {
  if (bytes < 1024)
    return `${Math.round(bytes)} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
function formatDuration(ms) {
  return ms < 1e3 ? `${ms} ms` : `${(ms / 1e3).toFixed(1)} s`;
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
  cacheServiceAvailable,
  buildReport,
  displayName,
  plural,
  COLLAPSE_AFTER,
  FINDING_TITLES,
  splitSuggestion,
  renderSummary,
  cacheServed,
  formatOrigins,
  formatBytes
};
