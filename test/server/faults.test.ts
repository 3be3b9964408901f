import assert from 'node:assert/strict';
import * as net from 'node:net';
import { listKernelSpecs, listKernels, probeServer, shutdownKernel, startKernel } from '../../src/core/api';
import { HttpSession, JupyterError, NetworkError, TimeoutError, TlsError } from '../../src/core/http';
import { ExecutionFailedError, KernelConnection, KernelStatus, NotebookOutputs } from '../../src/core/kernel';
import { startFaultProxy } from './fixtures/fault-proxy';
import { startFakeServer } from './fixtures/fake-http';
import { RunningJupyter, startJupyter } from './fixtures/jupyter';

/** Waits until `check` holds, or fails after `ms`. */
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('faults: servers restarting, kernels killed, networks and TLS failing', function () {
  this.timeout(120000);

  describe('the server restarts on the same port', () => {
    for (const kind of ['token', 'password'] as const) {
      it(`${kind}: the running cell ends and says why, the old kernel is reported gone and its cells fail clearly, a new one starts (${kind === 'password' ? 'after logging in again' : 'same token'})`, async () => {
        const auth = kind === 'token' ? { token: 'restart-token-0c4f' } : { token: '', password: 'restart-pw' };
        let server: RunningJupyter | undefined = await startJupyter({ flavor: 'server', ...auth });
        const port = server.port;
        const session = new HttpSession({ baseUrl: server.url, credentials: kind === 'token' ? { token: auth.token } : { password: 'restart-pw' } });
        let conn: KernelConnection | undefined;
        try {
          const { id } = await startKernel(session, 'python3');
          conn = await KernelConnection.connect({ session, kernelId: id, reconnectBaseDelayMs: 100, reconnectMaxDelayMs: 500, reconnectAttempts: 60 });
          const statuses: KernelStatus[] = [];
          conn.onStatus((s) => statuses.push(s));
          await conn.execute('x = 1').done;
          const running = conn.execute('import time\ntime.sleep(60)');
          await new Promise((r) => setTimeout(r, 300));
          await server.stop(); // SIGTERM: the server shuts its kernels down
          server = await startJupyter({ flavor: 'server', port, ...auth }); // a new cookie secret, no kernels
          const started = Date.now();
          // The server interrupts its kernels as it shuts down (a KeyboardInterrupt the cell shows) or the
          // cell fails when the connection finds its kernel gone: either way it ends, and says why.
          const outcome = await running.done.then((r) => r, (e: Error) => e);
          if (outcome instanceof Error) {
            assert.ok(outcome instanceof ExecutionFailedError, `${outcome.name}: ${outcome.message}`);
            assert.match(outcome.message, /gone from the server|lost and could not be restored/);
          } else assert.equal(outcome.reply?.ename, 'KeyboardInterrupt', JSON.stringify(outcome));
          assert.ok(Date.now() - started < 30000, `the cell failed ${Date.now() - started} ms after the restart`);
          await until(() => conn?.status === 'dead', 30000, 'the kernel reported dead');
          assert.ok(statuses.includes('disconnected') && statuses.includes('reconnecting'), statuses.join());
          await assert.rejects(async () => conn?.execute('1').done, (e: Error) => {
            assert.ok(e instanceof JupyterError && /kernel/i.test(e.message) && !/Traceback/.test(e.message), `${e.name}: ${e.message}`);
            return true;
          });
          // The same session starts a new kernel on the new server (logging in again for a password server).
          const fresh = await startKernel(session, 'python3');
          const conn2 = await KernelConnection.connect({ session, kernelId: fresh.id });
          try {
            const cell = new NotebookOutputs().cell();
            await conn2.execute('print("new kernel", "x" in dir())', { outputs: cell }).done;
            assert.match(JSON.stringify(cell.toJSON()), /new kernel False/);
          } finally {
            await conn2.dispose();
            await shutdownKernel(session, fresh.id);
          }
          if (kind === 'password') assert.equal((server.log().match(/POST \/login/g) ?? []).length >= 1, true, 'logged in again on the new server');
        } finally {
          await conn?.dispose();
          await session.close();
          await server?.stop();
        }
      });
    }
  });

  describe('kept-alive connections that die while idle', () => {
    it('the next request, a GET or a POST, goes through on a new connection, once', async () => {
      const server = await startJupyter({ flavor: 'server' });
      const proxy = await startFaultProxy(server.port);
      const lines: string[] = [];
      const session = new HttpSession({
        baseUrl: `http://127.0.0.1:${proxy.port}/`,
        credentials: { token: server.token },
        logger: { trace() {}, debug: (m) => lines.push(m), info() {}, warn() {}, error() {} },
      });
      try {
        await listKernels(session); // leaves a kept-alive connection in the pool
        for (const request of [() => listKernels(session), () => startKernel(session, 'python3')]) {
          const before = proxy.connections;
          assert.ok(proxy.cut() >= 1, 'an idle pooled connection was cut');
          await request();
          assert.equal(proxy.connections, before + 1, 'one new connection');
        }
        assert.equal(lines.filter((l) => /kept-alive connection had closed/.test(l)).length, 2, lines.join('\n'));
        const kernels = await listKernels(session);
        assert.equal(kernels.length, 1, 'the POST started one kernel, not two');
        await shutdownKernel(session, kernels[0].id);
      } finally {
        await session.close();
        await proxy.close();
        await server.stop();
      }
    });
  });

  describe('the kernel process is killed (SIGKILL) mid-cell', () => {
    let server: RunningJupyter;
    let session: HttpSession;
    before(async () => {
      server = await startJupyter({ flavor: 'server' });
      session = new HttpSession({ baseUrl: server.url, credentials: { token: server.token } });
    });
    after(async () => {
      await session?.close();
      await server?.stop();
    });

    it('the cell fails within seconds saying the kernel died; the restarted kernel runs the next cell', async () => {
      const { id } = await startKernel(session, 'python3');
      const conn = await KernelConnection.connect({ session, kernelId: id });
      try {
        const pidCell = new NotebookOutputs().cell();
        await conn.execute('import os; print(os.getpid())', { outputs: pidCell }).done;
        const pid = Number(/(\d+)/.exec(JSON.stringify(pidCell.toJSON()))?.[1]);
        assert.ok(pid > 1, 'the kernel told its pid');
        const running = conn.execute('import time\nfor i in range(600):\n    time.sleep(0.1)');
        await new Promise((r) => setTimeout(r, 300));
        const killedAt = Date.now();
        process.kill(pid, 'SIGKILL');
        await assert.rejects(running.done, (e: Error) => e instanceof ExecutionFailedError && e.reason === 'died' && /died/.test(e.message));
        const failedAfter = Date.now() - killedAt;
        assert.ok(failedAfter < 10000, `failed ${failedAfter} ms after the kill`);
        let after;
        for (let i = 0; i < 100 && !after; i++) {
          try {
            after = await conn.execute('import os; os.getpid()').done;
          } catch {
            await new Promise((r) => setTimeout(r, 200)); // the server is still restarting it
          }
        }
        assert.equal(after?.status, 'ok');
        assert.equal(after?.executionCount, 1, 'a new kernel process counts from 1');
        console.log(`      SIGKILL: the cell failed ${failedAfter} ms after the kill`);
      } finally {
        await conn.dispose();
        await shutdownKernel(session, id).catch(() => undefined);
      }
    });
  });

  describe('failures at connect time: typed, clear, bounded', () => {
    const bounded = async (run: Promise<unknown>, check: (e: Error) => boolean, limitMs: number) => {
      const started = Date.now();
      await assert.rejects(run, (e: Error) => {
        assert.ok(check(e), `${e.name}: ${e.message}`);
        assert.ok(!/\n\s+at /.test(e.message), 'no stack in the message');
        return true;
      });
      assert.ok(Date.now() - started < limitMs, `took ${Date.now() - started} ms`);
    };

    it('a host name that does not resolve', async () => {
      const s = new HttpSession({ baseUrl: 'https://no-such-host.invalid:8888/', credentials: { token: 'dns-token-77' }, timeoutMs: 10000 });
      try {
        await bounded(probeServer(s), (e) => e instanceof NetworkError && /could not be resolved/.test(e.message) && !e.message.includes('dns-token-77'), 15000);
      } finally {
        await s.close();
      }
    });

    it('TLS: a server that closes during the handshake, one that sends garbage, one that never answers', async () => {
      const behaviours: [string, (s: net.Socket) => void, (e: Error) => boolean][] = [
        ['closes', (s) => s.destroy(), (e) => e instanceof NetworkError || e instanceof TlsError],
        ['garbage', (s) => s.end(Buffer.from('SSH-2.0-OpenSSH_9.2\r\n')), (e) => e instanceof TlsError || e instanceof NetworkError],
        ['silent', () => undefined, (e) => (e instanceof TimeoutError || e instanceof TlsError) && /within \d+ s/.test(e.message)],
      ];
      for (const [name, behave, check] of behaviours) {
        const sockets = new Set<net.Socket>();
        const srv = net.createServer((s) => {
          sockets.add(s);
          s.on('error', () => undefined);
          behave(s);
        });
        await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
        const port = (srv.address() as net.AddressInfo).port;
        const s = new HttpSession({ baseUrl: `https://127.0.0.1:${port}/`, credentials: { token: 'tls-token-91' }, timeoutMs: 1500 });
        try {
          await bounded(probeServer(s), (e) => check(e) && !e.message.includes('tls-token-91'), 10000);
        } catch (e) {
          throw new Error(`${name}: ${(e as Error).message}`);
        } finally {
          await s.close();
          for (const c of sockets) c.destroy();
          await new Promise((r) => srv.close(r));
        }
      }
    });

    it('an endless body is cut at the size limit with a typed error', async () => {
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      const f = await startFakeServer((req, res) => {
        if (req.url === '/api') return void res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"version": "1.23.3"}');
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('{"kernelspecs": "');
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', pump);
        };
        pump();
      });
      const s = new HttpSession({ baseUrl: f.url, credentials: { token: 'big-token' } });
      const rssBefore = process.memoryUsage().rss;
      try {
        await bounded(listKernelSpecs(s), (e) => e instanceof JupyterError && /larger than \d+ MiB/.test(e.message), 30000);
        const grew = (process.memoryUsage().rss - rssBefore) / 1048576;
        assert.ok(grew < 700, `RSS grew ${grew.toFixed(0)} MiB`);
      } finally {
        await s.close();
        await f.close();
      }
    });
  });
});
