import type { Identity } from '../../core/api';
import type { KernelStatus } from '../../core/kernel';
import type { ServerState } from './server-connections';
import type { ServerRecord } from './server-store';

const SERVER_ICON: Record<ServerState, string> = {
  unchecked: '$(server)',
  connecting: '$(sync~spin)',
  connected: '$(server)',
  unreachable: '$(debug-disconnect)',
  'auth-needed': '$(key)',
  stopped: '$(debug-pause)',
  untrusted: '$(workspace-untrusted)',
};

const SERVER_WORDS: Record<ServerState, string> = {
  unchecked: 'not checked yet',
  connecting: 'connecting',
  connected: 'connected',
  unreachable: 'unreachable',
  'auth-needed': 'login needed',
  stopped: 'not running on the Hub',
  untrusted: 'certificate not trusted',
};

const KERNEL_WORDS: Partial<Record<KernelStatus, string>> = {
  connecting: 'kernel connecting',
  starting: 'kernel starting',
  idle: 'idle',
  busy: 'busy',
  restarting: 'restarting',
  dead: 'kernel dead',
  disconnected: 'disconnected',
  reconnecting: 'reconnecting',
};

const NEEDS_ATTENTION = new Set<ServerState>(['unreachable', 'auth-needed', 'stopped', 'untrusted']);

/**
 * What the status bar item says, as data (so the wording is tested without a window). `message`:
 * why the server needs attention (one sentence, no secret), added to the tooltip.
 */
export function statusBarText(
  name: string,
  server: ServerState,
  kernel: KernelStatus | undefined,
  message?: string,
  identity?: Identity,
  /** The server folder the notebook's kernel started in ('' for the root). */
  kernelFolder?: string,
): { text: string; tooltip: string; warning: boolean } {
  const kernelWords = kernel ? KERNEL_WORDS[kernel] : undefined;
  const serverSuffix = NEEDS_ATTENTION.has(server) || server === 'connecting' ? ` (${SERVER_WORDS[server]})` : '';
  const kernelSuffix = kernelWords ? ` · ${kernel === 'busy' ? '$(circle-filled) ' : kernel === 'idle' ? '$(circle-outline) ' : ''}${kernelWords}` : '';
  const why = message && NEEDS_ATTENTION.has(server) ? ` ${message}` : '';
  const click = server === 'untrusted' ? 'Click to review its certificate, switch or manage servers.' : 'Click to switch, reconnect or manage servers.';
  return {
    text: `${SERVER_ICON[server]} ${name}${serverSuffix}${kernelSuffix}`,
    tooltip: `Jupyter server ${name}: ${SERVER_WORDS[server]}${kernelWords ? `; this notebook's kernel: ${kernelWords}${kernelFolder !== undefined ? `, started in /${kernelFolder} on ${name}` : ''}` : ''}.${why}${server === 'connected' ? identityWords(identity) : ''} ${click}`,
    warning: NEEDS_ATTENTION.has(server) || kernel === 'dead' || kernel === 'disconnected',
  };
}

/** What each permission Jupyter Remote asks `/api/me` about lets a person do, in words. */
const ACTION_WORDS: Record<string, Record<string, string>> = {
  kernels: { execute: 'run code', write: 'start or stop kernels' },
  contents: { read: 'read files', write: 'save files' },
  terminals: { execute: 'open terminals' },
};

/**
 * " You are alice on this server. It does not let you run code." — who jupyter_server 2 says we are
 * (not the random "Anonymous …" user it makes up for a bare token) and what it forbids of what we do.
 */
export function identityWords(identity: Identity | undefined): string {
  if (!identity) return '';
  const anonymous = /^[0-9a-f]{32}$/.test(identity.username) && /^Anonymous /.test(identity.displayName);
  const who = anonymous ? '' : ` You are ${identity.displayName}${identity.displayName !== identity.username ? ` (${identity.username})` : ''} on this server.`;
  const forbidden = Object.entries(ACTION_WORDS).flatMap(([resource, actions]) =>
    Object.entries(actions).filter(([action]) => !(identity.permissions[resource] ?? []).includes(action)).map(([, words]) => words),
  );
  return `${who}${forbidden.length ? ` It does not let you ${forbidden.join(', ')}.` : ''}`;
}

const WARN_WITHIN_MS = 3 * 24 * 3600 * 1000;

/** "in 5 hours", "in 2 days": how far off a time is, for a sentence. */
export function inWords(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60000));
  if (minutes < 90) return `in ${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `in ${hours} hours`;
  return `in ${Math.round(hours / 24)} days`;
}

/**
 * The warning for a Hub token that expires soon (within 3 days), or undefined. Once it has expired
 * the server says so itself (the check fails with "may have expired"), and Reconnect asks for a new one.
 */
export function tokenExpiryWarning(server: string, expiresAt: string | undefined, now: number): string | undefined {
  const at = expiresAt ? Date.parse(expiresAt) : NaN;
  if (!Number.isFinite(at) || at - now > WARN_WITHIN_MS || at <= now) return undefined;
  return `The JupyterHub token for ${server} expires ${inWords(at - now)}. Create a new one on the Hub's Token page, then run Reconnect when the old one stops working.`;
}

/** The server the status bar shows (and its menu acts on): the open notebook's, else the active one, else the first. */
export function shownServer(servers: readonly ServerRecord[], activeId: string | undefined, notebookServer: string | undefined): ServerRecord | undefined {
  return servers.find((s) => s.id === notebookServer) ?? servers.find((s) => s.id === activeId) ?? servers[0];
}
