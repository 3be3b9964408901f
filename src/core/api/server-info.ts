import { AuthError, HttpResponse, HttpSession, HubServerStoppedError, NotJupyterError } from '../http';
import { hubRootOf } from './hub';
import { expectStatus, hubRedirect, isObject, jsonBody, optionalNumber, optionalString, reasonOf } from './validate';

export type Flavor = 'jupyter-server' | 'notebook' | 'jupyterhub' | 'jupyterhub-singleuser' | 'kernel-gateway' | 'enterprise-gateway';
/** What the server wants from us. */
export type AuthKind = 'token' | 'password' | 'password-or-token' | 'none' | 'hub-token';

export interface ServerInfo {
  baseUrl: string;
  flavor: Flavor;
  version: string;
  /** What the server asks for. */
  auth: AuthKind;
  /** Our credentials were accepted (or none are needed). */
  authenticated: boolean;
  hubVersion?: string;
  /** For a Hub root: where a person creates an API token. */
  hubTokenUrl?: string;
  status?: { started?: string; lastActivity?: string; kernels?: number; connections?: number };
}

/** notebook ≤ 6 reports 4.x–6.x; jupyter_server (Lab 3+, Notebook 7) reports 0.x–2.x. */
function flavorOfVersion(version: string): Flavor {
  const major = Number(version.split('.')[0]);
  return major >= 4 && major <= 6 ? 'notebook' : 'jupyter-server';
}

function notJupyter(session: HttpSession, res: HttpResponse): NotJupyterError {
  const what = res.status === 200 ? 'a page that is not the Jupyter API' : `HTTP ${res.status}${reasonOf(res) ? ` (${reasonOf(res)})` : ''}`;
  return new NotJupyterError(
    `${session.baseUrl.toString()} does not look like a Jupyter server: ${session.baseUrl.pathname}api answered ${what}. Check the URL and its base_url (the path before /lab or /tree).`,
  );
}

/**
 * Works out what a server is and what it wants (PROTOCOL.md §2.3, §6, §7): flavour and version
 * from `GET api` (redirects not followed, so a Hub is not mistaken for a server), then whether our
 * credentials work from `GET api/status`, or else what the login page asks for.
 */
export async function probeServer(session: HttpSession, signal?: AbortSignal): Promise<ServerInfo> {
  const baseUrl = session.baseUrl.toString();
  // Only a token goes on this first request (gateways want it even on /api); a password waits for the login form.
  const api = await session.request('GET', 'api', { signal, authenticate: session.authKind === 'token' });

  const hubTarget = hubRedirect(api);
  if (hubTarget) return probeHubRedirect(session, hubTarget, signal);

  if (api.status === 401) {
    if (session.authKind === 'token') throw new AuthError('The server rejected the token (HTTP 401): check it, or create a new one.', 'token-rejected', 401);
    return { baseUrl, flavor: 'kernel-gateway', version: '', auth: 'token', authenticated: false };
  }
  if (api.status !== 200) throw notJupyter(session, api);
  let body;
  try {
    body = jsonBody(api, 'read the server version');
  } catch {
    throw notJupyter(session, api);
  }
  if (!isObject(body) || typeof body.version !== 'string') throw notJupyter(session, api);
  const version = body.version;
  const hubVersion = api.header('x-jupyterhub-version');
  if (hubVersion && session.baseUrl.pathname.endsWith('/hub/')) {
    // Asked for `…/hub/api` directly: the Hub's own API.
    return { baseUrl, flavor: 'jupyterhub', version, auth: 'hub-token', authenticated: false, hubVersion };
  }
  let flavor: Flavor = flavorOfVersion(version);
  if (typeof body.gateway_version === 'string') flavor = 'enterprise-gateway';
  if (hubVersion) flavor = 'jupyterhub-singleuser';

  const status = await session.request('GET', 'api/status', { signal });
  if (status.status === 200) {
    const info: ServerInfo = { baseUrl, flavor, version, auth: session.authKind === 'none' ? 'none' : session.authKind, authenticated: true };
    if (hubVersion) info.hubVersion = hubVersion;
    const s = jsonBody(status, 'read the server status');
    if (isObject(s)) {
      info.status = { started: optionalString(s, 'started'), lastActivity: optionalString(s, 'last_activity'), kernels: optionalNumber(s, 'kernels'), connections: optionalNumber(s, 'connections') };
    }
    return info;
  }
  if (status.status === 404 && flavor !== 'jupyterhub-singleuser') {
    // Kernel gateways have no /api/status (PROTOCOL.md §7): kernelspecs answers if our token (or none) is fine.
    const specs = await session.request('GET', 'api/kernelspecs', { signal });
    if (specs.status === 200) return { baseUrl, flavor: flavor === 'enterprise-gateway' ? flavor : 'kernel-gateway', version, auth: session.authKind === 'token' ? 'token' : 'none', authenticated: true };
  }
  if (status.status === 403 || status.status === 401) {
    if (session.authKind === 'token') {
      if (hubVersion) {
        const tokenPage = `${hubRootOf(session.baseUrl)}hub/token`;
        throw new AuthError(`The JupyterHub did not accept the token: it may have expired, or belong to another user. Create a new one at ${tokenPage}.`, 'token-rejected', status.status);
      }
      throw new AuthError('The server rejected the token: check it (it changes each time a server without a fixed token restarts), or run `jupyter server list` on the server to see the current one.', 'token-rejected', status.status);
    }
    if (session.authKind === 'password') throw new AuthError('The server refused the login session right after logging in: check the password.', 'password-rejected', status.status);
    const info: ServerInfo = { baseUrl, flavor, version, auth: flavor === 'jupyterhub-singleuser' ? 'hub-token' : await loginKind(session, signal), authenticated: false };
    if (hubVersion) info.hubVersion = hubVersion;
    return info;
  }
  expectStatus(status, [200], 'read the server status');
  throw notJupyter(session, status);
}

/** The login page's label says which: `Password:` or `Password or token:` (PROTOCOL.md §2.3). */
async function loginKind(session: HttpSession, signal?: AbortSignal): Promise<AuthKind> {
  const page = await session.request('GET', 'login', { signal, authenticate: false });
  const html = page.status === 200 ? page.text() : '';
  if (/Password or token/i.test(html) || /name="new_password"/.test(html)) return 'password-or-token';
  if (/type="password"/i.test(html)) return 'password';
  return 'token';
}

/** `GET api` redirected into `/hub/`: a Hub root, or a user's server that is not running. */
async function probeHubRedirect(session: HttpSession, target: string, signal?: AbortSignal): Promise<ServerInfo> {
  const baseUrl = session.baseUrl.toString();
  const targetUrl = new URL(target);
  const hubRoot = targetUrl.pathname.replace(/hub\/.*$/, '');
  const hubTokenUrl = new URL(`${hubRoot}hub/token`, targetUrl).toString();
  if (/\/user\/[^/]+\//.test(session.baseUrl.pathname)) {
    // A single-user path sent to the Hub: follow once, without credentials, to read why.
    const res = await session.request('GET', targetUrl.pathname + targetUrl.search, { signal, authenticate: false });
    if (res.status === 424 || res.status === 503 || hubRedirect(res)) {
      throw new HubServerStoppedError(
        `The JupyterHub server at ${baseUrl} is not running: start it from the Hub (${new URL(`${hubRoot}hub/home`, targetUrl).toString()}), then connect again.`,
        new URL(hubRoot, targetUrl).toString(),
      );
    }
    if (res.status === 404) throw new NotJupyterError(`The JupyterHub at ${new URL(hubRoot, targetUrl).toString()} has no user or server at ${session.baseUrl.pathname}: check the user name in the URL.`);
  }
  const hubApi = await session.request('GET', `${hubRoot}hub/api`, { signal, authenticate: false });
  let version = '';
  if (hubApi.status === 200) {
    const body = jsonBody(hubApi, 'read the Hub version');
    if (isObject(body) && typeof body.version === 'string') version = body.version;
  }
  return { baseUrl: new URL(hubRoot, targetUrl).toString(), flavor: 'jupyterhub', version, auth: 'hub-token', authenticated: false, hubVersion: version, hubTokenUrl };
}
