import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import { BadServerPathError, normalizeServerPath } from '../core/api';
import type { HttpSession } from '../core/http';
import { ProjectSync, scanProject, type SyncPlan, type SyncResult, type SyncSettings } from '../core/sync';
import { formatBytes } from '../core/util/bytes';
import type { Logger } from '../core/util/logger';
import { parseArgs } from './args';
import { describeForCli, verboseLogger, withServer } from './connect';
import { CliError, printLine } from './io';

const USAGE = 'Usage: jupyter-remote sync LOCAL_DIR URL REMOTE_DIR [--watch] [--delete] [--dry-run] [--exclude PATTERN]…';
/** How often `--watch` looks at the local folder, and how long it waits for a burst of changes to end. */
const WATCH_POLL_MS = 1000;
const WATCH_SETTLE_MS = 300;

/** The lines a person reads for a plan (dry run) or a result: one per file acted on, conflicts and skips on stderr. */
function report(plan: SyncPlan | SyncResult, out: NodeJS.WritableStream, err: NodeJS.WritableStream, dryRun: boolean): boolean {
  const result = 'uploaded' in plan ? plan : undefined;
  if (dryRun) {
    for (const u of plan.uploads) printLine(out, `${u.isNew ? '+' : '~'} ${u.path}`);
    for (const d of plan.deletes) printLine(out, `- ${d}`);
  } else if (result) {
    for (const p of result.uploaded) printLine(out, `sent ${p}`);
    for (const p of result.deleted) printLine(out, `deleted ${p}`);
  }
  for (const c of plan.conflicts) printLine(err, `jupyter-remote: conflict: ${c.message}`);
  for (const s of plan.skipped) printLine(err, `jupyter-remote: skipped ${s.path}: ${s.reason}`);
  for (const f of result?.failed ?? []) printLine(err, `jupyter-remote: not sent ${f.path}: ${f.message}`);
  if (result?.stopped) printLine(err, `jupyter-remote: ${result.stopped}`);
  const sentPaths = result ? new Set(result.uploaded) : undefined;
  const bytes = plan.uploads.reduce((n, u) => n + (!sentPaths || sentPaths.has(u.path) ? u.size : 0), 0);
  const sent = result ? result.uploaded.length : plan.uploads.length;
  const deleted = result ? result.deleted.length : plan.deletes.length;
  printLine(err, `jupyter-remote: ${dryRun ? 'would send' : 'sent'} ${sent} file(s)${sent ? ` (${formatBytes(bytes)})` : ''}, ${dryRun ? 'would delete' : 'deleted'} ${deleted}, ${plan.unchanged} unchanged${plan.conflicts.length ? `, ${plan.conflicts.length} conflict(s)` : ''}`);
  const leftOut = plan.skipped.filter((s) => s.kind !== 'link').length;
  return plan.conflicts.length === 0 && leftOut === 0 && !result?.failed.length && !result?.stopped;
}

/** A cheap picture of the local folder (paths, sizes, modification times) to notice a change without hashing. */
async function fingerprint(settings: SyncSettings): Promise<string> {
  const scan = await scanProject(settings.localRoot, settings);
  return scan.files.map((f) => `${f.path}\0${f.size}\0${f.mtimeMs}`).join('\n');
}

/** Sleeps `ms`, or less when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}

/**
 * `--watch`: a run each time the folder changed and has been quiet for WATCH_SETTLE_MS (a checkout is
 * one batch), until `stop` aborts (Ctrl-C). A run that fails, or stops because the server went, is
 * reported and the watch goes on: the next change tries again.
 */
async function watch(sync: ProjectSync, settings: SyncSettings, out: NodeJS.WritableStream, err: NodeJS.WritableStream, first: boolean, stop: AbortSignal): Promise<number> {
  let clean = first;
  printLine(err, 'jupyter-remote: watching for changes; Ctrl-C stops');
  let seen = await fingerprint(settings);
  while (!stop.aborted) {
    await pause(WATCH_POLL_MS, stop);
    if (stop.aborted) break;
    let now = await fingerprint(settings);
    if (now === seen) continue;
    do {
      seen = now;
      await pause(WATCH_SETTLE_MS, stop);
      now = await fingerprint(settings);
    } while (now !== seen && !stop.aborted);
    if (stop.aborted) break;
    try {
      clean = report(await sync.run({ signal: stop }), out, err, false);
    } catch (e) {
      clean = false;
      printLine(err, `jupyter-remote: the sync stopped: ${describeForCli(e).message}`);
    }
  }
  return clean ? 0 : 1;
}

/**
 * `jupyter-remote sync LOCAL_DIR URL REMOTE_DIR [--watch] [--delete] [--dry-run] [--exclude PATTERN]…`:
 * one-way, local to server (ProjectSync's rules; --exclude adds gitignore-syntax patterns to the
 * defaults). Exit 1 when anything was left unsynced: a conflict, a file too large or unreadable, a
 * failure, or a stop. Ctrl-C cancels between files: a file being sent is finished or put back whole.
 */
export async function syncCommand(args: string[], out: NodeJS.WritableStream): Promise<number> {
  const { positional, options, lists } = parseArgs(args, { values: ['ca', 'fingerprint', 'timeout'], flags: ['watch', 'delete', 'dry-run', 'allow-insecure-http', 'verbose'], lists: ['exclude'] });
  if (positional.length !== 3) throw new CliError(USAGE, 2);
  const [localDir, url, remoteDir] = positional;
  const localRoot = path.resolve(localDir);
  const stat = await fs.stat(localRoot).catch(() => undefined);
  if (!stat?.isDirectory()) throw new CliError(`${localDir} is not a folder on this machine.`, 2);
  let remoteRoot: string;
  try {
    remoteRoot = normalizeServerPath(remoteDir);
  } catch (e) {
    throw new CliError(e instanceof BadServerPathError ? `"${remoteDir}" is not a folder inside the server's root: name one that is.` : (e as Error).message, 2);
  }
  if (options.watch === true && options['dry-run'] === true) throw new CliError('--watch and --dry-run do not go together.', 2);
  const settings: SyncSettings = { localRoot, remoteRoot, mirrorDeletes: options.delete === true, exclude: lists.exclude ?? [] };
  const log: Logger = options.verbose === true ? verboseLogger() : { trace() {}, debug() {}, info() {}, warn: (m) => printLine(process.stderr, `jupyter-remote: ${m}`), error: (m) => printLine(process.stderr, `jupyter-remote: ${m}`) };
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  process.once('SIGINT', onSigint);
  try {
    return await withServer(url, options, async (session: HttpSession) => {
      const sync = new ProjectSync(session, settings, log);
      if (options['dry-run'] === true) return report(await sync.plan(stop.signal), out, process.stderr, true) ? 0 : 1;
      const result = await sync.run({ signal: stop.signal });
      const clean = report(result, out, process.stderr, false);
      if (options.watch !== true || result.stopped) return clean ? 0 : 1;
      return watch(sync, settings, out, process.stderr, clean, stop.signal);
    });
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
