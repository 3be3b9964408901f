import type WebSocket from 'ws';
import { AuthError, HttpSession, JupyterHttpError, openServerSocket } from '../http';
import { idSegment } from '../api/resource-id';
import { TerminalsUnavailableError } from '../api/terminals';
import { Logger, nullLogger } from '../util/logger';

export interface TerminalConnectionOptions {
  session: HttpSession;
  /** The terminal's name on the server (from createTerminal or listTerminals). */
  name: string;
  /** Output of the shell, as text, gathered over a few milliseconds (a burst is a few writes, not thousands). */
  onOutput(text: string): void;
  /** The connection ended: `ended` when the shell exited, `dropped` when the connection was lost, `closed` when we closed it. */
  onClose(reason: 'ended' | 'dropped' | 'closed'): void;
  handshakeTimeoutMs?: number;
  /** How long output is gathered before it is handed on. Default 8 ms. */
  gatherMs?: number;
  log?: Logger;
}

/** Output handed on at once when this much has gathered, whatever the time. */
const GATHER_MAX = 256 * 1024;

/**
 * One connection to a server terminal (terminado over jupyter_server): JSON arrays both ways,
 * `["stdin", text]` and `["set_size", rows, cols]` out, `["stdout", text]`, `["setup", {}]` and
 * `["disconnect", 1]` in. The server keeps the terminal, and what it printed lately, when we go:
 * connecting again replays that, which is how a long `pip install` is found again after a reload.
 */
export class TerminalConnection {
  private gathered: string[] = [];
  private gatheredLength = 0;
  private timer: NodeJS.Timeout | undefined;
  private closedByUs = false;
  private ended = false;

  private constructor(
    private readonly ws: WebSocket,
    private readonly options: TerminalConnectionOptions,
    early: [Buffer, boolean][],
  ) {
    ws.on('message', (data: Buffer) => this.receive(data));
    ws.on('error', (e) => (options.log ?? nullLogger).debug(`terminal socket error: ${e.message}`));
    ws.on('close', () => {
      this.flush();
      options.onClose(this.closedByUs ? 'closed' : this.ended ? 'ended' : 'dropped');
    });
    for (const [data] of early) this.receive(data);
  }

  static async open(options: TerminalConnectionOptions): Promise<TerminalConnection> {
    const { ws, socket, takeEarlyMessages } = await openServerSocket(options.session, `terminals/websocket/${idSegment(options.name, 'terminal name')}`, {
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? 30000,
      what: 'the terminal',
      refused: (status) => {
        if (status === 404) return new TerminalsUnavailableError(`The server has no terminal "${options.name}" (it was closed there), or offers no terminals.`);
        if (status === 401 || status === 403) return new AuthError(`The server refused the terminal (HTTP ${status}): check the token or log in again.`, 'forbidden', status);
        return new JupyterHttpError(`The server refused the terminal (HTTP ${status}).`, 'GET', 'terminals/websocket', status, '');
      },
    });
    socket.setNoDelay(true);
    return new TerminalConnection(ws, options, takeEarlyMessages());
  }

  get isOpen(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  /** Types into the shell (keys as the terminal sends them: `\r` for Enter, escape sequences for arrows). */
  write(text: string): void {
    if (this.isOpen) this.ws.send(JSON.stringify(['stdin', text]));
  }

  /** The terminal's size in character cells (the server sizes the shell to its smallest client). */
  resize(rows: number, cols: number): void {
    if (this.isOpen && rows > 0 && cols > 0) this.ws.send(JSON.stringify(['set_size', rows, cols]));
  }

  /** Disconnects; the terminal and its shell go on on the server (ending them is deleteTerminal). */
  close(): void {
    this.closedByUs = true;
    this.flush();
    this.ws.close(1000);
    setTimeout(() => this.ws.terminate(), 1000).unref();
  }

  private receive(data: Buffer): void {
    let message: unknown;
    try {
      message = JSON.parse(data.toString('utf8'));
    } catch {
      (this.options.log ?? nullLogger).warn('Ignored a terminal message that is not JSON');
      return;
    }
    if (!Array.isArray(message)) return;
    if (message[0] === 'stdout' && typeof message[1] === 'string') this.gather(message[1]);
    else if (message[0] === 'disconnect') this.ended = true;
  }

  private gather(text: string): void {
    this.gathered.push(text);
    this.gatheredLength += text.length;
    if (this.gatheredLength >= GATHER_MAX) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.options.gatherMs ?? 8);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.gathered.length) return;
    const text = this.gathered.join('');
    this.gathered = [];
    this.gatheredLength = 0;
    this.options.onOutput(text);
  }
}
