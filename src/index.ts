/** The action's entry: everything happens in run(). */
import * as nodeModule from 'node:module'
import { run } from './main.js'

// Node >= 22.1 (the action runs on node24): V8's compiled code of modules loaded from here on is cached in the
// temp directory. A no-op where the runtime lacks it (Node 20). The single-file bundle itself is compiled before
// this line runs, so it gains only once the entry is split from the code it loads.
;(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.()

void run()
