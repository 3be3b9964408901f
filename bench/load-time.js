// How long loading the extension bundle takes in plain Node, with a stand-in for the `vscode` module.
// Usage: node esbuild.mjs --production && node bench/load-time.js [dist/extension.js]
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Module = require('node:module');

const stub = path.join(os.tmpdir(), 'jr-vscode-stub.js');
fs.writeFileSync(stub, 'module.exports = new Proxy({}, { get: () => function () {} });');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? stub : resolve.call(this, request, ...rest);
};
const file = path.resolve(process.argv[2] || path.join(__dirname, '..', 'dist', 'extension.js'));
const t0 = process.hrtime.bigint();
require(file);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
console.log(`${path.basename(file)}: ${(fs.statSync(file).size / 1024).toFixed(0)} KB, loaded in ${ms.toFixed(1)} ms`);
