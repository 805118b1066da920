import { createRequire as __imageMirrorRequire } from 'node:module';
const require = __imageMirrorRequire(import.meta.url);
import {
  cacheServiceAvailable,
  userDockerConfigDir
} from "./chunk-BFJECO4U.js";
import {
  DOCKER_HUB,
  ReferenceFormatError,
  parseRegistryTarget,
  tryParseReference
} from "./chunk-7FBY6XPY.js";

// lib/output-files.js
import * as fs from "node:fs";
import * as path from "node:path";
var OutputPathError = class extends Error {
  file;
  reason;
  constructor(file, reason) {
    super(`Cannot write ${file}: ${reason}`);
    this.file = file;
    this.reason = reason;
    this.name = "OutputPathError";
  }
};
function outputPathProblem(file, options) {
  try {
    const state = inspectOutputPath(path.resolve(file), options);
    if (state === "directory" && options.expect === "file")
      return "it is a directory; name a file";
    if (state === "file" && options.expect === "directory")
      return "it is a file; name a directory";
    return void 0;
  } catch (error) {
    if (error instanceof OutputPathError)
      return error.reason;
    throw error;
  }
}
function writeOutputFile(file, content, options) {
  const target = path.resolve(file);
  const state = inspectOutputPath(target, options, { createParents: true });
  if (state === "directory")
    throw new OutputPathError(target, "it is a directory, not a file");
  const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;
  let fd;
  try {
    fd = fs.openSync(target, flags, 420);
  } catch (error) {
    const code = error.code;
    if (code === "ELOOP")
      throw new OutputPathError(target, "it is a symbolic link; refusing to write through it");
    if (code === "ENXIO")
      throw new OutputPathError(target, "it is a FIFO or socket, not a regular file");
    if (code === "EISDIR")
      throw new OutputPathError(target, "it is a directory, not a file");
    throw new OutputPathError(target, describeErrno(error));
  }
  try {
    if (!fs.fstatSync(fd).isFile())
      throw new OutputPathError(target, "it is not a regular file");
    fs.writeFileSync(fd, content);
  } finally {
    fs.closeSync(fd);
  }
}
function rootOf(file, roots) {
  for (const root of roots) {
    for (const candidate of /* @__PURE__ */ new Set([path.resolve(root), realpathOr(root)])) {
      if (file === candidate || file.startsWith(candidate.endsWith(path.sep) ? candidate : candidate + path.sep))
        return candidate;
    }
  }
  return void 0;
}
function inspectOutputPath(target, options, behaviour = {}) {
  const root = rootOf(target, options.allowedRoots);
  if (root === void 0) {
    throw new OutputPathError(target, `it is outside the workspace and the temp directory (${options.allowedRoots.map((dir) => path.resolve(dir)).join(", ")})`);
  }
  if (target === root)
    return "directory";
  const components = path.relative(root, target).split(path.sep);
  let current = root;
  let created = 0;
  for (let index = 0; index < components.length; index += 1) {
    current = path.join(current, components[index]);
    const isLast = index === components.length - 1;
    let stat;
    try {
      stat = fs.lstatSync(current);
    } catch (error) {
      if (error.code !== "ENOENT")
        throw new OutputPathError(target, `${current}: ${describeErrno(error)}`);
    }
    if (stat === void 0) {
      if (isLast)
        return "missing";
      if (behaviour.createParents !== true)
        return "missing";
      if (created > components.length)
        throw new OutputPathError(target, `${current} keeps changing while it is created`);
      created += 1;
      try {
        fs.mkdirSync(current);
      } catch (error) {
        if (error.code !== "EEXIST")
          throw new OutputPathError(target, `could not create ${current}: ${describeErrno(error)}`);
      }
      index -= 1;
      current = path.dirname(current);
      continue;
    }
    if (stat.isSymbolicLink()) {
      throw new OutputPathError(target, `${current} is a symbolic link; refusing to write through it`);
    }
    if (isLast) {
      if (stat.isDirectory())
        return "directory";
      if (stat.isFile())
        return "file";
      throw new OutputPathError(target, "it exists and is not a regular file (a FIFO, socket or device)");
    }
    if (!stat.isDirectory())
      throw new OutputPathError(target, `${current} is a file, not a directory`);
  }
  return "missing";
}
function realpathOr(dir) {
  try {
    return fs.realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}
function describeErrno(error) {
  const code = error.code;
  return code !== void 0 ? code : String(error);
}

// lib/inputs.js
var MODES = ["plan", "check", "mirror", "build", "verify", "all", "export", "import"];
var LAYOUTS = ["preserve", "library", "flat"];
var ENGINES = ["auto", "docker", "registry"];
var PULL_POLICIES = ["missing", "always", "never"];
var VERIFY_SOURCES = ["registry", "local", "bundle"];
var FINDING_KINDS = [
  "invalid-file",
  "unresolved-variable",
  "invalid-reference",
  "invalid-config",
  "unmapped",
  "excluded",
  "collision",
  "tag-policy",
  "version-drift",
  "missing",
  "failed",
  "scan-note"
];
var DEFAULT_FAIL_ON = FINDING_KINDS.filter((kind) => kind !== "version-drift" && kind !== "excluded" && kind !== "scan-note");
var FAIL_ON_WORDS = ["none", "all"];
var TRUE_WORDS = ["true", "yes", "on", "1"];
var FALSE_WORDS = ["false", "no", "off", "0"];
function describeChoices(values) {
  return values.length <= 2 ? values.join(" or ") : `${values.slice(0, -1).join(", ")} or ${values[values.length - 1]}`;
}
function hasUserInfo(value) {
  const authority = value.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").split("/")[0] ?? "";
  return authority.includes("@");
}
var CREDENTIALS_IN_HOST = "credentials do not belong in this input: give them in username and password (or source-username and source-password)";
var validRegistry = (value) => {
  if (hasUserInfo(value))
    return CREDENTIALS_IN_HOST;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value))
    return "expected a host with an optional namespace, without a scheme, e.g. harbor.example.com/aihpc";
  try {
    parseRegistryTarget(value);
    return void 0;
  } catch (error) {
    if (error instanceof ReferenceFormatError)
      return error.reason;
    throw error;
  }
};
var validTag = (value) => "ref" in tryParseReference(`probe.invalid/probe:${value}`) ? void 0 : "a tag is letters, digits, '_', '.' and '-', at most 128 characters, not starting with '.' or '-'";
var validFlatSeparator = (value) => /^(?:[._]|__|-+)$/.test(value) ? void 0 : "expected one of '-', '_', '.', '__'";
var validRegistryMirror = (value) => {
  if (hasUserInfo(value))
    return CREDENTIALS_IN_HOST;
  return /^https?:\/\/[^\s/@]+\/?$/.test(value) ? void 0 : "expected a URL such as https://mirror.example.com";
};
var validInsecureRegistry = (value) => {
  if (hasUserInfo(value))
    return CREDENTIALS_IN_HOST;
  try {
    const { namespace } = parseRegistryTarget(value);
    return namespace === "" ? void 0 : "expected a registry host with an optional port, e.g. registry.local:5000";
  } catch (error) {
    if (error instanceof ReferenceFormatError)
      return error.reason;
    throw error;
  }
};
var validPlatform = (value) => /^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/.test(value) ? void 0 : "expected os/arch[/variant], e.g. linux/arm64";
var validShard = (value) => {
  const match = /^(\d+)\/(\d+)$/.exec(value);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  return match === null || index < 1 || count < 1 || index > count || count > 256 ? "expected i/n with 1 <= i <= n <= 256, e.g. 2/4" : void 0;
};
var validNetwork = (value) => /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/.test(value) ? void 0 : "expected default, host, none or the name of a docker network";
var validBuilderName = (value) => /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/.test(value) ? void 0 : "expected the name of a buildx builder (letters, digits, _ . -)";
var validSecretVariable = (value) => {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,255}$/.test(value))
    return "expected the name of an environment variable (letters, digits and _, not starting with a digit)";
  if (/^(?:INPUT_|IMAGE_MIRROR_|ACTIONS_)/i.test(value))
    return "the action's inputs and the runner's ACTIONS_ tokens are never passed to a build";
  return void 0;
};
var validBundle = (value) => {
  if (hasUserInfo(value))
    return "credentials do not belong in a bundle URL";
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) && !/^https?:\/\/[^\s/]+\/\S*\.tar(?:#sha256[=:][a-fA-F0-9]{64})?$/i.test(value))
    return "expected a path, or an http(s):// URL of a .tar archive";
  return void 0;
};
var validBaseline = (value) => /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? "expected a local path to a bundle or its index.json" : void 0;
var INPUTS = [
  { name: "mode", kind: "choice", choices: MODES, default: "all", description: "What to do: plan (inventory only), check (mapping and policy, for pull requests), mirror, build, verify, all (mirror, build and push, verify), export (every image of the plan into the bundle) or import (the bundle into the registry)." },
  { name: "registry", kind: "string", validate: validRegistry, description: "Target registry host with optional namespace, e.g. harbor.example.com/aihpc. Required for every mode but plan." },
  { name: "tag", kind: "string", validate: validTag, description: "Tag of the repository's own service images, e.g. v0.3.5. Without it, service images keep the tag their compose file gives them." },
  { name: "path", kind: "path", path: { base: "workspace", expect: "directory" }, default: ".", description: "Directory to scan, relative to the workspace." },
  { name: "layout", kind: "choice", choices: LAYOUTS, fallback: "preserve", description: "How third-party images are named under the registry: preserve (quay.io/minio/minio -> <registry>/minio/minio), library (as preserve, Docker Hub official images under library/), or flat (last path component only). Default: the layout of the mapping file, else preserve." },
  { name: "flat-separator", kind: "string", validate: validFlatSeparator, description: "With layout flat, join all path components with this separator instead of keeping only the last ('-' gives minio-minio)." },
  { name: "config", kind: "path", path: { base: "workspace", expect: "file" }, description: "Mapping file (rules, exclusions, tag policy), relative to the workspace. Default: .github/image-mirror.yml at the workspace root when it exists." },
  { name: "strict", kind: "boolean", description: "Every image needs an explicit rule in the mapping file; the layout only proposes names. Overrides the mapping file." },
  { name: "compose-files", kind: "list", glob: true, description: "Glob patterns of compose files, relative to path (newline or comma separated; commas inside {\u2026} belong to the pattern). Replaces the defaults; the entry 'defaults' keeps them." },
  { name: "dockerfiles", kind: "list", glob: true, description: "Glob patterns of Dockerfiles, relative to path (newline or comma separated; commas inside {\u2026} belong to the pattern). Replaces the defaults; the entry 'defaults' keeps them." },
  { name: "exclude", kind: "list", glob: true, description: "Glob patterns of paths not to scan, relative to path, e.g. **/{docs,tools}/**." },
  { name: "env-file", kind: "list", path: { base: "workspace", expect: "file" }, description: "Extra .env files for compose interpolation, relative to the workspace, read after the .env beside each compose file." },
  { name: "template-defaults", kind: "list", path: { base: "workspace", expect: "file" }, description: "Files of documented defaults (KEY=value) for {{NAME}} placeholders of *.tpl/*.template compose files and Dockerfiles, relative to the workspace, read after the environment, env-file and .env; each value taken from them is a notice. Default: .env.example beside the template, then at path, when it exists." },
  { name: "fail-on", kind: "list", choices: [...FAIL_ON_WORDS, ...FINDING_KINDS], default: DEFAULT_FAIL_ON.join(", "), description: `Finding kinds that fail the run: none, all, or a list of ${FINDING_KINDS.join(", ")}.` },
  { name: "compose-output", kind: "path", path: { base: "workspace", expect: "output" }, description: "Write each scanned compose file, rewritten so every image points at the registry, to this path (a directory when there are several). Inside the workspace or the temp directory." },
  { name: "report-path", kind: "path", path: { base: "workspace", expect: "output-file" }, description: "Where to write the JSON report, inside the workspace or the temp directory. Default: image-mirror-report.json in RUNNER_TEMP (the action), or in a new directory under the system temp directory (the CLI)." },
  { name: "engine", kind: "choice", choices: ENGINES, default: "auto", description: "How images are copied and verified: auto (the registry engine copies and verifies, docker builds, retags offline with pull: never or push: false, and verifies with verify-from: local), registry (registry to registry over the OCI distribution API: every platform, exact digests) or docker (pull, tag, push through the docker CLI: the daemon's platform only)." },
  { name: "pull", kind: "choice", choices: PULL_POLICIES, default: "missing", description: "Copies through docker (engine: docker): missing (use local images when present), always, or never (retag local images only, no network; with engine auto, copies then go through docker)." },
  { name: "push", kind: "boolean", default: "true", description: "Push built service images and mirrored base images. false: build and retag in the local daemon only, no network (the offline retag)." },
  { name: "use-mirrored-bases", kind: "boolean", default: "true", description: "Build service images against the mirrored base images in the target registry instead of their public sources." },
  { name: "build-network", kind: "string", validate: validNetwork, description: "Network of service image builds (docker build --network) when the compose file's build.network does not name one: default, host, none or a network name. Default: docker's default network." },
  { name: "builder", kind: "string", validate: validBuilderName, description: "The buildx builder that builds service images (docker buildx build --builder), e.g. the name docker/setup-buildx-action outputs. Default: buildx's current builder. Without buildx, docker build builds with BuildKit when the docker CLI has it built in (DOCKER_BUILDKIT=1), else with the legacy builder; DOCKER_BUILDKIT=0 in the environment asks for the legacy builder. The log says which one built." },
  { name: "build-secret-env", kind: "list", validate: validSecretVariable, description: "Environment variables a service image build may receive as a compose build secret defined by environment: (secrets: { npm_token: { environment: NPM_TOKEN } }), e.g. NPM_TOKEN. A compose file naming any other variable gets a warning and the build does not receive it: the repository chooses what its build reads, the workflow chooses what it may read. Secrets defined by file: need no input; they must lie inside the workspace." },
  { name: "verify-from", kind: "choice", choices: VERIFY_SOURCES, default: "registry", description: "Where verify looks: registry (manifest lookup, no pull), local (docker image inspect, no network) or bundle (every blob of the bundle present with its size and digest, offline)." },
  { name: "bundle", kind: "string", validate: validBundle, description: "OCI image layout the images are exported to (mode export) or imported from (mode import), or whose plan mode verify checks (with verify-from: bundle, the bundle itself, offline): a directory, or one archive when it ends in .tar, inside the workspace or the temp directory. mode import also takes an http(s):// URL of a .tar (downloaded once per digest into the runner's tool cache; the digest comes from a #sha256=<hex> fragment or the .sha256 file beside it)." },
  { name: "bundle-baseline", kind: "string", validate: validBaseline, description: "mode export: an earlier bundle (directory or .tar) or just its index.json; the new bundle carries only the manifests and blobs the baseline lacks (a delta), and imports on top of it." },
  { name: "cache", kind: "boolean", default: "false", description: "Keep the manifests and blobs fetched from sources in GitHub's cache (@actions/cache) between runs, keyed by the digests of the sources the run fetches: a re-run or a scheduled run on a fresh runner then sends sources only HEAD requests for unchanged images and takes their bytes from the cache (each digest checked). For mode export, and for copies through the registry engine (engine auto or registry). Restored once the source digests are known, saved in the post step, also after a failure. Needs the Actions cache service (GitHub-hosted runners): without it, or when copies go through docker, a warning says the cache is off and the run goes on without it." },
  { name: "dry-run", kind: "boolean", default: "false", description: "Print every command that would run, run none." },
  { name: "username", kind: "string", description: "Username for the target registry. Without it, existing docker credentials are used." },
  { name: "password", kind: "secret", description: "Password or token for the target registry." },
  { name: "source-username", kind: "string", description: "Username for Docker Hub (or the registry-mirror), to avoid the anonymous rate limit." },
  { name: "source-password", kind: "secret", description: "Password or token for source-username." },
  { name: "concurrency", kind: "integer", min: 1, max: 64, default: "4", description: "Pulls, pushes, copies and blob transfers in parallel. The lookups that decide whether an image needs copying (registry HEAD requests) run up to four times as many at once, each registry still getting at most this many connections." },
  { name: "build-concurrency", kind: "integer", min: 1, max: 16, default: "1", description: "Service image builds in parallel." },
  { name: "retries", kind: "integer", min: 0, max: 10, default: "3", description: "Retries of a transient failure (network, 429, 5xx), with exponential backoff." },
  { name: "registry-mirror", kind: "string", validate: validRegistryMirror, description: "URL that serves Docker Hub images (a pull-through cache), used by the registry engine for Docker Hub reads. Default: the docker daemon's first registry-mirrors entry, when docker is there." },
  { name: "insecure-registries", kind: "list", validate: validInsecureRegistry, description: "Registries reached over plain HTTP or with an unverified certificate (loopback registries always are). Default: the docker daemon's insecure-registries hosts, when docker is there." },
  { name: "ca-file", kind: "path", path: { base: "workspace", expect: "any-file" }, description: "PEM file of a private certificate authority for the registries." },
  { name: "platforms", kind: "list", validate: validPlatform, description: "Copy only these platforms of multi-platform images (changes their digest); copies through the registry engine only, so not with engine: docker, pull: never or push: false. The scan also reads BuildKit's TARGETARCH and the like for them, besides this machine's, in builds that name no platform. Default: all." },
  { name: "copy-referrers", kind: "boolean", default: "false", description: "Registry engine: also copy OCI referrers (signatures, SBOMs) of each image." },
  { name: "shards", kind: "integer", min: 1, max: 256, default: "1", description: "mode plan: split the images into this many groups in the matrix output." },
  { name: "shard", kind: "string", validate: validShard, description: "Handle only part i of n of the images, e.g. 2/4 (from the matrix output of mode plan)." }
];
var INPUT_SPECS = INPUTS;

// lib/settings.js
import * as path2 from "node:path";
import * as fs2 from "node:fs";

// lib/discover/glob.js
var GlobError = class extends Error {
  pattern;
  reason;
  constructor(pattern, reason) {
    super(`Invalid glob '${pattern}': ${reason}`);
    this.pattern = pattern;
    this.reason = reason;
    this.name = "GlobError";
  }
};
var MAX_PATTERN_LENGTH = 1024;
var MAX_BRACE_DEPTH = 8;
function compileGlob(pattern) {
  const { anchored, alternatives: tokenLists } = compileAlternatives(pattern);
  const alternatives = tokenLists.map(compileTokens);
  return {
    pattern,
    matches(relativePath) {
      const candidate = anchored ? relativePath : relativePath.slice(relativePath.lastIndexOf("/") + 1);
      return alternatives.some((matches) => matches(candidate));
    }
  };
}
function compileAlternatives(pattern) {
  const normalised = pattern.replace(/\\/g, "/").replace(/^\.\//, "").replace(/\/+$/, "");
  const anchored = normalised.includes("/");
  const offset = pattern.length - pattern.replace(/^\.[\\/]/, "").length;
  return { anchored, alternatives: expand(parse(pattern, normalised, offset), pattern) };
}
function compileGlobSet(patterns) {
  const sources = { name: [], path: [] };
  const others = { name: [], path: [] };
  for (const pattern of patterns) {
    const { anchored, alternatives } = compileAlternatives(pattern);
    const kind = anchored ? "path" : "name";
    for (const tokens of alternatives) {
      if (tokens.filter(isRepeat).length <= 1)
        sources[kind].push(tokens.map(tokenRegex).join(""));
      else
        others[kind].push(compileTokens(tokens));
    }
  }
  const union = (list) => list.length === 0 ? void 0 : new RegExp(`^(?:${list.join("|")})$`);
  const byName = union(sources.name);
  const byPath = union(sources.path);
  const nameOthers = others.name;
  const pathOthers = others.path;
  const hasName = byName !== void 0 || nameOthers.length > 0;
  return {
    patterns: [...patterns],
    byNameOnly: byPath === void 0 && pathOthers.length === 0,
    matches(relativePath) {
      if (byPath !== void 0 && byPath.test(relativePath))
        return true;
      for (const matches of pathOthers)
        if (matches(relativePath))
          return true;
      if (!hasName)
        return false;
      const name = relativePath.slice(relativePath.lastIndexOf("/") + 1);
      if (byName !== void 0 && byName.test(name))
        return true;
      for (const matches of nameOthers)
        if (matches(name))
          return true;
      return false;
    }
  };
}
function globProblem(pattern) {
  try {
    compileGlob(pattern);
    return void 0;
  } catch (error) {
    if (error instanceof GlobError)
      return error.reason;
    throw error;
  }
}
var MAX_ALTERNATIVES = 256;
function parse(pattern, glob, offset) {
  const fail = (reason) => {
    throw new GlobError(pattern, reason);
  };
  const at = (index) => index + 1 + offset;
  if (glob === "")
    fail("the pattern is empty");
  if (glob.length > MAX_PATTERN_LENGTH)
    fail(`longer than ${MAX_PATTERN_LENGTH} characters`);
  if (glob.startsWith("/"))
    fail("patterns are relative to the scanned path: drop the leading '/'");
  if (glob.split("/").includes(".."))
    fail("patterns are relative to the scanned path and cannot leave it ('..')");
  const root = [];
  const groups = [];
  let sequence = root;
  for (let i = 0; i < glob.length; i += 1) {
    const ch = glob[i];
    if (ch === "*") {
      if (glob[i + 1] === "*") {
        const slashFollows = glob[i + 2] === "/";
        sequence.push({ t: slashFollows ? "directories" : "anything" });
        i += slashFollows ? 2 : 1;
      } else
        sequence.push({ t: "star" });
    } else if (ch === "?") {
      sequence.push({ t: "one" });
    } else if (ch === "[") {
      const { token, end } = parseClass(glob, i, fail, at);
      sequence.push(token);
      i = end;
    } else if (ch === "{") {
      if (groups.length >= MAX_BRACE_DEPTH)
        fail(`braces nested deeper than ${MAX_BRACE_DEPTH}`);
      const group = { options: [[]], start: i, parent: sequence };
      groups.push(group);
      sequence = group.options[0];
    } else if (ch === "}") {
      const group = groups.pop();
      if (group === void 0)
        return fail(`the '}' at position ${at(i)} closes no '{'`);
      group.parent.push({ t: "braces", options: group.options });
      sequence = group.parent;
    } else if (ch === "," && groups.length > 0) {
      const next = [];
      groups[groups.length - 1].options.push(next);
      sequence = next;
    } else {
      sequence.push({ t: "literal", c: ch, code: ch.charCodeAt(0) });
    }
  }
  const open = groups[groups.length - 1];
  if (open !== void 0)
    fail(`the '{' at position ${at(open.start)} is never closed`);
  return root;
}
function expand(nodes, pattern) {
  let results = [[]];
  for (const node of nodes) {
    if (node.t !== "braces") {
      for (const result of results)
        result.push(node);
      continue;
    }
    const alternatives = node.options.flatMap((option) => expand(option, pattern));
    const next = [];
    for (const result of results) {
      for (const alternative of alternatives) {
        next.push([...result, ...alternative]);
        if (next.length > MAX_ALTERNATIVES)
          throw new GlobError(pattern, `its braces expand to more than ${MAX_ALTERNATIVES} patterns`);
      }
    }
    results = next;
  }
  return results;
}
var isRepeat = (token) => token.t === "star" || token.t === "anything" || token.t === "directories";
function compileTokens(tokens) {
  if (tokens.filter(isRepeat).length <= 1) {
    const regex = new RegExp(`^${tokens.map(tokenRegex).join("")}$`);
    return (text) => regex.test(text);
  }
  let head = "";
  for (const token of tokens) {
    if (token.t !== "literal")
      break;
    head += token.c;
  }
  let tail = "";
  for (let i = tokens.length - 1; i >= 0; i -= 1) {
    const token = tokens[i];
    if (token.t !== "literal")
      break;
    tail = token.c + tail;
  }
  return (text) => text.startsWith(head) && text.endsWith(tail) && matchTokens(tokens, text);
}
function tokenRegex(token) {
  switch (token.t) {
    case "literal":
      return token.c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    case "one":
      return "[^/]";
    case "class": {
      const members = token.ranges.map(([low, high]) => low === high ? escapeClassMember(low) : `${escapeClassMember(low)}-${escapeClassMember(high)}`).join("");
      return token.negated ? `[^/${members}]` : `(?![/])[${members}]`;
    }
    case "star":
      return "[^/]*";
    case "anything":
      return ".*";
    case "directories":
      return "(?:[^/]+/)*";
  }
}
function escapeClassMember(ch) {
  return /[\\\]^-]/.test(ch) ? `\\${ch}` : ch;
}
function matchTokens(tokens, text) {
  const n = text.length;
  if (scratch.nextSlash.length < n + 1) {
    scratch.nextSlash = new Int32Array(2 * (n + 1));
    scratch.below = new Uint8Array(2 * (n + 1));
    scratch.row = new Uint8Array(2 * (n + 1));
  }
  const { nextSlash } = scratch;
  let slash = -1;
  for (let j = n; j >= 0; j -= 1) {
    if (j < n && text.charCodeAt(j) === SLASH)
      slash = j;
    nextSlash[j] = slash;
  }
  let below = scratch.below;
  let row = scratch.row;
  below.fill(0, 0, n + 1);
  below[n] = 1;
  for (let i = tokens.length - 1; i >= 0; i -= 1) {
    const token = tokens[i];
    row[n] = token.t === "star" || token.t === "anything" || token.t === "directories" ? below[n] : 0;
    for (let j = n - 1; j >= 0; j -= 1) {
      const code = text.charCodeAt(j);
      let ok;
      switch (token.t) {
        case "literal":
          ok = code === token.code && below[j + 1] === 1;
          break;
        case "one":
          ok = code !== SLASH && below[j + 1] === 1;
          break;
        case "class":
          ok = code !== SLASH && below[j + 1] === 1 && inClass(token, text[j]);
          break;
        case "star":
          ok = below[j] === 1 || code !== SLASH && row[j + 1] === 1;
          break;
        case "anything":
          ok = below[j] === 1 || row[j + 1] === 1;
          break;
        case "directories": {
          const end = nextSlash[j];
          ok = below[j] === 1 || end > j && row[end + 1] === 1;
          break;
        }
      }
      row[j] = ok ? 1 : 0;
    }
    const swap = below;
    below = row;
    row = swap;
  }
  return below[0] === 1;
}
var SLASH = 47;
var scratch = { nextSlash: new Int32Array(512), below: new Uint8Array(512), row: new Uint8Array(512) };
function inClass(token, ch) {
  const member = token.ranges.some(([low, high]) => ch >= low && ch <= high);
  return member !== token.negated;
}
function parseClass(glob, start, fail, at) {
  let i = start + 1;
  let negated = false;
  if (glob[i] === "!" || glob[i] === "^") {
    negated = true;
    i += 1;
  }
  const ranges = [];
  let first = true;
  for (; i < glob.length; i += 1) {
    const ch = glob[i];
    if (ch === "]" && !first)
      break;
    first = false;
    if (ch === "/")
      fail(`'/' cannot be part of a character class (at position ${at(i)})`);
    const next = glob[i + 1];
    const last = glob[i + 2];
    if (next === "-" && last !== void 0 && last !== "]") {
      if (last === "/")
        fail(`'/' cannot be part of a character class (at position ${at(i + 2)})`);
      if (last < ch)
        fail(`the range '${ch}-${last}' is out of order`);
      ranges.push([ch, last]);
      i += 2;
    } else {
      ranges.push([ch, ch]);
    }
  }
  if (i >= glob.length)
    fail(`the '[' at position ${at(start)} is never closed`);
  return { token: { t: "class", negated, ranges }, end: i };
}

// lib/extract/interpolate.js
var MAX_NESTING_DEPTH = 32;
var WITHHELD_REASON = "withheld: it holds a secret of the runner/action";
var NAME_START = /[A-Za-z_]/;
var NAME_CHAR = /[A-Za-z0-9_]/;
function isWithheldName(name) {
  return /^(?:INPUT_|IMAGE_MIRROR_|ACTIONS_)/i.test(name) || name.toUpperCase() === "GITHUB_TOKEN";
}
var COMPOSE_SYNTAX = { escape: { kind: "double-dollar" }, withheld: isWithheldName };
var dockerfileSyntax = (escapeChar = "\\") => ({ escape: { kind: "escape-char", char: escapeChar } });
function interpolationEnvironment(env, secretValues = []) {
  const secrets = /* @__PURE__ */ new Set();
  for (const secret of secretValues)
    if (secret !== void 0 && secret !== "")
      secrets.add(secret);
  const visible = {};
  const withheld = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === void 0)
      continue;
    if (isWithheldName(name) || secrets.has(value))
      withheld.push(name);
    else
      visible[name] = value;
  }
  return { env: visible, withheld: withheld.sort() };
}
function interpolate(text, lookup, options) {
  const state = { value: "", missing: [], withheld: [], errors: [], problems: [] };
  state.value = substitute(text, 0, { lookup, options, state, text });
  state.missing = [...new Set(state.missing)];
  state.withheld = [...new Set(state.withheld)];
  state.errors = state.problems.map((problem2) => problem2.message);
  return state;
}
function problem(context, kind, message, name) {
  if (context.state.problems.some((p) => p.kind === kind && p.message === message))
    return;
  context.state.problems.push({ kind, message, ...name !== void 0 && { name } });
}
function valueOf(name, context) {
  if (context.options.withheld?.(name) === true) {
    context.state.withheld.push(name);
    problem(context, "withheld", `variable ${name} is ${WITHHELD_REASON}`, name);
    return void 0;
  }
  return context.lookup(name);
}
function substitute(text, depth, context) {
  const { options, state } = context;
  let out = "";
  let i = 0;
  const escapeChar = options.escape.kind === "escape-char" ? options.escape.char : void 0;
  while (i < text.length) {
    const ch = text[i];
    if (escapeChar !== void 0 && ch === escapeChar && text[i + 1] === "$") {
      out += "$";
      i += 2;
      continue;
    }
    if (ch !== "$") {
      const next2 = text.indexOf("$", i + 1);
      const stop = escapeChar === void 0 ? next2 : nearest(next2, text.indexOf(escapeChar, i + 1));
      const end = stop < 0 ? text.length : stop;
      out += text.slice(i, end);
      i = end;
      continue;
    }
    const next = text[i + 1];
    if (options.escape.kind === "double-dollar" && next === "$") {
      out += "$";
      i += 2;
      continue;
    }
    if (next === "{") {
      if (depth >= MAX_NESTING_DEPTH) {
        problem(context, "too-deep", `variables are nested more than ${MAX_NESTING_DEPTH} levels deep`);
        return out;
      }
      const close = findClosingBrace(text, i + 2);
      if (close < 0) {
        problem(context, "syntax", `unterminated '\${' in '${context.text}'`);
        return out + text.slice(i);
      }
      out += expandBraced(text.slice(i + 2, close), depth + 1, context);
      i = close + 1;
      continue;
    }
    if (next !== void 0 && NAME_START.test(next)) {
      let end = i + 1;
      while (end < text.length && NAME_CHAR.test(text[end]))
        end += 1;
      const name = text.slice(i + 1, end);
      const value = valueOf(name, context);
      if (value === void 0 && options.withheld?.(name) !== true)
        state.missing.push(name);
      out += value ?? "";
      i = end;
      continue;
    }
    out += "$";
    i += 1;
  }
  return out;
}
function nearest(a, b) {
  if (a < 0)
    return b;
  if (b < 0)
    return a;
  return Math.min(a, b);
}
function findClosingBrace(text, from) {
  let depth = 1;
  for (let i = from; i < text.length; i += 1) {
    if (text[i] === "$" && text[i + 1] === "{") {
      depth += 1;
      i += 1;
    } else if (text[i] === "}") {
      depth -= 1;
      if (depth === 0)
        return i;
    }
  }
  return -1;
}
function expandBraced(body, depth, context) {
  let end = 0;
  while (end < body.length && (end === 0 ? NAME_START : NAME_CHAR).test(body[end]))
    end += 1;
  const name = body.slice(0, end);
  if (name === "") {
    problem(context, "syntax", `invalid variable name in '\${${body}}'`);
    return "";
  }
  const rest = body.slice(end);
  const value = valueOf(name, context);
  const withheld = context.options.withheld?.(name) === true;
  if (rest === "") {
    if (value === void 0 && !withheld)
      context.state.missing.push(name);
    return value ?? "";
  }
  const operator = /^(:?[-+?])/.exec(rest)?.[1];
  if (operator === void 0) {
    problem(context, "syntax", `unsupported modifier '${rest}' in '\${${body}}'`);
    return value ?? "";
  }
  const word = rest.slice(operator.length);
  const colon = operator.startsWith(":");
  const isSet = value !== void 0 && (!colon || value !== "");
  switch (operator.slice(-1)) {
    case "-":
      return isSet ? value : substitute(word, depth, context);
    case "+":
      return isSet ? substitute(word, depth, context) : "";
    default: {
      if (isSet)
        return value;
      const message = substitute(word, depth, context);
      problem(context, "required", message !== "" ? `${name}: ${message}` : `required variable ${name} is ${value === void 0 ? "not set" : "empty"}`, name);
      return "";
    }
  }
}

// lib/settings.js
var DEFAULT_CONFIG_FILE = ".github/image-mirror.yml";
var DEFAULT_REPORT_NAME = "image-mirror-report.json";
var InputError = class extends Error {
  input;
  constructor(message, input) {
    super(message);
    this.input = input;
    this.name = "InputError";
  }
};
function buildSettings(read, context) {
  const input = readInputs(read, context);
  const workspace = path2.resolve(context.workspace);
  const outputRoots = [.../* @__PURE__ */ new Set([workspace, path2.resolve(context.tempDir)])];
  const mode = input.mode;
  if (input.registry === void 0 && mode !== "plan") {
    throw new InputError(`Input 'registry' is required for mode '${mode}' (for example registry: harbor.example.com/project)`, "registry");
  }
  const registry = input.registry === void 0 ? void 0 : registryTarget(input.registry);
  const configFile = input.config ?? defaultConfigFile(workspace, input.path);
  const credentials = (userInput, passwordInput) => {
    const username = input[userInput] ?? "";
    const password = input[passwordInput] ?? "";
    if (username === "" && password === "")
      return void 0;
    if (username === "" || password === "") {
      throw new InputError(`Inputs '${userInput}' and '${passwordInput}' go together: give both or neither`, username === "" ? userInput : passwordInput);
    }
    return { username, password };
  };
  const targetCredentials = credentials("username", "password");
  const sourceCredentials = credentials("source-username", "source-password");
  const bundle = bundleSettings(input, outputRoots, context);
  let shard;
  if (input.shard !== void 0) {
    const [index, count] = input.shard.split("/").map(Number);
    shard = { index, count };
  }
  checkPlatformsEngine(input);
  const buildkit = parseBuildKitVariable(context.env.DOCKER_BUILDKIT);
  checkBuildSecretEnv(input["build-secret-env"], context.env, [targetCredentials?.password, sourceCredentials?.password]);
  const { env } = interpolationEnvironment(context.env, [targetCredentials?.password, sourceCredentials?.password]);
  return {
    workspace,
    root: input.path,
    outputRoots,
    mode,
    ...registry && { registry },
    ...input.tag !== void 0 && { tag: input.tag },
    layout: input.layout,
    layoutFromInput: read("layout").trim() !== "",
    ...input["flat-separator"] !== void 0 && { flatSeparator: input["flat-separator"] },
    ...configFile !== void 0 && { configFile },
    ...input.strict !== void 0 && { strict: input.strict },
    composeFiles: input["compose-files"],
    dockerfiles: input.dockerfiles,
    exclude: input.exclude,
    envFiles: input["env-file"],
    ...input["template-defaults"].length > 0 && { templateDefaults: input["template-defaults"] },
    failOn: failOnKinds(input["fail-on"]),
    ...input["compose-output"] !== void 0 && { composeOutput: input["compose-output"] },
    reportPath: input["report-path"] ?? defaultReportPath(context),
    engine: input.engine,
    pull: input.pull,
    push: input.push,
    useMirroredBases: input["use-mirrored-bases"],
    ...input["build-network"] !== void 0 && { buildNetwork: input["build-network"] },
    ...input.builder !== void 0 && { builder: input.builder },
    ...buildkit !== void 0 && { buildkit },
    buildSecretEnv: input["build-secret-env"],
    verifyFrom: input["verify-from"],
    dryRun: input["dry-run"],
    ...targetCredentials && { targetCredentials },
    ...sourceCredentials && { sourceCredentials },
    concurrency: input.concurrency,
    buildConcurrency: input["build-concurrency"],
    retries: input.retries,
    ...input["registry-mirror"] !== void 0 && { registryMirror: input["registry-mirror"].replace(/\/$/, "") },
    insecureRegistries: input["insecure-registries"],
    ...input["ca-file"] !== void 0 && { caFile: input["ca-file"] },
    platforms: input.platforms,
    copyReferrers: input["copy-referrers"],
    ...bundle,
    cache: input.cache,
    cacheDir: path2.join(path2.resolve(context.tempDir), "image-mirror-cache"),
    cacheService: cacheServiceAvailable(context.env),
    userDockerConfig: path2.resolve(userDockerConfigDir(context.env)),
    ...shard && { shard },
    shards: input.shards,
    env
  };
}
function readInputs(read, context) {
  const specs = INPUT_SPECS;
  for (const spec of specs) {
    const raw = read(spec.name);
    if (spec.kind === "secret" && raw !== "")
      context.maskSecret(raw);
    else if (raw !== "")
      for (const secret of passwordsInUserInfo(raw))
        context.maskSecret(secret);
  }
  const workspace = path2.resolve(context.workspace);
  const values = {};
  for (const spec of specs)
    values[spec.name] = parseInput(spec, read(spec.name), workspace);
  const root = values.path;
  for (const spec of specs) {
    const rule = spec.kind === "path" || spec.kind === "list" ? spec.path : void 0;
    if (rule === void 0)
      continue;
    const written = spec.kind === "list" ? splitList(read(spec.name)) : [read(spec.name).trim() || (spec.default ?? "")];
    const absolute = spec.kind === "list" ? values[spec.name] : [values[spec.name]];
    absolute.forEach((file, index) => {
      if (file === void 0)
        return;
      const problem2 = pathProblem(rule, file, { workspace, root, outputRoots: [workspace, path2.resolve(context.tempDir)] });
      if (problem2 !== void 0)
        throw invalid(spec, written[index] ?? file, problem2, spec.kind === "list" ? "entry" : "value");
    });
  }
  return values;
}
function reportPathAfterError(read, context) {
  const workspace = path2.resolve(context.workspace);
  const written = read("report-path").trim();
  const roots = { workspace, root: workspace, outputRoots: [workspace, path2.resolve(context.tempDir)] };
  const rule = { base: "workspace", expect: "output-file" };
  if (written !== "") {
    const file = path2.resolve(workspace, written);
    if (pathProblem(rule, file, roots) === void 0)
      return file;
  }
  const fallback = defaultReportPath(context);
  return pathProblem(rule, fallback, roots) === void 0 ? fallback : void 0;
}
function splitList(text) {
  const entries = [];
  for (const line of text.split(/\r?\n/)) {
    let depth = 0;
    let inClass2 = false;
    let current = "";
    for (const ch of line) {
      if (inClass2) {
        if (ch === "]")
          inClass2 = false;
      } else if (ch === "[")
        inClass2 = true;
      else if (ch === "{")
        depth += 1;
      else if (ch === "}" && depth > 0)
        depth -= 1;
      else if (ch === "," && depth === 0) {
        entries.push(current);
        current = "";
        continue;
      }
      current += ch;
    }
    entries.push(current);
  }
  return entries.map((entry) => entry.trim()).filter((entry) => entry !== "" && !entry.startsWith("#"));
}
function parseInput(spec, raw, workspace) {
  if (spec.kind === "secret")
    return raw === "" ? void 0 : raw;
  if (spec.kind === "list") {
    const given = splitList(raw);
    const items = given.length === 0 && spec.default !== void 0 ? splitList(spec.default) : given;
    for (const item of items) {
      const problem2 = spec.choices !== void 0 && !spec.choices.includes(item) ? `expected ${describeChoices(spec.choices)}` : spec.glob === true ? globProblem(item) : spec.validate?.(item);
      if (problem2 !== void 0)
        throw invalid(spec, item, problem2, "entry");
    }
    return spec.path === void 0 ? items : items.map((item) => path2.resolve(workspace, item));
  }
  const text = raw.trim();
  const value = text !== "" ? text : spec.default ?? (spec.kind === "choice" ? spec.fallback : void 0);
  if (value === void 0)
    return void 0;
  switch (spec.kind) {
    case "string": {
      const problem2 = spec.validate?.(value);
      if (problem2 !== void 0)
        throw invalid(spec, value, problem2);
      return value;
    }
    case "path":
      return path2.resolve(workspace, value);
    case "choice":
      if (!spec.choices.includes(value))
        throw invalid(spec, value, `expected ${describeChoices(spec.choices)}`);
      return value;
    case "boolean": {
      const lower = value.toLowerCase();
      if (TRUE_WORDS.includes(lower))
        return true;
      if (FALSE_WORDS.includes(lower))
        return false;
      throw invalid(spec, value, "expected true or false");
    }
    case "integer": {
      if (!/^\d+$/.test(value) || Number(value) < spec.min || Number(value) > spec.max) {
        throw invalid(spec, value, `expected a whole number from ${spec.min} to ${spec.max}`);
      }
      return Number(value);
    }
  }
}
function pathProblem(rule, file, roots) {
  switch (rule.expect) {
    case "directory":
      return isDirectory(file) ? void 0 : `${file} is not a directory`;
    case "any-file":
    case "file": {
      let stat;
      try {
        stat = fs2.statSync(file);
      } catch {
        return `${file} does not exist`;
      }
      if (!stat.isFile())
        return `${file} is not a regular file`;
      if (rule.expect === "file") {
        const real = fs2.realpathSync(file);
        const inside = [roots.workspace, roots.root].some((dir) => isInside(real, realpathOr2(dir)));
        if (!inside)
          return `${file} resolves to ${real}, outside the workspace (${roots.workspace})`;
      }
      return void 0;
    }
    case "output-file":
      return outputPathProblem(file, { allowedRoots: roots.outputRoots, expect: "file" });
    case "output":
      return outputPathProblem(file, { allowedRoots: roots.outputRoots, expect: "file-or-directory" });
  }
}
function invalid(spec, value, reason, what = "value") {
  const name = what === "entry" ? `${spec.name} entry` : spec.name;
  const shown = spec.kind === "secret" ? "***" : quoteForMessage(redactUserInfo(value));
  return new InputError(`Invalid ${name} '${shown}': ${reason}`, spec.name);
}
function redactUserInfo(value) {
  if (!hasUserInfo(value))
    return value;
  return value.replace(/^((?:[a-z][a-z0-9+.-]*:\/\/)?)([^/@]*)@/i, (_match, scheme, userInfo) => {
    const colon = userInfo.indexOf(":");
    return `${scheme}${colon < 0 ? "***" : `${userInfo.slice(0, colon)}:***`}@`;
  });
}
function passwordsInUserInfo(value) {
  const secrets = [];
  for (const line of value.split(/[\n,]/)) {
    const secret = /^\s*(?:[a-z][a-z0-9+.-]*:\/\/)?[^/@\s:]*:([^/@\s]+)@/i.exec(line)?.[1];
    if (secret !== void 0)
      secrets.push(secret);
  }
  return secrets;
}
function quoteForMessage(value) {
  const escaped = value.replace(/[\u0000-\u001f\u007f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, "0")}`);
  return escaped.length > 200 ? `${escaped.slice(0, 200)}\u2026` : escaped;
}
function registryTarget(value) {
  const { registry, namespace } = parseRegistryTarget(value);
  return { text: namespace === "" ? registry : `${registry}/${namespace}`, registry, namespace };
}
function dockerCopyCause(settings) {
  if (settings.engine !== "auto")
    return settings.engine === "docker" ? "engine" : void 0;
  return settings.pull === "never" ? "pull" : !settings.push ? "push" : void 0;
}
function copyEngine(settings) {
  return dockerCopyCause(settings) === void 0 ? "registry" : "docker";
}
function checkPlatformsEngine(input) {
  if (input.platforms.length === 0)
    return;
  const cause = dockerCopyCause(input);
  if (cause === void 0)
    return;
  const why = {
    engine: "engine 'docker' copies the daemon's platform only",
    pull: "with pull 'never', copies are offline retags in the docker daemon, which keep one platform",
    push: "with push 'false', copies are retags in the docker daemon, which keep one platform"
  }[cause];
  throw new InputError(`Invalid platforms '${input.platforms.join(", ")}': ${why}; use engine 'auto' (the default) or 'registry' with pull and push left as they are, or remove platforms`, "platforms");
}
function parseBuildKitVariable(value) {
  if (value === void 0)
    return void 0;
  if (["1", "t", "T", "TRUE", "true", "True"].includes(value))
    return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(value))
    return false;
  return void 0;
}
function failOnKinds(items) {
  const words = items.filter((item) => FAIL_ON_WORDS.includes(item));
  if (words.length > 0 && items.length > 1) {
    throw new InputError(`Invalid fail-on '${items.join(", ")}': ${words[0]} stands alone, without finding kinds`, "fail-on");
  }
  if (words[0] === "none")
    return [];
  if (words[0] === "all")
    return [...FINDING_KINDS];
  return items;
}
function defaultConfigFile(workspace, root) {
  for (const dir of [workspace, root]) {
    const file = path2.join(dir, DEFAULT_CONFIG_FILE);
    if (!fs2.existsSync(file))
      continue;
    const problem2 = pathProblem({ base: "workspace", expect: "file" }, file, { workspace, root, outputRoots: [] });
    if (problem2 !== void 0)
      throw new InputError(`Invalid mapping file ${path2.relative(workspace, file) || file}: ${problem2}`, "config");
    return file;
  }
  return void 0;
}
function defaultReportPath(context) {
  return path2.resolve(context.reportDir ?? context.tempDir, DEFAULT_REPORT_NAME);
}
function isDirectory(dir) {
  try {
    return fs2.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
function isInside(file, dir) {
  const relative3 = path2.relative(dir, file);
  return relative3 === "" || relative3 !== ".." && !relative3.startsWith(`..${path2.sep}`) && !path2.isAbsolute(relative3);
}
function realpathOr2(dir) {
  try {
    return fs2.realpathSync(dir);
  } catch {
    return path2.resolve(dir);
  }
}
function bundleSettings(input, outputRoots, context) {
  const mode = input.mode;
  const fromBundle = input["verify-from"] === "bundle";
  const toolCacheDir = path2.resolve(context.env.RUNNER_TOOL_CACHE ?? path2.join(context.tempDir, "image-mirror-tool-cache"));
  const written = input.bundle;
  if (written === void 0) {
    if (mode === "export" || mode === "import")
      throw new InputError(`Input 'bundle' is required for mode '${mode}' (a directory, or a file ending in .tar)`, "bundle");
    if (fromBundle)
      throw new InputError("Input 'bundle' is required with verify-from: bundle", "bundle");
    return { toolCacheDir };
  }
  if (mode !== "export" && mode !== "import" && mode !== "verify") {
    throw new InputError(`Input 'bundle' is used by modes export, import and verify, not by mode '${mode}'`, "bundle");
  }
  if (fromBundle && mode !== "verify")
    throw new InputError(`verify-from: bundle checks a bundle with mode verify, not mode '${mode}'`, "verify-from");
  const isUrl = /^https?:\/\//i.test(written);
  if (isUrl && mode === "export")
    throw new InputError(`Invalid bundle '${redactUserInfo(written)}': mode export writes a local path, not a URL`, "bundle");
  const workspace = path2.resolve(context.workspace);
  let bundle = written;
  if (!isUrl) {
    bundle = path2.resolve(workspace, written);
    const tar = bundle.toLowerCase().endsWith(".tar");
    const problem2 = outputPathProblem(bundle, { allowedRoots: outputRoots, expect: mode === "export" ? tar ? "file" : "directory" : "file-or-directory" });
    if (problem2 !== void 0)
      throw new InputError(`Invalid bundle '${quoteForMessage(written)}': ${problem2}`, "bundle");
    if (mode !== "export" && !fs2.existsSync(bundle))
      throw new InputError(`Invalid bundle '${quoteForMessage(written)}': ${bundle} does not exist`, "bundle");
  }
  let bundleBaseline;
  if (input["bundle-baseline"] !== void 0) {
    if (mode !== "export")
      throw new InputError(`Input 'bundle-baseline' is used by mode export only`, "bundle-baseline");
    bundleBaseline = path2.resolve(workspace, input["bundle-baseline"]);
    const problem2 = outputPathProblem(bundleBaseline, { allowedRoots: outputRoots, expect: "file-or-directory" });
    if (problem2 !== void 0 || !fs2.existsSync(bundleBaseline)) {
      throw new InputError(`Invalid bundle-baseline '${quoteForMessage(input["bundle-baseline"])}': ${problem2 ?? `${bundleBaseline} does not exist`}`, "bundle-baseline");
    }
    if (bundleBaseline === bundle)
      throw new InputError("Invalid bundle-baseline: it is the bundle being written; name the earlier bundle", "bundle-baseline");
  }
  return { bundle, ...bundleBaseline !== void 0 && { bundleBaseline }, toolCacheDir };
}
function credentialsByHost(settings) {
  const byHost = /* @__PURE__ */ new Map();
  if (settings.sourceCredentials !== void 0)
    byHost.set(DOCKER_HUB, settings.sourceCredentials);
  if (settings.targetCredentials !== void 0 && settings.registry !== void 0)
    byHost.set(settings.registry.registry, settings.targetCredentials);
  return byHost;
}
function checkBuildSecretEnv(names, env, passwords) {
  for (const name of names) {
    const value = env[name];
    if (value !== void 0 && value !== "" && passwords.includes(value)) {
      throw new InputError(`Invalid build-secret-env entry '${name}': it holds the password of a registry input, which is never passed to a build`, "build-secret-env");
    }
  }
}

export {
  OutputPathError,
  writeOutputFile,
  compileGlob,
  compileGlobSet,
  WITHHELD_REASON,
  isWithheldName,
  COMPOSE_SYNTAX,
  dockerfileSyntax,
  interpolate,
  MODES,
  LAYOUTS,
  FINDING_KINDS,
  TRUE_WORDS,
  FALSE_WORDS,
  INPUT_SPECS,
  DEFAULT_CONFIG_FILE,
  InputError,
  buildSettings,
  reportPathAfterError,
  dockerCopyCause,
  copyEngine,
  credentialsByHost
};
