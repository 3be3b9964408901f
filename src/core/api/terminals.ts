import { HttpSession, JupyterError, ProtocolError } from '../http';
import { idSegment, isSafeIdSegment } from './resource-id';
import { expectStatus, field, isObject, isString, jsonBody, optionalString } from './validate';

/** A terminal on the server (a shell with the server's rights), by its name there ("1", "2", …). */
export interface TerminalModel {
  name: string;
  lastActivity?: string;
}

/** The server offers no terminals: they are disabled (or terminado is missing), or it is a kernel gateway. */
export class TerminalsUnavailableError extends JupyterError {
  override readonly name: string = 'TerminalsUnavailableError';
}

function toTerminalModel(v: unknown): TerminalModel {
  if (!isObject(v)) throw new ProtocolError('The server sent a terminal that is not an object.');
  const model: TerminalModel = { name: field(v, 'name', isString, 'terminal') };
  const last = optionalString(v, 'last_activity');
  if (last !== undefined) model.lastActivity = last;
  return model;
}

const unavailable = () => new TerminalsUnavailableError('This server offers no terminals: they are turned off there, or it is a kernel gateway.');

export async function listTerminals(session: HttpSession, signal?: AbortSignal): Promise<TerminalModel[]> {
  const res = await session.request('GET', 'api/terminals', { signal });
  if (res.status === 404) throw unavailable();
  const body = jsonBody(expectStatus(res, [200], 'list the terminals'), 'list the terminals');
  if (!Array.isArray(body)) throw new ProtocolError('The server sent a terminal list that is not a list.');
  // Left out, as in listKernels: a terminal whose name cannot be addressed cannot be opened.
  return body.map(toTerminalModel).filter((t) => isSafeIdSegment(t.name));
}

/**
 * Starts a terminal. `cwd`: a folder relative to the server's root where it opens (jupyter_server takes
 * it since 1.x's terminals API; a folder that does not exist there opens the root instead).
 */
export async function createTerminal(session: HttpSession, options: { cwd?: string; signal?: AbortSignal } = {}): Promise<TerminalModel> {
  const res = await session.request('POST', 'api/terminals', { json: options.cwd ? { cwd: options.cwd } : {}, signal: options.signal });
  if (res.status === 404) throw unavailable();
  return toTerminalModel(jsonBody(expectStatus(res, [200, 201], 'start a terminal'), 'start a terminal'));
}

/** Ends a terminal and its shell; one already gone counts as ended. */
export async function deleteTerminal(session: HttpSession, name: string, signal?: AbortSignal): Promise<void> {
  expectStatus(await session.request('DELETE', `api/terminals/${idSegment(name, 'terminal name')}`, { signal }), [204, 200, 404], 'end the terminal');
}
