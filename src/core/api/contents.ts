import { HttpResponse, HttpSession, JupyterHttpError, ProtocolError } from '../http';
import type { RequestOptions } from '../http';
import { encodeServerPath, normalizeServerPath } from './server-path';
import { Json, expectStatus, field, isObject, isString, jsonBody, optionalNumber, optionalString, reasonOf } from './validate';

/** What went wrong with a path, in the terms a file system speaks (VS Code's FileSystemError has the same). */
export type ContentsProblem = 'not-found' | 'exists' | 'forbidden' | 'unsupported';

/** A Contents API refusal about a path: an HTTP error that also says what it means for a file system. */
export class ContentsError extends JupyterHttpError {
  override readonly name: string = 'ContentsError';
  constructor(
    message: string,
    readonly problem: ContentsProblem,
    res: Pick<HttpResponse, 'method' | 'url' | 'status'>,
    reason = '',
  ) {
    super(message, res.method, new URL(res.url).pathname, res.status, reason);
  }
}

export interface ContentsModel {
  name: string;
  path: string;
  type: 'directory' | 'file' | 'notebook';
  format?: string | null;
  mimetype?: string | null;
  lastModified?: string;
  /** Bytes (files and notebooks; jupyter_server sends it with or without content). */
  size?: number;
  writable?: boolean;
  /** Directory entries (without content), text or base64 file content, or the notebook JSON. */
  content: ContentsModel[] | string | Json | null;
}

function toContentsModel(v: unknown): ContentsModel {
  if (!isObject(v)) throw new ProtocolError('The server sent a contents model that is not an object.');
  const type = field(v, 'type', (t): t is ContentsModel['type'] => t === 'directory' || t === 'file' || t === 'notebook', 'contents model');
  const model: ContentsModel = {
    name: field(v, 'name', isString, 'contents model'),
    path: field(v, 'path', isString, 'contents model'),
    type,
    content: type === 'directory' && Array.isArray(v.content) ? v.content.map(toContentsModel) : (v.content ?? null),
  };
  const format = v.format;
  if (typeof format === 'string' || format === null) model.format = format;
  const mimetype = v.mimetype;
  if (typeof mimetype === 'string' || mimetype === null) model.mimetype = mimetype;
  const modified = optionalString(v, 'last_modified');
  if (modified !== undefined) model.lastModified = modified;
  if (typeof v.writable === 'boolean') model.writable = v.writable;
  const size = optionalNumber(v, 'size');
  if (size !== undefined) model.size = size;
  return model;
}

function contentsPath(path: string): string {
  return `api/contents/${encodeServerPath(path)}`;
}

/**
 * The typed error for a Contents API answer other than `expected` (PROTOCOL.md): 404 not found (or, with
 * another reason than the contents manager's, no Contents API at all, as on kernel gateways), 409 exists, 403 and hidden files forbidden,
 * with the server's reason; anything else as `expectStatus` says it.
 */
function checkContents(res: HttpResponse, expected: number[], action: string, path: string): HttpResponse {
  if (expected.includes(res.status)) return res;
  const reason = reasonOf(res);
  const where = path || 'the root folder';
  // A missing file is "file or directory '/x' does not exist" (2.x) or "No such file or directory: x" (1.x, notebook 6);
  // any other 404 comes from a server with no contents handler at all.
  if (res.status === 404 && !/does not exist|no such file/i.test(reason)) {
    throw new ContentsError('This server has no Contents API (a kernel gateway runs kernels only): its files cannot be opened from here.', 'unsupported', res, reason);
  }
  if (res.status === 404) throw new ContentsError(`Could not ${action}: ${where} does not exist on the server.`, 'not-found', res, reason);
  if (res.status === 409) throw new ContentsError(`Could not ${action}: ${reason || `${where} already exists`}.`, 'exists', res, reason);
  if (res.status === 403 || (res.status === 400 && /hidden|not allowed|outside root|permission|cannot create/i.test(reason))) {
    // jupyter_server answers a hidden name with "Cannot create file or directory '/.x'" and no why.
    const hidden = /(^|\/)\./.test(normalizeServerPath(path)) ? ' (the server refuses hidden files and folders unless ContentsManager.allow_hidden is set)' : '';
    throw new ContentsError(`The server refused to ${action}: ${reason.replace(/\.$/, '') || 'permission denied'}${hidden}.`, 'forbidden', res, reason);
  }
  return expectStatus(res, expected, action);
}

const modelOf = (res: HttpResponse, action: string): ContentsModel => toContentsModel(jsonBody(res, action));

/** `GET api/contents/PATH?content=0`: what a path is, its size and modification time, without its content. */
export async function statPath(session: HttpSession, path: string, signal?: AbortSignal): Promise<ContentsModel> {
  const action = `look at ${path || 'the root folder'}`;
  return modelOf(checkContents(await session.request('GET', `${contentsPath(path)}?content=0`, { signal }), [200], action, path), action);
}

/** `PUT api/contents/PATH` of a directory model: makes the folder (its parent must exist). */
export async function createDirectory(session: HttpSession, path: string, signal?: AbortSignal): Promise<ContentsModel> {
  const action = `create the folder ${path}`;
  return modelOf(checkContents(await session.request('PUT', contentsPath(path), { json: { type: 'directory' }, signal }), [200, 201], action, path), action);
}

/** `DELETE api/contents/PATH`: a file or a folder (the server may move it to its trash). */
export async function deletePath(session: HttpSession, path: string, signal?: AbortSignal): Promise<void> {
  checkContents(await session.request('DELETE', contentsPath(path), { signal }), [204, 200], `delete ${path}`, path);
}

/** `PATCH api/contents/FROM` to a new path; the server refuses (409) when the target exists. */
export async function renamePath(session: HttpSession, from: string, to: string, signal?: AbortSignal): Promise<ContentsModel> {
  const action = `rename ${from} to ${to}`;
  return modelOf(checkContents(await session.request('PATCH', contentsPath(from), { json: { path: normalizeServerPath(to) }, signal }), [200], action, from), action);
}

/** `POST api/contents/FOLDER` with `copy_from`: the server names the copy (`name-Copy1.ext`); files only. */
export async function copyIntoFolder(session: HttpSession, from: string, folder: string, signal?: AbortSignal): Promise<ContentsModel> {
  const action = `copy ${from}`;
  return modelOf(checkContents(await session.request('POST', contentsPath(folder), { json: { copy_from: normalizeServerPath(from) }, signal }), [201, 200], action, from), action);
}

/**
 * `PUT api/contents/PATH` of a file's bytes, base64 so any bytes round-trip exactly (a notebook too:
 * saved as the file it is, not re-serialised). `chunk`: 1, 2, … and -1 for the last, as JupyterLab's
 * uploader sends them; the server appends each to the file (both 1.x and 2.x).
 */
export async function putFileBytes(session: HttpSession, path: string, bytes: Buffer, options: { chunk?: number; signal?: AbortSignal } = {}): Promise<ContentsModel> {
  const action = `save ${path}`;
  const json: Record<string, unknown> = { type: 'file', format: 'base64', content: bytes.toString('base64') };
  if (options.chunk !== undefined) json.chunk = options.chunk;
  return modelOf(checkContents(await session.request('PUT', contentsPath(path), { json, signal: options.signal, timeoutMs: 120000 }), [200, 201], action, path), action);
}

/** `GET api/contents/PATH`: a file, notebook or directory; `content: false` for the model alone. */
export async function getContents(
  session: HttpSession,
  path: string,
  options: { content?: boolean; type?: 'file' | 'notebook' | 'directory'; format?: 'text' | 'base64'; signal?: AbortSignal } & Pick<RequestOptions, 'maxBytes' | 'idleTimeoutMs'> = {},
): Promise<ContentsModel> {
  const query = new URLSearchParams();
  if (options.type) query.set('type', options.type);
  if (options.format) query.set('format', options.format);
  if (options.content === false) query.set('content', '0');
  const qs = query.toString();
  const action = `read ${path || 'the root folder'}`;
  const res = await session.request('GET', `${contentsPath(path)}${qs ? `?${qs}` : ''}`, { signal: options.signal, maxBytes: options.maxBytes, idleTimeoutMs: options.idleTimeoutMs });
  return modelOf(checkContents(res, [200], action, path), action);
}

/** The entries of a directory, without their content. */
export async function listDirectory(session: HttpSession, path = '', signal?: AbortSignal): Promise<ContentsModel[]> {
  const model = await getContents(session, path, { type: 'directory', signal });
  if (!Array.isArray(model.content)) throw new ProtocolError(`The server did not list the folder ${path || '/'}.`);
  return model.content as ContentsModel[];
}
