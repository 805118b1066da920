import { createRequire as __imageMirrorRequire } from 'node:module';
const require = __imageMirrorRequire(import.meta.url);

// lib/index.js
import * as nodeModule from "node:module";
nodeModule.enableCompileCache?.();
var { run } = await import("./chunks/main-2UHRIRE2.js");
await run();
