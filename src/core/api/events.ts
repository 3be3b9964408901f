import { AuthError, HttpSession, JupyterError, JupyterHttpError, openServerSocket } from '../http';
import { normalizeServerPath } from './server-path';

/** The schema jupyter_server ≥ 2.0 emits for each Contents API action that succeeded. */
export const CONTENTS_EVENT_SCHEMA = 'https://events.jupyter.org/jupyter_server/contents_service/v1';

/** A change made through the server's Contents API, by any client (JupyterLab saving, a rename, an upload). */
export interface ContentsChange {
  action: 'create' | 'save' | 'upload' | 'rename' | 'copy' | 'delete';
  /** The server path changed (the new path of a rename or copy). */
  path: string;
  /** The old path of a rename, the original of a copy. */
  sourcePath?: string;
}

const CHANGES = new Set<string>(['create', 'save', 'upload', 'rename', 'copy', 'delete']);

/** The server has no event stream (jupyter_server < 2.0, notebook 6, a kernel gateway). */
export class EventsUnsupportedError extends JupyterError {
  override readonly name: string = 'EventsUnsupportedError';
}

export interface ContentsEventsOptions {
  onChange(change: ContentsChange): void;
  /** The stream ended (server stopped, network lost, or `close()`). */
  onClose(byUs: boolean): void;
  handshakeTimeoutMs?: number;
}

export interface ContentsEvents {
  close(): void;
}

/**
 * The one event of a frame of `api/events/subscribe` that says a file changed, or undefined: other
 * schemas (kernel actions), `get` (every read, ours included), and malformed frames are not changes.
 */
export function contentsChangeOf(frame: string): ContentsChange | undefined {
  let event: unknown;
  try {
    event = JSON.parse(frame);
  } catch {
    return undefined;
  }
  if (!event || typeof event !== 'object') return undefined;
  const { schema_id: schema, action, path, source_path: source } = event as Record<string, unknown>;
  if (schema !== CONTENTS_EVENT_SCHEMA || typeof action !== 'string' || !CHANGES.has(action) || typeof path !== 'string') return undefined;
  try {
    const change: ContentsChange = { action: action as ContentsChange['action'], path: normalizeServerPath(path) };
    if (typeof source === 'string') change.sourcePath = normalizeServerPath(source);
    return change;
  } catch {
    return undefined; // a path that climbs above the root names nothing we show
  }
}

/**
 * Subscribes to jupyter_server 2's event stream (`api/events/subscribe`) for changes made through the
 * Contents API. Not every change: a file a kernel or terminal writes goes straight to disk and emits
 * nothing, so this speeds up, and does not replace, looking. Rejects with EventsUnsupportedError where
 * the server has no stream.
 */
export async function subscribeToContentsEvents(session: HttpSession, options: ContentsEventsOptions): Promise<ContentsEvents> {
  const { ws, takeEarlyMessages } = await openServerSocket(session, 'api/events/subscribe', {
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10000,
    what: 'the event stream',
    maxPayload: 1024 * 1024,
    refused: (status) => {
      if (status === 404) return new EventsUnsupportedError('The server has no event stream (it needs jupyter_server 2).');
      if (status === 401 || status === 403) return new AuthError(`The server refused its event stream (HTTP ${status}).`, 'forbidden', status);
      return new JupyterHttpError(`The server refused its event stream (HTTP ${status}).`, 'GET', 'api/events/subscribe', status, '');
    },
  });
  let closedByUs = false;
  const receive = (data: Buffer) => {
    const change = contentsChangeOf(data.toString('utf8'));
    if (change) options.onChange(change);
  };
  ws.on('message', receive);
  for (const [data] of takeEarlyMessages()) receive(data);
  ws.on('error', () => undefined); // a close follows
  ws.on('close', () => options.onClose(closedByUs));
  return {
    close() {
      closedByUs = true;
      ws.close(1000);
      setTimeout(() => ws.terminate(), 1000).unref();
    },
  };
}
