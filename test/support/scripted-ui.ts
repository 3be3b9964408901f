import type { HubServer } from '../../src/core/api';
import type { ServerAddress } from '../../src/core/servers';
import type { CertificateRequest, ConnectUi, SecretRequest } from '../../src/vscode/servers/connect-flow';
import type { StartChoice, StartRequest } from '../../src/vscode/servers/hub-start';

/** A person at the keyboard, scripted: answers in order, and a record of every question. */
export class ScriptedUi implements ConnectUi {
  readonly asked: string[] = [];
  readonly progressMessages: string[] = [];
  /** What each start choice was asked with. */
  readonly startRequests: StartRequest[] = [];
  readonly opened: string[] = [];
  constructor(
    private readonly answers: {
      secrets?: (string | undefined)[];
      trust?: boolean;
      insecure?: boolean;
      name?: string;
      pick?: number;
      hubPick?: string;
      /** true: start with the Hub's defaults; a choice: that one; absent or false: cancel. */
      start?: boolean | StartChoice | ((request: StartRequest) => StartChoice | undefined);
      /** In place of the person's browser: what happens once the Hub's page is opened. */
      browser?: (url: string) => void;
    } = {},
  ) {}
  async pickServer(servers: ServerAddress[]) {
    this.asked.push(`pick:${servers.length}`);
    return servers[this.answers.pick ?? 0];
  }
  async askSecret(request: SecretRequest) {
    this.asked.push(`secret:${request.kind}${request.reason ? ':again' : ''}`);
    return this.answers.secrets?.shift();
  }
  async trustCertificate(request: CertificateRequest) {
    this.asked.push(`trust:${request.fingerprint}${request.changed ? ':changed' : ''}`);
    return this.answers.trust ?? false;
  }
  async allowInsecureHttp(host: string) {
    this.asked.push(`insecure:${host}`);
    return this.answers.insecure ?? false;
  }
  async askName(suggested: string) {
    this.asked.push(`name:${suggested}`);
    return this.answers.name ?? suggested;
  }
  async pickHubServer(user: string, hubServers: HubServer[]) {
    this.asked.push(`hub-pick:${user}:${hubServers.map((s) => `${s.name || 'default'}=${s.state}`).join(',')}`);
    return hubServers.find((s) => s.name === (this.answers.hubPick ?? ''));
  }
  async chooseStart(request: StartRequest) {
    this.asked.push(`start:${request.server}`);
    this.startRequests.push(request);
    const { start } = this.answers;
    if (typeof start === 'function') return start(request);
    if (start === true) return { kind: 'defaults' as const };
    return start || undefined;
  }
  async openInBrowser(url: string) {
    this.asked.push('browser');
    this.opened.push(url);
    this.answers.browser?.(url);
    return true;
  }
  progress<T>(_title: string, work: (signal: AbortSignal, report: (message: string) => void) => Promise<T>) {
    return work(new AbortController().signal, (m) => this.progressMessages.push(m));
  }
}

