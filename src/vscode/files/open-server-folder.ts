import * as vscode from 'vscode';
import { baseNameOf, ContentsError, listDirectory, parentOf } from '../../core/api';
import { messageOf } from '../../core/util/errors';
import type { Logger } from '../../core/util/logger';
import type { ServerConnections, ServerRecord } from '../servers';
import { serverUri } from './server-file-system';

type BrowseItem = vscode.QuickPickItem & { go?: string; open?: boolean };

/**
 * Browses a server's folders in a quick pick, from `start`: "Open this folder", the parent, then the
 * subfolders (one listing request a folder). Resolves the chosen server path, or undefined if dismissed.
 */
export async function browseServerFolder(connections: ServerConnections, server: ServerRecord, start = '', title = `Open a Folder on ${server.name}`): Promise<string | undefined> {
  const session = await connections.session(server.id);
  for (let here = start; ; ) {
    const entries = await listDirectory(session, here).catch((e: unknown) => {
      if (here && e instanceof ContentsError && e.problem === 'not-found') return undefined; // a remembered folder that is gone
      throw e;
    });
    if (!entries) {
      here = '';
      continue;
    }
    const folders = entries.filter((e) => e.type === 'directory').sort((a, b) => a.name.localeCompare(b.name));
    const items: BrowseItem[] = [
      { label: '$(check) Open This Folder', description: `/${here}`, open: true },
      ...(here ? [{ label: '$(arrow-up) ..', description: `/${parentOf(here)}`, go: parentOf(here) }] : []),
      ...folders.map((f) => ({ label: `$(folder) ${f.name}`, go: f.path })),
    ];
    const picked = await vscode.window.showQuickPick(items, { title, placeHolder: `/${here}`, matchOnDescription: true });
    if (!picked) return undefined;
    if (picked.open) return here;
    here = picked.go ?? here;
  }
}

/**
 * Jupyter Remote: Open Server Folder… — a server, a folder on it, then this window (added to the
 * workspace) or a new one. The Explorer then shows the server's files through the file system.
 */
export async function openServerFolder(connections: ServerConnections, server: ServerRecord, workspacesFolder: vscode.Uri): Promise<void> {
  const folder = await browseServerFolder(connections, server);
  if (folder === undefined) return;
  const uri = serverUri(server.id, folder);
  const where = await vscode.window.showQuickPick(
    [
      { label: '$(add) Add to This Window', newWindow: false },
      { label: '$(empty-window) Open in a New Window', newWindow: true },
    ],
    { title: `Open ${server.name}: /${folder}` },
  );
  if (!where) return;
  const name = `${server.name}: /${folder}`;
  const open = vscode.workspace.workspaceFolders ?? [];
  if (where.newWindow || !open.length) {
    await vscode.commands.executeCommand('vscode.openFolder', uri, { forceNewWindow: where.newWindow });
  } else if (vscode.workspace.workspaceFile) {
    // A workspace already: the folder joins it, no reload.
    if (!vscode.workspace.updateWorkspaceFolders(open.length, 0, { uri, name })) throw new Error('VS Code did not add the folder to this window.');
  } else {
    // A folder window. Adding a folder makes VS Code reload it into an untitled workspace whose file it
    // writes as it reloads: under load it came up with no folder at all (seen in CI). So the workspace file
    // is ours, written whole first, and this window opens it.
    const file = vscode.Uri.joinPath(workspacesFolder, `${fileNameOf([...open.map((f) => f.name), name])}.code-workspace`);
    // A folder on the workspace file's own file system by its path (as VS Code writes them: a `uri` of the
    // window's remote authority showed as missing in code-server); the server folder by its URI.
    const entry = (f: { uri: vscode.Uri; name: string }) =>
      f.uri.scheme === file.scheme && f.uri.authority === file.authority ? { path: f.uri.path, name: f.name } : { uri: f.uri.toString(), name: f.name };
    const folders = [...open.map(entry), entry({ uri, name })];
    await vscode.workspace.fs.createDirectory(workspacesFolder);
    await vscode.workspace.fs.writeFile(file, Buffer.from(`${JSON.stringify({ folders }, null, 2)}\n`));
    await vscode.commands.executeCommand('vscode.openFolder', file, { forceNewWindow: false });
  }
}

/**
 * A window that opened one of the workspace files above sometimes comes up with no folder at all, the
 * file whole and right: code-server resolved the workspace before it could read the file (seen in 2 of
 * ~40 runs of UI journey 12). The folders the file names are put back, as the person would by opening it again.
 * Only for our own files, only when the window still has no folder a moment after this extension starts.
 */
export async function restoreWorkspaceFolders(workspacesFolder: vscode.Uri, log: Logger, settleMs = 2000): Promise<void> {
  const file = vscode.workspace.workspaceFile;
  const hasFolders = () => (vscode.workspace.workspaceFolders?.length ?? 0) > 0;
  if (!file || hasFolders() || file.scheme !== workspacesFolder.scheme || !file.path.startsWith(`${workspacesFolder.path}/`)) return;
  await new Promise<void>((resolve) => {
    const sub = vscode.workspace.onDidChangeWorkspaceFolders(() => done());
    const timer = setTimeout(() => done(), settleMs);
    const done = () => (clearTimeout(timer), sub.dispose(), resolve());
  });
  if (hasFolders() || vscode.workspace.workspaceFile?.toString() !== file.toString()) return;
  let folders: { uri: vscode.Uri; name?: string }[];
  try {
    const saved = JSON.parse(Buffer.from(await vscode.workspace.fs.readFile(file)).toString('utf8')) as { folders?: { path?: string; uri?: string; name?: string }[] };
    // A folder by `path` is on the workspace file's own file system; a relative path is from the file's folder.
    const byPath = (p: string) => (/^([/\\]|[A-Za-z]:)/.test(p) ? (file.scheme === 'file' ? vscode.Uri.file(p) : file.with({ path: p })) : vscode.Uri.joinPath(file, '..', p));
    folders = (saved.folders ?? []).flatMap((f) => (f.uri ? [{ uri: vscode.Uri.parse(f.uri), name: f.name }] : f.path ? [{ uri: byPath(f.path), name: f.name }] : []));
  } catch (e) {
    log.warn(`This window opened ${file.path} and shows no folder; reading that file failed: ${messageOf(e)}`);
    return;
  }
  if (!folders.length || hasFolders()) return;
  log.warn(`This window opened ${baseNameOf(file.path)} but came up with no folder; adding its ${folders.length} folders again`);
  if (!vscode.workspace.updateWorkspaceFolders(0, 0, ...folders)) log.warn('VS Code did not take the folders back; open the workspace again (File > Open Recent)');
}

/** A file name from folder names: readable, and safe on every file system. */
function fileNameOf(names: string[]): string {
  return names.join(' + ').replace(/[^\p{L}\p{N} ._+-]+/gu, '_').slice(0, 120);
}

/**
 * Set Server Folder for Local Notebooks… — the server folder (browsed on `server`) where kernels of the
 * local notebooks in a workspace folder start: `jupyterRemote.kernelFolder` of that workspace folder.
 */
export async function setKernelFolder(connections: ServerConnections, server: ServerRecord): Promise<void> {
  const active = vscode.window.activeNotebookEditor?.notebook.uri;
  const workspaceFolder = (active && vscode.workspace.getWorkspaceFolder(active)) ?? (await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Which workspace folder\'s local notebooks?' }));
  if (!workspaceFolder) return;
  const config = vscode.workspace.getConfiguration('jupyterRemote', workspaceFolder.uri);
  const folder = await browseServerFolder(connections, server, config.get<string>('kernelFolder', ''));
  if (folder === undefined) return;
  await config.update('kernelFolder', folder, vscode.ConfigurationTarget.WorkspaceFolder);
  void vscode.window.showInformationMessage(`Kernels of local notebooks in ${workspaceFolder.name} start in /${folder} on the server (restart a running kernel to move it).`);
}
