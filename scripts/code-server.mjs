// Installs code-server (a real VS Code with a Node extension host) and Debian's chromium for the
// extension-host tests and UI journeys, offline except for npm and Debian (shared/E2E.md), and caches
// the install outside the clone. Prints the code-server entry point. Plain Node, no dependencies.
//
//   node scripts/code-server.mjs          install if needed, print the path of bin/code-server
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(installCodeServer());
}
