/**
 * Issue 9, secrets through interpolation: compose and .env interpolation never
 * see the action's inputs, the CLI's IMAGE_MIRROR_* variables, the runner's
 * tokens, or a variable whose value is a credential the settings masked. A
 * reference to one is an unresolved-variable finding that says why, and no
 * secret appears anywhere in the inventory, the plan, the findings or the report.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { discoverFiles, groupComposeProjects } from '../src/discover/discover.js'
import { loadComposeProject } from '../src/extract/compose.js'
import { confinedReader } from '../src/extract/files.js'
import { buildInventory } from '../src/extract/inventory.js'
import { runPipeline } from '../src/pipeline.js'
import { buildSettings, type Settings } from '../src/settings.js'
import { recordingProgress } from './harness/progress.js'

const PASSWORD = 'Tr0ub4dor-target-password'
const SOURCE_PASSWORD = 'c0rrect-h0rse-source-password'
const RUNTIME_TOKEN = 'runtime-token-value-1234'
const OIDC_TOKEN = 'oidc-request-token-value-5678'
const OIDC_URL = 'https://token.actions.example/oidc?secret=9abc'
const GITHUB_TOKEN = 'ghs_github-token-value-0000'
const CLI_PASSWORD = 'cli-password-value-4321'
const SECRETS = [PASSWORD, SOURCE_PASSWORD, RUNTIME_TOKEN, OIDC_TOKEN, OIDC_URL, GITHUB_TOKEN, CLI_PASSWORD]

/** The environment the runner gives the action step, with its inputs as INPUT_* variables. */
const runnerEnv = (inputs: Record<string, string>): Record<string, string> => ({
  ...Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])),
  ACTIONS_RUNTIME_TOKEN: RUNTIME_TOKEN,
  ACTIONS_RUNTIME_URL: 'https://pipelines.actions.example/',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: OIDC_TOKEN,
  ACTIONS_ID_TOKEN_REQUEST_URL: OIDC_URL,
  GITHUB_TOKEN,
  IMAGE_MIRROR_PASSWORD: CLI_PASSWORD,
  // A workflow that also exposes the credential under a name of its own.
  DEPLOY_REGISTRY_PASSWORD: PASSWORD,
  TAG: '1.2.3'
})

const expectNoSecret = (value: unknown): void => {
  const json = JSON.stringify(value)
  for (const secret of SECRETS) expect(json).not.toContain(secret)
}

const COMPOSE = [
  'services:',
  '  app:',
  '    image: "example.org/x/img:${INPUT_PASSWORD}"',
  '  runtime:',
  '    image: example.org/x/runtime:${ACTIONS_RUNTIME_TOKEN:-none}',
  '  oidc:',
  '    image: example.org/x/oidc:$ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  '  token:',
  '    image: example.org/x/token:${GITHUB_TOKEN}',
  '  cli:',
  '    image: example.org/x/cli:${IMAGE_MIRROR_PASSWORD}',
  '  renamed:',
  '    image: example.org/x/renamed:${DEPLOY_REGISTRY_PASSWORD}',
  '  from-dotenv:',
  '    image: example.org/x/dotenv:${FROM_DOTENV}',
  '  built:',
  '    build:',
  '      context: .',
  '      args:',
  '        - INPUT_SOURCE-PASSWORD',
  '        - DEPLOY_REGISTRY_PASSWORD',
  '  fine:',
  '    image: example.org/x/fine:${TAG}',
  ''
].join('\n')

let workspace: string
let settings: Settings
const masked: string[] = []

beforeAll(() => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'im-secrets-'))
  fs.writeFileSync(path.join(workspace, 'compose.yml'), COMPOSE)
  fs.writeFileSync(path.join(workspace, '.env'), 'FROM_DOTENV=x-${INPUT_PASSWORD}\n')
  fs.writeFileSync(path.join(workspace, 'Dockerfile'), 'ARG BASE=alpine:3.20\nFROM ${BASE}\n')
  const inputs: Record<string, string> = {
    mode: 'plan',
    username: 'robot',
    password: PASSWORD,
    'source-username': 'hub-user',
    'source-password': SOURCE_PASSWORD
  }
  settings = buildSettings(name => inputs[name] ?? '', {
    workspace,
    tempDir: os.tmpdir(),
    env: runnerEnv(inputs),
    maskSecret: secret => void masked.push(secret)
  })
})

afterAll(() => {
  if (workspace !== undefined) fs.rmSync(workspace, { recursive: true, force: true })
})

function scan(env: Record<string, string>) {
  const reader = confinedReader(workspace)
  const discovery = discoverFiles(workspace, { composePatterns: [], dockerfilePatterns: [], exclude: [] })
  const inventory = buildInventory({ composeProjects: groupComposeProjects(discovery.composeFiles), dockerfiles: discovery.dockerfiles, env, envFiles: [], readFile: reader.readFile })
  return { ...inventory, findings: [...discovery.findings, ...reader.findings(), ...inventory.findings] }
}

describe('the interpolation environment of the settings', () => {
  it('holds no input, no runner token and no variable whose value is a credential', () => {
    expect(masked).toEqual(expect.arrayContaining([PASSWORD, SOURCE_PASSWORD]))
    expect(settings.env).toEqual({ TAG: '1.2.3' })
  })
})

describe('a hostile compose file that asks for secrets', () => {
  it('gets none of them: not in the inventory, its images or its findings', () => {
    const inventory = scan(settings.env)
    expectNoSecret(inventory)
    expect(inventory.images.map(image => image.source)).toContain('example.org/x/fine:1.2.3')
  })

  it('gets none of them even when the environment is passed unfiltered', () => {
    // Defence in depth: compose syntax withholds the names whatever the lookup holds
    // (a credential under a name of the workflow's own is withheld by the settings, above).
    const { DEPLOY_REGISTRY_PASSWORD: _renamed, ...env } = runnerEnv({ password: PASSWORD })
    const project = loadComposeProject(['compose.yml'], { env, envFiles: [], readFile: confinedReader(workspace).readFile })
    const images = project.services.flatMap(service => (service.image === undefined ? [] : [service.image.text]))
    for (const secret of [PASSWORD, RUNTIME_TOKEN, OIDC_TOKEN, GITHUB_TOKEN, CLI_PASSWORD]) expect(JSON.stringify(images)).not.toContain(secret)
    expect(JSON.stringify(project.findings)).not.toContain(PASSWORD)
  })

  it.each<[string, number, string]>([
    ['INPUT_PASSWORD', 3, 'app'],
    ['ACTIONS_RUNTIME_TOKEN', 5, 'runtime'],
    ['ACTIONS_ID_TOKEN_REQUEST_TOKEN', 7, 'oidc'],
    ['GITHUB_TOKEN', 9, 'token'],
    ['IMAGE_MIRROR_PASSWORD', 11, 'cli']
  ])('reports ${%s} as withheld, on its line', (name, line) => {
    const inventory = scan(settings.env)
    expect(inventory.findings).toContainEqual(
      expect.objectContaining({
        kind: 'unresolved-variable',
        file: 'compose.yml',
        line,
        message: expect.stringContaining(`variable ${name} is withheld: it holds a secret of the runner/action`)
      })
    )
  })

  it('reports a variable holding a credential as unresolved', () => {
    const inventory = scan(settings.env)
    expect(inventory.findings).toContainEqual(expect.objectContaining({ kind: 'unresolved-variable', line: 13, message: expect.stringContaining('DEPLOY_REGISTRY_PASSWORD') }))
  })

  it('does not pass a secret through a build arg taken from the environment', () => {
    const inventory = scan(settings.env)
    const built = inventory.images.find(image => image.kind === 'service')
    expect(built?.build?.args).toEqual({})
  })

  it('does not expand a secret inside the .env file', () => {
    const inventory = scan(settings.env)
    expect(inventory.findings).toContainEqual(expect.objectContaining({ kind: 'unresolved-variable', file: '.env', line: 1, message: expect.stringContaining('INPUT_PASSWORD, which is withheld') }))
  })
})

describe('the whole run', () => {
  it('plans the hostile repository with no secret in the report, the outputs or the log', async () => {
    const progress = recordingProgress()
    const result = await runPipeline(settings, progress)
    expectNoSecret(result)
    expectNoSecret(progress.lines)
    expect(result.report.images.map(image => image.source)).toContain('example.org/x/fine:1.2.3')
    expect(JSON.stringify(result.report.findings)).toContain('is withheld: it holds a secret of the runner/action')
  })
})
