// The language server's round trips (issue 27) in a fresh process, printed as JSON.
// Usage: node bench/lsp-worker.js ours|plain BASE_URL TOKEN ROOT_DIR [CORE_JS]
//   ours  — LanguageService from the built client (CORE_JS, default dist/core.js): the code the extension
//           runs (discovery through lsp/status and the page config, then lsp/ws/<name>).
//   plain — the least a client can do: one `ws` socket to lsp/ws/pyright with the token in a header,
//           initialize (the same capabilities as ours), didOpen of the same text, the server's own requests
//           answered as ours answers them, and only the answers to its own ids and the diagnostics of its
//           own document read back. Its root is the server's root dir (ROOT_DIR), which jupyter-lsp
//           reports as rootUri.
// Both send the same virtual document (VirtualNotebook of the same 50 cells) and ask at the same
// positions. Each run starts only once jupyter-lsp has no client of pyright left, so the first connect
// starts a fresh pyright process (cold). Measures:
//   cold: connect (+ discovery, ours) and initialize; then didOpen → the first diagnostics with the
//         notebook's errors in them;
//   warm: didClose, didOpen again (ours: another key, the same path) → the first diagnostics with errors;
//   ROUNDS hovers, then ROUNDS definitions, over a few fixed places (after one untimed pass over them).
'use strict';
const path = require('node:path');

const ROUNDS = 50;
const CELLS = 50;
const DIAGNOSTICS_MS = 120000;
const REQUEST_MS = 30000;
const SERVER = 'pyright';
/**
 * The longest untimed pause before a hover of the paused rounds. jupyter-lsp reads the language server's
 * stdout by polling every 100 ms once idle (LspStdIoReader: next_wait doubles up to max_wait = 0.1 s and
 * is never reset), so a request sent right after an answer waits out a whole poll; one sent at a random
 * moment, half of one on average.
 */
const PAUSE_MS = 100;

// Clients log to the console; stdout carries only the result.
for (const level of ['log', 'info', 'debug', 'warn']) console[level] = (...args) => process.stderr.write(`${args.join(' ')}\n`);

/** A data notebook of CELLS cells: imports, magics, functions, classes, pandas and numpy, a few undefined names. */
function notebookCells() {
  const texts = [
    'import os\nimport json\nimport math\nimport re\nfrom collections import Counter, defaultdict\nfrom pathlib import Path\n\nimport numpy as np\nimport pandas as pd',
    '%matplotlib inline\n%load_ext autoreload\n%autoreload 2',
  ];
  for (let i = 0; texts.length < CELLS; i++) {
    switch (i % 6) {
      case 0:
        texts.push(`def load_records_${i}(path: str, limit: int = 100) -> list[dict]:\n    """Read up to LIMIT JSON records from PATH."""\n    out = []\n    with open(path) as fh:\n        for line in fh:\n            out.append(json.loads(line))\n            if len(out) >= limit:\n                break\n    return out`);
        break;
      case 1:
        texts.push(`frame_${i} = pd.DataFrame({'a': np.arange(10) * ${i}, 'b': np.linspace(0, 1, 10)})\nfraction_${i} = frame_${i}['a'] / frame_${i}['b'].sum()\nsummary_${i} = frame_${i}.describe()\nsummary_${i}`);
        break;
      case 2:
        texts.push(`records_${i} = load_records_${i - 2}(os.path.join('data', 'part_${i}.jsonl'))\ncounts_${i} = Counter(r.get('kind') for r in records_${i})\nby_kind_${i} = defaultdict(list)\nfor r in records_${i}:\n    by_kind_${i}[r.get('kind')].append(r)\nprint(len(records_${i}), counts_${i}.most_common(3))`);
        break;
      case 3:
        texts.push(`class Model${i}:\n    """Scales its inputs."""\n\n    def __init__(self, scale: float = 1.0):\n        self.scale = scale\n\n    def predict(self, xs: list[float]) -> list[float]:\n        """Each of XS times the scale."""\n        return [x * self.scale for x in xs]\n\n\nmodel_${i} = Model${i}(scale=${i / 10})\npredicted_${i} = model_${i}.predict([1.0, 2.0, math.pi])`);
        break;
      case 4:
        texts.push(i % 12 === 4
          ? `%time total_${i} = sum(math.sqrt(k) for k in range(1000))\n!ls -l data\nfiles_${i} = !ls data\nprint(total_${i}, files_${i}[:3], undefined_threshold_${i})`
          : `pattern_${i} = re.compile(r'(\\w+)=(\\d+)')\nmatches_${i} = [m.groups() for m in pattern_${i}.finditer('a=1 b=2 c=3')]\nroot_${i} = Path('data') / 'out_${i}'\nmatches_${i}`);
        break;
      default:
        texts.push(i % 18 === 5
          ? `%%bash\necho "cell ${i}"\nls data | head`
          : `values_${i} = np.array([1.5, 2.5, 3.5]) ** 2\nmean_${i} = float(values_${i}.mean())\nprint(f"mean {mean_${i}:.3f}", recrods_${i - 3})`);
    }
  }
  return texts.map((text, index) => ({ index, text, language: 'python' }));
}

/** A place in a cell: where `needle` first occurs in it, `into` characters in. */
function placeOf(cells, needle, into = 1) {
  for (const cell of cells) {
    const lines = cell.text.split('\n');
    for (let line = 0; line < lines.length; line++) {
      const at = lines[line].indexOf(needle);
      if (at >= 0) return { cell: cell.index, position: { line, character: at + into } };
    }
  }
  throw new Error(`no cell has ${needle}`);
}

/** The places asked: a function of another cell, pandas, numpy, the standard library, a method. */
function placesOf(cells) {
  return {
    hover: [placeOf(cells, 'load_records_0(os'), placeOf(cells, 'DataFrame('), placeOf(cells, 'linspace'), placeOf(cells, 'Counter(r'), placeOf(cells, 'predict([')],
    definition: [placeOf(cells, 'load_records_0(os'), placeOf(cells, 'predict(['), placeOf(cells, 'Counter(r'), placeOf(cells, 'arange')],
  };
}

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const stats = (xs) => ({ median: sorted(xs)[Math.floor(xs.length / 2)], p95: sorted(xs)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))], max: Math.max(...xs) });
const errorsIn = (diagnostics) => diagnostics.filter((d) => (d.severity ?? 1) <= 2).length;

/** Until jupyter-lsp has no client of pyright (the last run's close has reached it): the next connect starts pyright afresh. */
async function languageServerIdle(baseUrl, token) {
  for (const end = Date.now() + 30000; ; ) {
    const res = await fetch(`${baseUrl}/lsp/status`, { headers: { Authorization: `token ${token}` } });
    if (res.status !== 200) throw new Error(`lsp/status: HTTP ${res.status}`);
    const server = (await res.json()).sessions?.[SERVER];
    if (!server) throw new Error(`jupyter-lsp offers no ${SERVER}`);
    if (server.handler_count === 0) return server.status;
    if (Date.now() > end) throw new Error(`${SERVER} still has ${server.handler_count} clients`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** mulberry32: the same pauses for both clients. */
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

/**
 * Times `ask` over the places: one untimed pass first, then ROUNDS round trips, back to back; with
 * `pausedToo`, ROUNDS more each after an untimed pause of 0–PAUSE_MS (seeded), as a person hovers.
 */
async function rounds(places, ask, pausedToo = false) {
  const first = performance.now();
  for (const place of places) await ask(place);
  const firstPassMs = performance.now() - first;
  const result = { ...(await timed(places, ask)), firstPassMs };
  if (pausedToo) result.paused = await timed(places, ask, prng(27));
  return result;
}

async function timed(places, ask, random) {
  const times = [];
  let answered = 0;
  for (let i = 0; i < ROUNDS; i++) {
    if (random) await new Promise((r) => setTimeout(r, random() * PAUSE_MS));
    const t0 = performance.now();
    const ok = await ask(places[i % places.length]);
    times.push(performance.now() - t0);
    if (ok) answered++;
  }
  return { ...stats(times), answered, rounds: ROUNDS };
}

async function ours(baseUrl, token, corePath, cells, places) {
  const core = require(path.resolve(corePath || 'dist/core.js'));
  if (typeof core.LanguageService !== 'function') throw new Error(`${corePath || 'dist/core.js'} does not export LanguageService`);
  const session = new core.HttpSession({ baseUrl: `${baseUrl}/`, credentials: { token } });
  let service;
  /** Resolves at the first diagnostics for `key` with errors in them; counts the publishes before (none, or empty ones). */
  const diagnosed = (key) => new Promise((resolve, reject) => {
    let before = 0;
    const timer = setTimeout(() => reject(new Error(`no diagnostics for ${key}`)), DIAGNOSTICS_MS);
    const sub = service.onDiagnostics((u) => {
      if (u.notebook !== key) return;
      const errors = [...u.cells.values()].reduce((n, d) => n + errorsIn(d), 0);
      if (!errors) return void before++;
      clearTimeout(timer);
      sub.dispose();
      resolve({ at: performance.now(), errors, before });
    });
  });
  // The HTTP requests LanguageService.start makes before its socket (lsp/status, the page config), timed.
  const http = [];
  const request = session.request.bind(session);
  session.request = async (method, where, options) => {
    const t = performance.now();
    try {
      return await request(method, where, options);
    } finally {
      http.push({ what: `${method} ${where}`, ms: performance.now() - t });
    }
  };
  try {
    const t0 = performance.now();
    service = await core.LanguageService.start(session);
    const connected = performance.now();
    let published = diagnosed('cold');
    service.openNotebook('cold', 'lsp-bench.ipynb', cells);
    const cold = await published;
    service.closeNotebook('cold');
    const t1 = performance.now();
    published = diagnosed('warm');
    service.openNotebook('warm', 'lsp-bench.ipynb', cells);
    const warm = await published;
    const at = (p) => ({ notebook: 'warm', cell: p.cell, position: p.position });
    const hover = await rounds(places.hover, async (p) => !!(await service.hover(at(p)))?.text.value, true);
    const definition = await rounds(places.definition, async (p) => (await service.definition(at(p))).length > 0);
    return {
      server: service.offer.name, discoveryMs: http.reduce((n, r) => n + r.ms, 0), discovery: http.map((r) => `${r.what} ${r.ms.toFixed(0)} ms`),
      connectMs: connected - t0, coldOpenMs: cold.at - connected, coldMs: cold.at - t0, coldErrors: cold.errors, coldBefore: cold.before,
      warmMs: warm.at - t1, warmErrors: warm.errors, warmBefore: warm.before, hover, definition,
    };
  } finally {
    service?.dispose();
    await session.close();
  }
}


async function plain(baseUrl, token, rootDir, corePath, cells, places) {
  const WebSocket = require('ws');
  // The same text and positions as ours: VirtualNotebook only prepares them, before any timing.
  const { VirtualNotebook } = require(path.resolve(corePath || 'dist/core.js'));
  const document = new VirtualNotebook(cells);
  const virtual = (p) => document.toVirtual(p.cell, p.position);
  const rootUri = `file://${rootDir}`;
  const uri = `${rootUri}/lsp-bench.ipynb.plain-client.py`;
  let next = 0;
  const pending = new Map();
  let onDiagnostics = () => undefined;
  const t0 = performance.now();
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/lsp/ws/${SERVER}`, { headers: { Authorization: `token ${token}` }, perMessageDeflate: false });
  const send = (message) => ws.send(JSON.stringify({ jsonrpc: '2.0', ...message }));
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString());
    if (typeof m.method === 'string' && m.id !== undefined && m.id !== null) {
      // The server's own requests, answered as ours answers them (workspace/configuration: the defaults).
      send({ id: m.id, result: m.method === 'workspace/configuration' ? (m.params?.items ?? []).map(() => null) : null });
    } else if (m.method === 'textDocument/publishDiagnostics') {
      if (m.params?.uri === uri) onDiagnostics(m.params.diagnostics);
    } else if (m.id !== undefined && pending.has(m.id)) {
      const settle = pending.get(m.id);
      pending.delete(m.id);
      settle(m);
    }
  });
  const request = (method, params) => new Promise((resolve, reject) => {
    const id = `plain-${++next}`;
    const timer = setTimeout(() => reject(new Error(`${method}: no answer`)), REQUEST_MS);
    pending.set(id, (m) => {
      clearTimeout(timer);
      if (m.error) reject(new Error(`${method}: ${m.error.message}`));
      else resolve(m.result);
    });
    send({ id, method, params });
  });
  const diagnosed = () => new Promise((resolve, reject) => {
    let before = 0;
    const timer = setTimeout(() => reject(new Error('no diagnostics')), DIAGNOSTICS_MS);
    onDiagnostics = (diagnostics) => {
      const errors = errorsIn(diagnostics);
      if (!errors) return void before++;
      clearTimeout(timer);
      onDiagnostics = () => undefined;
      resolve({ at: performance.now(), errors, before });
    };
  });
  const open = () => send({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'python', version: 1, text: document.text } } });
  try {
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    await request('initialize', { processId: null, clientInfo: { name: 'plain' }, rootUri, workspaceFolders: [{ uri: rootUri, name: 'root' }], capabilities: require(path.resolve(corePath || 'dist/core.js')).LSP_CLIENT_CAPABILITIES });
    send({ method: 'initialized', params: {} });
    const connected = performance.now();
    let published = diagnosed();
    open();
    const cold = await published;
    send({ method: 'textDocument/didClose', params: { textDocument: { uri } } });
    const t1 = performance.now();
    published = diagnosed();
    open();
    const warm = await published;
    const at = (p) => ({ textDocument: { uri }, position: virtual(p) });
    const hover = await rounds(places.hover, async (p) => !!(await request('textDocument/hover', at(p)))?.contents, true);
    const definition = await rounds(places.definition, async (p) => {
      const found = await request('textDocument/definition', at(p));
      return Array.isArray(found) ? found.length > 0 : !!found;
    });
    return {
      server: SERVER,
      connectMs: connected - t0, coldOpenMs: cold.at - connected, coldMs: cold.at - t0, coldErrors: cold.errors, coldBefore: cold.before,
      warmMs: warm.at - t1, warmErrors: warm.errors, warmBefore: warm.before, hover, definition,
    };
  } finally {
    ws.close(1000);
    setTimeout(() => ws.terminate(), 1000).unref();
  }
}

async function main() {
  const [who, baseUrl, token, rootDir, corePath] = process.argv.slice(2);
  const freshBefore = await languageServerIdle(baseUrl, token);
  const cells = notebookCells();
  const places = placesOf(cells);
  const result = who === 'ours' ? await ours(baseUrl, token, corePath, cells, places) : await plain(baseUrl, token, rootDir, corePath, cells, places);
  const lines = cells.reduce((n, c) => n + c.text.split('\n').length, 0);
  process.stdout.write(JSON.stringify({ who, statusBefore: freshBefore, cells: cells.length, lines, ...result }));
}

main().catch((e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
