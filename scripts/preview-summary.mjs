#!/usr/bin/env node
/**
 * Renders the job summary of a report to an HTML page styled like GitHub's
 * job summary panel (1012 px wide, GitHub's table and code styles), so a
 * person can look at it in a browser before a release.
 *
 *   npm run preview:summary -- <report.json> [out.html]   the summary of a JSON report (the `report` output)
 *   npm run preview:summary -- --samples <dir>            one page per sample run: every mode, dry run, 30+ failures
 *   add --open to show collapsed lists open
 *
 * A table wider than the panel is outlined in red with a banner at the top of
 * the page, as GitHub would cut it off behind a scroll bar.
 *
 * The renderer is compiled from src/ with tsc into .preview-build/ first.
 * Screenshot a page with headless Chromium:
 *   chromium --headless --no-sandbox --disable-gpu --window-size=1012,2000 --screenshot=out.png file://$PWD/out.html
 */
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const BUILD = path.join(ROOT, '.preview-build')

function compile() {
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
  const files = ['src/report/summary.ts', 'src/report/report.ts', 'src/report/text.ts'].map(file => path.join(ROOT, file))
  const args = [tsc, ...files, '--outDir', BUILD, '--rootDir', ROOT, '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022', '--skipLibCheck', '--types', 'node']
  const result = spawnSync(process.execPath, args, { stdio: 'inherit' })
  if (result.status !== 0) process.exit(result.status ?? 1)
  // The compiled files are ES modules.
  fs.writeFileSync(path.join(BUILD, 'package.json'), '{"type": "module"}\n')
}

const STYLE = `
body { margin: 0; background: #f6f8fa; }
.panel { box-sizing: border-box; width: 1012px; margin: 0; padding: 16px 24px; background: #fff; border: 1px solid #d0d7de; border-radius: 6px;
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; font-size: 14px; line-height: 1.5; color: #1f2328; word-wrap: break-word; }
h2 { font-size: 1.5em; font-weight: 600; padding-bottom: .3em; border-bottom: 1px solid #d8dee4; margin: 8px 0 16px; }
h3 { font-size: 1.25em; font-weight: 600; margin: 24px 0 16px; }
p, ul, table, pre, details { margin: 0 0 16px; }
ul { padding-left: 2em; }
a { color: #0969da; text-decoration: none; }
code { padding: .2em .4em; font-size: 85%; background: rgba(175,184,193,.2); border-radius: 6px; font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, monospace; }
pre { padding: 16px; overflow: auto; font-size: 85%; line-height: 1.45; background: #f6f8fa; border-radius: 6px; }
pre code { padding: 0; background: transparent; font-size: 100%; }
table { display: block; width: max-content; max-width: 100%; overflow: auto; border-spacing: 0; border-collapse: collapse; }
th { font-weight: 600; }
th, td { padding: 6px 13px; border: 1px solid #d0d7de; vertical-align: top; }
tr:nth-child(2n) { background: #f6f8fa; }
td pre { margin: 4px 0 0; padding: 8px; }
details summary { cursor: pointer; }
.overflow { outline: 3px solid red; }
#overflow-banner { background: #ffebe9; color: #82071e; padding: 8px 24px; font: 600 14px sans-serif; }
`

// Marks tables wider than the panel (GitHub would hide their right side behind a scroll bar). Collapsed
// tables are measured open, then closed again unless the page was asked for open (--open).
const check = open => `
const all = [...document.querySelectorAll('details')];
for (const details of all) details.open = true;
const wide = [...document.querySelectorAll('table')].filter(table => table.scrollWidth > table.clientWidth + 1);
for (const table of wide) table.classList.add('overflow');
if (wide.length > 0) {
  const banner = document.createElement('div');
  banner.id = 'overflow-banner';
  banner.textContent = wide.length + ' table(s) wider than the panel';
  document.body.prepend(banner);
}
for (const details of all) details.open = ${open};
`

export function page(html, title, open = false) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title><style>${STYLE}</style></head><body><div class="panel">\n${html}</div><script>${check(open)}</script></body></html>\n`
}

async function load() {
  compile()
  const summary = await import(pathToFileURL(path.join(BUILD, 'src', 'report', 'summary.js')).href)
  const report = await import(pathToFileURL(path.join(BUILD, 'src', 'report', 'report.js')).href)
  const reference = await import(pathToFileURL(path.join(BUILD, 'src', 'reference.js')).href)
  return { ...summary, ...report, ...reference }
}

const LINKS = { serverUrl: 'https://github.com', repository: 'acme/ai-infra-matrix', sha: '3f1c2a9be0d4c7e8f9a0b1c2d3e4f5a6b7c8d9e0' }
const REGISTRY = 'harbor.example.com/aihpc'
const FAIL_ON = ['invalid-file', 'unresolved-variable', 'invalid-reference', 'invalid-config', 'unmapped', 'collision', 'tag-policy', 'missing', 'failed']

/** The reference project of the seeds: 15 base images and 5 service images. */
const REFERENCE = [
  ['nginx:1.27-alpine', 'base', 'docker-compose.yml', 24],
  ['postgres:15-alpine', 'base', 'docker-compose.yml', 15],
  ['redis:7-alpine', 'base', 'docker-compose.yml', 21],
  ['osixia/openldap:stable', 'base', 'docker-compose.yml', 28],
  ['osixia/phpldapadmin:stable', 'base', 'docker-compose.yml', 31],
  ['quay.io/minio/minio:latest', 'base', 'docker-compose.yml', 35],
  ['redislabs/redisinsight:latest', 'base', 'docker-compose.yml', 39],
  ['tecnativa/tcp-proxy', 'base', 'docker-compose.yml', 43],
  ['nginx:stable-alpine-perl', 'base', 'src/frontend/Dockerfile', 6],
  ['alpine:latest', 'base', 'src/backend/Dockerfile', 8],
  ['golang:1.25-alpine', 'base', 'src/backend/Dockerfile', 3],
  ['golang:1.24-alpine', 'base', 'tools/migrate/Dockerfile', 3],
  ['node:22-alpine', 'base', 'src/frontend/Dockerfile', 1],
  ['node:18-alpine', 'base', 'docs/Dockerfile', 1],
  ['python:3.13-alpine', 'base', 'src/jupyterhub/Dockerfile', 1],
  ['ai-infra-backend:v0.3.5', 'service', 'docker-compose.yml', 10],
  ['ai-infra-frontend:v0.3.5', 'service', 'docker-compose.yml', 57],
  ['ai-infra-jupyterhub:v0.3.5', 'service', 'docker-compose.yml', 61],
  ['ai-infra-nginx:v0.3.5', 'service', 'docker-compose.yml', 67],
  ['ai-infra-saltstack:v0.3.5', 'service', 'docker-compose.yml', 72]
]

function samples(m) {
  const digest = seed => `sha256:${seed.toString(16).padStart(2, '0').repeat(32)}`
  const planned = ([text, kind, file, line], index, layout = 'library') => {
    const ref = m.parseReference(text)
    const source = m.formatReference(ref)
    const path = kind === 'service' ? ref.repository.split('/').at(-1) : layout === 'library' ? ref.repository : ref.repository.replace(/^library\//, '')
    const target = `${REGISTRY}/${path}:${kind === 'service' ? 'v0.3.5' : (ref.tag ?? 'latest')}`
    return {
      kind,
      source,
      ref,
      origins: [{ file, line }, ...(index % 4 === 0 ? [{ file: 'deploy/docker-compose.prod.yml', line: line + 3 }] : [])],
      mapping: 'mapped',
      target,
      ...(kind === 'service' && { build: { context: `src/${path.replace('ai-infra-', '')}`, dockerfile: `src/${path.replace('ai-infra-', '')}/Dockerfile`, args: { VERSION: 'v0.3.5', NPM_TOKEN: 'secret' } } })
    }
  }
  const images = REFERENCE.map((entry, index) => planned(entry, index))
  const base = (mode, extra) => ({ mode, registry: REGISTRY, tag: 'v0.3.5', dryRun: false, images, findings: [], files: ['docker-compose.yml', 'src/backend/Dockerfile', 'src/frontend/Dockerfile', 'src/jupyterhub/Dockerfile', 'src/nginx/Dockerfile', 'src/saltstack/Dockerfile', 'tools/migrate/Dockerfile', 'docs/Dockerfile'], failOn: FAIL_ON, pathPrefix: 'project', ...extra })
  const phase = (name, status, extra = {}) => ({ phase: name, status, durationMs: 1200 + name.length * 317, ...extra })
  const ok = images.map((image, index) => ({
    image,
    status: 'verified',
    phases:
      image.kind === 'base'
        ? [phase('mirror', index % 3 === 0 ? 'already-present' : 'mirrored', { digest: digest(index + 1), size: 30_000_000 + index * 1_000_000 }), phase('verify', 'verified', { digest: digest(index + 1) })]
        : [phase('build', 'built', { digest: digest(200 + index) }), phase('push', 'pushed', { digest: digest(100 + index) }), phase('verify', 'verified', { digest: digest(100 + index) })]
  }))

  // 32 images missing from the registry: a bigger project.
  const many = [...images]
  for (let i = 0; i < 12; i += 1) many.push(planned([`ghcr.io/acme/tool-${i}:1.${i}`, 'base', `tools/tool-${i}/Dockerfile`, 1], i + 20))
  const missing = many.map(image => ({
    image,
    status: 'missing',
    phases: [phase('verify', 'missing', { error: 'manifest unknown', suggestion: image.kind === 'base' ? 'Run the action with mode: mirror to copy it' : 'Run the action with mode: build to build and push it' })]
  }))

  const unauthorized = images.map(image => ({
    image,
    status: 'failed',
    phases: [
      phase(image.kind === 'base' ? 'mirror' : 'push', 'failed', {
        error: `push ${image.target}: unauthorized: authentication required`,
        failure: { kind: 'unauthorized', side: 'target', phase: image.kind === 'base' ? 'mirror' : 'push', host: 'harbor.example.com', message: `push ${image.target}: unauthorized: authentication required` },
        suggestion: 'Check the username and password inputs for harbor.example.com: the registry refused them (401). A robot account needs push permission on the aihpc project.'
      })
    ]
  }))

  const dry = images.map(image => ({
    image,
    status: 'planned',
    phases:
      image.kind === 'base'
        ? [phase('mirror', 'planned', { commands: [`docker pull ${image.source}`, `docker tag ${image.source} ${image.target}`, `docker push ${image.target}`] }), phase('verify', 'planned', { commands: [`docker manifest inspect ${image.target}`] })]
        : [
            phase('build', 'planned', { commands: [`docker build --file ${image.build.dockerfile} --build-arg VERSION --build-arg NPM_TOKEN --tag ${image.target} ${image.build.context}`] }),
            phase('push', 'planned', { commands: [`docker push ${image.target}`] }),
            phase('verify', 'planned', { commands: [`docker manifest inspect ${image.target}`] })
          ]
  }))

  const mixed = ok.map((result, index) => {
    if (index === 2) return { ...result, status: 'failed', phases: [phase('mirror', 'failed', { error: 'pull redis:7-alpine: toomanyrequests: You have reached your pull rate limit', failure: { kind: 'rate-limited', side: 'source', phase: 'mirror', host: 'docker.io', message: 'pull redis:7-alpine: toomanyrequests: You have reached your pull rate limit' }, suggestion: 'Set source-username and source-password to pull from Docker Hub with an account, or set registry-mirror.', log: 'Error response from daemon: toomanyrequests: You have reached your pull rate limit.\n<script>alert(1)</script>\n\n::error::injected' })] }
    if (index === 17) return { ...result, status: 'failed', phases: [phase('build', 'failed', { error: 'docker build failed: exit code 1', failure: { kind: 'build-failed', side: 'local', phase: 'build', message: 'build of ai-infra-jupyterhub:v0.3.5 failed: RUN pip install -r requirements.txt returned 1' }, suggestion: 'Read the build output below; the failing step is RUN pip install -r requirements.txt (src/jupyterhub/Dockerfile:12).', log: '#8 [3/5] RUN pip install -r requirements.txt\n#8 ERROR: Could not find a version that satisfies the requirement jupyterhub==9.9\n------\nERROR: failed to solve: process "/bin/sh -c pip install -r requirements.txt" did not complete successfully: exit code: 1' }), phase('push', 'skipped', { error: 'not pushed: the build failed' })] }
    return result
  })

  const checkFindings = [
    { kind: 'unmapped', severity: 'error', file: 'tools/acme/Dockerfile', line: 2, image: 'ghcr.io/acme/tool:1.2', message: 'ghcr.io/acme/tool:1.2 has no rule in .github/image-mirror.yml, and strict mapping requires one (the layout would give harbor.example.com/aihpc/acme/tool:1.2)', suggestion: '- source: ghcr.io/acme/tool\n  target: acme/tool' },
    { kind: 'unmapped', severity: 'error', file: 'docker-compose.yml', line: 80, image: 'docker.io/bitnami/kafka:3.7', message: 'bitnami/kafka:3.7 has no rule in .github/image-mirror.yml, and strict mapping requires one (the layout would give harbor.example.com/aihpc/bitnami/kafka:3.7)', suggestion: '- source: bitnami/kafka\n  target: bitnami/kafka' },
    { kind: 'collision', severity: 'error', file: 'docker-compose.yml', line: 4, image: 'docker.io/bitnami/redis:7', message: '2 different images map to harbor.example.com/aihpc/redis:7, so each push would overwrite the other: bitnami/redis:7 (docker-compose.yml:4); redis:7 (cache/Dockerfile:1). None of them is mirrored until they map apart', suggestion: 'Give each image its own target: add these rules under rules: in .github/image-mirror.yml:\n- source: bitnami/redis\n  target: bitnami-redis' },
    { kind: 'tag-policy', severity: 'error', file: 'src/backend/Dockerfile', line: 8, image: 'docker.io/library/alpine:latest', message: "alpine:latest uses the 'latest' tag (or no tag), which changes without notice; the tag policy in .github/image-mirror.yml disallows it", suggestion: 'Pin a version tag (alpine:<version>) or a digest (alpine:latest@sha256:…; find it with: docker buildx imagetools inspect alpine:latest)' },
    { kind: 'version-drift', severity: 'notice', file: 'src/backend/Dockerfile', line: 3, image: 'docker.io/library/golang', message: '2 versions of golang are in use: golang:1.25-alpine (src/backend/Dockerfile:3); golang:1.24-alpine (tools/migrate/Dockerfile:3)', suggestion: 'Settle on one version of golang (the newest in use is golang:1.25-alpine) where the code allows' },
    { kind: 'unresolved-variable', severity: 'warning', file: 'docker-compose.yml', line: 12, message: 'NGINX_VERSION is not set: "nginx:${NGINX_VERSION}" became "nginx:"; set it in .env or give a default (${NGINX_VERSION:-1.27})' }
  ]

  return {
    'plan': base('plan', { registry: undefined, tag: undefined, images: images.map(image => ({ ...image, mapping: 'unmapped', target: null })) }),
    'check-failed': base('check', { findings: checkFindings }),
    'all-ok': base('all', { results: ok, registries: { 'harbor.example.com': { requests: 412, bytesSent: 1_234_567_890, bytesReceived: 2_345_678 }, 'registry-1.docker.io': { requests: 96, bytesSent: 12_345, bytesReceived: 1_200_000_000 } }, cache: { key: 'image-mirror-v1-3f1c9a0d5e7b2c4a8f6d1e0b9c7a5d3e', restored: 'partial', restoredKey: 'image-mirror-v1-0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d', hits: 61, hitBytes: 1_050_000_000, fetched: 8, fetchedBytes: 150_000_000, damaged: 1, pruned: 12 } }),
    'verify-32-missing': base('verify', { images: many, results: missing }),
    'all-unauthorized': base('all', { results: unauthorized }),
    'all-mixed-failures': base('all', { results: mixed }),
    'dry-run': base('all', { dryRun: true, results: dry })
  }
}

async function main(args) {
  const open = args.includes('--open')
  const argv = args.filter(arg => arg !== '--open')
  const m = await load()
  if (argv[0] === '--samples') {
    const dir = path.resolve(argv[1] ?? 'summary-preview')
    fs.mkdirSync(dir, { recursive: true })
    for (const [name, input] of Object.entries(samples(m))) {
      const report = m.buildReport(input)
      const html = m.renderSummary(report, { links: LINKS })
      fs.writeFileSync(path.join(dir, `${name}.html`), page(html, name, open))
      fs.writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`)
      console.log(`${path.join(dir, `${name}.html`)}  ${Buffer.byteLength(html)} bytes`)
    }
    return
  }
  if (argv[0] === undefined || argv[0].startsWith('-')) {
    console.error('Usage: npm run preview:summary -- <report.json> [out.html] | --samples <dir>')
    process.exit(2)
  }
  const report = JSON.parse(fs.readFileSync(argv[0], 'utf8'))
  const out = path.resolve(argv[1] ?? argv[0].replace(/\.json$/, '') + '.html')
  fs.writeFileSync(out, page(m.renderSummary(report, { links: LINKS }), path.basename(argv[0]), open))
  console.log(out)
}

await main(process.argv.slice(2))
