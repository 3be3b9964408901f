import * as vscode from 'vscode';
import { normalizeServerPath } from '../../core/api';
import type { KernelConnection } from '../../core/kernel';
import { DEFAULT_EXCLUDE, DEFAULT_MAX_FILE_BYTES, importedModulesOf, reloadModules, type SyncConflict } from '../../core/sync';
import { messageOf } from '../../core/util/errors';
import { browseServerFolder, serverUri } from '../files';
import type { Servers } from '../servers';
import { NOTEBOOK_TYPE, registerGuarded, type ErrorSink } from '../shared';
import { FolderSync, type SyncMapping } from './folder-sync';
import { SyncStatusBar } from './sync-status';

export interface SyncDeps extends ErrorSink {
  servers: Servers;
  /** The server a notebook's kernel runs on, and its connection while it runs. */
  serverOf(notebook: vscode.NotebookDocument): string | undefined;
  connectionOf(notebook: vscode.NotebookDocument): KernelConnection | undefined;
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
  const exclude = config.get<string[]>('sync.exclude', DEFAULT_EXCLUDE);
  const maxMb = config.get<number>('sync.maxFileSizeMB', DEFAULT_MAX_FILE_BYTES / 1048576);
  return { serverId, remoteRoot, exclude: Array.isArray(exclude) ? exclude.filter((p) => typeof p === 'string') : DEFAULT_EXCLUDE, maxFileBytes: Math.max(0, maxMb) * 1048576 };
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
  /** Python files sent per server since its kernels last reloaded them (server paths). */
  const sentPython = new Map<string, Set<string>>();

  const notebooksOn = (serverId: string) => vscode.workspace.notebookDocuments.filter((n) => n.notebookType === NOTEBOOK_TYPE && deps.serverOf(n) === serverId && deps.connectionOf(n));

  const reloadIn = async (notebook: vscode.NotebookDocument, paths: string[]): Promise<void> => {
    const connection = deps.connectionOf(notebook);
    if (!connection) throw new Error(`${notebook.uri.path.split('/').pop()} has no running remote kernel.`);
    const { reloaded, error } = await reloadModules(connection, paths);
    if (error) {
      void vscode.window.showErrorMessage(error);
    } else if (reloaded.length) {
      for (const p of paths) sentPython.get(deps.serverOf(notebook) ?? '')?.delete(p);
      void vscode.window.showInformationMessage(`Reloaded ${reloaded.join(', ')}. Names imported from them before (\`from … import f\`) still point to the old code: run those imports again.`);
    } else {
      void vscode.window.showInformationMessage('The kernel has not imported any of the changed files.');
    }
  };

  const offerReload = async (serverId: string, paths: string[]): Promise<void> => {
    const pending = sentPython.get(serverId) ?? new Set<string>();
    for (const p of paths) pending.add(p);
    sentPython.set(serverId, pending);
    for (const notebook of notebooksOn(serverId)) {
      const connection = deps.connectionOf(notebook);
      if (!connection || connection.isRunningCode) continue; // asked again by the command, after the cell
      const modules = await importedModulesOf(connection, [...pending]);
      if (!modules.length) continue;
      const name = notebook.uri.path.split('/').pop();
      const action = await vscode.window.showInformationMessage(`${modules.join(', ')} changed: the kernel of ${name} still runs the code it imported before.`, 'Reload Changed Modules');
      if (action) await reloadIn(notebook, [...pending]).catch((e: unknown) => void vscode.window.showErrorMessage(messageOf(e)));
    }
  };

  const showConflict = async (sync: FolderSync, conflict: SyncConflict): Promise<void> => {
    const local = vscode.Uri.joinPath(sync.folder.uri, ...conflict.path.split('/'));
    const remote = serverUri(sync.mapping.serverId, sync.serverPath(conflict.path));
    const choices = conflict.deletion || conflict.kind === 'folder' ? ['Show Server’s File'] : ['Compare', 'Send Mine, Keep Server’s Aside'];
    const choice = await vscode.window.showWarningMessage(`${conflict.message} Neither version was changed.`, ...choices);
    if (choice === 'Compare') {
      await vscode.commands.executeCommand('vscode.diff', remote, local, `${conflict.path} (server ↔ local)`);
    } else if (choice === 'Show Server’s File') {
      await vscode.commands.executeCommand('vscode.open', remote);
    } else if (choice) {
      const aside = await sync.overwrite(conflict.path);
      void vscode.window.showInformationMessage(`Sent ${conflict.path}; the server's version is kept as /${aside}.`);
    }
  };

  const events = {
    changed: () => statusBar.update(),
    newConflicts: (sync: FolderSync, conflicts: SyncConflict[]) => {
      void showConflict(sync, conflicts[0]).catch((e: unknown) => void vscode.window.showErrorMessage(messageOf(e)));
    },
    sentPython: (serverId: string, paths: string[]) => void offerReload(serverId, paths).catch((e: unknown) => deps.log.warn(`Could not ask the kernels about changed modules: ${messageOf(e)}`)),
  };

  /** Starts, restarts or stops each workspace folder's sync to match its settings. */
  const reconcile = () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    for (const [key, sync] of syncs) {
      const folder = folders.find((f) => f.uri.toString() === key);
      const mapping = folder && mappingOf(folder);
      if (!mapping || !sameMapping(mapping, sync.mapping)) {
        sync.dispose();
        syncs.delete(key);
      }
    }
    for (const folder of folders) {
      const key = folder.uri.toString();
      const mapping = mappingOf(folder);
      if (mapping && !syncs.has(key) && folder.uri.scheme === 'file') {
        const sync = new FolderSync(folder, mapping, servers.connections, deps.log, events);
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
      const conflicts = state.kind === 'conflict' ? state.conflicts.map((c) => ({ label: `$(warning) ${c.path}`, description: c.message, run: () => showConflict(sync, c) })) : [];
      return [head, ...conflicts];
    });
    const picked = await vscode.window.showQuickPick(items, { title: 'Folder Sync (pick a folder to sync it now, a conflict to resolve it)' });
    await picked?.run();
  };

  const reloadChanged = async (): Promise<void> => {
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    const serverId = notebook && deps.serverOf(notebook);
    if (!notebook || !serverId) throw new Error('Open a notebook that runs on a remote kernel first.');
    const pending = [...(sentPython.get(serverId) ?? [])];
    if (!pending.length) {
      void vscode.window.showInformationMessage('No synced Python file changed since the last reload.');
      return;
    }
    await reloadIn(notebook, pending);
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
      for (const sync of syncs.values()) if (sync.mapping.serverId === id && !sync.caughtUp) sync.schedule();
    }),
    registerGuarded(deps, 'jupyterRemote.syncFolder', 'Could not sync the folder', syncFolder),
    registerGuarded(deps, 'jupyterRemote.stopSyncing', 'Could not stop syncing', stopSyncing),
    registerGuarded(deps, 'jupyterRemote.showSyncState', 'Could not show the sync', showState),
    registerGuarded(deps, 'jupyterRemote.reloadChangedModules', 'Could not reload the changed modules', reloadChanged),
  );
  reconcile();
  return { syncs: () => [...syncs.values()] };
}
