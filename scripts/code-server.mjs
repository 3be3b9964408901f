// Installs code-server (a real VS Code with a Node extension host) and Debian's chromium for the
// extension-host tests and UI journeys, offline except for npm and Debian (shared/E2E.md), and caches
// the install outside the clone; starts code-server and chromium for them. Plain Node, no dependencies
// (playwright-core is imported only by launchChromium).
//
//   node scripts/code-server.mjs          install if needed, print the path of code-server's entry point
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';
const DEBIAN_PACKAGES = ['chromium', 'ripgrep', 'libkrb5-dev'];
const cacheRoot = process.env.JR_CACHE_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'jupyter-remote');
export const installDir = path.join(cacheRoot, `code-server-${CODE_SERVER_VERSION}`);
const pkgDir = path.join(installDir, 'node_modules', 'code-server');
export const codeServerBin = path.join(pkgDir, 'out', 'node', 'entry.js');
const doneMarker = path.join(installDir, '.installed');

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options, env: { ...process.env, ...options.env } });
  if (r.status !== 0) {
    console.error(`code-server install: \`${[cmd, ...args].join(' ')}\` failed (exit ${r.status ?? r.signal}) in ${options.cwd ?? process.cwd()}.`);
    process.exit(1);
  }
}

function ensureDebianPackages() {
  const missing = ['/usr/bin/chromium', '/usr/bin/rg', '/usr/include/krb5.h'].some((f) => !existsSync(f));
  if (!missing) return;
  const isRoot = process.getuid?.() === 0;
  const prefix = isRoot ? [] : ['sudo', '-n'];
  if (!isRoot && spawnSync('sudo', ['-n', 'true']).status !== 0) {
    console.error(`code-server install: needs ${DEBIAN_PACKAGES.join(' ')}: sudo apt-get install -y ${DEBIAN_PACKAGES.join(' ')}`);
    process.exit(1);
  }
  const apt = (...args) => (prefix.length ? run(prefix[0], [...prefix.slice(1), 'apt-get', ...args], { env: { DEBIAN_FRONTEND: 'noninteractive' } }) : run('apt-get', args, { env: { DEBIAN_FRONTEND: 'noninteractive' } }));
  apt('update', '-qq');
  apt('install', '-y', '-qq', '--no-install-recommends', ...DEBIAN_PACKAGES);
}

export function installCodeServer() {
  ensureDebianPackages();
  if (existsSync(doneMarker) && existsSync(codeServerBin)) return codeServerBin;
  console.error(`code-server install: installing code-server ${CODE_SERVER_VERSION} into ${installDir} (a few minutes, once)`);
  rmSync(installDir, { recursive: true, force: true });
  mkdirSync(installDir, { recursive: true });
  writeFileSync(path.join(installDir, 'package.json'), JSON.stringify({ name: 'code-server-cache', private: true }));
  const quiet = { npm_config_audit: 'false', npm_config_fund: 'false', npm_config_loglevel: 'error' };
  // Its postinstall downloads ripgrep from GitHub, which is unreachable here: install without scripts.
  run('npm', ['install', '--ignore-scripts', `code-server@${CODE_SERVER_VERSION}`], { cwd: installDir, env: quiet });
  run('npm', ['rebuild', 'argon2'], { cwd: installDir, env: quiet });
  const vscodeDir = path.join(pkgDir, 'lib', 'vscode');
  run('npm', ['install', '--omit=dev', '--ignore-scripts'], { cwd: vscodeDir, env: quiet });
  const rg = path.join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg');
  mkdirSync(path.dirname(rg), { recursive: true });
  rmSync(rg, { force: true });
  symlinkSync('/usr/bin/rg', rg);
  // node-pty's build calls npx, which this machine's npm answers "no" unless told yes.
  run('npm', ['rebuild'], { cwd: vscodeDir, env: { ...quiet, npm_config_yes: 'true' } });
  // postinstall.sh checks Node's version and picks npm from the user agent npm would have set.
  const userAgent = `npm/${spawnSync('npm', ['--version'], { encoding: 'utf8' }).stdout.trim()} node/${process.version} ${process.platform} ${process.arch}`;
  run('sh', ['postinstall.sh'], { cwd: pkgDir, env: { ...quiet, npm_config_yes: 'true', npm_config_unsafe_perm: 'true', npm_config_user_agent: userAgent } });
  const version = spawnSync(process.execPath, [codeServerBin, '--version'], { encoding: 'utf8' });
  if (!version.stdout?.includes(CODE_SERVER_VERSION)) {
    console.error(`code-server install: the installed code-server does not run: ${version.stderr || version.stdout}`);
    process.exit(1);
  }
  writeFileSync(doneMarker, `${version.stdout.trim()}\n`);
  return codeServerBin;
}

/** A free loopback port. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts code-server on a free loopback port without auth, telemetry, update checks, workspace trust
 * or the welcome page, with its own user-data and extensions dirs and XDG dirs under `stateDir`, and
 * the given user settings.
 * Resolves once `/healthz` answers.
 */
export async function startCodeServer({ stateDir, userDataDir = path.join(stateDir, 'user-data'), extensionsDir, env = {}, folder, settings }) {
  const entry = installCodeServer();
  const port = await freePort();
  mkdirSync(stateDir, { recursive: true });
  if (settings) {
    mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
    writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  }
  const args = [
    entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir ?? path.join(stateDir, 'extensions'),
  ];
  if (folder) args.push(folder);
  const child = spawn(process.execPath, args, {
    env: { ...process.env, XDG_CONFIG_HOME: path.join(stateDir, 'config'), XDG_DATA_HOME: path.join(stateDir, 'data'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let log = '';
  const collect = (d) => {
    log += d.toString();
    if (log.length > 200000) log = log.slice(-100000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let exited = false;
  child.on('exit', () => (exited = true));
  const stop = () => {
    if (exited || !child.pid) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const end = Date.now() + 60000;
  for (;;) {
    if (exited) throw new Error(`code-server exited at start:\n${log.slice(-3000)}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > end) {
      stop();
      throw new Error(`code-server did not answer /healthz on port ${port} within 60 s:\n${log.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { port, origin: `http://127.0.0.1:${port}`, pid: child.pid, log: () => log, stop };
}

/** The workbench URL for a folder, with optional settings of the kind the desktop takes on its command line. */
export function workbenchUrl(origin, folder, payload) {
  let url = `${origin}/?folder=${encodeURIComponent(folder)}`;
  if (payload?.length) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

/** Debian's chromium through playwright-core (no browser download). */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(installCodeServer());
}
