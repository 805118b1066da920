import { it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { startRegistry } from './harness/registry.js'
import { pushImage, seededBytes } from './harness/oci-images.js'
import { startFaultProxy } from './harness/fault-proxy.js'
import { BundleExportEngine } from '../src/engine/bundle/engine.js'
import { parseReference } from '../src/reference.js'
import { mapConcurrent } from '../src/engine/pool.js'

it('scratch3', async () => {
  const src = await startRegistry()
  const proxy = await startFaultProxy(src.url)
  const shared = seededBytes('shared', 200_000)
  for (let i = 0; i < 14; i += 1) await pushImage(src, `library/img${i}`, '1', { format: 'docker', layers: [shared, seededBytes(`own${i}`, 3000)] })
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'im-scratch-'))
  const engine = new BundleExportEngine({ credentials: new Map(), registryMirror: proxy.url, insecureRegistries: [], concurrency: 4, retries: 1, bundle: path.join(ws, 'b.tar'), platforms: [], tempDir: os.tmpdir() })
  const state = new Map<number, string>()
  const timer = setInterval(() => console.log([...state].map(([i, s]) => `${i}:${s}`).join(' '), proxy.requests.slice(-8).map(r => `${r.method} ${r.path} ${r.status}`)), 3000)
  try {
    await mapConcurrent(Array.from({ length: 14 }, (_, i) => i), 4, async i => {
      const ref = parseReference(`img${i}:1`)
      const context = { signal: new AbortController().signal, record: (line: string) => state.set(i, line) }
      state.set(i, 'prepare')
      const prepared = await engine.prepareExport({ kind: 'base', source: `docker.io/library/img${i}:1`, target: parseReference(`h.io/p/img${i}:1`), origins: [], from: { kind: 'registry', ref } }, context)
      state.set(i, 'export')
      await engine.export(prepared, context)
      state.set(i, 'done')
    })
  } finally {
    clearInterval(timer)
    await engine.close()
    await proxy.stop()
    await src.stop()
  }
}, 60000)
