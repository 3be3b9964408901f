import * as vscode from 'vscode';
import type { HubStartMemory } from './hub-start';
import { JupyterError } from '../../core/http';
import { discoverLocalServers, parseServerText, redactForMessage } from '../../core/servers';
import { NOTEBOOK_TYPE, registerGuarded, withTimeout } from '../shared';
import type { ErrorSink } from '../shared';
import { connectToServer } from './connect-flow';
import { ServerChoice, VsCodeConnectUi, askForServerText } from './connect-ui';
import type { NotebookKernels } from './notebook-kernels';
import type { ServerConnections } from './server-connections';
import type { ServerMenuItems } from './server-menu';
import type { ServerRecord, ServerStore } from './server-store';
import { shownServer } from './status-text';

export interface ServerCommandsDeps extends ErrorSink {
  store: ServerStore;
  connections: ServerConnections;
  menuItems: ServerMenuItems;
  /** The notebooks' kernels, once the notebooks feature is there. */
  kernels: () => NotebookKernels;
  /** `http.proxy` when set. */
  proxy: () => string | undefined;
  /** The options each Hub server was last started with. */
  hubStarts: HubStartMemory;
}

/** Asks which server, among the saved ones; undefined when there are none or the person cancels. */
export async function pickServer(store: ServerStore, connections: ServerConnections, title: string): Promise<ServerRecord | undefined> {
  const servers = store.list();
  if (!servers.length) {
    void vscode.window.showInformationMessage('No Jupyter server has been added yet.', 'Connect to Server').then((a) => (a ? vscode.commands.executeCommand('jupyterRemote.connect') : undefined));
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    servers.map((s) => ({ label: s.name, description: `${s.baseUrl}${s.id === store.activeId ? ' · active' : ''}`, detail: connections.status(s.id).message, record: s })),
    { title },
  );
  return picked?.record;
}

/** The commands that add, pick, check, rename and remove servers, and the server menu; returns their disposables. */
export function registerServerCommands(deps: ServerCommandsDeps): vscode.Disposable[] {
  const { store, connections } = deps;
  const pick = (title: string) => pickServer(store, connections, title);

  const connect = async (text?: string): Promise<void> => {
    let input = typeof text === 'string' ? text : undefined;
    if (input === undefined) {
      // The box opens at once; what the clipboard and this machine offer is added when known.
      const offers = (async () => {
        const choices: ServerChoice[] = [];
        // In a browser (VS Code for the Web, code-server) reading the clipboard asks for a permission
        // or fails with an error toast: not worth it for a convenience; the person pastes instead.
        const clipboard = vscode.env.uiKind === vscode.UIKind.Web ? '' : await withTimeout(Promise.resolve(vscode.env.clipboard.readText()), 1500, '');
        const inClipboard = clipboard.length < 1_000_000 ? parseServerText(clipboard).servers : [];
        // A multi-line server list in the clipboard keeps its line breaks this way.
        if (inClipboard.length > 1) choices.push({ label: `$(clippy) The ${inClipboard.length} servers in the clipboard`, text: clipboard });
        const local = await withTimeout(discoverLocalServers().then((l) => l.servers), 3000, []);
        for (const s of local) {
          const url = s.token ? `${s.baseUrl}?token=${encodeURIComponent(s.token)}` : s.baseUrl;
          choices.push({ label: `$(vm) ${new URL(s.baseUrl).host}${s.basePath}`, description: 'running on this machine', detail: s.rootDir, text: url });
        }
        return { choices, prefill: inClipboard.length === 1 ? clipboard.trim() : undefined };
      })();
      input = await askForServerText(offers);
      if (input === undefined) return;
    }
    const connected = await connectToServer(input, {
      ui: new VsCodeConnectUi(),
      store,
      logger: deps.log,
      redactor: deps.redactor,
      proxy: deps.proxy() ?? undefined,
      hubStarts: deps.hubStarts,
    });
    if (!connected) return;
    const status = await connections.adopt(connected.record, connected.session, connected.info);
    const kinds = Object.values(status.specs?.specs ?? {}).map((s) => s.displayName);
    void vscode.window.showInformationMessage(
      `Connected to ${connected.record.name}${kinds.length ? `: pick ${kinds.length === 1 ? `"${kinds[0]}"` : 'one of its kernels'} in a notebook's kernel picker.` : '.'}`,
    );
  };

  const reconnect = async (record?: ServerRecord): Promise<void> => {
    const target = record ?? (store.activeId ? store.get(store.activeId) : undefined) ?? (await pick('Reconnect to which server?'));
    if (!target) return;
    connections.reset(target.id);
    const status = await connections.check(target.id, true);
    if (status.state === 'auth-needed') {
      const again = 'Connect Again';
      const answer = await vscode.window.showWarningMessage(`${target.name}: ${status.message ?? 'a login is needed.'}`, again);
      if (answer) await connect(target.baseUrl);
    } else if (status.state === 'stopped' || status.state === 'untrusted') {
      // The connect flow offers to start it through the Hub, with its progress; or shows the
      // certificate's fingerprint (saying whether it changed) and pins it if the person trusts it.
      await connect(target.baseUrl);
    } else if (status.state !== 'connected') {
      throw new JupyterError(`${target.name} is unreachable: ${status.message ?? 'no answer.'}`);
    }
  };

  // Renaming or removing a server changes what the kernel picker shows: the notebooks feature follows
  // the store's changes.
  const rename = async (record?: ServerRecord): Promise<void> => {
    const target = record ?? (await pick('Rename which server?'));
    if (!target) return;
    const name = await vscode.window.showInputBox({ title: `Rename ${target.name}`, value: target.name, validateInput: (v) => (v.trim() ? undefined : 'The name cannot be empty.') });
    if (name?.trim()) await store.update(target.id, { name: name.trim() });
  };

  const remove = async (record?: ServerRecord): Promise<void> => {
    const target = record ?? (await pick('Remove which server?'));
    if (!target) return;
    const answer = await vscode.window.showWarningMessage(
      `Remove ${target.name}?`,
      { modal: true, detail: 'Its token or password is deleted from the keychain and its kernels disappear from the kernel picker. Notebooks running on it are disconnected; their kernels keep running on the server.' },
      'Remove',
    );
    if (answer !== 'Remove') return;
    await store.remove(target.id);
    deps.log.info(`Removed server ${target.name}`);
  };

  const copyUrl = async (record?: ServerRecord): Promise<void> => {
    const target = record ?? (await pick('Copy the address of which server?'));
    if (!target) return;
    await vscode.env.clipboard.writeText(redactForMessage(target.baseUrl));
    void vscode.window.showInformationMessage(`Copied ${target.baseUrl} (without its token).`);
  };

  const switchServer = async (): Promise<void> => {
    const target = await pick('Switch to which server?');
    if (!target) return;
    await store.setActive(target.id);
    void connections.check(target.id);
  };

  const manage = async (): Promise<void> => {
    const target = await pick('Manage which server?');
    if (!target) return;
    const actions: [string, (r: ServerRecord) => Promise<void>][] = [
      ['$(check) Make Active', async (r) => {
        await store.setActive(r.id);
        void connections.check(r.id);
      }],
      ['$(refresh) Reconnect', reconnect],
      ['$(edit) Rename', rename],
      ['$(copy) Copy URL (without token)', copyUrl],
      ['$(trash) Remove', remove],
    ];
    const picked = await vscode.window.showQuickPick(actions.map(([label]) => label), { title: target.name });
    const action = actions.find(([label]) => label === picked);
    if (action) await action[1](target);
  };

  const showMenu = async (): Promise<void> => {
    const editor = vscode.window.activeNotebookEditor?.notebook;
    const notebook = editor?.notebookType === NOTEBOOK_TYPE ? editor : undefined;
    const shown = shownServer(store.list(), store.activeId, notebook && deps.kernels().serverOf(notebook));
    const items = [];
    if (shown && connections.status(shown.id).state === 'untrusted') {
      items.push({ label: `$(workspace-untrusted) Review the Certificate of ${shown.name}…`, run: () => reconnect(shown) });
    }
    items.push(
      ...deps.menuItems.for(shown, notebook),
      { label: '$(arrow-swap) Switch Server…', run: switchServer },
      { label: '$(add) Connect to a Server…', run: () => connect() },
      { label: '$(refresh) Reconnect', run: () => reconnect() },
      { label: '$(gear) Manage Servers…', run: manage },
      { label: '$(output) Show Log', run: async () => deps.showLog() },
    );
    const picked = await vscode.window.showQuickPick(items, { title: 'Jupyter Remote' });
    if (picked) await picked.run();
  };

  return [
    registerGuarded(deps, 'jupyterRemote.connect', 'Could not connect', (text?: string) => connect(text)),
    registerGuarded(deps, 'jupyterRemote.showServerMenu', 'Jupyter Remote', showMenu),
    registerGuarded(deps, 'jupyterRemote.switchServer', 'Could not switch servers', switchServer),
    registerGuarded(deps, 'jupyterRemote.reconnect', 'Could not reconnect', () => reconnect()),
    registerGuarded(deps, 'jupyterRemote.manageServers', 'Could not manage servers', manage),
    registerGuarded(deps, 'jupyterRemote.renameServer', 'Could not rename the server', () => rename()),
    registerGuarded(deps, 'jupyterRemote.removeServer', 'Could not remove the server', () => remove()),
    registerGuarded(deps, 'jupyterRemote.copyServerUrl', 'Could not copy the address', () => copyUrl()),
    vscode.commands.registerCommand('jupyterRemote.showLog', () => deps.showLog()),
  ];
}

