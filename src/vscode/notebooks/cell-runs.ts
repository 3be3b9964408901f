import * as vscode from 'vscode';
import { baseNameOf } from '../../core/api/server-path';
import { ExecutionFailedError } from '../../core/kernel';
import type { CellOutputs, ExecuteResult, Execution, StdinRequest } from '../../core/kernel';
import { messageOf } from '../../core/util/errors';
import type { Logger } from '../../core/util/logger';
import { CellOutputView } from './cell-output-view';
import { KernelMemory, RunningCell, sourceHash } from './kernel-memory';
import type { NotebookKernel } from './notebook-kernel';
import { fromOutputItems } from './output-items';

export const notebookName = (notebook: vscode.NotebookDocument): string => baseNameOf(notebook.uri.path);

/**
 * The runs of one notebook's cells on its remote kernel, through one controller: each cell's output
 * view, and the cell running now, remembered (by its request's msg_id) so that a reloaded window can
 * take it up where it was.
 */
export class CellRuns {
  /** Each cell's view of its last run, by the cell's URI. */
  private readonly views = new Map<string, CellOutputView>();
  private readonly areas = new Map<CellOutputs, CellOutputView>();
  private running: { view: CellOutputView; record: RunningCell } | undefined;

  constructor(
    private readonly notebook: vscode.NotebookDocument,
    private readonly kernel: NotebookKernel,
    private readonly controller: vscode.NotebookController,
    private readonly memory: KernelMemory,
    private readonly log: Logger,
    /** How a traceback's frames link the server's own files (undefined where their place is not known). */
    private readonly frameLinks: () => Promise<((file: string) => string | undefined) | undefined> = async () => undefined,
  ) {
    kernel.outputs.onChange((area, change) => this.areas.get(area)?.onChange(change));
  }

  /** Runs one cell; resolves true, false (failed) or undefined (not run). */
  async run(execution: vscode.NotebookCellExecution): Promise<boolean | undefined> {
    const cell = execution.cell;
    const view = this.viewFor(cell);
    view.attach(execution);
    const startTime = Date.now();
    execution.start(startTime);
    await execution.clearOutput();

    const code = cell.document.getText();
    if (!code.trim()) {
      view.attach(undefined, { startTime, endTime: Date.now() });
      execution.end(undefined, Date.now());
      return undefined;
    }
    let running: RunningCell | undefined;
    const run = this.kernel.connection.execute(code, {
      outputs: view.area,
      onStdin: (request) => askForInput(cell, request),
      onExecutionCount: (count) => {
        execution.executionOrder = count;
        if (running) this.setRunning({ view, record: (running = { ...running, executionOrder: count }) });
      },
    });
    running = { msgId: run.msgId, cellIndex: cell.index, sourceHash: sourceHash(code), startTime };
    this.setRunning({ view, record: running });
    return this.endRun(view, execution, run, startTime, 'the connection to the kernel dropped while this cell ran');
  }

  /**
   * After a window reload: the cell that was running when the window went runs on in the same cell:
   * later output joins what it shows, and it ends with its real result.
   */
  async takeUp(running: RunningCell): Promise<void> {
    const notebook = this.notebook;
    // The cell where it was, else (cells added above it meanwhile) the first with its source.
    const same = (c: vscode.NotebookCell) => c.kind === vscode.NotebookCellKind.Code && sourceHash(c.document.getText()) === running.sourceHash;
    const atIndex = running.cellIndex < notebook.cellCount ? notebook.cellAt(running.cellIndex) : undefined;
    const cell = atIndex && same(atIndex) ? atIndex : notebook.getCells().find(same);
    if (!cell) {
      this.log.warn(`The cell that was running in ${notebookName(notebook)} before the reload was edited or removed; its further output is not shown`);
      // No longer running here: its kept outputs go with the record (KernelMemory.update).
      this.setRunning(undefined);
      return;
    }
    const view = this.viewFor(cell);
    view.showing(cell.outputs);
    const kept = this.memory.takeOutputs(notebook.uri, running.msgId, (problem) =>
      this.log.warn(`The outputs kept for the cell running in ${notebookName(notebook)} were ignored (${problem}); it goes on from what the notebook shows`),
    );
    if (kept) {
      // What the window had when it went (the document may have come back from disk without it).
      view.area.restore(kept.outputs);
      view.onChange({ kind: 'clear' });
    } else {
      view.area.restore(cell.outputs.flatMap((o) => fromOutputItems(o.items, o.metadata ?? {}) ?? []));
    }
    let count = running.executionOrder;
    const run = this.kernel.connection.resume(running.msgId, { outputs: view.area, onExecutionCount: (n) => (count = n) }, kept?.lastMessageId);
    this.setRunning({ view, record: running });
    const execution = this.controller.createNotebookCellExecution(cell);
    view.attach(execution);
    execution.executionOrder = count;
    execution.start(running.startTime);
    this.log.info(`Taking up cell ${cell.index + 1} of ${notebookName(notebook)}, running since before the reload`);
    await this.endRun(view, execution, run, running.startTime, 'this window was away while the cell ran, and not everything it printed was kept');
  }

  /** Before a restart: the kernel's output areas of these cells are let go (the views stay until each cell runs again). */
  releaseOutputs(): void {
    for (const view of this.views.values()) this.kernel.outputs.release(view.area);
  }

  /**
   * The window is going: a running cell's connection is told to close now (the server keeps what
   * follows once it hears), and its outputs are kept at once.
   */
  leave(): void {
    if (!this.running) return;
    void this.kernel.connection.leave();
    this.keepRunningOutputs();
  }

  /**
   * A cell runs on while its notebook closes or the window goes: keep what it has shown, taken after its
   * connection closed (from then on the server keeps the rest for this client session), for when it is back.
   */
  keepRunningOutputs(): void {
    const running = this.running;
    if (!running) return;
    if (!this.memory.keepOutputs(this.notebook.uri, running.record.msgId, running.view.area.toJSON(), this.kernel.connection.lastKernelMessageId)) {
      this.log.warn(`The outputs of the cell running in ${notebookName(this.notebook)} could not be kept; when it is taken up, it will say output may be missing`);
    }
  }

  /** A new output view for a cell, in place of the one its last run had. */
  private viewFor(cell: vscode.NotebookCell): CellOutputView {
    const key = cell.document.uri.toString();
    const previous = this.views.get(key);
    if (previous) {
      this.kernel.outputs.release(previous.area);
      this.areas.delete(previous.area);
    }
    const area = this.kernel.outputs.cell(key);
    const view = new CellOutputView(cell, area, this.controller, (e) => this.log.error(`Updating the outputs of cell ${cell.index + 1}: ${messageOf(e)}`));
    this.views.set(key, view);
    this.areas.set(area, view);
    return view;
  }

  /** Keeps which cell runs, by its request's msg_id, so a reloaded window can take it up. */
  private setRunning(running: { view: CellOutputView; record: RunningCell } | undefined): void {
    this.running = running;
    this.memory.update(this.notebook.uri, { running: running?.record, clientSessionId: this.kernel.connection.sessionId });
  }

  /** Waits for a cell's run to end and shows how it ended; resolves true, false (failed) or undefined (aborted). */
  private async endRun(view: CellOutputView, execution: vscode.NotebookCellExecution, run: Execution, startTime: number, whyIncomplete: string): Promise<boolean | undefined> {
    const area = view.area;
    let result: ExecuteResult | undefined;
    let failure: string | undefined;
    try {
      result = await run.done;
    } catch (e) {
      if (e instanceof ExecutionFailedError && e.reason === 'disposed') {
        // The window (or the notebook) is going, not the cell: it runs on, and is taken up when the notebook is back.
        execution.end(undefined);
        return undefined;
      }
      failure = messageOf(e);
    }
    this.setRunning(undefined);
    if (result?.possiblyIncomplete) area.note(`⚠ Output may be incomplete: ${whyIncomplete}.`);
    if (failure) area.handle({ msg_type: 'error', content: { ename: 'Kernel', evalue: failure, traceback: [failure] } });
    // A frame in a file (not a cell) links that file on the server: where the server's files are is asked once a kernel, here.
    if (hasFileFrame(area)) {
      const link = await this.frameLinks().catch(() => undefined);
      if (link) view.linkFrames(link);
    }
    await view.flush();
    if (result?.executionCount !== null && result?.executionCount !== undefined) execution.executionOrder = result.executionCount;
    const errored = failure !== undefined || result?.status === 'error' || (result?.status === 'unknown' && area.toJSON().some((o) => o.output_type === 'error'));
    const success = result?.status === 'aborted' ? undefined : !errored;
    const endTime = Date.now();
    view.attach(undefined, { executionOrder: execution.executionOrder, startTime, endTime, success });
    execution.end(success, endTime);
    return success;
  }
}

/** Whether an error output's traceback names a file (a frame outside the cells); streams are not built to look. */
function hasFileFrame(area: CellOutputs): boolean {
  for (let i = 0; i < area.length; i++) {
    if (area.outputTypeOf(i) !== 'error') continue;
    const output = area.output(i);
    if (output?.output_type === 'error' && output.traceback.some((t) => /File\s/.test(t))) return true;
  }
  return false;
}

async function askForInput(cell: vscode.NotebookCell, request: StdinRequest): Promise<string> {
  const answer = await vscode.window.showInputBox({
    title: `Cell ${cell.index + 1} asks for ${request.password ? 'a password' : 'input'}`,
    prompt: request.prompt || undefined,
    password: request.password,
    ignoreFocusOut: true,
  });
  // Cancelled: the kernel gets an empty answer and the cell goes on.
  return answer ?? '';
}
