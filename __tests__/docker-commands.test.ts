/**
 * Docker operations as data (STYLE.md, "Commands as data"): the argument
 * lists, stdin and environment each operation builds, checked without docker.
 * What a person reads (displayCommand) is what runs, minus secrets.
 */
import { describe, expect, test } from '@jest/globals'
import {
  buildCommand,
  buildxVersionCommand,
  displayCommand,
  dockerVersionCommand,
  formatDockerCommand,
  inspectImageCommand,
  loginCommand,
  logoutCommand,
  manifestInspectCommand,
  pullCommand,
  pushCommand,
  tagCommand,
  type BuildCommandOptions
} from '../src/engine/docker/commands.js'
import { parseReference } from '../src/reference.js'
import type { Builder } from '../src/engine/docker/builder.js'

const ref = parseReference

function build(options: Partial<BuildCommandOptions> = {}): BuildCommandOptions {
  return {
    context: '/work/repo/api',
    dockerfile: 'FROM harbor.example.com/aihpc/library/golang:1.24-alpine\nRUN go build\n',
    tags: [ref('harbor.example.com/aihpc/api:v1')],
    args: {},
    ...options
  }
}

describe('buildCommand', () => {
  test('sends the Dockerfile on stdin with -f -, tags the target, and ends with the context', () => {
    const options = build()
    const command = buildCommand(options)
    expect(command.args).toEqual(['build', '-f', '-', '-t', 'harbor.example.com/aihpc/api:v1', '/work/repo/api'])
    expect(command.input).toBe(options.dockerfile)
    expect(command.env).toBeUndefined()
    expect(command.streamOutput).toBe(true)
  })

  test('gives every tag its own -t, in order, in the familiar form', () => {
    const command = buildCommand(build({ tags: [ref('harbor.example.com/aihpc/api:v1'), ref('docker.io/library/api:latest')] }))
    expect(command.args).toEqual(['build', '-f', '-', '-t', 'harbor.example.com/aihpc/api:v1', '-t', 'api:latest', '/work/repo/api'])
  })

  test('adds --target only for a target stage', () => {
    expect(buildCommand(build({ target: 'runtime' })).args).toEqual(['build', '-f', '-', '-t', 'harbor.example.com/aihpc/api:v1', '--target', 'runtime', '/work/repo/api'])
    expect(buildCommand(build()).args).not.toContain('--target')
  })

  test('adds --network only when one is given: never a product default', () => {
    expect(buildCommand(build()).args).not.toContain('--network')
    expect(buildCommand(build({ network: 'host' })).args).toEqual(['build', '-f', '-', '-t', 'harbor.example.com/aihpc/api:v1', '--network', 'host', '/work/repo/api'])
  })

  test('build-arg names go on the command line and their values only in the environment of the docker process', () => {
    const command = buildCommand(build({ args: { GO_VERSION: '1.24', NPM_TOKEN: 'npm_s3cr3t value' } }))
    expect(command.args).toEqual([
      'build',
      '-f',
      '-',
      '-t',
      'harbor.example.com/aihpc/api:v1',
      '--build-arg',
      'GO_VERSION',
      '--build-arg',
      'NPM_TOKEN',
      '/work/repo/api'
    ])
    expect(command.env).toEqual({ GO_VERSION: '1.24', NPM_TOKEN: 'npm_s3cr3t value' })
    expect(command.args.join(' ')).not.toContain('s3cr3t')
    expect(displayCommand(command)).toBe('docker build -f - -t harbor.example.com/aihpc/api:v1 --build-arg GO_VERSION --build-arg NPM_TOKEN /work/repo/api < Dockerfile')
  })

  test.each(['PATH', 'HOME', 'DOCKER_HOST', 'DOCKER_CONFIG', 'BUILDKIT_PROGRESS', 'HTTP_PROXY', 'no_proxy'])(
    'a build arg named like docker’s own variable %s goes inline (it cannot travel in the environment) and is elided when displayed',
    name => {
      const command = buildCommand(build({ args: { [name]: '/opt/secret-looking/value', MODE: 'prod' } }))
      expect(command.args).toContain(`${name}=/opt/secret-looking/value`)
      expect(command.args[command.args.indexOf(`${name}=/opt/secret-looking/value`) - 1]).toBe('--build-arg')
      expect(command.env).toEqual({ MODE: 'prod' })
      expect(command.env).not.toHaveProperty(name)
      const shown = displayCommand(command)
      expect(shown).toContain(`--build-arg ${name}=…`)
      expect(shown).toContain('--build-arg MODE ')
      expect(shown).not.toContain('secret-looking')
    }
  )

  test.each(['LD_PRELOAD', 'LD_LIBRARY_PATH', 'GCONV_PATH', 'GLIBC_TUNABLES', 'HOSTALIASES', 'GODEBUG'])(
    'a build arg %s from the (untrusted) repository never reaches the environment of the docker process, where the loader or runtime would read it',
    name => {
      const command = buildCommand(build({ args: { [name]: './evil.so' } }))
      expect(command.env ?? {}).not.toHaveProperty(name)
      expect(command.args).toContain(`${name}=./evil.so`)
      expect(displayCommand(command)).toContain(`--build-arg ${name}=…`)
    }
  )

  test('an ordinary build arg that merely starts like a reserved word still travels in the environment', () => {
    expect(buildCommand(build({ args: { GO_VERSION: '1.24', PATHS: 'a', HOMEPAGE: 'b' } })).env).toEqual({ GO_VERSION: '1.24', PATHS: 'a', HOMEPAGE: 'b' })
  })

  test('passes platform, labels, extra hosts, shm size and cache sources as docker spells them', () => {
    const command = buildCommand(
      build({ platforms: ['linux/arm64'], labels: { 'org.opencontainers.image.source': 'https://x' }, extraHosts: ['db:127.0.0.1'], shmSize: '256m', cacheFrom: ['harbor.example.com/aihpc/api:cache'] })
    )
    expect(command.args).toEqual([
      'build',
      '-f',
      '-',
      '-t',
      'harbor.example.com/aihpc/api:v1',
      '--platform',
      'linux/arm64',
      '--label',
      'org.opencontainers.image.source=https://x',
      '--add-host',
      'db:127.0.0.1',
      '--shm-size',
      '256m',
      '--cache-from',
      'harbor.example.com/aihpc/api:cache',
      '/work/repo/api'
    ])
  })
})

describe('buildCommand for each builder', () => {
  const buildx: Builder = { kind: 'buildx', description: 'BuildKit through docker buildx' }
  const buildkit: Builder = { kind: 'buildkit', description: "the daemon's built-in BuildKit" }
  const legacy: Builder = { kind: 'legacy', description: 'the legacy builder' }

  test('buildx: docker buildx build on the named builder, plain progress, the Dockerfile on stdin, --load into the local store', () => {
    const command = buildCommand(build({ builder: { ...buildx, name: 'builder-3f2a' }, args: { GO_VERSION: '1.24' } }))
    expect(command.args).toEqual(['buildx', 'build', '--builder', 'builder-3f2a', '--progress', 'plain', '-f', '-', '-t', 'harbor.example.com/aihpc/api:v1', '--build-arg', 'GO_VERSION', '--load', '/work/repo/api'])
    expect(command.env).toEqual({ GO_VERSION: '1.24' })
    expect(command.input).toContain('FROM harbor.example.com/aihpc/library/golang:1.24-alpine')
    expect(displayCommand(command)).toBe('docker buildx build --builder builder-3f2a --progress plain -f - -t harbor.example.com/aihpc/api:v1 --build-arg GO_VERSION --load /work/repo/api < Dockerfile')
  })

  test('buildx: a build that pushes says --push and writes its metadata file; without a name, buildx’s current builder', () => {
    const command = buildCommand(build({ builder: buildx, push: true }), { metadataFile: '/tmp/m/metadata.json' })
    expect(command.args).toEqual(['buildx', 'build', '--progress', 'plain', '-f', '-', '-t', 'harbor.example.com/aihpc/api:v1', '--push', '--metadata-file', '/tmp/m/metadata.json', '/work/repo/api'])
  })

  test('buildx: every compose key it honours, host network with its entitlement, several platforms', () => {
    const command = buildCommand(
      build({
        builder: buildx,
        push: true,
        network: 'host',
        platforms: ['linux/amd64', 'linux/arm64'],
        shmSize: '1g',
        cacheFrom: ['type=registry,ref=harbor.example.com/aihpc/api:cache'],
        cacheTo: ['type=inline'],
        ssh: ['default'],
        contexts: { base: 'docker-image://harbor.example.com/aihpc/library/alpine:3.20', assets: '/work/repo/assets' }
      })
    )
    expect(command.args.join(' ')).toBe(
      'buildx build --progress plain -f - -t harbor.example.com/aihpc/api:v1 --network host --allow network.host --platform linux/amd64,linux/arm64 --shm-size 1g ' +
        '--cache-from type=registry,ref=harbor.example.com/aihpc/api:cache --cache-to type=inline --ssh default ' +
        '--build-context base=docker-image://harbor.example.com/aihpc/library/alpine:3.20 --build-context assets=/work/repo/assets --push /work/repo/api'
    )
  })

  test('built-in BuildKit: DOCKER_BUILDKIT=1 in the process environment and in the displayed command, the Dockerfile on stdin, args from the environment', () => {
    const command = buildCommand(build({ builder: buildkit, network: 'host', ssh: ['default'], args: { MODE: 'prod' } }))
    expect(command.args).toEqual(['build', '--progress', 'plain', '-f', '-', '-t', 'harbor.example.com/aihpc/api:v1', '--network', 'host', '--ssh', 'default', '--build-arg', 'MODE', '/work/repo/api'])
    expect(command.env).toEqual({ MODE: 'prod', DOCKER_BUILDKIT: '1' })
    expect(displayCommand(command)).toBe('DOCKER_BUILDKIT=1 docker build --progress plain -f - -t harbor.example.com/aihpc/api:v1 --network host --ssh default --build-arg MODE /work/repo/api < Dockerfile')
    expect(displayCommand(command)).not.toContain('prod')
  })

  test('legacy: DOCKER_BUILDKIT=0, so a newer CLI told DOCKER_BUILDKIT=1 elsewhere still builds', () => {
    const command = buildCommand(build({ builder: legacy }))
    expect(command.args).toEqual(['build', '-f', '-', '-t', 'harbor.example.com/aihpc/api:v1', '/work/repo/api'])
    expect(command.env).toEqual({ DOCKER_BUILDKIT: '0' })
    expect(displayCommand(command)).toBe('DOCKER_BUILDKIT=0 docker build -f - -t harbor.example.com/aihpc/api:v1 /work/repo/api < Dockerfile')
  })

  test('a build arg named DOCKER_BUILDKIT cannot switch the builder: it goes on the command line, elided', () => {
    const command = buildCommand(build({ builder: buildkit, args: { DOCKER_BUILDKIT: '0' } }))
    expect(command.env).toEqual({ DOCKER_BUILDKIT: '1' })
    expect(displayCommand(command)).toContain('--build-arg DOCKER_BUILDKIT=…')
  })

  test('secrets: a file by its absolute path (shown relative to the workspace), a variable by name; never a value', () => {
    const command = buildCommand(
      build({
        builder: buildkit,
        args: { NPM_TOKEN: 'from-compose', MODE: 'prod' },
        secrets: [
          { id: 'cert', src: '/work/repo/secrets/ca.pem', shownSrc: 'secrets/ca.pem' },
          { id: 'npm', env: 'NPM_TOKEN' }
        ]
      })
    )
    expect(command.args).toEqual([
      'build', '--progress', 'plain', '-f', '-', '-t', 'harbor.example.com/aihpc/api:v1',
      '--secret', 'id=cert,src=/work/repo/secrets/ca.pem', '--secret', 'id=npm,env=NPM_TOKEN',
      '--build-arg', 'NPM_TOKEN=from-compose', '--build-arg', 'MODE', '/work/repo/api'
    ])
    // The variable a secret is read from keeps the runner's value: a build arg of that name is not laid over it.
    expect(command.env).toEqual({ MODE: 'prod', DOCKER_BUILDKIT: '1' })
    expect(displayCommand(command)).toBe(
      'DOCKER_BUILDKIT=1 docker build --progress plain -f - -t harbor.example.com/aihpc/api:v1 --secret id=cert,src=secrets/ca.pem --secret id=npm,env=NPM_TOKEN --build-arg NPM_TOKEN=… --build-arg MODE /work/repo/api < Dockerfile'
    )
  })

  test('the version probes of the builder detection', () => {
    expect(buildxVersionCommand().args).toEqual(['buildx', 'version'])
    expect(dockerVersionCommand().args).toEqual(['version', '--format', '{{json .}}'])
  })
})

describe('displayCommand', () => {
  test('shows stdin of a build as a redirection, and nothing for other commands', () => {
    expect(displayCommand(buildCommand(build()))).toBe('docker build -f - -t harbor.example.com/aihpc/api:v1 /work/repo/api < Dockerfile')
    expect(displayCommand(pullCommand(ref('postgres:15-alpine')))).toBe('docker pull postgres:15-alpine')
  })

  test('shell-quotes arguments holding spaces, quotes or template braces, and only those', () => {
    expect(displayCommand(inspectImageCommand('postgres:15-alpine'))).toBe("docker image inspect --format '{{.Id}} {{json .RepoDigests}}' postgres:15-alpine")
    expect(formatDockerCommand(['build', '--label', "note=it's here"])).toBe(`docker build --label 'note=it'\\''s here'`)
    expect(formatDockerCommand(['build', '--build-arg', 'A=b c', '/a path/ctx'])).toBe(`docker build --build-arg 'A=b c' '/a path/ctx'`)
    expect(formatDockerCommand(['tag', 'quay.io/minio/minio:latest', '127.0.0.1:5000/aihpc/minio/minio@sha256:abc'])).toBe(
      'docker tag quay.io/minio/minio:latest 127.0.0.1:5000/aihpc/minio/minio@sha256:abc'
    )
  })

  test('a context path with spaces is quoted and still shown whole', () => {
    expect(displayCommand(buildCommand(build({ context: '/work/my repo/api' })))).toBe(
      "docker build -f - -t harbor.example.com/aihpc/api:v1 '/work/my repo/api' < Dockerfile"
    )
  })
})

describe('the other docker operations', () => {
  test('login keeps the password on stdin only: never in the arguments or the displayed command', () => {
    const command = loginCommand('127.0.0.1:5000', 'mirror-bot', 'p@ss word!')
    expect(command.args).toEqual(['login', '--username', 'mirror-bot', '--password-stdin', '127.0.0.1:5000'])
    expect(command.input).toBe('p@ss word!')
    expect(command.env).toBeUndefined()
    expect(displayCommand(command)).toBe('docker login --username mirror-bot --password-stdin 127.0.0.1:5000')
    expect(JSON.stringify(command.args)).not.toContain('p@ss')
  })

  test('logout, pull, tag and push name images in the familiar form', () => {
    expect(logoutCommand('127.0.0.1:5000').args).toEqual(['logout', '127.0.0.1:5000'])
    expect(pullCommand(ref('docker.io/library/postgres:15-alpine')).args).toEqual(['pull', 'postgres:15-alpine'])
    expect(pullCommand(ref('osixia/openldap:stable')).args).toEqual(['pull', 'osixia/openldap:stable'])
    expect(tagCommand(ref('quay.io/minio/minio:latest'), ref('127.0.0.1:5000/aihpc/minio/minio:latest')).args).toEqual([
      'tag',
      'quay.io/minio/minio:latest',
      '127.0.0.1:5000/aihpc/minio/minio:latest'
    ])
    expect(pushCommand(ref('127.0.0.1:5000/aihpc/library/redis:7-alpine')).args).toEqual(['push', '127.0.0.1:5000/aihpc/library/redis:7-alpine'])
  })

  test('a manifest lookup adds --insecure only where asked', () => {
    expect(manifestInspectCommand(ref('127.0.0.1:5000/a/b:1'), true).args).toEqual(['manifest', 'inspect', '--insecure', '--verbose', '127.0.0.1:5000/a/b:1'])
    expect(manifestInspectCommand(ref('harbor.example.com/a/b:1'), false).args).toEqual(['manifest', 'inspect', '--verbose', 'harbor.example.com/a/b:1'])
  })
})
