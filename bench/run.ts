/**
 * `npm run bench`: our client and @jupyterlab/services against the same real jupyter-server in one
 * run (BENCH.md). Each measurement runs in a fresh process; the two clients alternate within each
 * repetition; the table shows medians and the ratio ours/theirs.
 * Server: `jupyter server` of the stack JR_STACK names (debian: jupyter_server 1.23 + ipykernel 6, the
 * default; current: jupyter_server 2.21 + ipykernel 7.4 — `npm run bench:current`), IOPub rate limits off
 * (1.x: iopub_data_rate_limit and iopub_msg_rate_limit set to 1e12; 2.x: ZMQChannelsWebsocketConnection.limit_rate
 * off), on a free loopback port.
 */
import { execFile } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { shutdownKernel, startKernel } from '../src/core/api';
import { HttpSession } from '../src/core/http';
import { startJupyter } from '../test/server/fixtures/jupyter';
import { stack } from '../test/server/fixtures/stack';

const execFileAsync = promisify(execFile);
const ADAPTERS = { ours: path.resolve('bench/adapter.js'), theirs: path.resolve('bench/jlab-adapter.js') };
const REPS = Number(process.env.JR_BENCH_REPS ?? 3);
const WORKLOADS = (process.env.JR_BENCH_WORKLOADS ?? 'connect,attach,empty,stream,display,png,concurrency,get,put,list,tqdm,slider,complete,debug,vars,table,sync,lsp').split(',');
/** The server-files workloads: ours against a plain HTTP client (bench/files-worker.js), not against @jupyterlab/services. */
const FILE_WORKLOADS = new Set(['get', 'put', 'list']);
const FILE_MB = Number(process.env.JR_BENCH_FILE_MB ?? 100);
const LIST_ENTRIES = 5000;
/** The widget workloads (bench/widgets-worker.js): they need ipywidgets and tqdm in the kernel, which today's stack has. */
const WIDGET_WORKLOADS = new Set(['tqdm', 'slider']);
/** Sessions per debug worker after its first (the first starts the kernel's debugpy and is shown apart). */
const DEBUG_CYCLES = Number(process.env.JR_BENCH_DEBUG_CYCLES ?? 3);
/** Repeats within one vars/table run of its cheap measurements (bench/vars-worker.js's WARM). */
const VARS_REPEATS = 5;

type Result = { ms: number; cpuMs?: number; median?: number; min?: number; p95?: number; cellsPerSecond?: number; peakRssMb: number; protocol?: string };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const server = await startJupyter({
    flavor: 'server',
    // 2.x moved the limits to the WebSocket connection class (ServerApp's are deprecated there).
    extraArgs: stack.serverMajor() >= 2
      ? ['--ZMQChannelsWebsocketConnection.limit_rate=False']
      : ['--ServerApp.iopub_data_rate_limit=1e12', '--ServerApp.iopub_msg_rate_limit=1e12'],
  });
  const session = new HttpSession({ baseUrl: server.url, credentials: { token: server.token } });
  const baseUrl = server.url.replace(/\/$/, '');
  const rows: string[] = [];
  const fileRows: string[] = [];
  const widgetRows: string[] = [];
  const assistRows: string[] = [];
  const debugRows: string[] = [];
  const varsRows: string[] = [];
  const syncRows: string[] = [];
  const lspRows: string[] = [];
  let lspSkipped = '';
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'jr-bench-files-'));
  try {
    for (const workload of WORKLOADS) {
      if (FILE_WORKLOADS.has(workload)) {
        fileRows.push(...(await fileWorkload(workload, server.rootDir, scratch, baseUrl, server.token)));
        continue;
      }
      if (workload === 'complete') {
        assistRows.push(...(await completeWorkload(baseUrl, server.token)));
        continue;
      }
      if (workload === 'debug') {
        debugRows.push(...(await debugWorkload(baseUrl, server.token)));
        continue;
      }
      if (workload === 'vars' || workload === 'table') {
        varsRows.push(...(await (workload === 'vars' ? varsWorkload : tableWorkload)(baseUrl, server.token)));
        continue;
      }
      if (workload === 'sync') {
        syncRows.push(...(await syncWorkload(baseUrl, server.token, server.rootDir, server.pid)));
        continue;
      }
      if (workload === 'lsp') {
        if (stack.languageServerArgs.length) lspRows.push(...(await lspWorkload(baseUrl, server.token, server.rootDir)));
        else lspSkipped = `\nLanguage server (issue 27): lsp skipped, this stack's jupyter_server ${stack.serverVersion()} has no jupyter-lsp (\`npm run bench:current\`)`;
        continue;
      }
      if (WIDGET_WORKLOADS.has(workload)) {
        if (stack.name === 'current') widgetRows.push(...(await widgetWorkload(workload, baseUrl, server.token)));
        else widgetRows.push(`| ${workload} | (needs ipywidgets: \`npm run bench:current\`) | | | |`);
        continue;
      }
      const results: Record<'ours' | 'theirs', Result[]> = { ours: [], theirs: [] };
      for (let rep = 0; rep < REPS; rep++) {
        const order = rep % 2 === 0 ? (['ours', 'theirs'] as const) : (['theirs', 'ours'] as const);
        for (const who of order) {
          let kernelId = '';
          if (workload === 'attach') {
            kernelId = (await startKernel(session, 'python3')).id;
            await new Promise((r) => setTimeout(r, 1500)); // let it finish starting: we time attaching, not booting
          }
          const { stdout } = await execFileAsync(process.execPath, [path.resolve('bench/worker.js'), ADAPTERS[who], workload, baseUrl, server.token, kernelId], { maxBuffer: 64 * 1024 * 1024, timeout: 600000 });
          if (kernelId) await shutdownKernel(session, kernelId);
          results[who].push(JSON.parse(stdout) as Result);
          process.stderr.write('.');
        }
      }
      const pick = (who: 'ours' | 'theirs', f: (r: Result) => number | undefined) => median(results[who].map((r) => f(r) ?? NaN));
      const line = (label: string, f: (r: Result) => number | undefined, unit: string, digits = 1) => {
        const o = pick('ours', f);
        const t = pick('theirs', f);
        rows.push(`| ${workload} | ${label} | ${o.toFixed(digits)} ${unit} | ${t.toFixed(digits)} ${unit} | ${(o / t).toFixed(2)}× |`);
      };
      if (workload === 'empty') {
        line('median per cell', (r) => r.median, 'ms', 2);
        line('min per cell', (r) => r.min, 'ms', 2);
        line('p95 per cell', (r) => r.p95, 'ms', 2);
        line('cells/s', (r) => r.cellsPerSecond, '', 0);
      } else if (workload === 'concurrency') {
        line('4 kernels × 250 cells, cells/s', (r) => r.cellsPerSecond, '', 0);
      } else {
        line(workload === 'connect' || workload === 'attach' ? 'time to kernel ready' : 'time to idle', (r) => r.ms, 'ms', 0);
      }
      if (['stream', 'display', 'png'].includes(workload)) {
        line('client CPU', (r) => r.cpuMs, 'ms', 0);
        line('client peak RSS', (r) => r.peakRssMb, 'MB', 0);
      }
      if (workload === 'connect') rows.push(`| connect | protocol | ${results.ours[0].protocol || 'legacy'} | ${results.theirs[0].protocol || 'legacy'} | |`);
    }
  } finally {
    await session.close();
    await server.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
  process.stderr.write('\n');
  console.log(`${stack.label}; IOPub rate limits off, ${REPS} runs each, medians; ${new Date().toISOString()}`);
  if (rows.length) {
    console.log('| workload | measure | jupyter-remote | @jupyterlab/services | ours/theirs |');
    console.log('|---|---|---|---|---|');
    for (const r of rows) console.log(r);
  }
  if (fileRows.length) {
    console.log(`\nServer files: ${FILE_MB} MB file, ${LIST_ENTRIES}-entry folder; ${REPS} runs each, medians`);
    console.log('| workload | measure | jupyter-remote | plain HTTP client | ours/plain |');
    console.log('|---|---|---|---|---|');
    for (const r of fileRows) console.log(r);
  }
  if (assistRows.length) {
    console.log(`\nCompletions from the kernel (KernelAssist.complete of a name only the kernel knows, on loopback): ${REPS} runs each, medians`);
    console.log('| workload | measure | jupyter-remote | | |');
    console.log('|---|---|---|---|---|');
    for (const r of assistRows) console.log(r);
  }
  if (debugRows.length) {
    console.log(`\nDebugger (issue 25): a breakpoint in a function of 1000 locals, 6 steps, its variables; ${REPS} runs each, medians (within a run: the median of ${DEBUG_CYCLES} sessions after the kernel's first)`);
    console.log('| workload | measure | jupyter-remote | plain `ws` client + pong | ours/plain | plain `ws` client, no pong |');
    console.log('|---|---|---|---|---|---|');
    for (const r of debugRows) console.log(r);
  }
  if (varsRows.length) {
    console.log(`\nVariables view and data viewer (issue 26): VariableInspector from dist/core.js on loopback; ${REPS} runs each (a fresh process and kernel each), medians (within a run: medians of ${VARS_REPEATS} where cheap)`);
    console.log('| workload | measure | jupyter-remote | printing the variables from a cell | ours/print |');
    console.log('|---|---|---|---|---|');
    for (const r of varsRows) console.log(r);
  }
  if (syncRows.length) {
    console.log(`\nProject sync (issue 31): ProjectSync from dist/core.js on loopback, a seeded project of ${SYNC_FILES} files into a fresh server folder; put: the same files with uploadFile one after another in the worker's process (what \`jupyter-remote put\` runs per file, without starting 2,000 processes); ${REPS} runs each (a fresh process and project each), medians`);
    console.log('| workload | measure | jupyter-remote sync | put, file by file | sync/put |');
    console.log('|---|---|---|---|---|');
    for (const r of syncRows) console.log(r);
  }
  if (lspRows.length) {
    console.log(`\nLanguage server (issue 27): LanguageService from dist/core.js against a minimal \`ws\` JSON-RPC client, both through jupyter-lsp's lsp/ws/pyright (pyright ${pyrightVersion()} from node_modules) on loopback, the same ${LSP_CELLS}-cell notebook as one virtual document and the same positions; ${REPS} runs each (a fresh process each, each cold on a fresh pyright process), alternating, medians`);
    console.log('| workload | measure | jupyter-remote | plain `ws` client | ours/plain |');
    console.log('|---|---|---|---|---|');
    for (const r of lspRows) console.log(r);
  }
  if (lspSkipped) console.log(lspSkipped);
  if (widgetRows.length) {
    console.log(`\nWidgets (ipywidgets, tqdm): ${REPS} runs each, medians`);
    console.log('| workload | measure | jupyter-remote | kernel alone | ours/alone |');
    console.log('|---|---|---|---|---|');
    for (const r of widgetRows) console.log(r);
  }
}

type AssistRound = { median: number; p95: number; answered: number; rounds: number };
type AssistResult = { subshells: boolean; firstMs: number; idle: AssistRound; busy: AssistRound };

/** complete: completion round trips on an idle kernel, and while a cell runs (subshell or not), in fresh processes. */
async function completeWorkload(baseUrl: string, token: string): Promise<string[]> {
  const results: AssistResult[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    const { stdout } = await execFileAsync(process.execPath, [path.resolve('bench/assist-worker.js'), baseUrl, token], { timeout: 600000 });
    results.push(JSON.parse(stdout) as AssistResult);
    process.stderr.write('.');
  }
  const m = (f: (r: AssistResult) => number) => median(results.map(f)).toFixed(1);
  const busy = results[0].subshells ? 'on the notebook\'s subshell' : 'no subshells: not sent';
  const answered = (r: AssistRound) => `${r.answered}/${r.rounds} answered`;
  return [
    `| complete | first, kernel just started (${results[0].subshells ? 'completer warmed on the subshell' : 'no subshell: completer not warmed'}) | ${m((r) => r.firstMs)} ms | | |`,
    `| complete | idle kernel, median | ${m((r) => r.idle.median)} ms | ${answered(results[0].idle)} | |`,
    `| complete | idle kernel, p95 | ${m((r) => r.idle.p95)} ms | | |`,
    `| complete | while a cell runs (${busy}), median | ${m((r) => r.busy.median)} ms | ${answered(results[0].busy)} | |`,
    `| complete | while a cell runs, p95 | ${m((r) => r.busy.p95)} ms | | |`,
  ];
}

type DebugPhases = { debugCell: number; attach: number; breakpoints: number; toStopped: number };
type DebugResult = DebugPhases & {
  protocol: string; first: DebugPhases; step: number; stepMax: number;
  inspect: number; stackTrace: number; scopes: number; variables: number; continue: number; disconnect: number;
};

/**
 * debug: DebugSession over KernelConnection (ours) against a hand-written client straight over the
 * kernel WebSocket doing the same requests (bench/debug-worker.js), with and without a pong after
 * received frames; the ratio is against the one with (the delayed-ACK fix ours has too, DESIGN.md).
 */
async function debugWorkload(baseUrl: string, token: string): Promise<string[]> {
  const core = path.resolve('dist/core.js'); // the built client, core/debug included
  const results: Record<'ours' | 'plain-pong' | 'plain', DebugResult[]> = { ours: [], 'plain-pong': [], plain: [] };
  const order = ['ours', 'plain-pong', 'plain'] as const;
  for (let rep = 0; rep < REPS; rep++) {
    for (const who of rep % 2 === 0 ? order : [...order].reverse()) {
      const { stdout } = await execFileAsync(process.execPath, [path.resolve('bench/debug-worker.js'), who, baseUrl, token, core], {
        timeout: 600000, env: { ...process.env, JR_BENCH_DEBUG_CYCLES: String(DEBUG_CYCLES) },
      });
      results[who].push(JSON.parse(stdout) as DebugResult);
      process.stderr.write('.');
    }
  }
  const m = (who: keyof typeof results, f: (r: DebugResult) => number) => median(results[who].map(f));
  const row = (label: string, f: (r: DebugResult) => number) => {
    const [o, p, n] = [m('ours', f), m('plain-pong', f), m('plain', f)];
    return `| debug | ${label} | ${o.toFixed(1)} ms | ${p.toFixed(1)} ms | ${(o / p).toFixed(2)}× | ${n.toFixed(1)} ms |`;
  };
  return [
    row('Debug Cell → stopped, the kernel\'s first session (debugpy starts)', (r) => r.first.debugCell),
    row('Debug Cell → stopped, a later session', (r) => r.debugCell),
    row('… debugInfo, initialize, attach', (r) => r.attach),
    row('… dumpCell, setBreakpoints, configurationDone', (r) => r.breakpoints),
    row('… execute_request → stopped', (r) => r.toStopped),
    row('step (next → stopped), median', (r) => r.step),
    row('step, slowest', (r) => r.stepMax),
    row('stackTrace + scopes + variables (1000 locals)', (r) => r.inspect),
    row('… variables alone', (r) => r.variables),
    row('continue → cell done (execute_reply and idle)', (r) => r.continue),
    row('disconnect', (r) => r.disconnect),
    `| debug | protocol | ${results.ours[0].protocol} | ${results['plain-pong'][0].protocol} | | ${results.plain[0].protocol} |`,
  ];
}

type VarsResult = {
  subshells: boolean; idleFirst: number; idleVia: string; idleWarm: number; idleNewInspector: number; print: number; printChars: number;
  busyFirst: number; busyVia: string; busyWarm: number; busyRefused?: number; idleExtra: string[]; busyExtra: string[];
};
type TableResult = {
  gc: boolean; list: number; via: string; firstOnce: number; first: number; jump: number; sortNum: number; sortedPage: number; sortText: number;
  pages: number; pageMedian: number; pageP95: number; rssBefore: number; rssGrowth: number; heapGrowth: number; peakRssGrowth: number;
};

/** Runs bench/vars-worker.js REPS times (each a fresh process, --expose-gc, on fresh kernels) and returns its JSON results. */
async function varsRuns<T>(workload: 'vars' | 'table', baseUrl: string, token: string): Promise<T[]> {
  const core = path.resolve('dist/core.js'); // the built client; dist/inspector.py beside it
  const results: T[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    const { stdout } = await execFileAsync(process.execPath, ['--expose-gc', path.resolve('bench/vars-worker.js'), workload, baseUrl, token, core], { timeout: 600000 });
    results.push(JSON.parse(stdout) as T);
    process.stderr.write('.');
  }
  return results;
}

/**
 * vars: the Variables view's first answer on a kernel of 200 variables (a new VariableInspector: its
 * install, and on ipykernel 7 its subshell), idle and while `time.sleep(30)` runs, and warm ones, against
 * a cell printing the same 200 variables' names, types and reprs (idle).
 */
async function varsWorkload(baseUrl: string, token: string): Promise<string[]> {
  const results = await varsRuns<VarsResult>('vars', baseUrl, token);
  const m = (f: (r: VarsResult) => number) => median(results.map(f));
  const print = m((r) => r.print);
  const first = results[0];
  const busyHow = first.subshells ? `on a new subshell, via ${first.busyVia}` : `no subshells: allowObjectRepr, via ${first.busyVia} (inspectVariables, the objects' repr)`;
  const rows = [
    `| vars | 200 variables, idle: first list(), new inspector (install${first.subshells ? ' + subshell' : ''}, via ${first.idleVia}) | ${m((r) => r.idleFirst).toFixed(1)} ms | ${print.toFixed(1)} ms | ${(m((r) => r.idleFirst) / print).toFixed(2)}× |`,
    `| vars | idle: warm list() (same inspector), median | ${m((r) => r.idleWarm).toFixed(1)} ms | ${print.toFixed(1)} ms | ${(m((r) => r.idleWarm) / print).toFixed(2)}× |`,
    `| vars | idle: another new inspector, module already in the kernel | ${m((r) => r.idleNewInspector).toFixed(1)} ms | | |`,
    `| vars | print cell: name, type, repr of each (${(first.printChars / 1024).toFixed(0)} KiB of output) | | ${print.toFixed(1)} ms | |`,
  ];
  if (!first.subshells) rows.push(`| vars | while a 30 s cell runs: list() refuses (KernelBusyError) after | ${m((r) => r.busyRefused ?? NaN).toFixed(1)} ms | | |`);
  rows.push(
    `| vars | while a 30 s cell runs: first list(), new inspector, ${busyHow} (target < 300 ms) | ${m((r) => r.busyFirst).toFixed(1)} ms | | |`,
    `| vars | while a 30 s cell runs: warm list(), median | ${m((r) => r.busyWarm).toFixed(1)} ms | | |`,
  );
  const extra = (names: string[]) => (names.length ? names.map((n) => `'${n}'`).join(', ') : 'none');
  rows.push(`| vars | listed besides the 200: idle ${extra(first.idleExtra)}; busy ${extra(first.busyExtra)} | | | |`);
  return rows;
}

/**
 * table: the data viewer's pages of a 1,000,000 × 10 DataFrame (sorted in the kernel), and the client's
 * memory growth over many pages at random offsets (the extension host only forwards them).
 */
async function tableWorkload(baseUrl: string, token: string): Promise<string[]> {
  const results = await varsRuns<TableResult>('table', baseUrl, token);
  const m = (f: (r: TableResult) => number) => median(results.map(f));
  const ms = (label: string, f: (r: TableResult) => number) => `| table | ${label} | ${m(f).toFixed(1)} ms | | |`;
  const mb = (label: string, f: (r: TableResult) => number) => `| table | ${label} | ${m(f).toFixed(1)} MB | | |`;
  const first = results[0];
  return [
    ms(`list() first, before the viewer opens (install, via ${first.via})`, (r) => r.list),
    ms('1,000,000 × 10: first page, 100 rows, the viewer\'s first request', (r) => r.firstOnce),
    ms('first page, 100 rows, median (target < 500 ms)', (r) => r.first),
    ms('jump to row 900,000 (target < 500 ms)', (r) => r.jump),
    ms('sort by an int64 column, first page (target < 2 s)', (r) => r.sortNum),
    ms('… a page of the sorted view at row 500,000 (order cached)', (r) => r.sortedPage),
    ms('sort by a text column, first page', (r) => r.sortText),
    ms(`${first.pages} pages at random offsets (half sorted): per page, median`, (r) => r.pageMedian),
    ms('… per page, p95', (r) => r.pageP95),
    mb(`client RSS growth over the ${first.pages} pages${first.gc ? ', after gc' : ' (no gc)'} (target < 30 MB)`, (r) => r.rssGrowth),
    mb('client heap growth, after gc', (r) => r.heapGrowth),
    mb('client peak RSS growth during the pages', (r) => r.peakRssGrowth),
    mb('client RSS before the pages', (r) => r.rssBefore),
  ];
}

/** Files in bench/sync-worker.js's project (its FILES). */
const SYNC_FILES = 2000;

type SyncMeasure = {
  measure: string; ms: number; requests: number; peakInFlight: number; byKind: Record<string, number>; kindMs: Record<string, number>;
  phases: { beforeFirstWrite?: number; folders?: number; uploads?: number; manifestWrite?: number }; clientCpuMs: number; serverCpuMs: number;
  files?: number; mb?: number; uploaded?: number; concurrency?: number; generateMs?: number;
};

/**
 * sync: bench/sync-worker.js (one JSON line per measure): a first sync of a seeded project of 2,000
 * files (≈ 50 MB), re-syncs with nothing and with one file changed (a new ProjectSync each, as each
 * `jupyter-remote sync` run; and the same one, as `--watch`), 500 files rewritten at once (a git checkout)
 * with the most requests in flight, and the same files with uploadFile one after another (what `put`
 * runs per file, in-process).
 */
async function syncWorkload(baseUrl: string, token: string, rootDir: string, serverPid: number): Promise<string[]> {
  const core = path.resolve('dist/core.js');
  const runs: Record<string, SyncMeasure>[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    const { stdout } = await execFileAsync(process.execPath, [path.resolve('bench/sync-worker.js'), baseUrl, token, core, rootDir, String(serverPid), String(rep)], { timeout: 900000 });
    const byMeasure: Record<string, SyncMeasure> = {};
    for (const line of stdout.trim().split('\n')) {
      const m = JSON.parse(line) as SyncMeasure;
      byMeasure[m.measure] = m;
    }
    runs.push(byMeasure);
    process.stderr.write('.');
  }
  const m = (measure: string, f: (r: SyncMeasure) => number | undefined) => median(runs.map((r) => f(r[measure]) ?? NaN));
  const ms = (measure: string) => m(measure, (r) => r.ms);
  const reqs = (measure: string) => `${m(measure, (r) => r.requests).toFixed(0)} requests, at most ${m(measure, (r) => r.peakInFlight).toFixed(0)} at once`;
  const kinds = (measure: string) => Object.entries(runs[0][measure].byKind).map(([k, n]) => `${n} ${k}`).join(', ');
  const first = runs[0].first;
  const phase = (k: keyof SyncMeasure['phases']) => m('first', (r) => r.phases[k]).toFixed(0);
  const mbps = (measure: string) => (first.mb ?? NaN) / (ms(measure) / 1000);
  return [
    `| sync | first sync: ${first.uploaded} files, ${first.mb?.toFixed(1)} MB | ${ms('first').toFixed(0)} ms | ${ms('put').toFixed(0)} ms | ${(ms('first') / ms('put')).toFixed(2)}× |`,
    `| sync | … throughput | ${mbps('first').toFixed(1)} MB/s | ${mbps('put').toFixed(1)} MB/s | ${(mbps('first') / mbps('put')).toFixed(2)}× (higher is better) |`,
    `| sync | … requests | ${reqs('first')} | ${reqs('put')} | |`,
    `| sync | … by kind (first run) | ${kinds('first')} | ${kinds('put')} | |`,
    `| sync | … wall time: before the first write (scan, hash, manifest, listings) ${phase('beforeFirstWrite')} ms, folders ${phase('folders')} ms, uploads ${phase('uploads')} ms, manifest write ${phase('manifestWrite')} ms | | | |`,
    `| sync | … CPU: client | ${m('first', (r) => r.clientCpuMs).toFixed(0)} ms | ${m('put', (r) => r.clientCpuMs).toFixed(0)} ms | |`,
    `| sync | … CPU: jupyter-server | ${m('first', (r) => r.serverCpuMs).toFixed(0)} ms | ${m('put', (r) => r.serverCpuMs).toFixed(0)} ms | |`,
    `| sync | re-sync, nothing changed (new ProjectSync: hashes all) | ${ms('unchanged').toFixed(0)} ms | | |`,
    `| sync | … requests (no file sent) | ${reqs('unchanged')}: ${kinds('unchanged')} | | |`,
    `| sync | … of which scanProject alone (readdir, a stat per file; the rest is hashing 2,000 files, and the one GET) | ${ms('scan').toFixed(0)} ms | | |`,
    `| sync | re-sync, nothing changed (the same ProjectSync, as --watch) | ${ms('watch-unchanged').toFixed(0)} ms | | |`,
    `| sync | re-sync, one file changed (new ProjectSync; target < 1 s) | ${ms('one').toFixed(0)} ms | | |`,
    `| sync | … requests (only that file sent) | ${reqs('one')}: ${kinds('one')} | | |`,
    `| sync | re-sync, one file changed (the same ProjectSync, as --watch) | ${ms('watch-one').toFixed(0)} ms | | |`,
    `| sync | git checkout: 500 .py files rewritten | ${ms('checkout').toFixed(0)} ms | | |`,
    `| sync | … requests (at most ${runs[0].checkout.concurrency} uploads at once) | ${reqs('checkout')}: ${kinds('checkout')} | | |`,
  ];
}

/** Cells of bench/lsp-worker.js's notebook (its CELLS). */
const LSP_CELLS = 50;
/** pyright's version, from the node_modules jupyter-lsp finds it in (stack.ts languageServerArgs). */
const pyrightVersion = () => (JSON.parse(readFileSync(path.resolve('node_modules/pyright/package.json'), 'utf8')) as { version: string }).version;

type LspRound = { median: number; p95: number; max: number; answered: number; rounds: number };
type LspRounds = LspRound & { firstPassMs: number; paused?: LspRound };
type LspResult = {
  who: 'ours' | 'plain'; statusBefore: string; server: string; lines: number; discoveryMs?: number; discovery?: string[]; connectMs: number; coldOpenMs: number; coldMs: number; coldErrors: number; coldBefore: number;
  warmMs: number; warmErrors: number; warmBefore: number; hover: LspRounds; definition: LspRounds;
};

/**
 * lsp: LanguageService (ours) against a minimal `ws` JSON-RPC client (bench/lsp-worker.js), each in a
 * fresh process that waits until jupyter-lsp has no client of pyright, so that each cold figure is the
 * first client of a fresh pyright process: first diagnostics of a 50-cell notebook, cold and warm, then
 * hover and definition round trips once warm.
 */
async function lspWorkload(baseUrl: string, token: string, rootDir: string): Promise<string[]> {
  const core = path.resolve('dist/core.js'); // the built client, core/language included
  const results: Record<'ours' | 'plain', LspResult[]> = { ours: [], plain: [] };
  for (let rep = 0; rep < REPS; rep++) {
    for (const who of rep % 2 === 0 ? (['ours', 'plain'] as const) : (['plain', 'ours'] as const)) {
      const { stdout } = await execFileAsync(process.execPath, [path.resolve('bench/lsp-worker.js'), who, baseUrl, token, rootDir, core], { timeout: 600000 });
      results[who].push(JSON.parse(stdout) as LspResult);
      process.stderr.write('.');
    }
  }
  const m = (who: 'ours' | 'plain', f: (r: LspResult) => number) => median(results[who].map(f));
  const row = (label: string, f: (r: LspResult) => number, digits = 1) => {
    const [o, p] = [m('ours', f), m('plain', f)];
    return `| lsp | ${label} | ${o.toFixed(digits)} ms | ${p.toFixed(digits)} ms | ${(o / p).toFixed(2)}× |`;
  };
  const first = { ours: results.ours[0], plain: results.plain[0] };
  const answered = (f: (r: LspResult) => LspRound) => `| lsp | … answered | ${f(first.ours).answered}/${f(first.ours).rounds} | ${f(first.plain).answered}/${f(first.plain).rounds} | |`;
  const errors = (f: (r: LspResult) => number, g: (r: LspResult) => number) => `| lsp | … errors and warnings in those first diagnostics (empty publishes before them) | ${f(first.ours)} (${g(first.ours)}) | ${f(first.plain)} (${g(first.plain)}) | |`;
  const each = (f: (r: LspResult) => number) => `| lsp | … each run, in order (pyright's own analysis: noisy when anything else runs) | ${results.ours.map((r) => f(r).toFixed(0)).join(', ')} ms | ${results.plain.map((r) => f(r).toFixed(0)).join(', ')} ms | |`;
  const statuses = (who: 'ours' | 'plain') => [...new Set(results[who].map((r) => r.statusBefore))].join(', ');
  return [
    row(`cold: open a ${LSP_CELLS}-cell notebook (${first.ours.lines} lines) → first diagnostics, from connecting (pyright status before: ${statuses('ours')} / ${statuses('plain')})`, (r) => r.coldMs, 0),
    row('… connect and initialize (ours: + lsp/status and the page config)', (r) => r.connectMs, 0),
    `| lsp | … … of which ours' HTTP requests before its socket (${first.ours.discovery?.join(', ')}, first run) | ${m('ours', (r) => r.discoveryMs ?? NaN).toFixed(0)} ms | | |`,
    row('… didOpen → first diagnostics', (r) => r.coldOpenMs, 0),
    each((r) => r.coldOpenMs),
    errors((r) => r.coldErrors, (r) => r.coldBefore),
    row('warm: close, open again (another key) → first diagnostics', (r) => r.warmMs, 0),
    each((r) => r.warmMs),
    errors((r) => r.warmErrors, (r) => r.warmBefore),
    row(`hover, warm, median of ${first.ours.hover.rounds} (target < 150 ms, ≤ 1.2× plain)`, (r) => r.hover.median),
    row('hover, p95', (r) => r.hover.p95),
    row('hover, slowest', (r) => r.hover.max),
    row('… first pass over the 5 places (untimed above)', (r) => r.hover.firstPassMs, 0),
    answered((r) => r.hover),
    row(`hover, each after a pause of 0–100 ms (seeded; jupyter-lsp polls pyright's stdout every 100 ms), median of ${first.ours.hover.paused?.rounds}`, (r) => r.hover.paused?.median ?? NaN),
    row('… p95', (r) => r.hover.paused?.p95 ?? NaN),
    answered((r) => r.hover.paused ?? r.hover),
    row(`definition, warm, median of ${first.ours.definition.rounds} (≤ 1.2× plain)`, (r) => r.definition.median),
    row('definition, p95', (r) => r.definition.p95),
    row('definition, slowest', (r) => r.definition.max),
    row('… first pass over the 4 places (untimed above)', (r) => r.definition.firstPassMs, 0),
    answered((r) => r.definition),
  ];
}

type WidgetResult = { ms: number; kernelMs: number; median: number; p95: number; min: number };

/**
 * tqdm: a `tqdm.notebook` loop of 10 000 steps with our widget models attached (every message made into
 * what the extension posts to the renderer) against the same loop with no widget front end (the kernel
 * alone); slider: a value set from the front end round trip to an Output widget's print, ours only.
 */
async function widgetWorkload(workload: string, baseUrl: string, token: string): Promise<string[]> {
  const results: Record<'ours' | 'bare', WidgetResult[]> = { ours: [], bare: [] };
  const who = workload === 'tqdm' ? (['ours', 'bare'] as const) : (['ours'] as const);
  for (let rep = 0; rep < REPS; rep++) {
    for (const w of rep % 2 === 0 ? who : [...who].reverse()) {
      const { stdout } = await execFileAsync(process.execPath, [path.resolve('bench/widgets-worker.js'), w, workload, baseUrl, token], { timeout: 600000 });
      results[w].push(JSON.parse(stdout) as WidgetResult);
      process.stderr.write('.');
    }
  }
  const m = (w: 'ours' | 'bare', f: (r: WidgetResult) => number) => median(results[w].map(f));
  if (workload === 'tqdm') {
    const row = (label: string, f: (r: WidgetResult) => number) => `| tqdm | ${label} | ${m('ours', f).toFixed(0)} ms | ${m('bare', f).toFixed(0)} ms | ${(m('ours', f) / m('bare', f)).toFixed(2)}× |`;
    return [row('10 000 steps, loop time in the kernel', (r) => r.kernelMs), row('10 000 steps, cell wall time', (r) => r.ms)];
  }
  return [
    `| slider | front-end value → observe → Output widget, median | ${m('ours', (r) => r.median).toFixed(1)} ms | | |`,
    `| slider | p95 | ${m('ours', (r) => r.p95).toFixed(1)} ms | | |`,
  ];
}

type FileResult = { ms: number; peakRssMb: number };

/**
 * get: `files/` of a FILE_MB file, streamed to disk (ours: downloadFile, what `jupyter-remote get` runs);
 * put: a FILE_MB file in 512 KiB base64 chunks (ours: uploadFile, which also renames the whole file into
 * place); list: one folder of LIST_ENTRIES files (ours: listDirectory), plus `jupyter-remote ls --json` as a whole process.
 */
async function fileWorkload(workload: string, rootDir: string, scratch: string, baseUrl: string, token: string): Promise<string[]> {
  // Written 1 MiB at a time: Linux keeps a process's peak RSS across fork and exec, so a parent that held
  // the whole file would hand its peak to the workers that measure theirs.
  const writeBig = (file: string, fill: number) => {
    const mib = Buffer.alloc(1024 * 1024, fill);
    const fd = openSync(file, 'w');
    for (let i = 0; i < FILE_MB; i++) writeSync(fd, mib);
    closeSync(fd);
  };
  let arg: string;
  if (workload === 'get') {
    writeBig(path.join(rootDir, 'big.bin'), 7);
    arg = 'big.bin';
  } else if (workload === 'put') {
    arg = path.join(scratch, 'upload.bin');
    writeBig(arg, 9);
  } else {
    mkdirSync(path.join(rootDir, 'many'), { recursive: true });
    for (let i = 0; i < LIST_ENTRIES; i++) writeFileSync(path.join(rootDir, 'many', `f${String(i).padStart(5, '0')}.txt`), String(i));
    arg = 'many';
  }
  const results: Record<'ours' | 'plain', FileResult[]> = { ours: [], plain: [] };
  const cli: number[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    for (const who of rep % 2 === 0 ? (['ours', 'plain'] as const) : (['plain', 'ours'] as const)) {
      const { stdout } = await execFileAsync(process.execPath, [path.resolve('bench/files-worker.js'), who, workload, baseUrl, token, arg], { timeout: 600000 });
      results[who].push(JSON.parse(stdout) as FileResult);
      process.stderr.write('.');
    }
    if (workload === 'list') {
      const t0 = performance.now();
      await execFileAsync(process.execPath, [path.resolve('dist/cli.js'), 'ls', `${baseUrl}/`, arg, '--json'], { env: { ...process.env, JUPYTER_TOKEN: token }, maxBuffer: 64 * 1024 * 1024 });
      cli.push(performance.now() - t0);
    }
  }
  const m = (who: 'ours' | 'plain', f: (r: FileResult) => number) => median(results[who].map(f));
  const row = (label: string, f: (r: FileResult) => number, unit: string) => `| ${workload} | ${label} | ${m('ours', f).toFixed(0)} ${unit} | ${m('plain', f).toFixed(0)} ${unit} | ${(m('ours', f) / m('plain', f)).toFixed(2)}× |`;
  const rows = [row('time', (r) => r.ms, 'ms'), row('peak RSS', (r) => r.peakRssMb, 'MB')];
  if (workload !== 'list') rows.push(row('throughput', (r) => (FILE_MB * 1000) / r.ms, 'MB/s').replace(/\| ([\d.]+)× \|$/, (_, x: string) => `| ${x}× (higher is better) |`));
  if (workload === 'list') rows.push(`| list | \`jupyter-remote ls --json\`, whole process | ${median(cli).toFixed(0)} ms | | |`);
  return rows;
}

main().catch((e) => {
  console.error(`bench failed: ${(e as Error).stack ?? e}`);
  process.exitCode = 1;
});
