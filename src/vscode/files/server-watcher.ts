import * as vscode from 'vscode';
import { ContentsChange, ContentsError, ContentsEvents, ContentsModel, EventsUnsupportedError, listDirectory, parentOf, statPath, subscribeToContentsEvents } from '../../core/api';
import { messageOf } from '../../core/util/errors';
import type { Logger } from '../../core/util/logger';
import type { ServerConnections } from '../servers';
import { serverPathOf } from './server-uri';

/** How often a focused window looks for changes on the server. */
export const POLL_INTERVAL_MS = 2000;
/** At most this many folders (the most recently listed) and files (the most recently watched) per round. */
const MAX_FOLDERS = 16;
const MAX_FILES = 32;
/** After an event stream drops (server restarted, network lost), the next try waits this long. */
const STREAM_RETRY_MS = 15000;
/**
 * A folder is listed again no sooner than this many times its last listing took: a folder the server
 * needs 1.5 s to list (5 000 files on jupyter_server 2.21) is looked at every 15 s, so watching costs
 * the server at most a tenth of its time, and quick folders keep the 2 s pace.
 */
const LISTING_COST_FACTOR = 10;
/** Events arriving this close together are looked at in one round. */
const EVENT_BATCH_MS = 30;

type Signature = Map<string, string>; // entry name → `type|last_modified|size`

const signatureOf = (entries: ContentsModel[]): Signature => new Map(entries.map((e) => [e.name, `${e.type}|${e.lastModified ?? ''}|${e.size ?? ''}`]));
const stampOf = (m: ContentsModel) => `${m.lastModified ?? ''}|${m.size ?? ''}`;

/** The entries of a listing that may be reported (the provider's filter of unsafe names). */
export type KeepEntries = (entries: ContentsModel[], serverId: string, path: string) => ContentsModel[];

/** Where a watched URI points, worked out once when it is first watched (a URI that names nothing is never kept). */
interface Place {
  serverId: string;
  path: string;
}
interface WatchedFolder extends Place {
  uri: vscode.Uri;
  seen?: Signature;
  /** When a round may list it again (see LISTING_COST_FACTOR). */
  dueAt?: number;
}
interface WatchedFile extends Place {
  uri: vscode.Uri;
  stamp?: string;
  watchers: number;
}
/** A server's event stream: open, being opened, absent (jupyter_server 1, gateways), or to retry later. */
type Stream = { state: 'open'; events: ContentsEvents } | { state: 'opening' } | { state: 'unsupported' } | { state: 'dropped'; retryAt: number };

/**
 * Finds what changed on a server behind VS Code's back (the kernel or a terminal wrote a file; another
 * client saved): files the kernel writes appear in the Explorer, open editors reload. Polls only what is
 * on screen — folders VS Code listed lately (what the Explorer shows) and files it watches (open
 * editors) — each round bounded, and only while the window has focus (a round runs at once when it gets
 * focus back). Files written outside the Contents API (by a kernel, a terminal) emit no event, so
 * polling stays; on jupyter_server 2 its event stream also says at once when another client saves,
 * renames or deletes through the Contents API, and the folder or file concerned is looked at then.
 */
export class ServerWatcher implements vscode.Disposable {
  private readonly folders = new Map<string, WatchedFolder>();
  private readonly files = new Map<string, WatchedFile>();
  private readonly streams = new Map<string, Stream>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  /** Looks asked for by events, run together once the current round ends. */
  private readonly asked = { folders: new Set<WatchedFolder>(), files: new Set<WatchedFile>() };
  private askedTimer: NodeJS.Timeout | undefined;
  private readonly focusListener: vscode.Disposable;

  constructor(
    private readonly connections: ServerConnections,
    private readonly fire: (events: vscode.FileChangeEvent[]) => void,
    private readonly log: Logger,
    private readonly keep: KeepEntries,
  ) {
    this.focusListener = vscode.window.onDidChangeWindowState((s) => (s.focused ? this.start(true) : this.stop()));
  }

  /** A folder VS Code just listed: keep watching it (most recent first), starting from what it saw. */
  listed(uri: vscode.Uri, entries: ContentsModel[]): void {
    const place = this.placeOf(uri);
    if (!place) return;
    const key = uri.toString();
    this.folders.delete(key);
    this.folders.set(key, { uri, ...place, seen: signatureOf(entries) });
    while (this.folders.size > MAX_FOLDERS) this.folders.delete(this.folders.keys().next().value as string);
    this.start(false);
  }

  /** A file VS Code watches (an open editor); disposing ends it. */
  watchFile(uri: vscode.Uri): vscode.Disposable {
    // A URI naming nothing (`jupyter-remote://x/..`) gets nothing to watch: kept, it would fail every round.
    const place = this.placeOf(uri);
    if (!place) return new vscode.Disposable(() => undefined);
    const key = uri.toString();
    const entry = this.files.get(key) ?? { uri, ...place, watchers: 0 };
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
    clearTimeout(this.askedTimer);
    this.folders.clear();
    this.files.clear();
  }

  private placeOf(uri: vscode.Uri): Place | undefined {
    try {
      return serverPathOf(uri);
    } catch (e) {
      this.log.debug(`Not watching ${uri.toString()}: ${messageOf(e)}`);
      return undefined;
    }
  }

  private start(now: boolean): void {
    if (!vscode.window.state.focused) return;
    if (!this.timer) this.timer = setInterval(() => void this.poll(), POLL_INTERVAL_MS);
    if (now) void this.poll();
    this.openStreams();
  }

  /** Unfocused: no polling, and the event streams are closed (a round on focus catches up). */
  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const [id, stream] of this.streams) {
      if (stream.state === 'open') stream.events.close();
      if (stream.state !== 'unsupported') this.streams.delete(id);
    }
  }

  /** One round: each watched folder listed once, each watched file stat'ed once; changes fired together. */
  async poll(): Promise<void> {
    if (this.polling || (!this.folders.size && !this.files.size)) return;
    const now = Date.now();
    const due = [...this.folders.values()].slice(-MAX_FOLDERS).filter((f) => (f.dueAt ?? 0) <= now);
    try {
      await this.round(due, [...this.files.values()].slice(-MAX_FILES));
      this.openStreams();
    } catch (e) {
      // Runs from a timer: a rejection here would go unhandled every round.
      this.log.warn(`Watching the server's files: ${messageOf(e)}`);
    }
  }

  /** Lists the folders and stats the files together; each one's changes are reported as soon as it has answered. */
  private async round(folders: WatchedFolder[], files: WatchedFile[]): Promise<void> {
    this.polling = true;
    // Each folder and file on its own: one that fails in a way not foreseen is logged, the others still report.
    const report = async (watched: WatchedFolder | WatchedFile, look: (events: vscode.FileChangeEvent[]) => Promise<void>) => {
      try {
        const events: vscode.FileChangeEvent[] = [];
        await look(events);
        if (events.length) this.fire(events);
      } catch (e) {
        this.log.debug(`Watching ${watched.uri.toString()}: ${messageOf(e)}`);
      }
    };
    try {
      await Promise.all([...folders.map((f) => report(f, (e) => this.pollFolder(f, e))), ...files.map((f) => report(f, (e) => this.pollFile(f, e)))]);
    } finally {
      this.polling = false;
    }
    if (this.asked.folders.size || this.asked.files.size) this.scheduleAsked();
  }

  /** An event stream for each server with something watched (where the server has one), while focused. */
  private openStreams(): void {
    if (!vscode.window.state.focused) return;
    const servers = new Set([...this.folders.values(), ...this.files.values()].map((w) => w.serverId));
    for (const [id, stream] of this.streams) {
      if (servers.has(id)) continue;
      if (stream.state === 'open') stream.events.close();
      this.streams.delete(id);
    }
    for (const serverId of servers) {
      const stream = this.streams.get(serverId);
      if (stream && (stream.state !== 'dropped' || Date.now() < stream.retryAt)) continue;
      void this.openStream(serverId);
    }
  }

  private async openStream(serverId: string): Promise<void> {
    const mark: Stream = { state: 'opening' };
    this.streams.set(serverId, mark);
    const current = () => this.streams.get(serverId) === mark;
    let open: Stream | undefined;
    try {
      const events = await subscribeToContentsEvents(await this.connections.session(serverId), {
        onChange: (change) => this.changedOnServer(serverId, change),
        onClose: (byUs) => {
          if (!byUs && open && this.streams.get(serverId) === open) this.streams.set(serverId, { state: 'dropped', retryAt: Date.now() + STREAM_RETRY_MS });
        },
      });
      open = { state: 'open', events };
      if (current() && vscode.window.state.focused) this.streams.set(serverId, open);
      else events.close();
    } catch (e) {
      if (!current()) return;
      const unsupported = e instanceof EventsUnsupportedError;
      this.streams.set(serverId, unsupported ? { state: 'unsupported' } : { state: 'dropped', retryAt: Date.now() + STREAM_RETRY_MS });
      this.log.debug(`Event stream of server ${serverId}: ${(e as Error)?.message ?? String(e)}${unsupported ? ' Changes are found by polling alone.' : ''}`);
    }
  }

  /** A change made through the Contents API: look at once at the watched folders and files it touches. */
  private changedOnServer(serverId: string, change: ContentsChange): void {
    const paths = [change.path, ...(change.sourcePath === undefined ? [] : [change.sourcePath])];
    for (const folder of this.folders.values()) {
      if (folder.serverId === serverId && paths.some((p) => parentOf(p) === folder.path)) this.asked.folders.add(folder);
    }
    for (const file of this.files.values()) {
      if (file.serverId === serverId && paths.includes(file.path)) this.asked.files.add(file);
    }
    if (this.asked.folders.size || this.asked.files.size) this.scheduleAsked();
  }

  private scheduleAsked(): void {
    if (this.askedTimer) return;
    this.askedTimer = setTimeout(() => {
      this.askedTimer = undefined;
      if (this.polling) return; // the round under way re-schedules when it ends
      const folders = [...this.asked.folders];
      const files = [...this.asked.files];
      this.asked.folders.clear();
      this.asked.files.clear();
      void this.round(folders, files);
    }, EVENT_BATCH_MS);
  }

  private async pollFolder(folder: WatchedFolder, events: vscode.FileChangeEvent[]): Promise<void> {
    const { serverId, path } = folder;
    let now: Signature;
    try {
      const session = await this.connections.session(serverId);
      const started = Date.now();
      // The same names as readDirectory gives VS Code: an event for `..` would name the folder above.
      now = signatureOf(this.keep(await listDirectory(session, path), serverId, path));
      folder.dueAt = started + LISTING_COST_FACTOR * (Date.now() - started); // a quick folder: at the next round
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

  private async pollFile(file: WatchedFile, events: vscode.FileChangeEvent[]): Promise<void> {
    const { serverId, path } = file;
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
