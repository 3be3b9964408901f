import * as http from 'node:http';
import * as net from 'node:net';
import type { CookieJar } from 'tough-cookie';
import { Logger, Redactor, nullLogger, redactingLogger } from '../util/logger';
import { isLoopbackHost } from '../servers/server-address';
import { dial } from './dial';
import { AbortedError, AuthError, InsecureTransportError, JupyterError, ResponseTooLargeError, TimeoutError, XsrfError } from './errors';
import { toConnectionError } from './network-errors';
import { resolveProxy } from './proxy';
import { TlsTrust } from './tls';
import { formatBytes } from '../util/bytes';

export interface Credentials {
  /** A server token, or a JupyterHub API token. */
  token?: string;
  /** For servers that log in with a password form. */
  password?: string;
}

export interface HttpSessionOptions {
  /** The server's base URL, ending in `/` (a parser `ServerAddress.baseUrl`). */
  baseUrl: string;
  credentials?: Credentials;
  trust?: TlsTrust;
  /** undefined: from HTTPS_PROXY/HTTP_PROXY/NO_PROXY; null: never; a URL: that proxy. */
  proxy?: string | null;
  env?: NodeJS.ProcessEnv;
  /** Per request, unless a request says otherwise. Default 30 s. */
  timeoutMs?: number;
  logger?: Logger;
  /** Secrets are registered here so every log line and message can be cleaned of them. */
  redactor?: Redactor;
  /** The person agreed to send secrets over plain http to a host that is not this machine. */
  allowInsecureHttp?: boolean;
}

export interface RequestOptions {
  /** JSON body (serialised here) or a form. */
  json?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** The whole exchange's deadline, from sending to the body's end (default: the session's). */
  timeoutMs?: number;
  /**
   * Instead of `timeoutMs`: fail only when nothing arrives for this long (waiting for the answer, or
   * between pieces of its body), so a long, slow, steady body can take as long as it needs. Time spent
   * waiting on `streamTo` is ours, not the server's, and does not count.
   */
  idleTimeoutMs?: number;
  /** Send credentials (default true). Probes send none to learn what a server wants. */
  authenticate?: boolean;
  /** Bodies larger than this fail (default 256 MiB). */
  maxBytes?: number;
  /** Each piece of the body as it arrives (an event stream's events before it ends); the whole body is still returned. */
  onData?: (chunk: Buffer) => void;
  /**
   * For a 200 answer only: each piece of the body, in order, and none of it kept (the returned body is
   * empty; `maxBytes` does not apply), so memory does not grow with the body. The answer waits while a
   * returned promise is pending; a rejected one ends the request. Other answers are read whole as usual.
   */
  streamTo?: (chunk: Buffer) => void | Promise<void>;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  url: string;
  method: string;
  text(): string;
  header(name: string): string | undefined;
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const USER_AGENT = 'jupyter-remote';

/**
 * All HTTP to one Jupyter server: one cookie jar, one connection pool, one set of credentials.
 * Token: `Authorization: token …` on every request (never in a URL). Password: the login form,
 * its cookie, `X-XSRFToken` on writes, and a fresh login when the session expires. No auth: still
 * `_xsrf` on writes. Redirects are never followed; requests go only to this server's origin.
 */
export class HttpSession {
  readonly baseUrl: URL;
  readonly log: Logger;
  private jarValue: CookieJar | undefined;
  private readonly agent: http.Agent;
  private readonly credentials: Credentials;
  private readonly timeoutMs: number;
  private readonly proxy: URL | undefined;
  private loginPromise: Promise<void> | undefined;
  private loggedIn = false;
  private closed = false;

  constructor(readonly options: HttpSessionOptions) {
    this.baseUrl = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    if (this.baseUrl.protocol !== 'http:' && this.baseUrl.protocol !== 'https:') {
      throw new JupyterError(`${this.baseUrl.protocol}// servers cannot be reached from here: use an http:// or https:// address.`);
    }
    this.credentials = { ...options.credentials };
    const redactor = options.redactor ?? new Redactor();
    redactor.add(this.credentials.token);
    redactor.add(this.credentials.password);
    this.log = redactingLogger(options.logger ?? nullLogger, redactor);
    this.timeoutMs = options.timeoutMs ?? 30000;
    this.proxy = resolveProxy(this.baseUrl, options.env ?? process.env, options.proxy);
    const target = {
      protocol: this.baseUrl.protocol as 'http:' | 'https:',
      host: this.baseUrl.hostname.replace(/^\[|\]$/g, ''),
      port: Number(this.baseUrl.port || (this.baseUrl.protocol === 'https:' ? 443 : 80)),
    };
    // Node's own keep-alive pool over our dial (TLS trust and proxy tunnel): undici would add ~18 MB of
    // RSS and ~800 KB of bundle for what this already does (measured; see the closing note of issue 4).
    const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 10000, maxSockets: 16, maxFreeSockets: 4, timeout: 60000 });
    (agent as unknown as { createConnection: (o: unknown, cb: (e: Error | null, s?: net.Socket) => void) => undefined }).createConnection = (_o, callback) => {
      dial(target, { trust: options.trust, proxy: this.proxy, timeoutMs: this.timeoutMs }).then(
        (socket) => callback(null, socket),
        (e: Error) => callback(e),
      );
      return undefined;
    };
    this.agent = agent;
  }

  /**
   * The cookie jar, made on first use: tough-cookie takes ~24 ms to load (measured), which the
   * extension should not pay at activation, before any server is contacted.
   */
  private get jar(): CookieJar {
    if (!this.jarValue) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred load, see above
      const { CookieJar: Jar } = require('tough-cookie') as typeof import('tough-cookie');
      this.jarValue = new Jar();
    }
    return this.jarValue;
  }

  /**
   * A session for another base URL on the same server (a Hub's API next to a user's server): the
   * same credentials, trust, proxy and log, and cookies of its own. Never for another origin.
   */
  sibling(baseUrl: string): HttpSession {
    const url = new URL(baseUrl);
    if (url.origin !== this.baseUrl.origin) throw new JupyterError(`Refusing to use the credentials of ${this.baseUrl.origin} for ${url.origin}.`);
    return new HttpSession({ ...this.options, baseUrl: url.toString(), credentials: { ...this.credentials } });
  }

  get authKind(): 'token' | 'password' | 'none' {
    if (this.credentials.token) return 'token';
    if (this.credentials.password) return 'password';
    return 'none';
  }

  /** Whether requests go through a proxy (for the log and `check`). */
  get proxied(): boolean {
    return !!this.proxy;
  }

  /** A URL on this server: `api/kernels` is relative to the base URL, `/hub/api` to the origin. */
  url(path: string): URL {
    return new URL(path.startsWith('/') ? path.replace(/^\/+/, '/') : path, this.baseUrl);
  }

  /**
   * Sends one request and returns whatever the server answered (status checks are the caller's).
   * Handles login, `_xsrf`, and one retry after refreshing an expired login or XSRF cookie.
   */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const authenticate = options.authenticate !== false;
    if (authenticate) this.assertSecretsMayTravel();
    if (authenticate && this.authKind === 'password' && !this.loggedIn) await this.login(options.signal);
    if (authenticate && this.authKind !== 'token' && UNSAFE_METHODS.has(method)) await this.ensureXsrf(options.signal);

    let res = await this.send(method, path, options);
    if (!authenticate || this.authKind === 'token' || res.status !== 403) return res;

    // Cookie-authenticated request refused: an XSRF cookie the server no longer accepts, or an expired login.
    if (isXsrfRefusal(res)) {
      this.log.debug(`${method} ${this.redactedPath(path)}: XSRF refused, fetching a new _xsrf cookie`);
      await this.refreshXsrf(options.signal);
      res = await this.send(method, path, options);
      if (res.status === 403 && isXsrfRefusal(res)) {
        throw new XsrfError(`The server refused ${method} ${this.redactedPath(path)} for its XSRF check even with a fresh _xsrf cookie; check that no proxy strips cookies.`);
      }
      return res;
    }
    if (this.authKind === 'password') {
      this.log.info('The login session expired or the server restarted; logging in again');
      this.loggedIn = false;
      await this.login(options.signal);
      if (UNSAFE_METHODS.has(method)) await this.ensureXsrf(options.signal);
      res = await this.send(method, path, options);
    }
    return res;
  }

  /** The password login form (PROTOCOL.md §2.2): `_xsrf` cookie and field, cookie read off the 302. */
  async login(signal?: AbortSignal): Promise<void> {
    if (!this.loginPromise) {
      this.loginPromise = this.doLogin(signal).finally(() => {
        this.loginPromise = undefined;
      });
    }
    return this.loginPromise;
  }

  private async doLogin(signal?: AbortSignal): Promise<void> {
    const password = this.credentials.password ?? this.credentials.token;
    if (!password) throw new AuthError('This server needs a password or a token.', 'credentials-needed');
    this.assertSecretsMayTravel();
    const page = await this.send('GET', 'login', { signal, authenticate: false });
    if (page.status === 302 || page.status === 301) {
      this.loggedIn = true; // no login on this server
      return;
    }
    const xsrf = this.xsrfCookie() ?? /name="_xsrf" value="([^"]+)"/.exec(page.text())?.[1];
    const next = `${this.baseUrl.pathname}api/status`;
    const res = await this.send('POST', `login?next=${encodeURIComponent(next)}`, {
      signal,
      authenticate: false,
      form: { password, ...(xsrf ? { _xsrf: xsrf } : {}) },
      headers: xsrf ? { 'X-XSRFToken': xsrf } : {},
    });
    if (res.status === 302 || res.status === 303) {
      this.loggedIn = true;
      this.log.info(`Logged in to ${this.baseUrl.origin}${this.baseUrl.pathname}`);
      return;
    }
    if (res.status === 401 || (res.status === 200 && /Invalid credentials/i.test(res.text()))) {
      throw new AuthError('The server rejected the password: check it and try again.', 'password-rejected', res.status);
    }
    if (res.status === 403) {
      throw new XsrfError('The login form was refused for its XSRF check; the server may need a newer client, or a proxy is stripping cookies.');
    }
    throw new AuthError(`Logging in failed: the server answered HTTP ${res.status} to the login form.`, 'forbidden', res.status);
  }

  /** Forgets the login (an expired session seen elsewhere, e.g. a refused WebSocket) and logs in again. */
  async relogin(signal?: AbortSignal): Promise<void> {
    if (this.authKind !== 'password') return;
    this.loggedIn = false;
    await this.login(signal);
  }

  /** Headers for the kernel WebSocket upgrade: the same credentials as REST. */
  async websocketHeaders(url: URL, signal?: AbortSignal): Promise<Record<string, string>> {
    this.assertSecretsMayTravel();
    if (this.authKind === 'password' && !this.loggedIn) await this.login(signal);
    const headers: Record<string, string> = { 'User-Agent': USER_AGENT };
    if (this.credentials.token) headers.Authorization = `token ${this.credentials.token}`;
    const cookies = await this.cookieHeader(url.toString().replace(/^ws/, 'http'));
    if (cookies) headers.Cookie = cookies;
    return headers;
  }

  /** Opens a socket to this server with its trust and proxy rules (for the WebSocket client). */
  connectSocket(timeoutMs = this.timeoutMs): Promise<net.Socket> {
    return dial(
      {
        protocol: this.baseUrl.protocol as 'http:' | 'https:',
        host: this.baseUrl.hostname.replace(/^\[|\]$/g, ''),
        port: Number(this.baseUrl.port || (this.baseUrl.protocol === 'https:' ? 443 : 80)),
      },
      { trust: this.options.trust, proxy: this.proxy, timeoutMs },
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.agent.destroy();
  }

  /**
   * The Cookie header for a URL. Until a server has set a cookie there is no jar to read, and none is
   * made: a token session that never gets one (a kernel attached over a token) never loads tough-cookie
   * (~20 ms of a cold attach, measured).
   */
  private async cookieHeader(url: string): Promise<string> {
    return this.jarValue ? this.jarValue.getCookieString(url) : '';
  }

  private xsrfCookie(): string | undefined {
    return this.jarValue?.getCookiesSync(this.baseUrl.toString()).find((c) => c.key === '_xsrf')?.value;
  }

  private async ensureXsrf(signal?: AbortSignal): Promise<void> {
    if (!this.xsrfCookie()) await this.refreshXsrf(signal);
  }

  /** Pages that render a form set `_xsrf`: `login` on password servers, the root on no-auth ones, `tree` on notebook 6. */
  private async refreshXsrf(signal?: AbortSignal): Promise<void> {
    for (const page of ['login', '', 'tree']) {
      await this.send('GET', page, { signal });
      if (this.xsrfCookie()) return;
    }
    this.log.warn('The server set no _xsrf cookie; writes may be refused');
  }

  /** Refuses to send a secret over plain http to another machine without consent. */
  private assertSecretsMayTravel(): void {
    const hasSecret = !!(this.credentials.token || this.credentials.password);
    if (hasSecret && this.baseUrl.protocol === 'http:' && !isLoopbackHost(this.baseUrl.hostname) && !this.options.allowInsecureHttp) {
      throw new InsecureTransportError(
        `${this.baseUrl.host} is reached over plain http, so your token or password would cross the network unencrypted: ` +
          'use https, an SSH tunnel to localhost, or confirm that you accept this.',
      );
    }
  }

  private redactedPath(path: string): string {
    return path.split('?')[0];
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<HttpResponse> {
    if (this.closed) throw new AbortedError('This connection was closed.');
    const url = this.url(path);
    if (url.origin !== this.baseUrl.origin) throw new JupyterError(`Refusing to send a request for ${url.origin} through the session of ${this.baseUrl.origin}.`);
    const authenticate = options.authenticate !== false;
    const headers: Record<string, string> = { 'User-Agent': USER_AGENT, Accept: 'application/json, text/html;q=0.5, */*;q=0.1', ...options.headers };
    let body: string | undefined;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['Content-Type'] = 'application/json';
    } else if (options.form) {
      body = new URLSearchParams(options.form).toString();
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    }
    if (authenticate && this.credentials.token) headers.Authorization = `token ${this.credentials.token}`;
    // Cookies always travel to this server (the login form needs its _xsrf cookie); the jar is this server's alone.
    const cookies = await this.cookieHeader(url.toString());
    if (cookies) headers.Cookie = cookies;
    const xsrf = this.xsrfCookie();
    // On every method: jupyter_server 2 checks it on cookie-authenticated GETs of /files/ too (or wants a same-origin Referer).
    if (xsrf && !headers['X-XSRFToken']) headers['X-XSRFToken'] = xsrf;

    const timeoutMs = options.idleTimeoutMs ?? options.timeoutMs ?? this.timeoutMs;
    const watch = options.idleTimeoutMs !== undefined ? idleWatch(options.idleTimeoutMs) : { signal: AbortSignal.timeout(timeoutMs), touch: () => undefined, hold: () => undefined, stop: () => undefined };
    const timeout = watch.signal;
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const started = Date.now();
    const maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
    let res: http.IncomingMessage;
    let buffer: Buffer;
    try {
      try {
        [res, buffer] = await this.exchange(method, url, headers, body, signal, maxBytes, options, watch);
      } catch (e) {
        // A kept-alive connection that died while idle (the server closed it, a laptop slept, the
        // network dropped): the request went nowhere, so it is sent once more on a fresh connection.
        if (!isStaleConnection(e) || signal.aborted) throw e;
        this.log.debug(`${method} ${url.pathname}: the kept-alive connection had closed; sending again on a new one`);
        [res, buffer] = await this.exchange(method, url, headers, body, signal, maxBytes, options, watch);
      }
    } catch (e) {
      throw await this.describeFailure(e, method, url, timeout, timeoutMs, options.signal, options.idleTimeoutMs !== undefined);
    } finally {
      watch.stop();
    }
    const setCookie = res.headers['set-cookie'];
    for (const c of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
      try {
        await this.jar.setCookie(c, url.toString());
      } catch {
        this.log.debug(`Ignored a cookie the server set for another scope on ${url.pathname}`);
      }
    }
    this.log.trace(`${method} ${url.pathname} → ${res.statusCode} (${Date.now() - started} ms, ${buffer.length} bytes)`);
    const responseHeaders = res.headers as Record<string, string | string[] | undefined>;
    return {
      status: res.statusCode ?? 0,
      headers: responseHeaders,
      body: buffer,
      url: url.toString(),
      method,
      text: () => buffer.toString('utf8'),
      header: (name) => {
        const v = responseHeaders[name.toLowerCase()];
        return Array.isArray(v) ? v[0] : v;
      },
    };
  }

  /** One HTTP exchange on the pool: the status line, headers and whole body, or the error. */
  private exchange(method: string, url: URL, headers: Record<string, string>, body: string | undefined, signal: AbortSignal, maxBytes: number, { onData, streamTo }: Pick<RequestOptions, 'onData' | 'streamTo'>, idle: IdleWatch): Promise<[http.IncomingMessage, Buffer]> {
    return new Promise((resolve, reject) => {
      if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));
      // A ClientRequest made directly, not http.request: inside VS Code that one is replaced for
      // extensions and would swap our agent (verified TLS, our proxy tunnel) for its own (./unpatched/http.ts).
      const req = new http.ClientRequest({
        agent: this.agent,
        protocol: 'http:', // the agent's dial brings TLS itself for https servers
        host: this.baseUrl.hostname.replace(/^\[|\]$/g, ''),
        port: Number(this.baseUrl.port || (this.baseUrl.protocol === 'https:' ? 443 : 80)),
        method,
        path: url.pathname + url.search,
        headers: { Host: url.host, ...headers },
        signal,
      });
      let answered = false;
      req.once('error', (e: Error & { staleConnection?: boolean }) => {
        // Failed on a reused pooled socket before any answer: the connection was already dead.
        if (req.reusedSocket && !answered) e.staleConnection = true;
        reject(e);
      });
      req.once('response', (res) => {
        answered = true;
        idle.touch();
        if (streamTo && res.statusCode === 200) {
          let failed = false;
          let lastWrite: Promise<void> = Promise.resolve();
          res.on('data', (chunk: Buffer) => {
            idle.touch();
            const written = streamTo(chunk);
            if (!written) return;
            res.pause();
            idle.hold();
            lastWrite = written.then(
              () => {
                idle.touch();
                res.resume();
              },
              (e: unknown) => {
                failed = true;
                res.destroy();
                reject(e);
              },
            );
          });
          res.once('error', (e) => failed || reject(e));
          res.once('end', () => void lastWrite.then(() => failed || resolve([res, Buffer.alloc(0)])));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          idle.touch();
          size += chunk.length;
          if (size > maxBytes) {
            res.destroy();
            reject(new ResponseTooLargeError(`The server's answer to ${method} ${url.pathname} is larger than ${formatBytes(maxBytes)}.`, maxBytes));
            return;
          }
          chunks.push(chunk);
          onData?.(chunk);
        });
        res.once('error', reject);
        res.once('end', () => resolve([res, Buffer.concat(chunks)]));
      });
      req.end(body);
    });
  }

  private async describeFailure(e: unknown, method: string, url: URL, timeout: AbortSignal, timeoutMs: number, callerSignal?: AbortSignal, idle = false): Promise<Error> {
    if (e instanceof JupyterError) return e;
    if (callerSignal?.aborted) return new AbortedError(`${method} ${url.pathname} was cancelled.`);
    if (timeout.aborted && idle) return new TimeoutError(`${url.host} sent nothing for ${Math.round(timeoutMs / 1000)} s in answer to ${method} ${url.pathname}: check that the server is running and reachable.`);
    if (timeout.aborted) return new TimeoutError(`${url.host} did not answer ${method} ${url.pathname} within ${Math.round(timeoutMs / 1000)} s: check that the server is running and reachable.`);
    const described = await toConnectionError(e, url, this.options.trust);
    this.log.debug(`${method} ${url.pathname} failed: ${(e as Error)?.message ?? String(e)} → ${described.message}`);
    return described;
  }
}

interface IdleWatch {
  /** Aborts once the watch runs out. */
  signal: AbortSignal;
  /** Something arrived: the wait starts again. */
  touch(): void;
  /** We are the ones waiting (a slow sink): no deadline until the next touch. */
  hold(): void;
  stop(): void;
}

/** A deadline that moves forward each time something arrives. */
function idleWatch(ms: number): IdleWatch {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const hold = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  const touch = () => {
    hold();
    if (!controller.signal.aborted) timer = setTimeout(() => controller.abort(new Error('idle')), ms).unref();
  };
  touch();
  return { signal: controller.signal, touch, hold, stop: hold };
}


/** 403 for XSRF: "'_xsrf' argument missing"; on a 2.x GET that lacks it, "Blocking request from unknown origin". */
function isXsrfRefusal(res: HttpResponse): boolean {
  return /xsrf|Blocking request from unknown origin/i.test(res.text().slice(0, 4000));
}

/** A request that failed on a kept-alive socket before any answer came, with a reset or hang-up. */
function isStaleConnection(e: unknown): boolean {
  const err = e as NodeJS.ErrnoException & { staleConnection?: boolean };
  return err?.staleConnection === true && (['ECONNRESET', 'EPIPE', 'ECONNABORTED'].includes(err.code ?? '') || /socket hang up/i.test(err.message ?? ''));
}
