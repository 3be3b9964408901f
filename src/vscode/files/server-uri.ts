// The jupyter-remote:// URI scheme, without the vscode module at run time (unit-tested in plain Node).
import { normalizeServerPath } from '../../core/api/server-path';

/** `jupyter-remote://<server id>/<path>`: the stored server's id, never its URL or a secret (DESIGN.md). */
export const SERVER_FS_SCHEME = 'jupyter-remote';

interface UriLike {
  scheme: string;
  authority: string;
  path: string;
}

/** The server id and normalised server path a URI names. */
export function serverPathOf(uri: UriLike): { serverId: string; path: string } {
  return { serverId: uri.authority, path: normalizeServerPath(uri.path) };
}

/**
 * The path a notebook's kernel session gets on `serverId`: its own server path when it lives on that
 * server (the kernel then starts in its folder, so `open('data.csv')` finds the file beside it, even
 * when the folder is a workspace folder and the notebook's workspace name is just `x.ipynb`); undefined
 * for a notebook elsewhere.
 */
export function sessionPathOnServer(uri: UriLike, serverId: string): string | undefined {
  return uri.scheme === SERVER_FS_SCHEME && uri.authority === serverId ? serverPathOf(uri).path : undefined;
}
