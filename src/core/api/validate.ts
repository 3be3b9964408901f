import { AuthError, HttpResponse, HubServerStoppedError, JupyterHttpError, ProtocolError, RateLimitedError } from '../http';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The `message` (or `reason`, or the start of a non-JSON body) of an error answer, for logs and messages. */
export function reasonOf(res: HttpResponse): string {
  const text = res.text();
  try {
    const body = JSON.parse(text) as unknown;
    if (isObject(body)) {
      const parts = [body.message, body.short_message, body.reason].filter((p): p is string => typeof p === 'string' && p.length > 0);
      if (parts.length) return parts[0].slice(0, 300);
    }
  } catch {
    // not JSON: a page or a proxy's answer
  }
  const title = /<title>([^<]{1,200})<\/title>/i.exec(text)?.[1];
  return (title ?? text.replace(/\s+/g, ' ').trim()).slice(0, 200);
}

/** Where a Hub sends a stopped user's server: `/hub/user/NAME/…` (PROTOCOL.md §6.3). */
export function hubRedirect(res: HttpResponse): string | undefined {
  if (res.status < 300 || res.status >= 400) return undefined;
  const location = res.header('location');
  return location && /(^|\/)hub\//.test(new URL(location, res.url).pathname) ? new URL(location, res.url).toString() : undefined;
}

/**
 * Checks an answer's status against what the endpoint promises, and turns anything else into the
 * typed error a person can act on. `action` says what we were doing ("start a kernel").
 */
export function expectStatus(res: HttpResponse, expected: number[], action: string): HttpResponse {
  if (expected.includes(res.status)) return res;
  const path = new URL(res.url).pathname;
  const reason = reasonOf(res);
  const hub = hubRedirect(res);
  if (hub || res.status === 424) {
    const where = new URL(hub ?? res.url);
    const hubRoot = new URL(where.pathname.replace(/hub\/.*$/, ''), where).toString();
    throw new HubServerStoppedError(`The JupyterHub server at ${new URL(res.url).origin} is not running: start it from the Hub, then connect again.`, hubRoot);
  }
  switch (res.status) {
    case 401:
      throw new AuthError(`The server refused to ${action}: it needs a valid token (HTTP 401).`, 'token-rejected', 401);
    case 403:
      throw new AuthError(`The server refused to ${action} (HTTP 403${reason && reason !== 'Forbidden' ? `: ${reason}` : ''}): check the token or password, and that your account may do this.`, 'forbidden', 403);
    case 429: {
      const retry = Number(res.header('retry-after'));
      throw new RateLimitedError(`The server is rate limiting requests: wait${Number.isFinite(retry) && retry > 0 ? ` ${retry} s` : ' a moment'} and try again.`, Number.isFinite(retry) ? retry : undefined);
    }
    case 503:
      throw new JupyterHttpError(`The server is unavailable (HTTP 503${reason ? `: ${reason}` : ''}): it may be starting or overloaded; try again shortly.`, res.method, path, 503, reason);
    default:
      throw new JupyterHttpError(`Could not ${action}: the server answered HTTP ${res.status}${reason ? ` (${reason})` : ''}.`, res.method, path, res.status, reason);
  }
}

/** Parses a JSON body, or says the server did not answer as a Jupyter API does. */
export function jsonBody(res: HttpResponse, action: string): Json {
  const type = res.header('content-type') ?? '';
  const text = res.text();
  try {
    return JSON.parse(text) as Json;
  } catch {
    const looksHtml = /html/i.test(type) || /^\s*</.test(text);
    throw new ProtocolError(
      looksHtml
        ? `Could not ${action}: the server sent a web page where the Jupyter API sends JSON; check the URL and its base_url.`
        : `Could not ${action}: the server's answer is not valid JSON${text.length ? '' : ' (it was empty)'}.`,
    );
  }
}

/** Small typed readers that throw a ProtocolError naming the field when a model is malformed. */
export function field<T>(o: JsonObject, key: string, check: (v: unknown) => v is T, what: string): T {
  const v = o[key];
  if (!check(v)) throw new ProtocolError(`The server's ${what} has no valid "${key}".`);
  return v;
}

export const isString = (v: unknown): v is string => typeof v === 'string';
export const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const optionalString = (o: JsonObject, key: string): string | undefined => (typeof o[key] === 'string' ? (o[key] as string) : undefined);
export const optionalNumber = (o: JsonObject, key: string): number | undefined => (isNumber(o[key]) ? (o[key] as number) : undefined);
