import { it, expect } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { startDockerd } from './harness/docker.js'
import { runAction } from './harness/runner.js'

it('scratch2', async () => {
  const dockerd = await startDockerd({})
  try {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'im-scratch-'))
    fs.mkdirSync(path.join(ws, 'app'))
    fs.copyFileSync('/bin/busybox', path.join(ws, 'app', 'busybox'))
    fs.writeFileSync(path.join(ws, 'app', 'Dockerfile'), 'FROM scratch\nCOPY busybox /bin/busybox\n')
    await dockerd.docker(['build', '--network=host', '-q', '-t', 'harbor.example.com/p/app:v1', path.join(ws, 'app')])
    fs.writeFileSync(path.join(ws, 'compose.yaml'), 'services:\n  app:\n    image: app:v1\n    build: ./app\n')
    const started = Date.now()
    const run = runAction({ mode: 'export', registry: 'harbor.example.com/p', bundle: 'b.tar' }, { workspace: ws, env: { ...dockerd.env, DOCKER_CONFIG: ws }, timeoutMs: 60000 })
    console.log(Date.now() - started, run.exitCode, run.outputs.verdict, run.stdout.slice(-3000), run.stderr.slice(-2000))
    expect(run.exitCode).toBe(0)
  } finally {
    await dockerd.stop()
  }
})
