// Inventory benchmark: a generated monorepo of 2,000 Dockerfiles, 500 compose
// files and 10,000 other files. Prints the scan time and peak memory of
// discover + extract, and the ratio to the baseline of Node just finding and
// reading the same files (no parsing). Each side runs in its own process so
// peak RSS is its own. Run: npm run bench:inventory
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

const here = path.dirname(new URL(import.meta.url).pathname)
const root = path.join(here, '..')
const mode = process.argv[2]

if (mode === 'scan' || mode === 'read') {
  const tree = process.argv[3]
  const started = process.hrtime.bigint()
  let images = 0
  let loaded = started
  if (mode === 'scan') {
    const { discoverFiles, groupComposeProjects } = await import(path.join(root, 'lib/discover/discover.js'))
    const { buildInventory } = await import(path.join(root, 'lib/extract/inventory.js'))
    // The reader the pipeline uses: confined to the tree (realpath and fstat checks on every file).
    const { confinedReader } = await import(path.join(root, 'lib/extract/files.js'))
    loaded = process.hrtime.bigint()
    const discovery = discoverFiles(tree, { composePatterns: [], dockerfilePatterns: [], exclude: [] })
    const inventory = buildInventory({
      composeProjects: groupComposeProjects(discovery.composeFiles),
      dockerfiles: discovery.dockerfiles,
      readFile: confinedReader(tree).readFile,
      env: {},
      envFiles: []
    })
    images = inventory.images.length
  } else {
    // Baseline: walk the tree and read every file, as any scanner must at least do.
    const walk = dir => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name)
        if (entry.isDirectory()) walk(full)
        else images += fs.readFileSync(full, 'utf8').length > 0 ? 0 : 0
      }
    }
    walk(tree)
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  // Module loading is part of the scan's time (the baseline loads nothing); it is reported on its own too.
  const loadMs = Number(loaded - started) / 1e6
  process.stdout.write(JSON.stringify({ ms, loadMs, maxRssKiB: process.resourceUsage().maxRSS, images }))
  process.exit(0)
}

const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'im-bench-monorepo-'))
const bases = ['postgres:15-alpine', 'redis:7-alpine', 'golang:1.2${N}-alpine', 'node:2${N}-alpine', 'python:3.1${N}-slim', 'quay.io/minio/minio:latest', 'ghcr.io/acme/tool:1.${N}']
for (let i = 0; i < 500; i += 1) {
  const dir = path.join(tree, 'services', `team-${i % 25}`, `app-${i}`)
  fs.mkdirSync(dir, { recursive: true })
  const compose = [`name: app-${i}`, 'x-common: &common', '  restart: unless-stopped', 'services:']
  for (let s = 0; s < 4; s += 1) {
    const sdir = path.join(dir, `svc-${s}`)
    fs.mkdirSync(sdir, { recursive: true })
    const base = bases[(i + s) % bases.length].replace('${N}', String((i + s) % 5))
    fs.writeFileSync(path.join(sdir, 'Dockerfile'), `ARG BASE=${base}\nFROM \${BASE} AS build\nRUN make\nFROM alpine:3.${i % 20}\nCOPY --from=build /out /out\n`)
    compose.push(`  svc-${s}:`, '    <<: *common', `    image: registry.example.com/app-${i}/svc-${s}:\${TAG:-1.0.${i}}`, `    build: ./svc-${s}`)
  }
  compose.push('  db:', `    image: postgres:1${i % 6}-alpine`)
  fs.writeFileSync(path.join(dir, 'docker-compose.yml'), `${compose.join('\n')}\n`)
}
for (let i = 0; i < 10000; i += 1) {
  const dir = path.join(tree, 'src', `pkg-${i % 200}`)
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, `file-${i}.ts`), `export const value${i} = ${i}\n`.repeat(20))
}

execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' })
const measure = kind => JSON.parse(execFileSync(process.execPath, [path.join(here, 'inventory.mjs'), kind, tree], { encoding: 'utf8' }))
measure('read') // warm the page cache so both sides read from memory
const runs = 3
const best = kind => {
  const samples = Array.from({ length: runs }, () => measure(kind))
  return samples.sort((a, b) => a.ms - b.ms)[0]
}
const read = best('read')
const scan = best('scan')
fs.rmSync(tree, { recursive: true, force: true })
console.log('monorepo: 2,000 Dockerfiles, 500 compose files, 10,000 other files')
console.log(`baseline (walk + read every file): ${read.ms.toFixed(0)} ms, peak RSS ${(read.maxRssKiB / 1024).toFixed(0)} MiB`)
console.log(`image-mirror discover + extract:   ${scan.ms.toFixed(0)} ms (${scan.loadMs.toFixed(0)} ms of it loading the modules), peak RSS ${(scan.maxRssKiB / 1024).toFixed(0)} MiB, ${scan.images} images`)
console.log(`ratio to baseline: time ${(scan.ms / read.ms).toFixed(2)}x, memory ${(scan.maxRssKiB / read.maxRssKiB).toFixed(2)}x`)
