import { murmur2 } from './murmur2';

/** How a kernel names the file of a cell it runs: the fields of `debugInfo` that say so. */
export interface CellFileScheme {
  hashMethod: string;
  hashSeed: number;
  tmpFilePrefix: string;
  tmpFileSuffix: string;
}

/** A cell's text the session knows, and the caller's id for it (a notebook cell URI, for instance). */
export interface KnownCell {
  code: string;
  cellId?: string;
}

/**
 * Cell text ↔ the file path the kernel gives it. ipykernel compiles each cell under
 * `<tmpFilePrefix><murmur2(raw text, seed)><tmpFileSuffix>` (the same in 6.17 and 7.4), so stack
 * frames, breakpoints and `stopped` events name that path: one way is a hash, the other way is a
 * lookup among the cells this session has seen. The text must be byte-identical to what is executed:
 * one character more (a trailing newline, CRLF for LF) is another file, and breakpoints set in it
 * are never hit.
 */
export class CellFiles {
  private readonly byPath = new Map<string, KnownCell>();

  constructor(readonly scheme: CellFileScheme) {
    if (scheme.hashMethod.toLowerCase() !== 'murmur2') throw new Error(`The kernel names cell files with ${scheme.hashMethod}, which this client does not know.`);
  }

  /** The path the kernel gives this exact text (pure; nothing remembered). */
  pathOf(code: string): string {
    return `${this.scheme.tmpFilePrefix}${murmur2(code, this.scheme.hashSeed)}${this.scheme.tmpFileSuffix}`;
  }

  /** Remembers a cell, so that frames naming its file lead back to it; returns the file's path. */
  remember(code: string, cellId?: string): string {
    const path = this.pathOf(code);
    this.byPath.set(path, cellId === undefined ? { code } : { code, cellId });
    return path;
  }

  /** The cell whose file this is, if this session has seen it. */
  cellAt(path: string | undefined): KnownCell | undefined {
    return path === undefined ? undefined : this.byPath.get(path);
  }

  /** Whether a path is the kernel's file of some cell (known to us or not: another client's cell, an earlier text). */
  isCellFile(path: string | undefined): boolean {
    return !!path && path.startsWith(this.scheme.tmpFilePrefix) && path.endsWith(this.scheme.tmpFileSuffix) && /^\d+$/.test(path.slice(this.scheme.tmpFilePrefix.length, path.length - this.scheme.tmpFileSuffix.length));
  }
}
