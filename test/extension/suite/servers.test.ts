// Servers: the commands contributed, connecting to a pasted token URL (the server every later test uses),
// and removing it (the suite's last test).
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, runAccepting, servers, until } from './shared';

/** The suite's first tests: they add the server the file and notebook tests use. */
export function serverConnectTests(): void {
  it('contributes its commands under the Jupyter Remote category', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const id of ['jupyterRemote.connect', 'jupyterRemote.showServerMenu', 'jupyterRemote.restartKernel', 'jupyterRemote.interruptKernel', 'jupyterRemote.removeServer']) {
      assert.ok(all.includes(id), id);
    }
    assert.equal(api.statusBar.shown.visible, false, 'no status bar item before a server is added');
  });

  it('connects to a pasted token URL: the token goes to SecretStorage, the list keeps none', async () => {
    const s = servers.token;
    await runAccepting('jupyterRemote.connect', `${s.url}lab?token=${s.token}`);
    const [record] = api.store.list();
    assert.ok(record, 'the server was saved');
    assert.equal(record.baseUrl, s.url);
    assert.equal(record.auth, 'token');
    assert.ok(!JSON.stringify(api.store.list()).includes(s.token), 'no token in globalState');
    assert.deepEqual(await api.store.secret(record.id), { token: s.token }, 'the token is in SecretStorage');
    await until('the server to be checked', () => api.connections.status(record.id).state === 'connected');
    assert.ok(api.controllers.controllerIds().includes(`jupyterRemote.${record.id}.spec.python3`), 'a controller for its python3 kernelspec');
    assert.equal(api.statusBar.shown.visible, true);
    assert.match(api.statusBar.shown.text, new RegExp(record.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  });
}

/** The suite's last test: it removes that server. */
export function serverRemovalTests(): void {
  it('removing the server removes its controllers and its secret', async () => {
    const [record] = api.store.list();
    await api.store.remove(record.id);
    await until('its controllers to go', () => !api.controllers.controllerIds().some((id) => id.includes(record.id)));
    assert.equal(await api.store.secret(record.id), undefined);
    assert.equal(api.statusBar.shown.visible, false);
  });
}
