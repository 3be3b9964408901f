// Kernel gateways (PROTOCOL.md §7): a real jupyter-server does the kernels and their WebSockets,
// behind a small fake that answers like a Kernel Gateway where one differs (401 on everything
// without its token, no contents/status/login, 403 on listing kernels and sessions, no cookies).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { probeServer } from '../../src/core/api';
import { AuthError, HttpSession } from '../../src/core/http';
import { NotebookOutputs } from '../../src/core/kernel';
import { nullLogger, Redactor } from '../../src/core/util/logger';
import { NotebookKernel } from '../../src/vscode/notebooks/notebook-kernel';
import { ServerConnections } from '../../src/vscode/servers/server-connections';
import { ServerStore } from '../../src/vscode/servers/server-store';
import { MemorySecrets, MemoryState } from '../support/memory-storage';
import { FakeGateway, startFakeGateway } from './fixtures/fake-gateway';
import { RunningJupyter, startJupyter } from './fixtures/jupyter';
import { runCli } from '../support/cli';


describe('a Kernel Gateway', function () {
  this.timeout(120000);
  let backend: RunningJupyter;
  let gateway: FakeGateway;
  const sessions: HttpSession[] = [];
  const session = (token?: string) => {
    const s = new HttpSession({ baseUrl: gateway.url, credentials: token ? { token } : {} });
    sessions.push(s);
    return s;
  };
  // What a gateway does not have. (`/api/status` is asked once while probing: its 404 is how a gateway is told apart.)
  const notSupported = (r: { url: string }) => /^\/(api\/(sessions|contents)|login)/.test(r.url);

  before(async () => {
    backend = await startJupyter({ flavor: 'server' });
    gateway = await startFakeGateway(backend);
  });
  beforeEach(() => gateway.requests.splice(0));
  after(async () => {
    await Promise.all(sessions.map((s) => s.close()));
    await gateway?.close();
    await backend?.stop();
  });

  it('is recognised: with its token, a gateway we may use; without, one that wants a token (401 on /api too); a wrong one is refused', async () => {
    const info = await probeServer(session(gateway.token));
    assert.equal(info.flavor, 'kernel-gateway');
    assert.equal(info.authenticated, true);
    const anonymous = await probeServer(session());
    assert.deepEqual([anonymous.flavor, anonymous.auth, anonymous.authenticated], ['kernel-gateway', 'token', false]);
    await assert.rejects(probeServer(session('wrong')), AuthError);
    assert.ok(!gateway.requests.some((r) => /^\/login/.test(r.url)), 'no login page is asked of a gateway');
  });

  it('says it has no files: `ls`, `get` and `put` are one sentence each', async () => {
    for (const args of [['ls', gateway.url], ['get', gateway.url, 'x.txt', '-'], ['put', gateway.url, __filename]]) {
      const r = await runCli(args, { JUPYTER_TOKEN: gateway.token });
      assert.equal(r.code, 1, `${args[0]}: ${r.stderr}`);
      assert.equal(r.stderr.trim(), 'jupyter-remote: This server has no Contents API (a kernel gateway runs kernels only): its files cannot be opened from here.', args[0]);
    }
  });

  it('`jupyter-remote check` and `run` work against it, with kernels alone (no sessions, contents or login)', async () => {
    const check = await runCli(['check', gateway.url], { JUPYTER_TOKEN: gateway.token });
    assert.equal(check.code, 0, check.stderr);
    const out = JSON.parse(check.stdout) as { flavor: string; kernelspecs: string[] };
    assert.equal(out.flavor, 'kernel-gateway');
    assert.ok(out.kernelspecs.includes('python3'));
    const missing = await runCli(['check', gateway.url]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /needs a token/);

    const dir = mkdtempSync(path.join(os.tmpdir(), 'jr-gw-'));
    const nb = path.join(dir, 'g.ipynb');
    writeFileSync(nb, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'code', id: 'a', metadata: {}, source: "print('via the gateway', 3 * 3)", outputs: [], execution_count: null }] }));
    gateway.requests.splice(0);
    const run = await runCli(['run', nb, '--url', gateway.url], { JUPYTER_TOKEN: gateway.token });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /via the gateway 9/);
    assert.deepEqual(gateway.requests.filter(notSupported).map((r) => r.url), []);
    assert.equal(gateway.requests.filter((r) => r.url === '/api/status').length, 1, 'one probe of /api/status');
    assert.ok(gateway.requests.some((r) => r.method === 'UPGRADE' && /\/api\/kernels\/[^/]+\/channels/.test(r.url)), 'the kernel WebSocket went through the gateway');
    assert.ok(gateway.requests.some((r) => r.method === 'DELETE' && /^\/api\/kernels\//.test(r.url)), 'the kernel was shut down');
  });

  it('the extension checks it (kernel types listed; listing kernels is forbidden and that is fine) and runs a notebook kernel without a session', async () => {
    const store = new ServerStore(new MemoryState(), new MemorySecrets());
    const record = await store.add({ name: 'Gateway', baseUrl: gateway.url, auth: 'token' }, { token: gateway.token });
    const connections = new ServerConnections(store, { logger: nullLogger, redactor: new Redactor() });
    try {
      const status = await connections.check(record.id);
      assert.equal(status.state, 'connected', status.message);
      assert.equal(status.info?.flavor, 'kernel-gateway');
      assert.ok(status.specs?.specs.python3);
      assert.deepEqual(status.kernels, []);
      assert.ok(gateway.requests.some((r) => r.method === 'GET' && r.url === '/api/kernels'), 'it tried to list kernels (and got 403)');

      gateway.requests.splice(0);
      const kernel = await NotebookKernel.start({ session: await connections.session(record.id), path: 'work/analysis.ipynb', kernelName: 'python3', sessions: false });
      const cell = new NotebookOutputs().cell();
      const result = await kernel.connection.execute('print(sum(range(10)))', { outputs: cell }).done;
      assert.equal(result.status, 'ok');
      assert.deepEqual(cell.toJSON().map((o) => o.output_type === 'stream' && o.text), ['45\n']);
      await kernel.close(true);
      assert.deepEqual(gateway.requests.filter(notSupported).map((r) => r.url), []);
      assert.ok(gateway.requests.some((r) => r.method === 'POST' && r.url === '/api/kernels'), 'started as a kernel');
      assert.ok(gateway.requests.some((r) => r.method === 'DELETE' && r.url === `/api/kernels/${kernel.kernelId}`), 'shut down as a kernel');
    } finally {
      await connections.dispose();
    }
  });
});
