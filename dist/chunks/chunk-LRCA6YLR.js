import { createRequire as __imageMirrorRequire } from 'node:module';
const require = __imageMirrorRequire(import.meta.url);

// lib/engine/port.js
var EngineFailure = class extends Error {
  kind;
  side;
  details;
  constructor(kind, side, message, details = {}) {
    super(message);
    this.kind = kind;
    this.side = side;
    this.details = details;
    this.name = "EngineFailure";
  }
};

export {
  EngineFailure
};
