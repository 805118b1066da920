import { createRequire as __imageMirrorRequire } from 'node:module';
const require = __imageMirrorRequire(import.meta.url);
import {
  blobSource,
  manifestSource
} from "./chunk-BFJECO4U.js";
import {
  EngineFailure
} from "./chunk-LRCA6YLR.js";

// lib/engine/registry/errors.js
var RegistryError = class extends Error {
  details;
  /** Set by the client that made the request (or the check that refused its bytes); first one wins. */
  side;
  host;
  constructor(message, details) {
    super(message, details.cause !== void 0 ? { cause: details.cause } : void 0);
    this.details = details;
    this.name = "RegistryError";
    this.side = details.side;
    this.host = details.host;
  }
  get status() {
    return this.details.status;
  }
  get code() {
    return this.details.code;
  }
  /** Records where this happened unless an earlier step already did. */
  onSide(side, host) {
    this.side ??= side;
    this.host ??= host;
    return this;
  }
};
var INTEGRITY_CODES = /* @__PURE__ */ new Set(["DIGEST_MISMATCH", "SIZE_MISMATCH", "DIGEST_INVALID", "MANIFEST_INVALID", "MANIFEST_TOO_BIG", "REDIRECT_REFUSED"]);
var TRANSIENT_NETWORK_CODES = /* @__PURE__ */ new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "ERR_STREAM_PREMATURE_CLOSE",
  "DEADLINE"
]);
function isTransient(error) {
  if (error instanceof RegistryError)
    return error.details.transient;
  const code = error?.code;
  if (typeof code === "string" && TRANSIENT_NETWORK_CODES.has(code))
    return true;
  return error instanceof Error && /aborted|socket hang up|premature close/i.test(error.message);
}
function retryAfterOf(error) {
  return error instanceof RegistryError ? error.details.retryAfterMs : void 0;
}
function cancelledError(host) {
  return new RegistryError(`request to ${host} cancelled`, { code: "CANCELLED", transient: false, host });
}
function deadlineError(host, deadlineMs) {
  return new RegistryError(`no complete answer from ${host} within the deadline of ${deadlineMs} ms`, { code: "DEADLINE", transient: true, network: true, host });
}
function networkError(what, error, side, host) {
  if (error instanceof RegistryError)
    return error.onSide(side, host);
  const code = error?.code;
  return new RegistryError(`${what}: ${describeError(error)}`, {
    ...typeof code === "string" && { code },
    transient: isTransient(error),
    network: true,
    side,
    host,
    cause: error
  });
}
function parseRetryAfter(value, now = Date.now()) {
  if (value === void 0 || value.trim() === "")
    return void 0;
  if (/^\d+$/.test(value.trim()))
    return Number(value.trim()) * 1e3;
  const date = Date.parse(value);
  return Number.isNaN(date) ? void 0 : Math.max(0, date - now);
}
function parseErrorBody(body) {
  try {
    const parsed = JSON.parse(body);
    const first = Array.isArray(parsed.errors) ? parsed.errors[0] : void 0;
    if (!first || typeof first !== "object")
      return {};
    return {
      ...typeof first.code === "string" && /^[A-Z][A-Z0-9_]{0,63}$/.test(first.code) && { code: first.code },
      ...typeof first.message === "string" && { message: oneLine(first.message) }
    };
  } catch {
    return {};
  }
}
function oneLine(text, max = 300) {
  const escaped = text.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]/g, (char) => {
    if (char === "\r")
      return "\\r";
    if (char === "\n")
      return "\\n";
    if (char === "	")
      return "\\t";
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
  return escaped.length > max ? `${escaped.slice(0, max)}\u2026` : escaped;
}
function codeForStatus(status, kind) {
  if (status === 401)
    return "UNAUTHORIZED";
  if (status === 403)
    return "DENIED";
  if (status === 404)
    return kind === "manifest" ? "MANIFEST_UNKNOWN" : kind === "blob" ? "BLOB_UNKNOWN" : "NOT_FOUND";
  if (status === 429)
    return "TOOMANYREQUESTS";
  return void 0;
}
function describeError(error) {
  if (error instanceof Error) {
    const code = error.code;
    return typeof code === "string" && !error.message.includes(code) && !(error instanceof RegistryError) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
function failureKind(error) {
  const { status, code } = error;
  if (code === "CANCELLED")
    return "cancelled";
  if (code !== void 0 && INTEGRITY_CODES.has(code))
    return "integrity";
  if (code === "UNSUPPORTED" || code === "PLATFORM_UNKNOWN")
    return "unsupported";
  if (status === 401 || code === "UNAUTHORIZED")
    return "unauthorized";
  if (status === 403 || code === "DENIED")
    return "denied";
  if (status === 404 || code === "MANIFEST_UNKNOWN" || code === "NAME_UNKNOWN" || code === "BLOB_UNKNOWN")
    return "not-found";
  if (status === 429 || code === "TOOMANYREQUESTS" || code === "RATE_LIMIT_STOP")
    return "rate-limited";
  if (error.details.network || status !== void 0 && (status >= 500 || status === 408))
    return "unreachable";
  return "other";
}
function engineFailure(error, signal) {
  if (error instanceof EngineFailure)
    return error;
  const registryError = error instanceof RegistryError ? error : void 0;
  const side = registryError?.side ?? "local";
  const host = registryError?.host;
  const message = oneLine(describeError(error), 2e3);
  const details = { ...host !== void 0 && { host }, ...registryError?.details.body !== void 0 && { log: registryError.details.body }, cause: error };
  if (signal.aborted)
    return new EngineFailure("cancelled", side, registryError?.code === "CANCELLED" ? message : `cancelled: ${message}`, details);
  return new EngineFailure(registryError ? failureKind(registryError) : "other", side, message, details);
}
function untilAborted(promise, signal, host) {
  if (signal.aborted)
    return Promise.reject(cancelledError(host));
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(cancelledError(host));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then((value) => {
      signal.removeEventListener("abort", onAbort);
      resolve(value);
    }, (error) => {
      signal.removeEventListener("abort", onAbort);
      reject(error);
    });
  });
}

// lib/engine/registry/manifest.js
import { createHash } from "node:crypto";
var MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
var DIGEST_ALGORITHMS = { sha256: 64, sha384: 96, sha512: 128 };
function isDigest(value) {
  if (typeof value !== "string")
    return false;
  const match = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-f0-9]+)$/.exec(value);
  if (!match)
    return false;
  const length = DIGEST_ALGORITHMS[match[1]];
  return length !== void 0 && match[2].length === length;
}
function checkDigest(value, where) {
  if (isDigest(value))
    return value;
  const shown = typeof value === "string" ? `'${oneLine(value, 100)}'` : typeof value;
  throw new RegistryError(`${where}: ${shown} is not a valid digest (algorithm:hex, e.g. sha256 with 64 lowercase hex digits)`, { code: "DIGEST_INVALID", transient: false });
}
function digestOf(bytes, like) {
  const algorithm = like?.slice(0, like.indexOf(":")) ?? "sha256";
  return `${algorithm}:${createHash(algorithm).update(bytes).digest("hex")}`;
}
var MEDIA_TYPES = {
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json"
};
var MANIFEST_ACCEPT = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList, MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest].join(", ");
function sha256Digest(bytes) {
  return digestOf(bytes);
}
function isIndexType(mediaType) {
  return mediaType === MEDIA_TYPES.ociIndex || mediaType === MEDIA_TYPES.dockerManifestList;
}
function parseManifest(bytes, contentType, where) {
  if (bytes.length > MAX_MANIFEST_BYTES) {
    throw new RegistryError(`${where}: the manifest is larger than ${MAX_MANIFEST_BYTES} bytes`, { code: "MANIFEST_TOO_BIG", transient: false });
  }
  let document;
  try {
    document = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new RegistryError(`${where}: the manifest is not JSON`, { code: "MANIFEST_INVALID", transient: false });
  }
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw new RegistryError(`${where}: the manifest is not a JSON object`, { code: "MANIFEST_INVALID", transient: false });
  }
  const declared = typeof document.mediaType === "string" ? document.mediaType : void 0;
  const header2 = contentType?.split(";")[0]?.trim();
  let mediaType = declared ?? (header2 && header2 !== "application/json" ? header2 : void 0);
  mediaType ??= Array.isArray(document.manifests) ? MEDIA_TYPES.ociIndex : MEDIA_TYPES.ociManifest;
  if (document.schemaVersion === 1 || mediaType.startsWith("application/vnd.docker.distribution.manifest.v1")) {
    throw new RegistryError(`${where}: Docker schema 1 manifests are not supported (re-push the image with a current docker)`, {
      code: "UNSUPPORTED",
      transient: false
    });
  }
  const index = isIndexType(mediaType);
  const manifests = index ? descriptors(document.manifests, `${where} manifests`) : [];
  const blobs = index ? [] : [...descriptors(document.config === void 0 ? [] : [document.config], `${where} config`), ...descriptors(document.layers ?? [], `${where} layers`)];
  const subject = descriptors(document.subject === void 0 ? [] : [document.subject], `${where} subject`)[0];
  return { bytes, mediaType, digest: sha256Digest(bytes), manifests, blobs, ...subject && { subject }, document };
}
function descriptors(value, where) {
  if (!Array.isArray(value))
    throw new RegistryError(`${where}: not a list of descriptors`, { code: "MANIFEST_INVALID", transient: false });
  return value.map((item, position) => {
    if (typeof item !== "object" || item === null)
      throw new RegistryError(`${where}[${position}]: not a descriptor`, { code: "MANIFEST_INVALID", transient: false });
    const descriptor = item;
    checkDigest(descriptor.digest, `${where}[${position}]`);
    if (typeof descriptor.size !== "number" || !Number.isSafeInteger(descriptor.size) || descriptor.size < 0) {
      throw new RegistryError(`${where}[${position}]: the size is not a non-negative integer`, { code: "MANIFEST_INVALID", transient: false });
    }
    if (typeof descriptor.mediaType !== "string")
      throw new RegistryError(`${where}[${position}]: no media type`, { code: "MANIFEST_INVALID", transient: false });
    if (descriptor.urls !== void 0 && !(Array.isArray(descriptor.urls) && descriptor.urls.every((url) => typeof url === "string"))) {
      throw new RegistryError(`${where}[${position}]: urls is not a list of strings`, { code: "MANIFEST_INVALID", transient: false });
    }
    return item;
  });
}
function formatPlatform(platform) {
  if (!platform?.os || !platform.architecture)
    return void 0;
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join("/");
}
function platformMatches(platform, wanted) {
  const formatted = formatPlatform(platform);
  if (!formatted)
    return false;
  return formatted === wanted || formatted.startsWith(`${wanted}/`);
}
function isForeign(descriptor) {
  return (descriptor.urls?.length ?? 0) > 0 || descriptor.mediaType.includes("foreign") || descriptor.mediaType.includes("nondistributable");
}
function filterIndex(index, platforms) {
  const kept = index.manifests.filter((child) => platforms.some((wanted) => platformMatches(child.platform, wanted)));
  if (kept.length === index.manifests.length)
    return index;
  const bytes = Buffer.from(JSON.stringify({ ...index.document, manifests: kept }));
  return { ...index, bytes, digest: sha256Digest(bytes), manifests: kept, document: { ...index.document, manifests: kept } };
}

// lib/engine/bundle/layout.js
import { createHash as createHash3 } from "node:crypto";
import * as fs2 from "node:fs";
import * as path from "node:path";
import { Readable } from "node:stream";

// lib/engine/bundle/tar.js
import { createHash as createHash2 } from "node:crypto";
import * as fs from "node:fs";
var BLOCK = 512;
var USTAR_MAX_SIZE = 8589934591;
var MAX_ENTRIES = 1e6;
var MAX_META_BYTES = 1024 * 1024;
var TarError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "TarError";
  }
};
function indexTar(file) {
  const fd = fs.openSync(file, "r");
  try {
    const total = fs.fstatSync(fd).size;
    const entries = /* @__PURE__ */ new Map();
    const header2 = Buffer.alloc(BLOCK);
    let position = 0;
    let pax = {};
    let globalPax = {};
    let longName;
    for (let count = 0; count < MAX_ENTRIES * 2; count += 1) {
      if (position + BLOCK > total) {
        throw new TarError(`${file} is truncated: it ends ${position === total ? "after" : "inside the header following"} entry ${count === 0 ? "(none)" : lastName(entries)} without the end-of-archive marker`);
      }
      readFully(fd, header2, position);
      if (header2.every((byte) => byte === 0))
        return entries;
      if (!checksumMatches(header2))
        throw new TarError(`${file}: the header at byte ${position} is damaged (checksum mismatch)`);
      const typeflag = String.fromCharCode(header2[156]);
      let size = parseNumber(header2.subarray(124, 136), `${file}: size at byte ${position}`);
      const overrides = { ...globalPax, ...pax };
      if (overrides.size !== void 0)
        size = Number(overrides.size);
      if (!Number.isSafeInteger(size) || size < 0)
        throw new TarError(`${file}: the entry at byte ${position} has an invalid size`);
      const dataOffset = position + BLOCK;
      if (dataOffset + size > total) {
        throw new TarError(`${file} is truncated: entry '${entryName(header2, longName, overrides)}' needs ${size} bytes at byte ${dataOffset}, the file ends at ${total}`);
      }
      position = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
      if (typeflag === "x" || typeflag === "g" || typeflag === "L") {
        if (size > MAX_META_BYTES)
          throw new TarError(`${file}: an extended header at byte ${dataOffset - BLOCK} is larger than ${MAX_META_BYTES} bytes`);
        const data = Buffer.alloc(size);
        readFully(fd, data, dataOffset);
        if (typeflag === "L")
          longName = data.toString("utf8").replace(/\0.*$/s, "");
        else if (typeflag === "x")
          pax = parsePax(data, file);
        else
          globalPax = { ...globalPax, ...parsePax(data, file) };
        continue;
      }
      const name = normaliseName(entryName(header2, longName, overrides));
      pax = {};
      longName = void 0;
      if (typeflag === "K")
        continue;
      const type = typeflag === "0" || typeflag === "\0" || typeflag === "7" ? "file" : typeflag === "5" ? "directory" : "other";
      if (name !== "")
        entries.set(name, { name, type, offset: dataOffset, size: type === "file" ? size : 0 });
    }
    throw new TarError(`${file}: more than ${MAX_ENTRIES} entries`);
  } finally {
    fs.closeSync(fd);
  }
}
function lastName(entries) {
  let last = "";
  for (const name of entries.keys())
    last = name;
  return `'${last}'`;
}
function readFully(fd, buffer, position) {
  let done = 0;
  while (done < buffer.length) {
    const read = fs.readSync(fd, buffer, done, buffer.length - done, position + done);
    if (read === 0)
      throw new TarError(`unexpected end of file at byte ${position + done}`);
    done += read;
  }
}
function entryName(header2, longName, pax) {
  if (pax.path !== void 0)
    return pax.path;
  if (longName !== void 0)
    return longName;
  const name = cString(header2.subarray(0, 100));
  const magic = header2.subarray(257, 262).toString("latin1");
  const prefix = magic === "ustar" ? cString(header2.subarray(345, 500)) : "";
  return prefix !== "" ? `${prefix}/${name}` : name;
}
function cString(bytes) {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end < 0 ? bytes.length : end).toString("utf8");
}
function normaliseName(name) {
  let result = name.replace(/\\/g, "/");
  while (result.startsWith("./"))
    result = result.slice(2);
  return result.replace(/\/+$/, "");
}
function parseNumber(field, where) {
  const first = field[0];
  if ((first & 128) !== 0) {
    let value = first & 127;
    for (let i = 1; i < field.length; i += 1)
      value = value * 256 + field[i];
    return value;
  }
  const text = field.toString("latin1").replace(/[\0 ]+$/, "").replace(/^[\0 ]+/, "");
  if (text === "")
    return 0;
  if (!/^[0-7]+$/.test(text))
    throw new TarError(`${where}: '${text.slice(0, 20)}' is not an octal number`);
  return Number.parseInt(text, 8);
}
function checksumMatches(header2) {
  const stored = parseNumber(header2.subarray(148, 156), "checksum");
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i += 1) {
    const byte = i >= 148 && i < 156 ? 32 : header2[i];
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return stored === unsigned || stored === signed;
}
function parsePax(data, file) {
  const records = {};
  let position = 0;
  for (let count = 0; position < data.length && count < 1e4; count += 1) {
    const space = data.indexOf(32, position);
    if (space < 0)
      break;
    const length = Number.parseInt(data.subarray(position, space).toString("latin1"), 10);
    if (!Number.isSafeInteger(length) || length <= 0 || position + length > data.length)
      throw new TarError(`${file}: a pax header is malformed`);
    const record = data.subarray(space + 1, position + length - 1).toString("utf8");
    const eq = record.indexOf("=");
    if (eq > 0)
      records[record.slice(0, eq)] = record.slice(eq + 1);
    position += length;
  }
  return records;
}
var TarWriter = class _TarWriter {
  handle;
  hash = createHash2("sha256");
  position = 0;
  constructor(handle) {
    this.handle = handle;
  }
  static async create(file) {
    return new _TarWriter(await fs.promises.open(file, "wx", 420));
  }
  get bytesWritten() {
    return this.position;
  }
  async directory(name) {
    await this.write(header(`${name.replace(/\/+$/, "")}/`, 0, "5", 493));
  }
  /** A file from bytes in memory. */
  async file(name, data) {
    await this.write(header(name, data.length, "0", 420));
    await this.write(data);
    await this.pad(data.length);
  }
  /** A file of `size` bytes from a stream; fewer or more bytes than announced fail the archive. */
  async stream(name, size, source) {
    await this.write(header(name, size, "0", 420));
    let written = 0;
    for await (const chunk of source) {
      written += chunk.length;
      if (written > size)
        throw new TarError(`${name}: more than the ${size} bytes announced`);
      await this.write(chunk);
    }
    if (written !== size)
      throw new TarError(`${name}: ${written} bytes, ${size} announced`);
    await this.pad(size);
  }
  /** Ends the archive (two zero blocks) and returns its sha256 digest and size. */
  async close() {
    await this.write(Buffer.alloc(BLOCK * 2));
    await this.handle.sync();
    await this.handle.close();
    return { digest: `sha256:${this.hash.digest("hex")}`, size: this.position };
  }
  /** Closes without finishing (after a failure); the caller removes the file. */
  async abandon() {
    await this.handle.close().catch(() => void 0);
  }
  async pad(size) {
    const rest = size % BLOCK;
    if (rest !== 0)
      await this.write(Buffer.alloc(BLOCK - rest));
  }
  async write(data) {
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await this.handle.write(data, done, data.length - done);
      done += bytesWritten;
    }
    this.hash.update(data);
    this.position += data.length;
  }
};
function header(name, size, typeflag, mode) {
  const records = [];
  if (Buffer.byteLength(name) > 100)
    records.push(paxRecord("path", name));
  if (size > USTAR_MAX_SIZE)
    records.push(paxRecord("size", String(size)));
  const main = ustar(Buffer.byteLength(name) > 100 ? name.slice(0, 99) : name, size > USTAR_MAX_SIZE ? 0 : size, typeflag, mode);
  if (records.length === 0)
    return main;
  const data = Buffer.from(records.join(""));
  const padded = Buffer.alloc(Math.ceil(data.length / BLOCK) * BLOCK);
  data.copy(padded);
  return Buffer.concat([ustar("PaxHeader", data.length, "x", 420), padded, main]);
}
function paxRecord(key, value) {
  const body = ` ${key}=${value}
`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length)
    length = String(length).length + Buffer.byteLength(body);
  return `${length}${body}`;
}
function ustar(name, size, typeflag, mode) {
  const block = Buffer.alloc(BLOCK);
  block.write(name, 0, 100, "utf8");
  octal(block, 100, 8, mode);
  octal(block, 108, 8, 0);
  octal(block, 116, 8, 0);
  octal(block, 124, 12, size);
  octal(block, 136, 12, 0);
  block.write(typeflag, 156, 1, "latin1");
  block.write("ustar\0", 257, 6, "latin1");
  block.write("00", 263, 2, "latin1");
  block.fill(32, 148, 156);
  let sum = 0;
  for (const byte of block)
    sum += byte;
  block.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8, "latin1");
  return block;
}
function octal(block, offset, length, value) {
  block.write(`${value.toString(8).padStart(length - 1, "0")}\0`, offset, length, "latin1");
}

// lib/engine/bundle/layout.js
var LAYOUT_FILE = "oci-layout";
var INDEX_FILE = "index.json";
var RECORD_FILE = "image-mirror.json";
var LAYOUT_VERSION = "1.0.0";
var MAX_METADATA_BYTES = 64 * 1024 * 1024;
var LayoutError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "LayoutError";
  }
};
function blobPath(digest) {
  const colon = digest.indexOf(":");
  return `blobs/${digest.slice(0, colon)}/${digest.slice(colon + 1)}`;
}
function digestOfPath(name) {
  const match = /^blobs\/([a-z0-9]+)\/([a-f0-9]+)$/.exec(name);
  if (!match)
    return void 0;
  const digest = `${match[1]}:${match[2]}`;
  return isDigest(digest) ? digest : void 0;
}
function isTarPath(file) {
  return file.toLowerCase().endsWith(".tar");
}
function openLayout(location) {
  let stat;
  try {
    stat = fs2.statSync(location);
  } catch {
    throw new LayoutError(`${location} does not exist`);
  }
  return stat.isDirectory() ? openDirectory(location) : openArchive(location);
}
function openDirectory(dir) {
  const read = (name, required) => {
    const file = path.join(dir, name);
    let stat;
    try {
      stat = fs2.lstatSync(file);
    } catch {
      if (required)
        throw new LayoutError(`${dir} is not an OCI image layout: it has no ${name}`);
      return void 0;
    }
    if (!stat.isFile())
      throw new LayoutError(`${file} is not a regular file`);
    if (stat.size > MAX_METADATA_BYTES)
      throw new LayoutError(`${file} is larger than ${MAX_METADATA_BYTES} bytes`);
    return fs2.readFileSync(file);
  };
  checkLayoutFile(read(LAYOUT_FILE, true), dir);
  const index = read(INDEX_FILE, true);
  const record = read(RECORD_FILE, false);
  const located = /* @__PURE__ */ new Map();
  return {
    kind: "directory",
    path: dir,
    index,
    ...record !== void 0 && { record },
    locate: (digest) => {
      if (!isDigest(digest))
        return void 0;
      const known = located.get(digest);
      if (known !== void 0)
        return known ?? void 0;
      const file = path.join(dir, blobPath(digest));
      let found = null;
      try {
        const stat = fs2.lstatSync(file);
        if (stat.isFile())
          found = { file, offset: 0, size: stat.size };
      } catch {
        found = null;
      }
      located.set(digest, found);
      return found ?? void 0;
    },
    digests: () => listDirectoryBlobs(dir)
  };
}
function listDirectoryBlobs(dir) {
  const digests = [];
  const blobs = path.join(dir, "blobs");
  let algorithms = [];
  try {
    algorithms = fs2.readdirSync(blobs);
  } catch {
    return digests;
  }
  for (const algorithm of algorithms) {
    let names = [];
    try {
      names = fs2.readdirSync(path.join(blobs, algorithm));
    } catch {
      continue;
    }
    for (const name of names) {
      const digest = digestOfPath(`blobs/${algorithm}/${name}`);
      if (digest !== void 0)
        digests.push(digest);
    }
  }
  return digests.sort();
}
function openArchive(file) {
  let entries;
  try {
    entries = indexTar(file);
  } catch (error) {
    if (error instanceof TarError)
      throw new LayoutError(error.message);
    throw error;
  }
  const fd = fs2.openSync(file, "r");
  const read = (name, required) => {
    const entry = entries.get(name);
    if (entry === void 0 || entry.type !== "file") {
      if (required)
        throw new LayoutError(`${file} is not an OCI image layout archive: it has no ${name}`);
      return void 0;
    }
    if (entry.size > MAX_METADATA_BYTES)
      throw new LayoutError(`${name} in ${file} is larger than ${MAX_METADATA_BYTES} bytes`);
    const buffer = Buffer.alloc(entry.size);
    fs2.readSync(fd, buffer, 0, entry.size, entry.offset);
    return buffer;
  };
  try {
    checkLayoutFile(read(LAYOUT_FILE, true), file);
    const index = read(INDEX_FILE, true);
    const record = read(RECORD_FILE, false);
    const blobs = /* @__PURE__ */ new Map();
    for (const entry of entries.values()) {
      const digest = entry.type === "file" ? digestOfPath(entry.name) : void 0;
      if (digest !== void 0)
        blobs.set(digest, { file, offset: entry.offset, size: entry.size });
    }
    return {
      kind: "tar",
      path: file,
      index,
      ...record !== void 0 && { record },
      locate: (digest) => blobs.get(digest),
      digests: () => [...blobs.keys()].sort()
    };
  } finally {
    fs2.closeSync(fd);
  }
}
function checkLayoutFile(bytes, where) {
  let version;
  try {
    version = JSON.parse(bytes.toString("utf8")).imageLayoutVersion;
  } catch {
    throw new LayoutError(`${where}: ${LAYOUT_FILE} is not JSON`);
  }
  if (typeof version !== "string" || !version.startsWith("1."))
    throw new LayoutError(`${where}: image layout version ${String(version)} is not supported (1.x is)`);
}
function streamBlob(location) {
  if (location.size === 0)
    return Readable.from([]);
  return fs2.createReadStream(location.file, { start: location.offset, end: location.offset + location.size - 1, highWaterMark: 1024 * 1024 });
}
async function readBlob(location, maxBytes) {
  if (location.size > maxBytes)
    throw new LayoutError(`${location.file}: a manifest of ${location.size} bytes is larger than ${maxBytes}`);
  const handle = await fs2.promises.open(location.file, "r");
  try {
    const buffer = Buffer.alloc(location.size);
    let done = 0;
    while (done < location.size) {
      const { bytesRead } = await handle.read(buffer, done, location.size - done, location.offset + done);
      if (bytesRead === 0)
        throw new LayoutError(`${location.file}: ends before the blob does`);
      done += bytesRead;
    }
    return buffer;
  } finally {
    await handle.close();
  }
}
async function hashBlob(location, like) {
  const algorithm = like.slice(0, like.indexOf(":"));
  const hash = createHash3(algorithm);
  let size = 0;
  for await (const chunk of streamBlob(location)) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { digest: `${algorithm}:${hash.digest("hex")}`, size };
}

// lib/engine/bundle/store.js
import { createHash as createHash4, randomBytes } from "node:crypto";
import * as fs3 from "node:fs";
import * as path2 from "node:path";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
var BlobMismatchError = class extends Error {
  digest;
  constructor(digest, message) {
    super(message);
    this.digest = digest;
    this.name = "BlobMismatchError";
  }
};
var BundleStore = class {
  options;
  /** Where new blobs are written: the bundle directory itself, or the staging directory of an archive. */
  root;
  previous;
  held = /* @__PURE__ */ new Map();
  pending = /* @__PURE__ */ new Map();
  covered;
  constructor(options) {
    this.options = options;
    this.covered = options.covered ?? /* @__PURE__ */ new Set();
    this.root = options.format === "directory" ? options.path : `${options.path}.parts`;
    let previous;
    if (options.format === "tar" && fs3.existsSync(options.path)) {
      try {
        previous = openLayout(options.path);
      } catch {
        previous = void 0;
      }
    }
    this.previous = previous;
    for (const digest of listDirectoryBlobs(this.root)) {
      const file = path2.join(this.root, blobPath(digest));
      this.held.set(digest, { file, offset: 0, size: fs3.statSync(file).size });
    }
  }
  /** The bundle that was at this path before this export, if it was one. */
  get previousLayout() {
    return this.options.format === "directory" ? tryOpen(this.options.path) : this.previous;
  }
  isCovered(digest) {
    return this.covered.has(digest);
  }
  /** Where the blob is, when this store (or the bundle it replaces) holds it with the expected size. */
  locate(digest, size) {
    const found = this.held.get(digest) ?? this.previous?.locate(digest);
    if (found === void 0 || size !== void 0 && found.size !== size)
      return void 0;
    return found;
  }
  /** Forgets a blob found damaged and removes its file (a blob cache's entry), so the next `ensure` fetches it again. */
  discard(digest) {
    const location = this.held.get(digest);
    this.held.delete(digest);
    if (location !== void 0 && location.offset === 0 && location.file.startsWith(this.root))
      fs3.rmSync(location.file, { force: true });
  }
  async read(digest, maxBytes) {
    const location = this.locate(digest);
    return location === void 0 ? void 0 : readBlob(location, maxBytes);
  }
  /** Stores bytes in memory (a manifest) under their digest. */
  async putBytes(digest, bytes) {
    if (this.locate(digest, bytes.length) !== void 0)
      return;
    const actual = `sha256:${createHash4("sha256").update(bytes).digest("hex")}`;
    if (digest.startsWith("sha256:") && actual !== digest)
      throw new BlobMismatchError(digest, `the bytes hash to ${actual}, expected ${digest}`);
    const file = path2.join(this.root, blobPath(digest));
    fs3.mkdirSync(path2.dirname(file), { recursive: true });
    const temporary = `${file}.partial-${randomBytes(6).toString("hex")}`;
    fs3.writeFileSync(temporary, bytes);
    fs3.renameSync(temporary, file);
    this.held.set(digest, { file, offset: 0, size: bytes.length });
  }
  /**
   * Makes the blob present, calling `open` for its bytes only when it is not
   * held yet; concurrent calls for one digest share one transfer.
   * Returns whether bytes were written.
   */
  async ensure(digest, size, open, onBytes) {
    if (this.locate(digest, size) !== void 0)
      return "held";
    const running = this.pending.get(digest);
    if (running !== void 0) {
      await running;
      return "shared";
    }
    const work = (async () => {
      const file = path2.join(this.root, blobPath(digest));
      fs3.mkdirSync(path2.dirname(file), { recursive: true });
      const temporary = `${file}.partial-${randomBytes(6).toString("hex")}`;
      const gate = new HashingCounter(digest, size, onBytes);
      try {
        await pipeline(await open(), gate, fs3.createWriteStream(temporary, { flags: "wx", mode: 420 }));
        gate.check();
        fs3.renameSync(temporary, file);
      } catch (error) {
        fs3.rmSync(temporary, { force: true });
        throw error;
      }
      const location = { file, offset: 0, size };
      this.held.set(digest, location);
      return location;
    })();
    this.pending.set(digest, work);
    try {
      await work;
      return "written";
    } finally {
      this.pending.delete(digest);
    }
  }
  /** Stores a stream whose digest is only known at its end (a layer compressed here); returns its descriptor. */
  async putComputed(source, transform, onBytes) {
    fs3.mkdirSync(path2.join(this.root, "blobs", "sha256"), { recursive: true });
    const temporary = path2.join(this.root, "blobs", "sha256", `.computed-${randomBytes(6).toString("hex")}`);
    const hash = createHash4("sha256");
    let size = 0;
    source.on("data", (chunk) => onBytes?.(chunk.length));
    const counter = new Transform({
      transform(chunk, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      }
    });
    try {
      await pipeline(source, transform, counter, fs3.createWriteStream(temporary, { flags: "wx", mode: 420 }));
    } catch (error) {
      fs3.rmSync(temporary, { force: true });
      throw error;
    }
    const digest = `sha256:${hash.digest("hex")}`;
    const file = path2.join(this.root, blobPath(digest));
    if (this.locate(digest, size) !== void 0)
      fs3.rmSync(temporary, { force: true });
    else {
      fs3.renameSync(temporary, file);
      this.held.set(digest, { file, offset: 0, size });
    }
    return { digest, size };
  }
  /**
   * Writes index.json and the record, keeps exactly the blobs in `keep` and
   * makes the bundle whole: a directory is completed in place (metadata last,
   * blobs no longer referenced removed); an archive is written to a temporary
   * name and renamed over the old one, with its sha256 beside it.
   */
  async finish(index, record, keep) {
    const missing = [...keep].filter((digest2) => this.locate(digest2) === void 0);
    if (missing.length > 0)
      throw new Error(`the bundle would lack ${missing.length} blob(s), e.g. ${missing[0]}`);
    let bytes = 0;
    for (const digest2 of keep)
      bytes += this.locate(digest2).size;
    const layout = Buffer.from(`${JSON.stringify({ imageLayoutVersion: LAYOUT_VERSION })}
`);
    if (this.options.format === "directory") {
      const dir = this.options.path;
      fs3.mkdirSync(dir, { recursive: true });
      for (const digest2 of listDirectoryBlobs(dir))
        if (!keep.has(digest2))
          fs3.rmSync(path2.join(dir, blobPath(digest2)), { force: true });
      removePartials(dir);
      writeAtomically(path2.join(dir, LAYOUT_FILE), layout);
      writeAtomically(path2.join(dir, RECORD_FILE), record);
      writeAtomically(path2.join(dir, INDEX_FILE), index);
      return { path: dir, format: "directory", blobs: keep.size, bytes };
    }
    const file = this.options.path;
    fs3.mkdirSync(path2.dirname(file), { recursive: true });
    const temporary = `${file}.tmp-${randomBytes(6).toString("hex")}`;
    const writer = await TarWriter.create(temporary);
    let digest;
    try {
      await writer.file(LAYOUT_FILE, layout);
      await writer.directory("blobs");
      await writer.directory("blobs/sha256");
      for (const blob of [...keep].sort()) {
        const location = this.locate(blob);
        await writer.stream(blobPath(blob), location.size, streamBlob(location));
      }
      await writer.file(RECORD_FILE, record);
      await writer.file(INDEX_FILE, index);
      digest = (await writer.close()).digest;
    } catch (error) {
      await writer.abandon();
      fs3.rmSync(temporary, { force: true });
      throw error;
    }
    fs3.renameSync(temporary, file);
    writeAtomically(`${file}.sha256`, Buffer.from(`${digest.slice("sha256:".length)}  ${path2.basename(file)}
`));
    fs3.rmSync(this.root, { recursive: true, force: true });
    return { path: file, format: "tar", blobs: keep.size, bytes, digest };
  }
};
function tryOpen(location) {
  try {
    return openLayout(location);
  } catch {
    return void 0;
  }
}
function writeAtomically(file, bytes) {
  const temporary = `${file}.tmp-${randomBytes(6).toString("hex")}`;
  fs3.writeFileSync(temporary, bytes);
  fs3.renameSync(temporary, file);
}
function removePartials(dir) {
  const blobs = path2.join(dir, "blobs");
  for (const algorithm of safeList(blobs)) {
    for (const name of safeList(path2.join(blobs, algorithm))) {
      if (name.includes(".partial-") || name.startsWith(".computed-"))
        fs3.rmSync(path2.join(blobs, algorithm, name), { force: true });
    }
  }
}
function safeList(dir) {
  try {
    return fs3.readdirSync(dir);
  } catch {
    return [];
  }
}
var HashingCounter = class extends Transform {
  digest;
  size;
  onBytes;
  hash;
  bytes = 0;
  constructor(digest, size, onBytes) {
    super();
    this.digest = digest;
    this.size = size;
    this.onBytes = onBytes;
    this.hash = createHash4(digest.slice(0, digest.indexOf(":")));
  }
  _transform(chunk, _encoding, done) {
    this.bytes += chunk.length;
    this.onBytes?.(chunk.length);
    if (this.bytes > this.size) {
      done(new BlobMismatchError(this.digest, `blob ${this.digest}: received more than the ${this.size} bytes announced`));
      return;
    }
    this.hash.update(chunk);
    done(null, chunk);
  }
  check() {
    if (this.bytes !== this.size)
      throw new BlobMismatchError(this.digest, `blob ${this.digest}: received ${this.bytes} bytes, expected ${this.size}`);
    const actual = `${this.digest.slice(0, this.digest.indexOf(":"))}:${this.hash.digest("hex")}`;
    if (actual !== this.digest)
      throw new BlobMismatchError(this.digest, `blob ${this.digest}: the bytes received hash to ${actual}`);
  }
};

// lib/engine/cache/blob-cache.js
import * as fs4 from "node:fs";
import * as path3 from "node:path";
var BlobCache = class {
  dir;
  store;
  /** Digest → whether its entry hashes to it, once checked this run. */
  checked = /* @__PURE__ */ new Map();
  /** Every digest this run read or wrote: what a pruned store keeps. */
  used = /* @__PURE__ */ new Set();
  counters = { hits: 0, hitBytes: 0, fetched: 0, fetchedBytes: 0, discarded: 0 };
  /** `dir`: the store's directory (made by the first write). */
  constructor(dir) {
    this.dir = dir;
  }
  get counts() {
    return { ...this.counters };
  }
  /**
   * The store as the disk holds it when first used: after a restore, which
   * happens once the plan's source digests are known and before any copy.
   */
  get blobs() {
    if (this.store === void 0) {
      sanitizeStore(this.dir);
      this.store = new BundleStore({ path: this.dir, format: "directory" });
    }
    return this.store;
  }
  /** A manifest's bytes by digest, when the store holds them intact; a damaged entry is removed. */
  async manifest(digest) {
    const location = this.blobs.locate(digest);
    const plain = location !== void 0 && fs4.lstatSync(location.file, { throwIfNoEntry: false })?.isFile() === true;
    const bytes = plain ? await readBlob(location, MAX_MANIFEST_BYTES).catch(() => void 0) : void 0;
    const decision = manifestSource(digest, bytes === void 0 ? void 0 : { digest: digestOf(bytes, digest) });
    if (decision === "discard" || location !== void 0 && bytes === void 0)
      this.discard(digest);
    if (decision !== "cache" || bytes === void 0)
      return void 0;
    this.hit(digest, bytes.length);
    return bytes;
  }
  /** Keeps a manifest fetched from its source; a store that cannot take it (a full disk) costs only a later fetch. */
  async keepManifest(digest, bytes) {
    try {
      await this.blobs.putBytes(digest, bytes);
      this.used.add(digest);
      this.counters.fetched += 1;
      this.counters.fetchedBytes += bytes.length;
    } catch {
    }
  }
  /**
   * Where the blob's bytes are, intact: in the store already (hashed first, the
   * first time this run), else fetched with `open` into the store and checked
   * while they are written. A source sending other bytes than the descriptor
   * names throws BlobMismatchError and leaves nothing in the store.
   */
  async obtain(descriptor, open, onBytes) {
    const { digest, size } = descriptor;
    const held = this.blobs.locate(digest);
    let decision = blobSource(held === void 0 ? void 0 : { size: held.size }, size);
    if (decision === "verify")
      decision = blobSource({ size, intact: await this.intact(digest, held) }, size);
    if (decision === "cache") {
      this.hit(digest, size);
      return held;
    }
    if (decision === "discard")
      this.discard(digest);
    if (await this.blobs.ensure(digest, size, open, onBytes) === "written") {
      this.counters.fetched += 1;
      this.counters.fetchedBytes += size;
    }
    this.checked.set(digest, Promise.resolve(true));
    this.used.add(digest);
    return this.blobs.locate(digest, size);
  }
  /**
   * Removes every entry this run did not use (and every partial file), so a
   * store restored from an older entry is saved with what this plan needs, not
   * with everything it ever held. Only after a run that was not cut short.
   */
  prune() {
    let removed = 0;
    for (const { digest, file } of storeEntries(this.dir)) {
      if (this.used.has(digest))
        continue;
      fs4.rmSync(file, { force: true, recursive: true });
      removed += 1;
    }
    return { removed };
  }
  intact(digest, location) {
    let check = this.checked.get(digest);
    if (check === void 0) {
      const plain = fs4.lstatSync(location.file, { throwIfNoEntry: false })?.isFile() === true;
      check = (plain ? hashBlob(location, digest).then((hashed) => hashed.digest) : Promise.resolve("")).then((actual) => actual === digest, () => false);
      this.checked.set(digest, check);
    }
    return check;
  }
  hit(digest, size) {
    this.used.add(digest);
    this.counters.hits += 1;
    this.counters.hitBytes += size;
  }
  discard(digest) {
    if (this.blobs.locate(digest) === void 0)
      return;
    this.counters.discarded += 1;
    this.checked.delete(digest);
    this.blobs.discard(digest);
  }
};
function sanitizeStore(dir) {
  const notDirectory = (at) => {
    const stat = fs4.lstatSync(at, { throwIfNoEntry: false });
    if (stat === void 0 || stat.isDirectory())
      return false;
    fs4.rmSync(at, { force: true });
    return true;
  };
  if (notDirectory(dir) || notDirectory(path3.join(dir, "blobs")))
    return;
  for (const algorithm of safeList2(path3.join(dir, "blobs")))
    notDirectory(path3.join(dir, "blobs", algorithm));
  for (const { file } of storeEntries(dir))
    if (fs4.lstatSync(file, { throwIfNoEntry: false })?.isFile() !== true)
      fs4.rmSync(file, { recursive: true, force: true });
}
function storeEntries(dir) {
  const blobs = path3.join(dir, "blobs");
  return safeList2(blobs).flatMap((algorithm) => safeList2(path3.join(blobs, algorithm)).map((name) => ({ digest: `${algorithm}:${name}`, file: path3.join(blobs, algorithm, name) })));
}
function safeList2(dir) {
  try {
    return fs4.readdirSync(dir);
  } catch {
    return [];
  }
}

// lib/engine/cache/service.js
import * as fs5 from "node:fs";
import * as path4 from "node:path";
var STORE_DIR = "store";
var RUN_FILE = "run.json";
function storeDir(cacheDir) {
  return path4.join(cacheDir, STORE_DIR);
}
function storeContents(store) {
  sanitizeStore(store);
  let bytes = 0;
  const digests = listDirectoryBlobs(store);
  for (const digest of digests)
    bytes += fs5.statSync(path4.join(store, blobPath(digest))).size;
  return { blobs: digests.length, bytes };
}
async function restoreStore(cacheDir, key, restoreKeys) {
  try {
    const cache = await import("./cache-LJBE4TYM.js");
    fs5.mkdirSync(storeDir(cacheDir), { recursive: true });
    return { ok: true, value: await cache.restoreCache([storeDir(cacheDir)], key, restoreKeys) };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
async function saveStore(cacheDir, key) {
  try {
    const cache = await import("./cache-LJBE4TYM.js");
    const id = await cache.saveCache([storeDir(cacheDir)], key);
    return id === -1 ? { ok: false, reason: "the cache service did not take the entry (the line above says why)" } : { ok: true, value: id };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
function writeRunState(cacheDir, state) {
  fs5.mkdirSync(cacheDir, { recursive: true });
  writeAtomically(path4.join(cacheDir, RUN_FILE), Buffer.from(`${JSON.stringify(state)}
`));
}
function readRunState(cacheDir) {
  try {
    const parsed = JSON.parse(fs5.readFileSync(path4.join(cacheDir, RUN_FILE), "utf8"));
    if (typeof parsed.key !== "string" || !(typeof parsed.restoredKey === "string" || parsed.restoredKey === null))
      return void 0;
    return { key: parsed.key, restoredKey: parsed.restoredKey };
  } catch {
    return void 0;
  }
}

export {
  RegistryError,
  isTransient,
  retryAfterOf,
  cancelledError,
  deadlineError,
  networkError,
  parseRetryAfter,
  parseErrorBody,
  oneLine,
  codeForStatus,
  describeError,
  engineFailure,
  untilAborted,
  MAX_MANIFEST_BYTES,
  isDigest,
  checkDigest,
  digestOf,
  MEDIA_TYPES,
  MANIFEST_ACCEPT,
  sha256Digest,
  isIndexType,
  parseManifest,
  formatPlatform,
  platformMatches,
  isForeign,
  filterIndex,
  indexTar,
  LAYOUT_FILE,
  INDEX_FILE,
  LayoutError,
  isTarPath,
  openLayout,
  streamBlob,
  readBlob,
  hashBlob,
  BlobMismatchError,
  BundleStore,
  removePartials,
  BlobCache,
  sanitizeStore,
  storeDir,
  storeContents,
  restoreStore,
  saveStore,
  writeRunState,
  readRunState
};
