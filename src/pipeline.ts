/**
 * The pipeline of DESIGN.md, shared by the action and the CLI:
 * discover → extract → map → execute → report. Each stage is called here and
 * nowhere else; the front ends only turn the result into outputs, a summary,
 * annotations and an exit code.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { discoverFiles, groupComposeProjects } from './discover/discover.js'
import { buildInventory } from './extract/inventory.js'
import { confinedReader } from './extract/files.js'
import type { ComposeLoadOptions } from './extract/compose.js'
import type { Finding, Inventory, Plan } from './model.js'
import { mapInventory } from './map/mapping.js'
import { loadMappingConfig } from './map/config.js'
import { selectShard, matrixOutput } from './plan/shard.js'
import { phasesOf, planJobs, selectJobs } from './plan/jobs.js'
import { buildReport, plural, type Report } from './report/report.js'
import type { Settings } from './settings.js'
import { writeDeploymentCompose } from './deploy/compose-output.js'
import { isBundleRun, readsBundle } from './plan/bundle-jobs.js'
// Types only: the execute stage, the engines and the bundle code are loaded (import()) only by a
// mode that runs them, so plan and check, and every start, pay for none of them.
import type { Execution, ProgressSink } from './execute/run.js'
import type { Builder } from './engine/docker/builder.js'

export interface PipelineResult {
  report: Report
  /** Extra outputs: compose-file, matrix. */
  outputs: Record<string, string>
}

export async function runPipeline(settings: Settings, progress: ProgressSink, signal?: AbortSignal): Promise<PipelineResult> {
  const outputs: Record<string, string> = {}
  // A bundle to import or verify is opened first: without a checkout, its plan is the plan.
  const bundleStage = readsBundle(settings) || isBundleRun(settings) ? await import('./execute/bundle.js') : undefined
  const bundle = await bundleStage?.openInputBundle(settings, progress)

  // Repository files are read only inside the root (env-file inputs excepted), as regular files under a size cap.
  const reader = confinedReader(settings.root, { allowedOutside: [...settings.envFiles, ...(settings.templateDefaults ?? [])] })
  const compose: ComposeLoadOptions = {
    readFile: reader.readFile,
    env: settings.env,
    envFiles: settings.envFiles.map(file => path.relative(settings.root, file).split(path.sep).join('/')),
    rootDirectoryName: path.basename(settings.root)
  }
  const { inventory, composeProjects } = await progress.group('Find images', async () => {
    const discovery = discoverFiles(settings.root, {
      composePatterns: settings.composeFiles,
      dockerfilePatterns: settings.dockerfiles,
      exclude: settings.exclude
    })
    if (discovery.composeFiles.length === 0 && discovery.dockerfiles.length === 0 && bundle === undefined) discovery.findings.push(nothingToScan(settings))
    const projects = groupComposeProjects(discovery.composeFiles)
    const { projects: loadedProjects, explained, ...found } = buildInventory({
      ...compose,
      composeProjects: projects,
      dockerfiles: discovery.dockerfiles,
      platforms: settings.platforms,
      refusal: reader.refusal,
      ...(settings.templateDefaults !== undefined && { templateDefaults: settings.templateDefaults.map(file => path.relative(settings.root, file).split(path.sep).join('/')) })
    })
    // A refused file a finding on its compose line explains needs no finding of its own, from discovery or the reader.
    const repeated = (finding: Finding): boolean => finding.file !== undefined && explained.includes(finding.file)
    const result: Inventory = { ...found, findings: [...[...discovery.findings, ...reader.findings()].filter(finding => !repeated(finding)), ...found.findings] }
    const bases = result.images.filter(image => image.kind === 'base').length
    progress.info(
      `${plural(result.files.length, 'file')} scanned: ${plural(bases, 'base image')}, ${plural(result.images.length - bases, 'service image')}, ${plural(result.findings.length, 'finding')}`
    )
    return { inventory: result, composeProjects: loadedProjects }
  })

  const plan = bundle !== undefined && inventory.files.length === 0 && bundleStage !== undefined ? bundleStage.planFromBundle(bundle, settings) : planFor(inventory, settings)
  // Shard membership only filters jobs: builds are always derived from the whole plan.
  const shardImages =
    settings.shard === undefined ? undefined : new Set(selectShard(plan.images, settings.shard.index, settings.shard.count).map(image => image.source))
  if (settings.shard !== undefined) progress.info(`Shard ${settings.shard.index}/${settings.shard.count}: ${plural(shardImages?.size ?? 0, 'image')}`)
  if (settings.mode === 'plan') outputs.matrix = matrixOutput(plan.images, settings.shards)
  const shownImages = shardImages === undefined ? plan.images : plan.images.filter(image => shardImages.has(image.source))

  const findings: Finding[] = [...plan.findings]
  if (settings.composeOutput !== undefined && settings.registry !== undefined) {
    // Every service of the deployment, whichever shard this job handles.
    // The projects the inventory loaded: compose-output never loads them again.
    const written = writeDeploymentCompose({ plan, projects: composeProjects, output: settings.composeOutput, allowedRoots: settings.outputRoots })
    findings.push(...written.findings)
    if (written.paths.length > 0) outputs['compose-file'] = written.paths.join('\n')
  }

  let execution: Execution | undefined
  if (bundleStage !== undefined && isBundleRun(settings)) {
    execution = await bundleStage.executeBundle(plan, shownImages, bundle, settings, progress, signal, shardImages)
    findings.push(...(execution.findings ?? []))
  } else if (settings.mode !== 'plan' && settings.mode !== 'check') {
    // The builder is a fact of this machine the plan stage needs: what it honours decides each build's command.
    const builds = phasesOf(settings.mode).includes('build') && shownImages.some(image => image.kind === 'service' && image.mapping === 'mapped')
    const builder = builds ? await detectMachineBuilder(settings, signal) : undefined
    const jobs = selectJobs(
      planJobs(plan, {
        root: settings.root,
        workspace: settings.workspace,
        useMirroredBases: settings.useMirroredBases,
        push: settings.push,
        ...(settings.buildNetwork !== undefined && { buildNetwork: settings.buildNetwork }),
        ...(builder !== undefined && { builder }),
        platforms: settings.platforms,
        buildSecretEnv: settings.buildSecretEnv,
        readFile: readWorkspaceFile
      }),
      settings.mode,
      shardImages
    )
    findings.push(...jobs.findings)
    const { executeSettings } = await import('./execute/run.js')
    execution = await executeSettings({ ...plan, images: shownImages }, jobs, settings, progress, signal)
    findings.push(...(execution.findings ?? []))
  }

  const report = buildReport({
    mode: settings.mode,
    ...(settings.registry !== undefined && { registry: settings.registry.text }),
    ...(settings.tag !== undefined && { tag: settings.tag }),
    dryRun: settings.dryRun,
    images: shownImages,
    findings,
    files: plan.files,
    ...(execution !== undefined && { results: execution.results }),
    ...(execution?.registries !== undefined && { registries: execution.registries }),
    ...(execution?.cache !== undefined && { cache: execution.cache }),
    failOn: settings.failOn,
    // Report paths are relative to the repository root, not to the scanned path.
    pathPrefix: path.relative(settings.workspace, settings.root).split(path.sep).join('/'),
    ...(settings.configFile !== undefined && { configFile: displayPath(settings, settings.configFile) })
  })
  return { report, outputs }
}

/** Which builder this machine has (buildx, the daemon's BuildKit, the legacy builder); docker's code is loaded only here. */
async function detectMachineBuilder(settings: Settings, signal: AbortSignal | undefined): Promise<Builder> {
  const [{ detectBuilder }, { DockerCli }] = await Promise.all([import('./engine/docker/builder.js'), import('./engine/docker/cli.js')])
  return detectBuilder(new DockerCli(), {
    ...(settings.builder !== undefined && { name: settings.builder }),
    ...(settings.buildkit !== undefined && { buildkit: settings.buildkit }),
    ...(signal !== undefined && { signal })
  })
}

/** Without a registry (mode plan) the inventory is the plan, with no targets. */
function planFor(inventory: Inventory, settings: Settings): Plan {
  if (settings.registry === undefined) {
    return { images: inventory.images.map(image => ({ ...image, mapping: 'unmapped' as const, target: null })), findings: inventory.findings, files: inventory.files }
  }
  const loaded = settings.configFile === undefined ? undefined : loadMappingConfig(settings.configFile, displayPath(settings, settings.configFile))
  const plan = mapInventory(
    { ...inventory, findings: [...inventory.findings, ...(loaded?.findings ?? [])] },
    {
      registry: { registry: settings.registry.registry, namespace: settings.registry.namespace },
      ...(settings.tag !== undefined && { tag: settings.tag }),
      layout: settings.layout,
      layoutFromInput: settings.layoutFromInput,
      ...(settings.flatSeparator !== undefined && { flatSeparator: settings.flatSeparator }),
      ...(settings.strict !== undefined && { strict: settings.strict }),
      ...(loaded !== undefined && { config: loaded.config }),
      ...(settings.configFile !== undefined && { configFile: displayPath(settings, settings.configFile) })
    }
  )
  return plan
}

/** No compose file and no Dockerfile: an error, not a green "0/0 images verified" (a job without actions/checkout). */
function nothingToScan(settings: Settings): Finding {
  const where = path.relative(settings.workspace, settings.root).split(path.sep).join('/') || '.'
  return {
    kind: 'invalid-config',
    severity: 'error',
    message: `Nothing to scan: no compose file and no Dockerfile under '${where}'${
      settings.composeFiles.length + settings.dockerfiles.length > 0 ? ` matching the compose-files/dockerfiles patterns` : ''
    }`,
    suggestion: "Check out the repository first (actions/checkout), or point 'path' (and 'compose-files'/'dockerfiles') at the files to scan"
  }
}

function displayPath(settings: Settings, absolute: string): string {
  return path.relative(settings.root, absolute).split(path.sep).join('/')
}

/** Reads a file for the plan stage, resolving symlinks so confinement checks see where it really is. */
function readWorkspaceFile(absolutePath: string): { realPath: string; text: string } {
  const realPath = fs.realpathSync(absolutePath)
  const stat = fs.statSync(realPath)
  if (stat.isFile() && stat.size > MAX_DOCKERFILE_BYTES) throw new Error(`it is larger than ${MAX_DOCKERFILE_BYTES / 1024 / 1024} MiB`)
  return { realPath, text: stat.isFile() ? fs.readFileSync(realPath, 'utf8') : '' }
}

const MAX_DOCKERFILE_BYTES = 4 * 1024 * 1024
