import { HttpSession, ProtocolError } from '../http';
import { Json, expectStatus, field, isObject, isString, jsonBody, optionalString } from './validate';

export interface ContentsModel {
  name: string;
  path: string;
  type: 'directory' | 'file' | 'notebook';
  format?: string | null;
  mimetype?: string | null;
  lastModified?: string;
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
  return model;
}

function contentsPath(path: string): string {
  const clean = path.split('/').filter(Boolean).map(encodeURIComponent).join('/');
  return `api/contents/${clean}`;
}

/** `GET api/contents/PATH`: a file, notebook or directory; `content: false` for the model alone. */
export async function getContents(session: HttpSession, path: string, options: { content?: boolean; type?: 'file' | 'notebook' | 'directory'; format?: 'text' | 'base64'; signal?: AbortSignal } = {}): Promise<ContentsModel> {
  const query = new URLSearchParams();
  if (options.type) query.set('type', options.type);
  if (options.format) query.set('format', options.format);
  if (options.content === false) query.set('content', '0');
  const qs = query.toString();
  const action = `read ${path || 'the root folder'}`;
  const res = await session.request('GET', `${contentsPath(path)}${qs ? `?${qs}` : ''}`, { signal: options.signal });
  return toContentsModel(jsonBody(expectStatus(res, [200], action), action));
}

/** The entries of a directory, without their content. */
export async function listDirectory(session: HttpSession, path = '', signal?: AbortSignal): Promise<ContentsModel[]> {
  const model = await getContents(session, path, { type: 'directory', signal });
  if (!Array.isArray(model.content)) throw new ProtocolError(`The server did not list the folder ${path || '/'}.`);
  return model.content as ContentsModel[];
}
