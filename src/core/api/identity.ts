import { HttpSession } from '../http';
import { isObject, jsonBody, optionalString } from './validate';

/** What we ask `api/me` about: the resources Jupyter Remote uses and the actions it takes on them. */
const ASKED: Record<string, string[]> = {
  contents: ['read', 'write'],
  kernels: ['read', 'write', 'execute'],
  sessions: ['read', 'write'],
  terminals: ['read', 'write', 'execute'],
};

export interface Identity {
  /** The server's name for the user (a Hub user's name; a random id on a plain token server). */
  username: string;
  /** The name to show a person. */
  displayName: string;
  /** Of the actions Jupyter Remote asked about, those the server allows, per resource (`kernels: ['read', 'execute']`). */
  permissions: Record<string, string[]>;
}

/**
 * `GET api/me` (jupyter_server ≥ 2.0; PROTOCOL.md): who the server thinks we are and what we may do.
 * Undefined where the server has no identity endpoint (jupyter_server 1.x, notebook 6) or does not answer it.
 */
export async function getIdentity(session: HttpSession, signal?: AbortSignal): Promise<Identity | undefined> {
  const res = await session.request('GET', `api/me?permissions=${encodeURIComponent(JSON.stringify(ASKED))}`, { signal });
  // 404 before 2.0; gateways and proxies may refuse it: the identity only adds to what a person is told.
  if (res.status !== 200) return undefined;
  const body = jsonBody(res, 'read who the server thinks you are');
  if (!isObject(body) || !isObject(body.identity)) return undefined;
  const identity = body.identity;
  const username = optionalString(identity, 'username') ?? '';
  const permissions: Record<string, string[]> = {};
  if (isObject(body.permissions)) {
    for (const resource of Object.keys(ASKED)) {
      const allowed = body.permissions[resource];
      permissions[resource] = Array.isArray(allowed) ? allowed.filter((a): a is string => typeof a === 'string') : [];
    }
  }
  return { username, displayName: optionalString(identity, 'display_name') ?? optionalString(identity, 'name') ?? username, permissions };
}
