import { createSession, deleteSession, shutdownKernel, startKernel } from '../../core/api';
import { kernelFilesOf, type KernelFiles } from '../../core/debug';
import { HttpSession } from '../../core/http';
import { KernelAssist, KernelConnection, NotebookOutputs } from '../../core/kernel';
import type { KernelStatus } from '../../core/kernel';
import { VariableInspector } from '../../core/variables';
import { WidgetModels } from '../../core/widgets';
import { Logger } from '../../core/util/logger';

export interface NotebookKernelOptions {
  session: HttpSession;
  /** The notebook's path as the server shows it in its sessions (its name in the workspace). */
  path: string;
  /** Start a new kernel of this kernelspec… */
  kernelName?: string;
  /** …or attach to this running kernel. */
  kernelId?: string;
  /**
   * Tie the kernel to the notebook with a server session (default). Kernel gateways have no
   * sessions worth having (PROTOCOL.md §7): there the kernel is started and shut down on its own.
   */
  sessions?: boolean;
  log?: Logger;
  signal?: AbortSignal;
}

/**
 * One notebook's remote kernel: a server session tying the kernel to the notebook's name (so the
 * server's own UI shows whose kernel it is), the live connection, and the notebook's output model
 * (display ids are updated across its cells). Free of `vscode`: the controller drives it.
 */
export class NotebookKernel {
  readonly outputs = new NotebookOutputs();
  /** Its ipywidgets models (kept from the start, for a renderer that comes later and for saving). */
  readonly widgets: WidgetModels;
  /** Completions and docs from the kernel. */
  readonly assist: KernelAssist;
  /** Its variables, tables and resources, looked at without getting in the way of its cells. */
  readonly variables: VariableInspector;
  private closed = false;
  private files: Promise<KernelFiles | undefined> | undefined;

  private constructor(
    private readonly httpSession: HttpSession,
    readonly kernelId: string,
    /** The server session tying the kernel to the notebook, where there is one. */
    readonly serverSessionId: string | undefined,
    readonly connection: KernelConnection,
    /** We started this kernel (true) or attached to one already running (false). */
    readonly startedByUs: boolean,
  ) {
    this.widgets = new WidgetModels(connection);
    this.assist = new KernelAssist(connection);
    this.assist.warmUp();
    this.variables = new VariableInspector(connection);
  }

  /**
   * Where the server's files are on the kernel's machine (kernelFilesOf), asked once per kernel: undefined
   * for a kernel someone else started (no `sessionPath`), or where it cannot be told for sure.
   */
  kernelFiles(sessionPath: string | undefined): Promise<KernelFiles | undefined> {
    this.files ??= kernelFilesOf(this.httpSession, this.connection, sessionPath).catch(() => undefined);
    return this.files;
  }

  static async start(options: NotebookKernelOptions): Promise<NotebookKernel> {
    const { session } = options;
    let kernelId: string;
    let sessionId: string | undefined;
    if (options.sessions === false) {
      kernelId = options.kernelId ?? (await startKernel(session, options.kernelName, { signal: options.signal })).id;
    } else {
      const model = await createSession(session, { path: options.path, kernelName: options.kernelName, kernelId: options.kernelId, signal: options.signal });
      [kernelId, sessionId] = [model.kernel.id, model.id];
    }
    try {
      const connection = await KernelConnection.connect({ session, kernelId, log: options.log });
      return new NotebookKernel(session, kernelId, sessionId, connection, !options.kernelId);
    } catch (e) {
      // A kernel we started and cannot reach would run on unseen: end it.
      if (!options.kernelId) await NotebookKernel.end(session, kernelId, sessionId).catch(() => undefined);
      throw e;
    }
  }

  /**
   * Goes back to a kernel this notebook ran on before (a window reload): the same kernel and server
   * session, under the client session id used then, so the server replays what it kept meanwhile.
   */
  static async reattach(options: { session: HttpSession; kernelId: string; serverSessionId?: string; clientSessionId: string; startedByUs: boolean; log?: Logger }): Promise<NotebookKernel> {
    const connection = await KernelConnection.connect({ session: options.session, kernelId: options.kernelId, sessionId: options.clientSessionId, resuming: true, log: options.log });
    return new NotebookKernel(options.session, options.kernelId, options.serverSessionId, connection, options.startedByUs);
  }

  private static end(session: HttpSession, kernelId: string, sessionId: string | undefined): Promise<void> {
    return sessionId ? deleteSession(session, sessionId) : shutdownKernel(session, kernelId);
  }

  get status(): KernelStatus {
    return this.connection.status;
  }

  get onStatus(): KernelConnection['onStatus'] {
    return this.connection.onStatus;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  interrupt(): Promise<void> {
    return this.connection.interrupt();
  }

  restart(): Promise<void> {
    return this.connection.restart();
  }

  /** Disconnects; with `shutdown`, ends the server session and so the kernel too. */
  async close(shutdown: boolean): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.widgets.dispose();
    this.assist.dispose();
    this.variables.dispose();
    await this.connection.detach();
    if (shutdown) await NotebookKernel.end(this.httpSession, this.kernelId, this.serverSessionId);
  }
}
