// Project sync (issue 31) in a fresh process, printed as one JSON line per measure.
// Usage: node bench/sync-worker.js BASE_URL TOKEN [CORE_JS] [ROOT_DIR] [SERVER_PID] [REP]
// Everything goes through ProjectSync and uploadFile from the built client (CORE_JS, default dist/core.js),
// the code `jupyter-remote sync` / `put` and the extension run, over one HttpSession whose request() is
// wrapped to count requests (by kind), and the most in flight at once.
// The project: a temp folder generated from a fixed seed, FILES files of ≈ TOTAL_MIB MiB: small .py files
// (2–10 KiB) in nested packages and DATA_FILES data files of 1–3 MiB. Measures, each a new ProjectSync
// (as each `jupyter-remote sync` makes) unless it says `watch` (the same one, as `--watch` keeps):
//   first     — the first sync of the whole project into a fresh server folder
//   unchanged — a re-sync with nothing changed (must send no file)
//   one       — a re-sync with one .py file changed (must send only that file)
//   checkout  — a re-sync after 500 of the .py files were rewritten (a `git checkout`): peak in flight bounded
//   watch-unchanged, watch-one — the same two with the ProjectSync that did the previous runs (hashes remembered)
//   scan      — scanProject alone on the project (the walk every run starts with), median of 3
//   put       — the same files into another fresh folder, uploadFile one file after another in this
//               process (what `jupyter-remote put` runs per file; spawning 2,000 CLIs would time Node's start)
// ROOT_DIR (the server's root on this machine) lets the server folders be removed directly (a DELETE may go
// to the trash); SERVER_PID adds the server's CPU time; an odd REP runs `put` before the sync measures.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const FILES = 2000;
const DATA_FILES = 20;
const TOTAL_MIB = 50;
const CHECKOUT = 500;
const SEED = 31;
const MiB = 1024 * 1024;

for (const level of ['log', 'info', 'debug', 'warn']) console[level] = (...args) => process.stderr.write(`${args.join(' ')}\n`);

/** mulberry32: the same project every run. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Python-looking text of exactly `size` bytes. */
function pySource(random, size, tag) {
  const parts = [`"""Module ${tag}."""\nimport math\n\n`];
  let length = parts[0].length;
  for (let i = 0; length < size; i++) {
    const a = Math.floor(random() * 1000);
    const b = Math.floor(random() * 1000);
    const block = `def f_${i}_${a}(x, y=${b}):\n    """Return a mix of x and y."""\n    total = x * ${a} + y\n    for k in range(${(a % 7) + 1}):\n        total = math.fmod(total + k * ${b}, ${a + 1})\n    return total\n\n\n`;
    parts.push(block);
    length += block.length;
  }
  return Buffer.from(parts.join(''), 'utf8').subarray(0, size);
}

/** `size` bytes of xorshift noise (like compressed data: nothing to gain from compression). */
function noise(random, size) {
  const words = new Uint32Array(Math.ceil(size / 4));
  let x = Math.floor(random() * 4294967295) | 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return Buffer.from(words.buffer, 0, size);
}

/** Writes the project under `root`; answers its files (relative paths, sizes) and the .py ones. */
function generate(root) {
  const random = prng(SEED);
  const small = FILES - DATA_FILES;
  const pyPaths = [];
  const packages = ['core', 'models', 'io', 'features', 'training', 'evaluation', 'viz', 'utils'];
  const subs = ['base', 'impl', 'helpers', 'legacy', 'experimental'];
  for (const p of packages) {
    pyPaths.push(`src/proj/${p}/__init__.py`);
    for (const s of subs) pyPaths.push(`src/proj/${p}/${s}/__init__.py`);
  }
  pyPaths.push('src/proj/__init__.py', 'setup.py', 'conftest.py');
  const folders = packages.flatMap((p) => subs.map((s) => `src/proj/${p}/${s}`));
  for (let i = 0; pyPaths.length < small; i++) pyPaths.push(`${folders[i % folders.length]}/mod_${Math.floor(i / folders.length)}.py`);
  const files = [];
  let smallBytes = 0;
  for (const rel of pyPaths) {
    const size = 2048 + Math.floor(random() * 8 * 1024);
    files.push({ rel, size, kind: 'py' });
    smallBytes += size;
  }
  // The data files share what is left of TOTAL_MIB, each within 1–3 MiB.
  const left = TOTAL_MIB * MiB - smallBytes;
  const weights = Array.from({ length: DATA_FILES }, () => 1 + random() * 2);
  const sum = weights.reduce((a, b) => a + b, 0);
  const ext = ['npy', 'parquet', 'bin', 'csv.gz'];
  weights.forEach((w, i) => {
    const size = Math.min(3 * MiB, Math.max(MiB, Math.round((left * w) / sum)));
    files.push({ rel: `data/${i % 2 ? 'processed' : 'raw'}/part_${String(i).padStart(2, '0')}.${ext[i % ext.length]}`, size, kind: 'data' });
  });
  for (const f of files) {
    const abs = path.join(root, ...f.rel.split('/'));
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, f.kind === 'py' ? pySource(random, f.size, f.rel) : noise(random, f.size));
  }
  return { files, py: files.filter((f) => f.kind === 'py').map((f) => f.rel) };
}

/** What a request is, from its method, path and body. */
function kindOf(method, urlPath, options) {
  const json = options && options.json;
  if (method === 'GET') {
    if (urlPath.startsWith('files/')) return urlPath.endsWith('jupyter-remote-sync.json') ? 'manifest GET' : 'file GET';
    if (urlPath.includes('type=directory')) return 'list';
    return 'stat';
  }
  if (method === 'PUT' && json && json.type === 'directory') return 'mkdir';
  if (method === 'PUT') {
    if (urlPath.endsWith('jupyter-remote-sync.json')) return 'manifest PUT';
    return json && json.chunk !== undefined ? 'chunk PUT' : 'file PUT';
  }
  if (method === 'PATCH') return 'rename';
  return method;
}

/** Wraps `http.request`: every request counted by kind, timed, and the most in flight at once. */
function instrument(http) {
  const original = http.request.bind(http);
  const state = { inFlight: 0, peak: 0, log: [] };
  http.request = async (method, urlPath, options) => {
    const entry = { kind: kindOf(method, urlPath, options), t0: performance.now(), t1: 0 };
    state.inFlight++;
    state.peak = Math.max(state.peak, state.inFlight);
    try {
      return await original(method, urlPath, options);
    } finally {
      state.inFlight--;
      entry.t1 = performance.now();
      state.log.push(entry);
    }
  };
  return {
    reset() {
      state.peak = state.inFlight;
      state.log = [];
    },
    get peak() {
      return state.peak;
    },
    get log() {
      return state.log;
    },
  };
}

function clockTicks() {
  try {
    return Number(require('node:child_process').execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
}
const TICKS = clockTicks();

/** The server process's CPU time so far (user + system), or NaN without its pid. */
function serverCpuMs(pid) {
  if (!pid) return NaN;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS; // utime, stime (fields 14, 15)
  } catch {
    return NaN;
  }
}

/** Runs `f`, answering its wall time, requests by kind, peak in flight, and client and server CPU. */
async function measured(counter, serverPid, f) {
  counter.reset();
  const cpu0 = process.cpuUsage();
  const server0 = serverCpuMs(serverPid);
  const t0 = performance.now();
  const value = await f();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const byKind = {};
  const kindMs = {};
  for (const e of counter.log) {
    byKind[e.kind] = (byKind[e.kind] ?? 0) + 1;
    kindMs[e.kind] = (kindMs[e.kind] ?? 0) + (e.t1 - e.t0);
  }
  // Phases on the wall clock: before the first write (scan, hash, manifest, listings), folders, uploads, manifest write.
  const first = (kinds) => Math.min(...counter.log.filter((e) => kinds.includes(e.kind)).map((e) => e.t0));
  const last = (kinds) => Math.max(...counter.log.filter((e) => kinds.includes(e.kind)).map((e) => e.t1));
  const writes = ['mkdir', 'file PUT', 'chunk PUT', 'rename', 'manifest PUT'];
  const uploads = ['file PUT', 'chunk PUT', 'rename'];
  const phases = {};
  const firstWrite = first(writes);
  if (Number.isFinite(firstWrite)) phases.beforeFirstWrite = firstWrite - t0;
  if (byKind.mkdir) phases.folders = last(['mkdir']) - first(['mkdir']);
  if (byKind['file PUT'] || byKind['chunk PUT']) phases.uploads = last(uploads) - first(uploads);
  if (byKind['manifest PUT']) phases.manifestWrite = last(['manifest PUT']) - first(['manifest PUT']);
  const requests = counter.log.length;
  return {
    value,
    figures: {
      ms, requests, peakInFlight: counter.peak, byKind, kindMs, phases,
      clientCpuMs: (cpu.user + cpu.system) / 1000, serverCpuMs: serverCpuMs(serverPid) - server0,
    },
  };
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function main() {
  const [baseUrl, token, corePath, rootDir, pidArg, repArg] = process.argv.slice(2);
  const core = require(path.resolve(corePath || 'dist/core.js'));
  if (typeof core.ProjectSync !== 'function') throw new Error(`${corePath || 'dist/core.js'} does not export ProjectSync`);
  const serverPid = Number(pidArg) || 0;
  const putFirst = Number(repArg) % 2 === 1;
  const watchdog = setTimeout(() => {
    process.stderr.write('sync-worker: no result within 10 minutes\n');
    process.exit(1);
  }, 600000);
  const http = new core.HttpSession({ baseUrl: `${baseUrl}/`, credentials: { token } });
  const counter = instrument(http);
  const local = fs.mkdtempSync(path.join(os.tmpdir(), 'jr-bench-sync-'));
  const syncFolder = `jr-bench-sync-${process.pid}`;
  const putFolder = `jr-bench-put-${process.pid}`;
  const out = (measure, figures, extra = {}) => process.stdout.write(`${JSON.stringify({ workload: 'sync', measure, ...figures, ...extra })}\n`);
  try {
    const t0 = performance.now();
    const project = generate(local);
    const bytes = project.files.reduce((a, f) => a + f.size, 0);
    const mb = bytes / MiB;
    const shape = { files: project.files.length, mb, pyFiles: project.py.length, dataFiles: DATA_FILES, generateMs: performance.now() - t0 };
    const settings = { localRoot: local, remoteRoot: syncFolder, mirrorDeletes: true };
    const newSync = () => new core.ProjectSync(http, settings);
    const shared = newSync(); // the `--watch` one: runs first, unchanged, one's twin, …

    const put = async () => {
      const made = new Set();
      const ensure = async (folder) => {
        if (!folder || made.has(folder)) return;
        await ensure(path.posix.dirname(folder) === '.' ? '' : path.posix.dirname(folder));
        await core.createDirectory(http, folder);
        made.add(folder);
      };
      const m = await measured(counter, serverPid, async () => {
        for (const f of project.files) {
          const remote = `${putFolder}/${f.rel}`;
          await ensure(path.posix.dirname(remote));
          await core.uploadFile(http, remote, fs.createReadStream(path.join(local, ...f.rel.split('/'))));
        }
      });
      check((m.figures.byKind['file PUT'] ?? 0) + (m.figures.byKind.rename ?? 0) >= project.files.length, 'put sent fewer files than the project has');
      out('put', m.figures, { ...shape, label: 'uploadFile one file after another, in-process' });
    };
    if (putFirst) await put();

    // 1. First sync into a fresh folder.
    const first = await measured(counter, serverPid, () => shared.run());
    const r1 = first.value;
    check(!r1.stopped, `the first sync stopped: ${r1.stopped}`);
    check(r1.uploaded.length === project.files.length, `the first sync sent ${r1.uploaded.length} of ${project.files.length} files (conflicts ${r1.conflicts.length}, skipped ${r1.skipped.length}, failed ${r1.failed.length})`);
    out('first', first.figures, { ...shape, uploaded: r1.uploaded.length });

    // 2. Nothing changed: a new ProjectSync (as a new `jupyter-remote sync`), then the same one (as --watch).
    for (const [measure, sync] of [['unchanged', newSync()], ['watch-unchanged', shared]]) {
      const m = await measured(counter, serverPid, () => sync.run());
      check(!m.value.stopped && m.value.uploaded.length === 0 && m.value.unchanged === project.files.length, `${measure}: sent ${m.value.uploaded.length}, unchanged ${m.value.unchanged}`);
      check(!m.figures.byKind['file PUT'] && !m.figures.byKind['chunk PUT'], `${measure}: a file was sent`);
      out(measure, m.figures, { uploaded: m.value.uploaded.length, unchanged: m.value.unchanged });
    }

    // Of a new ProjectSync's run with nothing changed, the walk alone (scanProject: readdir, a stat per file).
    const scans = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await core.scanProject(local);
      scans.push(performance.now() - t);
    }
    out('scan', { ms: scans.sort((a, b) => a - b)[1] });

    // 3. One file changed (a different one for each twin).
    const random = prng(SEED + 1);
    for (const [measure, sync, rel] of [['one', newSync(), project.py[700]], ['watch-one', shared, project.py[1400]]]) {
      fs.appendFileSync(path.join(local, ...rel.split('/')), `\n# edited ${random()}\n`);
      const m = await measured(counter, serverPid, () => sync.run());
      check(!m.value.stopped && m.value.uploaded.length === 1 && m.value.uploaded[0] === rel, `${measure}: sent ${JSON.stringify(m.value.uploaded.slice(0, 5))}, not only ${rel}`);
      out(measure, m.figures, { uploaded: m.value.uploaded.length, file: rel });
    }

    // 4. A `git checkout` rewriting 500 of the .py files with new content.
    const step = Math.floor(project.py.length / CHECKOUT);
    const changed = Array.from({ length: CHECKOUT }, (_, i) => project.py[i * step]);
    for (const rel of changed) fs.writeFileSync(path.join(local, ...rel.split('/')), pySource(random, 2048 + Math.floor(random() * 8 * 1024), `${rel} after checkout`));
    const checkout = await measured(counter, serverPid, () => newSync().run());
    const sent = new Set(checkout.value.uploaded);
    check(!checkout.value.stopped && sent.size === CHECKOUT && changed.every((p) => sent.has(p)), `checkout: sent ${sent.size}, not the ${CHECKOUT} rewritten`);
    check(checkout.figures.peakInFlight <= core.SYNC_CONCURRENCY + 2, `checkout: ${checkout.figures.peakInFlight} requests in flight at once`);
    out('checkout', checkout.figures, { uploaded: sent.size, concurrency: core.SYNC_CONCURRENCY });

    if (!putFirst) await put();
  } finally {
    clearTimeout(watchdog);
    for (const folder of [syncFolder, putFolder]) {
      if (rootDir) fs.rmSync(path.join(rootDir, folder), { recursive: true, force: true });
      else await core.deletePath(http, folder).catch(() => undefined);
    }
    await http.close();
    fs.rmSync(local, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (e) => {
  process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
