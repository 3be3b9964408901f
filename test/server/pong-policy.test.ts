import assert from 'node:assert/strict';
import { HttpSession } from '../../src/core/http';
import { KernelConnection, NotebookOutputs } from '../../src/core/kernel';
import { FakeExecution, FakeKernel, startFakeKernel } from './fixtures/fake-kernel';
import { describeOnStack } from './fixtures/stack';

/**
 * The pongs that stand in for TCP ACKs (jupyter_server never sets TCP_NODELAY, so each of its small
 * writes waits for our ACK; DESIGN.md). A lone message is acknowledged at once — that is what makes an
 * empty cell take ~5 ms instead of ~45 — but dense output is acknowledged about every 10 ms, so the
 * server batches its writes instead of releasing them one pong at a time (BENCH: 2000 display updates,
 * ~930 reads → ~150, client CPU at par with @jupyterlab/services instead of 1.5×).
 */
describeOnStack('debian', 'acknowledging the kernel connection: pongs', function () {
  this.timeout(30000);
  let fake: FakeKernel;
  let session: HttpSession;
  let conn: KernelConnection;

  before(async () => {
    fake = await startFakeKernel();
    session = new HttpSession({ baseUrl: fake.url, credentials: { token: fake.token } });
    conn = await KernelConnection.connect({ session, kernelId: fake.kernelId, heartbeatMs: 60000 });
  });
  after(async () => {
    await conn?.dispose();
    await session?.close();
    await fake?.close();
  });

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const pongAfter = async (since: number, withinMs: number) => {
    const end = performance.now() + withinMs;
    while (performance.now() < end) {
      const p = fake.pongs.find((t) => t >= since);
      if (p !== undefined) return p - since;
      await sleep(1);
    }
    return undefined;
  };

  it('each lone message is acknowledged at once, output or not', async () => {
    const delays: (number | undefined)[] = [];
    let script: Promise<void> | undefined;
    fake.onExecute = (x: FakeExecution) => {
      script = (async () => {
        for (let i = 0; i < 6; i++) {
          await sleep(30); // a pause: no run of dense output
          const sent = performance.now();
          x.send('iopub', 'stream', { name: 'stdout', text: `line ${i}\n` });
          delays.push(await pongAfter(sent, 2000));
        }
        const sent = performance.now();
        x.finish();
        delays.push(await pongAfter(sent, 2000));
      })();
    };
    const outputs = new NotebookOutputs().cell();
    await conn.execute('lone', { outputs }).done;
    await script;
    assert.equal(delays.length, 7);
    for (const d of delays) assert.ok(d !== undefined && d < 500, `each message got its pong (delays ${delays.map((x) => x?.toFixed(1)).join(', ')} ms)`);
  });

  it('dense output is acknowledged every ~10 ms, not per burst; the end of the cell is acknowledged', async () => {
    const BURSTS = 100;
    const PER_BURST = 20;
    let firstSent = 0;
    let lastSent = 0;
    let finishedAt = 0;
    fake.onExecute = (x: FakeExecution) => {
      void (async () => {
        firstSent = performance.now();
        for (let b = 0; b < BURSTS; b++) {
          for (let i = 0; i < PER_BURST; i++) x.send('iopub', 'stream', { name: 'stdout', text: `${b * PER_BURST + i}\n` });
          await sleep(2);
        }
        lastSent = performance.now();
        await sleep(50);
        finishedAt = performance.now();
        x.finish();
      })();
    };
    const outputs = new NotebookOutputs().cell();
    const pongsBefore = fake.pongs.length;
    await conn.execute('dense', { outputs }).done;
    const text = outputs.toJSON().map((o) => (o.output_type === 'stream' ? o.text : '')).join('');
    assert.deepEqual(text.split('\n').filter(Boolean).map(Number), Array.from({ length: BURSTS * PER_BURST }, (_, i) => i), 'every line, in order');
    const during = fake.pongs.slice(pongsBefore).filter((t) => t >= firstSent && t <= lastSent + 1).length;
    const ms = lastSent - firstSent;
    console.log(`      ${BURSTS} bursts of ${PER_BURST} in ${ms.toFixed(0)} ms: ${during} pongs (one per 2 ms would be ~${Math.round(ms / 2)})`);
    assert.ok(during <= Math.max(10, ms / 5), `at most one pong per ~5 ms of dense output (${during} in ${ms.toFixed(0)} ms)`);
    assert.ok(await pongAfter(finishedAt, 2000) !== undefined, 'the reply and idle that end the cell are acknowledged');
  });
});
