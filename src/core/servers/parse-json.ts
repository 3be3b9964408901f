import { parseServerUrl } from './parse-url';
import { ServerAddress, formatBaseUrl, isWildcardHost } from './server-address';

/**
 * Reads one server description in the JSON form of a runtime file (`jpserver-*.json`,
 * `nbserver-*.json`) or of `jupyter server list --json` / `--jsonlist` (PROTOCOL.md §1.2–1.3).
 * Returns undefined when the object does not describe a server.
 */
export function serverFromJson(value: unknown): ServerAddress | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const o = value as Record<string, unknown>;
  const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  const num = (k: string) => (typeof o[k] === 'number' && Number.isFinite(o[k]) ? (o[k] as number) : undefined);

  const sock = str('sock');
  let url = str('url');
  if (sock) {
    // A path with a lone surrogate cannot be encoded (encodeURIComponent throws) and names no real socket.
    if (/\p{Cs}/u.test(sock)) return undefined;
    url = `http+unix://${encodeURIComponent(sock)}${str('base_url') ?? '/'}`;
  }
  if (!url) {
    const hostname = str('hostname');
    const port = num('port');
    if (!hostname || port === undefined) return undefined;
    const scheme = o.secure === true ? 'https' : 'http';
    url = formatBaseUrl(scheme, hostname, port, normaliseBasePath(str('base_url')));
  }
  const notebookDir = str('notebook_dir');
  const parsed = parseServerUrl(url, { printedByServer: true, kind: notebookDir !== undefined ? 'notebook' : 'jupyter-server' });
  if (!parsed.ok) return undefined;
  const server = parsed.address;

  const token = str('token');
  if (token) server.token = token;
  const rootDir = str('root_dir') ?? notebookDir;
  if (rootDir !== undefined) server.rootDir = rootDir;
  const version = str('version');
  // jupyter_server 2.x writes `password: bool(ServerApp.password)`, the deprecated setting: a password set the
  // 2.x way (`jupyter server password` → IdentityProvider.hashed_password) reads false, so false says nothing there.
  const passwordFlagIsReliable = !version || Number(version.split('.')[0]) < 2;
  if (o.password === true || (o.password === false && passwordFlagIsReliable)) server.passwordRequired = o.password;
  if (version !== undefined) {
    // Only jpserver files carry a version (nbserver files have notebook_dir and none), so it does not decide the kind.
    server.version = version;
  }
  const pid = num('pid');
  if (pid !== undefined) server.pid = pid;
  const hostname = str('hostname');
  if (hostname && isWildcardHost(hostname) && !server.warnings.some((w) => w.includes('listens on'))) {
    server.warnings.push(
      `The server listens on all interfaces (${hostname}) and names itself "${server.host}": ` +
        'from another machine, use an address that machine can reach.',
    );
  }
  return server;
}

function normaliseBasePath(basePath: string | undefined): string {
  const segs = (basePath ?? '/').split('/').filter(Boolean);
  return segs.length ? `/${segs.join('/')}/` : '/';
}

/** Kernel connection files look like JSON servers to a person; say what they are. */
export function looksLikeKernelConnectionFile(value: unknown): boolean {
  return !!value && typeof value === 'object' && 'shell_port' in value && 'iopub_port' in value;
}
