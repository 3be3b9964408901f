import * as vscode from 'vscode';
import type { CellText, DocumentPlace, LanguageService } from '../../core/language';
import type { Logger } from '../../core/util/logger';
import { SERVER_FS_SCHEME, serverPathOf } from '../files';
import type { ServerConnections, ServerStore } from '../servers';
import { NOTEBOOK_TYPE } from '../shared';
import { Problems } from './problems';
import { ServerLanguages, type LanguageServerState } from './server-languages';

/** What the served documents need of the notebooks feature. */
export interface SelectedKernels {
  /** The server of the notebook's selected kernel (of ours) and its session path there. */
  selectionOf(notebook: vscode.NotebookDocument): { serverId: string; sessionPath: string } | undefined;
  readonly onDidChangeSelection: vscode.Event<vscode.NotebookDocument>;
}

/** A question's document in the language service's terms, and the service that answers it. */
export interface ServedPlace {
  service: LanguageService;
  serverId: string;
  place: DocumentPlace;
}

interface Served {
  serverId: string;
  service?: LanguageService;
}

/** A served document stays while it is wanted on the same server and its service (once started) still runs. */
const stillServed = (served: Served, serverId: string | undefined, languages: ServerLanguages) =>
  served.serverId === serverId && (!served.service || languages.readyOn(serverId) === served.service);

const cellsOf = (notebook: vscode.NotebookDocument): CellText[] =>
  notebook.getCells().map((c) => ({ index: c.index, text: c.document.getText(), language: c.kind === vscode.NotebookCellKind.Code ? c.document.languageId : 'markdown' }));

/**
 * Which documents the servers' language servers serve, kept in step with the editor: the notebooks
 * that selected one of our kernels (on that kernel's server), and the Python files opened from a
 * server folder (`jupyter-remote://`). Their servers' services come from ServerLanguages; their
 * problems go to Problems.
 */
export class ServedDocuments implements vscode.Disposable {
  /** Each served notebook's server, and the service it was opened in once that started. */
  private readonly notebooks = new Map<vscode.NotebookDocument, Served>();
  private readonly files = new Map<string, Served & { path: string }>();
  private readonly problems = new Problems();
  private readonly languages: ServerLanguages;
  private readonly disposables: vscode.Disposable[] = [];
  /** Fires with a server's id when its language service started, stopped, reconnects or was found absent. */
  readonly onDidChange: vscode.Event<string>;

  constructor(private readonly deps: { connections: ServerConnections; store: ServerStore; kernels: SelectedKernels; enabled: () => boolean; log: Logger }) {
    this.languages = new ServerLanguages({ ...deps, onReady: (serverId, service) => this.showProblemsOf(serverId, service) });
    this.onDidChange = this.languages.onDidChange;
    this.disposables.push(
      this.problems,
      this.languages,
      // A removed server's documents are served again by nobody; one asked again may serve them now.
      this.languages.onDidChange(() => this.reconcile()),
      deps.kernels.onDidChangeSelection(() => this.reconcile()),
      vscode.workspace.onDidOpenNotebookDocument(() => this.reconcile()),
      vscode.workspace.onDidCloseNotebookDocument(() => this.reconcile()),
      vscode.workspace.onDidOpenTextDocument((d) => d.uri.scheme === SERVER_FS_SCHEME && this.reconcile()),
      vscode.workspace.onDidCloseTextDocument((d) => d.uri.scheme === SERVER_FS_SCHEME && this.reconcile()),
      vscode.workspace.onDidChangeNotebookDocument((e) => {
        if (e.contentChanges.length || e.cellChanges.some((c) => c.document)) this.notebookChanged(e.notebook);
      }),
      // A cell's edits come as a notebook change (above); a file's as a text change.
      vscode.workspace.onDidChangeTextDocument((e) => {
        const file = this.files.get(e.document.uri.toString());
        file?.service?.changeFile(file.path, e.document.getText());
      }),
    );
  }

  /** Which language server serves a server's documents, or why none does; undefined when none was needed yet. */
  describe(serverId: string): LanguageServerState | undefined {
    return this.languages.describe(serverId);
  }

  /** The language service that answers about a position in this document, if one serves it. */
  placeOf(document: vscode.TextDocument, position: vscode.Position): ServedPlace | undefined {
    const at = { line: position.line, character: position.character };
    if (document.uri.scheme === 'vscode-notebook-cell') {
      for (const [notebook, { serverId, service }] of this.notebooks) {
        const cell = notebook.getCells().find((c) => c.document === document);
        if (cell) return service && { service, serverId, place: { notebook: notebook.uri.toString(), cell: cell.index, position: at } };
      }
      return undefined;
    }
    const file = this.files.get(document.uri.toString());
    return file?.service && { service: file.service, serverId: file.serverId, place: { file: file.path, position: at } };
  }

  /** The notebook a served key names (the notebook's URI). */
  notebookOf(key: string): vscode.NotebookDocument | undefined {
    return [...this.notebooks.keys()].find((nb) => nb.uri.toString() === key);
  }

  /** Serves what should be served now, and lets go of the rest: the editor's documents, the setting. */
  reconcile(): void {
    const enabled = this.deps.enabled();
    const wanted = new Map<vscode.NotebookDocument, { serverId: string; sessionPath: string }>();
    const openFiles = new Map<string, { serverId: string; path: string; document: vscode.TextDocument }>();
    if (enabled) {
      for (const notebook of vscode.workspace.notebookDocuments) {
        const selection = notebook.notebookType === NOTEBOOK_TYPE && !notebook.isClosed ? this.deps.kernels.selectionOf(notebook) : undefined;
        if (selection && this.deps.store.get(selection.serverId)) wanted.set(notebook, selection);
      }
      for (const document of vscode.workspace.textDocuments) {
        if (document.uri.scheme !== SERVER_FS_SCHEME || document.languageId !== 'python' || document.isClosed || !this.deps.store.get(document.uri.authority)) continue;
        openFiles.set(document.uri.toString(), { ...serverPathOf(document.uri), document });
      }
    }

    for (const [notebook, served] of [...this.notebooks]) {
      if (stillServed(served, wanted.get(notebook)?.serverId, this.languages)) continue;
      this.notebooks.delete(notebook);
      served.service?.closeNotebook(notebook.uri.toString());
      this.problems.clearNotebook(notebook.uri.toString());
    }
    for (const [notebook, { serverId, sessionPath }] of wanted) {
      if (this.notebooks.has(notebook)) continue;
      const served: Served = { serverId };
      this.notebooks.set(notebook, served);
      void this.languages.serviceOf(serverId).then((service) => {
        if (!service || this.notebooks.get(notebook) !== served) return;
        served.service = service;
        service.openNotebook(notebook.uri.toString(), sessionPath, cellsOf(notebook));
      });
    }

    for (const [uri, served] of [...this.files]) {
      if (stillServed(served, openFiles.get(uri)?.serverId, this.languages)) continue;
      this.files.delete(uri);
      served.service?.closeFile(served.path);
      this.problems.clearFile(vscode.Uri.parse(uri));
    }
    for (const [uri, { serverId, path, document }] of openFiles) {
      if (this.files.has(uri)) continue;
      const served: Served & { path: string } = { serverId, path };
      this.files.set(uri, served);
      void this.languages.serviceOf(serverId).then((service) => {
        if (!service || this.files.get(uri) !== served) return;
        served.service = service;
        service.openFile(path, document.getText());
      });
    }

    if (!enabled) {
      this.languages.stopAll();
      this.problems.clearAll();
    } else {
      this.languages.closeIdleSoon();
    }
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }

  private notebookChanged(notebook: vscode.NotebookDocument): void {
    // Read when the change is sent (debounced), not at every keystroke.
    this.notebooks.get(notebook)?.service?.changeNotebook(notebook.uri.toString(), () => cellsOf(notebook));
  }

  /** A new service's problems go on that server's documents (a file path alone could be another server's). */
  private showProblemsOf(serverId: string, service: LanguageService): void {
    const source = `Jupyter Remote · ${service.offer.displayName}`;
    service.onDiagnostics((update) => {
      if ('file' in update) {
        const uri = [...this.files].find(([, f]) => f.serverId === serverId && f.path === update.file)?.[0];
        this.problems.show(update, source, uri ? { fileUri: vscode.Uri.parse(uri) } : {});
      } else {
        this.problems.show(update, source, { notebook: this.notebookOf(update.notebook) });
      }
    });
  }
}
