// Where a local notebook's kernel session goes on the server, without the vscode module at run time
// (unit-tested in plain Node).
import { createHash } from 'node:crypto';
import { baseNameOf, normalizeServerPath } from '../../core/api/server-path';

export interface LocalNotebook {
  /** The notebook URI's path (its last segment is the notebook's name). */
  uriPath: string;
  isUntitled: boolean;
  /**
   * Its path inside its workspace folder (`asRelativePath(uri, false)`), or undefined when it is in no
   * workspace folder: asRelativePath then answers the whole local path, which is not the server's business.
   */
  workspacePath: string | undefined;
}

/**
 * The session path of a notebook that does not live on the kernel's server, and the server folder that
 * puts its kernel in: inside `kernelFolder` (normalised; '' is the server's root), its workspace path,
 * so two local notebooks of one name in a workspace never share a session (the server hands an existing
 * session, kernel and all, to a second notebook with the same path). An untitled notebook goes by its
 * name. One outside every workspace folder goes by its name and a short hash of its local path: the
 * path itself is not the server's business, and two `report.ipynb` of different folders must not get
 * one kernel.
 */
export function localSessionPath(notebook: LocalNotebook, kernelFolder: string): { path: string; folder: string } {
  const name = baseNameOf(notebook.uriPath) || 'Untitled.ipynb';
  const inWorkspace = !notebook.isUntitled && notebook.workspacePath !== undefined && !isAbsolute(notebook.workspacePath) ? notebook.workspacePath : undefined;
  const folder = normalizeServerPath(kernelFolder);
  const relative = inWorkspace ?? (notebook.isUntitled ? name : withPathHash(name, notebook.uriPath));
  return { path: folder ? `${folder}/${relative}` : relative, folder };
}

/** `report.ipynb` as `report-1a2b3c4d.ipynb`, the hash of the notebook's local path. */
function withPathHash(name: string, localPath: string): string {
  const hash = createHash('sha256').update(localPath).digest('hex').slice(0, 8);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)}-${hash}${name.slice(dot)}` : `${name}-${hash}`;
}

/** A local path that starts at a root (`/…`, `\\…`, `C:…`): a workspace-relative path never does. */
function isAbsolute(p: string): boolean {
  return /^([/\\]|[a-zA-Z]:)/.test(p);
}
