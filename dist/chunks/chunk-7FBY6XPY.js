import { createRequire as __imageMirrorRequire } from 'node:module';
const require = __imageMirrorRequire(import.meta.url);

// lib/reference.js
var DOCKER_HUB = "docker.io";
var LEGACY_DOCKER_HUB = "index.docker.io";
var DEFAULT_TAG = "latest";
var NAME_TOTAL_MAX = 255;
var alphanumeric = "[a-z0-9]+";
var separator = "(?:[._]|__|[-]+)";
var pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
var domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
var ipv6 = "\\[(?:[a-fA-F0-9:]+)\\]";
var domain = `(?:${domainComponent}(?:\\.${domainComponent})*|${ipv6})(?::[0-9]+)?`;
var PATH_COMPONENT = new RegExp(`^${pathComponent}$`);
var DOMAIN = new RegExp(`^${domain}$`);
var TAG = /^[\w][\w.-]{0,127}$/;
var DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
var SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;
var ReferenceFormatError = class extends Error {
  text;
  reason;
  constructor(text, reason) {
    super(`Invalid image reference '${text}': ${reason}`);
    this.text = text;
    this.reason = reason;
    this.name = "ReferenceFormatError";
  }
};
function parseReference(text) {
  const fail = (reason) => {
    throw new ReferenceFormatError(text, reason);
  };
  if (text.length === 0)
    fail("it is empty");
  if (/\s/.test(text))
    fail("it contains white space");
  let rest = text;
  let digest;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest))
      fail(`'${digest}' is not a valid digest (expected algorithm:hex)`);
    if (digest.startsWith("sha256:") && !SHA256_DIGEST.test(digest)) {
      fail("a sha256 digest must be 64 lowercase hexadecimal characters");
    }
  }
  let tag;
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.indexOf(":", lastSlash + 1);
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag))
      fail(`'${tag}' is not a valid tag`);
  }
  if (rest.length === 0)
    fail("the repository name is missing");
  if (rest.length > NAME_TOTAL_MAX)
    fail(`the repository name is longer than ${NAME_TOTAL_MAX} characters`);
  let registry = DOCKER_HUB;
  let path = rest;
  const firstSlash = rest.indexOf("/");
  if (firstSlash >= 0) {
    const head = rest.slice(0, firstSlash);
    if (looksLikeRegistry(head)) {
      if (!DOMAIN.test(head))
        fail(`'${head}' is not a valid registry host`);
      registry = head;
      path = rest.slice(firstSlash + 1);
    }
  }
  if (registry === LEGACY_DOCKER_HUB)
    registry = DOCKER_HUB;
  const components = path.split("/");
  for (const component of components) {
    if (component.length === 0)
      fail("the repository name has an empty path component");
    if (!PATH_COMPONENT.test(component)) {
      if (PATH_COMPONENT.test(component.toLowerCase()))
        fail("repository names must be lowercase");
      fail(`'${component}' is not a valid repository path component`);
    }
  }
  if (registry === DOCKER_HUB && components.length === 1)
    path = `library/${path}`;
  if (tag === void 0 && digest === void 0)
    tag = DEFAULT_TAG;
  return { registry, repository: path, ...tag !== void 0 && { tag }, ...digest !== void 0 && { digest } };
}
function familiarText(text) {
  const parsed = tryParseReference(text);
  if (!("ref" in parsed))
    return text;
  const { ref } = parsed;
  const tagWritten = ref.digest !== void 0 || ref.tag !== void 0 && text.endsWith(`:${ref.tag}`);
  return familiarName(tagWritten ? ref : { registry: ref.registry, repository: ref.repository });
}
function tryParseReference(text) {
  try {
    return { ref: parseReference(text) };
  } catch (error) {
    if (error instanceof ReferenceFormatError)
      return { error };
    throw error;
  }
}
function looksLikeRegistry(head) {
  return head.includes(".") || head.includes(":") || head === "localhost" || head.startsWith("[") || head !== head.toLowerCase();
}
function repositoryName(ref) {
  return `${ref.registry}/${ref.repository}`;
}
function formatReference(ref) {
  return `${repositoryName(ref)}${ref.tag !== void 0 ? `:${ref.tag}` : ""}${ref.digest !== void 0 ? `@${ref.digest}` : ""}`;
}
function familiarName(ref) {
  let name = repositoryName(ref);
  if (ref.registry === DOCKER_HUB) {
    name = ref.repository.startsWith("library/") && ref.repository.split("/").length === 2 ? ref.repository.slice(8) : ref.repository;
  }
  return `${name}${ref.tag !== void 0 ? `:${ref.tag}` : ""}${ref.digest !== void 0 ? `@${ref.digest}` : ""}`;
}
function isOfficialImage(ref) {
  return ref.registry === DOCKER_HUB && ref.repository.startsWith("library/") && ref.repository.split("/").length === 2;
}
function repositoryPath(ref) {
  return ref.repository.split("/");
}
function withParts(ref, parts) {
  const merged = { ...ref, ...parts };
  const result = {
    registry: merged.registry,
    repository: merged.repository
  };
  if ("tag" in parts ? parts.tag !== void 0 : ref.tag !== void 0)
    result.tag = merged.tag;
  if ("digest" in parts ? parts.digest !== void 0 : ref.digest !== void 0)
    result.digest = merged.digest;
  return result;
}
function parseRegistryTarget(text) {
  const trimmed = text.replace(/\/+$/, "");
  const slash = trimmed.indexOf("/");
  const host = slash >= 0 ? trimmed.slice(0, slash) : trimmed;
  const namespace = slash >= 0 ? trimmed.slice(slash + 1) : "";
  if (!looksLikeRegistry(host) || !DOMAIN.test(host)) {
    throw new ReferenceFormatError(text, `'${host}' is not a registry host (expected e.g. harbor.example.com/project or localhost:5000)`);
  }
  if (host !== host.toLowerCase() && !host.startsWith("[")) {
    throw new ReferenceFormatError(text, "registry hosts must be lowercase");
  }
  if (namespace !== "") {
    for (const component of namespace.split("/")) {
      if (!PATH_COMPONENT.test(component)) {
        throw new ReferenceFormatError(text, `'${component}' is not a valid namespace path component`);
      }
    }
  }
  return { registry: host === LEGACY_DOCKER_HUB ? DOCKER_HUB : host, namespace };
}

export {
  DOCKER_HUB,
  DEFAULT_TAG,
  ReferenceFormatError,
  parseReference,
  familiarText,
  tryParseReference,
  repositoryName,
  formatReference,
  familiarName,
  isOfficialImage,
  repositoryPath,
  withParts,
  parseRegistryTarget
};
