import * as vscode from 'vscode';
import type { SyncConflict } from '../../core/sync';
import { serverUri } from '../files';
import type { FolderSync } from './folder-sync';

const COMPARE = 'Compare';
const SEND_MINE = 'Send Mine, Keep Server’s Aside';
const SHOW_SERVERS = 'Show Server’s File';

/**
 * A conflict as a warning with what the person can do: compare the two versions (the server's through
 * the `jupyter-remote://` file system, beside the local file), or send the local one after the server's
 * is renamed aside, so that neither is lost. A delete left undone, or a folder in the way, can only be looked at.
 */
export async function showConflict(sync: FolderSync, conflict: SyncConflict): Promise<void> {
  const local = vscode.Uri.joinPath(sync.folder.uri, ...conflict.path.split('/'));
  const remote = serverUri(sync.mapping.serverId, sync.serverPath(conflict.path));
  const choices = conflict.deletion || conflict.kind === 'folder' ? [SHOW_SERVERS] : [COMPARE, SEND_MINE];
  const choice = await vscode.window.showWarningMessage(conflict.message, ...choices);
  if (choice === COMPARE) {
    await vscode.commands.executeCommand('vscode.diff', remote, local, `${conflict.path} (server ↔ local)`);
  } else if (choice === SHOW_SERVERS) {
    await vscode.commands.executeCommand('vscode.open', remote);
  } else if (choice === SEND_MINE) {
    const aside = await sync.overwrite(conflict.path);
    void vscode.window.showInformationMessage(`Sent ${conflict.path}; the server's version is kept as /${aside}.`);
  }
}
