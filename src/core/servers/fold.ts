import type { Found } from './parse-text';
import { ServerAddress, ServerKind, isLoopbackHost } from './server-address';

/**
 * Folds repeated mentions of one server into one entry. Servers print themselves several times
 * (`http://localhost:8888/…` then ` or http://127.0.0.1:8888/…`, again in the `[C]` block), and a
 * person may paste a log together with `jupyter server list`. Two mentions are one server when the
 * input shows it: same scheme, port and base_url, compatible tokens, and either the same host, two
 * loopback spellings (one port on loopback is one server), or a ` or ` line naming the one before.
 */
export function foldServers(found: Found[]): ServerAddress[] {
  const out: ServerAddress[] = [];
  let previous: ServerAddress | undefined;
  for (const { server, aliasOfPrevious } of found) {
    const same = out.find((e) => sameServer(e, server, aliasOfPrevious && e === previous));
    if (same) {
      merge(same, server);
      previous = same;
    } else {
      out.push(server);
      previous = server;
    }
  }
  return out;
}

function sameServer(a: ServerAddress, b: ServerAddress, namedAsAlias: boolean): boolean {
  if (a.scheme !== b.scheme || a.port !== b.port || a.basePath !== b.basePath) return false;
  if (a.scheme === 'http+unix') return a.socketPath === b.socketPath;
  if (a.token && b.token && a.token !== b.token) return false;
  const sameHost = a.host === b.host || (isLoopbackHost(a.host) && isLoopbackHost(b.host));
  if (sameHost) return true;
  // Another host spelling is only the same server when the text says so, and the tokens agree.
  return namedAsAlias && (a.token === b.token || (a.tokenMasked && b.tokenMasked));
}

const KIND_RANK: Record<ServerKind, number> = {
  unknown: 0,
  'jupyter-server': 1,
  notebook: 1,
  'jupyterhub-singleuser': 2,
  jupyterhub: 2,
  'unix-socket': 3,
};

function merge(into: ServerAddress, other: ServerAddress): void {
  if (!into.token && other.token) {
    into.token = other.token;
    into.tokenMasked = false;
    into.warnings = into.warnings.filter((w) => !w.includes('?token=...'));
  }
  if (into.host !== other.host) {
    const alternatives = new Set(into.alternatives ?? []);
    alternatives.add(other.baseUrl);
    into.alternatives = [...alternatives];
  }
  if (KIND_RANK[other.kind] > KIND_RANK[into.kind]) into.kind = other.kind;
  into.rootDir ??= other.rootDir;
  into.version ??= other.version;
  into.pid ??= other.pid;
  into.passwordRequired ??= other.passwordRequired;
  into.notebookPath ??= other.notebookPath;
  into.hub ??= other.hub;
  for (const w of other.warnings) {
    if (into.token && w.includes('?token=...')) continue;
    if (!into.warnings.includes(w)) into.warnings.push(w);
  }
}
