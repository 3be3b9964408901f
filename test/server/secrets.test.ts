import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { listKernels, probeServer, shutdownKernel, startKernel } from '../../src/core/api';
import { HttpSession } from '../../src/core/http';
import { KernelConnection, NotebookOutputs } from '../../src/core/kernel';
import { Logger } from '../../src/core/util/logger';
import { FaultProxy, startFaultProxy } from './fixtures/fault-proxy';
import { RunningJupyter, startJupyter } from './fixtures/jupyter';

const run = promisify(execFile);

/**
 * A whole session at the most verbose level — token and password logins, cells, an error, input()
 * and getpass(), a dropped connection and its reconnect, an interrupt, a forced re-login, wrong
 * credentials, and the CLI with --verbose — then every place text went is searched for every secret:
 * our log lines, error messages, the CLI's stdout and stderr, and the servers' own --debug logs
 * (which record each URL we asked for).
 */
describe('secrets: a whole session at the most verbose level leaks nothing', function () {
  this.timeout(180000);
  const TOKEN = 'tok-a91f0c3e5d7b4e22b8f6';
  const PASSWORD = 'pw-Correct-Horse-7731';
  const GETPASS = 'getpass-answer-5a0e';
  let tokenServer: RunningJupyter;
  let passwordServer: RunningJupyter;
  let proxy: FaultProxy;
  const lines: string[] = [];
  const logger: Logger = {
    trace: (m) => lines.push(m),
    debug: (m) => lines.push(m),
    info: (m) => lines.push(m),
    warn: (m) => lines.push(m),
    error: (m) => lines.push(m),
  };
  const texts: { where: string; text: string }[] = [];
  const cookieValues = new Set<string>();
  let serverLogStart: [number, number] = [0, 0];
  let sessionRan = false;

  before(async () => {
    [tokenServer, passwordServer] = await Promise.all([
      startJupyter({ flavor: 'server', token: TOKEN, extraArgs: ['--debug'] }),
      startJupyter({ flavor: 'notebook', token: '', password: PASSWORD, extraArgs: ['--debug'] }),
    ]);
    proxy = await startFaultProxy(tokenServer.port);
    // Their startup banners print their own URLs (with the token): only what follows is ours to judge.
    serverLogStart = [tokenServer.log().length, passwordServer.log().length];
  });
  after(async () => {
    await proxy?.close();
    await Promise.all([tokenServer?.stop(), passwordServer?.stop()]);
  });

  async function recordCookies(session: HttpSession) {
    const headers = await session.websocketHeaders(session.url('api/kernels'));
    for (const pair of (headers.Cookie ?? '').split(';')) {
      const value = pair.split('=').slice(1).join('=').trim();
      if (value.length >= 8) cookieValues.add(value);
    }
  }

  async function cells(session: HttpSession, where: string, withCut: boolean) {
    const { id } = await startKernel(session, 'python3');
    const conn = await KernelConnection.connect({ session, kernelId: id, reconnectBaseDelayMs: 50 });
    try {
      const nb = new NotebookOutputs();
      const made: ReturnType<NotebookOutputs['cell']>[] = [];
      const cell = () => {
        const c = nb.cell();
        made.push(c);
        return c;
      };
      await conn.execute('print("hello")', { outputs: cell() }).done;
      await conn.execute('1 / 0', { outputs: cell() }).done;
      await conn.execute('name = input("name? ")\nimport getpass\nsecret = getpass.getpass("pass? ")\nprint(name, len(secret))', {
        outputs: cell(),
        onStdin: async (r) => (r.password ? GETPASS : 'Ada'),
      }).done;
      if (withCut) {
        const streaming = conn.execute('import time\nfor i in range(80):\n    print(i, flush=True)\n    time.sleep(0.01)', { outputs: cell() });
        setTimeout(() => proxy.cut(), 300);
        await streaming.done;
      }
      const sleeping = conn.execute('import time\ntime.sleep(30)', { outputs: cell() });
      await new Promise((r) => setTimeout(r, 300));
      await conn.interrupt();
      await sleeping.done;
      texts.push({ where: `${where}: cell outputs`, text: JSON.stringify(made.map((c) => c.toJSON())) });
    } finally {
      await conn.dispose();
      await shutdownKernel(session, id);
    }
  }

  async function failure(where: string, run: () => Promise<unknown>) {
    try {
      await run();
      assert.fail(`${where}: expected a failure`);
    } catch (e) {
      texts.push({ where: `${where}: error message`, text: `${(e as Error).name}: ${(e as Error).message}` });
    }
  }

  it('runs the session (token through a proxy that drops the connection; password with a forced re-login; wrong credentials)', async () => {
    const tokenSession = new HttpSession({ baseUrl: `http://127.0.0.1:${proxy.port}/`, credentials: { token: TOKEN }, logger });
    await probeServer(tokenSession);
    await cells(tokenSession, 'token server', true);
    await recordCookies(tokenSession);
    await tokenSession.close();

    const pwSession = new HttpSession({ baseUrl: passwordServer.url, credentials: { password: PASSWORD }, logger });
    await probeServer(pwSession);
    await listKernels(pwSession);
    await recordCookies(pwSession);
    await cells(pwSession, 'password server', false);
    await pwSession.relogin();
    await recordCookies(pwSession);
    await listKernels(pwSession);
    await pwSession.close();

    const wrongToken = new HttpSession({ baseUrl: tokenServer.url, credentials: { token: `${TOKEN}-wrong` }, logger });
    await failure('wrong token', () => listKernels(wrongToken));
    await wrongToken.close();
    const wrongPassword = new HttpSession({ baseUrl: passwordServer.url, credentials: { password: `${PASSWORD}-wrong` }, logger });
    await failure('wrong password', () => listKernels(wrongPassword));
    await wrongPassword.close();
    assert.ok(cookieValues.size >= 2, `login and _xsrf cookies were seen (${cookieValues.size})`);
    assert.ok(lines.some((l) => /reconnect/i.test(l)), 'the session included a reconnect');
    sessionRan = true;
  });

  it('and the CLI with --verbose: check and run with the token in the URL, the password in the environment, and a wrong token', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jr-secrets-'));
    const nb = path.join(dir, 'nb.ipynb');
    writeFileSync(nb, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: ['print("hi")', 'x = input("x? ")', '1/0'].map((source) => ({ cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null })) }));
    const cli = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
      const r = await run(process.execPath, [path.resolve('dist/cli.js'), ...args], { env: { ...process.env, ...env }, timeout: 120000 }).catch((e: { stdout: string; stderr: string }) => e);
      texts.push({ where: `jupyter-remote ${args[0]}: stdout`, text: r.stdout }, { where: `jupyter-remote ${args[0]}: stderr`, text: r.stderr });
      return r;
    };
    const check = await cli(['check', `${tokenServer.url}lab?token=${TOKEN}`, '--verbose']);
    assert.match(check.stderr, /\[trace\] GET \/api/, 'verbose lines were written');
    await cli(['run', nb, '--url', `${tokenServer.url}?token=${TOKEN}`, '--out', path.join(dir, 'out.ipynb'), '--allow-errors', '--verbose']);
    texts.push({ where: 'jupyter-remote run: the written notebook', text: readFileSync(path.join(dir, 'out.ipynb'), 'utf8') });
    await cli(['check', passwordServer.url, '--verbose'], { JUPYTER_PASSWORD: PASSWORD });
    const wrong = await cli(['check', `${tokenServer.url}?token=${TOKEN}x`, '--verbose']);
    assert.match(wrong.stderr, /token/i, 'the wrong token is reported');
  });

  it('no token, password, getpass answer or login cookie appears anywhere', () => {
    assert.ok(sessionRan, 'the session ran to its end');
    texts.push({ where: 'our log', text: lines.join('\n') });
    texts.push({ where: "the token server's --debug log", text: tokenServer.log().slice(serverLogStart[0]) });
    texts.push({ where: "the password server's --debug log", text: passwordServer.log().slice(serverLogStart[1]) });
    const secrets = [TOKEN, encodeURIComponent(TOKEN), PASSWORD, encodeURIComponent(PASSWORD), GETPASS, ...cookieValues];
    const found: string[] = [];
    for (const { where, text } of texts) for (const s of secrets) if (text.includes(s)) found.push(`${where} holds ${s.slice(0, 6)}…`);
    const scanned = texts.reduce((n, t) => n + t.text.split('\n').length, 0);
    console.log(`      secrets audit: ${texts.length} texts, ${scanned} lines, ${lines.length} of our log lines, ${secrets.length} secret values (${cookieValues.size} cookies) — found ${found.length}`);
    assert.deepEqual(found, []);
    // The servers saw our requests (so the scan of their logs means something).
    assert.match(texts.at(-2)?.text ?? '', /GET \/api\/kernels/);
    assert.match(texts.at(-1)?.text ?? '', /POST \/login/);
  });
});
