import { getIdentity, hubTokenExpiry, hubWhoAmI, listKernelSpecs, listKernels, probeFrontEnd } from '../core/api';
import { parseArgs } from './args';
import { describeForCli, hubStartOptionsFrom, missingCredentials, probeStartingHubServer, sessionFromOptions } from './connect';
import { CliError, printJson, printLine } from './io';

/**
 * `jupyter-remote check URL [--ca FILE] [--fingerprint SHA256] [--profile SLUG] [--option KEY=VALUE]…`:
 * connects as the extension would and prints what the server is, which auth it uses and its kernel
 * types. Never prints a secret. A JupyterHub root prints who the token belongs to and their servers
 * (with the options each was started with); a Hub user's server that is stopped is started first
 * (progress on stderr), with the profile and options given.
 */
export async function checkCommand(args: string[], out: NodeJS.WritableStream): Promise<number> {
  const { positional, options, lists } = parseArgs(args, { values: ['ca', 'fingerprint', 'timeout', 'profile'], flags: ['allow-insecure-http', 'verbose'], lists: ['option'] });
  if (positional.length !== 1) throw new CliError('Usage: jupyter-remote check URL [--ca FILE] [--fingerprint SHA256] [--timeout SECONDS] [--profile SLUG] [--option KEY=VALUE]… [--verbose]', 2);
  const userOptions = hubStartOptionsFrom(options, lists);
  const { session, address } = sessionFromOptions(positional[0], options);
  try {
    const { info, started } = await probeStartingHubServer(session, address, process.stderr, userOptions);
    if (info.flavor === 'jupyterhub') {
      // The Hub itself: who the token belongs to, and their servers.
      if (session.authKind !== 'token') throw missingCredentials(info);
      const hub = info.baseUrl === session.baseUrl.toString() ? session : session.sibling(info.baseUrl);
      try {
        const user = await hubWhoAmI(hub);
        const expiry = user.kind === 'user' ? await hubTokenExpiry(hub, user.name) : { known: false };
        const result = {
          baseUrl: info.baseUrl,
          flavor: info.flavor,
          hubVersion: info.hubVersion ?? info.version,
          user: user.name,
          kind: user.kind,
          ...(user.admin ? { admin: true } : {}),
          servers: user.servers.map((s) => ({ name: s.name || '(default)', state: s.state, ...(s.url ? { url: s.url } : {}), ...(s.userOptions ? { options: s.userOptions } : {}) })),
          ...(expiry.known ? { tokenExpires: expiry.expiresAt ?? 'never' } : {}),
        };
        printJson(out, result);
        // The profiles are only in the spawn page's HTML, and reading it starts the server where the
        // spawner has no form: `check` starts nothing, so it does not read it.
        printLine(process.stderr, "jupyter-remote: the Hub's profiles are on its spawn page, which JupyterHub 2 and later show only to a logged-in browser: see them there, and start a stopped server with check or run --profile SLUG --option KEY=VALUE.");
        return 0;
      } finally {
        if (hub !== session) await hub.close();
      }
    }
    if (!info.authenticated) throw missingCredentials(info);
    const [specs, app, identity, kernels] = await Promise.all([
      listKernelSpecs(session),
      info.flavor === 'jupyter-server' || info.flavor === 'jupyterhub-singleuser' ? probeFrontEnd(session) : undefined,
      getIdentity(session),
      listKernels(session).catch(() => undefined),
    ]);
    const result = {
      baseUrl: info.baseUrl,
      flavor: info.flavor,
      version: info.version,
      ...(app ? { app } : {}),
      auth: info.auth,
      ...(identity ? { user: identity.displayName, username: identity.username, permissions: identity.permissions } : {}),
      kernelspecs: Object.keys(specs.specs),
      defaultKernelspec: specs.default ?? null,
      ...(info.hubVersion ? { hubVersion: info.hubVersion } : {}),
      ...(started ? { started: true } : {}),
      ...(info.status?.kernels !== undefined ? { runningKernels: info.status.kernels } : {}),
      // For `run --kernel-id`: each running kernel, its type, state, last activity and connections.
      ...(kernels ? { kernels } : {}),
      ...(session.proxied ? { proxy: true } : {}),
    };
    printJson(out, result);
    return 0;
  } catch (e) {
    throw describeForCli(e);
  } finally {
    await session.close();
  }
}
