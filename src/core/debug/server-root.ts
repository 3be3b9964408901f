import type { KernelConnection, KernelMessage } from '../kernel';

/**
 * The server's root directory on the kernel's machine, which the REST API never says: the kernel's
 * working directory (asked with a silent execute, which leaves no history and no variable) less the
 * folder the session started it in (`kernelFolder`, relative to the root). Undefined when the kernel
 * has moved away since (an `os.chdir` in a cell): files under the root are then not recognised as the
 * server's, and a debugger shows them read-only instead.
 */
export async function serverRootOf(connection: KernelConnection, kernelFolder: string): Promise<string | undefined> {
  let printed = '';
  const code = 'import os as _jr_os\nprint(_jr_os.getcwd())\ndel _jr_os';
  const onMessage = (msg: KernelMessage) => {
    if (msg.header.msg_type === 'stream' && msg.content.name === 'stdout') printed += String(msg.content.text ?? '');
  };
  const result = await connection.execute(code, { silent: true, storeHistory: false, onMessage }).done;
  const cwd = printed.trim();
  if (result.status !== 'ok' || !cwd.startsWith('/')) return undefined;
  const folder = kernelFolder.replace(/^\/+|\/+$/g, '');
  if (!folder) return cwd;
  return cwd === `/${folder}` ? '/' : cwd.endsWith(`/${folder}`) ? cwd.slice(0, -folder.length - 1) : undefined;
}
