import { createRequire as __imageMirrorRequire } from 'node:module';
const require = __imageMirrorRequire(import.meta.url);
import {
  BUILDER_FEATURES,
  BUILDER_NAMES,
  describeBuildCommand,
  detectBuilder,
  runBuild
} from "./chunk-YW6UN4AT.js";
import "./chunk-LRCA6YLR.js";
import "./chunk-3Q6L7RXN.js";
import "./chunk-7FBY6XPY.js";
import "./chunk-SVPXH4ZQ.js";
export {
  BUILDER_FEATURES,
  BUILDER_NAMES,
  describeBuildCommand,
  detectBuilder,
  runBuild
};
