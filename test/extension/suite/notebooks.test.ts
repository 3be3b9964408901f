// Notebooks: the kernel's folder, running cells and their outputs, a flood of output, input(), interrupt and
// restart, a display updated by later cells.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DISPLAY_UPDATED_BY_LATER_CELLS } from '../../support/notebooks';
import { api, EXTENSION_ID, mimesOf, runCells, sleep, stdoutOf, until, workspace, writeNotebook } from './shared';

/** The notebook the tests after 'runs cells on the remote kernel…' add their cells to. */
let notebook: vscode.NotebookDocument;

/** On the server connected by serverConnectTests (the first needs work/data.csv, written by fileTests). */
export function notebookTests(): void {
  it('a local notebook runs in the server folder its workspace folder is mapped to (jupyterRemote.kernelFolder)', async () => {
    const [record] = api.store.list();
    const config = vscode.workspace.getConfiguration('jupyterRemote', vscode.workspace.workspaceFolders![0].uri);
    await config.update('kernelFolder', 'work', vscode.ConfigurationTarget.WorkspaceFolder); // work/data.csv is on the server (previous test)
    try {
      const doc = await vscode.workspace.openNotebookDocument(writeNotebook(path.join(workspace, 'mapped.ipynb'), ["import os\nprint(os.path.basename(os.getcwd()), open('data.csv').read(), end='')"]));
      await vscode.window.showNotebookDocument(doc);
      await vscode.commands.executeCommand('notebook.selectKernel', { id: `jupyterRemote.${record.id}.spec.python3`, extension: EXTENSION_ID });
      await runCells(doc, 0, 1);
      assert.equal(stdoutOf(doc.cellAt(0)), 'work a,b\n1,2\n');
      assert.equal(api.controllers.kernelFolderOf(doc), 'work', 'what the status bar tooltip says');
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor'); // ran, so dirty: no save prompt
    } finally {
      await config.update('kernelFolder', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    }
  });

  it('runs cells on the remote kernel: stream, rich output, display updates across cells, clear_output(wait), errors', async () => {
    const uri = writeNotebook(path.join(workspace, 'outputs.ipynb'), [
      "print('hello from the remote kernel')\nimport os; print(os.getpid() != 0)",
      "from IPython.display import display, HTML, Image\nh = display(HTML('<b>first</b>'), display_id=True)\nimport base64\npng = base64.b64decode('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==')\ndisplay(Image(data=png))",
      "h.update(HTML('<i>updated from the next cell</i>'))\nprint('done')",
      "from IPython.display import clear_output\nfor i in range(5):\n    clear_output(wait=True)\n    print(f'step {i}')",
      '1/0',
    ]);
    notebook = await vscode.workspace.openNotebookDocument(uri);
    await vscode.window.showNotebookDocument(notebook);
    const [record] = api.store.list();
    await vscode.commands.executeCommand('notebook.selectKernel', { id: `jupyterRemote.${record.id}.spec.python3`, extension: EXTENSION_ID });
    await runCells(notebook, 0, 4);
    const [c0, c1, c2, c3] = notebook.getCells();
    assert.equal(stdoutOf(c0), 'hello from the remote kernel\nTrue\n');
    assert.equal(c0.executionSummary?.success, true);
    assert.equal(c0.executionSummary?.executionOrder, 1);
    assert.deepEqual(mimesOf(c1).sort(), ['image/png', 'text/html', 'text/plain', 'text/plain'].sort());
    const html = c1.outputs[0].items.find((i) => i.mime === 'text/html');
    await until('the display in cell 2 to show the update from cell 3', () => {
      const now = notebook.cellAt(1).outputs[0]?.items.find((i) => i.mime === 'text/html');
      return now && Buffer.from(now.data).toString().includes('updated from the next cell');
    });
    assert.ok(html);
    assert.equal(stdoutOf(c2), 'done\n');
    assert.equal(stdoutOf(c3), 'step 4\n', 'clear_output(wait=True) leaves only the last step');
    assert.equal(notebook.cellAt(1).executionSummary?.executionOrder, 2, 'the updated cell keeps its execution order');

    await runCells(notebook, 4, 5);
    const c4 = notebook.cellAt(4);
    assert.equal(c4.executionSummary?.success, false);
    const error = c4.outputs[0].items.find((i) => i.mime === 'application/vnd.code.notebook.error');
    assert.ok(error, 'an error output');
    const parsed = JSON.parse(Buffer.from(error.data).toString());
    assert.equal(parsed.name, 'ZeroDivisionError');
    assert.match(parsed.stack, /ZeroDivisionError/);
    assert.match(api.statusBar.shown.text, /idle/, 'the status bar shows the kernel idle');
  });

  it('a cell printing 100 000 lines: every line arrives, in order', async () => {
    const edit = new vscode.WorkspaceEdit();
    edit.set(notebook.uri, [vscode.NotebookEdit.insertCells(5, [new vscode.NotebookCellData(vscode.NotebookCellKind.Code, "for i in range(100000):\n    print(f'line {i}')", 'python')])]);
    await vscode.workspace.applyEdit(edit);
    const started = Date.now();
    await runCells(notebook, 5, 6);
    const text = stdoutOf(notebook.cellAt(5));
    const lines = text.split('\n').filter(Boolean);
    console.log(`100 000 lines: cell done after ${Date.now() - started} ms in ${notebook.cellAt(5).outputs[0].items.length} output items`);
    assert.equal(lines.length, 100000);
    assert.equal(lines[0], 'line 0');
    assert.equal(lines[99999], 'line 99999');
    assert.ok(notebook.cellAt(5).outputs[0].items.length < 2000, 'coalesced, not one update per message');
  });

  it('input() whose box is cancelled gets an empty answer, and the cell goes on', async () => {
    const edit = new vscode.WorkspaceEdit();
    edit.set(notebook.uri, [vscode.NotebookEdit.insertCells(6, [new vscode.NotebookCellData(vscode.NotebookCellKind.Code, "x = input('your name? ')\nprint(f'got [{x}]')", 'python')])]);
    await vscode.workspace.applyEdit(edit);
    const done = runCells(notebook, 6, 7);
    await sleep(1500);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await done;
    assert.equal(stdoutOf(notebook.cellAt(6)), 'got []\n');
    assert.equal(notebook.cellAt(6).executionSummary?.success, true);
  });

  it('interrupts a running cell, and restarts the kernel: the execution count starts again', async () => {
    const edit = new vscode.WorkspaceEdit();
    edit.set(notebook.uri, [vscode.NotebookEdit.insertCells(7, [
      new vscode.NotebookCellData(vscode.NotebookCellKind.Code, "import time\nprint('sleeping', flush=True)\ntime.sleep(60)", 'python'),
      new vscode.NotebookCellData(vscode.NotebookCellKind.Code, "print('after restart')", 'python'),
    ])]);
    await vscode.workspace.applyEdit(edit);
    const started = Date.now();
    const done = runCells(notebook, 7, 8);
    // The cell's own word that it sleeps, not the status bar's "busy": that can still be the previous cell's.
    await until('the cell to be sleeping', () => stdoutOf(notebook.cellAt(7)).includes('sleeping'));
    await vscode.commands.executeCommand('jupyterRemote.interruptKernel');
    await done;
    assert.ok(Date.now() - started < 30000, 'interrupted long before the 60 s sleep ended');
    const cell = notebook.cellAt(7);
    assert.equal(cell.executionSummary?.success, false);
    assert.ok(cell.outputs.some((o) => o.items.some((i) => /KeyboardInterrupt/.test(Buffer.from(i.data).toString()))), 'the KeyboardInterrupt shown');

    await vscode.commands.executeCommand('jupyterRemote.restartKernel');
    await runCells(notebook, 8, 9);
    assert.equal(notebook.cellAt(8).executionSummary?.executionOrder, 1, 'a restarted kernel counts from 1');
    assert.equal(stdoutOf(notebook.cellAt(8)), 'after restart\n');
  });

  it('a display updated by two later cells shows, and is saved with, its final state in the cell that made it', async () => {
    const uri = writeNotebook(path.join(workspace, 'display-updates.ipynb'), DISPLAY_UPDATED_BY_LATER_CELLS);
    const doc = await vscode.workspace.openNotebookDocument(uri);
    await vscode.window.showNotebookDocument(doc);
    const [record] = api.store.list();
    await vscode.commands.executeCommand('notebook.selectKernel', { id: `jupyterRemote.${record.id}.spec.python3`, extension: EXTENSION_ID });
    await runCells(doc, 0, 7);
    const htmlOf = (cell: vscode.NotebookCell) => cell.outputs.flatMap((o) => o.items).filter((i) => i.mime === 'text/html').map((i) => Buffer.from(i.data).toString());
    await until('cell 3 to show v3', () => htmlOf(doc.cellAt(2)).join() === '<b>v3</b>');
    assert.deepEqual([doc.cellAt(4).outputs.length, doc.cellAt(6).outputs.length], [0, 0], 'an update is no output of the cell that sends it');
    assert.ok(await doc.save(), 'saved');
    const saved = JSON.parse(fs.readFileSync(uri.fsPath, 'utf8')) as { cells: { outputs: { data?: Record<string, string | string[]> }[] }[] };
    const html = saved.cells[2].outputs.map((o) => o.data?.['text/html']).filter(Boolean).map((h) => (Array.isArray(h) ? h.join('') : h));
    assert.deepEqual(html, ['<b>v3</b>']);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
}
