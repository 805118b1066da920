import { describe, expect, it } from '@jest/globals'
import {
  COMPOSE_SYNTAX,
  composeSyntax,
  dockerfileSyntax,
  interpolate,
  interpolationEnvironment,
  isWithheldName,
  MAX_NESTING_DEPTH,
  type Lookup
} from '../src/extract/interpolate.js'

const from =
  (env: Record<string, string>): Lookup =>
  name =>
    Object.hasOwn(env, name) ? env[name] : undefined

describe('compose interpolation follows the compose specification', () => {
  it.each<[string, string, Record<string, string>, string]>([
    ['${VAR} when set', 'redis:${TAG}', { TAG: '7' }, 'redis:7'],
    ['$VAR when set', 'redis:$TAG', { TAG: '7' }, 'redis:7'],
    ['$VAR ends at the first character that cannot be in a name', '$REG/app:$TAG-alpine', { REG: 'quay.io', TAG: '1' }, 'quay.io/app:1-alpine'],
    ['${VAR} when unset is empty', 'redis${TAG}', {}, 'redis'],
    ['${VAR:-d} when unset', 'redis:${TAG:-6}', {}, 'redis:6'],
    ['${VAR:-d} when empty', 'redis:${TAG:-6}', { TAG: '' }, 'redis:6'],
    ['${VAR:-d} when set', 'redis:${TAG:-6}', { TAG: '7' }, 'redis:7'],
    ['${VAR-d} when unset', 'redis:${TAG-6}', {}, 'redis:6'],
    ['${VAR-d} keeps an empty value', 'redis:${TAG-6}', { TAG: '' }, 'redis:'],
    ['${VAR:+alt} when set', 'redis${PIN:+:7}', { PIN: 'yes' }, 'redis:7'],
    ['${VAR:+alt} when empty', 'redis${PIN:+:7}', { PIN: '' }, 'redis'],
    ['${VAR+alt} when empty', 'redis${PIN+:7}', { PIN: '' }, 'redis:7'],
    ['${VAR+alt} when unset', 'redis${PIN+:7}', {}, 'redis'],
    ['${VAR:?err} when set', 'redis:${TAG:?need a tag}', { TAG: '7' }, 'redis:7'],
    ['${VAR?err} when empty', 'redis:${TAG?need a tag}', { TAG: '' }, 'redis:'],
    ['$$ as a literal dollar', 'repo:$${TAG}', { TAG: '7' }, 'repo:${TAG}'],
    ['$$VAR as a literal', 'a$$B', { B: 'x' }, 'a$B'],
    ['a lone $ stays', 'cost $ 5', {}, 'cost $ 5'],
    ['nested defaults', '${REG:-${FALLBACK:-quay.io}}/app', {}, 'quay.io/app'],
    ['a variable inside a default', '${REG:-$FALLBACK}/app', { FALLBACK: 'ghcr.io' }, 'ghcr.io/app'],
    ['no variables at all', 'postgres:15-alpine', {}, 'postgres:15-alpine']
  ])('%s', (_name, text, env, expected) => {
    const result = interpolate(text, from(env), COMPOSE_SYNTAX)
    expect(result.value).toBe(expected)
    expect(result.errors).toEqual([])
  })

  it.each<[string, string, Record<string, string>, string[], RegExp]>([
    ['${VAR:?err} when unset', 'redis:${TAG:?need a tag}', {}, [], /^TAG: need a tag$/],
    ['${VAR:?err} when empty', 'redis:${TAG:?need a tag}', { TAG: '' }, [], /^TAG: need a tag$/],
    ['${VAR?err} when unset', 'redis:${TAG?}', {}, [], /^required variable TAG is not set$/],
    ['an unterminated ${', 'redis:${TAG', {}, [], /^unterminated '\$\{'/],
    ['an invalid name', 'redis:${1TAG}', {}, [], /^invalid variable name/],
    ['an unsupported modifier', 'redis:${TAG/x/y}', { TAG: '7' }, [], /^unsupported modifier/]
  ])('reports %s', (_name, text, env, missing, error) => {
    const result = interpolate(text, from(env), COMPOSE_SYNTAX)
    expect(result.missing).toEqual(missing)
    expect(result.errors).toEqual([expect.stringMatching(error)])
  })

  it('lists unset variables without a default as missing, once each', () => {
    const result = interpolate('${A}/${B}:${A}-${C:-c}', from({ B: 'b' }), COMPOSE_SYNTAX)
    expect(result).toMatchObject({ value: '/b:-c', missing: ['A'], errors: [] })
  })

  it(`stops at ${MAX_NESTING_DEPTH} levels of nesting with an error, not a stack overflow`, () => {
    const depth = 5000
    const text = '${A:-'.repeat(depth) + 'x' + '}'.repeat(depth)
    const result = interpolate(text, from({}), COMPOSE_SYNTAX)
    expect(result.errors).toEqual([`variables are nested more than ${MAX_NESTING_DEPTH} levels deep`])
    expect(result.problems).toEqual([expect.objectContaining({ kind: 'too-deep' })])
  })

  it('still expands nesting up to the limit', () => {
    const depth = MAX_NESTING_DEPTH
    const text = '${A:-'.repeat(depth) + 'x' + '}'.repeat(depth)
    expect(interpolate(text, from({}), COMPOSE_SYNTAX)).toMatchObject({ value: 'x', errors: [] })
  })

  it('handles a long text of many variables', () => {
    const text = '${A}-'.repeat(100_000)
    const result = interpolate(text, from({ A: 'a' }), COMPOSE_SYNTAX)
    expect(result.value).toBe('a-'.repeat(100_000))
  })
})

describe('Dockerfile interpolation', () => {
  it.each<[string, string, string, Record<string, string>, string]>([
    ['a backslash escapes the dollar', '\\', 'img:\\$TAG', { TAG: '1' }, 'img:$TAG'],
    ['$$ is not an escape', '\\', 'img:$$', {}, 'img:$$'],
    ['the escape directive changes the escape character', '`', 'img:`${TAG}', { TAG: '1' }, 'img:${TAG}'],
    ['a backslash before another character stays', '\\', 'a\\b:$TAG', { TAG: '1' }, 'a\\b:1'],
    ['names the compose syntax withholds are ordinary ARGs', '\\', 'ghcr.io/actions/runner:${ACTIONS_RUNNER_VERSION}', { ACTIONS_RUNNER_VERSION: '2.3' }, 'ghcr.io/actions/runner:2.3']
  ])('%s', (_name, escape, text, env, expected) => {
    const result = interpolate(text, from(env), dockerfileSyntax(escape))
    expect(result).toMatchObject({ value: expected, errors: [] })
  })
})

describe('withheld variables (the runner and the action keep their secrets)', () => {
  it.each(['INPUT_PASSWORD', 'INPUT_SOURCE-PASSWORD', 'IMAGE_MIRROR_PASSWORD', 'ACTIONS_RUNTIME_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_CACHE_URL', 'GITHUB_TOKEN'])(
    '%s is withheld by name',
    name => expect(isWithheldName(name)).toBe(true)
  )

  it.each(['TAG', 'GITHUB_SHA', 'GITHUB_REF_NAME', 'RUNNER_TEMP', 'MY_INPUT_TAG', 'HOME'])('%s is not', name => expect(isWithheldName(name)).toBe(false))

  it.each<[string, string, string]>([
    ['${VAR}', 'x:${INPUT_PASSWORD}', 'x:'],
    ['$VAR', 'x:$INPUT_PASSWORD', 'x:'],
    ['${VAR:-d} (the default applies, as for an unset variable)', 'x:${ACTIONS_RUNTIME_TOKEN:-d}', 'x:d'],
    ['${VAR:+alt}', 'x${GITHUB_TOKEN:+:alt}', 'x'],
    ['a nested default', 'x:${TAG:-${IMAGE_MIRROR_PASSWORD}}', 'x:']
  ])('a reference as %s never sees the value and says why', (_name, text, expected) => {
    const lookup = from({ INPUT_PASSWORD: 'hunter2', ACTIONS_RUNTIME_TOKEN: 'hunter2', GITHUB_TOKEN: 'hunter2', IMAGE_MIRROR_PASSWORD: 'hunter2' })
    const seen: string[] = []
    const result = interpolate(text, name => (seen.push(name), lookup(name)), COMPOSE_SYNTAX)
    expect(result.value).toBe(expected)
    expect(JSON.stringify(result)).not.toContain('hunter2')
    expect(result.withheld).toHaveLength(1)
    expect(result.missing).toEqual([])
    expect(result.errors).toEqual([expect.stringMatching(/^variable \w+ is withheld: it holds a secret of the runner\/action$/)])
    expect(seen.filter(isWithheldName)).toEqual([])
  })

  it('withholds extra names given to composeSyntax', () => {
    const result = interpolate('x:${DEPLOY_KEY}', from({ DEPLOY_KEY: 'hunter2' }), composeSyntax(['DEPLOY_KEY']))
    expect(result).toMatchObject({ value: 'x:', withheld: ['DEPLOY_KEY'] })
  })

  it('builds the visible environment: no inputs, no runner tokens, no variable holding a credential', () => {
    const result = interpolationEnvironment(
      {
        TAG: '7',
        HOME: '/root',
        INPUT_PASSWORD: 'p4ss',
        INPUT_REGISTRY: 'harbor.example.com',
        IMAGE_MIRROR_PASSWORD: 'p4ss',
        ACTIONS_RUNTIME_TOKEN: 'tok',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc',
        ACTIONS_ID_TOKEN_REQUEST_URL: 'https://example.org/oidc',
        GITHUB_TOKEN: 'ghs_x',
        REGISTRY_PASSWORD: 'p4ss',
        SOURCE_TOKEN: 'src-secret',
        EMPTY: '',
        UNSET: undefined
      },
      ['p4ss', 'src-secret', undefined, '']
    )
    expect(result.env).toEqual({ TAG: '7', HOME: '/root', EMPTY: '' })
    expect(result.withheld).toEqual([
      'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
      'ACTIONS_ID_TOKEN_REQUEST_URL',
      'ACTIONS_RUNTIME_TOKEN',
      'GITHUB_TOKEN',
      'IMAGE_MIRROR_PASSWORD',
      'INPUT_PASSWORD',
      'INPUT_REGISTRY',
      'REGISTRY_PASSWORD',
      'SOURCE_TOKEN'
    ])
  })
})
