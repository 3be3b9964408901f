import { JupyterError } from '../http';

/** A path that names nothing on the server (climbs above its root, or holds a NUL). */
export class BadServerPathError extends JupyterError {}

/**
 * A server path as the Contents API wants it: `/`-separated, relative to the server's root, with no
 * leading or trailing slash, `.` and empty segments dropped and `..` resolved. `''` is the root. A
 * path that climbs above the root is refused, never clamped: `a/../../etc` does not quietly become `etc`.
 */
export function normalizeServerPath(path: string): string {
  if (path.includes('\0')) throw new BadServerPathError('A server path cannot contain a NUL character.');
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (!out.length) throw new BadServerPathError(`"${path}" climbs above the server's root folder.`);
      out.pop();
    } else {
      out.push(segment);
    }
  }
  return out.join('/');
}

/** The folder holding a normalised path (`''` for one in the root). */
export function parentOf(path: string): string {
  const at = path.lastIndexOf('/');
  return at < 0 ? '' : path.slice(0, at);
}

/** The last segment of a normalised path. */
export function baseNameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** A path's segments, each percent-encoded, joined for a URL (`api/contents/<this>`, `files/<this>`). */
export function encodeServerPath(path: string): string {
  return normalizeServerPath(path).split('/').filter(Boolean).map(encodeURIComponent).join('/');
}
