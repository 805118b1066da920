import { it, expect } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { startRegistry } from './harness/registry.js'
import { pushImage, pushMultiPlatform, seededBytes } from './harness/oci-images.js'
import { runAction } from './harness/runner.js'
import { startFaultProxy } from './harness/fault-proxy.js'

it('scratch', async () => {
  const src = await startRegistry()
  const tgt = await startRegistry()
  try {
    const shared = seededBytes('shared', 200_000)
    for (let i = 0; i < 12; i += 1) await pushImage(src, `library/img${i}`, '1', { format: 'docker', layers: [shared, seededBytes(`own${i}`, 3000)] })
    await pushImage(src, 'library/postgres', '15', { format: 'docker', layers: [seededBytes('a', 1000)] })
    await pushMultiPlatform(src, 'library/redis', '7', 'oci', 'redis', [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }])
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'im-scratch-'))
    fs.writeFileSync(path.join(ws, 'compose.yaml'), 'services:\n  a:\n    image: postgres:15\n  b:\n    image: redis:7\n' + Array.from({ length: 12 }, (_, i) => `  s${i}:\n    image: img${i}:1\n`).join(''))
    const proxy = await startFaultProxy(src.url)
    const run = runAction({ mode: 'export', registry: 'harbor.example.com/p', bundle: 'b.tar', 'registry-mirror': proxy.url }, { workspace: ws, env: { DOCKER_CONFIG: ws, NODE_DEBUG: 'http' }, timeoutMs: 15000 })
    console.log(run.exitCode, run.outputs.verdict, run.stdout.slice(-3000), run.stderr.slice(-6000))
    return
    const imp = runAction({ mode: 'import', registry: `${tgt.host}/p`, bundle: 'b.tar' }, { workspace: ws, env: { DOCKER_CONFIG: ws } })
    console.log(imp.exitCode, imp.outputs.verdict, imp.stdout.slice(-3000), imp.stderr.slice(-2000))
    expect(run.exitCode).toBe(0)
  } finally {
    await src.stop(); await tgt.stop()
  }
})
