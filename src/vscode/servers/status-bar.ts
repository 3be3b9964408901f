import * as vscode from 'vscode';
import { NOTEBOOK_TYPE } from '../shared';
import { NO_NOTEBOOK_KERNELS, NotebookKernels } from './notebook-kernels';
import { ServerConnections } from './server-connections';
import { shownServer, statusBarText } from './status-text';
import { ServerStore } from './server-store';

/**
 * One status bar item: the active server (or the one the open notebook runs on) and its state,
 * and the notebook's kernel state. Hidden until a server has been added.
 */
export class ServerStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('jupyterRemote.server', vscode.StatusBarAlignment.Left, 100);
  private readonly disposables: vscode.Disposable[] = [];
  private visible = false;
  private kernels = NO_NOTEBOOK_KERNELS;
  /** A line about the kernel in front (its resources), added to the tooltip. */
  private kernelDetail: string | undefined;

  constructor(
    private readonly store: ServerStore,
    private readonly connections: ServerConnections,
  ) {
    this.item.name = 'Jupyter Remote Server';
    this.item.command = 'jupyterRemote.showServerMenu';
    const subs = [store.onDidChange(() => this.update()), connections.onDidChange(() => this.update())];
    this.disposables.push({ dispose: () => subs.forEach((s) => s.dispose()) });
    this.disposables.push(vscode.window.onDidChangeActiveNotebookEditor(() => this.update()));
    this.update();
  }

  /** Shows the state of the notebooks' kernels too, from when the notebooks feature is there. */
  follow(kernels: NotebookKernels): void {
    this.kernels = kernels;
    const sub = kernels.onDidChangeKernelStatus(() => this.update());
    this.disposables.push({ dispose: () => sub.dispose() });
    this.update();
  }

  /** Adds a line about the kernel of the notebook in front to the tooltip (its resources), or none. */
  showKernelDetail(text: string | undefined): void {
    if (text === this.kernelDetail) return;
    this.kernelDetail = text;
    this.update();
  }

  /** Runs on every kernel status change (twice a cell): one read of the server list. */
  update(): void {
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    const onNotebook = notebook && notebook.notebookType === NOTEBOOK_TYPE ? notebook : undefined;
    const record = shownServer(this.store.list(), this.store.activeId, onNotebook && this.kernels.serverOf(onNotebook));
    this.visible = !!record;
    if (!record) {
      this.item.hide();
      return;
    }
    const kernel = onNotebook ? this.kernels.statusOf(onNotebook) : undefined;
    const status = this.connections.status(record.id);
    const view = statusBarText(record.name, status.state, kernel, status.message, status.identity, onNotebook && this.kernels.kernelFolderOf(onNotebook));
    this.item.text = view.text;
    this.item.tooltip = kernel && this.kernelDetail ? `${view.tooltip}\n${this.kernelDetail}` : view.tooltip;
    this.item.backgroundColor = view.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  /** For tests: what a person sees. */
  get shown(): { text: string; tooltip: string; visible: boolean } {
    return { text: this.item.text, tooltip: typeof this.item.tooltip === 'string' ? this.item.tooltip : '', visible: this.visible };
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
    this.item.dispose();
  }
}
