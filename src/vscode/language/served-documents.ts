import * as vscode from 'vscode';
import { LanguageServerAbsentError, LanguageService, type CellText, type DiagnosticsUpdate, type DocumentPlace } from '../../core/language';
import type { Logger } from '../../core/util/logger';
import { messageOf } from '../../core/util/errors';
import { SERVER_FS_SCHEME, serverPathOf } from '../files';
import type { ServerConnections } from '../servers';
import { NOTEBOOK_TYPE } from '../shared';
import { toDiagnostic } from './convert';

/** What the served documents need of the notebooks feature. */
export interface SelectedKernels {
  /** The server of the notebook's selected kernel (of ours) and its session path there. */
  selectionOf(notebook: vscode.NotebookDocument): { serverId: string; sessionPath: string } | undefined;
  readonly onDidChangeSelection: vscode.Event<vscode.NotebookDocument>;
}

/** One server's language service, or why there is none. */
type ServerLanguage = { state: 'starting'; started: Promise<LanguageService | undefined> } | { state: 'ready'; service: LanguageService } | { state: 'absent'; reason: string };

/** A question's document in the language service's terms, and the service that answers it. */
export interface ServedPlace {
  service: LanguageService;
  serverId: string;
  place: DocumentPlace;
}

const cellsOf = (notebook: vscode.NotebookDocument): CellText[] =>
  notebook.getCells().map((c) => ({ index: c.index, text: c.document.getText(), language: c.kind === vscode.NotebookCellKind.Code ? c.document.languageId : 'markdown' }));

/**
 * Which documents the servers' language servers serve, kept in step with the editor: the notebooks
 * that selected one of our kernels (on that kernel's server), and the Python files opened from a
 * server folder (`jupyter-remote://`). Starts a server's language service when its first document
 * opens, and puts its diagnostics on the cells and files.
 */
export class ServedDocuments implements vscode.Disposable {
  private readonly servers = new Map<string, ServerLanguage>();
  private readonly notebooks = new Map<vscode.NotebookDocument, string>();
  private readonly files = new Map<string, { serverId: string; path: string }>();
  /** The cell documents each notebook's diagnostics were put on, to clear them when they go. */
  private readonly diagnosedCells = new Map<string, vscode.Uri[]>();
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('jupyter-remote-language');
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with a server's id when its language service started, stopped or was found absent. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly deps: { connections: ServerConnections; kernels: SelectedKernels; enabled: () => boolean; log: Logger },
  ) {
    this.disposables.push(
      this.diagnostics,
      this.changed,
      deps.kernels.onDidChangeSelection(() => this.reconcile()),
      vscode.workspace.onDidOpenNotebookDocument(() => this.reconcile()),
      vscode.workspace.onDidCloseNotebookDocument(() => this.reconcile()),
      vscode.workspace.onDidOpenTextDocument(() => this.reconcile()),
      vscode.workspace.onDidCloseTextDocument(() => this.reconcile()),
      vscode.workspace.onDidChangeNotebookDocument((e) => {
        if (e.contentChanges.length || e.cellChanges.some((c) => c.document)) this.notebookChanged(e.notebook);
      }),
      // A cell's edits come as a notebook change (above); a file's as a text change.
      vscode.workspace.onDidChangeTextDocument((e) => {
        const file = this.files.get(e.document.uri.toString());
        if (file) this.withService(file.serverId, (s) => s.changeFile(file.path, e.document.getText()));
      }),
      // A server that connects again (or was fixed) is asked again what it offers.
      deps.connections.onDidChange((id) => {
        if (this.servers.get(id)?.state === 'absent') {
          this.servers.delete(id);
          this.reconcile();
        }
      }),
    );
  }

  /** Why a server has no language service, or which it has; undefined when none was needed yet. */
  describe(serverId: string): { ready: true; name: string } | { ready: false; reason: string } | undefined {
    const language = this.servers.get(serverId);
    if (language?.state === 'ready') return { ready: true, name: language.service.offer.displayName };
    if (language?.state === 'absent') return { ready: false, reason: language.reason };
    return undefined;
  }

  /** The language service that answers about a position in this document, if one serves it. */
  placeOf(document: vscode.TextDocument, position: vscode.Position): ServedPlace | undefined {
    const at = { line: position.line, character: position.character };
    if (document.uri.scheme === 'vscode-notebook-cell') {
      for (const [notebook, serverId] of this.notebooks) {
        const cell = notebook.getCells().find((c) => c.document === document);
        const language = this.servers.get(serverId);
        if (cell && language?.state === 'ready') return { service: language.service, serverId, place: { notebook: notebook.uri.toString(), cell: cell.index, position: at } };
      }
      return undefined;
    }
    const file = this.files.get(document.uri.toString());
    const language = file && this.servers.get(file.serverId);
    return file && language?.state === 'ready' ? { service: language.service, serverId: file.serverId, place: { file: file.path, position: at } } : undefined;
  }

  /** The notebook a served key names (the notebook's URI). */
  notebookOf(key: string): vscode.NotebookDocument | undefined {
    return [...this.notebooks.keys()].find((nb) => nb.uri.toString() === key);
  }

  /** Serves what should be served now, and lets go of the rest: the editor's documents, the setting. */
  reconcile(): void {
    const enabled = this.deps.enabled();
    const wanted = new Map<vscode.NotebookDocument, { serverId: string; sessionPath: string }>();
    if (enabled) {
      for (const notebook of vscode.workspace.notebookDocuments) {
        const selection = notebook.notebookType === NOTEBOOK_TYPE && !notebook.isClosed ? this.deps.kernels.selectionOf(notebook) : undefined;
        if (selection) wanted.set(notebook, selection);
      }
    }
    for (const [notebook, serverId] of [...this.notebooks]) {
      if (wanted.get(notebook)?.serverId === serverId) continue;
      this.notebooks.delete(notebook);
      this.withService(serverId, (s) => s.closeNotebook(notebook.uri.toString()));
      this.clearNotebookDiagnostics(notebook.uri.toString());
    }
    for (const [notebook, { serverId, sessionPath }] of wanted) {
      if (this.notebooks.has(notebook)) continue;
      this.notebooks.set(notebook, serverId);
      void this.serviceOf(serverId).then((s) => {
        if (s && this.notebooks.get(notebook) === serverId) s.openNotebook(notebook.uri.toString(), sessionPath, cellsOf(notebook));
      });
    }

    const openFiles = new Map<string, { serverId: string; path: string; document: vscode.TextDocument }>();
    if (enabled) {
      for (const document of vscode.workspace.textDocuments) {
        if (document.uri.scheme !== SERVER_FS_SCHEME || document.languageId !== 'python' || document.isClosed) continue;
        openFiles.set(document.uri.toString(), { ...serverPathOf(document.uri), document });
      }
    }
    for (const [uri, file] of [...this.files]) {
      if (openFiles.has(uri)) continue;
      this.files.delete(uri);
      this.withService(file.serverId, (s) => s.closeFile(file.path));
      this.diagnostics.delete(vscode.Uri.parse(uri));
    }
    for (const [uri, { serverId, path, document }] of openFiles) {
      if (this.files.has(uri)) continue;
      this.files.set(uri, { serverId, path });
      void this.serviceOf(serverId).then((s) => {
        if (s && this.files.get(uri)?.serverId === serverId) s.openFile(path, document.getText());
      });
    }
    if (!enabled) this.stopAll();
  }

  dispose(): void {
    this.stopAll();
    this.disposables.forEach((d) => d.dispose());
  }

  private stopAll(): void {
    for (const [id, language] of this.servers) {
      if (language.state === 'ready') language.service.dispose();
      else if (language.state === 'starting') void language.started.then((s) => s?.dispose());
      this.changed.fire(id);
    }
    this.servers.clear();
    this.diagnostics.clear();
    this.diagnosedCells.clear();
  }

  private notebookChanged(notebook: vscode.NotebookDocument): void {
    const serverId = this.notebooks.get(notebook);
    if (serverId) this.withService(serverId, (s) => s.changeNotebook(notebook.uri.toString(), cellsOf(notebook)));
  }

  private withService(serverId: string, act: (service: LanguageService) => void): void {
    const language = this.servers.get(serverId);
    if (language?.state === 'ready') act(language.service);
  }

  /** The server's language service, started on first need; undefined when the server offers none. */
  private serviceOf(serverId: string): Promise<LanguageService | undefined> {
    const known = this.servers.get(serverId);
    if (known?.state === 'ready') return Promise.resolve(known.service);
    if (known?.state === 'starting') return known.started;
    if (known?.state === 'absent') return Promise.resolve(undefined);
    const started = this.start(serverId);
    this.servers.set(serverId, { state: 'starting', started });
    return started;
  }

  private async start(serverId: string): Promise<LanguageService | undefined> {
    const { log } = this.deps;
    let outcome: ServerLanguage;
    try {
      const session = await this.deps.connections.session(serverId);
      const service = await LanguageService.start(session, { log });
      service.onDiagnostics((u) => this.showDiagnostics(service, u));
      service.onDidChangeState(() => this.changed.fire(serverId));
      log.info(`Language server ${service.offer.displayName} on the server${service.offer.othersConnected ? ' (shared with another client)' : ''}`);
      outcome = { state: 'ready', service };
    } catch (e) {
      const reason = e instanceof LanguageServerAbsentError ? e.message : `Could not reach the server's language server: ${messageOf(e)}`;
      log.info(`No language server: ${reason}`);
      outcome = { state: 'absent', reason };
    }
    // Stopped (the setting turned off) while it started.
    if (this.servers.get(serverId)?.state !== 'starting') {
      if (outcome.state === 'ready') outcome.service.dispose();
      return undefined;
    }
    this.servers.set(serverId, outcome);
    this.changed.fire(serverId);
    return outcome.state === 'ready' ? outcome.service : undefined;
  }

  private showDiagnostics(service: LanguageService, update: DiagnosticsUpdate): void {
    const source = `Jupyter Remote · ${service.offer.displayName}`;
    if ('file' in update) {
      const uri = [...this.files].find(([, f]) => f.path === update.file && this.servers.get(f.serverId)?.state === 'ready')?.[0];
      if (uri) this.diagnostics.set(vscode.Uri.parse(uri), update.diagnostics.map((d) => toDiagnostic(d, source)));
      return;
    }
    const notebook = this.notebookOf(update.notebook);
    this.clearNotebookDiagnostics(update.notebook);
    if (!notebook) return;
    const put: vscode.Uri[] = [];
    for (const [index, found] of update.cells) {
      if (index >= notebook.cellCount || !found.length) continue;
      const uri = notebook.cellAt(index).document.uri;
      this.diagnostics.set(uri, found.map((d) => toDiagnostic(d, source)));
      put.push(uri);
    }
    this.diagnosedCells.set(update.notebook, put);
  }

  private clearNotebookDiagnostics(key: string): void {
    for (const uri of this.diagnosedCells.get(key) ?? []) this.diagnostics.delete(uri);
    this.diagnosedCells.delete(key);
  }
}
