#!/usr/bin/env -S node --
/**
 * The CLI's entry (package.json bin): everything happens in main().
 * The shebang passes `--` before the script: Node 20 reads `--env-file` (and applies the
 * NODE_OPTIONS in that file) wherever it appears on its command line, even after the
 * script, unless a `--` comes first (nodejs/node#54232). `env -S` splits the arguments
 * (GNU coreutils, macOS, FreeBSD; npm's Windows shims drop the -S).
 */
import * as nodeModule from 'node:module'
import { keepYoungGenerationSmall } from './heap.js'

// Node >= 22.1: cache V8's compiled code of everything imported from here on (see src/index.ts); a no-op on Node 20.
;(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.()
keepYoungGenerationSmall()

const { EXIT_USAGE, main } = await import('./cli/program.js')

main(process.argv.slice(2), process.env).then(
  code => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(`image-mirror stopped unexpectedly: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    process.exitCode = EXIT_USAGE
  }
)
