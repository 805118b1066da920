import { describe, expect, it } from '@jest/globals'
import { compileGlob, GlobError, globProblem, matchesAny } from '../src/discover/glob.js'

describe('glob patterns', () => {
  const cases: Array<{ pattern: string; matches: string[]; misses: string[] }> = [
    { pattern: 'Dockerfile', matches: ['Dockerfile', 'src/api/Dockerfile'], misses: ['Dockerfile.dev', 'src/Dockerfile/x'] },
    { pattern: 'Dockerfile.*', matches: ['Dockerfile.dev', 'a/b/Dockerfile.prod'], misses: ['Dockerfile', 'xDockerfile.dev'] },
    { pattern: '*.Dockerfile', matches: ['api.Dockerfile', 'x/web.Dockerfile'], misses: ['Dockerfile'] },
    { pattern: 'services/*/compose.yml', matches: ['services/api/compose.yml'], misses: ['services/a/b/compose.yml', 'compose.yml', 'x/services/api/compose.yml'] },
    { pattern: 'services/**/compose.yml', matches: ['services/compose.yml', 'services/a/compose.yml', 'services/a/b/compose.yml'], misses: ['other/compose.yml'] },
    { pattern: '**/{docs,tools}/**', matches: ['docs/a.md', 'x/tools/y/Dockerfile', 'tools/Dockerfile'], misses: ['docsx/a', 'src/Dockerfile', 'mydocs/a'] },
    { pattern: '{a,b/{c,d}}/Dockerfile', matches: ['a/Dockerfile', 'b/c/Dockerfile', 'b/d/Dockerfile'], misses: ['b/Dockerfile', 'c/Dockerfile'] },
    { pattern: 'compose{,.prod}.yml', matches: ['compose.yml', 'compose.prod.yml', 'x/compose.prod.yml'], misses: ['compose.dev.yml'] },
    { pattern: 'Dockerfile.?', matches: ['Dockerfile.a'], misses: ['Dockerfile.ab', 'Dockerfile.'] },
    { pattern: 'Dockerfile.[a-c]', matches: ['Dockerfile.a', 'Dockerfile.c'], misses: ['Dockerfile.d', 'Dockerfile.-'] },
    { pattern: 'Dockerfile.[!a-c]', matches: ['Dockerfile.d'], misses: ['Dockerfile.a', 'Dockerfile.'] },
    { pattern: 'Dockerfile.[^a]', matches: ['Dockerfile.b'], misses: ['Dockerfile.a'] },
    { pattern: 'file[]]x', matches: ['file]x'], misses: ['filex'] },
    { pattern: 'a+b(c).yml', matches: ['a+b(c).yml'], misses: ['aab(c).yml', 'a+bc.yml'] },
    { pattern: 'x$^|y.yml', matches: ['x$^|y.yml'], misses: ['y.yml'] },
    { pattern: './deploy/compose.yml', matches: ['deploy/compose.yml'], misses: ['x/deploy/compose.yml'] },
    { pattern: 'deploy/', matches: ['deploy'], misses: ['deploy/compose.yml'] },
    { pattern: 'deploy/**', matches: ['deploy/compose.yml', 'deploy/a/b'], misses: ['deployx/a'] },
    { pattern: 'a/*', matches: ['a/b'], misses: ['a/b/c'] }
  ]
  for (const { pattern, matches, misses } of cases) {
    it(`${pattern} matches ${matches.join(', ')} and not ${misses.join(', ')}`, () => {
      const glob = compileGlob(pattern)
      for (const file of matches) expect([file, glob.matches(file)]).toEqual([file, true])
      for (const file of misses) expect([file, glob.matches(file)]).toEqual([file, false])
    })
  }

  it('never lets * ? or a class match a slash', () => {
    expect(compileGlob('a*b').matches('a/b')).toBe(false)
    expect(compileGlob('a?b').matches('a/b')).toBe(false)
    expect(compileGlob('x/a[!z]b').matches('x/a/b')).toBe(false)
  })

  it('matchesAny is true when one of the patterns matches', () => {
    const globs = ['Dockerfile', 'compose.yml'].map(compileGlob)
    expect(matchesAny(globs, 'x/compose.yml')).toBe(true)
    expect(matchesAny(globs, 'x/compose.yaml')).toBe(false)
    expect(matchesAny([], 'x')).toBe(false)
  })

  const invalid: Array<[string, string]> = [
    ['**/{docs,tools', "the '{' at position 4 is never closed"],
    ['a/{b,{c,d}', "the '{' at position 3 is never closed"],
    ['docs}/**', "the '}' at position 5 closes no '{'"],
    ['./x}', "the '}' at position 4 closes no '{'"],
    ['Dockerfile.[abc', "the '[' at position 12 is never closed"],
    ['Dockerfile.[z-a]', "the range 'z-a' is out of order"],
    ['a[b/c]d', "'/' cannot be part of a character class (at position 4)"],
    ['', 'the pattern is empty'],
    ['/etc/**', "patterns are relative to the scanned path: drop the leading '/'"],
    ['../outside/**', "patterns are relative to the scanned path and cannot leave it ('..')"],
    ['a/../b', "patterns are relative to the scanned path and cannot leave it ('..')"],
    ['{'.repeat(9) + '}'.repeat(9), 'braces nested deeper than 8'],
    ['a'.repeat(1025), 'longer than 1024 characters'],
    ['{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}', 'its braces expand to more than 256 patterns']
  ]
  for (const [pattern, reason] of invalid) {
    it(`rejects '${pattern.slice(0, 40)}' with: ${reason}`, () => {
      expect(globProblem(pattern)).toBe(reason)
      let thrown: unknown
      try {
        compileGlob(pattern)
      } catch (error) {
        thrown = error
      }
      expect(thrown).toBeInstanceOf(GlobError)
      expect((thrown as GlobError).message).toBe(`Invalid glob '${pattern}': ${reason}`)
    })
  }

  it('accepts every valid pattern above (globProblem is undefined)', () => {
    for (const { pattern } of cases) expect([pattern, globProblem(pattern)]).toEqual([pattern, undefined])
  })

  it('matches a many-star pattern against a long name without backtracking (a regex would take hours here)', () => {
    const glob = compileGlob('**/a*a*a*a*a*a*a*a*a*a*a*a*b')
    expect(glob.matches(`${'x/'.repeat(50)}${'a'.repeat(250)}`)).toBe(false)
    expect(glob.matches(`${'x/'.repeat(50)}${'a'.repeat(250)}b`)).toBe(true)
  })
})
