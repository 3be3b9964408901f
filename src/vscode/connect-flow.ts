import { probeServer } from '../core/api';
import type { ServerInfo } from '../core/api';
import { AuthError, HttpSession, InsecureTransportError, JupyterError, TlsError } from '../core/http';
import { ServerAddress, isLoopbackHost, parseServerText, redactForMessage } from '../core/servers';
import { SessionContext, openSession, readCaFile } from './server-connections';
import { ServerAuth, ServerRecord, ServerSecret, ServerStore } from './server-store';

/**
 * "Connect to Server" as a sequence of questions, asked only when the server needs the answer.
 * The questions go through `ConnectUi` (input boxes and quick picks in VS Code, a script in tests),
 * so the whole flow runs against real servers in plain Node.
 */
export interface ConnectUi {
  /** Several servers in the paste: which one. */
  pickServer(servers: ServerAddress[]): Promise<ServerAddress | undefined>;
  askSecret(request: SecretRequest): Promise<string | undefined>;
  /** A certificate Node does not trust: show its fingerprint; true pins it for this server only. */
  trustCertificate(request: CertificateRequest): Promise<boolean>;
  /** A secret would travel over plain http to another machine. */
  allowInsecureHttp(host: string): Promise<boolean>;
  askName(suggested: string): Promise<string | undefined>;
  /** Runs network work with visible progress and a cancel button. */
  progress<T>(title: string, work: (signal: AbortSignal) => Promise<T>): Promise<T>;
}

export interface SecretRequest {
  kind: 'token' | 'password' | 'password-or-token' | 'hub-token';
  /** The server, as the person knows it (no secret). */
  server: string;
  /** Why we ask again (the previous answer was refused), or why we ask at all. */
  reason?: string;
}

export interface CertificateRequest {
  server: string;
  fingerprint: string;
  subject?: string;
  /** The server presented a different certificate from the one trusted before. */
  changed: boolean;
}

export interface ConnectDeps extends SessionContext {
  ui: ConnectUi;
  store: ServerStore;
}

export interface Connected {
  record: ServerRecord;
  session: HttpSession;
  info: ServerInfo;
}

/** A failure to show as it is: one sentence saying what is wrong and what to do. */
export class ConnectError extends JupyterError {
  override readonly name: string = 'ConnectError';
}

const MAX_ATTEMPTS = 6;

/** `host:port/base_url` without scheme or trailing slash: the default display name. */
export function defaultServerName(address: Pick<ServerAddress, 'baseUrl'>): string {
  const url = new URL(address.baseUrl);
  return `${url.host}${url.pathname}`.replace(/\/$/, '');
}

/** The servers in a paste, or a ConnectError saying why there is none. */
export function serversInPaste(text: string): ServerAddress[] {
  const { servers, problems } = parseServerText(text);
  if (servers.length) return servers;
  if (problems.length) throw new ConnectError(problems[0]);
  throw new ConnectError('No Jupyter server address was found in that text. Paste a URL such as http://host:8888/?token=…, or the output of `jupyter server list`.');
}

/**
 * Connects to the server the pasted text names, asking only for what is missing, and saves it.
 * Resolves undefined when the person cancels a question; throws ConnectError (or another
 * JupyterError) when the server cannot be used.
 */
export async function connectToServer(text: string, deps: ConnectDeps): Promise<Connected | undefined> {
  const { ui, store, logger } = deps;
  const servers = serversInPaste(text);
  const address = servers.length === 1 ? servers[0] : await ui.pickServer(servers);
  if (!address) return undefined;
  if (address.kind === 'unix-socket') throw new ConnectError(address.warnings[0] ?? 'A server on a unix socket can only be reached on its own machine.');
  if (address.kind === 'jupyterhub') throw hubRootError(address.baseUrl);

  const display = defaultServerName(address);
  const existing = store.findByBaseUrl(address.baseUrl);
  const stored = existing ? await store.secret(existing.id) : undefined;
  const secret: ServerSecret = {};
  if (address.token) secret.token = address.token;
  else if (stored) Object.assign(secret, stored);
  let fingerprint = existing?.fingerprint;
  const caFile = existing?.caFile;
  let allowInsecureHttp = existing?.allowInsecureHttp ?? false;
  const ca = caFile ? await readCaFile(caFile, display) : undefined;

  if (address.tokenMasked && !secret.token && !secret.password) {
    const token = await ui.askSecret({ kind: 'token', server: display, reason: 'The pasted address hides its token (?token=...).' });
    if (token === undefined) return undefined;
    secret.token = token.trim();
  }

  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const hasSecret = !!(secret.token || secret.password);
    if (hasSecret && address.scheme === 'http' && !isLoopbackHost(address.host) && !allowInsecureHttp) {
      if (!(await ui.allowInsecureHttp(address.host))) return undefined;
      allowInsecureHttp = true;
    }
    const session = openSession({ baseUrl: address.baseUrl, secret, ca, fingerprint, allowInsecureHttp }, deps);
    let info: ServerInfo;
    try {
      info = await ui.progress(`Connecting to ${display}`, (signal) => probeServer(session, signal));
    } catch (e) {
      await session.close();
      if (e instanceof TlsError && e.fingerprint) {
        const changed = e.code === 'PIN_MISMATCH';
        logger.warn(`${display}: certificate not trusted (${e.code}), SHA-256 ${e.fingerprint}`);
        if (!(await ui.trustCertificate({ server: display, fingerprint: e.fingerprint, subject: e.subject, changed }))) return undefined;
        fingerprint = e.fingerprint;
        continue;
      }
      if (e instanceof InsecureTransportError) {
        if (!(await ui.allowInsecureHttp(address.host))) return undefined;
        allowInsecureHttp = true;
        continue;
      }
      if (e instanceof AuthError && (e.problem === 'token-rejected' || e.problem === 'password-rejected')) {
        const kind = e.problem === 'token-rejected' ? 'token' : 'password';
        const answer = await ui.askSecret({ kind, server: display, reason: e.message });
        if (answer === undefined) return undefined;
        setSecret(secret, kind, answer);
        continue;
      }
      throw e;
    }

    if (info.flavor === 'jupyterhub') {
      await session.close();
      throw hubRootError(address.baseUrl);
    }
    if (!info.authenticated) {
      await session.close();
      const kind = info.auth === 'none' ? 'token' : info.auth;
      const answer = await ui.askSecret({ kind, server: display, reason: hasSecret ? 'The server did not accept what was given.' : undefined });
      if (answer === undefined) return undefined;
      // A jupyter_server login form takes a token in its password field too: keep what was typed as a password.
      setSecret(secret, kind === 'token' || kind === 'hub-token' ? 'token' : 'password', answer);
      continue;
    }

    const name = existing?.name ?? (await ui.askName(display));
    if (name === undefined) {
      await session.close();
      return undefined;
    }
    const auth: ServerAuth = secret.token ? 'token' : secret.password ? 'password' : 'none';
    const kept: ServerSecret = auth === 'token' ? { token: secret.token } : auth === 'password' ? { password: secret.password } : {};
    const record = await store.add(
      { name: name.trim() || display, baseUrl: address.baseUrl, auth, ...(fingerprint ? { fingerprint } : {}), ...(caFile ? { caFile } : {}), ...(allowInsecureHttp ? { allowInsecureHttp } : {}) },
      kept,
    );
    await store.setActive(record.id);
    logger.info(`Connected to ${redactForMessage(address.baseUrl)} (${info.flavor} ${info.version}, ${auth === 'none' ? 'no login' : auth})`);
    return { record, session, info };
  }
  throw new ConnectError(`Gave up connecting to ${display} after ${MAX_ATTEMPTS} attempts.`);
}

function setSecret(secret: ServerSecret, kind: 'token' | 'password', value: string): void {
  delete secret.token;
  delete secret.password;
  secret[kind] = kind === 'token' ? value.trim() : value;
}

function hubRootError(baseUrl: string): ConnectError {
  return new ConnectError(
    `${redactForMessage(baseUrl)} is a JupyterHub's front page, not a notebook server: start your server on the Hub and paste its address (…/user/NAME/) with a token from the Hub's Token page.`,
  );
}
