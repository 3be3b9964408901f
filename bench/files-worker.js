// One file-transfer measurement in a fresh process (so its peak RSS is its own), printed as JSON.
// Usage: node bench/files-worker.js WHO OP BASE_URL TOKEN ARG
//   WHO  ours  — the built client (dist/core.js): downloadFile / uploadFile / listDirectory, what the CLI and the extension run
//        plain — Node's http, nothing else: GET files/PATH streamed to disk; the same 512 KiB base64 chunks PUT one after another
//   OP   get PATH | put LOCAL_FILE | list FOLDER
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const CHUNK = 512 * 1024;

function plainRequest(baseUrl, token, method, urlPath, body, onResponse) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${baseUrl}/${urlPath}`, { method, headers: { Authorization: `token ${token}`, ...(body ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } : {}) } }, (res) => {
      if (res.statusCode >= 300) return reject(new Error(`${method} ${urlPath}: HTTP ${res.statusCode}`));
      onResponse(res, resolve, reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const encodePath = (p) => p.split('/').map(encodeURIComponent).join('/');

async function plain(op, baseUrl, token, arg) {
  if (op === 'get') {
    const out = fs.createWriteStream(path.join(os.tmpdir(), `jr-bench-plain-${process.pid}`));
    await plainRequest(baseUrl, token, 'GET', `files/${encodePath(arg)}`, undefined, (res, resolve, reject) => {
      res.pipe(out);
      out.on('finish', resolve);
      out.on('error', reject);
    });
    fs.rmSync(out.path, { force: true });
  } else if (op === 'put') {
    const target = `api/contents/${encodePath(`plain-${path.basename(arg)}`)}`;
    const fd = fs.openSync(arg, 'r');
    const size = fs.fstatSync(fd).size;
    const buf = Buffer.alloc(CHUNK);
    for (let at = 0, index = 1; at < size; at += CHUNK, index++) {
      const n = fs.readSync(fd, buf, 0, CHUNK, at);
      const chunk = at + n >= size ? -1 : index;
      const body = JSON.stringify({ type: 'file', format: 'base64', content: buf.subarray(0, n).toString('base64'), chunk });
      await plainRequest(baseUrl, token, 'PUT', target, body, (res, resolve) => res.resume().on('end', resolve));
    }
    fs.closeSync(fd);
  } else if (op === 'list') {
    await plainRequest(baseUrl, token, 'GET', `api/contents/${encodePath(arg)}?type=directory`, undefined, (res, resolve) => {
      const parts = [];
      res.on('data', (d) => parts.push(d)).on('end', () => resolve(JSON.parse(Buffer.concat(parts).toString()).content.length));
    });
  }
}

async function ours(op, baseUrl, token, arg) {
  const core = require(path.resolve('dist/core.js'));
  const session = new core.HttpSession({ baseUrl: `${baseUrl}/`, credentials: { token } });
  try {
    if (op === 'get') {
      const file = fs.openSync(path.join(os.tmpdir(), `jr-bench-ours-${process.pid}`), 'w');
      await core.downloadFile(session, arg, (chunk) => void fs.writeSync(file, chunk));
      fs.closeSync(file);
      fs.rmSync(path.join(os.tmpdir(), `jr-bench-ours-${process.pid}`), { force: true });
    } else if (op === 'put') {
      await core.uploadFile(session, `ours-${path.basename(arg)}`, fs.createReadStream(arg, { highWaterMark: CHUNK }));
    } else if (op === 'list') {
      await core.listDirectory(session, arg);
    }
  } finally {
    await session.close();
  }
}

async function main() {
  const [who, op, baseUrl, token, arg] = process.argv.slice(2);
  const t0 = performance.now();
  await (who === 'ours' ? ours : plain)(op, baseUrl, token, arg);
  const ms = performance.now() - t0;
  process.stdout.write(JSON.stringify({ who, op, ms, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
}

main().catch((e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
