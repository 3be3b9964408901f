import * as vscode from 'vscode';
import type { JsonObject } from '../../core/api';
import type { HubStartMemory } from './hub-start';
import { hubMenuItems } from './hub-menu';
import type { Logger, Redactor } from '../../core/util/logger';
import { NOTEBOOK_TYPE } from '../shared';
import { NO_NOTEBOOK_KERNELS, NotebookKernels } from './notebook-kernels';
import { pickServer, registerServerCommands } from './server-commands';
import { ServerConnections } from './server-connections';
import { MenuContribution, ServerMenuItems } from './server-menu';
import { ServerRecord, ServerStore } from './server-store';
import { ServerStatusBar } from './status-bar';
import { shownServer } from './status-text';
import { watchTokenExpiry } from './token-expiry';

export type { NotebookKernels } from './notebook-kernels';
export type { MenuContribution, MenuItem } from './server-menu';
export type { ServerConnections, ServerState, ServerStatus } from './server-connections';
export type { ServerRecord, ServerStore } from './server-store';
export type { ServerStatusBar } from './status-bar';

export interface ServersDeps {
  log: Logger;
  redactor: Redactor;
  showLog: () => void;
  /** `http.proxy` when set. */
  proxy: () => string | undefined;
}

/** What the other features may use of the servers feature. */
export interface Servers {
  readonly store: ServerStore;
  readonly connections: ServerConnections;
  readonly statusBar: ServerStatusBar;
  /** Asks which server (undefined when none is saved or the person cancels); `takeTheOnlyOne` skips asking when there is one. */
  pick(title: string, options?: { takeTheOnlyOne?: boolean }): Promise<ServerRecord | undefined>;
  /** The server a command acts on: `given`, else the one the status bar shows (the notebook in front's, the active one), else asked. */
  inFront(title: string, given?: ServerRecord): Promise<ServerRecord | undefined>;
  /** Adds items to the server menu, ordered among the others by `order`. */
  addMenuItems(order: number, items: MenuContribution): vscode.Disposable;
  /** From now on the status bar and the server in front follow the notebooks' kernels. */
  followKernels(kernels: NotebookKernels): void;
  /** Closes every server's session: the last thing to go when the window does. */
  closeSessions(): void;
}

/**
 * The servers feature: the saved servers and their secrets, their connections and state, the connect
 * flow, the status bar item and its menu, the Hub token's expiry. Activation sends no request: servers
 * are checked when a Jupyter notebook is open (their kernel types fill the kernel picker) or when a
 * command asks.
 */
/** The options each Hub server was last started with, kept with the window's global state (they are no secret). */
function hubStartMemory(state: vscode.Memento): HubStartMemory {
  const KEY = 'jupyterRemote.hubStarts';
  const all = () => state.get<Record<string, JsonObject>>(KEY, {});
  return {
    last: (key) => all()[key],
    remember: (key, userOptions) => void state.update(KEY, { ...all(), [key]: userOptions }),
  };
}

export function registerServers(context: vscode.ExtensionContext, deps: ServersDeps): Servers {
  const store = new ServerStore(context.globalState, context.secrets);
  const connections = new ServerConnections(store, { logger: deps.log, redactor: deps.redactor, proxy: deps.proxy });
  const statusBar = new ServerStatusBar(store, connections);
  const menuItems = new ServerMenuItems();
  let kernels = NO_NOTEBOOK_KERNELS;
  const notebookInFront = () => {
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    return notebook?.notebookType === NOTEBOOK_TYPE ? notebook : undefined;
  };
  const shown = () => {
    const notebook = notebookInFront();
    return shownServer(store.list(), store.activeId, notebook && kernels.serverOf(notebook));
  };

  // The sessions are closed by the composition root, after every feature that uses them (closeSessions).
  context.subscriptions.push(
    statusBar,
    ...registerServerCommands({ ...deps, store, connections, menuItems, kernels: () => kernels, hubStarts: hubStartMemory(context.globalState) }),
    watchTokenExpiry(store, connections),
    menuItems.add(15, (shown) => hubMenuItems(shown, { store, connections, connect: async (text) => void (await vscode.commands.executeCommand('jupyterRemote.connect', text)) })),
  );

  const setContext = () => void vscode.commands.executeCommand('setContext', 'jupyterRemote.hasServers', store.list().length > 0);
  const storeSub = store.onDidChange(setContext);
  context.subscriptions.push({ dispose: () => storeSub.dispose() });
  setContext();
  if (store.problems.length) {
    const entries = `entr${store.problems.length === 1 ? 'y' : 'ies'}`;
    deps.log.warn(`Skipped ${store.problems.length} unreadable server ${entries}: ${store.problems.join('; ')}`);
    void vscode.window.showWarningMessage(`Jupyter Remote skipped ${store.problems.length} unreadable saved server ${entries}; the others are fine.`, 'Show Log').then((a) => (a ? deps.showLog() : undefined));
  }

  let checked = false;
  const checkServers = () => {
    if (checked) return;
    checked = true;
    for (const s of store.list()) void connections.check(s.id);
  };
  const isJupyter = (nb: vscode.NotebookDocument) => nb.notebookType === NOTEBOOK_TYPE;
  context.subscriptions.push(vscode.workspace.onDidOpenNotebookDocument((nb) => (isJupyter(nb) ? checkServers() : undefined)));
  if (vscode.workspace.notebookDocuments.some(isJupyter)) setTimeout(checkServers, 0);

  const pick = (title: string, options: { takeTheOnlyOne?: boolean } = {}) => {
    const servers = store.list();
    return options.takeTheOnlyOne && servers.length === 1 ? Promise.resolve(servers[0]) : pickServer(store, connections, title);
  };
  return {
    store,
    connections,
    statusBar,
    pick,
    inFront: async (title, given) => given ?? shown() ?? pick(title),
    addMenuItems: (order, items) => menuItems.add(order, items),
    followKernels: (k) => {
      kernels = k;
      statusBar.follow(k);
    },
    closeSessions: () => void connections.dispose(),
  };
}
