/**
 * report/advice: one pure module turns a typed failure into what to do, for
 * both engines (issue 8). Every input it names must exist in the input table
 * (src/inputs.ts), with a value that input accepts; the side it talks about
 * comes from the failure, never from guessing at error text.
 */
import { describe, expect, test } from '@jest/globals'
import { INPUT_SPECS, type InputSpec } from '../src/inputs.js'
import type { Failure, FailureKind, FailureSide, ImageKind, PhaseName } from '../src/model.js'
import { parseReference } from '../src/reference.js'
import { adviseFailure, type AdviceContext } from '../src/report/advice.js'

const KINDS = {
  unauthorized: true,
  denied: true,
  'not-found': true,
  unreachable: true,
  'rate-limited': true,
  integrity: true,
  'build-failed': true,
  'not-local': true,
  'stale-local': true,
  unsupported: true,
  cancelled: true,
  other: true
} satisfies Record<FailureKind, true>
const SIDES: FailureSide[] = ['source', 'target', 'local']
const PHASES: PhaseName[] = ['mirror', 'build', 'push', 'verify']
const ENGINES: AdviceContext['engine'][] = ['docker', 'registry']
const VERIFY_FROM: AdviceContext['verifyFrom'][] = ['registry', 'local']
const IMAGE_KINDS: ImageKind[] = ['base', 'service']

const SOURCE = parseReference('postgres:15-alpine')
const TARGET = parseReference('127.0.0.1:5000/aihpc/library/postgres:15-alpine')

interface Case {
  failure: Failure
  context: AdviceContext
  text: string
}

/** Every combination of kind, side, phase, engine, verify source and image kind, with and without a host and a hint. */
function everyCase(): Case[] {
  const cases: Case[] = []
  for (const kind of Object.keys(KINDS) as FailureKind[])
    for (const side of SIDES)
      for (const phase of PHASES)
        for (const engine of ENGINES)
          for (const verifyFrom of VERIFY_FROM)
            for (const imageKind of IMAGE_KINDS)
              for (const host of [undefined, 'registry-1.docker.io']) {
                const failure: Failure = { kind, side, phase, message: `${phase} failed`, ...(host !== undefined && { host }) }
                const context: AdviceContext = { imageKind, source: SOURCE, target: TARGET, engine, attempts: 4, verifyFrom }
                const text = adviseFailure(failure, context)
                if (text !== undefined) cases.push({ failure, context, text })
              }
  return cases
}

const INPUT_BY_NAME = new Map<string, InputSpec>(INPUT_SPECS.map(spec => [spec.name, spec]))

/** Hyphenated words in advice that are not inputs: an action's name, an English compound. */
const PROSE_COMPOUNDS = new Set(['login-action', 're-pull', 'pull-through', 'multi-platform', 'rate-limit'])

/** Single words that are inputs when advice names them as settings. */
const INPUT_WORDS = ['username', 'password', 'source-username', 'source-password', 'registry-mirror', 'pull', 'engine', 'mode', 'retries', 'use-mirrored-bases', 'push', 'platforms', 'insecure-registries', 'ca-file', 'verify-from', 'concurrency']

/** What an input accepts, as far as advice can name a value: choices, booleans, integers. */
function accepts(spec: InputSpec, value: string): boolean {
  switch (spec.kind) {
    case 'choice':
      return spec.choices.includes(value)
    case 'boolean':
      return value === 'true' || value === 'false'
    case 'integer':
      return /^\d+$/.test(value) && Number(value) >= spec.min && Number(value) <= spec.max
    case 'list':
      return spec.choices === undefined || value.split(',').every(entry => spec.choices?.includes(entry.trim()))
    default:
      return true
  }
}

/**
 * English words the advice ends a clause with before a colon ("Mirror it: run …"): not settings.
 * Kept explicit, so a new `word: value` in advice is checked against the inputs unless someone adds it here.
 */
const PROSE_BEFORE_COLON = new Set(['it', 'for', 'daemon', 'attempts', 'attempt'])

/** `name: value` pairs: a lower-case word (not part of a host or URL) followed by a colon, a space and a value. */
function settingsNamed(text: string): Array<{ name: string; value: string }> {
  return [...text.matchAll(/(?:^|[\s(,])([a-z][a-z0-9-]*): ([a-z0-9][\w.-]*)/g)]
    .map(match => ({ name: match[1] as string, value: (match[2] as string).replace(/[.,]$/, '') }))
    .filter(({ name }) => !PROSE_BEFORE_COLON.has(name))
}

describe('adviseFailure names only inputs that exist', () => {
  const cases = everyCase()

  test('there is advice to check: most kinds say something', () => {
    expect(cases.length).toBeGreaterThan(500)
    const kindsWithAdvice = new Set(cases.map(c => c.failure.kind))
    expect([...kindsWithAdvice].sort()).toEqual(Object.keys(KINDS).filter(kind => kind !== 'other').sort())
  })

  test('every `name: value` in any advice is an input of src/inputs.ts, with a value that input accepts', () => {
    const wrong = new Set<string>()
    for (const { text } of cases) {
      for (const { name, value } of settingsNamed(text)) {
        const spec = INPUT_BY_NAME.get(name)
        if (spec === undefined) wrong.add(`${name}: ${value}  (no such input)  in: ${text}`)
        else if (!accepts(spec, value)) wrong.add(`${name}: ${value}  (not a value of ${name})  in: ${text}`)
      }
    }
    expect([...wrong]).toEqual([])
  })

  test('every hyphenated, input-looking word is an input of src/inputs.ts', () => {
    const wrong = new Set<string>()
    for (const { text } of cases) {
      // Words inside a host, an image name or a path are not input names.
      const words = text.replace(/\S*[/:@]\S*/g, match => (/^[a-z-]+:$/.test(match) ? match : ' ')).matchAll(/(?<![\w.])([a-z]+(?:-[a-z]+)+)(?![\w.])/g)
      for (const [, word] of words) if (!INPUT_BY_NAME.has(word as string) && !PROSE_COMPOUNDS.has(word as string)) wrong.add(`${word}  in: ${text}`)
    }
    expect([...wrong]).toEqual([])
  })

  test('the input words advice uses are all in the input table', () => {
    const mentioned = new Set<string>()
    for (const { text } of cases) for (const word of INPUT_WORDS) if (new RegExp(`(?<![\\w-])${word}(?![\\w-])`).test(text)) mentioned.add(word)
    // The words advice actually names: each must be an input, so a renamed input breaks this test, not a user.
    expect(mentioned.size).toBeGreaterThan(5)
    for (const word of mentioned) expect(INPUT_BY_NAME.has(word) ? word : `${word} is not an input`).toBe(word)
  })

  test('target-username (which never existed) appears in no advice', () => {
    for (const { text } of cases) expect(text).not.toMatch(/target-(username|password)/)
  })
})

describe('the side comes from the failure', () => {
  const context: AdviceContext = { imageKind: 'base', source: SOURCE, target: TARGET, engine: 'docker', attempts: 4, verifyFrom: 'registry' }

  test('a wrong target password (unauthorized, target) points at the username and password inputs and the target host', () => {
    const text = adviseFailure({ kind: 'unauthorized', side: 'target', phase: 'mirror', host: '127.0.0.1:5000', message: 'docker login to 127.0.0.1:5000 failed' }, context)
    expect(text).toContain('127.0.0.1:5000')
    expect(text).toMatch(/(?<![\w-])username and password inputs/)
    expect(text).not.toContain('source-')
  })

  test('a refused source (unauthorized, source) points at source-username and source-password and the source host', () => {
    const text = adviseFailure({ kind: 'unauthorized', side: 'source', phase: 'mirror', host: 'docker.io', message: 'pull failed' }, context)
    expect(text).toContain('docker.io')
    expect(text).toContain('source-username')
    expect(text).toContain('source-password')
    expect(text).not.toContain('127.0.0.1:5000')
  })

  test('without a host on the failure, the side picks which reference’s registry is named', () => {
    expect(adviseFailure({ kind: 'unreachable', side: 'target', phase: 'push', message: 'x' }, context)).toMatch(/^127\.0\.0\.1:5000 did not answer after 4 attempts/)
    expect(adviseFailure({ kind: 'unreachable', side: 'source', phase: 'mirror', message: 'x' }, context)).toMatch(/^docker\.io did not answer after 4 attempts/)
    expect(adviseFailure({ kind: 'unreachable', side: 'source', phase: 'mirror', message: 'x' }, { ...context, attempts: 1 })).toMatch(/after 1 attempt:/)
  })

  test('denied says pull permission on the source side and push permission on the target side', () => {
    expect(adviseFailure({ kind: 'denied', side: 'source', phase: 'mirror', message: 'x' }, context)).toMatch(/may not pull from docker\.io/)
    expect(adviseFailure({ kind: 'denied', side: 'target', phase: 'push', message: 'x' }, context)).toMatch(/may not push to 127\.0\.0\.1:5000 \(127\.0\.0\.1:5000\/aihpc\/library\/postgres:15-alpine\)/)
  })

  test('an image absent upstream (not-found, source) says to check the name, never to mirror it', () => {
    const text = adviseFailure({ kind: 'not-found', side: 'source', phase: 'mirror', message: 'x' }, context)
    expect(text).toMatch(/^postgres:15-alpine does not exist where it was looked for: check its name and tag/)
    expect(text).not.toMatch(/Mirror it/)
  })

  test('a target missing at verify: the engine’s hint first, else mirror it / build it, from the registry or the local daemon', () => {
    const missing: Failure = { kind: 'not-found', side: 'target', phase: 'verify', message: 'not in 127.0.0.1:5000' }
    expect(adviseFailure({ ...missing, hint: 'A tag with another structure is local: docker tag a b' }, context)).toBe('A tag with another structure is local: docker tag a b')
    expect(adviseFailure(missing, context)).toBe('Mirror it: run mode: mirror (copies postgres:15-alpine)')
    expect(adviseFailure(missing, { ...context, imageKind: 'service' })).toBe('Build and push it: run mode: build with push: true')
    expect(adviseFailure(missing, { ...context, verifyFrom: 'local', imageKind: 'service' })).toBe(
      'Build it: run mode: build (the image is built as 127.0.0.1:5000/aihpc/library/postgres:15-alpine)'
    )
    expect(adviseFailure(missing, { ...context, verifyFrom: 'local' })).toMatch(/^Not in the local daemon: docker pull postgres:15-alpine/)
  })

  test('kinds that are the same whatever the side: not-local, stale-local, build-failed, cancelled', () => {
    for (const side of SIDES) {
      expect(adviseFailure({ kind: 'not-local', side, phase: 'mirror', message: 'x' }, context)).toBe('Load it first (docker pull postgres:15-alpine, or docker load -i <archive>), or run with pull: missing')
      expect(adviseFailure({ kind: 'cancelled', side, phase: 'mirror', message: 'x' }, context)).toBe('The run was cancelled before this image finished; run again')
      expect(adviseFailure({ kind: 'build-failed', side, phase: 'build', message: 'x' }, context)).toMatch(/use-mirrored-bases: false builds against the public ones/)
      expect(adviseFailure({ kind: 'stale-local', side, phase: 'mirror', message: 'x' }, context)).toMatch(/run with pull: always$/)
    }
  })
})

describe('advice fits the engine in use', () => {
  const context: AdviceContext = { imageKind: 'base', source: SOURCE, target: TARGET, engine: 'registry', attempts: 4, verifyFrom: 'registry' }

  test('never tells the registry engine’s user to switch to engine: registry', () => {
    for (const phase of PHASES) for (const side of SIDES) {
      const text = adviseFailure({ kind: 'unsupported', side, phase, message: 'linux/s390x is not in the index' }, context)
      expect(text ?? '').not.toContain('engine: registry')
    }
  })

  test('an input that only the docker engine reads (pull) is named for the registry engine only together with engine: docker', () => {
    for (const kind of Object.keys(KINDS) as FailureKind[])
      for (const side of SIDES) {
        const text = adviseFailure({ kind, side, phase: 'mirror', message: 'x' }, context) ?? ''
        if (/(?<![\w-])pull: /.test(text)) expect(`${kind}/${side}: ${text}`).toMatch(/engine: docker/)
      }
  })
})

// Last, and importing run.ts only here: run.ts builds the registry engine, which another change is rewriting.
describe('imageResults', () => {
  test('attaches the advice of each failed phase to the result of its own image, from the typed failure', async () => {
    const { imageResults } = await import('../src/execute/run.js')
    const { plannedImage } = await import('./harness/registry-api.js')
    const ok = plannedImage('base', 'redis:7-alpine', '127.0.0.1:5000/aihpc/library/redis:7-alpine')
    const denied = plannedImage('base', 'postgres:15-alpine', '127.0.0.1:5000/aihpc/library/postgres:15-alpine')
    const unmapped = plannedImage('base', 'example/unmapped:1', null)
    const failure: Failure = { kind: 'unauthorized', side: 'target', phase: 'mirror', host: '127.0.0.1:5000', message: 'docker login to 127.0.0.1:5000 failed: 401' }
    const results = imageResults(
      [ok, denied, unmapped],
      new Map([
        [ok.source, [{ phase: 'mirror' as const, status: 'mirrored' as const, durationMs: 1 }]],
        [denied.source, [{ phase: 'mirror' as const, status: 'failed' as const, durationMs: 1, error: failure.message, failure }, { phase: 'verify' as const, status: 'skipped' as const, durationMs: 0 }]]
      ]),
      { engine: 'docker', attempts: 4, verifyFrom: 'registry' }
    )
    expect(results.map(result => result.status)).toEqual(['mirrored', 'failed', 'unmapped'])
    expect(results[0]!.phases[0]!.suggestion).toBeUndefined()
    expect(results[1]!.phases[0]!.suggestion).toBe('Check the credentials for 127.0.0.1:5000: the username and password inputs, or docker/login-action before this step')
    expect(results[2]!.phases).toEqual([])
  })
})
