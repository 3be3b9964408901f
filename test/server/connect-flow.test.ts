import assert from 'node:assert/strict';
import * as net from 'node:net';
import { listSessions } from '../../src/core/api';
import { Logger, Redactor } from '../../src/core/util/logger';
import { ConnectUi, connectToServer } from '../../src/vscode/servers/connect-flow';
import { ScriptedUi } from '../support/scripted-ui';
import { NotebookKernel } from '../../src/vscode/notebooks/notebook-kernel';
import { ServerConnections } from '../../src/vscode/servers/server-connections';
import { ServerStore } from '../../src/vscode/servers/server-store';
import { MemorySecrets, MemoryState } from '../support/memory-storage';
import { makeSelfSignedCert } from './fixtures/certs';
import { RunningJupyter, startJupyter } from './fixtures/jupyter';

function capture(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (m: string) => lines.push(m);
  return { lines, trace: push, debug: push, info: push, warn: push, error: push };
}

describe('Connect to Server against real servers: ask only for what is missing', function () {
  this.timeout(120000);
  const servers: Record<string, RunningJupyter> = {};
  let store: ServerStore;
  let secrets: MemorySecrets;
  let log: ReturnType<typeof capture>;
  const redactor = new Redactor();
  const cleanups: (() => Promise<unknown>)[] = [];
  const deps = (ui: ConnectUi) => ({ ui, store, logger: log, redactor });
  const cert = makeSelfSignedCert('jr-connect');

  before(async () => {
    const start = async (key: string, opts: Parameters<typeof startJupyter>[0]) => (servers[key] = await startJupyter(opts));
    await Promise.all([
      start('token', { flavor: 'server' }),
      start('token2', { flavor: 'server', baseUrl: '/team/lab/' }),
      start('password', { flavor: 'notebook', token: '', password: 'correct horse' }),
      start('none', { flavor: 'server', token: '' }),
      start('tls', { flavor: 'server', certfile: cert.certfile, keyfile: cert.keyfile }),
    ]);
  });
  beforeEach(() => {
    secrets = new MemorySecrets();
    store = new ServerStore(new MemoryState(), secrets);
    log = capture();
  });
  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((c) => c().catch(() => undefined)));
  });
  after(async () => {
    await Promise.all(Object.values(servers).map((s) => s.stop()));
  });

  it('a token URL: no question but the name; the token goes to the keychain, not the list', async () => {
    const s = servers.token;
    const ui = new ScriptedUi({ name: 'workstation' });
    const connected = await connectToServer(`${s.url}lab?token=${s.token}`, deps(ui));
    assert.ok(connected);
    cleanups.push(() => connected.session.close());
    assert.deepEqual(ui.asked, [`name:127.0.0.1:${s.port}`]);
    assert.equal(connected.record.name, 'workstation');
    assert.equal(connected.record.auth, 'token');
    assert.equal(store.activeId, connected.record.id);
    assert.deepEqual(await store.secret(connected.record.id), { token: s.token });
    assert.ok(log.lines.length > 0 && log.lines.every((l) => !l.includes(s.token)), 'no log line carries the token');
  });

  it('a whole `jupyter server list` pasted into a one-line box: a pick of two, the second chosen', async () => {
    const [a, b] = [servers.token, servers.token2];
    const list = `Currently running servers:\n${a.url}?token=${a.token} :: ${a.rootDir}\n${b.url}?token=${b.token} :: ${b.rootDir}\n`;
    const ui = new ScriptedUi({ pick: 1 });
    const connected = await connectToServer(list.replace(/\n/g, ''), deps(ui));
    assert.ok(connected);
    cleanups.push(() => connected.session.close());
    assert.equal(ui.asked[0], 'pick:2');
    assert.equal(connected.record.baseUrl, b.url);
    assert.equal(connected.info.authenticated, true);
  });

  it('a password server: asks for the password once; a wrong one is asked again; the right one is remembered', async () => {
    const s = servers.password;
    const ui = new ScriptedUi({ secrets: ['wrong', 'correct horse'] });
    const connected = await connectToServer(s.url, deps(ui));
    assert.ok(connected);
    cleanups.push(() => connected.session.close());
    assert.deepEqual(ui.asked.slice(0, 2), ['secret:password', 'secret:password:again']);
    assert.equal(connected.record.auth, 'password');
    assert.deepEqual(await store.secret(connected.record.id), { password: 'correct horse' });

    // Connecting again (a new window): no question at all, the password comes from the keychain.
    const again = new ScriptedUi();
    const second = await connectToServer(s.url, deps(again));
    assert.ok(second);
    cleanups.push(() => second.session.close());
    assert.deepEqual(again.asked, []);
  });

  it('a server without auth: no question but the name, and nothing stored in the keychain', async () => {
    const ui = new ScriptedUi();
    const connected = await connectToServer(servers.none.url, deps(ui));
    assert.ok(connected);
    cleanups.push(() => connected.session.close());
    assert.equal(connected.record.auth, 'none');
    assert.equal(secrets.data.size, 0);
  });

  it('a masked ?token=... asks for the token; a refused token is asked again', async () => {
    const s = servers.token;
    const ui = new ScriptedUi({ secrets: ['not-the-token', s.token] });
    const connected = await connectToServer(`[I 10:00:00.000 ServerApp] ${s.url}?token=...`, deps(ui));
    assert.ok(connected);
    cleanups.push(() => connected.session.close());
    assert.deepEqual(ui.asked.slice(0, 2), ['secret:token:again', 'secret:token:again']);
    assert.deepEqual(await store.secret(connected.record.id), { token: s.token });
  });

  it('a cancelled question stores nothing', async () => {
    const ui = new ScriptedUi({ secrets: [undefined] });
    assert.equal(await connectToServer(servers.password.url, deps(ui)), undefined);
    assert.deepEqual(store.list(), []);
    assert.equal(secrets.data.size, 0);
  });

  it('a self-signed certificate: its fingerprint is shown; trusting pins it for this server', async () => {
    const s = servers.tls;
    const declined = new ScriptedUi({ trust: false });
    assert.equal(await connectToServer(`${s.url}?token=${s.token}`, deps(declined)), undefined);
    assert.deepEqual(declined.asked, [`trust:${cert.fingerprint}`]);
    assert.deepEqual(store.list(), []);

    const ui = new ScriptedUi({ trust: true });
    const connected = await connectToServer(`${s.url}?token=${s.token}`, deps(ui));
    assert.ok(connected);
    cleanups.push(() => connected.session.close());
    assert.equal(connected.record.fingerprint, cert.fingerprint);
    assert.equal(connected.info.authenticated, true);
  });

  it('a stored server whose certificate changed checks as untrusted; connecting again shows the new fingerprint and re-pins the same entry', async () => {
    const s = servers.tls;
    const stale = 'AA:'.repeat(31) + 'AA'; // the pin of a certificate the server no longer has
    const record = await store.add({ name: 'tls', baseUrl: s.url, auth: 'token', fingerprint: stale }, { token: s.token });
    const connections = new ServerConnections(store, { logger: log, redactor });
    cleanups.push(() => connections.dispose());
    const status = await connections.check(record.id);
    assert.equal(status.state, 'untrusted', status.message);
    assert.ok(status.message?.includes(cert.fingerprint), 'the message names the certificate the server now presents');
    assert.ok(!status.message?.includes(s.token));

    const ui = new ScriptedUi({ trust: true });
    const connected = await connectToServer(s.url, deps(ui));
    assert.ok(connected);
    cleanups.push(() => connected.session.close());
    assert.deepEqual(ui.asked, [`trust:${cert.fingerprint}:changed`], 'asked once, saying the certificate changed; the stored token was reused');
    assert.equal(connected.record.id, record.id, 'the same server entry');
    assert.equal(store.get(record.id)?.fingerprint, cert.fingerprint);
    connections.reset(record.id);
    assert.equal((await connections.check(record.id)).state, 'connected');
  });

  it('plain http with a token to another machine needs consent; declining sends nothing', async () => {
    const ui = new ScriptedUi({ insecure: false });
    // 192.0.2.1 (TEST-NET-1) is never contacted: consent is asked before any request.
    assert.equal(await connectToServer('http://192.0.2.1:8888/?token=abcdef123456', deps(ui)), undefined);
    assert.deepEqual(ui.asked, ['insecure:192.0.2.1']);
  });

  it('a stored server is checked, runs code on a notebook kernel tied to the notebook name, and is forgotten cleanly', async () => {
    const s = servers.token;
    const connected = await connectToServer(`${s.url}?token=${s.token}`, deps(new ScriptedUi()));
    assert.ok(connected);
    await connected.session.close();
    const connections = new ServerConnections(store, { logger: log, redactor });
    cleanups.push(() => connections.dispose());
    const id = connected.record.id;
    const status = await connections.check(id);
    assert.equal(status.state, 'connected');
    assert.ok(status.specs?.specs.python3, 'the kernel types are listed');

    const session = await connections.session(id);
    const kernel = await NotebookKernel.start({ session, path: 'work/analysis.ipynb', kernelName: 'python3' });
    const area = kernel.outputs.cell('c1');
    const result = await kernel.connection.execute('print(6 * 7)', { outputs: area }).done;
    assert.equal(result.status, 'ok');
    assert.deepEqual(area.toJSON(), [{ output_type: 'stream', name: 'stdout', text: '42\n' }]);
    const listed = await listSessions(session);
    assert.ok(listed.some((x) => x.path === 'work/analysis.ipynb' && x.kernel.id === kernel.kernelId), 'the server shows whose kernel it is');
    await kernel.close(true);
    assert.ok(!(await listSessions(session)).some((x) => x.kernel.id === kernel.kernelId), 'closing shut the kernel down');

    await store.remove(id);
    await assert.rejects(session.request('GET', 'api/status'), /closed/, 'a removed server gets no further request');
    assert.equal(connections.status(id).state, 'unchecked');
  });

  it('an unreachable server is reported as such, quickly, without holding up another', async () => {
    const live = await store.add({ name: 'live', baseUrl: servers.none.url, auth: 'none' }, undefined);
    // A port that accepts nothing: refused at once.
    const dead = await store.add({ name: 'dead', baseUrl: 'http://127.0.0.1:9/', auth: 'none' }, undefined);
    const connections = new ServerConnections(store, { logger: log, redactor, checkTimeoutMs: 5000 });
    cleanups.push(() => connections.dispose());
    const [a, b] = await Promise.all([connections.check(live.id), connections.check(dead.id)]);
    assert.equal(a.state, 'connected');
    assert.equal(b.state, 'unreachable');
    assert.ok(b.message && b.message.length < 300);
  });

  it('many servers, some dead (refused, silent, unresolvable, TLS refused): the live ones are checked at full speed', async () => {
    const silentSockets = new Set<net.Socket>();
    const silent = net.createServer((sock) => silentSockets.add(sock)); // accepts, never answers: a hung host
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    cleanups.push(async () => {
      for (const sock of silentSockets) sock.destroy();
      await new Promise((r) => silent.close(r));
    });
    const add = (name: string, baseUrl: string, token?: string) => store.add({ name, baseUrl, auth: token ? 'token' : 'none' }, token ? { token } : undefined);
    const records = [
      await add('live 1', servers.token.url, servers.token.token),
      await add('silent', `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}/`),
      await add('refused', 'http://127.0.0.1:9/'),
      await add('live 2', servers.token2.url, servers.token2.token),
      await add('unresolvable', 'https://no-such-host.invalid/'),
      await add('tls refused', servers.tls.url, servers.tls.token), // self-signed, not trusted
      await add('live 3', servers.none.url),
    ];
    const connections = new ServerConnections(store, { logger: log, redactor, checkTimeoutMs: 4000 });
    cleanups.push(() => connections.dispose());
    const started = Date.now();
    const took: Record<string, number> = {};
    const results = await Promise.all(records.map((r) => connections.check(r.id).then((st) => ((took[r.name] = Date.now() - started), st))));
    const byName = Object.fromEntries(records.map((r, i) => [r.name, results[i]]));
    for (const name of ['live 1', 'live 2', 'live 3']) {
      assert.equal(byName[name].state, 'connected', `${name}: ${byName[name].message}`);
      assert.ok(took[name] < 2500, `${name} took ${took[name]} ms`);
    }
    for (const name of ['silent', 'refused', 'unresolvable']) assert.equal(byName[name].state, 'unreachable', `${name}: ${byName[name].state} ${byName[name].message}`);
    assert.equal(byName['tls refused'].state, 'untrusted', byName['tls refused'].message);
    assert.ok(took.silent >= 3500 && took.silent < 10000, `the silent one waited out its limit (${took.silent} ms)`);
    console.log(`      checks: ${Object.entries(took).map(([n, ms]) => `${n} ${ms} ms (${byName[n].state})`).join(', ')}`);
  });

  it('a server whose secret vanished from the keychain needs a login, not a crash', async () => {
    const record = await store.add({ name: 't', baseUrl: servers.token.url, auth: 'token' }, { token: servers.token.token });
    secrets.data.clear();
    const connections = new ServerConnections(store, { logger: log, redactor });
    cleanups.push(() => connections.dispose());
    const status = await connections.check(record.id);
    assert.equal(status.state, 'auth-needed');
    assert.match(status.message ?? '', /keychain/);
  });
});
