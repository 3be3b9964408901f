import * as vscode from 'vscode';
import { parentOf } from '../../core/api/server-path';
import { kernelPresence } from '../../core/api';
import type { KernelModel, KernelSpec } from '../../core/api';
import { JupyterError } from '../../core/http';
import type { HttpSession } from '../../core/http';
import type { KernelAssist, KernelConnection, KernelStatus } from '../../core/kernel';
import { messageOf } from '../../core/util/errors';
import { Emitter } from '../../core/util/events';
import { Logger } from '../../core/util/logger';
import { CellRuns, notebookName } from './cell-runs';
import { DebuggerMarks } from './debugger-marks';
import { serverFileLink } from './frame-links';
import { KernelMemory } from './kernel-memory';
import { localSessionPath } from './session-path';
import type { VariableInspector } from '../../core/variables';
import type { WidgetModels } from '../../core/widgets';
import type { NotebookKernel } from './notebook-kernel';
import { SERVER_FS_SCHEME, sessionPathOnServer } from '../files';
import type { ServerConnections, ServerRecord, ServerStore } from '../servers';
import { NOTEBOOK_TYPE } from '../shared';

/** What a controller runs on: a new kernel of a kernelspec, or a kernel already running. */
type Target = { serverId: string; specName: string; kernelId?: string };

interface NotebookState {
  controllerId: string;
  kernel: Promise<NotebookKernel>;
  /** The kernel once it has started. */
  started?: NotebookKernel;
  /** Runs cells one batch after another, in the order they were asked for. */
  queue: Promise<void>;
  /** The cells' runs on the kernel, once it has started. */
  runs?: CellRuns;
  statusListener?: { dispose(): void };
  /** The session path the kernel was started with, and the server folder that puts its kernel in. */
  session?: { path: string; folder: string };
}

/** A notebook's remembered kernel no longer exists on its server. */
class KernelGoneError extends JupyterError {
  override readonly name: string = 'KernelGoneError';
}

export interface KernelControllersOptions {
  store: ServerStore;
  /** Which kernel each notebook ran on, across window reloads. */
  memory: KernelMemory;
  connections: ServerConnections;
  log: Logger;
  /** Shows a failure at a boundary (one sentence, "Show Log"). */
  showError: (message: string) => void;
  /** `jupyterRemote.keepKernelOnClose`, read when a notebook closes. */
  keepKernelOnClose: () => boolean;
  /** `jupyterRemote.kernelFolder` for a local notebook (its workspace folder's), read when its kernel starts. */
  kernelFolder: (notebook: vscode.NotebookDocument) => string;
  /** This extension's id: a notebook's `notebookKernel` context value is `<extension id>/<controller id>`. */
  extensionId: string;
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
  /** The controller each open notebook has selected (of ours), whether or not its kernel has started. */
  private readonly selected = new Map<vscode.NotebookDocument, string>();
  private readonly selectionEmitter = new Emitter<vscode.NotebookDocument>();
  /** Fires when a notebook selected one of our kernels, or let go of one. */
  readonly onDidChangeSelection = this.selectionEmitter.event;
  private readonly debuggerMarks: DebuggerMarks;

  constructor(private readonly options: KernelControllersOptions) {
    this.debuggerMarks = new DebuggerMarks(options.extensionId);
    const subs = [
      options.connections.onDidChange((id) => this.sync(id)),
      // A renamed server's name is each of its controllers' description.
      options.store.onDidChange(() => options.store.list().forEach((s) => this.sync(s.id))),
    ];
    this.disposables.push({ dispose: () => subs.forEach((s) => s.dispose()) });
    this.disposables.push(vscode.workspace.onDidCloseNotebookDocument((doc) => void this.closeNotebook(doc, !options.keepKernelOnClose())));
    this.disposables.push(
      vscode.workspace.onDidOpenNotebookDocument((doc) => {
        for (const { controller, target } of this.controllers.values()) if (!target.kernelId) this.preferForServerNotebook(doc, controller, target);
      }),
      vscode.workspace.onDidRenameFiles((e) => {
        for (const { oldUri, newUri } of e.files) options.memory.moved(oldUri, newUri);
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

  /** The widget models of the notebook's running kernel (undefined before it starts, after it closes). */
  widgetsOf(notebook: vscode.NotebookDocument): WidgetModels | undefined {
    const kernel = this.notebooks.get(notebook)?.started;
    return kernel && !kernel.isClosed ? kernel.widgets : undefined;
  }

  /** Completions and docs from the notebook's running kernel (undefined before it starts: asking never starts one). */
  assistOf(notebook: vscode.NotebookDocument): KernelAssist | undefined {
    const kernel = this.notebooks.get(notebook)?.started;
    return kernel && !kernel.isClosed ? kernel.assist : undefined;
  }

  /** The variables of the notebook's running kernel (undefined before it starts: looking never starts one). */
  variablesOf(notebook: vscode.NotebookDocument): VariableInspector | undefined {
    const kernel = this.notebooks.get(notebook)?.started;
    return kernel && !kernel.isClosed ? kernel.variables : undefined;
  }

  /** The connection to the notebook's running kernel (undefined before it starts: asking never starts one). */
  connectionOf(notebook: vscode.NotebookDocument): KernelConnection | undefined {
    const kernel = this.notebooks.get(notebook)?.started;
    return kernel && !kernel.isClosed ? kernel.connection : undefined;
  }

  /** A running Python kernel of ours on the server, an idle one first (to read the server's files outside its root). */
  pythonKernelOn(serverId: string): KernelConnection | undefined {
    const python = [...this.notebooks.keys()].filter((nb) => this.serverOf(nb) === serverId && nb.getCells().some((c) => c.kind === vscode.NotebookCellKind.Code && c.document.languageId === 'python'));
    const idle = python.find((nb) => this.statusOf(nb) === 'idle');
    for (const notebook of idle ? [idle, ...python] : python) {
      const connection = this.connectionOf(notebook);
      if (connection) return connection;
    }
    return undefined;
  }

  /** The open notebook running on this kernel here, if any. */
  notebookOfKernel(kernelId: string): vscode.NotebookDocument | undefined {
    for (const [notebook, state] of this.notebooks) if (state.started?.kernelId === kernelId) return notebook;
    return undefined;
  }

  /**
   * The server of the kernel a notebook has selected (of ours), whether or not it has started, and the
   * path its session has there (its kernel's folder is that path's).
   */
  selectionOf(notebook: vscode.NotebookDocument): { serverId: string; sessionPath: string } | undefined {
    const serverId = this.serverOfController(this.selected.get(notebook) ?? '');
    if (!serverId) return undefined;
    try {
      return { serverId, sessionPath: this.notebooks.get(notebook)?.session?.path ?? this.sessionPath(notebook, serverId).path };
    } catch {
      return undefined; // a kernelFolder setting that is not a server path: reported when a cell runs
    }
  }

  /** The server a notebook's kernel runs on. */
  serverOf(notebook: vscode.NotebookDocument): string | undefined {
    const state = this.notebooks.get(notebook);
    return state ? this.serverOfController(state.controllerId) : undefined;
  }

  /**
   * The notebook's kernel for a debug session, started now if the notebook has selected one of our
   * kernels but run nothing yet, and a way to run its cells through the usual queue (their outputs
   * arrive as for any run; the promise settles when they have ended).
   */
  async kernelToDebug(notebook: vscode.NotebookDocument): Promise<{ kernel: NotebookKernel; serverId: string; http: HttpSession; sessionPath: string | undefined; run(cells: vscode.NotebookCell[]): Promise<void> }> {
    const entry = this.controllers.get(this.notebooks.get(notebook)?.controllerId ?? this.selected.get(notebook) ?? '');
    if (!entry) throw new JupyterError(`${notebookName(notebook)} does not run on a Jupyter Remote kernel: pick one in the notebook's kernel picker first.`);
    const state = this.kernelFor(notebook, entry.controller, entry.target);
    const kernel = await state.kernel;
    return {
      kernel,
      serverId: entry.target.serverId,
      http: await this.options.connections.session(entry.target.serverId),
      // The folder a kernel someone else started runs in is not ours to know.
      sessionPath: kernel.startedByUs ? state.session?.path : undefined,
      run: (cells) => this.execute(cells, notebook, entry.controller, entry.target),
    };
  }

  /**
   * Goes back to the kernel this notebook ran on before the window reloaded, if one is remembered and
   * its controller is selected again (widgets in the notebook's outputs come back live from it). Never
   * starts a kernel: false when there is none to go back to, or it is gone.
   */
  async reattachIfRemembered(notebook: vscode.NotebookDocument): Promise<boolean> {
    const current = this.notebooks.get(notebook);
    if (current) return current.kernel.then(() => true, () => false);
    const entry = this.controllers.get(this.selected.get(notebook) ?? '');
    if (!entry || !this.rememberedFor(notebook, entry.target)) return false;
    return this.kernelFor(notebook, entry.controller, entry.target).kernel.then(() => true, () => false);
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
    state.runs?.releaseOutputs();
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
    this.debuggerMarks.mark(serverId, wanted);
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
    // The window is going (a reload, an update, VS Code quitting), not the notebooks: their kernels run on,
    // to be taken up again. Closed first, so that removing the controllers shuts nothing down. The
    // extension host may stop any moment after this returns: a running cell's connection is told to
    // close now (the server keeps what follows once it hears), its outputs are kept at once, and again,
    // with what came meanwhile, if its connection gets to close.
    for (const state of this.notebooks.values()) state.runs?.leave();
    for (const notebook of [...this.notebooks.keys()]) void this.closeNotebook(notebook, false);
    for (const id of [...this.controllers.keys()]) this.removeController(id, false);
    for (const d of this.disposables) d.dispose();
    this.statusEmitter.dispose();
    this.selectionEmitter.dispose();
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
      if (selected) this.selected.set(notebook, id);
      else if (this.selected.get(notebook) === id) this.selected.delete(notebook);
      this.selectionEmitter.fire(notebook);
      if (!selected && this.notebooks.get(notebook)?.controllerId === id) void this.closeNotebook(notebook, !this.options.keepKernelOnClose());
      // Selected again after a window reload while a cell ran: take that cell up.
      if (selected) this.takeUpRunningCell(notebook, controller, target);
    });
    this.controllers.set(id, { controller, target, listener });
    if (!target.kernelId) for (const notebook of vscode.workspace.notebookDocuments) this.preferForServerNotebook(notebook, controller, target);
    this.options.log.debug(`Controller ${label} on ${record.name}`);
  }

  /**
   * The path a notebook's session gets; the server starts its kernel in that path's folder (or the
   * nearest one that exists). A notebook that lives on the server: its own path there. A local one: see
   * localSessionPath, inside the `jupyterRemote.kernelFolder` of its workspace folder (the server's root when unset).
   */
  private sessionPath(notebook: vscode.NotebookDocument, serverId: string): { path: string; folder: string } {
    const onServer = sessionPathOnServer(notebook.uri, serverId);
    if (onServer !== undefined) return { path: onServer, folder: parentOf(onServer) };
    const inWorkspace = !notebook.isUntitled && vscode.workspace.getWorkspaceFolder(notebook.uri) !== undefined;
    return localSessionPath(
      { uriPath: notebook.uri.path, isUntitled: notebook.isUntitled, workspacePath: inWorkspace ? vscode.workspace.asRelativePath(notebook.uri, false) : undefined },
      this.options.kernelFolder(notebook),
    );
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

  private kernelFor(notebook: vscode.NotebookDocument, controller: vscode.NotebookController, target: Target): NotebookState {
    const current = this.notebooks.get(notebook);
    if (current && current.controllerId === controller.id) return current;
    if (current) void this.closeNotebook(notebook, !this.options.keepKernelOnClose());
    const state: NotebookState = { controllerId: controller.id, kernel: undefined!, queue: Promise.resolve() };
    state.kernel = this.startKernel(notebook, controller, target, state);
    state.kernel.catch(() => {
      if (this.notebooks.get(notebook) === state) this.notebooks.delete(notebook);
    });
    this.notebooks.set(notebook, state);
    return state;
  }

  private async startKernel(notebook: vscode.NotebookDocument, controller: vscode.NotebookController, target: Target, state: NotebookState): Promise<NotebookKernel> {
    this.setKernelStatus(notebook, 'starting');
    try {
      const session = await this.options.connections.session(target.serverId);
      // The kernel client (and its WebSocket library) loads here, on the first run, not at activation.
      const { NotebookKernel } = await import('./notebook-kernel');
      state.session = this.sessionPath(notebook, target.serverId);
      const { memory } = this.options;
      const remembered = this.rememberedFor(notebook, target);
      if (!remembered) memory.forget(notebook.uri);
      if (remembered) {
        // Back to the kernel this notebook ran on (a window reload); never a new one in its place unasked.
        const presence = await kernelPresence(session, remembered.kernelId, remembered.lastSeen);
        if (!presence.present) {
          // Its running cell cannot be taken up: what was kept of its outputs is of no use.
          memory.dropOutputs(notebook.uri);
          const server = this.options.store.get(target.serverId)?.name ?? 'its server';
          throw new KernelGoneError(`The remote kernel of ${notebookName(notebook)} no longer exists on ${server}: ${presence.reason}. Its variables and other state are lost.`);
        }
      }
      const kernel = remembered
        ? await NotebookKernel.reattach({ session, kernelId: remembered.kernelId, serverSessionId: remembered.serverSessionId, clientSessionId: remembered.clientSessionId, startedByUs: remembered.startedByUs, log: this.options.log })
        : await NotebookKernel.start({
            session,
            path: state.session.path,
            kernelName: target.kernelId ? undefined : target.specName,
            kernelId: target.kernelId,
            // Gateways: kernels on their own, no sessions (PROTOCOL.md §7).
            sessions: !/gateway/.test(this.options.connections.status(target.serverId).info?.flavor ?? ''),
            log: this.options.log,
          });
      memory.remember(notebook.uri, {
        serverId: target.serverId,
        kernelId: kernel.kernelId,
        specName: target.specName,
        clientSessionId: kernel.connection.sessionId,
        serverSessionId: kernel.serverSessionId,
        startedByUs: kernel.startedByUs,
        startedAt: remembered?.startedAt ?? Date.now(),
        lastSeen: Date.now(),
        running: remembered?.running,
      });
      state.started = kernel;
      const sessionPath = kernel.startedByUs ? state.session.path : undefined;
      state.runs = new CellRuns(notebook, kernel, controller, memory, this.options.log, async () => {
        const files = await kernel.kernelFiles(sessionPath);
        return files && ((file) => serverFileLink(target.serverId, files, file));
      });
      state.statusListener = kernel.onStatus((s) => {
        this.setKernelStatus(notebook, s);
        if (s === 'disconnected' && kernel.connection.hasGivenUp) this.offerReconnect(notebook, state);
      });
      this.setKernelStatus(notebook, kernel.status);
      this.options.log.info(`${remembered ? 'Back to kernel' : 'Kernel'} ${kernel.kernelId} (${target.specName}) for ${state.session.path} over ${kernel.connection.protocol ?? 'unknown'} protocol`);
      return kernel;
    } catch (e) {
      this.setKernelStatus(notebook, undefined);
      throw e;
    }
  }

  private execute(cells: vscode.NotebookCell[], notebook: vscode.NotebookDocument, controller: vscode.NotebookController, target: Target): Promise<void> {
    const state = this.kernelFor(notebook, controller, target);
    // Queued cells show as pending at once; they run one after another.
    const executions = cells.map((cell) => controller.createNotebookCellExecution(cell));
    const batch = state.queue.then(() => this.runBatch(state, executions, () => this.execute(cells, notebook, controller, target)));
    state.queue = batch.catch(() => undefined);
    return batch;
  }

  private async runBatch(state: NotebookState, executions: vscode.NotebookCellExecution[], again: () => Promise<void>): Promise<void> {
    let kernel: NotebookKernel;
    try {
      kernel = await state.kernel;
    } catch (e) {
      if (e instanceof KernelGoneError) return this.offerNewKernel(e.message, executions[0].cell.notebook, executions, again);
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
    const notebook = executions[0].cell.notebook;
    const gone = () => {
      // Shut down from elsewhere, or died for good: its socket goes, nothing is shut down, and nothing
      // kept of a running cell's outputs outlives it.
      void this.closeNotebook(notebook, false).then(() => this.options.memory.dropOutputs(notebook.uri));
      const server = this.options.store.get(this.serverOfController(state.controllerId) ?? '')?.name ?? 'its server';
      return `The remote kernel of ${notebookName(notebook)} is gone from ${server}: it was shut down, or it died and could not be restarted. Its variables and other state are lost.`;
    };
    if (kernel.status === 'dead') return this.offerNewKernel(gone(), notebook, executions, again);
    if (kernel.connection.hasGivenUp) {
      // The connection was given up (a long sleep, a long outage): a new one, to the same kernel if it still exists.
      for (const execution of executions) {
        execution.start();
        execution.end(undefined);
      }
      await this.closeNotebook(notebook, false);
      return again();
    }
    let stop = false;
    for (const [i, execution] of executions.entries()) {
      if (stop || kernel.isClosed || execution.token.isCancellationRequested) {
        // After an error the rest of a Run All does not run (as in Jupyter).
        execution.start();
        execution.end(undefined);
        continue;
      }
      const ok = await state.runs!.run(execution);
      if (ok === false) stop = true;
      // Found gone while this cell waited: the rest wait for the person's answer.
      // (`status` changes while the cell runs: read afresh, not as narrowed above.)
      if ((kernel.status as KernelStatus) === 'dead') return this.offerNewKernel(gone(), notebook, executions.slice(i + 1), again);
    }
  }

  /**
   * The notebook's kernel no longer exists: the cells asked for end unrun, the person is told in one
   * sentence, and a new kernel starts (and runs them) only if they say so.
   */
  private async offerNewKernel(message: string, notebook: vscode.NotebookDocument, executions: vscode.NotebookCellExecution[], again: () => Promise<void>): Promise<void> {
    for (const execution of executions) {
      execution.start();
      execution.end(undefined);
    }
    this.options.log.warn(message);
    const choice = await vscode.window.showWarningMessage(message, { modal: true, detail: 'A new kernel starts empty: the cells that built the old state have to run again.' }, 'Start New Kernel');
    if (choice !== 'Start New Kernel') return;
    this.options.memory.forget(notebook.uri);
    return again();
  }

  /**
   * The kernel connection was given up after backing off for minutes: say so once, with a way back that
   * connects anew (the next run does the same). Nothing is started in the kernel's place.
   */
  private offerReconnect(notebook: vscode.NotebookDocument, state: NotebookState): void {
    const server = this.options.store.get(this.serverOfController(state.controllerId) ?? '')?.name ?? 'its server';
    const message = `Lost the connection to the kernel of ${notebookName(notebook)} on ${server}; it may still be running there.`;
    this.options.log.warn(message);
    void vscode.window.showWarningMessage(message, 'Reconnect').then(async (choice) => {
      const entry = this.controllers.get(state.controllerId);
      if (choice !== 'Reconnect' || this.notebooks.get(notebook) !== state || !entry) return;
      await this.closeNotebook(notebook, false);
      const again = this.kernelFor(notebook, entry.controller, entry.target);
      await again.kernel.catch((e: unknown) => this.options.showError(`Could not reconnect to the kernel of ${notebookName(notebook)}: ${messageOf(e)}`));
    });
  }

  private serverOfController(id: string): string | undefined {
    return this.controllers.get(id)?.target.serverId;
  }

  /**
   * After a window reload: the cell that was running when the window went, if its notebook's kernel is
   * back, runs on in the same cell.
   */
  private takeUpRunningCell(notebook: vscode.NotebookDocument, controller: vscode.NotebookController, target: Target): void {
    const running = this.options.memory.get(notebook.uri)?.running;
    if (!running || this.notebooks.has(notebook) || !this.rememberedFor(notebook, target)) return;
    const state = this.kernelFor(notebook, controller, target);
    const takenUp = state.queue.then(async () => {
      try {
        await state.kernel;
      } catch (e) {
        // Gone: the first run says so and asks before starting another.
        this.options.log.warn(`Could not go back to the running cell of ${notebookName(notebook)}: ${messageOf(e)}`);
        return;
      }
      await state.runs!.takeUp(running);
    });
    // The queue goes on either way, but a take-up that failed is said in the log, not dropped silently.
    state.queue = takenUp.catch((e: unknown) => this.options.log.warn(`Taking up the running cell of ${notebookName(notebook)}: ${messageOf(e)}`));
  }

  /** The kernel this notebook ran on before, if it is what this controller would run it on (its server, its kernel type or that very kernel). */
  private rememberedFor(notebook: vscode.NotebookDocument, target: Target) {
    const remembered = this.options.memory.get(notebook.uri);
    if (!remembered || remembered.serverId !== target.serverId) return undefined;
    return (target.kernelId ? target.kernelId === remembered.kernelId : target.specName === remembered.specName) ? remembered : undefined;
  }

  private async closeNotebook(notebook: vscode.NotebookDocument, shutdown: boolean): Promise<void> {
    if (notebook.isClosed) this.selected.delete(notebook);
    const state = this.notebooks.get(notebook);
    if (!state) return;
    this.notebooks.delete(notebook);
    this.setKernelStatus(notebook, undefined);
    state.statusListener?.dispose();
    try {
      const kernel = await state.kernel;
      // A kernel someone else started is never shut down from here.
      await kernel.close(shutdown && kernel.startedByUs);
      if (shutdown && kernel.startedByUs) this.options.memory.forget(notebook.uri);
      else state.runs?.keepRunningOutputs();
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


function errorOutput(name: string, message: string): vscode.NotebookCellOutput[] {
  return [new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error({ name, message })])];
}
