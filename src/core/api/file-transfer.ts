import { randomBytes } from 'node:crypto';
import { HttpSession, ProtocolError } from '../http';
import { ContentsError, deletePath, getContents, putFileBytes, renamePath, statPath } from './contents';
import type { ContentsModel } from './contents';
import { baseNameOf, encodeServerPath, normalizeServerPath, parentOf } from './server-path';

/**
 * Raw bytes per upload request. A Hub's proxy often caps a request body (nginx's default is 1 MiB);
 * base64 makes 512 KiB of file ~683 KiB of JSON, which passes that with room to spare.
 */
export const UPLOAD_CHUNK_BYTES = 512 * 1024;

/**
 * Downloads a file's bytes into `sink` as they arrive (memory does not grow with the file): `GET
 * files/PATH`, the raw bytes with the same authentication. Where that is refused — jupyter_server
 * serves no hidden files there, gateways have none — the Contents API's base64 is the fallback.
 */
export async function downloadFile(session: HttpSession, path: string, sink: (chunk: Buffer) => void | Promise<void>, signal?: AbortSignal): Promise<{ bytes: number; via: 'files' | 'contents' }> {
  const clean = normalizeServerPath(path);
  let bytes = 0;
  const res = await session.request('GET', `files/${encodeServerPath(clean)}`, {
    signal,
    timeoutMs: 600000,
    streamTo: (chunk) => {
      bytes += chunk.length;
      return sink(chunk);
    },
  });
  if (res.status === 200) return { bytes, via: 'files' };
  const model = await getContents(session, clean, { type: 'file', format: 'base64', signal });
  if (typeof model.content !== 'string') throw new ProtocolError(`Could not read ${clean}: the server sent a file model without its content.`);
  const data = model.format === 'base64' ? Buffer.from(model.content, 'base64') : Buffer.from(model.content, 'utf8');
  await sink(data);
  return { bytes: data.length, via: 'contents' };
}

/** Reads a whole file into memory (for editors; the CLI streams with downloadFile). */
export async function readFileBytes(session: HttpSession, path: string, signal?: AbortSignal): Promise<Buffer> {
  const parts: Buffer[] = [];
  await downloadFile(session, path, (c) => void parts.push(c), signal);
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
 * Writes a file so that a cut never leaves it truncated or mixed. One chunk: one PUT, which the server
 * writes atomically (write to a temporary file, then replace). More: the chunks go to a sibling
 * `~NAME.jr-upload-XXXX` (not hidden: servers refuse hidden names by default), and only when it is
 * whole does it take the file's place — the old file is renamed aside, the new one renamed in, the old
 * one deleted; the old one is put back if the swap fails. A failed upload deletes its partial file.
 */
export async function uploadFile(session: HttpSession, path: string, source: Buffer | AsyncIterable<Buffer>, options: UploadOptions = {}): Promise<ContentsModel> {
  const target = normalizeServerPath(path);
  const size = options.chunkBytes ?? UPLOAD_CHUNK_BYTES;
  const chunks = rechunk(source, size);
  const first = await chunks.next();
  const firstChunk = first.done ? Buffer.alloc(0) : first.value;
  const second = await chunks.next();
  if (second.done) {
    const model = await putFileBytes(session, target, firstChunk, { signal: options.signal });
    options.onProgress?.(firstChunk.length);
    return model;
  }

  const tag = randomBytes(4).toString('hex');
  const folder = parentOf(target);
  const sibling = (kind: string) => `${folder ? `${folder}/` : ''}~${baseNameOf(target)}.jr-${kind}-${tag}`;
  const partial = sibling('upload');
  let sent = 0;
  try {
    let index = 1;
    let current = firstChunk;
    let upcoming: IteratorResult<Buffer> = second;
    for (;;) {
      await putFileBytes(session, partial, current, { chunk: upcoming.done ? -1 : index, signal: options.signal });
      sent += current.length;
      options.onProgress?.(sent);
      if (upcoming.done) break;
      current = upcoming.value;
      index++;
      upcoming = await chunks.next();
    }
  } catch (e) {
    await deletePath(session, partial).catch(() => undefined);
    throw e;
  }
  return replaceWith(session, partial, target, sibling('old'));
}

/** Puts the whole `partial` file in `target`'s place; `target`'s old version is never lost on the way. */
async function replaceWith(session: HttpSession, partial: string, target: string, aside: string): Promise<ContentsModel> {
  const exists = await statPath(session, target).then(
    () => true,
    (e: unknown) => {
      if (e instanceof ContentsError && e.problem === 'not-found') return false;
      throw e;
    },
  );
  if (!exists) return renamePath(session, partial, target);
  await renamePath(session, target, aside);
  try {
    const model = await renamePath(session, partial, target);
    await deletePath(session, aside).catch(() => undefined); // a stray old copy is better than a lost new one
    return model;
  } catch (e) {
    await renamePath(session, aside, target).catch(() => undefined);
    await deletePath(session, partial).catch(() => undefined);
    throw e;
  }
}
