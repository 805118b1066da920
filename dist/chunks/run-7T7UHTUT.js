import { createRequire as __imageMirrorRequire } from 'node:module';
const require = __imageMirrorRequire(import.meta.url);
import {
  autoCopy,
  executeSettings,
  imageResults,
  registryNetwork
} from "./chunk-NWP3GR4Q.js";
import "./chunk-QFH3T3DV.js";
import "./chunk-2P6JI6ZF.js";
import "./chunk-EBTGWOLB.js";
import "./chunk-IOAWOIKA.js";
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
