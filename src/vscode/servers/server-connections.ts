import { readFile } from 'node:fs/promises';
import { getIdentity, hubRootOf, hubServers, hubTokenExpiry, hubWhoAmI, listKernelSpecs, listKernels, probeServer } from '../../core/api';
import { parseServerText } from '../../core/servers';
import type { Identity, JsonObject, KernelModel, KernelSpecs, ServerInfo } from '../../core/api';
import { AuthError, HttpSession, HubServerStoppedError, JupyterError, TlsError } from '../../core/http';
import { Emitter } from '../../core/util/events';
import { Logger, Redactor } from '../../core/util/logger';
import { ServerRecord, ServerSecret, ServerStore } from './server-store';

/** What every session to a server is made with, besides the server's own record. */
export interface SessionContext {
  logger: Logger;
  /** Every secret a session is given is registered here, so no log line or message shows it. */
  redactor: Redactor;
  env?: NodeJS.ProcessEnv;
  /** `http.proxy` when set. */
  proxy?: string | null;
}

/** An HttpSession to a stored (or about to be stored) server, its secret registered for redaction. */
export function openSession(
  target: Pick<ServerRecord, 'baseUrl' | 'fingerprint' | 'allowInsecureHttp'> & { secret: ServerSecret; ca?: Buffer },
  context: SessionContext,
): HttpSession {
  context.redactor.add(target.secret.token);
  context.redactor.add(target.secret.password);
  return new HttpSession({
    baseUrl: target.baseUrl,
    credentials: { token: target.secret.token, password: target.secret.password },
    trust: { ca: target.ca, fingerprint: target.fingerprint },
    proxy: context.proxy,
    env: context.env,
    allowInsecureHttp: target.allowInsecureHttp,
    logger: context.logger,
    redactor: context.redactor,
  });
}

/** A server's CA bundle, or one sentence saying why it cannot be read. */
export async function readCaFile(file: string, server: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (e) {
    throw new JupyterError(`Cannot read the CA file ${file} for ${server}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`);
  }
}

/** What the Hub says of a user's server we are connected to: whose and which it is, the options it was started with, when the token expires (best effort: never fails a check). */
export interface HubServerFacts {
  hubUrl: string;
  user: string;
  serverName: string;
  userOptions?: JsonObject;
  tokenExpiresAt?: string;
}

/**
 * The Hub's word on the user's server we are connected to. Whose and which server it is comes from its
 * address (`/user/NAME/SERVER/`), not from the token: an admin's token may open another person's server.
 */
async function hubFacts(session: HttpSession, signal: AbortSignal): Promise<HubServerFacts | undefined> {
  const hubUrl = hubRootOf(session.baseUrl);
  const owned = parseServerText(session.baseUrl.toString()).servers[0]?.hub;
  if (!owned?.user) return undefined;
  const hub = session.sibling(hubUrl);
  try {
    const user = await hubWhoAmI(hub, signal);
    const serverName = owned.serverName ?? '';
    const server = (user.name === owned.user ? user.servers : await hubServers(hub, owned.user, signal).catch(() => [])).find((s) => s.name === serverName);
    const expiry = await hubTokenExpiry(hub, user.name, signal).catch(() => ({ expiresAt: undefined }));
    return {
      hubUrl,
      user: owned.user,
      serverName,
      ...(server?.userOptions ? { userOptions: server.userOptions } : {}),
      ...(expiry.expiresAt ? { tokenExpiresAt: expiry.expiresAt } : {}),
    };
  } catch {
    return undefined;
  } finally {
    await hub.close();
  }
}

/** What the status bar shows for a server. */
/** `untrusted`: the server's certificate is not trusted (self-signed and never pinned, or changed since). */
export type ServerState = 'unchecked' | 'connecting' | 'connected' | 'unreachable' | 'auth-needed' | 'stopped' | 'untrusted';

export interface ServerStatus {
  state: ServerState;
  /** Why it is unreachable or needs a login: one sentence, no secret. */
  message?: string;
  info?: ServerInfo;
  specs?: KernelSpecs;
  /** Kernels running on the server when it was last checked (to attach to). */
  kernels?: KernelModel[];
  /** A JupyterHub token's expiry, when the Hub lets it be known (ISO time). */
  tokenExpiresAt?: string;
  /** A JupyterHub user's server: the Hub's word on it. */
  hub?: HubServerFacts;
  /** Who the server thinks we are and what we may do (jupyter_server ≥ 2). */
  identity?: Identity;
}

export interface ServerConnectionsOptions {
  logger: Logger;
  redactor: Redactor;
  env?: NodeJS.ProcessEnv;
  /** `http.proxy` from the settings, read each time a session is made. */
  proxy?: () => string | null | undefined;
  /** How long a check may take before the server counts as unreachable (default 15 s). */
  checkTimeoutMs?: number;
}

/**
 * The live side of the stored servers: one HttpSession per server (built from its record and its
 * secret), and what the last check found (reachable? which kernel types?). Checks run lazily and
 * in parallel; a dead server times out without holding up the others. A server removed from the
 * store has its session closed, so nothing can send it another request.
 */
export class ServerConnections {
  private readonly sessions = new Map<string, Promise<HttpSession>>();
  private readonly statuses = new Map<string, ServerStatus>();
  private readonly checks = new Map<string, Promise<ServerStatus>>();
  private readonly changed = new Emitter<string>();
  /** Fires with a server id when its status changed. */
  readonly onDidChange = this.changed.event;
  private readonly storeListener: { dispose(): void };
  private disposed = false;

  constructor(
    private readonly store: ServerStore,
    private readonly options: ServerConnectionsOptions,
  ) {
    this.storeListener = store.onDidChange(() => this.dropRemoved());
  }

  status(id: string): ServerStatus {
    return this.statuses.get(id) ?? { state: 'unchecked' };
  }

  /** The session for a stored server, made on first use. */
  session(id: string): Promise<HttpSession> {
    if (this.disposed) return Promise.reject(new JupyterError('Jupyter Remote is shutting down.'));
    let session = this.sessions.get(id);
    if (!session) {
      session = this.createSession(id);
      this.sessions.set(id, session);
      session.catch(() => this.sessions.delete(id));
    }
    return session;
  }

  /**
   * Takes over a session that just connected (Connect to Server) and lists what the server offers:
   * it is neither logged in nor probed a second time.
   */
  adopt(record: ServerRecord, session: HttpSession, info: ServerInfo): Promise<ServerStatus> {
    const old = this.sessions.get(record.id);
    this.sessions.set(record.id, Promise.resolve(session));
    if (old) void old.then((s) => (s === session ? undefined : s.close())).catch(() => undefined);
    return this.track(record.id, this.runCheck(record.id, info));
  }

  /**
   * Checks a server: reachable, logged in, its kernel types and running kernels. Concurrent calls
   * share one check; `force` starts a new one (Reconnect).
   */
  check(id: string, force = false): Promise<ServerStatus> {
    const running = this.checks.get(id);
    if (running && !force) return running;
    return this.track(id, this.runCheck(id));
  }

  /** Makes `check` share a check in flight. */
  private track(id: string, running: Promise<ServerStatus>): Promise<ServerStatus> {
    const check = running.finally(() => {
      if (this.checks.get(id) === check) this.checks.delete(id);
    });
    this.checks.set(id, check);
    return check;
  }

  /**
   * Forgets a server's session (Reconnect): the next use logs in afresh. The old session is not
   * closed: kernels already running on it keep using it (their WebSockets reconnect through it).
   */
  reset(id: string): void {
    this.sessions.delete(id);
    this.statuses.delete(id);
    this.checks.delete(id);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.storeListener.dispose();
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    this.changed.dispose();
    await Promise.all(sessions.map((s) => s.then((x) => x.close()).catch(() => undefined)));
  }

  /** Probes the server (unless `known` says what it is) and lists its kernel types and running kernels. */
  private async runCheck(id: string, known?: ServerInfo): Promise<ServerStatus> {
    const previous = this.statuses.get(id);
    this.setStatus(id, { ...previous, state: 'connecting', message: undefined });
    const signal = AbortSignal.timeout(this.options.checkTimeoutMs ?? 15000);
    let status: ServerStatus;
    try {
      const session = await this.session(id);
      const info = known ?? (await probeServer(session, signal));
      if (!info.authenticated) {
        status = { state: 'auth-needed', info, message: 'The server wants a login that is not stored: connect to it again.' };
      } else {
        const [specs, kernels, hub, identity] = await Promise.all([
          listKernelSpecs(session, signal),
          listKernels(session, signal).catch(() => []),
          info.flavor === 'jupyterhub-singleuser' && session.authKind === 'token' ? hubFacts(session, signal) : undefined,
          getIdentity(session, signal).catch(() => undefined),
        ]);
        const tokenExpiresAt = hub?.tokenExpiresAt;
        status = { state: 'connected', info, specs, kernels, ...(tokenExpiresAt ? { tokenExpiresAt } : {}), ...(hub ? { hub } : {}), ...(identity ? { identity } : {}) };
      }
    } catch (e) {
      const message = e instanceof Error && e.name === 'TimeoutError' ? 'The server did not answer in time.' : e instanceof JupyterError ? e.message : String(e);
      const state: ServerState =
        e instanceof AuthError ? 'auth-needed' : e instanceof HubServerStoppedError ? 'stopped' : e instanceof TlsError && e.fingerprint ? 'untrusted' : 'unreachable';
      status = { state, message: this.options.redactor.redact(message), specs: previous?.specs };
      this.options.logger.warn(`Server check failed: ${status.message}`);
    }
    if (!this.store.get(id)) return { state: 'unchecked' }; // removed while checking
    this.setStatus(id, status);
    return status;
  }

  private async createSession(id: string): Promise<HttpSession> {
    const record = this.store.get(id);
    if (!record) throw new JupyterError('This server was removed.');
    const secret = (await this.store.secret(id)) ?? {};
    if (record.auth !== 'none' && !secret.token && !secret.password) {
      throw new AuthError(`The ${record.auth} for ${record.name} is not in the keychain any more: connect to it again.`, 'credentials-needed');
    }
    const credentials = record.auth === 'token' ? { token: secret.token } : record.auth === 'password' ? { password: secret.password } : {};
    const ca = record.caFile ? await readCaFile(record.caFile, record.name) : undefined;
    return openSession({ ...record, secret: credentials, ca }, { ...this.options, proxy: this.options.proxy?.() ?? undefined });
  }

  private setStatus(id: string, status: ServerStatus): void {
    this.statuses.set(id, status);
    this.changed.fire(id);
  }

  private dropRemoved(): void {
    const known = new Set(this.store.list().map((s) => s.id));
    for (const id of [...this.sessions.keys(), ...this.statuses.keys()]) {
      if (known.has(id)) continue;
      const session = this.sessions.get(id);
      this.sessions.delete(id);
      this.statuses.delete(id);
      this.checks.delete(id);
      if (session) void session.then((s) => s.close()).catch(() => undefined);
      this.changed.fire(id);
    }
  }
}
