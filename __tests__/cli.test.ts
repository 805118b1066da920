import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { environmentName, parseArguments, usage, UsageError } from '../src/cli/arguments.js'
import { INPUT_SPECS } from '../src/inputs.js'
import { REPO_ROOT } from './harness/runner.js'

describe('CLI argument parsing', () => {
  const parsed: Array<{ argv: string[]; inputs: Record<string, string>; json?: boolean; help?: boolean }> = [
    { argv: ['--mode', 'plan'], inputs: { mode: 'plan' } },
    { argv: ['--mode=plan', '--registry=harbor.example.com/a'], inputs: { mode: 'plan', registry: 'harbor.example.com/a' } },
    { argv: ['--tag=--weird'], inputs: { tag: '--weird' } },
    { argv: ['--dry-run'], inputs: { 'dry-run': 'true' } },
    { argv: ['--dry-run', '--mode', 'plan'], inputs: { 'dry-run': 'true', mode: 'plan' } },
    { argv: ['--dry-run', 'false'], inputs: { 'dry-run': 'false' } },
    { argv: ['--push', 'NO', '--json'], inputs: { push: 'NO' }, json: true },
    { argv: ['--push=maybe'], inputs: { push: 'maybe' } },
    { argv: ['--exclude', '**/{docs,tools}/**', '--exclude', 'vendor/**'], inputs: { exclude: '**/{docs,tools}/**\nvendor/**' } },
    { argv: ['--env-file', 'a.env', '--env-file=b.env'], inputs: { 'env-file': 'a.env\nb.env' } },
    { argv: ['--password', 'has spaces and --dashes'], inputs: { password: 'has spaces and --dashes' } },
    { argv: ['-h'], inputs: {}, help: true },
    { argv: ['--help', '--mode', 'plan'], inputs: { mode: 'plan' }, help: true },
    { argv: [], inputs: {} }
  ]
  for (const { argv, inputs, json = false, help = false } of parsed) {
    it(`parses ${JSON.stringify(argv)}`, () => {
      const result = parseArguments(argv)
      expect(Object.fromEntries(result.inputs)).toEqual(inputs)
      expect([result.json, result.help]).toEqual([json, help])
    })
  }

  const rejected: Array<{ argv: string[]; message: string }> = [
    { argv: ['--registy', 'x'], message: "Unknown option '--registy' (see --help)" },
    { argv: ['--mode', 'plan', '--mode', 'all'], message: "Option '--mode' is given more than once; it takes one value" },
    { argv: ['--dry-run', '--dry-run=false'], message: "Option '--dry-run' is given more than once; it takes one value" },
    { argv: ['--password', 'a', '--password', 'b'], message: "Option '--password' is given more than once; it takes one value" },
    { argv: ['--report-path=a.json', '--report-path', 'b.json'], message: "Option '--report-path' is given more than once; it takes one value" },
    { argv: ['--tag'], message: "Option '--tag' needs a value" },
    { argv: ['--tag', '--mode', 'plan'], message: "Option '--tag' needs a value (write --tag=--mode if that is the value)" },
    { argv: ['plan'], message: "Unexpected argument 'plan' (options are --name value; see --help)" },
    { argv: ['--dry-run', 'maybe'], message: "Unexpected argument 'maybe' (options are --name value; see --help)" },
    { argv: ['--'], message: "Unexpected argument '--' (options are --name value; see --help)" }
  ]
  for (const { argv, message } of rejected) {
    it(`rejects ${JSON.stringify(argv)}: ${message}`, () => {
      expect(() => parseArguments(argv)).toThrow(new UsageError(message))
    })
  }

  it('lets every list input repeat and no other', () => {
    for (const spec of INPUT_SPECS) {
      const value = spec.kind === 'boolean' ? 'true' : 'x'
      const twice = (): unknown => parseArguments([`--${spec.name}=${value}`, `--${spec.name}=${value}`])
      if (spec.kind === 'list') expect(Object.fromEntries(parseArguments([`--${spec.name}=a`, `--${spec.name}=b`]).inputs)).toEqual({ [spec.name]: 'a\nb' })
      else expect(twice).toThrow(UsageError)
    }
  })

  it('names the environment variable of each input', () => {
    expect(environmentName('report-path')).toBe('IMAGE_MIRROR_REPORT_PATH')
    expect(environmentName('password')).toBe('IMAGE_MIRROR_PASSWORD')
  })
})

describe('CLI --help', () => {
  const help = usage()

  it('lists every input of the table with its description and default', () => {
    for (const spec of INPUT_SPECS) {
      expect(help).toContain(`  --${spec.name}`)
      expect(help).toContain(spec.description)
      if (spec.default !== undefined) expect(help).toContain(`default: ${spec.default}`)
    }
  })

  it('shows the value each option takes, from its kind', () => {
    expect(help).toContain('  --mode <plan|check|mirror|build|verify|all|export|import>  (default: all)')
    expect(help).toContain('  --dry-run [true|false]  (default: false)')
    expect(help).toContain('  --concurrency <1-64>  (default: 4)')
    expect(help).toContain('  --exclude <glob>  (repeatable)')
    expect(help).toContain('  --layout <preserve|library|flat>  (default: preserve)')
    expect(help).toContain('  --password <secret>  (prefer IMAGE_MIRROR_PASSWORD: a command line is visible to other users)')
    expect(help).toContain('  --build-network <value>')
    expect(help).toContain('  --json')
  })
})

describe('CLI main (in process)', () => {
  let workspace: string
  let temp: string
  let main: typeof import('../src/cli/program.js').main

  beforeAll(async () => {
    main = (await import('../src/cli/program.js')).main
    workspace = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'im-cli-ws-')))
    temp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'im-cli-tmp-')))
    fs.writeFileSync(path.join(workspace, 'docker-compose.yml'), 'services:\n  web:\n    image: nginx:1.25\n')
    for (const dir of ['docs', 'tools']) {
      fs.mkdirSync(path.join(workspace, dir))
      fs.writeFileSync(path.join(workspace, dir, 'Dockerfile'), `FROM example.org/${dir}:1\n`)
    }
    fs.mkdirSync(path.join(workspace, 'reports'))
    fs.symlinkSync('/etc/hostname', path.join(workspace, 'planted.json'))
  })

  afterAll(() => {
    for (const dir of [workspace, temp]) fs.rmSync(dir, { recursive: true, force: true })
  })

  const run = async (argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> => {
    let stdout = ''
    let stderr = ''
    const code = await main(argv, env, { stdout: text => (stdout += text), stderr: text => (stderr += text), cwd: workspace, tempDir: temp })
    return { code, stdout, stderr }
  }
  const reportLine = (stderr: string): string => /Report: (.*)$/m.exec(stderr)?.[1] ?? ''

  it('keeps a brace glob in --exclude whole and excludes what it names', async () => {
    const result = await run(['--json', '--mode', 'plan', '--exclude', '**/{docs,tools}/**'])
    expect(result.stderr).not.toContain('stopped unexpectedly')
    expect(result.code).not.toBe(2)
    const report = JSON.parse(result.stdout) as { images: Array<{ source: string }> }
    expect(report.images.map(image => image.source)).toEqual(['docker.io/library/nginx:1.25'])
  })

  it('rejects an invalid glob with exit 2 and still writes a report saying why', async () => {
    const result = await run(['--mode', 'plan', '--exclude', '**/{docs,tools', '--report-path', 'reports/bad-glob.json'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("image-mirror: Invalid exclude entry '**/{docs,tools': the '{' at position 4 is never closed")
    const report = JSON.parse(fs.readFileSync(path.join(workspace, 'reports', 'bad-glob.json'), 'utf8')) as { ok: boolean; verdict: string; findings: Array<{ kind: string; message: string }> }
    expect(report.ok).toBe(false)
    expect(report.verdict).toBe("Invalid input: Invalid exclude entry '**/{docs,tools': the '{' at position 4 is never closed")
    expect(report.findings).toEqual([expect.objectContaining({ kind: 'invalid-config', severity: 'error', message: "Invalid exclude entry '**/{docs,tools': the '{' at position 4 is never closed" })])
  })

  it('rejects a report-path that is a directory (exit 2), writing the report at the default path instead', async () => {
    const result = await run(['--mode', 'plan', '--report-path', 'reports'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("Invalid report-path 'reports': it is a directory; name a file")
    expect(result.stderr).toMatch(new RegExp(`report written to ${temp}/image-mirror-[^/]+/image-mirror-report\\.json`))
  })

  it('refuses to write the report through a planted symbolic link', async () => {
    const result = await run(['--mode', 'plan', '--report-path', 'planted.json'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(`Invalid report-path 'planted.json': ${workspace}/planted.json is a symbolic link; refusing to write through it`)
    expect(fs.lstatSync(path.join(workspace, 'planted.json')).isSymbolicLink()).toBe(true)
  })

  it('rejects a scalar flag given twice with exit 2', async () => {
    const result = await run(['--mode', 'plan', '--mode', 'check'])
    expect(result.code).toBe(2)
    expect(result.stderr).toBe("image-mirror: Option '--mode' is given more than once; it takes one value\n")
  })

  it('rejects registry credentials in the registry input without echoing the password', async () => {
    const result = await run(['--mode', 'check', '--registry', 'robot:TopS3cret@harbor.example.com/aihpc'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("Invalid registry 'robot:***@harbor.example.com/aihpc'")
    expect(result.stderr).not.toContain('TopS3cret')
  })

  it('writes the default report to a new directory per run', async () => {
    const first = await run(['--mode', 'plan'])
    const second = await run(['--mode', 'plan'])
    expect([first.code, second.code]).not.toContain(2)
    const paths = [reportLine(first.stderr), reportLine(second.stderr)]
    expect(paths[0]).not.toBe(paths[1])
    for (const file of paths) {
      expect(path.dirname(path.dirname(file))).toBe(temp)
      expect(path.basename(file)).toBe('image-mirror-report.json')
      expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(expect.objectContaining({ mode: 'plan' }))
    }
  })

  it('reads inputs from IMAGE_MIRROR_<INPUT>, a flag winning', async () => {
    const result = await run(['--json', '--mode', 'plan'], { IMAGE_MIRROR_MODE: 'check', IMAGE_MIRROR_EXCLUDE: '**/{docs,tools}/**' })
    const report = JSON.parse(result.stdout) as { mode: string; images: unknown[] }
    expect(report.mode).toBe('plan')
    expect(report.images).toHaveLength(1)
  })

  it('warns that a password on the command line is visible to other users', async () => {
    const result = await run(['--mode', 'plan', '--username', 'u', '--password', 'pw'])
    expect(result.stderr).toContain('warning: --password on the command line is visible to other users of this machine; prefer IMAGE_MIRROR_PASSWORD')
  })
})

describe('the installed image-mirror bin', () => {
  // npm installs a package's bin on POSIX as a symbolic link to the file, run through its shebang
  // (`#!/usr/bin/env node`): that is how users run it, and where Node >= 20.6 could take
  // `--env-file` for itself if it were placed before the script.
  let prefix: string
  let workspace: string
  let bin: string

  beforeAll(() => {
    prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'im-bin-'))
    workspace = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'im-bin-ws-')))
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }
    fs.mkdirSync(path.join(prefix, 'bin'))
    bin = path.join(prefix, 'bin', 'image-mirror')
    fs.symlinkSync(path.join(REPO_ROOT, pkg.bin['image-mirror'] as string), bin)
    fs.writeFileSync(path.join(workspace, 'docker-compose.yml'), 'services:\n  app:\n    image: example.org/team/app:${APP_TAG}\n')
    // Were Node to load this file itself, IMAGE_MIRROR_EXCLUDE would reach the CLI's environment and hide the compose file.
    fs.writeFileSync(path.join(workspace, 'vars.env'), 'APP_TAG=1.2.3\nIMAGE_MIRROR_EXCLUDE=docker-compose.yml\n')
  })

  afterAll(() => {
    for (const dir of [prefix, workspace]) fs.rmSync(dir, { recursive: true, force: true })
  })

  const exec = (args: string[]) =>
    spawnSync(bin, args, {
      cwd: workspace,
      encoding: 'utf8',
      env: { PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`, HOME: os.tmpdir() },
      timeout: 60000
    })

  it('is a script whose shebang ends node’s options before the script, linked by npm as the bin', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }
    expect(pkg.bin).toEqual({ 'image-mirror': 'dist/cli.js' })
    expect(fs.readFileSync(path.join(REPO_ROOT, 'dist', 'cli.js'), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env -S node --')
    expect(fs.statSync(path.join(REPO_ROOT, 'dist', 'cli.js')).mode & 0o111).not.toBe(0)
  })

  it('hands --env-file to image-mirror, not to Node', () => {
    const result = exec(['--json', '--mode', 'plan', '--env-file', 'vars.env', '--report-path', 'report.json'])
    expect(result.stderr).not.toMatch(/^node: /m)
    expect(result.status).toBe(0)
    const report = JSON.parse(result.stdout) as { images: Array<{ source: string }> }
    expect(report.images.map(image => image.source)).toEqual(['example.org/team/app:1.2.3'])
  })

  it('reports a missing --env-file as its own input error (exit 2), not as Node’s', () => {
    const result = exec(['--mode', 'plan', '--env-file', 'missing.env', '--report-path', 'report.json'])
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(/^image-mirror: Invalid env-file (entry )?'missing.env'/m)
    expect(result.stderr).not.toMatch(/^node: /m)
  })

  it('keeps V8’s young generation small: at most twice its first size, where a plan run would otherwise end at 4×', () => {
    // heap.ts: the cap is what keeps the peak memory of a registry copy down; a plan run shows it without a registry.
    const probe = path.join(prefix, 'young-generation.mjs')
    fs.writeFileSync(
      probe,
      [
        "import * as v8 from 'node:v8'",
        "const size = () => v8.getHeapSpaceStatistics().find(space => space.space_name === 'new_space').space_size",
        'const first = size()',
        "process.on('exit', () => process.stderr.write(`young generation: ${first} ${size()}\\n`))"
      ].join('\n')
    )
    const fixture = path.join(REPO_ROOT, 'fixtures', 'reference-project')
    const result = spawnSync(bin, ['--mode', 'plan', '--path', fixture, '--registry', 'harbor.example.com/aihpc', '--layout', 'library', '--report-path', 'young.json'], {
      cwd: workspace,
      encoding: 'utf8',
      env: { PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`, HOME: os.tmpdir(), NODE_OPTIONS: `--import=${probe}` },
      timeout: 60000
    })
    expect(result.status).toBe(0)
    const [first, last] = (/^young generation: (\d+) (\d+)$/m.exec(result.stderr) ?? []).slice(1).map(Number)
    expect(first).toBeGreaterThan(0)
    // V8 may grow it once before the entry's first line runs; uncapped, this run ends at 4× its first size.
    expect(last).toBeLessThanOrEqual(2 * (first as number))
  })

  it('takes --env-file first on the command line too', () => {
    const result = exec(['--env-file', 'vars.env', '--mode', 'plan', '--json', '--report-path', 'report.json'])
    expect(result.status).toBe(0)
    expect(result.stdout).toContain('example.org/team/app:1.2.3')
  })
})
