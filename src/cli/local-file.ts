import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';

// O_EXCL makes the open fail when anything is at the name already, a symlink included (dangling or
// not), so a link planted beside the target is never written through. O_NOFOLLOW says the same for
// the last component where the platform has it (not Windows, where it is 0 in Node).
const EXCLUSIVE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

/**
 * Writes a local file so that it appears only when whole: `write` fills a new file beside `target`
 * (same folder, so the rename stays on one file system), which then replaces `target`. The temporary
 * name has a random part and is created exclusively: nobody can have a file or link waiting there.
 * On any failure the temporary file is removed and `target` is left as it was. `random` is for tests.
 */
export async function writeBeside(
  target: string,
  write: (file: fs.FileHandle) => Promise<void>,
  random: () => string = () => randomBytes(8).toString('hex'),
): Promise<void> {
  let file: fs.FileHandle | undefined;
  let partial = '';
  // A clash with a random name is someone else's file (or a planted one): take another name.
  for (let attempt = 0; !file; attempt++) {
    partial = path.join(path.dirname(target), `.${path.basename(target)}.${random()}.jr-partial`);
    try {
      file = await fs.open(partial, EXCLUSIVE, 0o666);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 4) throw e;
    }
  }
  try {
    await write(file);
    await file.close();
    await fs.rename(partial, target);
  } catch (e) {
    await file.close().catch(() => undefined);
    await fs.rm(partial, { force: true });
    throw e;
  }
}
