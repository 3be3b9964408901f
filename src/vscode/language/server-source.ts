import * as vscode from 'vscode';
import { askSilently, type KernelConnection } from '../../core/kernel';
import { JupyterError } from '../../core/http';

/**
 * `jupyter-remote-source://<server id>/<absolute path>`: a read-only view of a file on the server's
 * machine outside its root (site-packages, the standard library, a language server's stubs), where
 * the Contents API cannot reach. Read through a kernel of ours on that server. Never a local file.
 */
export const SERVER_SOURCE_SCHEME = 'jupyter-remote-source';

/**
 * The most of a file that is shown: a generated module can be huge, and the server's IOPub rate limit
 * (1 MB/s over 3 s by default) drops output beyond about 3 MB.
 */
const MAX_CHARS = 2_000_000;
/** Printed instead of the text when the path is no regular file (a folder, a FIFO that would block the kernel). */
const NOT_A_FILE = '\u0000not a file';

export function serverSourceUri(serverId: string, absolutePath: string): vscode.Uri {
  return vscode.Uri.from({ scheme: SERVER_SOURCE_SCHEME, authority: serverId, path: absolutePath });
}

export class ServerSourceProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly pythonKernelOn: (serverId: string) => KernelConnection | undefined) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const kernel = this.pythonKernelOn(uri.authority);
    if (!kernel) throw new JupyterError(`${uri.path} is outside the server's root: it is read through a kernel, so run a cell on that server first.`);
    // One expression: it leaves no name behind, and takes print, open and os from their modules (the
    // person's namespace may have its own). JSON's string is a Python string literal.
    const code = `(lambda b, os, p: b.print(b.open(p, encoding='utf-8', errors='replace').read(${MAX_CHARS + 1}) if os.path.isfile(p) else ${JSON.stringify(NOT_A_FILE)}, end=''))(__import__('builtins'), __import__('os'), ${JSON.stringify(uri.path)})`;
    const answer = await askSilently(kernel, code, 15000);
    if (!answer.ok) throw new JupyterError(`Could not read ${uri.path} on the server: ${answer.message}`);
    if (answer.printed === NOT_A_FILE) throw new JupyterError(`${uri.path} is not a file on the server.`);
    if (answer.printed.length <= MAX_CHARS) return answer.printed;
    return `${answer.printed.slice(0, MAX_CHARS)}\n# … the rest of this file is not shown: it is over ${MAX_CHARS / 1_000_000} MB.\n`;
  }
}
