import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { renderActionYaml } from '../src/action-yaml.js'
import { DEFAULT_FAIL_ON, FINDING_KINDS, INPUT_SPECS, INPUTS } from '../src/inputs.js'
import { buildSettings, copyEngine, InputError, readInputs, redactUserInfo, reportPathAfterError, splitList, type Settings, type SettingsContext } from '../src/settings.js'

/**
 * Table tests over a getInput stub, as actions/checkout's input-helper tests
 * do: every input with a valid value (and what Settings holds) and an invalid
 * one (and the exact message, naming the input and the value).
 */
let workspace: string
let temp: string
let outside: string
const masked: string[] = []

beforeAll(() => {
  workspace = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'im-settings-ws-')))
  temp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'im-settings-tmp-')))
  outside = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'im-settings-outside-')))
  fs.mkdirSync(path.join(workspace, 'deploy'))
  fs.mkdirSync(path.join(workspace, 'reports'))
  fs.writeFileSync(path.join(workspace, 'deploy', 'compose.yml'), 'services: {}\n')
  fs.writeFileSync(path.join(workspace, 'mapping.yml'), 'rules: []\n')
  fs.writeFileSync(path.join(workspace, '.env'), 'A=1\n')
  fs.writeFileSync(path.join(workspace, 'ca.pem'), '')
  fs.writeFileSync(path.join(outside, 'secrets.env'), 'TOKEN=x\n')
  fs.symlinkSync(path.join(outside, 'secrets.env'), path.join(workspace, 'linked.env'))
  fs.symlinkSync(path.join(outside, 'secrets.env'), path.join(workspace, 'linked-report.json'))
  fs.symlinkSync(outside, path.join(workspace, 'linked-dir'))
  execFileSync('mkfifo', [path.join(workspace, 'fifo.env')])
})

afterAll(() => {
  for (const dir of [workspace, temp, outside]) fs.rmSync(dir, { recursive: true, force: true })
})

const context = (extra: Partial<SettingsContext> = {}): SettingsContext => ({
  workspace,
  tempDir: temp,
  env: {},
  maskSecret: value => {
    masked.push(value)
  },
  ...extra
})

/** A getInput stub: inputs not given read as '' (the runner's defaults are the reader's job, from the table). */
const stub =
  (inputs: Record<string, string>) =>
  (name: string): string =>
    inputs[name] ?? ''

const settingsOf = (inputs: Record<string, string>, extra: Partial<SettingsContext> = {}): Settings => buildSettings(stub({ mode: 'plan', ...inputs }), context(extra))

const errorOf = (inputs: Record<string, string>): string => {
  try {
    settingsOf(inputs)
  } catch (error) {
    if (error instanceof InputError) return error.message
    throw error
  }
  throw new Error(`no InputError for ${JSON.stringify(inputs)}`)
}

describe('buildSettings: every input, valid', () => {
  const valid: Array<{ input: string; inputs: Record<string, string>; expected: (settings: Settings) => unknown; equals: unknown }> = [
    { input: 'mode', inputs: { mode: 'check', registry: 'harbor.example.com/aihpc' }, expected: s => s.mode, equals: 'check' },
    { input: 'registry', inputs: { registry: 'Harbor.example.com/aihpc/'.toLowerCase() }, expected: s => s.registry, equals: { text: 'harbor.example.com/aihpc', registry: 'harbor.example.com', namespace: 'aihpc' } },
    { input: 'tag', inputs: { tag: 'v0.3.5' }, expected: s => s.tag, equals: 'v0.3.5' },
    { input: 'path', inputs: { path: 'deploy' }, expected: s => s.root, equals: '<ws>/deploy' },
    { input: 'layout', inputs: { layout: 'library' }, expected: s => [s.layout, s.layoutFromInput], equals: ['library', true] },
    { input: 'flat-separator', inputs: { 'flat-separator': '__' }, expected: s => s.flatSeparator, equals: '__' },
    { input: 'config', inputs: { config: 'mapping.yml' }, expected: s => s.configFile, equals: '<ws>/mapping.yml' },
    { input: 'strict', inputs: { strict: 'TRUE' }, expected: s => s.strict, equals: true },
    { input: 'compose-files', inputs: { 'compose-files': 'defaults, deploy/*.yml\ncompose.{prod,staging}.yml' }, expected: s => s.composeFiles, equals: ['defaults', 'deploy/*.yml', 'compose.{prod,staging}.yml'] },
    { input: 'dockerfiles', inputs: { dockerfiles: 'Dockerfile.[a-z]*' }, expected: s => s.dockerfiles, equals: ['Dockerfile.[a-z]*'] },
    { input: 'exclude', inputs: { exclude: '**/{docs,tools}/**, vendor/**' }, expected: s => s.exclude, equals: ['**/{docs,tools}/**', 'vendor/**'] },
    { input: 'env-file', inputs: { 'env-file': '.env\n# a comment\n' }, expected: s => s.envFiles, equals: ['<ws>/.env'] },
    { input: 'template-defaults', inputs: { 'template-defaults': '.env' }, expected: s => s.templateDefaults, equals: ['<ws>/.env'] },
    { input: 'fail-on', inputs: { 'fail-on': 'unmapped, collision' }, expected: s => s.failOn, equals: ['unmapped', 'collision'] },
    { input: 'compose-output', inputs: { 'compose-output': 'out/compose.yml' }, expected: s => s.composeOutput, equals: '<ws>/out/compose.yml' },
    { input: 'report-path', inputs: { 'report-path': 'reports/run.json' }, expected: s => s.reportPath, equals: '<ws>/reports/run.json' },
    { input: 'engine', inputs: { engine: 'registry' }, expected: s => s.engine, equals: 'registry' },
    { input: 'pull', inputs: { pull: 'never' }, expected: s => s.pull, equals: 'never' },
    { input: 'push', inputs: { push: 'false' }, expected: s => s.push, equals: false },
    { input: 'use-mirrored-bases', inputs: { 'use-mirrored-bases': 'no' }, expected: s => s.useMirroredBases, equals: false },
    { input: 'build-network', inputs: { 'build-network': 'host' }, expected: s => s.buildNetwork, equals: 'host' },
    { input: 'builder', inputs: { builder: 'builder-3f2a' }, expected: s => s.builder, equals: 'builder-3f2a' },
    { input: 'build-secret-env', inputs: { 'build-secret-env': 'NPM_TOKEN, GITHUB_TOKEN' }, expected: s => s.buildSecretEnv, equals: ['NPM_TOKEN', 'GITHUB_TOKEN'] },
    { input: 'verify-from', inputs: { 'verify-from': 'local' }, expected: s => s.verifyFrom, equals: 'local' },
    { input: 'bundle', inputs: { mode: 'export', registry: 'harbor.example.com/aihpc', bundle: 'bundles/images.tar' }, expected: s => path.relative(s.workspace, s.bundle as string), equals: 'bundles/images.tar' },
    { input: 'bundle', inputs: { mode: 'import', registry: 'harbor.example.com/aihpc', bundle: 'https://files.example.com/images.tar' }, expected: s => s.bundle, equals: 'https://files.example.com/images.tar' },
    { input: 'bundle-baseline', inputs: { mode: 'export', registry: 'harbor.example.com/aihpc', bundle: 'new', 'bundle-baseline': 'deploy/compose.yml' }, expected: s => path.relative(s.workspace, s.bundleBaseline as string), equals: 'deploy/compose.yml' },
    { input: 'cache', inputs: { mode: 'export', registry: 'harbor.example.com/aihpc', bundle: 'b.tar', cache: 'true' }, expected: s => [s.cache, path.relative(temp, s.cacheDir)], equals: [true, 'image-mirror-cache'] },
    { input: 'dry-run', inputs: { 'dry-run': 'on' }, expected: s => s.dryRun, equals: true },
    { input: 'username', inputs: { username: 'robot$ci', password: 'p' }, expected: s => s.targetCredentials, equals: { username: 'robot$ci', password: 'p' } },
    { input: 'password', inputs: { username: 'u', password: ' s3cret ' }, expected: s => s.targetCredentials?.password, equals: ' s3cret ' },
    { input: 'source-username', inputs: { 'source-username': 'me@example.com', 'source-password': 'q' }, expected: s => s.sourceCredentials, equals: { username: 'me@example.com', password: 'q' } },
    { input: 'source-password', inputs: { 'source-username': 'me', 'source-password': 'tok' }, expected: s => s.sourceCredentials?.password, equals: 'tok' },
    { input: 'concurrency', inputs: { concurrency: '64' }, expected: s => s.concurrency, equals: 64 },
    { input: 'build-concurrency', inputs: { 'build-concurrency': '16' }, expected: s => s.buildConcurrency, equals: 16 },
    { input: 'retries', inputs: { retries: '0' }, expected: s => s.retries, equals: 0 },
    { input: 'registry-mirror', inputs: { 'registry-mirror': 'https://mirror.example.com/' }, expected: s => s.registryMirror, equals: 'https://mirror.example.com' },
    { input: 'insecure-registries', inputs: { 'insecure-registries': 'registry.local:5000, 10.0.0.5' }, expected: s => s.insecureRegistries, equals: ['registry.local:5000', '10.0.0.5'] },
    { input: 'ca-file', inputs: { 'ca-file': 'ca.pem' }, expected: s => s.caFile, equals: '<ws>/ca.pem' },
    { input: 'platforms', inputs: { platforms: 'linux/amd64\nlinux/arm64/v8' }, expected: s => s.platforms, equals: ['linux/amd64', 'linux/arm64/v8'] },
    { input: 'copy-referrers', inputs: { 'copy-referrers': 'true' }, expected: s => s.copyReferrers, equals: true },
    { input: 'shards', inputs: { shards: '256' }, expected: s => s.shards, equals: 256 },
    { input: 'shard', inputs: { shard: '2/4' }, expected: s => s.shard, equals: { index: 2, count: 4 } }
  ]
  const resolve = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? null).replace(/<ws>/g, workspace.replace(/\\/g, '\\\\')))
  for (const { input, inputs, expected, equals } of valid) {
    it(`reads ${input}: ${JSON.stringify(inputs)}`, () => {
      expect(expected(settingsOf(inputs))).toEqual(resolve(equals))
    })
  }

  it('covers every input of the table', () => {
    const covered = new Set(valid.map(entry => entry.input))
    expect(INPUT_SPECS.map(spec => spec.name).filter(name => !covered.has(name))).toEqual([])
  })
})

describe('buildSettings: every input, invalid, with the exact message', () => {
  const invalid: Array<{ input: string; inputs: Record<string, string>; message: string }> = [
    { input: 'mode', inputs: { mode: 'Plan' }, message: "Invalid mode 'Plan': expected plan, check, mirror, build, verify, all, export or import" },
    { input: 'mode', inputs: { mode: 'mirror' }, message: "Input 'registry' is required for mode 'mirror' (for example registry: harbor.example.com/project)" },
    { input: 'registry', inputs: { registry: 'aihpc' }, message: "Invalid registry 'aihpc': 'aihpc' is not a registry host (expected e.g. harbor.example.com/project or localhost:5000)" },
    { input: 'registry', inputs: { registry: 'https://harbor.example.com' }, message: "Invalid registry 'https://harbor.example.com': expected a host with an optional namespace, without a scheme, e.g. harbor.example.com/aihpc" },
    {
      input: 'registry',
      inputs: { registry: 'robot:Sup3rS3cret@harbor.example.com/aihpc' },
      message: "Invalid registry 'robot:***@harbor.example.com/aihpc': credentials do not belong in this input: give them in username and password (or source-username and source-password)"
    },
    { input: 'tag', inputs: { tag: '.v1' }, message: "Invalid tag '.v1': a tag is letters, digits, '_', '.' and '-', at most 128 characters, not starting with '.' or '-'" },
    { input: 'path', inputs: { path: 'nowhere' }, message: "Invalid path 'nowhere': <ws>/nowhere is not a directory" },
    { input: 'layout', inputs: { layout: 'flatt' }, message: "Invalid layout 'flatt': expected preserve, library or flat" },
    { input: 'flat-separator', inputs: { 'flat-separator': '+' }, message: "Invalid flat-separator '+': expected one of '-', '_', '.', '__'" },
    { input: 'config', inputs: { config: 'missing.yml' }, message: "Invalid config 'missing.yml': <ws>/missing.yml does not exist" },
    { input: 'strict', inputs: { strict: 'maybe' }, message: "Invalid strict 'maybe': expected true or false" },
    { input: 'compose-files', inputs: { 'compose-files': 'compose.yml, /etc/compose.yml' }, message: "Invalid compose-files entry '/etc/compose.yml': patterns are relative to the scanned path: drop the leading '/'" },
    { input: 'dockerfiles', inputs: { dockerfiles: 'Dockerfile.[z-a]' }, message: "Invalid dockerfiles entry 'Dockerfile.[z-a]': the range 'z-a' is out of order" },
    { input: 'exclude', inputs: { exclude: '**/{docs,tools' }, message: "Invalid exclude entry '**/{docs,tools': the '{' at position 4 is never closed" },
    { input: 'env-file', inputs: { 'env-file': 'missing.env' }, message: "Invalid env-file entry 'missing.env': <ws>/missing.env does not exist" },
    { input: 'template-defaults', inputs: { 'template-defaults': 'linked.env' }, message: "Invalid template-defaults entry 'linked.env': <ws>/linked.env resolves to <outside>/secrets.env, outside the workspace (<ws>)" },
    { input: 'fail-on', inputs: { 'fail-on': 'unmaped' }, message: `Invalid fail-on entry 'unmaped': expected none, all, ${FINDING_KINDS.slice(0, -1).join(', ')} or ${FINDING_KINDS[FINDING_KINDS.length - 1]}` },
    { input: 'fail-on', inputs: { 'fail-on': 'none, unmapped' }, message: "Invalid fail-on 'none, unmapped': none stands alone, without finding kinds" },
    { input: 'compose-output', inputs: { 'compose-output': 'linked-report.json' }, message: "Invalid compose-output 'linked-report.json': <ws>/linked-report.json is a symbolic link; refusing to write through it" },
    { input: 'report-path', inputs: { 'report-path': 'reports' }, message: "Invalid report-path 'reports': it is a directory; name a file" },
    { input: 'engine', inputs: { engine: 'skopeo' }, message: "Invalid engine 'skopeo': expected auto, docker or registry" },
    { input: 'pull', inputs: { pull: 'sometimes' }, message: "Invalid pull 'sometimes': expected missing, always or never" },
    { input: 'push', inputs: { push: 'nope' }, message: "Invalid push 'nope': expected true or false" },
    { input: 'use-mirrored-bases', inputs: { 'use-mirrored-bases': '2' }, message: "Invalid use-mirrored-bases '2': expected true or false" },
    { input: 'build-network', inputs: { 'build-network': 'host --privileged' }, message: "Invalid build-network 'host --privileged': expected default, host, none or the name of a docker network" },
    { input: 'builder', inputs: { builder: 'x --push' }, message: "Invalid builder 'x --push': expected the name of a buildx builder (letters, digits, _ . -)" },
    { input: 'build-secret-env', inputs: { 'build-secret-env': 'NPM TOKEN' }, message: "Invalid build-secret-env entry 'NPM TOKEN': expected the name of an environment variable (letters, digits and _, not starting with a digit)" },
    { input: 'build-secret-env', inputs: { 'build-secret-env': 'INPUT_PASSWORD' }, message: "Invalid build-secret-env entry 'INPUT_PASSWORD': the action's inputs and the runner's ACTIONS_ tokens are never passed to a build" },
    { input: 'build-secret-env', inputs: { 'build-secret-env': 'ACTIONS_RUNTIME_TOKEN' }, message: "Invalid build-secret-env entry 'ACTIONS_RUNTIME_TOKEN': the action's inputs and the runner's ACTIONS_ tokens are never passed to a build" },
    { input: 'verify-from', inputs: { 'verify-from': 'remote' }, message: "Invalid verify-from 'remote': expected registry, local or bundle" },
    { input: 'verify-from', inputs: { mode: 'verify', registry: 'harbor.example.com/aihpc', 'verify-from': 'bundle' }, message: "Input 'bundle' is required with verify-from: bundle" },
    { input: 'bundle', inputs: { mode: 'export', registry: 'harbor.example.com/aihpc' }, message: "Input 'bundle' is required for mode 'export' (a directory, or a file ending in .tar)" },
    { input: 'bundle', inputs: { mode: 'export', registry: 'harbor.example.com/aihpc', bundle: 'https://files.example.com/b.tar' }, message: "Invalid bundle 'https://files.example.com/b.tar': mode export writes a local path, not a URL" },
    { input: 'bundle', inputs: { mode: 'import', registry: 'harbor.example.com/aihpc', bundle: 'ftp://files.example.com/b.tar' }, message: "Invalid bundle 'ftp://files.example.com/b.tar': expected a path, or an http(s):// URL of a .tar archive" },
    { input: 'bundle', inputs: { mode: 'import', registry: 'harbor.example.com/aihpc', bundle: 'missing.tar' }, message: "Invalid bundle 'missing.tar': <ws>/missing.tar does not exist" },
    { input: 'bundle-baseline', inputs: { mode: 'import', registry: 'harbor.example.com/aihpc', bundle: 'deploy', 'bundle-baseline': 'deploy/compose.yml' }, message: "Input 'bundle-baseline' is used by mode export only" },
    { input: 'bundle-baseline', inputs: { mode: 'export', registry: 'harbor.example.com/aihpc', bundle: 'b.tar', 'bundle-baseline': 'missing/index.json' }, message: "Invalid bundle-baseline 'missing/index.json': <ws>/missing/index.json does not exist" },
    { input: 'cache', inputs: { cache: 'always' }, message: "Invalid cache 'always': expected true or false" },
    { input: 'dry-run', inputs: { 'dry-run': 'yes please' }, message: "Invalid dry-run 'yes please': expected true or false" },
    { input: 'username', inputs: { username: 'u' }, message: "Inputs 'username' and 'password' go together: give both or neither" },
    { input: 'password', inputs: { password: 'p' }, message: "Inputs 'username' and 'password' go together: give both or neither" },
    { input: 'source-username', inputs: { 'source-username': 'u' }, message: "Inputs 'source-username' and 'source-password' go together: give both or neither" },
    { input: 'source-password', inputs: { 'source-password': 'p' }, message: "Inputs 'source-username' and 'source-password' go together: give both or neither" },
    { input: 'concurrency', inputs: { concurrency: '0' }, message: "Invalid concurrency '0': expected a whole number from 1 to 64" },
    { input: 'concurrency', inputs: { concurrency: 'four' }, message: "Invalid concurrency 'four': expected a whole number from 1 to 64" },
    { input: 'build-concurrency', inputs: { 'build-concurrency': '17' }, message: "Invalid build-concurrency '17': expected a whole number from 1 to 16" },
    { input: 'retries', inputs: { retries: '-1' }, message: "Invalid retries '-1': expected a whole number from 0 to 10" },
    { input: 'registry-mirror', inputs: { 'registry-mirror': 'mirror.example.com' }, message: "Invalid registry-mirror 'mirror.example.com': expected a URL such as https://mirror.example.com" },
    {
      input: 'registry-mirror',
      inputs: { 'registry-mirror': 'https://me:hunter2@mirror.example.com' },
      message: "Invalid registry-mirror 'https://me:***@mirror.example.com': credentials do not belong in this input: give them in username and password (or source-username and source-password)"
    },
    { input: 'insecure-registries', inputs: { 'insecure-registries': 'http://registry.local' }, message: "Invalid insecure-registries entry 'http://registry.local': 'http:' is not a registry host (expected e.g. harbor.example.com/project or localhost:5000)" },
    { input: 'ca-file', inputs: { 'ca-file': 'nope.pem' }, message: "Invalid ca-file 'nope.pem': <ws>/nope.pem does not exist" },
    { input: 'platforms', inputs: { platforms: 'amd64' }, message: "Invalid platforms entry 'amd64': expected os/arch[/variant], e.g. linux/arm64" },
    { input: 'copy-referrers', inputs: { 'copy-referrers': 'sure' }, message: "Invalid copy-referrers 'sure': expected true or false" },
    { input: 'shards', inputs: { shards: '257' }, message: "Invalid shards '257': expected a whole number from 1 to 256" },
    { input: 'shard', inputs: { shard: '5/4' }, message: "Invalid shard '5/4': expected i/n with 1 <= i <= n <= 256, e.g. 2/4" }
  ]
  for (const { input, inputs, message } of invalid) {
    it(`rejects ${input}: ${JSON.stringify(inputs)}`, () => {
      expect(errorOf(inputs)).toBe(message.replace(/<ws>/g, workspace).replace(/<outside>/g, outside))
    })
  }

  it('covers every input of the table', () => {
    const covered = new Set(invalid.map(entry => entry.input))
    expect(INPUT_SPECS.map(spec => spec.name).filter(name => !covered.has(name))).toEqual([])
  })

  it('names the input at fault on the error', () => {
    try {
      settingsOf({ concurrency: '0' })
    } catch (error) {
      expect((error as InputError).input).toBe('concurrency')
    }
  })
})

describe('buildSettings: defaults come from the table', () => {
  it('applies the table default of mode (all) when no mode is given', () => {
    const settings = buildSettings(stub({ registry: 'harbor.example.com' }), context())
    expect(settings.mode).toBe(INPUTS.find(input => input.name === 'mode')?.default)
    expect(settings.mode).toBe('all')
  })

  it('gives the documented values with only mode: plan', () => {
    const settings = settingsOf({})
    expect(settings).toEqual(
      expect.objectContaining({
        workspace,
        root: workspace,
        outputRoots: [workspace, temp],
        mode: 'plan',
        layout: 'preserve',
        layoutFromInput: false,
        composeFiles: [],
        dockerfiles: [],
        exclude: [],
        envFiles: [],
        failOn: [...DEFAULT_FAIL_ON],
        reportPath: path.join(temp, 'image-mirror-report.json'),
        engine: 'auto',
        pull: 'missing',
        push: true,
        useMirroredBases: true,
        verifyFrom: 'registry',
        dryRun: false,
        concurrency: 4,
        buildConcurrency: 1,
        retries: 3,
        insecureRegistries: [],
        platforms: [],
        copyReferrers: false,
        shards: 1
      })
    )
    for (const key of ['registry', 'tag', 'flatSeparator', 'configFile', 'strict', 'composeOutput', 'buildNetwork', 'targetCredentials', 'sourceCredentials', 'registryMirror', 'caFile', 'shard'] as const) {
      expect([key, settings[key]]).toEqual([key, undefined])
    }
  })

  it('reads DOCKER_BUILDKIT as docker does: 0 or false asks for the legacy builder, unset or not a boolean leaves it to detection', () => {
    const buildkit = (value: string | undefined): boolean | undefined => settingsOf({}, { env: { DOCKER_BUILDKIT: value } }).buildkit
    expect([buildkit('0'), buildkit('false'), buildkit('1'), buildkit('TRUE'), buildkit(undefined), buildkit('yes')]).toEqual([false, false, true, true, undefined, undefined])
    expect(settingsOf({}).builder).toBeUndefined()
  })

  it('build-secret-env: no variable by default, and never one holding a registry password (its value is not echoed)', () => {
    expect(settingsOf({}).buildSecretEnv).toEqual([])
    const run = (): Settings =>
      settingsOf({ username: 'robot', password: 'hunter2-registry', 'build-secret-env': 'NPM_TOKEN, HARBOR_PASSWORD' }, { env: { NPM_TOKEN: 'npm', HARBOR_PASSWORD: 'hunter2-registry' } })
    expect(run).toThrow(new InputError("Invalid build-secret-env entry 'HARBOR_PASSWORD': it holds the password of a registry input, which is never passed to a build", 'build-secret-env'))
    expect(settingsOf({ 'build-secret-env': 'NPM_TOKEN' }, { env: { NPM_TOKEN: 'npm' } }).buildSecretEnv).toEqual(['NPM_TOKEN'])
  })

  it('builds use docker’s default network unless build-network says otherwise (--network=host is never a default)', () => {
    expect(settingsOf({}).buildNetwork).toBeUndefined()
    expect(INPUT_SPECS.find(spec => spec.name === 'build-network')?.default).toBeUndefined()
  })

  it('makes engine auto the default: copies through the registry engine, docker for the offline retags', () => {
    expect(settingsOf({}).engine).toBe('auto')
    expect(copyEngine(settingsOf({}))).toBe('registry')
    expect(copyEngine(settingsOf({ pull: 'never' }))).toBe('docker')
    expect(copyEngine(settingsOf({ push: 'false' }))).toBe('docker')
    expect(copyEngine(settingsOf({ engine: 'docker' }))).toBe('docker')
    expect(copyEngine(settingsOf({ engine: 'registry', pull: 'never' }))).toBe('registry')
  })

  it('rejects platforms with an engine that cannot honour it, naming the input', () => {
    expect(errorOf({ engine: 'docker', platforms: 'linux/arm64' })).toBe(
      "Invalid platforms 'linux/arm64': engine 'docker' copies the daemon's platform only; use engine 'auto' (the default) or 'registry' with pull and push left as they are, or remove platforms"
    )
    expect(errorOf({ pull: 'never', platforms: 'linux/arm64' })).toMatch(/^Invalid platforms 'linux\/arm64': with pull 'never', copies are offline retags/)
    expect(errorOf({ push: 'false', platforms: 'linux/amd64, linux/arm64' })).toMatch(/^Invalid platforms 'linux\/amd64, linux\/arm64': with push 'false'/)
    expect(settingsOf({ platforms: 'linux/arm64' }).platforms).toEqual(['linux/arm64'])
    expect(settingsOf({ engine: 'registry', platforms: 'linux/arm64' }).platforms).toEqual(['linux/arm64'])
  })

  it("reads the user's docker config directory from DOCKER_CONFIG, else HOME, and never makes a private one itself", () => {
    expect(settingsOf({}, { env: { DOCKER_CONFIG: '/cfg/docker' } }).userDockerConfig).toBe('/cfg/docker')
    expect(settingsOf({}, { env: { HOME: '/home/runner' } }).userDockerConfig).toBe('/home/runner/.docker')
    expect(settingsOf({}).privateDockerConfig).toBeUndefined()
  })

  it('reads fail-on none and all', () => {
    expect(settingsOf({ 'fail-on': 'none' }).failOn).toEqual([])
    expect(settingsOf({ 'fail-on': 'all' }).failOn).toEqual([...FINDING_KINDS])
  })

  it('every default in the table is itself a valid value', () => {
    const inputs: Record<string, string> = { registry: 'harbor.example.com' }
    for (const spec of INPUT_SPECS) if (spec.default !== undefined) inputs[spec.name] = spec.default
    expect(() => buildSettings(stub(inputs), context())).not.toThrow()
  })

  it('puts the default report in the per-run directory the CLI gives', () => {
    const reportDir = fs.mkdtempSync(path.join(temp, 'run-'))
    expect(settingsOf({}, { reportDir }).reportPath).toBe(path.join(reportDir, 'image-mirror-report.json'))
  })
})

describe('buildSettings: workspace rules', () => {
  it('resolves config and env-file against the workspace, not the scanned path', () => {
    const settings = settingsOf({ path: 'deploy', config: 'mapping.yml', 'env-file': '.env' })
    expect(settings.configFile).toBe(path.join(workspace, 'mapping.yml'))
    expect(settings.envFiles).toEqual([path.join(workspace, '.env')])
  })

  it('uses .github/image-mirror.yml at the workspace root even when path is a subdirectory', () => {
    fs.mkdirSync(path.join(workspace, '.github'), { recursive: true })
    fs.writeFileSync(path.join(workspace, '.github', 'image-mirror.yml'), 'rules: []\n')
    try {
      expect(settingsOf({ path: 'deploy' }).configFile).toBe(path.join(workspace, '.github', 'image-mirror.yml'))
    } finally {
      fs.rmSync(path.join(workspace, '.github'), { recursive: true })
    }
  })

  it('refuses a default mapping file that is a link leading out of the workspace', () => {
    fs.mkdirSync(path.join(workspace, '.github'), { recursive: true })
    fs.symlinkSync(path.join(outside, 'secrets.env'), path.join(workspace, '.github', 'image-mirror.yml'))
    try {
      expect(errorOf({})).toBe(
        `Invalid mapping file .github/image-mirror.yml: ${workspace}/.github/image-mirror.yml resolves to ${outside}/secrets.env, outside the workspace (${workspace})`
      )
    } finally {
      fs.rmSync(path.join(workspace, '.github'), { recursive: true })
    }
  })

  it('refuses an env-file that is a link leading out of the workspace', () => {
    expect(errorOf({ 'env-file': 'linked.env' })).toBe(
      `Invalid env-file entry 'linked.env': ${workspace}/linked.env resolves to ${outside}/secrets.env, outside the workspace (${workspace})`
    )
  })

  it('refuses an env-file that is a FIFO (reading it would hang)', () => {
    expect(errorOf({ 'env-file': 'fifo.env' })).toBe(`Invalid env-file entry 'fifo.env': ${workspace}/fifo.env is not a regular file`)
  })

  it('refuses a report-path outside the workspace and the temp directory', () => {
    expect(errorOf({ 'report-path': path.join(outside, 'r.json') })).toBe(
      `Invalid report-path '${path.join(outside, 'r.json')}': it is outside the workspace and the temp directory (${workspace}, ${temp})`
    )
  })

  it('refuses a report-path or compose-output under a linked directory', () => {
    expect(errorOf({ 'report-path': 'linked-dir/r.json' })).toBe(`Invalid report-path 'linked-dir/r.json': ${workspace}/linked-dir is a symbolic link; refusing to write through it`)
    expect(errorOf({ 'compose-output': 'linked-dir/out' })).toBe(`Invalid compose-output 'linked-dir/out': ${workspace}/linked-dir is a symbolic link; refusing to write through it`)
  })

  it('refuses a report-path under an existing file', () => {
    expect(errorOf({ 'report-path': 'mapping.yml/r.json' })).toBe(`Invalid report-path 'mapping.yml/r.json': ${workspace}/mapping.yml is a file, not a directory`)
  })

  it('accepts a compose-output that is an existing directory or file', () => {
    expect(settingsOf({ 'compose-output': 'reports' }).composeOutput).toBe(path.join(workspace, 'reports'))
    expect(settingsOf({ 'compose-output': 'mapping.yml' }).composeOutput).toBe(path.join(workspace, 'mapping.yml'))
  })
})

describe('secrets in inputs', () => {
  it('masks passwords the moment they are read, before any validation fails', () => {
    masked.length = 0
    expect(() => settingsOf({ password: 'first-secret', 'source-username': 'x', 'source-password': 'second-secret', concurrency: 'bad' })).toThrow(InputError)
    expect(masked).toEqual(expect.arrayContaining(['first-secret', 'second-secret']))
  })

  it('masks and never echoes a password given as user:password@ in the registry or registry-mirror', () => {
    masked.length = 0
    const message = errorOf({ registry: 'robot:Sup3rS3cret@harbor.example.com' })
    expect(message).not.toContain('Sup3rS3cret')
    expect(masked).toContain('Sup3rS3cret')
    const mirror = errorOf({ 'registry-mirror': 'https://me:hunter2@mirror.example.com' })
    expect(mirror).not.toContain('hunter2')
    expect(masked).toContain('hunter2')
  })

  it('does not mask a username that merely contains @', () => {
    masked.length = 0
    settingsOf({ 'source-username': 'me@example.com', 'source-password': 'pw' })
    expect(masked).toEqual(['pw'])
  })

  it('never echoes a secret input', () => {
    for (const spec of INPUT_SPECS.filter(input => input.kind === 'secret')) {
      const values = readInputs(stub({ mode: 'plan', [spec.name]: 'x' }), context())
      expect(values[spec.name as 'password']).toBe('x')
    }
  })

  it('redacts user info in one value', () => {
    expect(redactUserInfo('u:p@h/x')).toBe('u:***@h/x')
    expect(redactUserInfo('https://u:p@h')).toBe('https://u:***@h')
    expect(redactUserInfo('token@h')).toBe('***@h')
    expect(redactUserInfo('h/x')).toBe('h/x')
  })

  it('escapes control characters in echoed values', () => {
    expect(errorOf({ tag: 'v1\n::error::x' })).toBe("Invalid tag 'v1\\x0a::error::x': a tag is letters, digits, '_', '.' and '-', at most 128 characters, not starting with '.' or '-'")
  })
})

describe('list inputs', () => {
  const cases: Array<[string, string[]]> = [
    ['a, b', ['a', 'b']],
    ['a\nb\r\nc', ['a', 'b', 'c']],
    ['**/{docs,tools}/**', ['**/{docs,tools}/**']],
    ['**/{docs,tools}/**, x/{a,{b,c}}', ['**/{docs,tools}/**', 'x/{a,{b,c}}']],
    ['[,]x, y', ['[,]x', 'y']],
    ['# comment\n  \n a ,, b ', ['a', 'b']],
    ['unclosed{a,b', ['unclosed{a,b']],
    ['', []]
  ]
  for (const [text, entries] of cases) {
    it(`splits ${JSON.stringify(text)} into ${JSON.stringify(entries)}`, () => {
      expect(splitList(text)).toEqual(entries)
    })
  }

  it('keeps a brace glob whole in exclude (it used to be split at the comma and crash the run)', () => {
    expect(settingsOf({ exclude: '**/{docs,tools}/**' }).exclude).toEqual(['**/{docs,tools}/**'])
  })
})

describe('the report path after an input error', () => {
  it('is the report-path input when that input is valid', () => {
    expect(reportPathAfterError(stub({ 'report-path': 'reports/r.json', mode: 'bad' }), context())).toBe(path.join(workspace, 'reports', 'r.json'))
  })

  it('is the default when report-path itself is invalid, and undefined when nothing can be written', () => {
    expect(reportPathAfterError(stub({ 'report-path': 'reports' }), context())).toBe(path.join(temp, 'image-mirror-report.json'))
    expect(reportPathAfterError(stub({ 'report-path': 'reports' }), context({ reportDir: path.join(outside, 'x') }))).toBeUndefined()
  })
})

describe('action.yml from the table', () => {
  it('declares every input with its default and every output, running on node24', () => {
    const yaml = renderActionYaml()
    for (const spec of INPUT_SPECS) expect(yaml).toContain(`\n  ${spec.name}:\n`)
    expect(yaml).toContain('  build-network:\n    description: ')
    expect(yaml).toMatch(/ {2}engine:\n {4}description: .*\n {4}required: false\n {4}default: auto\n/)
    expect(yaml).toMatch(/ {2}fail-on:\n {4}description: .*\n {4}required: false\n {4}default: invalid-file, /)
    expect(yaml).toContain('using: node24')
  })

  it('declares the post step that removes the private docker config, run always', () => {
    expect(renderActionYaml()).toMatch(/\nruns:\n {2}using: node24\n {2}main: dist\/index.js\n {2}post: dist\/post.js\n {2}post-if: always\(\)\n/)
  })
})
