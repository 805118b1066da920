import { createRequire as __imageMirrorRequire } from 'node:module';
const require = __imageMirrorRequire(import.meta.url);
import {
  loadMappingConfig,
  mapInventory,
  planBundleJobs,
  readsBundle,
  selectBundleJobs
} from "./chunk-FH5M37PI.js";
import "./chunk-YEBW5GAW.js";
import {
  DigestGate,
  Registries,
  RunCache,
  downloadBlob,
  executeJobs,
  failureOf,
  getManifest,
  headManifest,
  header,
  imageResults,
  mapConcurrent,
  pullScope,
  pushScope,
  withRetry
} from "./chunk-ALWKZD7L.js";
import {
  cacheFindings,
  cacheUse
} from "./chunk-PYIQDL6X.js";
import {
  credentialsByHost
} from "./chunk-GMHTV7BP.js";
import {
  BlobMismatchError,
  BundleStore,
  INDEX_FILE,
  LAYOUT_FILE,
  LayoutError,
  MAX_MANIFEST_BYTES,
  MEDIA_TYPES,
  RegistryError,
  digestOf,
  engineFailure,
  filterIndex,
  formatPlatform,
  hashBlob,
  indexTar,
  isDigest,
  isForeign,
  isIndexType,
  isTarPath,
  isTransient,
  openLayout,
  parseManifest,
  readBlob,
  retryAfterOf,
  sha256Digest,
  streamBlob
} from "./chunk-E2PIM3G2.js";
import {
  formatBytes,
  plural
} from "./chunk-BFJECO4U.js";
import "./chunk-55Z3QWWA.js";
import "./chunk-YW6UN4AT.js";
import {
  EngineFailure
} from "./chunk-LRCA6YLR.js";
import {
  DockerCli,
  DockerCommandError,
  displayCommand
} from "./chunk-3Q6L7RXN.js";
import {
  familiarName,
  formatReference,
  parseReference,
  tryParseReference
} from "./chunk-7FBY6XPY.js";
import "./chunk-SVPXH4ZQ.js";

// lib/execute/bundle.js
import { setMaxListeners } from "node:events";
import * as os2 from "node:os";
import * as path4 from "node:path";

// lib/engine/bundle/engine.js
import * as fs2 from "node:fs";
import * as path2 from "node:path";

// lib/engine/bundle/export.js
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createGzip } from "node:zlib";

// lib/engine/bundle/registry-io.js
async function blobExists(client, repository, digest, context) {
  const answer = await client.request({ method: "HEAD", path: `/v2/${repository}/blobs/${digest}`, scopes: [pushScope(repository)], expect: [200, 404], kind: "blob" }, context);
  return answer.status === 200;
}
async function mountBlob(client, repository, digest, from, context) {
  try {
    const answer = await client.request({
      method: "POST",
      path: `/v2/${repository}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`,
      scopes: [pushScope(repository), pullScope(from)],
      expect: [201, 202],
      retry: false
    }, context);
    if (answer.status === 201)
      return true;
    const location = header(answer.headers.location);
    if (location !== void 0)
      await deleteSession(client, repository, new URL(location, client.endpoint.origin), context);
    return false;
  } catch (error) {
    if (context.signal.aborted)
      throw error;
    return false;
  }
}
async function uploadBlob(client, repository, descriptor, open, context, onBytes) {
  const started = await client.request({ method: "POST", path: `/v2/${repository}/blobs/uploads/`, scopes: [pushScope(repository)], expect: [202], retry: false }, context);
  const location = header(started.headers.location);
  if (location === void 0)
    throw new RegistryError(`POST ${client.host}/v2/${repository}/blobs/uploads/: no Location in the answer`, { transient: false, side: "target", host: client.host });
  const session = new URL(location, client.endpoint.origin);
  const gate = new DigestGate(descriptor, (problem) => bundleMismatch(descriptor, problem), onBytes);
  const source = open();
  source.on("error", (error) => gate.destroy(error));
  source.pipe(gate);
  try {
    await client.request({
      method: "PUT",
      path: new URL(`${session.href}${session.search ? "&" : "?"}digest=${encodeURIComponent(descriptor.digest)}`),
      headers: { "content-type": "application/octet-stream", "content-length": String(descriptor.size) },
      body: gate,
      scopes: [pushScope(repository)],
      expect: [201],
      retry: false,
      transferBytes: descriptor.size
    }, context);
    client.countSent(gate.bytes);
  } catch (error) {
    source.destroy();
    await deleteSession(client, repository, session, context);
    if (gate.mismatch !== void 0)
      throw gate.mismatch;
    throw error;
  }
}
async function putManifest(client, repository, reference, bytes, mediaType, context) {
  const expected = digestOf(bytes);
  const where = `PUT ${client.host}/v2/${repository}/manifests/${reference}`;
  await client.request({
    method: "PUT",
    path: `/v2/${repository}/manifests/${reference}`,
    headers: { "content-type": mediaType },
    body: bytes,
    scopes: [pushScope(repository)],
    expect: [201],
    kind: "manifest",
    verify: (answer) => {
      const stored = header(answer.headers["docker-content-digest"]);
      if (stored !== void 0 && stored !== expected)
        throw new RegistryError(`${where}: the registry stored ${stored.slice(0, 100)}, expected ${expected}`, { code: "DIGEST_MISMATCH", transient: false });
    }
  }, context);
}
async function deleteSession(client, repository, session, context) {
  try {
    await client.request({ method: "DELETE", path: session, scopes: [pushScope(repository)], expect: [200, 202, 204, 404], retry: false }, { signal: AbortSignal.timeout(1e4), ...context.record && { record: context.record } });
  } catch {
  }
}
function bundleMismatch(descriptor, problem) {
  const reason = problem.kind === "too-long" ? `holds more than the ${descriptor.size} bytes its descriptor names` : problem.kind === "size" ? `holds ${problem.bytes} bytes, its descriptor names ${descriptor.size}` : `is corrupt: its bytes hash to ${problem.actual}`;
  return new BlobMismatchError(descriptor.digest, `blob ${descriptor.digest} in the bundle ${reason}`);
}

// lib/engine/bundle/export.js
var DOCKER_CONFIG_TYPE = "application/vnd.docker.container.image.v1+json";
var DOCKER_LAYER_TYPE = "application/vnd.docker.image.rootfs.diff.tar.gzip";
var Exporter = class {
  options;
  constructor(options) {
    this.options = options;
  }
  async prepare(request, context) {
    try {
      if (request.from.kind === "daemon") {
        const imageId = await this.localImageId(request.from.name, context);
        if (imageId === void 0) {
          if (request.from.fallback === void 0)
            throw new EngineFailure("not-local", "local", `${request.from.name} is not in the local docker daemon: build it first (mode: build) or push it`);
          return this.prepareRegistry(request, request.from.fallback, context);
        }
        const reused = this.reusable(request, (previous) => previous.imageId === imageId);
        if (reused !== void 0)
          return { request, done: reused, steps: [] };
        const known = [...this.options.baseline.values()].find((image) => image.imageId === imageId && image.source === request.source);
        if (known !== void 0 && this.options.store.isCovered(known.digest)) {
          const done = this.inBaseline(request, known.digest, {});
          return { request, done: { ...done, image: { ...done.image, from: "daemon", imageId } }, steps: [] };
        }
        return { request, steps: [displayCommand(saveCommand("<temp>/image.tar", request.from.name)), `compress its layers into ${this.options.store.root}`], state: { kind: "daemon", name: request.from.name, imageId } };
      }
      return await this.prepareRegistry(request, request.from.ref, context);
    } catch (error) {
      throw engineFailure(error, context.signal);
    }
  }
  async export(prepared, context) {
    if (prepared.done !== void 0)
      return prepared.done;
    const state = prepared.state;
    try {
      return state.kind === "daemon" ? await this.exportDaemon(prepared.request, state, context) : await this.exportRegistry(prepared.request, state, context);
    } catch (error) {
      if (error instanceof BlobMismatchError)
        throw new EngineFailure("integrity", "source", error.message);
      throw engineFailure(error, context.signal);
    }
  }
  // ------------------------------------------------------------ registry
  async prepareRegistry(request, ref, context) {
    const client = this.options.registries.client(ref.registry, "read");
    const selector = ref.tag ?? ref.digest;
    const head = ref.digest !== void 0 ? { digest: ref.digest } : await headManifest(client, ref.repository, selector, pullScope(ref.repository), context);
    if (head === void 0) {
      throw new RegistryError(`HEAD ${client.host}/v2/${ref.repository}/manifests/${selector}: HTTP 404 MANIFEST_UNKNOWN`, { status: 404, code: "MANIFEST_UNKNOWN", transient: false, side: "source", host: client.host });
    }
    const sourceDigest = head.digest;
    if (sourceDigest !== void 0) {
      const reused = this.reusable(request, (previous) => (previous.sourceDigest ?? previous.digest) === sourceDigest && previous.from === "registry");
      if (reused !== void 0)
        return { request, done: reused, steps: [] };
      if (this.options.store.isCovered(sourceDigest))
        return { request, done: this.inBaseline(request, sourceDigest, head), steps: [] };
    }
    const state = { kind: "registry", ref, ...sourceDigest !== void 0 && { sourceDigest }, ...head.mediaType !== void 0 && { mediaType: head.mediaType } };
    const steps = [
      client.describe("GET", `/v2/${ref.repository}/manifests/${sourceDigest ?? selector}`),
      `fetch the ${this.options.platforms.length > 0 ? `${this.options.platforms.join(", ")} manifests` : "platform manifests"} and the blobs the bundle lacks into ${this.options.store.root} (${client.describe("GET", `/v2/${ref.repository}/blobs/<digest>`)})`
    ];
    return { request, steps, state, ...sourceDigest !== void 0 && { sourceDigest } };
  }
  async exportRegistry(request, state, context) {
    const client = this.options.registries.client(state.ref.registry, "read");
    const repository = state.ref.repository;
    const manifestOf = async (reference, expected) => {
      if (expected !== void 0) {
        const held = await this.heldManifest(expected) ?? await this.cachedManifest(expected);
        if (held !== void 0)
          return held;
      }
      const fetched = await getManifest(client, repository, reference, expected, context, pullScope(repository));
      await this.options.store.putBytes(fetched.digest, fetched.bytes);
      await this.options.cache?.keepManifest(fetched.digest, fetched.bytes);
      return fetched;
    };
    const original = await manifestOf(state.sourceDigest ?? state.ref.tag ?? state.ref.digest, state.sourceDigest);
    let top = original;
    if (isIndexType(original.mediaType) && this.options.platforms.length > 0) {
      top = filterIndex(original, this.options.platforms);
      if (top.manifests.length === 0) {
        const offered = original.manifests.map((child) => formatPlatform(child.platform)).filter(Boolean).join(", ");
        throw new RegistryError(`none of the platforms ${this.options.platforms.join(", ")} is in the index of ${formatReference(state.ref)} (it has ${offered.slice(0, 500)})`, {
          code: "PLATFORM_UNKNOWN",
          transient: false,
          side: "source",
          host: client.host
        });
      }
      await this.options.store.putBytes(top.digest, top.bytes);
    }
    const tally = newTally();
    await this.walk(top, request.source, tally, (child, expected) => manifestOf(child, expected), (blob) => this.fetchBlob(client, repository, blob, request.source, context));
    return this.outcome(request, top, tally, { from: "registry", sourceDigest: original.digest });
  }
  async fetchBlob(client, repository, blob, image, context) {
    let written = false;
    await withRetry(async () => {
      try {
        const cache = this.options.cache;
        const download = () => downloadBlob(client, repository, blob, context);
        const open = cache === void 0 ? download : async () => streamBlob(await cache.obtain(blob, download));
        const outcome = await this.options.store.ensure(blob.digest, blob.size, open, (bytes) => this.options.meter?.moved(image, bytes));
        written = outcome === "written";
      } catch (error) {
        if (error instanceof BlobMismatchError)
          throw new RegistryError(error.message, { code: "DIGEST_MISMATCH", transient: true, side: "source", host: client.host });
        throw error;
      }
    }, this.options.retry, { isTransient, retryAfterMs: retryAfterOf, signal: context.signal });
    return written;
  }
  // ------------------------------------------------------------ daemon
  async localImageId(name, context) {
    const cli = this.options.cli;
    if (cli === void 0)
      return void 0;
    const command = { args: ["image", "inspect", "--format", "{{.Id}}", name] };
    context.record(displayCommand(command));
    try {
      const id = (await cli.run(command, { signal: context.signal })).stdout.trim();
      return /^sha256:[a-f0-9]{64}$/.test(id) ? id : void 0;
    } catch (error) {
      if (error instanceof DockerCommandError && /no such (image|object)/i.test(error.stderr))
        return void 0;
      if (error instanceof DockerCommandError || error.name === "DockerNotFoundError")
        return void 0;
      throw error;
    }
  }
  async exportDaemon(request, state, context) {
    const cli = this.options.cli;
    const dir = fs.mkdtempSync(path.join(this.options.tempDir || os.tmpdir(), "im-save-"));
    try {
      const archive = path.join(dir, "image.tar");
      const command = saveCommand(archive, state.name);
      context.record(displayCommand(command));
      try {
        await cli.run(command, { signal: context.signal });
      } catch (error) {
        const reason = error instanceof DockerCommandError ? error.reason : String(error);
        throw new EngineFailure("other", "local", `docker save ${state.name} failed: ${reason}`, { ...error instanceof DockerCommandError && { log: error.output } });
      }
      const entries = indexTar(archive);
      const locate = (name) => {
        const entry = entries.get(name);
        return entry?.type === "file" ? { file: archive, offset: entry.offset, size: entry.size } : void 0;
      };
      const tally = newTally();
      let top;
      if (locate("oci-layout") !== void 0 && locate("index.json") !== void 0) {
        top = await this.fromSavedLayout(request, locate, tally, context);
      } else {
        top = await this.fromLegacySave(request, state, locate, tally);
      }
      return this.outcome(request, top, tally, { from: "daemon", imageId: state.imageId });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  /** docker 25+: the saved archive is an OCI layout already; its first image is copied as it is. */
  async fromSavedLayout(request, locate, tally, context) {
    const index = parseManifest(await readBlob(locate("index.json"), MAX_MANIFEST_BYTES), MEDIA_TYPES.ociIndex, "docker save index.json");
    const first = index.manifests[0];
    if (first === void 0)
      throw new EngineFailure("other", "local", `docker save of ${familiarName(request.target)} wrote no image`);
    const blobAt = (digest) => locate(`blobs/${digest.replace(":", "/")}`);
    const manifestOf = async (digest) => {
      const location = blobAt(digest);
      if (location === void 0)
        throw new EngineFailure("other", "local", `docker save wrote no manifest ${digest}`);
      const manifest = parseManifest(await readBlob(location, MAX_MANIFEST_BYTES), void 0, `docker save ${digest}`);
      if (manifest.digest !== digest)
        throw new EngineFailure("integrity", "local", `docker save wrote manifest ${digest} with other bytes`);
      await this.options.store.putBytes(digest, manifest.bytes);
      return manifest;
    };
    const top = await manifestOf(first.digest);
    await this.walk(top, request.source, tally, (_reference, expected) => manifestOf(expected), async (blob) => {
      const location = blobAt(blob.digest);
      if (location === void 0)
        throw new EngineFailure("not-local", "local", `docker save of ${familiarName(request.target)} lacks blob ${blob.digest}`);
      context.signal.throwIfAborted();
      return await this.options.store.ensure(blob.digest, blob.size, async () => streamBlob(location), (bytes) => this.options.meter?.moved(request.source, bytes)) === "written";
    });
    return top;
  }
  /** docker before 25: manifest.json, the config by its ID, uncompressed layer tars; layers are gzipped as a push would. */
  async fromLegacySave(request, state, locate, tally) {
    const manifestFile = locate("manifest.json");
    if (manifestFile === void 0)
      throw new EngineFailure("other", "local", `docker save of ${state.name} wrote neither an OCI layout nor manifest.json`);
    const saved = JSON.parse((await readBlob(manifestFile, MAX_MANIFEST_BYTES)).toString("utf8"));
    const entry = saved[0];
    if (entry === void 0 || typeof entry.Config !== "string" || !Array.isArray(entry.Layers))
      throw new EngineFailure("other", "local", `docker save of ${state.name}: manifest.json is not as expected`);
    const configLocation = locate(entry.Config);
    if (configLocation === void 0)
      throw new EngineFailure("other", "local", `docker save of ${state.name}: no ${entry.Config}`);
    const configBytes = await readBlob(configLocation, MAX_MANIFEST_BYTES);
    const configDigest = sha256Digest(configBytes);
    await this.options.store.putBytes(configDigest, configBytes);
    const layers = [];
    for (const name of entry.Layers) {
      const location = typeof name === "string" ? locate(name) : void 0;
      if (location === void 0)
        throw new EngineFailure("other", "local", `docker save of ${state.name}: no layer ${String(name)}`);
      this.options.meter?.expect(request.source, location.size);
      const stored = await this.options.store.putComputed(streamBlob(location), createGzip(), (bytes2) => this.options.meter?.moved(request.source, bytes2));
      layers.push({ mediaType: DOCKER_LAYER_TYPE, digest: stored.digest, size: stored.size });
      tally.transferred += stored.size;
    }
    const config = { mediaType: DOCKER_CONFIG_TYPE, digest: configDigest, size: configBytes.length };
    tally.transferred += config.size;
    const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.dockerManifest, config, layers }, null, 3));
    const manifest = parseManifest(bytes, MEDIA_TYPES.dockerManifest, `${state.name} (from docker save)`);
    await this.options.store.putBytes(manifest.digest, bytes);
    for (const blob of [config, ...layers]) {
      tally.content.add(blob.digest);
      tally.bytes += blob.size;
    }
    try {
      const platform = JSON.parse(configBytes.toString("utf8"));
      const formatted = formatPlatform({ os: platform.os ?? "", architecture: platform.architecture ?? "", ...platform.variant !== void 0 && { variant: platform.variant } });
      if (formatted !== void 0)
        tally.platforms.add(formatted);
    } catch {
    }
    return manifest;
  }
  // ------------------------------------------------------------ shared
  /**
   * Every child manifest and blob below `manifest`: children fetched (or read
   * from the store) and always carried, blobs only when neither the store
   * holds them nor the baseline covers them.
   */
  async walk(manifest, image, tally, child, fetch) {
    if (isIndexType(manifest.mediaType)) {
      await mapConcurrent(manifest.manifests, this.options.concurrency, async (descriptor) => {
        const platform = formatPlatform(descriptor.platform);
        if (platform !== void 0 && platform !== "unknown/unknown")
          tally.platforms.add(platform);
        tally.content.add(descriptor.digest);
        const nested = await child(descriptor.digest, descriptor.digest);
        await this.walk(nested, image, tally, child, fetch);
      });
      return;
    }
    const blobs = manifest.blobs.filter((blob) => !isForeign(blob));
    for (const blob of blobs) {
      tally.content.add(blob.digest);
      tally.bytes += blob.size;
    }
    const missing = blobs.filter((blob) => this.options.store.locate(blob.digest, blob.size) === void 0 && !this.options.store.isCovered(blob.digest));
    for (const blob of missing)
      this.options.meter?.expect(image, blob.size);
    await mapConcurrent(missing, this.options.concurrency, async (blob) => {
      if (await fetch(blob))
        tally.transferred += blob.size;
    });
    tally.skipped += blobs.filter((blob) => !missing.includes(blob)).reduce((sum, blob) => sum + blob.size, 0);
  }
  /** A manifest the blob cache holds intact, copied into the bundle. */
  async cachedManifest(digest) {
    const bytes = await this.options.cache?.manifest(digest);
    if (bytes === void 0)
      return void 0;
    const manifest = parseManifest(bytes, void 0, digest);
    await this.options.store.putBytes(digest, bytes);
    return manifest;
  }
  async heldManifest(digest) {
    const bytes = await this.options.store.read(digest, MAX_MANIFEST_BYTES).catch(() => void 0);
    if (bytes === void 0)
      return void 0;
    try {
      const manifest = parseManifest(bytes, void 0, digest);
      return manifest.digest === digest ? manifest : void 0;
    } catch {
      return void 0;
    }
  }
  /** The previous bundle's record of this image, when `same` and everything it names is held (or covered). */
  reusable(request, same) {
    const previous = this.options.previous.get(request.source);
    if (previous === void 0 || !previous.carried || !same(previous))
      return void 0;
    const store = this.options.store;
    const whole = store.locate(previous.digest, previous.size) !== void 0 && previous.content.every((digest) => store.locate(digest) !== void 0 || store.isCovered(digest));
    if (!whole)
      return void 0;
    return {
      status: "already-present",
      image: { ...previous, kind: request.kind, source: request.source, target: formatReference(request.target), origins: request.origins },
      bytesTransferred: 0,
      bytesSkipped: previous.bytes
    };
  }
  /** The baseline carried this image unchanged: the delta records it and carries none of it. */
  inBaseline(request, digest, head) {
    const known = this.options.baseline.get(digest);
    const image = {
      kind: request.kind,
      source: request.source,
      target: formatReference(request.target),
      origins: request.origins,
      from: "registry",
      digest,
      mediaType: known?.mediaType ?? head.mediaType ?? MEDIA_TYPES.ociManifest,
      size: known?.size ?? head.size ?? 0,
      sourceDigest: digest,
      ...known?.platforms !== void 0 && { platforms: known.platforms },
      content: known?.content ?? [],
      bytes: known?.bytes ?? 0,
      carried: false
    };
    return { status: "already-present", image, bytesTransferred: 0, bytesSkipped: image.bytes };
  }
  outcome(request, top, tally, origin) {
    const image = {
      kind: request.kind,
      source: request.source,
      target: formatReference(request.target),
      origins: request.origins,
      from: origin.from,
      digest: top.digest,
      mediaType: top.mediaType,
      size: top.bytes.length,
      ...origin.sourceDigest !== void 0 && { sourceDigest: origin.sourceDigest },
      ...origin.imageId !== void 0 && { imageId: origin.imageId },
      ...tally.platforms.size > 0 && { platforms: [...tally.platforms].sort() },
      content: [...tally.content].sort(),
      bytes: tally.bytes,
      carried: true
    };
    return { status: "exported", image, bytesTransferred: tally.transferred, bytesSkipped: tally.skipped };
  }
};
function saveCommand(output, name) {
  return { args: ["save", "-o", output, name] };
}
function newTally() {
  return { transferred: 0, skipped: 0, bytes: 0, content: /* @__PURE__ */ new Set(), platforms: /* @__PURE__ */ new Set() };
}

// lib/engine/bundle/import.js
var MISSING_BASELINE = /* @__PURE__ */ Symbol("missing baseline");
var Importer = class {
  options;
  /** `repository@digest` pushed or found this run, and repositories per digest to mount from. */
  pushed = /* @__PURE__ */ new Map();
  holders = /* @__PURE__ */ new Map();
  /** Uploads in flight by digest, whatever the repository: another repository waits, then mounts. */
  uploading = /* @__PURE__ */ new Map();
  constructor(options) {
    this.options = options;
  }
  async prepare(request, context) {
    const { image, target } = request;
    const client = this.options.registries.client(target.registry, "write");
    const reference = target.tag ?? target.digest;
    try {
      const present = await headManifest(client, target.repository, reference, pushScope(target.repository), context);
      if (present?.digest === image.digest) {
        return { request, done: { status: "already-present", digest: image.digest, size: image.bytes, ...image.platforms && { platforms: image.platforms }, bytesTransferred: 0, bytesSkipped: image.bytes }, steps: [] };
      }
      if (this.options.layout.locate(image.digest) === void 0) {
        throw this.missingBaseline(image, [image.digest], target);
      }
      const state = { manifests: [], blobs: [], elsewhere: [], platforms: [], size: 0 };
      const seen = /* @__PURE__ */ new Set();
      const absent = [];
      const visit = async (descriptor) => {
        const manifest = await this.manifest(image, descriptor.digest, descriptor.size);
        if (manifest === void 0) {
          if (!await headManifest(client, target.repository, descriptor.digest, pushScope(target.repository), context))
            absent.push({ mediaType: "manifest", digest: descriptor.digest, size: descriptor.size ?? 0 });
          return;
        }
        if (isIndexType(manifest.mediaType)) {
          for (const child of manifest.manifests) {
            if (child.platform?.os && child.platform.architecture)
              state.platforms.push([child.platform.os, child.platform.architecture, child.platform.variant].filter(Boolean).join("/"));
            if (!seen.has(child.digest)) {
              seen.add(child.digest);
              await visit(child);
            }
          }
        } else {
          for (const blob of manifest.blobs.filter((candidate) => !isForeign(candidate))) {
            state.size += blob.size;
            if (seen.has(blob.digest))
              continue;
            seen.add(blob.digest);
            const location = this.options.layout.locate(blob.digest);
            if (location !== void 0) {
              if (location.size !== blob.size) {
                throw new EngineFailure("integrity", "local", `blob ${blob.digest} of ${image.source} in the bundle has ${location.size} bytes, its manifest names ${blob.size}: the bundle is damaged; the image was not pushed`);
              }
              state.blobs.push(blob);
            } else
              absent.push(blob);
          }
        }
        state.manifests.push(manifest);
      };
      await visit({ digest: image.digest, size: image.size });
      const missing = [];
      for (const blob of absent) {
        if (blob.mediaType === "manifest") {
          missing.push(blob.digest);
          continue;
        }
        const from = await this.findInTarget(client, target.repository, blob.digest, context);
        if (from === void 0)
          missing.push(blob.digest);
        else if (from !== target.repository)
          state.elsewhere.push({ blob: blob.digest, from });
      }
      if (missing.length > 0)
        throw this.missingBaseline(image, missing, target);
      const carried = state.blobs.reduce((sum, blob) => sum + blob.size, 0);
      const steps = [
        `push ${state.blobs.length} blob(s) of ${image.source} from ${this.options.layout.path} into ${client.host}/${target.repository} (${carried} bytes at most; HEAD first, mount or upload)`,
        ...state.elsewhere.length > 0 ? [`mount ${state.elsewhere.length} blob(s) the bundle does not carry from other repositories of ${client.host}`] : [],
        `${client.describe("PUT", `/v2/${target.repository}/manifests/${reference}`)}${present?.digest !== void 0 ? ` (replacing ${present.digest})` : ""}`
      ];
      return { request, steps, state };
    } catch (error) {
      if (error instanceof BlobMismatchError)
        throw new EngineFailure("integrity", "local", error.message);
      throw engineFailure(error, context.signal);
    }
  }
  async import(prepared, context) {
    if (prepared.done !== void 0)
      return prepared.done;
    const state = prepared.state;
    const { image, target } = prepared.request;
    const client = this.options.registries.client(target.registry, "write");
    const repository = target.repository;
    let transferred = 0;
    try {
      for (const blob of state.blobs)
        this.options.meter?.expect(image.source, blob.size);
      await mapConcurrent(state.blobs, this.options.concurrency, async (blob) => {
        const outcome = await this.pushBlob(client, repository, blob, image.source, context);
        if (outcome === "uploaded")
          transferred += blob.size;
      });
      for (const { blob, from } of state.elsewhere) {
        if (!await mountBlob(client, repository, blob, from, context)) {
          throw new EngineFailure("not-found", "target", `blob ${blob} of ${image.source} is not in the bundle and could not be mounted from ${client.host}/${from}`, { host: client.host });
        }
      }
      const top = state.manifests[state.manifests.length - 1];
      for (const manifest of state.manifests.slice(0, -1)) {
        if (await headManifest(client, repository, manifest.digest, pushScope(repository), context))
          continue;
        await putManifest(client, repository, manifest.digest, manifest.bytes, manifest.mediaType, context);
      }
      await putManifest(client, repository, target.tag ?? top.digest, top.bytes, top.mediaType, context);
      return {
        status: "imported",
        digest: top.digest,
        size: state.size,
        ...state.platforms.length > 0 && { platforms: [...new Set(state.platforms)].sort() },
        bytesTransferred: transferred,
        bytesSkipped: state.size - transferred
      };
    } catch (error) {
      if (error instanceof BlobMismatchError) {
        throw new EngineFailure("integrity", "local", `${error.message}; ${target.repository}:${target.tag ?? ""} was not tagged`);
      }
      throw engineFailure(error, context.signal);
    }
  }
  async pushBlob(client, repository, blob, image, context) {
    const key = `${repository}@${blob.digest}`;
    const running = this.pushed.get(key);
    if (running !== void 0) {
      try {
        await running;
        this.options.meter?.moved(image, blob.size);
        return "present";
      } catch {
      }
    }
    const attempt = (async () => {
      if (await blobExists(client, repository, blob.digest, context)) {
        this.options.meter?.moved(image, blob.size);
        return "present";
      }
      const elsewhere = this.uploading.get(blob.digest);
      let finished;
      const done = new Promise((resolve) => finished = resolve);
      if (elsewhere !== void 0)
        await elsewhere.catch(() => void 0);
      else
        this.uploading.set(blob.digest, done);
      try {
        for (const from of this.holders.get(blob.digest) ?? []) {
          if (from === repository)
            continue;
          if (await mountBlob(client, repository, blob.digest, from, context)) {
            this.options.meter?.moved(image, blob.size);
            return "mounted";
          }
          break;
        }
        const location = this.options.layout.locate(blob.digest);
        if (location === void 0)
          throw new EngineFailure("integrity", "local", `blob ${blob.digest} is not in the bundle`);
        let moved = 0;
        await withRetry(async () => {
          this.options.meter?.moved(image, -moved);
          moved = 0;
          await uploadBlob(client, repository, blob, () => streamBlob(location), context, (bytes) => {
            moved += bytes;
            this.options.meter?.moved(image, bytes);
          });
        }, this.options.retry, { isTransient: (error) => !(error instanceof BlobMismatchError) && isTransient(error), retryAfterMs: retryAfterOf, signal: context.signal });
        this.remember(blob.digest, repository);
      } finally {
        if (this.uploading.get(blob.digest) === done)
          this.uploading.delete(blob.digest);
        finished();
      }
      return "uploaded";
    })();
    this.pushed.set(key, attempt);
    try {
      const outcome = await attempt;
      this.remember(blob.digest, repository);
      return outcome;
    } catch (error) {
      if (this.pushed.get(key) === attempt)
        this.pushed.delete(key);
      throw error;
    }
  }
  remember(digest, repository) {
    let holders = this.holders.get(digest);
    if (holders === void 0)
      this.holders.set(digest, holders = /* @__PURE__ */ new Set());
    holders.add(repository);
  }
  /** A manifest the bundle carries, parsed and checked against its digest and size; undefined when not carried. */
  async manifest(image, digest, size) {
    const location = this.options.layout.locate(digest);
    if (location === void 0)
      return void 0;
    if (size !== void 0 && location.size !== size) {
      throw new EngineFailure("integrity", "local", `manifest ${digest} of ${image.source} in the bundle has ${location.size} bytes, ${size} expected: the bundle is damaged; the image was not pushed`);
    }
    const bytes = await readBlob(location, MAX_MANIFEST_BYTES);
    let manifest;
    try {
      manifest = parseManifest(bytes, digest === image.digest ? image.mediaType : void 0, `manifest ${digest} in the bundle`);
    } catch (error) {
      throw new EngineFailure("integrity", "local", `${error.message} (image ${image.source}); the image was not pushed`);
    }
    if (manifest.digest !== digest) {
      throw new EngineFailure("integrity", "local", `manifest ${digest} of ${image.source} in the bundle is corrupt: its bytes hash to ${manifest.digest}; the image was not pushed`);
    }
    return manifest;
  }
  /** A repository of the target that holds `digest`: this one, else one of the plan's images recorded with it, else any of the plan's. */
  async findInTarget(client, repository, digest, context) {
    if (await blobExists(client, repository, digest, context))
      return repository;
    const sameRegistry = this.options.images.filter((entry) => entry.target.registry === client.endpoint.registry && entry.target.repository !== repository);
    const likely = sameRegistry.filter((entry) => entry.image.content.includes(digest));
    const rest = sameRegistry.filter((entry) => !entry.image.content.includes(digest));
    const tried = /* @__PURE__ */ new Set();
    for (const entry of [...likely, ...rest]) {
      if (tried.has(entry.target.repository))
        continue;
      tried.add(entry.target.repository);
      if (await blobExists(client, entry.target.repository, digest, context))
        return entry.target.repository;
    }
    return void 0;
  }
  missingBaseline(image, digests, target) {
    const shown = digests.slice(0, 3).join(", ");
    const more = digests.length > 3 ? ` and ${digests.length - 3} more` : "";
    const baseline = this.options.baselineName !== void 0 ? ` (${this.options.baselineName})` : "";
    return new EngineFailure("not-found", "target", `${target.registry}/${target.repository} lacks baseline content that this delta bundle does not carry for ${image.source}: ${shown}${more}; import the baseline bundle${baseline} first; nothing was pushed`, { host: target.registry, cause: MISSING_BASELINE });
  }
};

// lib/engine/bundle/record.js
var RECORD_VERSION = 1;
var REF_NAME = "org.opencontainers.image.ref.name";
var CONTAINERD_NAME = "io.containerd.image.name";
var TARGET_ANNOTATION = "dev.image-mirror.target";
var COVERS_ANNOTATION = "dev.image-mirror.covers";
var MAX_IMAGES = 1e4;
var MAX_CONTENT = 1e5;
var MAX_TEXT = 2048;
function serializeRecord(record) {
  return Buffer.from(`${JSON.stringify(record, null, 2)}
`);
}
function parseRecord(bytes, where) {
  let parsed;
  try {
    parsed = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new LayoutError(`${where}: the plan record is not JSON`);
  }
  const fail = (reason) => {
    throw new LayoutError(`${where}: the plan record is invalid: ${reason}`);
  };
  if (!isObject(parsed))
    return fail("not an object");
  if (parsed.tool !== "image-mirror")
    fail("it was not written by image-mirror (tool is not 'image-mirror')");
  if (parsed.version !== RECORD_VERSION)
    fail(`version ${String(parsed.version)} is not supported (${RECORD_VERSION} is); export the bundle again with this version`);
  if (!Array.isArray(parsed.images) || parsed.images.length > MAX_IMAGES)
    fail(`images is not a list of at most ${MAX_IMAGES}`);
  const images = parsed.images.map((item, position) => parseImage(item, `images[${position}]`, fail));
  const platforms = Array.isArray(parsed.platforms) ? parsed.platforms.filter((value) => typeof value === "string" && value.length < 100) : [];
  const baseline = isObject(parsed.baseline) && typeof parsed.baseline.covers === "number" && typeof parsed.baseline.name === "string" ? { covers: parsed.baseline.covers, name: text(parsed.baseline.name) } : void 0;
  return {
    version: RECORD_VERSION,
    tool: "image-mirror",
    created: typeof parsed.created === "string" ? text(parsed.created) : "",
    registry: typeof parsed.registry === "string" ? text(parsed.registry) : null,
    tag: typeof parsed.tag === "string" ? text(parsed.tag) : null,
    platforms,
    ...baseline !== void 0 && { baseline },
    images
  };
}
function parseImage(item, where, fail) {
  if (!isObject(item))
    return fail(`${where} is not an object`);
  const reference = (value, name) => {
    if (typeof value !== "string" || value.length > MAX_TEXT)
      return fail(`${where}.${name} is not a reference`);
    const parsed = tryParseReference(value);
    if (!("ref" in parsed))
      return fail(`${where}.${name}: ${parsed.error.reason}`);
    return formatReference(parsed.ref);
  };
  const digest = (value, name) => isDigest(value) ? value : fail(`${where}.${name} is not a digest`);
  const count = (value, name) => typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : fail(`${where}.${name} is not a size`);
  if (item.kind !== "base" && item.kind !== "service")
    fail(`${where}.kind is neither base nor service`);
  if (item.from !== "registry" && item.from !== "daemon")
    fail(`${where}.from is neither registry nor daemon`);
  if (typeof item.mediaType !== "string" || item.mediaType.length > 255)
    fail(`${where}.mediaType is not a media type`);
  if (!Array.isArray(item.content) || item.content.length > MAX_CONTENT)
    fail(`${where}.content is not a list of digests`);
  const origins = Array.isArray(item.origins) ? item.origins.filter((origin) => isObject(origin) && typeof origin.file === "string" && typeof origin.line === "number").slice(0, 1e3).map((origin) => ({ file: text(origin.file), line: Math.max(0, Math.floor(origin.line)) })) : [];
  return {
    kind: item.kind,
    source: reference(item.source, "source"),
    target: reference(item.target, "target"),
    origins,
    from: item.from,
    digest: digest(item.digest, "digest"),
    mediaType: item.mediaType,
    size: count(item.size, "size"),
    ...item.sourceDigest !== void 0 && { sourceDigest: digest(item.sourceDigest, "sourceDigest") },
    ...item.imageId !== void 0 && { imageId: digest(item.imageId, "imageId") },
    ...Array.isArray(item.platforms) && { platforms: item.platforms.filter((value) => typeof value === "string" && value.length < 100).slice(0, 100) },
    content: item.content.map((value, position) => digest(value, `content[${position}]`)),
    bytes: count(item.bytes, "bytes"),
    carried: item.carried !== false
  };
}
function coveredByIndex(index, where) {
  let parsed;
  try {
    parsed = JSON.parse(index.toString("utf8"));
  } catch {
    throw new LayoutError(`${where}: index.json is not JSON`);
  }
  if (!isObject(parsed))
    throw new LayoutError(`${where}: index.json is not an object`);
  const covered = /* @__PURE__ */ new Set();
  if (Array.isArray(parsed.manifests)) {
    for (const entry of parsed.manifests)
      if (isObject(entry) && isDigest(entry.digest))
        covered.add(entry.digest);
  }
  const annotation = isObject(parsed.annotations) ? parsed.annotations[COVERS_ANNOTATION] : void 0;
  if (typeof annotation === "string") {
    for (const digest of annotation.split(/\s+/))
      if (isDigest(digest))
        covered.add(digest);
  }
  return covered;
}
function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function text(value) {
  return value.length > MAX_TEXT ? value.slice(0, MAX_TEXT) : value;
}

// lib/engine/bundle/engine.js
function registriesFor(access) {
  const retry = { attempts: access.retries + 1, baseDelayMs: access.retryBaseDelayMs ?? 500, maxDelayMs: 15e3 };
  const registries = new Registries({
    credentials: access.credentials,
    ...access.registryMirror !== void 0 && { registryMirror: access.registryMirror },
    ...access.caFile !== void 0 && { caFile: access.caFile },
    ...access.dockerConfigDir !== void 0 && { dockerConfigDir: access.dockerConfigDir },
    insecureRegistries: access.insecureRegistries,
    concurrency: access.concurrency,
    retry,
    timeoutMs: access.timeoutMs ?? 6e4,
    deadlineMs: access.deadlineMs ?? 10 * 6e4
  });
  return { registries, retry };
}
function readBaseline(location) {
  const name = path2.basename(location);
  const stat = fs2.statSync(location);
  if (stat.isFile() && !isTarPath(location)) {
    return { covered: coveredByIndex(fs2.readFileSync(location), location), images: /* @__PURE__ */ new Map(), name };
  }
  const layout = openLayout(location);
  const covered = coveredByIndex(layout.index, location);
  for (const digest of layout.digests())
    covered.add(digest);
  const images = /* @__PURE__ */ new Map();
  if (layout.record !== void 0)
    for (const image of parseRecord(layout.record, location).images)
      images.set(image.digest, image);
  return { covered, images, name };
}
var BundleExportEngine = class {
  registries;
  store;
  exporter;
  covered;
  baselineName;
  constructor(options) {
    const format = isTarPath(options.bundle) ? "tar" : "directory";
    if (format === "directory" && fs2.existsSync(options.bundle)) {
      const entries = fs2.readdirSync(options.bundle);
      if (entries.length > 0 && !entries.includes(LAYOUT_FILE)) {
        throw new LayoutError(`${options.bundle} is a directory that is not a bundle (no ${LAYOUT_FILE}): name a new or empty directory, or a file ending in .tar`);
      }
    }
    const baseline = options.baseline !== void 0 ? readBaseline(options.baseline) : void 0;
    this.covered = baseline?.covered ?? /* @__PURE__ */ new Set();
    this.baselineName = baseline?.name;
    const { registries, retry } = registriesFor(options);
    this.registries = registries;
    this.store = new BundleStore({ path: options.bundle, format, covered: this.covered });
    const previous = /* @__PURE__ */ new Map();
    const layout = this.store.previousLayout;
    if (layout?.record !== void 0) {
      try {
        for (const image of parseRecord(layout.record, options.bundle).images)
          previous.set(image.source, image);
      } catch {
      }
    }
    this.exporter = new Exporter({
      registries,
      store: this.store,
      previous,
      baseline: baseline?.images ?? /* @__PURE__ */ new Map(),
      platforms: options.platforms,
      concurrency: options.concurrency,
      retry,
      ...options.cli !== void 0 && { cli: options.cli },
      tempDir: options.tempDir,
      ...options.meter !== void 0 && { meter: options.meter },
      ...options.cache !== void 0 && { cache: options.cache }
    });
  }
  prepareExport(request, context) {
    return this.exporter.prepare(request, context);
  }
  export(prepared, context) {
    return this.exporter.export(prepared, context);
  }
  async finish(images, context) {
    const keep = /* @__PURE__ */ new Set();
    const covers = new Set(this.covered);
    for (const image of images) {
      for (const digest of [image.digest, ...image.content]) {
        covers.add(digest);
        if (!image.carried)
          continue;
        if (this.store.locate(digest) !== void 0)
          keep.add(digest);
        else if (!this.covered.has(digest))
          throw new Error(`${image.source}: ${digest} is neither in the bundle nor in its baseline`);
      }
    }
    const index = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: images.filter((image) => image.carried).map((image) => ({
        mediaType: image.mediaType,
        digest: image.digest,
        size: image.size,
        annotations: { [REF_NAME]: image.source, [CONTAINERD_NAME]: image.source, [TARGET_ANNOTATION]: image.target }
      })),
      annotations: { [COVERS_ANNOTATION]: [...covers].sort().join(" ") }
    };
    const record = {
      version: RECORD_VERSION,
      tool: "image-mirror",
      created: (/* @__PURE__ */ new Date()).toISOString(),
      registry: context.registry,
      tag: context.tag,
      platforms: context.platforms,
      ...this.baselineName !== void 0 && { baseline: { covers: this.covered.size, name: this.baselineName } },
      images
    };
    return this.store.finish(Buffer.from(`${JSON.stringify(index, null, 2)}
`), serializeRecord(record), keep);
  }
  stats() {
    return this.registries.stats();
  }
  async close() {
    this.registries.close();
  }
};
function openBundle(location) {
  const layout = openLayout(location);
  if (layout.record !== void 0)
    return { layout, record: parseRecord(layout.record, location), recorded: true };
  return { layout, record: foreignRecord(layout), recorded: false };
}
function foreignRecord(layout) {
  const images = [];
  let parsed;
  try {
    parsed = JSON.parse(layout.index.toString("utf8"));
  } catch {
    throw new LayoutError(`${layout.path}: ${INDEX_FILE} is not JSON`);
  }
  const seen = /* @__PURE__ */ new Set();
  for (const entry of parsed.manifests ?? []) {
    const names = [entry.annotations?.[CONTAINERD_NAME], entry.annotations?.[REF_NAME]].filter((name) => typeof name === "string");
    for (const name of names) {
      const candidate = parseRecord(Buffer.from(JSON.stringify({
        tool: "image-mirror",
        version: RECORD_VERSION,
        images: [{ kind: "base", source: name, target: name, origins: [], from: "registry", digest: entry.digest, mediaType: entry.mediaType, size: entry.size, content: [], bytes: 0 }]
      })), layout.path).images[0];
      if (candidate === void 0 || !/[/.:]/.test(name.split("@")[0] ?? "") || seen.has(candidate.source))
        continue;
      seen.add(candidate.source);
      images.push(candidate);
      break;
    }
  }
  return { version: RECORD_VERSION, tool: "image-mirror", created: "", registry: null, tag: null, platforms: [], images };
}
var BundleImportEngine = class {
  registries;
  importer;
  constructor(options) {
    const { registries, retry } = registriesFor(options);
    this.registries = registries;
    this.importer = new Importer({
      registries,
      layout: options.bundle.layout,
      images: options.images,
      ...options.bundle.record.baseline !== void 0 && { baselineName: options.bundle.record.baseline.name },
      concurrency: options.concurrency,
      retry,
      ...options.meter !== void 0 && { meter: options.meter }
    });
  }
  prepareImport(request, context) {
    return this.importer.prepare(request, context);
  }
  import(prepared, context) {
    return this.importer.import(prepared, context);
  }
  stats() {
    return this.registries.stats();
  }
  async close() {
    this.registries.close();
  }
};

// lib/engine/bundle/download.js
import { createHash } from "node:crypto";
import * as fs3 from "node:fs";
import * as path3 from "node:path";
var TOOL_NAME = "image-mirror-bundle";
function isBundleUrl(value) {
  return /^https?:\/\//i.test(value);
}
function cacheVersion(digest) {
  return `0.0.0-${digest.replace(":", "-")}`;
}
function pinnedDigest(url) {
  const match = /#sha256[=:]([a-f0-9]{64})$/i.exec(url);
  return match ? `sha256:${match[1].toLowerCase()}` : void 0;
}
function parseChecksumFile(text2) {
  const match = /^([a-f0-9]{64})\b/i.exec(text2.trim());
  return match ? `sha256:${match[1].toLowerCase()}` : void 0;
}
async function fetchBundle(url, options) {
  process.env.RUNNER_TOOL_CACHE ||= options.toolCacheDir;
  process.env.RUNNER_TEMP ||= options.tempDir;
  const tc = await import("./tool-cache-JQBSAZU3.js");
  const address = url.replace(/#.*$/, "");
  const shown = redactUrl(address);
  let expected = pinnedDigest(url);
  if (expected === void 0) {
    const sidecar = path3.join(options.tempDir, `im-bundle-${process.pid}-${Date.now()}.sha256`);
    try {
      await tc.downloadTool(`${address}.sha256`, sidecar);
      expected = parseChecksumFile(fs3.readFileSync(sidecar, "utf8").slice(0, 4096));
    } catch {
      options.info(`No ${shown}.sha256 beside the bundle: it is downloaded to learn its digest`);
    } finally {
      fs3.rmSync(sidecar, { force: true });
    }
  }
  if (expected !== void 0) {
    const cached = cachedBundle(tc, expected);
    if (cached !== void 0) {
      options.info(`Bundle ${expected} is in the tool cache (${cached}): not downloaded again`);
      return { path: cached, digest: expected, downloaded: false };
    }
  }
  options.info(`Downloading the bundle ${shown}`);
  const started = Date.now();
  const file = await tc.downloadTool(address);
  try {
    const digest = await fileDigest(file);
    const size = fs3.statSync(file).size;
    options.info(`Downloaded ${size} bytes in ${((Date.now() - started) / 1e3).toFixed(1)}s: ${digest}`);
    if (expected !== void 0 && digest !== expected)
      throw new Error(`the bundle downloaded from ${shown} hashes to ${digest}, not ${expected} as announced: refused`);
    const cached = cachedBundle(tc, digest);
    if (cached !== void 0)
      return { path: cached, digest, downloaded: true };
    const extracted = await tc.extractTar(file, void 0, "x");
    try {
      if (!fs3.existsSync(path3.join(extracted, LAYOUT_FILE)))
        throw new Error(`${shown} is not an OCI image layout archive (no ${LAYOUT_FILE} in it)`);
      const stored = await tc.cacheDir(extracted, TOOL_NAME, cacheVersion(digest));
      return { path: stored, digest, downloaded: true };
    } finally {
      fs3.rmSync(extracted, { recursive: true, force: true });
    }
  } finally {
    fs3.rmSync(file, { force: true });
  }
}
function cachedBundle(tc, digest) {
  const found = tc.find(TOOL_NAME, cacheVersion(digest));
  return found !== "" && fs3.existsSync(path3.join(found, LAYOUT_FILE)) ? found : void 0;
}
async function fileDigest(file) {
  const hash = createHash("sha256");
  for await (const chunk of fs3.createReadStream(file, { highWaterMark: 1024 * 1024 }))
    hash.update(chunk);
  return `sha256:${hash.digest("hex")}`;
}
function redactUrl(url) {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return "<bundle URL>";
  }
}

// lib/engine/bundle/verify.js
var BundleVerifier = class {
  layout;
  imageFor;
  checked = /* @__PURE__ */ new Map();
  constructor(layout, imageFor) {
    this.layout = layout;
    this.imageFor = imageFor;
  }
  describeLookup(target) {
    return [`check ${formatReference(target)} in ${this.layout.path}: every manifest and blob present, with its size and digest`];
  }
  async lookup(target, context) {
    for (const line of this.describeLookup(target))
      context.record(line);
    const image = this.imageFor(target);
    if (image === void 0)
      return { status: "missing", hint: `The bundle ${this.layout.path} does not hold it: export the bundle again from a plan that has it (mode: export)` };
    const base = { digest: image.digest, size: image.bytes, ...image.platforms !== void 0 && { platforms: image.platforms } };
    if (!image.carried)
      return { status: "verified", ...base };
    const problems = [];
    const visit = async (digest, size, isManifest) => {
      context.signal.throwIfAborted();
      const location = this.layout.locate(digest);
      if (location === void 0) {
        if (!isManifest || digest === image.digest)
          problems.push(`${digest} is missing`);
        return;
      }
      if (size !== void 0 && location.size !== size) {
        problems.push(`${digest} has ${location.size} bytes, ${size} expected`);
        return;
      }
      const problem = await this.check(digest);
      if (problem !== void 0) {
        problems.push(problem);
        return;
      }
      if (!isManifest)
        return;
      const manifest = parseManifest(await readBlob(location, MAX_MANIFEST_BYTES), digest === image.digest ? image.mediaType : void 0, digest);
      if (isIndexType(manifest.mediaType))
        for (const child of manifest.manifests)
          await visit(child.digest, child.size, true);
      else
        for (const blob of manifest.blobs.filter((candidate) => !isForeign(candidate)))
          await visit(blob.digest, blob.size, false);
    };
    await visit(image.digest, image.size, true);
    if (problems.length > 0) {
      throw new EngineFailure("integrity", "local", `the bundle ${this.layout.path} is damaged for ${image.source}: ${problems.slice(0, 3).join("; ")}${problems.length > 3 ? `; and ${problems.length - 3} more` : ""}`);
    }
    return { status: "verified", ...base };
  }
  /** Why the blob's bytes do not hash to its digest, or undefined when they do; hashed once per run. */
  check(digest) {
    let running = this.checked.get(digest);
    if (running === void 0) {
      running = (async () => {
        const location = this.layout.locate(digest);
        if (location === void 0)
          return `${digest} is missing`;
        const { digest: actual, size } = await hashBlob(location, digest);
        if (size !== location.size)
          return `${digest} is truncated (${size} of ${location.size} bytes)`;
        return actual === digest ? void 0 : `${digest} is corrupt (its bytes hash to ${actual})`;
      })();
      this.checked.set(digest, running);
    }
    return running;
  }
};

// lib/execute/bundle.js
async function openInputBundle(settings, progress) {
  if (!readsBundle(settings))
    return void 0;
  const location = settings.bundle;
  const name = isBundleUrl(location) ? redactUrl(location) : displayPath(settings, location);
  return progress.group(`Open the bundle ${name}`, async () => {
    try {
      let local = location;
      if (isBundleUrl(location)) {
        const fetched = await fetchBundle(location, { toolCacheDir: settings.toolCacheDir, tempDir: os2.tmpdir(), info: (line) => progress.info(line) });
        local = fetched.path;
      }
      const bundle = openBundle(local);
      const carried = bundle.record.images.filter((image) => image.carried).length;
      progress.info(`${name}: ${plural(bundle.record.images.length, "image")}${carried !== bundle.record.images.length ? ` (${carried} carried, the rest in its baseline ${bundle.record.baseline?.name ?? ""})` : ""}, ${plural(bundle.layout.digests().length, "blob")}${bundle.recorded ? "" : " (no image-mirror plan in it: images named by index.json)"}`);
      return { name, bundle, findings: [] };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      progress.info(`The bundle cannot be used: ${reason}`);
      return {
        name,
        findings: [
          {
            kind: "failed",
            severity: "error",
            message: `The bundle ${name} cannot be used: ${reason}; nothing was ${settings.mode === "import" ? "pushed" : "verified"}`,
            suggestion: "Copy the bundle again (a transfer may have cut it short), or export it again (mode: export)"
          }
        ]
      };
    }
  });
}
function planFromBundle(input, settings) {
  const bundle = input.bundle;
  const registry = settings.registry;
  if (bundle === void 0 || registry === void 0)
    return { images: [], findings: [], files: [] };
  const note = {
    kind: "scan-note",
    severity: "notice",
    message: `No repository to scan: the plan is the one in the bundle ${input.name} (${plural(bundle.record.images.length, "image")})`
  };
  if (!bundle.recorded) {
    const loaded = settings.configFile === void 0 ? void 0 : loadMappingConfig(settings.configFile, displayPath(settings, settings.configFile));
    const plan = mapInventory({
      images: bundle.record.images.map((image) => ({ kind: image.kind, source: image.source, ref: parseReference(image.source), origins: [] })),
      findings: loaded?.findings ?? [],
      files: []
    }, {
      registry: { registry: registry.registry, namespace: registry.namespace },
      ...settings.tag !== void 0 && { tag: settings.tag },
      layout: settings.layout,
      layoutFromInput: settings.layoutFromInput,
      ...settings.flatSeparator !== void 0 && { flatSeparator: settings.flatSeparator },
      ...settings.strict !== void 0 && { strict: settings.strict },
      ...loaded !== void 0 && { config: loaded.config }
    });
    return { ...plan, findings: [note, ...plan.findings] };
  }
  const images = bundle.record.images.map((image) => {
    const target = rebase(image.target, bundle.record.registry, registry.text);
    const targetRef = parseReference(target);
    return { kind: image.kind, source: image.source, ref: parseReference(image.source), origins: image.origins, mapping: "mapped", target: formatReference(targetRef), targetRef };
  });
  return { images, findings: [note], files: [] };
}
function rebase(target, exportedFor, importInto) {
  if (exportedFor === null || exportedFor === importInto || !target.startsWith(`${exportedFor}/`))
    return target;
  return `${importInto}/${target.slice(exportedFor.length + 1)}`;
}
async function executeBundle(plan, shown, input, settings, progress, signal = new AbortController().signal, shardImages) {
  setMaxListeners(0, signal);
  const phases = /* @__PURE__ */ new Map();
  const add = (image, result) => {
    phases.set(image, [...phases.get(image) ?? [], result]);
  };
  const findings = [...input?.findings ?? [], ...cacheFindings(cacheUse(settings))];
  let registries;
  let cached;
  const access = {
    credentials: credentialsByHost(settings),
    ...settings.registryMirror !== void 0 && { registryMirror: settings.registryMirror },
    insecureRegistries: settings.insecureRegistries,
    ...settings.caFile !== void 0 && { caFile: settings.caFile },
    concurrency: settings.concurrency,
    retries: settings.retries,
    dockerConfigDir: settings.userDockerConfig
  };
  if (settings.mode === "export") {
    const exported = await runExport(plan, settings, access, shardImages, add, findings, progress, signal);
    registries = exported.registries;
    cached = exported.cache;
  } else if (settings.mode === "import") {
    registries = await runImport(plan, input, settings, access, shardImages, add, progress, signal);
  } else {
    await runVerify(plan, input, settings, shardImages, add, progress, signal);
  }
  const results = imageResults(shown, phases, { engine: "registry", attempts: settings.retries + 1, verifyFrom: settings.verifyFrom });
  return { results, findings, ...registries !== void 0 && { registries }, ...cached !== void 0 && { cache: cached } };
}
async function runExport(plan, settings, access, shardImages, add, findings, progress, signal) {
  const jobs = selectBundleJobs(planBundleJobs(plan, "export"), shardImages).export;
  const bundleName = displayPath(settings, settings.bundle);
  const meter = new ProgressMeter(progress, "exported");
  const cache = cacheUse(settings).on ? new RunCache(settings, progress) : void 0;
  let engine;
  try {
    engine = new BundleExportEngine({
      ...access,
      bundle: settings.bundle,
      ...settings.bundleBaseline !== void 0 && { baseline: settings.bundleBaseline },
      platforms: settings.platforms,
      cli: new DockerCli(),
      tempDir: os2.tmpdir(),
      meter,
      ...cache !== void 0 && { cache: cache.blobs }
    });
  } catch (error) {
    const failure = { kind: "other", side: "local", phase: "export", message: `the bundle ${bundleName} cannot be written: ${error instanceof Error ? error.message : String(error)}` };
    for (const job of jobs)
      add(job.image, failed("export", failure, [], "Name a new directory or a file ending in .tar for bundle, and an existing bundle or index.json for bundle-baseline"));
    return {};
  }
  const recorded = /* @__PURE__ */ new Map();
  try {
    let exporter = engine;
    if (cache !== void 0 && jobs.length > 0) {
      const ahead = await cache.prepareAndRestore(jobs, { concurrency: settings.concurrency, signal, keyOf: (job) => job.image }, (job, context) => engine.prepareExport(exportRequest(job), context));
      exporter = { prepareExport: (request, context) => ahead.take(request.source, context, () => engine.prepareExport(request, context)), export: (prepared, context) => engine.export(prepared, context) };
    }
    await progress.group(`Export ${plural(jobs.length, "image")} into ${bundleName}${settings.bundleBaseline !== void 0 ? ` (a delta against ${displayPath(settings, settings.bundleBaseline)})` : ""}`, async () => {
      const report = reporter(jobs.length, progress, settings.dryRun);
      meter.start();
      await mapConcurrent(jobs, settings.concurrency, async (job) => {
        const result = await exportOne(job, exporter, settings.dryRun, signal, recorded);
        add(job.image, result);
        report(result, familiarName(job.imageKind === "service" ? job.target : job.source));
      });
      meter.stop();
    });
    const cached = cache?.finish(signal.aborted);
    if (!settings.dryRun) {
      const images = plan.images.flatMap((image) => recorded.get(image.source) ?? []);
      try {
        const finished = await engine.finish(images, { registry: settings.registry?.text ?? null, tag: settings.tag ?? null, platforms: settings.platforms });
        const carried = images.filter((image) => image.carried).length;
        progress.info(`Bundle ${bundleName}: ${plural(images.length, "image")}${carried !== images.length ? ` (${carried} carried, ${images.length - carried} left to the baseline)` : ""}, ${plural(finished.blobs, "blob")}, ${formatBytes(finished.bytes)}${finished.digest !== void 0 ? `, ${finished.digest}` : ""}`);
      } catch (error) {
        findings.push({
          kind: "failed",
          severity: "error",
          message: `The bundle ${bundleName} was not written: ${error instanceof Error ? error.message : String(error)}`,
          suggestion: "Check the free space and permissions where the bundle goes, then run again: what was fetched is kept and not fetched again"
        });
      }
    }
    return { registries: engine.stats(), ...cached !== void 0 && { cache: cached } };
  } finally {
    meter.stop();
    await engine.close();
  }
}
function exportRequest(job) {
  return {
    kind: job.imageKind,
    source: job.image,
    target: job.target,
    origins: job.origins,
    from: job.daemonName !== void 0 ? { kind: "daemon", name: job.daemonName, fallback: job.readFrom } : { kind: "registry", ref: job.readFrom }
  };
}
async function exportOne(job, engine, dryRun, signal, recorded) {
  const { context, commands } = operationContext(signal);
  const started = Date.now();
  try {
    const prepared = await engine.prepareExport(exportRequest(job), context);
    if (prepared.done === void 0 && dryRun)
      return { phase: "export", status: "planned", durationMs: Date.now() - started, commands: prepared.steps };
    const outcome = await engine.export(prepared, context);
    recorded.set(job.image, outcome.image);
    return {
      phase: "export",
      status: outcome.status,
      durationMs: Date.now() - started,
      digest: outcome.image.digest,
      size: outcome.image.bytes,
      ...outcome.image.platforms !== void 0 && { platforms: outcome.image.platforms },
      bytesTransferred: outcome.bytesTransferred,
      bytesSkipped: outcome.bytesSkipped,
      ...commands.length > 0 && { commands }
    };
  } catch (error) {
    return failed("export", failureOf(error, "export"), commands, void 0, logOf(error));
  }
}
async function runImport(plan, input, settings, access, shardImages, add, progress, signal) {
  const jobs = selectBundleJobs(planBundleJobs(plan, "import"), shardImages).import;
  const bundle = input?.bundle;
  if (bundle === void 0) {
    const failure = { kind: "other", side: "local", phase: "import", message: `the bundle ${input?.name ?? ""} cannot be used; nothing was pushed` };
    for (const job of jobs)
      add(job.image, failed("import", failure, []));
    return void 0;
  }
  const bySource = new Map(bundle.record.images.map((image) => [image.source, image]));
  const planned = plan.images.flatMap((image) => {
    const recorded = bySource.get(image.source);
    return recorded !== void 0 && image.mapping === "mapped" && image.targetRef !== void 0 ? [{ image: recorded, target: image.targetRef }] : [];
  });
  const engine = new BundleImportEngine({
    ...access,
    credentials: new Map([...access.credentials].filter(([host]) => host === settings.registry?.registry)),
    bundle,
    images: planned
  });
  const meter = new ProgressMeter(progress, "pushed");
  try {
    const prepared = /* @__PURE__ */ new Map();
    let baselineMissing = false;
    await progress.group(`Check ${plural(jobs.length, "image")} of the bundle against ${settings.registry?.text ?? "the registry"}`, async () => {
      await mapConcurrent(jobs, settings.concurrency, async (job) => {
        const started = Date.now();
        const { context, commands } = operationContext(signal);
        const recorded = bySource.get(job.image);
        if (recorded === void 0) {
          const failure = { kind: "not-found", side: "local", phase: "import", message: `${familiarName(job.source)} is not in the bundle ${input?.name ?? ""}` };
          add(job.image, failed("import", failure, [], "Export the bundle again from the current plan (mode: export), so it holds every image"));
          progress.info(`${familiarName(job.target)} is not in the bundle`);
          return;
        }
        try {
          prepared.set(job.image, { job, prepared: await engine.prepareImport({ image: recorded, target: job.target }, context), started, commands });
        } catch (error) {
          const failure = failureOf(error, "import");
          if (error instanceof EngineFailure && error.details.cause === MISSING_BASELINE)
            baselineMissing = true;
          add(job.image, failed("import", failure, commands, importAdvice(failure), logOf(error)));
          progress.info(`${familiarName(job.target)} will not be imported: ${failure.message}`);
        }
      });
    });
    let ready = jobs.flatMap((job) => prepared.get(job.image) ?? []);
    if (baselineMissing) {
      const failure = { kind: "not-found", side: "target", phase: "import", message: `not imported: ${settings.registry?.text ?? "the registry"} lacks the baseline this delta bundle builds on (see the other images); nothing was pushed` };
      for (const entry of ready)
        add(entry.job.image, { ...failed("import", failure, [], importAdvice(failure)), status: "skipped" });
      ready = [];
    }
    await progress.group(`Import ${plural(ready.length, "image")} into ${settings.registry?.text ?? "the registry"}`, async () => {
      const report = reporter(ready.length, progress, settings.dryRun);
      meter.start();
      await mapConcurrent(ready, settings.concurrency, async (entry) => {
        const result = await importOne(entry, engine, settings.dryRun, signal);
        add(entry.job.image, result);
        report(result, familiarName(entry.job.target));
      });
      meter.stop();
    });
    return engine.stats();
  } finally {
    meter.stop();
    await engine.close();
  }
}
async function importOne(entry, engine, dryRun, signal) {
  const { prepared, started } = entry;
  if (prepared.done === void 0 && dryRun)
    return { phase: "import", status: "planned", durationMs: Date.now() - started, commands: prepared.steps };
  const { context, commands } = operationContext(signal);
  commands.unshift(...entry.commands);
  try {
    const outcome = await engine.import(prepared, context);
    return {
      phase: "import",
      status: outcome.status,
      durationMs: Date.now() - started,
      digest: outcome.digest,
      size: outcome.size,
      ...outcome.platforms !== void 0 && { platforms: outcome.platforms },
      bytesTransferred: outcome.bytesTransferred,
      bytesSkipped: outcome.bytesSkipped,
      ...commands.length > 0 && { commands }
    };
  } catch (error) {
    const failure = failureOf(error, "import");
    return failed("import", failure, commands, importAdvice(failure), logOf(error));
  }
}
async function runVerify(plan, input, settings, shardImages, add, progress, signal) {
  const jobs = selectBundleJobs(planBundleJobs(plan, "verify"), shardImages).verify;
  const bundle = input?.bundle;
  if (bundle === void 0) {
    const failure = { kind: "other", side: "local", phase: "verify", message: `the bundle ${input?.name ?? ""} cannot be used` };
    for (const job of jobs)
      add(job.image, failed("verify", failure, []));
    return;
  }
  const bySource = new Map(bundle.record.images.map((image) => [image.source, image]));
  const sourceOfTarget = new Map(plan.images.flatMap((image) => image.target !== null ? [[image.target, image.source]] : []));
  const verifier = new BundleVerifier(bundle.layout, (target) => {
    const source = sourceOfTarget.get(formatReference(target));
    return source === void 0 ? void 0 : bySource.get(source);
  });
  const set = { mirror: [], build: [], verify: jobs, blocked: [], findings: [] };
  const results = await executeJobs(set, { dryRun: settings.dryRun, concurrency: settings.concurrency, buildConcurrency: 1, signal }, { lookup: verifier }, progress);
  for (const [image, list] of results) {
    for (const result of list) {
      add(image, result.status === "failed" && result.failure?.kind === "integrity" ? { ...result, suggestion: "Copy the bundle again (its bytes were damaged on the way), or export it again (mode: export)" } : result);
    }
  }
}
function importAdvice(failure) {
  if (failure.kind === "integrity" && failure.side === "local")
    return "The bundle is damaged: copy it again (check its .sha256), or export it again (mode: export); the other images were imported";
  if (failure.kind === "not-found" && failure.side === "target")
    return "Import the baseline bundle first (the delta carries only what changed since it), then this one";
  return void 0;
}
function reporter(total, progress, dryRun) {
  let done = 0;
  return (result, name) => {
    done += 1;
    const verb = result.status === "planned" ? `would ${result.phase}` : result.status === "failed" ? `failed to ${result.phase}` : result.status === "already-present" ? "already present" : result.status;
    let line = `[${done}/${total}] ${verb} ${name}`;
    if (result.status !== "planned")
      line += ` in ${(result.durationMs / 1e3).toFixed(1)}s`;
    if (result.bytesTransferred !== void 0 && result.bytesTransferred > 0)
      line += ` (${formatBytes(result.bytesTransferred)})`;
    if (result.error !== void 0 && result.status !== "planned")
      line += `: ${result.error}`;
    progress.info(line);
    if (dryRun || result.status === "failed")
      for (const command of result.commands ?? [])
        progress.info(`    ${command}`);
  };
}
var ProgressMeter = class {
  progress;
  verb;
  intervalMs;
  images = /* @__PURE__ */ new Map();
  timer;
  started = 0;
  lastMoved = 0;
  constructor(progress, verb, intervalMs = 1e4) {
    this.progress = progress;
    this.verb = verb;
    this.intervalMs = intervalMs;
  }
  expect(image, bytes) {
    this.entry(image).expected += bytes;
  }
  moved(image, bytes) {
    this.entry(image).moved += bytes;
  }
  start() {
    if (this.timer !== void 0)
      return;
    this.started = Date.now();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }
  stop() {
    if (this.timer !== void 0)
      clearInterval(this.timer);
    this.timer = void 0;
  }
  /** The line a tick prints, or undefined when nothing moved since the last one. */
  line() {
    let expected = 0;
    let moved = 0;
    const active = [];
    for (const [image, entry] of this.images) {
      expected += Math.max(entry.expected, entry.moved);
      moved += entry.moved;
      if (entry.moved > 0 && entry.moved < entry.expected)
        active.push(`${familiarNameOf(image)} ${formatBytes(entry.moved)}/${formatBytes(entry.expected)}`);
    }
    if (moved === this.lastMoved)
      return void 0;
    this.lastMoved = moved;
    const seconds = Math.max((Date.now() - this.started) / 1e3, 1e-3);
    const percent = expected > 0 ? ` (${Math.floor(moved / expected * 100)}%)` : "";
    const shownActive = active.slice(0, 5).join(", ") + (active.length > 5 ? `, ${active.length - 5} more` : "");
    return `${formatBytes(moved)} of ${formatBytes(expected)} ${this.verb}${percent} at ${formatBytes(moved / seconds)}/s${shownActive !== "" ? `; in progress: ${shownActive}` : ""}`;
  }
  tick() {
    const line = this.line();
    if (line !== void 0)
      this.progress.info(line);
  }
  entry(image) {
    let entry = this.images.get(image);
    if (entry === void 0)
      this.images.set(image, entry = { expected: 0, moved: 0 });
    return entry;
  }
};
function familiarNameOf(source) {
  try {
    return familiarName(parseReference(source));
  } catch {
    return source;
  }
}
function operationContext(signal) {
  const commands = [];
  return { context: { signal, record: (line) => commands.push(line) }, commands };
}
function failed(phase, failure, commands, suggestion, log) {
  return {
    phase,
    status: "failed",
    durationMs: 0,
    error: failure.message,
    failure,
    ...commands.length > 0 && { commands },
    ...suggestion !== void 0 && { suggestion },
    ...log !== void 0 && log !== "" && { log }
  };
}
function logOf(error) {
  return error instanceof EngineFailure ? error.details.log : void 0;
}
function displayPath(settings, absolute) {
  const relative2 = path4.relative(settings.workspace, absolute);
  return relative2 !== "" && !relative2.startsWith("..") && !path4.isAbsolute(relative2) ? relative2.split(path4.sep).join("/") : absolute;
}
export {
  ProgressMeter,
  executeBundle,
  openInputBundle,
  planFromBundle,
  rebase
};
