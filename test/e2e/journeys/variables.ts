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

export const variableJourneys: Journey[] = [
  {
    id: 24,
    slug: 'variables-while-running',
    name: "The Variables view while a cell sleeps on today's stack: listed within 2 s, refreshed as the cell goes on, a dict expanded, the kernel's memory at its top and in the status bar's tooltip",
    needs: [10],
    run: variablesJourney,
  },
];
