import * as vscode from 'vscode';
import { Redactor, redactingLogger } from './core/util/logger';
import { registerCommands, reportError } from './vscode/commands';
import { KernelControllers, NOTEBOOK_TYPE } from './vscode/kernel-controllers';
import { registerKernelAssist } from './vscode/kernel-assist-providers';
import { KernelMemory } from './vscode/kernel-memory';
import { restoreWorkspaceFolders } from './vscode/open-server-folder';
import { ServerConnections } from './vscode/server-connections';
import { SERVER_FS_SCHEME, ServerFileSystem } from './vscode/server-file-system';
import { ServerStore } from './vscode/server-store';
import { ServerStatusBar } from './vscode/status-bar';
import { watchTokenExpiry } from './vscode/token-expiry';
import { WidgetBridge } from './vscode/widget-bridge';

/**
 * Composition root: builds the parts and owns their disposal; features live in src/vscode/ over
 * the VS Code-free core. Activation sends no request: servers are checked when a Jupyter notebook
 * is open (their kernel types fill the kernel picker) or when a command asks.
 */
export function activate(context: vscode.ExtensionContext): { store: ServerStore; connections: ServerConnections; controllers: KernelControllers; statusBar: ServerStatusBar; fileSystem: ServerFileSystem; widgets: WidgetBridge } | undefined {
  const started = performance.now();
  const channel = vscode.window.createOutputChannel('Jupyter Remote', { log: true });
  context.subscriptions.push(channel);
  const redactor = new Redactor();
  const log = redactingLogger(channel, redactor);
  const showLog = () => channel.show(true);
  try {
    const config = () => vscode.workspace.getConfiguration('jupyterRemote');
    const httpProxy = () => vscode.workspace.getConfiguration('http').get<string>('proxy') || undefined;
    const store = new ServerStore(context.globalState, context.secrets);
    const connections = new ServerConnections(store, {
      logger: log,
      redactor,
      proxy: httpProxy,
    });
    const memory = new KernelMemory(context.workspaceState, (context.storageUri ?? context.globalStorageUri).fsPath);
    const controllers = new KernelControllers({
      store,
      memory,
      connections,
      log,
      showError: (message) => void vscode.window.showErrorMessage(redactor.redact(message), 'Show Log').then((a) => (a ? showLog() : undefined)),
      keepKernelOnClose: () => config().get<boolean>('keepKernelOnClose', false),
      kernelFolder: (notebook) => vscode.workspace.getConfiguration('jupyterRemote', notebook.uri).get<string>('kernelFolder', ''),
    });
    const fileSystem = new ServerFileSystem(connections, log);
    context.subscriptions.push(fileSystem, vscode.workspace.registerFileSystemProvider(SERVER_FS_SCHEME, fileSystem, { isCaseSensitive: true }));
    const statusBar = new ServerStatusBar(store, connections, controllers);
    const widgets = new WidgetBridge((notebook) => controllers.widgetsOf(notebook), controllers.onDidChangeKernelStatus, log);
    context.subscriptions.push(...registerKernelAssist(controllers));
    const workspacesFolder = vscode.Uri.joinPath(context.globalStorageUri, 'workspaces');
    const commands = registerCommands({ store, connections, controllers, memory, extensionId: context.extension.id, workspacesFolder, log, redactor, showLog, proxy: httpProxy });
    void restoreWorkspaceFolders(workspacesFolder, log);

    // Disposed in reverse: commands and the status bar first, then controllers (closing kernels), then sessions.
    context.subscriptions.push({ dispose: () => void connections.dispose() }, controllers, widgets, statusBar, ...commands, watchTokenExpiry(store, connections));

    const setContext = () => void vscode.commands.executeCommand('setContext', 'jupyterRemote.hasServers', store.list().length > 0);
    const storeSub = store.onDidChange(setContext);
    context.subscriptions.push({ dispose: () => storeSub.dispose() });
    setContext();
    const servers = store.list();
    if (store.problems.length) {
      log.warn(`Skipped ${store.problems.length} unreadable server entr${store.problems.length === 1 ? 'y' : 'ies'}: ${store.problems.join('; ')}`);
      void vscode.window.showWarningMessage(`Jupyter Remote skipped ${store.problems.length} unreadable saved server entr${store.problems.length === 1 ? 'y' : 'ies'}; the others are fine.`, 'Show Log').then((a) => (a ? showLog() : undefined));
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

    log.info(`Jupyter Remote ${context.extension.packageJSON.version as string} activated in ${(performance.now() - started).toFixed(1)} ms; ${servers.length} saved server(s)`);
    return { store, connections, controllers, statusBar, fileSystem, widgets };
  } catch (e) {
    reportError({ log, redactor, showLog }, 'Jupyter Remote could not start', e);
    return undefined;
  }
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
