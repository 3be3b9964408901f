import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { serverFromJson } from './parse-json';
import { ServerAddress } from './server-address';
import { foldServers } from './fold';

export interface RuntimeDirOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  homeDir?: string;
  /** Whether a process still runs; the default asks the OS with signal 0. */
  isAlive?: (pid: number) => boolean;
}

/**
 * Where Jupyter writes its runtime files, as jupyter_core computes it:
 * `$JUPYTER_RUNTIME_DIR`, else `<data dir>/runtime` (PROTOCOL.md §1.3).
 */
export function jupyterRuntimeDir(options: RuntimeDirOptions = {}): string {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const home = options.homeDir ?? os.homedir();
  if (env.JUPYTER_RUNTIME_DIR) return env.JUPYTER_RUNTIME_DIR;
  if (env.JUPYTER_DATA_DIR) return path.join(env.JUPYTER_DATA_DIR, 'runtime');
  if (platform === 'darwin') return path.join(home, 'Library', 'Jupyter', 'runtime');
  if (platform === 'win32') {
    const appData = env.APPDATA ?? path.join(home, 'AppData', 'Roaming');
    return path.join(appData, 'jupyter', 'runtime');
  }
  const dataHome = env.XDG_DATA_HOME || path.join(home, '.local', 'share');
  return path.join(dataHome, 'jupyter', 'runtime');
}

export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, as another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface LocalServers {
  runtimeDir: string;
  servers: ServerAddress[];
  /** Files that were unreadable or not server descriptions, with why. */
  skipped: { file: string; reason: string }[];
}

/**
 * Servers running on this machine, from `jpserver-*.json` (jupyter_server) and `nbserver-*.json`
 * (notebook ≤ 6). Files of processes that are gone are skipped: servers that crash leave them behind.
 */
export async function discoverLocalServers(options: RuntimeDirOptions = {}): Promise<LocalServers> {
  const runtimeDir = jupyterRuntimeDir(options);
  const isAlive = options.isAlive ?? processIsAlive;
  const result: LocalServers = { runtimeDir, servers: [], skipped: [] };
  let names: string[];
  try {
    names = await fs.readdir(runtimeDir);
  } catch {
    return result; // no runtime dir: no server has run here
  }
  const files = names.filter((n) => /^(jp|nb)server-\d+\.json$/.test(n)).sort();
  const found = [];
  for (const name of files) {
    const file = path.join(runtimeDir, name);
    let value: unknown;
    try {
      value = JSON.parse(await fs.readFile(file, 'utf8'));
    } catch (e) {
      result.skipped.push({ file, reason: `unreadable: ${(e as Error).message}` });
      continue;
    }
    const server = serverFromJson(value);
    if (!server) {
      result.skipped.push({ file, reason: 'not a server description' });
      continue;
    }
    if (name.startsWith('jp') && server.kind === 'unknown') server.kind = 'jupyter-server';
    const pid = server.pid ?? Number(/-(\d+)\.json$/.exec(name)?.[1]);
    if (!Number.isFinite(pid) || !isAlive(pid)) {
      result.skipped.push({ file, reason: `process ${pid} is not running` });
      continue;
    }
    found.push({ server, aliasOfPrevious: false });
  }
  result.servers = foldServers(found);
  return result;
}
