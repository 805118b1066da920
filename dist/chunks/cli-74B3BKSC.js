import { createRequire as __imageMirrorRequire } from 'node:module';
const require = __imageMirrorRequire(import.meta.url);
import {
  DockerCli,
  DockerCommandError,
  DockerNotFoundError,
  classifyDockerFailure,
  isTransientDockerFailure,
  summarizeDockerError
} from "./chunk-3Q6L7RXN.js";
import "./chunk-7FBY6XPY.js";
import "./chunk-SVPXH4ZQ.js";
export {
  DockerCli,
  DockerCommandError,
  DockerNotFoundError,
  classifyDockerFailure,
  isTransientDockerFailure,
  summarizeDockerError
};
