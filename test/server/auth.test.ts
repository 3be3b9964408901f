import assert from 'node:assert/strict';
import { listKernels, probeServer, shutdownKernel, startKernel } from '../../src/core/api';
import { AuthError, HttpSession, InsecureTransportError } from '../../src/core/http';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Flavor, RunningJupyter, startJupyter } from './fixtures/jupyter';
import { appOf, stack } from './fixtures/stack';
import { startConnectProxy, startFakeServer } from './fixtures/fake-http';

describe('authentication against real servers (XSRF and origin checks on)', function () {
  this.timeout(120000);
  const servers: Record<string, RunningJupyter> = {};
  const sessions: HttpSession[] = [];
  const open = (server: RunningJupyter, credentials: { token?: string; password?: string } = {}) => {
    const s = new HttpSession({ baseUrl: server.url, credentials });
    sessions.push(s);
    return s;
  };

  before(async () => {
    const start = async (key: string, flavor: Flavor, opts: object) => (servers[key] = await startJupyter({ flavor, ...opts }));
    await Promise.all([
      start('jsToken', 'server', {}),
      start('nbToken', 'notebook', {}),
      start('jsPassword', 'server', { token: '', password: 'secret' }),
      start('nbPassword', 'notebook', { token: '', password: 'secret' }),
      start('jsNone', 'server', { token: '' }),
      start('nbNone', 'notebook', { token: '' }),
    ]);
  });
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.close()));
  });
  after(async () => {
    await Promise.all(Object.values(servers).map((s) => s.stop()));
  });

  describe('detecting what a server wants, asking for nothing more', () => {
    const cases: [string, Flavor, string][] = [
      ['jsToken', 'server', 'password-or-token'],
      ['nbToken', 'notebook', 'password-or-token'],
      ['jsPassword', 'server', 'password'],
      ['nbPassword', 'notebook', 'password'],
    ];
    for (const [key, flavor, auth] of cases) {
      it(`${key}: without credentials → \`jupyter ${flavor}\`'s API flavour and version, wants ${auth}`, async () => {
        const info = await probeServer(open(servers[key]));
        assert.deepEqual([info.flavor, info.version, info.auth, info.authenticated], [appOf(flavor).apiFlavor, stack.apiVersion(flavor), auth, false]);
      });
    }
    for (const key of ['jsNone', 'nbNone']) {
      it(`${key}: no auth → authenticated with nothing`, async () => {
        const info = await probeServer(open(servers[key]));
        assert.equal(info.auth, 'none');
        assert.equal(info.authenticated, true);
      });
    }
  });

  describe('token', () => {
    for (const key of ['jsToken', 'nbToken']) {
      it(`${key}: the right token works for reads and writes (no XSRF needed)`, async () => {
        const session = open(servers[key], { token: servers[key].token });
        const info = await probeServer(session);
        assert.equal(info.auth, 'token');
        assert.equal(info.authenticated, true);
        const kernel = await startKernel(session, 'python3');
        try {
          assert.ok((await listKernels(session)).some((k) => k.id === kernel.id));
        } finally {
          await shutdownKernel(session, kernel.id);
        }
      });
      it(`${key}: a wrong token is a clear AuthError that does not repeat it`, async () => {
        const wrong = 'wrong-token-0123456789';
        await assert.rejects(probeServer(open(servers[key], { token: wrong })), (e: Error) => {
          assert.ok(e instanceof AuthError);
          assert.equal(e.problem, 'token-rejected');
          assert.ok(!e.message.includes(wrong));
          return true;
        });
      });
    }

    it('travels only in the Authorization header: never in a URL, and never as Bearer', async () => {
      const fake = await startFakeServer((req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(req.url === '/api' ? '{"version": "1.23.3"}' : '{}');
      });
      try {
        const session = open({ url: fake.url } as RunningJupyter, { token: 'tok-in-header-only' });
        await session.request('GET', 'api');
        await session.request('POST', 'api/kernels', { json: { name: 'python3' } });
        for (const r of fake.requests) {
          assert.equal(r.headers.authorization, 'token tok-in-header-only');
          assert.ok(!r.url.includes('tok-in-header-only'), r.url);
        }
      } finally {
        await fake.close();
      }
    });
  });

  describe('password', () => {
    for (const key of ['jsPassword', 'nbPassword']) {
      it(`${key}: logs in with the form, then reads and writes with cookie + X-XSRFToken`, async () => {
        const session = open(servers[key], { password: 'secret' });
        const info = await probeServer(session);
        assert.deepEqual([info.auth, info.authenticated], ['password', true]);
        const kernel = await startKernel(session, 'python3');
        await shutdownKernel(session, kernel.id);
      });
      it(`${key}: a wrong password is a clear "rejected the password" error`, async () => {
        await assert.rejects(probeServer(open(servers[key], { password: 'not-the-password' })), (e: Error) => {
          assert.ok(e instanceof AuthError);
          assert.equal(e.problem, 'password-rejected');
          assert.match(e.message, /rejected the password/);
          assert.ok(!e.message.includes('not-the-password'));
          return true;
        });
      });
    }

    (stack.serverMajor() >= 2 ? it : it.skip)('2.x: the password was set with `jupyter server password` (argon2 in IdentityProvider.hashed_password), and the form logs in with it', async () => {
      const config = JSON.parse(readFileSync(path.join(servers.jsPassword.home, 'config', 'jupyter_server_config.json'), 'utf8'));
      assert.match(config.IdentityProvider.hashed_password, /^argon2:\$argon2id\$/);
      const info = await probeServer(open(servers.jsPassword, { password: 'secret' }));
      assert.deepEqual([info.auth, info.authenticated], ['password', true]);
    });

    it('the token of a token server also logs in through the password form', async () => {
      const session = open(servers.jsToken, { password: servers.jsToken.token });
      const info = await probeServer(session);
      assert.equal(info.authenticated, true);
    });

    it('XSRF: the server refuses a cookie-authenticated write without X-XSRFToken (403), ours succeeds', async () => {
      const server = servers.jsPassword;
      const session = open(server, { password: 'secret' });
      await session.login();
      const cookie = (await session.websocketHeaders(session.url('api/kernels'))).Cookie;
      assert.match(cookie, /username-127-0-0-1-\d+=/);
      const raw = await fetch(`${server.url}api/kernels`, { method: 'POST', headers: { Cookie: cookie, 'Content-Type': 'application/json' }, body: '{"name":"python3"}' });
      const rawBody = await raw.text();
      assert.equal(raw.status, 403);
      assert.match(rawBody, /_xsrf/);
      const kernel = await startKernel(session, 'python3');
      await shutdownKernel(session, kernel.id);
    });

    it(`/files/ with a login cookie: ${stack.serverMajor() >= 2 ? 'jupyter_server 2 checks XSRF (or a same-origin Referer) even on this GET' : '1.x needs no XSRF on a GET'}, and ours reads the raw bytes`, async () => {
      const server = servers.jsPassword;
      const session = open(server, { password: 'secret' });
      await session.login();
      const cookie = (await session.websocketHeaders(session.url('files/hello.py'))).Cookie;
      const raw = await fetch(`${server.url}files/hello.py`, { headers: { Cookie: cookie } });
      const rawBody = await raw.text();
      if (stack.serverMajor() >= 2) {
        assert.equal(raw.status, 403);
        assert.match(rawBody, /Blocking request from unknown origin/);
      } else {
        assert.equal(raw.status, 200, rawBody.slice(0, 300));
      }
      const res = await session.request('GET', 'files/hello.py');
      assert.equal(res.status, 200, res.text());
      assert.equal(res.text(), "print('hi')\n");
    });

    it('logs in again by itself when the server restarts with a new cookie secret', async () => {
      const first = await startJupyter({ flavor: 'server', token: '', password: 'secret' });
      let second: RunningJupyter | undefined;
      try {
        const session = open(first, { password: 'secret' });
        assert.equal((await session.request('GET', 'api/status')).status, 200);
        await first.stop();
        // Same port, new HOME: a new cookie secret, so the old login cookie is worthless.
        second = await startJupyter({ flavor: 'server', token: '', password: 'secret', port: first.port });
        const res = await session.request('GET', 'api/status');
        assert.equal(res.status, 200);
        assert.match(await second.logMatching(/POST \/login/), /POST \/login/);
        const kernel = await startKernel(session, 'python3');
        await shutdownKernel(session, kernel.id);
      } finally {
        await first.stop();
        await second?.stop();
      }
    });
  });

  describe('no auth', () => {
    for (const key of ['jsNone', 'nbNone']) {
      it(`${key}: writes still need _xsrf, which the session fetches`, async () => {
        const raw = await fetch(`${servers[key].url}api/kernels`, { method: 'POST', body: '{}' });
        await raw.text();
        assert.equal(raw.status, 403, 'a bare POST is refused for XSRF');
        const session = open(servers[key]);
        const kernel = await startKernel(session, 'python3');
        await shutdownKernel(session, kernel.id);
      });
    }
  });

  describe('cookies', () => {
    it('one jar per server: a login cookie never goes to another server on the same host', async () => {
      const fake = await startFakeServer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"version":"1"}'));
      try {
        const a = open(servers.jsPassword, { password: 'secret' });
        await a.login();
        assert.ok((await a.websocketHeaders(a.url('api'))).Cookie);
        const b = open({ url: fake.url } as RunningJupyter);
        await b.request('GET', 'api');
        await b.request('POST', 'api/kernels', { json: {} });
        assert.ok(fake.requests.length >= 2);
        for (const r of fake.requests) assert.ok(!/username-/.test(r.headers.cookie ?? ''), `no foreign login cookie: ${r.headers.cookie}`);
      } finally {
        await fake.close();
      }
    });
  });

  describe('plain http to another machine', () => {
    it('refuses to send a secret without consent, and sends it with consent', async () => {
      const fake = await startFakeServer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}'));
      // Every tunnel leads to the loopback fake: the remote-looking host is never resolved or contacted.
      const proxy = await startConnectProxy({ routeAllTo: fake.port });
      try {
        const remote = { baseUrl: 'http://jupyter.example.test:8888/', credentials: { token: 'secret-token-123' }, proxy: proxy.url };
        const refused = new HttpSession(remote);
        sessions.push(refused);
        await assert.rejects(refused.request('GET', 'api/status'), (e: Error) => {
          assert.ok(e instanceof InsecureTransportError);
          assert.ok(!e.message.includes('secret-token-123'));
          return true;
        });
        assert.deepEqual(proxy.tunnels, [], 'nothing was sent');
        const consented = new HttpSession({ ...remote, allowInsecureHttp: true });
        sessions.push(consented);
        assert.equal((await consented.request('GET', 'api/status')).status, 200);
        assert.deepEqual(proxy.tunnels, ['jupyter.example.test:8888']);
        assert.equal(fake.requests[0].headers.authorization, 'token secret-token-123');
      } finally {
        await proxy.close();
        await fake.close();
      }
    });
  });
});
