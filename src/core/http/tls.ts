import * as net from 'node:net';
import * as tls from 'node:tls';
import { TlsError } from './errors';

/**
 * How to trust a server's certificate. Verification stays on; the exceptions are per server:
 * a CA (PEM) to trust, or the SHA-256 fingerprint of the one certificate the person confirmed.
 */
export interface TlsTrust {
  /** PEM certificates to trust in addition to the system's. */
  ca?: string | Buffer;
  /** SHA-256 of the server's certificate, hex with or without colons, any case. */
  fingerprint?: string;
}

const HANDSHAKE_TIMEOUT_MS = 10000;

/** `AB:CD:…` upper-case with colons, from any hex spelling; undefined when it is not 32 bytes of hex. */
export function normalizeFingerprint(fp: string): string | undefined {
  const hex = fp.replace(/^sha256[:=]?/i, '').replace(/[\s:]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return undefined;
  return hex.match(/../g)!.join(':');
}

export interface PeerCertificate {
  fingerprint256: string;
  subject: string;
  issuer: string;
  validTo: string;
  /** Node's verdict with system trust (e.g. DEPTH_ZERO_SELF_SIGNED_CERT), undefined when trusted. */
  authorizationError?: string;
}

function describeName(name: tls.PeerCertificate['subject'] | undefined): string {
  if (!name) return '';
  return Object.entries(name)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}

/**
 * Completes a TLS handshake without verifying it and reads the certificate, sending no application
 * data: what a person is shown before deciding to trust a server.
 */
export function fetchPeerCertificate(host: string, port: number, options: { servername?: string; timeoutMs?: number; ca?: string | Buffer } = {}): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host,
      port,
      servername: options.servername ?? (net.isIP(host) ? undefined : host),
      rejectUnauthorized: false,
      ca: options.ca,
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new TlsError(`The TLS handshake with ${host}:${port} did not finish in time.`, 'TIMEOUT'));
    }, options.timeoutMs ?? 10000);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const cert = socket.getPeerCertificate();
      const authError = socket.authorizationError;
      socket.destroy();
      resolve({
        fingerprint256: cert.fingerprint256,
        subject: describeName(cert.subject),
        issuer: describeName(cert.issuer),
        validTo: cert.valid_to,
        authorizationError: authError ? String((authError as Error).message ?? authError) : undefined,
      });
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** Options for `tls.connect` that verify with the given trust (a pin is checked after the handshake). */
export function tlsConnectOptions(trust: TlsTrust | undefined): tls.ConnectionOptions {
  if (trust?.fingerprint) return { rejectUnauthorized: false };
  return trust?.ca ? { ca: trust.ca } : {};
}

/**
 * Checks a finished handshake against a pinned fingerprint. With a pin, chain and name are not
 * checked: the person confirmed this exact certificate for this server, and only it is accepted.
 */
export function checkPin(socket: tls.TLSSocket, trust: TlsTrust | undefined): TlsError | undefined {
  if (!trust?.fingerprint) return undefined;
  const expected = normalizeFingerprint(trust.fingerprint);
  const cert = socket.getPeerCertificate();
  const actual = cert?.fingerprint256;
  if (expected && actual && expected === actual.toUpperCase()) return undefined;
  return new TlsError(
    `The server's certificate (SHA-256 ${actual ?? 'unknown'}) is not the one you trusted for it (${expected ?? trust.fingerprint}): ` +
      'if the server got a new certificate, check it and trust it again; otherwise someone may be intercepting the connection.',
    'PIN_MISMATCH',
    actual,
    describeName(cert?.subject),
  );
}

/**
 * Opens a TLS connection and resolves only once it is verified (by the CA chain, or by the pin), so
 * nothing — no request line, no token — is ever written to a server we have not verified.
 */
export function connectVerified(
  options: { host: string; port: number; servername?: string; socket?: net.Socket; timeoutMs?: number },
  trust: TlsTrust | undefined,
): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: options.host,
      port: options.port,
      socket: options.socket,
      servername: options.servername ?? (net.isIP(options.host) ? undefined : options.host),
      ALPNProtocols: ['http/1.1'],
      ...tlsConnectOptions(trust),
    });
    // A plain-http server that receives a TLS hello often just waits for more (tornado does), so
    // the handshake gets its own short limit and the hint that the scheme may be wrong.
    const limitMs = Math.min(options.timeoutMs ?? HANDSHAKE_TIMEOUT_MS, HANDSHAKE_TIMEOUT_MS);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new TlsError(
          `${options.host}:${options.port} did not complete a TLS handshake within ${Math.round(limitMs / 1000)} s: if the server does not use TLS, try http:// instead of https://.`,
          'HANDSHAKE_TIMEOUT',
        ),
      );
    }, limitMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const pinError = checkPin(socket, trust);
      if (pinError) {
        socket.destroy();
        reject(pinError);
      } else {
        socket.removeAllListeners('error');
        resolve(socket);
      }
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}
