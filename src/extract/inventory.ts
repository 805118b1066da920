/**
 * From discovered files to the deduplicated, sorted inventory: loads each
 * compose project, scans the Dockerfile of every service that is built (with
 * that service's build args, target and named contexts; `dockerfile_inline`
 * too), scans the remaining Dockerfiles with their defaults, normalises every
 * reference and merges duplicates.
 *
 * Templates (`*.tpl`, `*.template`) are read rendered (see template.ts); a
 * compose build whose Dockerfile exists only as a template builds from the
 * template rendered in memory; a rendered file beside its template is scanned
 * too, and a notice says when the two name different images (stale).
 *
 * File reading comes in through `readFile`, so this stage stays testable
 * over in-memory trees. The loaded compose projects are returned, so the
 * deployment compose writer does not load them again.
 */
import * as path from 'node:path'
import type { BuildSpec, ExtractedReference, Finding, Inventory, InventoryImage, Origin } from '../model.js'
import { formatReference, tryParseReference } from '../reference.js'
import { defaultServiceImageName, loadComposeProject, type ComposeBuild, type ComposeLoadOptions, type ComposeProject } from './compose.js'
import { classifyContext, extractDockerfile, nativePlatform, type DockerfileScan } from './dockerfile.js'
import { isTemplate, renderedPath, TEMPLATE_SUFFIXES, TemplateRenderer, unsetPlaceholders } from './template.js'

/** readFile reads relative to the scanned root; envFiles and templateDefaults are relative to it too. */
export interface InventoryInput extends ComposeLoadOptions {
  composeProjects: string[][]
  dockerfiles: string[]
  /** Files of documented defaults for template placeholders; undefined: `.env.example` where it exists. */
  templateDefaults?: string[]
  /** Platforms the images are for besides this machine's (the `platforms` input): what a build that names none may target. */
  platforms?: readonly string[]
  /** Why readFile refused a file (a symbolic link out of the root, a FIFO…), to say so where the file is referenced. */
  refusal?: (relativePath: string) => string | undefined
}

export interface InventoryScan extends Inventory {
  /** The compose projects as loaded (templates rendered), for the deployment compose writer. */
  projects: ComposeProject[]
  /** Files whose refusal a finding on the line that references them already explains (other findings on them repeat it). */
  explained: string[]
}

export function buildInventory(input: InventoryInput): InventoryScan {
  const templates = new TemplateRenderer({
    env: input.env,
    envFiles: input.envFiles,
    readFile: input.readFile,
    ...(input.templateDefaults !== undefined && { templateDefaults: input.templateDefaults })
  })
  const read = templates.readFile
  const composeOptions: ComposeLoadOptions = { ...input, readFile: read }
  const references: ExtractedReference[] = []
  const findings: Finding[] = []
  const scannedFiles = new Set<string>()
  const dockerfilesBuiltByCompose = new Set<string>()
  const explained = new Set<string>()
  // A build that names no platform runs for this machine's (the tool builds here); the platforms input adds the ones deployed.
  const defaultPlatforms = [...new Set([nativePlatform(), ...(input.platforms ?? [])])]
  const projects: ComposeProject[] = []
  // One Dockerfile built with the same args, target and contexts by several services is scanned once.
  const scannedBuilds = new Map<string, DockerfileScan>()
  /** Each build spec with the texts of the images it needs, normalised once everything is read. */
  const needsOf: Array<{ spec: BuildSpec; texts: string[] }> = []

  const loaded = input.composeProjects.map(files => loadComposeProject(files, composeOptions))
  for (const project of loaded) {
    projects.push(project)
    project.files.forEach(file => scannedFiles.add(file))
    // A compose file another project includes is read there, with the include's env_file and directory, as compose
    // reads it; on its own it would lack them (a false "variable not set"), and it adds no image the include does not.
    if (isOnlyIncluded(project, loaded)) continue
    findings.push(...project.findings)
    const imageOfService = new Map(
      project.services.map(service => [service.name, service.image?.text ?? (service.build !== undefined ? defaultServiceImageName(project.name, service.name) : undefined)])
    )
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
      const spec = buildSpecOf(service.build)
      references.push({
        kind: 'service',
        text: service.image?.text ?? defaultServiceImageName(project.name, service.name),
        origin: service.image?.origin ?? service.build.origin,
        source: 'compose-build',
        service: service.name,
        build: spec,
        ...(service.platform !== undefined && { platform: service.platform })
      })

      // Named contexts that are images: mirrored like any base image, whether or not the Dockerfile can be read.
      const contextImages: Record<string, string> = {}
      for (const [name, value] of Object.entries(service.build.additionalContexts ?? {})) {
        const context = classifyContext(value)
        const text = context.kind === 'image' ? context.reference : context.kind === 'service' ? imageOfService.get(context.service) : undefined
        if (context.kind === 'service' && text === undefined) {
          findings.push({
            kind: 'invalid-reference',
            severity: 'error',
            message: `Build context '${name}' of service '${service.name}' names service '${context.service}', which the project does not define or which has no image`,
            ...(service.build.additionalContextOrigins?.[name] ?? service.build.origin)
          })
        }
        if (text === undefined) continue
        if (context.kind === 'image') {
          references.push({ kind: 'base', text, origin: service.build.additionalContextOrigins?.[name] ?? service.build.origin, source: 'compose-image', service: service.name })
        }
        const parsed = tryParseReference(text)
        if ('ref' in parsed) contextImages[name] = formatReference(parsed.ref)
      }
      if (Object.keys(contextImages).length > 0) spec.contextImages = contextImages

      // Remote contexts were reported by the compose stage; there is no file to read.
      if (service.build.notScanned !== undefined) continue
      const dockerfile = dockerfileOf(service.build, read)
      if (dockerfile === undefined) {
        const refused = input.refusal?.(service.build.dockerfile)
        if (refused !== undefined) explained.add(service.build.dockerfile)
        findings.push({
          kind: 'invalid-file',
          severity: 'error',
          message: `Service '${service.name}' builds from ${service.build.dockerfile}, which ${refused ?? 'does not exist or cannot be read'}`,
          file: service.build.origin.file,
          line: service.build.origin.line,
          suggestion: `Fix build.context/build.dockerfile of service '${service.name}'`
        })
        continue
      }
      if (dockerfile.template !== undefined) {
        spec.template = dockerfile.template
        spec.dockerfileInline = dockerfile.text
      }
      if (dockerfile.file !== undefined) {
        dockerfilesBuiltByCompose.add(dockerfile.file)
        scannedFiles.add(dockerfile.file)
      }
      const label = dockerfile.file ?? service.build.origin.file
      // What BuildKit's TARGETARCH and the like stand for in this build.
      const platforms = spec.platforms ?? (service.platform !== undefined ? [service.platform] : defaultPlatforms)
      const buildKey = JSON.stringify([
        dockerfile.file ?? `${service.build.origin.file}#${service.name}`,
        spec.target ?? '',
        Object.entries(spec.args).sort(),
        Object.entries(service.build.additionalContexts ?? {}).sort(),
        platforms
      ])
      let scan = scannedBuilds.get(buildKey)
      if (scan === undefined) {
        scan = extractDockerfile(dockerfile.text, {
          file: label,
          buildArgs: spec.args,
          platforms,
          ...(spec.target !== undefined && { target: spec.target }),
          ...(service.build.additionalContexts !== undefined && { contexts: service.build.additionalContexts }),
          ...(service.build.inline !== undefined && { originOf: service.build.inline.originOf })
        })
        scannedBuilds.set(buildKey, scan)
        references.push(...scan.references)
        findings.push(...scan.findings)
      }
      needsOf.push({ spec, texts: scan.targetNeeds })
    }
  }

  for (const file of input.dockerfiles) {
    if (dockerfilesBuiltByCompose.has(file)) continue
    const text = read(file)
    if (text === undefined) {
      findings.push({ kind: 'invalid-file', severity: 'warning', message: `Could not read ${file}; it was not scanned`, file })
      continue
    }
    scannedFiles.add(file)
    const scan = extractDockerfile(text, { file, platforms: defaultPlatforms })
    references.push(...scan.references)
    findings.push(...scan.findings)
  }

  findings.push(...staleRenderedFiles(input, projects, read))

  // References that kept a template placeholder with no value are errors, never invalid references.
  const kept: ExtractedReference[] = []
  const namedInErrors = new Set<string>()
  for (const reference of references) {
    // Only a rendered template can leave a marker (`__image_mirror_unset_…`): other texts need no search.
    const unset = reference.text.includes('__image_mirror_unset_') ? unsetPlaceholders(reference.text) : []
    if (unset.length === 0) {
      kept.push(reference)
      continue
    }
    unset.forEach(name => namedInErrors.add(name))
    const names = unset.map(name => (name === 'expression' ? 'a template expression' : `{{${name}}}`)).join(', ')
    findings.push({
      kind: 'unresolved-variable',
      severity: 'error',
      message: `The image at ${reference.origin.file}:${reference.origin.line}${reference.service !== undefined ? ` (service '${reference.service}')` : ''} uses ${names}, which has no value (looked in ${templates.lookedIn(reference.origin.file).join(', ')}); it is not in the inventory`,
      file: reference.origin.file,
      line: reference.origin.line,
      suggestion: `Set ${unset[0] === 'expression' ? 'the value' : unset[0]} in the environment, an env-file input, .env, or the template-defaults file (.env.example)`
    })
  }
  findings.push(...templates.findings())
  for (const { file, name, lines, lookedIn } of templates.unresolved()) {
    if (namedInErrors.has(name)) continue
    findings.push({
      kind: 'unresolved-variable',
      severity: 'warning',
      message: `Placeholder {{${name}}} in ${file} has no value (looked in ${lookedIn.join(', ')}); it names no image, so the inventory is complete`,
      file,
      line: lines[0] as number,
      suggestion: `Set ${name} in the environment, an env-file input, .env or the template-defaults file`
    })
  }

  const normalised = normaliseReferences(kept)
  const sourceOf = new Map<string, string | undefined>()
  for (const { spec, texts } of needsOf) {
    const sources = texts.flatMap(text => {
      if (!sourceOf.has(text)) {
        const parsed = tryParseReference(text)
        sourceOf.set(text, 'ref' in parsed ? formatReference(parsed.ref) : undefined)
      }
      const source = sourceOf.get(text)
      return source === undefined ? [] : [source]
    })
    spec.needs = [...new Set(sources)].sort()
  }
  return {
    images: normalised.images,
    findings: [...findings, ...normalised.findings],
    files: [...scannedFiles].sort(),
    projects,
    explained: [...explained]
  }
}

/** Every file of `project` is included by another project that does not itself stand only inside `project`. */
function isOnlyIncluded(project: ComposeProject, all: readonly ComposeProject[]): boolean {
  const within = (inner: ComposeProject, outer: ComposeProject): boolean => inner.inputs.length > 0 && inner.inputs.every(file => outer.included.includes(file))
  return all.some(other => other !== project && within(project, other) && !within(other, project))
}

/** Every key of a compose build, as the plan carries it. */
function buildSpecOf(build: ComposeBuild): BuildSpec {
  const spec: BuildSpec = {
    context: build.context,
    dockerfile: build.dockerfile,
    args: build.args,
    ...(build.target !== undefined && { target: build.target }),
    ...(build.inline !== undefined && { dockerfileInline: build.inline.text })
  }
  const copied = ['platforms', 'secrets', 'ssh', 'additionalContexts', 'cacheFrom', 'cacheTo', 'labels', 'network', 'extraHosts', 'shmSize', 'tags', 'otherKeys'] as const
  for (const key of copied) {
    const value = build[key]
    if (value !== undefined) (spec as unknown as Record<string, unknown>)[key] = value
  }
  return spec
}

/**
 * The Dockerfile text a compose build uses: `dockerfile_inline`; the file;
 * when the file does not exist but its template does, the template rendered
 * in memory; a template named directly, rendered.
 */
function dockerfileOf(build: ComposeBuild, read: (file: string) => string | undefined): { text: string; file?: string; template?: string } | undefined {
  if (build.inline !== undefined) return { text: build.inline.text }
  const text = read(build.dockerfile)
  if (text !== undefined) return { text, file: build.dockerfile, ...(isTemplate(build.dockerfile) && { template: build.dockerfile }) }
  for (const suffix of TEMPLATE_SUFFIXES) {
    const template = `${build.dockerfile}${suffix}`
    const rendered = read(template)
    if (rendered !== undefined) return { text: rendered, file: template, template }
  }
  return undefined
}

/** A rendered file beside its template that names other images than the template renders to: a notice, the rendered file is stale. */
function staleRenderedFiles(input: InventoryInput, projects: ComposeProject[], read: (file: string) => string | undefined): Finding[] {
  const findings: Finding[] = []
  const notice = (rendered: string, template: string, renderedImages: string[], templateImages: string[], origin: Origin): void => {
    const only = (a: string[], b: string[]): string[] => a.filter(item => !b.includes(item))
    const stale = only(renderedImages, templateImages)
    const fresh = only(templateImages, renderedImages)
    findings.push({
      kind: 'scan-note',
      severity: 'notice',
      message: `${rendered} is stale: it names ${stale.length > 0 ? stale.join(', ') : 'fewer images'} where its template ${template} renders ${fresh.length > 0 ? fresh.join(', ') : 'fewer images'}; both are in the inventory`,
      ...origin,
      suggestion: `Render ${rendered} again from ${template}, or delete it if the template is what is built`
    })
  }
  const imagesOfDockerfile = (text: string, file: string): string[] =>
    [...new Set(extractDockerfile(text, { file }).references.map(reference => normalisedText(reference.text)))].sort()

  const dockerfiles = new Set(input.dockerfiles)
  for (const template of input.dockerfiles) {
    const rendered = renderedPath(template)
    if (rendered === undefined || !dockerfiles.has(rendered)) continue
    const renderedText = input.readFile(rendered)
    const templateText = read(template)
    if (renderedText === undefined || templateText === undefined) continue
    const a = imagesOfDockerfile(renderedText, rendered)
    const b = imagesOfDockerfile(templateText, template)
    if (JSON.stringify(a) !== JSON.stringify(b)) notice(rendered, template, a, b, { file: rendered, line: 1 })
  }

  const byFirstFile = new Map(projects.filter(project => project.inputs.length > 0).map(project => [project.inputs.join('\0'), project]))
  for (const project of projects) {
    const rendered = project.inputs.map(file => renderedPath(file))
    if (rendered.length === 0 || rendered.some(file => file === undefined)) continue
    const twin = byFirstFile.get(rendered.join('\0'))
    if (twin === undefined) continue
    const images = (p: ComposeProject): string[] =>
      [...new Set(p.services.flatMap(service => (service.image !== undefined ? [`${service.name}=${normalisedText(service.image.text)}`] : [])))].sort()
    const a = images(twin)
    const b = images(project)
    if (JSON.stringify(a) !== JSON.stringify(b)) notice(twin.inputs[0] as string, project.inputs[0] as string, a, b, { file: twin.inputs[0] as string, line: 1 })
  }
  return findings
}

function normalisedText(text: string): string {
  const parsed = tryParseReference(text)
  return 'ref' in parsed ? formatReference(parsed.ref) : text
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
  // The same text is written many times in a monorepo (a base image per service): parsed once.
  const parsedTexts = new Map<string, { parsed: ReturnType<typeof tryParseReference>; source?: string }>()
  for (const reference of references) {
    let known = parsedTexts.get(reference.text)
    if (known === undefined) {
      const result = tryParseReference(reference.text)
      known = 'ref' in result ? { parsed: result, source: formatReference(result.ref) } : { parsed: result }
      parsedTexts.set(reference.text, known)
    }
    const { parsed } = known
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
    const source = known.source as string
    const existing = bySource.get(source)
    if (existing === undefined) {
      bySource.set(source, {
        kind: reference.kind,
        source,
        ref: parsed.ref,
        origins: [reference.origin],
        ...(reference.build !== undefined && { build: reference.build }),
        ...(reference.platform !== undefined && { platforms: [reference.platform] }),
        ...(reference.frontend === true && { frontend: true })
      })
      continue
    }
    existing.origins.push(reference.origin)
    if (reference.kind === 'service') existing.kind = 'service'
    if (reference.build !== undefined && existing.build === undefined) existing.build = reference.build
    if (reference.platform !== undefined) existing.platforms = [...new Set([...(existing.platforms ?? []), reference.platform])]
    if (reference.frontend !== true) delete existing.frontend
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
