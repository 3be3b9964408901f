import * as vscode from 'vscode';
import { AbortedError } from '../../core/http';
import type { HubServer } from '../../core/api';
import type { ServerAddress } from '../../core/servers';
import { hostForUrl, redactForMessage } from '../../core/servers';
import { CertificateRequest, ConnectUi, SecretRequest } from './connect-flow';
import type { StartChoice, StartRequest } from './hub-start';
import { chooseStart } from './hub-start-ui';

/** Where the server came from, for the first pick. */
export interface ServerChoice {
  label: string;
  description?: string;
  detail?: string;
  /** Text to parse (a URL, or a whole server list). */
  text: string;
}

function describeAddress(s: ServerAddress): vscode.QuickPickItem & { address: ServerAddress } {
  return {
    label: `${hostForUrl(s.host)}:${s.port}`,
    description: `base_url ${s.basePath}${s.token ? ' · token given' : s.tokenMasked ? ' · token hidden' : ''}`,
    detail: s.rootDir ? `root ${s.rootDir}` : redactForMessage(s.baseUrl),
    address: s,
  };
}

/**
 * The first question of Connect to Server: one box that takes a URL or a whole pasted server list
 * (line breaks the input box drops are recovered by the parser). It opens at once; servers found on
 * this machine and in the clipboard are offered as picks when `offers` resolves, and a single URL in
 * the clipboard is filled in unless something was typed already. Resolves the text to parse, or
 * undefined when cancelled.
 */
export function askForServerText(offers: Promise<{ choices: ServerChoice[]; prefill?: string }>): Promise<string | undefined> {
  return new Promise((resolve) => {
    const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { text?: string }>();
    pick.title = 'Connect to a Jupyter Server';
    pick.placeholder = 'Paste a URL (http://host:8888/?token=YOUR_TOKEN) or the output of `jupyter server list`';
    pick.ignoreFocusOut = true;
    pick.matchOnDescription = true;
    pick.matchOnDetail = true;
    pick.busy = true;
    let done = false;
    const finish = (value: string | undefined) => {
      if (done) return;
      done = true;
      resolve(value);
      pick.dispose();
    };
    void offers.then(
      ({ choices, prefill }) => {
        if (done) return;
        pick.items = choices.map((c) => ({ label: c.label, description: c.description, detail: c.detail, text: c.text, alwaysShow: true }));
        if (prefill && !pick.value) pick.value = prefill;
        pick.busy = false;
      },
      () => (pick.busy = false),
    );
    pick.onDidAccept(() => {
      // What was typed or pasted wins over a highlighted suggestion.
      const chosen = pick.selectedItems[0] ?? pick.activeItems[0];
      if (pick.value.trim()) finish(pick.value);
      else if (chosen?.text) finish(chosen.text);
    });
    pick.onDidHide(() => finish(undefined));
    pick.show();
  });
}

/** The questions of the connect flow as VS Code input boxes, quick picks and modal dialogs. */
export class VsCodeConnectUi implements ConnectUi {
  async pickServer(servers: ServerAddress[]): Promise<ServerAddress | undefined> {
    const picked = await vscode.window.showQuickPick(servers.map(describeAddress), {
      title: `${servers.length} servers found: which one?`,
      ignoreFocusOut: true,
      matchOnDescription: true,
      matchOnDetail: true,
    });
    return picked?.address;
  }

  askSecret(request: SecretRequest): Promise<string | undefined> {
    const what = {
      token: 'token',
      'hub-token': 'JupyterHub API token',
      password: 'password',
      'password-or-token': 'password or token',
    }[request.kind];
    return Promise.resolve(
      vscode.window.showInputBox({
        title: `${request.server} needs its ${what}`,
        prompt: request.reason ?? `Enter the ${what} of ${request.server}. It is kept in the OS keychain.`,
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() ? undefined : `The ${what} cannot be empty.`),
      }),
    );
  }

  async trustCertificate(request: CertificateRequest): Promise<boolean> {
    const trust = 'Trust This Certificate';
    const detail = [
      request.changed
        ? `${request.server} presented a DIFFERENT certificate from the one you trusted before. This can mean the server's certificate was renewed, or that someone is intercepting the connection.`
        : `${request.server} presented a certificate that is not signed by an authority this machine trusts (for example, a self-signed one).`,
      `SHA-256 fingerprint:\n${request.fingerprint}`,
      request.subject ? `Subject: ${request.subject}` : '',
      'Compare it with the fingerprint on the server (openssl x509 -noout -fingerprint -sha256 -in CERT). Trusting pins this one certificate for this server only.',
    ].filter(Boolean).join('\n\n');
    const answer = await vscode.window.showWarningMessage(request.changed ? 'The server\'s certificate changed' : 'Untrusted certificate', { modal: true, detail }, trust);
    return answer === trust;
  }

  async allowInsecureHttp(host: string): Promise<boolean> {
    const send = 'Send Over HTTP';
    const answer = await vscode.window.showWarningMessage(
      `${host} uses plain http`,
      { modal: true, detail: `Your token or password would cross the network unencrypted to ${host}, where anyone on the way can read it. Prefer https or an SSH tunnel (ssh -L 8888:localhost:8888 ${host}). Send it anyway for this server?` },
      send,
    );
    return answer === send;
  }

  askName(suggested: string): Promise<string | undefined> {
    return Promise.resolve(
      vscode.window.showInputBox({ title: 'Name this server', value: suggested, prompt: 'Shown in the status bar and the kernel picker.', ignoreFocusOut: true }),
    );
  }

  async pickHubServer(user: string, servers: HubServer[]): Promise<HubServer | undefined> {
    const state = { running: 'running', starting: 'starting…', stopping: 'stopping…', stopped: 'not running: it will be started' };
    const picked = await vscode.window.showQuickPick(
      servers.map((s) => ({ label: s.name ? `$(server) ${s.name}` : '$(server) Default server', description: state[s.state], detail: s.url, server: s })),
      { title: `${user}'s servers on the Hub: which one?`, ignoreFocusOut: true },
    );
    return picked?.server;
  }

  chooseStart(request: StartRequest): Promise<StartChoice | undefined> {
    return chooseStart(request);
  }

  async openInBrowser(url: string): Promise<boolean> {
    return vscode.env.openExternal(vscode.Uri.parse(url));
  }

  progress<T>(title: string, work: (signal: AbortSignal, report: (message: string) => void) => Promise<T>): Promise<T> {
    return Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
        const controller = new AbortController();
        const sub = token.onCancellationRequested(() => controller.abort(new AbortedError('Cancelled.')));
        return work(controller.signal, (message) => progress.report({ message })).finally(() => sub.dispose());
      }),
    );
  }
}

