import { createRequire as __imageMirrorRequire } from 'node:module';
const require = __imageMirrorRequire(import.meta.url);
import {
  autoCopy,
  executeSettings,
  imageResults,
  registryNetwork
} from "./chunk-ALWKZD7L.js";
import "./chunk-PYIQDL6X.js";
import "./chunk-GMHTV7BP.js";
import "./chunk-E2PIM3G2.js";
import "./chunk-BFJECO4U.js";
import "./chunk-55Z3QWWA.js";
import "./chunk-YW6UN4AT.js";
import "./chunk-LRCA6YLR.js";
import "./chunk-3Q6L7RXN.js";
import "./chunk-7FBY6XPY.js";
import "./chunk-SVPXH4ZQ.js";
export {
  autoCopy,
  executeSettings,
  imageResults,
  registryNetwork
};
