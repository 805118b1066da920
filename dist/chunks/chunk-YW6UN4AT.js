import { createRequire as __imageMirrorRequire } from 'node:module';
const require = __imageMirrorRequire(import.meta.url);
import {
  EngineFailure
} from "./chunk-LRCA6YLR.js";
import {
  DockerCommandError,
  DockerNotFoundError,
  buildCommand,
  buildxVersionCommand,
  classifyDockerFailure,
  displayCommand,
  dockerVersionCommand
} from "./chunk-3Q6L7RXN.js";
import {
  familiarName
} from "./chunk-7FBY6XPY.js";

// lib/engine/docker/builder.js
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

// lib/engine/docker/failures.js
var LOG_LIMIT = 8e3;
function dockerFailure(error, side, what, options = {}) {
  if (error instanceof EngineFailure)
    return error;
  const host = options.host !== void 0 ? { host: options.host } : {};
  if (error instanceof DockerNotFoundError) {
    return new EngineFailure("unsupported", "local", `${what} failed: ${error.message}`, { cause: error });
  }
  if (!(error instanceof DockerCommandError)) {
    return new EngineFailure("other", side, `${what} failed: ${error instanceof Error ? error.message : String(error)}`, { ...host, cause: error });
  }
  const log = error.output.slice(-LOG_LIMIT);
  const kind = error.exitCode === -1 && /^cancelled/.test(error.stderr) ? "cancelled" : kindOf(error, options.build === true);
  return new EngineFailure(kind, side, `${what} failed: ${error.reason}`, { ...host, ...log !== "" && { log }, cause: error });
}
function kindOf(error, build) {
  const text = `${error.stderr}
${error.stdout}`;
  if (/toomanyrequests|too many requests|rate limit/i.test(text))
    return "rate-limited";
  const kind = classifyDockerFailure(error);
  if (build)
    return "build-failed";
  if (kind === "unauthorized")
    return /denied|forbidden/i.test(text) && !/unauthorized|authentication required|no basic auth/i.test(text) ? "denied" : "unauthorized";
  if (kind === "not-found")
    return "not-found";
  if (kind === "transient")
    return "unreachable";
  return "other";
}

// lib/engine/docker/builder.js
var BUILDER_FEATURES = {
  buildx: { secretsAndSsh: true, namedContexts: true, multiPlatform: true, cacheExport: true, shmSize: true, namedNetworks: false, frontend: true },
  // The daemon's built-in BuildKit through the 20.10 CLI: no --build-context, no --cache-to, and --shm-size is not passed on.
  buildkit: { secretsAndSsh: true, namedContexts: false, multiPlatform: false, cacheExport: false, shmSize: false, namedNetworks: false, frontend: true },
  legacy: { secretsAndSsh: false, namedContexts: false, multiPlatform: false, cacheExport: false, shmSize: true, namedNetworks: true, frontend: false }
};
var BUILDER_NAMES = {
  buildx: "BuildKit through docker buildx",
  buildkit: "the daemon's built-in BuildKit",
  legacy: "the legacy builder"
};
var BUILDX_ONLY_FROM_MAJOR = 23;
async function detectBuilder(cli, options = {}) {
  const run = (command) => cli.run(command, options.signal !== void 0 ? { signal: options.signal } : {});
  if (options.buildkit === false && options.name === void 0) {
    return { kind: "legacy", description: `${BUILDER_NAMES.legacy} (DOCKER_BUILDKIT=0 docker build): DOCKER_BUILDKIT=0 in the environment asks for it` };
  }
  let buildxFailure;
  try {
    const version = (await run(buildxVersionCommand())).stdout.trim();
    const shown = /\bv?\d+\.\d+\.\d+\S*/.exec(version)?.[0] ?? (version.split("\n")[0] || "unknown version");
    const on = options.name !== void 0 ? `builder ${options.name}` : "buildx's current builder";
    return { kind: "buildx", ...options.name !== void 0 && { name: options.name }, description: `${BUILDER_NAMES.buildx} ${shown} (docker buildx build, ${on})` };
  } catch (error) {
    if (error instanceof DockerNotFoundError) {
      return { kind: "legacy", description: `${BUILDER_NAMES.legacy}: ${error.message}`, ...options.name !== void 0 && { problem: `the builder input names ${options.name}, but ${error.message}` } };
    }
    buildxFailure = error instanceof DockerCommandError ? error.output.split("\n").find((line) => line.trim() !== "")?.trim() ?? error.reason : String(error);
  }
  if (options.name !== void 0) {
    return {
      kind: "legacy",
      description: `${BUILDER_NAMES.legacy}: docker buildx is not installed`,
      problem: `the builder input names the buildx builder ${options.name}, but docker buildx is not installed here (docker buildx version: ${buildxFailure}); install buildx (docker/setup-buildx-action) or remove the builder input`
    };
  }
  const { client, server } = await versions(run);
  const clientMajor = majorOf(client);
  if (clientMajor === void 0) {
    return { kind: "legacy", description: `${BUILDER_NAMES.legacy} (DOCKER_BUILDKIT=0 docker build): docker buildx is not installed and the docker CLI's version is unknown` };
  }
  if (clientMajor >= BUILDX_ONLY_FROM_MAJOR) {
    return {
      kind: "legacy",
      description: `${BUILDER_NAMES.legacy} (DOCKER_BUILDKIT=0 docker build): the docker CLI ${client} builds with BuildKit only through the buildx plugin, which is not installed`
    };
  }
  if (server !== void 0 && !serverSpeaksBuildKit(server)) {
    return { kind: "legacy", description: `${BUILDER_NAMES.legacy} (DOCKER_BUILDKIT=0 docker build): the docker daemon (${server.os} ${server.version}) has no BuildKit` };
  }
  return { kind: "buildkit", description: `${BUILDER_NAMES.buildkit} (DOCKER_BUILDKIT=1 docker build, docker CLI ${client} without buildx)` };
}
async function versions(run) {
  let stdout;
  try {
    stdout = (await run(dockerVersionCommand())).stdout;
  } catch (error) {
    if (!(error instanceof DockerCommandError))
      return {};
    stdout = error.stdout;
  }
  let parsed;
  try {
    parsed = JSON.parse(stdout.trim().split("\n")[0] ?? "");
  } catch {
    return {};
  }
  const client = typeof parsed.Client?.Version === "string" ? parsed.Client.Version : void 0;
  const os2 = parsed.Server?.Os;
  const version = parsed.Server?.Version;
  return { ...client !== void 0 && { client }, ...typeof os2 === "string" && typeof version === "string" && { server: { os: os2, version } } };
}
function majorOf(version) {
  const match = /^v?(\d+)\.(\d+)/.exec(version ?? "");
  return match === null ? void 0 : Number(match[1]);
}
function serverSpeaksBuildKit(server) {
  const match = /^v?(\d+)\.(\d+)/.exec(server.version);
  if (match === null || server.os !== "linux")
    return false;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  return major > 18 || major === 18 && minor >= 9;
}
var TAIL_LINES = 40;
var TAIL_CHARS = 4e3;
var METADATA_FILE_SHOWN = "<temporary metadata file>";
function describeBuildCommand(request) {
  const buildx = request.command.builder?.kind === "buildx";
  return displayCommand(buildCommand(request.command, buildx && request.command.push === true ? { metadataFile: METADATA_FILE_SHOWN } : {}));
}
async function runBuild(cli, request, context, inspect) {
  const name = familiarName(request.command.tags[0]);
  const pushes = request.command.builder?.kind === "buildx" && request.command.push === true;
  const metadataDir = pushes ? fs.mkdtempSync(path.join(os.tmpdir(), "image-mirror-build-")) : void 0;
  const metadataFile = metadataDir === void 0 ? void 0 : path.join(metadataDir, "metadata.json");
  try {
    const command = buildCommand(request.command, metadataFile !== void 0 ? { metadataFile } : {});
    context.record(describeBuildCommand(request));
    const tail = [];
    try {
      await cli.run(command, {
        signal: context.signal,
        onLine: (line) => {
          tail.push(line);
          if (tail.length > TAIL_LINES)
            tail.shift();
          context.output?.(line);
        }
      });
    } catch (error) {
      const failure = dockerFailure(error, "local", `build ${name}`, { build: true });
      const log = tailText(tail);
      throw log === "" ? failure : new EngineFailure(failure.kind, failure.side, failure.message, { ...failure.details, log });
    }
    if (metadataFile !== void 0) {
      const metadata = readMetadata(metadataFile);
      return {
        ...metadata.configDigest !== void 0 && { imageId: metadata.configDigest },
        ...metadata.digest !== void 0 && { pushedDigest: metadata.digest }
      };
    }
    const built = await inspect(name).catch(() => void 0);
    return { ...built !== void 0 && { imageId: built.id } };
  } finally {
    if (metadataDir !== void 0)
      fs.rmSync(metadataDir, { recursive: true, force: true });
  }
}
function tailText(lines) {
  const text = lines.join("\n").trim();
  return text.length > TAIL_CHARS ? text.slice(-TAIL_CHARS) : text;
}
var DIGEST = /^sha256:[a-f0-9]{64}$/;
function readMetadata(file) {
  let parsed;
  try {
    const text = fs.readFileSync(file, "utf8");
    if (text.length > 1024 * 1024)
      return {};
    parsed = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof parsed !== "object" || parsed === null)
    return {};
  const record = parsed;
  const digest = record["containerimage.digest"];
  const config = record["containerimage.config.digest"];
  return {
    ...typeof digest === "string" && DIGEST.test(digest) && { digest },
    ...typeof config === "string" && DIGEST.test(config) && { configDigest: config }
  };
}

export {
  dockerFailure,
  BUILDER_FEATURES,
  BUILDER_NAMES,
  detectBuilder,
  describeBuildCommand,
  runBuild
};
