import type { Logger } from '../util/logger';

/** Whose rules a local file name must follow: the computer that writes the copy. */
export type LocalPlatform = 'posix' | 'win32';

// The names of Windows devices: `C:\dl\NUL` or `C:\dl\com1.txt` is the device, not a file in `dl`, so a
// download would vanish or go to a serial port. Windows matches the part before the first dot, trailing
// spaces ignored, any case; `COM¹`-`COM³` count as COM1-3.
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;

/**
 * Why `name`, one entry of a server's folder listing, cannot be the name of a file in a local folder,
 * or undefined when it can. A name a local folder would read as a path is refused: `''`, `.`, `..`, a
 * `/` anywhere (on a Jupyter server on Linux, `..\..\Startup\x.bat` is an ordinary name), a NUL; on
 * Windows also `\` and `:` (separator, drive, alternate stream), device names, and trailing dots or
 * spaces (Windows drops them, so `x.bat.` would be written as `x.bat`, and `...` as the folder itself).
 * Names Windows refuses outright (`a?b`, `<`, `|`) are kept: writing them fails with an error, it
 * never lands somewhere else.
 */
export function localNameProblem(name: string, platform: LocalPlatform): string | undefined {
  if (name === '') return 'it is empty';
  if (name === '.' || name === '..') return 'it names a folder, not an entry in it';
  if (name.includes('/')) return 'it holds "/"';
  if (name.includes('\0')) return 'it holds a NUL character';
  if (platform === 'posix') return undefined;
  if (name.includes('\\')) return 'it holds "\\", a folder separator on Windows';
  if (name.includes(':')) return 'it holds ":", a drive or stream separator on Windows';
  if (/[. ]$/.test(name)) return 'Windows drops its trailing dots and spaces, so it would be written under another name';
  if (WINDOWS_DEVICE.test(name.split('.')[0].trimEnd())) return 'it is the name of a Windows device';
  return undefined;
}

/** Whether `name` can be a file name in a local folder (see localNameProblem). */
export function isSafeLocalName(name: string, platform: LocalPlatform): boolean {
  return localNameProblem(name, platform) === undefined;
}

/** How many dropped names are remembered as already logged (a bound, not a feature). */
const LOGGED_CAP = 10000;

/**
 * Leaves out of a server's listings the entries whose names cannot be local file names
 * (localNameProblem), so that no copy of a server folder writes outside the local folder it was
 * given and no recursive copy lists the same folder again below itself. Logs each dropped name once.
 */
export class LocalNameFilter {
  private readonly logged = new Set<string>();

  constructor(
    readonly platform: LocalPlatform,
    private readonly log: Logger,
  ) {}

  /** The entries with safe names; `where` names the listed folder in the log (`server: /path`). */
  keep<T extends { name: string }>(entries: T[], where: string): T[] {
    return entries.filter((entry) => {
      const problem = localNameProblem(entry.name, this.platform);
      if (problem !== undefined) this.dropped(where, entry.name, problem);
      return problem === undefined;
    });
  }

  private dropped(where: string, name: string, problem: string): void {
    const key = `${where}\0${name}`;
    if (this.logged.has(key)) return;
    if (this.logged.size >= LOGGED_CAP) this.logged.clear();
    this.logged.add(key);
    const shown = JSON.stringify(name.length > 100 ? `${name.slice(0, 100)}…` : name);
    this.log.warn(`${where}: left out ${shown} (${problem}): not a safe name for a file on this computer.`);
  }
}
