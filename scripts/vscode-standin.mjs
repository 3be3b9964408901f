#!/usr/bin/env node
// A stand-in for the `code` executable, so @vscode/test-electron (`runTests({ vscodeExecutablePath })`)
// and @vscode/test-cli (`useInstallation: { fromPath }`) run extension tests unchanged in code-server
// 4.100.3 (a real VS Code 1.100.3 with a Node extension host), driven by Debian's chromium: no desktop
// VS Code can be downloaded on these machines (shared/E2E.md).
//
//   scripts/vscode-standin.mjs [folder] --extensionDevelopmentPath=DIR --extensionTestsPath=FILE
//       [--user-data-dir=DIR] [--extensions-dir=DIR]     → exit code = the tests' result
//   scripts/vscode-standin.mjs --install-extension X.vsix | --list-extensions | --version
//       [--extensions-dir=DIR]                           → passed to code-server's own CLI
//
// Flags of the desktop app that mean nothing here (--no-sandbox, --disable-gpu-sandbox, …) are accepted
// and ignored. The extension host's console goes to stdout. Environment:
//   VSCODE_STANDIN_SCREENSHOT=FILE   save the workbench's end state as a PNG
//   VSCODE_STANDIN_TIMEOUT_MS=N      give up (exit 1) after N ms; default 20 minutes
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { format } from 'node:util';
import { installCodeServer, launchChromium, startCodeServer, workbenchUrl } from './code-server.mjs';

const VALUE_FLAGS = new Set(['extensionDevelopmentPath', 'extensionTestsPath', 'user-data-dir', 'extensions-dir', 'install-extension', 'uninstall-extension', 'locale']);
const PASS_THROUGH = ['install-extension', 'uninstall-extension', 'list-extensions', 'version', 'help'];

function parseArgs(argv) {
  const flags = new Map();
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    let value = eq < 0 ? undefined : arg.slice(eq + 1);
    if (value === undefined && VALUE_FLAGS.has(name) && i + 1 < argv.length) value = argv[++i];
    flags.set(name, [...(flags.get(name) ?? []), value ?? true]);
  }
  return { flags, positional };
}

const { flags, positional } = parseArgs(process.argv.slice(2));
const one = (name) => flags.get(name)?.at(-1);

if (PASS_THROUGH.some((f) => flags.has(f))) {
  const args = [installCodeServer()];
  for (const f of PASS_THROUGH) for (const v of flags.get(f) ?? []) args.push(`--${f}`, ...(v === true ? [] : [v]));
  if (one('extensions-dir')) args.push('--extensions-dir', path.resolve(one('extensions-dir')));
  if (one('user-data-dir')) args.push('--user-data-dir', path.resolve(one('user-data-dir')));
  process.exit(spawnSync(process.execPath, args, { stdio: 'inherit' }).status ?? 1);
}

const testsPath = one('extensionTestsPath');
if (!testsPath) {
  console.error('vscode-standin: only extension test runs are supported: give --extensionTestsPath (and --extensionDevelopmentPath).');
  process.exit(2);
}

async function main() {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'vscode-standin-'));
  const folder = positional[0] ? path.resolve(positional[0]) : path.join(stateDir, 'workspace');
  mkdirSync(folder, { recursive: true });
  let server;
  let browser;
  const cleanUp = async () => {
    await browser?.close().catch(() => undefined);
    server?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => void cleanUp().then(() => process.exit(130)));
  }
  try {
    server = await startCodeServer({
      stateDir,
      userDataDir: one('user-data-dir') && path.resolve(one('user-data-dir')),
      extensionsDir: one('extensions-dir') && path.resolve(one('extensions-dir')),
      folder,
    });
    const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${path.resolve(p)}`;
    const payload = [
      ...(flags.get('extensionDevelopmentPath') ?? []).map((p) => ['extensionDevelopmentPath', remote(p)]),
      ['extensionTestsPath', remote(testsPath)],
      ['skipWelcome', 'true'],
    ];
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    let resolveExit;
    const exited = new Promise((r) => (resolveExit = r));
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      const line = format(...(Array.isArray(args) ? args : [args]));
      if (!/ENOTFOUND open-vsx|Failed to load resource/.test(line)) console.log(line);
    });
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(code));
    await page.goto(workbenchUrl(server.origin, folder, payload));
    const timeoutMs = Number(process.env.VSCODE_STANDIN_TIMEOUT_MS) || 20 * 60000;
    let timer;
    const timedOut = new Promise((r) => {
      timer = setTimeout(() => {
        console.error(`vscode-standin: the tests gave no result within ${Math.round(timeoutMs / 1000)} s`);
        r(1);
      }, timeoutMs);
    });
    const code = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    const shot = process.env.VSCODE_STANDIN_SCREENSHOT;
    if (shot) {
      mkdirSync(path.dirname(path.resolve(shot)), { recursive: true });
      await page.screenshot({ path: shot }).catch(() => undefined);
    }
    if (code !== 0) console.error(`vscode-standin: code-server's log (end):\n${server.log().slice(-4000)}`);
    return code;
  } finally {
    await cleanUp();
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`vscode-standin: ${e?.message ?? e}`);
    process.exit(1);
  },
);
