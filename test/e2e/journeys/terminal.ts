// Terminal: a terminal on the server.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { sleep, until } from '../workbench';
import { Journey, Steps, World } from './world';

/** A terminal on today's server: a command typed in VS Code's terminal runs there (checked on the server's disk); a burst leaves the editor responsive. */
async function serverTerminalJourney(world: World, t: Steps): Promise<void> {
  const { wb } = world;
  const today = world.servers.today;
  const pwdFile = path.join(today.rootDir, 'terminal-pwd.txt');
  const burstFile = path.join(today.rootDir, 'terminal-burst.txt');
  t.step('run "Jupyter Remote: Open Server Terminal" (Lab Today, or pick it)');
  await wb.closeAllEditors();
  await wb.runCommand('Jupyter Remote: Open Server Terminal');
  if (await wb.quickInput.isVisible().catch(() => false)) {
    if (/Which Server/.test(await wb.quickInputTitle())) await wb.pick('Lab Today');
    if (/Terminal on/.test(await wb.quickInputTitle())) await wb.pick(/New Terminal/);
  }
  await wb.page.locator('.terminal-wrapper, .xterm').first().waitFor({ state: 'visible', timeout: 30000 });
  t.step('type a command and Enter: it runs on the server, in the folder in front (the server folder, or the root)');
  await sleep(1000);
  await wb.page.locator('.xterm').first().click();
  await wb.page.keyboard.type(`pwd > ${pwdFile}`);
  await wb.page.keyboard.press('Enter');
  const where = await until('the file the terminal wrote, on the server', () => existsSync(pwdFile) && readFileSync(pwdFile, 'utf8').trim(), 30000, 100);
  assert.ok(where === today.rootDir || where.startsWith(`${today.rootDir}/`), `the terminal ran in the server's folders: ${where}`);
  t.note(`the terminal's shell ran in ${where.slice(today.rootDir.length) || '/'} (server root ${today.rootDir})`);
  t.step('yes | head -n 200000: meanwhile the command palette opens and closes');
  const started = performance.now();
  await wb.page.locator('.xterm').first().click();
  await wb.page.keyboard.type(`yes | head -n 200000; echo done > ${burstFile}`);
  await wb.page.keyboard.press('Enter');
  const paletteMs: number[] = [];
  while (!existsSync(burstFile) && performance.now() - started < 60000) paletteMs.push(await wb.paletteOpenMs());
  await until('the burst to end on the server', () => existsSync(burstFile), 60000, 50);
  const burstMs = performance.now() - started;
  const worst = paletteMs.length ? Math.max(...paletteMs) : 0;
  assert.ok(worst < 5000, `the command palette took ${worst.toFixed(0)} ms to open during the burst`);
  t.note(`yes | head -n 200000: Enter → the shell done ${(burstMs / 1000).toFixed(2)} s later; the palette opened ${paletteMs.length}× meanwhile${paletteMs.length ? `, slowest ${worst.toFixed(0)} ms` : ''}`);
  await t.screenshot('1-terminal');
}

export const terminalJourneys: Journey[] = [
  {
    id: 18,
    slug: 'server-terminal',
    name: 'A terminal on the server: a command typed in VS Code runs there (its file on the server); a 200 000-line burst leaves the editor responsive',
    needs: [10],
    run: serverTerminalJourney,
  },
];
