// Makes a fresh clone runnable: installs the npm dependencies and the Debian packages the tests and
// the demo need, when they are missing. Plain Node with no dependencies, so it runs before `npm ci`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { installCurrentStack } from './jupyter-stack.mjs';

/**
 * Debian packages: real Jupyter servers (the 2022 stack), a JupyterHub and a Python kernel for tests and the demo;
 * python3-venv for the venv of today's stack (scripts/jupyter-stack.mjs); openssl for test certificates;
 * pandas, numpy and psutil for the kernel's variables, data viewer and resources on Debian's stack.
 */
export const DEBIAN_PACKAGES = ['jupyter-server', 'jupyter-notebook', 'python3-ipykernel', 'jupyterhub', 'python3-venv', 'openssl', 'python3-pandas', 'python3-numpy', 'python3-psutil'];
const NEEDED_FILES = ['/usr/bin/jupyter-server', '/usr/bin/jupyter-notebook', '/usr/share/jupyter/kernels/python3/kernel.json', '/usr/bin/jupyterhub', '/usr/lib/python3.11/ensurepip/__init__.py', '/usr/bin/openssl', '/usr/lib/python3/dist-packages/pandas/__init__.py', '/usr/lib/python3/dist-packages/numpy/__init__.py', '/usr/lib/python3/dist-packages/psutil/__init__.py'];

function sh(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...options });
  if (r.status !== 0) {
    console.error(`bootstrap: \`${[cmd, ...args].join(' ')}\` failed (exit ${r.status}).`);
    process.exit(r.status ?? 1);
  }
}

const missing = NEEDED_FILES.filter((f) => !existsSync(f));
if (missing.length) {
  const isRoot = process.getuid?.() === 0;
  const hasSudo = !isRoot && spawnSync('sudo', ['-n', 'true']).status === 0;
  if (!isRoot && !hasSudo) {
    console.error(`bootstrap: missing ${missing.join(', ')}. Install them with:\n  sudo apt-get update && sudo apt-get install -y ${DEBIAN_PACKAGES.join(' ')}`);
    process.exit(1);
  }
  const prefix = isRoot ? [] : ['sudo', '-n'];
  console.log(`bootstrap: installing ${DEBIAN_PACKAGES.join(' ')} from Debian`);
  const apt = (...args) => (prefix.length ? sh(prefix[0], [...prefix.slice(1), 'apt-get', ...args]) : sh('apt-get', args));
  apt('update', '-qq');
  apt('install', '-y', '-qq', '--no-install-recommends', ...DEBIAN_PACKAGES);
}

if (!existsSync('node_modules/.bin/esbuild') || !existsSync('node_modules/.bin/mocha') || !existsSync('node_modules/.bin/configurable-http-proxy')) {
  console.log('bootstrap: installing npm dependencies (npm ci)');
  sh('npm', ['ci', '--no-audit', '--no-fund']);
}

try {
  execFileSync('/usr/bin/jupyter-server', ['--version'], { stdio: 'ignore' });
} catch {
  console.error('bootstrap: /usr/bin/jupyter-server is installed but does not run; reinstall the jupyter-server package.');
  process.exit(1);
}

try {
  installCurrentStack();
} catch (e) {
  console.error(`bootstrap: could not install today's Jupyter stack (requirements/jupyter-current.txt): ${e.message}`);
  process.exit(1);
}
