import { randomBytes } from 'node:crypto';
import type WebSocket from 'ws';
import { AuthError, HttpSession, JupyterError, JupyterHttpError, openServerSocket } from '../http';
import { Emitter } from '../util/events';
import { Logger, nullLogger } from '../util/logger';

/** The language server answered a request with an error, or the connection ended before it answered. */
export class LanguageServerError extends JupyterError {
  override readonly name: string = 'LanguageServerError';

  constructor(
    message: string,
    /** The JSON-RPC error code of an error answer (-32002: the server is not initialized). */
    readonly code?: number,
  ) {
    super(message);
  }
}


/** A notification from the language server (`textDocument/publishDiagnostics`, `window/logMessage`…). */
export interface ServerNotification {
  method: string;
  params: unknown;
}

/** How long we leave the server's questions to the client that initialized it (see initializedByUs). */
const LATE_ANSWER_MS = 1000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

interface Pending {
  method: string;
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * What we answer to the server's own requests: settings are the server's defaults, edits are not
 * applied, anything else is acknowledged. Never a refusal: jupyter-lsp sends them to every client and
 * the server takes the first answer.
 */
function answerTo(method: string, params: unknown): unknown {
  if (method === 'workspace/configuration') {
    const items = (params as { items?: unknown[] } | undefined)?.items;
    return Array.isArray(items) ? items.map(() => null) : [];
  }
  if (method === 'workspace/applyEdit') return { applied: false };
  return null;
}

/**
 * JSON-RPC with one language server through jupyter-lsp's WebSocket (`lsp/ws/<name>`), one JSON
 * message per text frame, with the session's credentials, trust and proxy rules.
 *
 * jupyter-lsp runs one process per language server and sends everything it says to every client of
 * that server: other VS Code windows, a JupyterLab tab. So our request ids carry a prefix of our own
 * (another client's answers are not ours), and this never sends `shutdown` or `exit`, which would end
 * the server for all of them.
 */
export class LanguageConnection {
  private readonly pending = new Map<string, Pending>();
  private readonly prefix = `jr-${randomBytes(4).toString('hex')}-`;
  private next = 0;
  private closedByUs = false;
  private readonly notifications = new Emitter<ServerNotification>();
  /** Every notification the server sends (to all its clients). */
  readonly onNotification = this.notifications.event;
  private readonly othersInitialized = new Emitter<void>();
  /** Another client sent `initialize` (its answer came to us too): the server has forgotten our documents. */
  readonly onOthersInitialized = this.othersInitialized.event;
  /**
   * We initialized the server: its questions are ours to answer, at once. Otherwise the client that
   * did (a JupyterLab tab with its own settings) should answer first, and ours follows a second later,
   * for a server whose initializing client is gone.
   */
  initializedByUs = false;
  private readonly closed = new Emitter<'dropped' | 'closed'>();
  /** The connection ended: `closed` by us, `dropped` otherwise (the server restarted, the network). */
  readonly onClose = this.closed.event;

  private constructor(
    private readonly ws: WebSocket,
    private readonly log: Logger,
    early: [Buffer, boolean][],
  ) {
    ws.on('message', (data: Buffer) => this.receive(data));
    ws.on('error', (e) => log.debug(`language server socket error: ${e.message}`));
    ws.on('close', () => {
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new LanguageServerError(`The connection to the language server ended before it answered ${p.method}.`));
        this.pending.delete(id);
      }
      this.closed.fire(this.closedByUs ? 'closed' : 'dropped');
      this.notifications.dispose();
      this.othersInitialized.dispose();
      this.closed.dispose();
    });
    for (const [data] of early) this.receive(data);
  }

  static async open(session: HttpSession, serverName: string, options: { log?: Logger; handshakeTimeoutMs?: number } = {}): Promise<LanguageConnection> {
    const { ws, socket, takeEarlyMessages } = await openServerSocket(session, `lsp/ws/${encodeURIComponent(serverName)}`, {
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? 30000,
      what: 'the language server',
      refused: (status) => {
        if (status === 401 || status === 403) return new AuthError(`The server refused its language server (HTTP ${status}): check the token or log in again.`, 'forbidden', status);
        return new JupyterHttpError(`The server refused its language server "${serverName}" (HTTP ${status}).`, 'GET', 'lsp/ws', status, '');
      },
    });
    socket.setNoDelay(true);
    return new LanguageConnection(ws, options.log ?? nullLogger, takeEarlyMessages());
  }

  get isOpen(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  /** Sends a request; its answer, or a LanguageServerError for an error answer, a timeout or the end of the connection. */
  request<T>(method: string, params: unknown, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<T> {
    if (!this.isOpen) return Promise.reject(new LanguageServerError(`The language server is not connected, so ${method} was not sent.`));
    const id = `${this.prefix}${++this.next}`;
    return new Promise<T>((resolve, reject) => {
      const settle = () => {
        clearTimeout(entry.timer);
        this.pending.delete(id);
        options.signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        settle();
        this.notify('$/cancelRequest', { id });
        reject(new LanguageServerError(`${method} was cancelled.`));
      };
      const entry: Pending = {
        method,
        resolve: (r) => {
          settle();
          resolve(r as T);
        },
        reject: (e) => {
          settle();
          reject(e);
        },
        timer: setTimeout(() => onAbort(), options.timeoutMs ?? 30000),
      };
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, entry);
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    if (this.isOpen) this.send({ jsonrpc: '2.0', method, params });
  }

  /** Leaves the language server to its other clients: closes the socket, never the server. */
  close(): void {
    if (this.closedByUs) return;
    this.closedByUs = true;
    this.ws.close(1000);
    setTimeout(() => this.ws.terminate(), 1000).unref();
  }

  private send(message: object): void {
    this.ws.send(JSON.stringify(message));
  }

  private receive(data: Buffer): void {
    let message: { id?: unknown; method?: unknown; params?: unknown; result?: unknown; error?: { message?: unknown; code?: unknown } };
    try {
      message = JSON.parse(data.toString('utf8')) as typeof message;
    } catch {
      this.log.warn('Ignored a language server message that is not JSON');
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const { id, method } = message;
    if (typeof method === 'string' && id !== undefined && id !== null) {
      // The server asks every client; answer what a client must, so the server is never left waiting.
      const answer = () => this.isOpen && this.send({ jsonrpc: '2.0', id, result: answerTo(method, message.params) });
      if (this.initializedByUs) answer();
      else setTimeout(answer, LATE_ANSWER_MS).unref();
    } else if (typeof method === 'string') {
      this.notifications.fire({ method, params: message.params });
    } else if (typeof id === 'string' && id.startsWith(this.prefix)) {
      const pending = this.pending.get(id);
      if (!pending) return;
      const { error } = message;
      if (error) pending.reject(new LanguageServerError(`The language server could not answer ${pending.method}: ${String(error.message ?? 'no reason given')}`, typeof error.code === 'number' ? error.code : undefined));
      else pending.resolve(message.result ?? null);
    } else if (isObject(message.result) && 'capabilities' in message.result) {
      this.othersInitialized.fire();
    }
    // Any other answer to another client's request: not ours.
  }
}
