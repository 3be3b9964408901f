import * as vscode from 'vscode';
import type { HttpSession } from '../../core/http';
import { ProjectSync, serverPathIn, type SyncConflict, type SyncResult } from '../../core/sync';
import { messageOf } from '../../core/util/errors';
import type { Logger } from '../../core/util/logger';
import type { ServerConnections } from '../servers';

/** How long the folder must be quiet before a run: a burst of saves (a checkout) is one batch. */
const SETTLE_MS = 400;

/** A workspace folder's mapping, from its settings: no secret and no address, the stored server's id. */
export interface SyncMapping {
  serverId: string;
  /** `jupyterRemote.kernelFolder`: the server folder it mirrors, where its local notebooks' kernels start. */
  remoteRoot: string;
  exclude: string[];
  maxFileBytes: number;
}

export type SyncState =
  | { kind: 'waiting' }
  | { kind: 'syncing'; files: number }
  | { kind: 'synced'; at: number }
  | { kind: 'conflict'; conflicts: SyncConflict[] }
  | { kind: 'stopped'; message: string };

export interface FolderSyncEvents {
  /** The state changed (the status bar shows it). */
  changed(): void;
  /** A run found conflicts it had not reported before. */
  newConflicts(sync: FolderSync, conflicts: SyncConflict[]): void;
  /** A run sent these Python files (server paths): the kernels that imported them run old code. */
  sentPython(serverId: string, serverPaths: string[]): void;
}

/**
 * One workspace folder kept in sync with its server folder: a file watcher on the folder, runs after
 * the folder has been quiet for a moment (one at a time; changes during a run make one more run), the
 * state for the status bar. The first run is the command's (with a notification) or, after a window
 * reload, the first change or the server connecting: activation sends no request. Disposing it cancels
 * its run between files; a FolderSync that replaces it (its settings changed) waits for that run to end,
 * so two never write the server folder's record at once.
 */
export class FolderSync implements vscode.Disposable {
  private readonly watcher: vscode.FileSystemWatcher;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<SyncResult | undefined> | undefined;
  private again = false;
  private engine: { session: HttpSession; sync: ProjectSync } | undefined;
  private reported = new Set<string>();
  /** Skipped files already named in the log: each is named once, not at every run. */
  private readonly skipsLogged = new Set<string>();
  private current: SyncState = { kind: 'waiting' };
  private readonly cancel = new AbortController();

  constructor(
    readonly folder: vscode.WorkspaceFolder,
    readonly mapping: SyncMapping,
    private readonly connections: ServerConnections,
    private readonly log: Logger,
    private readonly events: FolderSyncEvents,
    /** The run of the FolderSync this one replaces, which must end first. */
    private readonly after: Promise<unknown> = Promise.resolve(),
  ) {
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**'));
    const changed = () => this.schedule();
    this.watcher.onDidCreate(changed);
    this.watcher.onDidChange(changed);
    this.watcher.onDidDelete(changed);
  }

  get state(): SyncState {
    return this.current;
  }

  /** Whether a run is due when the server connects: none has run yet, or the last one stopped. */
  get wantsServer(): boolean {
    return this.current.kind === 'waiting' || this.current.kind === 'stopped';
  }

  /** Ends once no run of this FolderSync is in progress. */
  get idle(): Promise<unknown> {
    return this.running ?? Promise.resolve();
  }

  /** The server path of a path relative to the folder. */
  serverPath(rel: string): string {
    return serverPathIn(this.mapping.remoteRoot, rel);
  }

  private get disposed(): boolean {
    return this.cancel.signal.aborted;
  }

  /** A run soon, once the folder has been quiet for SETTLE_MS. */
  schedule(): void {
    if (this.disposed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), SETTLE_MS);
  }

  /** Runs now (or once the run in progress ends); `progress` reports the files as they go. */
  run(progress?: (done: number, total: number) => void): Promise<SyncResult | undefined> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.runOnce(progress).finally(() => {
      this.running = undefined;
      if (this.again && !this.disposed) {
        this.again = false;
        this.schedule();
      }
    });
    return this.running;
  }

  /** Sends the local version of a conflicting file, keeping the server's aside: answers its new name. */
  async overwrite(rel: string): Promise<string> {
    const { sync } = await this.syncEngine();
    const aside = await sync.overwrite(rel);
    this.reported.delete(rel);
    await this.run();
    return aside;
  }

  private async syncEngine(): Promise<{ session: HttpSession; sync: ProjectSync }> {
    const session = await this.connections.session(this.mapping.serverId);
    if (this.engine?.session !== session) {
      const { remoteRoot, exclude, maxFileBytes } = this.mapping;
      this.engine = { session, sync: new ProjectSync(session, { localRoot: this.folder.uri.fsPath, remoteRoot, mirrorDeletes: true, exclude, maxFileBytes }, this.log) };
    }
    return this.engine;
  }

  private setState(state: SyncState): void {
    this.current = state;
    this.events.changed();
  }

  private async runOnce(progress?: (done: number, total: number) => void): Promise<SyncResult | undefined> {
    let result: SyncResult;
    try {
      await this.after.catch(() => undefined);
      if (this.disposed) return undefined;
      const { sync } = await this.syncEngine();
      result = await sync.run({
        signal: this.cancel.signal,
        onProgress: (p) => {
          if (p.total - p.done > 0) this.setState({ kind: 'syncing', files: p.total - p.done });
          progress?.(p.done, p.total);
        },
      });
    } catch (e) {
      if (this.disposed) return undefined;
      this.log.warn(`Sync of ${this.folder.name} stopped: ${messageOf(e)}`);
      this.setState({ kind: 'stopped', message: messageOf(e) });
      return undefined;
    }
    if (this.disposed) return result;
    const where = `${this.folder.name} → /${this.mapping.remoteRoot}`;
    if (result.uploaded.length || result.deleted.length) this.log.info(`Sync ${where}: sent ${result.uploaded.length}, deleted ${result.deleted.length}, ${result.unchanged} unchanged`);
    for (const s of result.skipped) {
      const key = `${s.path}\0${s.kind}`;
      if (this.skipsLogged.has(key)) continue;
      this.skipsLogged.add(key);
      this.log.info(`Sync ${where}: skipped ${s.path}: ${s.reason}`);
    }
    for (const f of result.failed) this.log.warn(`Sync ${where}: not sent ${f.path}: ${f.message}`);
    for (const c of result.conflicts) this.log.warn(`Sync ${where}: ${c.message}`);
    const fresh = result.conflicts.filter((c) => !this.reported.has(c.path));
    this.reported = new Set(result.conflicts.map((c) => c.path));
    if (result.stopped) this.setState({ kind: 'stopped', message: result.stopped });
    else if (result.conflicts.length) this.setState({ kind: 'conflict', conflicts: result.conflicts });
    else this.setState({ kind: 'synced', at: Date.now() });
    if (fresh.length) this.events.newConflicts(this, fresh);
    const python = result.uploaded.filter((p) => p.endsWith('.py')).map((p) => this.serverPath(p));
    if (python.length) this.events.sentPython(this.mapping.serverId, python);
    return result;
  }

  dispose(): void {
    this.cancel.abort();
    clearTimeout(this.timer);
    this.watcher.dispose();
  }
}
