import * as vscode from 'vscode';
import { normalizeServerPath } from '../../core/api';
import { DEFAULT_MAX_FILE_BYTES, type SyncConflict } from '../../core/sync';
import { browseServerFolder } from '../files';
import type { Servers } from '../servers';
import { registerGuarded, reportError, type ErrorSink } from '../shared';
import { showConflict } from './conflicts';
import { FolderSync, type SyncMapping } from './folder-sync';
import { ReloadOffers, type KernelsOfNotebooks } from './reload-offers';
import { SyncStatusBar } from './sync-status';

export interface SyncDeps extends ErrorSink, KernelsOfNotebooks {
  servers: Servers;
}

/** The mapping a workspace folder's settings hold, or undefined when it is not synced. */
function mappingOf(folder: vscode.WorkspaceFolder): SyncMapping | undefined {
  const config = vscode.workspace.getConfiguration('jupyterRemote', folder.uri);
  const serverId = config.get<string>('sync.server', '');
  if (!serverId) return undefined;
  let remoteRoot: string;
  try {
    remoteRoot = normalizeServerPath(config.get<string>('kernelFolder', ''));
  } catch {
    return undefined; // reported when the person sets it up; a hand-edited bad path syncs nothing
  }
  const exclude = config.get<string[]>('sync.exclude', []);
  const maxMb = config.get<number>('sync.maxFileSizeMB', DEFAULT_MAX_FILE_BYTES / 1048576);
  return { serverId, remoteRoot, exclude: Array.isArray(exclude) ? exclude.filter((p) => typeof p === 'string') : [], maxFileBytes: Math.max(0, maxMb) * 1048576 };
}

const sameMapping = (a: SyncMapping, b: SyncMapping) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The local project sync feature (issue 31): per workspace folder, a mapping in its settings
 * (`jupyterRemote.sync.server` and `jupyterRemote.kernelFolder`), kept by a FolderSync; Sync Folder to
 * Server… and Stop Syncing; the state in a status bar item; conflicts shown with a choice; and, when a
 * synced `.py` file was imported by a notebook's kernel, the offer to reload it there.
 */
export function registerSync(context: vscode.ExtensionContext, deps: SyncDeps): { syncs(): FolderSync[] } {
  const { servers } = deps;
  const syncs = new Map<string, FolderSync>();
  const statusBar = new SyncStatusBar(() => [...syncs.values()], (id) => servers.store.get(id)?.name ?? 'the server');
  const reloadOffers = new ReloadOffers(deps, deps.log);
  const resolve = (sync: FolderSync, conflict: SyncConflict) => showConflict(sync, conflict).catch((e: unknown) => reportError(deps, 'Could not resolve the conflict', e));

  const events = {
    changed: () => statusBar.update(),
    newConflicts: (sync: FolderSync, conflicts: SyncConflict[]) => void resolve(sync, conflicts[0]),
    sentPython: (serverId: string, paths: string[]) => reloadOffers.sent(serverId, paths),
  };

  /** Starts, restarts or stops each workspace folder's sync to match its settings. */
  const reconcile = () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const replaced = new Map<string, Promise<unknown>>();
    for (const [key, sync] of syncs) {
      const folder = folders.find((f) => f.uri.toString() === key);
      const mapping = folder && mappingOf(folder);
      if (!mapping || !sameMapping(mapping, sync.mapping)) {
        sync.dispose();
        syncs.delete(key);
        replaced.set(key, sync.idle);
      }
    }
    for (const folder of folders) {
      const key = folder.uri.toString();
      const mapping = mappingOf(folder);
      if (mapping && !syncs.has(key) && folder.uri.scheme === 'file') {
        const sync = new FolderSync(folder, mapping, servers.connections, deps.log, events, replaced.get(key));
        syncs.set(key, sync);
        // Caught up once the server is connected (activation sends no request).
        if (servers.connections.status(mapping.serverId).state === 'connected') sync.schedule();
      }
    }
    statusBar.update();
  };

  const syncFolder = async (): Promise<void> => {
    const local = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
    if (!local.length) throw new Error('Open a local folder first: Sync Folder to Server sends a local project folder to the server.');
    const active = vscode.window.activeNotebookEditor?.notebook.uri ?? vscode.window.activeTextEditor?.document.uri;
    const inFront = active && vscode.workspace.getWorkspaceFolder(active);
    const folder = local.length === 1 ? local[0] : inFront?.uri.scheme === 'file' ? inFront : await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Sync which local folder to the server?' });
    if (!folder) return;
    const server = await servers.pick(`Sync ${folder.name} to Which Server?`, { takeTheOnlyOne: true });
    if (!server) return;
    const config = vscode.workspace.getConfiguration('jupyterRemote', folder.uri);
    const start = config.get<string>('sync.server', '') === server.id ? config.get<string>('kernelFolder', '') : '';
    const remoteRoot = await browseServerFolder(servers.connections, server, start, `Sync ${folder.name} into Which Folder on ${server.name}?`);
    if (remoteRoot === undefined) return;
    // The server last, and the old one cleared first: at no moment does the folder map to the old server
    // and the new folder (each change starts, restarts or stops its sync).
    if (config.get<string>('sync.server', '')) await config.update('sync.server', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    await config.update('kernelFolder', remoteRoot, vscode.ConfigurationTarget.WorkspaceFolder);
    await config.update('sync.server', server.id, vscode.ConfigurationTarget.WorkspaceFolder);
    reconcile();
    const sync = syncs.get(folder.uri.toString());
    if (!sync) return;
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Syncing ${folder.name} to ${server.name}: /${remoteRoot}` }, (progress) => {
      let shown = 0;
      return sync.run((done, total) => {
        progress.report({ message: `${done} of ${total} files`, increment: ((done - shown) / Math.max(total, 1)) * 100 });
        shown = done;
      });
    });
    if (result && !result.stopped && !result.conflicts.length) {
      void vscode.window.showInformationMessage(`${folder.name} is synced to /${remoteRoot} on ${server.name} (${result.uploaded.length} sent, ${result.unchanged} unchanged); local notebooks there start their kernels in that folder.`);
    } else if (result?.stopped) {
      void vscode.window.showErrorMessage(result.stopped);
    }
  };

  const stopSyncing = async (): Promise<void> => {
    const running = [...syncs.values()];
    if (!running.length) {
      void vscode.window.showInformationMessage('No folder is being synced.');
      return;
    }
    const picked = running.length === 1 ? running[0] : (await vscode.window.showQuickPick(running.map((s) => ({ label: s.folder.name, description: `→ /${s.mapping.remoteRoot}`, sync: s })), { title: 'Stop Syncing Which Folder?' }))?.sync;
    if (!picked) return;
    await vscode.workspace.getConfiguration('jupyterRemote', picked.folder.uri).update('sync.server', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    reconcile();
    void vscode.window.showInformationMessage(`${picked.folder.name} is no longer synced; its files on the server stay where they are.`);
  };

  const showState = async (): Promise<void> => {
    const items = [...syncs.values()].flatMap((sync) => {
      const state = sync.state;
      const head = { label: `${sync.folder.name} → ${servers.store.get(sync.mapping.serverId)?.name ?? '?'}: /${sync.mapping.remoteRoot}`, description: statusBar.describe(state), run: () => sync.run() as Promise<unknown> };
      const conflicts = state.kind === 'conflict' ? state.conflicts.map((c) => ({ label: `$(warning) ${c.path}`, description: c.message, run: () => resolve(sync, c) })) : [];
      return [head, ...conflicts];
    });
    const picked = await vscode.window.showQuickPick(items, { title: 'Folder Sync (pick a folder to sync it now, a conflict to resolve it)' });
    await picked?.run();
  };

  context.subscriptions.push(
    statusBar,
    { dispose: () => [...syncs.values()].forEach((s) => s.dispose()) },
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('jupyterRemote.sync') || e.affectsConfiguration('jupyterRemote.kernelFolder')) reconcile();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => reconcile()),
    servers.connections.onDidChange((id) => {
      if (servers.connections.status(id).state !== 'connected') return;
      for (const sync of syncs.values()) if (sync.mapping.serverId === id && sync.wantsServer) sync.schedule();
    }),
    registerGuarded(deps, 'jupyterRemote.syncFolder', 'Could not sync the folder', syncFolder),
    registerGuarded(deps, 'jupyterRemote.stopSyncing', 'Could not stop syncing', stopSyncing),
    registerGuarded(deps, 'jupyterRemote.showSyncState', 'Could not show the sync', showState),
    registerGuarded(deps, 'jupyterRemote.reloadChangedModules', 'Could not reload the changed modules', () => reloadOffers.reloadInFront()),
  );
  reconcile();
  return { syncs: () => [...syncs.values()] };
}
