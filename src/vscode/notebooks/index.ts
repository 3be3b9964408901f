import * as vscode from 'vscode';
import { JupyterError } from '../../core/http';
import type { LanguageAnswers } from '../language';
import type { Servers } from '../servers';
import { NOTEBOOK_TYPE, registerGuarded, type ErrorSink } from '../shared';
import { registerKernelAssist } from './kernel-assist-providers';
import { KernelControllers } from './kernel-controllers';
import { KernelMemory } from './kernel-memory';
import { showServerKernels } from './server-kernels';

export type { KernelControllers } from './kernel-controllers';

export interface NotebooksDeps extends ErrorSink {
  servers: Servers;
}

/** What the other features may use of the notebooks feature. */
export interface Notebooks {
  readonly controllers: KernelControllers;
  /** The folder the kernel of the notebook in front runs in, when that notebook runs on `serverId`. */
  kernelFolderInFront(serverId: string): string | undefined;
  /** From now on the cells' completions, hovers and signatures also ask the server's language server. */
  useLanguageServer(answers: LanguageAnswers): void;
}

/**
 * The notebooks feature: a kernel controller per kernel type and running kernel of each server, the
 * runs of a notebook's cells and their outputs, which kernel each notebook used (across window
 * reloads), completions and docs from the kernel, the server's kernels, interrupt and restart.
 */
export function registerNotebooks(context: vscode.ExtensionContext, deps: NotebooksDeps): Notebooks {
  const { servers } = deps;
  const config = () => vscode.workspace.getConfiguration('jupyterRemote');
  const memory = new KernelMemory(context.workspaceState, (context.storageUri ?? context.globalStorageUri).fsPath);
  const controllers = new KernelControllers({
    store: servers.store,
    memory,
    connections: servers.connections,
    log: deps.log,
    showError: (message) => void vscode.window.showErrorMessage(deps.redactor.redact(message), 'Show Log').then((a) => (a ? deps.showLog() : undefined)),
    keepKernelOnClose: () => config().get<boolean>('keepKernelOnClose', false),
    kernelFolder: (notebook) => vscode.workspace.getConfiguration('jupyterRemote', notebook.uri).get<string>('kernelFolder', ''),
    extensionId: context.extension.id,
  });
  servers.followKernels(controllers);
  let languageAnswers: LanguageAnswers | undefined;

  const activeNotebook = (): vscode.NotebookDocument => {
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    if (!notebook || notebook.notebookType !== NOTEBOOK_TYPE) throw new JupyterError('Open a notebook that runs on a remote kernel first.');
    return notebook;
  };
  const interrupt = async (): Promise<void> => controllers.interrupt(activeNotebook());
  const restart = async (): Promise<void> => {
    const notebook = activeNotebook();
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Restarting the remote kernel' }, () => controllers.restart(notebook));
  };
  const kernelsOn = async (given?: Parameters<Servers['inFront']>[1]): Promise<void> => {
    const target = await servers.inFront('Kernels on Which Server?', given);
    if (target) await showServerKernels(servers.connections, controllers, memory, target, context.extension.id);
  };

  context.subscriptions.push(
    controllers,
    ...registerKernelAssist(controllers, () => languageAnswers),
    registerGuarded(deps, 'jupyterRemote.interruptKernel', 'Could not interrupt the kernel', interrupt),
    registerGuarded(deps, 'jupyterRemote.restartKernel', 'Could not restart the kernel', restart),
    registerGuarded(deps, 'jupyterRemote.showServerKernels', "Could not list the server's kernels", () => kernelsOn()),
    servers.addMenuItems(10, (_shown, notebook) => {
      const kernel = notebook ? controllers.statusOf(notebook) : undefined;
      if (!kernel) return [];
      if (kernel === 'dead') return [{ label: '$(debug-restart) Restart the Kernel (it died)', run: restart }];
      return [
        { label: '$(debug-stop) Interrupt the Kernel', run: interrupt },
        { label: '$(debug-restart) Restart the Kernel', run: restart },
      ];
    }),
    servers.addMenuItems(30, (shown) => (shown ? [{ label: `$(server-process) Kernels on ${shown.name}…`, run: () => kernelsOn(shown) }] : [])),
  );

  return {
    controllers,
    kernelFolderInFront: (serverId) => {
      const notebook = vscode.window.activeNotebookEditor?.notebook;
      return notebook && controllers.serverOf(notebook) === serverId ? controllers.kernelFolderOf(notebook) : undefined;
    },
    useLanguageServer: (answers) => (languageAnswers = answers),
  };
}
