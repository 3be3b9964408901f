import * as vscode from 'vscode';
import { normalizeServerPath, parentOf } from '../core/api/server-path';
import type { KernelModel, KernelSpec } from '../core/api';
import { JupyterError } from '../core/http';
import type { CellOutputs, ExecuteResult, KernelStatus, StdinRequest } from '../core/kernel';
import { Emitter } from '../core/util/events';
import { Logger } from '../core/util/logger';
import { CellOutputView } from './cell-output-view';
import type { WidgetModels } from '../core/widgets';
import type { NotebookKernel } from './notebook-kernel';
import { ServerConnections } from './server-connections';
import { SERVER_FS_SCHEME, sessionPathOnServer } from './server-uri';
import { ServerRecord, ServerStore } from './server-store';

export const NOTEBOOK_TYPE = 'jupyter-notebook';

/** What a controller runs on: a new kernel of a kernelspec, or a kernel already running. */
type Target = { serverId: string; specName: string; kernelId?: string };

interface NotebookState {
  controllerId: string;
  kernel: Promise<NotebookKernel>;
  /** The kernel once it has started. */
  started?: NotebookKernel;
  /** Runs cells one batch after another, in the order they were asked for. */
  queue: Promise<void>;
  views: Map<string, CellOutputView>;
  areas: Map<CellOutputs, CellOutputView>;
  statusListener?: { dispose(): void };
  /** The session path the kernel was started with, and the server folder that puts its kernel in. */
  session?: { path: string; folder: string };
}

export interface KernelControllersOptions {
  store: ServerStore;
  connections: ServerConnections;
  log: Logger;
  /** Shows a failure at a boundary (one sentence, "Show Log"). */
  showError: (message: string) => void;
  /** `jupyterRemote.keepKernelOnClose`, read when a notebook closes. */
  keepKernelOnClose: () => boolean;
  /** `jupyterRemote.kernelFolder` for a local notebook (its workspace folder's), read when its kernel starts. */
  kernelFolder: (notebook: vscode.NotebookDocument) => string;
}

/**
 * One NotebookController per kernelspec of each connected server, and one per kernel already
 * running there; each notebook that selects one gets its own remote kernel (NotebookKernel).
 * The kernel client itself is loaded on the first run, not at activation.
 */
export class KernelControllers implements vscode.Disposable {
  private readonly controllers = new Map<string, { controller: vscode.NotebookController; target: Target; listener: vscode.Disposable }>();
  private readonly notebooks = new Map<vscode.NotebookDocument, NotebookState>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly statusEmitter = new Emitter<vscode.NotebookDocument>();
  /** Fires when a notebook's kernel changed state (for the status bar). */
  readonly onDidChangeKernelStatus = this.statusEmitter.event;
  private readonly kernelStatus = new Map<vscode.NotebookDocument, KernelStatus>();

  constructor(private readonly options: KernelControllersOptions) {
    const sub = options.connections.onDidChange((id) => this.sync(id));
    this.disposables.push({ dispose: () => sub.dispose() });
    this.disposables.push(vscode.workspace.onDidCloseNotebookDocument((doc) => void this.closeNotebook(doc, !options.keepKernelOnClose())));
    this.disposables.push(
      vscode.workspace.onDidOpenNotebookDocument((doc) => {
        for (const { controller, target } of this.controllers.values()) if (!target.kernelId) this.preferForServerNotebook(doc, controller, target);
      }),
    );
  }

  /** The ids of the controllers shown now (diagnostics and tests). */
  controllerIds(): string[] {
    return [...this.controllers.keys()];
  }

  /** The state of the kernel a notebook runs on, if it has one of ours. */
  statusOf(notebook: vscode.NotebookDocument): KernelStatus | undefined {
    return this.kernelStatus.get(notebook);
  }

  /** The folder on the server a notebook's kernel runs in ('' for the root), once it has started. */
  kernelFolderOf(notebook: vscode.NotebookDocument): string | undefined {
    return this.notebooks.get(notebook)?.session?.folder;
  }

  /** The server a notebook's kernel runs on. */
  /** The widget models of the notebook's running kernel (undefined before it starts, after it closes). */
  widgetsOf(notebook: vscode.NotebookDocument): WidgetModels | undefined {
    const kernel = this.notebooks.get(notebook)?.started;
    return kernel && !kernel.isClosed ? kernel.widgets : undefined;
  }

  serverOf(notebook: vscode.NotebookDocument): string | undefined {
    const state = this.notebooks.get(notebook);
    return state ? this.controllers.get(state.controllerId)?.target.serverId : undefined;
  }

  /** Interrupts the notebook's kernel (the toolbar's stop button calls this too). */
  async interrupt(notebook: vscode.NotebookDocument): Promise<void> {
    const kernel = await this.notebooks.get(notebook)?.kernel;
    if (!kernel) throw new JupyterError('This notebook has no remote kernel yet: run a cell first.');
    await kernel.interrupt();
  }

  async restart(notebook: vscode.NotebookDocument): Promise<void> {
    const state = this.notebooks.get(notebook);
    const kernel = await state?.kernel;
    if (!state || !kernel) throw new JupyterError('This notebook has no remote kernel yet: run a cell first.');
    for (const view of state.views.values()) kernel.outputs.release(view.area);
    await kernel.restart();
  }

  /** Creates and removes controllers to match the server's kernel types and running kernels. */
  sync(serverId: string): void {
    const record = this.options.store.get(serverId);
    const status = this.options.connections.status(serverId);
    const wanted = new Map<string, { target: Target; spec?: KernelSpec; kernel?: KernelModel }>();
    if (record) {
      for (const spec of Object.values(status.specs?.specs ?? {})) {
        wanted.set(controllerId(serverId, spec.name), { target: { serverId, specName: spec.name }, spec });
      }
      for (const kernel of status.kernels ?? []) {
        wanted.set(controllerId(serverId, kernel.name, kernel.id), { target: { serverId, specName: kernel.name, kernelId: kernel.id }, kernel, spec: status.specs?.specs[kernel.name] });
      }
    }
    for (const [id, entry] of this.controllers) {
      if (entry.target.serverId === serverId && !wanted.has(id)) this.removeController(id, !record);
    }
    if (!record) return;
    for (const [id, want] of wanted) {
      const existing = this.controllers.get(id)?.controller;
      const label = want.kernel ? `${want.spec?.displayName ?? want.kernel.name} (running)` : (want.spec?.displayName ?? want.target.specName);
      const description = record.name;
      const detail = want.kernel
        ? `Attach to kernel ${want.kernel.id.slice(0, 8)}${want.kernel.executionState ? `, ${want.kernel.executionState}` : ''}${want.kernel.lastActivity ? `, last active ${want.kernel.lastActivity}` : ''}`
        : `New ${want.spec?.language ?? ''} kernel on ${record.baseUrl}`.replace('  ', ' ');
      if (existing) {
        existing.label = label;
        existing.description = description;
        existing.detail = detail;
        continue;
      }
      this.createController(id, want.target, record, label, description, detail, want.spec?.language);
    }
  }

  dispose(): void {
    for (const id of [...this.controllers.keys()]) this.removeController(id, false);
    for (const notebook of [...this.notebooks.keys()]) void this.closeNotebook(notebook, false);
    for (const d of this.disposables) d.dispose();
    this.statusEmitter.dispose();
  }

  private createController(id: string, target: Target, record: ServerRecord, label: string, description: string, detail: string, language?: string): void {
    const controller = vscode.notebooks.createNotebookController(id, NOTEBOOK_TYPE, label);
    controller.description = description;
    controller.detail = detail;
    if (language) controller.supportedLanguages = [language];
    controller.supportsExecutionOrder = true;
    controller.executeHandler = (cells, notebook, c) => this.execute(cells, notebook, c, target);
    controller.interruptHandler = (notebook) =>
      this.interrupt(notebook).catch((e: unknown) => this.options.showError(`Could not interrupt the kernel: ${messageOf(e)}`));
    const listener = controller.onDidChangeSelectedNotebooks(({ notebook, selected }) => {
      // Another kernel chosen for this notebook: let go of ours (shut down unless the setting keeps it).
      if (!selected && this.notebooks.get(notebook)?.controllerId === id) void this.closeNotebook(notebook, !this.options.keepKernelOnClose());
    });
    this.controllers.set(id, { controller, target, listener });
    if (!target.kernelId) for (const notebook of vscode.workspace.notebookDocuments) this.preferForServerNotebook(notebook, controller, target);
    this.options.log.debug(`Controller ${label} on ${record.name}`);
  }

  /**
   * The path a notebook's session gets; the server starts its kernel in that path's folder (or the
   * nearest one that exists). A notebook that lives on the server: its own path there. A local one: its
   * workspace path inside the `jupyterRemote.kernelFolder` of its workspace folder (the server's root when
   * unset) — the whole workspace path, so two local notebooks of one name never share a session (the
   * server hands an existing session, kernel and all, to a second notebook with the same path).
   */
  private sessionPath(notebook: vscode.NotebookDocument, serverId: string): { path: string; folder: string } {
    const onServer = sessionPathOnServer(notebook.uri, serverId);
    if (onServer !== undefined) return { path: onServer, folder: parentOf(onServer) };
    const name = notebook.isUntitled ? notebook.uri.path.split('/').pop() || 'Untitled.ipynb' : vscode.workspace.asRelativePath(notebook.uri, false);
    const folder = normalizeServerPath(this.options.kernelFolder(notebook));
    return { path: folder ? `${folder}/${name}` : name, folder };
  }

  /** A notebook that lives on a server is offered that server's kernel types first. */
  private preferForServerNotebook(notebook: vscode.NotebookDocument, controller: vscode.NotebookController, target: Target): void {
    if (notebook.notebookType === NOTEBOOK_TYPE && notebook.uri.scheme === SERVER_FS_SCHEME && notebook.uri.authority === target.serverId) {
      controller.updateNotebookAffinity(notebook, vscode.NotebookControllerAffinity.Preferred);
    }
  }

  private removeController(id: string, serverRemoved: boolean): void {
    const entry = this.controllers.get(id);
    if (!entry) return;
    this.controllers.delete(id);
    for (const [notebook, state] of this.notebooks) {
      // A removed server gets no further request, not even a shutdown: only the sockets close.
      if (state.controllerId === id) void this.closeNotebook(notebook, !serverRemoved && !this.options.keepKernelOnClose());
    }
    entry.listener.dispose();
    entry.controller.dispose();
  }

  private kernelFor(notebook: vscode.NotebookDocument, controllerId: string, target: Target): NotebookState {
    const current = this.notebooks.get(notebook);
    if (current && current.controllerId === controllerId) return current;
    if (current) void this.closeNotebook(notebook, !this.options.keepKernelOnClose());
    const state: NotebookState = { controllerId, kernel: undefined!, queue: Promise.resolve(), views: new Map(), areas: new Map() };
    state.kernel = this.startKernel(notebook, target, state);
    state.kernel.catch(() => {
      if (this.notebooks.get(notebook) === state) this.notebooks.delete(notebook);
    });
    this.notebooks.set(notebook, state);
    return state;
  }

  private async startKernel(notebook: vscode.NotebookDocument, target: Target, state: NotebookState): Promise<NotebookKernel> {
    this.setKernelStatus(notebook, 'starting');
    try {
      const session = await this.options.connections.session(target.serverId);
      // The kernel client (and its WebSocket library) loads here, on the first run, not at activation.
      const { NotebookKernel } = await import('./notebook-kernel');
      state.session = this.sessionPath(notebook, target.serverId);
      const kernel = await NotebookKernel.start({
        session,
        path: state.session.path,
        kernelName: target.kernelId ? undefined : target.specName,
        kernelId: target.kernelId,
        // Gateways: kernels on their own, no sessions (PROTOCOL.md §7).
        sessions: !/gateway/.test(this.options.connections.status(target.serverId).info?.flavor ?? ''),
        log: this.options.log,
      });
      state.started = kernel;
      state.statusListener = kernel.onStatus((s) => this.setKernelStatus(notebook, s));
      kernel.outputs.onChange((area, change) => state.areas.get(area)?.onChange(change));
      this.setKernelStatus(notebook, kernel.status);
      this.options.log.info(`Kernel ${kernel.kernelId} (${target.specName}) for ${state.session.path} over ${kernel.connection.protocol ?? 'unknown'} protocol`);
      return kernel;
    } catch (e) {
      this.setKernelStatus(notebook, undefined);
      throw e;
    }
  }

  private execute(cells: vscode.NotebookCell[], notebook: vscode.NotebookDocument, controller: vscode.NotebookController, target: Target): Promise<void> {
    const state = this.kernelFor(notebook, controller.id, target);
    // Queued cells show as pending at once; they run one after another.
    const executions = cells.map((cell) => controller.createNotebookCellExecution(cell));
    const batch = state.queue.then(() => this.runBatch(state, executions, controller));
    state.queue = batch.catch(() => undefined);
    return batch;
  }

  private async runBatch(state: NotebookState, executions: vscode.NotebookCellExecution[], controller: vscode.NotebookController): Promise<void> {
    let kernel: NotebookKernel;
    try {
      kernel = await state.kernel;
    } catch (e) {
      const message = `Could not start the remote kernel: ${messageOf(e)}`;
      this.options.log.error(message);
      for (const [i, execution] of executions.entries()) {
        execution.start(Date.now());
        if (i === 0) await execution.replaceOutput(errorOutput('Kernel', message));
        execution.end(false, Date.now());
      }
      this.options.showError(message);
      return;
    }
    let stop = false;
    for (const execution of executions) {
      if (stop || kernel.isClosed || execution.token.isCancellationRequested) {
        // After an error the rest of a Run All does not run (as in Jupyter).
        execution.start();
        execution.end(undefined);
        continue;
      }
      const ok = await this.runCell(state, kernel, execution, controller);
      if (ok === false) stop = true;
    }
  }

  /** Runs one cell; resolves true, false (failed) or undefined (not run). */
  private async runCell(state: NotebookState, kernel: NotebookKernel, execution: vscode.NotebookCellExecution, controller: vscode.NotebookController): Promise<boolean | undefined> {
    const cell = execution.cell;
    const key = cell.document.uri.toString();
    const previous = state.views.get(key);
    if (previous) {
      kernel.outputs.release(previous.area);
      state.areas.delete(previous.area);
    }
    const area = kernel.outputs.cell(key);
    const view = new CellOutputView(cell, area, controller, (e) => this.options.log.error(`Updating the outputs of cell ${cell.index + 1}: ${messageOf(e)}`));
    state.views.set(key, view);
    state.areas.set(area, view);
    view.attach(execution);
    const startTime = Date.now();
    execution.start(startTime);
    await execution.clearOutput();

    const code = cell.document.getText();
    if (!code.trim()) {
      view.attach(undefined, { startTime, endTime: Date.now() });
      execution.end(undefined, Date.now());
      return undefined;
    }
    const run = kernel.connection.execute(code, {
      outputs: area,
      onStdin: (request) => askForInput(cell, request),
      onExecutionCount: (count) => (execution.executionOrder = count),
    });
    let result: ExecuteResult | undefined;
    let failure: string | undefined;
    try {
      result = await run.done;
    } catch (e) {
      failure = messageOf(e);
    }
    if (result?.possiblyIncomplete) {
      area.note('⚠ Output may be incomplete: the connection to the kernel dropped while this cell ran.');
    }
    if (failure) area.handle({ msg_type: 'error', content: { ename: 'Kernel', evalue: failure, traceback: [failure] } });
    await view.flush();
    if (result?.executionCount !== null && result?.executionCount !== undefined) execution.executionOrder = result.executionCount;
    const errored = failure !== undefined || result?.status === 'error' || (result?.status === 'unknown' && area.toJSON().some((o) => o.output_type === 'error'));
    const success = result?.status === 'aborted' ? undefined : !errored;
    const endTime = Date.now();
    view.attach(undefined, { executionOrder: execution.executionOrder, startTime, endTime, success });
    execution.end(success, endTime);
    return success;
  }

  private async closeNotebook(notebook: vscode.NotebookDocument, shutdown: boolean): Promise<void> {
    const state = this.notebooks.get(notebook);
    if (!state) return;
    this.notebooks.delete(notebook);
    this.setKernelStatus(notebook, undefined);
    state.statusListener?.dispose();
    try {
      const kernel = await state.kernel;
      // A kernel someone else started is never shut down from here.
      await kernel.close(shutdown && kernel.startedByUs);
      this.options.log.info(`${shutdown && kernel.startedByUs ? 'Shut down' : 'Disconnected from'} kernel ${kernel.kernelId} of ${notebook.uri.path}`);
    } catch (e) {
      this.options.log.warn(`Closing the kernel of ${notebook.uri.path}: ${messageOf(e)}`);
    }
  }

  private setKernelStatus(notebook: vscode.NotebookDocument, status: KernelStatus | undefined): void {
    if (status) this.kernelStatus.set(notebook, status);
    else this.kernelStatus.delete(notebook);
    this.statusEmitter.fire(notebook);
  }
}

export function controllerId(serverId: string, specName: string, kernelId?: string): string {
  return kernelId ? `jupyterRemote.${serverId}.kernel.${kernelId}` : `jupyterRemote.${serverId}.spec.${specName}`;
}


async function askForInput(cell: vscode.NotebookCell, request: StdinRequest): Promise<string> {
  const answer = await vscode.window.showInputBox({
    title: `Cell ${cell.index + 1} asks for ${request.password ? 'a password' : 'input'}`,
    prompt: request.prompt || undefined,
    password: request.password,
    ignoreFocusOut: true,
  });
  // Cancelled: the kernel gets an empty answer and the cell goes on.
  return answer ?? '';
}

function errorOutput(name: string, message: string): vscode.NotebookCellOutput[] {
  return [new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error({ name, message })])];
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
