/**
 * The pipeline of DESIGN.md, shared by the action and the CLI:
 * discover → extract → map → execute → report. Each stage is called here and
 * nowhere else; the front ends only turn the result into outputs, a summary,
 * annotations and an exit code.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { discoverFiles, groupComposeProjects } from './discover/discover.js'
import { buildInventory, fileReader } from './extract/inventory.js'
import type { ComposeLoadOptions } from './extract/compose.js'
import type { Finding, Inventory, Plan } from './model.js'
import { mapInventory } from './map/mapping.js'
import { loadMappingConfig } from './map/config.js'
import { selectShard, matrixOutput } from './plan/shard.js'
import { planJobs, selectJobs } from './plan/jobs.js'
import { buildReport, type Report } from './report/report.js'
import type { Settings } from './settings.js'
import { writeDeploymentCompose } from './deploy/compose-output.js'
import { executeSettings, type Execution, type ProgressSink } from './execute/run.js'

export interface PipelineResult {
  report: Report
  /** Extra outputs: compose-file, matrix. */
  outputs: Record<string, string>
}

export async function runPipeline(settings: Settings, progress: ProgressSink, signal?: AbortSignal): Promise<PipelineResult> {
  const outputs: Record<string, string> = {}

  const compose: ComposeLoadOptions = {
    readFile: fileReader(settings.root, fs),
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
    const projects = groupComposeProjects(discovery.composeFiles)
    const found = buildInventory({ ...compose, composeProjects: projects, dockerfiles: discovery.dockerfiles })
    const result: Inventory = { ...found, findings: [...discovery.findings, ...found.findings] }
    progress.info(
      `${result.files.length} files scanned: ${result.images.filter(image => image.kind === 'base').length} base images, ${
        result.images.filter(image => image.kind === 'service').length
      } service images, ${result.findings.length} findings`
    )
    return { inventory: result, composeProjects: projects }
  })

  const plan = planFor(inventory, settings)
  // Shard membership only filters jobs: builds are always derived from the whole plan.
  const shardImages =
    settings.shard === undefined ? undefined : new Set(selectShard(plan.images, settings.shard.index, settings.shard.count).map(image => image.source))
  if (settings.shard !== undefined) progress.info(`Shard ${settings.shard.index}/${settings.shard.count}: ${count(shardImages?.size ?? 0, 'image')}`)
  if (settings.mode === 'plan') outputs.matrix = matrixOutput(plan.images, settings.shards)
  const shownImages = shardImages === undefined ? plan.images : plan.images.filter(image => shardImages.has(image.source))

  const findings: Finding[] = [...plan.findings]
  if (settings.composeOutput !== undefined && settings.registry !== undefined) {
    // Every service of the deployment, whichever shard this job handles.
    const written = writeDeploymentCompose({ ...compose, plan, composeProjects, output: settings.composeOutput })
    findings.push(...written.findings)
    if (written.paths.length > 0) outputs['compose-file'] = written.paths.join('\n')
  }

  let execution: Execution | undefined
  if (settings.mode !== 'plan' && settings.mode !== 'check') {
    const jobs = selectJobs(
      planJobs(plan, {
        root: settings.root,
        workspace: settings.workspace,
        useMirroredBases: settings.useMirroredBases,
        push: settings.push,
        ...(settings.buildNetwork !== undefined && { buildNetwork: settings.buildNetwork }),
        platforms: settings.platforms,
        readFile: readWorkspaceFile
      }),
      settings.mode,
      shardImages
    )
    findings.push(...jobs.findings)
    execution = await executeSettings({ ...plan, images: shownImages }, jobs, settings, progress, signal)
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
    failOn: settings.failOn
  })
  return { report, outputs }
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

function displayPath(settings: Settings, absolute: string): string {
  return path.relative(settings.root, absolute).split(path.sep).join('/')
}

/** Reads a file for the plan stage, resolving symlinks so confinement checks see where it really is. */
function readWorkspaceFile(absolutePath: string): { realPath: string; text: string } {
  const realPath = fs.realpathSync(absolutePath)
  return { realPath, text: fs.statSync(realPath).isFile() ? fs.readFileSync(realPath, 'utf8') : '' }
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}
