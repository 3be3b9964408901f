import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { HttpSession, JupyterError, JupyterHttpError, ProtocolError, ResponseTooLargeError } from '../http';
import { ContentsError, copyIntoFolder, deletePath, getContents, putFileBytes, renamePath, statPath } from './contents';
import type { ContentsModel } from './contents';
import { baseNameOf, encodeServerPath, normalizeServerPath, parentOf } from './server-path';
import { formatBytes } from '../util/bytes';

/**
 * Raw bytes per upload request. A Hub's proxy often caps a request body (nginx's default is 1 MiB);
 * base64 makes 512 KiB of file ~683 KiB of JSON, which passes that with room to spare.
 */
export const UPLOAD_CHUNK_BYTES = 512 * 1024;

/** A download fails when the server sends nothing for this long; there is no deadline for the whole. */
export const DOWNLOAD_IDLE_TIMEOUT_MS = 60000;

/** What `readFileBytes` reads at most when the caller names no limit. */
export const READ_CEILING_BYTES = 256 * 1024 * 1024;

/** Room over a file's stated size for a read (a file that grew a little since it was looked at). */
export const READ_MARGIN_BYTES = 4 * 1024 * 1024;

/** What is read whole at most even when the server states a larger size: a stated size is the server's word too. */
export const READ_HARD_CEILING_BYTES = 2 * 1024 * 1024 * 1024;

/**
 * The cap for reading a file whose size the server stated (`statPath(…).size`): that size plus a
 * margin (never above READ_HARD_CEILING_BYTES), or READ_CEILING_BYTES when no size was stated.
 */
export function readLimitFor(statedSize: number | undefined): number {
  return statedSize === undefined ? READ_CEILING_BYTES : Math.min(statedSize + READ_MARGIN_BYTES, READ_HARD_CEILING_BYTES);
}

/** A read stopped because the file is larger than the caller allowed (the request is abandoned at that point). */
export class FileTooLargeError extends JupyterError {
  override readonly name: string = 'FileTooLargeError';
  constructor(
    readonly path: string,
    readonly limit: number,
  ) {
    super(`${path} is larger than the ${formatBytes(limit)} allowed for reading it whole: download it instead.`);
  }
}

/** A save failed and the file's previous version could not be put back: it is kept on this machine, at `keptAt`. */
export class PreviousVersionKeptError extends JupyterError {
  override readonly name: string = 'PreviousVersionKeptError';
  constructor(
    message: string,
    readonly keptAt: string,
    override readonly cause: unknown,
  ) {
    super(message);
  }
}

export interface DownloadOptions {
  signal?: AbortSignal;
  /** Fail with FileTooLargeError, and stop reading, once more than this many bytes arrive. */
  maxBytes?: number;
  /** Fail when the server sends nothing for this long (default DOWNLOAD_IDLE_TIMEOUT_MS). */
  idleTimeoutMs?: number;
}

/**
 * Downloads a file's bytes into `sink` as they arrive (memory does not grow with the file): `GET
 * files/PATH`, the raw bytes with the same authentication. Where that is refused — jupyter_server
 * serves no hidden files there, gateways have none — the Contents API's base64 is the fallback.
 * A slow download is not cut while bytes keep coming; one that stalls fails after the idle timeout.
 */
export async function downloadFile(session: HttpSession, path: string, sink: (chunk: Buffer) => void | Promise<void>, options: DownloadOptions = {}): Promise<{ bytes: number; via: 'files' | 'contents' }> {
  const clean = normalizeServerPath(path);
  const { signal, maxBytes } = options;
  const idleTimeoutMs = options.idleTimeoutMs ?? DOWNLOAD_IDLE_TIMEOUT_MS;
  let bytes = 0;
  const res = await session.request('GET', `files/${encodeServerPath(clean)}`, {
    signal,
    idleTimeoutMs,
    streamTo: (chunk) => {
      bytes += chunk.length;
      // A rejected promise (never a throw, which would escape the socket's event) ends the request here.
      if (maxBytes !== undefined && bytes > maxBytes) return Promise.reject(new FileTooLargeError(clean, maxBytes));
      return sink(chunk);
    },
  });
  if (res.status === 200) return { bytes, via: 'files' };
  // base64 is 4/3 of the bytes, with a line break every 76 characters (an escaped `\n` in the JSON), plus the model around it.
  const bodyLimit = maxBytes === undefined ? undefined : Math.ceil((Math.ceil(maxBytes / 3) * 4 * 78) / 76) + 64 * 1024;
  const model = await getContents(session, clean, { type: 'file', format: 'base64', signal, idleTimeoutMs, maxBytes: bodyLimit }).catch((e: unknown) => {
    throw e instanceof ResponseTooLargeError && maxBytes !== undefined ? new FileTooLargeError(clean, maxBytes) : e;
  });
  if (typeof model.content !== 'string') throw new ProtocolError(`Could not read ${clean}: the server sent a file model without its content.`);
  const data = model.format === 'base64' ? Buffer.from(model.content, 'base64') : Buffer.from(model.content, 'utf8');
  if (maxBytes !== undefined && data.length > maxBytes) throw new FileTooLargeError(clean, maxBytes);
  await sink(data);
  return { bytes: data.length, via: 'contents' };
}

/**
 * Reads a whole file into memory (for editors; the CLI streams with downloadFile), at most
 * `maxBytes` (default READ_CEILING_BYTES): a server that streams more is cut off, not followed.
 */
export async function readFileBytes(session: HttpSession, path: string, options: DownloadOptions = {}): Promise<Buffer> {
  const parts: Buffer[] = [];
  await downloadFile(session, path, (c) => void parts.push(c), { ...options, maxBytes: options.maxBytes ?? READ_CEILING_BYTES });
  return Buffer.concat(parts);
}

export interface UploadOptions {
  signal?: AbortSignal;
  chunkBytes?: number;
  /** After each request: bytes sent so far. */
  onProgress?: (sent: number) => void;
}

/** The chunks of `source`, each exactly `size` bytes but the last (which may be empty only for an empty source). */
async function* rechunk(source: Buffer | AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  if (Buffer.isBuffer(source)) {
    for (let at = 0; at < source.length || at === 0; at += size) {
      yield source.subarray(at, at + size);
      if (at + size >= source.length) return;
    }
    return;
  }
  let held: Buffer[] = [];
  let heldBytes = 0;
  let any = false;
  for await (const piece of source) {
    held.push(piece);
    heldBytes += piece.length;
    while (heldBytes >= size) {
      const all = Buffer.concat(held);
      yield all.subarray(0, size);
      any = true;
      held = [all.subarray(size)];
      heldBytes = all.length - size;
    }
  }
  if (heldBytes > 0 || !any) yield Buffer.concat(held);
}

/**
 * The longest file name the server can save over: jupyter_server (1.x and 2.x) copies an existing file
 * to `.~NAME` before writing it, so NAME must leave 2 of the file system's 255 bytes (a 254-byte name
 * fails with "File name too long" even for one small PUT).
 */
const WRITABLE_NAME_BYTES = 253;

/**
 * A name beside `target` for our own temporary use: `~NAME.jr-KIND-TAG` (not hidden: servers refuse
 * hidden names by default), with NAME shortened, on a character boundary, so the whole stays writable.
 */
export function siblingPath(target: string, kind: string, tag = randomBytes(4).toString('hex')): string {
  const suffix = `.jr-${kind}-${tag}`;
  let room = WRITABLE_NAME_BYTES - 1 - Buffer.byteLength(suffix);
  let name = '';
  for (const ch of baseNameOf(target)) {
    room -= Buffer.byteLength(ch);
    if (room < 0) break;
    name += ch;
  }
  const folder = parentOf(target);
  return `${folder ? `${folder}/` : ''}~${name}${suffix}`;
}

/**
 * Sends chunks to `path`: one plain PUT when there is only one, else chunk 1, 2, … and -1 for the last.
 * The server writes chunk 1 over whatever is at `path` in place (through a symlink, keeping its mode)
 * and appends the others (both 1.x and 2.x). `acked` counts the chunks the server confirmed.
 */
async function writeChunks(session: HttpSession, path: string, chunks: AsyncIterator<Buffer>, signal: AbortSignal | undefined, acked: (sentBytes: number) => void): Promise<ContentsModel> {
  const first = await chunks.next();
  let current: Buffer = first.done ? Buffer.alloc(0) : first.value;
  let upcoming = first.done ? first : await chunks.next();
  if (upcoming.done) {
    const model = await putFileBytes(session, path, current, { signal });
    acked(current.length);
    return model;
  }
  let sent = 0;
  for (let index = 1; ; index++) {
    const model = await putFileBytes(session, path, current, { chunk: upcoming.done ? -1 : index, signal });
    sent += current.length;
    acked(sent);
    if (upcoming.done) return model;
    current = upcoming.value;
    upcoming = await chunks.next();
  }
}

async function statIfAny(session: HttpSession, path: string, signal?: AbortSignal): Promise<ContentsModel | undefined> {
  try {
    return await statPath(session, path, signal);
  } catch (e) {
    if (e instanceof ContentsError && e.problem === 'not-found') return undefined;
    throw e;
  }
}

/**
 * Removes a file of ours (a failed upload's partial file, a copy that did not take its name). Every
 * DELETE through the Contents API goes to the server's trash by default (`delete_to_trash`, with no
 * per-request override), so the file is first emptied: what the trash keeps is an empty file, not a copy.
 */
async function discard(session: HttpSession, path: string): Promise<void> {
  if (!(await statIfAny(session, path).catch(() => undefined))) return;
  await putFileBytes(session, path, Buffer.alloc(0)).catch(() => undefined);
  await deletePath(session, path).catch((e: unknown) => session.log.warn(`Could not remove ${path} after a failed save: ${(e as Error).message}`));
}

/**
 * Writes a file so that a failed save never leaves it half-written, and leaves nothing in the server's
 * trash. One chunk: one PUT, which the server writes atomically and in place.
 *
 * More chunks, new file: they go to a sibling (siblingPath) that is renamed into place only when
 * whole. If that fails the sibling is emptied and deleted (the trash then holds one empty file).
 *
 * More chunks, existing file: the chunks are written onto the file itself, because that is what keeps
 * what a single save keeps — a symlink stays a link and its target is written, the mode (`+x`) stays —
 * and because replacing it by a rename would leave the old version to be deleted, which sends it to
 * the trash. So that a failure still leaves no half-written file, the old version is first downloaded
 * to a private temporary folder on this machine, and written back the same way if the save fails; if
 * that fails too, PreviousVersionKeptError says where the old version is. (A client that dies mid-save
 * leaves the file partly written and its old version in that folder.) A name too long for the server
 * to save over (WRITABLE_NAME_BYTES) is renamed to a short sibling for the write, then back.
 */
export async function uploadFile(session: HttpSession, path: string, source: Buffer | AsyncIterable<Buffer>, options: UploadOptions = {}): Promise<ContentsModel> {
  const target = normalizeServerPath(path);
  const size = options.chunkBytes ?? UPLOAD_CHUNK_BYTES;
  const { signal, onProgress } = options;
  const chunks = rechunk(source, size);
  const first = await chunks.next();
  const firstChunk = first.done ? Buffer.alloc(0) : first.value;
  const second = await chunks.next();
  if (second.done) {
    const model = await saveOnce(session, target, firstChunk, signal);
    onProgress?.(firstChunk.length);
    return model;
  }
  const all = (async function* () {
    yield firstChunk;
    yield second.value;
    yield* chunks;
  })();

  const existing = await statIfAny(session, target, signal);
  if (!existing) {
    const partial = siblingPath(target, 'upload');
    try {
      await writeChunks(session, partial, all, signal, (sent) => onProgress?.(sent));
      return await renamePath(session, partial, target, signal);
    } catch (e) {
      await discard(session, partial);
      throw e;
    }
  }
  if (existing.type === 'directory') throw new JupyterError(`Could not save ${target}: it is a folder on the server.`);
  return writeOver(session, target, all, { size, signal, onProgress });
}

/** One PUT, which the server writes atomically and in place; under a short name when the target's is too long to save over. */
async function saveOnce(session: HttpSession, target: string, bytes: Buffer, signal?: AbortSignal): Promise<ContentsModel> {
  if (Buffer.byteLength(baseNameOf(target)) <= WRITABLE_NAME_BYTES || !(await statIfAny(session, target, signal))) return putFileBytes(session, target, bytes, { signal });
  const place = siblingPath(target, 'saving');
  await renamePath(session, target, place, signal); // keeps the inode, so the mode, and a link stays a link
  let failure: unknown;
  await putFileBytes(session, place, bytes, { signal }).catch((e: unknown) => (failure = e));
  const model = await giveNameBack(session, place, target, failure === undefined);
  if (failure !== undefined) throw failure;
  return model;
}

/** Renames `place` back to `target` after a write under a short name; if that fails, the error says where the file is. */
async function giveNameBack(session: HttpSession, place: string, target: string, saved: boolean): Promise<ContentsModel> {
  try {
    return await renamePath(session, place, target);
  } catch (e) {
    throw new JupyterError(`${saved ? 'Saved' : 'Could not save'} ${target}, and could not give it its name back (${(e as Error).message}): it is on the server as ${place}.`);
  }
}

/** uploadFile onto an existing file, in place, with its old version kept on this machine until the save is done. */
async function writeOver(session: HttpSession, target: string, chunks: AsyncIterator<Buffer>, { size, signal, onProgress }: { size: number; signal?: AbortSignal; onProgress?: (sent: number) => void }): Promise<ContentsModel> {
  const keptDir = await mkdtemp(nodePath.join(os.tmpdir(), 'jr-previous-'));
  // Not the server's name for it: a name that is ordinary on the server (`a\\b`, `a?b`) may be a path, or
  // refused, on this machine.
  const kept = nodePath.join(keptDir, 'previous-version');
  try {
    const file = await open(kept, 'wx', 0o600);
    try {
      await downloadFile(session, target, async (c) => void (await file.write(c)), { signal });
    } finally {
      await file.close();
    }
  } catch (e) {
    await rm(keptDir, { recursive: true, force: true });
    throw e;
  }

  let place = target;
  if (Buffer.byteLength(baseNameOf(target)) > WRITABLE_NAME_BYTES) {
    place = siblingPath(target, 'saving');
    try {
      await renamePath(session, target, place, signal); // keeps the inode, so the mode, and a link stays a link
    } catch (e) {
      await rm(keptDir, { recursive: true, force: true });
      throw e;
    }
  }

  let acked = 0;
  let saved: ContentsModel | undefined;
  let failure: unknown;
  try {
    saved = await writeChunks(session, place, chunks, signal, (sent) => {
      acked++;
      onProgress?.(sent);
    });
  } catch (e) {
    failure = e;
  }
  // The server writes chunk 1 atomically: refused outright (4xx) it wrote nothing, and the old version is still there.
  const untouched = acked === 0 && failure instanceof JupyterHttpError && failure.status >= 400 && failure.status < 500;
  if (failure !== undefined && !untouched) {
    try {
      // Without the caller's signal: a cancelled save must still put the old version back.
      await writeChunks(session, place, rechunk(createReadStream(kept), size), undefined, () => undefined);
    } catch (putBackError) {
      const where = place === target ? '' : ` (the file on the server is now named ${place})`;
      throw new PreviousVersionKeptError(
        `Could not save ${target} (${(failure as Error)?.message ?? String(failure)}), nor put its previous version back (${(putBackError as Error)?.message ?? String(putBackError)}): the previous version is kept on this machine at ${kept}${where}.`,
        kept,
        failure,
      );
    }
  }
  try {
    if (place !== target) saved = await giveNameBack(session, place, target, failure === undefined);
  } finally {
    await rm(keptDir, { recursive: true, force: true });
  }
  if (failure !== undefined) throw failure;
  return saved as ContentsModel;
}

/**
 * Renames `from` to `to`, replacing whatever `to` is (VS Code's rename with overwrite). The server
 * refuses to rename onto an existing path, so `to` is first renamed aside, `from` renamed to `to`, and
 * only once that has worked is the aside deleted; if it fails, `to` is put back. That delete goes to the
 * server's trash by default, as any delete does: the person asked for `to` to be replaced, so this is
 * the one trash entry that is theirs (under the aside's name, `~NAME.jr-replaced-TAG`).
 */
export async function renameReplacing(session: HttpSession, from: string, to: string, signal?: AbortSignal): Promise<ContentsModel> {
  const source = normalizeServerPath(from);
  const target = normalizeServerPath(to);
  try {
    return await renamePath(session, source, target, signal);
  } catch (e) {
    if (!(e instanceof ContentsError && e.problem === 'exists')) throw e;
  }
  const aside = siblingPath(target, 'replaced');
  await renamePath(session, target, aside, signal);
  let model: ContentsModel;
  try {
    model = await renamePath(session, source, target, signal);
  } catch (e) {
    try {
      await renamePath(session, aside, target);
    } catch (putBackError) {
      throw new JupyterError(`Could not rename ${source} to ${target} (${(e as Error).message}), nor give ${target} back its name (${(putBackError as Error).message}): it is on the server as ${aside}.`);
    }
    throw e;
  }
  await deletePath(session, aside).catch((e: unknown) => session.log.warn(`Renamed ${source} to ${target}, but could not delete the replaced ${aside}: ${(e as Error).message}`));
  return model;
}

/**
 * Copies the file `from` to `to` (VS Code's copy): the server copies into the folder under a name of its
 * own (`x-Copy1.txt`), which then takes `to`'s name — replacing whatever `to` is, as renameReplacing
 * does, when `replace`; else failing as a rename onto an existing path does. A copy that cannot take its
 * name is emptied and deleted.
 */
export async function copyReplacing(session: HttpSession, from: string, to: string, signal?: AbortSignal, { replace = true }: { replace?: boolean } = {}): Promise<ContentsModel> {
  const target = normalizeServerPath(to);
  const copy = await copyIntoFolder(session, from, parentOf(target), signal);
  if (copy.path === target) return copy;
  try {
    return await (replace ? renameReplacing(session, copy.path, target, signal) : renamePath(session, copy.path, target, signal));
  } catch (e) {
    await discard(session, copy.path);
    throw e;
  }
}
