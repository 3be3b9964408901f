import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { ContentsError, createDirectory, deletePath, listDirectory, normalizeServerPath, parentOf, readFileBytes, renamePath, siblingPath, statPath, uploadFile } from '../api';
import type { ContentsModel } from '../api';
import { AbortedError, JupyterError, type HttpSession } from '../http';
import { nullLogger, type Logger } from '../util/logger';
import { FileHasher, MANIFEST_NAME, scanProject, type LocalFile, type ScanOptions, type SkippedFile } from './local-tree';
import { readManifest, writeManifest, type Manifest, type ManifestEntry } from './manifest';

/** Uploads at once: a burst of 500 changed files is one batch of this many requests in flight, not 500. */
export const SYNC_CONCURRENCY = 4;

/** Local files hashed at once. */
const HASH_CONCURRENCY = 8;

export interface SyncSettings extends ScanOptions {
  /** The local project folder (absolute). */
  localRoot: string;
  /** The server folder it mirrors, relative to the server's root ('' is the root). */
  remoteRoot: string;
  /** Delete on the server what was deleted here, among the files the sync itself put there. */
  mirrorDeletes: boolean;
  concurrency?: number;
}

export type ConflictKind = 'changed-on-server' | 'not-synced' | 'folder';

/** A path the sync did not touch because writing it would lose the server's version. */
export interface SyncConflict {
  /** Relative to the mapped folders. */
  path: string;
  kind: ConflictKind;
  /** One sentence. */
  message: string;
  /** The local file was deleted (a delete left undone), not changed. */
  deletion: boolean;
}

export interface SyncPlan {
  uploads: { path: string; size: number; isNew: boolean }[];
  deletes: string[];
  conflicts: SyncConflict[];
  skipped: SkippedFile[];
  /** Files already on the server as they are here. */
  unchanged: number;
}

export interface SyncResult extends SyncPlan {
  /** What was sent and deleted (a dry run sends nothing). */
  uploaded: string[];
  deleted: string[];
  /** Paths that failed on their own (a refused name, an unreadable file), one sentence each. */
  failed: { path: string; message: string }[];
  /** Set when the sync stopped before the end (the server went, or it was cancelled): one sentence. */
  stopped?: string;
}

export interface SyncProgress {
  done: number;
  total: number;
}

/** A local file's state after hashing, against the manifest. */
interface Candidate {
  file: LocalFile;
  /** Undefined when the size alone showed a change. */
  sha256?: string;
}

/** The server path of `rel` (relative to the mapped folders) in the server folder `remoteRoot`. */
export function serverPathIn(remoteRoot: string, rel: string): string {
  return remoteRoot && rel ? `${remoteRoot}/${rel}` : remoteRoot || rel;
}

/**
 * Runs `work` on each item with at most `limit` at once. A `signal` abort stops taking new items; so does
 * a throw, which is rethrown once the items in flight have ended.
 */
async function eachLimited<T>(items: readonly T[], limit: number, signal: AbortSignal, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (next < items.length && !signal.aborted && !failure) {
      try {
        await work(items[next++]);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure) throw failure.error;
}

/** A failure of the whole connection rather than of one path: the rest of the batch would fail the same way. */
function stopsTheSync(e: unknown): boolean {
  return !(e instanceof ContentsError) && !(e as NodeJS.ErrnoException)?.syscall;
}

/**
 * One-way sync of a local project folder to a server folder (DESIGN.md's `sync`). A run scans the local
 * folder (scanProject's rules), hashes what changed, compares it with the manifest the sync keeps in the
 * server folder, and sends only files whose bytes differ, with uploadFile (atomic, chunked, keeping a
 * file's mode where it exists). It never overwrites a file changed on the server since the sync last
 * wrote it, nor one it did not put there (unless identical, which it adopts), and deletes only its own
 * files, only when `mirrorDeletes`. Runs of one ProjectSync never overlap: a second waits for the first.
 */
export class ProjectSync {
  private readonly hasher: FileHasher;
  private readonly remoteRoot: string;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly http: HttpSession,
    private readonly settings: SyncSettings,
    private readonly log: Logger = nullLogger,
  ) {
    this.remoteRoot = normalizeServerPath(settings.remoteRoot);
    this.hasher = new FileHasher(settings.localRoot);
  }

  private serverPath(rel: string): string {
    return serverPathIn(this.remoteRoot, rel);
  }

  /** What a run would do, asking the server but writing nothing. */
  plan(signal?: AbortSignal): Promise<SyncPlan> {
    return this.serialised(async () => (await this.prepare(signal ?? new AbortController().signal)).plan);
  }

  /** Sends what changed, deletes what was deleted (if mirrored), and records it in the manifest. */
  run(options: { signal?: AbortSignal; onProgress?: (p: SyncProgress) => void } = {}): Promise<SyncResult> {
    return this.serialised(() => this.execute(options.signal, options.onProgress));
  }

  /**
   * Resolves a conflict for the local version: the server's file is first renamed aside (its name, with
   * `.jr-server-…`, in the same folder), so that neither version is lost, then the local file is sent.
   * Answers the name the server's version now has.
   */
  overwrite(rel: string, signal?: AbortSignal): Promise<string> {
    return this.serialised(async () => {
      const target = this.serverPath(rel);
      const aside = siblingPath(target, 'server');
      await renamePath(this.http, target, aside, signal);
      const manifest = await readManifest(this.http, this.remoteRoot, this.log, signal);
      const file = (await scanProject(this.settings.localRoot, this.settings)).files.find((f) => f.path === rel);
      if (file) await this.send(file, manifest, signal);
      else manifest.delete(rel);
      await writeManifest(this.http, this.remoteRoot, manifest, signal);
      return aside;
    });
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const result = this.running.then(work, work);
    this.running = result.catch(() => undefined);
    return result;
  }

  private async prepare(signal: AbortSignal): Promise<{ plan: SyncPlan; manifest: Manifest; send: LocalFile[]; adopt: Map<string, ManifestEntry>; drop: string[]; folders: Set<string> }> {
    const [scan, manifest] = await Promise.all([scanProject(this.settings.localRoot, this.settings), readManifest(this.http, this.remoteRoot, this.log, signal)]);
    const local = new Set(scan.files.map((f) => f.path));
    const skippedHere = new Set(scan.skipped.map((s) => s.path));
    // A path in a folder that could not be read, or that was skipped, is not known to be gone.
    const underSkipped = (p: string) => [...skippedHere].some((s) => p === s || p.startsWith(`${s}/`) || s === '.');
    // Hashed several at a time (reads wait on the disk, not the CPU); a file whose size differs from the
    // record's has changed without hashing (its hash is taken as it is sent).
    const hashes = new Map<string, string | undefined>();
    await eachLimited(scan.files, HASH_CONCURRENCY, signal, async (file) => {
      const known = manifest.get(file.path);
      if (known && known.size !== file.size) return void hashes.set(file.path, undefined);
      try {
        hashes.set(file.path, await this.hasher.hash(file));
      } catch (e) {
        scan.skipped.push({ path: file.path, kind: 'unreadable', reason: `cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` });
        skippedHere.add(file.path);
      }
    });
    const changed: Candidate[] = [];
    let unchanged = 0;
    for (const file of scan.files) {
      if (!hashes.has(file.path)) continue; // unreadable
      const sha256 = hashes.get(file.path);
      const known = manifest.get(file.path);
      if (known && sha256 !== undefined && known.size === file.size && known.sha256 === sha256) unchanged++;
      else changed.push({ file, sha256 });
    }
    const notHere = this.settings.mirrorDeletes ? [...manifest.keys()].filter((p) => !local.has(p) && !underSkipped(p) && p !== MANIFEST_NAME) : [];
    const deletedHere: string[] = [];
    for (const p of notHere) if (await this.isDeletedLocally(p)) deletedHere.push(p);

    const { found: onServer, folders } = await this.serverModels([...changed.map((c) => c.file.path), ...deletedHere], signal);
    const plan: SyncPlan = { uploads: [], deletes: [], conflicts: [], skipped: scan.skipped, unchanged };
    const send: LocalFile[] = [];
    const adopt = new Map<string, ManifestEntry>();
    const drop: string[] = [];
    for (const { file, sha256 } of changed) {
      const there = onServer.get(file.path);
      const known = manifest.get(file.path);
      if (!there) {
        plan.uploads.push({ path: file.path, size: file.size, isNew: true });
        send.push(file);
      } else if (there.type === 'directory') {
        plan.conflicts.push({ path: file.path, kind: 'folder', deletion: false, message: `${this.serverPath(file.path)} is a folder on the server, so the local file was not sent.` });
      } else if (known && there.lastModified === known.modified) {
        plan.uploads.push({ path: file.path, size: file.size, isNew: false });
        send.push(file);
      } else if (!known && sha256 !== undefined && there.size === file.size && (await this.sameBytes(file.path, sha256, signal))) {
        adopt.set(file.path, { size: file.size, sha256, modified: there.lastModified ?? '' });
        plan.unchanged++;
      } else {
        plan.conflicts.push({
          path: file.path,
          kind: known ? 'changed-on-server' : 'not-synced',
          deletion: false,
          message: known
            ? `${this.serverPath(file.path)} was changed on the server since it was last synced, so the local version was not sent.`
            : `${this.serverPath(file.path)} is already on the server and the sync did not put it there, so the local version was not sent.`,
        });
      }
    }
    for (const p of deletedHere) {
      const there = onServer.get(p);
      const known = manifest.get(p);
      if (!there) drop.push(p);
      else if (there.type !== 'directory' && known && there.lastModified === known.modified) plan.deletes.push(p);
      else plan.conflicts.push({ path: p, kind: 'changed-on-server', deletion: true, message: `${this.serverPath(p)} was deleted here but changed on the server since it was last synced, so it was kept there.` });
    }
    plan.conflicts.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { plan, manifest, send, adopt, drop, folders };
  }

  private async execute(signal: AbortSignal | undefined, onProgress?: (p: SyncProgress) => void): Promise<SyncResult> {
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const { plan, manifest, send, adopt, drop, folders } = await this.prepare(stop.signal);
      const result: SyncResult = { ...plan, uploaded: [], deleted: [], failed: [] };
      let dirty = adopt.size > 0 || drop.length > 0;
      for (const [p, entry] of adopt) manifest.set(p, entry);
      for (const p of drop) manifest.delete(p);
      const total = send.length + plan.deletes.length;
      let done = 0;
      const fail = (path: string, e: unknown) => {
        if (stop.signal.aborted) return;
        if (stopsTheSync(e)) {
          result.stopped = signal?.aborted ? 'The sync was cancelled.' : `The sync stopped: ${(e as Error)?.message ?? String(e)}`;
          stop.abort();
        } else {
          result.failed.push({ path, message: (e as Error)?.message ?? String(e) });
        }
      };
      if (total) onProgress?.({ done, total });
      try {
        await this.makeFolders(send.map((f) => f.path), folders, stop.signal);
      } catch (e) {
        result.stopped = `The sync stopped: ${(e as Error).message}`;
        stop.abort();
      }
      if (!stop.signal.aborted) {
        await eachLimited(send, this.settings.concurrency ?? SYNC_CONCURRENCY, stop.signal, async (file) => {
          try {
            await this.send(file, manifest, stop.signal);
            result.uploaded.push(file.path);
            dirty = true;
          } catch (e) {
            fail(file.path, e);
          }
          onProgress?.({ done: ++done, total });
        });
        await eachLimited(plan.deletes, this.settings.concurrency ?? SYNC_CONCURRENCY, stop.signal, async (p) => {
          try {
            await deletePath(this.http, this.serverPath(p), stop.signal);
            manifest.delete(p);
            result.deleted.push(p);
            dirty = true;
          } catch (e) {
            fail(p, e);
          }
          onProgress?.({ done: ++done, total });
        });
      }
      if (signal?.aborted && !result.stopped) result.stopped = 'The sync was cancelled.';
      if (dirty) {
        // Recorded even after a stop: what was sent is on the server, and the next run must know it.
        await writeManifest(this.http, this.remoteRoot, manifest).catch((e: unknown) => {
          this.log.warn(`Could not record the sync on the server (${(e as Error).message}): the next run compares the files again.`);
        });
      }
      result.uploaded.sort();
      result.deleted.sort();
      return result;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Sends one file, hashing the bytes as they go (what is recorded is what was sent, even if the file changes meanwhile). */
  private async send(file: LocalFile, manifest: Manifest, signal?: AbortSignal): Promise<void> {
    const digest = createHash('sha256');
    let size = 0;
    const source = createReadStream(this.hasher.absolute(file.path));
    const tapped = (async function* () {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        digest.update(chunk);
        size += chunk.length;
        yield chunk;
      }
    })();
    try {
      const model = await uploadFile(this.http, this.serverPath(file.path), tapped, { signal });
      manifest.set(file.path, { size, sha256: digest.digest('hex'), modified: model.lastModified ?? '' });
    } finally {
      source.destroy();
    }
    if (signal?.aborted) throw new AbortedError('The sync was cancelled.');
  }

  /**
   * The server's models of `paths` (relative): each of their folders listed once (a missing folder holds
   * nothing), then each path a listed folder did not show asked on its own. A listing leaves out what the
   * server hides (`hide_globs`: `*~`, `*.pyc`, and `*.so` on 1.x), which is still there to overwrite.
   */
  private async serverModels(paths: string[], signal: AbortSignal): Promise<{ found: Map<string, ContentsModel>; folders: Set<string> }> {
    const folders = [...new Set(paths.map((p) => parentOf(p)))];
    const found = new Map<string, ContentsModel>();
    const listed = new Set<string>();
    const limit = this.settings.concurrency ?? SYNC_CONCURRENCY;
    await eachLimited(folders, limit, signal, async (folder) => {
      let entries: ContentsModel[];
      try {
        entries = await listDirectory(this.http, this.serverPath(folder), signal);
      } catch (e) {
        if (e instanceof ContentsError && e.problem === 'not-found') return;
        throw e;
      }
      listed.add(folder);
      for (const entry of entries) found.set(folder ? `${folder}/${entry.name}` : entry.name, entry);
    });
    const unseen = paths.filter((p) => !found.has(p) && listed.has(parentOf(p)));
    await eachLimited(unseen, limit, signal, async (p) => {
      try {
        found.set(p, await statPath(this.http, this.serverPath(p), signal));
      } catch (e) {
        if (!(e instanceof ContentsError && e.problem === 'not-found')) throw e;
      }
    });
    if (signal.aborted) throw new AbortedError('The sync was cancelled.');
    // The server folders known to be there: each listed one and the folders above it.
    const there = new Set<string>();
    for (const folder of listed) for (let f = this.serverPath(folder); f && !there.has(f); f = parentOf(f)) there.add(f);
    return { found, folders: there };
  }

  /** Creates the server folders the files need (parents first), the mapped folder included; `known` are there already. */
  private async makeFolders(paths: string[], known: Set<string>, signal: AbortSignal): Promise<void> {
    const needed = new Set<string>();
    for (const p of paths) for (let f = parentOf(this.serverPath(p)); f && !known.has(f); f = parentOf(f)) needed.add(f);
    const ordered = [...needed].sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
    const made = new Set<string>();
    for (const folder of ordered) {
      if (made.has(parentOf(folder)) || !(await this.folderExists(folder, signal))) {
        await createDirectory(this.http, folder, signal).catch((e: unknown) => {
          if (!(e instanceof ContentsError && e.problem === 'exists')) throw e;
        });
        made.add(folder);
      }
    }
  }

  private async folderExists(folder: string, signal: AbortSignal): Promise<boolean> {
    try {
      const model = await statPath(this.http, folder, signal);
      if (model.type !== 'directory') throw new JupyterError(`${folder} is a file on the server, not a folder.`);
      return true;
    } catch (e) {
      if (e instanceof ContentsError && e.problem === 'not-found') return false;
      throw e;
    }
  }

  private async sameBytes(rel: string, sha256: string, signal: AbortSignal): Promise<boolean> {
    const bytes = await readFileBytes(this.http, this.serverPath(rel), { signal }).catch(() => undefined);
    return bytes !== undefined && createHash('sha256').update(bytes).digest('hex') === sha256;
  }

  /** Only a file that is surely not there is deleted: an error other than "no such file" (a folder it cannot search) is not a delete. */
  private async isDeletedLocally(rel: string): Promise<boolean> {
    return lstat(this.hasher.absolute(rel)).then(
      () => false,
      (e: NodeJS.ErrnoException) => e.code === 'ENOENT' || e.code === 'ENOTDIR',
    );
  }
}
