import * as vscode from 'vscode';
import { askSilently, type KernelConnection } from '../../core/kernel';
import { JupyterError } from '../../core/http';

/**
 * `jupyter-remote-source://<server id>/<absolute path>`: a read-only view of a file on the server's
 * machine outside its root (site-packages, the standard library, a language server's stubs), where
 * the Contents API cannot reach. Read through a kernel of ours on that server. Never a local file.
 */
export const SERVER_SOURCE_SCHEME = 'jupyter-remote-source';

/** The most of a file that is shown (a generated module can be huge). */
const MAX_CHARS = 5_000_000;

export function serverSourceUri(serverId: string, absolutePath: string): vscode.Uri {
  return vscode.Uri.from({ scheme: SERVER_SOURCE_SCHEME, authority: serverId, path: absolutePath });
}

export class ServerSourceProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly kernelOn: (serverId: string) => KernelConnection | undefined) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const kernel = this.kernelOn(uri.authority);
    if (!kernel) throw new JupyterError(`${uri.path} is outside the server's root: it is read through a kernel, so run a cell on that server first.`);
    // An expression that leaves no name behind in the person's namespace.
    const code = `print(open(${JSON.stringify(uri.path)}, encoding='utf-8', errors='replace').read(${MAX_CHARS}), end='')`;
    const answer = await askSilently(kernel, code, 15000);
    if (!answer.ok) throw new JupyterError(`Could not read ${uri.path} on the server: ${answer.message}`);
    return answer.printed;
  }
}
