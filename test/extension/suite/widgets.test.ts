// Widgets: what a save writes of a notebook's widgets (issue 29 item 10), on a kernel with ipywidgets 8
// (the runner's server of today's stack: Debian's has no ipywidgets).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, connectTodaysServer, EXTENSION_ID, runCells, until, workspace, writeNotebook } from './shared';

const STATE_MIME = 'application/vnd.jupyter.widget-state+json';
type SavedNotebook = { metadata: { widgets?: Record<string, { state: Record<string, { model_name: string; state: Record<string, unknown> }> }> } };

/**
 * Connects the server of today's stack, and removes it after the group's tests (the other tests use the
 * first server). A group of its own for these hooks: mocha runs it after the suite's own tests.
 */
export function widgetTests(): void {
  let serverId: string;
  before(async () => {
    serverId = await connectTodaysServer();
  });
  after(async () => {
    if (serverId) await api.store.remove(serverId);
  });

  it("widget state is saved only with jupyterRemote.widgets.saveState on, never a Password's value; off, a save leaves what was saved", async () => {
    const file = path.join(workspace, 'widget-secrets.ipynb');
    const doc = await vscode.workspace.openNotebookDocument(
      // The values are joined in Python so that the cell's source does not hold them.
      writeNotebook(file, ["import ipywidgets as w\npw = w.Password(value='-'.join(['hunter2', 'from', 'the', 'kernel']), description='Password:')\nkey = w.Text(value='-'.join(['sk', 'text', 'value']), description='API key:')\ndisplay(pw, key)"]),
    );
    await vscode.window.showNotebookDocument(doc);
    await vscode.commands.executeCommand('notebook.selectKernel', { id: `jupyterRemote.${serverId}.spec.python3`, extension: EXTENSION_ID });
    const config = vscode.workspace.getConfiguration('jupyterRemote');
    // code-server saves after 1 s by default: a save of its own during ours makes ours refuse ("recursively from save participant").
    const files = vscode.workspace.getConfiguration('files');
    await files.update('autoSave', 'off', vscode.ConfigurationTarget.Global);
    /** Adds a cell (so the notebook has something to save) and saves; what the file then holds. */
    const editAndSave = async (source: string): Promise<{ text: string; nb: SavedNotebook }> => {
      const edit = new vscode.WorkspaceEdit();
      edit.set(doc.uri, [vscode.NotebookEdit.insertCells(doc.cellCount, [new vscode.NotebookCellData(vscode.NotebookCellKind.Code, source, 'python')])]);
      await vscode.workspace.applyEdit(edit);
      assert.ok(await doc.save(), 'saved');
      const text = fs.readFileSync(file, 'utf8');
      return { text, nb: JSON.parse(text) as SavedNotebook };
    };
    try {
      await runCells(doc, 0, 1);
      const widgets = await until('the kernel to make the two widgets', () => {
        const models = api.controllers.widgetsOf(doc);
        return models && ['PasswordModel', 'TextModel'].every((name) => models.replay().some((m) => m.kind === 'open' && m.data.state && (m.data.state as Record<string, unknown>)._model_name === name)) && models;
      });
      const pwId = widgets.replay().find((m) => m.kind === 'open' && (m.data.state as Record<string, unknown>)._model_name === 'PasswordModel')!.commId;
      // As a person typing into the box does: the renderer sends the new value to the kernel through the bridge.
      widgets.send(pwId, { method: 'update', state: { value: 'typed-in-the-box' }, buffer_paths: [] });

      // The default: nothing of the widgets goes into the file.
      assert.equal(config.inspect<boolean>('widgets.saveState')?.defaultValue, false, 'off by default');
      let saved = await editAndSave("print('saved with the setting off')");
      assert.equal(saved.nb.metadata.widgets, undefined, `no widget state in the saved notebook: ${JSON.stringify(saved.nb.metadata)}`);
      assert.ok(!JSON.stringify(saved.nb.metadata).includes('sk-text-value'), "the Text widget's value is nowhere in the metadata");

      // On: every widget's state, the Password's without its value.
      await config.update('widgets.saveState', true, vscode.ConfigurationTarget.Global);
      saved = await editAndSave("print('saved with the setting on')");
      const state = saved.nb.metadata.widgets?.[STATE_MIME]?.state;
      assert.ok(state, `widget state in the saved notebook: ${JSON.stringify(saved.nb.metadata)}`);
      const pw = Object.values(state).find((m) => m.model_name === 'PasswordModel');
      const key = Object.values(state).find((m) => m.model_name === 'TextModel');
      assert.ok(pw && key, `both widgets saved: ${Object.values(state).map((m) => m.model_name).join(', ')}`);
      assert.equal(key.state.value, 'sk-text-value', "the Text widget's value is saved (what the setting warns of)");
      assert.equal(pw.state.description, 'Password:', "the Password widget's other state is saved");
      assert.ok(!('value' in pw.state), `no value for the Password widget: ${JSON.stringify(pw.state)}`);
      // Nor in the outputs: ipywidgets leaves a Password's value out of its repr too.
      for (const secret of ['hunter2-from-the-kernel', 'typed-in-the-box']) assert.ok(!saved.text.includes(secret), `"${secret}" is nowhere in the file`);

      // Off again: the state saved before stays as it was, not updated with the widgets' new values.
      await config.update('widgets.saveState', undefined, vscode.ConfigurationTarget.Global);
      const changeKey = new vscode.WorkspaceEdit();
      changeKey.set(doc.uri, [vscode.NotebookEdit.insertCells(doc.cellCount, [new vscode.NotebookCellData(vscode.NotebookCellKind.Code, "key.value = '-'.join(['sk', 'changed', 'later'])", 'python')])]);
      await vscode.workspace.applyEdit(changeKey);
      await runCells(doc, doc.cellCount - 1, doc.cellCount);
      await until("our copy of the Text widget's new value", () => widgets.replay().some((m) => m.kind === 'open' && (m.data.state as Record<string, unknown>).value === 'sk-changed-later'));
      saved = await editAndSave("print('saved with the setting off again')");
      const kept = saved.nb.metadata.widgets?.[STATE_MIME]?.state;
      assert.deepEqual(kept, state, 'the state saved before is left as it was');
      assert.ok(!JSON.stringify(saved.nb.metadata).includes('sk-changed-later'), 'the new value is not saved');
    } finally {
      await config.update('widgets.saveState', undefined, vscode.ConfigurationTarget.Global);
      await files.update('autoSave', undefined, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });
}
