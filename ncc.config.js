// Bundles the action (dist/index.js, its post step dist/post.js) and the CLI (dist/cli.js) with @vercel/ncc
// from the tsc output in lib/. With --check, bundles into a temporary directory
// and fails when the committed dist/ differs, so dist/ always matches src/.
import ncc from '@vercel/ncc'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

const ENTRIES = { index: 'lib/index.js', post: 'lib/post-entry.js', cli: 'lib/cli.js' }
const check = process.argv.includes('--check')
const outDir = check ? fs.mkdtempSync(path.join(os.tmpdir(), 'image-mirror-dist-')) : 'dist'

fs.rmSync('lib', { recursive: true, force: true })
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' })

// action.yml is generated from src/inputs.ts, the list the CLI's flags come from too.
const { renderActionYaml } = await import(path.resolve('lib/action-yaml.js'))
const actionYaml = renderActionYaml()
if (!check) fs.writeFileSync('action.yml', actionYaml)
else if (!fs.existsSync('action.yml') || fs.readFileSync('action.yml', 'utf8') !== actionYaml) {
  console.error("action.yml does not match src/inputs.ts: run 'npm run build' and commit it.")
  process.exit(1)
}

if (!check) fs.rmSync(outDir, { recursive: true, force: true })
fs.mkdirSync(outDir, { recursive: true })
for (const [name, entry] of Object.entries(ENTRIES)) {
  const { code, assets } = await ncc(path.resolve(entry), { minify: false, sourceMap: false, license: 'licenses.txt', quiet: true, target: 'es2022' })
  const banner = name === 'cli' && !code.startsWith('#!') ? '#!/usr/bin/env node\n' : ''
  fs.writeFileSync(path.join(outDir, `${name}.js`), banner + code, { mode: name === 'cli' ? 0o755 : 0o644 })
  for (const [file, asset] of Object.entries(assets)) {
    // Both bundles emit licenses.txt; the CLI bundles the action's code and more, so its copy is the complete one.
    fs.mkdirSync(path.dirname(path.join(outDir, file)), { recursive: true })
    fs.writeFileSync(path.join(outDir, file), asset.source)
  }
}
fs.writeFileSync(path.join(outDir, 'package.json'), '{ "type": "module" }\n')

if (check) {
  const differences = []
  const list = dir => (fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).filter(file => fs.statSync(path.join(dir, file)).isFile()) : [])
  const names = new Set([...list('dist'), ...list(outDir)])
  for (const file of names) {
    const committed = path.join('dist', file)
    const fresh = path.join(outDir, file)
    if (!fs.existsSync(committed) || !fs.existsSync(fresh) || !fs.readFileSync(committed).equals(fs.readFileSync(fresh))) differences.push(file)
  }
  fs.rmSync(outDir, { recursive: true, force: true })
  if (differences.length > 0) {
    console.error(`dist/ does not match src/: ${differences.join(', ')} differ.\nRun 'npm run build' and commit dist/.`)
    process.exit(1)
  }
  console.log('dist/ matches src/')
}
