// The Variables view and the status bar's resources on Debian's ipykernel 6.17, which has no subshells:
// listed after a cell, kept (and said to be from the last cell's end) while a cell runs, fresh after it.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, EXTENSION_ID, runCells, until, workspace, writeNotebook } from './shared';

/** On the server connected by serverConnectTests. */
export function variablesTests(): void {
  it('the Variables view lists the kernel\'s variables, keeps them while a cell runs on a kernel without subshells, and refreshes after it', async () => {
    const notebook = await vscode.workspace.openNotebookDocument(writeNotebook(path.join(workspace, 'variables.ipynb'), [
      "import os\ncount = 3\nwords = ['a', 'b']",
      "import time\nlater = 1\ntime.sleep(6)",
    ]));
    await vscode.window.showNotebookDocument(notebook);
    const [record] = api.store.list();
    await vscode.commands.executeCommand('notebook.selectKernel', { id: `jupyterRemote.${record.id}.spec.python3`, extension: EXTENSION_ID });
    await runCells(notebook, 0, 1);
    await vscode.commands.executeCommand('jupyterRemote.showVariables');
    await until('count and words listed', () => ['count', 'words'].every((n) => api.variables.shown().names.includes(n)));
    assert.ok(!api.variables.shown().names.includes('os'), 'modules hidden');
    await until("the kernel's resources at the view's top and in the status bar's tooltip", () =>
      /Kernel: CPU \d+ %, memory \d+/.test(api.variables.shown().message ?? '') && /Kernel: CPU \d+ %, memory \d+/.test(api.statusBar.shown.tooltip));

    const running = runCells(notebook, 1, 2);
    await until('the kernel busy', () => /busy/.test(api.statusBar.shown.text));
    await vscode.commands.executeCommand('jupyterRemote.variables.refresh');
    const during = api.variables.shown();
    assert.match(during.message ?? '', /Running a cell: the values are from when the last cell ended/);
    assert.deepEqual(during.names, ['count', 'words'], 'the list from before the cell, not emptied');
    assert.match(api.statusBar.shown.text, /busy/, 'looking did not make the kernel look idle');
    await running;
    await until('later listed after the cell', () => api.variables.shown().names.includes('later'));
    assert.doesNotMatch(api.variables.shown().message ?? '', /Running a cell/);

    await vscode.commands.executeCommand('jupyterRemote.variables.showAll');
    await until('modules shown on asking', () => api.variables.shown().names.includes('os'));
    await vscode.commands.executeCommand('jupyterRemote.variables.hideAll');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
}
