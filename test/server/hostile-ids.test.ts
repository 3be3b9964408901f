import assert from 'node:assert/strict';
import * as http from 'node:http';
import {
  BadResourceIdError,
  deleteSession,
  deleteTerminal,
  getKernel,
  hubServers,
  hubTokenExpiry,
  hubWhoAmI,
  interruptKernel,
  listKernels,
  listSessions,
  listTerminals,
  restartKernel,
  shutdownKernel,
  startHubServer,
} from '../../src/core/api';
import { HttpSession } from '../../src/core/http';
import { KernelConnection } from '../../src/core/kernel';
import { TerminalConnection } from '../../src/core/terminal';
import { listenOnLoopback } from './fixtures/fake-http';

const HOSTILE = ['.', '..', '', 'a/b', '../api', 'x/../../etc', 'a\nb'];
const kernel = (id: string) => ({ id, name: 'python3', execution_state: 'idle', last_activity: '2026-01-01T00:00:00Z', connections: 0 });

/**
 * Ids a real server does not hand out: a server (or a person at the command line) naming a kernel,
 * session, terminal or Hub user `..` must not make us send a request one level up. The fake answers
 * every request as if it had worked, so only a refusal before the request passes.
 */
describe('ids from the server are not paths', function () {
  this.timeout(30000);
  let seen: string[];
  let close: () => Promise<void>;
  let session: HttpSession;

  before(async () => {
    seen = [];
    const server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      const url = req.url ?? '';
      const json = (body: unknown) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      if (req.method === 'DELETE') return void res.writeHead(204).end();
      if (url === '/api/kernels') return json([kernel('..'), kernel('ok-1'), kernel('a/b'), kernel('.')]);
      if (url === '/api/sessions') {
        return json([
          { id: '..', path: 'a.ipynb', kernel: kernel('ok-1') },
          { id: 's-1', path: 'b.ipynb', kernel: kernel('..') },
          { id: 's-2', path: 'c.ipynb', kernel: kernel('ok-2') },
        ]);
      }
      if (url === '/api/terminals') return json([{ name: '..' }, { name: '1' }, { name: 'x/y' }]);
      if (url.startsWith('/hub/api/user')) {
        return json({ name: 'alice', kind: 'user', servers: { '': { ready: true, url: '/user/alice/' }, '..': { ready: true, url: '/x/' }, 'a/b': { stopped: true }, gpu: { stopped: true } } });
      }
      return json(kernel('whatever'));
    });
    server.on('upgrade', (req, socket) => {
      seen.push(`UPGRADE ${req.url}`);
      socket.destroy();
    });
    const listening = await listenOnLoopback(server);
    close = listening.close;
    session = new HttpSession({ baseUrl: `http://127.0.0.1:${listening.port}/`, credentials: { token: 'fake-token' } });
  });
  beforeEach(() => {
    seen.length = 0;
  });
  after(async () => {
    await session?.close();
    await close?.();
  });

  const refuses = async (what: string, call: () => Promise<unknown>) => {
    await assert.rejects(call, (e: Error) => {
      assert.ok(e instanceof BadResourceIdError, `${what}: ${e.name}: ${e.message}`);
      assert.equal(e.message.split('\n').length, 1);
      return true;
    });
    assert.deepEqual(seen, [], `${what} sent a request`);
  };

  it('kernel REST calls refuse ".", ".." and anything with "/" before any request', async () => {
    for (const id of HOSTILE) {
      await refuses(`getKernel(${JSON.stringify(id)})`, () => getKernel(session, id));
      await refuses(`shutdownKernel(${JSON.stringify(id)})`, () => shutdownKernel(session, id));
      await refuses(`interruptKernel(${JSON.stringify(id)})`, () => interruptKernel(session, id));
      await refuses(`restartKernel(${JSON.stringify(id)})`, () => restartKernel(session, id));
    }
  });

  it('sessions, terminals and Hub users and servers likewise', async () => {
    for (const id of HOSTILE) {
      await refuses(`deleteSession(${JSON.stringify(id)})`, () => deleteSession(session, id));
      await refuses(`deleteTerminal(${JSON.stringify(id)})`, () => deleteTerminal(session, id));
      await refuses(`hubServers(${JSON.stringify(id)})`, () => hubServers(session, id));
      await refuses(`hubTokenExpiry(${JSON.stringify(id)})`, () => hubTokenExpiry(session, id));
      await refuses(`startHubServer(${JSON.stringify(id)})`, () => startHubServer(session, id, { timeoutMs: 2000 }));
      if (id) await refuses(`startHubServer(alice, ${JSON.stringify(id)})`, () => startHubServer(session, 'alice', { serverName: id, timeoutMs: 2000 }));
    }
  });

  it('the kernel and terminal WebSockets refuse them before the upgrade', async () => {
    for (const id of ['..', '.', 'a/b']) {
      await refuses(`KernelConnection(${id})`, () => KernelConnection.connect({ session, kernelId: id, reconnectAttempts: 0, handshakeTimeoutMs: 2000 }));
      await refuses(`TerminalConnection(${id})`, () => TerminalConnection.open({ session, name: id, onOutput: () => undefined, onClose: () => undefined, handshakeTimeoutMs: 2000 }));
    }
  });

  it('lists leave out kernels, sessions, terminals and Hub servers that cannot be addressed, and keep the rest', async () => {
    assert.deepEqual((await listKernels(session)).map((k) => k.id), ['ok-1']);
    assert.deepEqual((await listSessions(session)).map((s) => s.id), ['s-2']);
    assert.deepEqual((await listTerminals(session)).map((t) => t.name), ['1']);
    assert.deepEqual((await hubWhoAmI(session)).servers.map((s) => s.name), ['', 'gpu']);
  });

  it('ordinary ids pass, percent-encoded as one segment', async () => {
    await getKernel(session, '0b7e-4a1c');
    await deleteTerminal(session, 'a b');
    await hubServers(session, 'DOMAIN\\alice');
    assert.deepEqual(seen, ['GET /api/kernels/0b7e-4a1c', 'DELETE /api/terminals/a%20b', 'GET /hub/api/users/DOMAIN%5Calice?include_stopped_servers']);
  });
});
