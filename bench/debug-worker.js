// The debugger's round trips (issue 25) in a fresh process on a fresh kernel, printed as JSON.
// Usage: node bench/debug-worker.js ours|plain|plain-pong BASE_URL TOKEN [CORE_JS]
//   ours       — DebugSession over KernelConnection from the built client (CORE_JS, default dist/core.js):
//                the code the extension's debug adapter runs.
//   plain      — the least a client can do: one `ws` socket straight to the kernel's channels (v1 frames
//                when the server offers them, as ours negotiates; else legacy JSON), the token in a header,
//                debug_request on control, and only debug_reply, debug_event and the cell's own
//                execute_reply and idle read back.
//   plain-pong — the same plus one unsolicited WebSocket pong per turn of received frames: jupyter_server
//                never sets TCP_NODELAY, so without it a second small frame from the server waits for the
//                client's delayed ACK (~40 ms on Linux, DESIGN.md). Ours does this, so this is the fair floor.
// Each run: a cycle on the kernel's first debug session (its debugpy starts), then CYCLES more. A cycle:
// debugInfo, initialize, attach, dumpCell, setBreakpoints, configurationDone, execute_request → stopped at
// a breakpoint inside a function of 1000 locals; STEPS × (next → stopped); stackTrace, scopes, variables
// (the 1000 locals); continue → the cell done (execute_reply and idle); disconnect.
'use strict';
const path = require('node:path');
const { randomUUID } = require('node:crypto');

const CYCLES = Number(process.env.JR_BENCH_DEBUG_CYCLES || 3);
const LOCALS = 1000;
const STEPS = 6;
// Line 1 `def big():`, local v<i> on line i + 2, then `return v999` and the call. The breakpoint sits
// STEPS lines before the return, so that after the steps every one of the 1000 locals exists.
const CODE = `def big():\n${Array.from({ length: LOCALS }, (_, i) => `    v${i} = ${i}`).join('\n')}\n    return v${LOCALS - 1}\nbig()\n`;
const RETURN_LINE = LOCALS + 2;
const BREAK_LINE = RETURN_LINE - STEPS;
const V1 = 'v1.kernel.websocket.jupyter.org';
const START_MS = 60000; // initialize/attach start debugpy on the kernel's first session
const REQUEST_MS = 30000;

// Clients log to the console; stdout carries only the result.
for (const level of ['log', 'info', 'debug', 'warn']) console[level] = (...args) => process.stderr.write(`${args.join(' ')}\n`);

/** Our client: the same calls the extension's debug adapter makes. */
async function ours(baseUrl, token, corePath) {
  const core = require(path.resolve(corePath || 'dist/core.js'));
  if (typeof core.DebugSession !== 'function') throw new Error(`${corePath || 'dist/core.js'} does not export DebugSession`);
  const http = new core.HttpSession({ baseUrl: `${baseUrl}/`, credentials: { token } });
  const kernelId = (await core.startKernel(http, 'python3')).id;
  const conn = await core.KernelConnection.connect({ session: http, kernelId });
  const run = (code) => conn.execute(code, { outputs: new core.NotebookOutputs().cell() }).done;
  let s;
  return {
    protocol: conn.protocol === 'v1' ? V1 : 'legacy',
    warm: () => run('pass'),
    async attach() {
      s = await core.DebugSession.start(conn, { startTimeoutMs: START_MS, requestTimeoutMs: REQUEST_MS });
    },
    async breakpoints(code, line) {
      const { breakpoints } = await s.setCellBreakpoints(code, [line]);
      await s.configurationDone();
      return breakpoints.every((b) => b.verified);
    },
    async runToStop(code) {
      const stopped = s.whenStopped(REQUEST_MS);
      const done = run(code);
      await stopped;
      return { done }; // wrapped: an async function returning the promise itself would wait for the cell
    },
    async step() {
      const stopped = s.whenStopped(REQUEST_MS);
      await s.next();
      await stopped;
    },
    stackTrace: async () => (await s.stackTrace()).stackFrames,
    scopes: (frameId) => s.scopes(frameId),
    variables: (ref) => s.variables(ref),
    async continueToEnd(done) {
      await s.continue();
      return (await done).status;
    },
    disconnect: () => s.disconnect(),
    async close() {
      await conn.dispose();
      await core.shutdownKernel(http, kernelId).catch(() => undefined);
      await http.close();
    },
  };
}

/** A hand-written client straight over the kernel WebSocket. */
async function plain(baseUrl, token, pong) {
  const WebSocket = require('ws');
  const auth = { Authorization: `token ${token}` };
  const started = await fetch(`${baseUrl}/api/kernels`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'python3' }) });
  if (!started.ok) throw new Error(`POST /api/kernels: HTTP ${started.status}`);
  const kernelId = (await started.json()).id;
  const sessionId = randomUUID();
  const url = `${baseUrl.replace(/^http/, 'ws')}/api/kernels/${kernelId}/channels?session_id=${sessionId}`;
  const open = (protocols) => new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { headers: auth, perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
  let ws;
  try {
    ws = await open([V1]);
  } catch (e) {
    if (!/subprotocol/i.test(e.message)) throw e;
    ws = await open([]); // a server without the v1 protocol completes the handshake without one
  }
  const v1 = ws.protocol === V1;

  const encode = (channel, msgType, content) => {
    const header = { msg_id: randomUUID(), msg_type: msgType, session: sessionId, username: 'bench', date: new Date().toISOString(), version: '5.3' };
    if (!v1) return { id: header.msg_id, frame: JSON.stringify({ channel, header, parent_header: {}, metadata: {}, content }) };
    const parts = [channel, JSON.stringify(header), '{}', '{}', JSON.stringify(content)].map((p) => Buffer.from(p));
    const head = Buffer.alloc(8 * (parts.length + 2));
    head.writeBigUInt64LE(BigInt(parts.length + 1), 0);
    let at = head.length;
    parts.forEach((p, i) => {
      head.writeBigUInt64LE(BigInt(at), 8 * (i + 1));
      at += p.length;
    });
    head.writeBigUInt64LE(BigInt(at), 8 * (parts.length + 1));
    return { id: header.msg_id, frame: Buffer.concat([head, ...parts]) };
  };
  /** Channel, header and parent header; the content only of the messages this client reads. */
  const decode = (data, isBinary) => {
    if (!isBinary || !v1) {
      const m = JSON.parse(data.toString('utf8'));
      return { channel: m.channel, type: m.header.msg_type, parent: m.parent_header.msg_id, content: () => m.content };
    }
    const off = (i) => Number(data.readBigUInt64LE(8 + 8 * i));
    const part = (i) => data.toString('utf8', off(i), off(i + 1));
    return { channel: part(0), type: JSON.parse(part(1)).msg_type, parent: JSON.parse(part(2)).msg_id, content: () => JSON.parse(part(4)) };
  };

  const replies = new Map(); // msg_id → resolve(content)
  const cells = new Map(); // execute msg_id → { reply, idle, resolve }
  let onStopped;
  let pongDue = false;
  ws.on('message', (data, isBinary) => {
    if (pong && !pongDue) {
      pongDue = true;
      setImmediate(() => {
        pongDue = false;
        ws.pong();
      });
    }
    const m = decode(data, isBinary);
    if (m.type === 'debug_reply' || m.type === 'kernel_info_reply') {
      replies.get(m.parent)?.(m.content());
    } else if (m.type === 'debug_event') {
      const event = m.content();
      if (event.event === 'stopped') onStopped?.(event.body);
    } else if (m.type === 'execute_reply' || (m.type === 'status' && m.channel === 'iopub')) {
      const cell = cells.get(m.parent);
      if (!cell) return;
      if (m.type === 'execute_reply') cell.reply = m.content().status;
      else if (m.content().execution_state === 'idle') cell.idle = true;
      if (cell.reply && cell.idle) cell.resolve(cell.reply);
    }
  });
  const request = (channel, msgType, content, timeoutMs = REQUEST_MS) => {
    const { id, frame } = encode(channel, msgType, content);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${msgType} ${content.command ?? ''}`)), timeoutMs);
      replies.set(id, (c) => {
        clearTimeout(timer);
        replies.delete(id);
        resolve(c);
      });
      ws.send(frame);
    });
  };
  let seq = 1;
  const debug = async (command, args = {}, timeoutMs) => {
    const reply = await request('control', 'debug_request', { type: 'request', seq: seq++, command, arguments: args }, timeoutMs);
    if (!reply.success) throw new Error(`${command}: ${reply.message ?? JSON.stringify(reply)}`);
    return reply.body ?? {};
  };
  const whenStopped = () => new Promise((resolve) => (onStopped = resolve));
  const run = (code) => {
    const { id, frame } = encode('shell', 'execute_request', { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
    return new Promise((resolve) => {
      cells.set(id, { resolve });
      ws.send(frame);
    });
  };
  // The kernel is ready once it answers kernel_info (asked again while it starts).
  for (let i = 0; ; i++) {
    try {
      await request('shell', 'kernel_info_request', {}, 1000);
      break;
    } catch (e) {
      if (i >= 60) throw e;
    }
  }
  let threadId = 1;
  return {
    protocol: v1 ? V1 : 'legacy',
    warm: () => run('pass'),
    async attach() {
      const info = await debug('debugInfo');
      if (info.isStarted) await debug('disconnect', { restart: false, terminateDebuggee: false });
      await debug('initialize', { clientID: 'bench', clientName: 'bench', adapterID: 'python', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true, supportsVariableType: true, supportsVariablePaging: true }, START_MS);
      await debug('attach', { justMyCode: true }, START_MS);
    },
    async breakpoints(code, line) {
      const { sourcePath } = await debug('dumpCell', { code });
      const { breakpoints } = await debug('setBreakpoints', { source: { path: sourcePath }, breakpoints: [{ line }], lines: [line], sourceModified: false });
      await debug('configurationDone');
      return breakpoints.every((b) => b.verified);
    },
    async runToStop(code) {
      const stopped = whenStopped();
      const done = run(code);
      threadId = (await stopped).threadId ?? 1;
      return { done };
    },
    async step() {
      const stopped = whenStopped();
      await debug('next', { threadId });
      await stopped;
    },
    stackTrace: async () => (await debug('stackTrace', { threadId })).stackFrames,
    scopes: async (frameId) => (await debug('scopes', { frameId })).scopes,
    variables: async (ref) => (await debug('variables', { variablesReference: ref })).variables,
    async continueToEnd(done) {
      await debug('continue', { threadId });
      return done;
    },
    disconnect: () => debug('disconnect', { restart: false, terminateDebuggee: false }),
    async close() {
      ws.close();
      await fetch(`${baseUrl}/api/kernels/${kernelId}`, { method: 'DELETE', headers: auth }).catch(() => undefined);
    },
  };
}

/** One cycle, timed alike for every client. */
async function cycle(c) {
  const t = {};
  let mark = performance.now();
  const lap = (name) => {
    const now = performance.now();
    t[name] = now - mark;
    mark = now;
    return t[name];
  };
  const t0 = mark;
  await c.attach();
  lap('attach');
  if (!(await c.breakpoints(CODE, BREAK_LINE))) throw new Error('the breakpoint was not verified');
  lap('breakpoints');
  const { done } = await c.runToStop(CODE);
  lap('toStopped');
  t.debugCell = performance.now() - t0;
  t.steps = [];
  for (let i = 0; i < STEPS; i++) {
    await c.step();
    t.steps.push(lap('step'));
  }
  const inspect0 = mark;
  const frames = await c.stackTrace();
  lap('stackTrace');
  if (frames[0].name !== 'big' || frames[0].line !== RETURN_LINE) throw new Error(`stopped in ${frames[0].name} line ${frames[0].line}, not big line ${RETURN_LINE}`);
  const locals = (await c.scopes(frames[0].id)).find((s) => s.name === 'Locals');
  lap('scopes');
  const vars = await c.variables(locals.variablesReference);
  lap('variables');
  t.inspect = performance.now() - inspect0;
  const named = vars.filter((v) => /^v\d+$/.test(v.name)).length;
  if (named !== LOCALS) throw new Error(`${named} locals, not ${LOCALS}`);
  const status = await c.continueToEnd(done);
  lap('continue');
  if (status !== 'ok') throw new Error(`the cell ended ${status}`);
  await c.disconnect();
  lap('disconnect');
  return t;
}

const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const [who, baseUrl, token, corePath] = process.argv.slice(2);
  const watchdog = setTimeout(() => {
    process.stderr.write('debug-worker: no result within 5 minutes\n');
    process.exit(1);
  }, 300000);
  const c = who === 'ours' ? await ours(baseUrl, token, corePath) : await plain(baseUrl, token, who === 'plain-pong');
  try {
    await c.warm();
    const first = await cycle(c);
    const again = [];
    for (let i = 0; i < CYCLES; i++) again.push(await cycle(c));
    const m = (k) => med(again.map((t) => t[k]));
    const steps = again.flatMap((t) => t.steps);
    process.stdout.write(`${JSON.stringify({
      who,
      protocol: c.protocol,
      first: { debugCell: first.debugCell, attach: first.attach, breakpoints: first.breakpoints, toStopped: first.toStopped },
      debugCell: m('debugCell'),
      attach: m('attach'),
      breakpoints: m('breakpoints'),
      toStopped: m('toStopped'),
      step: med(steps),
      stepMax: Math.max(...steps),
      inspect: m('inspect'),
      stackTrace: m('stackTrace'),
      scopes: m('scopes'),
      variables: m('variables'),
      continue: m('continue'),
      disconnect: m('disconnect'),
    })}\n`);
  } finally {
    clearTimeout(watchdog);
    await c.close();
  }
}

main().then(() => process.exit(0), (e) => {
  process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
