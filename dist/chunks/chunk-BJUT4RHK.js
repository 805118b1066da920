import { createRequire as __imageMirrorRequire } from 'node:module';
const require = __imageMirrorRequire(import.meta.url);

// lib/report/neutralize.js
import { randomBytes } from "node:crypto";
var ZERO_WIDTH_SPACE = "\u200B";
function escapeControls(text) {
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f\u0085\u2028\u2029]/g, (char) => {
    if (char === "\r")
      return "\\r";
    if (char === "\n")
      return "\\n";
    const code = char.charCodeAt(0);
    return code <= 255 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}
function breakLegacyCommands(line) {
  return line.split("##[").join(`##${ZERO_WIDTH_SPACE}[`);
}
function breakCommands(line) {
  let result = breakLegacyCommands(line);
  const leading = /^(\s*)::/.exec(result);
  if (leading !== null)
    result = `${leading[1]}:${ZERO_WIDTH_SPACE}:${result.slice(leading[0].length)}`;
  return result;
}
function safeLine(text) {
  return breakCommands(escapeControls(text));
}
function untrustedBlock(text, token) {
  let marker = token ?? randomBytes(16).toString("hex");
  while (text.includes(marker))
    marker = randomBytes(16).toString("hex");
  const lines = text.split(/\r\n|\r|\n/).map((line) => breakLegacyCommands(escapeControls(line)));
  return [`::stop-commands::${marker}`, ...lines, `::${marker}::`].join("\n");
}
function printUntrusted(text, write) {
  if (/[\r\n]/.test(text.replace(/[\r\n]+$/, "")))
    write(untrustedBlock(text.replace(/[\r\n]+$/, "")));
  else
    write(safeLine(text.replace(/[\r\n]+$/, "")));
}

export {
  safeLine,
  printUntrusted
};
