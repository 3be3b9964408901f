/**
 * `npm start`: the main job, end to end on this machine. Starts a local Jupyter server the way a person
 * would have one, then drives the built `jupyter-remote` CLI against it exactly as a user would
 * (paste the server list, connect, run the example notebook on a remote kernel), and says where the
 * packaged extension is.
 */
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { listServers, startJupyter } from '../test/server/fixtures/jupyter';

const execFileAsync = promisify(execFile);
const cli = path.resolve('dist/cli.js');

async function jupyterRemote(args: string[], input?: string, env: NodeJS.ProcessEnv = process.env) {
  const child = execFileAsync(process.execPath, [cli, ...args], { env, timeout: 120000 });
  child.child.stdin?.end(input ?? '');
  return (await child).stdout;
}

function banner(text: string): void {
  console.log(`\n=== ${text}`);
}

async function main(): Promise<void> {
  banner('Starting a local Jupyter server (jupyter_server, random token, XSRF on)');
  const server = await startJupyter({ flavor: 'server' });
  try {
    console.log(`running at ${server.url} (pid ${server.pid})`);

    banner('$ jupyter server list | jupyter-remote parse');
    const { stdout: list } = await listServers(server);
    console.log(list.replace(server.token, '<token>').trimEnd());
    const parsed = await jupyterRemote(['parse', '-'], list);
    console.log(parsed.replaceAll(server.token, '<token>').trimEnd());

    const servers = JSON.parse(parsed) as { baseUrl: string; token: string | null }[];
    banner(`$ jupyter-remote check ${servers[0].baseUrl}  (token from JUPYTER_TOKEN)`);
    console.log((await jupyterRemote(['check', servers[0].baseUrl], '', { ...process.env, JUPYTER_TOKEN: servers[0].token ?? '' })).trimEnd());

    const out = path.resolve('examples/demo.out.ipynb');
    banner('$ jupyter-remote run examples/demo.ipynb --url <server> --out examples/demo.out.ipynb --allow-errors');
    const run = await jupyterRemote(['run', 'examples/demo.ipynb', '--url', servers[0].baseUrl, '--out', out, '--allow-errors'], '', { ...process.env, JUPYTER_TOKEN: servers[0].token ?? '' });
    console.log(run.trimEnd());
    console.log(`(the executed notebook is ${out})`);

    const vsix = path.resolve('jupyter-remote.vsix');
    banner('The extension');
    if (existsSync(vsix)) {
      console.log(`${vsix} (${(statSync(vsix).size / 1024).toFixed(0)} KiB)`);
      console.log('Install it with: code --install-extension jupyter-remote.vsix');
    } else {
      console.log('jupyter-remote.vsix was not built: run `npm run package`.');
    }
  } finally {
    await server.stop();
  }
}

main().catch((e) => {
  console.error(`npm start failed: ${(e as Error).message}`);
  process.exitCode = 1;
});
