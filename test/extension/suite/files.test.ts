// Files: the server's files through jupyter-remote://, Upload to Server…, a save conflict, changes made on the
// server, a notebook that lives on the server.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, EXTENSION_ID, runAccepting, runCells, servers, sleep, stdoutOf, until, uri, workspace } from './shared';

/** On the server connected by serverConnectTests. */
export function fileTests(): void {
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
    // With overwrite, the target is replaced (issue 29: only once the rename or copy has worked).
    await fsx.writeFile(uri('ext files/small.txt'), Buffer.from('small'));
    await fsx.copy(uri('ext files/small.txt'), uri('ext files/moved.bin'), { overwrite: true });
    assert.equal(Buffer.from(await fsx.readFile(uri('ext files/moved.bin'))).toString(), 'small', 'copied over the old moved.bin');
    await fsx.rename(uri('ext files/small.txt'), uri('ext files/moved.bin'), { overwrite: true });
    assert.deepEqual((await fsx.readDirectory(uri('ext files'))).map(([n]) => n).sort(), ['data é.bin', 'moved.bin'], 'renamed over it, nothing left beside');
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
}
