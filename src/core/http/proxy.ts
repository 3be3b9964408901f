import * as net from 'node:net';

/**
 * The proxy for a URL, from an explicit setting or the environment (`HTTPS_PROXY` for https,
 * `HTTP_PROXY` for http, `ALL_PROXY` for both, lower-case spellings too), unless `NO_PROXY` matches.
 * `explicit === null` means "no proxy"; undefined means "ask the environment".
 */
export function resolveProxy(target: URL, env: NodeJS.ProcessEnv, explicit?: string | null): URL | undefined {
  if (explicit === null) return undefined;
  const get = (name: string) => env[name] ?? env[name.toLowerCase()];
  const raw = explicit || (target.protocol === 'https:' ? get('HTTPS_PROXY') : get('HTTP_PROXY')) || get('ALL_PROXY');
  if (!raw) return undefined;
  if (matchesNoProxy(target, get('NO_PROXY') ?? '')) return undefined;
  try {
    const proxy = new URL(raw.includes('://') ? raw : `http://${raw}`);
    return proxy.protocol === 'http:' || proxy.protocol === 'https:' ? proxy : undefined;
  } catch {
    return undefined;
  }
}

/** `NO_PROXY` as curl reads it: `*`, host suffixes (`.corp` or `corp`), IPs, CIDR ranges, optional `:port`. */
export function matchesNoProxy(target: URL, noProxy: string): boolean {
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (let entry of noProxy.split(/[,\s]+/).filter(Boolean)) {
    entry = entry.toLowerCase();
    if (entry === '*') return true;
    let entryPort: string | undefined;
    const portMatch = /^(.*[^:]):(\d+)$/.exec(entry);
    if (portMatch && !entry.startsWith('[') && entry.split(':').length === 2) {
      entry = portMatch[1];
      entryPort = portMatch[2];
    }
    entry = entry.replace(/^\[|\]$/g, '');
    if (entryPort && entryPort !== port) continue;
    if (entry.includes('/')) {
      if (inCidr(host, entry)) return true;
      continue;
    }
    const bare = entry.replace(/^\*?\./, '');
    if (host === bare || host.endsWith(`.${bare}`)) return true;
  }
  return false;
}

function inCidr(host: string, cidr: string): boolean {
  const [range, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (net.isIPv4(host) && net.isIPv4(range) && bits >= 0 && bits <= 32) {
    const toInt = (ip: string) => ip.split('.').reduce((a, b) => (a << 8) + Number(b), 0) >>> 0;
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return (toInt(host) & mask) === (toInt(range) & mask);
  }
  return false;
}
