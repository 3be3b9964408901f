// Hub profiles and options (issue 28) against a real JupyterHub 3.0 (Debian) whose test spawner
// (fixtures/hub.ts RECORDING_SPAWNER) offers KubeSpawner-style profiles, a generic form, or none, and
// puts the options a server got in its environment.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describeUserOptions, hubServers, parseSpawnForm, readSpawnPage, startHubServer, startKernel, userOptionsFor, type HubServer } from '../../src/core/api';
import { HttpSession, JupyterError } from '../../src/core/http';
import { KernelConnection, NotebookOutputs } from '../../src/core/kernel';
import type { JsonObject } from '../../src/core/api';
import { nullLogger, Redactor } from '../../src/core/util/logger';
import { connectToServer } from '../../src/vscode/servers/connect-flow';
import type { HubStartMemory } from '../../src/vscode/servers/hub-start';
import { ServerStore } from '../../src/vscode/servers/server-store';
import { MemorySecrets, MemoryState } from '../support/memory-storage';
import { runCli } from '../support/cli';
import { ScriptedUi } from '../support/scripted-ui';
import { startFakeServer } from './fixtures/fake-http';
import { RunningHub, startHub } from './fixtures/hub';
import { describeOnStack } from './fixtures/stack';

/** What the server's kernel sees of the options it was started with. */
async function optionsSeenBy(serverUrl: string, token: string): Promise<unknown> {
  const server = new HttpSession({ baseUrl: serverUrl, credentials: { token } });
  try {
    const kernel = await startKernel(server, 'python3');
    const connection = await KernelConnection.connect({ session: server, kernelId: kernel.id });
    try {
      const cell = new NotebookOutputs().cell();
      await connection.execute("import os\nprint(os.environ['JR_USER_OPTIONS'])", { outputs: cell }).done;
      const text = cell.toJSON().map((o) => (o.output_type === 'stream' ? String(o.text) : '')).join('');
      return JSON.parse(text);
    } finally {
      await connection.dispose();
    }
  } finally {
    await server.close();
  }
}

/**
 * A person logged in to the Hub in a browser (the dummy authenticator takes any password): the
 * cookies and `_xsrf` a browser keeps, for GET and form POST of Hub pages.
 */
async function browserOf(hubUrl: string, name: string) {
  const cookies = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  };
  const cookie = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const send = async (method: string, path: string, form?: Record<string, string>) => {
    const body = form ? new URLSearchParams({ ...form, _xsrf: cookies.get('_xsrf') ?? '' }).toString() : undefined;
    const res = await fetch(`${hubUrl}${path}`, {
      method,
      redirect: 'manual',
      headers: { Cookie: cookie(), ...(body ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}) },
      body,
    });
    keep(res);
    return res;
  };
  await send('GET', 'hub/login');
  const login = await send('POST', 'hub/login', { username: name, password: 'any' });
  assert.equal(login.status, 302, `logged in as ${name}`);
  return { get: (path: string) => send('GET', path), post: (path: string, form: Record<string, string>) => send('POST', path, form) };
}

describeOnStack('debian', 'JupyterHub 3.0 profiles', function () {
  this.timeout(180000);
  let hub: RunningHub;
  const sessions: HttpSession[] = [];
  const session = (token: string) => {
    const s = new HttpSession({ baseUrl: hub.url, credentials: { token } });
    sessions.push(s);
    return s;
  };

  before(async () => {
    hub = await startHub();
  });
  after(async () => {
    await Promise.all(sessions.map((s) => s.close()));
    await hub?.stop();
  });

  it('a start with a profile and an option: they arrive as user_options, the server model keeps them, and its kernel sees them', async () => {
    const token = await hub.userToken('kube-ann');
    const hubSession = session(token);
    const events: string[] = [];
    const url = await startHubServer(hubSession, 'kube-ann', { userOptions: { profile: 'gpu', image: 'tensorflow' }, onProgress: (p) => events.push(p.message) });
    assert.ok(events.some((e) => /ready/i.test(e)), `progress followed: ${JSON.stringify(events)}`);
    assert.deepEqual(await optionsSeenBy(url, token), { image: 'tensorflow', profile: 'gpu' });
    const [server] = await hubServers(hubSession, 'kube-ann');
    assert.deepEqual(server.userOptions, { profile: 'gpu', image: 'tensorflow' });
    await hub.stopServer('kube-ann');
  });

  it('a named server is created and started with a profile', async () => {
    const token = await hub.userToken('kube-bo');
    const hubSession = session(token);
    const url = await startHubServer(hubSession, 'kube-bo', { serverName: 'big', userOptions: { profile: 'large' } });
    assert.equal(url, `${hub.url}user/kube-bo/big/`);
    const servers = await hubServers(hubSession, 'kube-bo');
    assert.deepEqual(servers.map((s) => [s.name, s.state, s.userOptions]), [['', 'stopped', {}], ['big', 'running', { profile: 'large' }]]);
    await hub.stopServer('kube-bo', 'big');
  });

  it("a profile the spawner does not have: one sentence with the spawner's reason, and nothing left starting", async () => {
    const token = await hub.userToken('kube-cy');
    const hubSession = session(token);
    await assert.rejects(
      startHubServer(hubSession, 'kube-cy', { userOptions: { profile: 'quantum' } }),
      (e: unknown) => e instanceof JupyterError && /^The Hub could not start the server of kube-cy: .*Unknown profile 'quantum'/.test(e.message) && !e.message.includes('\n'),
    );
    const [server] = await hubServers(hubSession, 'kube-cy');
    assert.equal(server.state, 'stopped');
    await assert.rejects(
      startHubServer(hubSession, 'kube-cy', { userOptions: { profile: 'gpu', image: 'jax' } }),
      (e: unknown) => e instanceof JupyterError && /Profile 'gpu' has no image 'jax'/.test(e.message),
    );
  });

  it("the spawn page: a token is sent to the login page (JupyterHub 2 and later), and a server without a form is not started by looking", async () => {
    const kube = session(await hub.userToken('kube-dee'));
    const reading = await readSpawnPage(kube, 'kube-dee');
    assert.deepEqual(reading, { readable: false, reason: "This Hub does not show its options form to an API token (JupyterHub 2 and later send it to their login page): choose in the browser, or give the options." });
    const plain = session(await hub.userToken('plain-eve'));
    assert.equal((await readSpawnPage(plain, 'plain-eve')).readable, false);
    const [server] = await hubServers(plain, 'plain-eve');
    assert.equal(server.state, 'stopped', 'looking at the page of a spawner without a form started nothing');
  });

  it("a person's browser sees the Hub's real page, which parses into the profiles; submitting it starts the server with them", async () => {
    const token = await hub.userToken('kube-fay');
    const browser = await browserOf(hub.url, 'kube-fay');
    const page = await browser.get('hub/spawn/kube-fay');
    assert.equal(page.status, 200);
    const form = parseSpawnForm(await page.text());
    assert.equal(form.kind, 'profiles');
    assert.deepEqual(form.kind === 'profiles' && form.profiles.map((p) => [p.slug, p.label, p.isDefault, p.options.map((o) => [o.key, o.choices.map((c) => c.value)])]), [
      ['small', 'Small CPU', true, []],
      ['gpu', '1 GPU, PyTorch', false, [['image', ['pytorch', 'tensorflow']]]],
      ['large', 'Large memory', false, []],
    ]);
    // The person picks the GPU profile with TensorFlow and submits, as the page's form does.
    const submitted = await browser.post('hub/spawn/kube-fay', { profile: 'gpu', 'profile-option-gpu--image': 'tensorflow' });
    assert.ok([302, 303].includes(submitted.status), `submitted: HTTP ${submitted.status}`);
    const hubSession = session(token);
    let server: HubServer | undefined;
    for (const end = Date.now() + 60000; !(server?.state === 'running') && Date.now() < end; await new Promise((r) => setTimeout(r, 300))) [server] = await hubServers(hubSession, 'kube-fay');
    assert.equal(server?.state, 'running');
    assert.deepEqual(server?.userOptions, { profile: 'gpu', image: 'tensorflow' });
    assert.equal(describeUserOptions(server?.userOptions ?? {}, form), '1 GPU, PyTorch · Image: TensorFlow 2.17');
    await hub.stopServer('kube-fay');
  });

  it('a generic form: a person sees its fields; a start with values for them records them as given', async () => {
    const browser = await browserOf(hub.url, 'generic-kim');
    const form = parseSpawnForm(await (await browser.get('hub/spawn/generic-kim')).text());
    assert.equal(form.kind, 'generic');
    assert.deepEqual(form.kind === 'generic' && form.options.map((o) => [o.key, o.kind, o.label]), [['partition', 'choice', 'Partition'], ['walltime', 'text', 'Walltime'], ['exclusive', 'checkbox', 'Whole node']]);
    const token = await hub.userToken('generic-kim');
    const userOptions = userOptionsFor(form, { options: { partition: 'long', exclusive: true } });
    const url = await startHubServer(session(token), 'generic-kim', { userOptions: userOptions as JsonObject });
    assert.deepEqual(await optionsSeenBy(url, token), { exclusive: true, partition: 'long', walltime: '01:00:00' });
    await hub.stopServer('generic-kim');
  });

  it("a newer Hub's spawn page read with a token (a fake Hub page: JupyterHub 3 is the Hub here): the form is parsed; a spawner without a form starts on the read, and that is said", async () => {
    const kube = readFileSync(path.join(__dirname, '..', 'fixtures', 'hub-forms', 'kubespawner-7.1.html'), 'utf8');
    const fake = await startFakeServer((req, res) => {
      if (req.headers.authorization !== 'token t0k') {
        res.writeHead(302, { Location: '/hub/login' }).end();
      } else if (req.url === '/hub/spawn/ann') {
        res.writeHead(200, { 'Content-Type': 'text/html' }).end(kube);
      } else {
        res.writeHead(302, { Location: '/hub/spawn-pending/bob' }).end();
      }
    });
    const viaToken = new HttpSession({ baseUrl: fake.url, credentials: { token: 't0k' } });
    try {
      const read = await readSpawnPage(viaToken, 'ann');
      assert.ok(read.readable && read.form.kind === 'profiles', JSON.stringify(read));
      assert.deepEqual(read.form.kind === 'profiles' && read.form.profiles.map((p) => p.slug), ['small-cpu', 'gpu-pytorch', 'large-memory']);
      assert.deepEqual(await readSpawnPage(viaToken, 'bob'), { readable: false, started: true, reason: 'The Hub started the server with its defaults: its spawner offers no options.' });
      assert.deepEqual(fake.requests.map((r) => `${r.method} ${r.url}`), ['GET /hub/spawn/ann', 'GET /hub/spawn/bob'], 'one GET each, the token in a header only');
    } finally {
      await viaToken.close();
      await fake.close();
    }
  });

  it('`jupyter-remote check --profile --option` starts a stopped server with them; `check` on the Hub lists each server with its options; a bad --option is exit 2', async () => {
    const token = await hub.userToken('kube-ivy');
    const r = await runCli(['check', `${hub.url}user/kube-ivy/`, '--profile', 'gpu', '--option', 'image=tensorflow'], { JUPYTER_TOKEN: token });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /the server of kube-ivy is not running; starting it through the Hub with gpu · image: tensorflow/);
    const listed = await runCli(['check', hub.url], { JUPYTER_TOKEN: token });
    assert.equal(listed.code, 0, listed.stderr);
    const out = JSON.parse(listed.stdout) as { servers: { name: string; state: string; options?: unknown }[] };
    assert.deepEqual(out.servers.map((x) => [x.name, x.state, x.options]), [['(default)', 'running', { profile: 'gpu', image: 'tensorflow' }]]);
    const again = await runCli(['check', `${hub.url}user/kube-ivy/`, '--profile', 'large'], { JUPYTER_TOKEN: token });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /running already: --profile and --option apply only when it starts/);
    const bad = await runCli(['check', `${hub.url}user/kube-ivy/`, '--option', 'image'], { JUPYTER_TOKEN: token });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /give it as KEY=VALUE/);
    await hub.stopServer('kube-ivy');
    const refused = await runCli(['check', `${hub.url}user/kube-ivy/`, '--profile', 'quantum'], { JUPYTER_TOKEN: token });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /The Hub could not start the server of kube-ivy: .*Unknown profile 'quantum'/);
  });

  describe('Connect to Server with a stopped Hub server: the start as the person chooses it', () => {
    const redactor = new Redactor();
    const memory = (): HubStartMemory & { all: Map<string, JsonObject> } => {
      const all = new Map<string, JsonObject>();
      return { all, last: (k) => all.get(k), remember: (k, o) => void all.set(k, o) };
    };
    const deps = (ui: ScriptedUi, hubStarts: HubStartMemory) => ({ ui, store: new ServerStore(new MemoryState(), new MemorySecrets()), logger: nullLogger, redactor, hubStarts });

    it('options given as JSON start it; they are remembered, and offered first the next time, described', async () => {
      const token = await hub.userToken('kube-gus');
      const remembered = memory();
      const first = new ScriptedUi({ start: { kind: 'options', userOptions: { profile: 'gpu', image: 'tensorflow' } } });
      const connected = await connectToServer(`${hub.url}user/kube-gus/lab?token=${token}`, deps(first, remembered));
      assert.ok(connected, 'connected');
      sessions.push(connected.session);
      assert.equal(first.startRequests[0].formNote, "This Hub does not show its options form to an API token (JupyterHub 2 and later send it to their login page): choose in the browser, or give the options.");
      assert.equal(first.startRequests[0].last, undefined);
      assert.deepEqual([...remembered.all.values()], [{ profile: 'gpu', image: 'tensorflow' }]);
      await hub.stopServer('kube-gus');
      const again = new ScriptedUi({ start: (request) => request.last && { kind: 'options', userOptions: request.last.userOptions } });
      const reconnected = await connectToServer(`${hub.url}user/kube-gus/lab?token=${token}`, deps(again, remembered));
      assert.ok(reconnected);
      sessions.push(reconnected.session);
      assert.equal(again.startRequests[0].last?.description, 'gpu · image: tensorflow');
      assert.deepEqual((await hubServers(session(token), 'kube-gus'))[0].userOptions, { profile: 'gpu', image: 'tensorflow' });
      await hub.stopServer('kube-gus');
    });

    it('Choose in the Browser: the Hub\'s page is opened; the person starts the GPU profile there; Jupyter Remote connects once it runs', async () => {
      const token = await hub.userToken('kube-hal');
      const browser = await browserOf(hub.url, 'kube-hal');
      const ui = new ScriptedUi({
        start: { kind: 'browser' },
        // The person reads the page for a moment, then submits the form.
        browser: (url) => void new Promise((r) => setTimeout(r, 1500)).then(() => browser.post(new URL(url).pathname.slice(1), { profile: 'gpu', 'profile-option-gpu--image': 'pytorch' })),
      });
      const remembered = memory();
      const connected = await connectToServer(`${hub.url}user/kube-hal/lab?token=${token}`, deps(ui, remembered));
      assert.ok(connected);
      sessions.push(connected.session);
      assert.deepEqual(ui.opened, [`${hub.url}hub/spawn/kube-hal`]);
      assert.equal(connected.record.baseUrl, `${hub.url}user/kube-hal/`);
      assert.deepEqual([...remembered.all.values()], [{ profile: 'gpu', image: 'pytorch' }], "the browser's choice is remembered too");
      assert.deepEqual(await optionsSeenBy(connected.record.baseUrl, token), { image: 'pytorch', profile: 'gpu' });
      await hub.stopServer('kube-hal');
    });
  });
});
