import assert from 'node:assert/strict';
import { HttpSession } from '../../src/core/http';
import { ExecuteResult, HandshakeRejectedError, KernelConnection, NotebookOutputs } from '../../src/core/kernel';
import { FakeExecution, FakeKernel, startFakeKernel, v1Frame } from './fixtures/fake-kernel';
import { describeOnStack } from './fixtures/stack';

/**
 * What no real kernel sends, from a fake kernel endpoint: each is ignored or a typed error, never a
 * crash (mocha fails a test on any uncaught exception), never a hung cell.
 */
describeOnStack('debian', 'hostile kernel messages (a fake kernel WebSocket)', function () {
  this.timeout(30000);
  let fake: FakeKernel;
  let session: HttpSession;
  let conn: KernelConnection;
  const warnings: string[] = [];

  before(async () => {
    fake = await startFakeKernel();
    session = new HttpSession({ baseUrl: fake.url, credentials: { token: fake.token } });
    conn = await KernelConnection.connect({
      session,
      kernelId: fake.kernelId,
      reconnectBaseDelayMs: 50,
      lostIdleAfterMs: 500,
      log: { trace() {}, debug() {}, info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
    });
  });
  after(async () => {
    await conn?.dispose();
    await session?.close();
    await fake?.close();
  });

  /** Runs one cell answered by `script`; fails on a hang. */
  async function cell(script: (x: FakeExecution) => void): Promise<{ result: ExecuteResult; text: string; outputs: unknown[] }> {
    fake.onExecute = script;
    const outputs = new NotebookOutputs().cell();
    const execution = conn.execute('hostile', { outputs });
    const result = await Promise.race([execution.done, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the cell hung')), 15000))]);
    const json = outputs.toJSON();
    return { result, outputs: json, text: json.map((o) => (o.output_type === 'stream' ? o.text : '')).join('') };
  }

  const parent = (x: FakeExecution) => JSON.stringify(x.request.header);
  const header = (type: string, n: string) => JSON.stringify({ msg_id: `hostile_${n}`, msg_type: type, session: 's', username: 'u', date: '', version: '5.3' });

  it('garbage frames are ignored: random bytes, bad offsets, offsets past the end, text that is not JSON', async () => {
    warnings.length = 0;
    const { result, text } = await cell((x) => {
      x.raw(Buffer.from([0xff, 0x00, 0x13]), true);
      x.raw(Buffer.alloc(64, 0xff), true); // an enormous offset count
      x.raw(v1Frame(['iopub', header('stream', 'a'), parent(x), '{}', '{"name":"stdout","text":"x"}'], [16n, 8n, 4n, 2n, 1n, 0n]), true);
      x.raw(v1Frame(['iopub', header('stream', 'b'), parent(x), '{}', '{}'], [48n, 99999n, 99999n, 99999n, 99999n, 99999n]), true);
      x.raw('this is not json', false);
      x.raw('[1, 2, 3]', false);
      x.raw(Buffer.alloc(0), true);
      x.send('iopub', 'stream', { name: 'stdout', text: 'survived\n' });
      x.finish();
    });
    assert.equal(result.status, 'ok');
    assert.equal(text, 'survived\n');
    assert.ok(warnings.filter((w) => /Ignored a malformed kernel message/.test(w)).length >= 6, warnings.join('\n'));
  });

  it('messages without a header, without a msg_type, on an unknown channel, or with a broken parent are ignored', async () => {
    const { result, text } = await cell((x) => {
      x.raw(v1Frame(['iopub', '{}', parent(x), '{}', '{"name":"stdout","text":"no header\\n"}']), true);
      x.raw(v1Frame(['iopub', '{"msg_id": "m1"}', parent(x), '{}', '{"name":"stdout","text":"no type\\n"}']), true);
      x.raw(v1Frame(['weird', header('stream', 'c'), parent(x), '{}', '{"name":"stdout","text":"bad channel\\n"}']), true);
      x.raw(v1Frame(['iopub', header('stream', 'd'), 'null', '{}', '{"name":"stdout","text":"null parent\\n"}']), true);
      x.raw(v1Frame(['iopub', header('stream', 'e'), '"a string"', '{}', '{"name":"stdout","text":"string parent\\n"}']), true);
      x.raw(JSON.stringify({ channel: 'iopub', parent_header: x.request.header, content: { name: 'stdout', text: 'legacy, no header\n' } }), false);
      x.send('iopub', 'stream', { name: 'stdout', text: 'kept\n' });
      x.finish();
    });
    assert.equal(result.status, 'ok');
    assert.equal(text, 'kept\n', 'only the well-formed message became output');
  });

  it('unknown msg_types and states, and replies to requests never sent, are ignored', async () => {
    const { result, text } = await cell((x) => {
      x.send('iopub', 'frobnicate', { what: 1 });
      x.send('shell', 'weird_reply', { status: 'ok' });
      x.send('iopub', 'status', { execution_state: 'confused' });
      x.send('control', 'interrupt_reply', {});
      x.raw(v1Frame(['shell', header('execute_reply', 'f'), JSON.stringify({ msg_id: 'never-sent', msg_type: 'execute_request' }), '{}', '{"status":"ok"}']), true);
      x.raw(v1Frame(['iopub', header('status', 'g'), JSON.stringify({ msg_id: 'never-sent' }), '{}', '{"execution_state":"idle"}']), true);
      x.send('iopub', 'stream', { name: 'stdout', text: 'fine\n' });
      x.finish();
    });
    assert.equal(result.status, 'ok');
    assert.equal(text, 'fine\n');
    assert.equal(conn.status, 'idle');
  });

  it('malformed content: not JSON, not an object, fields of the wrong type — no crash, the cell ends', async () => {
    warnings.length = 0;
    const { result, outputs } = await cell((x) => {
      x.raw(v1Frame(['iopub', header('stream', 'h'), parent(x), '{}', '{"name": "stdout", "text": "trunc']), true);
      x.raw(v1Frame(['iopub', header('display_data', 'i'), parent(x), '{}', '[1, 2]']), true);
      x.send('iopub', 'stream', { name: 'stdout', text: 42 });
      x.send('iopub', 'stream', { name: { nested: true }, text: ['a'] });
      x.send('iopub', 'display_data', { data: 'not a bundle', metadata: 7 });
      x.send('iopub', 'display_data', { data: { 'text/plain': { deep: [1] } }, transient: { display_id: 5 } });
      x.send('iopub', 'update_display_data', { data: null, transient: null });
      x.send('iopub', 'error', { ename: null, evalue: 3, traceback: 'not a list' });
      x.send('iopub', 'clear_output', { wait: 'yes' });
      x.send('iopub', 'execute_result', { data: { 'text/plain': 'result' }, execution_count: 'one' });
      x.send('shell', 'execute_reply', { status: 42 });
      x.send('iopub', 'status', { execution_state: 'idle' });
    });
    assert.ok(['ok', 'error', 'unknown', 'aborted'].includes(result.status), `status ${String(result.status)}`);
    assert.ok(JSON.stringify(outputs).includes('result'), 'the well-formed result is kept');
    assert.ok(warnings.some((w) => /content of a stream message is not a JSON object/.test(w)), warnings.join('\n'));
    assert.ok(warnings.some((w) => /content of a display_data message is not a JSON object/.test(w)), warnings.join('\n'));
    assert.equal((await cell((x) => x.finish())).result.status, 'ok', 'the connection is usable after');
  });

  it('a WebSocket protocol violation drops the connection; it reconnects and the cell ends, flagged', async () => {
    const before = fake.connections;
    const { result, text } = await cell((x) => {
      x.send('iopub', 'stream', { name: 'stdout', text: 'before\n' });
      setTimeout(() => x.socketWrite(Buffer.from([0x83, 0x00])), 50); // opcode 3 is reserved: the client must fail the connection
      // Nothing more for this cell: its reply and idle went into the broken connection.
    });
    assert.equal(text, 'before\n');
    assert.ok(result.possiblyIncomplete, 'its end was never seen, so it may be incomplete');
    assert.ok(fake.connections > before, 'a new connection was made');
    assert.equal((await cell((x) => x.finish())).result.status, 'ok');
  });

  it('a handshake refused with an HTML page, or never answered, is a typed error in bounded time', async () => {
    const other = new HttpSession({ baseUrl: fake.url, credentials: { token: fake.token } });
    try {
      fake.handshake = 500;
      await assert.rejects(KernelConnection.connect({ session: other, kernelId: fake.kernelId }), (e: Error) => {
        assert.ok(e instanceof HandshakeRejectedError, `${e.name}: ${e.message}`);
        assert.ok(!e.message.includes(fake.token));
        return true;
      });
      fake.handshake = 'silent';
      const started = Date.now();
      await assert.rejects(KernelConnection.connect({ session: other, kernelId: fake.kernelId, handshakeTimeoutMs: 1000 }), (e: Error) => /did not accept the kernel connection within 1 s/.test(e.message));
      assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    } finally {
      fake.handshake = 'accept';
      await other.close();
    }
  });
});
