/** Renders action.yml from the input and output tables of src/inputs.ts (run by the build; never at run time). */
import { stringify } from 'yaml'
import { INPUT_SPECS, OUTPUTS } from './inputs.js'

export function renderActionYaml(): string {
  const inputs: Record<string, { description: string; required: boolean; default?: string }> = {}
  for (const input of INPUT_SPECS) {
    inputs[input.name] = { description: input.description, required: false, ...(input.default !== undefined && { default: input.default }) }
  }
  const outputs: Record<string, { description: string }> = {}
  for (const output of OUTPUTS) outputs[output.name] = { description: output.description }
  const document = {
    name: 'image-mirror',
    description: 'Find every container image a repository uses, map it to a private registry, mirror base images, build and push service images, and verify.',
    author: 'image-mirror maintainers',
    branding: { icon: 'copy', color: 'blue' },
    inputs,
    outputs,
    // The post step removes the private DOCKER_CONFIG of our logins, even after a cancelled or failed main step.
    runs: { using: 'node24', main: 'dist/index.js', post: 'dist/post.js', 'post-if': 'always()' }
  }
  return `# Generated from src/inputs.ts by 'npm run build'; edit that file, not this one.\n${stringify(document, { lineWidth: 0 })}`
}
