// The server's language server in VS Code (issue 27): absent on Debian's stack, and why; on today's,
// problems on the cells, hover, completions merged with the kernel's without twins, a definition outside
// the root opened read-only, and the setting turned off and on.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, connectTodaysServer, EXTENSION_ID, runCells, until, workspace, writeNotebook } from './shared';

const SOURCE = 'Jupyter Remote · pyright';

async function openWithKernel(file: string, cells: string[], serverId: string): Promise<vscode.NotebookDocument> {
  const notebook = await vscode.workspace.openNotebookDocument(writeNotebook(path.join(workspace, file), cells));
  await vscode.window.showNotebookDocument(notebook);
  await vscode.commands.executeCommand('notebook.selectKernel', { id: `jupyterRemote.${serverId}.spec.python3`, extension: EXTENSION_ID });
  return notebook;
}

const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
const labels = (items: vscode.CompletionList) => items.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));

/** On the server connected by serverConnectTests (Debian's stack: no jupyter-lsp). */
export function languageAbsentTests(): void {
  it('a notebook on a server without jupyter-lsp gets no language server, and the server menu can say why in one line', async () => {
    const [record] = api.store.list();
    const notebook = await openWithKernel('no-language-server.ipynb', ['print(undefined_here)'], record.id);
    const state = await until('the language feature to have asked the server', () => api.language.describe(record.id));
    assert.deepEqual(state, { ready: false, reason: 'This server has no jupyter-lsp, so it runs no language server (it comes with JupyterLab 4: pip install jupyterlab there).' });
    assert.deepEqual(ours(notebook.cellAt(0).document.uri), []);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
}

/** Connects the server of today's stack (pyright through jupyter-lsp) for the group, and removes it after. */
export function languageTests(): void {
  let serverId: string;
  before(async () => {
    serverId = await connectTodaysServer();
  });
  after(async () => {
    await vscode.workspace.getConfiguration('jupyterRemote').update('languageServer', undefined, vscode.ConfigurationTarget.Global);
    if (serverId) await api.store.remove(serverId);
  });

  it("serves a notebook on today's server: problems, hover, merged completions, a read-only definition outside the root; off clears it", async () => {
    const notebook = await openWithKernel('language.ipynb', ['import json\njson.dumps({})', 'print(undefined_in_ext)', 'json.'], serverId);
    const [first, second, third] = notebook.getCells().map((c) => c.document);
    const problems = await until('the undefined name flagged', () => ours(second.uri).length > 0 && ours(second.uri), 60000);
    assert.deepEqual(problems.map((d) => [d.range.start.line, d.range.start.character, d.message, d.severity]), [[0, 6, '"undefined_in_ext" is not defined', vscode.DiagnosticSeverity.Error]]);
    assert.deepEqual(ours(first.uri).filter((d) => d.severity <= vscode.DiagnosticSeverity.Warning), []);
    assert.equal(api.language.describe(serverId)?.ready, true);

    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', first.uri, new vscode.Position(1, 7));
    const hoverText = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(hoverText, /def dumps\(/, 'the language server\'s hover, before any cell ran');

    const beforeRun = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', third.uri, new vscode.Position(0, 5));
    assert.equal(labels(beforeRun).filter((l) => l === 'dumps').length, 1, 'from the language server alone: dumps once');
    await runCells(notebook, 0, 1);
    const afterRun = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', third.uri, new vscode.Position(0, 5));
    assert.equal(labels(afterRun).filter((l) => l === 'dumps').length, 1, 'the kernel and the language server both know dumps: listed once');

    const definitions = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', first.uri, new vscode.Position(1, 7));
    const targets = definitions.map((d) => ('targetUri' in d ? d.targetUri : d.uri));
    assert.ok(targets.length > 0 && targets.every((u) => u.scheme === 'jupyter-remote-source'), `outside the root, read-only: ${targets.map(String).join(', ')}`);
    const source = await vscode.workspace.openTextDocument(targets[0]);
    assert.match(source.getText(), /def dumps\(/, "the server's file, read through the kernel");

    await vscode.workspace.getConfiguration('jupyterRemote').update('languageServer', 'off', vscode.ConfigurationTarget.Global);
    await until('the problems cleared', () => ours(second.uri).length === 0);
    assert.equal(api.language.describe(serverId), undefined);
    await vscode.workspace.getConfiguration('jupyterRemote').update('languageServer', 'auto', vscode.ConfigurationTarget.Global);
    await until('the problems back', () => ours(second.uri).length > 0, 60000);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
}
