/**
 * The GitHub Action front end: read the inputs into Settings, run the
 * pipeline, hand the report to the runner (report file, outputs, annotations,
 * job summary) and set the exit status. No parsing, docker or markdown here.
 *
 * Order matters to what GitHub shows: annotations from findings (at most 9 per
 * level), then the summary, and the failure message last, so it is never the
 * 11th annotation GitHub drops. Every progress line may carry a repository's
 * or a registry's text, so it is printed neutralised (report/neutralize.ts).
 *
 * Our docker logins go to a private DOCKER_CONFIG made here, seeded from the
 * user's (src/docker-config.ts). Its path is saved as the step's state before
 * any login, so the post step (src/post.ts, `post-if: always()`) removes it
 * even when this step is cancelled or killed; it is removed here too, at the
 * end of a run that ends normally. The user's config is never written.
 */
import * as core from '@actions/core'
import * as os from 'node:os'
import { writeOutputFile } from './output-files.js'
import type { ProgressSink } from './execute/run.js'
import { runPipeline } from './pipeline.js'
import { failureMessage, selectAnnotations } from './report/annotations.js'
import { printUntrusted, safeLine } from './report/neutralize.js'
import { reportOutputs } from './report/outputs.js'
import type { Report } from './report/report.js'
import { renderSummary, type SummaryLinks } from './report/summary.js'
import { buildSettings, credentialsByHost, InputError, type Settings } from './settings.js'
import { createPrivateDockerConfig, type PrivateDockerConfig } from './docker-config.js'
import { cacheUse } from './execute/cache-use.js'
import { CACHE_STATE } from './engine/cache/policy.js'

/** The name of the state holding the private DOCKER_CONFIG's path, for the post step. */
export const DOCKER_CONFIG_STATE = 'docker-config'

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

  let dockerConfig: PrivateDockerConfig | undefined
  if (settings.mode !== 'plan' && settings.mode !== 'check') {
    try {
      dockerConfig = createPrivateDockerConfig({
        userDir: settings.userDockerConfig,
        tempDir: process.env.RUNNER_TEMP ?? os.tmpdir(),
        loginHosts: [...credentialsByHost(settings).keys()]
      })
    } catch (error) {
      core.setFailed(`Could not make a private docker config directory: ${error instanceof Error ? error.message : String(error)}`)
      return
    }
    core.saveState(DOCKER_CONFIG_STATE, dockerConfig.dir)
    // cache: true: the post step saves the blob store it finds there (src/execute/cache.ts leaves it the key).
    if (cacheUse(settings).on) core.saveState(CACHE_STATE, settings.cacheDir)
    settings = { ...settings, privateDockerConfig: dockerConfig.dir }
  }

  // A cancelled job sends SIGTERM: stop the work in flight, and still report what was done.
  const cancel = new AbortController()
  const onSignal = (): void => cancel.abort()
  process.once('SIGTERM', onSignal)
  process.once('SIGINT', onSignal)
  try {
    const { report, outputs } = await runPipeline(settings, actionProgress(), cancel.signal)
    try {
      writeOutputFile(settings.reportPath, `${JSON.stringify(report, null, 2)}\n`, { allowedRoots: settings.outputRoots })
    } catch (error) {
      core.warning(`The JSON report was not written: ${error instanceof Error ? error.message : String(error)}`)
    }
    await publish(report, { ...reportOutputs(report, settings.reportPath), ...outputs })
  } catch (error) {
    core.setFailed(`image-mirror stopped unexpectedly: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
  } finally {
    process.removeListener('SIGTERM', onSignal)
    process.removeListener('SIGINT', onSignal)
    dockerConfig?.remove()
  }
}

/** Progress into the log: a group per phase, every line neutralised (it may carry a repository's or a registry's text). */
export function actionProgress(): ProgressSink {
  return {
    group: async (name, fn) => core.group(safeLine(name), fn),
    info: line => printUntrusted(line, text => core.info(text))
  }
}

/**
 * Hands a report to the runner: outputs, annotations, the job summary, the
 * verdict, and the failure message last (GITHUB_STEP_SUMMARY, GITHUB_SERVER_URL,
 * GITHUB_REPOSITORY and GITHUB_SHA come from `env`).
 */
export async function publish(report: Report, outputs: Record<string, string>, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value)
  annotate(report)
  await writeSummary(report, env)
  core.info(safeLine(report.verdict))
  if (!report.ok) core.setFailed(failureMessage(report))
}

function annotate(report: Report): void {
  for (const annotation of selectAnnotations(report)) {
    const properties = {
      title: annotation.title,
      ...(annotation.file !== undefined && { file: annotation.file }),
      ...(annotation.startLine !== undefined && { startLine: annotation.startLine })
    }
    if (annotation.level === 'error') core.error(annotation.message, properties)
    else if (annotation.level === 'warning') core.warning(annotation.message, properties)
    else core.notice(annotation.message, properties)
  }
}

async function writeSummary(report: Report, env: NodeJS.ProcessEnv): Promise<void> {
  if (!env.GITHUB_STEP_SUMMARY) return
  const { GITHUB_SERVER_URL: serverUrl, GITHUB_REPOSITORY: repository, GITHUB_SHA: sha } = env
  const links: SummaryLinks | undefined = serverUrl && repository && sha ? { serverUrl, repository, sha } : undefined
  try {
    await core.summary.addRaw(renderSummary(report, { ...(links !== undefined && { links }) })).write()
  } catch (error) {
    core.warning(`The job summary was not written: ${error instanceof Error ? error.message : String(error)}`)
  }
}
