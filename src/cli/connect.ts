import { readFileSync } from 'node:fs';
import { hubWhoAmI, probeServer, startHubServer } from '../core/api';
import type { ServerInfo } from '../core/api';
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

/**
 * Probes the server; a JupyterHub user's server that is stopped is started through the Hub with the
 * same token (progress on stderr) and probed again. `started` says whether it had to be started.
 */
export async function probeStartingHubServer(
  session: HttpSession,
  address: ServerAddress,
  progress: NodeJS.WritableStream,
): Promise<{ info: ServerInfo; started: boolean }> {
  try {
    return { info: await probeServer(session), started: false };
  } catch (e) {
    if (!(e instanceof HubServerStoppedError) || session.authKind !== 'token') throw e;
    const hub = session.sibling(e.hubUrl);
    try {
      const user = await hubWhoAmI(hub);
      const owner = address.hub?.user ?? user.name;
      const serverName = address.hub?.serverName;
      printLine(progress, `jupyter-remote: the server of ${owner}${serverName ? `/${serverName}` : ''} is not running; starting it through the Hub`);
      let last = '';
      await startHubServer(hub, owner, {
        serverName,
        onProgress: (p) => {
          const line = `${p.progress !== undefined ? `${p.progress}% ` : ''}${p.message}`;
          if (line !== last && p.message) printLine(progress, `jupyter-remote: ${line}`);
          last = line;
        },
      });
    } finally {
      await hub.close();
    }
    return { info: await probeServer(session), started: true };
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
