/**
 * From discovered files to the deduplicated, sorted inventory: loads each
 * compose project, scans the Dockerfile of every service that is built (with
 * that service's build args and target), scans the remaining Dockerfiles with
 * their defaults, normalises every reference and merges duplicates.
 * File reading comes in through `readFile`, so this stage stays testable
 * over in-memory trees.
 */
import * as path from 'node:path'
import type { BuildSpec, ExtractedReference, Finding, Inventory, InventoryImage, Origin } from '../model.js'
import { formatReference, tryParseReference } from '../reference.js'
import { defaultServiceImageName, loadComposeProject, type ComposeLoadOptions } from './compose.js'
import { extractDockerfile } from './dockerfile.js'

/** readFile reads relative to the scanned root; envFiles are relative to it too. */
export interface InventoryInput extends ComposeLoadOptions {
  composeProjects: string[][]
  dockerfiles: string[]
}

export function buildInventory(input: InventoryInput): Inventory {
  const references: ExtractedReference[] = []
  const findings: Finding[] = []
  const scannedFiles = new Set<string>()
  const dockerfilesBuiltByCompose = new Set<string>()
  // One Dockerfile built with the same args by several projects is scanned once.
  const scannedBuilds = new Set<string>()

  for (const files of input.composeProjects) {
    const project = loadComposeProject(files, input)
    project.files.forEach(file => scannedFiles.add(file))
    findings.push(...project.findings)
    for (const service of project.services) {
      if (service.build === undefined) {
        if (service.image !== undefined) {
          references.push({
            kind: 'base',
            text: service.image.text,
            origin: service.image.origin,
            source: 'compose-image',
            service: service.name,
            ...(service.platform !== undefined && { platform: service.platform })
          })
        }
        continue
      }
      const build: BuildSpec = {
        context: service.build.context,
        dockerfile: service.build.dockerfile,
        args: service.build.args,
        ...(service.build.target !== undefined && { target: service.build.target })
      }
      references.push({
        kind: 'service',
        text: service.image?.text ?? defaultServiceImageName(project.name, service.name),
        origin: service.image?.origin ?? service.build.origin,
        source: 'compose-build',
        service: service.name,
        build,
        ...(service.platform !== undefined && { platform: service.platform })
      })
      dockerfilesBuiltByCompose.add(build.dockerfile)
      const buildKey = JSON.stringify([build.dockerfile, build.target ?? '', Object.entries(build.args).sort()])
      // Remote contexts and dockerfile_inline were reported by the compose stage; there is no file to read.
      if (service.build.notScanned !== undefined || scannedBuilds.has(buildKey)) continue
      scannedBuilds.add(buildKey)
      const text = input.readFile(build.dockerfile)
      if (text === undefined) {
        findings.push({
          kind: 'invalid-file',
          severity: 'error',
          message: `Service '${service.name}' builds from ${build.dockerfile}, which does not exist or cannot be read`,
          file: service.build.origin.file,
          line: service.build.origin.line,
          suggestion: `Fix build.context/build.dockerfile of service '${service.name}'`
        })
        continue
      }
      scannedFiles.add(build.dockerfile)
      const scan = extractDockerfile(text, {
        file: build.dockerfile,
        buildArgs: build.args,
        ...(build.target !== undefined && { target: build.target })
      })
      references.push(...scan.references)
      findings.push(...scan.findings)
    }
  }

  for (const file of input.dockerfiles) {
    if (dockerfilesBuiltByCompose.has(file)) continue
    const text = input.readFile(file)
    if (text === undefined) {
      findings.push({ kind: 'invalid-file', severity: 'warning', message: `Could not read ${file}; it was not scanned`, file })
      continue
    }
    scannedFiles.add(file)
    const scan = extractDockerfile(text, { file })
    references.push(...scan.references)
    findings.push(...scan.findings)
  }

  const normalised = normaliseReferences(references)
  return {
    images: normalised.images,
    findings: [...findings, ...normalised.findings],
    files: [...scannedFiles].sort()
  }
}

/**
 * Parses every reference, merges the ones that name the same image, and sorts
 * the result: base images first, then service images, each by source. An image
 * that any compose service builds is a service image even where it is only
 * referenced by `image:` (a second service running the same build).
 */
export function normaliseReferences(references: ExtractedReference[]): { images: InventoryImage[]; findings: Finding[] } {
  const findings: Finding[] = []
  const bySource = new Map<string, InventoryImage>()
  for (const reference of references) {
    const parsed = tryParseReference(reference.text)
    if ('error' in parsed) {
      findings.push({
        kind: 'invalid-reference',
        severity: 'error',
        message: `${parsed.error.message}${reference.service !== undefined ? ` (service '${reference.service}')` : ''}`,
        file: reference.origin.file,
        line: reference.origin.line
      })
      continue
    }
    const source = formatReference(parsed.ref)
    const existing = bySource.get(source)
    if (existing === undefined) {
      bySource.set(source, {
        kind: reference.kind,
        source,
        ref: parsed.ref,
        origins: [reference.origin],
        ...(reference.build !== undefined && { build: reference.build }),
        ...(reference.platform !== undefined && { platforms: [reference.platform] })
      })
      continue
    }
    existing.origins.push(reference.origin)
    if (reference.kind === 'service') existing.kind = 'service'
    if (reference.build !== undefined && existing.build === undefined) existing.build = reference.build
    if (reference.platform !== undefined) existing.platforms = [...new Set([...(existing.platforms ?? []), reference.platform])]
  }
  const images = [...bySource.values()]
  for (const image of images) image.origins = uniqueOrigins(image.origins)
  images.sort((a, b) => (a.kind !== b.kind ? (a.kind === 'base' ? -1 : 1) : a.source < b.source ? -1 : a.source > b.source ? 1 : 0))
  return { images, findings }
}

function uniqueOrigins(origins: Origin[]): Origin[] {
  const seen = new Map<string, Origin>()
  for (const origin of origins) seen.set(`${origin.file}\0${origin.line}`, origin)
  return [...seen.values()].sort((a, b) => (a.file !== b.file ? (a.file < b.file ? -1 : 1) : a.line - b.line))
}

/** A readFile over the real file system, confined to reading (never throwing). */
export function fileReader(root: string, fs: { readFileSync(file: string, encoding: 'utf8'): string }): (relativePath: string) => string | undefined {
  return relativePath => {
    try {
      return fs.readFileSync(path.resolve(root, relativePath), 'utf8')
    } catch {
      return undefined
    }
  }
}
