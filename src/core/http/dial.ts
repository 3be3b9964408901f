import * as net from 'node:net';
import { NetworkError, TimeoutError } from './errors';
import { TlsTrust, connectVerified } from './tls';

export interface DialTarget {
  protocol: 'http:' | 'https:';
  /** Host name or IP (IPv6 without brackets). */
  host: string;
  port: number;
  servername?: string;
}

export interface DialOptions {
  trust?: TlsTrust;
  proxy?: URL;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Opens the byte stream to a server: directly or through an HTTP proxy's CONNECT tunnel, then TLS
 * verified by system trust, a CA or a pinned fingerprint. REST (node:http) and the kernel WebSocket
 * (ws) both connect through here, so they share one set of trust and proxy rules, and no byte of a
 * request is written before the server is verified.
 */
export async function dial(target: DialTarget, options: DialOptions = {}): Promise<net.Socket> {
  const timeoutMs = options.timeoutMs ?? 30000;
  let raw: net.Socket;
  if (options.proxy) {
    raw = await connectThroughProxy(options.proxy, target, timeoutMs, options.signal);
  } else if (target.protocol === 'http:') {
    return connectTcp(target.host, target.port, timeoutMs, options.signal);
  } else {
    return connectVerified({ host: target.host, port: target.port, servername: target.servername, timeoutMs }, options.trust);
  }
  if (target.protocol === 'http:') return raw;
  return connectVerified(
    { host: target.host, port: target.port, servername: target.servername ?? (net.isIP(target.host) ? undefined : target.host), socket: raw, timeoutMs },
    options.trust,
  );
}

function connectTcp(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const fail = (e: Error) => {
      cleanup();
      socket.destroy();
      reject(e);
    };
    const timer = setTimeout(() => fail(new TimeoutError(`Connecting to ${host}:${port} timed out after ${Math.round(timeoutMs / 1000)} s.`)), timeoutMs);
    const onAbort = () => fail(new TimeoutError('The connection was cancelled.'));
    signal?.addEventListener('abort', onAbort, { once: true });
    const cleanup = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    socket.once('connect', () => {
      cleanup();
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (e) => fail(e));
  });
}

/** `CONNECT host:port` through an http(s) proxy; resolves with the tunnel once the proxy says 200. */
async function connectThroughProxy(proxy: URL, target: DialTarget, timeoutMs: number, signal?: AbortSignal): Promise<net.Socket> {
  const proxyPort = Number(proxy.port || (proxy.protocol === 'https:' ? 443 : 80));
  const proxyHost = proxy.hostname.replace(/^\[|\]$/g, '');
  const socket: net.Socket =
    proxy.protocol === 'https:'
      ? await connectVerified({ host: proxyHost, port: proxyPort, timeoutMs }, undefined)
      : await connectTcp(proxyHost, proxyPort, timeoutMs, signal);
  const authority = `${net.isIPv6(target.host) ? `[${target.host}]` : target.host}:${target.port}`;
  const headers = [`CONNECT ${authority} HTTP/1.1`, `Host: ${authority}`];
  if (proxy.username) {
    const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
    headers.push(`Proxy-Authorization: Basic ${Buffer.from(credentials).toString('base64')}`);
  }
  socket.write(`${headers.join('\r\n')}\r\n\r\n`);
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const timer = setTimeout(() => done(new TimeoutError(`The proxy ${proxyHost}:${proxyPort} did not answer in time.`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buffered.length > 64 * 1024) done(new NetworkError('The proxy sent an invalid answer to CONNECT.', 'EPROXY'));
        return;
      }
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(buffered.subarray(0, end).toString('latin1'));
      if (!status || status[1] !== '200') {
        const code = status?.[1] ?? 'invalid';
        const hint = code === '407' ? ': it needs credentials (put them in the proxy URL as http://user:password@proxy:port)' : '';
        done(new NetworkError(`The proxy ${proxyHost}:${proxyPort} refused to connect to ${authority} (HTTP ${code})${hint}.`, 'EPROXY'));
        return;
      }
      const rest = buffered.subarray(end + 4);
      if (rest.length) socket.unshift(rest);
      done();
    };
    const onError = (e: Error) => done(e);
    const onClose = () => done(new NetworkError(`The proxy ${proxyHost}:${proxyPort} closed the connection.`, 'EPROXY'));
    const done = (e?: Error) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      if (e) {
        socket.destroy();
        reject(e);
      } else resolve(socket);
    };
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
  });
}

