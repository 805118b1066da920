/** Build-arg values never reach the log or the report, even when BuildKit prints them inside RUN lines (issue 9). */
import { describe, expect, test } from '@jest/globals'
import { buildArgRedactor } from '../src/execute/execute.js'

describe('buildArgRedactor', () => {
  test.each([
    ['a value inside a BuildKit RUN line', { TOKEN: 's3cr3t-value' }, '#5 [2/3] RUN echo s3cr3t-value > /x', '#5 [2/3] RUN echo *** > /x'],
    ['every occurrence, the longest value first', { A: 'abcd', B: 'abcdef' }, 'abcdef abcd', '*** ***'],
    ['values with regular-expression characters', { URL: 'https://x.example/a?b=(c)' }, 'fetch https://x.example/a?b=(c) now', 'fetch *** now'],
    ['short values are left, or the log would be unreadable', { DEBUG: '1', MODE: 'on' }, 'step 1 on', 'step 1 on'],
    ['no args, no change', {}, 'plain line', 'plain line']
  ])('%s', (_name, args, line, expected) => {
    expect(buildArgRedactor(args)(line)).toBe(expected)
  })
})
