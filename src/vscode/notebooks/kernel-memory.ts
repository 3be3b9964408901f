import type * as vscode from 'vscode';
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { NbOutput } from '../../core/kernel';
import { messageOf } from '../../core/util/errors';

/** The cell that was running when a window last saw its notebook's kernel. */
export interface RunningCell {
  /** The execute request's msg_id: the kernel's messages for the cell carry it as their parent. */
  msgId: string;
  cellIndex: number;
  /** A hash of the cell's source, to find it again (and not take another cell for it). */
  sourceHash: string;
  executionOrder?: number;
  startTime: number;
}

/** Which kernel a notebook ran on: no secret, no URL (the server is named by its stored id). */
export interface RememberedKernel {
  serverId: string;
  kernelId: string;
  specName: string;
  /** Our client session id on the kernel's socket: the server replays to it what was sent while no window was connected. */
  clientSessionId: string;
  /** The server session tying the kernel to the notebook (ended with it), where there is one. */
  serverSessionId?: string;
  /** We started it (and may shut it down); false for a kernel someone else started. */
  startedByUs: boolean;
  /** When we connected to it first, and last saw it (ms since the epoch). */
  startedAt: number;
  lastSeen: number;
  running?: RunningCell;
}

const KEY = 'jupyterRemote.kernels';
/** Notebooks remembered at most (the ones seen longest ago are forgotten first). */
const LIMIT = 200;

export const sourceHash = (source: string): string => createHash('sha256').update(source).digest('hex').slice(0, 16);

/** The most output of a running cell kept across a reload (JSON characters); beyond it, the cell says output may be missing. */
const KEPT_OUTPUT_MAX = 8_000_000;
/** The most bytes a kept file is read from: KEPT_OUTPUT_MAX characters, each up to 3 bytes in UTF-8. */
const KEPT_FILE_MAX = 3 * KEPT_OUTPUT_MAX;

/**
 * The kernel each notebook of this workspace runs on, kept in its workspace state across window
 * reloads, keyed by the notebook's URI (a renamed notebook's entry moves with it); and the outputs of a
 * cell still running when the window went, in a file of the extension's storage folder.
 */
export class KernelMemory {
  constructor(
    private readonly state: vscode.Memento,
    /** Where running cells' outputs are kept (the workspace's storage folder, on the extension host's machine). */
    private readonly folder: string,
  ) {}

  /**
   * Keeps a running cell's outputs as the window leaves them. Synchronous, to a file: when a window
   * reloads, the extension host outlives the page that holds the workspace state, and may stop at any
   * moment. `lastMessageId`: the last kernel message the window received, so the next window can tell
   * whether what the server kept follows on. Returns false when they were not kept (too large, or the
   * disk said no).
   */
  keepOutputs(notebook: vscode.Uri, msgId: string, outputs: NbOutput[], lastMessageId: string | undefined): boolean {
    const json = JSON.stringify({ msgId, outputs, lastMessageId });
    if (json.length > KEPT_OUTPUT_MAX) return false;
    const file = this.outputsFile(notebook);
    const partial = `${file}.${randomUUID()}.partial`;
    try {
      // What a cell printed can be private: only this user may read it (the mode is set as the file is
      // created, so it is never readable by others, even for a moment; the rename keeps it).
      mkdirSync(this.folder, { recursive: true, mode: 0o700 });
      writeFileSync(partial, json, { mode: 0o600, flag: 'wx' });
      renameSync(partial, file);
      return true;
    } catch {
      try {
        rmSync(partial, { force: true });
      } catch {
        // The folder itself is unusable: there is no partial file either.
      }
      return false;
    }
  }

  /**
   * The outputs kept for this cell (by its msg_id), once: the file goes. A file that is not what
   * keepOutputs writes (cut short, edited, from an older version) is told to `ignored` and gives
   * undefined, as no file does: the cell is taken up with what its notebook shows.
   */
  takeOutputs(notebook: vscode.Uri, msgId: string, ignored: (problem: string) => void): { outputs: NbOutput[]; lastMessageId?: string } | undefined {
    const file = this.outputsFile(notebook);
    let text: string;
    try {
      if (statSync(file).size > KEPT_FILE_MAX) {
        ignored('the file is larger than what is ever kept');
        return undefined;
      }
      text = readFileSync(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') ignored(`the file could not be read (${code ?? messageOf(e)})`);
      return undefined;
    } finally {
      this.dropOutputs(notebook);
    }
    const kept = parseKept(text);
    if (typeof kept === 'string') {
      ignored(kept);
      return undefined;
    }
    return kept.msgId === msgId ? { outputs: kept.outputs, lastMessageId: kept.lastMessageId } : undefined;
  }

  /** The kept outputs of the notebook's running cell are of no more use: its cell ended or is gone, or its kernel is. */
  dropOutputs(notebook: vscode.Uri): void {
    this.dropOutputsOf(notebook.toString());
  }

  private dropOutputsOf(key: string): void {
    try {
      rmSync(this.outputsFile(key), { force: true });
    } catch {
      // The folder is unusable: nothing could have been kept in it.
    }
  }

  /** The file of a notebook (its URI, or the URI as a string: its key in the workspace state). */
  private outputsFile(notebook: vscode.Uri | string): string {
    return path.join(this.folder, `running-${sourceHash(notebook.toString())}.json`);
  }

  get(notebook: vscode.Uri): RememberedKernel | undefined {
    return this.all()[notebook.toString()];
  }

  remember(notebook: vscode.Uri, kernel: RememberedKernel): void {
    const all = this.all();
    all[notebook.toString()] = kernel;
    const keys = Object.keys(all);
    if (keys.length > LIMIT) {
      for (const key of keys.sort((a, b) => all[a].lastSeen - all[b].lastSeen).slice(0, keys.length - LIMIT)) {
        delete all[key];
        this.dropOutputsOf(key);
      }
    }
    void this.state.update(KEY, all);
  }

  /** Changes a remembered kernel's entry (the running cell, when it was seen); nothing if it has none. */
  update(notebook: vscode.Uri, change: Partial<RememberedKernel>): void {
    const current = this.get(notebook);
    if (!current) return;
    // The kept outputs belong to the running cell: another cell running, or none, and they are stale.
    if ('running' in change && change.running?.msgId !== current.running?.msgId) this.dropOutputs(notebook);
    this.remember(notebook, { ...current, ...change, lastSeen: Date.now() });
  }

  /** Every remembered notebook (its URI as a string) and its kernel. */
  entries(): [string, RememberedKernel][] {
    return Object.entries(this.all());
  }

  /** The notebook's kernel is let go (shut down, gone, replaced): so are the outputs kept for its running cell. */
  forget(notebook: vscode.Uri): void {
    this.dropOutputs(notebook);
    this.forgetEntry(notebook);
  }

  /** A notebook renamed or moved: its kernel goes with it, and so do its running cell's kept outputs. */
  moved(from: vscode.Uri, to: vscode.Uri): void {
    const entry = this.get(from);
    if (!entry) return;
    this.forgetEntry(from);
    this.remember(to, entry);
    try {
      renameSync(this.outputsFile(from), this.outputsFile(to));
    } catch {
      // None were kept (the usual case); otherwise the cell is taken up with what its notebook shows.
      this.dropOutputs(from);
    }
  }

  private forgetEntry(notebook: vscode.Uri): void {
    const all = this.all();
    if (!(notebook.toString() in all)) return;
    delete all[notebook.toString()];
    void this.state.update(KEY, all);
  }

  private all(): Record<string, RememberedKernel> {
    return { ...this.state.get<Record<string, RememberedKernel>>(KEY, {}) };
  }
}

type Kept = { msgId: string; outputs: NbOutput[]; lastMessageId?: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A kept file's content as keepOutputs wrote it, or what is wrong with it. */
function parseKept(text: string): Kept | string {
  let kept: unknown;
  try {
    kept = JSON.parse(text);
  } catch {
    return 'the file is not JSON';
  }
  if (!isRecord(kept) || typeof kept.msgId !== 'string' || !Array.isArray(kept.outputs)) return 'the file has no request id or no list of outputs';
  if (kept.lastMessageId !== undefined && typeof kept.lastMessageId !== 'string') return 'the last message id is not text';
  for (const [i, output] of kept.outputs.entries()) {
    const problem = outputProblem(output);
    if (problem) return `output ${i + 1} ${problem}`;
  }
  return { msgId: kept.msgId, outputs: kept.outputs as NbOutput[], lastMessageId: kept.lastMessageId };
}

/** Why one output is not an nbformat 4 output as the output model writes it (NbOutput), if it is not. */
function outputProblem(o: unknown): string | undefined {
  if (!isRecord(o)) return 'is not an object';
  switch (o.output_type) {
    case 'stream':
      return typeof o.name === 'string' && typeof o.text === 'string' ? undefined : 'is a stream without its name or text';
    case 'display_data':
    case 'execute_result':
      if (!isRecord(o.data) || !isRecord(o.metadata)) return `is ${o.output_type} without its data or metadata`;
      return o.output_type === 'display_data' || o.execution_count === null || typeof o.execution_count === 'number' ? undefined : 'has an execution count that is not a number';
    case 'error':
      return typeof o.ename === 'string' && typeof o.evalue === 'string' && Array.isArray(o.traceback) && o.traceback.every((l) => typeof l === 'string')
        ? undefined
        : 'is an error without its name, value or traceback';
    default:
      return 'has no known output_type';
  }
}
