import assert from 'node:assert/strict';
import { RunningJupyter, startJupyter } from './fixtures/jupyter';
import { appOf, stack } from './fixtures/stack';
import { runCli } from '../support/cli';

const check = (url: string, env: Record<string, string> = {}) => runCli(['check', url], env, 60000);

describe('jupyter-remote check against each kind of server', function () {
  this.timeout(120000);
  let token: RunningJupyter;
  let password: RunningJupyter;
  let none: RunningJupyter;
  let base: RunningJupyter;

  before(async () => {
    [token, password, none, base] = await Promise.all([
      startJupyter({ flavor: 'server' }),
      startJupyter({ flavor: 'notebook', token: '', password: 'correct horse' }),
      startJupyter({ flavor: 'server', token: '' }),
      startJupyter({ flavor: 'server', baseUrl: '/prefix/jupyter/' }),
    ]);
  });
  after(async () => {
    await Promise.all([token, password, none, base].filter(Boolean).map((s) => s.stop()));
  });

  it('a token URL as the browser shows it', async () => {
    const r = await check(`${token.url}lab/tree/x.ipynb?token=${token.token}`);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(
      { baseUrl: out.baseUrl, flavor: out.flavor, version: out.version, auth: out.auth, kernelspecs: out.kernelspecs },
      { baseUrl: token.url, flavor: 'jupyter-server', version: stack.serverVersion(), auth: 'token', kernelspecs: ['python3'] },
    );
    assert.ok(!r.stdout.includes(token.token) && !r.stderr.includes(token.token));
  });

  it('the token from JUPYTER_TOKEN', async () => {
    const r = await check(token.url, { JUPYTER_TOKEN: token.token });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).auth, 'token');
  });

  it('a password server with JUPYTER_PASSWORD; without it, one sentence saying so', async () => {
    const ok = await check(password.url, { JUPYTER_PASSWORD: 'correct horse' });
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual([JSON.parse(ok.stdout).flavor, JSON.parse(ok.stdout).auth], [appOf('notebook').apiFlavor, 'password']);
    assert.ok(!ok.stdout.includes('correct horse'));
    const missing = await check(password.url);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr.trim(), 'jupyter-remote: The server needs a password: set JUPYTER_PASSWORD and run again.');
    const wrong = await check(password.url, { JUPYTER_PASSWORD: 'battery staple' });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /rejected the password/);
    assert.ok(!wrong.stderr.includes('battery staple'));
  });

  it('a server without auth', async () => {
    const r = await check(none.url);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).auth, 'none');
  });

  it('a base_url server, from a pasted deep link', async () => {
    const r = await check(`${base.url}notebooks/a/b.ipynb?token=${base.token}`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).baseUrl, base.url);
  });

  it('without a token, or with a masked one: the hint shows the placeholder as written, not redacted', async () => {
    const missing = await check(token.url);
    assert.equal(missing.code, 1);
    // A token server whose login page also takes a password asks for either.
    assert.ok(
      [
        'jupyter-remote: The server needs its token or password: add ?token=YOUR_TOKEN to the URL, or set JUPYTER_TOKEN or JUPYTER_PASSWORD.\n',
        'jupyter-remote: The server needs a token: add ?token=YOUR_TOKEN to the URL or set JUPYTER_TOKEN.\n',
      ].includes(missing.stderr),
      missing.stderr,
    );
    const masked = await check(`${token.url}?token=...`);
    assert.equal(masked.code, 1);
    assert.equal(masked.stderr, 'jupyter-remote: The token in the URL is hidden (?token=...): set JUPYTER_TOKEN, or copy the full URL from `jupyter server list` on the server.\n');
  });

  it('failures: wrong token, masked token, nothing listening, not a URL — one line each, no stack', async () => {
    const cases: [string, Record<string, string>, RegExp][] = [
      [`${token.url}?token=not-the-token`, {}, /rejected the token/],
      [`${token.url}?token=...`, {}, /token in the URL is hidden/],
      ['http://127.0.0.1:9/', {}, /Nothing is listening at 127\.0\.0\.1:9/],
      ['ftp://example.org/', {}, /ftp:\/\/ is not a Jupyter server address/],
    ];
    for (const [url, env, reason] of cases) {
      const r = await check(url, env);
      assert.equal(r.code, 1, url);
      assert.match(r.stderr, reason);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.ok(!/\bat .*\.js:\d+/.test(r.stderr), 'no stack trace');
      assert.ok(!r.stderr.includes('not-the-token'));
    }
  });
});
