// Runs the extension-host tests inside a real VS Code: code-server 4.100.3 (VS Code 1.100.3) driven
// by playwright-core and Debian's chromium (shared/E2E.md), against real Jupyter servers.
//
//   npx tsx test/extension/run.ts        (npm run test:extension)
//
// Exit code = result. The workbench's end state is saved as test-results/extension-host.png.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { freePort, RunningJupyter, startJupyter } from '../server/fixtures/jupyter';

const root = path.resolve(__dirname, '../..');

async function buildTests(): Promise<string> {
  const outdir = path.join(root, 'out', 'test', 'extension');
  await esbuild.build({
    entryPoints: [path.join(__dirname, 'index.ts'), path.join(__dirname, 'extension.test.ts')],
    outdir,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return path.join(outdir, 'index.js');
}

function findFiles(dir: string, match: (file: string) => boolean): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => (e.isDirectory() ? findFiles(path.join(dir, e.name), match) : match(e.name) ? [path.join(dir, e.name)] : []));
}

async function waitForHealth(port: number, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer /healthz on port ${port} within ${timeoutMs / 1000} s`);
}

async function main(): Promise<number> {
  const { installCodeServer } = (await import(path.join(root, 'scripts', 'code-server.mjs'))) as { installCodeServer(): string };
  const codeServer = installCodeServer();
  const testsIndex = await buildTests();

  const jupyters: RunningJupyter[] = [];
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'jr-ext-'));
  const workspace = path.join(tmp, 'workspace');
  mkdirSync(workspace, { recursive: true });
  writeFileSync(path.join(workspace, 'README.md'), 'Extension-host test workspace\n');
  let child: ReturnType<typeof spawn> | undefined;
  let browser: Awaited<ReturnType<typeof chromium.launch>> | undefined;
  try {
    const token = await startJupyter({ flavor: 'server' });
    jupyters.push(token);
    const port = await freePort();
    const env = {
      ...process.env,
      XDG_CONFIG_HOME: path.join(tmp, 'config'),
      XDG_DATA_HOME: path.join(tmp, 'data'),
      JR_TEST_SERVERS: JSON.stringify({ token: { url: token.url, token: token.token, flavor: token.flavor } }),
    };
    child = spawn(process.execPath, [
      codeServer, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
      '--disable-workspace-trust', '--disable-getting-started-override', '--user-data-dir', path.join(tmp, 'user-data'),
      '--extensions-dir', path.join(tmp, 'extensions'), workspace,
    ], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let serverLog = '';
    child.stdout!.on('data', (d: Buffer) => (serverLog += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (serverLog += d.toString()));
    await waitForHealth(port, 60000);

    const payload = [
      ['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${root}`],
      ['extensionTestsPath', `vscode-remote://127.0.0.1:${port}${testsIndex}`],
      ['skipWelcome', 'true'],
    ];
    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    let resolveExit!: (code: number) => void;
    const exited = new Promise<number>((r) => (resolveExit = r));
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
      const line = (Array.isArray(args) ? args : [args]).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
      if (!/ENOTFOUND open-vsx|Failed to load resource/.test(line)) console.log(line);
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(code));
    await page.goto(url);
    const timeout = new Promise<number>((r) => setTimeout(() => {
      console.error('extension-host tests: no result after 10 minutes');
      r(1);
    }, 600000));
    const code = await Promise.race([exited, timeout]);
    mkdirSync(path.join(root, 'test-results'), { recursive: true });
    await page.screenshot({ path: path.join(root, 'test-results', 'extension-host.png') }).catch(() => undefined);
    if (code !== 0) console.error(`code-server log:\n${serverLog.slice(-4000)}`);
    // Our LogOutputChannel's file: how long activation took, and proof that no secret reached it.
    const logs = findFiles(path.join(tmp, 'user-data', 'logs'), (f) => f.endsWith('Jupyter Remote.log'));
    const logText = logs.map((f) => readFileSync(f, 'utf8')).join('\n');
    const activation = /activated in ([\d.]+) ms/.exec(logText);
    console.log(`extension log: ${logs.length} file(s), ${logText.split('\n').length} lines; activation ${activation ? `${activation[1]} ms` : 'not logged'}`);
    if (!logText) {
      console.error('extension-host tests: the extension wrote no log');
      return 1;
    }
    if (logText.includes(token.token)) {
      console.error('extension-host tests: the server token appears in the extension log');
      return 1;
    }
    return code;
  } finally {
    await browser?.close().catch(() => undefined);
    if (child?.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await Promise.all(jupyters.map((j) => j.stop()));
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`extension-host tests: ${(e as Error).stack ?? String(e)}`);
    process.exit(1);
  },
);
