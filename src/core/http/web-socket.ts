import type { IncomingMessage } from 'node:http';
import type * as net from 'node:net';
import WebSocket from 'ws';
import { TimeoutError } from './errors';
import type { HttpSession } from './http-session';

export interface ServerSocketOptions {
  /** Subprotocols to offer (the kernel's v1 wire protocol). */
  protocols?: string[];
  handshakeTimeoutMs: number;
  /** What the socket is, for messages: "the kernel connection", "the event stream". */
  what: string;
  /** The error for an HTTP answer to the upgrade (404, 403…): the caller knows what each means. */
  refused(status: number): Error;
  maxPayload?: number;
}

/** An open WebSocket to the server, with no listeners left on it, and the TCP (or TLS) socket under it. */
export interface ServerSocket {
  ws: WebSocket;
  socket: net.Socket;
  /**
   * The messages that came before the caller listened (a server may send at once on open: jupyter_server
   * replays what it kept for a kernel session), in order; keeping them stops with this call. Call it in
   * the same tick as adding a 'message' listener.
   */
  takeEarlyMessages(): [data: Buffer, isBinary: boolean][];
}

/**
 * Opens a WebSocket at `path` of the server with the session's credentials, trust and proxy rules
 * (the kernel channels, the event stream, a terminal). Resolves once the upgrade is accepted; rejects
 * with `refused(status)` for an HTTP answer, and with a TimeoutError if the server never answers.
 */
export async function openServerSocket(session: HttpSession, path: string, options: ServerSocketOptions): Promise<ServerSocket> {
  const url = session.url(path);
  const headers = await session.websocketHeaders(url);
  const socket = await session.connectSocket(options.handshakeTimeoutMs);
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.toString().replace(/^http/, 'ws'), options.protocols ?? [], {
      headers,
      createConnection: () => socket,
      perMessageDeflate: false,
      maxPayload: options.maxPayload ?? 1024 * 1024 * 1024,
      followRedirects: false,
    });
    ws.binaryType = 'nodebuffer';
    // From the start: frames that follow the upgrade answer in the same read are parsed at once.
    const early: [Buffer, boolean][] = [];
    const keep = (data: Buffer, isBinary: boolean) => early.push([data, isBinary]);
    let settled = false;
    // Our own limit: `ws`'s handshakeTimeout never fires on a socket we hand it, so a server that
    // accepts the connection and never answers the upgrade would hold this (and every retry) forever.
    const timer = setTimeout(() => fail(new TimeoutError(`The server did not accept ${options.what} within ${Math.round(options.handshakeTimeoutMs / 1000)} s.`)), options.handshakeTimeoutMs);
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      ws.terminate();
      socket.destroy();
      reject(e);
    };
    ws.once('unexpected-response', (_req, res: IncomingMessage) => {
      res.resume();
      fail(options.refused(res.statusCode ?? 0));
    });
    ws.once('error', fail);
    ws.once('open', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.removeAllListeners();
      ws.on('message', keep);
      resolve({
        ws,
        socket,
        takeEarlyMessages: () => {
          ws.off('message', keep);
          return early.splice(0);
        },
      });
    });
    ws.on('message', keep);
  });
}
