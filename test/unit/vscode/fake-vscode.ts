/**
 * The few parts of the `vscode` module the server file system, its watcher and Download… use, so
 * they can run in plain Node (test/unit has no VS Code). `require('vscode')` resolves here once
 * `installFakeVscode()` has run: import this file before the modules under test.
 */
import Module from 'node:module';
import * as posix from 'node:path/posix';

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly authority: string,
    readonly path: string,
  ) {}
  static from(c: { scheme: string; authority?: string; path?: string }): Uri {
    return new Uri(c.scheme, c.authority ?? '', c.path ?? '');
  }
  static parse(s: string): Uri {
    const m = /^([a-z][\w+.-]*):\/\/([^/]*)(.*)$/i.exec(s);
    if (!m) throw new Error(`not a URI: ${s}`);
    return new Uri(m[1], m[2], decodeURIComponent(m[3]));
  }
  /** As VS Code joins non-file URIs (and file URIs off Windows): posix rules, `..` and `.` resolved. */
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, base.authority, posix.join(base.path, ...parts));
  }
  with(c: { path?: string }): Uri {
    return new Uri(this.scheme, this.authority, c.path ?? this.path);
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `${this.scheme}://${this.authority}${this.path}`;
  }
}

export class Disposable {
  constructor(private readonly onDispose: () => void) {}
  dispose(): void {
    this.onDispose();
  }
}

export class EventEmitter<T> {
  private readonly listeners = new Set<(e: T) => void>();
  readonly event = (listener: (e: T) => void): Disposable => {
    this.listeners.add(listener);
    return new Disposable(() => this.listeners.delete(listener));
  };
  fire(e: T): void {
    for (const l of this.listeners) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

export class FileSystemError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
  static FileNotFound = (m?: unknown) => new FileSystemError(String(m), 'FileNotFound');
  static FileExists = (m?: unknown) => new FileSystemError(String(m), 'FileExists');
  static FileIsADirectory = (m?: unknown) => new FileSystemError(String(m), 'FileIsADirectory');
  static NoPermissions = (m?: unknown) => new FileSystemError(String(m), 'NoPermissions');
  static Unavailable = (m?: unknown) => new FileSystemError(String(m), 'Unavailable');
}

export enum FileType {
  File = 1,
  Directory = 2,
}
export enum FileChangeType {
  Changed = 1,
  Created = 2,
  Deleted = 3,
}
export enum FilePermission {
  Readonly = 1,
}
export enum ProgressLocation {
  Notification = 15,
}

/** What the fake window was asked, for tests to look at. */
export const asked = { openDialogs: 0 };

export const window = {
  state: { focused: true },
  onDidChangeWindowState: () => new Disposable(() => undefined),
  showOpenDialog: () => {
    asked.openDialogs++;
    return Promise.resolve(undefined);
  },
  showInformationMessage: () => Promise.resolve(undefined),
  showWarningMessage: () => Promise.resolve(undefined),
  showErrorMessage: () => Promise.resolve(undefined),
};

export const env: { remoteName: string | undefined } = { remoteName: undefined };

let installed = false;

/** Makes `require('vscode')` load this module (for the rest of the test process; nothing else can load it). */
export function installFakeVscode(): void {
  if (installed) return;
  installed = true;
  const resolver = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const resolve = resolver._resolveFilename;
  resolver._resolveFilename = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? __filename : resolve.call(this, request, ...rest);
  };
}

installFakeVscode();
