import { AbortedError, TimeoutError } from '../http';
import type { KernelConnection, KernelMessage, KernelStatus } from '../kernel';
import { Disposable, Emitter } from '../util/events';
import { messageOf } from '../util/errors';
import { Logger, nullLogger } from '../util/logger';
import { CellFiles, KnownCell } from './cell-files';
import { DebugEndReason, DebugRequestError, DebugSessionEndedError, DebuggerUnavailableError, endingMessage } from './errors';
import type {
  Breakpoint, Capabilities, DapEvent, DapRequest, DapResponse, DebugInfo, RichValue, Scope, SourceBreakpoint,
  StackFrame, StoppedEventBody, Thread, Variable,
} from './protocol';

export interface DebugSessionOptions {
  /**
   * Step, stop and show frames only in the user's code (cells, files outside the standard library and
   * site-packages). Default true, always sent in `attach`: the kernels' own defaults differ (6.17 on,
   * 7.4 off), and debugpy keeps an earlier attach's setting when a later one says nothing (6.17). Off,
   * 6.17 also steps through IPython's frames (presentationHint `subtle`) and stops on exceptions raised
   * inside libraries; 7.4 hides its own frames with skip rules either way.
   */
  justMyCode?: boolean;
  /** Per request (default 10 s). A kernel's server that does not forward debug requests never answers. */
  requestTimeoutMs?: number;
  /**
   * For `initialize` and `attach` (default 60 s). ipykernel starts debugpy by running code on its own
   * shell socket, which waits behind a running cell: starting while a cell runs waits for the cell.
   */
  startTimeoutMs?: number;
  /** The `clientID` in `initialize`. */
  clientId?: string;
  log?: Logger;
}

/** How `ended` tells of the end: the reason and one sentence. */
export interface DebugEnded {
  reason: DebugEndReason;
  message: string;
}

/** Where a frame's source is, for a client that must open it. */
export type SourceLocation =
  /** A cell's file: `cell` when this session dumped it (its text and id), else another client's or an earlier text. */
  | { kind: 'cell'; path: string; cell?: KnownCell }
  /** A file under the server's root, `relative` to it with `/` separators. */
  | { kind: 'server-file'; path: string; relative: string }
  /** Anywhere else on the kernel's machine (the standard library, site-packages): read it with `source(path)`. */
  | { kind: 'elsewhere'; path: string };

/** DAP requests after whose success the thread runs again. */
const RESUMING = new Set(['next', 'stepIn', 'stepOut', 'continue', 'stepBack', 'reverseContinue', 'goto']);

/**
 * One debug session over a kernel connection: the Jupyter debug protocol (DAP requests in
 * `debug_request` on the control channel, their replies in `debug_reply`, DAP events in `debug_event`
 * on IOPub), so no port and no tunnel: the kernel's debugpy listens on the kernel's machine only.
 *
 * One session per kernel: `start` takes the kernel's debugger over (detaching a debugger an earlier
 * client left started). The session ends, once, with a reason (`onEnded`): `disconnect()`, an
 * interrupt of the kernel through this connection (the session detaches first), a restart, the
 * kernel's death, the connection closed or lost. Requests in flight then reject with
 * {@link DebugSessionEndedError}; a failed request rejects with {@link DebugRequestError}.
 */
export class DebugSession {
  /** The kernel's answer to `initialize` (the exception filters among it). */
  readonly capabilities: Capabilities;
  /** Cell text ↔ the kernel's file for it. */
  readonly cells: CellFiles;
  private info: DebugInfo;
  private seq = 1;
  private endedWith: DebugEnded | undefined;
  private stoppedThread: number | undefined;
  private readonly abort = new AbortController();
  private readonly subscriptions: Disposable[] = [];
  private readonly log: Logger;
  private readonly eventEmitter = new Emitter<DapEvent>();
  private readonly stoppedEmitter = new Emitter<StoppedEventBody>();
  private readonly endedEmitter = new Emitter<DebugEnded>();
  /** Every DAP event the kernel sends (stopped, continued, output, thread, module, terminated…), as sent. */
  readonly onEvent = this.eventEmitter.event;
  /** `stopped`: a breakpoint, a step, an exception or a pause. */
  readonly onStopped = this.stoppedEmitter.event;
  /** Once, when the session ends. */
  readonly onEnded = this.endedEmitter.event;

  private constructor(private readonly connection: KernelConnection, private readonly options: DebugSessionOptions, info: DebugInfo, capabilities: Capabilities) {
    this.info = info;
    this.capabilities = capabilities;
    this.cells = new CellFiles(info);
    this.log = options.log ?? nullLogger;
  }

  /**
   * Starts the kernel's debugger and attaches to it: `debugInfo` (how cells are named; whether another
   * client left the debugger started, then `disconnect` first), `initialize`, `attach`. Then set
   * breakpoints and call `configurationDone`. Throws {@link DebuggerUnavailableError} when the kernel
   * cannot debug or does not answer (a gateway that drops debug requests).
   */
  static async start(connection: KernelConnection, options: DebugSessionOptions = {}): Promise<DebugSession> {
    const log = options.log ?? nullLogger;
    const ask = async (command: string, args: Record<string, unknown>, timeoutMs: number): Promise<DapResponse> => {
      const reply = await connection.request('control', 'debug_request', { type: 'request', seq: 0, command, arguments: args } satisfies DapRequest, timeoutMs);
      return reply.content as unknown as DapResponse;
    };
    let info: DebugInfo;
    try {
      info = checkedInfo((await ask('debugInfo', {}, options.requestTimeoutMs ?? 10000)).body);
    } catch (e) {
      if (e instanceof TimeoutError) throw new DebuggerUnavailableError('The kernel did not answer a debug request: it has no debugger, or its server does not pass debug requests on.');
      throw e;
    }
    if (info.isStarted) {
      // Another client's (or an earlier session's, whose connection was lost) debugger: its breakpoints,
      // and perhaps a thread stopped at one. Detaching resumes the thread and clears them.
      log.info('The kernel\'s debugger was already started; detaching it first');
      await ask('disconnect', { restart: false, terminateDebuggee: false }, options.requestTimeoutMs ?? 10000);
    }
    const startMs = options.startTimeoutMs ?? 60000;
    const init = await ask('initialize', {
      clientID: options.clientId ?? 'jupyter-remote',
      clientName: 'Jupyter Remote',
      adapterID: 'python',
      pathFormat: 'path',
      linesStartAt1: true,
      columnsStartAt1: true,
      supportsVariableType: true,
      supportsVariablePaging: true,
    }, startMs);
    if (!init.success) throw new DebuggerUnavailableError(`The kernel's debugger did not start${init.message ? `: ${init.message}` : ' (is debugpy installed in its environment?)'}.`);
    // ipykernel answers attach itself after debugpy's `initialized` event, having sent debugpy the
    // configurationDone it needs (6.17 and 7.4); it adds where debugpy listens.
    const attach = await ask('attach', { justMyCode: options.justMyCode ?? true }, startMs);
    if (!attach.success) throw new DebuggerUnavailableError(`The kernel's debugger did not attach${attach.message ? `: ${attach.message}` : ''}.`);
    const session = new DebugSession(connection, options, info, init.body ?? {});
    session.follow();
    return session;
  }

  /** How the kernel names cells, as `debugInfo` said at the start. */
  get debugInfo(): DebugInfo {
    return this.info;
  }

  /** Whether the kernel offers `copyToGlobals` (ipykernel 7.4 does; 6.17 does not). */
  get hasCopyToGlobals(): boolean {
    return this.info.copyToGlobals === true;
  }

  /** The thread stopped now (the kernel's main thread: the one running cells), or undefined while running. */
  get stoppedThreadId(): number | undefined {
    return this.stoppedThread;
  }

  /** Undefined while the session lives. */
  get ended(): DebugEnded | undefined {
    return this.endedWith;
  }

  // --- Jupyter's additions ------------------------------------------------------------------------

  /** `debugInfo`: the kernel's debugger state now (breakpoints, stopped threads). */
  async debugInfoNow(): Promise<DebugInfo> {
    this.info = checkedInfo((await this.request('debugInfo', {})).body);
    return this.info;
  }

  /**
   * `dumpCell`: the kernel writes the cell's text to its file, so breakpoints can be set in it and
   * `source` can read it, before the cell runs. Remembers the cell; returns the file's path. The
   * text must be byte-identical to what will be executed.
   */
  async dumpCell(code: string, cellId?: string): Promise<string> {
    const expected = this.cells.remember(code, cellId);
    const reply = await this.request<{ sourcePath: string }>('dumpCell', { code });
    const path = reply.body?.sourcePath;
    if (path !== expected) {
      // IPYKERNEL_CELL_NAME in the kernel's environment names every cell alike; trust the kernel.
      this.log.warn(`The kernel named a cell ${path}, not ${expected}`);
      if (path) this.cells.remember(code, cellId);
    }
    return path ?? expected;
  }

  /**
   * `inspectVariables`: the kernel's globals, without stopping anything (answered while a cell runs).
   * Each value is the object's `repr`, built in the kernel's control thread: a slow `__repr__` holds up
   * the control channel, interrupts included.
   */
  async inspectVariables(): Promise<Variable[]> {
    return (await this.request<{ variables: Variable[] }>('inspectVariables', {})).body?.variables ?? [];
  }

  /**
   * `richInspectVariables`: a variable in every form the kernel's display formatter knows (text/html,
   * image/png…). Stopped: evaluated in `frameId`; else in the kernel's globals.
   */
  async richInspectVariables(variableName: string, frameId?: number): Promise<RichValue> {
    const reply = await this.request<RichValue>('richInspectVariables', frameId === undefined ? { variableName } : { variableName, frameId });
    return { data: reply.body?.data ?? {}, metadata: reply.body?.metadata ?? {} };
  }

  /** `copyToGlobals`: a frame's variable copied into the kernel's globals (ipykernel 7.4; see `hasCopyToGlobals`). */
  async copyToGlobals(srcVariableName: string, dstVariableName: string, srcFrameId: number): Promise<void> {
    if (!this.hasCopyToGlobals) throw new DebugRequestError('copyToGlobals', 'This kernel cannot copy a variable to its globals (ipykernel 6.17 has no copyToGlobals).');
    // ipykernel 7.4 passes it to debugpy even with no thread stopped; then no answer ever comes.
    if (this.stoppedThread === undefined) throw new DebugRequestError('copyToGlobals', 'A variable can be copied to the globals only while stopped.');
    await this.request('copyToGlobals', { srcVariableName, dstVariableName, srcFrameId });
  }

  /** `source`: the text of a file on the kernel's machine (a frame outside the notebook and the server's root). */
  async source(path: string): Promise<string> {
    const reply = await this.request<{ content: string }>('source', { source: { path }, sourceReference: 0 });
    return reply.body?.content ?? '';
  }

  // --- DAP ----------------------------------------------------------------------------------------

  /** `setBreakpoints` for one file (all of its breakpoints: those not listed are removed). */
  async setBreakpoints(path: string, breakpoints: (number | SourceBreakpoint)[]): Promise<Breakpoint[]> {
    const list = breakpoints.map((b) => (typeof b === 'number' ? { line: b } : b));
    const reply = await this.request<{ breakpoints: Breakpoint[] }>('setBreakpoints', { source: { path }, breakpoints: list, lines: list.map((b) => b.line), sourceModified: false });
    return reply.body?.breakpoints ?? [];
  }

  /** `dumpCell` then `setBreakpoints` in its file: what a cell's breakpoints need before it runs. */
  async setCellBreakpoints(code: string, breakpoints: (number | SourceBreakpoint)[], cellId?: string): Promise<{ path: string; breakpoints: Breakpoint[] }> {
    const path = await this.dumpCell(code, cellId);
    return { path, breakpoints: await this.setBreakpoints(path, breakpoints) };
  }

  /** `setExceptionBreakpoints` with filters from `capabilities.exceptionBreakpointFilters` (debugpy: `raised`, `uncaught`, `userUnhandled`). */
  async setExceptionBreakpoints(filters: string[]): Promise<void> {
    const known = new Set((this.capabilities.exceptionBreakpointFilters ?? []).map((f) => f.filter));
    const unknown = filters.filter((f) => !known.has(f));
    if (unknown.length) throw new DebugRequestError('setExceptionBreakpoints', `The kernel's debugger has no exception filter ${unknown.map((f) => `"${f}"`).join(', ')}.`);
    await this.request('setExceptionBreakpoints', { filters });
  }

  /** `configurationDone`: breakpoints are set. (ipykernel answers it itself; debugpy had it at attach.) */
  async configurationDone(): Promise<void> {
    await this.request('configurationDone', {});
  }

  async threads(): Promise<Thread[]> {
    return (await this.request<{ threads: Thread[] }>('threads', {})).body?.threads ?? [];
  }

  /** The stopped thread's frames, innermost first. ipykernel 6.17 drops its own frames below the cell's. */
  async stackTrace(threadId = this.currentThread(), startFrame?: number, levels?: number): Promise<{ stackFrames: StackFrame[]; totalFrames?: number }> {
    const args: Record<string, unknown> = { threadId };
    if (startFrame !== undefined) args.startFrame = startFrame;
    if (levels !== undefined) args.levels = levels;
    const body = (await this.request<{ stackFrames: StackFrame[]; totalFrames?: number }>('stackTrace', args)).body;
    return { stackFrames: body?.stackFrames ?? [], totalFrames: body?.totalFrames };
  }

  async scopes(frameId: number): Promise<Scope[]> {
    return (await this.request<{ scopes: Scope[] }>('scopes', { frameId })).body?.scopes ?? [];
  }

  /**
   * A scope's or a value's children. `start`/`count` page: debugpy 1.6 and 1.8 ignore them and send
   * all (ipykernel removes IPython's own names), so the page is cut here.
   */
  async variables(variablesReference: number, page?: { start?: number; count?: number }): Promise<Variable[]> {
    const args: Record<string, unknown> = { variablesReference };
    if (page?.start !== undefined) args.start = page.start;
    if (page?.count !== undefined) args.count = page.count;
    const all = (await this.request<{ variables: Variable[] }>('variables', args)).body?.variables ?? [];
    if (!page || (page.start === undefined && page.count === undefined)) return all;
    const start = page.start ?? 0;
    // A kernel that pages answers with at most `count`: then the page is what it sent.
    if (page.count !== undefined && all.length <= page.count && start > 0) return all;
    return all.slice(start, page.count ? start + page.count : undefined);
  }

  /** `evaluate` in a frame (`context`: repl, watch, hover, clipboard). */
  async evaluate(expression: string, frameId?: number, context = 'repl'): Promise<{ result: string; type?: string; variablesReference: number }> {
    const args: Record<string, unknown> = { expression, context };
    if (frameId !== undefined) args.frameId = frameId;
    const body = (await this.request<{ result: string; type?: string; variablesReference: number }>('evaluate', args)).body;
    return { result: body?.result ?? '', type: body?.type, variablesReference: body?.variablesReference ?? 0 };
  }

  /** One line over (Run by Line's step). The next `stopped` comes as an event; see `whenStopped`. */
  async next(threadId = this.currentThread()): Promise<void> {
    await this.request('next', { threadId });
    this.resumed(threadId);
  }

  async stepIn(threadId = this.currentThread()): Promise<void> {
    await this.request('stepIn', { threadId });
    this.resumed(threadId);
  }

  async stepOut(threadId = this.currentThread()): Promise<void> {
    await this.request('stepOut', { threadId });
    this.resumed(threadId);
  }

  async continue(threadId = this.currentThread()): Promise<void> {
    await this.request('continue', { threadId });
    this.resumed(threadId);
  }

  async pause(threadId = this.currentThread()): Promise<void> {
    await this.request('pause', { threadId });
  }

  /**
   * The next `stopped` event. Rejects with {@link DebugSessionEndedError} if the session ends first,
   * with a TimeoutError after `timeoutMs` (0: no limit), with an AbortedError on `signal`. Call it
   * before the request that leads to the stop (`next`, an execute), so the event cannot slip past.
   */
  whenStopped(timeoutMs = 0, signal?: AbortSignal): Promise<StoppedEventBody> {
    const waiting = new Promise<StoppedEventBody>((resolve, reject) => {
      if (this.endedWith) return reject(new DebugSessionEndedError(this.endedWith.reason));
      const subscriptions: Disposable[] = [];
      let timer: NodeJS.Timeout | undefined;
      const settle = (fn: () => void) => {
        clearTimeout(timer);
        for (const s of subscriptions) s.dispose();
        signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const onAbort = () => settle(() => reject(new AbortedError('Waiting for the debugger to stop was cancelled.')));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort);
      subscriptions.push(this.onStopped((body) => settle(() => resolve(body))));
      subscriptions.push(this.onEnded((e) => settle(() => reject(new DebugSessionEndedError(e.reason)))));
      if (timeoutMs > 0) timer = setTimeout(() => settle(() => reject(new TimeoutError(`The debugger did not stop within ${Math.round(timeoutMs / 1000)} s.`))), timeoutMs);
    });
    waiting.catch(() => undefined); // an abandoned wait (the cell ended instead) must not be an unhandled rejection
    return waiting;
  }

  /**
   * Where a frame's file is, for the client to open it: a cell's file, a file under `serverRoot` (the
   * server's root directory on the kernel's machine, when known), or elsewhere (read with `source`).
   */
  locate(path: string, serverRoot?: string): SourceLocation {
    if (this.cells.isCellFile(path) || this.cells.cellAt(path)) return { kind: 'cell', path, cell: this.cells.cellAt(path) };
    if (serverRoot) {
      const root = serverRoot.endsWith('/') ? serverRoot : `${serverRoot}/`;
      if (path.startsWith(root) && !path.slice(root.length).split('/').includes('..')) return { kind: 'server-file', path, relative: path.slice(root.length) };
    }
    return { kind: 'elsewhere', path };
  }

  /**
   * A DAP request passed through unchanged (the VS Code adapter forwards what it does not translate):
   * resolves with the kernel's response as sent, success or not; rejects only when no response comes
   * (timeout, the session ended). `seq` is this session's.
   */
  async sendRaw(command: string, args: Record<string, unknown> = {}, timeoutMs?: number): Promise<DapResponse> {
    const response = await this.request(command, args, { timeoutMs, raw: true });
    // A step or continue passed through resumes the thread as the typed helpers' do.
    if (response.success && RESUMING.has(command) && typeof args.threadId === 'number') this.resumed(args.threadId);
    return response;
  }

  /** Detaches from the kernel's debugger (a stopped thread resumes, breakpoints are cleared) and ends the session. */
  async disconnect(): Promise<void> {
    if (this.endedWith) return;
    try {
      await this.request('disconnect', { restart: false, terminateDebuggee: false }, { timeoutMs: 5000 });
    } catch (e) {
      if (!(e instanceof DebugSessionEndedError)) this.log.warn(`Detaching the debugger failed: ${messageOf(e)}`);
    }
    this.end('disconnected');
  }

  /** Ends the session, detaching from the kernel's debugger if the connection still works (not awaited). */
  dispose(): void {
    if (this.endedWith) return;
    if (this.connectionUsable()) void this.request('disconnect', { restart: false, terminateDebuggee: false }, { timeoutMs: 5000 }).catch(() => undefined);
    this.end('disposed');
  }

  // --- inside -------------------------------------------------------------------------------------

  /**
   * The thread runs again once the kernel has answered: its `continued` event may come after the cell
   * has ended (ipykernel 6.17 and 7.4 send it some 40 ms after the reply).
   */
  private resumed(threadId: number): void {
    if (this.stoppedThread === threadId) this.stoppedThread = undefined;
  }

  private currentThread(): number {
    // The kernel runs cells on its main thread, debugpy's thread 1 on both stacks.
    return this.stoppedThread ?? 1;
  }

  /** Read afresh after an await (the session may have ended meanwhile). */
  private endedError(): DebugSessionEndedError | undefined {
    return this.endedWith ? new DebugSessionEndedError(this.endedWith.reason) : undefined;
  }

  private connectionUsable(): boolean {
    const status = this.connection.status;
    return !this.connection.hasGivenUp && status !== 'closed' && status !== 'dead' && status !== 'restarting';
  }

  private follow(): void {
    const c = this.connection;
    this.subscriptions.push(
      c.onIOPub((msg) => this.onIOPub(msg)),
      c.onStatus((status) => this.onStatus(status)),
      c.onReconnected(({ replayed }) => {
        // Without the server's replay, events sent while the socket was down (a `stopped`) are gone.
        if (!replayed) this.end('connection-lost');
      }),
      c.beforeInterrupt(async () => {
        if (this.endedWith) return;
        // A KeyboardInterrupt that lands while debugpy holds (or traces) the main thread disables
        // debugging of that thread for the kernel's life (debugpy 1.6 and 1.8: "Debugging will be
        // disabled for this thread"). Detached first, the interrupt reaches the cell as usual.
        const wasStopped = this.stoppedThread !== undefined;
        try {
          await this.request('disconnect', { restart: false, terminateDebuggee: false }, { timeoutMs: 2000 });
          // The reply comes before the resumed thread has left debugpy's wait: an interrupt at once still
          // disabled its debugging on 7.4 (debugpy 1.8); half a second later it never did.
          if (wasStopped) await new Promise((resolve) => setTimeout(resolve, 500));
        } catch (e) {
          this.log.warn(`Detaching the debugger before the interrupt failed: ${messageOf(e)}`);
        }
        this.end('interrupted');
      }),
    );
    // The status may have moved while `start` waited.
    this.onStatus(c.status);
  }

  private onStatus(status: KernelStatus): void {
    if (status === 'restarting' || status === 'starting') this.end('restarted');
    else if (status === 'dead') this.end('kernel-died');
    else if (status === 'closed') this.end('connection-closed');
    else if (status === 'disconnected' && this.connection.hasGivenUp) this.end('connection-lost');
  }

  private onIOPub(msg: KernelMessage): void {
    if (msg.header.msg_type !== 'debug_event' || this.endedWith) return;
    const event = msg.content as unknown as DapEvent;
    if (event.event === 'stopped') {
      const body = (event.body ?? {}) as StoppedEventBody;
      this.stoppedThread = body.threadId ?? 1;
    } else if (event.event === 'continued') {
      const body = (event.body ?? {}) as { threadId?: number; allThreadsContinued?: boolean };
      if (body.allThreadsContinued || body.threadId === this.stoppedThread) this.stoppedThread = undefined;
    }
    this.eventEmitter.fire(event);
    if (event.event === 'stopped') this.stoppedEmitter.fire((event.body ?? {}) as StoppedEventBody);
  }

  private end(reason: DebugEndReason): void {
    if (this.endedWith) return;
    this.endedWith = { reason, message: endingMessage(reason) };
    this.log.info(this.endedWith.message);
    this.stoppedThread = undefined;
    this.abort.abort();
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.endedEmitter.fire(this.endedWith);
    this.eventEmitter.dispose();
    this.stoppedEmitter.dispose();
    this.endedEmitter.dispose();
  }

  private async request<B = Record<string, unknown>>(command: string, args: Record<string, unknown>, options: { timeoutMs?: number; raw?: boolean } = {}): Promise<DapResponse<B>> {
    if (this.endedWith) throw new DebugSessionEndedError(this.endedWith.reason);
    const content: DapRequest = { type: 'request', seq: this.seq++, command, arguments: args };
    let reply: KernelMessage;
    try {
      reply = await this.connection.request('control', 'debug_request', content as unknown as Record<string, unknown>, options.timeoutMs ?? this.options.requestTimeoutMs ?? 10000, { signal: this.abort.signal });
    } catch (e) {
      throw this.endedError() ?? e;
    }
    const ended = this.endedError();
    if (ended) throw ended;
    const response = reply.content as unknown as DapResponse<B>;
    if (options.raw) return response;
    // ipykernel answers `{}` to a request that needs the debugger started when it is not (6.17, 7.4).
    if (!response || typeof response.success !== 'boolean') throw new DebugRequestError(command, `The kernel's debugger is not running, so it could not answer ${command}.`);
    if (!response.success) throw new DebugRequestError(command, `The debugger could not ${command}${response.message ? `: ${oneLine(response.message)}` : '.'}`);
    return response;
  }
}

function oneLine(text: string): string {
  const line = text.split('\n')[0].trim();
  const short = line.length > 300 ? `${line.slice(0, 300)}…` : line;
  return /[.!?]$/.test(short) ? short : `${short}.`;
}

function checkedInfo(body: unknown): DebugInfo {
  const info = body as Partial<DebugInfo> | undefined;
  if (!info || typeof info.hashMethod !== 'string' || typeof info.hashSeed !== 'number' || typeof info.tmpFilePrefix !== 'string' || typeof info.tmpFileSuffix !== 'string') {
    throw new DebuggerUnavailableError('The kernel answered the debugger without saying how it names cell files: it cannot debug notebooks.');
  }
  return { breakpoints: [], stoppedThreads: [], isStarted: false, ...info } as DebugInfo;
}
