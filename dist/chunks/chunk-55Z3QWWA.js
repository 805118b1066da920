import { createRequire as __imageMirrorRequire } from 'node:module';
const require = __imageMirrorRequire(import.meta.url);

// lib/heap.js
import * as v8 from "node:v8";
function keepYoungGenerationSmall() {
  try {
    v8.setFlagsFromString("--semi-space-growth-factor=1");
  } catch {
  }
}

export {
  keepYoungGenerationSmall
};
