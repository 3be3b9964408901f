// The Variables view and the data viewer (issue 26) in a fresh process on fresh kernels, printed as JSON.
// Usage: node --expose-gc bench/vars-worker.js vars|table BASE_URL TOKEN [CORE_JS]
// Everything goes through VariableInspector over KernelConnection from the built client (CORE_JS,
// default dist/core.js; dist/inspector.py beside it): the code the extension runs.
//   vars  — 200 variables (ints, strings, lists, dicts, numpy arrays, small DataFrames). On one kernel,
//           idle: a NEW inspector's first list() (installing the inspector; on ipykernel 7 creating its
//           subshell too), then warm list()s, then a cell printing each variable's name, type and repr.
//           On a second kernel, the same 200 while `time.sleep(30)` runs: a new inspector's first list()
//           (ipykernel 6: KernelBusyError, then `{ allowObjectRepr: true }`, inspectVariables on control)
//           and warm ones; the cell is interrupted after.
//   table — a 1,000,000 × 10 DataFrame: first page (100 rows), a jump to row 900,000, a sort by a numeric
//           and by a text column, then PAGES pages at random offsets with this process's RSS and heap
//           (after global.gc) before and after: the client only forwards pages, as the extension host does.
'use strict';
const path = require('node:path');

const WARM = 5; // repeats of the cheap measurements within one run
const PAGES = Number(process.env.JR_BENCH_TABLE_PAGES || 200);
const ROWS = 1_000_000;

// 40 each of ints, strings, lists, dicts; 20 each of numpy arrays, DataFrames: 200 names.
const SETUP_VARS = `import numpy as np, pandas as pd
for _i in range(40):
    globals().update({f'n{_i}': _i * 7, f's{_i}': f'text {_i} ' * 5, f'l{_i}': list(range(_i, _i + 50)), f'd{_i}': {f'k{j}': j for j in range(20)}})
for _i in range(20):
    globals().update({f'a{_i}': np.arange(10000.0).reshape(100, 100) * _i, f'f{_i}': pd.DataFrame({'x': range(10), 'y': list('abcdefghij')})})
del _i`;
const NAMES = ['n', 's', 'l', 'd'].flatMap((p) => Array.from({ length: 40 }, (_, i) => `${p}${i}`))
  .concat(['a', 'f'].flatMap((p) => Array.from({ length: 20 }, (_, i) => `${p}${i}`)));
const PRINT_VARS = `for _n in ${JSON.stringify(NAMES).replace(/"/g, "'")}:\n    print(_n, type(globals()[_n]).__name__, repr(globals()[_n]))\ndel _n`;
const SETUP_TABLE = "import numpy as np, pandas as pd\nwide = pd.DataFrame({f'c{j}': np.arange(1_000_000) * (j + 1) % 1000 for j in range(10)}); wide['c9'] = wide['c9'].astype(str)";

// Clients log to the console; stdout carries only the result.
for (const level of ['log', 'info', 'debug', 'warn']) console[level] = (...args) => process.stderr.write(`${args.join(' ')}\n`);

const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function timed(f) {
  const t0 = performance.now();
  const value = await f();
  return { ms: performance.now() - t0, value };
}

async function kernel(core, http, setup) {
  const kernelId = (await core.startKernel(http, 'python3')).id;
  const conn = await core.KernelConnection.connect({ session: http, kernelId });
  const run = async (code) => {
    const outputs = new core.NotebookOutputs().cell();
    const status = await conn.execute(code, { outputs }).done.then((r) => r.status);
    return { status, outputs };
  };
  const ready = await run(setup);
  if (ready.status !== 'ok') throw new Error(`the setup cell ended ${ready.status}: ${JSON.stringify(ready.outputs.toJSON()).slice(0, 500)}`);
  return {
    conn, run,
    async close() {
      await conn.dispose();
      await core.shutdownKernel(http, kernelId).catch(() => undefined);
    },
  };
}

/** Every one of the 200 is listed; anything else listed is returned (inspectVariables adds debugpy's groups). */
function check(list) {
  const names = new Set(list.variables.map((v) => v.name));
  const missing = NAMES.filter((n) => !names.has(n));
  if (missing.length) throw new Error(`not listed (via ${list.via}): ${missing.join(' ')}`);
  const ours = new Set(NAMES);
  return list.variables.filter((v) => !ours.has(v.name)).map((v) => v.name);
}

async function vars(core, http) {
  const r = {};
  // Idle.
  let k = await kernel(core, http, SETUP_VARS);
  try {
    r.subshells = k.conn.supportedFeatures.includes('kernel subshells');
    const inspector = new core.VariableInspector(k.conn);
    const first = await timed(() => inspector.list());
    r.idleExtra = check(first.value);
    r.idleFirst = first.ms;
    r.idleVia = first.value.via;
    const warm = [];
    for (let i = 0; i < WARM; i++) warm.push((await timed(async () => check(await inspector.list()))).ms);
    r.idleWarm = med(warm);
    inspector.dispose();
    // A second new inspector on the same kernel: the module is there, the source is sent again (and a new subshell made).
    const again = new core.VariableInspector(k.conn);
    r.idleNewInspector = (await timed(async () => check(await again.list()))).ms;
    again.dispose();
    const prints = [];
    for (let i = 0; i < 3; i++) {
      const p = await timed(() => k.run(PRINT_VARS));
      const text = p.value.outputs.toJSON().map((o) => o.text ?? '').join('');
      if (text.split('\n').filter((l) => /^[nsldaf]\d+ /.test(l)).length < NAMES.length) throw new Error('the print cell did not print every variable');
      r.printChars = text.length;
      prints.push(p.ms);
    }
    r.print = med(prints);
  } finally {
    await k.close();
  }
  // Busy: a fresh kernel, so the first list() installs the inspector while the cell runs.
  k = await kernel(core, http, SETUP_VARS);
  try {
    const cell = k.conn.execute('import time\ntime.sleep(30)', { outputs: new core.NotebookOutputs().cell() });
    void cell.done.catch(() => undefined);
    for (let i = 0; k.conn.status !== 'busy' && i < 100; i++) await sleep(20);
    await sleep(300); // the kernel is inside the sleep
    const inspector = new core.VariableInspector(k.conn);
    if (r.subshells) {
      const first = await timed(() => inspector.list());
      r.busyExtra = check(first.value);
      r.busyFirst = first.ms;
      r.busyVia = first.value.via;
    } else {
      const refused = await timed(() => inspector.list().then(() => 'answered', (e) => e.name));
      if (refused.value !== 'KernelBusyError') throw new Error(`ipykernel 6 while busy: list() gave ${refused.value}, not KernelBusyError`);
      r.busyRefused = refused.ms;
      const first = await timed(() => inspector.list({ allowObjectRepr: true }));
      r.busyExtra = check(first.value);
      r.busyFirst = first.ms;
      r.busyVia = first.value.via;
    }
    const warm = [];
    for (let i = 0; i < WARM; i++) warm.push((await timed(async () => check(await inspector.list({ allowObjectRepr: true })))).ms);
    r.busyWarm = med(warm);
    if (!k.conn.isRunningCode) throw new Error('the 30 s cell ended before the measurements did');
    inspector.dispose();
    await k.conn.interrupt();
    await Promise.race([cell.done.catch(() => undefined), sleep(10000)]);
  } finally {
    await k.close();
  }
  return r;
}

function memory() {
  global.gc?.();
  global.gc?.();
  const m = process.memoryUsage();
  return { rssMb: m.rss / 1048576, heapMb: m.heapUsed / 1048576 };
}

async function table(core, http) {
  const r = { gc: typeof global.gc === 'function' };
  const k = await kernel(core, http, SETUP_TABLE);
  const inspector = new core.VariableInspector(k.conn);
  try {
    const listed = await timed(() => inspector.list()); // the view lists before the viewer opens: installs the inspector
    r.list = listed.ms;
    r.via = listed.value.via;
    const page = (start, query = {}, generation = 0, count = 100) => inspector.table(['wide'], query, start, count, undefined, generation);
    const first = [];
    const jump = [];
    for (let i = 0; i < WARM; i++) {
      const f = await timed(() => page(0));
      if (f.value.rows.length !== 100 || f.value.total !== ROWS || f.value.rows[0].length !== 10) throw new Error('the first page is wrong');
      first.push(f.ms);
      const j = await timed(() => page(900_000));
      if (j.value.index[0] !== 900_000) throw new Error(`the jump starts at ${j.value.index[0]}`);
      jump.push(j.ms);
    }
    r.firstOnce = first[0];
    r.first = med(first);
    r.jump = med(jump);
    const sortNum = [];
    const sortText = [];
    const sortedNext = [];
    for (let i = 0; i < 3; i++) {
      // A new generation each time: the kernel sorts anew rather than reusing its cached order.
      const s = await timed(() => page(0, { sort: { column: 1, ascending: false } }, 1 + i));
      if (s.value.rows[0][1] !== 998) throw new Error(`sorted by c1 descending, the first is ${s.value.rows[0][1]}`);
      sortNum.push(s.ms);
      sortedNext.push((await timed(() => page(500_000, { sort: { column: 1, ascending: false } }, 1 + i))).ms);
    }
    for (let i = 0; i < 2; i++) sortText.push((await timed(() => page(0, { sort: { column: 9, ascending: true } }, 100 + i))).ms);
    r.sortNum = med(sortNum);
    r.sortedPage = med(sortedNext);
    r.sortText = med(sortText);
    // Paging: half the pages in the plain order, half in the sorted one (cached in the kernel).
    let seed = 26;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let i = 0; i < 10; i++) await page(Math.floor(random() * (ROWS - 100))); // warm the paths first
    const before = memory();
    let peakRss = before.rssMb;
    const times = [];
    for (let i = 0; i < PAGES; i++) {
      const sorted = i % 2 === 1;
      const p = await timed(() => page(Math.floor(random() * (ROWS - 100)), sorted ? { sort: { column: 1, ascending: false } } : {}, 3));
      if (p.value.rows.length !== 100) throw new Error('a short page');
      times.push(p.ms);
      peakRss = Math.max(peakRss, process.memoryUsage().rss / 1048576);
    }
    const after = memory();
    r.pages = PAGES;
    r.pageMedian = med(times);
    r.pageP95 = p95(times);
    r.rssBefore = before.rssMb;
    r.rssGrowth = after.rssMb - before.rssMb;
    r.heapGrowth = after.heapMb - before.heapMb;
    r.peakRssGrowth = peakRss - before.rssMb;
  } finally {
    inspector.dispose();
    await k.close();
  }
  return r;
}

async function main() {
  const [workload, baseUrl, token, corePath] = process.argv.slice(2);
  const core = require(path.resolve(corePath || 'dist/core.js'));
  if (typeof core.VariableInspector !== 'function') throw new Error(`${corePath || 'dist/core.js'} does not export VariableInspector`);
  const watchdog = setTimeout(() => {
    process.stderr.write('vars-worker: no result within 5 minutes\n');
    process.exit(1);
  }, 300000);
  const http = new core.HttpSession({ baseUrl: `${baseUrl}/`, credentials: { token } });
  try {
    const result = workload === 'vars' ? await vars(core, http) : await table(core, http);
    process.stdout.write(`${JSON.stringify({ workload, ...result })}\n`);
  } finally {
    clearTimeout(watchdog);
    await http.close();
  }
}

main().then(() => process.exit(0), (e) => {
  process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
