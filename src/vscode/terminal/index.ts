import type * as vscode from 'vscode';
import type { Servers } from '../servers';
import { registerGuarded, type ErrorSink } from '../shared';
import { KernelFolderInFront, openServerTerminal, shutDownServerTerminal } from './server-terminal';

export interface TerminalDeps extends ErrorSink {
  servers: Servers;
  /** The folder the notebook in front runs its kernel in (a new terminal starts there). */
  kernelFolderInFront: KernelFolderInFront;
}

/** The server terminal feature: Open Server Terminal (a VS Code terminal on a server terminal) and Shut Down Server Terminal…. */
export function registerTerminal(context: vscode.ExtensionContext, deps: TerminalDeps): void {
  const { servers } = deps;
  const open = async (given?: Parameters<Servers['inFront']>[1]): Promise<void> => {
    const target = await servers.inFront('A Terminal on Which Server?', given);
    if (target) await openServerTerminal(servers.connections, deps.kernelFolderInFront, target, deps.log);
  };
  context.subscriptions.push(
    registerGuarded(deps, 'jupyterRemote.openServerTerminal', 'Could not open a server terminal', () => open()),
    registerGuarded(deps, 'jupyterRemote.shutDownServerTerminal', 'Could not shut the terminal down', async () => {
      const target = await servers.inFront('Shut Down a Terminal on Which Server?');
      if (target) await shutDownServerTerminal(servers.connections, target);
    }),
    servers.addMenuItems(40, (shown) => (shown ? [{ label: `$(terminal) Terminal on ${shown.name}`, run: () => open(shown) }] : [])),
  );
}
