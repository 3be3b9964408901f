import assert from 'node:assert/strict';
import * as net from 'node:net';
import { listKernelSpecs, listKernels, probeServer, shutdownKernel, startKernel } from '../../src/core/api';
import { KernelConnection, NotebookOutputs } from '../../src/core/kernel';
import {
  AbortedError,
  HubServerStoppedError,
  HttpSession,
  JupyterHttpError,
  NotJupyterError,
  ProtocolError,
  RateLimitedError,
  TimeoutError,
} from '../../src/core/http';
import { FakeServer, startConnectProxy, startFakeServer } from './fixtures/fake-http';
import { RunningJupyter, startJupyter } from './fixtures/jupyter';

describe('network: proxies, redirects, odd answers, time limits, IPv6', function () {
  this.timeout(120000);
  let server: RunningJupyter;
  const sessions: HttpSession[] = [];
  const fakes: FakeServer[] = [];
  const open = (options: ConstructorParameters<typeof HttpSession>[0]) => {
    const s = new HttpSession(options);
    sessions.push(s);
    return s;
  };
  const fake = async (handler: Parameters<typeof startFakeServer>[0]) => {
    const f = await startFakeServer(handler);
    fakes.push(f);
    return f;
  };

  const proxies: Awaited<ReturnType<typeof startConnectProxy>>[] = [];
  /** A CONNECT proxy, closed after the test. */
  const startProxy = async () => {
    const proxy = await startConnectProxy();
    proxies.push(proxy);
    return proxy;
  };

  before(async () => {
    server = await startJupyter({ flavor: 'server' });
  });
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.close()));
    await Promise.all(fakes.splice(0).map((f) => f.close()));
    await Promise.all(proxies.splice(0).map((p) => p.close()));
  });
  after(async () => {
    await server?.stop();
  });

  describe('proxies', () => {
    it('HTTP_PROXY carries REST through the proxy; NO_PROXY naming the server goes direct', async () => {
      const proxy = await startProxy();
      const via = open({ baseUrl: server.url, credentials: { token: server.token }, env: { HTTP_PROXY: proxy.url } });
      assert.equal(via.proxied, true);
      assert.deepEqual(Object.keys((await listKernelSpecs(via)).specs), ['python3']);
      assert.deepEqual([...new Set(proxy.tunnels)], [`127.0.0.1:${server.port}`]);

      const before = proxy.tunnels.length;
      const direct = open({ baseUrl: server.url, credentials: { token: server.token }, env: { HTTP_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' } });
      assert.equal(direct.proxied, false);
      await listKernelSpecs(direct);
      assert.equal(proxy.tunnels.length, before, 'nothing went through the proxy');
    });

    it('the kernel WebSocket goes through the same proxy as REST', async () => {
      const proxy = await startProxy();
      const via = open({ baseUrl: server.url, credentials: { token: server.token }, env: { HTTP_PROXY: proxy.url } });
      const { id } = await startKernel(via, 'python3');
      const conn = await KernelConnection.connect({ session: via, kernelId: id });
      try {
        const cell = new NotebookOutputs().cell();
        await conn.execute('print("through the proxy")', { outputs: cell }).done;
        assert.deepEqual(cell.toJSON(), [{ output_type: 'stream', name: 'stdout', text: 'through the proxy\n' }]);
      } finally {
        await conn.dispose();
        await shutdownKernel(via, id);
      }
      // REST and the WebSocket upgrade both tunnelled: more than one connection, all to the server.
      assert.ok(proxy.tunnels.length >= 2, proxy.tunnels.join());
      assert.ok(proxy.tunnels.every((t) => t === `127.0.0.1:${server.port}`));
    });

    it('an https server goes through HTTPS_PROXY only, and lower-case names count', async () => {
      const proxy = await startProxy();
      const httpOnly = open({ baseUrl: server.url, credentials: { token: server.token }, env: { https_proxy: proxy.url } });
      assert.equal(httpOnly.proxied, false, 'an http server ignores HTTPS_PROXY');
      const explicitNone = open({ baseUrl: server.url, credentials: { token: server.token }, env: { HTTP_PROXY: proxy.url }, proxy: null });
      assert.equal(explicitNone.proxied, false);
      await listKernels(explicitNone);
      assert.deepEqual(proxy.tunnels, []);
    });

    it('a proxy that wants credentials says so', async () => {
      const refusing = net.createServer((socket) => {
        socket.once('data', () => socket.end('HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n'));
      });
      await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', r));
      try {
        const { port } = refusing.address() as net.AddressInfo;
        const s = open({ baseUrl: server.url, credentials: { token: server.token }, proxy: `http://127.0.0.1:${port}` });
        await assert.rejects(probeServer(s), /proxy 127\.0\.0\.1:\d+ refused to connect to 127\.0\.0\.1:\d+ \(HTTP 407\): it needs credentials/);
      } finally {
        refusing.close();
      }
    });
  });

  describe('redirects', () => {
    it('never follows a redirect to another origin, so credentials never reach it', async () => {
      const elsewhere = await fake((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"version":"1.23.3"}'));
      const redirecting = await fake((_req, res) => res.writeHead(302, { Location: `${elsewhere.url}api` }).end());
      const s = open({ baseUrl: redirecting.url, credentials: { token: 'must-not-travel' } });
      await assert.rejects(probeServer(s), NotJupyterError);
      assert.equal(elsewhere.requests.length, 0);
      await assert.rejects(s.request('GET', `${elsewhere.url}api`), /Refusing to send/);
      assert.equal(elsewhere.requests.length, 0);
    });

    it('a JupyterHub user server that is stopped (302 into /hub/, then 424) is recognised', async () => {
      const hub = await fake((req, res) => {
        if (req.url === '/user/alice/api') res.writeHead(302, { Location: '/hub/user/alice/api' }).end();
        else if (req.url?.startsWith('/hub/user/alice/')) res.writeHead(424, { 'Content-Type': 'application/json' }).end('{"message": "JupyterHub server no longer running at /user/alice/api. Restart the server at http://x/hub/spawn/alice"}');
        else res.writeHead(404).end();
      });
      const s = open({ baseUrl: `${hub.url}user/alice/`, credentials: { token: 'hub-token-abc' } });
      await assert.rejects(probeServer(s), (e: Error) => {
        assert.ok(e instanceof HubServerStoppedError, String(e));
        assert.equal(e.hubUrl, hub.url);
        assert.match(e.message, /is not running: start it from the Hub/);
        return true;
      });
      // The follow-up to the Hub carried no credentials.
      assert.equal(hub.requests.find((r) => r.url.startsWith('/hub/'))?.headers.authorization, undefined);
    });

    it('a Hub root is recognised, not mistaken for a server', async () => {
      const hub = await fake((req, res) => {
        if (req.url === '/api') res.writeHead(302, { Location: '/hub/api' }).end();
        else if (req.url === '/hub/api') res.writeHead(200, { 'Content-Type': 'application/json', 'X-JupyterHub-Version': '3.0.0' }).end('{"version": "3.0.0"}');
        else res.writeHead(404).end();
      });
      const info = await probeServer(open({ baseUrl: hub.url }));
      assert.deepEqual([info.flavor, info.version, info.auth, info.hubTokenUrl], ['jupyterhub', '3.0.0', 'hub-token', `${hub.url}hub/token`]);
    });
  });

  describe('answers a real server will not give on demand', () => {
    type Answer = (res: import('node:http').ServerResponse) => void;
    const json = (body: string, status = 200): Answer => (res) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(body);
    // `at`: which request gets the odd answer — the first probe (`api`) or a later one (`api/kernelspecs`).
    const cases: { name: string; at: 'api' | 'api/kernelspecs'; answer: Answer; check: (e: Error) => boolean }[] = [
      { name: 'an HTML 404 page (wrong URL)', at: 'api', answer: (res) => res.writeHead(404, { 'Content-Type': 'text/html' }).end('<html><title>404 Not Found</title></html>'), check: (e) => e instanceof NotJupyterError && /does not look like a Jupyter server/.test(e.message) },
      { name: 'an HTML page with 200', at: 'api', answer: (res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>welcome</html>'), check: (e) => e instanceof NotJupyterError },
      { name: '429 with Retry-After', at: 'api/kernelspecs', answer: (res) => res.writeHead(429, { 'Retry-After': '7' }).end(), check: (e) => e instanceof RateLimitedError && e.retryAfterSeconds === 7 && /wait 7 s/.test(e.message) },
      { name: '503', at: 'api/kernelspecs', answer: (res) => res.writeHead(503).end('busy'), check: (e) => e instanceof JupyterHttpError && e.status === 503 },
      { name: 'truncated JSON', at: 'api/kernelspecs', answer: json('{"kernelspecs": {"py'), check: (e) => e instanceof ProtocolError && /not valid JSON/.test(e.message) },
      { name: 'HTML where JSON belongs', at: 'api/kernelspecs', answer: (res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>login</html>'), check: (e) => e instanceof ProtocolError && /web page/.test(e.message) },
      { name: 'JSON of the wrong shape', at: 'api/kernelspecs', answer: json('[1,2]'), check: (e) => e instanceof ProtocolError },
      { name: '500 with a traceback', at: 'api/kernelspecs', answer: json('{"message": "Unhandled error", "reason": null, "traceback": "Traceback (most recent call last):\\n  File x"}', 500), check: (e) => e instanceof JupyterHttpError && !/Traceback/.test(e.message) },
    ];
    for (const c of cases) {
      it(`${c.name} → a typed error`, async () => {
        const f = await fake((req, res) => {
          if (req.url === `/${c.at}`) c.answer(res);
          else if (req.url === '/api') json('{"version": "1.23.3"}')(res);
          else if (req.url === '/api/status') json('{"kernels": 0}')(res);
          else res.writeHead(404).end();
        });
        const s = open({ baseUrl: f.url, credentials: { token: 'tok-xyz' } });
        const run = c.at === 'api' ? probeServer(s) : listKernelSpecs(s);
        await assert.rejects(run, (e: Error) => {
          assert.ok(c.check(e), `${e.name}: ${e.message}`);
          assert.ok(!e.message.includes('tok-xyz'));
          return true;
        });
      });
    }
  });

  describe('time limits and cancellation', () => {
    it('a server that never answers times out with a clear error', async () => {
      const silent = await fake(() => undefined);
      const s = open({ baseUrl: silent.url, credentials: { token: 't0k3n' }, timeoutMs: 500 });
      const started = Date.now();
      await assert.rejects(probeServer(s), (e: Error) => e instanceof TimeoutError && /did not answer/.test(e.message));
      assert.ok(Date.now() - started < 5000);
    });

    it('a slow-drip body is cut at the time limit', async () => {
      const drip = await fake((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        const timer = setInterval(() => res.write(' '), 100);
        res.on('close', () => clearInterval(timer));
      });
      const s = open({ baseUrl: drip.url, timeoutMs: 600 });
      await assert.rejects(s.request('GET', 'api'), TimeoutError);
    });

    it('an AbortSignal cancels a request', async () => {
      const silent = await fake(() => undefined);
      const s = open({ baseUrl: silent.url });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      await assert.rejects(s.request('GET', 'api', { signal: controller.signal }), AbortedError);
    });

    it('a closed port is refused at once; a dead server does not hold up a live one', async () => {
      const dead = open({ baseUrl: 'http://127.0.0.1:9/', timeoutMs: 5000 });
      const live = open({ baseUrl: server.url, credentials: { token: server.token } });
      const [deadResult, liveResult] = await Promise.allSettled([probeServer(dead), listKernelSpecs(live)]);
      assert.equal(deadResult.status, 'rejected');
      assert.match(String((deadResult as PromiseRejectedResult).reason.message), /Nothing is listening at 127\.0\.0\.1:9/);
      assert.equal(liveResult.status, 'fulfilled');
    });
  });

  describe('IPv6', () => {
    it('a server on [::1] works through its bracketed URL', async () => {
      const v6 = await startJupyter({ flavor: 'server', ip: '::1' });
      try {
        assert.ok(v6.url.startsWith('http://[::1]:'));
        const info = await probeServer(open({ baseUrl: v6.url, credentials: { token: v6.token } }));
        assert.deepEqual([info.flavor, info.authenticated, info.baseUrl], ['jupyter-server', true, v6.url]);
      } finally {
        await v6.stop();
      }
    });
  });
});
