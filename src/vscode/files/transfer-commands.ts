import * as vscode from 'vscode';
import { localNameProblem, type LocalPlatform } from '../../core/api/local-names';
import { browseServerFolder } from './open-server-folder';
import type { ServerConnections, ServerRecord } from '../servers';
import { localPlatform, serverUri } from './server-file-system';

const baseName = (uri: vscode.Uri) => uri.path.split('/').filter(Boolean).pop() ?? 'file';

/**
 * Copies each source into `folder` with VS Code's own copy (folders recursively; the server side goes
 * through our file system, so uploads go in chunks and replace a file only when whole). An existing
 * target is replaced only when the person says so. Resolves how many were copied.
 */
async function copyEach(sources: vscode.Uri[], folder: vscode.Uri, title: string): Promise<number> {
  let copied = 0;
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    for (const [i, source] of sources.entries()) {
      if (token.isCancellationRequested) break;
      const target = vscode.Uri.joinPath(folder, baseName(source));
      progress.report({ message: `${baseName(source)} (${i + 1} of ${sources.length})`, increment: 100 / sources.length });
      const exists = await vscode.workspace.fs.stat(target).then(() => true, () => false);
      if (exists) {
        const replace = await vscode.window.showWarningMessage(`${baseName(source)} already exists in ${folder.path || '/'}. Replace it?`, { modal: true }, 'Replace');
        if (replace !== 'Replace') continue;
      }
      await vscode.workspace.fs.copy(source, target, { overwrite: exists });
      copied++;
    }
  });
  return copied;
}

/** The explorer's selection when a context-menu command runs, else the one resource it was given. */
function selection(uri: vscode.Uri | undefined, uris: vscode.Uri[] | undefined): vscode.Uri[] {
  return uris?.length ? uris : uri ? [uri] : [];
}

/** Upload to Server… (local files and folders): a server, a folder on it, then the copies. */
export async function uploadToServer(connections: ServerConnections, pickServer: () => Promise<ServerRecord | undefined>, uri?: vscode.Uri, uris?: vscode.Uri[]): Promise<void> {
  let sources = selection(uri, uris);
  if (!sources.length) sources = (await vscode.window.showOpenDialog({ canSelectMany: true, canSelectFolders: true, canSelectFiles: true, openLabel: 'Upload' })) ?? [];
  if (!sources.length) return;
  const server = await pickServer();
  if (!server) return;
  const folder = await browseServerFolder(connections, server);
  if (folder === undefined) return;
  const copied = await copyEach(sources, serverUri(server.id, folder), `Uploading to ${server.name}`);
  void vscode.window.showInformationMessage(`Uploaded ${copied} of ${sources.length} to ${server.name}: /${folder}.`);
}

/**
 * Download… (server files and folders): a local folder, then the copies. A name this computer would
 * read as a path (`..\..\Startup\x.bat` is a file name on Linux) is refused before anything is
 * written: the copy keeps the name, so it would land outside the chosen folder. (What lies inside a
 * folder is filtered by the file system's listing.)
 */
export async function downloadFromServer(uri?: vscode.Uri, uris?: vscode.Uri[], platform: LocalPlatform = localPlatform()): Promise<void> {
  const sources = selection(uri, uris);
  if (!sources.length) {
    void vscode.window.showInformationMessage('Choose files or folders of a server folder in the Explorer, then Download….');
    return;
  }
  for (const source of sources) {
    const name = baseName(source);
    const problem = localNameProblem(name, platform);
    if (problem !== undefined) throw new Error(`${JSON.stringify(name)} cannot be downloaded under its own name because ${problem}; rename it on the server, then download it.`);
  }
  const [folder] = (await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Download Here' })) ?? [];
  if (!folder) return;
  const copied = await copyEach(sources, folder, 'Downloading from the server');
  void vscode.window.showInformationMessage(`Downloaded ${copied} of ${sources.length} to ${folder.fsPath}.`);
}
