import { describe, expect, it } from '@jest/globals'
import { printUntrusted, safeLine, untrustedBlock } from '../src/report/neutralize.js'

/**
 * What the runner would read as a workflow command in printed text: it splits
 * on \r and \n, and a line is a command when its first non-blank characters
 * are `::`, or when it contains `##[` anywhere. Inside a stop-commands block
 * nothing is a command until the line `::<token>::`.
 */
function commandsIn(printed: string): string[] {
  const commands: string[] = []
  let stopToken: string | undefined
  for (const line of printed.split(/\r\n|\r|\n/)) {
    const trimmed = line.trimStart()
    if (stopToken !== undefined) {
      if (trimmed === `::${stopToken}::`) stopToken = undefined
      else if (line.includes('##[')) commands.push(line)
      continue
    }
    const stop = /^::stop-commands::(.+)$/.exec(trimmed)
    if (stop !== null) {
      stopToken = stop[1]
      continue
    }
    if (trimmed.startsWith('::') || line.includes('##[')) commands.push(line)
  }
  expect(stopToken).toBeUndefined()
  return commands
}

const PAYLOADS = [
  '\r::error::x',
  'ok\r::error file=a,line=1::planted',
  '::add-mask::secret',
  '   ::set-output name=x::y',
  '##[group]fake group',
  'build step ##[error]fake error',
  'docker says\n::warning::planted\nmore',
  '::stop-commands::abc',
  '\u001b[31mred\u001b[0m'
]

describe('safeLine', () => {
  it.each(PAYLOADS)('prints %j as one line that is no workflow command', payload => {
    const line = safeLine(payload)
    expect(line).not.toMatch(/[\r\n]/)
    expect(commandsIn(line)).toEqual([])
  })

  it('leaves ordinary text as it is and makes escapes visible', () => {
    expect(safeLine('[3/15] mirrored postgres:15-alpine in 1.2s')).toBe('[3/15] mirrored postgres:15-alpine in 1.2s')
    expect(safeLine('a::b c::d')).toBe('a::b c::d')
    expect(safeLine('x\ry')).toBe('x\\ry')
    expect(safeLine('\u001b[31m')).toBe('\\x1b[31m')
  })
})

describe('untrustedBlock', () => {
  it.each(PAYLOADS)('prints %j between stop-commands markers, with no command inside', payload => {
    const block = untrustedBlock(payload)
    expect(block.split('\n')[0]).toMatch(/^::stop-commands::[0-9a-f]{32}$/)
    expect(commandsIn(block)).toEqual([])
  })

  it('keeps the lines readable as they were, but for ##[ and control characters', () => {
    const block = untrustedBlock('line one\n::error::shown, not run\nline three', 'token')
    expect(block.split('\n')).toEqual(['::stop-commands::token', 'line one', '::error::shown, not run', 'line three', '::token::'])
  })

  it('never uses a token the text contains, so the text cannot end the block early', () => {
    const block = untrustedBlock('::guess::\n::error::after', 'guess')
    expect(block.split('\n')[0]).not.toBe('::stop-commands::guess')
    expect(commandsIn(block)).toEqual([])
  })
})

describe('printUntrusted', () => {
  it('prints one line as a safe line and several as a block', () => {
    const printed: string[] = []
    printUntrusted('[1/2] failed to push app: denied', line => printed.push(line))
    printUntrusted('docker output\n::error::planted\n', line => printed.push(line))
    printUntrusted('\r::error::x', line => printed.push(line))
    expect(printed[0]).toBe('[1/2] failed to push app: denied')
    expect(printed[1]).toMatch(/^::stop-commands::/)
    expect(commandsIn(printed.join('\n'))).toEqual([])
  })
})
