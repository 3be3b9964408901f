import {
  ServerAddress,
  ServerKind,
  defaultPort,
  formatBaseUrl,
  isWildcardHost,
} from './server-address';

/** Path segments that belong to a server's UI or API, never to its base_url (PROTOCOL.md §1.5). */
const UI_ROUTES = new Set([
  'lab', 'tree', 'notebooks', 'edit', 'doc', 'terminals', 'login', 'logout', 'voila', 'view', 'files',
  'api', 'nbclassic', 'retro', 'consoles', 'nbconvert', 'kernelspecs', 'static', 'custom', 'nbextensions',
]);

export interface UrlContext {
  /**
   * The URL was printed by a server about itself (a `list` line, a log line, a runtime file).
   * Then `/user/NAME/` is simply its base_url, not evidence of a JupyterHub.
   */
  printedByServer?: boolean;
  /** The kind the surrounding text told (e.g. a `NotebookApp` log prefix). */
  kind?: ServerKind;
  /**
   * The path is exactly the server's base_url (a `jupyter server list` line prints its `url`):
   * `/team/lab/` is then a base_url, not the JupyterLab route under `/team/`.
   */
  pathIsBaseUrl?: boolean;
}

export type UrlParse = { ok: true; address: ServerAddress } | { ok: false; reason: string };

const MASKED_TOKENS = new Set(['...', '…', '<token>', '%3Ctoken%3E']);

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Normalises one URL as a person might paste it into the address of a server.
 * Accepts `http(s)://…`, `http+unix://…`, and scheme-less `host:port/…`.
 */
export function parseServerUrl(raw: string, context: UrlContext = {}): UrlParse {
  let text = raw.trim();
  if (!text) return { ok: false, reason: 'The address is empty.' };
  const schemeMatch = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  if (!schemeMatch) {
    text = (/^[^/?#]*:443(?:[/?#]|$)/.test(text) ? 'https://' : 'http://') + text;
  } else {
    const scheme = schemeMatch[1].toLowerCase();
    if (scheme === 'http+unix') return parseUnixSocketUrl(text);
    if (scheme !== 'http' && scheme !== 'https') {
      return {
        ok: false,
        reason: `${scheme}:// is not a Jupyter server address: Jupyter servers are reached over http:// or https://.`,
      };
    }
  }

  // WHATWG URL rejects IPv6 zone ids (`[fe80::1%25eth0]`): take the zone out and put it back after.
  let zone = '';
  text = text.replace(/^(https?:\/\/[^/?#]*\[[0-9a-f:.]+)%(?:25)?([\w.-]+)\]/i, (_m, head: string, z: string) => {
    zone = z;
    return `${head}]`;
  });

  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: `"${redactForMessage(raw)}" is not a valid URL.` };
  }
  const scheme = url.protocol === 'https:' ? 'https' : 'http';
  let host = url.hostname.replace(/^\[|\]$/g, '');
  if (zone) host = `${host}%${zone}`;
  if (!host) return { ok: false, reason: `"${redactForMessage(raw)}" has no host name.` };
  const port = url.port ? Number(url.port) : defaultPort(scheme);
  const warnings: string[] = [];

  if (url.username || url.password) {
    warnings.push('The user name and password written into the URL were ignored; you will be asked for what the server needs.');
  }
  if (isWildcardHost(host)) {
    warnings.push(
      `${host} is the address the server listens on, not one to connect to; 127.0.0.1 is used instead. ` +
        'If the server runs on another machine, use that machine\'s address.',
    );
    host = '127.0.0.1';
  }
  if (zone) warnings.push(`The IPv6 zone id %${zone} only makes sense on the machine that printed this address.`);

  const route = context.pathIsBaseUrl ? { baseSegments: url.pathname.split('/').filter((x) => x.length > 0) } : splitPath(url.pathname, !!context.printedByServer);
  const tokenParam = url.searchParams.get('token');
  const tokenMasked = tokenParam !== null && MASKED_TOKENS.has(tokenParam.trim());
  const token = tokenParam && !tokenMasked ? tokenParam : null;
  if (tokenMasked) {
    warnings.push(
      'The token is hidden in this address (?token=...): run `jupyter server list` on the server to see it, or enter it when asked.',
    );
  }

  const basePath = route.baseSegments.length ? `/${route.baseSegments.join('/')}/` : '/';
  const baseUrl = formatBaseUrl(scheme, host, port, basePath);
  let kind: ServerKind = context.kind ?? 'unknown';
  let hub: ServerAddress['hub'];
  if (route.hub) {
    const hubPath = route.hub.prefix.length ? `/${route.hub.prefix.join('/')}/` : '/';
    hub = { url: formatBaseUrl(scheme, host, port, hubPath) };
    if (route.hub.user !== undefined) hub.user = safeDecode(route.hub.user);
    if (route.hub.serverName !== undefined) hub.serverName = safeDecode(route.hub.serverName);
    kind = hub.user !== undefined ? 'jupyterhub-singleuser' : 'jupyterhub';
    if (kind === 'jupyterhub') {
      warnings.push(`This is a JupyterHub: connecting needs a Hub API token, which you can create at ${hub.url}hub/token.`);
    }
  }

  const address: ServerAddress = { baseUrl, scheme, host, port, basePath, token, tokenMasked, kind, warnings };
  if (hub) address.hub = hub;
  if (route.notebookPath) address.notebookPath = route.notebookPath;
  return { ok: true, address };
}

interface Route {
  baseSegments: string[];
  notebookPath?: string;
  hub?: { prefix: string[]; user?: string; serverName?: string };
}

/** Finds where base_url ends: at the first UI route, or around a JupyterHub `/user/NAME[/SERVER]/` or `/hub/`. */
function splitPath(pathname: string, printedByServer: boolean): Route {
  const segs = pathname.split('/').filter((s) => s.length > 0);
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i];
    if (UI_ROUTES.has(seg)) {
      return { baseSegments: segs.slice(0, i), notebookPath: notebookPathOf(segs.slice(i)) };
    }
    if (printedByServer) continue;
    if (seg === 'hub') {
      // `/hub/user/NAME/…` is the Hub's own redirect to a user's server.
      if (segs[i + 1] === 'user' && segs[i + 2]) {
        const user = singleUserRoute(segs, i + 1);
        const baseSegments = [...segs.slice(0, i), ...user.segments];
        return { baseSegments, notebookPath: user.notebookPath, hub: { prefix: segs.slice(0, i), ...user.info } };
      }
      return { baseSegments: segs.slice(0, i), hub: { prefix: segs.slice(0, i) } };
    }
    if (seg === 'user' && segs[i + 1] && !UI_ROUTES.has(segs[i + 1])) {
      const user = singleUserRoute(segs, i);
      return {
        baseSegments: [...segs.slice(0, i), ...user.segments],
        notebookPath: user.notebookPath,
        hub: { prefix: segs.slice(0, i), ...user.info },
      };
    }
  }
  return { baseSegments: segs };
}

function singleUserRoute(segs: string[], userIndex: number) {
  const name = segs[userIndex + 1];
  const next = segs[userIndex + 2];
  const named = next !== undefined && !UI_ROUTES.has(next);
  const segments = named ? ['user', name, next] : ['user', name];
  const rest = segs.slice(userIndex + segments.length);
  const info: { user: string; serverName?: string } = named ? { user: name, serverName: next } : { user: name };
  return { segments, info, notebookPath: notebookPathOf(rest) };
}

/** `notebooks/a.ipynb`, `lab/tree/a.ipynb`, `doc/tree/a.ipynb`, `tree/a.ipynb`, `voila/render/a.ipynb`. */
function notebookPathOf(rest: string[]): string | undefined {
  const [first, second] = rest;
  let parts: string[] = [];
  if (first === 'notebooks' || first === 'tree' || first === 'edit') parts = rest.slice(1);
  else if ((first === 'lab' || first === 'doc') && second === 'tree') parts = rest.slice(2);
  else if ((first === 'lab' || first === 'doc') && second === 'workspaces') parts = rest.slice(4);
  else if (first === 'voila' && second === 'render') parts = rest.slice(2);
  const path = parts.map(safeDecode).join('/');
  return path.toLowerCase().endsWith('.ipynb') ? path : undefined;
}

/** `http+unix://%2Ftmp%2Fjupyter.sock/base/`: served on a unix socket, reachable only on that machine. */
function parseUnixSocketUrl(text: string): UrlParse {
  const m = /^http\+unix:\/\/([^/?#]+)(\/[^?#]*)?/i.exec(text);
  if (!m) return { ok: false, reason: `"${redactForMessage(text)}" is not a valid unix socket address.` };
  const socketPath = safeDecode(m[1]);
  const segs = (m[2] ?? '/').split('/').filter(Boolean);
  const route = splitPath(`/${segs.join('/')}`, true);
  const basePath = route.baseSegments.length ? `/${route.baseSegments.join('/')}/` : '/';
  const token = new URLSearchParams(text.split('?')[1]?.split('#')[0] ?? '').get('token');
  return {
    ok: true,
    address: {
      baseUrl: `http+unix://${m[1]}${basePath}`,
      scheme: 'http+unix',
      host: 'localhost',
      port: 0,
      basePath,
      token: token && !MASKED_TOKENS.has(token) ? token : null,
      tokenMasked: token !== null && MASKED_TOKENS.has(token),
      kind: 'unix-socket',
      socketPath,
      warnings: [
        `This server listens on the unix socket ${socketPath}, which is reachable only on its own machine: ` +
          'start it with --ip and --port, or forward the socket, to connect from here.',
      ],
    },
  };
}

/** Shows an address in a message without any token it carries. */
export function redactForMessage(text: string): string {
  const short = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return short.replace(/([?&#](?:token|password|_xsrf)=)[^&#\s]*/gi, '$1…');
}
