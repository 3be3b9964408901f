// Files: the server's file system in the Explorer, Open Server Folder, copying in, a save conflict.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { sleep, until } from '../workbench';
import { Journey, LOCAL_DATA, notebookJson, Steps, World } from './world';

/** Jupyter Remote: Open Server Folder… on Lab Today's `project`, a notebook there run beside its data, and what follows. */
async function serverFolderJourney(world: World, t: Steps): Promise<void> {
  const { wb } = world;
  const today = world.servers.today;
  const project = path.join(today.rootDir, 'project');
  const contents = (p: string, init: RequestInit = {}) => fetch(`${today.url}api/contents/${p}`, { ...init, headers: { Authorization: `token ${today.token}` } });
  const root = 'Lab Today: /project';
  const shownInExplorer = async (label: string) => (await wb.explorerRows()).some((r) => r.label === label);
  const expandRoot = async () => {
    const folded = wb.page.locator('.explorer-folders-view .monaco-list-row[aria-expanded="false"]').filter({ hasText: root });
    // Bounded: a click on a row the tree is redrawing waits for it to hold still; the caller looks again.
    if (await folded.count()) await folded.first().click({ timeout: 2000 }).catch(() => undefined);
  };
  /** What the window came back as: its URL names the workspace it opened, the Explorer what it holds. */
  const windowState = async () => {
    const explorer = await wb.page.locator('.explorer-viewlet').first().innerText({ timeout: 2000 }).catch(() => '?');
    const workspaceFile = new URL(wb.page.url()).searchParams.get('workspace');
    const written = workspaceFile && existsSync(workspaceFile) ? readFileSync(workspaceFile, 'utf8').replace(/\s+/g, ' ') : 'none';
    return `window at ${wb.page.url()}; title "${await wb.page.title()}"; Explorer: ${explorer.replace(/\s+/g, ' ').slice(0, 300)}; its workspace file: ${written}`;
  };

  t.step('run "Jupyter Remote: Open Server Folder…" and pick Lab Today');
  await wb.runCommand('Jupyter Remote: Open Server Folder…');
  await wb.waitForQuickInput(/Open a Folder on/);
  if ((await wb.quickInputTitle()).includes('Which Server')) await wb.pick('Lab Today');
  t.step('browse into project (one listing a folder) and open it in this window');
  await wb.waitForQuickInput('Open a Folder on Lab Today');
  await wb.pick(/^project$/);
  await until('the browser to be in /project', async () => (await wb.quickPickRows())[0]?.description === '/project');
  await wb.pick('Open This Folder');
  await wb.waitForQuickInput('Open Lab Today: /project');
  // A folder window becomes a workspace of both folders: Jupyter Remote writes its workspace file and the window opens it.
  t.step('the window reopens as a workspace of both folders; the Explorer shows the server folder beside the local one');
  const added = performance.now();
  await Promise.all([wb.page.waitForEvent('load', { timeout: 60000 }), wb.pick('Add to This Window')]);
  await wb.waitForWorkbench();
  try {
    await wb.showExplorer();
    await until("the server folder's files in the Explorer", async () => {
      await expandRoot();
      return (await shownInExplorer('analysis.ipynb')) && (await shownInExplorer('data.csv'));
    }, 60000, 500);
  } catch (e) {
    throw new Error(`${(e as Error).message.split('\n')[0]}; ${await windowState()}`);
  }
  const putBack = world.extensionLog().includes('came up with no folder') ? '; it came up with no folder and Jupyter Remote put its folders back' : '';
  t.note(`server folder added → its files in the Explorer: ${((performance.now() - added) / 1000).toFixed(1)} s (the window reopening as a workspace of both folders${putBack})`);

  t.step('expand many/: 5 000 files from one listing');
  const expand = performance.now();
  await wb.explorerRow('many').click();
  await until('many/ to show its first files', () => shownInExplorer('f0000.txt'), 30000, 20);
  const manyMs = performance.now() - expand;
  const listings = today.log().split('\n').filter((l) => /GET \/api\/contents\/project\/many\b/.test(l));
  assert.ok(listings.length >= 1 && !listings.some((l) => /project\/many\/f\d/.test(l)), `one listing, no request per entry: ${listings.join(' | ')}`);
  t.note(`Explorer: click on many/ (5 000 files) → its entries shown: ${manyMs.toFixed(0)} ms; the server's log: ${listings.map((l) => /GET (\S+).*?([\d.]+ms)/.exec(l)?.slice(1).join(' ') ?? l).join(', ')}`);
  await wb.setExplorerFolder('many', false); // fold it again
  await until('many/ folded', async () => !(await shownInExplorer('f0000.txt')), 15000, 100);

  t.step('open analysis.ipynb from the Explorer: the notebook editor, its tab');
  await wb.explorerRow('analysis.ipynb').dblclick();
  await until('the analysis.ipynb tab in front', async () => ((await wb.page.locator('.tab.active').first().innerText({ timeout: 1000 }).catch(() => '')).split('\n')[0] ?? '').trim() === 'analysis.ipynb', 30000);
  await wb.notebook.locator('.code-cell-row').first().waitFor({ state: 'visible', timeout: 30000 });

  t.step("the kernel picker offers Lab Today's Python 3 first");
  await wb.runCommand('Notebook: Select Notebook Kernel');
  await wb.openRemoteKernels();
  const rows = await wb.quickPickRows();
  assert.ok(/Python 3/.test(rows[0].label) && /Lab Today/.test(`${rows[0].label} ${rows[0].description}`), `first in the picker: ${JSON.stringify(rows.slice(0, 4))}`);
  t.note(`kernel picker: "${rows[0].label}" on ${rows[0].description} first of ${rows.length} (${[...new Set(rows.map((r) => r.description))].join(', ')})`);
  await wb.quickInput.locator('.monaco-list-row').first().click();
  await until('the kernel picker to close', async () => !(await wb.quickInput.isVisible()));

  t.step("run open('data.csv').read(): the kernel runs beside the notebook");
  await wb.runCell(0);
  await wb.waitForOutput(['Oslo,4', 'Lima,19'], 60000);

  t.step('edit the third cell and save: the server has the edit');
  await wb.focusCell(2);
  await wb.page.keyboard.press('End');
  await wb.page.keyboard.type(' edited in VS Code');
  await wb.page.keyboard.press('Escape');
  await wb.page.keyboard.press('Control+S');
  const sourceOnServer = async (index: number) => {
    const res = await contents('project/analysis.ipynb?content=1');
    const nb = (await res.json()) as { content: { cells: { source: string }[] } };
    return nb.content.cells[index]?.source ?? '';
  };
  await until('the saved edit on the server (read back over REST)', async () => (await sourceOnServer(2)) === '# notes edited in VS Code', 20000, 250);
  await until('the tab to show no unsaved changes', async () => !(await wb.page.locator('.tab.active.dirty').count()), 10000);

  t.step('the kernel writes results.txt: it appears in the Explorer');
  await wb.runCell(1);
  await until('results.txt on the server', () => existsSync(path.join(project, 'results.txt')), 30000, 20);
  const written = performance.now();
  await until('results.txt in the Explorer', () => shownInExplorer('results.txt'), 15000, 50);
  const kernelFileMs = performance.now() - written;
  t.step('another client saves through the Contents API: it appears at once (the event stream)');
  const putAt = performance.now();
  await contents('project/from-lab.txt', { method: 'PUT', body: JSON.stringify({ type: 'file', format: 'text', content: 'saved by JupyterLab\n' }) });
  await until('from-lab.txt in the Explorer', () => shownInExplorer('from-lab.txt'), 15000, 20);
  const eventMs = performance.now() - putAt;
  t.note(`a file the kernel wrote showed in the Explorer after ${kernelFileMs.toFixed(0)} ms (polling every 2 s); a file saved by another client through the Contents API after ${eventMs.toFixed(0)} ms (jupyter_server 2's event stream)`);

  t.step('copy local-data.csv from the local folder and paste it into the server folder');
  await wb.explorerRow('local-data.csv').click();
  await wb.page.keyboard.press('Control+C');
  await wb.explorerRow(root).click();
  await wb.page.keyboard.press('Control+V');
  const copied = path.join(project, 'local-data.csv');
  await until('local-data.csv on the server, byte for byte', () => existsSync(copied) && readFileSync(copied, 'utf8') === LOCAL_DATA, 20000, 100);
  await until('local-data.csv in the server folder in the Explorer', async () => {
    await expandRoot(); // a click on the root to select it folds it
    return (await wb.explorerRows()).filter((r) => r.label === 'local-data.csv').length === 2;
  }, 15000, 250).catch(async (e: Error) => {
    throw new Error(`${e.message}; ${await windowState()}`);
  });

  t.step('back to the notebook: edit it in VS Code; meanwhile it is changed on the server; save');
  await wb.page.locator('.tab', { hasText: 'analysis.ipynb' }).first().click();
  await wb.notebook.locator('.code-cell-row').first().waitFor({ state: 'visible' });
  await wb.focusCell(2);
  await wb.page.keyboard.press('End');
  await wb.page.keyboard.type(' and again');
  await wb.page.keyboard.press('Escape');
  await until('the tab to show unsaved changes', async () => (await wb.page.locator('.tab.active.dirty').count()) > 0, 10000).catch(async (e: Error) => {
    throw new Error(`${e.message}: server has ${JSON.stringify(await sourceOnServer(2))}; tabs ${JSON.stringify(await wb.page.locator('.tab').evaluateAll((tabs) => tabs.map((t) => t.className)))}`);
  });
  const theirs = JSON.parse(notebookJson(["open('data.csv').read()", "print('changed on the server')"])) as unknown;
  const put = await contents('project/analysis.ipynb', { method: 'PUT', body: JSON.stringify({ type: 'notebook', format: 'json', content: theirs }) });
  assert.equal(put.status, 200, 'the other client saved');
  await sleep(500);
  await wb.page.keyboard.press('Control+S');
  t.step("VS Code shows the conflict; the server keeps the other version, the editor keeps ours, unsaved");
  const conflict = await until('the save conflict to be shown', async () => (await wb.notifications()).find((n) => /newer|modified|conflict/i.test(n)), 20000, 100);
  t.note(`conflict shown: "${conflict.replace(/\s+/g, ' ').slice(0, 160)}"`);
  assert.equal(await sourceOnServer(1), "print('changed on the server')", "the other client's version is still on the server");
  assert.equal(await sourceOnServer(2), '', 'the server copy is theirs (two cells), not ours');
  assert.ok((await wb.page.locator('.tab.active.dirty').count()) > 0, 'the editor still holds the unsaved edit');
  const cellText = (await wb.notebook.locator('.code-cell-row').nth(2).locator('.view-lines').innerText()).replace(/\s+/g, ' ');
  assert.match(cellText, /edited in VS Code and again/, 'our edit is still in the editor');
}

export const fileJourneys: Journey[] = [
  {
    id: 12,
    slug: 'server-folder',
    name: "The server's files: open a server folder, run beside its data, save, the kernel's files appear, copy in, a conflict",
    needs: [10],
    run: serverFolderJourney,
  },
];
