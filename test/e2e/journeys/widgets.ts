// Widgets: ipywidgets drawn and driven in the notebook, live again after a window reload, their state saved only when asked; beside Microsoft's Jupyter extension.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { until } from '../workbench';
import { Journey, Steps, World, notebookJson } from './world';

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

  t.step("save: by default no widget's state goes into the file (as in JupyterLab, where saving it is opt-in)");
  await wb.focusCell('last');
  await wb.page.keyboard.press('Escape');
  await wb.page.keyboard.press('Control+S');
  const file = path.join(world.workspace, 'widgets.ipynb');
  const saved = await until('the notebook saved with its outputs', () => {
    const text = readFileSync(file, 'utf8');
    return text.includes('slider at 5') && (JSON.parse(text) as SavedNotebook); // a cell's own output: the fixture has none
  }, 20000, 250);
  assert.equal(saved.metadata.widgets, undefined, `no widget state in the saved notebook: ${JSON.stringify(saved.metadata).slice(0, 300)}`);

  t.step("reload the window: with nothing saved, the finished cells' widgets come back live from the kernel, the slider at 5 and the bar at 200/200");
  await Promise.all([wb.page.waitForEvent('load', { timeout: 60000 }), wb.runCommand('Developer: Reload Window')]);
  await wb.waitForWorkbench();
  await wb.openFile('widgets.ipynb');
  const opened = performance.now();
  await wb.scrollNotebook('top');
  // What the outputs said on the way, at each look: a "no kernel" sentence shown before the kernel came back is wrong.
  const said = new Set<string>();
  let waited = false;
  let seen = 'nothing yet';
  await until('the slider at 5 and the bar at 200/200 after the reload', async () => {
    const text = await wb.outputText();
    const waiting = await wb.outputs.locator('.jupyter-remote-widget-waiting').count();
    waited ||= waiting > 0;
    for (const line of await wb.outputs.locator('.jupyter-remote-widget-missing').allInnerTexts()) if (!/acme-/.test(line)) said.add(line);
    const readouts = (await wb.outputs.locator('.widget-readout').allInnerTexts()).map((r) => r.trim());
    seen = `${waiting} output(s) waiting for the kernel; readouts [${readouts.join(', ')}]; outputs' text: ${JSON.stringify(text.slice(0, 300))}`;
    return /200\/200/.test(text) && readouts.includes('5'); // the outputs webview may draw cells in any DOM order
  }, 60000, 250).catch((e: unknown) => {
    throw new Error(`${(e as Error).message}; last seen: ${seen}`);
  });
  assert.deepEqual([...said], [], 'no widget said it was gone or unsaved on the way');
  await until('no widget output still waiting for the kernel', async () => (await wb.outputs.locator('.jupyter-remote-widget-waiting').count()) === 0, 10000, 250);
  t.note(`after the reload: the slider and the bar drawn live ${((performance.now() - opened) / 1000).toFixed(2)} s after the notebook was opened${waited ? ', "Waiting for the kernel…" shown meanwhile' : ''}`);
  await t.screenshot('5-after-reload');

  t.step("they are the kernel's: one press of the right arrow on the slider, and the kernel's variable is 6");
  const sliderN = wb.outputs.locator('.widget-slider').filter({ has: wb.outputs.locator('.widget-label', { hasText: /^n$/ }) });
  await wb.scrollNotebook('top'); // VS Code may have put back the notebook's scroll position from before the reload meanwhile
  await sliderN.locator('.noUi-handle').click();
  await wb.page.keyboard.press('ArrowRight');
  await until('the readout to show 6', async () => (await sliderN.locator('.widget-readout').innerText()).trim() === '6');
  await wb.runCell(1);
  await wb.waitForOutput(['slider at 6']);

  t.step("jupyterRemote.widgets.saveState on in the workspace's settings: a save writes the widgets' state, but never what was typed into a Password box");
  const settingsFile = path.join(world.workspace, '.vscode', 'settings.json');
  const settingsBefore = existsSync(settingsFile) ? readFileSync(settingsFile, 'utf8') : undefined;
  mkdirSync(path.dirname(settingsFile), { recursive: true });
  writeFileSync(settingsFile, JSON.stringify({ ...(settingsBefore ? (JSON.parse(settingsBefore) as object) : {}), 'jupyterRemote.widgets.saveState': true }, null, 2));
  try {
    const secretsFile = path.join(world.workspace, 'widget-secrets.ipynb');
    writeFileSync(secretsFile, notebookJson([
      "import ipywidgets as w\npw = w.Password(description='Password:')\nkey = w.Text(value='sk-' + 'live-key', description='API key:')\ndisplay(pw, key)",
      "print('typed', len(pw.value), 'characters')",
    ]));
    await wb.openFile('widget-secrets.ipynb');
    await wb.selectKernel(/^Python 3/, 'Lab Today');
    await wb.runCell(0);
    const box = wb.outputs.locator('input[type="password"]');
    await box.waitFor({ state: 'visible', timeout: 60000 });
    await box.click();
    // Typed key by key as a person does; a key pressed while the focus moves into the outputs' webview can
    // be lost before the box sees it (seen once in five runs, the box then held 15 characters): type again.
    await until('the box to hold what was typed', async () => {
      await box.fill('');
      await box.pressSequentially('typed-in-the-box');
      return (await box.inputValue()) === 'typed-in-the-box';
    }, 20000, 250);
    // What was typed reaches the kernel a moment later (ipywidgets sends one update at a time, the next
    // once the kernel is idle after it): a run clicked at once can come before the last keys.
    const count = async () => (await wb.executionCounts())[1];
    await until('the kernel to have the 16 characters typed', async () => {
      const before = await count();
      await wb.runCell(1);
      await until('the cell to run', async () => /^\[\d+\]$/.test(await count()) && (await count()) !== before, 30000, 100);
      return (await wb.outputText()).includes('typed 16 characters');
    }, 30000, 250);
    await wb.focusCell('last');
    await wb.page.keyboard.press('Escape');
    await wb.page.keyboard.press('Control+S');
    const state = await until('the widget state in the saved notebook', () => {
      const nb = JSON.parse(readFileSync(secretsFile, 'utf8')) as SavedNotebook;
      return nb.metadata.widgets?.['application/vnd.jupyter.widget-state+json']?.state;
    }, 20000, 250);
    const password = Object.values(state).find((m) => m.model_name === 'PasswordModel');
    const text = Object.values(state).find((m) => m.model_name === 'TextModel');
    assert.ok(password && text, `both widgets saved: ${Object.values(state).map((m) => m.model_name).join(', ')}`);
    assert.equal(password.state.description, 'Password:', "the Password widget's other state is saved");
    assert.ok(!('value' in password.state), `no value for the Password widget: ${JSON.stringify(password.state)}`);
    assert.ok(!readFileSync(secretsFile, 'utf8').includes('typed-in-the-box'), 'what was typed is nowhere in the file');
    assert.equal(text.state.value, 'sk-live-key', "a Text widget's value is saved: what the setting's description warns of");
  } finally {
    if (settingsBefore === undefined) rmSync(settingsFile, { force: true });
    else writeFileSync(settingsFile, settingsBefore);
  }
}

type SavedNotebook = { metadata: { widgets?: Record<string, { state: Record<string, { model_name: string; state: Record<string, unknown> }> }> } };

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
    name: 'Widgets on ipywidgets 8: a slider dragged and set with the keyboard, tqdm to 200/200, Output, interact; no state saved by default, live again after a reload; saved when asked, without a Password',
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
