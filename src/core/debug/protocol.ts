/**
 * The parts of the Debug Adapter Protocol (DAP) and of Jupyter's additions to it that core reads.
 * Our own narrow shapes: what ipykernel 6.17 / 7.4 and debugpy 1.6 / 1.8 send, with the rest left
 * open (`[key: string]: unknown`) so the VS Code adapter can forward whole messages unchanged.
 */

/** A DAP request as it travels in `debug_request.content`. */
export interface DapRequest {
  type: 'request';
  seq: number;
  command: string;
  arguments?: Record<string, unknown>;
}

/** A DAP response, the content of `debug_reply`. */
export interface DapResponse<B = Record<string, unknown>> {
  type: 'response';
  seq?: number;
  /**
   * Not always ours: ipykernel answers `richInspectVariables` and `copyToGlobals` with the reply of the
   * request it made of debugpy (`evaluate`, `setExpression`), whose request_seq is ours + 1; replies are
   * matched by the Jupyter message's parent, never by this.
   */
  request_seq?: number;
  success: boolean;
  command: string;
  message?: string;
  body?: B;
  [key: string]: unknown;
}

/** A DAP event, the content of `debug_event` on IOPub. */
export interface DapEvent<B = Record<string, unknown>> {
  type: 'event';
  seq: number;
  event: string;
  body?: B;
  [key: string]: unknown;
}

export interface Source {
  name?: string;
  path?: string;
  sourceReference?: number;
  [key: string]: unknown;
}

export interface StackFrame {
  id: number;
  name: string;
  line: number;
  column: number;
  source?: Source;
  /** `subtle` for frames of IPython's own code (ipykernel 6.17, justMyCode off). */
  presentationHint?: string;
  [key: string]: unknown;
}

export interface Scope {
  name: string;
  variablesReference: number;
  expensive: boolean;
  presentationHint?: string;
  [key: string]: unknown;
}

export interface Variable {
  name: string;
  value: string;
  type?: string;
  evaluateName?: string;
  /** > 0: the value has children, asked for with `variables(variablesReference)`. */
  variablesReference: number;
  [key: string]: unknown;
}

export interface Thread {
  id: number;
  name: string;
}

export interface SourceBreakpoint {
  line: number;
  column?: number;
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
}

export interface Breakpoint {
  id?: number;
  verified: boolean;
  line?: number;
  message?: string;
  source?: Source;
  [key: string]: unknown;
}

/** One of the exception filters the kernel's `initialize` reply offers (debugpy: `raised`, `uncaught`, `userUnhandled`). */
export interface ExceptionBreakpointsFilter {
  filter: string;
  label: string;
  default?: boolean;
  description?: string;
  [key: string]: unknown;
}

/** debugpy's answer to `initialize`. */
export interface Capabilities {
  exceptionBreakpointFilters?: ExceptionBreakpointsFilter[];
  [key: string]: unknown;
}

/** `stopped`: why, and which thread (the kernel's main thread runs the cells: 1 on both stacks). */
export interface StoppedEventBody {
  reason: string;
  threadId?: number;
  description?: string;
  text?: string;
  allThreadsStopped?: boolean;
  hitBreakpointIds?: number[];
  [key: string]: unknown;
}

/** Jupyter's `debugInfo` reply body: the debugger's state and how the kernel names cell files. */
export interface DebugInfo {
  isStarted: boolean;
  /** `Murmur2` for ipykernel. */
  hashMethod: string;
  hashSeed: number;
  /** `/tmp/ipykernel_<pid>/`: a new one after each restart. */
  tmpFilePrefix: string;
  tmpFileSuffix: string;
  breakpoints: { source: string; breakpoints: SourceBreakpoint[] }[];
  stoppedThreads: number[];
  richRendering?: boolean;
  exceptionPaths?: string[];
  /** ipykernel ≥ 6.22 (7.4 says so); absent on 6.17, which has no `copyToGlobals`. */
  copyToGlobals?: boolean;
  [key: string]: unknown;
}

/** A value in the forms the kernel's display formatter gives (`richInspectVariables`). */
export interface RichValue {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}
