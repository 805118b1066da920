import { it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { startRegistry } from './harness/registry.js'
import { pushImage, seededBytes } from './harness/oci-images.js'
import { startFaultProxy } from './harness/fault-proxy.js'
import { buildSettings } from '../src/settings.js'
import { runPipeline } from '../src/pipeline.js'

it('scratch4', async () => {
  const src = await startRegistry()
  const proxy = await startFaultProxy(src.url)
  const shared = seededBytes('shared', 200_000)
  for (let i = 0; i < 14; i += 1) await pushImage(src, `library/img${i}`, '1', { format: 'docker', layers: [shared, seededBytes(`own${i}`, 3000)] })
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'im-scratch-'))
  fs.writeFileSync(path.join(ws, 'compose.yaml'), 'services:\n' + Array.from({ length: 14 }, (_, i) => `  s${i}:\n    image: img${i}:1\n`).join(''))
  const inputs: Record<string, string> = { mode: 'export', registry: 'harbor.example.com/p', bundle: 'b.tar', 'registry-mirror': proxy.url }
  const settings = buildSettings(name => inputs[name] ?? '', { workspace: ws, tempDir: os.tmpdir(), env: { DOCKER_CONFIG: ws }, maskSecret: () => undefined })
  const timer = setInterval(() => console.log(proxy.requests.slice(-6).map(r => `${r.method} ${r.path} ${r.status}`)), 5000)
  try {
    const result = await runPipeline(settings, { group: async (name, fn) => { console.log(name); return fn() }, info: line => console.log(line) })
    console.log(result.report.verdict)
  } finally {
    clearInterval(timer)
    await proxy.stop()
    await src.stop()
  }
}, 40000)
