import { createRequire as __imageMirrorRequire } from 'node:module';
const require = __imageMirrorRequire(import.meta.url);
import {
  cacheFindings,
  cacheUse
} from "./chunk-PYIQDL6X.js";
import {
  copyEngine,
  credentialsByHost
} from "./chunk-GMHTV7BP.js";
import {
  BlobCache,
  BlobMismatchError,
  MANIFEST_ACCEPT,
  MAX_MANIFEST_BYTES,
  MEDIA_TYPES,
  RegistryError,
  cancelledError,
  checkDigest,
  codeForStatus,
  deadlineError,
  describeError,
  digestOf,
  engineFailure,
  filterIndex,
  formatPlatform,
  isForeign,
  isIndexType,
  isTransient,
  networkError,
  oneLine,
  parseErrorBody,
  parseManifest,
  parseRetryAfter,
  platformMatches,
  restoreStore,
  retryAfterOf,
  sha256Digest,
  storeContents,
  storeDir,
  streamBlob,
  untilAborted,
  writeRunState
} from "./chunk-E2PIM3G2.js";
import {
  cacheKey,
  cacheServed,
  createPrivateDockerConfig,
  formatBytes,
  plural
} from "./chunk-BFJECO4U.js";
import {
  keepYoungGenerationSmall
} from "./chunk-55Z3QWWA.js";
import {
  describeBuildCommand,
  dockerFailure,
  runBuild
} from "./chunk-YW6UN4AT.js";
import {
  EngineFailure
} from "./chunk-LRCA6YLR.js";
import {
  DockerCli,
  DockerCommandError,
  childProcess,
  classifyDockerFailure,
  displayCommand,
  http,
  httpsModule,
  inspectImageCommand,
  isTransientDockerFailure,
  listImagesCommand,
  loginCommand,
  manifestInspectCommand,
  pullCommand,
  pushCommand,
  serverPlatformCommand,
  tagCommand,
  tlsModule
} from "./chunk-3Q6L7RXN.js";
import {
  DOCKER_HUB,
  familiarName,
  formatReference,
  repositoryName,
  repositoryPath,
  tryParseReference,
  withParts
} from "./chunk-7FBY6XPY.js";

// lib/engine/docker/daemon.js
import * as fs from "node:fs";
import * as path from "node:path";
function registryConfigCommand() {
  return { args: ["info", "--format", "{{json .RegistryConfig}}"] };
}
async function daemonRegistryConfig(cli, lookup) {
  const socket = defaultDaemonSocket(lookup.env, lookup.dockerConfigDir);
  if (socket !== void 0) {
    const info = await daemonInfo(socket, lookup.signal);
    if (info === "unreachable")
      return void 0;
    if (info !== "unreadable")
      return registryConfigOf(info?.RegistryConfig);
  }
  try {
    const result = await cli.run(registryConfigCommand(), { ...lookup.signal !== void 0 && { signal: lookup.signal } });
    return parseRegistryConfig(result.stdout);
  } catch {
    return void 0;
  }
}
function defaultDaemonSocket(env, dockerConfigDir, platform = process.platform) {
  if (platform === "win32")
    return void 0;
  if (env.DOCKER_CONTEXT !== void 0 && env.DOCKER_CONTEXT !== "" && env.DOCKER_CONTEXT !== "default")
    return void 0;
  const host = env.DOCKER_HOST ?? "";
  if (host !== "" && !host.startsWith("unix://"))
    return void 0;
  if (host === "" && currentContext(dockerConfigDir) !== void 0)
    return void 0;
  return host === "" ? "/var/run/docker.sock" : host.slice("unix://".length);
}
function currentContext(dockerConfigDir) {
  try {
    const config = JSON.parse(fs.readFileSync(path.join(dockerConfigDir, "config.json"), "utf8"));
    return typeof config.currentContext === "string" && config.currentContext !== "" && config.currentContext !== "default" ? config.currentContext : void 0;
  } catch {
    return void 0;
  }
}
var MAX_INFO_BYTES = 1024 * 1024;
var INFO_TIMEOUT_MS = 1e4;
function daemonInfo(socketPath, signal) {
  return new Promise((resolve) => {
    const options = {
      socketPath,
      path: "/info",
      headers: { host: "docker" },
      servername: "",
      timeout: INFO_TIMEOUT_MS,
      ...signal !== void 0 && { signal }
    };
    const request = http.get(options, (response) => {
      const parts = [];
      let length = 0;
      response.on("data", (chunk) => {
        length += chunk.length;
        if (length > MAX_INFO_BYTES)
          request.destroy();
        else
          parts.push(chunk);
      });
      response.on("end", () => {
        try {
          resolve(response.statusCode === 200 ? JSON.parse(Buffer.concat(parts).toString("utf8")) : "unreadable");
        } catch {
          resolve("unreadable");
        }
      });
      response.on("error", () => resolve("unreadable"));
    });
    request.on("timeout", () => request.destroy());
    request.on("error", (error) => {
      const code = error.code;
      resolve(code === "ENOENT" || code === "ECONNREFUSED" ? "unreachable" : "unreadable");
    });
  });
}
function parseRegistryConfig(text) {
  let parsed;
  try {
    parsed = JSON.parse(text.trim());
  } catch {
    return void 0;
  }
  return registryConfigOf(parsed);
}
function registryConfigOf(parsed) {
  if (typeof parsed !== "object" || parsed === null)
    return void 0;
  const config = parsed;
  const mirrors = (Array.isArray(config.Mirrors) ? config.Mirrors : []).filter((mirror2) => typeof mirror2 === "string" && /^https?:\/\/[^\s/@]+\/?$/.test(mirror2)).map((mirror2) => mirror2.replace(/\/$/, ""));
  const insecureRegistries = [];
  if (typeof config.IndexConfigs === "object" && config.IndexConfigs !== null) {
    for (const entry of Object.values(config.IndexConfigs)) {
      const index = entry;
      if (index.Secure === false && typeof index.Name === "string" && /^[a-zA-Z0-9.-]+(?::\d{1,5})?$/.test(index.Name))
        insecureRegistries.push(index.Name);
    }
  }
  return { mirrors: [...new Set(mirrors)], insecureRegistries: [...new Set(insecureRegistries)].sort() };
}

// lib/engine/retry.js
var DEFAULT_RETRY = { attempts: 4, baseDelayMs: 500, maxDelayMs: 15e3 };
async function withRetry(operation, policy, hooks) {
  const sleep = hooks.sleep ?? abortableSleep;
  const random = hooks.random ?? Math.random;
  for (let attempt = 1; ; attempt += 1) {
    hooks.signal?.throwIfAborted();
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= policy.attempts || !hooks.isTransient(error) || hooks.signal?.aborted)
        throw error;
      const delay = backoffDelay(attempt, policy, random, hooks.retryAfterMs?.(error));
      hooks.onRetry?.(error, attempt, delay);
      await sleep(delay, hooks.signal);
    }
  }
}
function abortableSleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
function backoffDelay(attempt, policy, random, serverDelayMs) {
  if (serverDelayMs !== void 0 && Number.isFinite(serverDelayMs) && serverDelayMs >= 0)
    return Math.min(serverDelayMs, policy.maxDelayMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}

// lib/engine/registry/endpoint.js
var DOCKER_HUB_HOST = "registry-1.docker.io";
var DOCKER_HUB_CONFIG_KEY = "https://index.docker.io/v1/";
function resolveEndpoint(registry, purpose, options) {
  if (registry === DOCKER_HUB && purpose === "read" && options.registryMirror) {
    const mirror2 = new URL(options.registryMirror);
    return { registry, origin: mirror2.origin, host: mirror2.host, credentialKey: mirror2.host };
  }
  const host = registry === DOCKER_HUB ? DOCKER_HUB_HOST : registry;
  const scheme = isPlainHttp(host, options.insecureRegistries) ? "http" : "https";
  return { registry, origin: `${scheme}://${host}`, host, credentialKey: registry };
}
function isPlainHttp(host, insecure) {
  if (isLoopbackHost(host))
    return true;
  const name = hostname(host);
  return insecure.some((entry) => {
    const bare = entry.replace(/^https?:\/\//, "").replace(/\/+$/, "");
    return bare === host || bare === name;
  });
}
function hostname(host) {
  if (host.startsWith("["))
    return host.slice(0, host.indexOf("]") + 1);
  const colon = host.lastIndexOf(":");
  return colon >= 0 ? host.slice(0, colon) : host;
}
function isLoopbackHost(host) {
  const name = hostname(host).toLowerCase();
  return name === "localhost" || name === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

// lib/engine/docker/local.js
var LocalImages = class {
  cli;
  constructor(cli) {
    this.cli = cli;
  }
  /** The image by name, or undefined when the daemon has no such image. */
  async inspect(name, context) {
    const command = inspectImageCommand(name);
    context.record(displayCommand(command));
    try {
      const result = await this.cli.run(command, { signal: context.signal });
      const line = result.stdout.trim();
      const space = line.indexOf(" ");
      const id = space < 0 ? line : line.slice(0, space);
      let repoDigests = [];
      try {
        const parsed = JSON.parse(line.slice(space + 1));
        if (Array.isArray(parsed))
          repoDigests = parsed.filter((item) => typeof item === "string");
      } catch {
      }
      return { id, repoDigests };
    } catch (error) {
      if (error instanceof DockerCommandError && /no such image/i.test(error.stderr))
        return void 0;
      throw error;
    }
  }
  repoDigestFor(local, target) {
    for (const entry of local.repoDigests) {
      const parsed = tryParseReference(entry);
      if ("ref" in parsed && repositoryName(parsed.ref) === repositoryName(target))
        return parsed.ref.digest;
    }
    return void 0;
  }
  /** A fact about the local daemon that explains why `target` is missing, with the command that fixes it. */
  async missingHint(target, context) {
    const targetName = familiarName(target);
    const lastComponent = repositoryPath(target).at(-1);
    const local = await this.tags(context);
    const sameNameAndTag = local.filter((ref) => repositoryPath(ref).at(-1) === lastComponent && ref.tag === target.tag);
    sameNameAndTag.sort((a, b) => Number(b.registry === target.registry) - Number(a.registry === target.registry));
    const wrong = sameNameAndTag[0];
    if (wrong !== void 0)
      return `A tag with another structure is local: docker tag ${familiarName(wrong)} ${targetName}`;
    const sameName = local.find((ref) => repositoryPath(ref).at(-1) === lastComponent && ref.registry === target.registry);
    if (sameName !== void 0)
      return `Only ${familiarName(sameName)} is local; if it is the same image: docker tag ${familiarName(sameName)} ${targetName}`;
    return void 0;
  }
  async has(name, context) {
    return await this.inspect(name, context).catch(() => void 0) !== void 0;
  }
  async tags(context) {
    const command = listImagesCommand();
    context.record(displayCommand(command));
    const result = await this.cli.run(command, { signal: context.signal });
    const refs = [];
    for (const line of result.stdout.split("\n")) {
      const text = line.trim();
      if (text === "" || text.includes("<none>"))
        continue;
      const parsed = tryParseReference(text);
      if ("ref" in parsed)
        refs.push(parsed.ref);
    }
    return refs;
  }
};

// lib/engine/registry/blob.js
import { createHash } from "node:crypto";
import { pipeline, Transform as Transform2 } from "node:stream";

// lib/engine/pool.js
async function mapConcurrent(items, limit, worker) {
  const results = new Array(items.length);
  const errors = [];
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      try {
        results[index] = await worker(items[index], index);
      } catch (error) {
        errors.push(error);
      }
    }
  });
  await Promise.all(lanes);
  if (errors.length > 0)
    throw errors[0];
  return results;
}
var Semaphore = class {
  limit;
  active = 0;
  waiting = [];
  constructor(limit) {
    this.limit = limit;
  }
  async run(task) {
    if (this.active >= this.limit)
      await new Promise((resolve) => this.waiting.push(resolve));
    else
      this.active += 1;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next)
        next();
      else
        this.active -= 1;
    }
  }
};
var PrioritySlots = class {
  limit;
  active = 0;
  waiting = [];
  arrivals = 0;
  constructor(limit) {
    this.limit = limit;
  }
  async run(priority, signal, task) {
    await this.acquire(priority, signal);
    try {
      return await task();
    } finally {
      this.release();
    }
  }
  acquire(priority, signal) {
    signal.throwIfAborted();
    if (this.active < this.limit) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const entry = {
        priority,
        order: this.arrivals += 1,
        grant: () => {
          signal.removeEventListener("abort", onAbort);
          resolve();
        }
      };
      const onAbort = () => {
        const at2 = this.waiting.indexOf(entry);
        if (at2 >= 0)
          this.waiting.splice(at2, 1);
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      let at = this.waiting.findIndex((other) => other.priority < priority);
      if (at < 0)
        at = this.waiting.length;
      this.waiting.splice(at, 0, entry);
    });
  }
  release() {
    const next = this.waiting.shift();
    if (next)
      next.grant();
    else
      this.active -= 1;
  }
};

// lib/engine/registry/client.js
import { Transform } from "node:stream";

// lib/engine/registry/transport.js
import * as fs2 from "node:fs";
import * as net from "node:net";
var forwarding = /* @__PURE__ */ new WeakMap();
var Agents = class {
  options;
  agents = /* @__PURE__ */ new Map();
  ca;
  constructor(options) {
    this.options = options;
    this.ca = options.caFile ? [...tlsModule().rootCertificates, fs2.readFileSync(options.caFile)] : void 0;
  }
  /** The agent for requests to `url`; throws a RegistryError when a proxy variable that applies is unusable. */
  for(url, purpose, lane = "meta") {
    const key = `${purpose} ${lane} ${url.origin}`;
    let agent = this.agents.get(key);
    if (!agent) {
      const route = this.options.proxy?.routeFor(url);
      const common = { keepAlive: true, maxSockets: lane === "blob" ? this.options.blobSockets ?? this.options.maxSockets : this.options.maxSockets };
      const ca = this.ca && { ca: this.ca };
      if (route && url.protocol === "https:") {
        agent = tunnelAgent({ ...common, ...ca }, route, this.options.connectTimeoutMs ?? 3e4, this.ca);
      } else if (route) {
        agent = route.url.protocol === "https:" ? new (httpsModule()).Agent({ ...common, ...ca }) : new http.Agent(common);
        forwarding.set(agent, route);
      } else {
        agent = url.protocol === "https:" ? new (httpsModule()).Agent({ ...common, ...ca }) : new http.Agent(common);
      }
      this.agents.set(key, agent);
    }
    return agent;
  }
  destroy() {
    for (const agent of this.agents.values())
      agent.destroy();
    this.agents.clear();
  }
};
var TunnelAgent;
function tunnelAgent(options, route, connectTimeoutMs, ca) {
  TunnelAgent ??= class extends httpsModule().Agent {
    tunnel;
    constructor(options2, tunnel) {
      super(options2);
      this.tunnel = tunnel;
    }
    createConnection(options2, callback) {
      const host = String(options2.hostname ?? options2.host ?? "localhost").replace(/^\[(.*)\]$/, "$1");
      const port = Number(options2.port ?? 443);
      openTunnel(this.tunnel.route, host, port, this.tunnel.connectTimeoutMs, this.tunnel.ca).then((socket) => {
        const servername = options2.servername ?? (net.isIP(host) === 0 ? host : void 0);
        const secure = tlsModule().connect({ ...options2, socket, ...servername !== void 0 && servername !== "" && { servername } });
        callback?.(null, secure);
      }, (error) => callback?.(error, void 0));
      return void 0;
    }
  };
  return new TunnelAgent(options, { route, connectTimeoutMs, ca });
}
var MAX_CONNECT_HEADER = 16 * 1024;
function openTunnel(route, host, port, timeoutMs, ca) {
  const authority = `${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
  const proxy = route.url;
  const proxyHost = proxy.hostname.replace(/^\[(.*)\]$/, "$1");
  const proxyPort = Number(proxy.port || (proxy.protocol === "https:" ? 443 : 80));
  const where = `CONNECT ${authority} through the proxy ${proxy.host} (${route.variable})`;
  return new Promise((resolve, reject) => {
    const socket = proxy.protocol === "https:" ? tlsModule().connect({ host: proxyHost, port: proxyPort, ...net.isIP(proxyHost) === 0 && { servername: proxyHost }, ...ca && { ca } }) : net.connect({ host: proxyHost, port: proxyPort });
    socket.setNoDelay(true);
    const received = [];
    let length = 0;
    let settled = false;
    const done = (error) => {
      if (settled)
        return;
      settled = true;
      clearTimeout(timer);
      socket.removeListener("readable", onReadable);
      socket.removeListener("error", onError);
      socket.removeListener("end", onEnd);
      if (error) {
        socket.destroy();
        reject(error);
      } else
        resolve(socket);
    };
    const timer = setTimeout(() => done(new RegistryError(`${where}: no answer within ${timeoutMs} ms`, { code: "ETIMEDOUT", transient: true, network: true })), timeoutMs);
    timer.unref();
    const onError = (error) => {
      const code = error.code;
      done(new RegistryError(`${where}: ${error.message}`, { ...typeof code === "string" && { code }, transient: isTransient(error), network: true, cause: error }));
    };
    const onEnd = () => done(new RegistryError(`${where}: the proxy closed the connection`, { code: "ECONNRESET", transient: true, network: true }));
    const onReadable = () => {
      for (let chunk = socket.read(); chunk !== null; chunk = socket.read()) {
        received.push(chunk);
        length += chunk.length;
        const head = Buffer.concat(received);
        const end = head.indexOf("\r\n\r\n");
        if (end < 0) {
          if (length > MAX_CONNECT_HEADER)
            done(new RegistryError(`${where}: the proxy's answer has no end`, { code: "PROXY_PROTOCOL", transient: false, network: true }));
          continue;
        }
        const statusLine = head.subarray(0, head.indexOf("\r\n")).toString("latin1");
        const match = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine);
        const status = match ? Number(match[1]) : 0;
        if (status < 200 || status > 299) {
          const reason = match ? `HTTP ${status}${match[2] ? ` ${match[2].replace(/[^\x20-\x7e]/g, "").slice(0, 100)}` : ""}` : "not an HTTP answer";
          done(new RegistryError(`${where}: ${reason}${status === 407 ? " (the proxy wants credentials: put them in the proxy URL, http://user:password@host:port)" : ""}`, {
            code: "PROXY_REFUSED",
            transient: status === 502 || status === 503 || status === 504,
            network: true
          }));
        } else if (end + 4 < head.length) {
          done(new RegistryError(`${where}: the proxy sent data before the tunnel was used`, { code: "PROXY_PROTOCOL", transient: false, network: true }));
        } else
          done(void 0);
        return;
      }
    };
    socket.on("readable", onReadable);
    socket.once("error", onError);
    socket.once("end", onEnd);
    const lines = [`CONNECT ${authority} HTTP/1.1`, `Host: ${authority}`, ...route.authorization !== void 0 ? [`Proxy-Authorization: ${route.authorization}`] : [], "", ""];
    socket.write(lines.join("\r\n"));
  });
}
function exchange(request) {
  return new Promise((resolve, reject) => {
    const host = request.url.host;
    if (request.signal?.aborted) {
      reject(cancelledError(host));
      return;
    }
    if (request.url.protocol !== "http:" && request.url.protocol !== "https:") {
      reject(new Error(`refusing a ${request.url.protocol} URL`));
      return;
    }
    const req = startRequest(request);
    let response;
    const fail = (error) => {
      req.destroy(error);
      response?.destroy(error);
    };
    const deadline = setTimeout(() => fail(deadlineError(host, request.deadlineMs)), request.deadlineMs);
    deadline.unref();
    const onAbort = () => fail(cancelledError(host));
    request.signal?.addEventListener("abort", onAbort, { once: true });
    const finish = () => {
      clearTimeout(deadline);
      request.signal?.removeEventListener("abort", onAbort);
    };
    req.setTimeout(request.timeoutMs, () => {
      const error = Object.assign(new Error(`no response from ${host} within ${request.timeoutMs} ms`), { code: "ETIMEDOUT" });
      fail(error);
    });
    req.once("error", (error) => {
      if (response === void 0)
        finish();
      reject(throughProxy(error, request.agent));
    });
    req.once("response", (message) => {
      response = message;
      message.once("error", () => void 0);
      message.once("close", finish);
      resolve(message);
    });
    const body = request.body;
    if (body === void 0)
      req.end();
    else if (Buffer.isBuffer(body))
      req.end(body);
    else {
      body.once("error", (error) => req.destroy(error));
      body.pipe(req);
    }
  });
}
function throughProxy(error, agent) {
  const route = forwarding.get(agent);
  if (route === void 0 || error instanceof RegistryError)
    return error;
  return Object.assign(new Error(`${error.message} (through the proxy ${route.url.host} from ${route.variable})`, { cause: error }), {
    ...error.code !== void 0 && { code: error.code }
  });
}
function startRequest(request) {
  const route = forwarding.get(request.agent);
  if (route === void 0) {
    const send2 = request.url.protocol === "https:" ? httpsModule().request : http.request;
    return send2(request.url, { method: request.method, headers: request.headers, agent: request.agent });
  }
  const proxy = route.url;
  const send = proxy.protocol === "https:" ? httpsModule().request : http.request;
  return send({
    protocol: proxy.protocol,
    hostname: proxy.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: proxy.port || (proxy.protocol === "https:" ? 443 : 80),
    path: request.url.href,
    method: request.method,
    headers: { ...request.headers, host: request.url.host, ...route.authorization !== void 0 && { "proxy-authorization": route.authorization } },
    agent: request.agent
  });
}
async function readBody(response, limit, tooBig) {
  const parts = [];
  let length = 0;
  for await (const chunk of response) {
    const room = limit - length;
    if (chunk.length > room) {
      if (room > 0)
        parts.push(chunk.subarray(0, room));
      response.destroy();
      if (tooBig)
        throw tooBig();
      break;
    }
    parts.push(chunk);
    length += chunk.length;
  }
  return Buffer.concat(parts);
}
function discard(response) {
  response.resume();
}

// lib/engine/registry/client.js
var MAX_REDIRECTS = 5;
var FLOOR_BYTES_PER_MS = 256;
var DEFAULT_MAX_BODY = 16 * 1024 * 1024;
var ERROR_BODY_LIMIT = 64 * 1024;
var SHOWN_QUERY = ["mount", "from", "digest"];
var RegistryClient = class {
  endpoint;
  options;
  constructor(endpoint, options) {
    this.endpoint = endpoint;
    this.options = options;
  }
  get host() {
    return this.endpoint.host;
  }
  /** Reads serve the source of a copy; writes and lookups the target. */
  get side() {
    return this.options.purpose === "read" ? "source" : "target";
  }
  /** Bytes of a streamed request body, counted by whoever streams it. */
  countSent(bytes) {
    this.options.stats.bytesSent += bytes;
  }
  url(path3) {
    return path3 instanceof URL ? path3 : new URL(path3, this.endpoint.origin);
  }
  /** `METHOD host/path?ours` as the log shows a request. */
  describe(method, path3) {
    return `${method} ${describeUrl(this.url(path3))}`;
  }
  async request(request, context) {
    const replayable = request.body === void 0 || Buffer.isBuffer(request.body);
    const policy = replayable && request.retry !== false ? this.options.retry : { ...this.options.retry, attempts: 1 };
    try {
      return await withRetry(() => this.attempt(request, context), policy, {
        isTransient,
        retryAfterMs: retryAfterOf,
        signal: context.signal,
        ...this.options.onRetry && { onRetry: this.options.onRetry }
      });
    } catch (error) {
      if (context.signal.aborted)
        throw cancelledError(this.host).onSide(this.side, this.host);
      throw error;
    }
  }
  async attempt(request, context) {
    const url = this.url(request.path);
    const what = `${request.method} ${url.host}${url.pathname}`;
    try {
      let authorization = await this.options.auth.headerFor(this.endpoint, request.scopes, context.signal);
      let response = await this.send(request, url, authorization, context);
      if (response.status === 401) {
        discard(response.message);
        const bodyConsumed = request.body !== void 0 && !Buffer.isBuffer(request.body);
        authorization = await this.options.auth.answer(this.endpoint, header(response.message.headers["www-authenticate"]), request.scopes, context.signal);
        if (bodyConsumed) {
          throw new RegistryError(`${what}: HTTP 401 UNAUTHORIZED on a streamed upload`, { status: 401, code: "UNAUTHORIZED", transient: true });
        }
        response = await this.send(request, url, authorization, context);
      } else if (authorization === void 0 && response.status < 400) {
        this.options.auth.noteAnonymous(this.endpoint);
      }
      const { message } = response;
      const status = message.statusCode ?? 0;
      if (!request.expect.includes(status))
        throw await this.failure(request, response.url, message);
      let result;
      if (request.stream) {
        result = { status, headers: message.headers, body: Buffer.alloc(0), stream: this.counted(message, what), url: response.url };
      } else if (request.method === "HEAD") {
        discard(message);
        result = { status, headers: message.headers, body: Buffer.alloc(0), url: response.url };
      } else {
        const body = await this.readLimited(request, message, what);
        result = { status, headers: message.headers, body, url: response.url };
      }
      request.verify?.(result);
      return result;
    } catch (error) {
      if (context.signal.aborted)
        throw cancelledError(this.host).onSide(this.side, this.host);
      throw networkError(what, error, this.side, url.host);
    }
  }
  async readLimited(request, message, what) {
    const limit = request.maxBodyBytes ?? DEFAULT_MAX_BODY;
    const code = request.kind === "manifest" ? "MANIFEST_TOO_BIG" : "BODY_TOO_BIG";
    const tooBig = () => new RegistryError(`${what}: the answer is larger than ${limit} bytes`, { code, transient: false });
    const announced = Number.parseInt(header(message.headers["content-length"]) ?? "", 10);
    if (Number.isFinite(announced) && announced > limit) {
      message.destroy();
      throw tooBig();
    }
    const body = await readBody(message, limit, tooBig);
    this.options.stats.bytesReceived += body.length;
    return body;
  }
  /** One exchange plus redirects; Authorization only goes to this registry's origin. */
  async send(request, url, authorization, context) {
    let current = url;
    for (let hop = 0; ; hop += 1) {
      const headers = { ...request.headers };
      if (authorization !== void 0 && current.origin === this.endpoint.origin)
        headers.authorization = authorization;
      const body = current === url ? request.body : void 0;
      if (Buffer.isBuffer(body))
        headers["content-length"] = String(body.length);
      this.options.stats.requests += 1;
      if (Buffer.isBuffer(body))
        this.options.stats.bytesSent += body.length;
      if (request.method !== "HEAD")
        context.record?.(`${request.method} ${describeUrl(current)}`);
      let message;
      try {
        message = await exchange({
          method: request.method,
          url: current,
          headers,
          ...body !== void 0 && { body },
          agent: this.options.agents.for(current, this.options.purpose, request.stream === true || request.transferBytes !== void 0 ? "blob" : "meta"),
          timeoutMs: this.options.timeoutMs,
          deadlineMs: deadlineFor(this.options.deadlineMs, request.transferBytes),
          signal: context.signal
        });
      } catch (error) {
        throw networkError(`${request.method} ${current.host}${current.pathname}`, error, this.side, current.host);
      }
      this.noteRateLimit(message.headers);
      const status = message.statusCode ?? 0;
      const location = header(message.headers.location);
      if (request.followRedirects && [301, 302, 303, 307, 308].includes(status) && location && hop < MAX_REDIRECTS) {
        discard(message);
        const next = redirectTarget(location, current);
        if (!next) {
          throw new RegistryError(`${request.method} ${current.host}${current.pathname}: refused a redirect to '${oneLine(location, 200)}' (only http(s), never from https to http)`, {
            code: "REDIRECT_REFUSED",
            transient: false,
            side: this.side,
            host: current.host
          });
        }
        current = next;
        continue;
      }
      return { status, message, url: current };
    }
  }
  async failure(request, url, message) {
    const status = message.statusCode ?? 0;
    let text = "";
    if (request.method === "HEAD")
      discard(message);
    else
      text = (await readBody(message, ERROR_BODY_LIMIT)).toString("utf8");
    const parsed = parseErrorBody(text);
    const code = parsed.code ?? codeForStatus(status, request.kind ?? "other");
    const reason = parsed.message ? `: ${parsed.message}` : "";
    const retryAfterMs = parseRetryAfter(header(message.headers["retry-after"]));
    return new RegistryError(`${request.method} ${url.host}${url.pathname}: HTTP ${status}${code ? ` ${code}` : ""}${reason}`, {
      status,
      ...code !== void 0 && { code },
      transient: status === 429 || status >= 500 || status === 408,
      ...retryAfterMs !== void 0 && { retryAfterMs },
      ...text && { body: text.slice(0, 2e3) },
      side: this.side,
      host: url.host
    });
  }
  /**
   * Counts bytes as they stream past without breaking backpressure. An error of
   * the body is tagged with this side, so a request that streams it elsewhere
   * (the PUT to the target) fails with the side the fault was on.
   */
  counted(message, what) {
    const stats = this.options.stats;
    const counter = new Transform({
      transform(chunk, _encoding, done) {
        stats.bytesReceived += chunk.length;
        done(null, chunk);
      }
    });
    message.on("error", (error) => counter.destroy(networkError(what, error, this.side, this.host)));
    message.on("aborted", () => counter.destroy(networkError(what, Object.assign(new Error("the connection closed before the body ended"), { code: "ECONNRESET" }), this.side, this.host)));
    counter.on("close", () => {
      if (!message.complete)
        message.destroy();
    });
    message.pipe(counter);
    return counter;
  }
  noteRateLimit(headers) {
    const value = header(headers["ratelimit-remaining"]);
    if (value === void 0 || !this.options.onRateLimit)
      return;
    const remaining = Number.parseInt(value, 10);
    if (Number.isFinite(remaining))
      this.options.onRateLimit(remaining);
  }
};
function deadlineFor(baseMs, transferBytes) {
  return Math.min(baseMs + Math.ceil((transferBytes ?? 0) / FLOOR_BYTES_PER_MS), 24 * 60 * 60 * 1e3);
}
function header(value) {
  return Array.isArray(value) ? value[0] : value;
}
function redirectTarget(location, from) {
  let next;
  try {
    next = new URL(location, from);
  } catch {
    return void 0;
  }
  if (next.protocol !== "http:" && next.protocol !== "https:")
    return void 0;
  if (from.protocol === "https:" && next.protocol === "http:")
    return void 0;
  return next;
}
function describeUrl(url) {
  const shown = SHOWN_QUERY.flatMap((name) => url.searchParams.getAll(name).map((value) => `${name}=${value}`));
  return `${url.host}${url.pathname}${shown.length > 0 ? `?${shown.join("&")}` : ""}`;
}

// lib/engine/registry/memory.js
import * as v8 from "node:v8";
import * as vm from "node:vm";
var COLLECT_EVERY_BYTES = 4 * 1024 * 1024;
var collect;
function collector() {
  if (collect === void 0) {
    collect = null;
    try {
      keepYoungGenerationSmall();
      const existing = globalThis.gc;
      if (typeof existing === "function")
        collect = existing;
      else {
        v8.setFlagsFromString("--expose-gc");
        const exposed = vm.runInNewContext('typeof gc === "function" ? gc : undefined');
        if (typeof exposed === "function")
          collect = exposed;
      }
    } catch {
      collect = null;
    }
  }
  return collect ?? void 0;
}
var BufferReclaimer = class {
  everyBytes;
  pending = 0;
  /** Scavenges run, for benchmarks. */
  collections = 0;
  constructor(everyBytes = COLLECT_EVERY_BYTES) {
    this.everyBytes = everyBytes;
  }
  moved(bytes) {
    this.pending += bytes;
    if (this.pending < this.everyBytes)
      return;
    this.pending = 0;
    const run = collector();
    if (!run)
      return;
    run({ type: "minor" });
    this.collections += 1;
  }
};

// lib/engine/registry/blob.js
var MAX_CHUNK = 256 * 1024 * 1024;
var CLEANUP_TIMEOUT_MS = 1e4;
var SHARED_ROUNDS = 3;
async function downloadBlob(client, repository, descriptor, context) {
  const answer = await client.request({
    method: "GET",
    path: `/v2/${repository}/blobs/${descriptor.digest}`,
    scopes: [pullScope(repository)],
    expect: [200],
    stream: true,
    followRedirects: true,
    kind: "blob",
    retry: false,
    transferBytes: descriptor.size
  }, context);
  return answer.stream;
}
function pullScope(repository) {
  return `repository:${repository}:pull`;
}
function pushScope(repository) {
  return `repository:${repository}:pull,push`;
}
var BlobMover = class {
  registries;
  options;
  byRepository = /* @__PURE__ */ new Map();
  byRegistry = /* @__PURE__ */ new Map();
  /** Repositories of a target registry known to hold a digest: `registry@digest` → repositories. */
  locations = /* @__PURE__ */ new Map();
  counters = { heads: 0, mounts: 0, mountsDeclined: 0, mountsFailed: 0, uploads: 0, chunks: 0 };
  transfers;
  reclaimer = new BufferReclaimer();
  constructor(registries, options) {
    this.registries = registries;
    this.options = options;
    this.transfers = new PrioritySlots(Math.max(1, options.concurrency));
  }
  get counts() {
    return { ...this.counters, collections: this.reclaimer.collections };
  }
  /** Makes `descriptor` present in `target`, moving its bytes at most once per run. */
  async copy(source, target, descriptor, context) {
    const key = `${target.registry}/${target.repository}@${descriptor.digest}`;
    for (let round = 0; round < SHARED_ROUNDS; round += 1) {
      const running = this.byRepository.get(key);
      if (!running)
        break;
      try {
        await untilAborted(running, context.signal, target.registry);
        return "shared";
      } catch (error) {
        if (context.signal.aborted || !isCancellation(error))
          throw error;
      }
    }
    const attempt = this.copyOnce(source, target, descriptor, context);
    this.byRepository.set(key, attempt);
    attempt.catch(() => {
      if (this.byRepository.get(key) === attempt)
        this.byRepository.delete(key);
    });
    return attempt;
  }
  async copyOnce(source, target, descriptor, context) {
    const destination = this.registries.client(target.registry, "write");
    const blobPath = `/v2/${target.repository}/blobs/${descriptor.digest}`;
    this.counters.heads += 1;
    const head = await destination.request({ method: "HEAD", path: blobPath, scopes: [pushScope(target.repository)], expect: [200, 404], kind: "blob" }, context);
    if (head.status === 200) {
      this.remember(target, descriptor.digest);
      return "present";
    }
    const registryKey = `${target.registry}@${descriptor.digest}`;
    const elsewhere = this.byRegistry.get(registryKey);
    let finished;
    const done = new Promise((resolve) => finished = resolve);
    if (elsewhere && elsewhere.repository !== target.repository)
      await untilAborted(elsewhere.done, context.signal, target.registry);
    else
      this.byRegistry.set(registryKey, { repository: target.repository, done });
    try {
      let declined;
      for (const from of this.mountCandidates(source, target, destination, descriptor.digest)) {
        this.counters.mounts += 1;
        try {
          const mount = await destination.request({
            method: "POST",
            path: `/v2/${target.repository}/blobs/uploads/?mount=${encodeURIComponent(descriptor.digest)}&from=${encodeURIComponent(from)}`,
            scopes: [pushScope(target.repository), pullScope(from)],
            expect: [201, 202],
            // The fallback is the retry.
            retry: false
          }, context);
          if (mount.status === 201) {
            this.remember(target, descriptor.digest);
            return "mounted";
          }
          this.counters.mountsDeclined += 1;
          const location = header(mount.headers.location);
          if (location)
            declined = { location: new URL(location, destination.endpoint.origin), minChunk: 0 };
        } catch (error) {
          if (context.signal.aborted)
            throw error;
          this.counters.mountsFailed += 1;
        }
        break;
      }
      await withRetry((attempt) => this.transfers.run(descriptor.size, context.signal, async () => {
        const session = attempt === 1 && declined ? declined : await this.startUpload(destination, target, context);
        try {
          await this.upload(source, target, destination, descriptor, session, context);
        } catch (error) {
          await this.cancelSession(destination, target, session, context);
          throw error;
        }
      }).catch((error) => {
        throw context.signal.aborted && !(error instanceof RegistryError) ? cancelledError(target.registry) : error;
      }), this.options.retry, { isTransient, retryAfterMs: retryAfterOf, signal: context.signal });
      this.counters.uploads += 1;
      this.remember(target, descriptor.digest);
      return "uploaded";
    } finally {
      finished();
    }
  }
  mountCandidates(source, target, destination, digest) {
    const known = [...this.locations.get(`${target.registry}@${digest}`) ?? []].filter((repository) => repository !== target.repository);
    const sourceClient = this.registries.client(source.registry, "read");
    if (sourceClient.endpoint.origin === destination.endpoint.origin && source.repository !== target.repository && !known.includes(source.repository)) {
      known.push(source.repository);
    }
    return known.slice(0, 1);
  }
  remember(target, digest) {
    const key = `${target.registry}@${digest}`;
    let repositories = this.locations.get(key);
    if (!repositories) {
      repositories = /* @__PURE__ */ new Set();
      this.locations.set(key, repositories);
    }
    repositories.add(target.repository);
  }
  async startUpload(destination, target, context) {
    const started = await destination.request({ method: "POST", path: `/v2/${target.repository}/blobs/uploads/`, scopes: [pushScope(target.repository)], expect: [202], retry: false }, context);
    const location = header(started.headers.location);
    if (!location)
      throw new RegistryError(`POST ${destination.host}/v2/${target.repository}/blobs/uploads/: no Location in the answer`, { transient: false, side: "target", host: destination.host });
    const minChunk = Number.parseInt(header(started.headers["oci-chunk-min-length"]) ?? "0", 10);
    return { location: new URL(location, destination.endpoint.origin), minChunk: Number.isFinite(minChunk) && minChunk > 0 ? minChunk : 0 };
  }
  /** Deletes an upload session a failure left open; best effort, and never with the copy's (perhaps aborted) signal. */
  async cancelSession(destination, target, session, context) {
    const cleanup = { signal: AbortSignal.timeout(CLEANUP_TIMEOUT_MS), ...context.record && { record: context.record } };
    try {
      await destination.request({ method: "DELETE", path: session.location, scopes: [pushScope(target.repository)], expect: [200, 202, 204, 404], retry: false }, cleanup);
    } catch {
    }
  }
  async upload(source, target, destination, descriptor, session, context) {
    const origin = this.registries.client(source.registry, "read");
    const stream = await this.sourceBytes(origin, source, descriptor, context);
    try {
      if (session.minChunk > MAX_CHUNK) {
        throw new RegistryError(`${destination.host} asks for upload chunks of at least ${session.minChunk} bytes, more than ${MAX_CHUNK} this engine buffers`, {
          code: "UNSUPPORTED",
          transient: false,
          side: "target",
          host: destination.host
        });
      }
      if (descriptor.size > this.options.chunkThreshold || session.minChunk > 0) {
        await this.uploadChunks(stream, origin.host, target, destination, descriptor, session, Math.max(this.options.chunkSize, session.minChunk), context);
      } else {
        const gate = new DigestGate(descriptor, (problem) => transferError(descriptor, problem, origin.host), (bytes) => this.reclaimer.moved(bytes));
        pipeline(stream, gate, () => void 0);
        await destination.request({
          method: "PUT",
          path: withDigest(session.location, descriptor.digest),
          headers: { "content-type": "application/octet-stream", "content-length": String(descriptor.size) },
          body: gate,
          scopes: [pushScope(target.repository)],
          expect: [201],
          retry: false,
          transferBytes: descriptor.size
        }, context);
        destination.countSent(gate.bytes);
      }
    } finally {
      stream.destroy();
    }
  }
  /** The blob's bytes: from the source, or with the blob cache on, from the cache (fetched into it first when it lacks them). */
  async sourceBytes(origin, source, descriptor, context) {
    const download = () => downloadBlob(origin, source.repository, descriptor, context);
    const cache = this.options.cache;
    if (cache === void 0)
      return download();
    try {
      return streamBlob(await cache.obtain(descriptor, download));
    } catch (error) {
      if (error instanceof BlobMismatchError)
        throw new RegistryError(error.message, { code: "DIGEST_MISMATCH", transient: true, side: "source", host: origin.host });
      throw error;
    }
  }
  async uploadChunks(stream, sourceHost, target, destination, descriptor, session, chunkSize, context) {
    const hash = hashFor(descriptor.digest);
    let offset = 0;
    let pending = [];
    let pendingLength = 0;
    const send = async (chunk) => {
      this.counters.chunks += 1;
      const answer = await destination.request({
        method: "PATCH",
        path: session.location,
        headers: {
          "content-type": "application/octet-stream",
          "content-range": `${offset}-${offset + chunk.length - 1}`
        },
        body: chunk,
        scopes: [pushScope(target.repository)],
        expect: [202],
        retry: false,
        transferBytes: chunk.length
      }, context);
      offset += chunk.length;
      const next = header(answer.headers.location);
      if (next)
        session.location = new URL(next, destination.endpoint.origin);
    };
    for await (const piece of stream) {
      hash.update(piece);
      this.reclaimer.moved(piece.length);
      if (offset + pendingLength + piece.length > descriptor.size)
        checkTransfer(descriptor, offset + pendingLength + piece.length, void 0, sourceHost);
      pending.push(piece);
      pendingLength += piece.length;
      while (pendingLength >= chunkSize) {
        const all = pending.length === 1 ? pending[0] : Buffer.concat(pending);
        pending = [all.subarray(chunkSize)];
        pendingLength = all.length - chunkSize;
        await send(all.subarray(0, chunkSize));
      }
    }
    if (pendingLength > 0)
      await send(Buffer.concat(pending));
    checkTransfer(descriptor, offset, `${algorithmOf(descriptor.digest)}:${hash.digest("hex")}`, sourceHost);
    await destination.request({
      method: "PUT",
      path: withDigest(session.location, descriptor.digest),
      headers: { "content-type": "application/octet-stream" },
      body: Buffer.alloc(0),
      scopes: [pushScope(target.repository)],
      expect: [201],
      retry: false
    }, context);
  }
};
function withDigest(location, digest) {
  return new URL(`${location.href}${location.search ? "&" : "?"}digest=${encodeURIComponent(digest)}`);
}
function algorithmOf(digest) {
  return digest.slice(0, digest.indexOf(":"));
}
function hashFor(digest) {
  return createHash(algorithmOf(digest));
}
function checkTransfer(descriptor, size, digest, sourceHost) {
  if (digest === void 0 ? size > descriptor.size : size !== descriptor.size) {
    throw transferError(descriptor, digest === void 0 ? { kind: "too-long" } : { kind: "size", bytes: size }, sourceHost);
  }
  if (digest !== void 0 && digest !== descriptor.digest)
    throw transferError(descriptor, { kind: "digest", actual: digest }, sourceHost);
}
function transferError(descriptor, problem, sourceHost) {
  if (problem.kind === "digest") {
    return new RegistryError(`blob ${descriptor.digest}: the bytes received hash to ${problem.actual}`, { code: "DIGEST_MISMATCH", transient: true, side: "source", host: sourceHost });
  }
  return new RegistryError(`blob ${descriptor.digest}: received ${problem.kind === "too-long" ? "more than" : problem.bytes} bytes, expected ${descriptor.size}`, {
    code: "SIZE_MISMATCH",
    transient: true,
    side: "source",
    host: sourceHost
  });
}
function isCancellation(error) {
  return error instanceof RegistryError && error.code === "CANCELLED";
}
var GATE_BUFFER_BYTES = 256 * 1024;
var DigestGate = class extends Transform2 {
  descriptor;
  refuse;
  onBytes;
  hash;
  held;
  bytes = 0;
  mismatch;
  constructor(descriptor, refuse, onBytes) {
    super({ highWaterMark: GATE_BUFFER_BYTES });
    this.descriptor = descriptor;
    this.refuse = refuse;
    this.onBytes = onBytes;
    this.hash = hashFor(descriptor.digest);
  }
  _transform(chunk, _encoding, done) {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.onBytes?.(chunk.length);
    if (this.bytes > this.descriptor.size) {
      done(this.fail({ kind: "too-long" }));
      return;
    }
    const previous = this.held;
    this.held = chunk;
    done(null, previous);
  }
  _flush(done) {
    if (this.bytes !== this.descriptor.size) {
      done(this.fail({ kind: "size", bytes: this.bytes }));
      return;
    }
    const actual = `${algorithmOf(this.descriptor.digest)}:${this.hash.digest("hex")}`;
    if (actual !== this.descriptor.digest) {
      done(this.fail({ kind: "digest", actual }));
      return;
    }
    done(null, this.held);
  }
  fail(problem) {
    this.mismatch ??= this.refuse(problem);
    return this.mismatch;
  }
};

// lib/engine/docker/manifests.js
var ManifestLookup = class {
  cli;
  isInsecure;
  platform;
  constructor(cli, isInsecure) {
    this.cli = cli;
    this.isInsecure = isInsecure;
  }
  command(ref) {
    return manifestInspectCommand(ref, this.isInsecure(ref.registry));
  }
  async inspect(ref, context) {
    const command = this.command(ref);
    context.record(displayCommand(command));
    const result = await this.cli.run(command, { signal: context.signal });
    let parsed;
    try {
      parsed = JSON.parse(result.stdout);
    } catch {
      throw new Error(`unexpected output of ${displayCommand(command)}`);
    }
    const entries = Array.isArray(parsed) ? parsed : [parsed];
    const platforms = entries.map((entry) => entry.Descriptor?.platform).filter((platform) => platform?.os !== void 0 && platform.architecture !== void 0).map((platform) => `${platform.os}/${platform.architecture}${platform.variant ? `/${platform.variant}` : ""}`);
    let chosen = entries[0];
    if (entries.length > 1) {
      const daemon = await this.daemonPlatform();
      chosen = entries.find((entry) => `${entry.Descriptor?.platform?.os}/${entry.Descriptor?.platform?.architecture}` === daemon) ?? chosen;
    }
    const manifest = chosen?.SchemaV2Manifest ?? chosen?.OCIManifest;
    const digest = chosen?.Descriptor?.digest;
    if (digest === void 0)
      throw new Error(`unexpected output of ${displayCommand(command)} for ${familiarName(ref)}`);
    const size = manifest?.config?.size !== void 0 && manifest.layers !== void 0 ? manifest.layers.reduce((total, layer) => total + (layer.size ?? 0), manifest.config.size) : void 0;
    return {
      digest,
      ...manifest?.config?.digest !== void 0 && { configDigest: manifest.config.digest },
      ...size !== void 0 && { size },
      ...platforms.length > 0 && { platforms }
    };
  }
  /** `os/arch` of the daemon (linux/amd64 when docker does not say). */
  daemonPlatform() {
    this.platform ??= this.cli.run(serverPlatformCommand()).then((result) => result.stdout.trim()).catch(() => "linux/amd64");
    return this.platform;
  }
};
var RegistryManifests = class {
  registries;
  daemonPlatform;
  constructor(registries, daemonPlatform) {
    this.registries = registries;
    this.daemonPlatform = daemonPlatform;
  }
  /** The HEAD line the image's log shows. */
  describeHead(ref, side) {
    return this.client(ref, side).describe("HEAD", `/v2/${ref.repository}/manifests/${selector(ref)}`);
  }
  /** The manifest's digest by one HEAD, or undefined when the registry does not have it. */
  async head(ref, side, context) {
    const client = this.client(ref, side);
    const reference = selector(ref);
    const where = `${client.host}/${ref.repository}:${reference}`;
    context.record(this.describeHead(ref, side));
    const answer = await client.request({
      method: "HEAD",
      path: `/v2/${ref.repository}/manifests/${reference}`,
      headers: { accept: MANIFEST_ACCEPT },
      scopes: [pullScope(ref.repository)],
      expect: [200, 404],
      kind: "manifest",
      verify: (response) => {
        const digest2 = header(response.headers["docker-content-digest"]);
        if (digest2 !== void 0)
          checkDigest(digest2, `${where} Docker-Content-Digest`);
      }
    }, { signal: context.signal, record: (line) => context.record(line) });
    if (answer.status === 404)
      return void 0;
    const mediaType = header(answer.headers["content-type"])?.split(";")[0]?.trim();
    const digest = header(answer.headers["docker-content-digest"]) ?? ref.digest;
    if (digest === void 0) {
      const manifest = await this.get(ref, reference, side, context);
      return { digest: manifest.digest, mediaType: manifest.mediaType, index: isIndexType(manifest.mediaType) };
    }
    return { digest, ...mediaType !== void 0 && { mediaType }, index: mediaType !== void 0 && isIndexType(mediaType) };
  }
  /**
   * The config digest of the daemon's platform's image behind a manifest
   * digest (an index is resolved to that platform's child), and the digests
   * of the index's children: GETs, made only when digests alone cannot tell.
   */
  async platformConfig(ref, digest, side, context) {
    const top = await this.get(ref, digest, side, context);
    if (!isIndexType(top.mediaType))
      return { ...configOf(top), children: [] };
    const platform = await this.daemonPlatform();
    const chosen = top.manifests.find((child) => platformMatches(child.platform, platform)) ?? top.manifests[0];
    const children = top.manifests.map((child) => child.digest);
    if (chosen === void 0)
      return { children };
    return { ...configOf(await this.get(ref, chosen.digest, side, context)), children };
  }
  async get(ref, reference, side, context) {
    const client = this.client(ref, side);
    const where = `${client.host}/${ref.repository}:${reference}`;
    const answer = await client.request({
      method: "GET",
      path: `/v2/${ref.repository}/manifests/${reference}`,
      headers: { accept: MANIFEST_ACCEPT },
      scopes: [pullScope(ref.repository)],
      expect: [200],
      kind: "manifest",
      maxBodyBytes: MAX_MANIFEST_BYTES
    }, { signal: context.signal, record: (line) => context.record(line) });
    const manifest = parseManifest(answer.body, header(answer.headers["content-type"]), where);
    if (reference.includes(":") && manifest.digest !== reference) {
      throw new Error(`${where}: the manifest received hashes to ${manifest.digest}, expected ${reference}`);
    }
    return manifest;
  }
  client(ref, side) {
    return this.registries.client(ref.registry, side === "source" ? "read" : "write");
  }
};
function configOf(manifest) {
  const config = manifest.blobs[0];
  return config === void 0 ? {} : { configDigest: config.digest };
}
function selector(ref) {
  return ref.digest ?? ref.tag;
}

// lib/engine/registry/copy.js
import { setMaxListeners } from "node:events";

// lib/engine/registry/manifest-requests.js
async function headManifest(client, repository, reference, scope, context) {
  const where = `${client.host}/${repository}:${reference}`;
  const answer = await client.request({
    method: "HEAD",
    path: `/v2/${repository}/manifests/${reference}`,
    headers: { accept: MANIFEST_ACCEPT },
    scopes: [scope],
    expect: [200, 404],
    kind: "manifest",
    verify: (response) => {
      const digest2 = header(response.headers["docker-content-digest"]);
      if (digest2 !== void 0)
        checkDigest(digest2, `${where} Docker-Content-Digest`);
    }
  }, context);
  if (answer.status === 404)
    return void 0;
  const digest = header(answer.headers["docker-content-digest"]);
  const mediaType = header(answer.headers["content-type"])?.split(";")[0]?.trim();
  const length = Number.parseInt(header(answer.headers["content-length"]) ?? "", 10);
  return {
    ...digest !== void 0 && digest !== "" && { digest },
    ...mediaType !== void 0 && mediaType !== "" && { mediaType },
    ...Number.isSafeInteger(length) && length >= 0 && { size: length }
  };
}
async function getManifest(client, repository, reference, expected, context, scope) {
  const where = `${client.host}/${repository}:${reference}`;
  let manifest;
  await client.request({
    method: "GET",
    path: `/v2/${repository}/manifests/${reference}`,
    headers: { accept: MANIFEST_ACCEPT },
    scopes: [scope],
    expect: [200],
    kind: "manifest",
    maxBodyBytes: MAX_MANIFEST_BYTES,
    verify: (answer) => {
      manifest = checkedManifest(answer, where, expected);
    }
  }, context);
  return manifest;
}
function checkedManifest(answer, where, expectedDigest) {
  const manifest = parseManifest(answer.body, header(answer.headers["content-type"]), where);
  const announced = header(answer.headers["docker-content-digest"]);
  if (announced !== void 0)
    checkDigest(announced, `${where} Docker-Content-Digest`);
  for (const expected of [expectedDigest, announced]) {
    if (expected === void 0)
      continue;
    const actual = expected.startsWith("sha256:") ? manifest.digest : digestOf(manifest.bytes, expected);
    if (actual !== expected) {
      throw new RegistryError(`${where}: the manifest received hashes to ${actual}, expected ${expected}`, { code: "DIGEST_MISMATCH", transient: true });
    }
  }
  return manifest;
}

// lib/engine/registry/copy.js
var CopyState = class {
  targetDigest;
  sourceDigest;
  referrersOnly;
  constructor(targetDigest, sourceDigest, referrersOnly) {
    this.targetDigest = targetDigest;
    this.sourceDigest = sourceDigest;
    this.referrersOnly = referrersOnly;
  }
};
var ImageCopier = class {
  registries;
  blobs;
  options;
  constructor(registries, blobs, options) {
    this.registries = registries;
    this.blobs = blobs;
    this.options = options;
  }
  async prepare(source, target, context) {
    const route = this.route(source, target);
    const [present, headed] = await Promise.all([
      this.head(route.to, target.repository, selector2(target), pushScope(target.repository), context, target.registry !== DOCKER_HUB),
      source.digest !== void 0 ? void 0 : this.head(route.from, source.repository, selector2(source), pullScope(source.repository), context, false)
    ]);
    if (source.digest === void 0 && headed === void 0)
      throw notFound(route.from, source);
    const sourceHead = source.digest !== void 0 ? { digest: source.digest } : headed;
    const filtering = this.options.platforms.length > 0;
    if (present && sourceHead && !filtering) {
      if (sourceHead.digest !== void 0 && sourceHead.digest === present.digest) {
        if (this.options.copyReferrers) {
          return { steps: [this.referrersStep(route, present.digest)], state: new CopyState(present.digest, sourceHead.digest, true) };
        }
        return { done: alreadyPresent(present.digest, present.mediaType), steps: [], state: new CopyState(present.digest, sourceHead.digest, false) };
      }
    }
    const sourceDigest = sourceHead?.digest;
    return { steps: this.copySteps(route, source, target, sourceDigest, sourceHead?.mediaType, present), state: new CopyState(present?.digest, sourceDigest, false) };
  }
  async copy(source, target, state, context) {
    const route = this.route(source, target);
    if (state.referrersOnly && state.targetDigest !== void 0) {
      const tally2 = newTally();
      await this.copyReferrers(route, state.targetDigest, tally2, context);
      return { ...alreadyPresent(state.targetDigest, void 0), referrers: tally2.referrers };
    }
    const original = await this.sourceManifest(route, state.sourceDigest ?? selector2(source), state.sourceDigest, context);
    let top = original;
    if (isIndexType(original.mediaType) && this.options.platforms.length > 0) {
      top = filterIndex(original, this.options.platforms);
      if (top.manifests.length === 0) {
        const offered = original.manifests.map((child) => formatPlatform(child.platform)).filter(Boolean).join(", ");
        throw new RegistryError(`none of the platforms ${this.options.platforms.join(", ")} is in the index of ${formatReference(source)} (it has ${oneLine(offered, 500)})`, {
          code: "PLATFORM_UNKNOWN",
          transient: false,
          side: "source",
          host: route.from.host
        });
      }
    }
    if (state.targetDigest === top.digest)
      return alreadyPresent(top.digest, top.mediaType);
    const tally = newTally();
    await this.copyContent(route, top, tally, context);
    await this.put(route.to, target.repository, selector2(target), top, context);
    if (this.options.copyReferrers)
      await this.copyReferrers(route, original.digest, tally, context);
    return {
      status: "mirrored",
      digest: top.digest,
      mediaType: top.mediaType,
      size: tally.size,
      ...tally.platforms.size > 0 && { platforms: [...tally.platforms].sort() },
      bytesTransferred: tally.transferred,
      bytesSkipped: tally.skipped,
      referrers: tally.referrers
    };
  }
  /** The target's manifest digest, or undefined when it is absent: one HEAD. */
  async lookup(target, context) {
    const to = this.registries.client(target.registry, "write");
    for (const line of this.describeLookup(target))
      context.record?.(line);
    return this.head(to, target.repository, selector2(target), pushScope(target.repository), context, target.registry !== DOCKER_HUB);
  }
  describeLookup(target) {
    return [this.registries.client(target.registry, "write").describe("HEAD", `/v2/${target.repository}/manifests/${selector2(target)}`)];
  }
  route(source, target) {
    return { source, target, from: this.registries.client(source.registry, "read"), to: this.registries.client(target.registry, "write") };
  }
  copySteps(route, source, target, sourceDigest, mediaType, present) {
    const what = sourceDigest ?? formatReference(source);
    const into = `${route.to.host}/${target.repository}`;
    const blobs = "(HEAD, mount from another repository or upload)";
    const steps = [route.from.describe("GET", `/v2/${source.repository}/manifests/${sourceDigest ?? selector2(source)}`)];
    if (this.options.platforms.length > 0) {
      steps.push(`keep only ${this.options.platforms.join(", ")} of an index (its digest changes); nothing more when ${formatReference(target)} already holds that`);
    }
    if (mediaType !== void 0 && isIndexType(mediaType)) {
      steps.push(`copy each platform manifest of ${what} into ${into} (HEAD, GET and PUT by digest) with its blobs ${blobs}`);
    } else if (mediaType !== void 0) {
      steps.push(`copy blobs of ${what} into ${into} ${blobs}`);
    } else {
      steps.push(`copy the platform manifests and blobs of ${what} into ${into} ${blobs}`);
    }
    const replacing = present?.digest !== void 0 ? ` (replacing ${present.digest})` : present ? " (replacing what is there)" : "";
    steps.push(`${route.to.describe("PUT", `/v2/${target.repository}/manifests/${selector2(target)}`)}${replacing}`);
    if (this.options.copyReferrers)
      steps.push(this.referrersStep(route, what));
    return steps;
  }
  referrersStep(route, subject) {
    return `copy referrers of ${subject} into ${route.to.host}/${route.target.repository} (${route.from.describe("GET", `/v2/${route.source.repository}/referrers/${subject}`)}, or the sha256-<hex> tag)`;
  }
  /**
   * A manifest's digest and media type as a HEAD gives them, or undefined when
   * it is absent. A registry that sends no digest on HEAD: the manifest is
   * fetched and hashed when `allowGet` (never on the source in prepare).
   */
  async head(client, repository, reference, scope, context, allowGet) {
    const answer = await headManifest(client, repository, reference, scope, context);
    if (answer === void 0)
      return void 0;
    const { digest, mediaType } = answer;
    if (digest)
      return { digest, ...mediaType !== void 0 && { mediaType } };
    if (!allowGet)
      return { ...mediaType !== void 0 && { mediaType } };
    const manifest = await this.fetch(client, repository, reference, void 0, context, scope);
    return { digest: manifest.digest, mediaType: manifest.mediaType };
  }
  /** GETs a manifest (4 MiB at most) and checks it against the digest expected and the one announced; a mismatch is retried like a failed request. */
  async fetch(client, repository, reference, expectedDigest, context, scope = pullScope(repository)) {
    const remaining = this.registries.rateLimitRemaining(client.host);
    if (remaining !== void 0 && remaining <= this.options.rateLimitReserve) {
      throw new RegistryError(`stopped before running out of the pull quota of ${client.host} (ratelimit-remaining: ${remaining})`, {
        code: "RATE_LIMIT_STOP",
        transient: false,
        side: client.side,
        host: client.host
      });
    }
    return getManifest(client, repository, reference, expectedDigest, context, scope);
  }
  /** A source manifest: from the blob cache when it holds the digest asked for intact, else fetched (and kept in the cache). */
  async sourceManifest(route, reference, expectedDigest, context) {
    const cache = this.options.cache;
    const cached = expectedDigest === void 0 ? void 0 : await cache?.manifest(expectedDigest);
    if (cached !== void 0)
      return parseManifest(cached, void 0, `${route.from.host}/${route.source.repository}@${expectedDigest}`);
    const fetched = await this.fetch(route.from, route.source.repository, reference, expectedDigest, context);
    await cache?.keepManifest(fetched.digest, fetched.bytes);
    return fetched;
  }
  /** Makes everything `manifest` references present in the target: children first, then blobs. */
  async copyContent(route, manifest, tally, context) {
    if (isIndexType(manifest.mediaType)) {
      await inGroup(manifest.manifests, this.options.concurrency, context, async (child, inner) => {
        const platform = formatPlatform(child.platform);
        if (platform && platform !== "unknown/unknown")
          tally.platforms.add(oneLine(platform, 100));
        await this.copyChild(route, child, tally, inner);
      });
      return;
    }
    const blobs = manifest.blobs.filter((blob) => !isForeign(blob));
    await inGroup(blobs, this.options.concurrency, context, async (blob, inner) => {
      const outcome2 = await this.blobs.copy(route.source, route.target, blob, inner);
      tally.size += blob.size;
      if (outcome2 === "uploaded")
        tally.transferred += blob.size;
      else
        tally.skipped += blob.size;
    });
  }
  /** A manifest by digest: present means its blobs are too, since manifests are pushed last. */
  async copyChild(route, child, tally, context) {
    const there = await this.head(route.to, route.target.repository, child.digest, pushScope(route.target.repository), context, true);
    if (there) {
      tally.skipped += child.size;
      return;
    }
    const manifest = await this.sourceManifest(route, child.digest, child.digest, context);
    await this.copyContent(route, manifest, tally, context);
    await this.put(route.to, route.target.repository, child.digest, manifest, context);
  }
  async put(client, repository, reference, manifest, context) {
    const where = `PUT ${client.host}/v2/${repository}/manifests/${reference}`;
    await client.request({
      method: "PUT",
      path: `/v2/${repository}/manifests/${reference}`,
      headers: { "content-type": manifest.mediaType },
      body: manifest.bytes,
      scopes: [pushScope(repository)],
      expect: [201],
      kind: "manifest",
      verify: (answer) => {
        const stored = header(answer.headers["docker-content-digest"]);
        if (stored !== void 0 && stored !== manifest.digest) {
          throw new RegistryError(`${where}: the registry stored ${oneLine(stored, 150)}, expected ${manifest.digest}`, { code: "DIGEST_MISMATCH", transient: false });
        }
      }
    }, context);
  }
  /**
   * Referrers of the image (OCI 1.1): through the referrers API when the source
   * has it, else through the `sha256-<hex>` tag schema; the target gets the
   * fallback tag when it has no referrers API of its own.
   */
  async copyReferrers(route, subject, tally, context) {
    const listed = await route.from.request({
      method: "GET",
      path: `/v2/${route.source.repository}/referrers/${subject}`,
      headers: { accept: MEDIA_TYPES.ociIndex },
      scopes: [pullScope(route.source.repository)],
      expect: [200, 400, 404, 405],
      maxBodyBytes: MAX_MANIFEST_BYTES,
      verify: (answer) => {
        if (answer.status === 200 && isOciIndex(answer))
          parseManifest(answer.body, MEDIA_TYPES.ociIndex, `${route.from.host}/${route.source.repository} referrers of ${subject}`);
      }
    }, context);
    const fallbackTag = subject.replace(":", "-");
    if (listed.status === 200 && isOciIndex(listed)) {
      const index2 = parseManifest(listed.body, MEDIA_TYPES.ociIndex, `${route.from.host}/${route.source.repository} referrers of ${subject}`);
      for (const referrer of index2.manifests)
        await this.copyChild(route, referrer, tally, context);
      tally.referrers += index2.manifests.length;
      const targetHasApi = await route.to.request({
        method: "GET",
        path: `/v2/${route.target.repository}/referrers/${subject}`,
        headers: { accept: MEDIA_TYPES.ociIndex },
        scopes: [pushScope(route.target.repository)],
        expect: [200, 400, 404, 405],
        maxBodyBytes: MAX_MANIFEST_BYTES
      }, context);
      if (targetHasApi.status !== 200 && index2.manifests.length > 0) {
        const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: index2.manifests }));
        await this.put(route.to, route.target.repository, fallbackTag, { ...index2, bytes, digest: sha256Digest(bytes) }, context);
      }
      return;
    }
    const tagged = await this.head(route.from, route.source.repository, fallbackTag, pullScope(route.source.repository), context, true);
    if (!tagged)
      return;
    const index = await this.fetch(route.from, route.source.repository, fallbackTag, tagged.digest, context);
    const inTarget = await this.head(route.to, route.target.repository, fallbackTag, pushScope(route.target.repository), context, true);
    if (inTarget?.digest === index.digest)
      return;
    await this.copyContent(route, index, tally, context);
    await this.put(route.to, route.target.repository, fallbackTag, index, context);
    tally.referrers += index.manifests.length;
  }
};
function isOciIndex(answer) {
  return (header(answer.headers["content-type"]) ?? "").includes(MEDIA_TYPES.ociIndex);
}
async function inGroup(items, limit, context, worker) {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const forward = () => controller.abort(context.signal.reason);
  if (context.signal.aborted)
    forward();
  else
    context.signal.addEventListener("abort", forward, { once: true });
  const inner = { signal: controller.signal, ...context.record && { record: context.record } };
  let failed;
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length && failed === void 0 && !controller.signal.aborted) {
      const item = items[next];
      next += 1;
      try {
        await worker(item, inner);
      } catch (error) {
        if (failed === void 0) {
          failed = { error };
          controller.abort();
        }
      }
    }
  });
  try {
    await Promise.all(lanes);
  } finally {
    context.signal.removeEventListener("abort", forward);
  }
  if (failed)
    throw failed.error;
  context.signal.throwIfAborted();
}
function selector2(ref) {
  return ref.tag ?? ref.digest;
}
function newTally() {
  return { size: 0, transferred: 0, skipped: 0, platforms: /* @__PURE__ */ new Set(), referrers: 0 };
}
function alreadyPresent(digest, mediaType) {
  return { status: "already-present", digest, ...mediaType !== void 0 && { mediaType }, bytesTransferred: 0, bytesSkipped: 0, referrers: 0 };
}
function notFound(client, ref) {
  return new RegistryError(`HEAD ${client.host}/v2/${ref.repository}/manifests/${selector2(ref)}: HTTP 404 MANIFEST_UNKNOWN`, {
    status: 404,
    code: "MANIFEST_UNKNOWN",
    transient: false,
    side: client.side,
    host: client.host
  });
}

// lib/engine/registry/proxy.js
import * as net2 from "node:net";
function proxyEnvironment(env) {
  const first = (...names) => {
    for (const name of names) {
      const value = env[name];
      if (value !== void 0 && value !== "")
        return value;
    }
    return void 0;
  };
  const httpProxy = first("HTTP_PROXY", "http_proxy");
  const httpsProxy = first("HTTPS_PROXY", "https_proxy");
  const noProxy = first("NO_PROXY", "no_proxy");
  return { ...httpProxy !== void 0 && { httpProxy }, ...httpsProxy !== void 0 && { httpsProxy }, ...noProxy !== void 0 && { noProxy } };
}
var ProxyConfig = class {
  http;
  https;
  matchers = [];
  all = false;
  constructor(environment) {
    this.http = parseProxy(environment.httpProxy, "HTTP_PROXY");
    this.https = parseProxy(environment.httpsProxy, "HTTPS_PROXY");
    this.parseNoProxy(environment.noProxy ?? "");
  }
  /** True when no proxy variable is set: every request goes direct. */
  get direct() {
    return this.http === void 0 && this.https === void 0;
  }
  /**
   * The proxy a request to `url` goes through, or undefined to go direct.
   * Throws a RegistryError when the variable that applies cannot be used.
   */
  routeFor(url) {
    const parsed = url.protocol === "https:" ? this.https : url.protocol === "http:" ? this.http : void 0;
    if (parsed === void 0)
      return void 0;
    if (!this.useProxy(url))
      return void 0;
    if ("error" in parsed)
      throw new RegistryError(parsed.error, { code: "PROXY_INVALID", transient: false, host: url.host });
    return parsed.route;
  }
  useProxy(url) {
    const host = bareHost(url.hostname).toLowerCase();
    const port = url.port !== "" ? url.port : url.protocol === "https:" ? "443" : "80";
    if (host === "localhost")
      return false;
    const ip = ipFamily(host) !== 0 ? host : void 0;
    if (ip !== void 0 && isLoopbackIp(ip))
      return false;
    if (this.all)
      return false;
    return !this.matchers.some((matcher) => matcher.match(host, port, ip));
  }
  parseNoProxy(value) {
    for (const raw of value.split(",")) {
      const entry = raw.trim().toLowerCase();
      if (entry === "")
        continue;
      if (entry === "*") {
        this.all = true;
        return;
      }
      const cidr = parseCidr(entry);
      if (cidr) {
        this.matchers.push({ match: (_host, _port, ip) => ip !== void 0 && cidr.contains(ip) });
        continue;
      }
      let host = entry;
      let port = "";
      const split = splitHostPort(entry);
      if (split) {
        if (split.host === "")
          continue;
        host = split.host;
        port = split.port;
      }
      if (ipFamily(host) !== 0) {
        const same = addressMatcher(host);
        this.matchers.push({ match: (_host, actualPort, ip) => ip !== void 0 && same(ip) && (port === "" || port === actualPort) });
        continue;
      }
      if (host.startsWith("*."))
        host = host.slice(1);
      const matchHost = !host.startsWith(".");
      const suffix = matchHost ? `.${host}` : host;
      if (suffix === ".")
        continue;
      this.matchers.push({
        match: (actualHost, actualPort) => (actualHost.endsWith(suffix) || matchHost && actualHost === suffix.slice(1)) && (port === "" || port === actualPort)
      });
    }
  }
};
function parseProxy(value, variable) {
  if (value === void 0 || value.trim() === "")
    return void 0;
  const text = value.trim();
  let url;
  try {
    url = new URL(text);
  } catch {
    url = void 0;
  }
  if (url === void 0 || !["http:", "https:", "socks5:"].includes(url.protocol)) {
    try {
      url = new URL(`http://${text}`);
    } catch {
      return { error: `${variable} is not a URL a proxy can be reached at (expected http://host:port)` };
    }
  }
  if (url.protocol === "socks5:")
    return { error: `${variable} names a socks5 proxy (${url.host}); the registry engine supports http:// and https:// proxies only` };
  if (url.hostname === "")
    return { error: `${variable} names no proxy host (expected http://host:port)` };
  const authorization = url.username !== "" || url.password !== "" ? `Basic ${Buffer.from(`${safeDecode(url.username)}:${safeDecode(url.password)}`).toString("base64")}` : void 0;
  const origin = new URL(url.origin);
  return { route: { url: origin, variable, ...authorization !== void 0 && { authorization } } };
}
function safeDecode(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
function bareHost(hostname2) {
  return hostname2.startsWith("[") && hostname2.endsWith("]") ? hostname2.slice(1, -1) : hostname2;
}
function splitHostPort(entry) {
  if (entry.startsWith("[")) {
    const close = entry.indexOf("]");
    if (close < 0 || entry[close + 1] !== ":")
      return void 0;
    return { host: entry.slice(1, close), port: entry.slice(close + 2) };
  }
  const colon = entry.lastIndexOf(":");
  if (colon < 0 || entry.indexOf(":") !== colon)
    return void 0;
  const port = entry.slice(colon + 1);
  if (!/^\d+$/.test(port))
    return void 0;
  return { host: entry.slice(0, colon), port };
}
function ipFamily(host) {
  if (host.includes(":"))
    return net2.isIPv6(host) ? 6 : 0;
  return /^[\d.]+$/.test(host) && net2.isIPv4(host) ? 4 : 0;
}
var LOOPBACK = new net2.BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");
function isLoopbackIp(ip) {
  return LOOPBACK.check(ip, net2.isIPv4(ip) ? "ipv4" : "ipv6");
}
function addressMatcher(address) {
  const list = new net2.BlockList();
  list.addAddress(address, net2.isIPv4(address) ? "ipv4" : "ipv6");
  return (ip) => list.check(ip, net2.isIPv4(ip) ? "ipv4" : "ipv6");
}
function parseCidr(entry) {
  const slash = entry.indexOf("/");
  if (slash < 0)
    return void 0;
  const base = entry.slice(0, slash);
  const bitsText = entry.slice(slash + 1);
  const family = ipFamily(base);
  if (family === 0 || !/^\d+$/.test(bitsText))
    return void 0;
  const bits = Number(bitsText);
  if (bits > (family === 4 ? 32 : 128))
    return void 0;
  const list = new net2.BlockList();
  list.addSubnet(base, bits, family === 4 ? "ipv4" : "ipv6");
  return { contains: (ip) => list.check(ip, net2.isIPv4(ip) ? "ipv4" : "ipv6") };
}

// lib/engine/registry/auth.js
function parseChallenge(header2) {
  const trimmed = header2.trim();
  const space = trimmed.indexOf(" ");
  const scheme = (space < 0 ? trimmed : trimmed.slice(0, space)).toLowerCase();
  const params = {};
  const pattern = /([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  const rest = space < 0 ? "" : trimmed.slice(space + 1);
  for (let match = pattern.exec(rest); match; match = pattern.exec(rest)) {
    params[match[1].toLowerCase()] = match[2] !== void 0 ? match[2].replace(/\\(.)/g, "$1") : match[3] ?? "";
  }
  return { scheme, params };
}
var EXPIRY_MARGIN_MS = 1e4;
var Authenticator = class {
  credentials;
  fetchToken;
  now;
  schemes = /* @__PURE__ */ new Map();
  tokens = /* @__PURE__ */ new Map();
  constructor(credentials, fetchToken, now = Date.now) {
    this.credentials = credentials;
    this.fetchToken = fetchToken;
    this.now = now;
  }
  /** The Authorization header to send up front, when this host's scheme is known. */
  async headerFor(endpoint, scopes, signal) {
    const scheme = this.schemes.get(endpoint.host);
    if (!scheme || scheme.kind === "none")
      return void 0;
    if (scheme.kind === "basic") {
      const creds = await this.lookup(endpoint, endpoint.credentialKey);
      return creds ? basicHeader(creds) : void 0;
    }
    return (await untilAborted(this.token(endpoint, scheme, scopes, false), signal, endpoint.host)).header;
  }
  /** Answers a 401 challenge; a stale token for these scopes is replaced. */
  async answer(endpoint, header2, scopes, signal) {
    const challenge = parseChallenge(header2 ?? "");
    if (challenge.scheme === "basic") {
      this.schemes.set(endpoint.host, { kind: "basic" });
      const creds = await this.lookup(endpoint, endpoint.credentialKey);
      if (!creds)
        throw unauthorized(endpoint, "the registry requires a login and no credentials were found");
      return basicHeader(creds);
    }
    if (challenge.scheme === "bearer" && challenge.params.realm) {
      if (realmUrl(challenge.params.realm) === void 0)
        throw unauthorized(endpoint, `the token realm '${oneLine(challenge.params.realm, 200)}' is not an http(s) URL`);
      const scheme = {
        kind: "bearer",
        realm: challenge.params.realm,
        ...challenge.params.service !== void 0 && { service: challenge.params.service }
      };
      this.schemes.set(endpoint.host, scheme);
      const wanted = scopes.length > 0 ? scopes : challenge.params.scope ? challenge.params.scope.split(" ") : [];
      return (await untilAborted(this.token(endpoint, scheme, wanted, true), signal, endpoint.host)).header;
    }
    throw unauthorized(endpoint, `unsupported authentication challenge '${oneLine(header2 ?? "", 200)}'`);
  }
  /** Marks a host as needing no authentication (it answered without a challenge). */
  noteAnonymous(endpoint) {
    if (!this.schemes.has(endpoint.host))
      this.schemes.set(endpoint.host, { kind: "none" });
  }
  token(endpoint, scheme, scopes, renew) {
    const key = `${endpoint.host} ${[...scopes].sort().join(" ")}`;
    const cached = this.tokens.get(key);
    if (cached && !renew) {
      return cached.then((token) => token.expiresAt - EXPIRY_MARGIN_MS > this.now() ? token : this.token(endpoint, scheme, scopes, true));
    }
    const fresh = this.requestToken(endpoint, scheme, scopes);
    this.tokens.set(key, fresh);
    fresh.catch(() => this.tokens.delete(key));
    return fresh;
  }
  async requestToken(endpoint, scheme, scopes) {
    const url = realmUrl(scheme.realm);
    if (scheme.service !== void 0)
      url.searchParams.set("service", scheme.service);
    for (const scope of scopes)
      url.searchParams.append("scope", scope);
    const key = realmCredentialKey(endpoint, url);
    const creds = key === void 0 ? void 0 : await this.lookup(endpoint, key);
    const started = this.now();
    const response = await this.fetchToken(url, creds ? basicHeader(creds) : void 0);
    if (response.status === 401 || response.status === 403) {
      throw unauthorized(endpoint, `the token service ${url.origin} refused ${creds ? `the credentials of '${creds.username}'` : "anonymous access"} (HTTP ${response.status})`);
    }
    if (response.status !== 200) {
      throw new RegistryError(`GET token from ${url.origin}: HTTP ${response.status}`, {
        status: response.status,
        transient: response.status === 429 || response.status >= 500,
        body: response.body.toString("utf8").slice(0, 2e3)
      });
    }
    let parsed;
    try {
      parsed = JSON.parse(response.body.toString("utf8"));
    } catch {
      throw new RegistryError(`the token service ${url.origin} answered something other than JSON`, { transient: false });
    }
    const token = typeof parsed.token === "string" ? parsed.token : typeof parsed.access_token === "string" ? parsed.access_token : void 0;
    if (!token || /[\r\n]/.test(token))
      throw new RegistryError(`the token service ${url.origin} answered without a usable token`, { transient: false });
    const lifetime = (typeof parsed.expires_in === "number" && parsed.expires_in > 0 ? parsed.expires_in : 60) * 1e3;
    return { header: `Bearer ${token}`, expiresAt: started + lifetime };
  }
  /** A credential lookup whose failure (a broken helper, an unreadable config) is an authentication failure of this registry. */
  async lookup(endpoint, key) {
    try {
      return await this.credentials.lookup(key);
    } catch (error) {
      throw unauthorized(endpoint, describeError(error));
    }
  }
};
function realmUrl(realm) {
  try {
    const url = new URL(realm);
    return url.protocol === "https:" || url.protocol === "http:" ? url : void 0;
  } catch {
    return void 0;
  }
}
function realmCredentialKey(endpoint, realm) {
  const registryIsPlainHttp = endpoint.origin.startsWith("http:");
  if (realm.protocol !== "https:" && !(realm.protocol === "http:" && registryIsPlainHttp))
    return void 0;
  return sameRegistry(endpoint.host, realm.host) ? endpoint.credentialKey : realm.host;
}
var OWN_REALMS = { [DOCKER_HUB_HOST]: "auth.docker.io" };
function sameRegistry(registryHost, realmHost) {
  const registryName = hostname(registryHost).toLowerCase();
  const realmName = hostname(realmHost).toLowerCase();
  return registryName === realmName || OWN_REALMS[registryName] === realmName;
}
function basicHeader(creds) {
  return `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString("base64")}`;
}
function unauthorized(endpoint, reason) {
  return new RegistryError(`${endpoint.host}: HTTP 401 UNAUTHORIZED: ${reason}`, { status: 401, code: "UNAUTHORIZED", transient: false });
}

// lib/engine/registry/credentials.js
import * as fs3 from "node:fs";
import * as os from "node:os";
import * as path2 from "node:path";
var CredentialStore = class {
  sources;
  cache = /* @__PURE__ */ new Map();
  config;
  constructor(sources) {
    this.sources = sources;
  }
  /** Credentials for a registry name, or undefined for anonymous access. */
  lookup(registry) {
    const explicit = this.sources.explicit.get(registry);
    if (explicit)
      return Promise.resolve(explicit);
    let found = this.cache.get(registry);
    if (!found) {
      found = this.find(registry);
      this.cache.set(registry, found);
    }
    return found;
  }
  async find(registry) {
    const config = this.readConfig();
    const keys = configKeys(registry);
    const helper = keys.map((key) => config.credHelpers?.[key]).find((name) => name !== void 0);
    if (helper)
      return this.runHelper(helper, keys[0]);
    for (const key of keys) {
      const entry = config.auths?.[key];
      if (!entry)
        continue;
      if (entry.auth) {
        const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
        const colon = decoded.indexOf(":");
        if (colon > 0)
          return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
      }
      if (entry.username && entry.password)
        return { username: entry.username, password: entry.password };
    }
    if (config.credsStore)
      return this.runHelper(config.credsStore, keys[0]);
    return void 0;
  }
  readConfig() {
    if (this.config)
      return this.config;
    const dir = this.sources.dockerConfigDir ?? process.env.DOCKER_CONFIG ?? path2.join(os.homedir(), ".docker");
    const file = path2.join(dir, "config.json");
    try {
      this.config = JSON.parse(fs3.readFileSync(file, "utf8"));
    } catch (error) {
      if (error.code !== "ENOENT") {
        throw new Error(`Cannot read docker config ${file}: ${error.message}`);
      }
      this.config = {};
    }
    return this.config;
  }
  runHelper(name, serverUrl) {
    const program = `docker-credential-${name}`;
    return new Promise((resolve, reject) => {
      const child = childProcess().spawn(program, ["get"], { stdio: ["pipe", "pipe", "pipe"], env: process.env });
      const out = [];
      const err = [];
      const timer = setTimeout(() => child.kill("SIGKILL"), this.sources.helperTimeoutMs ?? 1e4);
      child.stdout.on("data", (chunk) => out.push(chunk));
      child.stderr.on("data", (chunk) => err.push(chunk));
      child.once("error", (error) => {
        clearTimeout(timer);
        reject(new Error(`Credential helper ${program} for ${serverUrl} could not run: ${error.message}`));
      });
      child.once("close", (code) => {
        clearTimeout(timer);
        const stdout = Buffer.concat(out).toString("utf8");
        if (code !== 0) {
          if (/not found/i.test(stdout + Buffer.concat(err).toString("utf8")))
            return resolve(void 0);
          return reject(new Error(`Credential helper ${program} failed for ${serverUrl} (exit ${code}): ${Buffer.concat(err).toString("utf8").trim()}`));
        }
        try {
          const parsed = JSON.parse(stdout);
          if (!parsed.Username || !parsed.Secret)
            return resolve(void 0);
          resolve({ username: parsed.Username, password: parsed.Secret });
        } catch {
          reject(new Error(`Credential helper ${program} printed something other than JSON for ${serverUrl}`));
        }
      });
      child.stdin.end(serverUrl);
    });
  }
};
function configKeys(registry) {
  if (registry === DOCKER_HUB)
    return [DOCKER_HUB_CONFIG_KEY, "index.docker.io", "docker.io", "https://index.docker.io/v1", "registry-1.docker.io"];
  return [registry, `https://${registry}`, `http://${registry}`, `https://${registry}/v1/`, `https://${registry}/v2/`];
}

// lib/engine/registry/registries.js
var Registries = class {
  options;
  agents;
  auth;
  clients = /* @__PURE__ */ new Map();
  statsByHost = /* @__PURE__ */ new Map();
  rateLimits = /* @__PURE__ */ new Map();
  constructor(options) {
    this.options = options;
    const proxy = options.proxy ?? new ProxyConfig(proxyEnvironment(process.env));
    this.agents = new Agents({
      maxSockets: options.concurrency,
      blobSockets: options.blobConcurrency ?? options.concurrency,
      ...options.caFile !== void 0 && { caFile: options.caFile },
      ...!proxy.direct && { proxy },
      connectTimeoutMs: options.timeoutMs
    });
    const store = new CredentialStore({
      explicit: options.credentials,
      ...options.dockerConfigDir !== void 0 && { dockerConfigDir: options.dockerConfigDir }
    });
    this.auth = new Authenticator(store, async (url, authorization) => {
      const stats = this.statsFor(url.host);
      stats.requests += 1;
      const response = await exchange({
        method: "GET",
        url,
        headers: authorization ? { authorization } : {},
        agent: this.agents.for(url, "read"),
        timeoutMs: options.timeoutMs,
        deadlineMs: options.deadlineMs
      });
      const body = await readBody(response, 1024 * 1024);
      stats.bytesReceived += body.length;
      return { status: response.statusCode ?? 0, body };
    });
  }
  client(registry, purpose) {
    const key = `${purpose} ${registry}`;
    let client = this.clients.get(key);
    if (!client) {
      const endpoint = resolveEndpoint(registry, purpose, this.options);
      const onRetry = this.options.onRetry;
      client = new RegistryClient(endpoint, {
        agents: this.agents,
        auth: this.auth,
        purpose,
        retry: this.options.retry,
        timeoutMs: this.options.timeoutMs,
        deadlineMs: this.options.deadlineMs,
        stats: this.statsFor(endpoint.host),
        onRateLimit: (remaining) => this.rateLimits.set(endpoint.host, remaining),
        ...onRetry && { onRetry: (error, attempt, delayMs) => onRetry(endpoint.host, error, attempt, delayMs) }
      });
      this.clients.set(key, client);
    }
    return client;
  }
  /** Docker Hub's last `ratelimit-remaining` for a host, if it sent one. */
  rateLimitRemaining(host) {
    return this.rateLimits.get(host);
  }
  /** Requests and bytes per host contacted, for the job summary. */
  stats() {
    return Object.fromEntries([...this.statsByHost].map(([host, stats]) => [host, { ...stats }]));
  }
  close() {
    this.agents.destroy();
  }
  statsFor(host) {
    let stats = this.statsByHost.get(host);
    if (!stats) {
      stats = { requests: 0, bytesSent: 0, bytesReceived: 0 };
      this.statsByHost.set(host, stats);
    }
    return stats;
  }
};

// lib/engine/registry/engine.js
var MiB = 1024 * 1024;
var RegistryEngine = class {
  options;
  name = "registry";
  registries;
  blobs;
  copier;
  constructor(options) {
    this.options = options;
    const retry = { attempts: options.retries + 1, baseDelayMs: options.retryBaseDelayMs ?? 500, maxDelayMs: options.retryMaxDelayMs ?? 15e3 };
    this.registries = new Registries({
      credentials: options.credentials ?? /* @__PURE__ */ new Map(),
      ...options.dockerConfigDir !== void 0 && { dockerConfigDir: options.dockerConfigDir },
      ...options.caFile !== void 0 && { caFile: options.caFile },
      ...options.proxy !== void 0 && { proxy: new ProxyConfig(options.proxy) },
      ...options.registryMirror !== void 0 && { registryMirror: options.registryMirror },
      insecureRegistries: options.insecureRegistries,
      concurrency: options.concurrency,
      blobConcurrency: blobConcurrency(options),
      retry,
      timeoutMs: options.timeoutMs ?? 6e4,
      deadlineMs: options.deadlineMs ?? 10 * 6e4
    });
    this.blobs = new BlobMover(this.registries, { concurrency: blobConcurrency(options), chunkSize: options.chunkSize ?? 16 * MiB, chunkThreshold: options.chunkThreshold ?? 64 * MiB, retry, ...options.cache !== void 0 && { cache: options.cache } });
    this.copier = new ImageCopier(this.registries, this.blobs, {
      concurrency: options.concurrency,
      platforms: options.platforms,
      copyReferrers: options.copyReferrers,
      rateLimitReserve: options.rateLimitReserve ?? 2,
      ...options.cache !== void 0 && { cache: options.cache }
    });
  }
  async prepareCopy(source, target, context) {
    if (sameImage(source, target) && this.options.platforms.length > 0) {
      throw new EngineFailure("unsupported", "target", `${formatReference(target)} is its own source: copying only ${this.options.platforms.join(", ")} would overwrite it`, {
        host: target.registry
      });
    }
    try {
      const prepared = await this.copier.prepare(source, target, context);
      const sourceDigest = prepared.state.sourceDigest ?? source.digest;
      return {
        source,
        target,
        steps: prepared.steps,
        state: prepared.state,
        ...sourceDigest !== void 0 && { sourceDigest },
        ...prepared.done && { done: outcome(prepared.done) }
      };
    } catch (error) {
      throw engineFailure(error, context.signal);
    }
  }
  async copy(prepared, context) {
    if (prepared.done)
      return prepared.done;
    if (!(prepared.state instanceof CopyState)) {
      throw new EngineFailure("other", "local", `the copy of ${formatReference(prepared.source)} was not prepared by the registry engine`);
    }
    try {
      return outcome(await this.copier.copy(prepared.source, prepared.target, prepared.state, context));
    } catch (error) {
      throw engineFailure(error, context.signal);
    }
  }
  describeLookup(target) {
    return this.copier.describeLookup(target);
  }
  async lookup(target, context) {
    try {
      const found = await this.copier.lookup(target, context);
      if (!found)
        return { status: "missing" };
      return { status: "verified", ...found.digest !== void 0 && { digest: found.digest } };
    } catch (error) {
      throw engineFailure(error, context.signal);
    }
  }
  /** This engine's clients, for the docker engine's HEAD lookups: one pool, one set of credentials and counts. */
  get clients() {
    return this.registries;
  }
  /** Requests and bytes per host contacted (registries and token services), for the job summary. */
  stats() {
    return this.registries.stats();
  }
  /** How blobs were moved this run (HEADs, mounts tried, declined and failed, uploads, chunks), for benchmarks and tests. */
  blobCounts() {
    return { ...this.blobs.counts };
  }
  async close() {
    this.registries.close();
  }
};
var DEFAULT_BLOB_CONCURRENCY = 4;
function blobConcurrency(options) {
  return Math.max(1, Math.round(options.blobConcurrency ?? Math.min(DEFAULT_BLOB_CONCURRENCY, Math.max(1, options.concurrency))));
}
function outcome(result) {
  return {
    status: result.status,
    digest: result.digest,
    ...result.size !== void 0 && { size: result.size },
    ...result.platforms && { platforms: result.platforms },
    bytesTransferred: result.bytesTransferred,
    bytesSkipped: result.bytesSkipped
  };
}
function sameImage(source, target) {
  return source.registry === target.registry && source.repository === target.repository && (source.tag ?? source.digest) === (target.tag ?? target.digest);
}

// lib/engine/docker/engine.js
var DockerEngine = class {
  options;
  name = "docker";
  cli;
  pullPolicy;
  pushToTarget;
  retryPolicy;
  credentials;
  logins = /* @__PURE__ */ new Map();
  loggedIn = /* @__PURE__ */ new Set();
  pulls = /* @__PURE__ */ new Map();
  local;
  manifests;
  heads;
  /** The registry engine made for the HEAD lookups when none was given; closed with this engine. */
  ownRegistry;
  multiPlatform = /* @__PURE__ */ new Map();
  constructor(options = {}) {
    this.options = options;
    this.cli = options.cli ?? new DockerCli({ ...options.env && { env: options.env } });
    this.pullPolicy = options.pull ?? "missing";
    this.pushToTarget = options.push ?? true;
    this.retryPolicy = options.retry ?? DEFAULT_RETRY;
    this.credentials = options.credentials ?? /* @__PURE__ */ new Map();
    this.local = new LocalImages(this.cli);
    this.manifests = new ManifestLookup(this.cli, (host) => this.isInsecure(host));
    this.ownRegistry = options.registries === void 0 ? new RegistryEngine({
      credentials: this.credentials,
      ...options.registryMirror !== void 0 && { registryMirror: options.registryMirror },
      ...options.caFile !== void 0 && { caFile: options.caFile },
      ...options.env?.DOCKER_CONFIG !== void 0 && { dockerConfigDir: options.env.DOCKER_CONFIG },
      insecureRegistries: [...options.insecureRegistries ?? []],
      concurrency: 4,
      retries: Math.max(0, this.retryPolicy.attempts - 1),
      retryBaseDelayMs: this.retryPolicy.baseDelayMs,
      retryMaxDelayMs: this.retryPolicy.maxDelayMs,
      platforms: [],
      copyReferrers: false
    }) : void 0;
    this.heads = new RegistryManifests(options.registries ?? this.ownRegistry.clients, () => this.manifests.daemonPlatform());
  }
  /** Sources copied (or found copied) as one platform of a multi-platform index: their targets keep the daemon's platform only. */
  singlePlatformCopies() {
    return [...this.multiPlatform.values()];
  }
  // --- copy -------------------------------------------------------------
  async prepareCopy(source, target, context) {
    const sourceName = familiarName(source);
    const local = this.pullPolicy === "always" ? void 0 : await this.read(() => this.local.inspect(sourceName, context), "local", `look up ${sourceName} in the local docker daemon`);
    if (this.pullPolicy === "never" && local === void 0) {
      throw new EngineFailure("not-local", "local", `${sourceName} is not in the local docker daemon and pull is 'never'`);
    }
    if (this.pushToTarget) {
      const present = await this.registryRead(() => this.heads.head(target, "target", context), context);
      if (present !== void 0) {
        const done = { status: "already-present", digest: present.digest };
        if (local !== void 0 && await this.isLocalImage(local, target, present, context))
          return { source, target, done, steps: [] };
        const upstream = await this.sourceHead(source, target, context);
        if (upstream !== void 0 && await this.holdsSource(target, present, source, upstream, local, context)) {
          if (local !== void 0 && this.pullPolicy === "missing") {
            throw new EngineFailure("stale-local", "local", `the local ${sourceName} (${local.id.slice(0, 19)}) differs from ${sourceName} in its registry, which ${familiarName(target)} already holds; not pushed over it`);
          }
          return { source, target, done, steps: [] };
        }
      } else if (local === void 0) {
        await this.sourceHead(source, target, context);
      }
    }
    const steps = [];
    if (local === void 0) {
      if (this.credentials.has(source.registry))
        steps.push({ kind: "login", host: source.registry });
      steps.push({ kind: "pull", ref: source });
    }
    steps.push({ kind: "tag", from: source, to: target });
    if (this.pushToTarget) {
      if (this.credentials.has(target.registry))
        steps.push({ kind: "login", host: target.registry });
      steps.push({ kind: "push", ref: target });
    }
    const state = { steps, ...local !== void 0 && { localId: local.id } };
    return { source, target, steps: steps.map((step) => this.describe(step)), state };
  }
  async copy(prepared, context) {
    if (prepared.done !== void 0)
      return prepared.done;
    const state = prepared.state;
    let digest = state.localId;
    for (const step of state.steps) {
      if (step.kind === "login")
        await this.login(step.host, step.host === prepared.target.registry ? "target" : "source", context);
      else if (step.kind === "pull")
        await this.pullOnce(step.ref, context);
      else if (step.kind === "tag")
        await this.run(tagCommand(step.from, step.to), "local", context);
      else
        digest = await this.pushImage(step.ref, context);
    }
    return { status: "mirrored", ...digest !== void 0 && { digest } };
  }
  // --- lookups ------------------------------------------------------------
  describeLookup(target) {
    return [displayCommand(this.manifests.command(target))];
  }
  async lookup(target, context) {
    await this.login(target.registry, "target", context);
    const present = await this.targetManifest(target, context);
    if (present === void 0) {
      const local = await this.local.inspect(familiarName(target), context).catch(() => void 0);
      return { status: "missing", ...local !== void 0 && { hint: `It is in the local daemon but not pushed: docker push ${familiarName(target)}` } };
    }
    return {
      status: "verified",
      digest: present.digest,
      ...present.size !== void 0 && { size: present.size },
      ...present.platforms && { platforms: present.platforms }
    };
  }
  /** Looks targets up in the local daemon only (`verify-from: local`): no network. */
  localLookup() {
    return {
      describeLookup: (target) => [displayCommand({ args: ["image", "inspect", familiarName(target)] })],
      lookup: async (target, context) => {
        const name = familiarName(target);
        const found = await this.read(() => this.local.inspect(name, context), "local", `look up ${name} in the local docker daemon`);
        if (found !== void 0)
          return { status: "verified", digest: this.local.repoDigestFor(found, target) ?? found.id };
        const hint = await this.local.missingHint(target, context).catch(() => void 0);
        return { status: "missing", ...hint !== void 0 && { hint } };
      }
    };
  }
  // --- build and push -----------------------------------------------------
  describeBuild(request) {
    return [...this.buildLogins(request).filter((host) => this.credentials.has(host)).map((host) => this.describe({ kind: "login", host })), describeBuildCommand(request)];
  }
  async build(request, context) {
    for (const host of this.buildLogins(request))
      await this.login(host, "target", context);
    return runBuild(this.cli, request, context, (name) => this.local.inspect(name, context));
  }
  /** Registries a build needs credentials for: where its bases come from, and its target when the build pushes. */
  buildLogins(request) {
    const hosts = new Set(request.pullsFrom);
    if (request.command.push === true)
      for (const tag of request.command.tags)
        hosts.add(tag.registry);
    return [...hosts];
  }
  describePush(target) {
    return [...this.credentials.has(target.registry) ? [this.describe({ kind: "login", host: target.registry })] : [], displayCommand(pushCommand(target))];
  }
  async push(target, context) {
    await this.login(target.registry, "target", context);
    const digest = await this.pushImage(target, context);
    return { ...digest !== void 0 && { digest } };
  }
  /**
   * Forgets its logins and closes the clients it made. No `docker logout`:
   * logins live in the DOCKER_CONFIG the caller gave (a private directory it
   * removes), and logging out of a shared config would also remove a login
   * the user made before this step (docker/login-action's).
   */
  async close() {
    this.loggedIn.clear();
    this.logins.clear();
    await this.ownRegistry?.close();
  }
  // --- docker operations --------------------------------------------------
  describe(step) {
    switch (step.kind) {
      case "login":
        return displayCommand(loginCommand(step.host, this.credentials.get(step.host)?.username ?? "", ""));
      case "pull":
        return displayCommand(pullCommand(step.ref));
      case "tag":
        return displayCommand(tagCommand(step.from, step.to));
      case "push":
        return displayCommand(pushCommand(step.ref));
    }
  }
  async run(command, side, context, host) {
    context.record(displayCommand(command));
    try {
      return (await this.retry(displayCommand(command), () => this.cli.run(command, { signal: context.signal }), context)).stdout;
    } catch (error) {
      throw dockerFailure(error, side, displayCommand(command).replace(/^docker /, ""), host !== void 0 ? { host } : {});
    }
  }
  /** A read whose failure is typed with the side it reads from. */
  async read(operation, side, what) {
    try {
      return await operation();
    } catch (error) {
      throw dockerFailure(error, side, what);
    }
  }
  retry(what, operation, context) {
    return withRetry(operation, this.retryPolicy, {
      signal: context.signal,
      isTransient: (error) => !context.signal.aborted && isTransientDockerFailure(error),
      onRetry: (error, attempt, delayMs) => {
        const reason = error instanceof DockerCommandError ? error.reason : String(error);
        this.options.onRetry?.(`${what}: attempt ${attempt} failed (${reason}); retrying in ${delayMs} ms`);
      },
      ...this.options.sleep && { sleep: this.options.sleep }
    });
  }
  /** Logs in once per host this engine holds credentials for; a failed login is remembered, not repeated. */
  async login(host, side, context) {
    const credentials = this.credentials.get(host);
    if (credentials === void 0)
      return;
    let login = this.logins.get(host);
    if (login === void 0) {
      const command = loginCommand(host, credentials.username, credentials.password);
      context.record(displayCommand(command));
      login = this.retry(`docker login ${host}`, () => this.cli.run(command), context).then(() => {
        this.loggedIn.add(host);
      });
      login.catch(() => void 0);
      this.logins.set(host, login);
    }
    try {
      await login;
    } catch (error) {
      const failure = dockerFailure(error, side, `docker login to ${host}`, { host });
      throw classifyDockerFailure(error) === "unauthorized" ? new EngineFailure("unauthorized", side, failure.message, { ...failure.details, host }) : failure;
    }
  }
  pullOnce(ref, context) {
    const name = familiarName(ref);
    let pull = this.pulls.get(name);
    if (pull === void 0) {
      pull = this.run(pullCommand(ref), "source", context, ref.registry).then(() => void 0);
      pull.catch(() => void 0);
      this.pulls.set(name, pull);
      pull.catch(() => this.pulls.delete(name));
    } else {
      context.record(`${displayCommand(pullCommand(ref))} (shared with another image of this run)`);
    }
    return pull.catch(async (error) => {
      throw await this.explainPullFailure(ref, error, context);
    });
  }
  /**
   * When docker's registry mirror has no such image, docker falls back to Docker
   * Hub and reports that attempt's error; say what the mirror said instead.
   */
  async explainPullFailure(source, error, context) {
    const mirror2 = this.options.registryMirror;
    if (source.registry !== DOCKER_HUB || mirror2 === void 0 || !(error instanceof EngineFailure) || error.kind === "not-found")
      return error;
    let mirrorHost;
    try {
      mirrorHost = new URL(mirror2).host;
    } catch {
      return error;
    }
    try {
      await this.manifests.inspect(withParts(source, { registry: mirrorHost }), context);
      return error;
    } catch (lookupError) {
      if (classifyDockerFailure(lookupError) !== "not-found")
        return error;
      return new EngineFailure("not-found", "source", `${familiarName(source)} is not in the registry mirror ${mirrorHost}, and docker's fallback failed: ${error.message}`, {
        host: mirrorHost,
        ...error.details.log !== void 0 && { log: error.details.log }
      });
    }
  }
  /** Pushes and returns the manifest digest docker reports. */
  async pushImage(ref, context) {
    const stdout = await this.run(pushCommand(ref), "target", context, ref.registry);
    return /digest: (sha256:[a-f0-9]{64})/.exec(stdout)?.[1];
  }
  /** The target's manifest for the daemon's platform; undefined when the registry does not have it. */
  async targetManifest(ref, context) {
    try {
      return await this.retry(`look up ${familiarName(ref)}`, () => this.manifests.inspect(ref, context), context);
    } catch (error) {
      if (classifyDockerFailure(error) === "not-found")
        return void 0;
      throw dockerFailure(error, "target", `look up ${familiarName(ref)} in ${ref.registry}`, { host: ref.registry });
    }
  }
  /** A registry read through the clients, its failure typed with the side and host of the request that failed. */
  async registryRead(operation, context) {
    try {
      return await operation();
    } catch (error) {
      throw engineFailure(error, context.signal);
    }
  }
  /** Whether the local image is what the target holds: by its repo digests (no request), else by the target's config (a GET of the target only). */
  async isLocalImage(local, target, present, context) {
    if (this.local.repoDigestFor(local, target) === present.digest)
      return true;
    const config = await this.registryRead(() => this.heads.platformConfig(target, present.digest, "target", context), context);
    return config.configDigest === local.id;
  }
  /**
   * The source's digest by a HEAD (none with pull: never, which promises no
   * network for the source); undefined when the source cannot be read, which
   * only costs a pull. Notes a multi-platform source for the warning.
   */
  async sourceHead(source, target, context) {
    if (this.pullPolicy === "never")
      return void 0;
    try {
      const head = await this.heads.head(source, "source", context);
      if (head?.index === true)
        this.multiPlatform.set(familiarName(source), { source, target });
      return head;
    } catch (error) {
      if (context.signal.aborted)
        throw engineFailure(error, context.signal);
      return void 0;
    }
  }
  /**
   * Whether the target holds the source's current image for the daemon's
   * platform. Equal digests, or a local image pulled at the source's current
   * digest (that differs from the target), decide without a GET; otherwise the
   * source's manifest is read (an index once, and its platform's manifest when
   * the target's digest is not among its children): only then does a re-run
   * cost pull quota.
   */
  async holdsSource(target, present, source, upstream, local, context) {
    if (upstream.digest === present.digest)
      return true;
    if (local !== void 0 && this.local.repoDigestFor(local, source) === upstream.digest)
      return false;
    try {
      const fromSource = await this.heads.platformConfig(source, upstream.digest, "source", context);
      if (fromSource.children.includes(present.digest))
        return true;
      if (fromSource.configDigest === void 0)
        return false;
      const atTarget = await this.registryRead(() => this.heads.platformConfig(target, present.digest, "target", context), context);
      return atTarget.configDigest === fromSource.configDigest;
    } catch (error) {
      if (context.signal.aborted)
        throw engineFailure(error, context.signal);
      return false;
    }
  }
  isInsecure(host) {
    if (isLoopbackHost(host))
      return true;
    if ((this.options.insecureRegistries ?? []).some((entry) => entry === host || entry === hostname(host)))
      return true;
    const mirror2 = this.options.registryMirror;
    if (mirror2 !== void 0 && mirror2.startsWith("http://")) {
      try {
        return new URL(mirror2).host === host;
      } catch {
        return false;
      }
    }
    return false;
  }
};

// lib/report/advice.js
function adviseFailure(failure, context) {
  const pull = (policy) => context.engine === "docker" ? `pull: ${policy}` : `engine: docker and pull: ${policy}`;
  const host = failure.host ?? (failure.side === "target" ? context.target?.registry : context.source?.registry);
  const source = context.source !== void 0 ? familiarName(context.source) : void 0;
  const target = context.target !== void 0 ? familiarName(context.target) : void 0;
  switch (failure.kind) {
    case "unauthorized":
      return failure.side === "source" ? `Log in to ${host}: the source-username and source-password inputs (Docker Hub), or docker/login-action before this step; check that ${source ?? "the image"} exists and may be pulled` : `Check the credentials for ${host}: the username and password inputs, or docker/login-action before this step`;
    case "denied":
      return failure.side === "source" ? `The account may not pull from ${host}; use one with pull permission (source-username/source-password)` : `The account may not push to ${host}${target !== void 0 ? ` (${target})` : ""}: grant it push permission on the project, or use another account (username/password)`;
    case "not-found":
      if (failure.phase === "verify")
        return missingAdvice(failure, context);
      if (failure.side === "source") {
        return `${source ?? "The image"} does not exist where it was looked for: check its name and tag; an image that cannot be pulled here can be loaded (docker load) and mirrored with ${pull("never")}`;
      }
      return void 0;
    case "unreachable":
      return `${host ?? "The registry"} did not answer after ${context.attempts} attempt${context.attempts === 1 ? "" : "s"}: check that it is reachable from the runner (proxy, DNS, firewall), then run again; raise retries for a flaky network`;
    case "rate-limited":
      return `Left for the next run: Docker Hub restores the pull quota over 6 hours; log in (source-username/source-password) for a larger quota, or set registry-mirror`;
    case "integrity":
      return `The registry sent content that does not match its digest; nothing was written for this image. Retry, and if it persists, report it to the registry's operators`;
    case "build-failed":
      return `Fix the build error shown in the log; the build ran against the mirrored base images (use-mirrored-bases: false builds against the public ones)`;
    case "not-local":
      return `Load it first (docker pull ${source ?? "<image>"}, or docker load -i <archive>), or run with ${pull("missing")}`;
    case "stale-local":
      return `The target is already current; remove or re-pull the local copy (docker pull ${source ?? "<image>"}), or run with ${pull("always")}`;
    case "unsupported":
      if (failure.phase === "build")
        return void 0;
      return context.engine === "docker" ? "Install docker on the runner, or use engine: registry" : "The registry engine cannot copy this image with the platforms input as set; change platforms, or use engine: docker";
    case "cancelled":
      return "The run was cancelled before this image finished; run again";
    case "other":
      return void 0;
  }
}
function missingAdvice(failure, context) {
  if (failure.hint !== void 0)
    return failure.hint;
  const source = context.source !== void 0 ? familiarName(context.source) : void 0;
  const target = context.target !== void 0 ? familiarName(context.target) : "its target";
  if (context.verifyFrom === "bundle")
    return `Not in the bundle: export it again with this plan (mode: export), or verify the registry it was imported into (verify-from: registry)`;
  if (context.verifyFrom === "local") {
    if (context.imageKind === "service")
      return `Build it: run mode: build (the image is built as ${target})`;
    return `Not in the local daemon: docker pull ${source ?? "<image>"} or docker load it, then run mode: mirror with ${context.engine === "docker" ? "pull: never" : "engine: docker and pull: never"}`;
  }
  if (context.imageKind === "service")
    return "Build and push it: run mode: build with push: true";
  return `Mirror it: run mode: mirror${source !== void 0 ? ` (copies ${source})` : ""}`;
}

// lib/execute/execute.js
import { setMaxListeners as setMaxListeners2 } from "node:events";
var DEFAULT_HEARTBEAT_MS = 3e4;
async function executeJobs(jobs, options, engines, progress) {
  const results = /* @__PURE__ */ new Map();
  const add = (image, result) => {
    results.set(image, [...results.get(image) ?? [], result]);
  };
  const signal = options.signal ?? new AbortController().signal;
  setMaxListeners2(0, signal);
  for (const blocked of jobs.blocked)
    add(blocked.image, failedResult(blocked.failure.phase, 0, blocked.failure, []));
  if (jobs.mirror.length > 0) {
    await progress.group(`Mirror ${plural(jobs.mirror.length, "base image")}`, async () => {
      const report = reporter(jobs.mirror.length, progress, options.dryRun);
      const slots = { read: new Semaphore(options.readConcurrency ?? options.concurrency), copy: new Semaphore(options.concurrency) };
      await Promise.all(jobs.mirror.map(async (job) => {
        const result = await mirror(job, engines.copy, options.dryRun, signal, slots);
        add(job.image, result);
        report(result, familiarName(job.source));
      }));
    });
  }
  const builds = jobs.build.filter((job) => !hasFailed(results.get(job.image)));
  if (builds.length > 0) {
    const pushes = builds.filter((job) => job.push).length;
    const title = `Build ${plural(builds.length, "service image")}${pushes > 0 ? ` and push ${pushes === 1 ? "it" : "them"}` : ""}`;
    await progress.group(title, async () => {
      const builder = builds[0]?.command.builder;
      if (builder !== void 0)
        progress.info(`Builder: ${builder.description}`);
      const report = reporter(builds.length + pushes, progress, options.dryRun);
      const buildSlots = new Semaphore(options.buildConcurrency);
      const pushSlots = new Semaphore(options.concurrency);
      await Promise.all(builds.map(async (job) => {
        const { result: built, pushedDigest } = await buildSlots.run(() => build(job, engines.build, options.dryRun, signal, progress, options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS));
        add(job.image, built);
        report(built, familiarName(job.target));
        if (!job.push)
          return;
        const pushed = built.status === "failed" || built.status === "skipped" ? { phase: "push", status: "skipped", durationMs: 0, error: `not pushed: the build ${built.status === "failed" ? "failed" : "was skipped"}` } : job.command.push === true ? pushedByBuild(built, pushedDigest) : await pushSlots.run(() => push(job, engines.build, options.dryRun, signal));
        add(job.image, pushed);
        report(pushed, familiarName(job.target));
      }));
    });
  }
  if (jobs.verify.length > 0) {
    await progress.group(`Verify ${plural(jobs.verify.length, "image")}`, async () => {
      const report = reporter(jobs.verify.length, progress, options.dryRun);
      await mapConcurrent(jobs.verify, options.readConcurrency ?? options.concurrency, async (job) => {
        const earlier = (results.get(job.image) ?? []).find((phase) => phase.status === "failed");
        const result = earlier !== void 0 ? { phase: "verify", status: "skipped", durationMs: 0, error: `not verified: the ${earlier.phase} failed` } : await verify(job, engines.lookup, options.dryRun, signal);
        add(job.image, result);
        report(result, familiarName(job.target));
      });
    });
  }
  return results;
}
async function mirror(job, engine, dryRun, signal, slots) {
  const { context, commands } = operationContext(signal);
  if (engine === void 0)
    return unsupported("mirror", "no engine here can copy images");
  let started = Date.now();
  try {
    const prepared = await slots.read.run(() => {
      started = Date.now();
      return engine.prepareCopy(job.source, job.target, context);
    });
    if (prepared.done === void 0 && dryRun) {
      return { phase: "mirror", status: "planned", durationMs: Date.now() - started, commands: prepared.steps };
    }
    const outcome2 = prepared.done ?? await slots.copy.run(() => engine.copy(prepared, context));
    return {
      phase: "mirror",
      status: outcome2.status,
      durationMs: Date.now() - started,
      ...outcome2.digest !== void 0 && { digest: outcome2.digest },
      ...outcome2.size !== void 0 && { size: outcome2.size },
      ...outcome2.platforms !== void 0 && { platforms: outcome2.platforms },
      ...outcome2.bytesTransferred !== void 0 && { bytesTransferred: outcome2.bytesTransferred },
      ...outcome2.bytesSkipped !== void 0 && { bytesSkipped: outcome2.bytesSkipped },
      ...commands.length > 0 && { commands }
    };
  } catch (error) {
    return failedResult("mirror", Date.now() - started, failureOf(error, "mirror"), commands, logOf(error));
  }
}
async function build(job, engine, dryRun, signal, progress, heartbeatMs) {
  if (engine === void 0)
    return { result: unsupported("build", "only the docker engine builds images, and docker is not available to this run") };
  const request = { command: job.command, pullsFrom: job.pullsFrom };
  if (dryRun)
    return { result: { phase: "build", status: "planned", durationMs: 0, commands: engine.describeBuild(request) } };
  const name = familiarName(job.target);
  let heard = false;
  const started = Date.now();
  let lastOutput = started;
  const redact = buildArgRedactor(job.command.args);
  const { context, commands } = operationContext(signal, (line) => {
    heard = true;
    lastOutput = Date.now();
    progress.info(`    ${name} | ${redact(line)}`);
  });
  const heartbeat = setInterval(() => {
    const now = Date.now();
    if (!heard)
      progress.info(`    ${name} | \u2026 still building (${elapsed(now - started)}, no output for ${elapsed(now - lastOutput)})`);
    heard = false;
  }, heartbeatMs);
  heartbeat.unref();
  try {
    const built = await engine.build(request, context);
    return {
      result: { phase: "build", status: "built", durationMs: Date.now() - started, ...built.imageId !== void 0 && { digest: built.imageId }, commands },
      ...built.pushedDigest !== void 0 && { pushedDigest: built.pushedDigest }
    };
  } catch (error) {
    const log = logOf(error);
    const failure = failureOf(error, "build");
    return { result: failedResult("build", Date.now() - started, { ...failure, message: redact(failure.message) }, commands, log === void 0 ? void 0 : redact(log)) };
  } finally {
    clearInterval(heartbeat);
  }
}
function buildArgRedactor(args) {
  const values = [...new Set(Object.values(args))].filter((value) => value.length >= 4).sort((a, b) => b.length - a.length);
  if (values.length === 0)
    return (text) => text;
  const pattern = new RegExp(values.map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g");
  return (text) => text.replace(pattern, "***");
}
function pushedByBuild(built, digest) {
  const note = "pushed by the build (docker buildx build --push)";
  if (built.status === "planned")
    return { phase: "push", status: "planned", durationMs: 0, commands: [note] };
  return { phase: "push", status: "pushed", durationMs: 0, ...digest !== void 0 && { digest }, commands: [note] };
}
function elapsed(ms) {
  const seconds = Math.round(ms / 1e3);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
}
async function push(job, engine, dryRun, signal) {
  if (dryRun)
    return { phase: "push", status: "planned", durationMs: 0, commands: engine.describePush(job.target) };
  const { context, commands } = operationContext(signal);
  const started = Date.now();
  try {
    const pushed = await engine.push(job.target, context);
    return { phase: "push", status: "pushed", durationMs: Date.now() - started, ...pushed.digest !== void 0 && { digest: pushed.digest }, commands };
  } catch (error) {
    return failedResult("push", Date.now() - started, failureOf(error, "push"), commands, logOf(error));
  }
}
async function verify(job, engine, dryRun, signal) {
  if (engine === void 0)
    return unsupported("verify", "no engine here can look images up");
  if (dryRun)
    return { phase: "verify", status: "planned", durationMs: 0, commands: engine.describeLookup(job.target) };
  const { context, commands } = operationContext(signal);
  const started = Date.now();
  try {
    const found = await engine.lookup(job.target, context);
    if (found.status === "verified") {
      return {
        phase: "verify",
        status: "verified",
        durationMs: Date.now() - started,
        ...found.digest !== void 0 && { digest: found.digest },
        ...found.size !== void 0 && { size: found.size },
        ...found.platforms !== void 0 && { platforms: found.platforms }
      };
    }
    const failure = {
      kind: "not-found",
      side: "target",
      phase: "verify",
      host: job.target.registry,
      message: `not in ${job.target.registry}`,
      ...found.hint !== void 0 && { hint: found.hint }
    };
    return { phase: "verify", status: "missing", durationMs: Date.now() - started, error: failure.message, failure };
  } catch (error) {
    return failedResult("verify", Date.now() - started, failureOf(error, "verify"), commands, logOf(error));
  }
}
function operationContext(signal, output) {
  const commands = [];
  return { context: { signal, record: (line) => commands.push(line), ...output !== void 0 && { output } }, commands };
}
function failureOf(error, phase) {
  if (error instanceof EngineFailure) {
    return { kind: error.kind, side: error.side, phase, message: error.message, ...error.details.host !== void 0 && { host: error.details.host } };
  }
  return { kind: "other", side: "local", phase, message: error instanceof Error ? error.message : String(error) };
}
function logOf(error) {
  return error instanceof EngineFailure ? error.details.log : void 0;
}
function failedResult(phase, durationMs, failure, commands, log) {
  return {
    phase,
    status: "failed",
    durationMs,
    error: failure.message,
    failure,
    ...commands.length > 0 && { commands },
    ...log !== void 0 && log !== "" && { log }
  };
}
function unsupported(phase, message) {
  return { phase, status: "skipped", durationMs: 0, error: message };
}
function hasFailed(phases) {
  return (phases ?? []).some((phase) => phase.status === "failed");
}
var VERBS = {
  planned: "would",
  unmapped: "unmapped",
  mirrored: "mirrored",
  "already-present": "already present",
  built: "built",
  pushed: "pushed",
  verified: "verified",
  exported: "exported",
  imported: "imported",
  missing: "missing",
  failed: "failed",
  skipped: "skipped"
};
function reporter(total, progress, dryRun) {
  let done = 0;
  return (result, name) => {
    done += 1;
    const verb = result.status === "planned" ? `would ${result.phase}` : result.status === "failed" ? `failed to ${result.phase}` : VERBS[result.status];
    let line = `[${done}/${total}] ${verb} ${name}`;
    if (result.status !== "planned")
      line += ` in ${(result.durationMs / 1e3).toFixed(1)}s`;
    if (result.error !== void 0 && result.status !== "planned")
      line += `: ${result.error}`;
    progress.info(line);
    if (dryRun || result.status === "failed")
      for (const command of result.commands ?? [])
        progress.info(`    ${command}`);
  };
}

// lib/execute/cache.js
var PreparedAhead = class {
  results = /* @__PURE__ */ new Map();
  async run(jobs, concurrency, signal, keyOf, prepare) {
    const done = [];
    await mapConcurrent(jobs, concurrency, async (job) => {
      const lines = [];
      const outcome2 = await prepare(job, { signal, record: (line) => lines.push(line) }).then((value) => ({ status: "fulfilled", value }), (reason) => ({ status: "rejected", reason }));
      if (outcome2.status === "fulfilled")
        done.push(outcome2.value);
      this.results.set(keyOf(job), { outcome: outcome2, lines });
    });
    return done;
  }
  /** The answer prepared ahead for `key` (taken once), else `prepare()`. */
  take(key, context, prepare) {
    const found = this.results.get(key);
    if (found === void 0)
      return prepare();
    this.results.delete(key);
    for (const line of found.lines)
      context.record(line);
    return found.outcome.status === "fulfilled" ? Promise.resolve(found.outcome.value) : Promise.reject(found.outcome.reason);
  }
};
var copyKey = (source, target) => `${formatReference(source)} -> ${formatReference(target)}`;
function preparedCopies(port, ahead) {
  return {
    name: port.name,
    prepareCopy: (source, target, context) => ahead.take(copyKey(source, target), context, () => port.prepareCopy(source, target, context)),
    copy: (prepared, context) => port.copy(prepared, context),
    describeLookup: (target) => port.describeLookup(target),
    lookup: (target, context) => port.lookup(target, context),
    close: () => port.close()
  };
}
var RunCache = class {
  settings;
  progress;
  blobs;
  restored;
  constructor(settings, progress) {
    this.settings = settings;
    this.progress = progress;
    this.blobs = new BlobCache(storeDir(settings.cacheDir));
  }
  /**
   * Prepares every job ahead (HEAD requests, nothing fetched), then restores
   * the store under the key of the source digests found; once, before the
   * first copy. The answers wait in the returned PreparedAhead.
   */
  async prepareAndRestore(jobs, options, prepare) {
    const ahead = new PreparedAhead();
    await this.progress.group("Restore the cache", async () => {
      const prepared = await ahead.run(jobs, options.concurrency, options.signal, options.keyOf, prepare);
      const digests = prepared.flatMap((one) => one.done === void 0 && one.sourceDigest !== void 0 ? [one.sourceDigest] : []);
      this.progress.info(`${plural(jobs.length, "image")} looked up (HEAD requests only): ${plural(new Set(digests).size, "source digest")} to fetch make the key`);
      if (digests.length === 0)
        this.progress.info("Nothing to fetch: the cache is neither restored nor saved");
      else
        await this.restore(digests);
    });
    return ahead;
  }
  /** Copies through `port` with the cache: every copy prepared first, the store restored, then the copies. */
  async copies(port, jobs, concurrency, signal) {
    if (jobs.length === 0)
      return port;
    const ahead = await this.prepareAndRestore(jobs, { concurrency, signal, keyOf: (job) => copyKey(job.source, job.target) }, (job, context) => port.prepareCopy(job.source, job.target, context));
    return preparedCopies(port, ahead);
  }
  async restore(digests) {
    const { key, restoreKeys } = cacheKey(digests, this.settings.platforms);
    const result = await restoreStore(this.settings.cacheDir, key, restoreKeys);
    const restoredKey = result.ok ? result.value ?? null : null;
    this.restored = { key, restoredKey };
    writeRunState(this.settings.cacheDir, this.restored);
    const held = storeContents(this.blobs.dir);
    if (!result.ok)
      this.progress.info(`The cache could not be restored (${result.reason}): what the sources serve is fetched, and saved as ${key} by the post step`);
    else if (restoredKey === key)
      this.progress.info(`Restored ${key}: ${plural(held.blobs, "entry", "entries")}, ${formatBytes(held.bytes)}; each is checked against its digest when used`);
    else if (restoredKey !== null)
      this.progress.info(`Restored ${restoredKey}, an earlier plan's (${plural(held.blobs, "entry", "entries")}, ${formatBytes(held.bytes)}): what it lacks is fetched, and the post step saves ${key}`);
    else
      this.progress.info(`No cache entry for ${key} yet: what the sources serve is fetched, and saved by the post step`);
  }
  /**
   * After the copies: one line on what the cache served. A store restored from
   * another key is pruned to what this run used (so entries do not grow run
   * after run), unless the run was cut short.
   */
  finish(cutShort) {
    if (this.restored === void 0)
      return void 0;
    const { key, restoredKey } = this.restored;
    const counts = this.blobs.counts;
    const pruned = restoredKey !== key && !cutShort ? this.blobs.prune().removed : 0;
    const outcome2 = {
      key,
      restored: restoredKey === key ? "exact" : restoredKey !== null ? "partial" : "none",
      ...restoredKey !== null && restoredKey !== key && { restoredKey },
      hits: counts.hits,
      hitBytes: counts.hitBytes,
      fetched: counts.fetched,
      fetchedBytes: counts.fetchedBytes,
      damaged: counts.discarded,
      pruned
    };
    this.progress.info(`Cache: ${cacheServed(outcome2)}`);
    return outcome2;
  }
};

// lib/execute/run.js
async function executeSettings(plan, jobs, settings, progress, signal) {
  const credentials = credentialsByHost(settings);
  const own = settings.privateDockerConfig === void 0 ? createPrivateDockerConfig({ userDir: settings.userDockerConfig, loginHosts: [...credentials.keys()] }) : void 0;
  const dockerConfig = settings.privateDockerConfig ?? own.dir;
  const dockerEnv = { DOCKER_CONFIG: dockerConfig };
  const cli = new DockerCli({ env: dockerEnv });
  const copyWith = copyEngine(settings);
  let docker;
  let registry;
  const caching = cacheUse(settings);
  const cache = caching.on ? new RunCache(settings, progress) : void 0;
  try {
    const network = await registryNetwork(settings, cli, dockerConfig, progress, signal);
    registry = new RegistryEngine({
      credentials,
      ...network.registryMirror !== void 0 && { registryMirror: network.registryMirror },
      ...settings.caFile !== void 0 && { caFile: settings.caFile },
      insecureRegistries: network.insecureRegistries,
      concurrency: settings.concurrency,
      retries: settings.retries,
      platforms: settings.platforms,
      copyReferrers: settings.copyReferrers,
      dockerConfigDir: dockerConfig,
      ...cache !== void 0 && { cache: cache.blobs }
    });
    docker = new DockerEngine({
      cli,
      env: dockerEnv,
      pull: settings.pull,
      push: settings.push,
      credentials,
      insecureRegistries: network.insecureRegistries,
      ...network.registryMirror !== void 0 && { registryMirror: network.registryMirror },
      registries: registry.clients,
      retry: { attempts: settings.retries + 1, baseDelayMs: 500, maxDelayMs: 15e3 },
      onRetry: (message) => progress.info(message)
    });
    const copy = copyWith === "docker" ? docker : settings.engine === "auto" ? autoCopy(registry, docker) : registry;
    const engines = {
      copy: cache === void 0 ? copy : await cache.copies(copy, jobs.mirror, registryReads(settings), signal ?? new AbortController().signal),
      build: docker,
      lookup: settings.verifyFrom === "local" ? docker.localLookup() : settings.engine === "docker" ? docker : registry
    };
    const phases = await executeJobs(jobs, {
      dryRun: settings.dryRun,
      concurrency: settings.concurrency,
      readConcurrency: registryReads(settings),
      buildConcurrency: settings.buildConcurrency,
      ...signal !== void 0 && { signal }
    }, engines, progress);
    const results = imageResults(plan.images, phases, {
      engine: copyWith,
      attempts: settings.retries + 1,
      verifyFrom: settings.verifyFrom
    });
    const cached = cache?.finish(signal?.aborted === true);
    const traffic = registry.stats();
    const findings = [...cacheFindings(caching), ...copyWith === "docker" ? singlePlatformWarnings(docker) : []];
    return {
      results,
      ...Object.keys(traffic).length > 0 && { registries: traffic },
      ...findings.length > 0 && { findings },
      ...cached !== void 0 && { cache: cached }
    };
  } finally {
    await Promise.allSettled([docker?.close(), registry?.close()]);
    own?.remove();
  }
}
function autoCopy(registry, docker) {
  return {
    name: "registry",
    describeLookup: (target) => registry.describeLookup(target),
    lookup: (target, context) => registry.lookup(target, context),
    close: async () => void 0,
    async prepareCopy(source, target, context) {
      try {
        return await registry.prepareCopy(source, target, context);
      } catch (error) {
        if (!(error instanceof EngineFailure) || error.side !== "source" || error.kind === "cancelled" || context.signal.aborted)
          throw error;
        const local = await docker.localLookup().lookup(source, context).catch(() => void 0);
        if (local?.status !== "verified")
          throw error;
        const prepared = await docker.prepareCopy(source, target, context);
        return {
          ...prepared,
          steps: [`the registry engine cannot read ${formatReference(source)} (${error.message}); the local docker image is copied instead`, ...prepared.steps],
          state: new DockerFallback(prepared)
        };
      }
    },
    copy: (prepared, context) => prepared.state instanceof DockerFallback ? docker.copy(prepared.state.prepared, context) : registry.copy(prepared, context)
  };
}
var DockerFallback = class {
  prepared;
  constructor(prepared) {
    this.prepared = prepared;
  }
};
function registryReads(settings) {
  const throughDocker = copyEngine(settings) === "docker" || settings.verifyFrom === "local";
  return throughDocker ? settings.concurrency : Math.min(64, settings.concurrency * 4);
}
async function registryNetwork(settings, cli, dockerConfigDir, progress, signal) {
  const given = { ...settings.registryMirror !== void 0 && { registryMirror: settings.registryMirror }, insecureRegistries: settings.insecureRegistries };
  if (settings.registryMirror !== void 0 && settings.insecureRegistries.length > 0)
    return given;
  const daemon = await daemonRegistryConfig(cli, { env: process.env, dockerConfigDir, ...signal !== void 0 && { signal } });
  if (daemon === void 0)
    return given;
  const registryMirror = settings.registryMirror ?? daemon.mirrors[0];
  const insecureRegistries = settings.insecureRegistries.length > 0 ? settings.insecureRegistries : daemon.insecureRegistries;
  if (settings.registryMirror === void 0 && registryMirror !== void 0) {
    progress.info(`Docker Hub reads go through the docker daemon's registry mirror ${registryMirror} (the registry-mirror input overrides it)`);
  }
  if (settings.insecureRegistries.length === 0 && insecureRegistries.length > 0) {
    progress.info(`The docker daemon's insecure registries are reached without TLS verification: ${insecureRegistries.join(", ")} (the insecure-registries input overrides them)`);
  }
  return { ...registryMirror !== void 0 && { registryMirror }, insecureRegistries };
}
function singlePlatformWarnings(docker) {
  return docker.singlePlatformCopies().map(({ source, target }) => ({
    kind: "invalid-config",
    severity: "warning",
    image: formatReference(source),
    message: `${formatReference(source)} has several platforms, but the docker engine copies only the docker daemon's platform: ${formatReference(target)} keeps one platform only`,
    suggestion: "Use engine: auto (the default) or engine: registry to copy every platform with its exact digest (platforms chooses some)"
  }));
}
function imageResults(images, phases, context) {
  return images.map((image) => {
    const advised = (phases.get(image.source) ?? []).map((phase) => {
      if (phase.failure === void 0 || phase.suggestion !== void 0)
        return phase;
      const suggestion = adviseFailure(phase.failure, {
        imageKind: image.kind,
        source: image.ref,
        ...image.targetRef !== void 0 && { target: image.targetRef },
        ...context
      });
      return suggestion === void 0 ? phase : { ...phase, suggestion };
    });
    return { image, status: finalStatus(image, advised), phases: advised };
  });
}
function finalStatus(image, phases) {
  if (image.mapping !== "mapped")
    return image.mapping === "excluded" ? "skipped" : "unmapped";
  if (phases.some((phase) => phase.status === "failed"))
    return "failed";
  return phases[phases.length - 1]?.status ?? "skipped";
}

export {
  mapConcurrent,
  withRetry,
  header,
  Registries,
  downloadBlob,
  pullScope,
  pushScope,
  DigestGate,
  headManifest,
  getManifest,
  executeJobs,
  failureOf,
  RunCache,
  executeSettings,
  autoCopy,
  registryNetwork,
  imageResults
};
