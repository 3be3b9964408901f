import type { HubServer } from '../../src/core/api';
import type { ServerAddress } from '../../src/core/servers';
import type { CertificateRequest, ConnectUi, SecretRequest } from '../../src/vscode/servers/connect-flow';

/** A person at the keyboard, scripted: answers in order, and a record of every question. */
export class ScriptedUi implements ConnectUi {
  readonly asked: string[] = [];
  readonly progressMessages: string[] = [];
  constructor(private readonly answers: { secrets?: (string | undefined)[]; trust?: boolean; insecure?: boolean; name?: string; pick?: number; hubPick?: string; start?: boolean } = {}) {}
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
  async confirmStartServer(server: string) {
    this.asked.push(`start:${server}`);
    return this.answers.start ?? false;
  }
  progress<T>(_title: string, work: (signal: AbortSignal, report: (message: string) => void) => Promise<T>) {
    return work(new AbortController().signal, (m) => this.progressMessages.push(m));
  }
}

