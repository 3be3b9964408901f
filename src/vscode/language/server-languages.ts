import * as vscode from 'vscode';
import { LanguageServerAbsentError, LanguageService } from '../../core/language';
import type { Logger } from '../../core/util/logger';
import { messageOf } from '../../core/util/errors';
import type { ServerConnections, ServerStore } from '../servers';

/** What the server menu says of a server's language server. */
export type LanguageServerState = { ready: true; name: string; reconnecting: boolean } | { ready: false; reason: string };

/** One server's language service: starting, ready, or absent with the reason. */
type Entry = { state: 'starting'; started: Promise<LanguageService | undefined> } | { state: 'ready'; service: LanguageService } | { state: 'absent'; reason: string };

/** A service with no document open is closed after this long (the server's language server goes on for others; ours stops costing it). */
const IDLE_CLOSE_MS = 60_000;

/**
 * The language service of each server, started when its first document needs it and closed when no
 * document has needed it for a minute, when the server is removed, or when the setting turns it off.
 * A server that offers none is remembered with the reason until its connection changes.
 */
export class ServerLanguages implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly idleTimers = new Map<string, NodeJS.Timeout>();
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with a server's id when its language service started, stopped, reconnects or was found absent. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(
    private readonly deps: { connections: ServerConnections; store: ServerStore; log: Logger; onReady(serverId: string, service: LanguageService): void },
  ) {
    this.disposables.push(
      deps.connections.onDidChange((id) => {
        // A removed server: its service goes. One that offered none is asked again when it connects again.
        if (!deps.store.get(id)) this.stop(id);
        else if (this.entries.get(id)?.state === 'absent') this.forget(id);
      }),
    );
  }

  describe(serverId: string): LanguageServerState | undefined {
    const entry = this.entries.get(serverId);
    if (entry?.state === 'ready') return { ready: true, name: entry.service.offer.displayName, reconnecting: entry.service.state === 'reconnecting' };
    if (entry?.state === 'absent') return { ready: false, reason: entry.reason };
    return undefined;
  }

  /** The ready service of a server, if it has one now. */
  readyOn(serverId: string): LanguageService | undefined {
    const entry = this.entries.get(serverId);
    return entry?.state === 'ready' ? entry.service : undefined;
  }

  /** The server's language service, started on first need; undefined when the server offers none. */
  serviceOf(serverId: string): Promise<LanguageService | undefined> {
    this.clearIdle(serverId);
    const known = this.entries.get(serverId);
    if (known?.state === 'ready') return Promise.resolve(known.service);
    if (known?.state === 'starting') return known.started;
    if (known?.state === 'absent') return Promise.resolve(undefined);
    const entry: Entry = { state: 'starting', started: this.start(serverId, () => this.entries.get(serverId) === entry) };
    this.entries.set(serverId, entry);
    return entry.started;
  }

  /** Closes the services that have no document open, after a minute without one. */
  closeIdleSoon(): void {
    for (const [id, entry] of this.entries) {
      if (entry.state !== 'ready' || !entry.service.isIdle || this.idleTimers.has(id)) continue;
      this.idleTimers.set(id, setTimeout(() => {
        this.idleTimers.delete(id);
        if (this.readyOn(id)?.isIdle) this.stop(id);
      }, IDLE_CLOSE_MS));
    }
  }

  stopAll(): void {
    for (const id of [...this.entries.keys()]) this.stop(id);
  }

  dispose(): void {
    this.stopAll();
    this.disposables.forEach((d) => d.dispose());
  }

  private stop(serverId: string): void {
    const entry = this.entries.get(serverId);
    this.clearIdle(serverId);
    if (!entry) return;
    this.entries.delete(serverId);
    if (entry.state === 'ready') entry.service.dispose();
    // A start under way sees that it is no longer the entry and closes what it started.
    this.changed.fire(serverId);
  }

  private forget(serverId: string): void {
    this.entries.delete(serverId);
    this.changed.fire(serverId);
  }

  private clearIdle(serverId: string): void {
    clearTimeout(this.idleTimers.get(serverId));
    this.idleTimers.delete(serverId);
  }

  private async start(serverId: string, stillWanted: () => boolean): Promise<LanguageService | undefined> {
    const { log } = this.deps;
    let outcome: Entry;
    try {
      const session = await this.deps.connections.session(serverId);
      const service = await LanguageService.start(session, { log });
      service.onDidChangeState(() => this.changed.fire(serverId));
      log.info(`Language server ${service.offer.displayName} on the server${service.offer.othersConnected ? ' (shared with another client)' : ''}`);
      outcome = { state: 'ready', service };
    } catch (e) {
      const reason = e instanceof LanguageServerAbsentError ? e.message : `Could not reach the server's language server: ${messageOf(e)}`;
      log.info(`No language server: ${reason}`);
      outcome = { state: 'absent', reason };
    }
    // Stopped (the setting turned off, the server removed) while it started, or started again since.
    if (!stillWanted()) {
      if (outcome.state === 'ready') outcome.service.dispose();
      return undefined;
    }
    this.entries.set(serverId, outcome);
    if (outcome.state === 'ready') this.deps.onReady(serverId, outcome.service);
    this.changed.fire(serverId);
    return outcome.state === 'ready' ? outcome.service : undefined;
  }
}
