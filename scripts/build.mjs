// Bundles the action (dist/index.js, its post step dist/post.js) and the CLI (dist/cli.js) with
// esbuild from the tsc output in lib/, as ES modules with code splitting: a mode loads only the
// code it runs (plan and check never load the engines, a run without bundles never loads the
// tool-cache client), and the three entries share their chunks in dist/chunks/.
// With --check, bundles into a temporary directory and fails when the committed dist/ differs,
// so dist/ always matches src/.
import * as esbuild from 'esbuild'
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

/**
 * @actions/core imports its OIDC client, and through it @actions/http-client and undici (~900 KB,
 * a fifth of a second and 20 MiB at every start), and @actions/exec for `platform`, at load. The
 * action asks for neither an OIDC token nor platform details, so those imports of core's become
 * stubs that throw if they are ever called. Everyone else's imports of the same packages (the
 * tool cache, the cache) are the real ones.
 */
const unusedCoreImports = {
  name: 'unused-core-imports',
  setup(build) {
    build.onResolve({ filter: /^@actions\/(http-client|exec)(\/|$)/ }, args =>
      /[\\/]@actions[\\/]core[\\/]lib[\\/](oidc-utils|platform)\.js$/.test(args.importer) ? { path: args.path, namespace: 'unused-core-import' } : undefined
    )
    build.onLoad({ filter: /.*/, namespace: 'unused-core-import' }, args => ({
      contents: `const unused = () => { throw new Error('image-mirror does not bundle ${args.path} for @actions/core (OIDC tokens and platform details are not used)') }
export class HttpClient { constructor() { unused() } }
export class BearerCredentialHandler { constructor() { unused() } }
export const exec = unused
export const getExecOutput = unused`,
      loader: 'js'
    }))
  }
}

if (!check) fs.rmSync(outDir, { recursive: true, force: true })
fs.mkdirSync(outDir, { recursive: true })
const result = await esbuild.build({
  entryPoints: ENTRIES,
  outdir: outDir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  // The oldest runtime we support; the action declares node24, the CLI runs on node >= 20.
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  metafile: true,
  logLevel: 'warning',
  legalComments: 'none',
  plugins: [unusedCoreImports],
  // CommonJS dependencies (undici, semver, the toolkit's own) call require() for node's modules.
  banner: { js: "import { createRequire as __imageMirrorRequire } from 'node:module';\nconst require = __imageMirrorRequire(import.meta.url);" }
})
fs.chmodSync(path.join(outDir, 'cli.js'), 0o755)
fs.writeFileSync(path.join(outDir, 'package.json'), '{ "type": "module" }\n')
fs.writeFileSync(path.join(outDir, 'licenses.txt'), licenses(result.metafile))

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

/** The license of every package bundled into dist/, each once, in name order. */
function licenses(metafile) {
  const packages = new Map()
  for (const input of Object.keys(metafile.inputs)) {
    const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)
    if (!match || packages.has(match[1])) continue
    const directory = input.slice(0, match.index + match[0].length)
    const manifest = JSON.parse(fs.readFileSync(path.join(directory, 'package.json'), 'utf8'))
    const file = fs.readdirSync(directory).find(name => /^(licen[cs]e|copying)(\.|$)/i.test(name))
    const license = typeof manifest.license === 'string' ? manifest.license : (manifest.license?.type ?? 'UNKNOWN')
    packages.set(match[1], `${match[1]}\n${license}\n${file ? fs.readFileSync(path.join(directory, file), 'utf8').trim() : ''}`)
  }
  return [...packages.keys()].sort().map(name => packages.get(name)).join('\n\n') + '\n'
}
