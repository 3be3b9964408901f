import * as vscode from 'vscode';
import { JupyterError } from '../../core/http';
import type { KernelStatus } from '../../core/kernel';
import type { VariableInspector } from '../../core/variables';
import { NOTEBOOK_TYPE, registerGuarded, type ErrorSink } from '../shared';
import { DataViewers } from './data-viewers';
import { resourceText } from './resource-text';
import { MoreNode, VariableNode, VariablesTree, type TreeNode } from './variables-tree';

export const VARIABLES_VIEW = 'jupyterRemote.variables';
/** True while the view lists modules, functions, classes and IPython's names too. */
const SHOW_ALL_KEY = 'jupyterRemote.variables.showingAll';
/**
 * How often the kernel's resources are fetched while a notebook of ours is in front, the window has focus
 * and no cell runs (for the view's top and the status bar's tooltip), and the list while a cell runs and
 * the view is visible.
 */
const EVERY_MS = 3000;

/** What the Variables view shows now (for the extension-host tests). */
export interface VariablesShown {
  names: string[];
  message: string | undefined;
}

export interface VariablesDeps extends ErrorSink {
  /** The variables of the notebook's running kernel (never starts one). */
  variablesOf: (notebook: vscode.NotebookDocument) => VariableInspector | undefined;
  /** Fires for a notebook whose kernel started, stopped or changed state. */
  onDidChangeKernelStatus: (listener: (notebook: vscode.NotebookDocument) => void) => vscode.Disposable;
  statusOf: (notebook: vscode.NotebookDocument) => KernelStatus | undefined;
  /** A line for the status bar item's tooltip (the kernel's resources), or none. */
  showResources: (text: string | undefined) => void;
}

/**
 * The variables feature: the Variables view (panel container "Jupyter Remote") of the kernel of the
 * notebook in front, refreshed when a cell ends and every few seconds while one runs; the Data Viewer
 * for tables; the kernel's resources at the top of the view and in the status bar's tooltip.
 */
export function registerVariables(context: vscode.ExtensionContext, deps: VariablesDeps): { shown(): VariablesShown } {
  const tree = new VariablesTree();
  const view = vscode.window.createTreeView<TreeNode>(VARIABLES_VIEW, { treeDataProvider: tree, showCollapseAll: true });
  let showAll = false;
  let notebook: vscode.NotebookDocument | undefined;
  let note: string | undefined;
  let resources: string | undefined;
  let refreshing: Promise<void> | undefined;
  let refreshAgain = false;
  const viewers = new DataViewers(context, deps.log);

  const front = (): vscode.NotebookDocument | undefined => {
    const nb = vscode.window.activeNotebookEditor?.notebook;
    return nb?.notebookType === NOTEBOOK_TYPE ? nb : undefined;
  };
  const showMessage = () => {
    const inspector = notebook && deps.variablesOf(notebook);
    const lines = [resources, !notebook ? 'Open a notebook that runs on a remote kernel.' : !inspector ? 'Run a cell to start the kernel: its variables show here.' : note];
    if (inspector && !note && tree.isEmpty) lines.push('No variables yet.');
    view.message = lines.filter(Boolean).join('  —  ') || undefined;
  };
  /** Fetches the list, when the view is visible (a hidden view costs the kernel nothing; showing it refreshes). */
  const refresh = (): Promise<void> => {
    const inspector = notebook && deps.variablesOf(notebook);
    if (!view.visible) {
      tree.show(notebook, inspector);
      return Promise.resolve();
    }
    if (refreshing) {
      refreshAgain = true; // what changed since the list in flight was asked shows in the next
      return refreshing;
    }
    refreshing = (async () => {
      do {
        refreshAgain = false;
        const current = notebook && deps.variablesOf(notebook);
        tree.show(notebook, current);
        note = current ? await tree.refresh(showAll) : undefined;
        showMessage();
      } while (refreshAgain);
    })().finally(() => (refreshing = undefined));
    return refreshing;
  };
  const fetchResources = async (): Promise<void> => {
    const asked = notebook;
    const inspector = asked && deps.variablesOf(asked);
    if (inspector?.cellRunning) return; // see the timer
    const text = resourceText(inspector && (await inspector.usage()));
    if (asked !== notebook) return; // another notebook came in front meanwhile
    resources = text;
    deps.showResources(resources);
    if (view.visible) showMessage();
  };
  const follow = () => {
    // Another editor in front (a Data Viewer, a file) leaves the view on the notebook it showed.
    const next = front() ?? (notebook && !notebook.isClosed ? notebook : undefined);
    if (next === notebook) return;
    notebook = next;
    resources = undefined;
    deps.showResources(undefined);
    void refresh();
    void fetchResources();
  };

  const timer = setInterval(() => {
    const inspector = notebook && deps.variablesOf(notebook);
    if (!inspector || !vscode.window.state.focused) return;
    if (inspector.cellRunning) {
      // Not the resources: usage_request's idle makes jupyter_server take the running kernel for idle, and a
      // window connecting then is "nudged", which can lose a line of the cell's output. The list, only
      // while the view is visible: the person asked to look (the same holds for its subshell's idle).
      if (view.visible) void refresh();
    } else void fetchResources();
  }, EVERY_MS);

  const openInDataViewer = async (node?: VariableNode): Promise<void> => {
    const target = node ?? (view.selection[0] instanceof VariableNode ? view.selection[0] : undefined);
    if (!target?.summary.table) throw new JupyterError('Select a DataFrame, a Series, a 1-D or 2-D array or a list of dicts in the Variables view first.');
    const inspector = deps.variablesOf(target.notebook);
    if (!inspector) throw new JupyterError('The notebook has no running kernel any more.');
    viewers.show(target.notebook, inspector, target.summary);
  };

  /** After a cell of `nb` ended: its view and its data viewers fetch again. */
  const cellEnded = (nb: vscode.NotebookDocument) => {
    if (nb === notebook) {
      void refresh();
      void fetchResources();
    }
    viewers.cellEnded(nb, deps.variablesOf(nb)?.cellRunning ?? false);
  };

  const setShowAll = async (value: boolean) => {
    showAll = value;
    await vscode.commands.executeCommand('setContext', SHOW_ALL_KEY, value);
    await refresh();
  };

  context.subscriptions.push(
    tree,
    view,
    { dispose: () => clearInterval(timer) },
    viewers,
    vscode.workspace.onDidCloseNotebookDocument((nb) => {
      viewers.gone(nb, 'Its notebook was closed.');
      if (nb === notebook) follow();
    }),
    vscode.window.onDidChangeActiveNotebookEditor(follow),
    view.onDidChangeVisibility((e) => {
      if (e.visible) void refresh();
    }),
    // A cell ended: VS Code records its execution summary (the end time) in the notebook.
    vscode.workspace.onDidChangeNotebookDocument((e) => {
      if (e.cellChanges.some((c) => c.executionSummary?.timing?.endTime !== undefined)) cellEnded(e.notebook);
    }),
    // The kernel started, came back, or went: show that.
    deps.onDidChangeKernelStatus((nb) => {
      if (nb === notebook && deps.variablesOf(nb) !== tree.inspectorShown) {
        void refresh();
        void fetchResources();
      }
      if (!deps.statusOf(nb)) viewers.gone(nb, "The notebook's kernel has stopped: run a cell and open the Data Viewer again.");
    }),
    registerGuarded(deps, 'jupyterRemote.showVariables', 'Could not show the variables', async () => {
      await vscode.commands.executeCommand(`${VARIABLES_VIEW}.focus`);
      await refresh();
    }),
    registerGuarded(deps, 'jupyterRemote.variables.refresh', 'Could not refresh the variables', refresh),
    registerGuarded(deps, 'jupyterRemote.variables.showAll', 'Could not show every name', () => setShowAll(true)),
    registerGuarded(deps, 'jupyterRemote.variables.hideAll', 'Could not hide modules and functions', () => setShowAll(false)),
    registerGuarded(deps, 'jupyterRemote.variables.more', 'Could not show more', (node: MoreNode) => tree.more(node)),
    registerGuarded(deps, 'jupyterRemote.openInDataViewer', 'Could not open the Data Viewer', openInDataViewer),
  );
  follow();
  return { shown: () => ({ names: tree.names, message: view.message }) };
}
