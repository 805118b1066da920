/**
 * Starts a private dockerd per test file (its own socket, data-root and
 * exec-root; never the system daemon), without a bridge so it creates no
 * private-range address. Docker Hub names resolve through `--registry-mirror`
 * to a local registry; everything else the daemon or the CLI would fetch from
 * outside goes to a dead loopback proxy, so a test can never reach the
 * internet even when a mirror misses and docker falls back to Docker Hub.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { mapConcurrent } from '../../src/engine/pool.js'
import { familiarName, parseReference, type ImageReference } from '../../src/reference.js'
import { freePort, requireBinary, stopProcess, type TestRegistry } from './registry.js'
import { DockerCli, type DockerCommandResult, type RunOptions } from '../../src/engine/docker/cli.js'
import { displayCommand, type DockerCommand } from '../../src/engine/docker/commands.js'

const execFileAsync = promisify(execFile)

export interface TestDockerd {
  /** unix://... for DOCKER_HOST */
  host: string
  /** The environment for the docker CLI: DOCKER_HOST, a private DOCKER_CONFIG, the dead proxy. */
  env: NodeJS.ProcessEnv
  dir: string
  /** Runs `docker ...args` against this daemon and returns stdout; throws with stderr on failure. */
  docker(args: string[], input?: string): Promise<string>
  stop(): Promise<void>
}

export interface DockerdOptions {
  /** http://127.0.0.1:PORT of a registry that answers Docker Hub pulls. */
  registryMirror?: string
  insecureRegistries?: string[]
}

export async function startDockerd(options: DockerdOptions = {}): Promise<TestDockerd> {
  const dockerd = requireBinary('dockerd', 'docker.io')
  requireBinary('docker', 'docker.io')
  // Unix socket paths are limited to ~108 bytes: keep the directory short.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-dockerd-'))
  const dataRoot = path.join(dir, 'root')
  const execRoot = path.join(dir, 'exec')
  const configDir = path.join(dir, 'config')
  fs.mkdirSync(configDir)
  const socket = path.join(dir, 'docker.sock')
  const host = `unix://${socket}`
  const deadProxy = `http://127.0.0.1:${await freePort()}`
  const proxyEnv = {
    HTTP_PROXY: deadProxy,
    HTTPS_PROXY: deadProxy,
    http_proxy: deadProxy,
    https_proxy: deadProxy,
    NO_PROXY: '127.0.0.1,localhost,::1',
    no_proxy: '127.0.0.1,localhost,::1'
  }
  const args = [
    '--bridge=none',
    '--iptables=false',
    '--ip-masq=false',
    '--data-root',
    dataRoot,
    '--exec-root',
    execRoot,
    '-H',
    host,
    '--pidfile',
    path.join(dir, 'docker.pid')
  ]
  if (options.registryMirror !== undefined) args.push('--registry-mirror', options.registryMirror)
  for (const registry of options.insecureRegistries ?? []) args.push('--insecure-registry', registry)

  const logPath = path.join(dir, 'dockerd.log')
  const log = fs.openSync(logPath, 'a')
  const child: ChildProcess = spawn(dockerd, args, { stdio: ['ignore', log, log], env: { ...process.env, ...proxyEnv } })
  fs.closeSync(log)

  const env: NodeJS.ProcessEnv = { ...process.env, ...proxyEnv, DOCKER_HOST: host, DOCKER_CONFIG: configDir, DOCKER_BUILDKIT: '0' }
  const docker = async (dockerArgs: string[], input?: string): Promise<string> => {
    const run = execFileAsync('docker', dockerArgs, { env, maxBuffer: 64 * 1024 * 1024 })
    if (input !== undefined) {
      run.child.stdin?.end(input)
    }
    try {
      return (await run).stdout
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? ''
      throw new Error(`docker ${dockerArgs.join(' ')} failed: ${stderr.trim() || String(error)}`)
    }
  }

  const stop = async (): Promise<void> => {
    await stopProcess(child, 20000)
    unmountUnder(dir)
    fs.rmSync(dir, { recursive: true, force: true })
  }

  const deadline = Date.now() + 30000
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const tail = fs.readFileSync(logPath, 'utf8').slice(-3000)
      await stop()
      throw new Error(`dockerd exited while starting (is this run as root? try 'npm run ci'):\n${tail}`)
    }
    try {
      await execFileAsync('docker', ['info', '--format', '{{.ServerVersion}}'], { env, timeout: 5000 })
      break
    } catch {
      if (Date.now() > deadline) {
        const tail = fs.readFileSync(logPath, 'utf8').slice(-3000)
        await stop()
        throw new Error(`dockerd did not answer 'docker info' within 30 s:\n${tail}`)
      }
      await new Promise(resolve => setTimeout(resolve, 200))
    }
  }
  return { host, env, dir, docker, stop }
}

/**
 * Debian's docker CLI (package docker.io, 20.10): it builds with the daemon's
 * built-in BuildKit when DOCKER_BUILDKIT=1, which a newer CLI first on PATH
 * (docker 23 and later) refuses without the buildx plugin.
 */
export const DEBIAN_DOCKER_CLI = '/usr/bin/docker'

/**
 * The environment of a daemon's CLI switched to BuildKit: Debian's CLI first
 * on PATH (for the harness, the action and the engine alike) and
 * DOCKER_BUILDKIT=1. The harness's default stays DOCKER_BUILDKIT=0: the legacy builder.
 */
export function buildKitEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (!fs.existsSync(DEBIAN_DOCKER_CLI)) throw new Error(`${DEBIAN_DOCKER_CLI} is missing: install Debian's docker.io (apt-get install docker.io)`)
  // Without a daemon, docker prints the client's version and exits 1.
  const version = spawnSync(DEBIAN_DOCKER_CLI, ['version', '--format', '{{.Client.Version}}'], { env: { ...env, DOCKER_HOST: 'unix:///nonexistent.sock' }, encoding: 'utf8' }).stdout.trim()
  if (!(Number(/^(\d+)\./.exec(version)?.[1]) < 23)) {
    throw new Error(`${DEBIAN_DOCKER_CLI} is docker ${version || '(unknown version)'}, not Debian's 20.10 CLI with BuildKit built in: these tests need package docker.io`)
  }
  return { ...env, PATH: `${path.dirname(DEBIAN_DOCKER_CLI)}:${env.PATH ?? ''}`, DOCKER_BUILDKIT: '1' }
}

/** dockerd leaves mounts (netns, overlay) behind when killed; unmount them, deepest first, before removing the directory. */
function unmountUnder(dir: string): void {
  let mountinfo = ''
  try {
    mountinfo = fs.readFileSync('/proc/self/mountinfo', 'utf8')
  } catch {
    return
  }
  const mountPoints = mountinfo
    .split('\n')
    .map(line => line.split(' ')[4])
    .filter((point): point is string => point !== undefined && (point === dir || point.startsWith(`${dir}/`)))
    .sort((a, b) => b.length - a.length)
  for (const point of mountPoints) {
    // Lazy unmount: a mount already gone is not an error worth failing a test over.
    spawnSync('umount', ['-l', point], { stdio: 'ignore' })
  }
}


export interface SeededImage {
  /** The name as given: `postgres:15-alpine`, `quay.io/minio/minio:latest`. */
  name: string
  ref: ImageReference
  /** Where it was pushed in the upstream registry (Docker Hub names only). */
  upstreamName?: string
  /** Non-Hub names are tagged in the daemon under their real name instead (the `pull: missing` path). */
  local: boolean
  /** The image ID (config digest), which survives push and pull. */
  id: string
}

const BASE_IMAGE = 'im-test/busybox:base'

/**
 * Builds one busybox base (once per daemon) and, for every name, a tiny
 * distinct image on top of it. Docker Hub names are pushed to the upstream
 * registry under their repository path (`<upstream>/library/postgres:15-alpine`)
 * and removed from the daemon, so pulling them goes through the mirror; other
 * registries' names cannot be pulled here and are tagged in the daemon.
 */
export async function seedBaseImages(dockerd: TestDockerd, upstream: TestRegistry, names: string[]): Promise<SeededImage[]> {
  await ensureBusyboxBase(dockerd)
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-seed-'))
  try {
    const seeded = await mapConcurrent(names, 4, async (name, index) => {
      const ref = parseReference(name)
      const context = path.join(workDir, String(index))
      fs.mkdirSync(context)
      // One small distinct file per name, so every image has its own digest.
      fs.writeFileSync(path.join(context, 'image-name.txt'), `${name}\n`)
      fs.writeFileSync(path.join(context, 'Dockerfile'), `FROM ${BASE_IMAGE}\nCOPY image-name.txt /image-name.txt\n`)
      const hub = ref.registry === 'docker.io'
      const builtAs = hub ? `${upstream.host}/${ref.repository}:${ref.tag ?? 'latest'}` : familiarName(ref)
      await dockerd.docker(['build', '--network=host', '-q', '-t', builtAs, context])
      const id = (await dockerd.docker(['image', 'inspect', '--format', '{{.Id}}', builtAs])).trim()
      if (hub) await dockerd.docker(['push', builtAs])
      const image: SeededImage = hub ? { name, ref, upstreamName: builtAs, local: false, id } : { name, ref, local: true, id }
      return image
    })
    // Removed only once every build is done: the legacy builder's cache lookup walks the base's
    // children, and an image removed by one lane while another lane builds fails that build
    // with 'unable to find image "sha256:…"'.
    for (const image of seeded) if (image.upstreamName !== undefined) await dockerd.docker(['rmi', image.upstreamName])
    return seeded
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true })
  }
}

async function ensureBusyboxBase(dockerd: TestDockerd): Promise<void> {
  try {
    await dockerd.docker(['image', 'inspect', BASE_IMAGE])
    return
  } catch {
    // Not built yet in this daemon.
  }
  const busybox = requireBinary('busybox', 'busybox-static')
  const context = fs.mkdtempSync(path.join(os.tmpdir(), 'im-busybox-'))
  try {
    fs.copyFileSync(busybox, path.join(context, 'busybox'))
    fs.chmodSync(path.join(context, 'busybox'), 0o755)
    fs.writeFileSync(
      path.join(context, 'Dockerfile'),
      ['FROM scratch', 'COPY busybox /bin/busybox', 'RUN ["/bin/busybox", "--install", "-s", "/bin"]', ''].join('\n')
    )
    await dockerd.docker(['build', '--network=host', '-q', '-t', BASE_IMAGE, context])
  } finally {
    fs.rmSync(context, { recursive: true, force: true })
  }
}

/**
 * The real DockerCli, keeping the line of every command it really ran (not
 * only those an engine recorded), so a test can say what reached docker.
 */
export class RecordingDockerCli extends DockerCli {
  readonly ran: string[] = []

  override run(command: DockerCommand, options?: RunOptions): Promise<DockerCommandResult> {
    this.ran.push(displayCommand(command))
    return super.run(command, options)
  }
}

/** Every image of the daemon, intermediate ones included, as `ID repo:tag`, sorted: equal lists mean nothing was pulled, built, tagged or removed. */
export async function daemonImages(dockerd: TestDockerd): Promise<string[]> {
  const out = await dockerd.docker(['images', '-a', '--no-trunc', '--format', '{{.ID}} {{.Repository}}:{{.Tag}}'])
  return out
    .split('\n')
    .map(line => line.trim())
    .filter(line => line !== '')
    .sort()
}

/** Whether the daemon has an image by this name. */
export async function isLocal(dockerd: TestDockerd, name: string): Promise<boolean> {
  try {
    await dockerd.docker(['image', 'inspect', name])
    return true
  } catch {
    return false
  }
}

/** `os/arch` of the daemon, as manifests name platforms. */
export async function daemonPlatform(dockerd: TestDockerd): Promise<string> {
  return (await dockerd.docker(['version', '--format', '{{.Server.Os}}/{{.Server.Arch}}'])).trim()
}
