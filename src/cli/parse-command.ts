import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import { discoverLocalServers, parseServerText } from '../core/servers';
import { CliError, printJson, readInput } from './io';

/** Reads a local `*-open.html` the paste points at (`file://~/…` included). */
function readLocalFile(path: string): string | undefined {
  const expanded = path.startsWith('~/') ? `${os.homedir()}${path.slice(1)}` : path;
  try {
    return readFileSync(expanded, 'utf8');
  } catch {
    return undefined;
  }
}

/** `jupyter-remote parse [FILE|-]`: the servers in pasted text, as a JSON array. */
export async function parseCommand(args: string[], out: NodeJS.WritableStream): Promise<number> {
  const text = await readInput(args[0], process.stdin);
  const result = parseServerText(text, { readLocalFile });
  if (result.servers.length === 0 && !result.sawServerList) {
    throw new CliError(result.problems[0] ?? 'No Jupyter server address was found in the input.');
  }
  printJson(out, result.servers);
  return 0;
}

/** `jupyter-remote local`: servers running on this machine, from Jupyter's runtime directory. */
export async function localCommand(_args: string[], out: NodeJS.WritableStream): Promise<number> {
  const local = await discoverLocalServers();
  printJson(out, local.servers);
  return 0;
}
