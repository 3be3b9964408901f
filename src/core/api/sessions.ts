import { HttpSession, ProtocolError } from '../http';
import { KernelModel, toKernelModel } from './kernels';
import { idSegment, isSafeIdSegment } from './resource-id';
import { expectStatus, field, isObject, isString, jsonBody, optionalString } from './validate';

export interface SessionModel {
  id: string;
  path: string;
  name?: string;
  type?: string;
  kernel: KernelModel;
}

function toSessionModel(v: unknown): SessionModel {
  if (!isObject(v)) throw new ProtocolError('The server sent a session that is not an object.');
  // notebook 6 answers with the legacy {"notebook": {"path"}} shape as well as "path".
  const path = optionalString(v, 'path') ?? (isObject(v.notebook) ? optionalString(v.notebook, 'path') : undefined);
  if (path === undefined) throw new ProtocolError('The server sent a session without a path.');
  const model: SessionModel = { id: field(v, 'id', isString, 'session'), path, kernel: toKernelModel(v.kernel) };
  const name = optionalString(v, 'name');
  if (name !== undefined) model.name = name;
  const type = optionalString(v, 'type');
  if (type !== undefined) model.type = type;
  return model;
}

export async function listSessions(session: HttpSession, signal?: AbortSignal): Promise<SessionModel[]> {
  const action = 'list the sessions';
  const body = jsonBody(expectStatus(await session.request('GET', 'api/sessions', { signal }), [200], action), action);
  if (!Array.isArray(body)) throw new ProtocolError('The server sent a session list that is not a list.');
  // Left out, as in listKernels: a session or kernel that cannot be addressed cannot be used.
  return body.map(toSessionModel).filter((s) => isSafeIdSegment(s.id) && isSafeIdSegment(s.kernel.id));
}

/**
 * Ties a kernel to a notebook path (the server shows it as that notebook's kernel). Starts a new
 * kernel of `kernelName`, or attaches the session to the running kernel `kernelId`.
 */
export async function createSession(
  session: HttpSession,
  options: { path: string; name?: string; kernelName?: string; kernelId?: string; signal?: AbortSignal; timeoutMs?: number },
): Promise<SessionModel> {
  const action = `start a session for ${options.path}`;
  const kernel = options.kernelId ? { id: options.kernelId } : { name: options.kernelName ?? '' };
  const json = { path: options.path, name: options.name ?? options.path.split('/').pop() ?? options.path, type: 'notebook', kernel, notebook: { path: options.path } };
  const res = await session.request('POST', 'api/sessions', { json, signal: options.signal, timeoutMs: options.timeoutMs ?? 120000 });
  return toSessionModel(jsonBody(expectStatus(res, [201, 200], action), action));
}

/**
 * Ends a session, which also shuts its kernel down (and so ends every other session on that kernel:
 * seen on jupyter_server 1.23 and notebook 6.4). A session that is already gone counts as ended.
 */
export async function deleteSession(session: HttpSession, id: string, signal?: AbortSignal): Promise<void> {
  expectStatus(await session.request('DELETE', `api/sessions/${idSegment(id, 'session id')}`, { signal }), [204, 200, 404], 'end the session');
}
