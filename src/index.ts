/**
 * The action's entry: everything happens in run(). It loads the rest with import() after
 * turning on Node's compile cache (Node >= 22.1; the action runs on node24), so V8's compiled
 * code of every chunk is kept in the runner's temp directory and the next step or run skips
 * compiling it. On Node 20 the cache does not exist and this is a plain import.
 */
import * as nodeModule from 'node:module'
import { keepYoungGenerationSmall } from './heap.js'

;(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.()
keepYoungGenerationSmall()

const { run } = await import('./main.js')
await run()
