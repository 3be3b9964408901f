import * as vscode from 'vscode';
import {
  BadServerPathError,
  ContentsError,
  ContentsModel,
  copyReplacing,
  createDirectory,
  deletePath,
  listDirectory,
  normalizeServerPath,
  parentOf,
  readFileBytes,
  readLimitFor,
  renamePath,
  renameReplacing,
  statPath,
  uploadFile,
} from '../../core/api';
import { LocalNameFilter, type LocalPlatform } from '../../core/api/local-names';
import { AuthError, HttpSession, JupyterError } from '../../core/http';
import type { Logger } from '../../core/util/logger';
import type { ServerConnections } from '../servers';

import { SERVER_FS_SCHEME, serverPathOf } from './server-uri';
import { ServerWatcher } from './server-watcher';

export { SERVER_FS_SCHEME };

export function serverUri(serverId: string, serverPath: string): vscode.Uri {
  return vscode.Uri.from({ scheme: SERVER_FS_SCHEME, authority: serverId, path: `/${normalizeServerPath(serverPath)}` });
}

/**
 * Whose file-name rules copies of server files must follow. Windows' on Windows; also in a remote
 * window, where the extension runs on the remote host but VS Code's own Download… writes to the
 * computer in front of the person, which may be Windows (the extension cannot tell).
 */
export function localPlatform(): LocalPlatform {
  return process.platform === 'win32' || vscode.env.remoteName !== undefined ? 'win32' : 'posix';
}

function fileTypeOf(model: ContentsModel): vscode.FileType {
  return model.type === 'directory' ? vscode.FileType.Directory : vscode.FileType.File;
}

/**
 * The server's files as a VS Code file system over the Contents API (core/api does the work and the
 * tests against real servers; this maps URIs and errors). stat's mtime is the server's last_modified,
 * so VS Code's own "the file is newer on disk" check guards saves against changes made elsewhere.
 */
export class ServerFileSystem implements vscode.FileSystemProvider {
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;
  /** Finds changes made on the server (see ServerWatcher: what is on screen, while the window has focus). */
  readonly watcher: ServerWatcher;
  /**
   * Drops listed names that a copy to this computer would read as a path (`..`, `a/b`, `..\x` on
   * Windows): VS Code joins each listed name to the local folder it copies into, and to the server
   * folder to list it again, so such a name would write outside that folder or list a folder again
   * below itself without end.
   */
  private readonly names: LocalNameFilter;

  constructor(
    private readonly connections: ServerConnections,
    private readonly log: Logger,
    platform: LocalPlatform = localPlatform(),
  ) {
    this.names = new LocalNameFilter(platform, log);
    this.watcher = new ServerWatcher(connections, (events) => this.changed.fire(events), log, (entries, serverId, path) => this.safeEntries(entries, serverId, path));
  }

  watch(uri: vscode.Uri): vscode.Disposable {
    // Folders are watched once VS Code lists them (readDirectory); this is for open files (and watched roots).
    return this.watcher.watchFile(uri);
  }

  stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    return this.run(uri, async (session, path) => {
      const m = await statPath(session, path);
      const mtime = m.lastModified ? Date.parse(m.lastModified) : 0;
      return {
        type: fileTypeOf(m),
        ctime: mtime,
        mtime,
        size: m.size ?? 0,
        ...(m.writable === false ? { permissions: vscode.FilePermission.Readonly } : {}),
      };
    });
  }

  readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    return this.run(uri, async (session, path) => {
      const entries = this.safeEntries(await listDirectory(session, path), uri.authority, path);
      this.watcher.listed(uri, entries);
      return entries.map((e): [string, vscode.FileType] => [e.name, fileTypeOf(e)]);
    });
  }

  readFile(uri: vscode.Uri): Promise<Uint8Array> {
    // At most what the server says the file holds (and a margin): a server that streams on is cut off.
    return this.run(uri, async (session, path) => readFileBytes(session, path, { maxBytes: readLimitFor((await statPath(session, path)).size) }));
  }

  writeFile(uri: vscode.Uri, content: Uint8Array, options: { create: boolean; overwrite: boolean }): Promise<void> {
    return this.run(uri, async (session, path) => {
      const existing = await this.statIfAny(session, path);
      if (existing?.type === 'directory') throw vscode.FileSystemError.FileIsADirectory(uri);
      if (existing && !options.overwrite) throw vscode.FileSystemError.FileExists(uri);
      if (!existing && !options.create) throw vscode.FileSystemError.FileNotFound(uri);
      if (!existing && !(await this.statIfAny(session, parentOf(path)))) throw vscode.FileSystemError.FileNotFound(uri.with({ path: `/${parentOf(path)}` }));
      await uploadFile(session, path, Buffer.from(content.buffer, content.byteOffset, content.byteLength));
      this.watcher.wrote(uri);
      this.fire(uri, existing ? vscode.FileChangeType.Changed : vscode.FileChangeType.Created);
    });
  }

  createDirectory(uri: vscode.Uri): Promise<void> {
    return this.run(uri, async (session, path) => {
      if (await this.statIfAny(session, path)) throw vscode.FileSystemError.FileExists(uri);
      await createDirectory(session, path);
      this.fire(uri, vscode.FileChangeType.Created);
    });
  }

  delete(uri: vscode.Uri): Promise<void> {
    return this.run(uri, async (session, path) => {
      await deletePath(session, path);
      this.fire(uri, vscode.FileChangeType.Deleted);
    });
  }

  rename(from: vscode.Uri, to: vscode.Uri, options: { overwrite: boolean }): Promise<void> {
    return this.run(from, async (session, path) => {
      const target = this.samePlace(from, to);
      // Without overwrite the server itself refuses an existing target (FileExists); with it, the old
      // target is deleted only once the rename has worked (renameReplacing).
      await (options.overwrite ? renameReplacing(session, path, target) : renamePath(session, path, target));
      this.fire(from, vscode.FileChangeType.Deleted);
      this.fire(to, vscode.FileChangeType.Created);
    });
  }

  copy(from: vscode.Uri, to: vscode.Uri, options: { overwrite: boolean }): Promise<void> {
    return this.run(from, async (session, path) => {
      const target = this.samePlace(from, to);
      const source = await statPath(session, path);
      if (source.type === 'directory') throw vscode.FileSystemError.NoPermissions('The Contents API copies files, not folders: copy the files inside it.');
      // Asked first, so that a refused copy is never made (a copy undone goes to the server's trash).
      if (!options.overwrite && (await this.statIfAny(session, target))) throw vscode.FileSystemError.FileExists(to);
      // The server names its copy (`x-Copy1.txt`) in the target folder; it takes the asked name (and, with
      // overwrite, the old target's place) only when made; without, a target that appeared meanwhile is kept.
      await copyReplacing(session, path, target, undefined, { replace: options.overwrite });
      this.fire(to, vscode.FileChangeType.Created);
    });
  }

  dispose(): void {
    this.watcher.dispose();
    this.changed.dispose();
  }

  private safeEntries(entries: ContentsModel[], serverId: string, path: string): ContentsModel[] {
    return this.names.keep(entries, `${SERVER_FS_SCHEME}://${serverId}/${path}`);
  }

  private fire(uri: vscode.Uri, type: vscode.FileChangeType): void {
    this.changed.fire([{ uri, type }]);
  }

  /** Both URIs on one server (VS Code moves across file systems itself by reading and writing). */
  private samePlace(from: vscode.Uri, to: vscode.Uri): string {
    if (from.authority !== to.authority) throw vscode.FileSystemError.NoPermissions('Moving between two servers goes through VS Code, not the server.');
    return serverPathOf(to).path;
  }

  private async statIfAny(session: HttpSession, path: string): Promise<ContentsModel | undefined> {
    try {
      return await statPath(session, path);
    } catch (e) {
      if (e instanceof ContentsError && e.problem === 'not-found') return undefined;
      throw e;
    }
  }

  /** Runs one operation on the URI's server, turning core errors into the FileSystemErrors VS Code acts on. */
  private async run<T>(uri: vscode.Uri, work: (session: HttpSession, path: string) => Promise<T>): Promise<T> {
    let path: string;
    try {
      path = serverPathOf(uri).path;
    } catch (e) {
      throw vscode.FileSystemError.FileNotFound((e as BadServerPathError).message);
    }
    try {
      const session = await this.connections.session(uri.authority);
      return await work(session, path);
    } catch (e) {
      if (e instanceof vscode.FileSystemError) throw e;
      this.log.debug(`${SERVER_FS_SCHEME}: ${uri.path}: ${(e as Error)?.message ?? String(e)}`);
      throw toFileSystemError(e, uri);
    }
  }
}

/** Core errors as VS Code's: the message is ours (one sentence, no secret), the code is what VS Code acts on. */
export function toFileSystemError(e: unknown, uri: vscode.Uri): vscode.FileSystemError {
  if (e instanceof ContentsError) {
    switch (e.problem) {
      case 'not-found':
        return vscode.FileSystemError.FileNotFound(uri);
      case 'exists':
        return vscode.FileSystemError.FileExists(uri);
      case 'forbidden':
        return vscode.FileSystemError.NoPermissions(e.message);
      case 'unsupported':
        return vscode.FileSystemError.Unavailable(e.message);
    }
  }
  if (e instanceof AuthError) return vscode.FileSystemError.NoPermissions(e.message);
  if (e instanceof JupyterError) return vscode.FileSystemError.Unavailable(e.message);
  return vscode.FileSystemError.Unavailable(`The server's files could not be reached: ${(e as Error)?.message ?? String(e)}`);
}
