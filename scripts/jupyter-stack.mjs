// Today's Jupyter stack (jupyter_server 2, ipykernel 7, Notebook 7, JupyterLab 4) in a venv of ours,
// pinned by requirements/jupyter-current.txt. Installed outside the clone under the cache dir, keyed by
// the requirements file's hash, so clones share it and a changed pin installs afresh. Plain Node, no
// dependencies: bootstrap runs it before `npm ci`.
//   node scripts/jupyter-stack.mjs    install if needed, print the venv's path
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const requirementsFile = path.join(here, '..', 'requirements', 'jupyter-current.txt');
const cacheRoot = process.env.JR_CACHE_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'jupyter-remote');
const hash = createHash('sha256').update(readFileSync(requirementsFile)).digest('hex').slice(0, 12);
/** The venv: `bin/jupyter-server`, `bin/jupyter-lab`, `bin/jupyter-notebook`, `bin/python`. */
export const currentStackDir = path.join(cacheRoot, `jupyter-current-${hash}`);
const doneMarker = path.join(currentStackDir, '.installed');

/** Debian's python3 (the venv module comes from python3-venv); any python3 on PATH otherwise. */
function basePython() {
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...options });
  if (r.status !== 0) {
    throw new Error(`\`${[cmd, ...args].join(' ')}\` failed (exit ${r.status ?? r.signal}):\n${(r.stderr || r.stdout || '').slice(-3000)}`);
  }
  return r.stdout;
}

/**
 * pip's index arguments: the indexes pip is configured with (`pip config list`), the first as the only
 * index. pip's default index is unreachable on these machines and would make it wait minutes before
 * falling back to the configured ones. With no index configured, pip's own default is used.
 */
export function pipIndexArgs(pip) {
  const config = run(pip, ['config', 'list'], { env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' } });
  const urls = [];
  for (const line of config.split('\n')) {
    const m = /^[^=]*\.(?:extra-)?index-url='(.*)'$/.exec(line.trim());
    if (m) for (const url of m[1].split(/\s+/)) if (url && !urls.includes(url)) urls.push(url);
  }
  if (!urls.length) return [];
  return ['--index-url', urls[0], ...urls.slice(1).flatMap((u) => ['--extra-index-url', u])];
}

/** Installs the stack when it is missing or half-installed; returns the venv's path. */
export function installCurrentStack() {
  if (existsSync(doneMarker)) return currentStackDir;
  rmSync(currentStackDir, { recursive: true, force: true }); // a venv is not relocatable: build it in place, mark it when whole
  console.error(`jupyter stack: installing requirements/jupyter-current.txt into ${currentStackDir} (about 30 s, once)`);
  try {
    run(basePython(), ['-m', 'venv', currentStackDir]);
    const pip = path.join(currentStackDir, 'bin', 'pip');
    run(pip, ['install', '--quiet', '--disable-pip-version-check', ...pipIndexArgs(pip), '-r', requirementsFile]);
    run(path.join(currentStackDir, 'bin', 'jupyter-server'), ['--version']);
  } catch (e) {
    rmSync(currentStackDir, { recursive: true, force: true });
    throw e;
  }
  writeFileSync(doneMarker, `${new Date().toISOString()}\n`);
  return currentStackDir;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    console.log(installCurrentStack());
  } catch (e) {
    console.error(`jupyter stack: ${e.message}`);
    process.exit(1);
  }
}
