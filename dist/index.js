import { createRequire as __imageMirrorRequire } from 'node:module';
const require = __imageMirrorRequire(import.meta.url);
import {
  keepYoungGenerationSmall
} from "./chunks/chunk-55Z3QWWA.js";
import "./chunks/chunk-SVPXH4ZQ.js";

// lib/index.js
import * as nodeModule from "node:module";
nodeModule.enableCompileCache?.();
keepYoungGenerationSmall();
var { run } = await import("./chunks/main-WTOG3CFH.js");
await run();
