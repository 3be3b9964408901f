// Debugging cells on today's stack (ipykernel 7.4, debugpy 1.8), as a person does it: breakpoints set in the
// gutter, Debug Cell and Run by Line from the cell's run menu or the palette, the highlighted current line,
// the Variables view, the debug toolbar's keys, the cell toolbar's Run Next Line, the notebook's Interrupt.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import { until } from '../workbench';
import { Journey, notebookJson, openFromExplorer, openLocalNotebook, Steps, World } from './world';

/** Seconds since `from`, for the notes. */
const since = (from: number) => `${((performance.now() - from) / 1000).toFixed(1)} s`;

/** The cell's editor. */
function cellEditor(world: World, index: number): Locator {
  return world.wb.cellRow(index).locator('.monaco-editor').first();
}

/** Waits until the editor highlights `line` as the one the debugger stopped at. */
async function stoppedAt(world: World, editor: Locator, line: string, timeoutMs = 30000): Promise<void> {
  let seen = '';
  await until(`the debugger to stop at "${line}"`, async () => {
    seen = (await world.wb.currentLine(editor)).trim();
    return seen === line;
  }, timeoutMs, 50).catch((e: Error) => {
    throw new Error(`${e.message}; the line highlighted: ${JSON.stringify(seen)}`);
  });
}

/** Waits until the Variables view shows `row` ("i = 1"). */
async function variableShown(world: World, row: string, timeoutMs = 10000): Promise<void> {
  let rows: string[] = [];
  await until(`the Variables view to show ${row}`, async () => {
    rows = await world.wb.debugVariables();
    return rows.includes(row);
  }, timeoutMs, 50).catch((e: Error) => {
    throw new Error(`${e.message}; it shows: ${JSON.stringify(rows)}`);
  });
}

/** The debug session is over: the debug toolbar is gone. */
async function sessionEnded(world: World, what: string, timeoutMs = 30000): Promise<void> {
  await until(what, async () => !(await world.wb.debugToolbar.isVisible()), timeoutMs, 50);
}

async function cellSucceeded(world: World, index: number, timeoutMs = 30000): Promise<void> {
  await until(`cell ${index + 1} to end with its success mark`, async () => (await world.wb.cellRow(index).locator('.codicon-notebook-state-success').count()) > 0, timeoutMs, 50);
}

/** Issue 25, journey 1: a breakpoint on a loop line, Debug Cell, the loop variable in the Variables view, two steps, Continue. */
async function debugCellJourney(world: World, t: Steps): Promise<void> {
  const { wb } = world;
  await openLocalNotebook(world, t, 'debug-loop.ipynb', ["total = 0\nfor i in range(3):\n    total += i * 10\nprint('total', total)"]);
  const editor = cellEditor(world, 0);
  t.step('click the gutter beside "total += i * 10": a breakpoint');
  await wb.revealCell(0);
  await wb.clickGutter(editor, 'total += i * 10');
  await until('the breakpoint in the gutter', async () => (await wb.breakpointLines(editor)).map((l) => l.trim()).join() === 'total += i * 10', 5000, 50);

  t.step("Debug Cell from the cell's run menu: it stops at the breakpoint, highlighted");
  const started = performance.now();
  await wb.cellRunMenu(0, 'Debug Cell');
  await stoppedAt(world, editor, 'total += i * 10');
  const stopMs = since(started);
  await wb.debugToolbar.waitFor({ state: 'visible' });
  t.step('the Variables view shows the loop variable: i = 0');
  await variableShown(world, 'i = 0');
  await variableShown(world, 'total = 0');
  await t.screenshot('1-stopped');

  t.step('Step Over (F10) twice: back round the loop, i = 1');
  const stepped = performance.now();
  await wb.page.keyboard.press('F10');
  await stoppedAt(world, editor, 'for i in range(3):');
  await wb.page.keyboard.press('F10');
  await stoppedAt(world, editor, 'total += i * 10');
  await variableShown(world, 'i = 1');
  await variableShown(world, 'total = 0');
  const stepMs = since(stepped);

  t.step('click the breakpoint away, Continue (F5): the cell runs to its end with the right output');
  await wb.clickGutter(editor, 'total += i * 10');
  await until('the breakpoint gone from the gutter', async () => (await wb.breakpointLines(editor)).length === 0, 5000, 50);
  const continued = performance.now();
  // As soon as the gutter shows it gone, as a person does: VS Code sends the removal, then the Continue, and
  // the kernel must get them in that order (else it stops once more at the breakpoint no longer there, i = 2).
  await wb.page.keyboard.press('F5');
  const outcome = await until('the debug session to end with the cell', async () => {
    if (!(await wb.debugToolbar.isVisible())) return 'ended';
    const again = (await wb.currentLine(editor)).trim() === 'total += i * 10' && (await wb.debugVariables()).includes('i = 2');
    return again && 'stopped again at the removed breakpoint, i = 2';
  }, 30000, 50);
  assert.equal(outcome, 'ended', 'Continue after the breakpoint was clicked away: the removal must reach the kernel before the Continue');
  await wb.waitForOutput(['total 30']);
  await cellSucceeded(world, 0);
  assert.equal((await wb.executionCounts())[0], '[1]');
  assert.equal(await wb.currentLine(editor), '', 'no line highlighted once the cell ended');
  t.note(`Debug Cell → stopped at the breakpoint ${stopMs}; two steps ${stepMs}; Continue → session over, output shown ${since(continued)}`);
}

/** Issue 25, journey 2: Run by Line through a three-line cell with the cell toolbar's Run Next Line. */
async function runByLineJourney(world: World, t: Steps): Promise<void> {
  const { wb } = world;
  // One statement a line: debugpy 1.8 stops twice on a line of two statements (`a = 1; print(a)`), once for each.
  const lines = ['x = 6', 'y = x * 7', "print('x + y is', x + y)"];
  await openLocalNotebook(world, t, 'run-by-line.ipynb', [lines.join('\n')]);
  const editor = cellEditor(world, 0);
  t.step("Run by Line from the cell's run menu: the first line is current");
  const started = performance.now();
  await wb.cellRunMenu(0, 'Run by Line');
  await stoppedAt(world, editor, lines[0]);
  const firstMs = since(started);
  assert.ok(!(await wb.debugToolbar.isVisible()), 'Run by Line steps from the cell, without the debug toolbar');
  const stepMs: number[] = [];
  const next = async (current: string) => {
    const at = performance.now();
    await wb.cellRow(0).hover({ position: { x: 200, y: 12 } });
    await wb.cellToolbarButton(0, 'Run Next Line').click();
    await stoppedAt(world, editor, current);
    stepMs.push(performance.now() - at);
  };
  t.step('Run Next Line (cell toolbar): the second line is current; the first one\'s x shows 6 under the pointer');
  await next(lines[1]);
  assert.equal(await wb.debugHover(await wb.wordOnLine(editor, lines[1], 'x')), '6');
  t.step('Run Next Line: the third line is current; y shows 42');
  await next(lines[2]);
  assert.equal(await wb.debugHover(await wb.wordOnLine(editor, lines[2], 'y')), '42');
  assert.doesNotMatch(await wb.outputText(), /x \+ y is/, 'the third line has not run yet');
  await t.screenshot('1-third-line');
  t.step('Run Next Line: the cell ends with its output, the toolbar buttons gone');
  const last = performance.now();
  await wb.cellRow(0).hover({ position: { x: 200, y: 12 } });
  await wb.cellToolbarButton(0, 'Run Next Line').click();
  await wb.waitForOutput(['x + y is 48']);
  await cellSucceeded(world, 0);
  const endMs = since(last);
  await until('no line highlighted', async () => (await wb.currentLine(editor)) === '', 10000, 50);
  await until('Run Next Line gone from the cell toolbar', async () => (await wb.cellToolbarButton(0, 'Run Next Line').count()) === 0, 10000, 100);
  t.note(`Run by Line → first line current ${firstMs}; Run Next Line → the next line current ${stepMs.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')}; the last → cell ended with its output ${endMs}`);
}

/** Issue 25, journey 3: a notebook in the server folder steps into helper.py beside it; a breakpoint set there is hit on the next run. */
async function helperFileJourney(world: World, t: Steps): Promise<void> {
  const { wb } = world;
  const today = world.servers.today;
  const project = path.join(today.rootDir, 'project');
  writeFileSync(path.join(project, 'helper.py'), 'def triple(x):\n    y = x * 3\n    return y\n');
  writeFileSync(path.join(project, 'uses-helper.ipynb'), notebookJson(["import helper\nresult = helper.triple(14)\nprint('result', result)"]));
  const root = 'Lab Today: /project';
  t.step(`in the Explorer, open uses-helper.ipynb from ${root} (written on the server beside helper.py)`);
  await openFromExplorer(world, 'uses-helper.ipynb', root);
  await wb.selectKernel(/^Python 3/, 'Lab Today');
  const cell = cellEditor(world, 0);

  t.step('a breakpoint on the call (gutter), Debug Cell from the run menu: stopped at the call');
  await wb.clickGutter(cell, 'result = helper.triple(14)');
  await until('the breakpoint in the gutter', async () => (await wb.breakpointLines(cell)).length === 1, 5000, 50);
  const started = performance.now();
  await wb.cellRunMenu(0, 'Debug Cell');
  await stoppedAt(world, cell, 'result = helper.triple(14)', 60000);
  const stopMs = since(started);

  t.step("Step Into (F11): the editor opens helper.py from the server at the function's first line, x = 14");
  const stepped = performance.now();
  await wb.page.keyboard.press('F11');
  await until('helper.py in front', async () => (await wb.activeTab()) === 'helper.py', 20000, 50);
  const helper = wb.page.locator('.part.editor .editor-instance .monaco-editor[data-uri$="/project/helper.py"]:visible').first();
  await stoppedAt(world, helper, 'y = x * 3');
  const stepMs = since(stepped);
  const uri = (await helper.getAttribute('data-uri')) ?? '';
  assert.match(uri, /^jupyter-remote:\/\/[^/]+\/project\/helper\.py$/, `the server's file, not a copy: ${uri}`);
  const crumbs = (await wb.page.locator('.part.editor .breadcrumbs-control:visible').first().innerText()).replace(/\s+/g, ' ');
  assert.match(crumbs, /helper\.py/, `the breadcrumbs: ${crumbs}`);
  await variableShown(world, 'x = 14');
  await t.screenshot('1-stepped-into-helper');

  t.step('Continue (F5): the cell ends with its output');
  await wb.page.keyboard.press('F5');
  await sessionEnded(world, 'the debug session to end with the cell');

  t.step('in helper.py, a breakpoint on "return y" (gutter); back in the notebook, the call\'s breakpoint clicked away');
  await wb.clickGutter(helper, 'return y');
  await until('the breakpoint in helper.py', async () => (await wb.breakpointLines(helper)).map((l) => l.trim()).join() === 'return y', 5000, 50);
  await wb.page.locator('.tab', { hasText: 'uses-helper.ipynb' }).first().click();
  await until('the notebook in front', async () => (await wb.activeTab()) === 'uses-helper.ipynb', 10000, 50);
  await wb.waitForOutput(['result 42']);
  await wb.clickGutter(cell, 'result = helper.triple(14)');
  await until('the breakpoint gone from the cell', async () => (await wb.breakpointLines(cell)).length === 0, 5000, 50);

  t.step('Debug Cell again (palette): it stops in helper.py at "return y", y = 42');
  const again = performance.now();
  await wb.focusCell(0);
  await wb.runCommand('Jupyter Remote: Debug Cell');
  await until('helper.py in front', async () => (await wb.activeTab()) === 'helper.py', 30000, 50);
  await stoppedAt(world, helper, 'return y');
  const hitMs = since(again);
  await variableShown(world, 'y = 42');
  t.step('Continue (F5): the session ends, the cell prints its result again');
  await wb.page.keyboard.press('F5');
  await sessionEnded(world, 'the debug session to end with the cell');
  await wb.page.locator('.tab', { hasText: 'uses-helper.ipynb' }).first().click();
  await until('the second run counted', async () => (await wb.executionCounts())[0] === '[2]', 20000, 50);
  await wb.waitForOutput(['result 42']);
  // Leaves no breakpoint behind for the journeys after.
  await wb.page.locator('.tab', { hasText: 'helper.py' }).first().click();
  await wb.clickGutter(helper, 'return y');
  await until('the breakpoint gone from helper.py', async () => (await wb.breakpointLines(helper)).length === 0, 5000, 50);
  t.note(`Debug Cell → stopped at the call ${stopMs}; Step Into → helper.py open at its line ${stepMs}; the next Debug Cell → stopped at the breakpoint in helper.py ${hitMs}`);
}

/** Issue 25, journey 4: Interrupt while the debugger holds a cell: the session ends, the kernel runs the next cell. */
async function interruptJourney(world: World, t: Steps): Promise<void> {
  const { wb } = world;
  await openLocalNotebook(world, t, 'debug-interrupt.ipynb', ['import time\nfor k in range(100):\n    time.sleep(0.05)\nprint("after", k)', "print('still here:', 6 * 7)"]);
  const editor = cellEditor(world, 0);
  t.step('F9 on "time.sleep(0.05)": a breakpoint');
  await wb.focusCell(0);
  await wb.page.keyboard.press('Control+Home');
  await wb.page.keyboard.press('ArrowDown');
  await wb.page.keyboard.press('ArrowDown');
  await wb.page.keyboard.press('F9');
  await until('the breakpoint in the gutter', async () => (await wb.breakpointLines(editor)).map((l) => l.trim()).join() === 'time.sleep(0.05)', 5000, 50);
  t.step('Debug Cell from the palette: stopped in the loop');
  const started = performance.now();
  await wb.runCommand('Jupyter Remote: Debug Cell');
  await stoppedAt(world, editor, 'time.sleep(0.05)');
  await wb.debugToolbar.waitFor({ state: 'visible' });
  const stopMs = since(started);
  t.step("Interrupt on the notebook toolbar: the debug session ends, saying why; the cell ends interrupted");
  const interrupted = performance.now();
  await wb.notebookToolbarButton('Interrupt').click();
  await sessionEnded(world, 'the debug session to end on the interrupt');
  const endMs = since(interrupted);
  await wb.waitForOutput(['KeyboardInterrupt']);
  await until('no line highlighted', async () => (await wb.currentLine(editor)) === '', 10000, 50);
  const told = await until('a notification saying why the session ended', async () => (await wb.notifications()).find((n) => /debug session ended/i.test(n)), 10000, 100);
  assert.match(told, /interrupt/, 'the sentence names the interrupt');
  t.step('run the next cell: the kernel runs it');
  const ran = performance.now();
  await wb.runCell(1);
  await wb.waitForOutput(['still here: 42']);
  await cellSucceeded(world, 1);
  const runMs = since(ran);
  await wb.revealCell(0);
  await wb.clickGutter(editor, 'time.sleep(0.05)'); // leaves no breakpoint behind for the journeys after
  await until('the breakpoint gone from the gutter', async () => (await wb.breakpointLines(editor)).length === 0, 5000, 50);
  t.note(`Debug Cell → stopped ${stopMs}; Interrupt → session over ${endMs} (told: "${told}"); the next cell ran in ${runMs}`);
  t.step("the session's end was told in one notification");
  // One interrupt, one session: one sentence (by now, a second toast of the same end would have come).
  const toasts = (await wb.notifications()).filter((n) => /debug session ended/i.test(n));
  assert.equal(toasts.length, 1, `the session's end told once: ${JSON.stringify(toasts)}`);
}

/**
 * The entries of a cell's run menu (the chevron beside its run button), closed again after; none when VS
 * Code shows no chevron, which it does when the menu would be empty.
 */
async function runMenuEntries(world: World, index: number): Promise<string[]> {
  const { wb } = world;
  await wb.revealCell(index);
  await wb.cellRow(index).hover({ position: { x: 60, y: 12 } });
  const runButton = wb.cellRow(index).locator('.run-button-container').first();
  await runButton.waitFor({ state: 'visible', timeout: 5000 });
  const chevron = runButton.locator('.codicon-chevron-down');
  if (!(await chevron.count())) return [];
  await chevron.first().click();
  const items = wb.page.locator('.monaco-menu .action-item');
  await items.first().waitFor({ state: 'visible', timeout: 5000 });
  const entries = (await items.allInnerTexts()).map((s) => s.trim()).filter(Boolean);
  await wb.page.keyboard.press('Escape');
  return entries;
}

async function noDebuggerJourney(world: World, t: Steps): Promise<void> {
  const { wb } = world;
  writeFileSync(path.join(world.workspace, 'no-debugger.ipynb'), notebookJson(['print(6 * 7)']));
  t.step('open no-debugger.ipynb, pick "Without a Debugger" on Lab Today (its kernels have no debugpy), run the cell');
  await openFromExplorer(world, 'no-debugger.ipynb');
  await wb.selectKernel(/^Without a Debugger/, 'Lab Today', 'Without a Debugger');
  await wb.runCell(0);
  await wb.waitForOutput(['42'], 60000);
  await cellSucceeded(world, 0);
  t.step("the cell's run menu offers neither Debug Cell nor Run by Line");
  const entries = await runMenuEntries(world, 0);
  assert.ok(!entries.some((e) => /Debug Cell|Run by Line/.test(e)), `the run menu: ${JSON.stringify(entries)}`);
  t.step('Jupyter Remote: Debug Cell from the palette says why in one sentence');
  await wb.runCommand('Jupyter Remote: Debug Cell');
  const why = await until('the reason', async () => (await wb.notifications()).find((n) => /debug the cell/.test(n)), 15000, 100);
  assert.equal(why, 'Could not debug the cell: The kernel has no debugger (is debugpy installed in its environment?).');
  t.note(`run menu: ${entries.length ? entries.join(', ') : 'none (no chevron)'}; the palette: "${why}"`);
  await wb.escapeAll();
}

async function tracebackLinkJourney(world: World, t: Steps): Promise<void> {
  const { wb } = world;
  const project = path.join(world.servers.today.rootDir, 'project');
  writeFileSync(path.join(project, 'failing.py'), '# a module on the server\ndef divide(a, b):\n    return a / b\n');
  writeFileSync(path.join(project, 'traceback.ipynb'), notebookJson(['import failing\nfailing.divide(1, 0)']));
  const root = 'Lab Today: /project';
  t.step(`open traceback.ipynb from ${root}, run a cell whose error is raised in failing.py on the server`);
  // The local folder folded, as a person does to see the server folder's files: by now it lists some thirty
  // notebooks, and the Explorer draws only the rows in view.
  await wb.showExplorer();
  await wb.setExplorerFolder('workspace', false);
  await openFromExplorer(world, 'traceback.ipynb', root);
  await wb.selectKernel(/^Python 3/, 'Lab Today');
  await wb.runCell(0);
  await wb.waitForOutput(['ZeroDivisionError'], 60000);
  t.step("the traceback's line 3 of failing.py is a link to the server's file: click it");
  const link = wb.outputs.locator('a[href*="/project/failing.py:3"]').first();
  await link.waitFor({ state: 'visible', timeout: 15000 }).catch(async (e: Error) => {
    const hrefs = await wb.outputs.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    throw new Error(`${e.message}; the output's links: ${JSON.stringify(hrefs)}`);
  });
  const href = (await link.getAttribute('href')) ?? '';
  assert.match(href, /^jupyter-remote:\/\/[^/]+\/project\/failing\.py:3$/);
  const clicked = performance.now();
  await link.click();
  await until('failing.py in front', async () => (await wb.activeTab()) === 'failing.py', 20000, 50);
  const editor = wb.page.locator('.part.editor .editor-instance .monaco-editor[data-uri$="/project/failing.py"]:visible').first();
  assert.match((await editor.getAttribute('data-uri')) ?? '', /^jupyter-remote:\/\/[^/]+\/project\/failing\.py$/, "the server's file");
  await until('the cursor on line 3', async () => (await wb.statusBarTexts()).some((s) => /^Ln 3, Col \d+$/.test(s)), 10000, 50);
  t.note(`traceback link → failing.py from the server at line 3 in ${since(clicked)} (href ${href.replace(/\/\/[^/]+\//, '//…/')})`);
  await wb.setExplorerFolder('workspace', true);
}

export const debugJourneys: Journey[] = [
  {
    id: 20,
    slug: 'debug-cell',
    name: "Debug Cell on today's stack: a breakpoint on a loop line, the loop variable in Variables, two steps, Continue to the output",
    needs: [10],
    run: debugCellJourney,
  },
  {
    id: 21,
    slug: 'run-by-line',
    name: "Run by Line on today's stack: three lines with the cell toolbar's Run Next Line, each current in turn, the earlier lines' values under the pointer, then the output",
    needs: [10],
    run: runByLineJourney,
  },
  {
    id: 22,
    slug: 'debug-server-file',
    name: "Debugging into a server file: Step Into opens jupyter-remote://…/helper.py at its line; a breakpoint set there is hit on the next run",
    needs: [10, 12],
    run: helperFileJourney,
  },
  {
    id: 23,
    slug: 'debug-interrupt',
    name: 'Interrupt during a debug session: the session ends, told once, the cell ends interrupted, the kernel runs the next cell',
    needs: [10],
    run: interruptJourney,
  },
  {
    id: 27,
    slug: 'no-debugger',
    name: "A kernel type without a debugger: its cells' run menu offers no Debug Cell or Run by Line, and Debug Cell from the palette says why in one sentence",
    needs: [10],
    run: noDebuggerJourney,
  },
  {
    id: 28,
    slug: 'traceback-link',
    name: "A traceback from a module on the server: its frame's line number links to the server's file, which opens at that line",
    needs: [10, 12],
    run: tracebackLinkJourney,
  },
];
