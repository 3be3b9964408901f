// A local project on a remote kernel (issue 31): the workspace folder synced to a folder on Lab Today, a
// notebook importing the project's own package there, an edit saved and reloaded in the kernel, and a
// file changed on the server behind VS Code's back, which the sync reports and does not overwrite.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { until } from '../workbench';
import { Journey, openLocalNotebook, Steps, World } from './world';

/** Opens a text file by name, replaces its text as a person would (click, select all, type) and saves it; answers when the save was pressed. */
async function editAndSave(world: World, name: string, text: string): Promise<number> {
  const { wb } = world;
  await wb.openFile(name);
  const editor = wb.page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
  await editor.click();
  await wb.page.keyboard.press('Control+A');
  await wb.page.keyboard.insertText(text);
  const firstLine = text.split('\n')[1].trim();
  await until('the editor to show the new text', async () => (await editor.innerText()).replace(/\u00a0/g, ' ').includes(firstLine), 5000, 50);
  const at = performance.now();
  await wb.page.keyboard.press('Control+S');
  return at;
}

async function syncJourney(world: World, t: Steps): Promise<void> {
  const { wb } = world;
  const onServer = (rel: string) => path.join(world.servers.today.rootDir, 'synced', rel);
  const readOnServer = (rel: string) => {
    try {
      return readFileSync(onServer(rel), 'utf8');
    } catch {
      return undefined;
    }
  };
  mkdirSync(path.join(world.workspace, 'mypkg'), { recursive: true });
  writeFileSync(path.join(world.workspace, 'mypkg', '__init__.py'), "def f():\n    return 'first version'\n");
  mkdirSync(onServer(''), { recursive: true });

  t.step('Jupyter Remote: Sync Folder to Server…, Lab Today, into its folder synced');
  await wb.runCommand('Jupyter Remote: Sync Folder to Server…');
  await wb.waitForQuickInput(/Sync workspace/);
  if ((await wb.quickInputTitle()).includes('Which Server')) await wb.pick('Lab Today');
  await wb.waitForQuickInput(/into Which Folder on Lab Today/);
  await wb.pick(/^synced$/);
  await until('the browser to be in /synced', async () => (await wb.quickPickRows())[0]?.description === '/synced');
  const asked = performance.now();
  await wb.pick('Open This Folder');
  await until('the package on the server', () => readOnServer('mypkg/__init__.py') === "def f():\n    return 'first version'\n", 30000, 50);
  await until('the status bar to say Synced', async () => (await wb.statusBarTexts()).some((s) => s === 'Synced'), 20000, 100);
  t.note(`first sync of the workspace folder: on the server and "Synced" in ${(performance.now() - asked).toFixed(0)} ms`);

  await openLocalNotebook(world, t, 'uses-mypkg.ipynb', ['from mypkg import f\nprint(f())']);
  t.step('run `from mypkg import f; f()` on the remote kernel: the synced package');
  await wb.runCell(0);
  await wb.waitForOutput(['first version'], 60000);

  t.step('edit mypkg/__init__.py in VS Code and save: it goes up, and the kernel that imported it is offered a reload');
  const saved = await editAndSave(world, '__init__.py', "def f():\n    return 'second version'\n");
  await until('the edit on the server', () => readOnServer('mypkg/__init__.py')?.includes('second version'), 20000, 20);
  t.note(`save → on the server in ${(performance.now() - saved).toFixed(0)} ms`);
  const offer = await until('the offer to reload', async () => (await wb.notifications()).find((n) => /mypkg changed/.test(n)), 20000, 100);
  assert.match(offer, /^mypkg changed: the kernel of uses-mypkg\.ipynb still runs the code it imported before\./);
  await wb.page.locator('.notification-toast', { hasText: 'mypkg changed' }).getByRole('button', { name: 'Reload Changed Modules' }).click();
  await until('the reload said', async () => (await wb.notifications()).some((n) => /^Reloaded mypkg:/.test(n)), 20000, 100);

  t.step('run the cell again: the new code');
  await wb.openFile('uses-mypkg.ipynb');
  await wb.runCell(0);
  await wb.waitForOutput(['second version'], 30000);

  t.step('change the file on the server behind VS Code\'s back, then edit and save it here: a conflict, and neither version lost');
  const theirs = "def f():\n    return 'edited on the server'\n";
  writeFileSync(onServer('mypkg/__init__.py'), theirs);
  utimesSync(onServer('mypkg/__init__.py'), new Date(), new Date(Date.now() + 10000));
  await editAndSave(world, '__init__.py', "def f():\n    return 'third version'\n");
  const conflict = await until('the conflict shown', async () => (await wb.notifications()).find((n) => /changed on the server since it was last synced/.test(n)), 20000, 100);
  assert.match(conflict, /^synced\/mypkg\/__init__\.py was changed on the server since it was last synced, so the local version was not sent\.$/);
  await until('the status bar to show the conflict', async () => (await wb.statusBarTexts()).some((s) => s === 'Sync: 1 conflict'), 10000, 100);
  await t.screenshot('conflict');
  assert.equal(readOnServer('mypkg/__init__.py'), theirs, "the server's version is kept");
  assert.match(readFileSync(path.join(world.workspace, 'mypkg', '__init__.py'), 'utf8'), /return 'third version'/, 'the local version is kept');

  t.step('Jupyter Remote: Stop Syncing: the status bar item goes');
  await wb.escapeAll();
  await wb.runCommand('Jupyter Remote: Stop Syncing');
  await until('the sync item gone', async () => !(await wb.statusBarTexts()).some((s) => /Sync/.test(s)), 10000, 100);
}

export const syncJourneys: Journey[] = [
  {
    id: 26,
    slug: 'project-sync',
    needs: [10],
    name: 'A local project synced to Lab Today: a notebook imports its package on the remote kernel, an edit saved goes up and is reloaded in the kernel, and a file changed on the server is reported, not overwritten',
    run: syncJourney,
  },
];
