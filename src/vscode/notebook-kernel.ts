import { createSession, deleteSession } from '../core/api';
import type { SessionModel } from '../core/api';
import { HttpSession } from '../core/http';
import { KernelConnection, NotebookOutputs } from '../core/kernel';
import type { KernelStatus } from '../core/kernel';
import { Logger } from '../core/util/logger';

export interface NotebookKernelOptions {
  session: HttpSession;
  /** The notebook's path as the server shows it in its sessions (its name in the workspace). */
  path: string;
  /** Start a new kernel of this kernelspec… */
  kernelName?: string;
  /** …or attach to this running kernel. */
  kernelId?: string;
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
  private closed = false;

  private constructor(
    private readonly httpSession: HttpSession,
    readonly model: SessionModel,
    readonly connection: KernelConnection,
    /** We started this kernel (true) or attached to one already running (false). */
    readonly startedByUs: boolean,
  ) {}

  static async start(options: NotebookKernelOptions): Promise<NotebookKernel> {
    const model = await createSession(options.session, { path: options.path, kernelName: options.kernelName, kernelId: options.kernelId, signal: options.signal });
    try {
      const connection = await KernelConnection.connect({ session: options.session, kernelId: model.kernel.id, log: options.log });
      return new NotebookKernel(options.session, model, connection, !options.kernelId);
    } catch (e) {
      // A kernel we started and cannot reach would run on unseen: end it.
      if (!options.kernelId) await deleteSession(options.session, model.id).catch(() => undefined);
      throw e;
    }
  }

  get kernelId(): string {
    return this.model.kernel.id;
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
    await this.connection.dispose();
    if (shutdown) await deleteSession(this.httpSession, this.model.id);
  }
}
