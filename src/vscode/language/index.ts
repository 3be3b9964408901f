import * as vscode from 'vscode';
import type { KernelConnection } from '../../core/kernel';
import type { Servers } from '../servers';
import type { ErrorSink } from '../shared';
import { languageAnswers, registerLanguageProviders, type LanguageAnswers } from './language-providers';
import { PylanceNotice } from './pylance-notice';
import { ServedDocuments, type SelectedKernels } from './served-documents';
import type { LanguageServerState } from './server-languages';
import { SERVER_SOURCE_SCHEME, ServerSourceProvider } from './server-source';

export type { LanguageAnswers } from './language-providers';

export interface LanguageDeps extends ErrorSink {
  servers: Servers;
  kernels: SelectedKernels;
  /** A started Python kernel of ours on the server, to read its files outside the root. */
  pythonKernelOn(serverId: string): KernelConnection | undefined;
}

const enabled = () => vscode.workspace.getConfiguration('jupyterRemote').get<string>('languageServer', 'auto') !== 'off';

/**
 * Language features from the language server that runs where the kernel runs (issue 27), through
 * jupyter-lsp: diagnostics, hover, definitions, references, symbols and signatures for the notebooks on
 * our kernels and the Python files of server folders. `jupyterRemote.languageServer`: `auto` (where the
 * server offers one) or `off`. The server menu says which language server serves, or why none does.
 */
export interface Language {
  /** What the notebooks' kernel assist asks first. */
  readonly answers: LanguageAnswers;
  /** Which language server serves a server's documents, or why none does (undefined: none was needed yet). */
  describe(serverId: string): LanguageServerState | undefined;
}

export function registerLanguage(context: vscode.ExtensionContext, deps: LanguageDeps): Language {
  const served = new ServedDocuments({ connections: deps.servers.connections, store: deps.servers.store, kernels: deps.kernels, enabled, log: deps.log });
  const answers = languageAnswers(served, deps.log);
  const pylance = new PylanceNotice(context.globalState);
  context.subscriptions.push(
    served,
    served.onDidChange((serverId) => {
      if (served.describe(serverId)?.ready) pylance.showOnce();
    }),
    ...registerLanguageProviders(served, answers, deps.log),
    vscode.workspace.registerTextDocumentContentProvider(SERVER_SOURCE_SCHEME, new ServerSourceProvider(deps.pythonKernelOn)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('jupyterRemote.languageServer')) served.reconcile();
    }),
    deps.servers.addMenuItems(35, (shown) => {
      const state = shown && enabled() ? served.describe(shown.id) : undefined;
      if (!state) return [];
      if (state.ready) return [{ label: `$(symbol-namespace) Language Server: ${state.name}${state.reconnecting ? ' (reconnecting…)' : ''}`, run: async () => vscode.commands.executeCommand('workbench.actions.view.problems') }];
      return [{ label: `$(circle-slash) No Language Server: ${state.reason}`, run: async () => deps.showLog() }];
    }),
  );
  served.reconcile();
  return { answers, describe: (serverId) => served.describe(serverId) };
}
