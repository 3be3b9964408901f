import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ContentsError, ContentsModel, createDirectory, downloadFile, listDirectory, normalizeServerPath, parentOf, statPath, uploadFile } from '../core/api';
import type { HttpSession } from '../core/http';
import { parseArgs } from './args';
import { withServer } from './connect';
import { CliError, printJson, printLine } from './io';
import { writeBeside } from './local-file';

const CONNECT_VALUES = ['ca', 'fingerprint', 'timeout'];
const CONNECT_FLAGS = ['allow-insecure-http', 'verbose'];

/** `ls --json`'s entry: the contract in DESIGN.md. */
function entryJson(m: ContentsModel): { name: string; path: string; type: ContentsModel['type']; size: number | null; lastModified: string | null } {
  return { name: m.name, path: m.path, type: m.type, size: m.size ?? null, lastModified: m.lastModified ?? null };
}

/** `jupyter-remote ls URL [PATH] [--json]`: a folder's entries (one request however many), folders first. */
export async function lsCommand(args: string[], out: NodeJS.WritableStream): Promise<number> {
  const { positional, options } = parseArgs(args, { values: CONNECT_VALUES, flags: [...CONNECT_FLAGS, 'json'] });
  if (positional.length < 1 || positional.length > 2) throw new CliError('Usage: jupyter-remote ls URL [PATH] [--json]', 2);
  return withServer(positional[0], options, async (session) => {
    const where = normalizeServerPath(positional[1] ?? '');
    const model = await statPath(session, where);
    const entries = model.type === 'directory' ? await listDirectory(session, where) : [model];
    entries.sort((a, b) => Number(b.type === 'directory') - Number(a.type === 'directory') || a.name.localeCompare(b.name));
    if (options.json === true) {
      printJson(out, entries.map(entryJson));
    } else {
      for (const e of entries) {
        const size = e.type === 'directory' ? '-' : String(e.size ?? '?');
        printLine(out, `${e.type === 'directory' ? 'd' : e.type === 'notebook' ? 'n' : '-'} ${size.padStart(12)} ${(e.lastModified ?? '').slice(0, 19).replace('T', ' ')}  ${e.name}${e.type === 'directory' ? '/' : ''}`);
      }
    }
    return 0;
  });
}

/**
 * `jupyter-remote get URL REMOTE [LOCAL|-]`: the file's bytes, streamed. A local file is written next
 * to its final name and renamed into place when whole, so a cut leaves no half-written file.
 */
export async function getCommand(args: string[], out: NodeJS.WritableStream): Promise<number> {
  const { positional, options } = parseArgs(args, { values: CONNECT_VALUES, flags: CONNECT_FLAGS });
  if (positional.length < 2 || positional.length > 3) throw new CliError('Usage: jupyter-remote get URL REMOTE [LOCAL|-]', 2);
  const remote = normalizeServerPath(positional[1]);
  if (!remote) throw new CliError('Name a file on the server to get, not its root folder.', 2);
  return withServer(positional[0], options, async (session) => {
    const model = await statPath(session, remote);
    if (model.type === 'directory') throw new CliError(`${remote} is a folder on the server; get copies one file (list it with \`jupyter-remote ls\`).`);
    const local = positional[2] ?? path.basename(remote);
    if (local === '-') {
      await downloadFile(session, remote, (chunk) => (out.write(chunk) ? undefined : new Promise<void>((r) => out.once('drain', () => r()))));
      return 0;
    }
    let target = path.resolve(local);
    if ((await fs.stat(target).catch(() => undefined))?.isDirectory()) target = path.join(target, path.basename(remote));
    let opened = false; // a failure before the download began is the local folder's
    await writeBeside(target, async (file) => {
      opened = true;
      await downloadFile(session, remote, async (chunk) => void (await file.write(chunk)));
    }).catch((e: NodeJS.ErrnoException) => {
      if (opened) throw e;
      throw new CliError(`Cannot write ${target}: ${e.code === 'ENOENT' ? 'its folder does not exist' : (e.code ?? e.message)}.`);
    });
    return 0;
  });
}

/** Makes `folder` and its missing parents on the server. */
async function ensureFolder(session: HttpSession, folder: string): Promise<void> {
  if (!folder) return;
  try {
    const model = await statPath(session, folder);
    if (model.type !== 'directory') throw new CliError(`${folder} on the server is a file, not a folder.`);
    return;
  } catch (e) {
    if (!(e instanceof ContentsError && e.problem === 'not-found')) throw e;
  }
  await ensureFolder(session, parentOf(folder));
  await createDirectory(session, folder);
}

/**
 * `jupyter-remote put URL LOCAL [REMOTE]`: uploads in chunks (a Hub proxy's body limit holds), creating
 * missing folders; REMOTE ending in `/` or naming a folder puts the file inside it. The server's old
 * file stays whole until the new one is (see uploadFile).
 */
export async function putCommand(args: string[], out: NodeJS.WritableStream): Promise<number> {
  const { positional, options } = parseArgs(args, { values: CONNECT_VALUES, flags: CONNECT_FLAGS });
  if (positional.length < 2 || positional.length > 3) throw new CliError('Usage: jupyter-remote put URL LOCAL [REMOTE]', 2);
  const local = positional[1];
  const stat = await fs.stat(local).catch((e: NodeJS.ErrnoException) => {
    throw new CliError(e.code === 'ENOENT' ? `No such file: ${local}.` : `Cannot read ${local}: ${e.code ?? e.message}.`);
  });
  if (!stat.isFile()) throw new CliError(`${local} is not a file; put uploads one file.`);
  return withServer(positional[0], options, async (session) => {
    const asked = positional[2] ?? '';
    let remote = normalizeServerPath(asked);
    const isFolder = !remote || asked.endsWith('/') || (await statPath(session, remote).then((m) => m.type === 'directory', () => false));
    if (isFolder) remote = normalizeServerPath(`${remote}/${path.basename(local)}`);
    await ensureFolder(session, parentOf(remote));
    const model = await uploadFile(session, remote, createReadStream(local));
    printLine(out, model.path);
    return 0;
  });
}
