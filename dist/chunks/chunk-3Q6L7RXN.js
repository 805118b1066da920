import { createRequire as __imageMirrorRequire } from 'node:module';
const require = __imageMirrorRequire(import.meta.url);
import {
  familiarName
} from "./chunk-7FBY6XPY.js";

// lib/engine/builtins.js
import { createRequire } from "node:module";
var requireBuiltin = createRequire(import.meta.url);
var http = requireBuiltin("node:http");
var httpsModule = () => requireBuiltin("node:https");
var tlsModule = () => requireBuiltin("node:tls");
var childProcess = () => requireBuiltin("node:child_process");

// lib/engine/docker/commands.js
function pullCommand(ref) {
  return { args: ["pull", familiarName(ref)] };
}
function tagCommand(from, to) {
  return { args: ["tag", familiarName(from), familiarName(to)] };
}
function pushCommand(ref) {
  return { args: ["push", familiarName(ref)] };
}
function loginCommand(host, username, password) {
  return { args: ["login", "--username", username, "--password-stdin", host], input: password };
}
function inspectImageCommand(name) {
  return { args: ["image", "inspect", "--format", "{{.Id}} {{json .RepoDigests}}", name] };
}
function listImagesCommand() {
  return { args: ["images", "--format", "{{.Repository}}:{{.Tag}}"] };
}
function manifestInspectCommand(ref, insecure) {
  return { args: ["manifest", "inspect", ...insecure ? ["--insecure"] : [], "--verbose", familiarName(ref)] };
}
function serverPlatformCommand() {
  return { args: ["version", "--format", "{{.Server.Os}}/{{.Server.Arch}}"] };
}
function buildxVersionCommand() {
  return { args: ["buildx", "version"] };
}
function dockerVersionCommand() {
  return { args: ["version", "--format", "{{json .}}"] };
}
var RESERVED_ENVIRONMENT = /^(?:PATH|HOME|USER|TMPDIR|SHELL|DOCKER_\w*|BUILDKIT_\w*|BUILDX_\w*|HTTPS?_PROXY|NO_PROXY|https?_proxy|no_proxy|SSL_CERT_\w*|XDG_\w*|LD_\w*|GCONV_PATH|GLIBC_TUNABLES|MALLOC_\w*|HOSTALIASES|LOCALDOMAIN|RES_OPTIONS|RESOLV_\w*|NLSPATH|TZDIR|GODEBUG|GOGC|GOMAXPROCS|GOMEMLIMIT|GOTRACEBACK)$/;
function buildCommand(options, extra = {}) {
  const kind = options.builder?.kind;
  const args = kind === "buildx" ? ["buildx", "build", ...options.builder?.name !== void 0 ? ["--builder", options.builder.name] : []] : ["build"];
  if (kind === "buildx" || kind === "buildkit")
    args.push("--progress", "plain");
  args.push("-f", "-");
  for (const tag of options.tags)
    args.push("-t", familiarName(tag));
  if (options.target !== void 0)
    args.push("--target", options.target);
  if (options.network !== void 0)
    args.push("--network", options.network);
  if (kind === "buildx" && options.network === "host")
    args.push("--allow", "network.host");
  if (options.platforms !== void 0 && options.platforms.length > 0)
    args.push("--platform", options.platforms.join(","));
  for (const [name, value] of Object.entries(options.labels ?? {}))
    args.push("--label", `${name}=${value}`);
  for (const host of options.extraHosts ?? [])
    args.push("--add-host", host);
  if (options.shmSize !== void 0)
    args.push("--shm-size", options.shmSize);
  for (const source of options.cacheFrom ?? [])
    args.push("--cache-from", source);
  for (const destination of options.cacheTo ?? [])
    args.push("--cache-to", destination);
  for (const entry of options.ssh ?? [])
    args.push("--ssh", entry);
  const shown = /* @__PURE__ */ new Map();
  for (const secret of options.secrets ?? []) {
    if (secret.src !== void 0) {
      args.push("--secret", `id=${secret.id},src=${secret.src}`);
      shown.set(args.length - 1, `id=${secret.id},src=${secret.shownSrc ?? secret.src}`);
    } else if (secret.env !== void 0)
      args.push("--secret", `id=${secret.id},env=${secret.env}`);
  }
  const secretVariables = new Set((options.secrets ?? []).flatMap((secret) => secret.env !== void 0 ? [secret.env] : []));
  for (const [name, value] of Object.entries(options.contexts ?? {}))
    args.push("--build-context", `${name}=${value}`);
  const env = {};
  for (const [name, value] of Object.entries(options.args)) {
    if (RESERVED_ENVIRONMENT.test(name) || secretVariables.has(name)) {
      args.push("--build-arg", `${name}=${value}`);
    } else {
      args.push("--build-arg", name);
      env[name] = value;
    }
  }
  if (kind === "buildx") {
    args.push(options.push === true ? "--push" : "--load");
    if (extra.metadataFile !== void 0)
      args.push("--metadata-file", extra.metadataFile);
  }
  args.push(options.context);
  const shownEnv = kind === "buildkit" ? { DOCKER_BUILDKIT: "1" } : kind === "legacy" ? { DOCKER_BUILDKIT: "0" } : void 0;
  const allEnv = { ...env, ...shownEnv };
  return {
    args,
    ...shown.size > 0 && { shownArgs: args.map((arg, index) => shown.get(index) ?? arg) },
    input: options.dockerfile,
    ...Object.keys(allEnv).length > 0 && { env: allEnv },
    ...shownEnv !== void 0 && { shownEnv },
    streamOutput: true
  };
}
function displayCommand(command) {
  const shown = [];
  const args = command.shownArgs ?? command.args;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    const previous = args[i - 1];
    shown.push(previous === "--build-arg" && arg.includes("=") ? `${arg.slice(0, arg.indexOf("="))}=\u2026` : arg);
  }
  let line = formatDockerCommand(shown);
  const isBuild = args[0] === "build" || args[0] === "buildx" && args[1] === "build";
  if (isBuild && command.input !== void 0)
    line += " < Dockerfile";
  const variables = Object.entries(command.shownEnv ?? {}).map(([name, value]) => `${name}=${quoteArgument(value)} `);
  return variables.join("") + line;
}
function formatDockerCommand(args) {
  return ["docker", ...args].map(quoteArgument).join(" ");
}
function quoteArgument(argument) {
  return /^[\w@%+=:,./…-]+$/.test(argument) ? argument : `'${argument.replace(/'/g, `'\\''`)}'`;
}

// lib/engine/docker/cli.js
var DockerCommandError = class extends Error {
  args;
  exitCode;
  stderr;
  stdout;
  constructor(args, exitCode, stderr, stdout) {
    super(`${displayCommand({ args: [...args] })} failed (exit ${exitCode}): ${summarizeDockerError(stderr, stdout)}`);
    this.args = args;
    this.exitCode = exitCode;
    this.stderr = stderr;
    this.stdout = stdout;
    this.name = "DockerCommandError";
  }
  /** docker's own explanation in one line. */
  get reason() {
    return summarizeDockerError(this.stderr, this.stdout);
  }
  /** What docker printed, kept for failure reports. */
  get output() {
    return [this.stderr.trim(), this.stdout.trim()].filter((part) => part !== "").join("\n");
  }
};
var OUTPUT_LIMIT = 1024 * 1024;
var DockerCli = class {
  env;
  binary;
  constructor(options = {}) {
    this.binary = options.binary ?? "docker";
    this.env = mergeEnv(process.env, options.env ?? {});
  }
  /** Runs one command; throws DockerCommandError on a non-zero exit. */
  run(command, options = {}) {
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) {
        reject(new DockerCommandError(command.args, -1, `cancelled before ${displayCommand(command)} started`, ""));
        return;
      }
      const child = childProcess().spawn(this.binary, command.args, {
        env: command.env === void 0 ? this.env : { ...this.env, ...command.env },
        stdio: ["pipe", "pipe", "pipe"],
        ...options.signal !== void 0 && { signal: options.signal }
      });
      const stdout = new BoundedText(OUTPUT_LIMIT, options.onLine);
      const stderr = new BoundedText(OUTPUT_LIMIT, options.onLine);
      child.stdout.on("data", (chunk) => stdout.push(chunk));
      child.stderr.on("data", (chunk) => stderr.push(chunk));
      child.stdin.on("error", () => void 0);
      child.stdin.end(command.input ?? "");
      let failed;
      child.on("error", (error) => {
        failed = error;
      });
      child.on("close", (code, signal) => {
        stdout.flush();
        stderr.flush();
        if (failed !== void 0 && failed.code === "ENOENT") {
          reject(new DockerNotFoundError(this.binary));
          return;
        }
        const exitCode = code ?? -1;
        const aborted = options.signal?.aborted === true;
        if (exitCode === 0 && !aborted)
          resolve({ stdout: stdout.text, stderr: stderr.text, exitCode });
        else
          reject(new DockerCommandError(command.args, aborted ? -1 : exitCode, aborted ? `cancelled (${signal ?? "aborted"})
${stderr.text}` : stderr.text, stdout.text));
      });
    });
  }
};
var DockerNotFoundError = class extends Error {
  binary;
  constructor(binary) {
    super(`${binary} was not found on PATH`);
    this.binary = binary;
    this.name = "DockerNotFoundError";
  }
};
var BoundedText = class {
  limit;
  onLine;
  chunks = [];
  length = 0;
  partial = "";
  constructor(limit, onLine) {
    this.limit = limit;
    this.onLine = onLine;
  }
  push(chunk) {
    const text = chunk.toString("utf8");
    this.chunks.push(text);
    this.length += text.length;
    while (this.length > this.limit && this.chunks.length > 1)
      this.length -= this.chunks.shift().length;
    if (this.onLine !== void 0) {
      const lines = (this.partial + text).split(/\r?\n/);
      this.partial = lines.pop() ?? "";
      for (const line of lines)
        this.onLine(line);
    }
  }
  flush() {
    if (this.onLine !== void 0 && this.partial !== "")
      this.onLine(this.partial);
    this.partial = "";
  }
  get text() {
    return this.chunks.join("");
  }
};
function mergeEnv(base, overrides) {
  const env = {};
  for (const [key, value] of Object.entries({ ...base, ...overrides }))
    if (value !== void 0)
      env[key] = value;
  return env;
}
function summarizeDockerError(stderr, stdout = "") {
  const lines = stderr.replace(/^DEPRECATED:.*(?:\r?\n[ \t]+\S.*)*/gm, "").split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== "" && !/^(WARNING!|Configure a credential helper|https:\/\/docs\.docker\.com|DEPRECATED:|Install the buildx|The push refers to)/.test(line));
  const chosen = lines.find((line) => /^(Error|error)\b/.test(line)) ?? lines[lines.length - 1] ?? lastLine(stdout) ?? "docker exited without an error message";
  return chosen.replace(/^Error response from daemon:\s*/, "").replace(/^Error:\s*/, "");
}
function lastLine(text) {
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== "");
  return lines[lines.length - 1];
}
var NOT_FOUND = /manifest unknown|no such manifest|not found|no such image|does not exist|repository name not known/i;
var UNAUTHORIZED = /unauthorized|denied|no basic auth credentials|authentication required|incorrect username or password/i;
var TRANSIENT = /TLS handshake timeout|connection reset|connection refused|i\/o timeout|\bEOF\b|timeout exceeded|context deadline exceeded|toomanyrequests|too many requests|\b429\b|status(?: code)?:? 5\d\d\b|\b5\d\d (?:Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout)|Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout|no such host|network is unreachable|temporary failure|broken pipe/i;
function classifyDockerFailure(error) {
  if (!(error instanceof DockerCommandError))
    return "other";
  const text = `${error.stderr}
${error.stdout}`;
  if (UNAUTHORIZED.test(text))
    return "unauthorized";
  if (NOT_FOUND.test(text))
    return "not-found";
  if (TRANSIENT.test(text))
    return "transient";
  return "other";
}
function isTransientDockerFailure(error) {
  return classifyDockerFailure(error) === "transient";
}

export {
  http,
  httpsModule,
  tlsModule,
  childProcess,
  pullCommand,
  tagCommand,
  pushCommand,
  loginCommand,
  inspectImageCommand,
  listImagesCommand,
  manifestInspectCommand,
  serverPlatformCommand,
  buildxVersionCommand,
  dockerVersionCommand,
  buildCommand,
  displayCommand,
  DockerCommandError,
  DockerCli,
  DockerNotFoundError,
  summarizeDockerError,
  classifyDockerFailure,
  isTransientDockerFailure
};
