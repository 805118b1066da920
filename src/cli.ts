#!/usr/bin/env node
/** The CLI's entry (package.json bin): everything happens in main(). */
import { EXIT_USAGE, main } from './cli/program.js'

main(process.argv.slice(2), process.env).then(
  code => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(`image-mirror stopped unexpectedly: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    process.exitCode = EXIT_USAGE
  }
)
