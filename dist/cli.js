#!/usr/bin/env -S node --
import { createRequire as __imageMirrorRequire } from 'node:module';
const require = __imageMirrorRequire(import.meta.url);
import {
  keepYoungGenerationSmall
} from "./chunks/chunk-55Z3QWWA.js";
import "./chunks/chunk-SVPXH4ZQ.js";

// lib/cli.js
import * as nodeModule from "node:module";
nodeModule.enableCompileCache?.();
keepYoungGenerationSmall();
var { EXIT_USAGE, main } = await import("./chunks/program-SNUOEWWH.js");
main(process.argv.slice(2), process.env).then((code) => {
  process.exitCode = code;
}, (error) => {
  process.stderr.write(`image-mirror stopped unexpectedly: ${error instanceof Error ? error.stack ?? error.message : String(error)}
`);
  process.exitCode = EXIT_USAGE;
});
