import { listDirectory, parentOf, statPath } from '../api';
import type { HttpSession } from '../http';
import { askSilently, type KernelConnection } from '../kernel';

/** How long the question may take (it waits behind a running cell): after that the root is unknown. */
const ASK_TIMEOUT_MS = 3000;

/**
 * The folder jupyter_server started a session's kernel in, relative to its root: the session path's
 * folder, or the nearest one above it that exists (jupyter_server's `cwd_for_path`).
 */
async function startFolderOf(http: HttpSession, sessionPath: string): Promise<string> {
  for (let folder = parentOf(sessionPath); folder; folder = parentOf(folder)) {
    const model = await statPath(http, folder).catch(() => undefined);
    if (model?.type === 'directory') return folder;
  }
  return '';
}

/** Where the server's files are on the kernel's machine: its root (absolute), and the kernel's home (IPython writes `~/…` for paths under it). */
export interface KernelFiles {
  root: string;
  home?: string;
}

/**
 * The server's root directory on the kernel's machine, which the REST API never says, or undefined when
 * it cannot be told for sure (then files under it are not recognised as the server's, and a debugger
 * shows them read-only rather than open the wrong file). The kernel's working directory less the folder
 * the server started it in (from `sessionPath`; undefined for a kernel someone else started), checked by
 * asking the kernel whether a few names of the server's root listing are there: a cell that changed
 * directory (`os.chdir`, `%cd`) makes the check fail. Asked with one silent execute, which leaves no
 * history and no variable, and given up after 3 s (it waits behind a running cell).
 */
export async function serverRootOf(http: HttpSession, connection: KernelConnection, sessionPath: string | undefined): Promise<string | undefined> {
  return (await kernelFilesOf(http, connection, sessionPath))?.root;
}

/** serverRootOf, and the kernel's home folder with it (asked in the same execute). */
export async function kernelFilesOf(http: HttpSession, connection: KernelConnection, sessionPath: string | undefined): Promise<KernelFiles | undefined> {
  if (sessionPath === undefined) return undefined;
  const [folder, listing] = await Promise.all([startFolderOf(http, sessionPath), listDirectory(http, '').catch(() => [])]);
  const names = listing.map((m) => m.name).filter((n) => !n.startsWith('.')).slice(0, 3);
  const code = [
    'import os as _jr_os, json as _jr_json',
    `_jr_folder = ${JSON.stringify(folder)}`,
    '_jr_cwd = _jr_os.getcwd()',
    "_jr_root = _jr_cwd[:-len(_jr_folder) - 1] if _jr_folder and _jr_cwd.endswith('/' + _jr_folder) else (_jr_cwd if not _jr_folder else None)",
    `print(_jr_json.dumps([_jr_root, _jr_root is not None and all(_jr_os.path.exists(_jr_os.path.join(_jr_root, n)) for n in ${JSON.stringify(names)}), _jr_os.path.expanduser('~')]))`,
    'del _jr_os, _jr_json, _jr_folder, _jr_cwd, _jr_root',
  ].join('\n');
  const answer = await askSilently(connection, code, ASK_TIMEOUT_MS);
  if (!answer.ok) return undefined;
  try {
    const [root, checked, home] = JSON.parse(answer.printed.trim()) as [string | null, boolean, unknown];
    if (typeof root !== 'string' || !root.startsWith('/') || !checked) return undefined;
    return { root, ...(typeof home === 'string' && home.startsWith('/') ? { home } : {}) };
  } catch {
    return undefined;
  }
}
