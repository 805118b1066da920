import { createRequire as __imageMirrorRequire } from 'node:module';
const require = __imageMirrorRequire(import.meta.url);
import {
  runPipeline
} from "./chunk-HMRULFQ6.js";
import "./chunk-FH5M37PI.js";
import {
  safeLine
} from "./chunk-BJUT4RHK.js";
import "./chunk-YEBW5GAW.js";
import {
  FALSE_WORDS,
  FINDING_KINDS,
  INPUT_SPECS,
  InputError,
  MODES,
  TRUE_WORDS,
  buildSettings,
  reportPathAfterError,
  writeOutputFile
} from "./chunk-GMHTV7BP.js";
import {
  COLLAPSE_AFTER,
  FINDING_TITLES,
  buildReport,
  displayName,
  formatOrigins,
  plural,
  splitSuggestion
} from "./chunk-BFJECO4U.js";
import "./chunk-YW6UN4AT.js";
import "./chunk-LRCA6YLR.js";
import "./chunk-3Q6L7RXN.js";
import "./chunk-7FBY6XPY.js";
import "./chunk-SVPXH4ZQ.js";

// lib/cli/program.js
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

// lib/report/text.js
var KIND_ORDER = ["failed", "missing", "invalid-config", "unmapped", "collision", "tag-policy", "invalid-file", "unresolved-variable", "invalid-reference", "version-drift", "excluded", "scan-note"];
function renderText(report, options = {}) {
  const verbose = options.verbose === true;
  const lines = [];
  const cut = (items) => verbose || items.length <= COLLAPSE_AFTER ? { shown: items, more: void 0 } : { shown: items.slice(0, COLLAPSE_AFTER), more: `  \u2026 ${items.length - COLLAPSE_AFTER} more (--verbose shows all)` };
  const saysItself = /^(Check|Dry run)\b/.test(report.verdict);
  lines.push(saysItself ? report.verdict : `${report.ok ? "OK" : "FAILED"}: ${report.verdict}`);
  const context = [`mode ${report.mode}`];
  if (report.registry !== null)
    context.push(`registry ${report.registry}`);
  if (report.tag !== null)
    context.push(`tag ${report.tag}`);
  context.push(`${plural(report.files.length, "file")} scanned${report.path !== "" ? ` in ${report.path}` : ""}`);
  lines.push(context.join(" \xB7 "), "");
  if (report.nextSteps.length > 0) {
    lines.push("What to do next:");
    for (const step of report.nextSteps)
      lines.push(`  - ${step.replace(/`([a-z][a-z-]*): ([^`]+)`/g, "--$1 $2").replace(/`([^`]+)`/g, "$1")}`);
    lines.push("");
  }
  for (const kind of KIND_ORDER) {
    const group = report.findings.filter((finding) => finding.kind === kind);
    if (group.length === 0)
      continue;
    lines.push(`${FINDING_TITLES[kind]} (${group.length}):`);
    const suggestions = new Set(group.map((finding) => finding.suggestion ?? ""));
    const shared = suggestions.size === 1 && group.length > 1 ? group[0].suggestion : void 0;
    if (shared !== void 0)
      lines.push(...suggestionLines(shared, "  Fix: "));
    const { shown, more } = cut(group);
    for (const finding of shown)
      lines.push(...findingLines(finding, shared === void 0, verbose));
    if (more !== void 0)
      lines.push(more);
    lines.push("");
  }
  const section = (title, images) => {
    if (images.length === 0)
      return;
    lines.push(`${title} (${images.length}):`);
    const { shown, more } = cut(images);
    const width = Math.max(...shown.map((image) => displayName(image.source).length));
    for (const image of shown) {
      const target = image.target === null ? "" : ` -> ${image.target}`;
      const digest = image.digest === void 0 ? "" : `  ${image.digest}`;
      lines.push(`  ${displayName(image.source).padEnd(width)}${target}  [${statusText(image)}]${digest}  ${formatOrigins(image.origins)}`);
    }
    if (more !== void 0)
      lines.push(more);
    lines.push("");
  };
  section("Base images", report.images.filter((image) => image.kind === "base"));
  section("Service images", report.images.filter((image) => image.kind === "service"));
  const commands = report.images.flatMap((image) => (image.phases ?? []).filter((phase) => phase.status === "planned").flatMap((phase) => (phase.commands ?? []).map((command) => ({ image, phase, command }))));
  if (commands.length > 0) {
    if (verbose) {
      lines.push(`Commands the run would make (${commands.length}):`);
      for (const { command } of commands)
        lines.push(`  ${command}`);
    } else
      lines.push(`${plural(commands.length, "command")} would run (--verbose lists them).`);
    lines.push("");
  }
  return lines.flatMap((line) => line.split("\n")).map((line) => safeLine(line)).join("\n");
}
function findingLines(finding, withFix, verbose) {
  const where = finding.file === void 0 ? "" : `${finding.file}${finding.line === void 0 ? "" : `:${finding.line}`}: `;
  const level = finding.severity === "error" ? "error" : finding.severity;
  const lines = [`  ${level}: ${where}${finding.message}`];
  if (withFix && finding.suggestion !== void 0)
    lines.push(...suggestionLines(finding.suggestion, "      fix: "));
  if (finding.affected !== void 0) {
    const shown = verbose || finding.affected.length <= COLLAPSE_AFTER ? finding.affected : finding.affected.slice(0, COLLAPSE_AFTER);
    const more = shown.length < finding.affected.length ? `, \u2026 ${finding.affected.length - shown.length} more (--verbose shows all)` : "";
    lines.push(`      images: ${shown.join(", ")}${more}`);
  }
  return lines;
}
function suggestionLines(suggestion, label) {
  const { prose, code } = splitSuggestion(suggestion);
  const indent = " ".repeat(label.length);
  const lines = prose === "" ? [`${label.trimEnd()}`] : prose.split("\n").map((line, index) => `${index === 0 ? label : indent}${line}`);
  if (code !== "")
    lines.push(...code.split("\n").map((line) => `${indent}  ${line}`));
  return lines;
}
function statusText(image) {
  if (image.status === "planned" && (image.phases?.length ?? 0) > 0) {
    return `would ${image.phases.filter((phase) => phase.status === "planned").map((phase) => phase.phase).join(", ")}`;
  }
  return image.status === "planned" && image.target !== null ? "mapped" : image.status;
}

// lib/cli/arguments.js
var CLI_OPTIONS = [
  { name: "json", description: "Print the JSON report on stdout instead of the text report." },
  { name: "verbose", description: "Text report: show every row and every command instead of collapsing long lists." },
  { name: "help", description: "Print this help." }
];
var UsageError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "UsageError";
  }
};
var BOOLEAN_WORDS = [...TRUE_WORDS, ...FALSE_WORDS];
function parseArguments(argv) {
  const known = new Map(INPUT_SPECS.map((input) => [input.name, input]));
  const inputs = /* @__PURE__ */ new Map();
  let json = false;
  let verbose = false;
  let help = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === "--json")
      json = true;
    else if (arg === "--verbose" || arg === "-v")
      verbose = true;
    else if (arg === "--help" || arg === "-h")
      help = true;
    else if (arg.startsWith("--") && arg.length > 2) {
      const eq = arg.indexOf("=");
      const name = arg.slice(2, eq < 0 ? void 0 : eq);
      const spec = known.get(name);
      if (spec === void 0)
        throw new UsageError(`Unknown option '--${name}' (see --help)`);
      const next = argv[i + 1];
      let value;
      if (eq >= 0)
        value = arg.slice(eq + 1);
      else if (spec.kind === "boolean") {
        if (next !== void 0 && BOOLEAN_WORDS.includes(next.toLowerCase())) {
          value = next;
          i += 1;
        } else
          value = "true";
      } else {
        if (next === void 0 || next.startsWith("--") && next.length > 2) {
          throw new UsageError(`Option '--${name}' needs a value${next === void 0 ? "" : ` (write --${name}=${next} if that is the value)`}`);
        }
        value = next;
        i += 1;
      }
      if (inputs.has(name)) {
        if (spec.kind !== "list")
          throw new UsageError(`Option '--${name}' is given more than once; it takes one value`);
        inputs.set(name, `${inputs.get(name)}
${value}`);
      } else
        inputs.set(name, value);
    } else
      throw new UsageError(`Unexpected argument '${arg}' (options are --name value; see --help)`);
  }
  return { inputs, json, verbose, help };
}
function environmentName(input) {
  return `IMAGE_MIRROR_${input.toUpperCase().replace(/-/g, "_")}`;
}
function usage() {
  const lines = [
    "Usage: image-mirror [--json] --mode <mode> --registry <host/namespace> [options]",
    "",
    "Options (each also read from IMAGE_MIRROR_<NAME>, e.g. IMAGE_MIRROR_PASSWORD; a flag wins over the variable):"
  ];
  for (const input of INPUT_SPECS) {
    const notes = [];
    if (input.default !== void 0)
      notes.push(`default: ${input.default}`);
    if (input.kind === "choice" && input.fallback !== void 0)
      notes.push(`default: ${input.fallback}`);
    if (input.kind === "list")
      notes.push("repeatable");
    if (input.kind === "secret")
      notes.push(`prefer ${environmentName(input.name)}: a command line is visible to other users`);
    lines.push(`  --${input.name}${valueHint(input)}${notes.length > 0 ? `  (${notes.join("; ")})` : ""}`, `      ${input.description}`);
  }
  for (const option of CLI_OPTIONS)
    lines.push(`  --${option.name}`, `      ${option.description}`);
  lines.push("", "Exit status: 0 no problems, 1 problems found (see the report), 2 bad usage or input.");
  return lines.join("\n");
}
function valueHint(input) {
  switch (input.kind) {
    case "boolean":
      return " [true|false]";
    case "choice":
      return ` <${input.choices.join("|")}>`;
    case "integer":
      return ` <${input.min}-${input.max}>`;
    case "list":
      return input.glob === true ? " <glob>" : input.path !== void 0 ? " <file>" : input.choices !== void 0 ? " <kind>" : " <value>";
    case "path":
      return input.path.expect === "directory" ? " <dir>" : " <path>";
    case "secret":
      return " <secret>";
    case "string":
      return " <value>";
  }
}

// lib/cli/program.js
var EXIT_OK = 0;
var EXIT_PROBLEMS = 1;
var EXIT_USAGE = 2;
var processIo = () => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  tempDir: os.tmpdir()
});
async function main(argv, env, io = processIo()) {
  let args;
  try {
    args = parseArguments(argv);
  } catch (error) {
    io.stderr(`image-mirror: ${error.message}
`);
    return EXIT_USAGE;
  }
  if (args.help) {
    io.stdout(`${usage()}
`);
    return EXIT_OK;
  }
  for (const input of INPUT_SPECS) {
    if (input.kind === "secret" && args.inputs.has(input.name)) {
      io.stderr(`image-mirror: warning: --${input.name} on the command line is visible to other users of this machine; prefer ${environmentName(input.name)}
`);
    }
  }
  const read = (name) => args.inputs.get(name) ?? env[environmentName(name)] ?? "";
  const context = {
    workspace: io.cwd,
    tempDir: io.tempDir,
    // A new directory per run, so two runs never share (or race for) the default report.
    ...read("report-path").trim() === "" && { reportDir: fs.mkdtempSync(path.join(io.tempDir, "image-mirror-")) },
    env,
    maskSecret: () => void 0
  };
  const allowedRoots = [io.cwd, io.tempDir];
  let settings;
  try {
    settings = buildSettings(read, context);
  } catch (error) {
    if (!(error instanceof InputError))
      throw error;
    io.stderr(`image-mirror: ${error.message}
`);
    const reportPath = reportPathAfterError(read, { ...context, reportDir: context.reportDir ?? fs.mkdtempSync(path.join(io.tempDir, "image-mirror-")) });
    if (reportPath !== void 0) {
      const mode = read("mode").trim();
      const report2 = inputErrorReport(error, MODES.includes(mode) ? mode : "all");
      try {
        writeOutputFile(reportPath, `${JSON.stringify(report2, null, 2)}
`, { allowedRoots });
        io.stderr(`image-mirror: report written to ${reportPath}
`);
      } catch (writeError) {
        io.stderr(`image-mirror: ${writeError.message}
`);
      }
    }
    return EXIT_USAGE;
  }
  const log = (line) => io.stderr(`${safeLine(line)}
`);
  const cancel = new AbortController();
  const onSignal = () => cancel.abort();
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  let report;
  try {
    report = (await runPipeline(settings, {
      group: async (name, fn) => {
        log(`== ${name}`);
        return fn();
      },
      info: log
    }, cancel.signal)).report;
  } finally {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
  }
  io.stdout(args.json ? `${JSON.stringify(report, null, 2)}
` : `${renderText(report, { verbose: args.verbose })}
`);
  try {
    writeOutputFile(settings.reportPath, `${JSON.stringify(report, null, 2)}
`, { allowedRoots: settings.outputRoots });
    log(`Report: ${settings.reportPath}`);
  } catch (error) {
    io.stderr(`image-mirror: ${error.message}
`);
    return EXIT_USAGE;
  }
  return report.ok ? EXIT_OK : EXIT_PROBLEMS;
}
function inputErrorReport(error, mode) {
  const report = buildReport({
    mode,
    dryRun: false,
    images: [],
    findings: [
      {
        kind: "invalid-config",
        severity: "error",
        message: error.message,
        suggestion: error.input !== void 0 ? `Fix the input '${error.input}' (see --help or action.yml) and run again` : "Fix the inputs and run again"
      }
    ],
    files: [],
    failOn: FINDING_KINDS
  });
  return { ...report, ok: false, verdict: `Invalid input: ${error.message}` };
}
export {
  EXIT_OK,
  EXIT_PROBLEMS,
  EXIT_USAGE,
  UsageError,
  environmentName,
  inputErrorReport,
  main,
  parseArguments,
  usage
};
