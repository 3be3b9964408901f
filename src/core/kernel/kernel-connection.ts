import { interruptKernel, kernelPresence, restartKernel } from '../api/kernels';
import { AbortedError, JupyterError, TimeoutError } from '../http';
import { Disposable, Emitter } from '../util/events';
import { Logger, nullLogger } from '../util/logger';
import { ExecuteOptions, Execution, ExecutionFailedError } from './execution';
import { HeldMessages } from './held-messages';
import { KernelLink, type KernelLinkOptions } from './kernel-link';
import { Channel, KernelMessage, makeMessage, messageSequence } from './messages';
import { SequenceTracker } from './sequence-tracker';
import { WireFormat } from './serialize';

export type KernelStatus = 'connecting' | 'starting' | 'idle' | 'busy' | 'restarting' | 'dead' | 'disconnected' | 'reconnecting' | 'closed';

/** The iopub messages that are a cell's outputs. */
const OUTPUT_TYPES = new Set(['stream', 'display_data', 'execute_result', 'error', 'clear_output']);

/** The link's options (the socket, heartbeat and reconnect), and what the connection itself takes. */
export interface KernelConnectionOptions extends Omit<KernelLinkOptions, 'log'> {
  /** How long after its reply a cell's idle may lag before a probe checks whether it was lost. */
  lostIdleAfterMs?: number;
  /** How long a cell may hear nothing at all before the server is asked whether its kernel still exists. Default 2 s. */
  silentKernelCheckMs?: number;
  /**
   * The caller will take up cells an earlier client sent (`resume`): messages for requests this
   * connection did not send are held from the start until `resume` claims them (or for a minute), and
   * the opening kernel_info is asked on the control channel first, which ipykernel answers while a cell
   * runs (on shell it would wait for the cell, and the cell's messages meanwhile would go unheard).
   */
  resuming?: boolean;
  log?: Logger;
}

type ReplyWaiter = { resolve(msg: KernelMessage): void; reject(e: Error): void };

/**
 * A live connection to one remote kernel: runs code, answers stdin, follows the kernel's status,
 * and survives a dropped connection (its KernelLink reconnects) by accounting for every message the
 * kernel numbered and proving what finished with a kernel_info_request (the kernel answers shell
 * requests in order).
 */
export class KernelConnection {
  readonly kernelId: string;
  /** Keeps the socket open: heartbeat, reconnect, the client session id. */
  private readonly link: KernelLink;
  /** Messages for requests this connection did not send (a replay for an earlier window), until `resume` claims them. */
  private readonly held: HeldMessages | undefined;
  private lastNumbered: string | undefined;
  private gaveUp = false;
  /** The execute requests (any client's) the kernel is busy with: between their busy and their idle. */
  private readonly codeRunning = new Set<string>();
  /** Requests sent on a subshell: their status messages say nothing of the main shell. */
  private readonly subshellRequests = new Set<string>();
  /**
   * Our requests on the control channel (usage, debug, subshells…), until their idle: the kernel
   * publishes a busy and an idle for each, which say nothing of a cell. Their busy is not the kernel's,
   * nor is their idle while a cell runs (it showed the kernel idle mid-cell, and at a breakpoint).
   */
  private readonly controlRequests = new Set<string>();
  private statusValue: KernelStatus = 'connecting';
  private readonly executions = new Map<string, Execution>();
  private readonly replies = new Map<string, ReplyWaiter>();
  private readonly sent = new Set<string>();
  private readonly tracker = new SequenceTracker((id) => this.sent.has(id));
  private readonly log: Logger;
  private disposed = false;
  /** Requests held while the socket is down or the kernel is restarting. */
  private readonly queued: KernelMessage[] = [];
  /** False from a restart or death until a probe has round-tripped on shell and iopub. */
  private kernelReady = true;
  private readiness: Promise<void> | undefined;
  /** Our kernel_info probes in flight, waiting for both their reply and their idle. */
  private readonly probeWaiters = new Map<string, { reply: boolean; idle: boolean; resolve(): void }>();
  kernelInfo: Record<string, unknown> | undefined;

  private readonly statusEmitter = new Emitter<KernelStatus>();
  readonly onStatus = this.statusEmitter.event;
  private readonly iopubEmitter = new Emitter<KernelMessage>();
  /** Every iopub message, including other clients' and comm traffic (for widgets). */
  readonly onIOPub = this.iopubEmitter.event;
  /** Claims iopub outputs before their cell sees them (an Output widget capturing a cell's prints). */
  private outputClaim: ((msg: KernelMessage) => boolean) | undefined;
  private readonly interruptHooks = new Set<() => Promise<void>>();
  private readonly reconnectEmitter = new Emitter<{ replayed: boolean }>();
  readonly onReconnected = this.reconnectEmitter.event;

  private constructor(private readonly options: KernelConnectionOptions) {
    this.kernelId = options.kernelId;
    this.log = options.log ?? options.session.log ?? nullLogger;
    if (options.resuming) this.held = new HeldMessages();
    this.link = new KernelLink({ ...options, log: this.log }, {
      message: (msg) => this.receive(msg),
      opened: () => this.flushQueue(),
      dropped: () => {
        this.tracker.markDrop();
        for (const execution of this.executions.values()) execution.spannedDrop = true;
        this.setStatus('disconnected');
      },
      reconnecting: () => this.setStatus('reconnecting'),
      reconnected: (replayed) => this.afterReconnect(replayed),
      kernelGone: () => {
        this.setStatus('dead');
        this.failAll(new ExecutionFailedError('The kernel is gone from the server (it was shut down, or the server restarted): start a new one.', 'died'));
      },
      gaveUp: () => {
        this.gaveUp = true;
        this.failAll(new ExecutionFailedError('The connection to the kernel was lost and could not be restored.', 'disconnected'));
        for (const msg of this.queued.splice(0)) this.log.debug(`Dropped ${msg.header.msg_type}: the connection was given up`);
        this.setStatus('disconnected');
      },
    });
  }

  /** Our client session id (the server keeps what the kernel sends while this session has no connection). */
  get sessionId(): string {
    return this.link.sessionId;
  }

  /** Opens the connection and waits for the kernel's kernel_info_reply. */
  static async connect(options: KernelConnectionOptions): Promise<KernelConnection> {
    const connection = new KernelConnection(options);
    try {
      await connection.link.open();
      const onControl = options.resuming ? await connection.request('control', 'kernel_info_request', {}, 3000).catch(() => undefined) : undefined;
      const info = onControl ?? (await connection.request('shell', 'kernel_info_request', {}, 60000));
      connection.kernelInfo = info.content;
    } catch (e) {
      await connection.dispose();
      throw e;
    }
    return connection;
  }

  get status(): KernelStatus {
    return this.statusValue;
  }

  /**
   * What the kernel announces in kernel_info's `supported_features` (protocol 5.4): ipykernel 7 says
   * `kernel subshells` (JEP 91: requests on a subshell answer while the main shell runs a cell). [] when it says nothing.
   */
  get supportedFeatures(): string[] {
    const features = this.kernelInfo?.supported_features;
    return Array.isArray(features) ? features.filter((f): f is string => typeof f === 'string') : [];
  }

  /** The kernel's language (kernel_info's `language_info.name`: `python`), if it said. */
  get languageName(): string | undefined {
    const name = (this.kernelInfo?.language_info as { name?: unknown } | undefined)?.name;
    return typeof name === 'string' ? name : undefined;
  }

  /** The negotiated wire format. */
  get protocol(): WireFormat | undefined {
    return this.link.protocol;
  }

  /** Runs code; the returned execution's `done` settles when both reply and idle have arrived. */
  execute(code: string, options: ExecuteOptions = {}): Execution {
    this.assertUsable();
    const msg = makeMessage('shell', 'execute_request', {
      code,
      silent: options.silent ?? false,
      store_history: options.storeHistory ?? !options.silent,
      user_expressions: {},
      allow_stdin: !!options.onStdin,
      stop_on_error: options.stopOnError ?? true,
    }, this.sessionId);
    const execution = new Execution(msg.header.msg_id, code, options);
    this.executions.set(execution.msgId, execution);
    this.sent.add(execution.msgId);
    this.send(msg);
    this.watchForMissingKernel(execution);
    void execution.done.finally(() => {
      this.executions.delete(execution.msgId);
      this.sent.delete(execution.msgId);
    }).catch(() => undefined);
    return execution;
  }

  /**
   * Follows a cell an earlier connection sent (before a window reload, or another process): its outputs
   * and end from now on, after whatever the server replayed of it. The reply goes only to the session
   * that sent the request; when it never comes here (not buffered, or another session id), a probe
   * queued behind the cell proves when the kernel has moved past it, and the cell ends as possibly
   * incomplete with an unknown status.
   *
   * `after`: the last message the earlier client received (its `lastKernelMessageId`). The kernel numbers
   * everything it sends, so every message since must reach this connection or be explained (a reply to
   * another client); a hole (output sent between the two connections, or the live message jupyter_server's
   * reconnect nudge swallows when it takes the kernel for idle) means output was lost, and the cell ends
   * saying so. Without `after` nothing is known of what came before, and the cell says so too.
   */
  resume(msgId: string, options: ExecuteOptions = {}, after?: string): Execution {
    this.assertUsable();
    const execution = new Execution(msgId, '', options);
    // Accounted for like a drop: from `after`, every message the kernel numbered must reach this connection or be explained.
    execution.possiblyIncomplete = !this.tracker.resumeFrom(after, msgId);
    execution.spannedDrop = true;
    this.executions.set(msgId, execution);
    this.sent.add(msgId);
    void execution.done.finally(() => {
      this.executions.delete(msgId);
      this.sent.delete(msgId);
    }).catch(() => undefined);
    const { messages: held, maybeIncomplete } = this.held?.take(msgId) ?? { messages: [], maybeIncomplete: false };
    if (maybeIncomplete) execution.possiblyIncomplete = true;
    for (const { msg, claimed } of held) {
      if (msg.channel === 'shell') {
        if (msg.header.msg_type === 'execute_reply') execution.reply = msg.content;
      } else if (msg.header.msg_type === 'status') {
        if (msg.content.execution_state === 'idle') execution.idle = true;
      } else if (!claimed) {
        execution.handleIOPub(msg);
      }
    }
    this.maybeFinish(execution);
    if (!execution.finished) this.settleAfterProbe([execution]);
    return execution;
  }

  /**
   * The kernel runs code now, or will: a cell of another client's, or one of ours sent (queued, or
   * resumed from an earlier window, whose busy this connection never saw). A request on its main shell
   * would wait behind it.
   */
  get isRunningCode(): boolean {
    return this.codeRunning.size > 0 || this.executions.size > 0;
  }

  /**
   * Reconnecting failed for good (every attempt, backing off, for about 5 minutes by default): nothing
   * more is tried, and requests fail at once. A new connection to the kernel is the way back.
   */
  get hasGivenUp(): boolean {
    return this.gaveUp;
  }

  /** The id of the last kernel message received (numbered by the kernel), for `resume(…, after)` in a later connection. */
  get lastKernelMessageId(): string | undefined {
    return this.lastNumbered;
  }

  /**
   * A shell or control request and its reply (kernel_info, complete, inspect, comm_info …).
   * `subshellId`: on that kernel subshell (JEP 91), which answers while the main shell runs a cell; its
   * busy and idle are its own, not the kernel's. `signal`: give up waiting (the reply is then dropped).
   */
  request(channel: Channel, msgType: string, content: Record<string, unknown>, timeoutMs = 30000, options: { subshellId?: string; signal?: AbortSignal } = {}): Promise<KernelMessage> {
    this.assertUsable();
    const msg = makeMessage(channel, msgType, content, this.sessionId);
    if (options.subshellId) this.markSubshell(msg, options.subshellId);
    if (channel === 'control') {
      const id = msg.header.msg_id;
      this.controlRequests.add(id);
      setTimeout(() => this.controlRequests.delete(id), 60000).unref(); // its idle lost: not kept for ever
    }
    this.sent.add(msg.header.msg_id);
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    return new Promise<KernelMessage>((resolve, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(`The kernel did not answer ${msgType} within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}.`)), timeoutMs);
      onAbort = () => reject(new AbortedError(`${msgType} was cancelled.`));
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort);
      this.replies.set(msg.header.msg_id, { resolve, reject });
      this.send(msg);
    }).finally(() => {
      clearTimeout(timer);
      if (onAbort) options.signal?.removeEventListener('abort', onAbort);
      this.replies.delete(msg.header.msg_id);
      // Its idle may still come: the subshell mark stays until then, so it is not taken for the kernel's.
      this.sent.delete(msg.header.msg_id);
    });
  }

  /**
   * Lets `claim` take iopub outputs (stream, display data, results, errors, clear_output) away from the
   * cell whose execution they belong to: it sees each before the cell, and a true answer keeps it from
   * the cell. One claimant per connection (the widget models); undefined removes it.
   */
  claimOutputs(claim: ((msg: KernelMessage) => boolean) | undefined): void {
    this.outputClaim = claim;
  }

  /**
   * Sends a raw message (comm_open, comm_msg …) under this connection's session; `subshellId`: on that
   * kernel subshell (its busy and idle are then not the kernel's, as for `request`).
   */
  sendMessage(channel: Channel, msgType: string, content: Record<string, unknown>, buffers: Buffer[] = [], metadata?: Record<string, unknown>, subshellId?: string): string {
    this.assertUsable();
    const msg = makeMessage(channel, msgType, content, this.sessionId, { buffers, metadata });
    if (subshellId) this.markSubshell(msg, subshellId);
    this.send(msg);
    return msg.header.msg_id;
  }

  /**
   * Runs `hook` before each interrupt this connection sends, and waits for it (at most 3 s). A debug
   * session stopped at a breakpoint detaches first: a KeyboardInterrupt that lands while debugpy holds
   * the thread disables debugging of that thread for the kernel's life (debugpy 1.6 and 1.8).
   */
  beforeInterrupt(hook: () => Promise<void>): Disposable {
    this.interruptHooks.add(hook);
    return { dispose: () => this.interruptHooks.delete(hook) };
  }

  /** Interrupts through the REST API (works for signal and message interrupt modes). */
  async interrupt(signal?: AbortSignal): Promise<void> {
    const limit = new Promise<void>((resolve) => setTimeout(resolve, 3000).unref());
    await Promise.race([Promise.allSettled([...this.interruptHooks].map((hook) => hook())), limit]);
    return interruptKernel(this.options.session, this.kernelId, signal);
  }

  /** Restarts the kernel; cells still running fail at once (the restart discards them). */
  async restart(signal?: AbortSignal): Promise<void> {
    this.failAll(new ExecutionFailedError('The kernel was restarted before this cell finished.', 'restarted'));
    this.setStatus('restarting');
    this.kernelReady = false;
    try {
      await restartKernel(this.options.session, this.kernelId, signal);
    } finally {
      this.waitForKernel();
    }
    await this.readiness;
  }

  /**
   * Tells the server this connection is closing, at once, and resolves when it has closed (or after
   * `timeoutMs`); messages keep arriving until then. From when the server hears it, it keeps the kernel's
   * messages for this client session, to replay to the next connection under it.
   */
  leave(timeoutMs = 2000): Promise<void> {
    return this.link.leave(timeoutMs);
  }

  /**
   * Closes the connection as a window that leaves a running kernel does: what the server sent until
   * it heard us still reaches the cells; then as `dispose`.
   */
  async detach(timeoutMs = 2000): Promise<void> {
    await this.leave(timeoutMs);
    await this.dispose();
  }

  /** Closes the connection (the kernel keeps running; shutting it down is the caller's choice). */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.failAll(new ExecutionFailedError('The connection to the kernel was closed.', 'disposed'));
    for (const w of this.replies.values()) w.reject(new JupyterError('The connection to the kernel was closed.'));
    this.replies.clear();
    this.link.close();
    this.setStatus('closed');
    this.statusEmitter.dispose();
    this.iopubEmitter.dispose();
    this.reconnectEmitter.dispose();
  }

  /** Addresses a message to a kernel subshell, and keeps its busy and idle from being taken for the kernel's. */
  private markSubshell(msg: KernelMessage, subshellId: string): void {
    (msg.header as unknown as Record<string, unknown>).subshell_id = subshellId;
    const id = msg.header.msg_id;
    this.subshellRequests.add(id);
    setTimeout(() => this.subshellRequests.delete(id), 60000).unref(); // its idle lost: not kept for ever
  }

  private assertUsable(): void {
    if (this.disposed) throw new JupyterError('The connection to the kernel was closed.');
    if (this.gaveUp) throw new JupyterError('The connection to the kernel was lost and could not be restored: reconnect.');
    if (this.statusValue === 'dead') throw new JupyterError('The kernel is dead: restart it or start a new one.');
  }

  /**
   * Requests wait while the socket is down (reconnecting) or the kernel is restarting: a request
   * sent to a kernel that is being replaced is never answered, and its cell would hang.
   */
  private send(msg: KernelMessage, bypassGate = false): void {
    if (this.link.isOpen && (this.kernelReady || bypassGate)) this.link.send(msg);
    else this.queued.push(msg);
  }

  private flushQueue(): void {
    if (!this.link.isOpen || !this.kernelReady) return;
    for (const msg of this.queued.splice(0)) this.link.send(msg);
  }

  /** Probes with short kernel_info_requests until the (new) kernel answers, then lets requests through. */
  private waitForKernel(): void {
    if (!this.kernelReady && this.readiness) return;
    this.kernelReady = false;
    this.readiness = (async () => {
      const deadline = Date.now() + 120000;
      while (!this.disposed && Date.now() < deadline && this.statusValue !== 'dead') {
        try {
          await this.probe(2000);
          this.kernelReady = true;
          this.flushQueue();
          return;
        } catch {
          await new Promise((r) => setTimeout(r, 250));
        }
      }
      if (this.disposed) return;
      this.setStatus('dead');
      this.failAll(new ExecutionFailedError('The kernel did not come back after restarting.', 'died'));
      this.kernelReady = true; // let later requests fail fast in assertUsable instead of queueing
    })().finally(() => (this.readiness = undefined));
  }

  /**
   * One kernel_info round trip that skips the gate and counts only when both channels answer: its
   * shell reply and its idle on iopub. After a restart the server re-subscribes iopub to the new
   * kernel, and what the kernel publishes before that subscription takes hold is dropped (ZMQ's
   * slow joiner): a reply alone does not prove that a cell's outputs and idle will arrive.
   */
  private probe(timeoutMs: number, bypassGate = true): Promise<void> {
    const msg = makeMessage('shell', 'kernel_info_request', {}, this.sessionId);
    const id = msg.header.msg_id;
    this.sent.add(id);
    let timer: NodeJS.Timeout | undefined;
    return new Promise<void>((resolve, reject) => {
      if (timeoutMs > 0) timer = setTimeout(() => reject(new TimeoutError('no kernel_info round trip')), timeoutMs);
      this.probeWaiters.set(id, { reply: false, idle: false, resolve });
      this.send(msg, bypassGate);
    }).finally(() => {
      clearTimeout(timer);
      this.probeWaiters.delete(id);
      this.sent.delete(id);
    });
  }

  private probeHeard(parentId: string, part: 'reply' | 'idle'): boolean {
    const w = this.probeWaiters.get(parentId);
    if (!w) return false;
    w[part] = true;
    if (w.reply && w.idle) w.resolve();
    return true;
  }

  /**
   * A cell whose reply came but whose idle does not: after a pause, a probe that completes proves
   * iopub works and the kernel moved on, so the idle was lost; the cell ends, flagged.
   */
  private watchForLostIdle(execution: Execution): void {
    setTimeout(() => {
      if (execution.finished || this.disposed) return;
      void this.probe(10000).then(
        () => {
          if (execution.finished) return;
          this.log.warn('A cell\'s idle status never arrived; finishing it as possibly incomplete');
          execution.possiblyIncomplete = true;
          execution.idle = true;
          this.maybeFinish(execution);
        },
        () => undefined,
      );
    }, this.options.lostIdleAfterMs ?? 3000).unref();
  }

  /**
   * A kernel shut down from elsewhere may leave its socket open and silent (jupyter_server 2 does): a
   * cell that hears nothing at all for a while asks the server whether the kernel still exists, and
   * fails at once if it does not, instead of waiting forever.
   */
  private watchForMissingKernel(execution: Execution): void {
    const timer = setTimeout(() => {
      if (execution.finished || execution.heardFrom || this.disposed || !this.link.isOpen) return;
      void kernelPresence(this.options.session, this.kernelId).then((presence) => {
        if (presence.present || this.disposed) return;
        this.log.warn(`Kernel ${this.kernelId} is gone from the server: ${presence.reason}`);
        this.setStatus('dead');
        this.failAll(new ExecutionFailedError('The kernel is gone from the server (it was shut down, or the server restarted): start a new one.', 'died'));
      }, () => undefined);
    }, this.options.silentKernelCheckMs ?? 2000);
    timer.unref();
    void execution.done.finally(() => clearTimeout(timer)).catch(() => undefined);
  }

  private receive(msg: KernelMessage): void {
    const parentId = msg.parent_header?.msg_id;
    const type = msg.header.msg_type;
    const state = type === 'status' ? (msg.content.execution_state as string | undefined) : undefined;
    this.tracker.observe(msg.header.msg_id, parentId, state, msg.parent_header?.msg_type);
    if (messageSequence(msg.header.msg_id)) this.lastNumbered = msg.header.msg_id;

    if (msg.channel === 'iopub') {
      const onSubshell = !!parentId && this.subshellRequests.has(parentId);
      if (onSubshell && state === 'idle') this.subshellRequests.delete(parentId);
      const onControl = !!parentId && this.controlRequests.has(parentId);
      if (onControl && state === 'idle') this.controlRequests.delete(parentId);
      const notTheKernels = onSubshell || (onControl && (state === 'busy' || (state === 'idle' && this.isRunningCode)));
      if (state && !notTheKernels) this.onKernelState(state, parentId, msg.parent_header?.msg_type);
      if (type === 'shutdown_reply' && msg.content.restart === true) {
        this.failAll(new ExecutionFailedError('The kernel was restarted before this cell finished.', 'restarted'));
      }
      if (state === 'idle' && parentId) this.probeHeard(parentId, 'idle');
      // Outputs of any parent (a cell, or a widget callback run by a comm message) may be claimed.
      const claimed = OUTPUT_TYPES.has(type) && !!this.outputClaim?.(msg);
      this.hold(msg, claimed);
      const execution = parentId ? this.executions.get(parentId) : undefined;
      if (execution) {
        execution.heardFrom = true;
        if (state === 'idle') {
          execution.idle = true;
          this.maybeFinish(execution);
        } else if (!state && !claimed) execution.handleIOPub(msg);
      }
      this.iopubEmitter.fire(msg);
      return;
    }
    if (!parentId) return;
    if (msg.channel === 'stdin' && type === 'input_request') {
      void this.answerStdin(msg, parentId);
      return;
    }
    if (this.probeHeard(parentId, 'reply')) return;
    this.hold(msg, false);
    const execution = this.executions.get(parentId);
    if (execution && type === 'execute_reply') {
      execution.reply = msg.content;
      this.maybeFinish(execution);
      if (!execution.finished) this.watchForLostIdle(execution);
      return;
    }
    const waiter = this.replies.get(parentId);
    if (waiter) {
      this.replies.delete(parentId);
      waiter.resolve(msg);
    }
  }

  /** Keeps a message for a request this connection did not send: perhaps a replayed one of a cell an earlier window ran, for `resume`. */
  private hold(msg: KernelMessage, claimed: boolean): void {
    const parentId = msg.parent_header?.msg_id;
    if (!this.held || !parentId || this.executions.has(parentId) || this.sent.has(parentId)) return;
    this.held.add(msg, claimed);
  }

  private onKernelState(state: string, parentId: string | undefined, parentType?: string): void {
    // Which code runs now (ours or another client's): its busy…idle window. An execute_request sent as a
    // plain request (the variable inspector's, silent) is awaited by its caller: it is not a cell.
    if (parentId && parentType === 'execute_request' && state === 'busy' && !this.sent.has(parentId)) this.codeRunning.add(parentId);
    else if (parentId && state === 'idle') this.codeRunning.delete(parentId);
    else if (!parentId || state === 'restarting' || state === 'dead') this.codeRunning.clear();
    if ((state === 'restarting' || state === 'starting') && !parentId) {
      // Server-made, empty parent: the kernel died and is being restarted (PROTOCOL.md §5.6).
      if (state === 'restarting') this.failAll(new ExecutionFailedError('The kernel died while running this cell; it is being restarted.', 'died'));
      this.waitForKernel();
    } else if (state === 'dead') {
      this.failAll(new ExecutionFailedError('The kernel died and could not be restarted.', 'died'));
    }
    if (state === 'busy' || state === 'idle' || state === 'starting' || state === 'restarting' || state === 'dead') this.setStatus(state);
  }

  private maybeFinish(execution: Execution): void {
    if (!execution.complete || execution.finished) return;
    if (execution.spannedDrop) this.settleLosses(execution.msgId);
    else this.tracker.checkpoint();
    execution.finish();
  }

  private settleLosses(ended?: string): void {
    const affected = this.tracker.settle(ended);
    if (!affected.size) return;
    for (const execution of this.executions.values()) {
      if (affected.has(execution.msgId) || (affected.has('') && execution.spannedDrop)) execution.possiblyIncomplete = true;
    }
  }

  private async answerStdin(msg: KernelMessage, parentId: string): Promise<void> {
    const execution = this.executions.get(parentId);
    let value = '';
    try {
      const answer = await execution?.options.onStdin?.({ prompt: String(msg.content.prompt ?? ''), password: msg.content.password === true });
      value = answer ?? '';
    } catch (e) {
      this.log.warn(`Answering input() failed: ${(e as Error).message}`);
    }
    if (this.disposed) return;
    const reply = makeMessage('stdin', 'input_reply', { value }, this.sessionId, { parent: msg.header });
    this.send(reply);
  }

  private failAll(error: ExecutionFailedError): void {
    for (const execution of this.executions.values()) execution.fail(error);
    this.executions.clear();
  }

  private setStatus(status: KernelStatus): void {
    if (this.statusValue === status) return;
    this.statusValue = status;
    this.statusEmitter.fire(status);
  }

  private afterReconnect(replayed: boolean): void {
    const pending = [...this.executions.values()];
    if (!replayed) for (const execution of pending) execution.possiblyIncomplete = true;
    this.reconnectEmitter.fire({ replayed });
    if (pending.length) this.settleAfterProbe(pending);
  }

  /** Ends the executions the kernel has moved past whose reply or idle we did not get (lost in a drop, or sent to another session). */
  private settleAfterProbe(pending: Execution[]): void {
    // The kernel answers shell requests in order, so this probe's reply proves the earlier replies came
    // (or were lost), and its idle that their iopub messages did. It may wait behind a long cell: no limit.
    void this.probe(0, false).then(() => {
      for (const execution of pending) {
        if (execution.finished) continue;
        // Its reply or idle was lost in the drop; the kernel has moved past it, so it has ended.
        execution.possiblyIncomplete = true;
        this.tracker.finish(execution.msgId);
      }
      this.settleLosses();
      for (const execution of pending) if (!execution.finished) execution.finish();
    }, () => undefined);
  }
}
