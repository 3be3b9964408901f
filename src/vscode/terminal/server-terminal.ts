import * as vscode from 'vscode';
import { createTerminal, deleteTerminal, listTerminals, parentOf } from '../../core/api';
import type { HttpSession } from '../../core/http';
import { TerminalConnection } from '../../core/terminal';
import { messageOf } from '../../core/util/errors';
import type { Logger } from '../../core/util/logger';
import { SERVER_FS_SCHEME, serverPathOf } from '../files';
import type { ServerConnections, ServerRecord } from '../servers';
import { ago } from '../shared';

/** The folder the kernel of the notebook in front runs in, when that notebook runs on the server `serverId`. */
export type KernelFolderInFront = (serverId: string) => string | undefined;

/**
 * The folder on `server` a person is working in: the folder the notebook in front runs its kernel in,
 * else the folder of the server file in front, else the server folder open in the window ('' = root).
 */
function folderInFront(server: ServerRecord, kernelFolderInFront: KernelFolderInFront): string {
  const folder = kernelFolderInFront(server.id);
  if (folder !== undefined) return folder;
  const uri = vscode.window.activeNotebookEditor?.notebook.uri ?? vscode.window.activeTextEditor?.document.uri;
  if (uri?.scheme === SERVER_FS_SCHEME && uri.authority === server.id) return parentOf(serverPathOf(uri).path);
  const open = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === SERVER_FS_SCHEME && f.uri.authority === server.id);
  return open ? serverPathOf(open.uri).path : '';
}

/**
 * A VS Code terminal backed by a server terminal. Closing it disconnects: the shell goes on on the
 * server, to be attached to again. Only what the person types is sent.
 */
class ServerPseudoterminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private connection: TerminalConnection | undefined;
  private pendingInput = '';
  private size: vscode.TerminalDimensions | undefined;
  private closedByPerson = false;

  constructor(
    private readonly session: HttpSession,
    private readonly name: string,
    private readonly where: string,
    private readonly log: Logger,
  ) {}

  open(dimensions: vscode.TerminalDimensions | undefined): void {
    this.size = dimensions;
    TerminalConnection.open({
      session: this.session,
      name: this.name,
      onOutput: (text) => this.writeEmitter.fire(text),
      onClose: (reason) => this.ended(reason),
      log: this.log,
    }).then(
      (connection) => {
        if (this.closedByPerson) return connection.close();
        this.connection = connection;
        if (this.size) connection.resize(this.size.rows, this.size.columns);
        if (this.pendingInput) connection.write(this.pendingInput);
        this.pendingInput = '';
      },
      (e: unknown) => {
        this.writeEmitter.fire(`\r\nCould not connect to terminal ${this.name} on ${this.where}: ${messageOf(e)}\r\n`);
        this.log.warn(`Server terminal ${this.name} on ${this.where}: ${messageOf(e)}`);
      },
    );
  }

  handleInput(data: string): void {
    if (this.connection) this.connection.write(data);
    else this.pendingInput += data;
  }

  setDimensions(dimensions: vscode.TerminalDimensions): void {
    this.size = dimensions;
    this.connection?.resize(dimensions.rows, dimensions.columns);
  }

  close(): void {
    this.closedByPerson = true;
    this.connection?.close();
  }

  private ended(reason: 'ended' | 'dropped' | 'closed'): void {
    this.connection = undefined;
    if (reason === 'ended') this.closeEmitter.fire(0);
    else if (reason === 'dropped') {
      this.writeEmitter.fire(`\r\n[The connection to ${this.where} was lost. Terminal ${this.name} may still be running there: "Jupyter Remote: Open Server Terminal" attaches to it again.]\r\n`);
    }
  }
}

/**
 * "Open Server Terminal": a new terminal in the folder the person works in, or one already on the server
 * (a long `pip install` found again after a reload). Opened only when asked; nothing is typed for them.
 */
export async function openServerTerminal(connections: ServerConnections, kernelFolderInFront: KernelFolderInFront, server: ServerRecord, log: Logger): Promise<void> {
  const session = await connections.session(server.id);
  const existing = await listTerminals(session);
  const folder = folderInFront(server, kernelFolderInFront);
  let name: string | undefined;
  if (existing.length) {
    const picked = await vscode.window.showQuickPick(
      [
        { label: `$(add) New Terminal in /${folder}`, name: undefined },
        ...existing.map((t) => ({ label: `$(terminal) Terminal ${t.name}`, description: `last active ${ago(t.lastActivity)}`, name: t.name })),
      ],
      { title: `Terminal on ${server.name}` },
    );
    if (!picked) return;
    name = picked.name;
  }
  name ??= (await createTerminal(session, { cwd: folder || undefined })).name;
  const terminal = vscode.window.createTerminal({ name: `${server.name}: ${name}`, pty: new ServerPseudoterminal(session, name, server.name, log), iconPath: new vscode.ThemeIcon('remote') });
  terminal.show();
}

/** "Shut Down Server Terminal…": ends a terminal and its shell on the server, after a confirmation. */
export async function shutDownServerTerminal(connections: ServerConnections, server: ServerRecord): Promise<void> {
  const session = await connections.session(server.id);
  const existing = await listTerminals(session);
  if (!existing.length) {
    void vscode.window.showInformationMessage(`No terminal is running on ${server.name}.`);
    return;
  }
  const picked = await vscode.window.showQuickPick(
    existing.map((t) => ({ label: `$(terminal) Terminal ${t.name}`, description: `last active ${ago(t.lastActivity)}`, name: t.name })),
    { title: `Shut down which terminal on ${server.name}?` },
  );
  if (!picked) return;
  const choice = await vscode.window.showWarningMessage(`Shut down terminal ${picked.name} on ${server.name}?`, { modal: true, detail: 'Its shell ends, with whatever runs in it.' }, 'Shut Down');
  if (choice === 'Shut Down') await deleteTerminal(session, picked.name);
}
