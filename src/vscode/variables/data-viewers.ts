import * as vscode from 'vscode';
import type { VariableInspector, VariableSummary } from '../../core/variables';
import type { Logger } from '../../core/util/logger';
import { openDataViewer, type DataViewer } from './data-viewer';

interface Open {
  viewer: DataViewer;
  /** The variable may have changed: the next pages are sorted and filtered anew. */
  changed(): void;
}

/**
 * The Data Viewers open, per notebook: one per variable (opening it again brings its tab to the front),
 * refreshed once the notebook's cells have ended, told when the kernel or the notebook is gone.
 */
export class DataViewers implements vscode.Disposable {
  private readonly open = new Map<vscode.NotebookDocument, Map<string, Open>>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: Logger,
  ) {}

  show(notebook: vscode.NotebookDocument, inspector: VariableInspector, variable: VariableSummary): void {
    const key = JSON.stringify(variable.path);
    const mine = this.open.get(notebook) ?? new Map<string, Open>();
    this.open.set(notebook, mine);
    const already = mine.get(key);
    if (already) return already.viewer.reveal();
    const { path, name, type, shape } = variable;
    let generation = 0;
    const viewer = openDataViewer(this.context, `${name} (${type}${shape ? ` ${shape.join(' × ')}` : ''})`, {
      page: (query, start, count, signal) => inspector.table(path, query, start, count, signal, generation),
    }, this.log);
    mine.set(key, { viewer, changed: () => generation++ });
    viewer.onDidDispose(() => mine.delete(key));
  }

  /**
   * A cell of the notebook ended: its viewers fetch again, once no cell runs (Run All of fifty cells sorts
   * a million rows once, not fifty times; a cell still queued would hold a kernel without subshells).
   */
  cellEnded(notebook: vscode.NotebookDocument, cellRunning: boolean): void {
    if (cellRunning) return;
    for (const { viewer, changed } of this.open.get(notebook)?.values() ?? []) {
      changed();
      viewer.refresh();
    }
  }

  /** The notebook's kernel or the notebook itself is gone: its viewers say so and keep nothing. */
  gone(notebook: vscode.NotebookDocument, message: string): void {
    for (const { viewer } of this.open.get(notebook)?.values() ?? []) viewer.showGone(message);
    this.open.delete(notebook);
  }

  dispose(): void {
    for (const mine of this.open.values()) for (const { viewer } of mine.values()) viewer.dispose();
    this.open.clear();
  }
}
