import { hubWhoAmI, probeServer, startHubServer } from '../../core/api';
import type { HubServer, ServerInfo } from '../../core/api';
import { AuthError, HttpSession, HubServerStoppedError, InsecureTransportError, JupyterError, TlsError } from '../../core/http';
import { ServerAddress, isLoopbackHost, parseServerText, redactForMessage } from '../../core/servers';
import { startWithChoice, type HubStartMemory, type HubStartUi } from './hub-start';
import { SessionContext, openSession, readCaFile } from './server-connections';
import { ServerAuth, ServerRecord, ServerSecret, ServerStore } from './server-store';

/**
 * "Connect to Server" as a sequence of questions, asked only when the server needs the answer.
 * The questions go through `ConnectUi` (input boxes and quick picks in VS Code, a script in tests),
 * so the whole flow runs against real servers in plain Node.
 */
export interface ConnectUi extends HubStartUi {
  /** Several servers in the paste: which one. */
  pickServer(servers: ServerAddress[]): Promise<ServerAddress | undefined>;
  askSecret(request: SecretRequest): Promise<string | undefined>;
  /** A certificate Node does not trust: show its fingerprint; true pins it for this server only. */
  trustCertificate(request: CertificateRequest): Promise<boolean>;
  /** A secret would travel over plain http to another machine. */
  allowInsecureHttp(host: string): Promise<boolean>;
  askName(suggested: string): Promise<string | undefined>;
  /** A JupyterHub user with several servers (default and named): which one. */
  pickHubServer(user: string, servers: HubServer[]): Promise<HubServer | undefined>;
  /** Runs network work with visible progress (`report` updates its message) and a cancel button. */
  progress<T>(title: string, work: (signal: AbortSignal, report: (message: string) => void) => Promise<T>): Promise<T>;
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
  /** The options each Hub server was last started with, offered first next time. */
  hubStarts?: HubStartMemory;
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
  throw new ConnectError('No Jupyter server address was found in that text. Paste a URL such as http://host:8888/?token=YOUR_TOKEN, or the output of `jupyter server list`.');
}

/**
 * Connects to the server the pasted text names, asking only for what is missing, and saves it.
 * Resolves undefined when the person cancels a question; throws ConnectError (or another
 * JupyterError) when the server cannot be used.
 */
export async function connectToServer(text: string, deps: ConnectDeps): Promise<Connected | undefined> {
  const { ui, store, logger } = deps;
  const servers = serversInPaste(text);
  let address = servers.length === 1 ? servers[0] : await ui.pickServer(servers);
  if (!address) return undefined;
  if (address.kind === 'unix-socket') throw new ConnectError(address.warnings[0] ?? 'A server on a unix socket can only be reached on its own machine.');
  let hubToken: string | undefined;
  if (address.kind === 'jupyterhub') {
    const chosen = await chooseHubServer(address, deps);
    if (!chosen) return undefined;
    [address, hubToken] = [chosen.address, chosen.token];
  }

  const display = defaultServerName(address);
  const existing = store.findByBaseUrl(address.baseUrl);
  const stored = existing ? await store.secret(existing.id) : undefined;
  const secret: ServerSecret = {};
  if (address.token ?? hubToken) secret.token = address.token ?? hubToken;
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
      if (e instanceof HubServerStoppedError) {
        // A Hub user's server that is not running: start it through the Hub with the same token. The Hub's
        // address comes from the server's redirect; the token goes only to the origin it was given for
        // (as the CLI's HttpSession.sibling), so a redirect elsewhere is refused before anything is asked.
        const hubOrigin = new URL(e.hubUrl).origin;
        if (hubOrigin !== new URL(address.baseUrl).origin) {
          throw new ConnectError(`${display} is not running and points to a Hub at another address (${redactForMessage(hubOrigin)}), which is not sent your token: start the server from that Hub's home page, then connect again.`);
        }
        if (!secret.token) {
          const token = await ui.askSecret({ kind: 'hub-token', server: display, reason: `Starting it needs a JupyterHub API token: create one at ${e.hubUrl}hub/token.` });
          if (token === undefined) return undefined;
          secret.token = token.trim();
        }
        const hub = openSession({ baseUrl: e.hubUrl, secret, ca, fingerprint, allowInsecureHttp }, deps);
        try {
          const owner = address.hub?.user ?? (await hubWhoAmI(hub)).name;
          const started = await startWithChoice(hub, { user: owner, serverName: address.hub?.serverName ?? '', label: display }, ui, deps.hubStarts);
          if (!started) return undefined;
        } finally {
          await hub.close();
        }
        continue;
      }
      if (e instanceof InsecureTransportError) {
        if (!(await ui.allowInsecureHttp(address.host))) return undefined;
        allowInsecureHttp = true;
        continue;
      }
      if (e instanceof AuthError && (e.problem === 'token-rejected' || e.problem === 'password-rejected')) {
        const kind = e.problem === 'password-rejected' ? 'password' : address.kind === 'jupyterhub-singleuser' ? 'hub-token' : 'token';
        const answer = await ui.askSecret({ kind, server: display, reason: e.message });
        if (answer === undefined) return undefined;
        setSecret(secret, kind === 'password' ? 'password' : 'token', answer);
        continue;
      }
      throw e;
    }

    if (info.flavor === 'jupyterhub') {
      await session.close();
      throw new ConnectError(`${redactForMessage(address.baseUrl)} is a JupyterHub: connect to ${redactForMessage(info.baseUrl)} to pick one of your servers on it.`);
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

/**
 * A pasted Hub root: asks for the person's Hub API token (saying where to make one), finds whose it
 * is and which servers they have, lets them pick one, starts it if it is not running, and resolves
 * that server's address with the token. Cookies and requests then go to the user's own path.
 */
async function chooseHubServer(hubAddress: ServerAddress, deps: ConnectDeps): Promise<{ address: ServerAddress; token: string } | undefined> {
  const { ui } = deps;
  const display = defaultServerName(hubAddress);
  const tokenPage = `${hubAddress.baseUrl}hub/token`;
  let token: string | undefined = hubAddress.token ?? undefined;
  let reason = `Create a token on the Hub's Token page (${tokenPage}) and paste it here.`;
  let fingerprint: string | undefined;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    if (!token) {
      const answer = await ui.askSecret({ kind: 'hub-token', server: display, reason });
      if (answer === undefined) return undefined;
      token = answer.trim();
    }
    const hub = openSession({ baseUrl: hubAddress.baseUrl, secret: { token }, fingerprint }, deps);
    try {
      const user = await ui.progress(`Connecting to ${display}`, (signal) => hubWhoAmI(hub, signal));
      if (user.kind !== 'user') throw new ConnectError(`That token belongs to the service "${user.name}", not to a person: create a token of your own at ${tokenPage}.`);
      const server = user.servers.length === 1 ? user.servers[0] : await ui.pickHubServer(user.name, user.servers);
      if (!server) return undefined;
      const label = `${user.name}${server.name ? `/${server.name}` : ''}`;
      let url = server.state === 'running' ? server.url : undefined;
      if (!url && server.state === 'starting') {
        // Started already (in the browser, another window): followed as it is, nothing to choose.
        url = await ui.progress(`Starting ${label} on the Hub`, (signal, report) =>
          startHubServer(hub, user.name, { serverName: server.name || undefined, signal, onProgress: (p) => p.message && report(p.message) }),
        );
      } else if (!url) {
        url = await startWithChoice(hub, { user: user.name, serverName: server.name, label }, ui, deps.hubStarts);
        if (!url) return undefined;
      }
      const [address] = parseServerText(url).servers;
      if (!address) throw new ConnectError(`The Hub gave an address that is not a server's: ${redactForMessage(url)}.`);
      return { address, token };
    } catch (e) {
      if (e instanceof AuthError) {
        token = undefined;
        reason = `The Hub did not accept that token (${e.message}). Create one at ${tokenPage}.`;
        continue;
      }
      if (e instanceof TlsError && e.fingerprint && !fingerprint) {
        if (!(await ui.trustCertificate({ server: display, fingerprint: e.fingerprint, subject: e.subject, changed: false }))) return undefined;
        fingerprint = e.fingerprint;
        continue;
      }
      throw e;
    } finally {
      await hub.close();
    }
  }
  throw new ConnectError(`Gave up connecting to the Hub at ${display} after ${MAX_ATTEMPTS} attempts.`);
}
