import WebSocket from 'ws';
import { AuthError, HttpSession, JupyterError, openServerSocket } from '../http';

import { idSegment } from '../api/resource-id';
import { Logger } from '../util/logger';
import { coalesceLargeFrames } from './frame-coalescer';
import { KernelMessage } from './messages';
import { FrameError, V1_PROTOCOL, WireFormat, decodeFrame, encodeMessage } from './serialize';

/** The kernel is gone from the server (404 on the channels URL). */
export class KernelNotFoundError extends JupyterError {
  override readonly name: string = 'KernelNotFoundError';
}

/** The server answered the WebSocket upgrade with an HTTP error: the same session_id must not be reused. */
export class HandshakeRejectedError extends JupyterError {
  override readonly name: string = 'HandshakeRejectedError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface KernelSocketOptions {
  session: HttpSession;
  kernelId: string;
  /** Our client session id: the server buffers for it while we are away and replays on reconnect. */
  sessionId: string;
  /** `auto` offers v1 and falls back to legacy JSON where the server does not take it (notebook ≤ 6). */
  format: 'auto' | WireFormat;
  handshakeTimeoutMs: number;
  log: Logger;
  onMessage(msg: KernelMessage): void;
  onClose(code: number, reason: string): void;
}

// 2 ms: fewer pongs on heavy output (client CPU on 2000 display updates 515 → 427 ms) with no cost to an empty cell; 5 ms cost it 2–3 ms.
const PONG_GAP_MS = 2;
// Dense output (a cell writing thousands of small messages): each pong releases the server's next
// Nagle-held write, so pongs every 2 ms turn the output into ~1000 reads of one or two frames, each
// read costing a turn of our loop and each pong a frame the server must read. Past DENSE_RUN output
// messages each within DENSE_WITHIN_MS of the one before, pongs go out every DENSE_PONG_GAP_MS
// (2000 display updates, measured: ~930 reads → ~150, client main-thread CPU ~240 → ~100–120 ms);
// a reply or status message is still acknowledged at once, so a cell's end waits for no gap.
const DENSE_RUN = 16;
const DENSE_WITHIN_MS = 3;
const DENSE_PONG_GAP_MS = 10;
const OUTPUT_TYPES = new Set(['stream', 'display_data', 'update_display_data', 'execute_result', 'error', 'clear_output', 'comm_msg']);

/**
 * One open kernel WebSocket. It answers every turn of received frames with one unsolicited pong:
 * jupyter_server never sets TCP_NODELAY, so its second small frame waits for our delayed ACK
 * (40 ms on Linux, up to 200 ms on Windows); a pong makes our TCP stack acknowledge at once
 * (measured: ~48 ms → ~9 ms per empty cell, DESIGN.md). A ping would do the opposite.
 */
export class KernelSocket {
  private cancelPong: (() => void) | undefined;
  private pongDueAt = Infinity;
  private lastPongAt = -Infinity;
  private outputRun = 0;
  private lastOutputAt = -Infinity;
  private closedByUs = false;

  private constructor(
    private readonly ws: WebSocket,
    readonly format: WireFormat,
    private readonly options: KernelSocketOptions,
    /** Frames the server sent before this listened (its replay comes at once on open). */
    early: [Buffer, boolean][],
  ) {
    ws.on('message', (data: Buffer, isBinary: boolean) => this.receive(data, isBinary));
    ws.on('close', (code, reason) => options.onClose(code, reason.toString()));
    ws.on('error', (e) => options.log.debug(`kernel socket error: ${e.message}`));
    for (const [data, isBinary] of early) this.receive(data, isBinary);
  }

  static async open(options: KernelSocketOptions): Promise<KernelSocket> {
    if (options.format === 'legacy') return KernelSocket.attempt(options, 'legacy');
    try {
      return await KernelSocket.attempt(options, 'v1');
    } catch (e) {
      // notebook ≤ 6 completes the handshake without a protocol header and `ws` refuses it (PROTOCOL.md §5.2).
      if (options.format === 'auto' && /no subprotocol/i.test((e as Error).message)) {
        options.log.debug('The server does not offer the v1 kernel protocol; using legacy JSON frames');
        return KernelSocket.attempt(options, 'legacy');
      }
      throw e;
    }
  }

  private static async attempt(options: KernelSocketOptions, format: WireFormat): Promise<KernelSocket> {
    const { session, kernelId, sessionId } = options;
    const { ws, socket, takeEarlyMessages } = await openServerSocket(session, `api/kernels/${idSegment(kernelId, 'kernel id')}/channels?session_id=${encodeURIComponent(sessionId)}`, {
      protocols: format === 'v1' ? [V1_PROTOCOL] : [],
      handshakeTimeoutMs: options.handshakeTimeoutMs,
      what: 'the kernel connection',
      refused: (status) => {
        if (status === 404) return new KernelNotFoundError('The kernel no longer exists on the server: start a new one.');
        if (status === 401 || status === 403) return new AuthError(`The server refused the kernel connection (HTTP ${status}): check the token or log in again.`, 'forbidden', status);
        return new HandshakeRejectedError(`The server refused the kernel connection (HTTP ${status}).`, status);
      },
    });
    socket.setNoDelay(true);
    coalesceLargeFrames(socket);
    // The server's first frames follow its 101 response as separate small writes: acknowledge at once.
    ws.pong();
    options.log.debug(`Kernel ${kernelId} connected (${format === 'v1' ? V1_PROTOCOL : 'legacy JSON'})`);
    return new KernelSocket(ws, format, options, takeEarlyMessages());
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(msg: KernelMessage): void {
    if (!this.isOpen) throw new JupyterError('The kernel connection is not open.');
    this.ws.send(encodeMessage(msg, this.format));
  }

  /** Sends a WebSocket ping: a dead connection then shows as no pong. */
  ping(): void {
    if (this.isOpen) this.ws.ping();
  }

  onPong(listener: () => void): void {
    this.ws.on('pong', listener);
  }

  close(): void {
    if (this.closedByUs) return;
    this.closedByUs = true;
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
    setTimeout(() => this.ws.terminate(), 1000).unref();
  }

  /** Resolves once the connection has closed (after the close handshake, or when dropped). */
  whenClosed(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => this.ws.once('close', () => resolve()));
  }

  /** Drops the connection at once, as a network failure would (used when it is found dead). */
  terminate(): void {
    this.ws.terminate();
  }

  get wasClosedByUs(): boolean {
    return this.closedByUs;
  }

  private readonly onContentError = (message: string) => this.options.log.warn(`Ignored a malformed kernel message: ${message}`);

  private receive(data: Buffer, isBinary: boolean): void {
    let msg: KernelMessage;
    try {
      msg = decodeFrame(data, this.format, isBinary, { onContentError: this.onContentError, ownsFrame: true });
    } catch (e) {
      this.schedulePong(PONG_GAP_MS);
      this.options.log.warn(`Ignored a malformed kernel message: ${e instanceof FrameError ? e.message : String(e)}`);
      return;
    }
    this.schedulePong(this.pongGapAfter(msg));
    try {
      this.options.onMessage(msg);
    } catch (e) {
      // A message no handler foresaw must not escape into the socket's events (it would take the
      // extension host's listener down with it): say so, and carry on with the next one.
      this.options.log.error(`A ${msg.header.msg_type} message from the kernel could not be handled: ${(e as Error).message}`);
    }
  }

  /** How long after the last pong the next may go: longer only inside dense output. */
  private pongGapAfter(msg: KernelMessage): number {
    if (msg.channel !== 'iopub' || !OUTPUT_TYPES.has(msg.header.msg_type)) {
      this.outputRun = 0;
      return PONG_GAP_MS;
    }
    const now = performance.now();
    // Once dense, output arrives in bursts one pong gap apart: a run goes on until a real pause.
    const within = this.outputRun >= DENSE_RUN ? 2 * DENSE_PONG_GAP_MS : DENSE_WITHIN_MS;
    this.outputRun = now - this.lastOutputAt < within ? this.outputRun + 1 : 0;
    this.lastOutputAt = now;
    return this.outputRun >= DENSE_RUN ? DENSE_PONG_GAP_MS : PONG_GAP_MS;
  }

  /**
   * One pong per turn of received frames, at most one per `gap` ms: a trailing one still acknowledges
   * the last frames. A message that allows a shorter gap brings a pending pong forward.
   */
  private schedulePong(gap: number): void {
    const now = performance.now();
    const due = Math.max(now, this.lastPongAt + gap);
    if (this.cancelPong && due >= this.pongDueAt) return;
    this.cancelPong?.();
    this.pongDueAt = due;
    const send = () => {
      this.cancelPong = undefined;
      this.pongDueAt = Infinity;
      this.lastPongAt = performance.now();
      if (this.isOpen) this.ws.pong();
    };
    if (due <= now) {
      const immediate = setImmediate(send);
      this.cancelPong = () => clearImmediate(immediate);
    } else {
      const timer = setTimeout(send, due - now);
      this.cancelPong = () => clearTimeout(timer);
    }
  }
}
