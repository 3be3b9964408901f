import assert from 'node:assert/strict';
import { parseServerText } from '../../../src/core/servers';
import type { ServerAddress } from '../../../src/core/servers';

/** The subset of fields a corpus row pins down. */
type Expect = Partial<Pick<ServerAddress, 'baseUrl' | 'host' | 'port' | 'scheme' | 'basePath' | 'token' | 'tokenMasked' | 'kind' | 'rootDir' | 'notebookPath' | 'passwordRequired' | 'version'>> & {
  hub?: ServerAddress['hub'];
  warning?: RegExp;
};

function one(input: string): ServerAddress {
  const result = parseServerText(input);
  assert.equal(result.servers.length, 1, `one server in ${JSON.stringify(input)}: ${JSON.stringify(result)}`);
  return result.servers[0];
}

function check(server: ServerAddress, expected: Expect): void {
  const { warning, ...fields } = expected;
  for (const [k, v] of Object.entries(fields)) {
    assert.deepEqual(server[k as keyof ServerAddress], v, `${k} of ${server.baseUrl}`);
  }
  if (warning) assert.ok(server.warnings.some((w) => warning.test(w)), `warning ${warning} in ${JSON.stringify(server.warnings)}`);
  assert.ok(server.baseUrl.endsWith('/'), 'baseUrl ends in /');
  assert.ok(!server.baseUrl.includes('token'), 'baseUrl carries no token');
}

const TOKEN48 = 'e844c16e6ef229f71e44ab0cb8868c740a7c6fe364cb8db5';

// PROTOCOL.md §10.2, row by row, plus forms people paste from chats and browsers.
const LINES: [string, Expect][] = [
  [`[I 2026-11-22 10:46:39.909 ServerApp] http://localhost:18887/?token=${TOKEN48}`,
    { baseUrl: 'http://localhost:18887/', host: 'localhost', port: 18887, basePath: '/', token: TOKEN48, kind: 'jupyter-server' }],
  [`[I 2026-11-22 10:46:39.909 ServerApp]  or http://127.0.0.1:18887/?token=${TOKEN48}`,
    { baseUrl: 'http://127.0.0.1:18887/', token: TOKEN48 }],
  [`     or http://127.0.0.1:18887/?token=${TOKEN48}`, { host: '127.0.0.1', port: 18887, token: TOKEN48 }],
  ['[I 2026-11-22 10:46:31.397 ServerApp] http://localhost:18881/?token=...',
    { baseUrl: 'http://localhost:18881/', token: null, tokenMasked: true, warning: /hidden/ }],
  ['[I 2026-11-22 10:46:31.406 ServerApp] http://localhost:18886/user/alice/?token=...',
    { basePath: '/user/alice/', tokenMasked: true, kind: 'jupyter-server', hub: undefined }],
  ['[I 10:46:40.179 NotebookApp] http://localhost:18888/?token=a03e793a2a8af7a8d1b90bc2b70ed66550836a6ff878683e',
    { port: 18888, token: 'a03e793a2a8af7a8d1b90bc2b70ed66550836a6ff878683e', kind: 'notebook' }],
  ['[I 10:46:31.524 NotebookApp] http://localhost:18884/', { port: 18884, token: null, tokenMasked: false }],
  ['\x1b[32m[I 2026-11-22 11:14:33.835 ServerApp]\x1b(B\x1b[m http://127.0.0.1:18892/?token=bb5b9204d4c97253192b6a1d230c1ffe6e6b9ddc7f9050c7\r',
    { baseUrl: 'http://127.0.0.1:18892/', token: 'bb5b9204d4c97253192b6a1d230c1ffe6e6b9ddc7f9050c7' }],
  ['[I 2026-11-22 11:00:44.999 ServerApp] http://vm:18891/?token=...', { host: 'vm', tokenMasked: true }],
  ['[I 2026-11-22 11:00:45.091 ServerApp] http://[::1]:18890/?token=...', { host: '::1', baseUrl: 'http://[::1]:18890/' }],
  ['[I 2026-11-22 11:00:45.094 ServerApp] https://127.0.0.1:18889/?token=...', { scheme: 'https', port: 18889, baseUrl: 'https://127.0.0.1:18889/' }],
  ['[I 2024-05-01 09:00:00.123 ServerApp] http://localhost:8888/lab?token=0123456789abcdef0123456789abcdef0123456789abcdef',
    { basePath: '/', token: '0123456789abcdef0123456789abcdef0123456789abcdef' }],
  ['[I 2024-05-01 09:00:00.123 ServerApp]     http://127.0.0.1:8888/lab?token=0123456789abcdef0123456789abcdef0123456789abcdef',
    { baseUrl: 'http://127.0.0.1:8888/', token: '0123456789abcdef0123456789abcdef0123456789abcdef' }],
  ['http://127.0.0.1:8888/tree?token=abc123', { basePath: '/', token: 'abc123' }],
  ['http://(f3a1c2e4b5d6 or 127.0.0.1):8888/?token=9e1f', { host: '127.0.0.1', port: 8888, token: '9e1f', warning: /all interfaces/ }],
  ['[I 12:00:00.000 NotebookApp] The Jupyter Notebook is running at: http://localhost:8888/', { baseUrl: 'http://localhost:8888/', kind: 'notebook' }],
  ['http://localhost:8888/notebooks/work/analysis.ipynb?token=abc', { basePath: '/', token: 'abc', notebookPath: 'work/analysis.ipynb' }],
  ['https://jupyter.example.com:8443/prefix/lab/tree/a%20b.ipynb?token=t0k&reset',
    { scheme: 'https', port: 8443, basePath: '/prefix/', token: 't0k', notebookPath: 'a b.ipynb' }],
  ['https://hub.example.org/user/alice/lab?token=d0a81997deab47b981a8914793a1990f',
    { scheme: 'https', port: 443, baseUrl: 'https://hub.example.org/user/alice/', token: 'd0a81997deab47b981a8914793a1990f',
      kind: 'jupyterhub-singleuser', hub: { url: 'https://hub.example.org/', user: 'alice' } }],
  ['https://hub.example.org/user/alice/gpu-server/lab/tree/x.ipynb',
    { basePath: '/user/alice/gpu-server/', token: null, kind: 'jupyterhub-singleuser', notebookPath: 'x.ipynb',
      hub: { url: 'https://hub.example.org/', user: 'alice', serverName: 'gpu-server' } }],
  ['https://hub.example.org/hub/user-redirect/lab', { baseUrl: 'https://hub.example.org/', kind: 'jupyterhub', warning: /hub\/token/ }],
  ['https://hub.example.org/hub/login?next=%2Fhub%2F', { baseUrl: 'https://hub.example.org/', kind: 'jupyterhub' }],
  ['http://127.0.0.1:18900/user/alice/', { basePath: '/user/alice/', kind: 'jupyterhub-singleuser' }],
  ['http://127.0.0.1:18900/hub/user/alice/lab', { basePath: '/user/alice/', kind: 'jupyterhub-singleuser', hub: { url: 'http://127.0.0.1:18900/', user: 'alice' } }],
  ['https://example.org/jupyter/user/bob/tree', { basePath: '/jupyter/user/bob/', hub: { url: 'https://example.org/jupyter/', user: 'bob' } }],
  ['http://localhost:8888/?token=abc :: /home/u', { token: 'abc', rootDir: '/home/u' }],
  ['localhost:8888', { baseUrl: 'http://localhost:8888/', token: null }],
  ['jupyter.example.com', { baseUrl: 'http://jupyter.example.com/', port: 80 }],
  ['jupyter.example.com:443/lab', { baseUrl: 'https://jupyter.example.com/', port: 443 }],
  ['http://[fe80::1%25eth0]:8888/?token=x', { host: 'fe80::1%eth0', baseUrl: 'http://[fe80::1%25eth0]:8888/', token: 'x', warning: /zone/ }],
  ['http://0.0.0.0:8888/?token=x', { host: '127.0.0.1', token: 'x', warning: /listens on/ }],
  ['http://[::]:8888/?token=x', { host: '127.0.0.1', warning: /listens on/ }],
  ['http://localhost:8888/?reset&token=a%2Bb%2Fc', { token: 'a+b/c' }],
  ['http://localhost:8888/lab#/tree?token=nope', { token: null, basePath: '/' }],
  ['http://localhost:8888/base/url/lab/workspaces/auto-x/tree/dir/n.ipynb?token=t', { basePath: '/base/url/', notebookPath: 'dir/n.ipynb' }],
  ['http://localhost:8888/prefix', { basePath: '/prefix/' }],
  ['http://localhost:8888//double//slash/', { basePath: '/double/slash/' }],
  ['HTTP://LOCALHOST:8888/?token=T', { baseUrl: 'http://localhost:8888/', token: 'T' }],
  ['http://alice:pw@localhost:8888/', { baseUrl: 'http://localhost:8888/', warning: /ignored/ }],
  ['Open http://localhost:8888/?token=abc. Then run.', { token: 'abc' }],
  ['(see http://localhost:8888/?token=abc)', { token: 'abc' }],
  ['<http://[::1]:8888/>', { host: '::1', port: 8888 }],
  ['http://[::1]', { host: '::1', port: 80, baseUrl: 'http://[::1]/' }],
  ['<meta http-equiv="refresh" content="1;url=http://localhost:18881/?token=tok123" />', { token: 'tok123', port: 18881 }],
  ['http+unix://%2Ftmp%2Fjupyter.sock/', { kind: 'unix-socket', baseUrl: 'http+unix://%2Ftmp%2Fjupyter.sock/', warning: /unix socket \/tmp\/jupyter.sock/ }],
];

describe('parseServerText: single lines and URLs (PROTOCOL.md §10.2)', () => {
  for (const [input, expected] of LINES) {
    it(JSON.stringify(input).slice(0, 110), () => check(one(input), expected));
  }
});

describe('parseServerText: server lists (PROTOCOL.md §10.1)', () => {
  it('reads the captured jupyter_server 1.23 list, six servers in order', () => {
    const text = [
      'Currently running servers:',
      'http://localhost:18883/ :: /srv/notebooks',
      'http://localhost:18881/?token=tok123 :: /srv/notebooks',
      'http://localhost:18886/user/alice/?token=tok789 :: /srv/notebooks',
      'https://127.0.0.1:18889/?token=toktls :: /srv/notebooks',
      'http://[::1]:18890/?token=tok6 :: /srv/notebooks',
      'http://vm:18891/?token=tok0 :: /srv/notebooks',
    ].join('\n');
    const { servers } = parseServerText(text);
    assert.deepEqual(
      servers.map((s) => [s.scheme, s.host, s.port, s.basePath, s.token]),
      [
        ['http', 'localhost', 18883, '/', null],
        ['http', 'localhost', 18881, '/', 'tok123'],
        ['http', 'localhost', 18886, '/user/alice/', 'tok789'],
        ['https', '127.0.0.1', 18889, '/', 'toktls'],
        ['http', '::1', 18890, '/', 'tok6'],
        ['http', 'vm', 18891, '/', 'tok0'],
      ],
    );
    assert.ok(servers.every((s) => s.rootDir === '/srv/notebooks'));
    // In a list, /user/alice/ is a base_url the server printed, not a guess at a Hub.
    assert.equal(servers[2].kind, 'unknown');
    assert.equal(servers[2].hub, undefined);
  });

  it('an empty list is an answer, not an error', () => {
    const result = parseServerText('Currently running servers:\n');
    assert.deepEqual(result.servers, []);
    assert.equal(result.sawServerList, true);
  });

  it('splits the root dir on the first " :: " only', () => {
    check(one('Currently running servers:\nhttp://localhost:8888/ :: /home/me/My Notebooks :: old'), {
      rootDir: '/home/me/My Notebooks :: old',
    });
  });

  it('reads a server list whose line breaks an input box dropped (joined by a space or by nothing)', () => {
    const list = 'Currently running servers:\nhttp://127.0.0.1:8888/?token=abc123 :: /home/me/my work\nhttp://127.0.0.1:8889/lab/?token=def456 :: /tmp';
    for (const joined of [list.replace(/\n/g, ' '), list.replace(/\n/g, '')]) {
      const { servers } = parseServerText(joined);
      assert.deepEqual(servers.map((s) => [s.baseUrl, s.token, s.rootDir]), [
        ['http://127.0.0.1:8888/', 'abc123', '/home/me/my work'],
        ['http://127.0.0.1:8889/lab/', 'def456', '/tmp'], // a list line prints the base_url itself
      ], JSON.stringify(joined));
    }
  });

  it('flags a unix socket server', () => {
    const s = one('Currently running servers:\nhttp+unix://%2Ftmp%2Fjupyter.sock/ :: /srv');
    assert.equal(s.kind, 'unix-socket');
    assert.equal(s.socketPath, '/tmp/jupyter.sock');
    assert.equal(s.rootDir, '/srv');
  });

  it('reads --json lines (jupyter_server and notebook)', () => {
    const text = [
      '{"base_url": "/user/alice/", "hostname": "localhost", "password": false, "pid": 6648, "port": 18886, "root_dir": "/srv/notebooks", "secure": false, "sock": "", "token": "tok789", "url": "http://localhost:18886/user/alice/", "version": "1.23.3"}',
      '{"base_url": "/", "hostname": "localhost", "notebook_dir": "/srv/notebooks", "password": true, "pid": 6646, "port": 18884, "secure": false, "sock": "", "token": "", "url": "http://localhost:18884/"}',
    ].join('\n');
    const { servers } = parseServerText(text);
    assert.equal(servers.length, 2);
    check(servers[0], { baseUrl: 'http://localhost:18886/user/alice/', token: 'tok789', version: '1.23.3', kind: 'jupyter-server', rootDir: '/srv/notebooks', passwordRequired: false });
    assert.equal(servers[0].pid, 6648);
    check(servers[1], { baseUrl: 'http://localhost:18884/', token: null, passwordRequired: true, kind: 'notebook', rootDir: '/srv/notebooks' });
  });

  it('reads --jsonlist, and an empty one', () => {
    const list = JSON.stringify([
      { base_url: '/', hostname: '127.0.0.1', password: false, pid: 1, port: 18889, root_dir: '/r', secure: true, sock: '', token: 'toktls', url: 'https://127.0.0.1:18889/', version: '2.14.0' },
      { base_url: '/', hostname: '0.0.0.0', password: false, pid: 2, port: 18891, root_dir: '/r', secure: false, sock: '', token: 'tok0', url: 'http://vm:18891/', version: '1.23.3' },
    ], null, 2);
    const { servers } = parseServerText(list);
    check(servers[0], { scheme: 'https', token: 'toktls', kind: 'jupyter-server' });
    check(servers[1], { host: 'vm', warning: /all interfaces \(0\.0\.0\.0\)/ });
    const empty = parseServerText('[]');
    assert.deepEqual(empty.servers, []);
    assert.equal(empty.sawServerList, true);
  });

  it('reads a runtime file with only hostname and port (IPython 3 era)', () => {
    check(one('{"hostname": "localhost", "port": 8888, "secure": false, "base_url": "/x", "notebook_dir": "/n", "pid": 5}'), {
      baseUrl: 'http://localhost:8888/x/', kind: 'notebook', rootDir: '/n',
    });
  });

  it('reads a runtime file served on a unix socket', () => {
    const s = one('{"base_url": "/", "hostname": "localhost", "port": 0, "sock": "/run/j.sock", "token": "t", "url": "http://localhost:0/", "pid": 3}');
    check(s, { kind: 'unix-socket', token: 't' });
    assert.equal(s.socketPath, '/run/j.sock');
  });

  it('says what a kernel connection file is', () => {
    const r = parseServerText('{"shell_port": 1, "iopub_port": 2, "ip": "127.0.0.1", "key": "k", "transport": "tcp"}');
    assert.equal(r.servers.length, 0);
    assert.match(r.problems[0], /kernel connection file/);
  });
});

describe('parseServerText: whole startup logs fold to one server per server', () => {
  it('jupyter_server with a generated token: log lines, " or " line and the [C] block are one server', () => {
    const log = [
      '[I 2026-11-22 10:46:39.909 ServerApp] Jupyter Server 1.23.3 is running at:',
      `[I 2026-11-22 10:46:39.909 ServerApp] http://localhost:18887/?token=${TOKEN48}`,
      `[I 2026-11-22 10:46:39.909 ServerApp]  or http://127.0.0.1:18887/?token=${TOKEN48}`,
      '[I 2026-11-22 10:46:39.909 ServerApp] Use Control-C to stop this server and shut down all kernels (twice to skip confirmation).',
      '[C 2026-11-22 10:46:39.911 ServerApp] ',
      '    ',
      '    To access the server, open this file in a browser:',
      '        file://~/.local/share/jupyter/runtime/jpserver-6706-open.html',
      '    Or copy and paste one of these URLs:',
      `        http://localhost:18887/?token=${TOKEN48}`,
      `     or http://127.0.0.1:18887/?token=${TOKEN48}`,
    ].join('\r\n');
    const { servers } = parseServerText(log);
    assert.equal(servers.length, 1, JSON.stringify(servers));
    check(servers[0], { baseUrl: 'http://localhost:18887/', token: TOKEN48, kind: 'jupyter-server' });
    assert.deepEqual(servers[0].alternatives, ['http://127.0.0.1:18887/']);
  });

  it('a masked --ip=0.0.0.0 log: the machine name and 127.0.0.1 are named as one server', () => {
    const { servers } = parseServerText([
      '[I 2026-11-22 11:00:44.999 ServerApp] http://vm:18891/?token=...',
      '[I 2026-11-22 11:00:44.999 ServerApp]  or http://127.0.0.1:18891/?token=...',
    ].join('\n'));
    assert.equal(servers.length, 1);
    check(servers[0], { host: 'vm', tokenMasked: true });
    assert.deepEqual(servers[0].alternatives, ['http://127.0.0.1:18891/']);
  });

  it('a masked log line and a list line with the token are one server, and the token fills in', () => {
    const { servers } = parseServerText([
      '[I 2026-11-22 10:46:31.397 ServerApp] http://localhost:18881/?token=...',
      'Currently running servers:',
      'http://localhost:18881/?token=tok123 :: /srv',
    ].join('\n'));
    assert.equal(servers.length, 1);
    check(servers[0], { token: 'tok123', tokenMasked: false, rootDir: '/srv' });
    assert.ok(!servers[0].warnings.some((w) => w.includes('hidden')), 'the masked-token warning goes once the token is known');
  });

  it('different hosts on one port without an " or " are kept apart', () => {
    const { servers } = parseServerText('http://vm:8888/\nhttp://10.0.0.5:8888/');
    assert.equal(servers.length, 2);
  });

  it('different tokens on one loopback port are different servers', () => {
    const { servers } = parseServerText('http://localhost:8888/?token=a\nhttp://127.0.0.1:8888/?token=b');
    assert.equal(servers.length, 2);
  });

  it('different base_urls on one host are different servers', () => {
    const { servers } = parseServerText('http://localhost:8888/user/a/?token=x\nhttp://localhost:8888/user/b/?token=y');
    assert.deepEqual(servers.map((s) => s.basePath), ['/user/a/', '/user/b/']);
  });

  it('a JupyterHub start-up line is a Hub root', () => {
    check(one('[I 2026-11-22 10:00:00.000 JupyterHub app:3297] JupyterHub is now running at http://127.0.0.1:18900/'), {
      kind: 'jupyterhub', baseUrl: 'http://127.0.0.1:18900/',
    });
  });

  it('reads the token URL out of a local *-open.html the log points at', () => {
    const r = parseServerText('        file:///run/jp/jpserver-6706-open.html', {
      readLocalFile: (p) => (p === '/run/jp/jpserver-6706-open.html' ? '<meta http-equiv="refresh" content="1;url=http://localhost:18881/?token=tok123" />' : undefined),
    });
    check(r.servers[0], { token: 'tok123', port: 18881 });
  });

  it('a file:// link it cannot read is a problem that says what to do', () => {
    const r = parseServerText('file://~/.local/share/jupyter/runtime/jpserver-6706-open.html');
    assert.equal(r.servers.length, 0);
    assert.match(r.problems[0], /server's machine/);
  });
});

describe('parseServerText: input with no server', () => {
  const cases: [string, RegExp][] = [
    ['', /empty/],
    ['   \n\t', /empty/],
    ['ftp://files.example.org/pub', /ftp:\/\/ is not a Jupyter server address/],
    ['hello world', /No Jupyter server address/],
    ['ServerApp', /No Jupyter server address/],
    ['notebook.ipynb\nsomething else', /No Jupyter server address/],
    ['{"a": 1}', /No Jupyter server address/],
  ];
  for (const [input, reason] of cases) {
    it(`${JSON.stringify(input)} gives a clear reason`, () => {
      const r = parseServerText(input);
      assert.equal(r.servers.length, 0);
      assert.equal(r.sawServerList, false);
      assert.match(r.problems[0], reason);
    });
  }

  it('messages never repeat a token from the input', () => {
    const r = parseServerText('ftp://host/?token=supersecret123');
    assert.ok(!r.problems.join(' ').includes('supersecret123'));
    const bad = parseServerText('http://host:99999999/?token=supersecret123');
    assert.equal(bad.servers.length, 0);
    assert.match(bad.problems[0], /not a valid URL/);
    assert.ok(!bad.problems.join(' ').includes('supersecret123'));
  });
});
