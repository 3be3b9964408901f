import * as vscode from 'vscode';
import { describeUserOptions, hubServers, stopHubServer } from '../../core/api';
import type { MenuItem } from './server-menu';
import type { ServerConnections } from './server-connections';
import type { ServerRecord, ServerStore } from './server-store';

/** JupyterHub's rule for a new named server's name (its safe slug). */
const NAMED_SERVER = /^[a-z](?:[a-z0-9-]{0,28}[a-z0-9])?$/;

/**
 * The server menu's lines for a JupyterHub user's server: what it was started with, Stop on the Hub…
 * (after a confirmation), and New Named Server… (created and started the way the person chooses,
 * then connected like any server).
 */
export function hubMenuItems(shown: ServerRecord | undefined, deps: { store: ServerStore; connections: ServerConnections; connect(text: string): Promise<void> }): MenuItem[] {
  const hub = shown && deps.connections.status(shown.id).hub;
  if (!shown || !hub) return [];
  const label = `${hub.user}${hub.serverName ? `/${hub.serverName}` : ''}`;
  const items: MenuItem[] = [];
  if (hub.userOptions) {
    // The Hub's record, which anyone who could start the server wrote: no icon of theirs in our menu.
    const started = describeUserOptions(hub.userOptions).replace(/\$\(/g, '$\u200b(');
    items.push({ label: `$(server-environment) Started as ${started}`, run: async () => vscode.window.showInformationMessage(`${label} on the Hub was started as ${started}.`) });
  }
  items.push({
    label: `$(debug-stop) Stop ${label} on the Hub…`,
    run: async () => {
      const stop = 'Stop It';
      const answer = await vscode.window.showWarningMessage(`Stop ${label} on the Hub?`, { modal: true, detail: 'Its kernels and terminals end with it; its files stay. Connect again to start it.' }, stop);
      if (answer !== stop) return;
      const session = await deps.connections.session(shown.id);
      const hubSession = session.sibling(hub.hubUrl);
      try {
        await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Stopping ${label} on the Hub` }, () => stopHubServer(hubSession, hub.user, hub.serverName));
      } finally {
        await hubSession.close();
      }
      await deps.connections.check(shown.id, true);
    },
  });
  items.push({
    label: '$(add) New Named Server on the Hub…',
    run: async () => {
      const name = await vscode.window.showInputBox({
        title: `A new server of ${hub.user} on the Hub`,
        prompt: 'Its name, as the Hub takes it: up to 30 lowercase letters, digits and single dashes, starting with a letter.',
        ignoreFocusOut: true,
        validateInput: (v) => (NAMED_SERVER.test(v) && !v.includes('--') ? undefined : 'Up to 30 lowercase letters, digits and single dashes; a letter first, no dash last.'),
      });
      if (!name) return;
      const session = await deps.connections.session(shown.id);
      const hubSession = session.sibling(hub.hubUrl);
      try {
        if ((await hubServers(hubSession, hub.user)).some((s) => s.name === name)) {
          void vscode.window.showErrorMessage(`${hub.user} has a server named "${name}" already: connect to it, or choose another name.`);
          return;
        }
      } finally {
        await hubSession.close();
      }
      const secret = await deps.store.secret(shown.id);
      const url = new URL(`user/${encodeURIComponent(hub.user)}/${name}/`, hub.hubUrl);
      // Connected as a server of its own, with the same token; the Hub creates it on the start.
      await deps.connect(secret?.token ? `${url.toString()}?token=${encodeURIComponent(secret.token)}` : url.toString());
    },
  });
  return items;
}
