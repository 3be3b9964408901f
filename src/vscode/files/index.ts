import * as vscode from 'vscode';
import type { Servers } from '../servers';
import { registerGuarded, type ErrorSink } from '../shared';
import { openServerFolder, restoreWorkspaceFolders, setKernelFolder } from './open-server-folder';
import { SERVER_FS_SCHEME, ServerFileSystem } from './server-file-system';
import { downloadFromServer, uploadToServer } from './transfer-commands';

export { browseServerFolder } from './open-server-folder';
export { SERVER_FS_SCHEME, serverUri } from './server-file-system';
export type { ServerFileSystem } from './server-file-system';
export { serverPathOf, sessionPathOnServer } from './server-uri';

export interface FilesDeps extends ErrorSink {
  servers: Servers;
}

/**
 * The server's files feature: the `jupyter-remote://` file system and its watcher, Open Server Folder…
 * (and the workspace files it writes), Upload to Server… / Download…, and the server folder local
 * notebooks' kernels start in.
 */
export function registerFiles(context: vscode.ExtensionContext, deps: FilesDeps): { fileSystem: ServerFileSystem } {
  const { servers } = deps;
  const fileSystem = new ServerFileSystem(servers.connections, deps.log);
  /** Where the workspace files Open Server Folder writes are kept (the extension's global storage). */
  const workspacesFolder = vscode.Uri.joinPath(context.globalStorageUri, 'workspaces');
  const openFolder = async (): Promise<void> => {
    const server = await servers.pick('Open a Folder on Which Server?', { takeTheOnlyOne: true });
    if (server) await openServerFolder(servers.connections, server, workspacesFolder);
  };

  context.subscriptions.push(
    fileSystem,
    vscode.workspace.registerFileSystemProvider(SERVER_FS_SCHEME, fileSystem, { isCaseSensitive: true }),
    registerGuarded(deps, 'jupyterRemote.openServerFolder', 'Could not open the server folder', openFolder),
    registerGuarded(deps, 'jupyterRemote.setKernelFolder', 'Could not set the server folder', async () => {
      const server = await servers.inFront('Browse Which Server?');
      if (server) await setKernelFolder(servers.connections, server);
    }),
    registerGuarded(deps, 'jupyterRemote.uploadToServer', 'Could not upload', (uri?: vscode.Uri, uris?: vscode.Uri[]) =>
      uploadToServer(servers.connections, () => servers.pick('Upload to Which Server?', { takeTheOnlyOne: true }), uri, uris),
    ),
    registerGuarded(deps, 'jupyterRemote.downloadFromServer', 'Could not download', (uri?: vscode.Uri, uris?: vscode.Uri[]) => downloadFromServer(uri, uris)),
    servers.addMenuItems(20, (shown) => (shown ? [{ label: `$(folder-opened) Open a Folder on ${shown.name}…`, run: () => openServerFolder(servers.connections, shown, workspacesFolder) }] : [])),
  );
  void restoreWorkspaceFolders(workspacesFolder, deps.log);
  return { fileSystem };
}
