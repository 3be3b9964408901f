// Widgets: ipywidgets drawn and driven in the notebook, saved and shown again; beside Microsoft's Jupyter extension.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { until } from '../workbench';
import { Journey, Steps, World } from './world';

/** widgets.ipynb on Lab Today (ipywidgets 8.1.9, tqdm): a slider, tqdm's bar, an Output widget, interact. */
async function widgetsJourney(world: World, t: Steps): Promise<void> {
  const { wb } = world;
  t.step('open widgets.ipynb, pick Python 3 on Lab Today');
  await wb.openFile('widgets.ipynb');
  await wb.selectKernel(/^Python 3/, 'Lab Today');
  t.step('run the IntSlider cell: a slider is drawn at 3');
  await wb.runCell(0);
  const slider = wb.outputs.locator('.widget-slider').first();
  await slider.waitFor({ state: 'visible', timeout: 60000 });
  await until('the readout to show 3', async () => (await wb.outputs.locator('.widget-readout').first().innerText()).trim() === '3');
  t.step('drag it with the mouse to the left end: the kernel\'s variable is 0');
  const handle = wb.outputs.locator('.noUi-handle').first();
  await wb.dragSlider(handle, wb.outputs.locator('.widget-slider .noUi-target').first(), -0.1);
  await until('the readout to show 0', async () => (await wb.outputs.locator('.widget-readout').first().innerText()).trim() === '0');
  await wb.runCell(1);
  await wb.waitForOutput(['slider at 0']);
  t.step('set it with the keyboard (five presses of the right arrow): the kernel\'s variable follows');
  await handle.click();
  for (let i = 0; i < 5; i++) await wb.page.keyboard.press('ArrowRight');
  await until('the readout to show 5', async () => (await wb.outputs.locator('.widget-readout').first().innerText()).trim() === '5');
  await wb.runCell(1);
  await wb.waitForOutput(['slider at 5']);
  await t.screenshot('1-slider');
  t.step('tqdm.notebook over 200 steps: the bar ends at 100% with 200/200; meanwhile the command palette opens and closes');
  const started = performance.now();
  await wb.runCell(2);
  const barDone = () => wb.outputText().then((text) => /100%[\s\S]*200\/200/.test(text));
  const paletteMs: number[] = [];
  while (!(await barDone()) && performance.now() - started < 60000) paletteMs.push(await wb.paletteOpenMs());
  await until('the bar to read 200/200', barDone, 60000, 100);
  const barMs = performance.now() - started;
  assert.ok(paletteMs.length > 0, 'the palette was opened while the bar moved');
  assert.ok(Math.max(...paletteMs) < 5000, `the command palette took ${Math.max(...paletteMs).toFixed(0)} ms to open while the bar moved`);
  t.note(`tqdm 200 steps of 15 ms: run click → 200/200 shown after ${(barMs / 1000).toFixed(2)} s; the palette opened ${paletteMs.length}× meanwhile, slowest ${Math.max(...paletteMs).toFixed(0)} ms`);
  await t.screenshot('2-tqdm');
  t.step('an Output widget shows what was printed inside it');
  await wb.runCell(3);
  await until('the Output widget to show the print', async () => (await wb.outputs.locator('.widget-output').last().innerText().catch(() => '')).includes('captured by the Output widget'), 30000);
  await t.screenshot('3-output');
  t.step("a widget of a package Jupyter Remote does not carry: one line says so, naming it; the kernel's other widgets go on");
  await wb.runCell(4);
  await wb.scrollNotebook('bottom'); // the outputs webview draws only what is near the viewport
  const missing = await until('a line for each widget of a missing package', async () => {
    const lines = await wb.outputs.locator('.jupyter-remote-widget-missing').allInnerTexts();
    return lines.filter((l) => /acme-(dials|gauges)/.test(l)).length === 2 && lines;
  }, 30000, 100);
  assert.ok(missing.some((l) => /^This widget \(acme-dials DialModel\) could not be shown: Could not load module acme-dials@\^1\.2\.0\. .*other widget packages are not loaded\.$/.test(l)), missing.join('\n'));
  assert.ok(missing.some((l) => /^This widget \(acme-gauges GaugeView\) could not be shown: Could not load module acme-gauges@\^0\.3\.0\. /.test(l)), missing.join('\n'));
  assert.equal(await wb.outputs.getByText('Click to show javascript error.').count(), 0, "not ipywidgets' broken-widget icon");
  t.note(`widgets of other packages: "${missing.find((l) => l.includes('acme-dials'))}" (a view's code missing: the same, naming the view)`);
  t.step('interact: moving its slider updates its output');
  await wb.scrollNotebook('bottom');
  await wb.runCell('last');
  await wb.waitForOutput(['x squared is 25'], 30000);
  await wb.outputs.locator('.noUi-handle').last().click();
  const moved = performance.now();
  await wb.page.keyboard.press('ArrowRight');
  await until('interact to print 36', async () => (await wb.outputText()).includes('x squared is 36'), 30000, 10);
  t.note(`interact: arrow key on its slider → the new print shown ${(performance.now() - moved).toFixed(0)} ms later (kernel round trip through VS Code's renderer messaging)`);
  t.step('drag it to the right end in 40 small moves (a message to the kernel for each value it passes); right after, the palette opens');
  await wb.dragSlider(wb.outputs.locator('.noUi-handle').last(), wb.outputs.locator('.widget-slider .noUi-target').last(), 1.1, 40);
  const afterDrag = await wb.paletteOpenMs();
  await until('interact to print 100', async () => (await wb.outputText()).includes('x squared is 100'), 30000, 10);
  assert.ok(afterDrag < 5000, `the command palette took ${afterDrag.toFixed(0)} ms to open after the drag`);
  const flashed = wb.paletteClosedByItself ? ` (VS Code closed it by itself ${wb.paletteClosedByItself}× so far, focus moving to the output behind it)` : '';
  t.note(`interact: the palette opened ${afterDrag.toFixed(0)} ms after a 40-move drag across the slider${flashed}`);
  await t.screenshot('4-interact');

  t.step("save: the notebook's metadata keeps every widget's state, as JupyterLab saves it");
  await wb.focusCell('last');
  await wb.page.keyboard.press('Escape');
  await wb.page.keyboard.press('Control+S');
  const file = path.join(world.workspace, 'widgets.ipynb');
  type Saved = { metadata: { widgets?: Record<string, { state: Record<string, { model_name: string; state: Record<string, unknown> }> }> } };
  const saved = await until('the widget state in the saved notebook', () => {
    const nb = JSON.parse(readFileSync(file, 'utf8')) as Saved;
    return nb.metadata.widgets?.['application/vnd.jupyter.widget-state+json']?.state;
  }, 20000, 250);
  const sliders = Object.values(saved).filter((m) => m.model_name === 'IntSliderModel').map((m) => m.state.value);
  assert.deepEqual(sliders.sort((a, b) => Number(a) - Number(b)), [5, 10], 'both sliders as last set');
  assert.ok(Object.values(saved).some((m) => m.model_name === 'FloatProgressModel' && m.state.value === 200), "tqdm's bar at 200");

  t.step('reload the window: the finished cells\' widgets show their last state');
  await Promise.all([wb.page.waitForEvent('load', { timeout: 60000 }), wb.runCommand('Developer: Reload Window')]);
  await wb.waitForWorkbench();
  await wb.openFile('widgets.ipynb');
  await wb.scrollNotebook('top');
  await until('the slider at 5 and the bar at 200/200 after the reload', async () => {
    const text = await wb.outputText();
    const readouts = (await wb.outputs.locator('.widget-readout').allInnerTexts()).map((r) => r.trim());
    return /200\/200/.test(text) && readouts.includes('5'); // the outputs webview may draw cells in any DOM order
  }, 60000, 250);
  t.step('run the slider cell again on the kernel: a live slider replaces the saved view');
  await until('the kernel picker to show the remote kernel again', async () => /Python 3/.test(await wb.kernelLabel()));
  await wb.runCell(0);
  await until('a new slider at 3', async () => (await wb.outputs.locator('.widget-readout').allInnerTexts()).map((r) => r.trim()).includes('3'), 60000, 250);
}

/**
 * Beside Microsoft's Jupyter extension (a stand-in with its id and its widget renderer contribution, built
 * here: its package cannot be downloaded): which renderer VS Code picks for widget outputs.
 */
async function besideMicrosoftJupyterJourney(world: World, t: Steps): Promise<void> {
  const { wb } = world;
  t.step('package the stand-in (id ms-toolsai.jupyter, renderer jupyter-ipywidget-renderer) and install it');
  const dir = path.join(world.root, 'test', 'e2e', 'stand-in-jupyter');
  const vsix = path.join(world.tmp, 'stand-in-jupyter.vsix');
  const packed = spawnSync(process.execPath, [path.join(world.root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--skip-license', '--out', vsix], { cwd: dir, encoding: 'utf8' });
  assert.equal(packed.status, 0, packed.stdout + packed.stderr);
  world.installExtension(vsix);
  t.step('reload the window so VS Code loads it');
  await Promise.all([wb.page.waitForEvent('load', { timeout: 60000 }), wb.runCommand('Developer: Reload Window')]);
  await wb.waitForWorkbench();
  t.step('the notebook saved before: its widget outputs (standard MIME only) are drawn by the stand-in, which VS Code ranks first');
  await wb.openFile('widgets.ipynb');
  await until("the stand-in's renderer on a saved widget output", async () => (await wb.outputText()).includes('stand-in renderer drew'), 60000, 250);
  await t.screenshot('1-saved-output-taken-by-stand-in');
  t.step('a widget made now on our kernel is also given under our own MIME, first: our renderer draws a live slider');
  await wb.openFile('widgets-beside.ipynb');
  await wb.selectKernel(/^Python 3/, 'Lab Today');
  await wb.runCell(0);
  await until('our slider at 7', async () => (await wb.outputs.locator('.widget-readout').allInnerTexts()).map((r) => r.trim()).includes('7'), 60000, 250);
  assert.ok(!(await wb.outputText()).includes('stand-in renderer drew'), 'not the stand-in');
}

export const widgetJourneys: Journey[] = [
  {
    id: 13,
    slug: 'widgets',
    name: 'Widgets on ipywidgets 8: a slider dragged and set with the keyboard, tqdm to 200/200, Output, interact; saved; shown after a reload',
    needs: [10],
    run: widgetsJourney,
  },
  {
    id: 14,
    slug: 'beside-microsoft-jupyter',
    name: "Beside Microsoft's Jupyter extension (a stand-in with its id and widget renderer): whose renderer draws widgets",
    needs: [10, 13],
    run: besideMicrosoftJupyterJourney,
  },
];
