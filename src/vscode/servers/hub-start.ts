// Starting a JupyterHub server with a profile and options (issue 28), without the vscode module at run
// time: the choices, the start, and what is remembered, over ConnectUi (quick picks in VS Code, a
// script in tests).
import { describeUserOptions, hubServers, looksSecret, readSpawnPage, spawnPageUrl, startHubServer } from '../../core/api';
import type { JsonObject, SpawnForm, SpawnPageReading } from '../../core/api';
import type { HttpSession } from '../../core/http';
import { AbortedError, JupyterError, TimeoutError } from '../../core/http';

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
    const formNote = !reading.readable ? reading.reason : reading.form.kind === 'unreadable' ? reading.form.reason : undefined;
    const choice = await ui.chooseStart({
      server: label,
      ...(last ? { last: { userOptions: last, description: describeUserOptions(last, form) } } : {}),
      ...(form ? { form } : {}),
      ...(formNote ? { formNote } : {}),
    });
    if (!choice) return undefined;
    if (choice.kind === 'browser') url = await startInBrowser(hub, target, ui);
    else url = await follow(choice.kind === 'options' ? { userOptions: choice.userOptions } : { userOptions: {} });
  }
  // What it was started with, as the Hub keeps it (a choice in the browser too). Options that look like
  // secrets (a password field of the form) are not kept: the memory is the window's state on disk.
  const started = (await hubServers(hub, user).catch(() => [])).find((s) => s.name === serverName);
  if (started?.userOptions && !Object.keys(started.userOptions).some(looksSecret)) memory?.remember(key, started.userOptions);
  return url;
}

/**
 * Opens the Hub's spawn page in the browser, waits until the person has pressed Start there (the
 * server is starting), then follows the start with the Hub's progress until it runs.
 */
async function startInBrowser(hub: HttpSession, target: { user: string; serverName: string; label: string }, ui: HubStartUi): Promise<string> {
  const page = spawnPageUrl(hub.baseUrl, target.user, target.serverName);
  if (!(await ui.openInBrowser(page))) throw new JupyterError(`Could not open the browser: open ${page} yourself, start the server there, then connect again.`);
  await ui.progress(`Waiting for ${target.label} to be started in the browser`, async (signal) => {
    for (const deadline = Date.now() + BROWSER_WAIT_MS; ; ) {
      const server = (await hubServers(hub, target.user, signal)).find((s) => s.name === target.serverName);
      if (server && server.state !== 'stopped') return;
      if (Date.now() > deadline) throw new TimeoutError(`${target.label} was not started in the browser within ${BROWSER_WAIT_MS / 60000} minutes (the page was left without pressing Start).`);
      await sleep(1000, signal);
    }
  });
  // Started there: followed as any start, its progress shown (the Hub answers a start under way as such).
  return ui.progress(`Starting ${target.label} on the Hub`, (signal, report) =>
    startHubServer(hub, target.user, { serverName: target.serverName || undefined, signal, onProgress: (p) => p.message && report(p.message) }),
  );
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new AbortedError('Cancelled.'));
    }, { once: true });
  });
}
