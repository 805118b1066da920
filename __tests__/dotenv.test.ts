import { describe, expect, it } from '@jest/globals'
import { parseDotenv } from '../src/extract/dotenv.js'

const parse = (text: string, env: Record<string, string> = {}) => parseDotenv(text, '.env', name => (Object.hasOwn(env, name) ? env[name] : undefined))

describe('.env files as docker compose reads them', () => {
  it.each<[string, string, Record<string, string>, Record<string, string>]>([
    ['KEY=value', 'A=1\nB=two words\n', {}, { A: '1', B: 'two words' }],
    ['the colon form', 'A: 1\n', {}, { A: '1' }],
    ['white space around the separator and the value', 'A = 1\n  B=  2  \n', {}, { A: '1', B: '2' }],
    ['comment lines and blank lines', '# comment\n\n  # indented comment\nA=1\n\n', {}, { A: '1' }],
    ['an export prefix', 'export A=1\nexport  B="2"\nexport\tC=3\n', {}, { A: '1', B: '2', C: '3' }],
    ['a name that starts with export', 'exported=1\n', {}, { exported: '1' }],
    ['an inline comment after an unquoted value', 'A=1 # one\nB=x#y\n', {}, { A: '1', B: 'x#y' }],
    ['a comment after a quoted value', 'A="x y" # c\nB=\'z\' # d\n', {}, { A: 'x y', B: 'z' }],
    ['a # inside quotes', 'A="x # y"\n', {}, { A: 'x # y' }],
    ['single quotes as literal text', "A='$HOME \\n # not a comment'\n", { HOME: '/root' }, { A: '$HOME \\n # not a comment' }],
    ['double quotes with escapes', 'A="a\\nb\\t\\"c\\"\\\\"\n', {}, { A: 'a\nb\t"c"\\' }],
    ['an escaped dollar in double quotes', 'A="\\$A"\n', {}, { A: '$A' }],
    ['$$ in an unquoted value', 'A=a$$b\n', {}, { A: 'a$b' }],
    ['a double-quoted value over several lines', 'A="line 1\nline 2"\nB=3\n', {}, { A: 'line 1\nline 2', B: '3' }],
    ['a single-quoted value over several lines', "A='line 1\nline 2'\n", {}, { A: 'line 1\nline 2' }],
    ['an escaped quote at the end of a line inside a multi-line value', 'A="x\\"\ny"\n', {}, { A: 'x"\ny' }],
    ['empty values', 'A=\nB=""\nC=\'\'\n', {}, { A: '', B: '', C: '' }],
    ['a bare name taking the environment value', 'A\nB\n', { A: 'from-env' }, { A: 'from-env' }],
    ['variables from earlier lines and the environment', 'A=1\nB=${A}-${E}\nC="${A:-x}"\n', { E: 'e' }, { A: '1', B: '1-e', C: '1' }],
    ['the environment over an earlier line', 'A=1\nB=${A}\n', { A: 'env' }, { B: 'env', A: '1' }],
    ['a later line over an earlier one', 'A=1\nA=2\n', {}, { A: '2' }],
    ['unset variables as empty', 'A=x${NOPE}y\n', {}, { A: 'xy' }],
    ['defaults', 'A=${NOPE:-d}\nB=${NOPE-e}\n', {}, { A: 'd', B: 'e' }],
    ['Windows line endings', 'A=1\r\nB=2\r\n', {}, { A: '1', B: '2' }],
    ['dots and dashes in names', 'a.b-c=1\n', {}, { 'a.b-c': '1' }]
  ])('parses %s', (_name, text, env, expected) => {
    const result = parse(text, env)
    expect(result.findings).toEqual([])
    expect(Object.fromEntries(result.values)).toEqual(expected)
  })

  it.each<[string, string, number]>([
    ['an unclosed double quote', 'A=1\nB="open\nC=3\n', 2],
    ['an unclosed single quote', "A='open\n", 1],
    ['a line without a name', 'A=1\n=2\n', 2],
    ['a name without a separator', 'A=1\nB C\n', 2],
    ['text after a quoted value', 'A="x" y\n', 1],
    ['an unterminated ${', 'A=${B\n', 1],
    ['an invalid variable name', 'A=${1B}\n', 1]
  ])('reports %s with its line, and ignores the line', (_name, text, line) => {
    const result = parse(text)
    expect(result.findings).toEqual([expect.objectContaining({ kind: 'invalid-file', severity: 'warning', file: '.env', line })])
  })

  it('keeps the lines around a bad one', () => {
    const result = parse('A=1\nnot an assignment\nB=2\n')
    expect(Object.fromEntries(result.values)).toEqual({ A: '1', B: '2' })
    expect(result.findings).toHaveLength(1)
  })
})

describe('.env findings never quote the file', () => {
  // Another file's secrets, read as if it were an env file: no finding may repeat any of it.
  const secretLike = [
    '-----BEGIN OPENSSH PRIVATE KEY-----',
    'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ',
    'ghp_abcdefghijklmnopqrstuvwxyz0123456789 trailing',
    '{"auths":{"registry.example.com":{"auth":"dXNlcjpzM2NyM3Q="}}}',
    'TOKEN="unterminated s3cr3t-value',
    "KEY='x' s3cr3t-after-quote",
    'PASS=${s3cr3t-in-braces',
    'URL=${1s3cr3t}'
  ]

  it.each(secretLike.map((line, index) => [index + 1, line] as const))('example %i is reported, if at all, without its content', (_example, line) => {
    // A lone word is a bare NAME (passed through from the environment): no finding at all.
    const result = parse(line + '\n')
    expect(result.findings.length).toBe(/^[A-Za-z0-9_]+$/.test(line) ? 0 : 1)
    const words = line.split(/[^A-Za-z0-9_+/=-]+/).filter(word => word.length >= 6)
    for (const finding of result.findings) {
      expect(finding).toMatchObject({ file: '.env', line: 1 })
      for (const word of words) expect(finding.message).not.toContain(word)
    }
  })

  it('says which line is not NAME=value', () => {
    const result = parse('A=1\nB=2\n{"auths":{}}\n')
    expect(result.findings).toEqual([expect.objectContaining({ line: 3, message: expect.stringContaining('line 3 is not NAME=value') })])
  })
})

describe('withheld variables in .env files', () => {
  it('does not expand a withheld variable into a value, and says why', () => {
    const result = parse('A=x-${INPUT_PASSWORD}\nB="${ACTIONS_RUNTIME_TOKEN}"\nC=1\n', { INPUT_PASSWORD: 'hunter2', ACTIONS_RUNTIME_TOKEN: 'hunter2' })
    expect(Object.fromEntries(result.values)).toEqual({ C: '1' })
    expect(JSON.stringify(result.findings)).not.toContain('hunter2')
    expect(result.findings).toEqual([
      expect.objectContaining({ kind: 'unresolved-variable', line: 1, message: expect.stringContaining('INPUT_PASSWORD, which is withheld: it holds a secret of the runner/action') }),
      expect.objectContaining({ kind: 'unresolved-variable', line: 2, message: expect.stringContaining('ACTIONS_RUNTIME_TOKEN, which is withheld') })
    ])
  })

  it('does not pass a withheld name through from the environment', () => {
    const result = parse('GITHUB_TOKEN\nHOME\n', { GITHUB_TOKEN: 'ghs_secret', HOME: '/root' })
    expect(Object.fromEntries(result.values)).toEqual({ HOME: '/root' })
    expect(result.findings).toEqual([expect.objectContaining({ kind: 'unresolved-variable', severity: 'warning', line: 1 })])
  })
})

describe('.env files of hostile size', () => {
  it('reads a value left open over many lines in linear time', () => {
    const text = 'A="open\n' + 'x\n'.repeat(200_000)
    const result = parse(text)
    expect(result.findings).toEqual([expect.objectContaining({ line: 1 })])
    expect(result.values.size).toBe(0)
  })

  it('reads many lines', () => {
    const text = Array.from({ length: 100_000 }, (_, i) => `K${i}=v${i}`).join('\n')
    expect(parse(text).values.get('K99999')).toBe('v99999')
  })
})
