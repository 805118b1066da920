import * as fs from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { parse, parseDocument } from 'yaml'
import { defaultServiceImageName, loadComposeProject, rewriteComposeImages, type ComposeProject } from '../src/extract/compose.js'
import { parseDotenv } from '../src/extract/dotenv.js'
import { MAX_DOCUMENTS } from '../src/extract/compose-yaml.js'
import { fileReader } from '../src/extract/inventory.js'

const FIXTURE = 'fixtures/reference-project'

/** Lines joined with newlines, ending with one: keeps YAML readable and line numbers countable. */
const lines = (...text: string[]): string => text.join('\n') + '\n'

interface LoadCase {
  files: Record<string, string>
  compose?: string[]
  env?: Record<string, string>
  envFiles?: string[]
  rootDirectoryName?: string
}

function load({ files, compose = ['compose.yml'], env = {}, envFiles = [], rootDirectoryName }: LoadCase): ComposeProject {
  const tree = new Map(Object.entries(files))
  return loadComposeProject(compose, {
    env,
    envFiles,
    readFile: file => tree.get(file),
    ...(rootDirectoryName !== undefined && { rootDirectoryName })
  })
}

const service = (project: ComposeProject, name: string) => project.services.find(s => s.name === name)
const imageOf = (project: ComposeProject, name: string) => service(project, name)?.image

describe('image values and interpolation', () => {
  it.each<[string, LoadCase, string, number]>([
    ['a plain image', { files: { 'compose.yml': lines('services:', '  web:', '    image: redis:7') } }, 'redis:7', 3],
    ['a double-quoted image', { files: { 'compose.yml': lines('services:', '  web:', '    image: "redis:7"') } }, 'redis:7', 3],
    ["a single-quoted image", { files: { 'compose.yml': lines('services:', '  web:', "    image: 'redis:7'") } }, 'redis:7', 3],
    ['${VAR} from the environment', { files: { 'compose.yml': lines('services:', '  web:', '    image: redis:${TAG}') }, env: { TAG: '7.2' } }, 'redis:7.2', 3],
    ['$VAR from the environment', { files: { 'compose.yml': lines('services:', '  web:', '    image: redis:$TAG') }, env: { TAG: '7.2' } }, 'redis:7.2', 3],
    ['${VAR:-default} when unset', { files: { 'compose.yml': lines('services:', '  web:', '    image: redis:${TAG:-6}') } }, 'redis:6', 3],
    ['${VAR:-default} when empty', { files: { 'compose.yml': lines('services:', '  web:', '    image: redis:${TAG:-6}') }, env: { TAG: '' } }, 'redis:6', 3],
    ['${VAR-default} when unset', { files: { 'compose.yml': lines('services:', '  web:', '    image: redis${TAG-:5}') } }, 'redis:5', 3],
    ['${VAR-default} keeps an empty value', { files: { 'compose.yml': lines('services:', '  web:', '    image: redis${TAG-:5}') }, env: { TAG: '' } }, 'redis', 3],
    ['${VAR:+alt} when set', { files: { 'compose.yml': lines('services:', '  web:', '    image: redis${PIN:+:7}') }, env: { PIN: 'yes' } }, 'redis:7', 3],
    ['${VAR:+alt} when unset', { files: { 'compose.yml': lines('services:', '  web:', '    image: redis${PIN:+:7}') } }, 'redis', 3],
    ['${VAR:?err} when set', { files: { 'compose.yml': lines('services:', '  web:', '    image: redis:${TAG:?need it}') }, env: { TAG: '7' } }, 'redis:7', 3],
    ['$$ as a literal dollar', { files: { 'compose.yml': lines('services:', '  web:', '    image: "repo:$${TAG}"') } }, 'repo:${TAG}', 3],
    ['nested defaults', { files: { 'compose.yml': lines('services:', '  web:', '    image: ${REG:-${FALLBACK:-quay.io}}/app') } }, 'quay.io/app', 3],
    ['.env beside the compose file', { files: { 'compose.yml': lines('services:', '  web:', '    image: redis:${TAG}'), '.env': 'TAG=from-dotenv\n' } }, 'redis:from-dotenv', 3],
    [
      '.env beside a compose file in a subdirectory',
      { files: { 'app/compose.yml': lines('services:', '  web:', '    image: redis:${TAG}'), 'app/.env': 'TAG=sub\n', '.env': 'TAG=root\n' }, compose: ['app/compose.yml'] },
      'redis:sub',
      3
    ],
    [
      'the environment over .env',
      { files: { 'compose.yml': lines('services:', '  web:', '    image: redis:${TAG}'), '.env': 'TAG=from-dotenv\n' }, env: { TAG: 'from-env' } },
      'redis:from-env',
      3
    ],
    [
      'env files over .env, later ones winning',
      {
        files: { 'compose.yml': lines('services:', '  web:', '    image: redis:${TAG}'), '.env': 'TAG=dotenv\n', 'ci/a.env': 'TAG=a\n', 'ci/b.env': 'TAG=b\n' },
        envFiles: ['ci/a.env', 'ci/b.env']
      },
      'redis:b',
      3
    ],
    [
      'env files add to .env',
      { files: { 'compose.yml': lines('services:', '  web:', '    image: ${REG}/redis:${TAG}'), '.env': 'REG=quay.io\n', 'ci.env': 'TAG=7\n' }, envFiles: ['ci.env'] },
      'quay.io/redis:7',
      3
    ],
    [
      'the environment over env files',
      { files: { 'compose.yml': lines('services:', '  web:', '    image: redis:${TAG}'), 'ci.env': 'TAG=file\n' }, envFiles: ['ci.env'], env: { TAG: 'env' } },
      'redis:env',
      3
    ]
  ])('resolves %s', (_name, input, text, line) => {
    const project = load(input)
    expect(project.findings).toEqual([])
    expect(imageOf(project, 'web')).toEqual({ text, origin: { file: input.compose?.[0] ?? 'compose.yml', line } })
  })

  it.each<[string, string, Record<string, string>, { kind: string; message: string; line: number }]>([
    ['an unknown ${VAR}', 'redis:${TAG}', {}, { kind: 'unresolved-variable', message: 'TAG', line: 5 }],
    ['an unknown $VAR', 'redis:$TAG', {}, { kind: 'unresolved-variable', message: 'TAG', line: 5 }],
    ['${VAR:?message} firing', 'redis:${TAG:?need it}', {}, { kind: 'unresolved-variable', message: 'TAG: need it', line: 5 }],
    ['${VAR:?message} firing on an empty value', 'redis:${TAG:?need it}', { TAG: '' }, { kind: 'unresolved-variable', message: 'need it', line: 5 }],
    ['${VAR?} firing without a message', 'redis:${TAG?}', {}, { kind: 'unresolved-variable', message: 'required variable TAG is not set', line: 5 }],
    ['an unterminated ${', 'redis:${TAG', {}, { kind: 'invalid-file', message: "unterminated '${'", line: 5 }],
    ['an invalid variable name', 'redis:${-x}', {}, { kind: 'invalid-file', message: 'invalid variable name', line: 5 }]
  ])('reports %s with its line and leaves the service out', (_name, image, env, expected) => {
    const project = load({
      files: { 'compose.yml': lines('services:', '  db:', '    image: postgres:16', '  web:', `    image: "${image}"`) },
      env
    })
    expect(service(project, 'web')).toBeUndefined()
    expect(imageOf(project, 'db')?.text).toBe('postgres:16')
    expect(project.findings).toHaveLength(1)
    expect(project.findings[0]).toMatchObject({ kind: expected.kind, severity: 'error', file: 'compose.yml', line: expected.line })
    expect(project.findings[0]?.message).toContain(expected.message)
  })

  it.each([
    ['a number', '    image: 42', 'must be a string'],
    ['a boolean', '    image: true', 'must be a string'],
    ['a list', '    image: [redis]', 'must be a string'],
    ['a mapping', '    image: { name: redis }', 'must be a string'],
    ['empty', '    image:', 'is empty']
  ])('reports an image that is %s as an invalid reference', (_name, imageLine, message) => {
    const project = load({ files: { 'compose.yml': lines('services:', '  web:', imageLine, '  db:', '    image: postgres') } })
    expect(service(project, 'web')).toBeUndefined()
    expect(imageOf(project, 'db')?.text).toBe('postgres')
    expect(project.findings).toEqual([expect.objectContaining({ kind: 'invalid-reference', severity: 'error', file: 'compose.yml', line: 3 })])
    expect(project.findings[0]?.message).toContain(message)
  })

  it('reports an env file that cannot be read, and still resolves from the others', () => {
    const project = load({
      files: { 'compose.yml': lines('services:', '  web:', '    image: redis:${TAG}'), '.env': 'TAG=7\n' },
      envFiles: ['missing.env']
    })
    expect(imageOf(project, 'web')?.text).toBe('redis:7')
    expect(project.findings).toEqual([expect.objectContaining({ kind: 'invalid-config', severity: 'error', file: 'missing.env' })])
  })

  it('only reports variables of values that survive the merge', () => {
    const project = load({
      files: {
        'compose.yml': lines('services:', '  web:', '    image: redis:${UNSET}'),
        'compose.override.yml': lines('services:', '  web:', '    image: redis:7')
      },
      compose: ['compose.yml', 'compose.override.yml']
    })
    expect(project.findings).toEqual([])
    expect(imageOf(project, 'web')).toEqual({ text: 'redis:7', origin: { file: 'compose.override.yml', line: 3 } })
  })
})

describe('.env files', () => {
  it.each<[string, string, Record<string, string>, Record<string, string>]>([
    ['KEY=value', 'A=1\nB=two words\n', {}, { A: '1', B: 'two words' }],
    ['comments and blank lines', '# comment\n\n  # indented comment\nA=1\n\n', {}, { A: '1' }],
    ['export prefixes', 'export A=1\nexport  B="2"\n', {}, { A: '1', B: '2' }],
    ['an inline comment after an unquoted value', 'A=1 # one\nB=x#y\n', {}, { A: '1', B: 'x#y' }],
    ['single quotes as literal text', "A='$HOME \\n # not a comment'\n", { HOME: '/root' }, { A: '$HOME \\n # not a comment' }],
    ['double quotes with escapes', 'A="a\\nb\\t\\"c\\""\n', {}, { A: 'a\nb\t"c"' }],
    ['double-quoted values with a comment after', 'A="x y" # c\n', {}, { A: 'x y' }],
    ['a double-quoted value over several lines', 'A="line 1\nline 2"\nB=3\n', {}, { A: 'line 1\nline 2', B: '3' }],
    ['white space around the separator', 'A = 1\n  B=  2  \n', {}, { A: '1', B: '2' }],
    ['the colon form', 'A: 1\n', {}, { A: '1' }],
    ['empty values', 'A=\nB=""\n', {}, { A: '', B: '' }],
    ['a bare name taking the environment value', 'A\nB\n', { A: 'from-env' }, { A: 'from-env' }],
    ['variables from earlier lines and the environment', 'A=1\nB=${A}-${E}\nC="${A:-x}"\n', { E: 'e' }, { A: '1', B: '1-e', C: '1' }],
    ['an escaped dollar in double quotes', 'A="\\$A"\n', {}, { A: '$A' }],
    ['Windows line endings', 'A=1\r\nB=2\r\n', {}, { A: '1', B: '2' }]
  ])('parses %s', (_name, text, env, expected) => {
    const result = parseDotenv(text, '.env', name => env[name])
    expect(result.findings).toEqual([])
    expect(Object.fromEntries(result.values)).toEqual(expected)
  })

  it.each([
    ['an unclosed double quote', 'A=1\nB="open\nC=3\n', 2],
    ['an unclosed single quote', "A='open\n", 1],
    ['a line without a name', 'A=1\n=2\n', 2],
    ['a name without a separator', 'A=1\nB C\n', 2],
    ['text after a quoted value', 'A="x" y\n', 1],
    ['an unterminated ${', 'A=${B\n', 1]
  ])('reports %s with its line', (_name, text, line) => {
    const result = parseDotenv(text, 'deploy/.env', () => undefined)
    expect(result.findings).toEqual([expect.objectContaining({ kind: 'invalid-file', severity: 'warning', file: 'deploy/.env', line })])
  })

  it('reports a bad .env line through the project, with the rest of the file still used', () => {
    const project = load({ files: { 'compose.yml': lines('services:', '  web:', '    image: redis:${TAG}'), '.env': 'oops\n=1\nTAG=7\n' } })
    expect(imageOf(project, 'web')?.text).toBe('redis:7')
    expect(project.findings).toEqual([expect.objectContaining({ file: '.env', line: 2, severity: 'warning' })])
  })
})

describe('project name', () => {
  it.each<[string, LoadCase, string]>([
    ['the top-level name', { files: { 'compose.yml': lines('name: shop', 'services: {}') } }, 'shop'],
    ['an interpolated top-level name', { files: { 'compose.yml': lines('name: ${STACK:-shop}-dev', 'services: {}') } }, 'shop-dev'],
    ['the last name of several files', { files: { 'compose.yml': 'name: one\n', 'prod.yml': 'name: two\n' }, compose: ['compose.yml', 'prod.yml'] }, 'two'],
    ['COMPOSE_PROJECT_NAME over the name', { files: { 'compose.yml': lines('name: shop', 'services: {}') }, env: { COMPOSE_PROJECT_NAME: 'override' } }, 'override'],
    ['COMPOSE_PROJECT_NAME from .env', { files: { 'compose.yml': 'services: {}\n', '.env': 'COMPOSE_PROJECT_NAME=from-dotenv\n' } }, 'from-dotenv'],
    ["the compose file's directory", { files: { 'deploy/My App.v2/compose.yml': 'services: {}\n' }, compose: ['deploy/My App.v2/compose.yml'] }, 'myappv2'],
    ['the root directory name given by the caller', { files: { 'compose.yml': 'services: {}\n' }, rootDirectoryName: 'AI-Infra-Matrix' }, 'ai-infra-matrix'],
    ["'project' for the root when no name is known", { files: { 'compose.yml': 'services: {}\n' } }, 'project'],
    ['the directory when it normalises to nothing', { files: { '__/compose.yml': 'services: {}\n' }, compose: ['__/compose.yml'], rootDirectoryName: 'x' }, 'project']
  ])('comes from %s', (_name, input, expected) => {
    expect(load(input).name).toBe(expected)
  })

  it('refuses, as compose does, a COMPOSE_PROJECT_NAME it would have to change, and goes on with the normalised name', () => {
    const project = load({ files: { 'compose.yml': lines('services:', '  web:', '    build: .'), '.env': 'COMPOSE_PROJECT_NAME=MyProj\n' } })
    expect(project.name).toBe('myproj')
    expect(project.findings).toEqual([
      expect.objectContaining({ kind: 'invalid-config', severity: 'error', file: 'compose.yml', message: expect.stringContaining("COMPOSE_PROJECT_NAME 'MyProj' is not a valid compose project name"), suggestion: 'Set COMPOSE_PROJECT_NAME=myproj' })
    ])
  })

  it('normalises an invalid top-level name and says so', () => {
    const project = load({ files: { 'compose.yml': lines('services: {}', 'name: My_Shop!') } })
    expect(project.name).toBe('my_shop')
    expect(project.findings).toEqual([expect.objectContaining({ severity: 'warning', file: 'compose.yml', line: 2 })])
  })

  it.each([
    ['shop', 'web', 'shop-web'],
    ['My.Shop', 'api', 'myshop-api'],
    ['-_x', 'db', 'x-db']
  ])('names the image of a build-only service %s/%s as compose does: %s', (project, name, expected) => {
    expect(defaultServiceImageName(project, name)).toBe(expected)
  })
})

describe('anchors, aliases, merge keys and extension fields', () => {
  const files = {
    'compose.yml': lines(
      'x-common: &common', //               1
      '  image: base:1', //                 2
      '  restart: always', //               3
      'x-other: &other', //                 4
      '  image: other:1', //                5
      '  platform: linux/arm64', //         6
      'x-img: &img redis:7', //             7
      'services:', //                       8
      '  single:', //                       9
      '    <<: *common', //                 10
      '  list:', //                         11
      '    <<: [*other, *common]', //       12
      '  explicit:', //                     13
      '    <<: *common', //                 14
      '    image: mine:2', //               15
      '  aliased-service: *common', //      16
      '  aliased-image:', //                17
      '    image: *img', //                 18
      '  inline-merge:', //                 19
      '    <<: { image: inline:1 }' //      20
    )
  }
  const project = load({ files })

  it.each([
    ['a single merge key', 'single', 'base:1', 2],
    ['the first mapping of a merge list', 'list', 'other:1', 5],
    ['a key written in the service over a merged one', 'explicit', 'mine:2', 15],
    ['a service that is an alias', 'aliased-service', 'base:1', 2],
    ['an image that is an alias (line of the anchored scalar)', 'aliased-image', 'redis:7', 7],
    ['an inline merged mapping', 'inline-merge', 'inline:1', 20]
  ])('reads %s', (_name, name, text, line) => {
    expect(imageOf(project, name)).toEqual({ text, origin: { file: 'compose.yml', line } })
  })

  it('takes other fields through merge lists too', () => {
    expect(service(project, 'list')?.platform).toBe('linux/arm64')
  })

  it('does not take x- extension fields for services', () => {
    expect(project.services.map(s => s.name)).toEqual(['single', 'list', 'explicit', 'aliased-service', 'aliased-image', 'inline-merge'])
    expect(project.findings).toEqual([])
  })

  it('reports a merge key that does not refer to a mapping, and keeps the rest', () => {
    const bad = load({ files: { 'compose.yml': lines('x-s: &s just-a-string', 'services:', '  web:', '    <<: *s', '    image: redis') } })
    expect(imageOf(bad, 'web')?.text).toBe('redis')
    expect(bad.findings).toEqual([expect.objectContaining({ kind: 'invalid-file', file: 'compose.yml', line: 4 })])
  })

  it('resolves merge keys that reuse anchors level after level in linear time', () => {
    const levels = ['x-0: &l0', '  image: deep:1']
    for (let i = 1; i <= 11; i += 1) levels.push(`x-${i}: &l${i}`, `  <<: [*l${i - 1}, *l${i - 1}, *l${i - 1}]`)
    const started = Date.now()
    const deep = load({ files: { 'compose.yml': lines(...levels, 'services:', '  web:', '    <<: *l11') } })
    expect(imageOf(deep, 'web')).toEqual({ text: 'deep:1', origin: { file: 'compose.yml', line: 2 } })
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('counts every profile', () => {
    const withProfiles = load({
      files: { 'compose.yml': lines('services:', '  a:', '    image: a', '    profiles: [debug]', '  b:', '    image: b', '    profiles: ["never"]') }
    })
    expect(withProfiles.services.map(s => s.image?.text)).toEqual(['a', 'b'])
  })
})

describe('build sections', () => {
  it.each<[string, LoadCase, object]>([
    [
      'the string form',
      { files: { 'compose.yml': lines('services:', '  web:', '    build: ./src/web') } },
      { context: 'src/web', dockerfile: 'src/web/Dockerfile', args: {}, origin: { file: 'compose.yml', line: 3 } }
    ],
    [
      'the mapping form with dockerfile and target',
      { files: { 'compose.yml': lines('services:', '  web:', '    build:', '      context: src/web/', '      dockerfile: docker/Prod.Dockerfile', '      target: runtime') } },
      { context: 'src/web', dockerfile: 'src/web/docker/Prod.Dockerfile', target: 'runtime', args: {}, origin: { file: 'compose.yml', line: 3 } }
    ],
    [
      'the default context',
      { files: { 'compose.yml': lines('services:', '  web:', '    build:', '      dockerfile: Containerfile') } },
      { context: '.', dockerfile: 'Containerfile', args: {} }
    ],
    [
      'a context relative to the compose file directory',
      { files: { 'deploy/compose.yml': lines('services:', '  web:', '    build: ../src/web') }, compose: ['deploy/compose.yml'] },
      { context: 'src/web', dockerfile: 'src/web/Dockerfile', origin: { file: 'deploy/compose.yml', line: 3 } }
    ],
    [
      'a dockerfile relative to the context that leaves it',
      { files: { 'compose.yml': lines('services:', '  web:', '    build:', '      context: app', '      dockerfile: ../docker/app.Dockerfile') } },
      { context: 'app', dockerfile: 'docker/app.Dockerfile' }
    ],
    [
      'args as a mapping, numbers as written',
      { files: { 'compose.yml': lines('services:', '  web:', '    build:', '      context: .', '      args:', '        GO_VERSION: 1.10', '        DEBUG: true', '        NAME: "x y"') } },
      { args: { GO_VERSION: '1.10', DEBUG: 'true', NAME: 'x y' } }
    ],
    [
      'args as a list',
      { files: { 'compose.yml': lines('services:', '  web:', '    build:', '      context: .', '      args:', '        - PYTHON_VERSION=3.13', '        - EMPTY=', '        - EQ=a=b') } },
      { args: { PYTHON_VERSION: '3.13', EMPTY: '', EQ: 'a=b' } }
    ],
    [
      'args without a value taken from the environment, or left to the Dockerfile',
      {
        files: { 'compose.yml': lines('services:', '  web:', '    build:', '      context: .', '      args:', '        - FROM_ENV', '        - UNSET'), '.env': 'FROM_ENV=dotenv\n' }
      },
      { args: { FROM_ENV: 'dotenv' } }
    ],
    [
      'mapping args without a value taken from the environment',
      { files: { 'compose.yml': lines('services:', '  web:', '    build:', '      args:', '        A:', '        B: ~') }, env: { A: 'a', B: 'b' } },
      { args: { A: 'a', B: 'b' } }
    ],
    [
      'interpolated args, context and target',
      {
        files: { 'compose.yml': lines('services:', '  web:', '    build:', '      context: ${SRC:-src}/web', '      target: ${STAGE}', '      args:', '        VERSION: ${V:-1.2}') },
        env: { STAGE: 'prod' }
      },
      { context: 'src/web', target: 'prod', args: { VERSION: '1.2' } }
    ]
  ])('reads %s', (_name, input, expected) => {
    const project = load(input)
    expect(project.findings).toEqual([])
    expect(service(project, 'web')?.build).toMatchObject(expected)
  })

  it('treats a mapping with a list inside args as an invalid file', () => {
    const project = load({ files: { 'compose.yml': lines('services:', '  web:', '    build:', '      args: 3') } })
    expect(service(project, 'web')?.build?.args).toEqual({})
    expect(project.findings).toEqual([expect.objectContaining({ kind: 'invalid-file', line: 4 })])
  })

  it.each<[string, string, string, object]>([
    ['a git context', '    build: https://github.com/acme/app.git#main', 'remote context', { context: 'https://github.com/acme/app.git#main', notScanned: 'remote-context' }],
    ['an ssh git context', '    build: git@github.com:acme/app.git', 'remote context', { notScanned: 'remote-context' }],
    ['a context outside the scanned directory', '    build: ../elsewhere', 'outside the scanned directory', { context: '../elsewhere', notScanned: 'outside-root' }]
  ])('warns about %s and marks it not scanned', (_name, buildLine, message, expected) => {
    const project = load({ files: { 'compose.yml': lines('services:', '  web:', '    image: acme/web', buildLine) } })
    expect(service(project, 'web')?.build).toMatchObject(expected)
    expect(imageOf(project, 'web')?.text).toBe('acme/web')
    expect(project.findings).toEqual([expect.objectContaining({ kind: 'invalid-file', severity: 'warning', file: 'compose.yml', line: 4 })])
    expect(project.findings[0]?.message).toContain(message)
  })

  it('reads dockerfile_inline, each of its lines at the compose line where it is written', () => {
    const project = load({
      files: { 'compose.yml': lines('services:', '  web:', '    build:', '      context: .', '      dockerfile_inline: |', '        FROM alpine:3.20', '        RUN true') }
    })
    const build = service(project, 'web')?.build
    expect(build).toMatchObject({ context: '.', dockerfile: '', inline: { text: 'FROM alpine:3.20\nRUN true\n' } })
    expect(build?.inline?.originOf(1)).toEqual({ file: 'compose.yml', line: 6 })
    expect(build?.inline?.originOf(2)).toEqual({ file: 'compose.yml', line: 7 })
    expect(project.findings).toEqual([])
  })

  it('gives a build arg with an unset variable the blank string, with compose\'s warning', () => {
    const project = load({ files: { 'compose.yml': lines('services:', '  web:', '    build:', '      args:', '        OK: 1', '        BAD: ${NOPE}') } })
    expect(service(project, 'web')?.build?.args).toEqual({ OK: '1', BAD: '' })
    expect(project.findings).toEqual([
      expect.objectContaining({ kind: 'unresolved-variable', severity: 'warning', line: 6, message: expect.stringContaining('The "NOPE" variable is not set. Defaulting to a blank string') })
    ])
  })

  it('leaves out a service whose build context cannot be resolved, keeping the others', () => {
    const project = load({
      files: { 'compose.yml': lines('services:', '  web:', '    image: acme/web', '    build: ${SRC:?set SRC}', '  db:', '    image: postgres') }
    })
    expect(project.services.map(s => s.name)).toEqual(['db'])
    expect(project.findings).toEqual([expect.objectContaining({ kind: 'unresolved-variable', line: 4, message: expect.stringContaining('set SRC') })])
  })

  it('reads the platform, interpolated', () => {
    const project = load({ files: { 'compose.yml': lines('services:', '  web:', '    image: a', '    platform: linux/${ARCH:-amd64}') } })
    expect(service(project, 'web')?.platform).toBe('linux/amd64')
  })
})

describe('several compose files', () => {
  const base = lines(
    'services:',
    '  web:',
    '    image: acme/web:1',
    '    build:',
    '      context: web',
    '      args:',
    '        A: base',
    '        B: base',
    '  db:',
    '    image: postgres:15',
    '    platform: linux/amd64'
  )

  it('merges overrides in order: scalars replaced, build fields and args merged', () => {
    const project = load({
      files: {
        'compose.yml': base,
        'compose.override.yml': lines('services:', '  web:', '    image: acme/web:2', '    build:', '      target: prod', '      args:', '        B: override', '  cache:', '    image: redis'),
        'compose.prod.yml': lines('services:', '  web:', '    image: acme/web:3')
      },
      compose: ['compose.yml', 'compose.override.yml', 'compose.prod.yml']
    })
    expect(project.findings).toEqual([])
    expect(project.services.map(s => s.name)).toEqual(['web', 'db', 'cache'])
    expect(imageOf(project, 'web')).toEqual({ text: 'acme/web:3', origin: { file: 'compose.prod.yml', line: 3 } })
    expect(service(project, 'web')?.build).toEqual({
      context: 'web',
      dockerfile: 'web/Dockerfile',
      target: 'prod',
      args: { A: 'base', B: 'override' },
      origin: { file: 'compose.override.yml', line: 4 }
    })
    expect(service(project, 'db')).toEqual({ name: 'db', image: { text: 'postgres:15', origin: { file: 'compose.yml', line: 10 } }, platform: 'linux/amd64' })
    expect(project.files).toEqual(['compose.yml', 'compose.override.yml', 'compose.prod.yml'])
  })

  it('resolves relative paths of every file against the first file directory', () => {
    const project = load({
      files: { 'app/compose.yml': base, 'ops/prod.yml': lines('services:', '  web:', '    build: ./other') },
      compose: ['app/compose.yml', 'ops/prod.yml']
    })
    expect(service(project, 'web')?.build).toMatchObject({ context: 'app/other', args: { A: 'base', B: 'base' } })
  })

  it('honours !reset and !override', () => {
    const project = load({
      files: {
        'compose.yml': base,
        'compose.override.yml': lines('services:', '  db:', '    platform: !reset null', '  web:', '    build: !override', '      context: new')
      },
      compose: ['compose.yml', 'compose.override.yml']
    })
    expect(service(project, 'db')?.platform).toBeUndefined()
    expect(service(project, 'web')?.build).toEqual({ context: 'new', dockerfile: 'new/Dockerfile', args: {}, origin: { file: 'compose.override.yml', line: 5 } })
  })

  it('reports malformed YAML with its line and still reads the other files', () => {
    const project = load({
      files: { 'compose.yml': base, 'compose.override.yml': lines('services:', '  web:', '    image: [unclosed', '  other:', '    image: x') },
      compose: ['compose.override.yml', 'compose.yml']
    })
    expect(imageOf(project, 'web')?.text).toBe('acme/web:1')
    expect(project.findings).toHaveLength(1)
    // yaml notices the unclosed '[' where the next key starts.
    expect(project.findings[0]).toMatchObject({ kind: 'invalid-file', severity: 'error', file: 'compose.override.yml', line: 4 })
  })

  it.each([
    ['a duplicate key', lines('services:', '  web:', '    image: a', '    image: b'), 4],
    ['bad indentation', lines('services:', '  web:', '    image: a', '   build: .'), 4],
    ['a tab indent', lines('services:', '\tweb:', '    image: a'), 2]
  ])('reports %s as invalid YAML on its line', (_name, text, line) => {
    const project = load({ files: { 'compose.yml': text, 'b.yml': lines('services:', '  db:', '    image: postgres') }, compose: ['compose.yml', 'b.yml'] })
    expect(project.findings[0]).toMatchObject({ kind: 'invalid-file', file: 'compose.yml', line })
    expect(imageOf(project, 'db')?.text).toBe('postgres')
  })

  it.each([
    ['services that is a list', lines('services:', '  - web', 'x: 1'), 2, []],
    ['a service that is a string', lines('services:', '  web: redis', '  db:', '    image: postgres'), 2, ['db']],
    ['a service that is empty', lines('services:', '  web:', '  db:', '    image: postgres'), 2, ['db']],
    ['a top level that is a list', lines('- services'), 1, []]
  ])('reports %s and keeps what it can', (_name, text, line, names) => {
    const project = load({ files: { 'compose.yml': text } })
    expect(project.services.map(s => s.name)).toEqual(names)
    expect(project.findings).toEqual([expect.objectContaining({ kind: 'invalid-file', severity: 'error', file: 'compose.yml', line })])
  })

  it('reports a compose file that cannot be read and loads the rest', () => {
    const project = load({ files: { 'compose.yml': base }, compose: ['compose.yml', 'missing.yml'] })
    expect(project.services).toHaveLength(2)
    expect(project.files).toEqual(['compose.yml'])
    expect(project.findings).toEqual([expect.objectContaining({ kind: 'invalid-file', severity: 'error', file: 'missing.yml' })])
  })

  it('accepts an empty file and a file without services', () => {
    const project = load({ files: { 'compose.yml': base, 'empty.yml': '', 'novice.yml': 'version: "3"\n' }, compose: ['compose.yml', 'empty.yml', 'novice.yml'] })
    expect(project.findings).toEqual([])
    expect(project.services).toHaveLength(2)
  })
})

describe('extends', () => {
  it.each<[string, Record<string, string>, object]>([
    [
      'a service in the same file (string form)',
      { 'compose.yml': lines('services:', '  base:', '    image: acme/base:1', '    build: ./base', '  web:', '    extends: base', '    build:', '      target: web') },
      { image: { text: 'acme/base:1', origin: { file: 'compose.yml', line: 3 } }, build: { context: 'base', target: 'web', origin: { file: 'compose.yml', line: 7 } } }
    ],
    [
      'a service in the same file (mapping form), through a chain',
      {
        'compose.yml': lines('services:', '  a:', '    image: a:1', '    platform: linux/arm64', '  b:', '    extends: { service: a }', '    image: b:1', '  web:', '    extends:', '      service: b')
      },
      { image: { text: 'b:1', origin: { file: 'compose.yml', line: 7 } }, platform: 'linux/arm64' }
    ],
    [
      'a service in another file, with paths relative to that file',
      {
        'compose.yml': lines('services:', '  web:', '    extends:', '      file: common/services.yml', '      service: app', '    image: acme/web:${TAG:-1}'),
        'common/services.yml': lines('services:', '  app:', '    build:', '      context: ./app', '      args:', '        X: "1"')
      },
      { image: { text: 'acme/web:1' }, build: { context: 'common/app', dockerfile: 'common/app/Dockerfile', args: { X: '1' }, origin: { file: 'common/services.yml', line: 3 } } }
    ]
  ])('follows %s', (_name, files, expected) => {
    const project = load({ files })
    expect(project.findings).toEqual([])
    expect(service(project, 'web')).toMatchObject(expected)
  })

  it('lists the extended file among the files read', () => {
    const project = load({
      files: {
        'compose.yml': lines('services:', '  web:', '    extends:', '      file: common.yml', '      service: app'),
        'common.yml': lines('services:', '  app:', '    image: app')
      }
    })
    expect(project.files).toEqual(['compose.yml', 'common.yml'])
  })

  it.each<[string, Record<string, string>, number, string]>([
    [
      'a missing file',
      { 'compose.yml': lines('services:', '  web:', '    image: web', '    extends:', '      file: nowhere.yml', '      service: app') },
      5,
      'nowhere.yml'
    ],
    ['a missing service', { 'compose.yml': lines('services:', '  web:', '    image: web', '    extends: ghost') }, 4, "'ghost'"],
    [
      'a missing service in another file',
      { 'compose.yml': lines('services:', '  web:', '    image: web', '    extends:', '      file: other.yml', '      service: ghost'), 'other.yml': 'services: {}\n' },
      6,
      'other.yml'
    ],
    ['a cycle (reported on each service of it)', { 'compose.yml': lines('services:', '  web:', '    image: web', '    extends: mid', '  mid:', '    image: mid', '    extends: web') }, 4, 'itself']
  ])('reports %s with file and line, keeping the service itself', (_name, files, line, message) => {
    const project = load({ files })
    expect(imageOf(project, 'web')?.text).toBe('web')
    expect(project.findings).toContainEqual(expect.objectContaining({ kind: 'invalid-file', severity: 'error', file: 'compose.yml', line, message: expect.stringContaining(message) }))
  })
})

describe('include', () => {
  it('adds the services of included files, each resolved in its own directory and env', () => {
    const project = load({
      files: {
        'compose.yml': lines('include:', '  - infra/db.yml', '  - path: tools/compose.yml', 'services:', '  web:', '    image: web'),
        'infra/db.yml': lines('services:', '  db:', '    image: postgres:${PG}'),
        'infra/.env': 'PG=16\n',
        'tools/compose.yml': lines('services:', '  tool:', '    build: ./src')
      }
    })
    expect(project.findings).toEqual([])
    expect(project.services.map(s => s.name)).toEqual(['db', 'tool', 'web'])
    expect(imageOf(project, 'db')).toEqual({ text: 'postgres:16', origin: { file: 'infra/db.yml', line: 3 } })
    expect(service(project, 'tool')?.build).toMatchObject({ context: 'tools/src', dockerfile: 'tools/src/Dockerfile' })
    expect(project.files).toEqual(['compose.yml', 'infra/db.yml', 'tools/compose.yml'])
  })

  it("gives an included file the including project's environment, its .env too, ahead of the include's own env files", () => {
    const project = load({
      env: { FROM_SHELL: 's' },
      files: {
        'compose.yml': lines('include:', '  - path: inc/compose.yml', '    env_file: inc/vars.env', 'services:', '  a:', '    image: a:${PTAG}'),
        '.env': 'PTAG=7\n',
        'inc/compose.yml': lines('services:', '  b:', '    image: b:${PTAG}-${OWN}-${FROM_SHELL}-${FILLED:-fallback}'),
        // PTAG here loses to the parent's; OWN fills what the parent leaves unset, and may use the parent's values.
        'inc/vars.env': 'PTAG=8\nOWN=o${PTAG}\n'
      }
    })
    expect(project.findings).toEqual([])
    expect([imageOf(project, 'a')?.text, imageOf(project, 'b')?.text]).toEqual(['a:7', 'b:7-o7-s-fallback'])
  })

  it('merges a list of paths and uses env_file and project_directory', () => {
    const project = load({
      files: {
        'compose.yml': lines('include:', '  - path: [lib/a.yml, lib/a.prod.yml]', '    project_directory: lib/root', '    env_file: lib/vars.env'),
        'lib/a.yml': lines('services:', '  a:', '    image: a:${V}', '    build: ./src'),
        'lib/a.prod.yml': lines('services:', '  a:', '    platform: linux/arm64'),
        'lib/vars.env': 'V=9\n'
      }
    })
    expect(project.findings).toEqual([])
    expect(service(project, 'a')).toMatchObject({ image: { text: 'a:9' }, platform: 'linux/arm64', build: { context: 'lib/root/src' } })
  })

  it.each<[string, Record<string, string>, number, string]>([
    ['a missing file', { 'compose.yml': lines('include:', '  - nope.yml', 'services:', '  web:', '    image: web') }, 2, 'nope.yml'],
    ['a file including itself', { 'compose.yml': lines('include:', '  - compose.yml', 'services:', '  web:', '    image: web') }, 2, 'includes itself'],
    ['an include that is not a list', { 'compose.yml': lines('include: x.yml', 'services:', '  web:', '    image: web') }, 1, 'must be a list'],
    ['an entry without a path', { 'compose.yml': lines('include:', '  - project_directory: x', 'services:', '  web:', '    image: web') }, 2, 'needs a path']
  ])('reports %s with file and line, keeping the rest', (_name, files, line, message) => {
    const project = load({ files })
    expect(imageOf(project, 'web')?.text).toBe('web')
    expect(project.findings[0]).toMatchObject({ kind: 'invalid-file', severity: 'error', file: 'compose.yml', line })
    expect(project.findings[0]?.message).toContain(message)
  })
})

describe('the reference project', () => {
  const readFile = fileReader(FIXTURE, fs)
  const project = loadComposeProject(['docker-compose.yml'], { env: {}, envFiles: [], readFile })

  it('has its 14 services (13 images: backend-init shares the backend image), its name, and no findings', () => {
    expect(project.findings).toEqual([])
    expect(project.name).toBe('ai-infra-matrix')
    expect(project.files).toEqual(['docker-compose.yml'])
    expect(project.services.map(s => s.name)).toEqual([
      'postgres',
      'redis',
      'nginx',
      'openldap',
      'phpldapadmin',
      'minio',
      'redisinsight',
      'k8s-proxy',
      'backend',
      'backend-init',
      'frontend',
      'jupyterhub',
      'gateway',
      'saltstack'
    ])
    expect(new Set(project.services.map(s => s.image?.text)).size).toBe(13)
  })

  it.each([
    ['postgres', 'postgres:15-alpine', 15],
    ['redis', 'redis:7-alpine', 21],
    ['nginx', 'nginx:1.27-alpine', 24],
    ['minio', 'quay.io/minio/minio:latest', 35],
    ['k8s-proxy', 'tecnativa/tcp-proxy', 43],
    ['backend', 'ai-infra-backend:v0.3.5', 10],
    ['backend-init', 'ai-infra-backend:v0.3.5', 10],
    ['frontend', 'ai-infra-frontend:v0.3.5', 57],
    ['saltstack', 'ai-infra-saltstack:v0.3.5', 72]
  ])('reads the image of %s', (name, text, line) => {
    expect(imageOf(project, name)).toEqual({ text, origin: { file: 'docker-compose.yml', line } })
  })

  it('takes postgres from the .env value, or the default without it', () => {
    const withoutDotenv = loadComposeProject(['docker-compose.yml'], { env: {}, envFiles: [], readFile: file => (file === '.env' ? undefined : readFile(file)) })
    expect(imageOf(withoutDotenv, 'postgres')?.text).toBe('postgres:15-alpine')
    const overridden = loadComposeProject(['docker-compose.yml'], { env: { POSTGRES_VERSION: '16' }, envFiles: [], readFile })
    expect(imageOf(overridden, 'postgres')?.text).toBe('postgres:16')
  })

  it.each([
    ['backend', { context: 'src/backend', dockerfile: 'src/backend/Dockerfile', args: { GO_VERSION: '1.25' }, origin: { file: 'docker-compose.yml', line: 47 } }],
    ['frontend', { context: 'src/frontend', dockerfile: 'src/frontend/Dockerfile', args: {}, origin: { file: 'docker-compose.yml', line: 58 } }],
    ['jupyterhub', { context: 'src/jupyterhub', dockerfile: 'src/jupyterhub/Dockerfile', args: {}, origin: { file: 'docker-compose.yml', line: 62 } }],
    ['gateway', { context: 'src/nginx', dockerfile: 'src/nginx/Dockerfile', args: {}, origin: { file: 'docker-compose.yml', line: 68 } }],
    ['saltstack', { context: 'src/saltstack', dockerfile: 'src/saltstack/Dockerfile', args: { PYTHON_VERSION: '3.13' }, origin: { file: 'docker-compose.yml', line: 73 } }]
  ])('reads the build of %s', (name, build) => {
    expect(service(project, name)?.build).toEqual(build)
    expect(readFile(build.dockerfile)).toBeDefined()
  })

  it('has no build for backend-init, which only shares the backend image', () => {
    expect(service(project, 'backend-init')?.build).toBeUndefined()
  })
})

/** The text without lines that set an image: what must stay byte-for-byte the same. */
const withoutImageLines = (text: string): string[] => text.split('\n').filter(line => !/^\s*image:/.test(line))

describe('rewriteComposeImages', () => {
  it('points every service of the reference project at its target and changes nothing else', () => {
    const file = 'docker-compose.yml'
    const original = fs.readFileSync(`${FIXTURE}/${file}`, 'utf8')
    const project = loadComposeProject([file], { env: {}, envFiles: [], readFile: fileReader(FIXTURE, fs) })
    const images = new Map(project.services.map(s => [s.name, `harbor.example.com/aihpc/${s.name}:v0.3.5`]))
    const result = rewriteComposeImages(original, images, file)
    expect(result.findings).toEqual([])

    const parsed = parseDocument(result.text, { merge: true })
    expect(parsed.errors).toEqual([])
    const services = (parsed.toJS() as { services: Record<string, { image: string }> }).services
    for (const [name, target] of images) expect(services[name]?.image).toBe(target)

    expect(withoutImageLines(result.text)).toEqual(withoutImageLines(original))
    const before = original.split('\n')
    const after = result.text.split('\n')
    expect(after).toHaveLength(before.length + 2) // backend and backend-init get their own image key
    // The anchor other services may share is left alone.
    expect(after).toContain('  image: ai-infra-backend:${IMAGE_TAG:-v0.3.5}')
    expect(after).toContain('    image: "harbor.example.com/aihpc/nginx:v0.3.5"')
    // Loading the output again reads the targets, with no variables left to resolve.
    const reloaded = loadComposeProject([file], { env: {}, envFiles: [], readFile: f => (f === file ? result.text : undefined) })
    expect(reloaded.findings).toEqual([])
    expect(reloaded.services.map(s => s.image?.text)).toEqual([...images.values()])
  })

  it.each<[string, string, Record<string, string>, string]>([
    ['a plain image', lines('services:', '  web:', '    image: redis:7 # pinned'), { web: 'reg/redis:7' }, lines('services:', '  web:', '    image: reg/redis:7 # pinned')],
    ['a double-quoted image', lines('services:', '  web:', '    image: "redis:7"'), { web: 'reg/redis:7' }, lines('services:', '  web:', '    image: "reg/redis:7"')],
    ['a single-quoted image', lines('services:', '  web:', "    image: 'redis:7'"), { web: 'reg/redis:7' }, lines('services:', '  web:', "    image: 'reg/redis:7'")],
    [
      'an interpolated image, written resolved',
      lines('services:', '  web:', '    image: redis:${TAG:-7}'),
      { web: 'reg/redis:7' },
      lines('services:', '  web:', '    image: reg/redis:7')
    ],
    [
      'a block scalar image',
      lines('services:', '  web:', '    image: >-', '      redis:7', '    restart: always'),
      { web: 'reg/redis:7' },
      lines('services:', '  web:', '    image: >-', '      reg/redis:7', '    restart: always')
    ],
    [
      'a build-only service (image added as the first key)',
      lines('services:', '  # the app', '  web:', '    # built here', '    build: .', '    ports: ["80:80"]'),
      { web: 'reg/web:1' },
      lines('services:', '  # the app', '  web:', '    # built here', '    image: reg/web:1', '    build: .', '    ports: ["80:80"]')
    ],
    [
      'an image through a merge key (anchor untouched)',
      lines('x-img: &img', '  image: base:1', 'services:', '  a:', '    <<: *img', '  b:', '    <<: *img'),
      { a: 'reg/a:1', b: 'reg/b:1' },
      lines('x-img: &img', '  image: base:1', 'services:', '  a:', '    image: reg/a:1', '    <<: *img', '  b:', '    image: reg/b:1', '    <<: *img')
    ],
    [
      'an image that is an alias',
      lines('x-img: &img base:1', 'services:', '  a:', '    image: *img'),
      { a: 'reg/a:1' },
      lines('x-img: &img base:1', 'services:', '  a:', '    image: reg/a:1')
    ],
    [
      'a service that is an alias',
      lines('x-svc: &svc', '  image: base:1', 'services:', '  a: *svc'),
      { a: 'reg/a:1' },
      lines('x-svc: &svc', '  image: base:1', 'services:', '  a: { <<: *svc, image: reg/a:1 }')
    ],
    [
      'flow mappings',
      lines('services:', '  a: { image: x }', '  b: {build: .}'),
      { a: 'reg/a:1', b: 'reg/b:1' },
      lines('services:', '  a: { image: reg/a:1 }', '  b: {image: reg/b:1, build: .}')
    ],
    ['an empty image', lines('services:', '  web:', '    image:  # todo', '    build: .'), { web: 'reg/w:1' }, lines('services:', '  web:', '    image: reg/w:1  # todo', '    build: .')],
    [
      'a target that plain YAML cannot hold, quoted',
      lines('services:', '  web:', '    image: x'),
      { web: 'reg/x:1 #odd' },
      lines('services:', '  web:', '    image: "reg/x:1 #odd"')
    ],
    [
      'services with neither image nor build, left alone (an override file)',
      lines('services:', '  web:', '    environment:', '      A: 1'),
      { web: 'reg/web:1', ghost: 'reg/ghost:1' },
      lines('services:', '  web:', '    environment:', '      A: 1')
    ]
  ])('rewrites %s', (_name, text, targets, expected) => {
    const result = rewriteComposeImages(text, new Map(Object.entries(targets)), 'compose.yml')
    expect(result.findings).toEqual([])
    expect(result.text).toBe(expected)
  })

  it('keeps CRLF line endings and the byte order of everything else', () => {
    const text = 'services:\r\n  web:\r\n    build: .\r\n    image: a # c\r\n'
    const result = rewriteComposeImages(text, new Map([['web', 'reg/a:1']]), 'compose.yml')
    expect(result.text).toBe('services:\r\n  web:\r\n    build: .\r\n    image: reg/a:1 # c\r\n')
    expect(parse(result.text)).toEqual({ services: { web: { build: '.', image: 'reg/a:1' } } })
  })

  it('leaves a service without a target unchanged and reports it', () => {
    const text = lines('services:', '  web:', '    image: a', '  db:', '    build: ./db')
    const result = rewriteComposeImages(text, new Map([['web', 'reg/a:1']]), 'deploy/compose.yml')
    expect(result.text).toBe(lines('services:', '  web:', '    image: reg/a:1', '  db:', '    build: ./db'))
    expect(result.findings).toEqual([expect.objectContaining({ kind: 'unmapped', severity: 'error', file: 'deploy/compose.yml', line: 5 })])
  })

  it('reports malformed YAML and returns the text unchanged', () => {
    const text = lines('services:', '  web:', '    image: [a')
    const result = rewriteComposeImages(text, new Map([['web', 'reg/a:1']]), 'compose.yml')
    expect(result.text).toBe(text)
    expect(result.findings).toEqual([expect.objectContaining({ kind: 'invalid-file', severity: 'error', file: 'compose.yml' })])
  })

  it('reports an image it cannot replace in place', () => {
    const text = lines('services:', '  web:', '    image: !!str a')
    const result = rewriteComposeImages(text, new Map([['web', 'reg/a:1']]), 'compose.yml')
    expect(result.text).toBe(text)
    expect(result.findings).toEqual([expect.objectContaining({ kind: 'failed', line: 3 })])
  })
})

describe("compose's semantics for unset variables", () => {
  it.each<[string, string, string | undefined, string]>([
    ['an unset prefix that leaves a valid image: kept, with a warning', 'image: ${REGISTRY}nginx:1.27', 'nginx:1.27', 'warning'],
    ['its bad-input twin, an unset tag: an error, the service left out', 'image: nginx:${TAG}', undefined, 'error'],
    ['an unset name: an error', 'image: ${IMAGE}', undefined, 'error'],
    ['a default for the unset variable: no finding', 'image: nginx:${TAG:-1.27}', 'nginx:1.27', '']
  ])('%s', (_name, line, expected, severity) => {
    const project = load({ files: { 'compose.yml': lines('services:', '  web:', `    ${line}`) } })
    expect(imageOf(project, 'web')?.text).toBe(expected)
    expect(project.findings.map(finding => finding.severity).join(',')).toBe(severity)
    if (severity !== '') expect(project.findings[0]).toMatchObject({ kind: 'unresolved-variable', file: 'compose.yml', line: 3 })
  })
})

describe('every build key', () => {
  const compose = lines(
    'services:',
    '  web:',
    '    build:',
    '      context: app',
    '      platforms: [linux/amd64, "linux/${ARCH:-arm64}"]',
    '      secrets: [npm_token, { source: ssh_key, target: key }]',
    '      ssh: [default]',
    '      additional_contexts:',
    '        base: docker-image://alpine:3.19',
    '        assets: ./assets',
    '        db: service:db',
    '      cache_from: ["type=registry,ref=acme/web:cache"]',
    '      cache_to: [type=inline]',
    '      labels:',
    '        org.opencontainers.image.source: https://example.com',
    '      network: host',
    '      extra_hosts:',
    '        registry.local: 10.0.0.1',
    '      shm_size: 2gb',
    '      tags: [acme/web:extra]',
    '      privileged: true',
    '      no_cache: true',
    'secrets:',
    '  npm_token:',
    '    environment: NPM_TOKEN',
    '  ssh_key:',
    '    file: ./keys/id_ed25519'
  )
  it('reads them all into the build, paths of additional contexts resolved like the context', () => {
    const project = load({ files: { 'compose.yml': compose } })
    expect(project.findings).toEqual([])
    expect(service(project, 'web')?.build).toMatchObject({
      context: 'app',
      platforms: ['linux/amd64', 'linux/arm64'],
      secrets: [
        { id: 'npm_token', name: 'npm_token', origin: { file: 'compose.yml', line: 6 }, environment: 'NPM_TOKEN' },
        { id: 'key', name: 'ssh_key', origin: { file: 'compose.yml', line: 6 }, file: 'keys/id_ed25519' }
      ],
      ssh: ['default'],
      additionalContexts: { base: 'docker-image://alpine:3.19', assets: 'assets', db: 'service:db' },
      additionalContextOrigins: { base: { file: 'compose.yml', line: 9 } },
      cacheFrom: ['type=registry,ref=acme/web:cache'],
      cacheTo: ['type=inline'],
      labels: { 'org.opencontainers.image.source': 'https://example.com' },
      network: 'host',
      extraHosts: ['registry.local=10.0.0.1'],
      shmSize: '2gb',
      tags: ['acme/web:extra'],
      otherKeys: ['no_cache', 'privileged']
    })
  })

  it('merges an override: lists appended without duplicates, mappings key by key, !reset removes', () => {
    const project = load({
      files: {
        'compose.yml': compose,
        'compose.override.yml': lines(
          'services:',
          '  web:',
          '    build:',
          '      platforms: [linux/amd64, linux/s390x]',
          '      additional_contexts:',
          '        base: docker-image://alpine:3.20',
          '      cache_from: !reset []'
        )
      },
      compose: ['compose.yml', 'compose.override.yml']
    })
    const build = service(project, 'web')?.build
    expect(build?.platforms).toEqual(['linux/amd64', 'linux/arm64', 'linux/s390x'])
    expect(build?.additionalContexts).toEqual({ base: 'docker-image://alpine:3.20', assets: 'assets', db: 'service:db' })
    expect(build?.cacheFrom).toBeUndefined()
  })

  it('reports a build list that is a mapping, and keeps the rest (bad-input twin)', () => {
    const project = load({ files: { 'compose.yml': lines('services:', '  web:', '    build:', '      context: .', '      platforms: { a: b }') } })
    expect(service(project, 'web')?.build).toMatchObject({ context: '.' })
    expect(project.findings).toEqual([expect.objectContaining({ kind: 'invalid-file', line: 5 })])
  })
})

describe('build secrets and the top-level secrets: they name', () => {
  const secretsOf = (project: ComposeProject, name = 'web') => service(project, name)?.build?.secrets

  it('joins short and long syntax to their definitions: the id is the target, else the name; a file relative to the project directory', () => {
    const project = load({
      files: {
        'deploy/compose.yml': lines(
          'services:',
          '  web:',
          '    build:',
          '      context: ../app',
          '      secrets:',
          '        - npm_token',
          '        - source: cert',
          '          target: tls',
          '          uid: "103"',
          '          mode: 0440',
          'secrets:',
          '  npm_token:',
          '    environment: ${TOKEN_VARIABLE:-NPM_TOKEN}',
          '  cert:',
          '    file: ./certs/ca.pem'
        )
      },
      compose: ['deploy/compose.yml']
    })
    expect(project.findings).toEqual([])
    expect(secretsOf(project)).toEqual([
      { id: 'npm_token', name: 'npm_token', origin: { file: 'deploy/compose.yml', line: 6 }, environment: 'NPM_TOKEN' },
      { id: 'tls', name: 'cert', origin: { file: 'deploy/compose.yml', line: 7 }, file: 'deploy/certs/ca.pem' }
    ])
  })

  it('merges top-level secrets across -f files field by field, and build secrets by id (a later one takes the place of an earlier one)', () => {
    const project = load({
      files: {
        'compose.yml': lines('services:', '  web:', '    build:', '      context: .', '      secrets: [a, b]', 'secrets:', '  a:', '    file: a.txt', '  b:', '    file: b.txt'),
        'compose.ci.yml': lines(
          'services:',
          '  web:',
          '    build:',
          '      secrets:',
          '        - source: c',
          '          target: b',
          'secrets:',
          '  a:',
          '    file: !reset null',
          '    environment: A_TOKEN',
          '  c:',
          '    file: ci/c.txt'
        )
      },
      compose: ['compose.yml', 'compose.ci.yml']
    })
    expect(project.findings).toEqual([])
    expect(secretsOf(project)).toEqual([
      { id: 'a', name: 'a', origin: { file: 'compose.yml', line: 5 }, environment: 'A_TOKEN' },
      { id: 'b', name: 'c', origin: { file: 'compose.ci.yml', line: 5 }, file: 'ci/c.txt' }
    ])
  })

  it('takes the definitions of an included file, its paths relative to that file; the including file wins a name both define', () => {
    const project = load({
      files: {
        'compose.yml': lines('include:', '  - lib/compose.yml', 'services:', '  web:', '    build:', '      context: .', '      secrets: [shared, own]', 'secrets:', '  own:', '    file: own.txt'),
        'lib/compose.yml': lines('services:', '  lib:', '    image: alpine:3.20', 'secrets:', '  shared:', '    file: ./shared.txt', '  own:', '    file: ./not-this.txt')
      }
    })
    expect(project.findings).toEqual([])
    expect(secretsOf(project)?.map(secret => [secret.id, secret.file])).toEqual([
      ['shared', 'lib/shared.txt'],
      ['own', 'own.txt']
    ])
  })

  it('extends brings the base service’s build secrets; the project’s top-level secrets define them', () => {
    const project = load({
      files: {
        'compose.yml': lines('services:', '  web:', '    extends:', '      file: base.yml', '      service: base', '    build:', '      secrets: [extra]', 'secrets:', '  token:', '    file: token.txt', '  extra:', '    environment: EXTRA'),
        'base.yml': lines('services:', '  base:', '    build:', '      context: .', '      secrets: [token]')
      }
    })
    expect(project.findings).toEqual([])
    expect(secretsOf(project)?.map(secret => [secret.id, secret.origin.file, secret.file ?? secret.environment])).toEqual([
      ['token', 'base.yml', 'token.txt'],
      ['extra', 'compose.yml', 'EXTRA']
    ])
  })

  it('a secret no top-level secrets: defines is an error at the line that names it, and the build keeps it as unusable', () => {
    const project = load({
      files: { 'compose.yml': lines('services:', '  web:', '    build:', '      context: .', '      secrets:', '        - npm_token', 'secrets:', '  other:', '    file: x') }
    })
    expect(project.findings).toEqual([
      expect.objectContaining({
        kind: 'invalid-file',
        severity: 'error',
        file: 'compose.yml',
        line: 6,
        message: "Service 'web' uses the build secret 'npm_token', which no top-level 'secrets:' defines; the build cannot run"
      })
    ])
    expect(secretsOf(project)).toEqual([{ id: 'npm_token', name: 'npm_token', origin: { file: 'compose.yml', line: 6 }, unusable: 'undefined' }])
  })

  it('an external secret (or one with neither file nor environment) is a warning: a build cannot use it', () => {
    const project = load({
      files: {
        'compose.yml': lines('services:', '  web:', '    build:', '      context: .', '      secrets: [vault, bare]', 'secrets:', '  vault:', '    external: true', '    name: prod_vault', '  bare: {}')
      }
    })
    expect(project.findings.map(finding => [finding.severity, finding.line, finding.message])).toEqual([
      [
        'warning',
        5,
        "Service 'web' uses the build secret 'vault', an external secret (compose.yml:7): a build takes only a secret defined by file or environment; it is not passed to the build"
      ],
      [
        'warning',
        5,
        "Service 'web' uses the build secret 'bare', whose definition has neither file nor environment (compose.yml:10): a build takes only a secret defined by file or environment; it is not passed to the build"
      ]
    ])
    expect(secretsOf(project)?.map(secret => secret.unusable)).toEqual(['external', 'external'])
  })

  it('reports a long-syntax entry without a source and a build secrets value that is not a list (bad-input twins)', () => {
    const noSource = load({ files: { 'compose.yml': lines('services:', '  web:', '    build:', '      context: .', '      secrets:', '        - target: x') } })
    expect(noSource.findings).toEqual([expect.objectContaining({ kind: 'invalid-file', severity: 'error', line: 6 })])
    expect(secretsOf(noSource)).toBeUndefined()
    const notList = load({ files: { 'compose.yml': lines('services:', '  web:', '    build:', '      context: .', '      secrets: npm_token') } })
    expect(notList.findings).toEqual([expect.objectContaining({ kind: 'invalid-file', line: 5, message: expect.stringContaining('must be a list') })])
  })
})

describe('the legacy version 1 format', () => {
  it('scans services at the top level, with a notice, and the service-level dockerfile', () => {
    const project = load({ files: { 'compose.yml': lines('web:', '  build: ./web', '  dockerfile: Dockerfile.prod', 'db:', '  image: postgres:9.6', 'x-note: {}') } })
    expect(project.services.map(s => [s.name, s.image?.text, s.build?.dockerfile])).toEqual([
      ['web', undefined, 'web/Dockerfile.prod'],
      ['db', 'postgres:9.6', undefined]
    ])
    expect(project.findings).toEqual([expect.objectContaining({ kind: 'scan-note', severity: 'notice', line: 1, message: expect.stringContaining('version 1') })])
  })

  it('does not take a file of networks and volumes for a legacy file (twin)', () => {
    const project = load({ files: { 'compose.yml': lines('version: "3"', 'networks:', '  front: {}', 'volumes:', '  data: {}') } })
    expect(project.services).toEqual([])
    expect(project.findings).toEqual([])
  })

  it('rewrites the images of a legacy file in place', () => {
    const text = lines('web:', '  image: nginx:1', 'db:', '  build: .')
    const rewritten = rewriteComposeImages(text, new Map([['web', 'r.local/nginx:1'], ['db', 'r.local/db:1']]), 'compose.yml')
    expect(rewritten.findings).toEqual([])
    expect(rewritten.text).toBe(lines('web:', '  image: r.local/nginx:1', 'db:', '  image: r.local/db:1', '  build: .'))
  })
})

describe('extends and include are memoised and depth-limited', () => {
  it('stops an extends chain longer than the limit with a finding, not a stack overflow', () => {
    const services = ['services:']
    for (let i = 0; i < 200; i += 1) services.push(`  s${i}:`, `    image: img${i}`, ...(i < 199 ? [`    extends: s${i + 1}`] : []))
    const project = load({ files: { 'compose.yml': lines(...services) } })
    expect(project.services).toHaveLength(200)
    expect(project.findings.some(finding => finding.severity === 'error' && /longer than 32/.test(finding.message))).toBe(true)
  })

  it('resolves a chain within the limit without findings (twin)', () => {
    const services = ['services:']
    for (let i = 0; i < 20; i += 1) services.push(`  s${i}:`, ...(i === 19 ? ['    image: base:1'] : [`    extends: s${i + 1}`]))
    const project = load({ files: { 'compose.yml': lines(...services) } })
    expect(project.findings).toEqual([])
    expect(project.services.every(s => s.image?.text === 'base:1')).toBe(true)
  })

  it('reads each extends file once however many services extend from it', () => {
    const reads = new Map<string, number>()
    const files: Record<string, string> = { 'common.yml': lines('services:', '  base:', '    image: base:1') }
    const compose = ['services:']
    for (let i = 0; i < 300; i += 1) compose.push(`  s${i}:`, '    extends:', '      file: common.yml', '      service: base')
    files['compose.yml'] = lines(...compose)
    const project = loadComposeProject(['compose.yml'], {
      env: {},
      envFiles: [],
      readFile: file => {
        reads.set(file, (reads.get(file) ?? 0) + 1)
        return files[file]
      }
    })
    expect(project.services).toHaveLength(300)
    expect(reads.get('common.yml')).toBe(1)
  })

  it('stops include nesting deeper than the limit with a finding', () => {
    const files: Record<string, string> = {}
    for (let i = 0; i < 40; i += 1) files[i === 0 ? 'compose.yml' : `f${i}.yml`] = lines('include:', `  - f${i + 1}.yml`, 'services:', `  s${i}:`, `    image: img${i}`)
    files['f40.yml'] = lines('services:', '  last:', '    image: last')
    const project = load({ files })
    expect(project.findings.some(finding => /deeper than 16/.test(finding.message))).toBe(true)
    expect(project.services.map(s => s.name)).toContain('s0')
  })
})

describe('an image that interpolates to nothing', () => {
  it('is no image for a service with a build: compose names the build after the project', () => {
    const project = load({ files: { 'compose.yml': lines('services:', '  web:', '    image: ${WEB_IMAGE:-}', '    build: .') } })
    expect(service(project, 'web')).toMatchObject({ name: 'web', build: { context: '.' } })
    expect(imageOf(project, 'web')).toBeUndefined()
    expect(project.findings).toEqual([])
  })

  it('is an error for a service without a build (twin)', () => {
    const project = load({ files: { 'compose.yml': lines('services:', '  web:', '    image: ${WEB_IMAGE:-}') } })
    expect(service(project, 'web')).toBeUndefined()
    expect(project.findings).toEqual([expect.objectContaining({ kind: 'invalid-reference', severity: 'error', line: 3 })])
  })
})

describe('a compose file of several YAML documents, as compose-go reads it', () => {
  it('skips documents without content: a trailing or lone --- changes nothing', () => {
    const project = load({ files: { 'compose.yml': lines('---', 'services:', '  web:', '    image: nginx:1.27', '---', '# nothing more', '---') } })
    expect([imageOf(project, 'web')?.text, imageOf(project, 'web')?.origin.line, project.findings]).toEqual(['nginx:1.27', 4, []])
  })

  it('reads every further document over the ones before, as one more -f file', () => {
    const project = load({
      files: { 'compose.yml': lines('services:', '  web:', '    image: nginx:1.27', '  api:', '    image: acme/api:1', '---', 'services:', '  api:', '    image: acme/api:2', '  cache:', '    image: redis:7') }
    })
    expect(project.services.map(s => `${s.name} ${s.image?.text}:${s.image?.origin.line}`)).toEqual(['web nginx:1.27:3', 'api acme/api:2:9', 'cache redis:7:11'])
    expect(project.findings).toEqual([])
  })

  it('reports a broken later document at its own line, and scans nothing of the file', () => {
    const project = load({ files: { 'compose.yml': lines('services:', '  web:', '    image: nginx:1.27', '---', 'services:', '  cache: [unclosed') } })
    expect(project.findings).toEqual([expect.objectContaining({ kind: 'invalid-file', severity: 'error', file: 'compose.yml', line: expect.any(Number) })])
    expect((project.findings[0]?.line ?? 0) >= 6).toBe(true)
    expect(project.services).toEqual([])
  })

  it('refuses a hostile stream of more documents than any compose file holds, at once and with the line', () => {
    const text = 'services:\n  web:\n    image: nginx:1\n' + Array.from({ length: MAX_DOCUMENTS }, (_, i) => `---\nx-${i}: 1\n`).join('')
    const started = Date.now()
    const project = load({ files: { 'compose.yml': text } })
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(project.services).toEqual([])
    expect(project.findings).toEqual([expect.objectContaining({ kind: 'invalid-file', severity: 'error', line: 4 + 2 * (MAX_DOCUMENTS - 1), message: expect.stringContaining(`More than ${MAX_DOCUMENTS} YAML documents`) })])
  })

  it('is not rewritten in place for the deployment (a finding says why), where one document is', () => {
    const text = lines('services:', '  web:', '    image: nginx:1.27', '---', 'services:', '  cache:', '    image: redis:7')
    const result = rewriteComposeImages(text, new Map([['web', 'harbor.example.com/x/nginx:1.27']]), 'compose.yml')
    expect(result.text).toBe(text)
    expect(result.findings).toEqual([expect.objectContaining({ kind: 'failed', severity: 'error', line: 5, message: expect.stringContaining('holds 2 YAML documents') })])
  })
})
