/**
 * Typed errors of the connection layer. Each message is one sentence a person can act on; none
 * carries a token, a password or a cookie (URLs we build never contain them).
 */
export class JupyterError extends Error {
  override readonly name: string = 'JupyterError';
}

/** The server answered with a status we did not expect. */
export class JupyterHttpError extends JupyterError {
  override readonly name: string = 'JupyterHttpError';
  constructor(
    message: string,
    readonly method: string,
    readonly url: string,
    readonly status: number,
    /** The server's `message`/`reason`, or the start of its body. */
    readonly reason: string,
  ) {
    super(message);
  }
}

export type AuthProblem = 'token-rejected' | 'token-needed' | 'password-rejected' | 'password-needed' | 'credentials-needed' | 'forbidden';

/** The server refused our credentials, or needs some we do not have. */
export class AuthError extends JupyterError {
  override readonly name: string = 'AuthError';
  constructor(
    message: string,
    readonly problem: AuthProblem,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** A cookie-authenticated write was refused for its XSRF token, even after fetching a new one. */
export class XsrfError extends JupyterError {
  override readonly name: string = 'XsrfError';
}

/** The TLS handshake failed: an untrusted, changed or mismatched certificate, or no TLS at all. */
export class TlsError extends JupyterError {
  override readonly name: string = 'TlsError';
  constructor(
    message: string,
    /** OpenSSL's or Node's code, e.g. DEPTH_ZERO_SELF_SIGNED_CERT, or PIN_MISMATCH. */
    readonly code: string,
    /** SHA-256 of the certificate the server presented, colon-separated upper-case hex. */
    readonly fingerprint?: string,
    readonly subject?: string,
  ) {
    super(message);
  }
}

/** No answer: refused, unresolvable, reset, unreachable. */
export class NetworkError extends JupyterError {
  override readonly name: string = 'NetworkError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export class TimeoutError extends JupyterError {
  override readonly name: string = 'TimeoutError';
}

/** An answer's body grew past the limit the request set (`RequestOptions.maxBytes`). */
export class ResponseTooLargeError extends JupyterError {
  override readonly name: string = 'ResponseTooLargeError';
  constructor(
    message: string,
    readonly limit: number,
  ) {
    super(message);
  }
}

/** The address answers, but not as a Jupyter server (an HTML page, a 404, another service). */
export class NotJupyterError extends JupyterError {
  override readonly name: string = 'NotJupyterError';
}

/** A JupyterHub user's server is not running (302 into /hub/, then 424, or 503 on old Hubs). */
export class HubServerStoppedError extends JupyterError {
  override readonly name: string = 'HubServerStoppedError';
  constructor(
    message: string,
    readonly hubUrl: string,
  ) {
    super(message);
  }
}

/** Sending a secret over plain http to a host that is not this machine needs the person's consent. */
export class InsecureTransportError extends JupyterError {
  override readonly name: string = 'InsecureTransportError';
}

export class AbortedError extends JupyterError {
  override readonly name: string = 'AbortedError';
}

/** The server answered, but not in the form its API promises (HTML for JSON, a missing field). */
export class ProtocolError extends JupyterError {
  override readonly name: string = 'ProtocolError';
}

/** The server (or a proxy in front of it) asks us to slow down: HTTP 429. */
export class RateLimitedError extends JupyterError {
  override readonly name: string = 'RateLimitedError';
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}
