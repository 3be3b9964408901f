import * as vscode from 'vscode';
import { Redactor, redactingLogger } from './core/util/logger';
import { registerDebug } from './vscode/debug';
import { registerFiles, type ServerFileSystem } from './vscode/files';
import { registerLanguage, type Language } from './vscode/language';
import { registerNotebooks, type KernelControllers } from './vscode/notebooks';
import { registerServers, type ServerConnections, type ServerStatusBar, type ServerStore } from './vscode/servers';
import { reportError } from './vscode/shared';
import { registerSync } from './vscode/sync';
import { registerTerminal } from './vscode/terminal';
import { registerVariables, type VariablesShown } from './vscode/variables';
import { registerWidgets, type WidgetBridge } from './vscode/widgets';

/** The parts the extension-host tests look at. */
export interface ExtensionApi {
  store: ServerStore;
  connections: ServerConnections;
  controllers: KernelControllers;
  statusBar: ServerStatusBar;
  fileSystem: ServerFileSystem;
  widgets: WidgetBridge;
  variables: { shown(): VariablesShown };
  language: Pick<Language, 'describe'>;
}

/**
 * Composition root: each feature folder in src/vscode/ registers itself over the VS Code-free core and
 * hands the next ones the narrow interface they use (docs/ARCHITECTURE.md). Activation sends no
 * request. Each feature pushes its disposables onto context.subscriptions as it is registered, and VS
 * Code disposes them in that order: the servers' sessions are pushed last, so that the notebooks' kernels
 * (which keep a running cell's outputs as the window goes) still have them.
 */
export function activate(context: vscode.ExtensionContext): ExtensionApi | undefined {
  const started = performance.now();
  const channel = vscode.window.createOutputChannel('Jupyter Remote', { log: true });
  context.subscriptions.push(channel);
  const redactor = new Redactor();
  const log = redactingLogger(channel, redactor);
  const sink = { log, redactor, showLog: () => channel.show(true) };
  try {
    const proxy = () => vscode.workspace.getConfiguration('http').get<string>('proxy') || undefined;
    const servers = registerServers(context, { ...sink, proxy });
    const { fileSystem } = registerFiles(context, { ...sink, servers });
    const notebooks = registerNotebooks(context, { ...sink, servers });
    registerTerminal(context, { ...sink, servers, kernelFolderInFront: notebooks.kernelFolderInFront });
    const { controllers } = notebooks;
    const widgets = registerWidgets(context, {
      log,
      widgetsOf: (notebook) => controllers.widgetsOf(notebook),
      onDidChangeKernelStatus: controllers.onDidChangeKernelStatus,
      reattachIfRemembered: (notebook) => controllers.reattachIfRemembered(notebook),
    });

    registerDebug(context, { ...sink, kernelToDebug: (notebook) => controllers.kernelToDebug(notebook) });
    const variables = registerVariables(context, {
      ...sink,
      variablesOf: (notebook) => controllers.variablesOf(notebook),
      statusOf: (notebook) => controllers.statusOf(notebook),
      onDidChangeKernelStatus: controllers.onDidChangeKernelStatus,
      showResources: (text) => servers.statusBar.showKernelDetail(text),
    });
    const language = registerLanguage(context, { ...sink, servers, kernels: controllers, pythonKernelOn: (serverId) => controllers.pythonKernelOn(serverId) });
    notebooks.useLanguageServer(language.answers);
    registerSync(context, { ...sink, servers, serverOf: (notebook) => controllers.serverOf(notebook), connectionOf: (notebook) => controllers.connectionOf(notebook) });
    context.subscriptions.push({ dispose: () => servers.closeSessions() });

    log.info(`Jupyter Remote ${context.extension.packageJSON.version as string} activated in ${(performance.now() - started).toFixed(1)} ms; ${servers.store.list().length} saved server(s)`);
    return { store: servers.store, connections: servers.connections, controllers, statusBar: servers.statusBar, fileSystem, widgets, variables, language };
  } catch (e) {
    reportError(sink, 'Jupyter Remote could not start', e);
    return undefined;
  }
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
