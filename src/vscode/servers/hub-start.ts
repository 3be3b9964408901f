// Starting a JupyterHub server with a profile and options (issue 28), without the vscode module at run
// time: the choices, the start, and what is remembered, over ConnectUi (quick picks in VS Code, a
// script in tests).
import { describeUserOptions, hubServers, readSpawnPage, startHubServer } from '../../core/api';
import type { JsonObject, SpawnForm, SpawnPageReading } from '../../core/api';
import type { HttpSession } from '../../core/http';
import { JupyterError, TimeoutError } from '../../core/http';

/** How a server is to be started, as the person chose. */
export type StartChoice =
  | { kind: 'defaults' }
  | { kind: 'options'; userOptions: JsonObject }
  /** The Hub's own page, in the browser: for any spawner and any login, OAuth included. */
  | { kind: 'browser' };

/** What the person is asked with: the last options, and the Hub's form where a token may read it. */
export interface StartRequest {
  /** `alice` or `alice/gpu`. */
  server: string;
  last?: { userOptions: JsonObject; description: string };
  /** The parsed form (profiles, or a generic form's fields). */
  form?: SpawnForm;
  /** Why there is no form to pick from (one sentence), when there is none. */
  formNote?: string;
}

/** The options a server was last started with, per Hub and server (the window's memory). */
export interface HubStartMemory {
  last(key: string): JsonObject | undefined;
  remember(key: string, userOptions: JsonObject): void;
}

export interface HubStartUi {
  /** How to start it; undefined when the person cancels. */
  chooseStart(request: StartRequest): Promise<StartChoice | undefined>;
  /** Opens the Hub's page in the person's browser. */
  openInBrowser(url: string): Promise<boolean>;
  progress<T>(title: string, work: (signal: AbortSignal, report: (message: string) => void) => Promise<T>): Promise<T>;
}

/** How long the browser may take: the person reads the page, picks, and presses Start. */
const BROWSER_WAIT_MS = 10 * 60000;

export const startMemoryKey = (hubUrl: string, user: string, serverName: string) => `${hubUrl}|${user}|${serverName}`;

/**
 * Starts a user's stopped Hub server the way the person chooses, follows it to running, and
 * remembers the options it was started with; resolves its URL, or undefined when cancelled.
 * The spawn page is read here, once the person has asked for the start: a spawner without a form
 * starts the server on that very read, and then it is followed as it is.
 */
export async function startWithChoice(
  hub: HttpSession,
  target: { user: string; serverName: string; label: string },
  ui: HubStartUi,
  memory?: HubStartMemory,
): Promise<string | undefined> {
  const { user, serverName, label } = target;
  const key = startMemoryKey(hub.baseUrl.toString(), user, serverName);
  const reading: SpawnPageReading = await ui.progress(`Reading the Hub's options for ${label}`, (signal) => readSpawnPage(hub, user, serverName, signal));
  const follow = (options: { userOptions?: JsonObject } = {}) =>
    ui.progress(`Starting ${label} on the Hub`, (signal, report) =>
      startHubServer(hub, user, { serverName: serverName || undefined, signal, onProgress: (p) => p.message && report(p.message), ...options }),
    );
  let url: string;
  if (!reading.readable && reading.started) {
    url = await follow();
  } else {
    const last = memory?.last(key);
    const form = reading.readable ? reading.form : undefined;
    const choice = await ui.chooseStart({
      server: label,
      ...(last ? { last: { userOptions: last, description: describeUserOptions(last, form) } } : {}),
      ...(form ? { form } : {}),
      ...(!reading.readable ? { formNote: reading.reason } : {}),
    });
    if (!choice) return undefined;
    if (choice.kind === 'browser') url = await startInBrowser(hub, target, ui);
    else url = await follow(choice.kind === 'options' ? { userOptions: choice.userOptions } : { userOptions: {} });
  }
  // What it was started with, as the Hub keeps it (a choice in the browser too).
  const started = (await hubServers(hub, user).catch(() => [])).find((s) => s.name === serverName);
  if (started?.userOptions) memory?.remember(key, started.userOptions);
  return url;
}

/** Opens the Hub's spawn page in the browser and follows the server through the API until it runs. */
async function startInBrowser(hub: HttpSession, target: { user: string; serverName: string; label: string }, ui: HubStartUi): Promise<string> {
  const page = new URL(`hub/spawn/${encodeURIComponent(target.user)}${target.serverName ? `/${encodeURIComponent(target.serverName)}` : ''}`, hub.baseUrl).toString();
  if (!(await ui.openInBrowser(page))) throw new JupyterError(`Could not open the browser: open ${page} yourself, start the server there, then connect again.`);
  return ui.progress(`Waiting for ${target.label} to be started in the browser`, async (signal, report) => {
    const deadline = Date.now() + BROWSER_WAIT_MS;
    let seenStarting = false;
    for (;;) {
      if (signal.aborted) throw new JupyterError(`${target.label} was not started: the wait was cancelled.`);
      const server = (await hubServers(hub, target.user, signal)).find((s) => s.name === target.serverName);
      if (server?.state === 'running' && server.url) return server.url;
      if (server?.state === 'starting' && !seenStarting) {
        seenStarting = true;
        report('The Hub is starting it');
      }
      if (seenStarting && server?.state === 'stopped') throw new JupyterError(`The Hub could not start ${target.label}: it stopped again (the Hub's page says why).`);
      if (Date.now() > deadline) throw new TimeoutError(`${target.label} was not started in the browser within ${BROWSER_WAIT_MS / 60000} minutes (the page was left without pressing Start).`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  });
}
