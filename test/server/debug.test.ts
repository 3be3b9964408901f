// The Jupyter debug protocol (issue 25, core half) against real kernels on both stacks (ipykernel 6.17
// with debugpy 1.6 on Debian, 7.4 with debugpy 1.8 on current): breakpoints in dumped cells, frames in
// cells, in a module under the server's root and in the standard library, Run by Line, 1000 locals,
// exception breakpoints, and the session's clean end on interrupt, restart and a closed connection.
// Python 3.11's debugpy prints a frozen-modules warning on the kernel's stderr: it reaches the server's
// log, not the cells, and nothing here depends on it.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { listKernelSpecs, shutdownKernel, startKernel } from '../../src/core/api';
import { DebugRequestError, DebugSession, DebugSessionEndedError, StackFrame, debuggerSupport, kernelFilesOf, serverRootOf } from '../../src/core/debug';
import { HttpSession } from '../../src/core/http';
import { ExecuteResult, KernelConnection, NotebookOutputs } from '../../src/core/kernel';
import { RunningJupyter, startJupyter } from './fixtures/jupyter';
import { stack } from './fixtures/stack';

const ipykernel7 = () => Number(stack.ipykernelVersion().split('.')[0]) >= 7;
const ms = (t0: number) => `${(performance.now() - t0).toFixed(0)} ms`;

describe('the Jupyter debugger over the kernel connection', function () {
  this.timeout(120000);
  let server: RunningJupyter;
  let session: HttpSession;
  let kernelId: string;
  let conn: KernelConnection;
  let debug: DebugSession | undefined;

  const run = (code: string) => {
    const outputs = new NotebookOutputs().cell();
    return { execution: conn.execute(code, { outputs }), outputs };
  };
  const text = (outputs: ReturnType<NotebookOutputs['cell']>) => JSON.stringify(outputs);
  const start = async (options = {}) => (debug = await DebugSession.start(conn, options));
  const top = async (s: DebugSession): Promise<StackFrame> => (await s.stackTrace()).stackFrames[0];
  const localsOf = async (s: DebugSession, frameId: number) => {
    const scopes = await s.scopes(frameId);
    const locals = scopes.find((x) => x.name === 'Locals') ?? scopes[0];
    return s.variables(locals.variablesReference);
  };
  const valueOf = (vars: { name: string; value: string }[], name: string) => vars.find((v) => v.name === name)?.value;

  before(async () => {
    server = await startJupyter({ flavor: 'server' });
    session = new HttpSession({ baseUrl: server.url, credentials: { token: server.token } });
    kernelId = (await startKernel(session, 'python3')).id;
    conn = await KernelConnection.connect({ session, kernelId });
  });
  afterEach(async () => {
    await debug?.disconnect();
    debug = undefined;
  });
  after(async () => {
    await conn?.dispose();
    if (kernelId) await shutdownKernel(session, kernelId).catch(() => undefined);
    await session?.close();
    await server?.stop();
  });

  it('the kernel says it can debug (7: kernel_info feature; 6.x: kernelspec metadata), and answers debugInfo', async () => {
    const specs = await listKernelSpecs(session);
    const support = await debuggerSupport(conn, specs.specs.python3);
    assert.equal(support.supported, true, support.reason);
    assert.equal(support.via, ipykernel7() ? 'feature' : 'kernelspec');
    // Without the announcement (a gateway's kernel), the probe alone decides.
    const probed = await debuggerSupport(Object.assign(Object.create(conn) as KernelConnection, { kernelInfo: {} }), undefined);
    assert.deepEqual([probed.supported, probed.via], [true, 'probe']);
  });

  it('the whole cycle: breakpoint in a dumped cell, execute, stopped, the frame is the cell\'s file, variables, continue, the cell ends with its output', async () => {
    const s = await start();
    assert.match(s.debugInfo.tmpFilePrefix, /ipykernel_\d+\/$/);
    const code = "naïve = '日本語 𝄞'\ncount = 41 + 1\nprint('done', naïve, count)\n";
    const { path: file, breakpoints } = await s.setCellBreakpoints(code, [2], 'cell-A');
    assert.equal(file, s.cells.pathOf(code), 'our Murmur2 name is the kernel\'s (non-ASCII and astral text)');
    assert.deepEqual(breakpoints.map((b) => [b.verified, b.line]), [[true, 2]]);
    await s.configurationDone();

    const stopped = s.whenStopped(30000);
    const t0 = performance.now();
    const { execution, outputs } = run(code);
    const event = await stopped;
    console.log(`      execute → stopped: ${ms(t0)}`);
    assert.equal(event.reason, 'breakpoint');
    assert.equal(s.stoppedThreadId, event.threadId);
    const frame = await top(s);
    assert.equal(frame.source?.path, file);
    assert.equal(frame.line, 2);
    assert.deepEqual(s.locate(file, server.rootDir), { kind: 'cell', path: file, cell: { code, cellId: 'cell-A' } });
    const vars = await localsOf(s, frame.id);
    assert.equal(valueOf(vars, 'naïve'), "'日本語 𝄞'");
    assert.equal(valueOf(vars, 'count'), undefined, 'line 2 has not run yet');
    assert.equal((await s.evaluate('len(naïve)', frame.id)).result, '5');
    // Jupyter's additions while stopped.
    const rich = await s.richInspectVariables('naïve', frame.id);
    assert.equal(rich.data['text/plain'], "'日本語 𝄞'");
    assert.ok((await s.inspectVariables()).some((v) => v.name === 'naïve'));
    if (s.hasCopyToGlobals) {
      await s.copyToGlobals('naïve', 'copied_name', frame.id);
      assert.equal((await s.evaluate('copied_name', frame.id)).result, "'日本語 𝄞'");
    } else {
      await assert.rejects(s.copyToGlobals('naïve', 'copied_name', frame.id), DebugRequestError);
    }
    await s.continue();
    const result: ExecuteResult = await execution.done;
    assert.equal(result.status, 'ok');
    assert.match(text(outputs), /done 日本語 𝄞 42/);
    assert.equal(s.stoppedThreadId, undefined);
  });

  it('a breakpoint in one cell, a call from another: step in, the frame is the other cell\'s file', async () => {
    const s = await start();
    const helper = 'def helper(n):\n    m = n + 10\n    return m\n';
    const helperFile = await s.dumpCell(helper, 'cell-helper');
    assert.equal((await run(helper).execution.done).status, 'ok');
    const caller = 'q = helper(5)\nprint("q", q)\n';
    const { path: callerFile } = await s.setCellBreakpoints(caller, [1], 'cell-caller');
    await s.configurationDone();
    let stopped = s.whenStopped(30000);
    const { execution, outputs } = run(caller);
    await stopped;
    stopped = s.whenStopped(10000);
    await s.stepIn();
    await stopped;
    const frames = (await s.stackTrace()).stackFrames;
    assert.deepEqual(frames.slice(0, 2).map((f) => [f.name, f.source?.path, f.line]), [['helper', helperFile, 2], ['<module>', callerFile, 1]]);
    const where = s.locate(helperFile, server.rootDir);
    assert.equal(where.kind === 'cell' && where.cell?.cellId, 'cell-helper', 'the frame leads back to the cell');
    assert.equal(valueOf(await localsOf(s, frames[0].id), 'n'), '5');
    await s.continue();
    assert.equal((await execution.done).status, 'ok');
    assert.match(text(outputs), /q 15/);
  });

  it('a module in the server\'s root: step in, the frame is its absolute path on the server; a standard library frame\'s text comes from `source`', async () => {
    // The library function that calls back: sched.run (sched.py), which the kernel has not imported at
    // its start (ipykernel 7.4 hides the frames of every module loaded then, copy.py among them).
    writeFileSync(path.join(server.rootDir, 'helper_mod.py'), 'import sched\n\ndef triple(v):\n    r = v * 3\n    return r\n\ndef later():\n    inside = "later"\n    return inside\n\ndef schedule():\n    s = sched.scheduler()\n    s.enter(0, 1, later)\n    s.run()\n');
    // justMyCode off: otherwise sched.py's frames are left out of the stack.
    const s = await start({ justMyCode: false });
    const code = 'import helper_mod\nw = helper_mod.triple(4)\nhelper_mod.schedule()\nprint("w", w)\n';
    await s.setCellBreakpoints(code, [2]);
    const modulePath = path.join(server.rootDir, 'helper_mod.py');
    assert.deepEqual((await s.setBreakpoints(modulePath, [9])).map((b) => b.verified), [true]);
    await s.configurationDone();
    let stopped = s.whenStopped(30000);
    const { execution, outputs } = run(code);
    await stopped;
    stopped = s.whenStopped(10000);
    await s.stepIn();
    await stopped;
    const inModule = await top(s);
    assert.deepEqual([inModule.name, inModule.source?.path, inModule.line], ['triple', modulePath, 4]);
    assert.deepEqual(s.locate(modulePath, server.rootDir), { kind: 'server-file', path: modulePath, relative: 'helper_mod.py' });

    stopped = s.whenStopped(10000);
    await s.continue();
    await stopped; // in later(), called from sched.py
    const frames = (await s.stackTrace()).stackFrames;
    assert.equal(frames[0].name, 'later');
    const library = frames.find((f) => f.source?.path?.endsWith(`${path.sep}sched.py`));
    assert.ok(library?.source?.path, `a frame in sched.py: ${JSON.stringify(frames.map((f) => [f.name, f.source?.path]))}`);
    assert.equal(s.locate(library.source.path, server.rootDir).kind, 'elsewhere');
    const source = await s.source(library.source.path);
    assert.match(source, /class scheduler/);
    await assert.rejects(s.source('/no/such/file.py'), DebugRequestError);
    await s.continue();
    assert.equal((await execution.done).status, 'ok');
    assert.match(text(outputs), /w 12/);
  });

  it('Run by Line: a breakpoint on the first line, then `next` → `stopped` on each of three lines; the cell ends with its output', async () => {
    const s = await start();
    const code = 'x = 1\ny = x + 1\nz = y * 10\nprint("z", z)\n';
    const { path: file } = await s.setCellBreakpoints(code, [1]);
    await s.configurationDone();
    let stopped = s.whenStopped(30000);
    const { execution, outputs } = run(code);
    await stopped;
    const lines = [(await top(s)).line];
    const times: string[] = [];
    for (let i = 0; i < 3; i++) {
      stopped = s.whenStopped(10000);
      const t0 = performance.now();
      await s.next();
      assert.equal((await stopped).reason, 'step');
      times.push(ms(t0));
      const frame = await top(s);
      assert.equal(frame.source?.path, file);
      lines.push(frame.line);
    }
    console.log(`      next → stopped: ${times.join(', ')}`);
    assert.deepEqual(lines, [1, 2, 3, 4]);
    assert.equal(valueOf(await localsOf(s, (await top(s)).id), 'z'), '20');
    await s.continue(); // past the last line: the adapter continues rather than stepping into IPython
    assert.equal((await execution.done).status, 'ok');
    assert.match(text(outputs), /z 20/);
  });

  it('1000 locals: all of them, with their values, and a page cut as asked (debugpy does not page)', async () => {
    const s = await start();
    const code = `def big():\n${Array.from({ length: 1000 }, (_, i) => `    v${i} = ${i}`).join('\n')}\n    return v999\nbig()\n`;
    await s.setCellBreakpoints(code, [1002]);
    await s.configurationDone();
    const stopped = s.whenStopped(30000);
    const { execution } = run(code);
    await stopped;
    const frame = await top(s);
    assert.equal(frame.name, 'big');
    const scope = (await s.scopes(frame.id)).find((x) => x.name === 'Locals');
    assert.ok(scope);
    const t0 = performance.now();
    const all = await s.variables(scope.variablesReference);
    console.log(`      variables of 1000 locals: ${ms(t0)}`);
    const named = all.filter((v) => /^v\d+$/.test(v.name));
    assert.equal(named.length, 1000);
    assert.equal(valueOf(named, 'v999'), '999');
    assert.equal(valueOf(named, 'v0'), '0');
    const page = await s.variables(scope.variablesReference, { start: 10, count: 20 });
    assert.deepEqual(page.map((v) => v.name), all.slice(10, 30).map((v) => v.name));
    await s.continue();
    assert.equal((await execution.done).status, 'ok');
  });

  it('an exception breakpoint on raised: stops where it is raised, even though it is caught', async () => {
    const s = await start();
    const filters = (s.capabilities.exceptionBreakpointFilters ?? []).map((f) => f.filter);
    assert.ok(filters.includes('raised') && filters.includes('uncaught'), JSON.stringify(filters));
    await assert.rejects(s.setExceptionBreakpoints(['nonsense']), DebugRequestError);
    await s.setExceptionBreakpoints(['raised']);
    await s.configurationDone();
    const code = 'try:\n    raise ValueError("boom")\nexcept ValueError:\n    caught = True\nprint("after", caught)\n';
    const file = await s.dumpCell(code);
    const stopped = s.whenStopped(30000);
    const { execution, outputs } = run(code);
    assert.equal((await stopped).reason, 'exception');
    const frame = await top(s);
    assert.deepEqual([frame.source?.path, frame.line], [file, 2]);
    // A request the adapter passes through unchanged.
    const info = await s.sendRaw('exceptionInfo', { threadId: s.stoppedThreadId });
    assert.equal(info.success, true);
    assert.match(JSON.stringify(info.body), /ValueError/);
    const bad = await s.sendRaw('noSuchCommand', {});
    assert.equal(bad.success, false, 'a failure comes back as the kernel sent it');
    await s.setExceptionBreakpoints([]);
    await s.continue();
    assert.equal((await execution.done).status, 'ok');
    assert.match(text(outputs), /after True/);
  });

  it('a session left by a closed connection: it ends with a reason, and the next session takes the kernel\'s debugger over', async () => {
    const other = await KernelConnection.connect({ session, kernelId });
    const left = await DebugSession.start(other);
    const code = 'import time\nleft = 1\nprint("left done")\n';
    await left.setCellBreakpoints(code, [2]);
    const stopped = left.whenStopped(30000);
    const { execution, outputs } = run(code);
    await stopped;
    const ended = new Promise((resolve) => left.onEnded(resolve));
    const inFlight = left.stackTrace();
    await other.dispose();
    assert.deepEqual(await ended, { reason: 'connection-closed', message: 'The debug session ended because the connection to the kernel was closed.' });
    await assert.rejects(inFlight, (e: Error) => e instanceof DebugSessionEndedError || /closed/.test(e.message));
    await assert.rejects(left.continue(), DebugSessionEndedError);
    // The kernel's debugger is still started, its thread stopped: a new session detaches it first.
    const s = await start();
    assert.equal((await execution.done).status, 'ok', 'the stopped cell resumed');
    assert.match(text(outputs), /left done/);
    assert.equal((await s.debugInfoNow()).isStarted, true);
  });

  it('an interrupt while stopped ends the session ("interrupted"), the cell ends interrupted, and the kernel and its debugger work after', async () => {
    const s = await start();
    const code = 'import time\nmark = 1\ntime.sleep(30)\nprint("not reached")\n';
    await s.setCellBreakpoints(code, [2]);
    const stopped = s.whenStopped(30000);
    const { execution } = run(code);
    await stopped;
    const waiting = s.whenStopped();
    const ended = new Promise((resolve) => s.onEnded(resolve));
    const t0 = performance.now();
    await conn.interrupt();
    assert.deepEqual(await ended, { reason: 'interrupted', message: 'The debug session ended because the kernel was interrupted.' });
    await assert.rejects(waiting, DebugSessionEndedError);
    const result = await execution.done;
    assert.equal(result.status, 'error');
    assert.match(JSON.stringify(result.reply), /KeyboardInterrupt/);
    assert.ok(performance.now() - t0 < 15000, 'interrupted in the sleep, not after it');
    assert.equal((await run('print(6 * 7)').execution.done).status, 'ok');
    // The session detached before the interrupt, so debugpy still debugs the main thread.
    const again = await start();
    const next = 'again = 1\nprint("again", again)\n';
    await again.setCellBreakpoints(next, [2]);
    const stoppedAgain = again.whenStopped(30000);
    const rerun = run(next);
    assert.equal((await stoppedAgain).reason, 'breakpoint');
    await again.continue();
    assert.equal((await rerun.execution.done).status, 'ok');
  });

  it('a restart while stopped ends the session ("restarted"), a request in flight rejects, and the new kernel debugs with new cell file names', async () => {
    const s = await start();
    const code = 'import time\nmark = 1\ntime.sleep(30)\n';
    const oldFile = (await s.setCellBreakpoints(code, [2])).path;
    const stopped = s.whenStopped(30000);
    const { execution } = run(code);
    await stopped;
    const frame = await top(s);
    const inFlight = s.evaluate('__import__("time").sleep(5) or 1', frame.id).then(() => undefined, (e: Error) => e);
    const cellEnd = execution.done.then(() => undefined, (e: Error) => e);
    const ended = new Promise((resolve) => s.onEnded(resolve));
    await new Promise((r) => setTimeout(r, 200));
    await conn.restart();
    assert.deepEqual(await ended, { reason: 'restarted', message: 'The debug session ended because the kernel restarted.' });
    const failure = await inFlight;
    assert.ok(failure instanceof DebugSessionEndedError && failure.reason === 'restarted', String(failure));
    assert.equal(failure.message, 'The debug session ended because the kernel restarted.');
    assert.match(String(await cellEnd), /restarted/);
    assert.equal((await run('print(1)').execution.done).status, 'ok');
    const fresh = await start();
    assert.notEqual(fresh.cells.pathOf(code), oldFile, 'a new process: a new folder for cell files');
    const again = 'fresh = 2\nprint(fresh)\n';
    await fresh.setCellBreakpoints(again, [2]);
    const stoppedAgain = fresh.whenStopped(30000);
    const rerun = run(again);
    await stoppedAgain;
    assert.equal((await top(fresh)).source?.path, fresh.cells.pathOf(again));
    await fresh.continue();
    assert.equal((await rerun.execution.done).status, 'ok');
  });

  it("the server's root on the kernel's machine: the kernel's working directory less the folder it started in, and unknown when that cannot be told for sure", async () => {
    // This kernel was started without a session: in the server's root, as a session at the root would be.
    assert.equal(await serverRootOf(session, conn, 'x.ipynb'), server.rootDir, 'a kernel in the root');
    assert.equal(await serverRootOf(session, conn, 'no/such/folder/x.ipynb'), server.rootDir, 'a session folder that does not exist: the server started it in the root');
    assert.equal(await serverRootOf(session, conn, undefined), undefined, 'a kernel someone else started');
    // With the kernel's home, which IPython's tracebacks write as `~`.
    assert.deepEqual(await kernelFilesOf(session, conn, 'x.ipynb'), { root: server.rootDir, home: server.home });
    await run("import os as _os\n_os.makedirs('sub/deeper', exist_ok=True)\n_os.chdir('sub/deeper')\ndel _os").execution.done;
    try {
      assert.equal(await serverRootOf(session, conn, 'sub/deeper/nb.ipynb'), server.rootDir, 'a kernel started in sub/deeper');
      assert.equal(await serverRootOf(session, conn, 'x.ipynb'), undefined, 'started in the root, but a cell changed directory since');
      assert.equal(await serverRootOf(session, conn, 'sub/nb.ipynb'), undefined, 'a working directory that is not the session folder');
    } finally {
      await run(`import os as _os\n_os.chdir(${JSON.stringify(server.rootDir)})\ndel _os`).execution.done;
    }
    const history = await conn.request('shell', 'history_request', { output: false, raw: true, hist_access_type: 'tail', n: 3 });
    assert.ok(!JSON.stringify(history.content).includes('_jr_'), 'the silent question left no history');
    let leftover = '';
    await conn.execute('print(sorted(n for n in dir() if n.startswith("_jr")))', { onMessage: (m) => void (m.header.msg_type === 'stream' && (leftover += String(m.content.text))) }).done;
    assert.equal(leftover.trim(), '[]', 'nor any variable');
  });
});
