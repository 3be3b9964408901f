import { randomBytes } from 'node:crypto';
import { normalizeServerPath } from '../api/server-path';
import { diagnosticsOf } from './lsp-answers';
import type { Diagnostic, Position, Range } from './lsp-types';
import type { LanguageServerOffer } from './server-offer';
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

/** What the documents send: notifications on the language server's connection (none while it is down). */
export type Notify = (method: string, params: unknown) => void;

interface OpenNotebook {
  uri: string;
  /** The cells as last sent, or how to read them when the changes are next sent (an edit costs nothing until then). */
  cells: readonly CellText[] | (() => readonly CellText[]);
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

/** The name every client of ours gives a notebook's virtual document ends so: `….jupyter-remote-<tag>-<n>.py`. */
const VIRTUAL_NAME = /\.jupyter-remote-[0-9a-f]+-\d+\.py$/;

/**
 * The documents one client has open on a language server, in the server's terms: their URIs, versions
 * and text (a notebook as its VirtualNotebook), what changed since the server last saw them, and the
 * mapping of the server's answers back to cells and server paths.
 */
export class OpenDocuments {
  private readonly notebooks = new Map<string, OpenNotebook>();
  private readonly files = new Map<string, OpenFile>();
  private readonly tag = randomBytes(3).toString('hex');
  /** Notebooks opened so far: each opening's document has a name of its own (virtualUriOf). */
  private opened = 0;

  constructor(private offer: LanguageServerOffer) {}

  /** A new offer after a reconnect (the same server: the root does not move). */
  setOffer(offer: LanguageServerOffer): void {
    this.offer = offer;
  }

  get isEmpty(): boolean {
    return !this.notebooks.size && !this.files.size;
  }

  openNotebook(key: string, serverPath: string, cells: readonly CellText[], notify: Notify): void {
    this.closeNotebook(key, notify);
    const notebook: OpenNotebook = { uri: this.virtualUriOf(serverPath), cells, document: new VirtualNotebook(cells), version: 1, dirty: false };
    this.notebooks.set(key, notebook);
    sendOpen(notify, notebook.uri, notebook.version, notebook.document.text);
  }

  changeNotebook(key: string, cells: readonly CellText[] | (() => readonly CellText[])): boolean {
    const notebook = this.notebooks.get(key);
    if (!notebook) return false;
    notebook.cells = cells;
    notebook.dirty = true;
    return true;
  }

  /** Closes it; whether it was open. */
  closeNotebook(key: string, notify: Notify): boolean {
    const notebook = this.notebooks.get(key);
    if (!notebook) return false;
    this.notebooks.delete(key);
    notify('textDocument/didClose', { textDocument: { uri: notebook.uri } });
    return true;
  }

  openFile(path: string, text: string, notify: Notify): void {
    const normalized = normalizeServerPath(path);
    this.closeFile(normalized, notify);
    const file: OpenFile = { uri: this.fileUriOf(normalized), text, version: 1, dirty: false };
    this.files.set(normalized, file);
    sendOpen(notify, file.uri, file.version, text);
  }

  changeFile(path: string, text: string): boolean {
    const file = this.files.get(normalizeServerPath(path));
    if (!file) return false;
    file.text = text;
    file.dirty = true;
    return true;
  }

  closeFile(path: string, notify: Notify): boolean {
    const normalized = normalizeServerPath(path);
    const file = this.files.get(normalized);
    if (!file) return false;
    this.files.delete(normalized);
    notify('textDocument/didClose', { textDocument: { uri: file.uri } });
    return true;
  }

  notebookKeys(): string[] {
    return [...this.notebooks.keys()];
  }

  filePaths(): string[] {
    return [...this.files.keys()];
  }

  /** Sends every document whole, as a new version: to a language server that does not know them (after a connect, or another client's `initialize`). */
  reopenAll(notify: Notify): void {
    for (const notebook of this.notebooks.values()) {
      notebook.version++;
      notebook.document = new VirtualNotebook(cellsNow(notebook));
      notebook.dirty = false;
      sendOpen(notify, notebook.uri, notebook.version, notebook.document.text);
    }
    for (const file of this.files.values()) {
      file.version++;
      file.dirty = false;
      sendOpen(notify, file.uri, file.version, file.text);
    }
  }

  /** Sends every changed document's whole text (jupyter-lsp's shadow files take one whole change). */
  sendChanges(notify: Notify): void {
    for (const notebook of this.notebooks.values()) {
      if (!notebook.dirty) continue;
      notebook.dirty = false;
      notebook.document = new VirtualNotebook(cellsNow(notebook));
      notebook.version++;
      notify('textDocument/didChange', { textDocument: { uri: notebook.uri, version: notebook.version }, contentChanges: [{ text: notebook.document.text }] });
    }
    for (const file of this.files.values()) {
      if (!file.dirty) continue;
      file.dirty = false;
      file.version++;
      notify('textDocument/didChange', { textDocument: { uri: file.uri, version: file.version }, contentChanges: [{ text: file.text }] });
    }
  }

  /** A request's document and position (changes must have been sent); undefined when the place is masked or not open. */
  requestTarget(place: DocumentPlace): { textDocument: { uri: string }; position: Position } | undefined {
    if ('file' in place) {
      const file = this.files.get(normalizeServerPath(place.file));
      return file && { textDocument: { uri: file.uri }, position: place.position };
    }
    const notebook = this.notebooks.get(place.notebook);
    const position = notebook?.document.toVirtual(place.cell, place.position);
    return notebook && position && { textDocument: { uri: notebook.uri }, position };
  }

  /** The URI of an open notebook or file, for whole-document requests. */
  uriOf(of: { notebook: string } | { file: string }): string | undefined {
    return 'notebook' in of ? this.notebooks.get(of.notebook)?.uri : this.files.get(normalizeServerPath(of.file))?.uri;
  }

  /** A range of the asked document in the place's own terms (the same cell), or undefined. */
  rangeIn(place: DocumentPlace, range: Range): Range | undefined {
    if ('file' in place) return range;
    const mapped = this.notebooks.get(place.notebook)?.document.rangeFromVirtual(range);
    return mapped?.cell === place.cell ? mapped.range : undefined;
  }

  /** A virtual range of a notebook as a range in one of its cells. */
  cellRangeOf(notebook: string, range: Range): { cell: number; range: Range } | undefined {
    return this.notebooks.get(notebook)?.document.rangeFromVirtual(range);
  }

  /**
   * Locations as the editor can open them. Left out: places in masked text, and documents of other
   * clients (their notebooks' virtual documents, jupyter-lsp's virtual documents folder), which are
   * no files anyone can open.
   */
  toServedLocations(locations: { uri: string; range: Range }[]): ServedLocation[] {
    const out: ServedLocation[] = [];
    const root = pathOfFileUri(this.offer.rootUri) ?? '';
    const virtualFolder = pathOfFileUri(this.offer.virtualDocumentsUri);
    for (const { uri, range } of locations) {
      const notebook = [...this.notebooks.entries()].find(([, n]) => sameUri(n.uri, uri));
      if (notebook) {
        const mapped = notebook[1].document.rangeFromVirtual(range);
        if (mapped) out.push({ kind: 'cell', notebook: notebook[0], cell: mapped.cell, range: mapped.range });
        continue;
      }
      const path = pathOfFileUri(uri);
      if (path === undefined || VIRTUAL_NAME.test(path) || (virtualFolder && path.startsWith(`${virtualFolder}/`))) continue;
      if (path.startsWith(`${root}/`)) out.push({ kind: 'file', path: path.slice(root.length + 1), range });
      else out.push({ kind: 'outside', path, range });
    }
    return out;
  }

  /**
   * A `textDocument/publishDiagnostics` in our terms: per cell of a notebook, or for a file; undefined
   * when it is not about one of ours, or about text we have changed since (a publish for the new text
   * comes next).
   */
  diagnosticsUpdateOf(params: unknown): DiagnosticsUpdate | undefined {
    const published = diagnosticsOf(params);
    if (!published) return undefined;
    for (const [key, notebook] of this.notebooks) {
      if (!sameUri(notebook.uri, published.uri)) continue;
      if (notebook.dirty || (published.version !== undefined && published.version !== notebook.version)) return undefined;
      const cells = new Map<number, Diagnostic[]>(notebook.document.cells.map((c) => [c, []]));
      for (const d of published.diagnostics) {
        const mapped = notebook.document.rangeFromVirtual(d.range);
        if (!mapped) continue;
        // A cell's last expression (ending on its last line of code) is its result, shown below it: not an unused value.
        if (d.code === 'reportUnusedExpression' && notebook.document.isLastLineOf(mapped.cell, mapped.range.end.line)) continue;
        cells.get(mapped.cell)?.push({ ...d, range: mapped.range });
      }
      return { notebook: key, cells };
    }
    for (const [path, file] of this.files) {
      // A file's URI is the file's own, shared with other clients that open it: their versions are
      // theirs, so only our own unsent edits make a publish stale.
      if (sameUri(file.uri, published.uri)) return file.dirty ? undefined : { file: path, diagnostics: published.diagnostics };
    }
    return undefined;
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
    return this.offer.documentsOnDisk ? `${this.offer.virtualDocumentsUri}/${encodePathForUri(name)}` : this.fileUriOf(name);
  }

  private fileUriOf(path: string): string {
    return `${this.offer.rootUri}/${encodePathForUri(normalizeServerPath(path))}`;
  }
}

/** A notebook's cells, read now if they were given as a way to read them. */
function cellsNow(notebook: OpenNotebook): readonly CellText[] {
  if (typeof notebook.cells === 'function') notebook.cells = notebook.cells();
  return notebook.cells;
}

function sendOpen(notify: Notify, uri: string, version: number, text: string): void {
  notify('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version, text } });
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
