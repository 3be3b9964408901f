// Against a real JupyterHub 3.0 (Debian) with configurable-http-proxy (npm), dummy authenticator and
// the simple local spawner: users' own API tokens, stopped servers started through the Hub, cells run
// on a user's server through the proxy, and two users kept apart.
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hubServers, hubTokenExpiry, hubWhoAmI, probeServer, startHubServer, startKernel } from '../../src/core/api';
import { AuthError, HttpSession, JupyterError } from '../../src/core/http';
import { KernelConnection, NotebookOutputs } from '../../src/core/kernel';
import { nullLogger, Redactor } from '../../src/core/util/logger';
import { connectToServer } from '../../src/vscode/servers/connect-flow';
import { ServerConnections } from '../../src/vscode/servers/server-connections';
import { ServerStore } from '../../src/vscode/servers/server-store';
import { MemorySecrets, MemoryState } from '../support/memory-storage';
import { ScriptedUi } from '../support/scripted-ui';
import { RunningHub, startHub } from './fixtures/hub';
import { runCli } from '../support/cli';
import { describeOnStack } from './fixtures/stack';

describeOnStack('debian', 'JupyterHub 3.0', function () {
  this.timeout(180000);
  let hub: RunningHub;
  let alice: string;
  let bob: string;
  const sessions: HttpSession[] = [];
  const session = (baseUrl: string, token: string) => {
    const s = new HttpSession({ baseUrl, credentials: { token } });
    sessions.push(s);
    return s;
  };

  before(async () => {
    hub = await startHub();
    [alice, bob] = [await hub.userToken('alice'), await hub.userToken('bob')];
  });
  after(async () => {
    await Promise.all(sessions.map((s) => s.close()));
    await hub?.stop();
  });

  it('a Hub root is recognised as a Hub that needs an API token, with the page to make one', async () => {
    const info = await probeServer(session(hub.url, ''));
    assert.equal(info.flavor, 'jupyterhub');
    assert.equal(info.auth, 'hub-token');
    assert.equal(info.hubVersion, '3.0.0');
    assert.equal(info.hubTokenUrl, `${hub.url}hub/token`);
  });

  it('a user token says whose it is, and lists only that user\'s servers', async () => {
    await hub.startServer('bob');
    const me = await hubWhoAmI(session(hub.url, alice));
    assert.equal(me.name, 'alice');
    assert.equal(me.kind, 'user');
    assert.deepEqual(me.servers.map((x) => [x.name, x.state]), [['', 'stopped']]);
    const bobs = await hubWhoAmI(session(hub.url, bob));
    assert.equal(bobs.name, 'bob');
    assert.equal(bobs.servers[0].state, 'running');
    assert.equal(bobs.servers[0].url, `${hub.url}user/bob/`);
    // alice's token may not look at bob's servers, nor start them.
    // (the Hub answers 404 "No access to resources or resources not found": it does not say which)
    const refused = (e: unknown) => e instanceof JupyterError && /HTTP 40[34]/.test(e.message);
    await assert.rejects(hubServers(session(hub.url, alice), 'bob'), refused);
    await assert.rejects(startHubServer(session(hub.url, alice), 'bob'), refused);
  });

  it('a stopped server is started through the Hub, following its progress, and a cell runs on it', async () => {
    const hubSession = session(hub.url, alice);
    const events: string[] = [];
    const url = await startHubServer(hubSession, 'alice', { onProgress: (p) => events.push(`${p.progress ?? ''}|${p.message}`) });
    assert.equal(url, `${hub.url}user/alice/`);
    assert.ok(events.length >= 2, `progress events: ${JSON.stringify(events)}`);
    assert.ok(events.some((e) => /ready/i.test(e)), `a ready event: ${JSON.stringify(events)}`);
    assert.ok(events.some((e) => /Server ready at \/user\/alice\//.test(e)), `the Hub's own progress events were followed: ${JSON.stringify(events)}`);
    const server = session(url, alice);
    const info = await probeServer(server);
    assert.equal(info.flavor, 'jupyterhub-singleuser');
    assert.equal(info.authenticated, true);
    const kernel = await startKernel(server, 'python3');
    const connection = await KernelConnection.connect({ session: server, kernelId: kernel.id });
    try {
      const cell = new NotebookOutputs().cell();
      const result = await connection.execute('import os\nprint(os.getcwd().endswith("alice"), 6 * 7)', { outputs: cell }).done;
      assert.equal(result.status, 'ok');
      assert.deepEqual(cell.toJSON().map((o) => o.output_type === 'stream' && o.text), ['True 42\n'], 'ran in alice\'s home, on her server');
    } finally {
      await connection.dispose();
    }
    // Starting it again is not an error.
    assert.equal(await startHubServer(hubSession, 'alice'), url);
  });

  it('one user\'s token opens nothing of another user\'s server, and cookies stay on each user\'s path', async () => {
    await Promise.all([hub.startServer('alice'), hub.startServer('bob')]);
    const bobsServerWithAlicesToken = session(`${hub.url}user/bob/`, alice);
    await assert.rejects(probeServer(bobsServerWithAlicesToken).then((i) => (i.authenticated ? Promise.resolve() : Promise.reject(new AuthError('refused', 'forbidden', 403)))), AuthError);
    const aliceServer = session(`${hub.url}user/alice/`, alice);
    await probeServer(aliceServer);
    // Any page request sets the server's _xsrf cookie, scoped to alice's path (this one is a 404: no classic UI).
    await aliceServer.request('GET', 'tree');
    const jar = (aliceServer as unknown as { jar: { getCookiesSync(url: string): { key: string; path: string }[] } }).jar;
    const mine = jar.getCookiesSync(`${hub.url}user/alice/api/kernels`);
    assert.ok(mine.length > 0, 'alice\'s server set a cookie');
    for (const c of mine) assert.ok(c.path.startsWith('/user/alice'), `cookie ${c.key} is scoped to alice's path, not ${c.path}`);
    assert.deepEqual(jar.getCookiesSync(`${hub.url}user/bob/api/kernels`), [], 'none of them would go to bob\'s server');
  });

  it('a token\'s expiry is known when it can be told apart from the user\'s other tokens, and never guessed', async () => {
    const expiring = await hub.userToken('dave', { expiresIn: 3600 });
    const hubSession = session(hub.url, expiring);
    await hubWhoAmI(hubSession); // a use the Hub records
    const expiry = await hubTokenExpiry(hubSession, 'dave');
    assert.equal(expiry.known, true);
    const inMinutes = (Date.parse(expiry.expiresAt!) - Date.now()) / 60000;
    assert.ok(inMinutes > 55 && inMinutes <= 61, `expires in ${inMinutes.toFixed(1)} min`);
    // The extension's check of dave's server carries it (and the status bar warns from it).
    await hub.startServer('dave');
    const store = new ServerStore(new MemoryState(), new MemorySecrets());
    const record = await store.add({ name: 'Dave', baseUrl: `${hub.url}user/dave/`, auth: 'token' }, { token: expiring });
    const connections = new ServerConnections(store, { logger: nullLogger, redactor: new Redactor() });
    try {
      const status = await connections.check(record.id);
      assert.equal(status.state, 'connected');
      assert.equal(status.tokenExpiresAt, expiry.expiresAt);
    } finally {
      await connections.dispose();
    }
    const forever = await hub.userToken('erin');
    const erin = session(hub.url, forever);
    await hubWhoAmI(erin);
    assert.deepEqual(await hubTokenExpiry(erin, 'erin'), { known: true });
    // A second token of erin's used just now: which one is ours cannot be told.
    const other = session(hub.url, await hub.userToken('erin', { expiresIn: 600 }));
    await hubWhoAmI(other);
    assert.deepEqual(await hubTokenExpiry(erin, 'erin'), { known: false });
  });

  it('`jupyter-remote check` on the Hub root with a user token prints the user and their servers', async () => {
    await hub.startServer('bob');
    const r = await runCli(['check', hub.url], { JUPYTER_TOKEN: bob });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { flavor: string; user: string; servers: { name: string; state: string; url?: string }[]; tokenExpires?: string };
    assert.equal(out.flavor, 'jupyterhub');
    assert.equal(out.user, 'bob');
    assert.deepEqual(out.servers.map((s) => [s.name, s.state, s.url]), [['(default)', 'running', `${hub.url}user/bob/`]]);
    assert.equal(out.tokenExpires, 'never');
    console.log(`      jupyter-remote check ${hub.url} (JUPYTER_TOKEN=<bob's token>):\n${r.stdout.replace(/^/gm, '        ')}`);
    assert.ok(!r.stdout.includes(bob) && !r.stderr.includes(bob), 'the token is not printed');
    const none = await runCli(['check', hub.url]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, new RegExp(`create an API token at ${hub.url}hub/token`));
  });

  it('`jupyter-remote check` and `run` on a stopped user server start it first, with progress on stderr', async () => {
    await hub.stopServer('bob');
    const r = await runCli(['check', `${hub.url}user/bob/lab`], { JUPYTER_TOKEN: bob });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /the server of bob is not running; starting it through the Hub/);
    assert.match(r.stderr, /100% Server ready at \/user\/bob\//, 'the Hub\'s progress, as it streams it');
    console.log(`      jupyter-remote check ${hub.url}user/bob/lab (stopped; JUPYTER_TOKEN=<bob's token>):\n${(r.stderr + r.stdout).replace(/^/gm, '        ')}`);
    const out = JSON.parse(r.stdout) as { flavor: string; started?: boolean; kernelspecs: string[] };
    assert.equal(out.flavor, 'jupyterhub-singleuser');
    assert.equal(out.started, true);
    assert.ok(out.kernelspecs.includes('python3'));

    await hub.stopServer('bob');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jr-hub-nb-'));
    const nb = path.join(dir, 'n.ipynb');
    writeFileSync(nb, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'code', id: 'a', metadata: {}, source: "print('on the hub', 2 + 2)", outputs: [], execution_count: null }] }));
    const run = await runCli(['run', nb, '--url', `${hub.url}user/bob/`, '--out', path.join(dir, 'n.out.ipynb')], { JUPYTER_TOKEN: bob });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /starting it through the Hub/);
    assert.match(run.stdout, /on the hub 4/);
    const written = JSON.parse(readFileSync(path.join(dir, 'n.out.ipynb'), 'utf8')) as { cells: { outputs: { text: string[] }[] }[] };
    assert.deepEqual(written.cells[0].outputs[0].text, ['on the hub 4\n']);
  });

  describe('Connect to Server with a Hub', () => {
    const redactor = new Redactor();
    const connectDeps = (ui: ScriptedUi, store: ServerStore) => ({ ui, store, logger: nullLogger, redactor });
    const newStore = () => new ServerStore(new MemoryState(), new MemorySecrets());

    it('a Hub root: the token is asked (saying where to make one), the person picks a stopped named server, it is started with progress, and stored with the token', async () => {
      await hub.startServer('alice', 'gpu');
      await hub.stopServer('alice', 'gpu');
      const store = newStore();
      const ui = new ScriptedUi({ secrets: ['not-a-token', alice], hubPick: 'gpu', start: true, name: 'Alice GPU' });
      const connected = await connectToServer(`${hub.url}hub/home`, connectDeps(ui, store));
      assert.ok(connected);
      sessions.push(connected.session);
      assert.deepEqual(ui.asked.map((q) => q.replace(/:again$/, '')), ['secret:hub-token', 'secret:hub-token', `hub-pick:alice:default=running,gpu=stopped`, 'start:alice/gpu', `name:127.0.0.1:${hub.port}/user/alice/gpu`]);
      assert.ok(ui.progressMessages.some((m) => /ready/i.test(m)), `progress shown: ${JSON.stringify(ui.progressMessages)}`);
      assert.equal(connected.record.baseUrl, `${hub.url}user/alice/gpu/`);
      assert.equal(connected.record.name, 'Alice GPU');
      assert.equal(connected.info.flavor, 'jupyterhub-singleuser');
      assert.deepEqual(await store.secret(connected.record.id), { token: alice });
      assert.ok(!JSON.stringify(store.list()).includes(alice), 'the token is not in the server list');
    });

    it('a stopped single-user URL: the start is offered; declining stores nothing, accepting starts it', async () => {
      await hub.stopServer('bob');
      const store = newStore();
      const no = new ScriptedUi({ start: false });
      assert.equal(await connectToServer(`${hub.url}user/bob/lab?token=${bob}`, connectDeps(no, store)), undefined);
      assert.deepEqual(no.asked, [`start:127.0.0.1:${hub.port}/user/bob`]);
      assert.deepEqual(store.list(), []);
      // A stored server that is stopped shows as such (the status bar says "not running on the Hub"; Reconnect offers the start).
      const stored = await store.add({ name: 'Bob', baseUrl: `${hub.url}user/bob/`, auth: 'token' }, { token: bob });
      const connections = new ServerConnections(store, { logger: nullLogger, redactor });
      try {
        assert.equal((await connections.check(stored.id)).state, 'stopped');
      } finally {
        await connections.dispose();
      }
      const yes = new ScriptedUi({ start: true });
      const connected = await connectToServer(`${hub.url}user/bob/lab?token=${bob}`, connectDeps(yes, store));
      assert.ok(connected);
      sessions.push(connected.session);
      assert.equal(connected.record.baseUrl, `${hub.url}user/bob/`);
      assert.equal(connected.record.id, stored.id);
      assert.equal(connected.info.authenticated, true);
    });

    it('an expired Hub token: the check says so and where to make a new one; connecting again asks for a new token and keeps it', async () => {
      await hub.startServer('carol');
      const expired = await hub.userToken('carol', { expiresIn: 1 });
      await new Promise((r) => setTimeout(r, 2500));
      const store = newStore();
      const record = await store.add({ name: 'Carol', baseUrl: `${hub.url}user/carol/`, auth: 'token' }, { token: expired });
      const connections = new ServerConnections(store, { logger: nullLogger, redactor });
      try {
        const status = await connections.check(record.id);
        assert.equal(status.state, 'auth-needed');
        assert.match(status.message ?? '', new RegExp(`may have expired.*${hub.url}hub/token`));
      } finally {
        await connections.dispose();
      }
      const fresh = await hub.userToken('carol');
      const ui = new ScriptedUi({ secrets: [fresh] });
      const again = await connectToServer(`${hub.url}user/carol/lab`, connectDeps(ui, store));
      assert.ok(again);
      sessions.push(again.session);
      assert.deepEqual(ui.asked, ['secret:hub-token:again']);
      assert.equal(again.record.id, record.id, 'the same server, not a second one');
      assert.deepEqual(await store.secret(record.id), { token: fresh });
      assert.equal(store.list().length, 1);
    });
  });
});
