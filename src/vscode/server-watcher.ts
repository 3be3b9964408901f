import * as vscode from 'vscode';
import { ContentsError, ContentsModel, listDirectory, statPath } from '../core/api';
import type { Logger } from '../core/util/logger';
import type { ServerConnections } from './server-connections';
import { serverPathOf } from './server-uri';

/** How often a focused window looks for changes on the server. */
export const POLL_INTERVAL_MS = 2000;
/** At most this many folders (the most recently listed) and files (the most recently watched) per round. */
const MAX_FOLDERS = 16;
const MAX_FILES = 32;

type Signature = Map<string, string>; // entry name → `type|last_modified|size`

const signatureOf = (entries: ContentsModel[]): Signature => new Map(entries.map((e) => [e.name, `${e.type}|${e.lastModified ?? ''}|${e.size ?? ''}`]));
const stampOf = (m: ContentsModel) => `${m.lastModified ?? ''}|${m.size ?? ''}`;

/**
 * Finds what changed on a server behind VS Code's back (the kernel or a terminal wrote a file; another
 * client saved): files the kernel writes appear in the Explorer, open editors reload. Polls only what is
 * on screen — folders VS Code listed lately (what the Explorer shows) and files it watches (open
 * editors) — each round bounded, and only while the window has focus (a round runs at once when it gets
 * focus back). jupyter_server has no change feed for files written outside its Contents API.
 */
export class ServerWatcher implements vscode.Disposable {
  private readonly folders = new Map<string, { uri: vscode.Uri; seen?: Signature }>();
  private readonly files = new Map<string, { uri: vscode.Uri; stamp?: string; watchers: number }>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private readonly focusListener: vscode.Disposable;

  constructor(
    private readonly connections: ServerConnections,
    private readonly fire: (events: vscode.FileChangeEvent[]) => void,
    private readonly log: Logger,
  ) {
    this.focusListener = vscode.window.onDidChangeWindowState((s) => (s.focused ? this.start(true) : this.stop()));
  }

  /** A folder VS Code just listed: keep watching it (most recent first), starting from what it saw. */
  listed(uri: vscode.Uri, entries: ContentsModel[]): void {
    const key = uri.toString();
    this.folders.delete(key);
    this.folders.set(key, { uri, seen: signatureOf(entries) });
    while (this.folders.size > MAX_FOLDERS) this.folders.delete(this.folders.keys().next().value as string);
    this.start(false);
  }

  /** A file VS Code watches (an open editor); disposing ends it. */
  watchFile(uri: vscode.Uri): vscode.Disposable {
    const key = uri.toString();
    const entry = this.files.get(key) ?? { uri, watchers: 0 };
    entry.watchers++;
    this.files.delete(key);
    this.files.set(key, entry);
    this.start(false);
    return new vscode.Disposable(() => {
      if (--entry.watchers <= 0) this.files.delete(key);
    });
  }

  /** A save of ours: not a change to report; the next round takes the file as it is now. */
  wrote(uri: vscode.Uri): void {
    const file = this.files.get(uri.toString());
    if (file) file.stamp = undefined;
  }

  dispose(): void {
    this.stop();
    this.focusListener.dispose();
    this.folders.clear();
    this.files.clear();
  }

  private start(now: boolean): void {
    if (!vscode.window.state.focused) return;
    if (!this.timer) this.timer = setInterval(() => void this.poll(), POLL_INTERVAL_MS);
    if (now) void this.poll();
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One round: each watched folder listed once, each watched file stat'ed once; changes fired together. */
  async poll(): Promise<void> {
    if (this.polling || (!this.folders.size && !this.files.size)) return;
    this.polling = true;
    const events: vscode.FileChangeEvent[] = [];
    try {
      const folders = [...this.folders.values()].slice(-MAX_FOLDERS);
      const files = [...this.files.values()].slice(-MAX_FILES);
      await Promise.all([...folders.map((f) => this.pollFolder(f, events)), ...files.map((f) => this.pollFile(f, events))]);
    } finally {
      this.polling = false;
    }
    if (events.length) this.fire(events);
  }

  private async pollFolder(folder: { uri: vscode.Uri; seen?: Signature }, events: vscode.FileChangeEvent[]): Promise<void> {
    const { serverId, path } = serverPathOf(folder.uri);
    let now: Signature;
    try {
      now = signatureOf(await listDirectory(await this.connections.session(serverId), path));
    } catch (e) {
      if (e instanceof ContentsError && e.problem === 'not-found') {
        this.folders.delete(folder.uri.toString());
        events.push({ type: vscode.FileChangeType.Deleted, uri: folder.uri });
      } else {
        this.log.debug(`Watching ${folder.uri.path}: ${(e as Error)?.message ?? String(e)}`);
      }
      return;
    }
    const before = folder.seen;
    folder.seen = now;
    if (!before) return;
    const child = (name: string) => vscode.Uri.joinPath(folder.uri, name);
    for (const [name, sig] of now) {
      const old = before.get(name);
      if (old === undefined) events.push({ type: vscode.FileChangeType.Created, uri: child(name) });
      else if (old !== sig) events.push({ type: vscode.FileChangeType.Changed, uri: child(name) });
    }
    for (const name of before.keys()) if (!now.has(name)) events.push({ type: vscode.FileChangeType.Deleted, uri: child(name) });
  }

  private async pollFile(file: { uri: vscode.Uri; stamp?: string }, events: vscode.FileChangeEvent[]): Promise<void> {
    const { serverId, path } = serverPathOf(file.uri);
    try {
      const stamp = stampOf(await statPath(await this.connections.session(serverId), path));
      if (file.stamp !== undefined && stamp !== file.stamp) events.push({ type: vscode.FileChangeType.Changed, uri: file.uri });
      file.stamp = stamp;
    } catch (e) {
      if (e instanceof ContentsError && e.problem === 'not-found') {
        if (file.stamp !== 'gone') events.push({ type: vscode.FileChangeType.Deleted, uri: file.uri });
        file.stamp = 'gone';
      }
    }
  }
}
