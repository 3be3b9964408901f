import * as vscode from 'vscode';
import { hubRootOf } from '../../core/api';
import type { ServerConnections } from './server-connections';
import type { ServerStore } from './server-store';
import { tokenExpiryWarning } from './status-text';

/** Warns once per server and window when its Hub token is about to expire. */
export function watchTokenExpiry(store: ServerStore, connections: ServerConnections): vscode.Disposable {
  const warned = new Set<string>();
  const sub = connections.onDidChange((id) => {
    const record = store.get(id);
    const message = record && !warned.has(id) ? tokenExpiryWarning(record.name, connections.status(id).tokenExpiresAt, Date.now()) : undefined;
    if (!record || !message) return;
    warned.add(id);
    const open = 'Open Token Page';
    void vscode.window.showWarningMessage(message, open).then((answer) => {
      if (answer) void vscode.env.openExternal(vscode.Uri.parse(`${hubRootOf(record.baseUrl)}hub/token`));
    });
  });
  return { dispose: () => sub.dispose() };
}
