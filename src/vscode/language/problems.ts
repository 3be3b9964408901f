import * as vscode from 'vscode';
import type { DiagnosticsUpdate } from '../../core/language';
import { toDiagnostic } from './convert';

/**
 * The language servers' problems, on the cells of notebooks and on server files: one collection, the
 * source naming the server's language server ("Jupyter Remote · pyright"), and each notebook's
 * problems cleared as a whole when it gets new ones or stops being served.
 */
export class Problems implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('jupyter-remote-language');
  /** The cell documents each notebook's problems were put on. */
  private readonly onCells = new Map<string, vscode.Uri[]>();

  /** Puts an update on the documents: the notebook's cells, or the file at `fileUri`. */
  show(update: DiagnosticsUpdate, source: string, where: { notebook?: vscode.NotebookDocument; fileUri?: vscode.Uri }): void {
    if ('file' in update) {
      if (where.fileUri) this.collection.set(where.fileUri, update.diagnostics.map((d) => toDiagnostic(d, source)));
      return;
    }
    this.clearNotebook(update.notebook);
    const { notebook } = where;
    if (!notebook) return;
    const put: vscode.Uri[] = [];
    for (const [index, found] of update.cells) {
      if (index >= notebook.cellCount || !found.length) continue;
      const uri = notebook.cellAt(index).document.uri;
      this.collection.set(uri, found.map((d) => toDiagnostic(d, source)));
      put.push(uri);
    }
    this.onCells.set(update.notebook, put);
  }

  clearNotebook(key: string): void {
    for (const uri of this.onCells.get(key) ?? []) this.collection.delete(uri);
    this.onCells.delete(key);
  }

  clearFile(uri: vscode.Uri): void {
    this.collection.delete(uri);
  }

  clearAll(): void {
    this.collection.clear();
    this.onCells.clear();
  }

  dispose(): void {
    this.collection.dispose();
  }
}
