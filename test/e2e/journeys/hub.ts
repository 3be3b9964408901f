// A JupyterHub's profiles (issue 28), as a person on a cluster's Hub meets them: the server is
// stopped, the profile is chosen in the Hub's own page in the browser, Jupyter Remote connects once it
// runs; stopped from the server menu, it is offered "as last time" next. Debian's JupyterHub 3 with the
// test spawner of test/server/fixtures/hub.ts (KubeSpawner 7.1's form; the options in the kernel's
// environment). Its own Hub, started here and stopped at the end.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { startHub } from '../../server/fixtures/hub';
import { until } from '../workbench';
import { Journey, notebookJson, Steps, World } from './world';

const since = (from: number) => `${((performance.now() - from) / 1000).toFixed(1)} s`;

async function hubProfileJourney(world: World, t: Steps): Promise<void> {
  const { wb } = world;
  t.step("start a JupyterHub whose spawner offers profiles; a user's API token");
  const hub = await startHub();
  try {
    const token = await hub.userToken('kube-joy');
    writeFileSync(path.join(world.workspace, 'on-the-hub.ipynb'), notebookJson(["import os\nprint('started with', os.environ['JR_USER_OPTIONS'])"]));
    await wb.closeAllEditors();

    t.step('Connect to Server with the stopped server\'s address: the choices are offered; pick "Choose in the Browser…"');
    await wb.runCommand('Jupyter Remote: Connect to Server');
    await wb.waitForQuickInput('Connect to a Jupyter Server');
    await wb.answer(`${hub.url}user/kube-joy/lab?token=${token}`, { paste: true });
    await wb.waitForQuickInput('is not running: start it how?', 30000);
    const offered = (await wb.quickPickRows()).map((r) => r.label);
    assert.ok(!offered.some((l) => /Last Time/.test(l)), `nothing to start "as last time" yet: ${JSON.stringify(offered)}`);
    const popup = wb.page.context().waitForEvent('page', { timeout: 30000 });
    await wb.pick(/Choose in the Browser/);
    // VS Code asks before it opens a site it does not know.
    await wb.dialogText().then(() => wb.dialogButton('Open')).catch(() => undefined);
    const page: Page = await popup;

    t.step("in the Hub's page (a browser tab): log in, choose 1 GPU with TensorFlow, press Start");
    const chose = performance.now();
    await page.waitForLoadState('domcontentloaded');
    const opened = page.url();
    // code-server opens a localhost address through its own port forwarding (…/proxy/PORT/…), under which
    // the Hub's redirects lose their way; a Hub elsewhere is opened as it is. The tab goes to the Hub itself.
    assert.match(opened, new RegExp(`(127\\.0\\.0\\.1:${hub.port}|/proxy/${hub.port})/hub/`), `the tab opened the Hub: ${opened}`);
    await page.goto(`${hub.url}hub/spawn/kube-joy`);
    if (await page.locator('#username_input').count()) {
      await page.fill('#username_input', 'kube-joy');
      await page.fill('#password_input', 'any');
      await Promise.all([page.waitForNavigation(), page.locator('#login_submit').click()]);
    }
    await page.locator('#profile-item-gpu').waitFor({ state: 'attached', timeout: 30000 }).catch(async (e: Error) => {
      throw new Error(`${e.message}; opened ${opened}; the browser tab is at ${page.url()}: ${(await page.content().catch(() => '')).replace(/\s+/g, ' ').slice(0, 600)}`);
    });
    await page.locator('#profile-item-gpu').check();
    await page.selectOption('#profile-option-gpu--image', 'tensorflow');
    await page.locator('#spawn_form input[type="submit"]').click();

    t.step('Jupyter Remote follows the start and connects once it runs; name it');
    await wb.waitForQuickInput('Name this server', 90000);
    const connectedIn = since(chose);
    await wb.answer('Hub GPU');
    await page.close().catch(() => undefined);
    await until('the status bar to show "Hub GPU"', async () => (await wb.statusBarTexts()).some((s) => s.includes('Hub GPU')), 30000);

    t.step("run a cell on it: the kernel sees the options it was started with");
    await wb.openFile('on-the-hub.ipynb');
    await wb.selectKernel(/^Python 3/, 'Hub GPU');
    await wb.runCell(0);
    await wb.waitForOutput([/started with .*"image": "tensorflow".*"profile": "gpu"/], 60000);

    t.step('the server menu says what it was started with; Stop it on the Hub from there');
    await wb.serverStatus.click();
    await wb.waitForQuickInput('Jupyter Remote');
    const menu = (await wb.quickPickRows()).map((r) => r.label);
    assert.ok(menu.some((l) => /Started as gpu · image: tensorflow/.test(l)), `the menu: ${JSON.stringify(menu)}`);
    await wb.pick(/Stop kube-joy on the Hub/);
    assert.match(await wb.dialogText(), /Stop kube-joy on the Hub\?/);
    await wb.dialogButton('Stop It');
    await until('the server stopped on the Hub', async () => ((await hub.api('GET', 'users/kube-joy')).json as { servers: Record<string, unknown> }).servers[''] === undefined, 60000, 300);
    await wb.closeAllEditors();

    t.step('Connect to Server again: "Start as Last Time" comes first, and starts the same profile');
    await wb.runCommand('Jupyter Remote: Connect to Server');
    await wb.waitForQuickInput('Connect to a Jupyter Server');
    await wb.answer(`${hub.url}user/kube-joy/lab?token=${token}`, { paste: true });
    await wb.waitForQuickInput('is not running: start it how?', 30000);
    const rows = await wb.quickPickRows();
    assert.match(rows[0].label, /Start as Last Time/);
    assert.match(rows[0].description, /gpu · image: tensorflow/);
    const again = performance.now();
    await wb.pick(/Start as Last Time/);
    // The Hub's word that it runs (the first connect's "Connected" toast may still be showing).
    const running = await until('the server running again on the Hub', async () => {
      const server = ((await hub.api('GET', 'users/kube-joy')).json as { servers: Record<string, { ready?: boolean; user_options?: unknown }> }).servers[''];
      return server?.ready && server;
    }, 90000, 200);
    assert.deepEqual(running.user_options, { profile: 'gpu', image: 'tensorflow' });
    await until('the status bar to show "Hub GPU" connected', async () => (await wb.statusBarTexts()).some((s) => s.includes('Hub GPU') && !/not running|stopped/i.test(s)), 30000);
    t.note(`"Choose in the Browser…" → Start pressed in the Hub's page → connected in ${connectedIn}; "Start as Last Time" → connected in ${since(again)}`);
  } finally {
    await hub.stop();
  }
}

export const hubJourneys: Journey[] = [
  {
    id: 32,
    slug: 'hub-profile',
    name: "A Hub server started with a profile chosen in the Hub's page in the browser: connected once it runs, the kernel sees the options; stopped from the server menu, it starts \"as last time\" next",
    run: hubProfileJourney,
  },
];
