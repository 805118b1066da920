import { createRequire as __imageMirrorRequire } from 'node:module';
const require = __imageMirrorRequire(import.meta.url);
import {
  autoCopy,
  executeSettings,
  imageResults,
  registryNetwork
} from "./chunk-C6OS3NCE.js";
import "./chunk-EVBAL7KB.js";
import "./chunk-A6T5FYUA.js";
import "./chunk-AHYGDTMI.js";
import "./chunk-6WDSR5HU.js";
import "./chunk-YJPRZVSQ.js";
import "./chunk-LRCA6YLR.js";
import "./chunk-HDNKJL3O.js";
import "./chunk-7FBY6XPY.js";
import "./chunk-SVPXH4ZQ.js";
export {
  autoCopy,
  executeSettings,
  imageResults,
  registryNetwork
};
