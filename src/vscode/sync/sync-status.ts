import * as vscode from 'vscode';
import type { FolderSync, SyncState } from './folder-sync';

/** The sync's state in one status bar item, shown while any folder is synced: synced, syncing N files, a conflict, stopped. */
export class SyncStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('jupyterRemote.sync', vscode.StatusBarAlignment.Left, 99);

  constructor(
    private readonly syncs: () => FolderSync[],
    private readonly serverName: (id: string) => string,
  ) {
    this.item.name = 'Jupyter Remote Folder Sync';
    this.item.command = 'jupyterRemote.showSyncState';
  }

  describe(state: SyncState): string {
    switch (state.kind) {
      case 'waiting':
        return 'waiting for the server to connect';
      case 'syncing':
        return `syncing ${state.files} file${state.files === 1 ? '' : 's'}`;
      case 'synced':
        return 'synced';
      case 'conflict':
        return `${state.conflicts.length} conflict${state.conflicts.length === 1 ? '' : 's'}: not sent`;
      case 'stopped':
        return `stopped: ${state.message}`;
    }
  }

  update(): void {
    const syncs = this.syncs();
    if (!syncs.length) {
      this.item.hide();
      return;
    }
    const states = syncs.map((s) => s.state);
    const syncing = states.reduce((n, s) => n + (s.kind === 'syncing' ? s.files : 0), 0);
    const conflicts = states.reduce((n, s) => n + (s.kind === 'conflict' ? s.conflicts.length : 0), 0);
    const stopped = states.some((s) => s.kind === 'stopped');
    const waiting = states.every((s) => s.kind === 'waiting');
    this.item.text = syncing
      ? `$(sync~spin) Syncing ${syncing} file${syncing === 1 ? '' : 's'}`
      : conflicts
        ? `$(warning) Sync: ${conflicts} conflict${conflicts === 1 ? '' : 's'}`
        : stopped
          ? '$(error) Sync stopped'
          : waiting
            ? '$(sync-ignored) Sync waiting'
            : '$(check) Synced';
    this.item.backgroundColor = conflicts || stopped ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.tooltip = syncs.map((s) => `${s.folder.name} → ${this.serverName(s.mapping.serverId)}: /${s.mapping.remoteRoot}: ${this.describe(s.state)}`).join('\n');
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
