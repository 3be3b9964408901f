import * as vscode from 'vscode';
import type { KernelConnection } from '../../core/kernel';
import { importedModulesOf, reloadModules } from '../../core/sync';
import { messageOf } from '../../core/util/errors';
import type { Logger } from '../../core/util/logger';
import { NOTEBOOK_TYPE } from '../shared';

export interface KernelsOfNotebooks {
  /** The server a notebook's kernel runs on, and its connection while it runs. */
  serverOf(notebook: vscode.NotebookDocument): string | undefined;
  connectionOf(notebook: vscode.NotebookDocument): KernelConnection | undefined;
}

const nameOf = (notebook: vscode.NotebookDocument) => notebook.uri.path.split('/').pop() ?? 'the notebook';

/**
 * "Reload Changed Modules": the Python files the sync sent, remembered per running kernel until that
 * kernel reloads them; a notification for each idle kernel that imported one of them (a kernel running
 * a cell is not asked, the command asks later), and the command for the notebook in front.
 */
export class ReloadOffers {
  /** Server paths sent since each kernel last reloaded (a kernel started later imports the new code anyway). */
  private readonly pending = new WeakMap<KernelConnection, Set<string>>();

  constructor(
    private readonly kernels: KernelsOfNotebooks,
    private readonly log: Logger,
  ) {}

  /** The sync sent these `.py` files (server paths) to `serverId`. */
  sent(serverId: string, serverPaths: string[]): void {
    for (const notebook of vscode.workspace.notebookDocuments) {
      if (notebook.notebookType !== NOTEBOOK_TYPE || this.kernels.serverOf(notebook) !== serverId) continue;
      const connection = this.kernels.connectionOf(notebook);
      if (!connection) continue;
      const pending = this.pending.get(connection) ?? new Set<string>();
      for (const p of serverPaths) pending.add(p);
      this.pending.set(connection, pending);
      if (!connection.isRunningCode) void this.offer(notebook, connection).catch((e: unknown) => this.log.warn(`Could not ask ${nameOf(notebook)}'s kernel about changed modules: ${messageOf(e)}`));
    }
  }

  /** The command: reloads what changed for the notebook in front's kernel. */
  async reloadInFront(): Promise<void> {
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    const connection = notebook && this.kernels.connectionOf(notebook);
    if (!notebook || !connection) throw new Error('Open a notebook whose remote kernel is running first.');
    if (!this.pending.get(connection)?.size) {
      void vscode.window.showInformationMessage('No synced Python file changed since this kernel last reloaded.');
      return;
    }
    await this.reload(connection);
  }

  private async offer(notebook: vscode.NotebookDocument, connection: KernelConnection): Promise<void> {
    const modules = await importedModulesOf(connection, [...(this.pending.get(connection) ?? [])]);
    if (!modules.length) return;
    const action = await vscode.window.showInformationMessage(`${modules.join(', ')} changed: the kernel of ${nameOf(notebook)} still runs the code it imported before.`, 'Reload Changed Modules');
    if (action) await this.reload(connection);
  }

  private async reload(connection: KernelConnection): Promise<void> {
    const paths = [...(this.pending.get(connection) ?? [])];
    const { reloaded, error } = await reloadModules(connection, paths);
    if (error) {
      void vscode.window.showErrorMessage(error);
      return;
    }
    this.pending.delete(connection);
    if (reloaded.length) {
      void vscode.window.showInformationMessage(`Reloaded ${reloaded.join(', ')}: names imported from them before (\`from … import f\`) keep the old code until those imports run again.`);
    } else {
      void vscode.window.showInformationMessage('The kernel has not imported any of the changed files.');
    }
  }
}
