import { ContentsError, downloadFile, normalizeServerPath, uploadFile } from '../api';
import type { HttpSession } from '../http';
import type { Logger } from '../util/logger';
import { MANIFEST_NAME } from './local-tree';

/** What the sync last wrote at a path: the bytes it sent, and the server's modification time right after. */
export interface ManifestEntry {
  size: number;
  sha256: string;
  /** The server's `last_modified` for the file as the sync left it: any other time means someone changed it since. */
  modified: string;
}

/** Path (relative to the mapped server folder) → entry. Only files the sync wrote are in it: the only ones it may delete. */
export type Manifest = Map<string, ManifestEntry>;

const MANIFEST_MAX_BYTES = 64 * 1024 * 1024;

export function manifestPath(remoteRoot: string): string {
  return remoteRoot ? `${remoteRoot}/${MANIFEST_NAME}` : MANIFEST_NAME;
}

/**
 * A path the manifest may name: relative, normalised, inside the mapped folder. The manifest is the
 * server's to write too: a path that climbs out (`../other/x`) would make a delete reach a file the sync
 * never wrote, or a local check look outside the project.
 */
function isInside(path: string): boolean {
  try {
    return path !== '' && normalizeServerPath(path) === path;
  } catch {
    return false;
  }
}

function isEntry(v: unknown): v is ManifestEntry {
  const e = v as ManifestEntry;
  return typeof v === 'object' && v !== null && Number.isSafeInteger(e.size) && typeof e.sha256 === 'string' && /^[0-9a-f]{64}$/.test(e.sha256) && typeof e.modified === 'string';
}

/**
 * The manifest the sync keeps in the server folder, or an empty one when there is none yet. One that
 * cannot be read as ours is taken as empty, with a warning: the sync then deletes nothing and overwrites
 * nothing it finds there (an identical file is adopted, a different one is a conflict), so a damaged
 * manifest costs time, never a file.
 */
export async function readManifest(http: HttpSession, remoteRoot: string, log: Logger, signal?: AbortSignal): Promise<Manifest> {
  const where = manifestPath(remoteRoot);
  const parts: Buffer[] = [];
  try {
    await downloadFile(http, where, (c) => void parts.push(c), { signal, maxBytes: MANIFEST_MAX_BYTES });
  } catch (e) {
    if (e instanceof ContentsError && e.problem === 'not-found') return new Map();
    throw e;
  }
  const manifest: Manifest = new Map();
  try {
    const parsed = JSON.parse(Buffer.concat(parts).toString('utf8')) as { version?: unknown; files?: Record<string, unknown> };
    if (parsed.version !== 1 || typeof parsed.files !== 'object' || parsed.files === null) throw new Error('not a version 1 manifest');
    for (const [path, entry] of Object.entries(parsed.files)) if (isInside(path) && isEntry(entry)) manifest.set(path, { size: entry.size, sha256: entry.sha256, modified: entry.modified });
  } catch (e) {
    log.warn(`The sync's record on the server (${where}) could not be read (${(e as Error).message}); starting from none: files already there are compared, not overwritten, and none is deleted.`);
    return new Map();
  }
  return manifest;
}

/** Writes the manifest in one save (the server writes it whole or not at all). */
export async function writeManifest(http: HttpSession, remoteRoot: string, manifest: Manifest, signal?: AbortSignal): Promise<void> {
  const files: Record<string, ManifestEntry> = {};
  for (const path of [...manifest.keys()].sort()) files[path] = manifest.get(path) as ManifestEntry;
  const text = `${JSON.stringify({ version: 1, note: 'Written by Jupyter Remote\'s folder sync: the files it put here, so that it sends only what changed and deletes only its own. Deleting this file is safe.', files }, null, 1)}\n`;
  await uploadFile(http, manifestPath(remoteRoot), Buffer.from(text, 'utf8'), { signal, chunkBytes: MANIFEST_MAX_BYTES });
}
