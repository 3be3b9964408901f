import { HttpSession, JupyterError, TimeoutError } from '../http';
import { idSegment, isSafeIdSegment } from './resource-id';
import { expectStatus, isObject, jsonBody, reasonOf } from './validate';
import type { JsonObject } from './validate';
import { parseSpawnForm, type SpawnForm } from './hub-spawn-form';

/**
 * The JupyterHub API (PROTOCOL.md §6), over a session whose base URL is the Hub's root (where `hub/`
 * lives) and whose token is the person's Hub API token. A user's own server is then an ordinary
 * Jupyter server at its URL, reached with the same token in a session of its own (its cookies stay
 * on its path).
 */

/** The Hub's root for the URL of a user's server (`https://hub/x/user/alice/gpu/` → `https://hub/x/`). */
export function hubRootOf(userServerUrl: string | URL): string {
  const url = new URL(userServerUrl);
  return new URL(url.pathname.replace(/user\/.*$/, ''), url).toString();
}

export type HubServerState = 'running' | 'starting' | 'stopping' | 'stopped';

export interface HubServer {
  /** '' for the default server. */
  name: string;
  state: HubServerState;
  /** Its base URL (absolute), once it has one. */
  url?: string;
  lastActivity?: string;
  /** The options it was (last) started with, as the Hub keeps them (Hub ≥ 3): `{"profile": "gpu", "image": "…"}`. */
  userOptions?: JsonObject;
}

export interface HubUser {
  name: string;
  kind: 'user' | 'service';
  admin: boolean;
  /** The default server first, then named ones by name; [] when the token may not read servers. */
  servers: HubServer[];
  /** What the token may do (`access:servers!user=alice`, …). */
  scopes: string[];
}

export interface HubProgress {
  /** 0–100 as the Hub reports it. */
  progress?: number;
  message: string;
  ready?: boolean;
  failed?: boolean;
}

function serverState(v: JsonObject): HubServerState {
  if (v.ready === true) return 'running';
  if (v.pending === 'stop') return 'stopping';
  if (typeof v.pending === 'string') return 'starting';
  return v.stopped === true ? 'stopped' : 'starting';
}

function serversOf(session: HttpSession, user: JsonObject): HubServer[] {
  const servers: HubServer[] = [];
  if (isObject(user.servers)) {
    for (const [name, v] of Object.entries(user.servers)) {
      // A named server whose name cannot be addressed cannot be started or opened: left out.
      if (!isObject(v) || (name !== '' && !isSafeIdSegment(name))) continue;
      const server: HubServer = { name, state: serverState(v) };
      if (typeof v.url === 'string' && v.url) server.url = new URL(v.url, session.baseUrl).toString();
      if (typeof v.last_activity === 'string') server.lastActivity = v.last_activity;
      // `{}` is a start with the Hub's defaults, kept as such (a start "as last time" then means those).
      if (isObject(v.user_options)) server.userOptions = v.user_options;
      servers.push(server);
    }
  }
  // A user whose default server never started has no entry for it: it is there to start all the same.
  if (!servers.some((s) => s.name === '')) servers.push({ name: '', state: 'stopped' });
  return servers.sort((a, b) => (a.name === '' ? -1 : b.name === '' ? 1 : a.name.localeCompare(b.name)));
}

function userPath(name: string, serverName = ''): string {
  const user = `hub/api/users/${idSegment(name, 'Hub user name')}`;
  return serverName ? `${user}/servers/${idSegment(serverName, 'Hub server name')}` : `${user}/server`;
}

/** Who the token belongs to (`GET hub/api/user`), with their servers when the token may read them. */
export async function hubWhoAmI(session: HttpSession, signal?: AbortSignal): Promise<HubUser> {
  // include_stopped_servers (Hub ≥ 3): named servers that are not running are listed too; older Hubs ignore it.
  const res = expectStatus(await session.request('GET', 'hub/api/user?include_stopped_servers', { signal }), [200], 'tell who the Hub token belongs to');
  const body = jsonBody(res, 'read the Hub user');
  if (!isObject(body) || typeof body.name !== 'string') throw new JupyterError('The Hub answered GET hub/api/user without a user name.');
  const scopes = Array.isArray(body.scopes) ? body.scopes.filter((s): s is string => typeof s === 'string') : [];
  const user: HubUser = { name: body.name, kind: body.kind === 'service' ? 'service' : 'user', admin: body.admin === true, servers: [], scopes };
  if (user.kind === 'user') {
    let model: JsonObject = body;
    if (!isObject(body.servers)) {
      // Hub 1.x leaves servers out of the "who am I" answer: ask for the user.
      const full = await session.request('GET', `hub/api/users/${idSegment(user.name, 'Hub user name')}?include_stopped_servers`, { signal });
      if (full.status === 200) {
        const parsed = jsonBody(full, 'read the Hub user');
        if (isObject(parsed)) model = parsed;
      }
    }
    user.servers = serversOf(session, model);
  }
  return user;
}

/** One user's servers (default and named). */
export async function hubServers(session: HttpSession, userName: string, signal?: AbortSignal): Promise<HubServer[]> {
  const res = expectStatus(await session.request('GET', `hub/api/users/${idSegment(userName, 'Hub user name')}?include_stopped_servers`, { signal }), [200], `list the servers of ${userName}`);
  const body = jsonBody(res, 'read the Hub user');
  if (!isObject(body)) throw new JupyterError('The Hub answered with something that is not a user.');
  return serversOf(session, body);
}

export interface StartHubServerOptions {
  serverName?: string;
  /**
   * What the spawner is to start (a profile and its options), as `user_options`: in the shape the
   * spawner reads them (hub-spawn-form.ts `userOptionsFor`). None: the spawner's defaults.
   */
  userOptions?: JsonObject;
  /** Each progress event of the spawn, as the Hub streams them. */
  onProgress?: (event: HubProgress) => void;
  signal?: AbortSignal;
  /** How long the whole start may take (default 5 minutes: spawners on clusters can be slow). */
  timeoutMs?: number;
}

/**
 * Starts a user's server through the Hub and follows its progress until it is ready; resolves with
 * its base URL. A server that is already running is fine (the Hub says 400 "already running").
 */
export async function startHubServer(session: HttpSession, userName: string, options: StartHubServerOptions = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 5 * 60000;
  const deadline = Date.now() + timeoutMs;
  const path = userPath(userName, options.serverName);
  const who = `${userName}${options.serverName ? `/${options.serverName}` : ''}`;
  const body = options.userOptions ? await startBody(session, options.userOptions, options.signal) : {};
  const started = await session.request('POST', path, { json: body, signal: options.signal, timeoutMs });
  // 400 "already running" is fine: it is followed to its URL below (options or not: the Hub never restarts a running server).
  if (started.status === 400 && !/already running/i.test(reasonOf(started))) {
    throw new JupyterError(`The Hub refused to start the server of ${who}: ${reasonOf(started) || 'HTTP 400'}`);
  }
  if (!(started.status === 400 && /already running/i.test(reasonOf(started)))) expectStatus(started, [201, 202], `start the server of ${who}`);
  options.onProgress?.({ progress: 0, message: `Starting the server of ${who}` });
  if (started.status === 202) {
    await followProgress(session, `${path}/progress`, who, Math.max(1000, deadline - Date.now()), options);
  }
  // The Hub may still be finishing after the stream ends: wait for "ready" with its URL.
  for (;;) {
    const servers = await hubServers(session, userName, options.signal);
    const server = servers.find((s) => s.name === (options.serverName ?? ''));
    if (server?.state === 'running' && server.url) {
      options.onProgress?.({ progress: 100, message: `The server of ${who} is ready`, ready: true });
      return server.url;
    }
    if (server?.state === 'stopped') throw new JupyterError(`The Hub could not start the server of ${who}: it stopped again (see the Hub's log).`);
    if (Date.now() > deadline) throw new TimeoutError(`The server of ${who} was not ready within ${Math.round(timeoutMs / 1000)} s.`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * The body of a start with options. Hubs before 6 take the whole JSON body as `user_options`; 6 reads
 * them from a `user_options` field (DESIGN.md). The version is in every Hub answer's header.
 */
async function startBody(session: HttpSession, userOptions: JsonObject, signal?: AbortSignal): Promise<JsonObject> {
  const res = await session.request('GET', 'hub/api/', { signal });
  const major = Number(/^(\d+)\./.exec(res.header('x-jupyterhub-version') ?? '')?.[1] ?? 0);
  return major >= 6 ? { user_options: userOptions } : userOptions;
}

/** Stops a user's server through the Hub and waits until it is stopped (a server already stopped is fine). */
export async function stopHubServer(session: HttpSession, userName: string, serverName = '', signal?: AbortSignal): Promise<void> {
  const who = `${userName}${serverName ? `/${serverName}` : ''}`;
  const res = await session.request('DELETE', userPath(userName, serverName), { signal });
  expectStatus(res, [202, 204], `stop the server of ${who}`);
  for (const deadline = Date.now() + 60000; ; ) {
    const server = (await hubServers(session, userName, signal)).find((s) => s.name === serverName);
    if (!server || server.state === 'stopped') return;
    if (Date.now() > deadline) throw new TimeoutError(`The server of ${who} was still stopping after 60 s.`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Reads the spawn's event stream (`data: {…}` lines) until it says ready or failed, or ends. */
async function followProgress(session: HttpSession, path: string, who: string, timeoutMs: number, options: StartHubServerOptions): Promise<void> {
  let pending = '';
  let failure: string | undefined;
  const onData = (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    let end: number;
    while ((end = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, end).replace(/\r$/, '');
      pending = pending.slice(end + 1);
      if (!line.startsWith('data:')) continue;
      try {
        const event = JSON.parse(line.slice(5).trim()) as unknown;
        if (!isObject(event)) continue;
        const progress: HubProgress = { message: typeof event.message === 'string' ? event.message : '' };
        if (typeof event.progress === 'number') progress.progress = event.progress;
        if (event.ready === true) progress.ready = true;
        if (event.failed === true) {
          progress.failed = true;
          failure = progress.message || 'the spawn failed';
        }
        options.onProgress?.(progress);
      } catch {
        // a keep-alive or a line we do not know
      }
    }
  };
  const res = await session.request('GET', path, { signal: options.signal, timeoutMs, onData, headers: { Accept: 'text/event-stream' } });
  if (failure) throw new JupyterError(`The Hub could not start the server of ${who}: ${failure}`);
  if (res.status !== 200) expectStatus(res, [200], `follow the start of the server of ${who}`);
}

function spawnPagePath(userName: string, serverName = ''): string {
  return `hub/spawn/${idSegment(userName, 'Hub user name')}${serverName ? `/${idSegment(serverName, 'Hub server name')}` : ''}`;
}

/** The Hub's page where a person starts that server, choosing its options (`hubRoot` ends in `/`). */
export function spawnPageUrl(hubRoot: string | URL, userName: string, serverName = ''): string {
  return new URL(spawnPagePath(userName, serverName), hubRoot).toString();
}

/** What a Hub's spawn page says of its options: the form, or why it cannot be read with a token. */
export type SpawnPageReading = { readable: true; form: SpawnForm } | { readable: false; reason: string; started?: boolean };

/**
 * Reads the options form of a user's server from the Hub's spawn page (the Hub has no API for it).
 * Only when the person has asked to start that server: a Hub whose spawner has no form starts the
 * server with its defaults on this very GET (then `started`). JupyterHub 2 and later send an API token to their login
 * page instead of answering.
 */
export async function readSpawnPage(session: HttpSession, userName: string, serverName = '', signal?: AbortSignal): Promise<SpawnPageReading> {
  const res = await session.request('GET', spawnPagePath(userName, serverName), { signal });
  if (res.status === 200) return { readable: true, form: parseSpawnForm(res.text()) };
  const location = res.header('location') ?? '';
  const redirected = res.status >= 300 && res.status < 400;
  if (redirected && /\/hub\/login\b/.test(location)) {
    return { readable: false, reason: "This Hub does not show its options form to an API token (JupyterHub 2 and later send it to their login page): choose in the browser, or give the options." };
  }
  if (redirected && /\/spawn-pending\//.test(location)) return { readable: false, started: true, reason: 'The Hub started the server with its defaults: its spawner offers no options.' };
  return { readable: false, reason: `The Hub did not show its options form (${redirected ? 'it sent the request elsewhere' : `HTTP ${res.status}`}).` };
}

export interface HubTokenExpiry {
  /** Whether the token could be told apart among the user's tokens. */
  known: boolean;
  /** ISO time it expires; absent when it never does (or is not known). */
  expiresAt?: string;
}

/**
 * When the token this session uses expires. The Hub does not say which of a user's tokens a request
 * used, so it is found as the only one of their API tokens active in the last 90 seconds (the Hub
 * records a token's use at most every 30 s, `activity_resolution`), timed by the Hub's own clock,
 * leaving out the tokens the Hub gave their running servers.
 * Several candidates, or a token that may not read the list: `known: false` — never a guess.
 */
export async function hubTokenExpiry(session: HttpSession, userName: string, signal?: AbortSignal): Promise<HubTokenExpiry> {
  const res = await session.request('GET', `hub/api/users/${idSegment(userName, 'Hub user name')}/tokens`, { signal });
  if (res.status !== 200) return { known: false };
  const body = jsonBody(res, 'read the Hub tokens');
  const tokens = isObject(body) && Array.isArray(body.api_tokens) ? body.api_tokens.filter(isObject) : [];
  const now = Date.parse(res.header('date') ?? '') || Date.now();
  const recent = tokens.filter(
    (t) =>
      typeof t.last_activity === 'string' &&
      now - Date.parse(hubTime(t.last_activity)) <= 90000 &&
      // The Hub's own token for each running server ("Server at /user/NAME/") is used by that server, not by a person.
      !(typeof t.note === 'string' && t.note.startsWith('Server at /')),
  );
  if (recent.length !== 1) return { known: false };
  const expiresAt = recent[0].expires_at;
  return typeof expiresAt === 'string' ? { known: true, expiresAt: new Date(hubTime(expiresAt)).toISOString() } : { known: true };
}

/** Hub times are UTC, with or without the `Z`. */
function hubTime(value: string): string {
  return /[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`;
}
