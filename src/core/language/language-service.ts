import type { HttpSession } from '../http';
import { Emitter, type Disposable } from '../util/events';
import { Logger, nullLogger } from '../util/logger';
import { messageOf } from '../util/errors';
import { LanguageConnection, LanguageServerError } from './language-connection';
import { completionsOf, hoverOf, locationsOf, signatureHelpOf, symbolsOf } from './lsp-answers';
import type { CompletionEntry, DocumentSymbol, HoverText, Range, SignatureHelp } from './lsp-types';
import { OpenDocuments, type DiagnosticsUpdate, type DocumentPlace, type ServedLocation } from './open-documents';
import { languageServerOffer, type LanguageServerOffer } from './server-offer';
import type { CellText } from './virtual-notebook';

export type { DiagnosticsUpdate, DocumentPlace, ServedLocation } from './open-documents';

export type LanguageServiceState = 'connecting' | 'ready' | 'reconnecting' | 'closed';

/** What we ask the language server to send: the forms the answers are read in (lsp-answers.ts). The bench's plain client asks the same. */
export const LSP_CLIENT_CAPABILITIES = {
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
/** A question from the editor that takes longer than this has no answer (the person has moved on). */
const REQUEST_TIMEOUT_MS = 10000;
/** How long an already-started language server may take to answer before we take it for a new one that needs `initialize`. */
const PROBE_TIMEOUT_MS = 3000;

/**
 * The language features of one Jupyter server's language server (jupyter-lsp), for the notebooks and
 * files of one client: its documents (OpenDocuments) kept in step, answers mapped back to cells and
 * server paths, the connection kept up.
 *
 * Several clients share the language server process: we send `initialize` only to one nobody has
 * initialized, reopen our documents when another client's `initialize` made the server forget them, and
 * never stop the process (jupyter-lsp does, when its last client leaves).
 */
export class LanguageService implements Disposable {
  private connection: LanguageConnection | undefined;
  private readonly documents: OpenDocuments;
  private changeTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnects = 0;
  private disposed = false;
  private currentState: LanguageServiceState = 'connecting';
  private readonly diagnosticsEmitter = new Emitter<DiagnosticsUpdate>();
  readonly onDiagnostics = this.diagnosticsEmitter.event;
  private readonly stateEmitter = new Emitter<LanguageServiceState>();
  readonly onDidChangeState = this.stateEmitter.event;
  /** Notifications go to the connection there is, and nowhere while there is none (a reconnect sends everything). */
  private readonly notify = (method: string, params: unknown) => this.connection?.notify(method, params);

  private constructor(
    private readonly session: HttpSession,
    private currentOffer: LanguageServerOffer,
    private readonly log: Logger,
  ) {
    this.documents = new OpenDocuments(currentOffer);
  }

  /** Connects to the server's Python language server; LanguageServerAbsentError when it has none. */
  static async start(session: HttpSession, options: { log?: Logger; signal?: AbortSignal } = {}): Promise<LanguageService> {
    const offer = await languageServerOffer(session, options.signal);
    const service = new LanguageService(session, offer, options.log ?? nullLogger);
    await service.connect(offer);
    return service;
  }

  get offer(): LanguageServerOffer {
    return this.currentOffer;
  }

  get state(): LanguageServiceState {
    return this.currentState;
  }

  /** Whether it has no document open. */
  get isIdle(): boolean {
    return this.documents.isEmpty;
  }

  /** Opens a notebook (its path on the server, `key` the caller's name for it) with its cells now. */
  openNotebook(key: string, serverPath: string, cells: readonly CellText[]): void {
    this.documents.openNotebook(key, serverPath, cells, this.notify);
  }

  /** The notebook's cells changed (an edit, a cell added, moved or removed): its cells, or how to read them when the change is sent. */
  changeNotebook(key: string, cells: readonly CellText[] | (() => readonly CellText[])): void {
    if (this.documents.changeNotebook(key, cells)) this.changeSoon();
  }

  closeNotebook(key: string): void {
    if (this.documents.closeNotebook(key, this.notify)) this.diagnosticsEmitter.fire({ notebook: key, cells: new Map() });
  }

  /** Opens a file under the server's root, with the text the editor has. */
  openFile(path: string, text: string): void {
    this.documents.openFile(path, text, this.notify);
  }

  changeFile(path: string, text: string): void {
    if (this.documents.changeFile(path, text)) this.changeSoon();
  }

  closeFile(path: string): void {
    if (this.documents.closeFile(path, this.notify)) this.diagnosticsEmitter.fire({ file: path, diagnostics: [] });
  }

  async hover(place: DocumentPlace, signal?: AbortSignal): Promise<{ text: HoverText; range?: Range } | undefined> {
    const target = this.requestTarget(place);
    if (!target) return undefined;
    const found = hoverOf(await this.request('textDocument/hover', target, signal));
    if (!found) return undefined;
    const range = found.range && this.documents.rangeIn(place, found.range);
    return range ? { text: found.text, range } : { text: found.text };
  }

  async definition(place: DocumentPlace, signal?: AbortSignal): Promise<ServedLocation[]> {
    const target = this.requestTarget(place);
    return target ? this.documents.toServedLocations(locationsOf(await this.request('textDocument/definition', target, signal))) : [];
  }

  async references(place: DocumentPlace, signal?: AbortSignal): Promise<ServedLocation[]> {
    const target = this.requestTarget(place);
    if (!target) return [];
    return this.documents.toServedLocations(locationsOf(await this.request('textDocument/references', { ...target, context: { includeDeclaration: true } }, signal)));
  }

  async signatureHelp(place: DocumentPlace, signal?: AbortSignal): Promise<SignatureHelp | undefined> {
    const target = this.requestTarget(place);
    return target ? signatureHelpOf(await this.request('textDocument/signatureHelp', target, signal)) : undefined;
  }

  /** Completions at the place; each range, when the server gave one, in the cell's (or file's) terms. */
  async completions(place: DocumentPlace, signal?: AbortSignal): Promise<CompletionEntry[]> {
    const target = this.requestTarget(place);
    if (!target) return [];
    const entries = completionsOf(await this.request('textDocument/completion', target, signal));
    return entries.map(({ range, ...rest }) => {
      const mapped = range && this.documents.rangeIn(place, range);
      return mapped ? { ...rest, range: mapped } : rest;
    });
  }

  /** The symbols of a file, or of one cell of a notebook (those defined in it, in its terms). */
  async documentSymbols(of: { notebook: string; cell: number } | { file: string }, signal?: AbortSignal): Promise<DocumentSymbol[]> {
    this.sendChanges();
    const uri = this.documents.uriOf(of);
    if (!uri) return [];
    const symbols = symbolsOf(await this.request('textDocument/documentSymbol', { textDocument: { uri } }, signal));
    if (!('notebook' in of)) return symbols;
    const inCell = (s: DocumentSymbol): DocumentSymbol | undefined => {
      const range = this.documents.cellRangeOf(of.notebook, s.range);
      const selection = this.documents.cellRangeOf(of.notebook, s.selectionRange);
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
    for (const key of this.documents.notebookKeys()) this.closeNotebook(key);
    for (const path of this.documents.filePaths()) this.closeFile(path);
    this.connection?.close();
    this.connection = undefined;
    this.setState('closed');
    this.diagnosticsEmitter.dispose();
    this.stateEmitter.dispose();
  }

  private async connect(offer: LanguageServerOffer): Promise<void> {
    const connection = await LanguageConnection.open(this.session, offer.name, { log: this.log });
    try {
      if (this.disposed) throw new LanguageServerError('The language service was closed while it connected.');
      connection.onNotification(({ method, params }) => {
        if (method === 'textDocument/publishDiagnostics') {
          const update = this.documents.diagnosticsUpdateOf(params);
          if (update) this.diagnosticsEmitter.fire(update);
        } else if (method === 'window/logMessage' || method === 'window/showMessage') {
          this.log.debug(`language server: ${String((params as { message?: unknown })?.message ?? '')}`);
        }
      });
      // Another client's `initialize` makes the server forget every open document (pyright answers
      // null about them until they are opened again): send ours again.
      connection.onOthersInitialized(() => {
        if (connection !== this.connection) return;
        this.log.debug('language server: another client initialized it; our documents are sent again');
        this.documents.reopenAll(this.notify);
      });
      // A language server that another client started is initialized already, and a second `initialize`
      // resets its open documents. But the client that started it may have left since we looked, and
      // jupyter-lsp then started a new process for us, which answers nothing until it is initialized.
      if (!offer.othersConnected || !(await answersAlready(connection, offer))) {
        await connection.request('initialize', {
          processId: null,
          clientInfo: { name: 'jupyter-remote' },
          rootUri: offer.rootUri,
          workspaceFolders: [{ uri: offer.rootUri, name: 'root' }],
          capabilities: LSP_CLIENT_CAPABILITIES,
        }, { timeoutMs: 60000 });
        connection.notify('initialized', {});
        connection.initializedByUs = true;
      }
      if (this.disposed) throw new LanguageServerError('The language service was closed while it connected.');
    } catch (e) {
      connection.close();
      throw e;
    }
    connection.onClose((why) => {
      if (why === 'dropped' && connection === this.connection && !this.disposed) this.reconnectSoon();
    });
    this.connection = connection;
    this.reconnects = 0;
    this.documents.reopenAll(this.notify);
    this.setState('ready');
  }

  private reconnectSoon(): void {
    this.connection = undefined;
    this.setState('reconnecting');
    const delay = RECONNECT_DELAYS_MS[Math.min(this.reconnects++, RECONNECT_DELAYS_MS.length - 1)];
    this.reconnectTimer = setTimeout(() => {
      languageServerOffer(this.session)
        .then((offer) => {
          this.currentOffer = offer;
          this.documents.setOffer(offer);
          return this.connect(offer);
        })
        .catch((e: unknown) => {
          this.log.debug(`language server: reconnect failed: ${messageOf(e)}`);
          if (!this.disposed) this.reconnectSoon();
        });
    }, delay);
  }

  private setState(state: LanguageServiceState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.stateEmitter.fire(state);
  }

  private async request(method: string, params: unknown, signal?: AbortSignal): Promise<unknown> {
    const connection = this.connection;
    if (!connection) throw new LanguageServerError(`The language server is ${this.currentState === 'closed' ? 'closed' : 'reconnecting'}.`);
    return connection.request(method, params, { signal, timeoutMs: REQUEST_TIMEOUT_MS });
  }

  /** The request's document and position, with pending edits sent first; undefined when the place is masked. */
  private requestTarget(place: DocumentPlace) {
    this.sendChanges();
    return this.documents.requestTarget(place);
  }

  private changeSoon(): void {
    this.changeTimer ??= setTimeout(() => this.sendChanges(), CHANGE_DELAY_MS);
  }

  private sendChanges(): void {
    clearTimeout(this.changeTimer);
    this.changeTimer = undefined;
    this.documents.sendChanges(this.notify);
  }
}

/** Whether the language server answers a question at once (it is initialized); one that was never initialized does not answer. */
async function answersAlready(connection: LanguageConnection, offer: LanguageServerOffer): Promise<boolean> {
  try {
    await connection.request('textDocument/hover', { textDocument: { uri: `${offer.rootUri}/.jupyter-remote-probe.py` }, position: { line: 0, character: 0 } }, { timeoutMs: PROBE_TIMEOUT_MS });
    return true;
  } catch (e) {
    return e instanceof LanguageServerError && e.code !== undefined; // an error answer is an answer
  }
}
