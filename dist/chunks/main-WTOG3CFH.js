import { createRequire as __imageMirrorRequire } from 'node:module';
const require = __imageMirrorRequire(import.meta.url);
import {
  runPipeline
} from "./chunk-HMRULFQ6.js";
import "./chunk-FH5M37PI.js";
import {
  printUntrusted,
  safeLine
} from "./chunk-BJUT4RHK.js";
import "./chunk-YEBW5GAW.js";
import {
  error,
  getInput,
  group,
  info,
  notice,
  saveState,
  setFailed,
  setOutput,
  setSecret,
  summary,
  warning
} from "./chunk-QLJTGL5W.js";
import {
  cacheUse
} from "./chunk-PYIQDL6X.js";
import {
  InputError,
  buildSettings,
  credentialsByHost,
  writeOutputFile
} from "./chunk-GMHTV7BP.js";
import {
  CACHE_STATE,
  createPrivateDockerConfig,
  displayName,
  plural,
  renderSummary
} from "./chunk-BFJECO4U.js";
import "./chunk-YW6UN4AT.js";
import "./chunk-LRCA6YLR.js";
import "./chunk-3Q6L7RXN.js";
import "./chunk-7FBY6XPY.js";
import "./chunk-SVPXH4ZQ.js";

// lib/main.js
import * as os from "node:os";

// lib/report/annotations.js
var ANNOTATIONS_PER_LEVEL = 10;
var FINDING_ANNOTATIONS_PER_LEVEL = ANNOTATIONS_PER_LEVEL - 1;
var LINE_ANNOTATIONS_PER_KIND = 3;
var LEVELS = ["error", "warning", "notice"];
var EXECUTE_MODES = /* @__PURE__ */ new Set(["mirror", "build", "verify", "all"]);
function selectAnnotations(report) {
  return select(report).annotations;
}
function failureMessage(report) {
  const left = select(report).leftOut.error;
  const more = left > 0 ? `; ${plural(left, "more error")} than the annotations show` : "";
  return `${report.verdict}${more} (see the job summary)`;
}
function select(report) {
  const perKind = EXECUTE_MODES.has(report.mode);
  const annotations = [];
  const leftOut = { error: 0, warning: 0, notice: 0 };
  for (const level of LEVELS) {
    const findings = report.findings.filter((finding) => finding.severity === level);
    const candidates = perKind ? groupedByKind(findings, report) : findings.map((finding) => ({ annotation: lineAnnotation(finding), covers: 1 }));
    const shown = candidates.slice(0, FINDING_ANNOTATIONS_PER_LEVEL);
    annotations.push(...shown.map((candidate) => candidate.annotation));
    const left = candidates.slice(shown.length).reduce((total, candidate) => total + candidate.covers, 0);
    leftOut[level] = left;
    if (left > 0 && level !== "error") {
      annotations.push({
        level,
        title: `${plural(left, `more ${level}`)} in the job summary`,
        message: `${plural(left, `more ${level}`)} than GitHub shows as annotations: see the job summary or the JSON report.`
      });
    }
  }
  return { annotations, leftOut };
}
function groupedByKind(findings, report) {
  const candidates = [];
  const kinds = [...new Set(findings.map((finding) => finding.kind))];
  for (const kind of kinds) {
    const group2 = findings.filter((finding) => finding.kind === kind);
    const runWide = group2.filter((finding) => finding.affected !== void 0);
    const rest = group2.filter((finding) => finding.affected === void 0);
    candidates.push(...runWide.map((finding) => ({ annotation: lineAnnotation(finding), covers: 1 })));
    if (rest.length <= LINE_ANNOTATIONS_PER_KIND) {
      candidates.push(...rest.map((finding) => ({ annotation: lineAnnotation(finding), covers: 1 })));
      continue;
    }
    candidates.push({ annotation: kindAnnotation(kind, rest, report), covers: rest.length - LINE_ANNOTATIONS_PER_KIND });
    candidates.push(...rest.slice(0, LINE_ANNOTATIONS_PER_KIND).map((finding) => ({ annotation: lineAnnotation(finding), covers: 1 })));
  }
  return candidates;
}
function lineAnnotation(finding) {
  const suggestion = finding.suggestion !== void 0 ? `
Fix: ${finding.suggestion}` : "";
  const affected = finding.affected !== void 0 ? `
Images: ${finding.affected.slice(0, 20).join(", ")}${finding.affected.length > 20 ? `, \u2026 (${finding.affected.length - 20} more)` : ""}` : "";
  const inRepository = finding.file !== void 0 && !finding.file.startsWith("../") && !finding.file.startsWith("/");
  return {
    level: finding.severity,
    title: titleOf(finding),
    message: `${finding.message}${suggestion}${affected}`,
    ...inRepository && { file: finding.file },
    ...inRepository && finding.line !== void 0 && finding.line > 0 && { startLine: finding.line }
  };
}
var KIND_NOUNS = {
  "invalid-file": ["file could not be read", "files could not be read"],
  "unresolved-variable": ["unresolved variable", "unresolved variables"],
  "invalid-reference": ["invalid image reference", "invalid image references"],
  "invalid-config": ["mapping file or input error", "mapping file or input errors"],
  unmapped: ["image has no mapping rule", "images have no mapping rule"],
  excluded: ["image excluded by the mapping file", "images excluded by the mapping file"],
  collision: ["target collision", "target collisions"],
  "tag-policy": ["tag policy violation", "tag policy violations"],
  "version-drift": ["image has several versions in use", "images have several versions in use"],
  missing: ["image missing", "images missing"],
  failed: ["image failed", "images failed"],
  "scan-note": ["note on how a file was read", "notes on how files were read"]
};
function kindAnnotation(kind, group2, report) {
  const [one, many] = KIND_NOUNS[kind];
  const count = `${group2.length} ${group2.length === 1 ? one : many}`;
  const where = kind === "missing" && report.registry !== null ? ` from ${report.registry}` : "";
  const names2 = group2.map((finding) => finding.image === void 0 ? void 0 : displayName(finding.image)).filter((name) => name !== void 0);
  const list = names2.length > 0 ? ` (${names2.slice(0, 10).join(", ")}${names2.length > 10 ? ", \u2026" : ""})` : "";
  return {
    level: group2[0].severity,
    title: `${count}${where}`,
    message: `${count}${where}${list}: see the job summary for each one and what to do.`
  };
}
function titleOf(finding) {
  const name = finding.image === void 0 ? void 0 : displayName(finding.image);
  const about = (text) => name === void 0 ? text : `${text}: ${name}`;
  switch (finding.kind) {
    case "unmapped":
      return about("Unmapped image");
    case "collision":
      return about("Target collision");
    case "tag-policy":
      return about("Tag policy");
    case "version-drift":
      return name === void 0 ? "Several versions of one image" : `Several versions of ${name}`;
    case "excluded":
      return about("Excluded image");
    case "missing":
      return about("Missing image");
    case "failed":
      if (finding.affected !== void 0)
        return `${plural(finding.affected.length, "image")} failed: ${finding.message.replace(/:.*$/, "")}`;
      return about("Failed image");
    case "invalid-file":
      return "File could not be read";
    case "unresolved-variable":
      return about("Unresolved variable");
    case "invalid-reference":
      return "Invalid image reference";
    case "invalid-config":
      return finding.file === void 0 ? "Input error" : "Mapping file error";
    case "scan-note":
      return "How this file was read";
  }
}

// lib/report/outputs.js
var reached = (image, status) => image.status === status || (image.phases?.some((phase) => phase.status === status) ?? false);
var names = (images) => JSON.stringify(images.map((image) => image.target ?? image.source));
function reportOutputs(report, reportPath) {
  const { images } = report;
  return {
    verdict: report.verdict,
    images: JSON.stringify(images.map(({ kind, source, target, status, origins, digest }) => ({ kind, source, target, status, origins, ...digest !== void 0 && { digest } }))),
    "image-count": String(report.counts.images),
    "base-count": String(report.counts.base),
    "service-count": String(report.counts.service),
    findings: JSON.stringify(report.findings),
    "error-count": String(report.counts.errors),
    unmapped: JSON.stringify(images.filter((image) => image.status === "unmapped").map((image) => image.source)),
    mirrored: names(images.filter((image) => reached(image, "mirrored") || reached(image, "already-present"))),
    built: names(images.filter((image) => reached(image, "built"))),
    verified: names(images.filter((image) => image.status === "verified")),
    missing: names(images.filter((image) => image.status === "missing")),
    failed: names(images.filter((image) => image.status === "failed")),
    digests: JSON.stringify(digestsOf(report)),
    targets: targetsOf(report).join("\n"),
    report: reportPath
  };
}
function digestsOf(report) {
  const digests = {};
  for (const image of report.images) {
    if (image.target === null || image.digest === void 0 || image.status === "failed" || image.status === "missing")
      continue;
    digests[image.target] = image.digest;
  }
  return digests;
}
function targetsOf(report) {
  return [...new Set(report.images.map((image) => image.target).filter((target) => target !== null))];
}

// lib/main.js
var DOCKER_CONFIG_STATE = "docker-config";
async function run() {
  let settings;
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  try {
    settings = buildSettings((name) => getInput(name), {
      workspace,
      tempDir: process.env.RUNNER_TEMP ?? os.tmpdir(),
      env: process.env,
      maskSecret: (secret) => setSecret(secret)
    });
  } catch (error2) {
    setFailed(error2 instanceof InputError ? error2.message : `Could not read the inputs: ${String(error2)}`);
    return;
  }
  let dockerConfig;
  if (settings.mode !== "plan" && settings.mode !== "check") {
    try {
      dockerConfig = createPrivateDockerConfig({
        userDir: settings.userDockerConfig,
        tempDir: process.env.RUNNER_TEMP ?? os.tmpdir(),
        loginHosts: [...credentialsByHost(settings).keys()]
      });
    } catch (error2) {
      setFailed(`Could not make a private docker config directory: ${error2 instanceof Error ? error2.message : String(error2)}`);
      return;
    }
    saveState(DOCKER_CONFIG_STATE, dockerConfig.dir);
    if (cacheUse(settings).on)
      saveState(CACHE_STATE, settings.cacheDir);
    settings = { ...settings, privateDockerConfig: dockerConfig.dir };
  }
  const cancel = new AbortController();
  const onSignal = () => cancel.abort();
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  try {
    const { report, outputs } = await runPipeline(settings, actionProgress(), cancel.signal);
    try {
      writeOutputFile(settings.reportPath, `${JSON.stringify(report, null, 2)}
`, { allowedRoots: settings.outputRoots });
    } catch (error2) {
      warning(`The JSON report was not written: ${error2 instanceof Error ? error2.message : String(error2)}`);
    }
    await publish(report, { ...reportOutputs(report, settings.reportPath), ...outputs });
  } catch (error2) {
    setFailed(`image-mirror stopped unexpectedly: ${error2 instanceof Error ? error2.stack ?? error2.message : String(error2)}`);
  } finally {
    process.removeListener("SIGTERM", onSignal);
    process.removeListener("SIGINT", onSignal);
    dockerConfig?.remove();
  }
}
function actionProgress() {
  return {
    group: async (name, fn) => group(safeLine(name), fn),
    info: (line) => printUntrusted(line, (text) => info(text))
  };
}
async function publish(report, outputs, env = process.env) {
  for (const [name, value] of Object.entries(outputs))
    setOutput(name, value);
  annotate(report);
  await writeSummary(report, env);
  info(safeLine(report.verdict));
  if (!report.ok)
    setFailed(failureMessage(report));
}
function annotate(report) {
  for (const annotation of selectAnnotations(report)) {
    const properties = {
      title: annotation.title,
      ...annotation.file !== void 0 && { file: annotation.file },
      ...annotation.startLine !== void 0 && { startLine: annotation.startLine }
    };
    if (annotation.level === "error")
      error(annotation.message, properties);
    else if (annotation.level === "warning")
      warning(annotation.message, properties);
    else
      notice(annotation.message, properties);
  }
}
async function writeSummary(report, env) {
  if (!env.GITHUB_STEP_SUMMARY)
    return;
  const { GITHUB_SERVER_URL: serverUrl, GITHUB_REPOSITORY: repository, GITHUB_SHA: sha } = env;
  const links = serverUrl && repository && sha ? { serverUrl, repository, sha } : void 0;
  try {
    await summary.addRaw(renderSummary(report, { ...links !== void 0 && { links } })).write();
  } catch (error2) {
    warning(`The job summary was not written: ${error2 instanceof Error ? error2.message : String(error2)}`);
  }
}
export {
  DOCKER_CONFIG_STATE,
  actionProgress,
  publish,
  run
};
