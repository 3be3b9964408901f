// Reading a server's file (issue 29, item 9): a read stops at the size the caller allows, whatever the
// server streams; a download is cut only when the server goes quiet, never for taking long. A real
// server of this run's stack for the cap, a fake one for what a real server will not do on demand
// (stream without end, trickle, stall).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { FileTooLargeError, downloadFile, readFileBytes, readLimitFor, statPath } from '../../src/core/api';
import { HttpSession, TimeoutError } from '../../src/core/http';
import { FakeServer, startFakeServer } from './fixtures/fake-http';
import { RunningJupyter, startJupyter } from './fixtures/jupyter';
import { stack } from './fixtures/stack';

const MiB = 1024 * 1024;

describe(`reading files on the ${stack.name} stack: a cap on what is read, an idle timeout for downloads`, function () {
  this.timeout(60000);
  let server: RunningJupyter;
  let session: HttpSession;
  const fakes: FakeServer[] = [];
  const sessions: HttpSession[] = [];
  const fake = async (handler: Parameters<typeof startFakeServer>[0], timeoutMs = 30000) => {
    const f = await startFakeServer(handler);
    fakes.push(f);
    const s = new HttpSession({ baseUrl: f.url, credentials: { token: 'fake-token' }, timeoutMs });
    sessions.push(s);
    return s;
  };

  before(async () => {
    server = await startJupyter({ flavor: 'server' });
    session = new HttpSession({ baseUrl: server.url, credentials: { token: server.token } });
  });
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.close()));
    await Promise.all(fakes.splice(0).map((f) => f.close()));
  });
  after(async () => {
    await session?.close();
    await server?.stop();
  });

  it('a file larger than the cap is refused with FileTooLargeError; its stated size plus the margin reads it whole', async () => {
    const bytes = randomBytes(3 * MiB);
    writeFileSync(path.join(server.rootDir, 'big.bin'), bytes);
    await assert.rejects(readFileBytes(session, 'big.bin', { maxBytes: MiB }), (e: unknown) => e instanceof FileTooLargeError && e.limit === MiB && /big\.bin is larger than the 1 MiB/.test(e.message));
    const { size } = await statPath(session, 'big.bin');
    assert.equal(size, bytes.length);
    assert.ok((await readFileBytes(session, 'big.bin', { maxBytes: readLimitFor(size) })).equals(bytes));
  });

  it('a server that streams without end is cut off just past the cap', async () => {
    let sent = 0;
    let closed = false;
    const s = await fake((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      const piece = Buffer.alloc(64 * 1024, 7);
      const pump = () => {
        while (!closed) {
          sent += piece.length;
          if (!res.write(piece)) break;
        }
        if (!closed) res.once('drain', pump);
      };
      res.on('close', () => (closed = true));
      pump();
    });
    const started = Date.now();
    await assert.rejects(readFileBytes(s, 'endless.bin', { maxBytes: 2 * MiB }), FileTooLargeError);
    const deadline = Date.now() + 5000;
    while (!closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(closed, 'the request was abandoned');
    assert.ok(Date.now() - started < 5000, `stopped in ${Date.now() - started} ms`);
    assert.ok(sent < 16 * MiB, `the server got to send ${sent} bytes`);
  });

  it('the Contents API fallback is capped too', async () => {
    const s = await fake((req, res) => {
      if (req.url?.startsWith('/files/')) return void res.writeHead(404).end();
      const content = randomBytes(3 * MiB).toString('base64');
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ name: 'h.bin', path: 'h.bin', type: 'file', format: 'base64', content }));
    });
    await assert.rejects(readFileBytes(s, 'h.bin', { maxBytes: MiB }), FileTooLargeError);
  });

  it('a slow, steady download outlasts any total deadline; a stalled one fails after the idle timeout', async () => {
    // 40 pieces, 75 ms apart: 3 s in all, never 1 s without a byte, on a session whose deadline is 1 s.
    const s = await fake((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      let n = 0;
      const timer = setInterval(() => {
        if (req.url?.includes('stall') && n === 5) return; // then nothing more, connection open
        res.write(Buffer.alloc(1000, n));
        if (++n === 40) {
          clearInterval(timer);
          res.end();
        }
      }, 75);
      res.on('close', () => clearInterval(timer));
    }, 1000);
    let bytes = 0;
    const started = Date.now();
    const result = await downloadFile(s, 'slow.bin', (c) => void (bytes += c.length), { idleTimeoutMs: 1000 });
    assert.equal(result.bytes, 40000);
    assert.equal(bytes, 40000);
    assert.ok(Date.now() - started > 2500, `took ${Date.now() - started} ms`);

    const stallStarted = Date.now();
    await assert.rejects(downloadFile(s, 'stall.bin', () => undefined, { idleTimeoutMs: 1000 }), (e: unknown) => e instanceof TimeoutError && /sent nothing for 1 s/.test((e as Error).message));
    const took = Date.now() - stallStarted;
    assert.ok(took >= 1300 && took < 4000, `failed after ${took} ms`);
  });

  it('time spent waiting on a slow sink is not the server\'s silence', async () => {
    const s = await fake((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      res.end(Buffer.alloc(128 * 1024, 1));
    }, 1000);
    let bytes = 0;
    await downloadFile(s, 'to-a-slow-disk.bin', async (c) => {
      bytes += c.length;
      await new Promise((r) => setTimeout(r, 1300)); // longer than the idle timeout, every piece
    }, { idleTimeoutMs: 1000 });
    assert.equal(bytes, 128 * 1024);
  });
});
