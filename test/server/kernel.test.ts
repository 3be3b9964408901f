import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { shutdownKernel, startKernel } from '../../src/core/api';
import { HttpSession } from '../../src/core/http';
import { ExecutionFailedError, KernelConnection, KernelMessage, KernelStatus, NotebookOutputs } from '../../src/core/kernel';
import { RunningJupyter, startJupyter } from './fixtures/jupyter';
import { Flavor, appOf, stack } from './fixtures/stack';

// The kernel-facing servers differ by API, not front end: jupyter_server (v1) and, on Debian, notebook 6.4 (legacy JSON).
for (const flavor of ['server', 'notebook'] as Flavor[]) {
  const { protocol } = appOf(flavor);
  describe(`kernel client against \`jupyter ${flavor}\` of the ${stack.name} stack (${protocol === 'v1' ? 'v1 protocol' : 'legacy JSON'})`, function () {
    this.timeout(120000);
    let server: RunningJupyter;
    let session: HttpSession;
    let kernelId: string;
    let conn: KernelConnection;

    before(async () => {
      server = await startJupyter({ flavor });
      session = new HttpSession({ baseUrl: server.url, credentials: { token: server.token } });
    });
    beforeEach(async () => {
      kernelId = (await startKernel(session, 'python3')).id;
      conn = await KernelConnection.connect({ session, kernelId });
    });
    afterEach(async () => {
      await conn?.dispose();
      await shutdownKernel(session, kernelId);
    });
    after(async () => {
      await session?.close();
      await server?.stop();
    });

    it('negotiates the wire format the server offers', () => {
      assert.equal(conn.protocol, protocol);
      assert.equal((conn.kernelInfo?.language_info as { name: string }).name, 'python');
    });

    it(`kernel_info: the supported_features of ipykernel ${stack.ipykernelVersion()}`, () => {
      if (Number(stack.ipykernelVersion().split('.')[0]) >= 7) {
        // ipykernel 7.4 announces subshells while its protocol_version still says 5.3: read the features, not the version.
        assert.ok(conn.supportedFeatures.includes('kernel subshells'), JSON.stringify(conn.kernelInfo));
      } else {
        assert.deepEqual(conn.supportedFeatures, []);
      }
    });

    it('runs cells: streams, results, errors with ANSI tracebacks, execution counts', async () => {
      const nb = new NotebookOutputs();
      const a = nb.cell();
      const r1 = await conn.execute('import sys\nprint("out", flush=True)\nprint("err", file=sys.stderr, flush=True)\nprint("more", flush=True)', { outputs: a }).done;
      assert.deepEqual([r1.status, r1.executionCount, r1.possiblyIncomplete], ['ok', 1, false]);
      assert.deepEqual(a.toJSON().map((o) => o.output_type === 'stream' && [o.name, o.text]), [['stdout', 'out\n'], ['stderr', 'err\n'], ['stdout', 'more\n']]);
      const b = nb.cell();
      assert.equal((await conn.execute('6*7', { outputs: b }).done).executionCount, 2);
      assert.deepEqual(b.toJSON(), [{ output_type: 'execute_result', data: { 'text/plain': '42' }, metadata: {}, execution_count: 2 }]);
      const c = nb.cell();
      const r3 = await conn.execute('1/0', { outputs: c }).done;
      assert.equal(r3.status, 'error');
      const err = c.toJSON()[0];
      assert.ok(err.output_type === 'error' && err.ename === 'ZeroDivisionError' && err.traceback.some((l) => l.includes('\u001b[')));
    });

    it('display updates reach earlier cells; clear_output(wait=True) replaces in place', async () => {
      const nb = new NotebookOutputs();
      const first = nb.cell();
      await conn.execute('from IPython.display import display, clear_output\nh = display("v1", display_id="shared")', { outputs: first }).done;
      const second = nb.cell();
      await conn.execute('h.update("v2")\nfor i in range(3):\n    clear_output(wait=True)\n    print(f"tick {i}")', { outputs: second }).done;
      assert.deepEqual(first.toJSON(), [{ output_type: 'display_data', data: { 'text/plain': "'v2'" }, metadata: {} }]);
      assert.deepEqual(second.toJSON(), [{ output_type: 'stream', name: 'stdout', text: 'tick 2\n' }]);
    });

    it('answers input() and getpass(), saying which is a password', async () => {
      const asked: { prompt: string; password: boolean }[] = [];
      const cell = new NotebookOutputs().cell();
      const r = await conn.execute('import getpass\nname = input("Name? ")\npw = getpass.getpass("Secret? ")\nprint(name, len(pw))', {
        outputs: cell,
        onStdin: async (req) => {
          asked.push(req);
          return req.password ? 'hunter2' : 'Ada';
        },
      }).done;
      assert.equal(r.status, 'ok');
      assert.deepEqual(asked, [{ prompt: 'Name? ', password: false }, { prompt: 'Secret? ', password: true }]);
      assert.deepEqual(cell.toJSON().filter((o) => o.output_type === 'stream' && o.name === 'stdout').map((o) => (o as { text: string }).text).join(''), 'Ada 7\n');
    });

    it('a cancelled prompt answers empty and the cell goes on; with no one to answer, input() fails in the kernel', async () => {
      const cell = new NotebookOutputs().cell();
      const r = await conn.execute('x = input("?")\nprint(repr(x))', { outputs: cell, onStdin: async () => undefined }).done;
      assert.equal(r.status, 'ok');
      assert.equal((cell.toJSON()[0] as { text: string }).text, "''\n");
      const none = new NotebookOutputs().cell();
      const r2 = await conn.execute('input("?")', { outputs: none }).done;
      assert.equal(r2.status, 'error');
      assert.match(JSON.stringify(none.toJSON()), /StdinNotImplementedError/);
    });

    it('interrupt stops a running cell with KeyboardInterrupt', async () => {
      const cell = new NotebookOutputs().cell();
      const execution = conn.execute('import time\nprint("sleeping", flush=True)\ntime.sleep(60)', {
        outputs: cell,
        onMessage: (m) => {
          if (m.header.msg_type === 'stream') void conn.interrupt();
        },
      });
      const started = Date.now();
      const r = await execution.done;
      assert.equal(r.status, 'error');
      assert.ok(Date.now() - started < 20000);
      assert.match(JSON.stringify(cell.toJSON()), /KeyboardInterrupt/);
      assert.equal((await conn.execute('1').done).status, 'ok', 'the kernel runs on');
    });

    it('restart fails the running cell at once, and the execution count starts again', async () => {
      await conn.execute('1').done;
      const running = conn.execute('import time\ntime.sleep(60)');
      await new Promise((r) => setTimeout(r, 300));
      const restart = conn.restart();
      await assert.rejects(running.done, (e: Error) => e instanceof ExecutionFailedError && e.reason === 'restarted');
      await restart;
      const after = await conn.execute('"fresh"').done;
      assert.equal(after.executionCount, 1);
    });

    it('kernel death fails the running cell within seconds, then the restarted kernel runs cells', async () => {
      const statuses: KernelStatus[] = [];
      conn.onStatus((s) => statuses.push(s));
      const started = Date.now();
      await assert.rejects(conn.execute('import os\nos._exit(1)').done, (e: Error) => e instanceof ExecutionFailedError && e.reason === 'died' && /died/.test(e.message));
      assert.ok(Date.now() - started < 15000, 'no hang');
      assert.ok(statuses.includes('restarting'));
      let result;
      for (let i = 0; i < 50 && !result; i++) {
        try {
          result = await conn.execute('"alive"').done;
        } catch {
          await new Promise((r) => setTimeout(r, 200)); // the auto-restart may still be under way
        }
      }
      assert.equal(result?.status, 'ok');
    });

    it('passes comm messages through, binary buffers included', async () => {
      const seen: KernelMessage[] = [];
      conn.onIOPub((m) => {
        if (m.header.msg_type.startsWith('comm_')) seen.push(m);
      });
      await conn.execute('from ipykernel.comm import Comm\nc = Comm(target_name="probe_target", data={"x": 1})\nc.send({"y": 2}, buffers=[b"\\x00\\x01\\x02"])').done;
      const open = seen.find((m) => m.header.msg_type === 'comm_open');
      const msg = seen.find((m) => m.header.msg_type === 'comm_msg');
      assert.equal(open?.content.target_name, 'probe_target');
      assert.deepEqual(msg?.content.data, { y: 2 });
      assert.deepEqual([...(msg?.buffers[0] ?? [])], [0, 1, 2]);
    });

    it('large messages arrive whole and exact: a 1.2 MB print in one flush, a 1.2 MB binary buffer (each over the 1 MiB coalescing line; under the default 1 MB/s IOPub limit)', async () => {
      const seen: KernelMessage[] = [];
      conn.onIOPub((m) => {
        if (m.header.msg_type === 'comm_msg') seen.push(m);
      });
      const cell = new NotebookOutputs().cell();
      const code = [
        'import sys, hashlib',
        "sys.stdout.write(''.join(f'{i:07d}\\n' for i in range(150_000))); sys.stdout.flush()",
        'from ipykernel.comm import Comm',
        "blob = bytes(range(256)) * 4800",
        "Comm(target_name='big').send({'sha': hashlib.sha256(blob).hexdigest()}, buffers=[blob])",
      ].join('\n');
      const r = await conn.execute(code, { outputs: cell }).done;
      assert.equal(r.status, 'ok');
      const streams = (name: string) => cell.toJSON().map((o) => (o.output_type === 'stream' && o.name === name ? o.text : '')).join('');
      const text = streams('stdout');
      assert.equal(text.length, 1_200_000, JSON.stringify(cell.toJSON()).slice(0, 300));
      // ipykernel 7 deprecates ipykernel.comm.Comm and says so on stderr: that is the kernel's output, kept as such.
      if (Number(stack.ipykernelVersion().split('.')[0]) >= 7) assert.match(streams('stderr'), /DeprecationWarning/);
      else assert.equal(streams('stderr'), '');
      assert.equal(text, Array.from({ length: 150_000 }, (_, i) => `${String(i).padStart(7, '0')}\n`).join(''));
      const blob = seen[0]?.buffers[0];
      assert.equal(blob?.length, 256 * 4800);
      assert.equal(createHash('sha256').update(blob!).digest('hex'), (seen[0].content.data as { sha: string }).sha);
    });

    it('a large print with tabs, quotes, backslashes, ANSI codes and non-ASCII text reads exactly (in place on v1)', async () => {
      const cell = new NotebookOutputs().cell();
      const code = String.raw`import sys; sys.stdout.write(''.join(f'{i:07d}\t"q"\\ \x1b[1mé€😀\n' for i in range(40_000))); sys.stdout.flush()`;
      const r = await conn.execute(code, { outputs: cell }).done;
      assert.equal(r.status, 'ok');
      const text = cell.toJSON().map((o) => (o.output_type === 'stream' ? o.text : '')).join('');
      const expected = Array.from({ length: 40_000 }, (_, i) => `${String(i).padStart(7, '0')}\t"q"\\ \x1b[1mé€😀\n`).join('');
      assert.equal(text.length, expected.length, text.slice(0, 200));
      assert.ok(text === expected, 'the same text, character for character');
    });

    it('attaches to a kernel that is already running, keeping its state', async () => {
      await conn.execute('kept = 41').done;
      const second = await KernelConnection.connect({ session, kernelId });
      try {
        const cell = new NotebookOutputs().cell();
        await second.execute('kept + 1', { outputs: cell }).done;
        assert.deepEqual((cell.toJSON()[0] as { data: unknown }).data, { 'text/plain': '42' });
      } finally {
        await second.dispose();
      }
    });
  });
}
