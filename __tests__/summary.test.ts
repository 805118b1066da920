import { describe, expect, it } from '@jest/globals'
import type { Finding, ImageResult, PhaseResult, PlannedImage } from '../src/model.js'
import { formatReference, parseReference } from '../src/reference.js'
import { buildReport, type ReportInput } from '../src/report/report.js'
import { COLLAPSE_AFTER, renderSummary } from '../src/report/summary.js'
import { renderText } from '../src/report/text.js'
import { DEFAULT_FAIL_ON } from '../src/settings.js'

const REGISTRY = 'harbor.example.com/aihpc'
const BASE = ['nginx:1.27-alpine', 'postgres:15-alpine', 'redis:7-alpine', 'osixia/openldap:stable', 'osixia/phpldapadmin:stable', 'quay.io/minio/minio:latest', 'redislabs/redisinsight:latest', 'tecnativa/tcp-proxy:latest', 'nginx:stable-alpine-perl', 'alpine:latest', 'golang:1.25-alpine', 'golang:1.24-alpine', 'node:22-alpine', 'node:18-alpine', 'python:3.13-alpine']
const SERVICE = ['ai-infra-backend', 'ai-infra-frontend', 'ai-infra-jupyterhub', 'ai-infra-nginx', 'ai-infra-saltstack']
const DIGEST = (n: number): string => `sha256:${n.toString(16).padStart(2, '0').repeat(32)}`
const LINKS = { serverUrl: 'https://github.com', repository: 'acme/stack', sha: 'a'.repeat(40) }

function image(text: string, kind: 'base' | 'service', line: number): PlannedImage {
  const ref = parseReference(kind === 'service' ? `${text}:v0.3.5` : text)
  const path = kind === 'service' ? text : ref.repository
  return {
    kind,
    source: formatReference(ref),
    ref,
    origins: [{ file: kind === 'service' ? 'docker-compose.yml' : 'src/Dockerfile', line }],
    mapping: 'mapped',
    target: `${REGISTRY}/${path}:${kind === 'service' ? 'v0.3.5' : ref.tag}`,
    ...(kind === 'service' && { build: { context: `src/${text}`, dockerfile: `src/${text}/Dockerfile`, args: { VERSION: 'v0.3.5', NPM_TOKEN: 'npm_SECRETVALUE' } } })
  }
}

const IMAGES = [...BASE.map((text, i) => image(text, 'base', i + 1)), ...SERVICE.map((text, i) => image(text, 'service', 40 + i))]

function input(extra: Partial<ReportInput> = {}): ReportInput {
  return { mode: 'all', registry: REGISTRY, tag: 'v0.3.5', dryRun: false, images: IMAGES, findings: [], files: ['docker-compose.yml', 'src/Dockerfile'], failOn: DEFAULT_FAIL_ON, ...extra }
}

const phase = (name: PhaseResult['phase'], status: PhaseResult['status'], extra: Partial<PhaseResult> = {}): PhaseResult => ({ phase: name, status, durationMs: 10, ...extra })

function missingEverywhere(images = IMAGES): ImageResult[] {
  return images.map(item => ({ image: item, status: 'missing', phases: [phase('verify', 'missing', { error: 'manifest unknown' })] }))
}

/** The top-level blocks of the summary, in order: one per line. */
const blocks = (html: string): string[] => html.split('\n').filter(line => line !== '')

describe('the job summary', () => {
  it('leads with the verdict, then what to do next, grouped and counted, before any table', () => {
    const report = buildReport(input({ mode: 'verify', results: missingEverywhere() }))
    const html = renderSummary(report)
    const lines = blocks(html)
    expect(lines[0]).toBe('<h2>❌ 0/20 images verified (20 missing), 20 problems</h2>')
    const next = lines.findIndex(line => line === '<h3>What to do next</h3>')
    expect(next).toBeGreaterThan(0)
    expect(lines.findIndex(line => line.includes('<table>'))).toBeGreaterThan(next)
    expect(lines[next + 1]).toContain(`15 base images missing from <code>${REGISTRY}</code>: run <code>mode: mirror</code>`)
    expect(lines[next + 1]).toContain(`5 service images missing from <code>${REGISTRY}</code>: run <code>mode: build</code> with <code>tag: v0.3.5</code>`)
    expect(report.nextSteps).toHaveLength(2)
  })

  it(`collapses lists longer than ${COLLAPSE_AFTER} rows in <details> and leaves shorter ones open`, () => {
    const many = [...IMAGES, ...Array.from({ length: 12 }, (_, i) => image(`ghcr.io/acme/tool-${i}:1.${i}`, 'base', 100 + i))]
    const html = renderSummary(buildReport(input({ mode: 'verify', images: many, results: missingEverywhere(many) })))
    expect(html).toContain('<details><summary>Show all 32 missing images</summary><table>')
    expect(html).toContain('<details><summary>Show all 27 images</summary><table>')
    // 5 service images: a plain table.
    expect(html).toMatch(/<h3>Service images \(5\)<\/h3>\n<p>[^\n]*<\/p><table>/)
  })

  it('puts no prose in <pre>: fixes wrap as text, and only code (a YAML rule, commands, tool output) is preformatted', () => {
    const findings: Finding[] = [
      { kind: 'tag-policy', severity: 'error', file: 'src/Dockerfile', line: 10, image: 'docker.io/library/alpine:latest', message: "alpine:latest uses the 'latest' tag", suggestion: 'Pin a version tag (alpine:<version>) or a digest; find it with: docker buildx imagetools inspect alpine:latest' },
      { kind: 'unmapped', severity: 'error', file: 'src/Dockerfile', line: 3, image: 'ghcr.io/acme/tool:1.2', message: 'ghcr.io/acme/tool:1.2 has no rule', suggestion: '- source: ghcr.io/acme/tool\n  target: acme/tool' },
      { kind: 'collision', severity: 'error', file: 'docker-compose.yml', line: 4, image: 'docker.io/bitnami/redis:7', message: 'collide', suggestion: 'Give each image its own target: add these rules under rules: in .github/image-mirror.yml:\n- source: bitnami/redis\n  target: bitnami-redis' }
    ]
    const html = renderSummary(buildReport(input({ mode: 'check', findings })))
    const pres = [...html.matchAll(/<pre>(.*?)<\/pre>/g)].map(match => match[1])
    expect(pres).toEqual(['<code>- source: ghcr.io/acme/tool&#10;  target: acme/tool</code>', '<code>- source: bitnami/redis&#10;  target: bitnami-redis</code>'])
    expect(html).toContain('<td>Pin a version tag (alpine:&lt;version&gt;) or a digest; find it with: docker buildx imagetools inspect alpine:latest</td>')
    expect(html).toContain('Give each image its own target: add these rules under rules: in .github/image-mirror.yml:<pre>')
  })

  it('says a fix every row shares once, above the table', () => {
    const results = missingEverywhere().map(result => ({ ...result, phases: [phase('verify', 'missing', { suggestion: 'Run the action with mode: all' })] }))
    const html = renderSummary(buildReport(input({ mode: 'verify', results })))
    expect(html.match(/Run the action with mode: all/g)).toHaveLength(1)
    expect(html).toContain('<div><strong>Fix:</strong> Run the action with mode: all</div>')
  })

  it('links file:line to the file at the commit when the run is in Actions, and not otherwise', () => {
    const finding: Finding = { kind: 'unmapped', severity: 'error', file: 'tools/acme dir/Dockerfile', line: 2, message: 'no rule' }
    const report = buildReport(input({ mode: 'check', findings: [finding], pathPrefix: 'project' }))
    expect(renderSummary(report, { links: LINKS })).toContain(`<a href="https://github.com/acme/stack/blob/${'a'.repeat(40)}/project/tools/acme%20dir/Dockerfile#L2">project/tools/acme dir/Dockerfile:2</a>`)
    expect(renderSummary(report)).not.toContain('<a href')
    expect(renderSummary(report, { links: { ...LINKS, serverUrl: 'javascript:alert(1)//' } })).not.toContain('<a href')
    expect(renderSummary(report, { links: { ...LINKS, sha: '"><script>' } })).not.toContain('<a href')
  })

  it('escapes every string from the repository, a registry or docker, and lets no blank line end an HTML block', () => {
    const evil = '<img src=x onerror=alert(1)>\n\n# heading\n\n[link](https://evil.example) @org/team'
    const results: ImageResult[] = IMAGES.map((item, index) =>
      index === 0
        ? { image: item, status: 'failed', phases: [phase('mirror', 'failed', { error: evil, suggestion: evil, log: `${evil}\n\n</pre><script>x</script>` })] }
        : { image: item, status: 'verified', phases: [phase('verify', 'verified')] }
    )
    const findings: Finding[] = [{ kind: 'invalid-reference', severity: 'error', file: 'a<b>.yml', line: 1, message: evil }]
    const html = renderSummary(buildReport(input({ results, findings })))
    expect(html).not.toMatch(/<img|<script|<\/pre><script/)
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;<br><br># heading')
    expect(html).not.toContain('\n\n')
    for (const line of blocks(html)) expect(line).toMatch(/^<(h2|h3|p|ul|table|details|div)\b/)
  })

  it("shows the pushed digest of a service image, not its build's local image ID", () => {
    const results: ImageResult[] = IMAGES.map((item, index) => ({
      image: item,
      status: 'verified',
      phases:
        item.kind === 'service'
          ? [phase('build', 'built', { digest: DIGEST(200 + index) }), phase('push', 'pushed', { digest: DIGEST(100 + index) }), phase('verify', 'verified', { digest: DIGEST(100 + index) })]
          : [phase('mirror', 'mirrored', { digest: DIGEST(index) }), phase('verify', 'verified', { digest: DIGEST(index) })]
    }))
    const report = buildReport(input({ results }))
    const backend = report.images.find(item => item.source === 'docker.io/library/ai-infra-backend:v0.3.5')!
    expect(backend.digest).toBe(DIGEST(115))
    const html = renderSummary(report)
    expect(html).toContain(`<code>${DIGEST(115).slice(0, 19)}</code>`)
    expect(html).not.toContain(DIGEST(215).slice(0, 19))
  })

  it('states what a dry run would do in a neutral verdict, with the commands collapsed below', () => {
    const results: ImageResult[] = IMAGES.map(item => ({
      image: item,
      status: 'planned',
      phases:
        item.kind === 'base'
          ? [phase('mirror', 'planned', { commands: [`docker pull ${item.source}`, `docker push ${item.target}`] }), phase('verify', 'planned', { commands: [`docker manifest inspect ${item.target}`] })]
          : [phase('build', 'planned', { commands: [`docker build --build-arg NPM_TOKEN -t ${item.target} .`] }), phase('push', 'planned', { commands: [`docker push ${item.target}`] }), phase('verify', 'planned')]
    }))
    const report = buildReport(input({ dryRun: true, results }))
    expect(report.verdict).toBe('Dry run: would mirror 15 base images, build and push 5 service images and verify 20 images')
    expect(report.ok).toBe(true)
    const html = renderSummary(report)
    expect(blocks(html)[0]).toBe(`<h2>📝 ${report.verdict}</h2>`)
    expect(html).not.toContain('✅ Dry run')
    expect(html).toContain('<details><summary>Mirror: 30 commands</summary><pre><code># harbor.example.com/aihpc/library/nginx:1.27-alpine')
    expect([...html.matchAll(/<summary>(\w+): \d+ commands?<\/summary>/g)].map(match => match[1])).toEqual(['Mirror', 'Build', 'Push', 'Verify'])
    expect(html).toContain('would build, push and verify')
    expect(report.nextSteps).toEqual(['Nothing was changed: run again without `dry-run: true` to do it.'])
  })

  it('stays under its byte budget, leaving whole sections out with a note', () => {
    const huge = 'x'.repeat(3000)
    const many = Array.from({ length: 400 }, (_, i) => image(`ghcr.io/acme/tool-${i}:1.${i}`, 'base', i + 1))
    const findings: Finding[] = many.map((item, i) => ({ kind: 'unmapped', severity: 'error', file: 'src/Dockerfile', line: i + 1, image: item.source, message: huge }))
    const html = renderSummary(buildReport(input({ mode: 'check', images: many, findings })), { maxBytes: 200 * 1024 })
    expect(Buffer.byteLength(html)).toBeLessThanOrEqual(200 * 1024)
    expect(html).toContain("left out to keep it under GitHub's size limit")
    expect(blocks(html)[0]).toMatch(/^<h2>❌ Check failed/)
    expect(Buffer.byteLength(renderSummary(buildReport(input({ mode: 'check', images: many, findings }))))).toBeLessThan(1024 * 1024)
  })

  it('speaks in plurals that agree and shows service images without docker.io/library/', () => {
    const one = buildReport(input({ mode: 'plan', registry: undefined, images: [{ ...IMAGES[15]!, mapping: 'unmapped', target: null }], files: ['docker-compose.yml'] }))
    const html = renderSummary(one)
    expect(html).toContain('1 file scanned')
    expect(html).toContain('1 image (0 base, 1 service)')
    expect(html).toContain('<code>ai-infra-backend:v0.3.5</code>')
    expect(html).not.toContain('docker.io/library/')
    expect(html).not.toContain('<h3>Base images')
  })
})

describe('the report', () => {
  it('keeps build-arg names and drops their values', () => {
    const report = buildReport(input({ mode: 'check' }))
    expect(JSON.stringify(report)).not.toContain('npm_SECRETVALUE')
    expect(report.images.find(item => item.kind === 'service')?.build?.args).toEqual(['VERSION', 'NPM_TOKEN'])
  })

  it('gives every path relative to the repository root: origins, finding files, paths in messages', () => {
    const findings: Finding[] = [
      { kind: 'collision', severity: 'error', file: 'docker-compose.yml', line: 4, message: '2 images collide: bitnami/redis:7 (docker-compose.yml:4); redis:7 (src/Dockerfile:1). A Dockerfile is not a path here' },
      { kind: 'invalid-config', severity: 'error', file: '../.github/image-mirror.yml', line: 3, message: 'unknown key in ../.github/image-mirror.yml' }
    ]
    const report = buildReport(input({ mode: 'check', findings, pathPrefix: 'project' }))
    expect(report.path).toBe('project')
    expect(report.images[0]!.origins).toEqual([{ file: 'project/src/Dockerfile', line: 1 }])
    expect(report.files).toEqual(['project/docker-compose.yml', 'project/src/Dockerfile'])
    const collision = report.findings.find(finding => finding.kind === 'collision')!
    expect(collision.file).toBe('project/docker-compose.yml')
    expect(collision.message).toBe('2 images collide: bitnami/redis:7 (project/docker-compose.yml:4); redis:7 (project/src/Dockerfile:1). A Dockerfile is not a path here')
    const config = report.findings.find(finding => finding.kind === 'invalid-config')!
    expect([config.file, config.message]).toEqual(['.github/image-mirror.yml', 'unknown key in .github/image-mirror.yml'])
  })

  it('reports a failure of the whole run once, counting the images it affected', () => {
    const results: ImageResult[] = IMAGES.map(item => ({
      image: item,
      status: 'failed',
      phases: [
        phase(item.kind === 'base' ? 'mirror' : 'push', 'failed', {
          error: `push ${item.target}: unauthorized: authentication required`,
          failure: { kind: 'unauthorized', side: 'target', phase: item.kind === 'base' ? 'mirror' : 'push', host: 'harbor.example.com', message: `push ${item.target}: unauthorized` },
          suggestion: 'Check the username and password for harbor.example.com'
        })
      ]
    }))
    const report = buildReport(input({ results }))
    expect(report.findings).toHaveLength(1)
    expect(report.findings[0]).toMatchObject({ kind: 'failed', failsRun: true, suggestion: 'Check the username and password for harbor.example.com' })
    expect(report.findings[0]!.file).toBeUndefined()
    expect(report.findings[0]!.message).toMatch(/^harbor\.example\.com refused the credentials: 20 images not mirrored or pushed/)
    expect(report.findings[0]!.affected).toHaveLength(20)
    expect(report.nextSteps[0]).toBe('harbor.example.com refused the credentials: 20 images not mirrored or pushed. Check the username and password for harbor.example.com.')
    expect(renderSummary(report)).toContain('<details><summary>20 images affected</summary>')
  })

  it('keeps image-specific failures apart, one finding each, with the image named once', () => {
    const results: ImageResult[] = IMAGES.slice(0, 2).map(item => ({
      image: item,
      status: 'failed',
      phases: [phase('mirror', 'failed', { failure: { kind: 'not-found', side: 'source', phase: 'mirror', host: 'docker.io', message: `pull ${item.source}: manifest unknown` } })]
    }))
    const report = buildReport(input({ mode: 'mirror', images: IMAGES.slice(0, 2), results }))
    expect(report.findings.map(finding => finding.message)).toEqual(['pull docker.io/library/nginx:1.27-alpine: manifest unknown', 'pull docker.io/library/postgres:15-alpine: manifest unknown'])
  })
})

describe('the CLI text report', () => {
  const report = buildReport(input({ mode: 'verify', images: [...IMAGES, ...Array.from({ length: 12 }, (_, i) => image(`ghcr.io/acme/t${i}:1`, 'base', 60 + i))], results: undefined }))
  const failing = buildReport(input({ mode: 'verify', results: missingEverywhere() }))

  it('leads with the verdict and next steps, and collapses long lists unless verbose', () => {
    const text = renderText(failing)
    const lines = text.split('\n')
    expect(lines[0]).toBe('FAILED: 0/20 images verified (20 missing), 20 problems')
    expect(lines).toContain('  - 15 base images missing from harbor.example.com/aihpc: run --mode mirror (or --mode all) to copy them.')
    expect(lines.indexOf('What to do next:')).toBeLessThan(lines.findIndex(line => line.startsWith('Missing images')))
    expect(text).toContain('  … 10 more (--verbose shows all)')
    expect(renderText(failing, { verbose: true })).not.toContain('more (--verbose shows all)')
    expect(renderText(report)).toContain('Base images (27):')
  })

  it('prints no workflow command, whatever the repository wrote', () => {
    const findings: Finding[] = [{ kind: 'invalid-reference', severity: 'error', file: 'docker-compose.yml', line: 1, message: 'bad\r::error::planted\n##[group]fake', suggestion: '::add-mask::x' }]
    const text = renderText(buildReport(input({ mode: 'check', findings })))
    for (const line of text.split(/\r\n|\r|\n/)) {
      expect(line.trimStart().startsWith('::')).toBe(false)
      expect(line).not.toContain('##[')
    }
  })
})
