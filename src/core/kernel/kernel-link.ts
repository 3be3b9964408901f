import { randomUUID } from 'node:crypto';
import { AuthError, HttpSession } from '../http';
import type { Logger } from '../util/logger';
import { HandshakeRejectedError, KernelNotFoundError, KernelSocket } from './kernel-socket';
import type { KernelMessage } from './messages';
import type { WireFormat } from './serialize';

/** jupyter_server's default ws_ping_timeout (3 × its 30 s ping interval): after that it has dropped a silent connection. */
const SERVER_NOTICES_DEAD_SOCKET_MS = 90000;

export interface KernelLinkOptions {
  session: HttpSession;
  kernelId: string;
  /**
   * The client session id an earlier connection (an earlier window) used. jupyter_server buffers what
   * the kernel sends while that session has no connection and replays it to the next connection under
   * the same id.
   */
  sessionId?: string;
  /** `auto` (default) offers v1 and falls back to legacy JSON. */
  format?: 'auto' | WireFormat;
  handshakeTimeoutMs?: number;
  /** How often to check that the socket is alive (WebSocket ping); a silent one is dropped after 2 intervals. Default 5 s. */
  heartbeatMs?: number;
  /** Reconnect attempts before giving up (default: 30, about 5 minutes with backoff). */
  reconnectAttempts?: number;
  reconnectBaseDelayMs?: number;
  reconnectMaxDelayMs?: number;
  log: Logger;
}

/** What the link tells the connection that uses it. */
export interface KernelLinkEvents {
  message(msg: KernelMessage): void;
  /** The socket is open (first or again): send what waited. */
  opened(): void;
  /** The socket dropped; reconnecting starts. */
  dropped(): void;
  /** An attempt to reconnect is about to be made. */
  reconnecting(): void;
  /** Open again; `replayed`: under the same client session, so the server replays what it kept meanwhile. */
  reconnected(replayed: boolean): void;
  /** The server no longer has the kernel (404 on reconnect). */
  kernelGone(): void;
  /** Every attempt failed: nothing more is tried. */
  gaveUp(): void;
}

/**
 * The WebSocket to one kernel, kept open: a heartbeat that notices a silent socket, and a reconnect
 * with backoff after a drop, under the same client session id (so the server replays what it buffered)
 * or a new one where reusing it would cost output or hang (a short stall the server has not noticed, a
 * refused handshake). What the messages mean is KernelConnection's business, not this one's.
 */
export class KernelLink {
  /** Our client session id; a new one after a refused handshake (servers hang on a reused one) or a short stall. */
  sessionId: string;
  private socket: KernelSocket | undefined;
  private format: 'auto' | WireFormat;
  private heartbeat: NodeJS.Timeout | undefined;
  private lastHeard = Date.now();
  /** How long the socket had been silent when the heartbeat dropped it; undefined for other drops. */
  private stalledForMs: number | undefined;
  private reconnecting: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly options: KernelLinkOptions,
    private readonly events: KernelLinkEvents,
  ) {
    this.sessionId = options.sessionId ?? randomUUID();
    this.format = options.format ?? 'auto';
  }

  get isOpen(): boolean {
    return !!this.socket?.isOpen;
  }

  /** The negotiated wire format. */
  get protocol(): WireFormat | undefined {
    return this.socket?.format;
  }

  /** Sends on the open socket (the caller checks `isOpen` and queues otherwise). */
  send(msg: KernelMessage): void {
    this.socket?.send(msg);
  }

  async open(): Promise<void> {
    this.socket = await KernelSocket.open({
      session: this.options.session,
      kernelId: this.options.kernelId,
      sessionId: this.sessionId,
      format: this.format,
      handshakeTimeoutMs: this.options.handshakeTimeoutMs ?? 30000,
      log: this.options.log,
      onMessage: (msg) => {
        this.lastHeard = Date.now();
        this.events.message(msg);
      },
      onClose: (code) => this.onSocketClosed(code),
    });
    this.format = this.socket.format; // keep what was negotiated for reconnects
    this.lastHeard = Date.now();
    this.socket.onPong(() => (this.lastHeard = Date.now()));
    this.events.opened();
    this.startHeartbeat();
  }

  /** Tells the server the socket is closing, at once; resolves when it has closed (or after `timeoutMs`). */
  leave(timeoutMs: number): Promise<void> {
    const socket = this.socket;
    if (this.closed || !socket) return Promise.resolve();
    const closed = socket.whenClosed();
    socket.close();
    return Promise.race([closed, new Promise<void>((r) => setTimeout(r, timeoutMs).unref())]);
  }

  /** Closes the socket for good: no reconnect follows. */
  close(): void {
    this.closed = true;
    clearInterval(this.heartbeat);
    this.socket?.close();
  }

  private startHeartbeat(): void {
    clearInterval(this.heartbeat);
    const every = this.options.heartbeatMs ?? 5000;
    this.heartbeat = setInterval(() => {
      if (!this.socket?.isOpen) return;
      if (Date.now() - this.lastHeard > 2 * every) {
        this.stalledForMs = Date.now() - this.lastHeard;
        this.options.log.warn(`No answer from the kernel connection for ${Math.round(this.stalledForMs / 1000)} s; reconnecting`);
        this.socket.terminate();
        return;
      }
      this.socket.ping();
    }, every);
    this.heartbeat.unref();
  }

  private onSocketClosed(code: number): void {
    clearInterval(this.heartbeat);
    if (this.closed || this.socket?.wasClosedByUs) return;
    this.options.log.info(`The kernel connection dropped (code ${code}); reconnecting`);
    this.events.dropped();
    this.reconnecting ??= this.reconnect().finally(() => (this.reconnecting = undefined));
  }

  private async reconnect(): Promise<void> {
    const { log } = this.options;
    const attempts = this.options.reconnectAttempts ?? 30;
    const base = this.options.reconnectBaseDelayMs ?? 250;
    const max = this.options.reconnectMaxDelayMs ?? 10000;
    let replayed = true;
    const stalledFor = this.stalledForMs;
    this.stalledForMs = undefined;
    if (stalledFor !== undefined && stalledFor < SERVER_NOTICES_DEAD_SOCKET_MS) {
      // A stall we caught before the server could notice it: the server still holds the old connection
      // open, writing into it. Reconnecting under the same session_id makes it close that one first,
      // which waits up to 5 s for a peer that will never answer — 5 s more of output lost, and nothing
      // buffered to replay. A new session_id is let in at once. After a longer silence (a laptop that
      // slept) the server has dropped the old connection and buffered since: keep the session to get that.
      this.sessionId = randomUUID();
      replayed = false;
    }
    for (let attempt = 1; attempt <= attempts && !this.closed; attempt++) {
      this.events.reconnecting();
      await new Promise((r) => setTimeout(r, Math.min(max, base * 2 ** (attempt - 1))));
      if (this.closed) return;
      try {
        await this.open();
        log.info(`Reconnected to kernel ${this.options.kernelId}${replayed ? ' (the server replays what it buffered)' : ' with a new session'}`);
        this.events.reconnected(replayed);
        return;
      } catch (e) {
        if (e instanceof KernelNotFoundError) {
          log.warn('The kernel is gone from the server');
          this.events.kernelGone();
          return;
        }
        if (e instanceof HandshakeRejectedError || e instanceof AuthError) {
          // A refused handshake poisons its session_id on jupyter_server 1.23 / notebook 6.4: take a new one.
          this.sessionId = randomUUID();
          replayed = false;
          if (e instanceof AuthError) await this.options.session.relogin().catch(() => undefined);
        }
        log.debug(`Reconnect attempt ${attempt} failed: ${(e as Error).message}`);
      }
    }
    if (!this.closed) this.events.gaveUp();
  }
}
