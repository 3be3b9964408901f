import * as vscode from 'vscode';
import type { ServedLocation } from '../../core/language';
import type { Logger } from '../../core/util/logger';
import { messageOf } from '../../core/util/errors';
import { SERVER_FS_SCHEME, serverUri } from '../files';
import { NOTEBOOK_TYPE, signalOf } from '../shared';
import { toCompletionItem, toMarkdown, toRange, toSignatureHelp, toSymbol } from './convert';
import type { ServedDocuments } from './served-documents';
import { serverSourceUri } from './server-source';

/**
 * The language server's answers for a document, or undefined when no language server serves it (or it
 * did not answer): the kernel-assist providers of notebooks ask here first and merge (completions) or
 * fall back on the kernel (hover, signatures), so a cell never gets two hovers for one name.
 */
export interface LanguageAnswers {
  hover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined>;
  signatureHelp(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.SignatureHelp | undefined>;
  completions(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.CompletionItem[] | undefined>;
}

/** A request's answer, or undefined when it failed or was cancelled (a line in the log): typing is never in the way. */
async function quietly<T>(log: Logger, what: string, ask: () => Promise<T | undefined>): Promise<T | undefined> {
  try {
    return await ask();
  } catch (e) {
    log.debug(`language server ${what}: ${messageOf(e)}`);
    return undefined;
  }
}

/** Answers for the documents `served` serves. */
export function languageAnswers(served: ServedDocuments, log: Logger): LanguageAnswers {
  return {
    hover: (document, position, token) =>
      quietly(log, 'hover', async () => {
        const at = served.placeOf(document, position);
        const found = at && (await at.service.hover(at.place, signalOf(token)));
        return found && new vscode.Hover(toMarkdown(found.text), found.range && toRange(found.range));
      }),
    signatureHelp: (document, position, token) =>
      quietly(log, 'signature help', async () => {
        const at = served.placeOf(document, position);
        const found = at && (await at.service.signatureHelp(at.place, signalOf(token)));
        return found && toSignatureHelp(found);
      }),
    completions: (document, position, token) =>
      quietly(log, 'completion', async () => {
        const at = served.placeOf(document, position);
        return at && (await at.service.completions(at.place, signalOf(token))).map(toCompletionItem);
      }),
  };
}

/**
 * Go to Definition, Find References and the outline, for served notebooks' cells and server `.py`
 * files; hover, signature help and completions for the files (the notebooks' come through the kernel
 * assist, with LanguageAnswers). A definition opens where it is: a cell, a file under the server's
 * root (`jupyter-remote://`), or a read-only view of a file outside it; never a local file.
 */
export function registerLanguageProviders(served: ServedDocuments, answers: LanguageAnswers, log: Logger): vscode.Disposable[] {
  const cells: vscode.DocumentFilter = { notebookType: NOTEBOOK_TYPE, language: 'python' };
  const files: vscode.DocumentFilter = { scheme: SERVER_FS_SCHEME, language: 'python' };

  const toLocation = (serverId: string, l: ServedLocation): vscode.Location | undefined => {
    const range = toRange(l.range);
    if (l.kind === 'file') {
      try {
        return new vscode.Location(serverUri(serverId, l.path), range);
      } catch {
        return undefined; // a path that is no server path (it climbs above the root): not a place to open
      }
    }
    if (l.kind === 'outside') return new vscode.Location(serverSourceUri(serverId, l.path), range);
    const notebook = served.notebookOf(l.notebook);
    return notebook && l.cell < notebook.cellCount ? new vscode.Location(notebook.cellAt(l.cell).document.uri, range) : undefined;
  };
  const locations = (ask: 'definition' | 'references', document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken) =>
    quietly(log, ask, async () => {
      const at = served.placeOf(document, position);
      const found = at ? await at.service[ask](at.place, signalOf(token)) : [];
      return found.map((l) => at && toLocation(at.serverId, l)).filter((l): l is vscode.Location => !!l);
    });

  const definitions: vscode.DefinitionProvider = { provideDefinition: (d, p, t) => locations('definition', d, p, t) };
  const references: vscode.ReferenceProvider = { provideReferences: (d, p, _c, t) => locations('references', d, p, t) };
  const symbols: vscode.DocumentSymbolProvider = {
    provideDocumentSymbols: (document, token) =>
      quietly(log, 'symbols', async () => {
        const at = served.placeOf(document, new vscode.Position(0, 0));
        if (!at) return undefined;
        const of = 'file' in at.place ? { file: at.place.file } : { notebook: at.place.notebook, cell: at.place.cell };
        return (await at.service.documentSymbols(of, signalOf(token))).map(toSymbol);
      }),
  };

  return [
    vscode.languages.registerDefinitionProvider([cells, files], definitions),
    vscode.languages.registerReferenceProvider([cells, files], references),
    vscode.languages.registerDocumentSymbolProvider([cells, files], symbols, { label: 'Jupyter Remote' }),
    vscode.languages.registerHoverProvider(files, { provideHover: (d, p, t) => answers.hover(d, p, t) }),
    vscode.languages.registerSignatureHelpProvider(files, { provideSignatureHelp: (d, p, t) => answers.signatureHelp(d, p, t) }, '(', ','),
    vscode.languages.registerCompletionItemProvider(files, { provideCompletionItems: (d, p, t) => answers.completions(d, p, t) }, '.'),
  ];
}
