import { JupyterError } from '../http';
import { KernelMessage } from './messages';
import { CellOutputs } from './output-model';

/** The kernel died, was restarted, or the connection to it could not be restored while a cell ran. */
export class ExecutionFailedError extends JupyterError {
  override readonly name: string = 'ExecutionFailedError';
  constructor(
    message: string,
    readonly reason: 'died' | 'restarted' | 'disconnected' | 'disposed',
  ) {
    super(message);
  }
}

export interface StdinRequest {
  prompt: string;
  password: boolean;
}

export interface ExecuteOptions {
  /** Where outputs go (the output model); omit to only count messages. */
  outputs?: CellOutputs;
  /** Answers `input()` and `getpass()`; undefined → the kernel is told no one can answer (allow_stdin false). */
  onStdin?: (request: StdinRequest) => Promise<string | undefined>;
  /** Every message for this execution, as it arrives (after the output model has seen it). */
  onMessage?: (msg: KernelMessage) => void;
  /** The execution count, as soon as the kernel assigns it (from execute_input). */
  onExecutionCount?: (count: number) => void;
  silent?: boolean;
  storeHistory?: boolean;
  /** Abort queued cells after an error (the kernel's default for notebooks). Default true. */
  stopOnError?: boolean;
}

export interface ExecuteResult {
  /** `unknown` when the reply was lost in a dropped connection but the kernel is known to have finished. */
  status: 'ok' | 'error' | 'aborted' | 'unknown';
  executionCount: number | null;
  /** Messages may have been lost while the connection was down: say so where the person looks. */
  possiblyIncomplete: boolean;
  reply?: Record<string, unknown>;
}

/**
 * One `execute_request` in flight. It is finished only when both its `execute_reply` (shell) and
 * its `status: idle` (iopub) have arrived, in whichever order (PROTOCOL.md §9.10).
 */
export class Execution {
  readonly done: Promise<ExecuteResult>;
  reply: Record<string, unknown> | undefined;
  idle = false;
  /** It was in flight while the connection dropped. */
  spannedDrop = false;
  possiblyIncomplete = false;
  executionCount: number | null = null;
  /** Something of it came back from the kernel (its busy status counts). */
  heardFrom = false;
  private settled = false;
  private resolveDone!: (r: ExecuteResult) => void;
  private rejectDone!: (e: Error) => void;

  constructor(
    readonly msgId: string,
    readonly code: string,
    readonly options: ExecuteOptions,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    // A caller that only awaits later must not see an unhandled rejection in between.
    this.done.catch(() => undefined);
  }

  get finished(): boolean {
    return this.settled;
  }

  /** Both halves are here. */
  get complete(): boolean {
    return this.reply !== undefined && this.idle;
  }

  handleIOPub(msg: KernelMessage): void {
    const type = msg.header.msg_type;
    if (type === 'execute_input') {
      const count = msg.content.execution_count;
      if (typeof count === 'number') {
        this.executionCount = count;
        this.options.onExecutionCount?.(count);
      }
    } else if (this.options.outputs) {
      this.options.outputs.handle({ msg_type: type, content: msg.content });
    }
    this.options.onMessage?.(msg);
  }

  finish(status?: ExecuteResult['status']): void {
    if (this.settled) return;
    this.settled = true;
    const replyStatus = this.reply?.status;
    const count = this.reply?.execution_count;
    if (typeof count === 'number') this.executionCount = count;
    this.resolveDone({
      status: status ?? (replyStatus === 'ok' || replyStatus === 'error' || replyStatus === 'aborted' ? replyStatus : 'unknown'),
      executionCount: this.executionCount,
      possiblyIncomplete: this.possiblyIncomplete,
      reply: this.reply,
    });
  }

  fail(error: ExecutionFailedError): void {
    if (this.settled) return;
    this.settled = true;
    this.rejectDone(error);
  }
}
