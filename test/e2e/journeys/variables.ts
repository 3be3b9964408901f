// Looking inside the remote kernel on today's stack (ipykernel 7.4, pandas): the Variables view while a cell
// sleeps, its refresh while the cell goes on, a dict expanded, the kernel's memory in the status bar's
// tooltip; a 1,000,000-row DataFrame in the Data Viewer, scrolled to its end and sorted.
import assert from 'node:assert/strict';
import { until } from '../workbench';
import { Journey, openLocalNotebook, Steps, World } from './world';

/** Waits until the Variables view lists each name; returns the rows then. */
async function variablesListed(world: World, names: string[], timeoutMs: number): Promise<{ name: string; description: string }[]> {
  let rows: { name: string; description: string }[] = [];
  await until(`the Variables view to list ${names.join(', ')}`, async () => {
    rows = await world.wb.remoteVariables();
    return names.every((n) => rows.some((r) => r.name === n));
  }, timeoutMs, 50).catch(async (e: Error) => {
    throw new Error(`${e.message}; it lists: ${JSON.stringify(rows)}; its message: ${JSON.stringify(await world.wb.remoteVariablesMessage())}`);
  });
  return rows;
}

async function variablesJourney(world: World, t: Steps): Promise<void> {
  const { wb } = world;
  await openLocalNotebook(world, t, 'variables.ipynb', [
    "import numpy as np\nscores = {'ann': 3, 'bob': 5}\nlabel = 'before the long cell'\ngrid = np.zeros((3, 4))",
    "import time\nstarted = 'yes'\ntime.sleep(20)\nfinished = 'yes'",
  ]);
  t.step('run the first cell; start the second, which sleeps 20 s');
  await wb.runCell(0);
  await until('the first cell counted', async () => (await wb.executionCounts())[0] === '[1]', 30000, 50);
  await wb.runCell(1);
  await until('the second cell running', () => wb.cellRunning(1), 10000, 50);

  t.step('Jupyter Remote: Show Variables while it sleeps: the variables from before it are listed within 2 s');
  const asked = performance.now();
  await wb.runCommand('Jupyter Remote: Show Variables');
  const rows = await variablesListed(world, ['grid', 'label', 'scores'], 2000);
  t.note(`Variables view: the command → grid, label and scores listed in ${(performance.now() - asked).toFixed(0)} ms while the cell slept`);
  const describe = (name: string) => rows.find((r) => r.name === name)?.description;
  assert.match(describe('grid') ?? '', /^ndarray · 3 × 4 · float64 \[0\., 0\., 0\./);
  assert.match(describe('scores') ?? '', /^dict · 2 · \{'ann': 3, 'bob': 5\}$/);
  assert.ok(!rows.some((r) => r.name === 'np' || r.name === 'time'), 'modules hidden');
  assert.ok(await wb.cellRunning(1), 'the cell still runs');

  t.step("while it runs, the view refreshes by itself: the running cell's `started` shows; the kernel's resources at its top");
  await variablesListed(world, ['started'], 8000);
  await until("the kernel's resources at the view's top", async () => /Kernel: CPU \d+ %, memory \d+/.test(await wb.remoteVariablesMessage()), 8000, 100);
  t.note(`the view's top: "${await wb.remoteVariablesMessage()}"`);

  t.step("expand scores: its items, each with its value");
  await wb.variablesView.locator('.monaco-list-row', { hasText: 'scores' }).first().click();
  await wb.page.keyboard.press('ArrowRight');
  await variablesListed(world, ["'ann'", "'bob'"], 5000);
  await t.screenshot('1-variables');

  t.step("hover the status bar's server item: its tooltip has the kernel's memory");
  await wb.serverStatus.hover();
  let tooltip = '';
  await until('the tooltip with the kernel\'s memory', async () => {
    tooltip = (await wb.page.locator('.monaco-hover, .workbench-hover').first().innerText({ timeout: 500 }).catch(() => '')).trim();
    return /Kernel: CPU \d+ %, memory \d+ [MG]B/.test(tooltip);
  }, 10000, 100).catch((e: Error) => {
    throw new Error(`${e.message}; the tooltip: ${JSON.stringify(tooltip)}`);
  });
  await wb.page.mouse.move(0, 0);

  t.step("interrupt the cell with the notebook's Interrupt: it ends, and the view shows what it left");
  await wb.notebookToolbarButton('Interrupt').click();
  await until('the second cell ended', async () => !(await wb.cellRunning(1)), 15000, 50);
  const after = await wb.remoteVariables();
  assert.ok(!after.some((r) => r.name === 'finished'), 'the interrupted cell never set finished');
}

async function dataViewerJourney(world: World, t: Steps): Promise<void> {
  const { wb } = world;
  await openLocalNotebook(world, t, 'frame.ipynb', [
    "import numpy as np, pandas as pd\nn = 1_000_000\nbig = pd.DataFrame({'id': np.arange(n), 'bucket': np.arange(n) % 997, 'name': ['row%d' % i for i in range(n)]})",
  ]);
  t.step('run the cell that makes a 1,000,000-row DataFrame; Show Variables lists it');
  await wb.runCell(0);
  await until('the cell counted', async () => (await wb.executionCounts())[0] === '[1]' && !(await wb.cellRunning(0)), 60000, 100);
  await wb.runCommand('Jupyter Remote: Show Variables');
  const rows = await variablesListed(world, ['big'], 10000);
  assert.match(rows.find((r) => r.name === 'big')?.description ?? '', /^DataFrame · 1000000 × 3 · columns: id, bucket, name$/);

  t.step('its table button opens the Data Viewer in an editor tab: the column types in the header, the first rows');
  const row = wb.variablesView.locator('.monaco-list-row', { hasText: 'big' }).first();
  await row.hover();
  const clicked = performance.now();
  await row.locator('.action-label[aria-label="Open in Data Viewer"]').click();
  const grid = await wb.dataGrid();
  await until('the first rows', async () => (await wb.gridRows(grid))[0]?.join('|') === '0|0|0|0|row0', 20000, 50);
  t.note(`Data Viewer: the click → the first rows shown in ${(performance.now() - clicked).toFixed(0)} ms`);
  assert.match(await wb.activeTab(), /^big \(DataFrame 1000000 × 3\)$/);
  const header = (await grid.locator('.jr-grid-header-cell[data-column]').allInnerTexts()).map((h) => h.replace(/\s+/g, ' ').trim());
  assert.deepEqual(header.slice(0, 2), ['id int64', 'bucket int64']);
  assert.match(header[2], /^name (object|str|string)$/);
  await t.screenshot('1-first-rows');

  t.step('Ctrl+End: the last rows, 999,999 last, with their values');
  await grid.locator('.jr-grid').click({ position: { x: 200, y: 60 } });
  const jumped = performance.now();
  await wb.page.keyboard.press('Control+End');
  let shown: string[][] = [];
  await until('row 999,999 shown', async () => {
    shown = await wb.gridRows(grid);
    return shown.at(-1)?.join('|') === '999999|999999|999999|8|row999999';
  }, 20000, 50).catch((e: Error) => {
    throw new Error(`${e.message}; rows shown: ${JSON.stringify(shown.slice(-3))}`);
  });
  t.note(`Ctrl+End → row 999,999 shown in ${(performance.now() - jumped).toFixed(0)} ms`);
  assert.ok(shown.every((r) => Number(r[3]) === Number(r[1]) % 997 && r[4] === `row${r[1]}`), 'every row shown is right');
  assert.match(await grid.locator('.jr-grid-status').innerText(), /of 1,000,000/);

  t.step('click the bucket header twice: sorted descending in the kernel, 996 first');
  await grid.locator('.jr-grid-header-cell[data-column="1"]').click();
  await until('sorted ascending', async () => (await grid.locator('.jr-grid-header-cell[data-column="1"]').getAttribute('aria-sort')) === 'ascending', 5000, 50);
  const sorting = performance.now();
  await grid.locator('.jr-grid-header-cell[data-column="1"]').click();
  await until('the rows sorted by bucket, descending', async () => {
    shown = await wb.gridRows(grid);
    return shown.length > 0 && shown[0][0] === '0' && shown.every((r) => r[3] === '996');
  }, 20000, 50).catch((e: Error) => {
    throw new Error(`${e.message}; rows shown: ${JSON.stringify(shown.slice(0, 3))}`);
  });
  t.note(`sort by bucket, descending: the click → sorted rows shown in ${(performance.now() - sorting).toFixed(0)} ms`);
  assert.ok(shown.every((r) => Number(r[2]) % 997 === 996 && r[1] === r[2]), 'each row its own id, index and bucket');
  await t.screenshot('2-sorted');

  t.step('filter: name contains row99999 → the 11 rows that do, counted from the million');
  await grid.locator('[aria-label="Filter column"]').selectOption({ label: 'name' });
  await grid.locator('[aria-label="Filter operator"]').selectOption('contains');
  await grid.locator('[aria-label="Filter value"]').fill('row99999');
  await grid.locator('[aria-label="Apply filter"]').click();
  await until('11 rows of 1,000,000', async () => /of 11 \(filtered from 1,000,000\)/.test(await grid.locator('.jr-grid-status').innerText()), 20000, 50);
  shown = await wb.gridRows(grid);
  assert.deepEqual(shown.map((r) => r[4]).sort(), ['row99999', ...Array.from({ length: 10 }, (_, i) => `row99999${i}`)].sort());
}

export const variableJourneys: Journey[] = [
  {
    id: 24,
    slug: 'variables-while-running',
    name: "The Variables view while a cell sleeps on today's stack: listed within 2 s, refreshed as the cell goes on, a dict expanded, the kernel's memory at its top and in the status bar's tooltip",
    needs: [10],
    run: variablesJourney,
  },
  {
    id: 25,
    slug: 'data-viewer',
    name: 'A 1,000,000-row DataFrame in the Data Viewer: its first rows and column types, Ctrl+End to the last row, sorted by a column and filtered by text, all in the kernel',
    needs: [10],
    run: dataViewerJourney,
  },
];
