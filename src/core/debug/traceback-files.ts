import * as posix from 'node:path/posix';
import { normalizeServerPath } from '../api';
import type { KernelFiles } from './server-root';

/**
 * The server path (relative to its root) of a file a traceback names, or undefined when it is not under
 * the server's root: `~/…` is the kernel's home (IPython shortens paths so), anything else must be absolute.
 */
export function serverPathOfFrame(file: string, where: KernelFiles): string | undefined {
  let absolute = file.trim();
  if (absolute.startsWith('~/')) {
    if (!where.home) return undefined;
    absolute = `${where.home}/${absolute.slice(2)}`;
  }
  if (!absolute.startsWith('/')) return undefined;
  absolute = posix.normalize(absolute);
  const root = where.root.replace(/\/+$/, '');
  if (!absolute.startsWith(`${root}/`)) return undefined;
  const rel = absolute.slice(root.length + 1);
  try {
    return normalizeServerPath(rel) === rel && rel ? rel : undefined;
  } catch {
    return undefined;
  }
}

// IPython's frame header, `File <path>:<line>, in <function>` (with colours): the same pattern VS Code's
// error renderer finds, whose numbered lines below then link to `<path>:<line>`.
const FRAME = /(File\s+(?:\u001b\[[\d;]*m)?)(.+)(:\d+)/;
const ANSI = /\u001b\[[\d;]*m/g;

/**
 * A traceback with each frame's file, where `link` knows it, written as what `link` answers (a URI), so
 * that the frame's line numbers open that file at that line. Everything else is left as it is.
 */
export function relinkTraceback(traceback: readonly string[], link: (file: string) => string | undefined): string[] {
  return traceback.map((entry) =>
    entry
      .split('\n')
      .map((line) => {
        const match = FRAME.exec(line);
        if (!match) return line;
        const target = link(match[2].replace(ANSI, ''));
        return target === undefined ? line : `${line.slice(0, match.index)}${match[1]}${target}${line.slice(match.index + match[1].length + match[2].length)}`;
      })
      .join('\n'),
  );
}
