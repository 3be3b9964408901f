// The server's language server in the editor (issue 27): problems, hover and Go to Definition from
// pyright running beside today's server (through jupyter-lsp), for a package only the server has
// (World.serverOnlyPackages). The notebook is opened and its kernel picked; no cell runs until the last.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import { until } from '../workbench';
import { Journey, notebookJson, openFromExplorer, Steps, World } from './world';

const since = (from: number) => `${((performance.now() - from) / 1000).toFixed(1)} s`;

function cellEditor(world: World, index: number): Locator {
  return world.wb.cellRow(index).locator('.monaco-editor').first();
}

async function problemsJourney(world: World, t: Steps): Promise<void> {
  const { wb } = world;
  writeFileSync(path.join(world.servers.today.rootDir, 'project', 'language.ipynb'), notebookJson(['import serveronly_pkg\nserveronly_pkg.shout("hi")', 'print(not_defined_anywhere)']));
  t.step('open language.ipynb from Lab Today: /project and pick Python 3 on Lab Today; run nothing');
  await wb.showExplorer();
  await wb.setExplorerFolder('workspace', false); // the local folder's thirty notebooks would push the server folder out of view
  await openFromExplorer(world, 'language.ipynb', 'Lab Today: /project');
  const picked = performance.now();
  await wb.selectKernel(/^Python 3/, 'Lab Today');
  t.step('the undefined name in the second cell gets a squiggle; the import of the package only the server has gets none');
  const squiggles = (index: number) => cellEditor(world, index).locator('.squiggly-error');
  await until('a squiggle in the second cell', async () => (await squiggles(1).count()) > 0, 60000, 100);
  const shownIn = since(picked);
  assert.equal(await squiggles(0).count(), 0, 'no squiggle on `import serveronly_pkg`');
  t.step('the Problems panel lists it, from the server');
  await wb.page.keyboard.press('Control+Shift+M');
  const problems = wb.page.locator('.markers-panel .monaco-list-row');
  const row = await until('the problem in the Problems panel', async () => {
    const rows = (await problems.allInnerTexts()).map((r) => r.replace(/\s+/g, ' ').trim());
    return rows.find((r) => r.includes('"not_defined_anywhere" is not defined'));
  }, 20000, 100);
  assert.match(row, /Jupyter Remote · pyright/, `the problem's source: ${row}`);
  assert.ok(!(await problems.allInnerTexts()).some((r) => /serveronly_pkg/.test(r)), 'no problem for the import');
  t.note(`kernel picked → squiggle on the undefined name in ${shownIn}; Problems: "${row}"`);
  await wb.page.keyboard.press('Control+Shift+M'); // the panel closed again
}

async function hoverJourney(world: World, t: Steps): Promise<void> {
  const { wb } = world;
  t.step('point at shout in the first cell: its docstring, from the server, before any cell has run');
  const target = await wb.wordOnLine(cellEditor(world, 0), 'serveronly_pkg.shout', 'shout');
  const hover = wb.page.locator('.monaco-hover:visible').filter({ hasText: /shout/ }).first();
  const pointed = performance.now();
  await until('the hover', async () => {
    await wb.page.mouse.move(0, 0);
    await wb.page.mouse.move(target.x, target.y, { steps: 5 });
    return hover.waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false);
  }, 20000, 200);
  const text = (await hover.innerText()).replace(/\s+/g, ' ').trim();
  assert.match(text, /def shout\(text: str\) -> str/);
  assert.match(text, /Shout TEXT back, louder\./);
  t.note(`hover shown in ${since(pointed)}: "${text.slice(0, 90)}"`);
  await wb.page.mouse.move(0, 0);
}

async function definitionJourney(world: World, t: Steps): Promise<void> {
  const { wb } = world;
  t.step('run the first cell: the package is there on the server');
  await wb.runCell(0);
  await wb.waitForOutput(['HI'], 60000);
  t.step("Go to Definition (F12) on shout opens the server's file, read-only, at the function");
  const target = await wb.wordOnLine(cellEditor(world, 0), 'serveronly_pkg.shout', 'shout');
  await wb.page.mouse.click(target.x, target.y);
  const pressed = performance.now();
  await wb.page.keyboard.press('F12');
  await until('__init__.py in front', async () => (await wb.activeTab()) === '__init__.py', 20000, 50);
  const editor = wb.page.locator('.part.editor .editor-instance .monaco-editor[data-uri*="serveronly_pkg/__init__.py"]:visible').first();
  const uri = (await editor.getAttribute('data-uri')) ?? '';
  assert.match(uri, /^jupyter-remote-source:\/\/[^/]+\/.*\/server-site\/serveronly_pkg\/__init__\.py$/, "the server's file, never a local one");
  await until('the cursor on the function', async () => (await wb.statusBarTexts()).some((s) => /^Ln 1, Col 5$/.test(s)), 10000, 50);
  const firstLine = (await editor.locator('.view-lines .view-line').first().innerText()).replace(/\u00a0/g, ' ');
  assert.match(firstLine, /^def shout\(text: str\) -> str:/);
  t.note(`F12 → the server's serveronly_pkg/__init__.py at Ln 1, Col 5 in ${since(pressed)}`);
  await wb.closeAllEditors();
  await wb.setExplorerFolder('workspace', true);
}

export const languageJourneys: Journey[] = [
  {
    id: 29,
    slug: 'language-problems',
    name: "The server's language server checks a notebook before it runs: no squiggle on a package only the server has, one on an undefined name, listed in Problems as from the server",
    needs: [10, 12],
    run: problemsJourney,
  },
  {
    id: 30,
    slug: 'language-hover',
    name: "Hover over a function of a package only the server has: its docstring, before any cell has run",
    needs: [29],
    run: hoverJourney,
  },
  {
    id: 31,
    slug: 'language-definition',
    name: "Go to Definition on that function opens the server's file, read-only, at the function",
    needs: [29],
    run: definitionJourney,
  },
];
