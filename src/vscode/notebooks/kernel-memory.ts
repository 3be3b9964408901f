import type * as vscode from 'vscode';
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { NbOutput } from '../../core/kernel';

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
      mkdirSync(this.folder, { recursive: true });
      writeFileSync(partial, json);
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

  /** The outputs kept for this cell (by its msg_id), once: the file goes. */
  takeOutputs(notebook: vscode.Uri, msgId: string): { outputs: NbOutput[]; lastMessageId?: string } | undefined {
    const file = this.outputsFile(notebook);
    try {
      const kept = JSON.parse(readFileSync(file, 'utf8')) as { msgId?: string; outputs?: NbOutput[]; lastMessageId?: string };
      return kept.msgId === msgId && Array.isArray(kept.outputs) ? { outputs: kept.outputs, lastMessageId: kept.lastMessageId } : undefined;
    } catch {
      return undefined;
    } finally {
      rmSync(file, { force: true });
    }
  }

  private outputsFile(notebook: vscode.Uri): string {
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
      for (const key of keys.sort((a, b) => all[a].lastSeen - all[b].lastSeen).slice(0, keys.length - LIMIT)) delete all[key];
    }
    void this.state.update(KEY, all);
  }

  /** Changes a remembered kernel's entry (the running cell, when it was seen); nothing if it has none. */
  update(notebook: vscode.Uri, change: Partial<RememberedKernel>): void {
    const current = this.get(notebook);
    if (current) this.remember(notebook, { ...current, ...change, lastSeen: Date.now() });
  }

  /** Every remembered notebook (its URI as a string) and its kernel. */
  entries(): [string, RememberedKernel][] {
    return Object.entries(this.all());
  }

  forget(notebook: vscode.Uri): void {
    const all = this.all();
    if (!(notebook.toString() in all)) return;
    delete all[notebook.toString()];
    void this.state.update(KEY, all);
  }

  /** A notebook renamed or moved: its kernel goes with it. */
  moved(from: vscode.Uri, to: vscode.Uri): void {
    const entry = this.get(from);
    if (!entry) return;
    this.forget(from);
    this.remember(to, entry);
  }

  private all(): Record<string, RememberedKernel> {
    return { ...this.state.get<Record<string, RememberedKernel>>(KEY, {}) };
  }
}
