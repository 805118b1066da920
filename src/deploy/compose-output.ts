/**
 * The deployment compose file (`compose-output`): each scanned compose file
 * with every service image pointing at its target, for `docker compose pull`
 * on a machine that reaches only the private registry. All or nothing per
 * project: an image that cannot be resolved or has no target stops that
 * project's files from being written, with a finding, rather than leaving a
 * half-mapped file.
 *
 * It works on the compose projects the inventory loaded (never loading them
 * again), so it reads exactly what was scanned: a template
 * (`docker-compose.yml.tpl`) is written rendered, placeholders filled and
 * nothing else changed, under the name it renders to.
 */
import * as path from 'node:path'
import { OutputPathError, writeOutputFile } from '../output-files.js'
import { defaultServiceImageName, rewriteComposeImages, type ComposeProject } from '../extract/compose.js'
import { renderedPath } from '../extract/template.js'
import type { Finding, Plan } from '../model.js'
import { formatReference, tryParseReference } from '../reference.js'

export interface DeploymentComposeInput {
  plan: Plan
  /** The projects as the inventory loaded them (`buildInventory(...).projects`). */
  projects: readonly ComposeProject[]
  /** Absolute output path: the file itself when one compose file is written, else a directory. */
  output: string
}

export interface DeploymentComposeFile {
  /** The compose file it was made from, relative to the scanned root. */
  from: string
  /** Where it goes under an output directory: `from`, or the path a template renders to. */
  name: string
  text: string
}

/** Pure: the rewritten files, or findings saying why a project was not written. */
export function renderDeploymentCompose(input: Omit<DeploymentComposeInput, 'output'>): { files: DeploymentComposeFile[]; findings: Finding[] } {
  const targetBySource = new Map(input.plan.images.map(image => [image.source, image.target]))
  const files = new Map<string, DeploymentComposeFile>()
  const findings: Finding[] = []
  for (const project of input.projects) {
    const first = project.inputs[0]
    if (first === undefined) continue
    const images = new Map<string, string>()
    const problems: Finding[] = []
    for (const service of project.services) {
      const text = service.image?.text ?? (service.build !== undefined ? defaultServiceImageName(project.name, service.name) : undefined)
      if (text === undefined) continue
      const origin = service.image?.origin ?? service.build?.origin
      const parsed = tryParseReference(text)
      const target = 'ref' in parsed ? targetBySource.get(formatReference(parsed.ref)) : undefined
      if (target === undefined || target === null) {
        problems.push({
          kind: 'unmapped',
          severity: 'error',
          message: `compose-output: ${first} was not written because service '${service.name}' (${text}) has no target image`,
          ...(origin !== undefined && { file: origin.file, line: origin.line }),
          suggestion: 'Map the image (see the unmapped and invalid-reference findings), then run again'
        })
        continue
      }
      images.set(service.name, target)
    }
    if (project.findings.some(finding => finding.severity === 'error')) {
      problems.push({
        kind: 'invalid-file',
        severity: 'error',
        message: `compose-output: ${first} was not written because it has errors (see the other findings)`,
        file: first
      })
    }
    if (problems.length > 0) {
      findings.push(...problems)
      continue
    }
    for (const file of project.inputs) {
      if (files.has(file)) continue
      const text = project.texts.get(file)
      if (text === undefined) continue
      const rewritten = rewriteComposeImages(text, images, file)
      findings.push(...rewritten.findings)
      files.set(file, { from: file, name: renderedPath(file) ?? file, text: rewritten.text })
    }
  }
  return { files: [...files.values()], findings }
}

/** Writes the rendered files; returns the paths written. */
export function writeDeploymentCompose(input: DeploymentComposeInput & { allowedRoots: readonly string[] }): { paths: string[]; findings: Finding[] } {
  const { files, findings } = renderDeploymentCompose(input)
  const paths: string[] = []
  for (const file of files) {
    const destination = files.length === 1 ? input.output : path.join(input.output, file.name)
    try {
      // Never through a symlink, never outside the workspace or the temp directory.
      writeOutputFile(destination, file.text, { allowedRoots: input.allowedRoots })
      paths.push(destination)
    } catch (error) {
      if (!(error instanceof OutputPathError)) throw error
      findings.push({ kind: 'invalid-config', severity: 'error', message: `compose-output: ${error.message}` })
    }
  }
  return { paths, findings }
}
