import { JupyterError } from '../http';

/** Why a debug session ended. */
export type DebugEndReason =
  /** `disconnect()`: asked for. */
  | 'disconnected'
  /** The kernel was interrupted (the session detached first, so the interrupt reaches the cell). */
  | 'interrupted'
  /** The kernel restarted: a new process, with no debugger, new cell file names. */
  | 'restarted'
  | 'kernel-died'
  /** The connection gave up reconnecting, or came back without the server's replay (events may be lost). */
  | 'connection-lost'
  /** The KernelConnection was closed. */
  | 'connection-closed'
  /** `dispose()`. */
  | 'disposed';

const ENDINGS: Record<DebugEndReason, string> = {
  disconnected: 'The debug session was ended.',
  interrupted: 'The debug session ended because the kernel was interrupted.',
  restarted: 'The debug session ended because the kernel restarted.',
  'kernel-died': 'The debug session ended because the kernel died.',
  'connection-lost': 'The debug session ended because the connection to the kernel was lost.',
  'connection-closed': 'The debug session ended because the connection to the kernel was closed.',
  disposed: 'The debug session was closed.',
};

/** One sentence for a reason. */
export function endingMessage(reason: DebugEndReason): string {
  return ENDINGS[reason];
}

/** A request made of a session that has ended, or that was in flight when it ended. */
export class DebugSessionEndedError extends JupyterError {
  override readonly name: string = 'DebugSessionEndedError';
  constructor(readonly reason: DebugEndReason) {
    super(endingMessage(reason));
  }
}

/** The kernel answered a debug request with a failure (or with nothing, as it does when its debugger is not running). */
export class DebugRequestError extends JupyterError {
  override readonly name: string = 'DebugRequestError';
  constructor(readonly command: string, message: string) {
    super(message);
  }
}

/** The kernel cannot debug: no debugger, or its server does not pass debug requests on. */
export class DebuggerUnavailableError extends JupyterError {
  override readonly name: string = 'DebuggerUnavailableError';
}
