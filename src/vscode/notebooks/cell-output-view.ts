import * as vscode from 'vscode';
import type { CellOutputs, OutputChange } from '../../core/kernel';
import { MappedOutput, streamItem, toOutputItems } from './output-items';

/**
 * Microsoft's Jupyter extension is installed: VS Code then gives widget outputs to its renderer, which
 * cannot reach our kernels, so they also go out under our own MIME, first (OWN_WIDGET_VIEW_MIME).
 */
const besideMicrosoftJupyter = () => !!vscode.extensions.getExtension('ms-toolsai.jupyter');

/** How the cell's own run ended: its order, times and result. */
export interface RunSummary {
  executionOrder?: number;
  startTime?: number;
  endTime?: number;
  success?: boolean;
}

/** How long output changes are gathered before the editor is told: a cell printing 100 000 lines sends a few dozen edits, not 100 000. */
const FLUSH_MS = 50;

function toCellOutput(mapped: MappedOutput): vscode.NotebookCellOutput {
  return new vscode.NotebookCellOutput(
    mapped.items.map((i) => new vscode.NotebookCellOutputItem(i.data, i.mime)),
    mapped.metadata,
  );
}

/**
 * Keeps one cell's outputs in the editor in step with the core's output model. Changes are
 * coalesced and applied in order: appended stream text is appended (VS Code joins stream items),
 * a rewritten output (`\r`, display update) is replaced, `clear_output` clears. Outside its own
 * execution (a display updated from a later cell) it applies changes through a short execution
 * that keeps the cell's order, result and timing.
 */
export class CellOutputView {
  private shown: vscode.NotebookCellOutput[] = [];
  private cleared = false;
  private readonly dirty = new Set<number>();
  private readonly appended = new Map<number, string>();
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private execution: vscode.NotebookCellExecution | undefined;
  private ended: RunSummary | undefined;
  private frameLink: ((file: string) => string | undefined) | undefined;

  constructor(
    readonly cell: vscode.NotebookCell,
    readonly area: CellOutputs,
    private readonly controller: vscode.NotebookController,
    private readonly onError: (e: unknown) => void,
  ) {}

  /**
   * The cell's own execution, while it runs; when it ends, what it ended with (a display updated later
   * restores exactly that: the cell's executionSummary reaches the extension host only some time after).
   */
  attach(execution: vscode.NotebookCellExecution | undefined, ended?: RunSummary): void {
    this.execution = execution;
    if (ended) this.ended = ended;
  }

  /** From now on tracebacks link their frames' files by `link`; the errors shown already are shown again so. */
  linkFrames(link: (file: string) => string | undefined): void {
    this.frameLink = link;
    for (let i = 0; i < this.area.length; i++) if (this.area.outputTypeOf(i) === 'error') this.onChange({ kind: 'update', index: i });
  }

  /** The outputs the cell shows already (a cell taken up after a window reload): changes apply on top of them. */
  showing(outputs: readonly vscode.NotebookCellOutput[]): void {
    this.shown = [...outputs];
  }

  onChange(change: OutputChange): void {
    switch (change.kind) {
      case 'clear':
        this.cleared = true;
        this.dirty.clear();
        this.appended.clear();
        break;
      case 'stream':
        // `\r` and backspace rewrite text already shown: replace that output instead of appending.
        if (change.index < this.shown.length && !this.cleared && !/[\r\b]/.test(change.appended) && !this.dirty.has(change.index)) {
          this.appended.set(change.index, (this.appended.get(change.index) ?? '') + change.appended);
        } else {
          this.dirty.add(change.index);
        }
        break;
      case 'add':
      case 'update':
        this.dirty.add(change.index);
        break;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, FLUSH_MS);
  }

  /** Applies what changed; resolves when the editor has it. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const step = this.chain.then(() => this.apply()).catch((e) => this.onError(e));
    this.chain = step;
    return step;
  }

  private async apply(): Promise<void> {
    if (!this.cleared && !this.dirty.size && !this.appended.size) return;
    const ownExecution = this.execution;
    let execution = ownExecution;
    // Read before a brief execution starts: starting one clears the cell's timing and result.
    const { executionSummary: shown } = this.cell;
    const summary = this.ended ?? { executionOrder: shown?.executionOrder, startTime: shown?.timing?.startTime, endTime: shown?.timing?.endTime, success: shown?.success };
    if (!execution) {
      if (this.cell.notebook.isClosed) return;
      // A display updated after its cell finished: a brief execution that keeps what the cell showed.
      execution = this.controller.createNotebookCellExecution(this.cell);
      execution.executionOrder = summary.executionOrder;
      execution.start(summary.startTime);
    }
    try {
      await this.applyTo(execution);
    } finally {
      if (!ownExecution) execution.end(summary.success, summary.endTime);
    }
  }

  private async applyTo(execution: vscode.NotebookCellExecution): Promise<void> {
    const options = { ownWidgetMime: besideMicrosoftJupyter(), frameLink: this.frameLink };
    const count = this.area.length;
    const replaceAll = this.cleared || count < this.shown.length;
    const dirty = new Set(this.dirty);
    const appended = new Map(this.appended);
    this.cleared = false;
    this.dirty.clear();
    this.appended.clear();

    if (replaceAll) {
      const outputs: vscode.NotebookCellOutput[] = [];
      for (let i = 0; i < count; i++) outputs.push(toCellOutput(toOutputItems(this.area.output(i)!, options)));
      this.shown = outputs;
      await execution.replaceOutput(outputs);
      return;
    }
    for (let i = 0; i < this.shown.length; i++) {
      if (dirty.has(i)) {
        const next = toCellOutput(toOutputItems(this.area.output(i)!, options));
        await execution.replaceOutputItems(next.items, this.shown[i]);
      } else {
        const text = appended.get(i);
        if (text !== undefined) {
          const item = streamItem(this.area.streamNameOf(i) ?? 'stdout', text);
          await execution.appendOutputItems(new vscode.NotebookCellOutputItem(item.data, item.mime), this.shown[i]);
        }
      }
    }
    if (count > this.shown.length) {
      const added: vscode.NotebookCellOutput[] = [];
      for (let i = this.shown.length; i < count; i++) added.push(toCellOutput(toOutputItems(this.area.output(i)!, options)));
      this.shown.push(...added);
      await execution.appendOutput(added);
    }
  }
}
