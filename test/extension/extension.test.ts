// Extension-host tests: inside a real VS Code (code-server), against real Jupyter servers the runner
// started (JR_TEST_SERVERS). They drive the extension through its commands and VS Code's notebook API.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { activate } from '../../src/extension';
import { DISPLAY_UPDATED_BY_LATER_CELLS } from '../support/notebooks';

type Api = NonNullable<ReturnType<typeof activate>>;
interface TestServer {
  url: string;
  token: string;
  flavor: string;
}
const servers = JSON.parse(process.env.JR_TEST_SERVERS ?? '{}') as Record<string, TestServer>;
const EXTENSION_ID = 'jupyter-remote.jupyter-remote';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Runs a command that asks questions in input boxes, accepting each box's default answer. */
async function runAccepting(command: string, ...args: unknown[]): Promise<void> {
  let settled = false;
  const run = Promise.resolve(vscode.commands.executeCommand(command, ...args)).finally(() => (settled = true));
  while (!settled) {
    await sleep(300);
    if (!settled) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  }
  await run;
}

function stdoutOf(cell: vscode.NotebookCell): string {
  return cell.outputs
    .flatMap((o) => o.items)
    .filter((i) => i.mime === 'application/vnd.code.notebook.stdout')
    .map((i) => Buffer.from(i.data).toString('utf8'))
    .join('');
}

function mimesOf(cell: vscode.NotebookCell): string[] {
  return cell.outputs.flatMap((o) => o.items.map((i) => i.mime));
}

async function runCells(notebook: vscode.NotebookDocument, start: number, end: number): Promise<void> {
  const before = new Map(notebook.getCells().map((c) => [c.index, c.executionSummary?.timing?.endTime]));
  await vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start, end }], document: notebook.uri });
  const cells = () => notebook.getCells(new vscode.NotebookRange(start, end));
  await until(`cells ${start}..${end - 1} to finish`, () => cells().every((c) => c.executionSummary?.timing?.endTime && c.executionSummary.timing.endTime !== before.get(c.index)), 60000).catch((e: Error) => {
    throw new Error(`${e.message}: ${JSON.stringify(cells().map((c) => ({ index: c.index, summary: c.executionSummary, outputs: mimesOf(c) })))}`);
  });
}

function writeNotebook(file: string, sources: string[]): vscode.Uri {
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
    cells: sources.map((s, i) => ({ cell_type: 'code', id: `c${i}`, metadata: {}, execution_count: null, outputs: [], source: s })),
  };
  fs.writeFileSync(file, JSON.stringify(nb));
  return vscode.Uri.file(file);
}

describe('Jupyter Remote inside VS Code', function () {
  let api: Api;
  let notebook: vscode.NotebookDocument;
  const workspace = vscode.workspace.workspaceFolders![0].uri.fsPath;
  /** A path on the first stored server, through the extension's file system. */
  const uri = (p: string) => vscode.Uri.parse(`jupyter-remote://${api.store.list()[0].id}/${p}`);

  before(async () => {
    // The most verbose level (as Developer: Set Log Level… → Trace would): run.ts then searches the log for secrets.
    await vscode.commands.executeCommand('_extensionTests.setLogLevel', 'trace');
    const ext = vscode.extensions.getExtension<Api>(EXTENSION_ID);
    assert.ok(ext, 'the extension is installed in this VS Code');
    const started = Date.now();
    api = await ext.activate();
    console.log(`activation returned after ${Date.now() - started} ms`);
    assert.ok(api?.store, 'activation succeeded');
  });

  it('contributes its commands under the Jupyter Remote category', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const id of ['jupyterRemote.connect', 'jupyterRemote.showServerMenu', 'jupyterRemote.restartKernel', 'jupyterRemote.interruptKernel', 'jupyterRemote.removeServer']) {
      assert.ok(all.includes(id), id);
    }
    assert.equal(api.statusBar.shown.visible, false, 'no status bar item before a server is added');
  });

  it('connects to a pasted token URL: the token goes to SecretStorage, the list keeps none', async () => {
    const s = servers.token;
    await runAccepting('jupyterRemote.connect', `${s.url}lab?token=${s.token}`);
    const [record] = api.store.list();
    assert.ok(record, 'the server was saved');
    assert.equal(record.baseUrl, s.url);
    assert.equal(record.auth, 'token');
    assert.ok(!JSON.stringify(api.store.list()).includes(s.token), 'no token in globalState');
    assert.deepEqual(await api.store.secret(record.id), { token: s.token }, 'the token is in SecretStorage');
    await until('the server to be checked', () => api.connections.status(record.id).state === 'connected');
    assert.ok(api.controllers.controllerIds().includes(`jupyterRemote.${record.id}.spec.python3`), 'a controller for its python3 kernelspec');
    assert.equal(api.statusBar.shown.visible, true);
    assert.match(api.statusBar.shown.text, new RegExp(record.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  });

  it("the server's files through jupyter-remote://<server id>/: write, read, list, rename, copy, delete, and VS Code's errors", async () => {
    const s = servers.token;
    const rest = (p: string) => fetch(`${s.url}api/contents/${p}`, { headers: { Authorization: `token ${s.token}` } }).then((r) => r.json() as Promise<{ content: string; format: string }>);
    const fsx = vscode.workspace.fs;
    await fsx.createDirectory(uri('ext files'));
    const bytes = Buffer.concat([Buffer.from('é,ü\n'), Buffer.from(Array.from({ length: 700 * 1024 }, (_, i) => (i * 31) % 256))]);
    await fsx.writeFile(uri('ext files/data é.bin'), bytes);
    assert.ok(Buffer.from(await fsx.readFile(uri('ext files/data é.bin'))).equals(bytes), 'read back byte for byte');
    const onServer = await rest(`${encodeURIComponent('ext files')}/${encodeURIComponent('data é.bin')}?format=base64&type=file`);
    assert.ok(Buffer.from(onServer.content, 'base64').equals(bytes), 'on the server, byte for byte');
    const stat = await fsx.stat(uri('ext files/data é.bin'));
    assert.deepEqual([stat.type, stat.size], [vscode.FileType.File, bytes.length]);
    assert.ok(Math.abs(stat.mtime - Date.now()) < 60000, `mtime is the server's last_modified: ${new Date(stat.mtime).toISOString()}`);
    await fsx.copy(uri('ext files/data é.bin'), uri('ext files/copy.bin'));
    await fsx.rename(uri('ext files/copy.bin'), uri('ext files/moved.bin'));
    assert.deepEqual((await fsx.readDirectory(uri('ext files'))).sort(), [['data é.bin', vscode.FileType.File], ['moved.bin', vscode.FileType.File]]);
    await assert.rejects(async () => fsx.stat(uri('ext files/nope.txt')), (e: unknown) => e instanceof vscode.FileSystemError && e.code === 'FileNotFound');
    await assert.rejects(async () => fsx.rename(uri('ext files/moved.bin'), uri('ext files/data é.bin')), (e: unknown) => e instanceof vscode.FileSystemError && e.code === 'FileExists');
    await assert.rejects(async () => fsx.writeFile(uri('ext files/.hidden'), Buffer.from('x')), (e: unknown) => e instanceof vscode.FileSystemError && e.code === 'NoPermissions' && /hidden files/.test(e.message));
    await assert.rejects(async () => fsx.readDirectory(vscode.Uri.parse('jupyter-remote://not-a-server/')), (e: unknown) => e instanceof vscode.FileSystemError && e.code === 'Unavailable');
    await fsx.delete(uri('ext files'), { recursive: true });
    await assert.rejects(async () => fsx.stat(uri('ext files')), (e: unknown) => e instanceof vscode.FileSystemError && e.code === 'FileNotFound');
  });

  it('Upload to Server… copies a local file into the chosen server folder (its root, the first choice)', async () => {
    const s = servers.token;
    const local = path.join(workspace, 'to upload é.csv');
    fs.writeFileSync(local, 'n,sq\n3,9\n');
    await runAccepting('jupyterRemote.uploadToServer', vscode.Uri.file(local));
    const onServer = (await fetch(`${s.url}api/contents/${encodeURIComponent('to upload é.csv')}?type=file&format=text`, { headers: { Authorization: `token ${s.token}` } }).then((r) => r.json())) as { content: string };
    assert.equal(onServer.content, 'n,sq\n3,9\n');
  });

  it('a file changed on the server since it was opened is not overwritten by a save: the save fails, the editor stays dirty, both versions survive', async () => {
    const s = servers.token;
    const [record] = api.store.list();
    const uri = vscode.Uri.parse(`jupyter-remote://${record.id}/conflict.txt`);
    const files = vscode.workspace.getConfiguration('files');
    await files.update('autoSave', 'off', vscode.ConfigurationTarget.Global); // code-server saves after 1 s by default
    await vscode.workspace.fs.writeFile(uri, Buffer.from('original\n'));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, new vscode.Position(0, 0), 'mine: ');
    await vscode.workspace.applyEdit(edit);
    await sleep(50); // a later modification time than the one VS Code read
    await fetch(`${s.url}api/contents/conflict.txt`, { method: 'PUT', headers: { Authorization: `token ${s.token}` }, body: JSON.stringify({ type: 'file', format: 'text', content: 'theirs, saved elsewhere\n' }) });
    const saved = await doc.save();
    assert.equal(saved, false, 'VS Code refused to overwrite the newer file');
    assert.equal(doc.isDirty, true, 'the edit is still in the editor');
    assert.equal(doc.getText(), 'mine: original\n');
    const onServer = (await fetch(`${s.url}api/contents/conflict.txt?type=file&format=text`, { headers: { Authorization: `token ${s.token}` } }).then((r) => r.json())) as { content: string };
    assert.equal(onServer.content, 'theirs, saved elsewhere\n', 'the version saved elsewhere is intact');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await files.update('autoSave', undefined, vscode.ConfigurationTarget.Global);
  });

  it('changes made on the server behind VS Code\'s back show up: a file the kernel writes appears in a listed folder, an open file\'s change is reported', async () => {
    const s = servers.token;
    await vscode.workspace.fs.createDirectory(uri('watched'));
    await vscode.workspace.fs.writeFile(uri('watched/open.txt'), Buffer.from('v1'));
    const seen: string[] = [];
    const sub = api.fileSystem.onDidChangeFile((events) => seen.push(...events.map((e) => `${e.type}:${e.uri.path}`)));
    const watching = api.fileSystem.watch(uri('watched/open.txt'));
    try {
      await vscode.workspace.fs.readDirectory(uri('watched')); // what the Explorer does when it shows the folder
      await api.fileSystem.watcher.poll(); // the open file's first look
      const put = (p: string, text: string) => fetch(`${s.url}api/contents/${p}`, { method: 'PUT', headers: { Authorization: `token ${s.token}` }, body: JSON.stringify({ type: 'file', format: 'text', content: text }) });
      await put('watched/from-kernel.csv', 'x\n');
      await put('watched/open.txt', 'v2, changed elsewhere');
      const started = Date.now();
      const want = [`${vscode.FileChangeType.Created}:/watched/from-kernel.csv`, `${vscode.FileChangeType.Changed}:/watched/open.txt`];
      // Rounds run every 2 s while the window has focus; a headless window may not have it, so a round is also run here.
      if (!vscode.window.state.focused) await api.fileSystem.watcher.poll();
      await until('both changes to be reported', () => want.every((w) => seen.includes(w)), 10000);
      console.log(`server changes reported after ${Date.now() - started} ms (window focused: ${vscode.window.state.focused})`);
    } finally {
      watching.dispose();
      sub.dispose();
    }
  });

  it('a notebook that lives on the server opens in the notebook editor, its kernel starts beside it, and saving writes it there', async () => {
    const s = servers.token;
    const [record] = api.store.list();
    await vscode.workspace.fs.createDirectory(uri('work'));
    await vscode.workspace.fs.writeFile(uri('work/data.csv'), Buffer.from('a,b\n1,2\n'));
    await vscode.workspace.fs.writeFile(uri('work/remote.ipynb'), Buffer.from(JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'code', id: 'a', metadata: {}, execution_count: null, outputs: [], source: "print(open('data.csv').read(), end='')" }] })));
    const doc = await vscode.workspace.openNotebookDocument(uri('work/remote.ipynb'));
    await vscode.window.showNotebookDocument(doc);
    await vscode.commands.executeCommand('notebook.selectKernel', { id: `jupyterRemote.${record.id}.spec.python3`, extension: EXTENSION_ID });
    await runCells(doc, 0, 1);
    assert.equal(stdoutOf(doc.cellAt(0)), 'a,b\n1,2\n', 'the kernel runs in the notebook\'s folder on the server');
    const edit = new vscode.WorkspaceEdit();
    edit.set(doc.uri, [vscode.NotebookEdit.insertCells(1, [new vscode.NotebookCellData(vscode.NotebookCellKind.Code, "print('saved to the server')", 'python')])]);
    await vscode.workspace.applyEdit(edit);
    assert.ok(await doc.save(), 'saved');
    const onServer = (await fetch(`${s.url}api/contents/work/remote.ipynb`, { headers: { Authorization: `token ${s.token}` } }).then((r) => r.json())) as { content: { cells: { source: string | string[]; outputs: unknown[] }[] } };
    assert.deepEqual(onServer.content.cells.map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source)), ["print(open('data.csv').read(), end='')", "print('saved to the server')"]);
    assert.equal(onServer.content.cells[0].outputs.length, 1, 'with its output');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

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
      new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'import time\ntime.sleep(60)', 'python'),
      new vscode.NotebookCellData(vscode.NotebookCellKind.Code, "print('after restart')", 'python'),
    ])]);
    await vscode.workspace.applyEdit(edit);
    const started = Date.now();
    const done = runCells(notebook, 7, 8);
    await until('the kernel to be busy', () => /busy/.test(api.statusBar.shown.text));
    await vscode.commands.executeCommand('jupyterRemote.interruptKernel');
    await done;
    assert.ok(Date.now() - started < 30000, 'interrupted long before the 60 s sleep ended');
    const cell = notebook.cellAt(7);
    assert.equal(cell.executionSummary?.success, false);
    assert.match(Buffer.from(cell.outputs[0].items[0].data).toString(), /KeyboardInterrupt/);

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

  it('removing the server removes its controllers and its secret', async () => {
    const [record] = api.store.list();
    await api.store.remove(record.id);
    await until('its controllers to go', () => !api.controllers.controllerIds().some((id) => id.includes(record.id)));
    assert.equal(await api.store.secret(record.id), undefined);
    assert.equal(api.statusBar.shown.visible, false);
  });
});
