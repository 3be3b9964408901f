import * as vscode from 'vscode';
import { AbortedError, JupyterError } from '../core/http';
import { discoverLocalServers, parseServerText, redactForMessage } from '../core/servers';
import { Logger, Redactor } from '../core/util/logger';
import { connectToServer } from './connect-flow';
import { ServerChoice, VsCodeConnectUi, askForServerText } from './connect-ui';
import { KernelControllers, NOTEBOOK_TYPE } from './kernel-controllers';
import type { KernelMemory } from './kernel-memory';
import { openServerFolder, setKernelFolder } from './open-server-folder';
import { downloadFromServer, uploadToServer } from './transfer-commands';
import { ServerConnections } from './server-connections';
import { showServerKernels } from './server-kernels';
import { openServerTerminal, shutDownServerTerminal } from './server-terminal';
import { ServerRecord, ServerStore } from './server-store';
import { shownServer } from './status-text';

export interface CommandDeps {
  store: ServerStore;
  connections: ServerConnections;
  controllers: KernelControllers;
  memory: KernelMemory;
  /** This extension's id (to select one of its kernels for a notebook). */
  extensionId: string;
  /** Where the workspace files Open Server Folder writes are kept (the extension's global storage). */
  workspacesFolder: vscode.Uri;
  log: Logger;
  redactor: Redactor;
  showLog: () => void;
  /** `http.proxy` when set. */
  proxy: () => string | undefined;
}

/**
 * Shows a failure at a command boundary: one sentence (never a stack or a secret), with "Show Log".
 * Cancellation is not a failure.
 */
export function reportError(deps: Pick<CommandDeps, 'log' | 'redactor' | 'showLog'>, what: string, e: unknown): void {
  if (e instanceof AbortedError) return;
  const detail = e instanceof JupyterError ? e.message : e instanceof Error ? `${e.message}` : String(e);
  const message = deps.redactor.redact(`${what}: ${detail}`);
  deps.log.error(e instanceof Error && !(e instanceof JupyterError) && e.stack ? deps.redactor.redact(`${message}\n${e.stack}`) : message);
  void vscode.window.showErrorMessage(message, 'Show Log').then((a) => (a ? deps.showLog() : undefined));
}

/** Registers every command; returns their disposables. */
export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const { store, connections, controllers } = deps;
  const guard = (what: string, fn: (...args: never[]) => Promise<unknown>) =>
    (...args: never[]) => fn(...args).catch((e: unknown) => reportError(deps, what, e));

  const pickServer = async (title: string): Promise<ServerRecord | undefined> => {
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
  };

  const activeNotebook = (): vscode.NotebookDocument => {
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    if (!notebook || notebook.notebookType !== NOTEBOOK_TYPE) throw new JupyterError('Open a notebook that runs on a remote kernel first.');
    return notebook;
  };

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
    });
    if (!connected) return;
    const status = await connections.adopt(connected.record, connected.session, connected.info);
    const kinds = Object.values(status.specs?.specs ?? {}).map((s) => s.displayName);
    void vscode.window.showInformationMessage(
      `Connected to ${connected.record.name}${kinds.length ? `: pick ${kinds.length === 1 ? `"${kinds[0]}"` : 'one of its kernels'} in a notebook's kernel picker.` : '.'}`,
    );
  };

  const reconnect = async (record?: ServerRecord): Promise<void> => {
    const target = record ?? (store.activeId ? store.get(store.activeId) : undefined) ?? (await pickServer('Reconnect to which server?'));
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

  const rename = async (record?: ServerRecord): Promise<void> => {
    const target = record ?? (await pickServer('Rename which server?'));
    if (!target) return;
    const name = await vscode.window.showInputBox({ title: `Rename ${target.name}`, value: target.name, validateInput: (v) => (v.trim() ? undefined : 'The name cannot be empty.') });
    if (name?.trim()) await store.update(target.id, { name: name.trim() });
    for (const s of store.list()) controllers.sync(s.id);
  };

  const remove = async (record?: ServerRecord): Promise<void> => {
    const target = record ?? (await pickServer('Remove which server?'));
    if (!target) return;
    const answer = await vscode.window.showWarningMessage(
      `Remove ${target.name}?`,
      { modal: true, detail: 'Its token or password is deleted from the keychain and its kernels disappear from the kernel picker. Notebooks running on it are disconnected; their kernels keep running on the server.' },
      'Remove',
    );
    if (answer !== 'Remove') return;
    await store.remove(target.id);
    controllers.sync(target.id);
    deps.log.info(`Removed server ${target.name}`);
  };

  const copyUrl = async (record?: ServerRecord): Promise<void> => {
    const target = record ?? (await pickServer('Copy the address of which server?'));
    if (!target) return;
    await vscode.env.clipboard.writeText(redactForMessage(target.baseUrl));
    void vscode.window.showInformationMessage(`Copied ${target.baseUrl} (without its token).`);
  };

  const switchServer = async (): Promise<void> => {
    const target = await pickServer('Switch to which server?');
    if (!target) return;
    await store.setActive(target.id);
    void connections.check(target.id);
  };

  const manage = async (): Promise<void> => {
    const target = await pickServer('Manage which server?');
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

  const interrupt = async (): Promise<void> => controllers.interrupt(activeNotebook());
  const restart = async (): Promise<void> => {
    const notebook = activeNotebook();
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Restarting the remote kernel' }, () => controllers.restart(notebook));
  };

  /** The server a command acts on: the given one, the one of the notebook in front or the active one, else asked. */
  const serverFor = async (title: string, server?: ServerRecord): Promise<ServerRecord | undefined> => {
    if (server) return server;
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    return shownServer(store.list(), store.activeId, notebook && controllers.serverOf(notebook)) ?? pickServer(title);
  };
  const terminal = async (server?: ServerRecord): Promise<void> => {
    const target = await serverFor('A Terminal on Which Server?', server);
    if (target) await openServerTerminal(connections, controllers, target, deps.log);
  };
  const kernelsOf = async (server?: ServerRecord): Promise<void> => {
    const target = await serverFor('Kernels on Which Server?', server);
    if (target) await showServerKernels(connections, controllers, deps.memory, target, deps.extensionId);
  };
  const shutDownTerminal = async (): Promise<void> => {
    const target = await serverFor('Shut Down a Terminal on Which Server?');
    if (target) await shutDownServerTerminal(connections, target);
  };

  const openFolder = async (): Promise<void> => {
    const server = store.list().length === 1 ? store.list()[0] : await pickServer('Open a Folder on Which Server?');
    if (server) await openServerFolder(connections, server, deps.workspacesFolder);
  };

  const showMenu = async (): Promise<void> => {
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    const kernel = notebook ? controllers.statusOf(notebook) : undefined;
    const items: { label: string; run: () => Promise<unknown> }[] = [];
    const shown = shownServer(store.list(), store.activeId, notebook && controllers.serverOf(notebook));
    if (shown && connections.status(shown.id).state === 'untrusted') {
      items.push({ label: `$(workspace-untrusted) Review the Certificate of ${shown.name}…`, run: () => reconnect(shown) });
    }
    if (kernel) {
      if (kernel === 'dead') items.push({ label: '$(debug-restart) Restart the Kernel (it died)', run: restart });
      else {
        items.push({ label: '$(debug-stop) Interrupt the Kernel', run: interrupt });
        items.push({ label: '$(debug-restart) Restart the Kernel', run: restart });
      }
    }
    items.push(
      ...(shown ? [{ label: `$(folder-opened) Open a Folder on ${shown.name}…`, run: () => openServerFolder(connections, shown, deps.workspacesFolder) }] : []),
      ...(shown ? [{ label: `$(server-process) Kernels on ${shown.name}…`, run: () => kernelsOf(shown) }] : []),
      ...(shown ? [{ label: `$(terminal) Terminal on ${shown.name}`, run: () => terminal(shown) }] : []),
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
    vscode.commands.registerCommand('jupyterRemote.connect', guard('Could not connect', (text?: string) => connect(text))),
    vscode.commands.registerCommand('jupyterRemote.showServerMenu', guard('Jupyter Remote', showMenu)),
    vscode.commands.registerCommand('jupyterRemote.switchServer', guard('Could not switch servers', switchServer)),
    vscode.commands.registerCommand('jupyterRemote.reconnect', guard('Could not reconnect', () => reconnect())),
    vscode.commands.registerCommand('jupyterRemote.manageServers', guard('Could not manage servers', manage)),
    vscode.commands.registerCommand('jupyterRemote.renameServer', guard('Could not rename the server', () => rename())),
    vscode.commands.registerCommand('jupyterRemote.removeServer', guard('Could not remove the server', () => remove())),
    vscode.commands.registerCommand('jupyterRemote.copyServerUrl', guard('Could not copy the address', () => copyUrl())),
    vscode.commands.registerCommand('jupyterRemote.interruptKernel', guard('Could not interrupt the kernel', interrupt)),
    vscode.commands.registerCommand('jupyterRemote.restartKernel', guard('Could not restart the kernel', restart)),
    vscode.commands.registerCommand('jupyterRemote.openServerFolder', guard('Could not open the server folder', openFolder)),
    vscode.commands.registerCommand('jupyterRemote.showServerKernels', guard("Could not list the server's kernels", () => kernelsOf())),
    vscode.commands.registerCommand('jupyterRemote.openServerTerminal', guard('Could not open a server terminal', () => terminal())),
    vscode.commands.registerCommand('jupyterRemote.shutDownServerTerminal', guard('Could not shut the terminal down', shutDownTerminal)),
    vscode.commands.registerCommand(
      'jupyterRemote.setKernelFolder',
      guard('Could not set the server folder', async () => {
        const notebook = vscode.window.activeNotebookEditor?.notebook;
        const shown = shownServer(store.list(), store.activeId, notebook && controllers.serverOf(notebook)) ?? (await pickServer('Browse Which Server?'));
        if (shown) await setKernelFolder(connections, shown);
      }),
    ),
    vscode.commands.registerCommand(
      'jupyterRemote.uploadToServer',
      guard('Could not upload', (uri?: vscode.Uri, uris?: vscode.Uri[]) =>
        uploadToServer(connections, async () => (store.list().length === 1 ? store.list()[0] : pickServer('Upload to Which Server?')), uri, uris),
      ),
    ),
    vscode.commands.registerCommand('jupyterRemote.downloadFromServer', guard('Could not download', (uri?: vscode.Uri, uris?: vscode.Uri[]) => downloadFromServer(uri, uris))),
    vscode.commands.registerCommand('jupyterRemote.showLog', () => deps.showLog()),
  ];
}

/** The promise's value, or `fallback` if it fails or takes longer than `ms`. */
function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)));
  return Promise.race([promise.catch(() => fallback), late]).finally(() => clearTimeout(timer));
}
