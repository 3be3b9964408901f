/**
 * What we know about one Jupyter server after reading whatever a person pasted.
 * Plain data: it crosses into the CLI's JSON output and the extension's store (without `token`).
 */
export type ServerKind =
  | 'jupyter-server' // jupyter_server 1.x/2.x (JupyterLab 3+, Notebook 7)
  | 'notebook' // classic notebook server ≤ 6
  | 'jupyterhub' // a Hub root: needs a Hub API token and a choice of user server
  | 'jupyterhub-singleuser' // a Hub user's server, `/user/NAME/` or `/user/NAME/SERVER/`
  | 'unix-socket' // `http+unix://`: only reachable on the server's own machine
  | 'unknown'; // a plain URL: the connection will tell

export interface HubInfo {
  /** The Hub's root, e.g. `https://hub.example.org/` (ends in `/`). */
  url: string;
  user?: string;
  /** A named server (`/user/NAME/SERVER/`); absent for the default server. */
  serverName?: string;
}

export interface ServerAddress {
  /** `scheme://host[:port]/base_url/`, always ending in `/`, never carrying a token. */
  baseUrl: string;
  scheme: 'http' | 'https' | 'http+unix';
  /** Host name or IP, IPv6 without brackets. */
  host: string;
  port: number;
  /** base_url, starting and ending with `/`. */
  basePath: string;
  /** The token when the input gave it; null when it gave none or a masked one. */
  token: string | null;
  /** The input showed `?token=...`: a token exists but was hidden. */
  tokenMasked: boolean;
  kind: ServerKind;
  rootDir?: string;
  passwordRequired?: boolean;
  version?: string;
  pid?: number;
  /** A notebook the pasted link pointed at, relative to the server's root. */
  notebookPath?: string;
  hub?: HubInfo;
  socketPath?: string;
  /** Other base URLs the input gave for the same server (`localhost` and `127.0.0.1`). */
  alternatives?: string[];
  /** Things the person should know before connecting, one sentence each. */
  warnings: string[];
}

const LOOPBACK_NAMES = new Set(['localhost', 'ip6-localhost', 'ip6-loopback', '::1']);

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return LOOPBACK_NAMES.has(h) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h.endsWith('.localhost');
}

export function isWildcardHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === '0.0.0.0' || h === '::' || h === '0:0:0:0:0:0:0:0';
}

export function defaultPort(scheme: string): number {
  return scheme === 'https' ? 443 : 80;
}

/** The host as it stands in a URL: IPv6 in brackets, a zone id percent-encoded. */
export function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host.replace(/%(?!25)/g, '%25')}]` : host;
}

export function formatBaseUrl(scheme: string, host: string, port: number, basePath: string): string {
  const portPart = port === defaultPort(scheme) ? '' : `:${port}`;
  return `${scheme}://${hostForUrl(host)}${portPart}${basePath}`;
}
