/**
 * The GitHub Action front end: read the inputs into Settings, run the
 * pipeline, hand the report to the runner (outputs, annotations, job summary,
 * report file) and set the exit status. No parsing, docker or markdown here.
 */
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { runPipeline } from './pipeline.js'
import { selectAnnotations } from './report/annotations.js'
import { reportOutputs } from './report/outputs.js'
import { renderSummary } from './report/summary.js'
import { buildSettings, InputError, type Settings } from './settings.js'

export async function run(): Promise<void> {
  let settings: Settings
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd()
  try {
    settings = buildSettings(name => core.getInput(name), {
      workspace,
      tempDir: process.env.RUNNER_TEMP ?? os.tmpdir(),
      env: process.env,
      maskSecret: secret => core.setSecret(secret)
    })
  } catch (error) {
    core.setFailed(error instanceof InputError ? error.message : `Could not read the inputs: ${String(error)}`)
    return
  }

  try {
    const { report, outputs } = await runPipeline(settings, { group: (name, fn) => core.group(name, fn), info: line => core.info(line) })
    fs.mkdirSync(path.dirname(settings.reportPath), { recursive: true })
    fs.writeFileSync(settings.reportPath, `${JSON.stringify(report, null, 2)}\n`)
    for (const [name, value] of Object.entries({ ...reportOutputs(report, settings.reportPath), ...outputs })) core.setOutput(name, value)

    const scanned = path.relative(workspace, settings.root)
    for (const annotation of selectAnnotations(report, scanned.startsWith('..') ? '' : scanned)) {
      const properties = {
        title: annotation.title,
        ...(annotation.file !== undefined && { file: annotation.file }),
        ...(annotation.startLine !== undefined && { startLine: annotation.startLine })
      }
      if (annotation.level === 'error') core.error(annotation.message, properties)
      else if (annotation.level === 'warning') core.warning(annotation.message, properties)
      else core.notice(annotation.message, properties)
    }

    if (process.env.GITHUB_STEP_SUMMARY) await renderSummary(report, core.summary).write()
    core.info(report.verdict)
    if (!report.ok) core.setFailed(`${report.verdict} (see the job summary)`)
  } catch (error) {
    core.setFailed(`image-mirror stopped unexpectedly: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
  }
}
