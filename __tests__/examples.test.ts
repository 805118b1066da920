/**
 * The workflows in examples/ stay true to the action: every step that uses
 * image-mirror names only inputs action.yml has (they come from the one
 * input table, src/inputs.ts), and a literal value of a choice or boolean
 * input is one the action accepts. Expressions (`${{ … }}`) are left to the run.
 */
import { describe, expect, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { parse } from 'yaml'
import { INPUTS } from '../src/inputs.js'

const EXAMPLES = path.join(process.cwd(), 'examples')
const files = fs.readdirSync(EXAMPLES).filter(name => /\.ya?ml$/.test(name))

interface Step {
  uses?: string
  with?: Record<string, unknown>
}

function imageMirrorSteps(file: string): Step[] {
  const workflow = parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8')) as { jobs?: Record<string, { steps?: Step[] }> }
  return Object.values(workflow.jobs ?? {}).flatMap(job => (job.steps ?? []).filter(step => typeof step.uses === 'string' && /image-mirror@/.test(step.uses)))
}

describe('examples/', () => {
  test('there are example workflows, and each uses the action', () => {
    expect(files.length).toBeGreaterThanOrEqual(5)
    for (const file of files) expect([file, imageMirrorSteps(file).length > 0]).toEqual([file, true])
  })

  test.each(files)('%s names only real inputs, with values the action accepts', file => {
    const inputs = new Map<string, (typeof INPUTS)[number]>(INPUTS.map(input => [input.name, input]))
    const problems: string[] = []
    for (const step of imageMirrorSteps(file)) {
      for (const [name, raw] of Object.entries(step.with ?? {})) {
        const input = inputs.get(name)
        if (input === undefined) {
          problems.push(`${name}: no such input`)
          continue
        }
        const value = String(raw)
        if (value.includes('${{')) continue
        if (input.kind === 'choice' && !(input.choices as readonly string[]).includes(value)) problems.push(`${name}: '${value}' is not one of ${input.choices.join(', ')}`)
        if (input.kind === 'boolean' && !['true', 'false'].includes(value)) problems.push(`${name}: '${value}' is not true or false`)
      }
    }
    expect(problems).toEqual([])
  })
})
