// UI journeys in a real VS Code (code-server 4.100.3 = VS Code 1.100.3) with headless chromium: the
// packaged .vsix is installed into a fresh code-server, real Jupyter servers are started, and each
// journey is driven as a person would drive it (command palette, input boxes, quick picks, dialogs,
// status bar, notebook toolbar), checking what the screen shows. Each journey's end state is saved
// as test-results/e2e/NN-name.png; a failure names the journey and step and keeps its screenshot.
//
//   npm run e2e                       (packages the .vsix, then runs this)
//   JR_E2E_ONLY=1,4 npm run e2e       only some journeys (their set-up journeys are run first)
//
// The journeys are in journeys/<capability>.ts (servers, notebooks, files, terminal, widgets), listed in the
// order they run, by number, in journeys/index.ts.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import type { CodeServer } from '../../scripts/code-server.mjs';
import { journeys, World } from './journeys/index';
import { Workbench } from './workbench';

const root = path.resolve(__dirname, '../..');
const resultsDir = path.join(root, 'test-results', 'e2e');

interface Outcome {
  id: number;
  name: string;
  ms: number;
  screenshot: string;
  error?: string;
  notes: string[];
}

async function main(): Promise<number> {
  const vsix = path.join(root, 'jupyter-remote.vsix');
  if (!existsSync(vsix)) throw new Error('jupyter-remote.vsix is missing: run `npm run package` first (`npm run e2e` does).');
  const cs = (await import(path.join(root, 'scripts', 'code-server.mjs'))) as typeof import('../../scripts/code-server.mjs');
  const entry = cs.installCodeServer();
  rmSync(resultsDir, { recursive: true, force: true });
  mkdirSync(resultsDir, { recursive: true });

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'jr-e2e-'));
  const extensionsDir = path.join(tmp, 'extensions');
  /** Installs a .vsix into the code-server of this run, as `code-server --install-extension` does. */
  const installExtension = (file: string) => {
    const installed = spawnSync(process.execPath, [entry, '--install-extension', file, '--extensions-dir', extensionsDir], { encoding: 'utf8' });
    if (installed.status !== 0 || !/successfully installed/i.test(installed.stdout + installed.stderr)) {
      throw new Error(`installing ${path.basename(file)} into code-server failed:\n${installed.stdout}${installed.stderr}`);
    }
  };
  installExtension(vsix);
  console.log(`e2e: installed ${path.basename(vsix)} into a fresh code-server ${cs.CODE_SERVER_VERSION}`);

  const world = new World(tmp, root, installExtension);
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  const outcomes: Outcome[] = [];
  try {
    await world.startServers();
    server = await cs.startCodeServer({
      stateDir: path.join(tmp, 'code-server'),
      extensionsDir,
      folder: world.workspace,
      // What a person who has used VS Code for a day has: no welcome page, no tips in the way; and desktop
      // VS Code's saving (only when asked): the web build's default saves a second after each edit.
      settings: { 'files.autoSave': 'off', 'workbench.startupEditor': 'none', 'workbench.tips.enabled': false, 'telemetry.telemetryLevel': 'off', 'notebook.output.textLineLimit': 30, 'remote.autoForwardPorts': false },
    });
    browser = await cs.launchChromium();
    // The clipboard as a person's browser grants it to the site they work in (the Explorer's copy and paste reads it).
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    page.setDefaultTimeout(20000);
    // What our widget renderer says in the outputs webview (its warnings name the model and the error).
    page.on('console', (m) => (m.text().includes('Jupyter Remote') ? console.log(`  [webview ${m.type()}] ${m.text()}`) : undefined));
    const wb = new Workbench(page);
    world.bind(wb, server, () => page.goto(cs.workbenchUrl(server!.origin, world.workspace)));
    await world.open();

    const only = (process.env.JR_E2E_ONLY ?? '').split(',').filter(Boolean).map(Number);
    const wanted = new Set(only.length ? journeys.filter((j) => only.includes(j.id)).flatMap((j) => [...(j.needs ?? []), j.id]) : journeys.map((j) => j.id));
    for (const journey of journeys) {
      if (!wanted.has(journey.id)) continue;
      const slug = `${String(journey.id).padStart(2, '0')}-${journey.slug}`;
      const outcome: Outcome = { id: journey.id, name: journey.name, ms: 0, screenshot: `${slug}.png`, notes: [] };
      outcomes.push(outcome);
      console.log(`\njourney ${journey.id}: ${journey.name}`);
      const started = performance.now();
      let step = 'start';
      try {
        await journey.run(world, {
          step: (name: string) => {
            step = name;
            console.log(`  · ${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s  ${name}`);
          },
          note: (text: string) => {
            outcome.notes.push(text);
            console.log(`  = ${text}`);
          },
          screenshot: async (label: string) => {
            const file = `${slug}-${label}.png`;
            await wb.screenshot(path.join(resultsDir, file));
            console.log(`  ▣ test-results/e2e/${file}`);
          },
        });
        outcome.ms = performance.now() - started;
      } catch (e) {
        outcome.ms = performance.now() - started;
        outcome.error = `step "${step}": ${(e as Error).message}`;
        outcome.screenshot = `${slug}-FAILED.png`;
      }
      await wb.screenshot(path.join(resultsDir, outcome.screenshot)).catch(() => undefined);
      console.log(outcome.error ? `  ✗ FAILED at ${outcome.error}` : `  ✔ ${(outcome.ms / 1000).toFixed(1)} s`);
      if (outcome.error) break;
    }
  } finally {
    await browser?.close().catch(() => undefined);
    if (outcomes.some((o) => o.error) && server) {
      console.error(`\ncode-server's log (end):\n${server.log().slice(-3000)}`);
      console.error(`\nJupyter Remote's log (end):\n${world.extensionLog().slice(-6000)}`);
    }
    server?.stop();
    await world.stopServers();
    rmSync(tmp, { recursive: true, force: true });
  }

  console.log('\njourney                                                             time     screenshot');
  for (const o of outcomes) {
    console.log(`${o.error ? '✗' : '✔'} ${`${o.id}. ${o.name}`.padEnd(66).slice(0, 66)} ${`${(o.ms / 1000).toFixed(1)} s`.padStart(7)}  test-results/e2e/${o.screenshot}`);
  }
  for (const o of outcomes.filter((x) => x.notes.length)) console.log(`${o.id}. ${o.notes.join('; ')}`);
  const failed = outcomes.filter((o) => o.error);
  if (failed.length) {
    for (const o of failed) console.error(`\ne2e: journey ${o.id} (${o.name}) failed at ${o.error}\n    screenshot: test-results/e2e/${o.screenshot}`);
    return 1;
  }
  console.log(`\ne2e: ${outcomes.length} journeys passed`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`e2e: ${(e as Error).stack ?? String(e)}`);
    process.exit(1);
  },
);
