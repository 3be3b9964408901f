import * as vscode from 'vscode';
import { baseNameOf, listKernelSpecs, listKernels, listSessions, shutdownKernel } from '../../core/api';
import type { KernelModel, SessionModel } from '../../core/api';
import { controllerId, KernelControllers } from './kernel-controllers';
import type { KernelMemory } from './kernel-memory';
import { serverUri } from '../files';
import type { ServerConnections, ServerRecord } from '../servers';
import { ago } from '../shared';

/** Whose a kernel is, as far as this window knows: open here, left by a notebook that was closed, or neither. */
function ownerOf(kernel: KernelModel, controllers: KernelControllers, memory: KernelMemory): { open?: vscode.NotebookDocument; closed?: vscode.Uri } {
  const open = controllers.notebookOfKernel(kernel.id);
  if (open) return { open };
  const entry = memory.entries().find(([, k]) => k.kernelId === kernel.id);
  return entry ? { closed: vscode.Uri.parse(entry[0]) } : {};
}

const fileName = (uri: vscode.Uri) => baseNameOf(uri.path);

/**
 * The server's kernels, in the server menu: kernel type, the notebook (session) each belongs to, state,
 * last activity and connections; kernels left by notebooks closed while VS Code was away are marked.
 * A kernel picked can have its notebook opened, be attached to the notebook in front, or be shut down
 * (after a confirmation): nothing is shut down unasked.
 */
export async function showServerKernels(connections: ServerConnections, controllers: KernelControllers, memory: KernelMemory, server: ServerRecord, extensionId: string): Promise<void> {
  const session = await connections.session(server.id);
  const known = connections.status(server.id).specs;
  const [kernels, sessions, specList] = await Promise.all([
    listKernels(session),
    listSessions(session).catch((): SessionModel[] => []),
    known ?? listKernelSpecs(session).catch(() => undefined),
  ]);
  if (!kernels.length) {
    void vscode.window.showInformationMessage(`No kernel is running on ${server.name}.`);
    return;
  }
  const specs = specList?.specs ?? {};
  const items = kernels.map((kernel) => {
    const owner = ownerOf(kernel, controllers, memory);
    const path = sessions.find((s) => s.kernel.id === kernel.id)?.path;
    const whose = owner.open ? `used by ${fileName(owner.open.uri)} in this window` : owner.closed ? `left by ${fileName(owner.closed)} (closed)` : path ? `notebook ${path}` : 'no notebook';
    const connectionsText = kernel.connections === undefined ? '' : ` · ${kernel.connections} connection${kernel.connections === 1 ? '' : 's'}`;
    return {
      label: `$(server-process) ${specs[kernel.name]?.displayName ?? kernel.name}`,
      description: whose,
      detail: `${kernel.executionState ?? 'state unknown'} · last active ${ago(kernel.lastActivity)}${connectionsText} · ${kernel.id.slice(0, 8)}`,
      kernel,
      owner,
      path,
    };
  });
  const picked = await vscode.window.showQuickPick(items, { title: `Kernels on ${server.name}`, matchOnDescription: true, matchOnDetail: true });
  if (!picked) return;
  const notebookUri = picked.owner.open?.uri ?? picked.owner.closed ?? (picked.path ? serverUri(server.id, picked.path) : undefined);
  const front = vscode.window.activeNotebookEditor?.notebook;
  const actions: { label: string; run: () => Thenable<unknown> }[] = [];
  if (notebookUri) actions.push({ label: `$(notebook) Open ${fileName(notebookUri)}`, run: () => vscode.commands.executeCommand('vscode.openWith', notebookUri, 'jupyter-notebook') });
  if (front && !picked.owner.open) {
    actions.push({
      label: `$(plug) Run ${fileName(front.uri)} on This Kernel`,
      run: () => vscode.commands.executeCommand('notebook.selectKernel', { id: controllerId(server.id, picked.kernel.name, picked.kernel.id), extension: extensionId }),
    });
  }
  actions.push({ label: '$(trash) Shut Down This Kernel…', run: () => confirmShutdown() });
  const action = await vscode.window.showQuickPick(actions, { title: `${picked.label.replace(/^\$\([^)]*\) /, '')} on ${server.name} (${picked.kernel.id.slice(0, 8)})` });
  if (action) await action.run();

  async function confirmShutdown(): Promise<void> {
    const loses = picked!.owner.open ? ` ${fileName(picked!.owner.open.uri)} loses its variables and state.` : ' Its variables and state are lost.';
    const choice = await vscode.window.showWarningMessage(`Shut down this kernel on ${server.name}?`, { modal: true, detail: `${picked!.description}.${loses}` }, 'Shut Down');
    if (choice !== 'Shut Down') return;
    await shutdownKernel(session, picked!.kernel.id);
    for (const [uri, k] of memory.entries()) if (k.kernelId === picked!.kernel.id) memory.forget(vscode.Uri.parse(uri));
    void connections.check(server.id);
  }
}
