import { readFileSync } from 'node:fs';
import { describeUserOptions, hubWhoAmI, probeServer, startHubServer } from '../core/api';
import type { JsonObject, ServerInfo } from '../core/api';
import { HttpSession, HubServerStoppedError, InsecureTransportError, JupyterError, TlsError, normalizeFingerprint } from '../core/http';
import type { TlsTrust } from '../core/http';
import { ServerAddress, parseServerText } from '../core/servers';
import { Logger, TOKEN_PLACEHOLDER } from '../core/util/logger';
import { CliError, printLine } from './io';

export interface ConnectArgs {
  url: string;
  ca?: string;
  fingerprint?: string;
  allowInsecureHttp?: boolean;
  timeoutSeconds?: number;
  env: NodeJS.ProcessEnv;
  logger?: Logger;
}

/**
 * `--verbose`: every request, reconnect and kernel message warning on stderr, each line redacted by
 * the session (its token and password, and anything shaped like a secret).
 */
export function verboseLogger(err: NodeJS.WritableStream = process.stderr): Logger {
  const line = (level: string) => (m: string) => printLine(err, `jupyter-remote [${level}] ${m}`);
  return { trace: line('trace'), debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}

/** The server a command line names, with the secret from the URL or the environment. */
export function sessionFromArgs(args: ConnectArgs): { session: HttpSession; address: ServerAddress } {
  const parsed = parseServerText(args.url);
  const address = parsed.servers[0];
  if (!address) throw new CliError(parsed.problems[0] ?? `No server address in "${args.url}".`);
  if (address.kind === 'unix-socket') throw new CliError(address.warnings[0]);
  const token = address.token ?? args.env.JUPYTER_TOKEN ?? undefined;
  const password = args.env.JUPYTER_PASSWORD || undefined;
  if (address.tokenMasked && !token && !password) {
    throw new CliError('The token in the URL is hidden (?token=...): set JUPYTER_TOKEN, or copy the full URL from `jupyter server list` on the server.');
  }
  const trust: TlsTrust = {};
  if (args.ca) {
    try {
      trust.ca = readFileSync(args.ca);
    } catch (e) {
      throw new CliError(`Cannot read the CA file ${args.ca}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`);
    }
  }
  if (args.fingerprint) {
    const fp = normalizeFingerprint(args.fingerprint);
    if (!fp) throw new CliError('--fingerprint takes the certificate\'s SHA-256 as 64 hex digits, with or without colons.', 2);
    trust.fingerprint = fp;
  }
  const session = new HttpSession({
    baseUrl: address.baseUrl,
    credentials: { token: token || undefined, password },
    trust,
    env: args.env,
    allowInsecureHttp: args.allowInsecureHttp,
    timeoutMs: (args.timeoutSeconds ?? 30) * 1000,
    logger: args.logger,
  });
  return { session, address };
}

/**
 * sessionFromArgs from a command's parsed options: `--ca`, `--fingerprint`, `--allow-insecure-http`,
 * `--verbose`, and `--timeout` as the request time limit unless the command gives it another meaning
 * (`run`: a cell's limit).
 */
export function sessionFromOptions(url: string, options: Record<string, string | boolean>, { timeoutIsConnect = true } = {}): { session: HttpSession; address: ServerAddress } {
  return sessionFromArgs({
    url,
    ca: options.ca as string | undefined,
    fingerprint: options.fingerprint as string | undefined,
    allowInsecureHttp: options['allow-insecure-http'] === true,
    timeoutSeconds: timeoutIsConnect && options.timeout ? Number(options.timeout) : undefined,
    env: process.env,
    logger: options.verbose === true ? verboseLogger() : undefined,
  });
}

/** One sentence for stderr, with the next step where the command line has one. */
export function describeForCli(e: unknown): CliError {
  if (e instanceof CliError) return e;
  if (e instanceof TlsError && e.fingerprint) {
    return new CliError(`${e.message} To trust this certificate, run again with --fingerprint ${e.fingerprint}`);
  }
  if (e instanceof InsecureTransportError) return new CliError(`${e.message} (--allow-insecure-http)`);
  if (e instanceof JupyterError) return new CliError(e.message);
  return new CliError(`Unexpected failure: ${(e as Error)?.message ?? String(e)}`);
}

/** What to set when the server wants credentials we were not given. */
export function missingCredentials(info: ServerInfo): CliError {
  switch (info.auth) {
    case 'password':
      return new CliError('The server needs a password: set JUPYTER_PASSWORD and run again.');
    case 'password-or-token':
      return new CliError(`The server needs its token or password: add ?token=${TOKEN_PLACEHOLDER} to the URL, or set JUPYTER_TOKEN or JUPYTER_PASSWORD.`);
    case 'hub-token':
      return new CliError(`This is a JupyterHub: create an API token${info.hubTokenUrl ? ` at ${info.hubTokenUrl}` : ' on the Hub\'s token page'} and set JUPYTER_TOKEN.`);
    default:
      return new CliError(`The server needs a token: add ?token=${TOKEN_PLACEHOLDER} to the URL or set JUPYTER_TOKEN.`);
  }
}

/** The options `--profile SLUG` and `--option KEY=VALUE` (repeated) name: the `user_options` of a Hub server's start. */
export function hubStartOptionsFrom(options: Record<string, string | boolean>, lists: Record<string, string[]>): JsonObject | undefined {
  const picked: JsonObject = {};
  if (typeof options.profile === 'string') {
    if (!options.profile.trim()) throw new CliError('--profile needs the profile\'s name (its slug, as the Hub\'s form has it).', 2);
    picked.profile = options.profile.trim();
  }
  for (const option of lists.option ?? []) {
    const eq = option.indexOf('=');
    if (eq <= 0) throw new CliError(`--option ${JSON.stringify(option)}: give it as KEY=VALUE (e.g. --option image=pytorch).`, 2);
    // A checkbox's value is true or false (a string "false" is a true value in Python).
    const value = option.slice(eq + 1);
    picked[option.slice(0, eq).trim()] = value === 'true' ? true : value === 'false' ? false : value;
  }
  return Object.keys(picked).length ? picked : undefined;
}

/**
 * Probes the server; a JupyterHub user's server that is stopped is started through the Hub with the
 * same token (progress on stderr), with `userOptions` when given, and probed again. `started` says
 * whether it had to be started. Options for a server that is running already are said to be unused.
 */
export async function probeStartingHubServer(
  session: HttpSession,
  address: ServerAddress,
  progress: NodeJS.WritableStream,
  userOptions?: JsonObject,
): Promise<{ info: ServerInfo; started: boolean }> {
  let info: ServerInfo;
  try {
    info = await probeServer(session);
  } catch (e) {
    if (!(e instanceof HubServerStoppedError) || session.authKind !== 'token') throw e;
    await startThroughHub(session.sibling(e.hubUrl), address, progress, userOptions);
    return { info: await probeServer(session), started: true };
  }
  if (userOptions && info.flavor !== 'jupyterhub') printLine(progress, 'jupyter-remote: the server is running already: --profile and --option apply only when it starts (stop it on the Hub first).');
  return { info, started: false };
}

async function startThroughHub(hub: HttpSession, address: ServerAddress, progress: NodeJS.WritableStream, userOptions?: JsonObject): Promise<void> {
  try {
    const user = await hubWhoAmI(hub);
    const owner = address.hub?.user ?? user.name;
    const serverName = address.hub?.serverName;
    const options = userOptions ? ` with ${describeUserOptions(userOptions)}` : '';
    printLine(progress, `jupyter-remote: the server of ${owner}${serverName ? `/${serverName}` : ''} is not running; starting it through the Hub${options}`);
    let last = '';
    await startHubServer(hub, owner, {
      serverName,
      ...(userOptions ? { userOptions } : {}),
      onProgress: (p) => {
        const line = `${p.progress !== undefined ? `${p.progress}% ` : ''}${p.message}`;
        if (line !== last && p.message) printLine(progress, `jupyter-remote: ${line}`);
        last = line;
      },
    });
  } finally {
    await hub.close();
  }
}

/** Connects as `check` does (credentials from the URL or the environment, a stopped Hub server started), then runs `work`. */
export async function withServer<T>(url: string, options: Record<string, string | boolean>, work: (session: HttpSession) => Promise<T>): Promise<T> {
  const { session, address } = sessionFromOptions(url, options);
  try {
    const { info } = await probeStartingHubServer(session, address, process.stderr);
    if (!info.authenticated) throw missingCredentials(info);
    return await work(session);
  } catch (e) {
    throw describeForCli(e);
  } finally {
    await session.close();
  }
}
