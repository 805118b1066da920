import { createRequire as __imageMirrorRequire } from 'node:module';
const require = __imageMirrorRequire(import.meta.url);
import {
  autoCopy,
  executeSettings,
  imageResults,
  registryNetwork
} from "./chunk-5KCA35EF.js";
import "./chunk-BSQXQWJG.js";
import "./chunk-DLSJOE4E.js";
import "./chunk-E2PIM3G2.js";
import "./chunk-BFJECO4U.js";
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
