import { randomBytes } from 'node:crypto';
import type { HttpSession } from '../http';
import { normalizeServerPath } from '../api/server-path';
import { Emitter, type Disposable } from '../util/events';
import { Logger, nullLogger } from '../util/logger';
import { messageOf } from '../util/errors';
import { LanguageConnection, LanguageServerError, SERVER_NOT_INITIALIZED } from './language-connection';
import { completionsOf, hoverOf, locationsOf, signatureHelpOf, symbolsOf, diagnosticsOf } from './lsp-answers';
import type { CompletionEntry, Diagnostic, DocumentSymbol, HoverText, Position, Range, SignatureHelp } from './lsp-types';
import { languageServerOffer, type LanguageServerOffer } from './server-offer';
import { VirtualNotebook, type CellText } from './virtual-notebook';

/** Where a question is asked: a cell of an open notebook, or an open file, by its path under the root. */
export type DocumentPlace = { notebook: string; cell: number; position: Position } | { file: string; position: Position };

/** An answer's place, as the editor can open it. */
export type ServedLocation =
  | { kind: 'cell'; notebook: string; cell: number; range: Range }
  /** A file under the server's root, by its path there. */
  | { kind: 'file'; path: string; range: Range }
  /** A file elsewhere on the server's machine (site-packages, the standard library), by its absolute path. */
  | { kind: 'outside'; path: string; range: Range };

export type DiagnosticsUpdate = { notebook: string; cells: Map<number, Diagnostic[]> } | { file: string; diagnostics: Diagnostic[] };

export type LanguageServiceState = 'connecting' | 'ready' | 'reconnecting' | 'closed';

interface OpenNotebook {
  uri: string;
  cells: readonly CellText[];
  document: VirtualNotebook;
  version: number;
  /** Cells changed since the language server last saw them. */
  dirty: boolean;
}

interface OpenFile {
  uri: string;
  text: string;
  version: number;
  dirty: boolean;
}

/** What we ask the language server to send: the forms the answers are read in (lsp-answers.ts). */
const CLIENT_CAPABILITIES = {
  textDocument: {
    synchronization: { didSave: false, dynamicRegistration: false },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    completion: { completionItem: { documentationFormat: ['markdown', 'plaintext'], snippetSupport: false }, contextSupport: true },
    signatureHelp: { signatureInformation: { documentationFormat: ['markdown', 'plaintext'], parameterInformation: { labelOffsetSupport: true } } },
    definition: { linkSupport: true },
    references: {},
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
    publishDiagnostics: { tagSupport: { valueSet: [1, 2] }, versionSupport: true },
  },
  workspace: { configuration: true, workspaceFolders: true },
};

/** How long edits gather before the language server sees them (a request sends them at once). */
const CHANGE_DELAY_MS = 150;
const RECONNECT_DELAYS_MS = [1000, 2000, 4000, 8000, 15000, 30000];

/**
 * The language features of one Jupyter server's language server (jupyter-lsp), for the notebooks and
 * files of one client: documents opened, kept in step and closed; answers mapped back to cells and
 * server paths. Notebooks are sent as one virtual Python document each (VirtualNotebook). Reconnects
 * when the connection drops, and opens its documents again.
 *
 * Several clients share the language server: our documents have names of our own (a notebook's
 * virtual document carries this service's tag), the diagnostics of other clients' documents are not
 * ours, and nothing here stops the language server.
 */
export class LanguageService implements Disposable {
  private connection: LanguageConnection | undefined;
  private readonly notebooks = new Map<string, OpenNotebook>();
  private readonly files = new Map<string, OpenFile>();
  private readonly tag = randomBytes(3).toString('hex');
  /** Notebooks opened so far: each opening's document has a name of its own (below). */
  private opened = 0;
  private changeTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnects = 0;
  private disposed = false;
  private initializing: Promise<void> | undefined;
  private stateNow: LanguageServiceState = 'connecting';
  private readonly diagnosticsEmitter = new Emitter<DiagnosticsUpdate>();
  readonly onDiagnostics = this.diagnosticsEmitter.event;
  private readonly stateEmitter = new Emitter<LanguageServiceState>();
  readonly onDidChangeState = this.stateEmitter.event;

  private constructor(
    private readonly session: HttpSession,
    private offerNow: LanguageServerOffer,
    private readonly log: Logger,
  ) {}

  /** Connects to the server's Python language server; LanguageServerAbsentError when it has none. */
  static async start(session: HttpSession, options: { log?: Logger; signal?: AbortSignal } = {}): Promise<LanguageService> {
    const offer = await languageServerOffer(session, options.signal);
    const service = new LanguageService(session, offer, options.log ?? nullLogger);
    await service.connect(offer);
    return service;
  }

  get offer(): LanguageServerOffer {
    return this.offerNow;
  }

  get state(): LanguageServiceState {
    return this.stateNow;
  }

  /** Opens a notebook (its path on the server, `key` the caller's name for it) with its cells now. */
  openNotebook(key: string, serverPath: string, cells: readonly CellText[]): void {
    this.closeNotebook(key);
    const notebook: OpenNotebook = { uri: this.virtualUriOf(serverPath), cells, document: new VirtualNotebook(cells), version: 1, dirty: false };
    this.notebooks.set(key, notebook);
    this.connection?.notify('textDocument/didOpen', { textDocument: { uri: notebook.uri, languageId: 'python', version: notebook.version, text: notebook.document.text } });
  }

  /** The notebook's cells changed (an edit, a cell added, moved or removed). */
  changeNotebook(key: string, cells: readonly CellText[]): void {
    const notebook = this.notebooks.get(key);
    if (!notebook) return;
    notebook.cells = cells;
    notebook.dirty = true;
    this.changeSoon();
  }

  closeNotebook(key: string): void {
    const notebook = this.notebooks.get(key);
    if (!notebook) return;
    this.notebooks.delete(key);
    this.connection?.notify('textDocument/didClose', { textDocument: { uri: notebook.uri } });
    this.diagnosticsEmitter.fire({ notebook: key, cells: new Map() });
  }

  /** Opens a file under the server's root, with the text the editor has. */
  openFile(path: string, text: string): void {
    const normalized = normalizeServerPath(path);
    this.closeFile(normalized);
    const file: OpenFile = { uri: this.fileUriOf(normalized), text, version: 1, dirty: false };
    this.files.set(normalized, file);
    this.connection?.notify('textDocument/didOpen', { textDocument: { uri: file.uri, languageId: 'python', version: file.version, text } });
  }

  changeFile(path: string, text: string): void {
    const file = this.files.get(normalizeServerPath(path));
    if (!file) return;
    file.text = text;
    file.dirty = true;
    this.changeSoon();
  }

  closeFile(path: string): void {
    const normalized = normalizeServerPath(path);
    const file = this.files.get(normalized);
    if (!file) return;
    this.files.delete(normalized);
    this.connection?.notify('textDocument/didClose', { textDocument: { uri: file.uri } });
    this.diagnosticsEmitter.fire({ file: normalized, diagnostics: [] });
  }

  async hover(place: DocumentPlace, signal?: AbortSignal): Promise<{ text: HoverText; range?: Range } | undefined> {
    const asked = this.ask(place);
    if (!asked) return undefined;
    const found = hoverOf(await this.request('textDocument/hover', asked.params, signal));
    if (!found) return undefined;
    const range = found.range && this.rangeIn(place, found.range);
    return range ? { text: found.text, range } : { text: found.text };
  }

  async definition(place: DocumentPlace, signal?: AbortSignal): Promise<ServedLocation[]> {
    const asked = this.ask(place);
    if (!asked) return [];
    return this.served(locationsOf(await this.request('textDocument/definition', asked.params, signal)));
  }

  async references(place: DocumentPlace, signal?: AbortSignal): Promise<ServedLocation[]> {
    const asked = this.ask(place);
    if (!asked) return [];
    return this.served(locationsOf(await this.request('textDocument/references', { ...asked.params, context: { includeDeclaration: true } }, signal)));
  }

  async signatureHelp(place: DocumentPlace, signal?: AbortSignal): Promise<SignatureHelp | undefined> {
    const asked = this.ask(place);
    return asked ? signatureHelpOf(await this.request('textDocument/signatureHelp', asked.params, signal)) : undefined;
  }

  /** Completions at the place; each range, when the server gave one, in the cell's (or file's) terms. */
  async completions(place: DocumentPlace, signal?: AbortSignal): Promise<CompletionEntry[]> {
    const asked = this.ask(place);
    if (!asked) return [];
    const entries = completionsOf(await this.request('textDocument/completion', asked.params, signal));
    return entries.map((e) => {
      const range = e.range && this.rangeIn(place, e.range);
      const { range: _dropped, ...rest } = e;
      return range ? { ...rest, range } : rest;
    });
  }

  /** The symbols of a file, or of one cell of a notebook (those defined in it, in its terms). */
  async documentSymbols(of: { notebook: string; cell: number } | { file: string }, signal?: AbortSignal): Promise<DocumentSymbol[]> {
    const uri = 'notebook' in of ? this.notebooks.get(of.notebook)?.uri : this.files.get(normalizeServerPath(of.file))?.uri;
    if (!uri) return [];
    this.sendChanges();
    const symbols = symbolsOf(await this.request('textDocument/documentSymbol', { textDocument: { uri } }, signal));
    if (!('notebook' in of)) return symbols;
    const document = this.notebooks.get(of.notebook)?.document;
    const inCell = (s: DocumentSymbol): DocumentSymbol | undefined => {
      const range = document?.rangeFromVirtual(s.range);
      const selection = document?.rangeFromVirtual(s.selectionRange);
      if (range?.cell !== of.cell || selection?.cell !== of.cell) return undefined;
      return { ...s, range: range.range, selectionRange: selection.range, children: s.children.map(inCell).filter((c): c is DocumentSymbol => !!c) };
    };
    return symbols.map(inCell).filter((s): s is DocumentSymbol => !!s);
  }

  /** Leaves the language server: closes our documents and the connection (the server goes on for others). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.changeTimer);
    clearTimeout(this.reconnectTimer);
    for (const key of [...this.notebooks.keys()]) this.closeNotebook(key);
    for (const path of [...this.files.keys()]) this.closeFile(path);
    this.connection?.close();
    this.setState('closed');
    this.diagnosticsEmitter.dispose();
    this.stateEmitter.dispose();
  }

  private async connect(offer: LanguageServerOffer): Promise<void> {
    const connection = await LanguageConnection.open(this.session, offer.name, { log: this.log });
    if (this.disposed) {
      connection.close();
      return;
    }
    connection.onNotification(({ method, params }) => {
      if (method === 'textDocument/publishDiagnostics') this.receiveDiagnostics(params);
      else if (method === 'window/logMessage' || method === 'window/showMessage') this.log.debug(`language server: ${String((params as { message?: unknown })?.message ?? '')}`);
    });
    connection.onClose((why) => {
      if (why === 'dropped' && !this.disposed) this.reconnectSoon();
    });
    // A language server that another client started is initialized already: a second `initialize`
    // resets some servers' open documents (pylsp) and others' client settings (pyright).
    if (!offer.othersConnected) await this.initialize(connection);
    this.connection = connection;
    this.reconnects = 0;
    this.openAll(connection);
    this.setState('ready');
  }

  private async initialize(connection: LanguageConnection): Promise<void> {
    await connection.request('initialize', {
      processId: null,
      clientInfo: { name: 'jupyter-remote' },
      rootUri: this.offerNow.rootUri,
      workspaceFolders: [{ uri: this.offerNow.rootUri, name: 'root' }],
      capabilities: CLIENT_CAPABILITIES,
    }, { timeoutMs: 60000 });
    connection.notify('initialized', {});
  }

  /** Sends every open document whole, as new versions (after a connect, or an initialize). */
  private openAll(connection: LanguageConnection): void {
    for (const notebook of this.notebooks.values()) {
      notebook.version++;
      notebook.document = new VirtualNotebook(notebook.cells);
      notebook.dirty = false;
      connection.notify('textDocument/didOpen', { textDocument: { uri: notebook.uri, languageId: 'python', version: notebook.version, text: notebook.document.text } });
    }
    for (const file of this.files.values()) {
      file.version++;
      file.dirty = false;
      connection.notify('textDocument/didOpen', { textDocument: { uri: file.uri, languageId: 'python', version: file.version, text: file.text } });
    }
  }

  private reconnectSoon(): void {
    this.connection = undefined;
    this.setState('reconnecting');
    const delay = RECONNECT_DELAYS_MS[Math.min(this.reconnects++, RECONNECT_DELAYS_MS.length - 1)];
    this.reconnectTimer = setTimeout(() => {
      languageServerOffer(this.session)
        .then((offer) => {
          this.offerNow = offer;
          return this.connect(offer);
        })
        .catch((e: unknown) => {
          this.log.debug(`language server: reconnect failed: ${messageOf(e)}`);
          if (!this.disposed) this.reconnectSoon();
        });
    }, delay);
  }

  private setState(state: LanguageServiceState): void {
    if (state === this.stateNow) return;
    this.stateNow = state;
    this.stateEmitter.fire(state);
  }

  private async request(method: string, params: unknown, signal?: AbortSignal): Promise<unknown> {
    const connection = this.connection;
    if (!connection) throw new LanguageServerError(`The language server is ${this.stateNow === 'closed' ? 'closed' : 'reconnecting'}.`);
    try {
      return await connection.request(method, params, { signal });
    } catch (e) {
      // The client that had started it left between our look at lsp/status and our connect: jupyter-lsp
      // stopped that process and started a new one for us, which needs initializing (and our documents).
      if (!(e instanceof LanguageServerError) || e.code !== SERVER_NOT_INITIALIZED || connection !== this.connection) throw e;
      this.initializing ??= this.initialize(connection).then(() => this.openAll(connection)).finally(() => (this.initializing = undefined));
      await this.initializing;
      return connection.request(method, params, { signal });
    }
  }

  /** The request's document and position, with pending edits sent first; undefined when the place is masked. */
  private ask(place: DocumentPlace): { params: { textDocument: { uri: string }; position: Position } } | undefined {
    this.sendChanges();
    if ('file' in place) {
      const file = this.files.get(normalizeServerPath(place.file));
      return file ? { params: { textDocument: { uri: file.uri }, position: place.position } } : undefined;
    }
    const notebook = this.notebooks.get(place.notebook);
    const position = notebook?.document.toVirtual(place.cell, place.position);
    return notebook && position ? { params: { textDocument: { uri: notebook.uri }, position } } : undefined;
  }

  /** A range of the asked document in the place's own terms (the same cell), or undefined. */
  private rangeIn(place: DocumentPlace, range: Range): Range | undefined {
    if ('file' in place) return range;
    const mapped = this.notebooks.get(place.notebook)?.document.rangeFromVirtual(range);
    return mapped?.cell === place.cell ? mapped.range : undefined;
  }

  private served(locations: { uri: string; range: Range }[]): ServedLocation[] {
    const out: ServedLocation[] = [];
    for (const { uri, range } of locations) {
      const notebook = [...this.notebooks.entries()].find(([, n]) => sameUri(n.uri, uri));
      if (notebook) {
        const mapped = notebook[1].document.rangeFromVirtual(range);
        if (mapped) out.push({ kind: 'cell', notebook: notebook[0], cell: mapped.cell, range: mapped.range });
        continue;
      }
      const path = pathOfFileUri(uri);
      if (path === undefined) continue;
      const root = pathOfFileUri(this.offerNow.rootUri) ?? '';
      if (path.startsWith(`${root}/`)) out.push({ kind: 'file', path: path.slice(root.length + 1), range });
      else out.push({ kind: 'outside', path, range });
    }
    return out;
  }

  private receiveDiagnostics(params: unknown): void {
    const published = diagnosticsOf(params);
    if (!published) return;
    for (const [key, notebook] of this.notebooks) {
      if (!sameUri(notebook.uri, published.uri)) continue;
      // Computed for text we have changed since: the next publish is for the new text.
      if (published.version !== undefined && published.version !== notebook.version) return;
      const cells = new Map<number, Diagnostic[]>(notebook.document.cells.map((c) => [c, []]));
      for (const d of published.diagnostics) {
        const mapped = notebook.document.rangeFromVirtual(d.range);
        if (!mapped) continue;
        // A cell's last expression (ending on its last line of code) is its result, shown below it: not an unused value.
        if (d.code === 'reportUnusedExpression' && notebook.document.isLastLineOf(mapped.cell, mapped.range.end.line)) continue;
        cells.get(mapped.cell)?.push({ ...d, range: mapped.range });
      }
      this.diagnosticsEmitter.fire({ notebook: key, cells });
      return;
    }
    for (const [path, file] of this.files) {
      if (!sameUri(file.uri, published.uri)) continue;
      if (published.version !== undefined && published.version !== file.version) return;
      this.diagnosticsEmitter.fire({ file: path, diagnostics: published.diagnostics });
      return;
    }
  }

  private changeSoon(): void {
    this.changeTimer ??= setTimeout(() => this.sendChanges(), CHANGE_DELAY_MS);
  }

  /** Sends every changed document's whole text (jupyter-lsp's shadow files take one whole change). */
  private sendChanges(): void {
    clearTimeout(this.changeTimer);
    this.changeTimer = undefined;
    const connection = this.connection;
    for (const notebook of this.notebooks.values()) {
      if (!notebook.dirty) continue;
      notebook.dirty = false;
      notebook.document = new VirtualNotebook(notebook.cells);
      notebook.version++;
      connection?.notify('textDocument/didChange', { textDocument: { uri: notebook.uri, version: notebook.version }, contentChanges: [{ text: notebook.document.text }] });
    }
    for (const file of this.files.values()) {
      if (!file.dirty) continue;
      file.dirty = false;
      file.version++;
      connection?.notify('textDocument/didChange', { textDocument: { uri: file.uri, version: file.version }, contentChanges: [{ text: file.text }] });
    }
  }

  /**
   * A notebook's virtual document. Beside the notebook when the language server takes documents from
   * the client (pyright): imports then resolve from the notebook's folder, as the kernel's do. Under
   * jupyter-lsp's virtual documents folder when it reads them from disk (jupyter-lsp writes them there).
   * Named with this client's tag, so two windows on one notebook never edit each other's document, and
   * with the opening's number, so the language server's late word on a closed one (an empty publish)
   * is not taken for the notebook opened again.
   */
  private virtualUriOf(serverPath: string): string {
    const name = `${normalizeServerPath(serverPath)}.jupyter-remote-${this.tag}-${++this.opened}.py`;
    return this.offerNow.documentsOnDisk ? `${this.offerNow.virtualDocumentsUri}/${encodePathForUri(name)}` : this.fileUriOf(name);
  }

  private fileUriOf(path: string): string {
    return `${this.offerNow.rootUri}/${encodePathForUri(normalizeServerPath(path))}`;
  }
}

function encodePathForUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** The decoded path of a `file:` URI, or undefined for any other URI. */
export function pathOfFileUri(uri: string): string | undefined {
  try {
    const url = new URL(uri);
    return url.protocol === 'file:' ? decodeURIComponent(url.pathname).replace(/\/+$/, '') : undefined;
  } catch {
    return undefined;
  }
}

/** Two `file:` URIs name the same file (servers encode characters differently: `%3A`, `%20`). */
function sameUri(a: string, b: string): boolean {
  return a === b || (pathOfFileUri(a) ?? a) === (pathOfFileUri(b) ?? b);
}
