import { serverPathOfFrame, type KernelFiles } from '../../core/debug';
import { serverUri } from '../files';

/**
 * A traceback frame's file as a link to it on the server (`jupyter-remote://<server id>/<path>`), or
 * undefined when it is not under the server's root. A `'` is escaped: VS Code's error renderer puts the
 * link in a quoted attribute.
 */
export function serverFileLink(serverId: string, files: KernelFiles, file: string): string | undefined {
  const rel = serverPathOfFrame(file, files);
  return rel === undefined ? undefined : serverUri(serverId, rel).toString().replace(/'/g, '%27');
}
