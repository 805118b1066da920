/**
 * Node's network and process modules, loaded with require rather than `import`.
 *
 * An ESM import of a builtin reads every one of its exports, getters included
 * (Node builds the module namespace from them). On Node 22 and later,
 * node:http's WebSocket, CloseEvent and MessageEvent are such getters, and
 * reading them loads Node's bundled undici with http2, zlib and web streams:
 * 45 ms at every start on node24, the runtime the action declares, for code
 * that never runs. require returns the module object and reads nothing.
 *
 * node:https and node:tls load with the first https origin (or proxy): about
 * 11 ms at every start that a run against plain-http registries (a mirror in
 * an air-gapped network, a registry on 127.0.0.1) never needs.
 * node:child_process loads with the first process started (docker, a
 * credential helper): on Node 24 it brings dgram along, 11 ms at every start,
 * and a registry run that asks no credential helper starts none.
 */
import type * as ChildProcess from 'node:child_process'
import type * as Http from 'node:http'
import type * as Https from 'node:https'
import { createRequire } from 'node:module'
import type * as Tls from 'node:tls'

const requireBuiltin = createRequire(import.meta.url)

export const http = requireBuiltin('node:http') as typeof Http
export const httpsModule = (): typeof Https => requireBuiltin('node:https') as typeof Https
export const tlsModule = (): typeof Tls => requireBuiltin('node:tls') as typeof Tls
export const childProcess = (): typeof ChildProcess => requireBuiltin('node:child_process') as typeof ChildProcess
