// Servers: connecting (a token URL, a `jupyter server list`, a password, a self-signed certificate), the
// status bar, the kernel picker's servers, removing a server.
import assert from 'node:assert/strict';
import type { RunningJupyter } from '../../server/fixtures/jupyter';
import { sleep, until } from '../workbench';
import { Journey, runAll, Steps, World } from './world';

/** Connect to Server with the given text, naming the server; waits until the status bar shows it. */
async function connect(world: World, t: { step(name: string): void }, text: string, name: string, opts: { paste?: boolean } = {}): Promise<void> {
  const { wb } = world;
  t.step('run "Jupyter Remote: Connect to Server" from the command palette');
  await wb.runCommand('Jupyter Remote: Connect to Server');
  await wb.waitForQuickInput('Connect to a Jupyter Server');
  t.step('paste the server text');
  await wb.answer(text, { paste: opts.paste ?? true });
  t.step('name the server');
  await wb.waitForQuickInput('Name this server', 30000);
  await wb.answer(name);
}

/** Paste the token URL the server printed, name it, pick its kernel for `file`, run, see `expected`. */
async function tokenUrlJourney(world: World, t: Steps, server: RunningJupyter, name: string, file: string, expected: string[]): Promise<void> {
  const { wb } = world;
  // No notebook open: the status bar shows the notebook's server when one is, and the new server otherwise.
  t.step('save and close every editor');
  // Notebooks that ran have unsaved outputs: VS Code asks whether to save them.
  await wb.closeAllEditors();
  await connect(world, t, `${server.url}lab?token=${server.token}`, name);
  t.step('the status bar shows the server');
  await until(`the status bar to show "${name}"`, async () => (await wb.statusBarTexts()).some((s) => s.includes(name)));
  t.step(`open ${file}`);
  await wb.openFile(file);
  t.step(`pick the remote kernel "Python 3" on ${name}`);
  await wb.selectKernel(/^Python 3/, name);
  t.step('run the cell');
  await runAll(world);
  t.step('the output shows');
  await wb.waitForOutput(expected);
  const bar = await wb.statusBarTexts();
  assert.ok(bar.some((s) => s.includes(name)), `status bar: ${bar.join(' | ')}`);
  await sleep(300);
}

export const serverJourneys: Journey[] = [
  {
    id: 1,
    slug: 'token-url',
    name: 'Connect by pasting a token URL, pick the kernel, run a cell',
    run: (world, t) => tokenUrlJourney(world, t, world.servers.a, 'Lab A', 'hello.ipynb', [`hello from ${world.servers.a.rootDir}`]),
  },
  {
    id: 2,
    slug: 'server-list',
    name: 'Connect by pasting a `jupyter server list` of two servers, pick the second',
    async run(world, t) {
      const { wb } = world;
      const { a, b } = world.servers;
      const list = await world.serverListOf(a, b);
      t.step('run "Jupyter Remote: Connect to Server"');
      await wb.runCommand('Jupyter Remote: Connect to Server');
      await wb.waitForQuickInput('Connect to a Jupyter Server');
      t.step('paste the two-server list (the one-line box drops its line breaks)');
      await wb.answer(list, { paste: true });
      t.step('both servers are offered; pick the second');
      await wb.waitForQuickInput('2 servers found');
      const labels = await wb.quickPickLabels();
      assert.deepEqual(labels, [`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`]);
      await wb.pick(`127.0.0.1:${b.port}`);
      t.step('name it');
      await wb.waitForQuickInput('Name this server', 30000);
      await wb.answer('Notebook B');
      t.step('open second.ipynb and pick Python 3 on Notebook B');
      await wb.openFile('second.ipynb');
      await wb.selectKernel('Python 3', 'Notebook B');
      t.step('run the cell on the second server');
      await runAll(world);
      await wb.waitForOutput([`second server at ${b.rootDir}`]);
    },
  },
  {
    id: 3,
    slug: 'password',
    name: 'A password server: asked once; after a window reload, not asked again',
    async run(world, t) {
      const { wb } = world;
      const server = world.servers.password;
      t.step('connect to the password server by its URL');
      await wb.runCommand('Jupyter Remote: Connect to Server');
      await wb.waitForQuickInput('Connect to a Jupyter Server');
      await wb.answer(server.url, { paste: true });
      t.step('the password is asked');
      await wb.waitForQuickInput(/needs its password/, 30000);
      assert.equal(await wb.quickInput.locator('input[type="password"]').count(), 1, 'the password box hides what is typed');
      await wb.answer(server.password!);
      await wb.waitForQuickInput('Name this server', 30000);
      await wb.answer('Password Lab');
      t.step('run a cell on it');
      await wb.openFile('password.ipynb');
      await wb.selectKernel('Python 3', 'Password Lab');
      await runAll(world);
      await wb.waitForOutput(['behind a password: 42']);

      const logins = () => (server.log().match(/POST \/login/g) ?? []).length;
      const loginsBefore = logins();
      t.step('reload the window (Developer: Reload Window)');
      await Promise.all([wb.page.waitForEvent('load', { timeout: 60000 }), wb.runCommand('Developer: Reload Window')]);
      await wb.waitForWorkbench();
      const asked: string[] = [];
      const watch = setInterval(() => void wb.quickInputTitle().then((title) => (/needs its/.test(title) ? asked.push(title) : undefined), () => undefined), 150);
      try {
        t.step('after the reload: the notebook (reopened without outputs) runs on the same kernel type, with no password prompt');
        await wb.openFile('password.ipynb');
        await until('the notebook to show no outputs', async () => !(await wb.outputText()).includes('behind a password'));
        await until('the kernel picker to show the remote kernel again', async () => /Python 3/.test(await wb.kernelLabel()));
        await runAll(world);
        await wb.waitForOutput(['behind a password: 42']);
      } finally {
        clearInterval(watch);
      }
      assert.deepEqual(asked, [], 'no password prompt after the reload');
      const loginsAfter = (await server.logMatching(/POST \/login[\s\S]*POST \/login/)).match(/POST \/login/g)?.length ?? 0;
      assert.ok(loginsAfter > loginsBefore, `the reloaded extension logged in with the stored password (server log: ${loginsBefore} → ${loginsAfter} logins)`);
      t.note(`after the reload the extension logged in again with the password from the secret store (server log: ${loginsBefore} → ${loginsAfter} POST /login), no prompt`);
    },
  },
  {
    id: 7,
    slug: 'self-signed-tls',
    name: 'A self-signed https server: the fingerprint is shown, trusted, cells run',
    async run(world, t) {
      const { wb } = world;
      const tls = world.servers.tls;
      t.step('connect to the https URL');
      await wb.runCommand('Jupyter Remote: Connect to Server');
      await wb.waitForQuickInput('Connect to a Jupyter Server');
      await wb.answer(`${tls.url}?token=${tls.token}`, { paste: true });
      t.step('a dialog shows the certificate\'s SHA-256 fingerprint');
      const dialog = await wb.dialogText(30000);
      assert.match(dialog, /Untrusted certificate/);
      assert.ok(dialog.includes(world.tlsFingerprint), `the dialog shows ${world.tlsFingerprint}: ${dialog}`);
      t.step('trust it');
      await wb.dialogButton('Trust This Certificate');
      await wb.waitForQuickInput('Name this server', 30000);
      await wb.answer('Secure Lab');
      t.step('open tls.ipynb, pick Python 3 on Secure Lab, run');
      await wb.openFile('tls.ipynb');
      await wb.selectKernel('Python 3', 'Secure Lab');
      await runAll(world);
      await wb.waitForOutput(['over TLS: 1024']);
    },
  },
  {
    id: 8,
    slug: 'remove-server',
    name: 'Remove a server: its kernels leave the picker and no request reaches it afterwards',
    needs: [1, 2],
    async run(world, t) {
      const { wb } = world;
      const b = world.servers.b;
      t.step('Notebook B\'s kernels are in the kernel picker');
      await wb.openFile('hello.ipynb');
      await wb.runCommand('Notebook: Select Notebook Kernel');
      assert.ok(await wb.openRemoteKernels(), 'several remote kernels: grouped under Jupyter Remote');
      const before = await wb.quickPickRows();
      assert.ok(before.some((r) => r.description.includes('Notebook B')), 'Notebook B listed before removal');
      await wb.escapeAll();
      t.step('run "Jupyter Remote: Remove Server", pick Notebook B, confirm');
      await wb.runCommand('Jupyter Remote: Remove Server');
      await wb.waitForQuickInput('Remove which server?');
      await wb.pick('Notebook B');
      const dialog = await wb.dialogText();
      assert.match(dialog, /Remove Notebook B\?/);
      const mark = b.log().length;
      await wb.dialogButton('Remove');
      t.step('its kernels are gone from the kernel picker; Lab A\'s remain');
      await until('Notebook B to leave the kernel picker', async () => {
        await wb.runCommand('Notebook: Select Notebook Kernel');
        const grouped = await wb.openRemoteKernels();
        const rows = await wb.quickPickRows();
        await wb.escapeAll();
        // A single kernel left is listed by its label alone (no group, no description).
        return grouped ? rows.some((r) => r.description.includes('Lab A')) && !rows.some((r) => r.description.includes('Notebook B')) : rows.length === 1;
      }, 20000, 500);
      t.step('reload the window: the extension starts again without contacting Notebook B');
      await Promise.all([wb.page.waitForEvent('load', { timeout: 60000 }), wb.runCommand('Developer: Reload Window')]);
      await wb.waitForWorkbench();
      await wb.openFile('hello.ipynb');
      await until('Lab A\'s kernels (only) in the picker after the reload', async () => {
        await wb.runCommand('Notebook: Select Notebook Kernel');
        const grouped = await wb.openRemoteKernels();
        const rows = await wb.quickPickRows();
        await wb.escapeAll();
        return grouped ? rows.some((r) => r.description.includes('Lab A')) && !rows.some((r) => r.description.includes('Notebook B')) : rows.length === 1;
      }, 30000, 500);
      await sleep(3000);
      t.step('Notebook B\'s own log shows no request after the removal');
      const after = b.log().slice(mark);
      const requests = after.split('\n').filter((l) => /\b\d{3} (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \//.test(l));
      assert.deepEqual(requests, [], 'requests that reached the removed server');
      assert.ok(/\b200 GET \/api\//.test(b.log().slice(0, mark)), 'the server logs requests (so their absence means something)');
      t.note(`Notebook B's --debug log: ${b.log().slice(0, mark).split('\n').filter((l) => /\b\d{3} (GET|POST|DELETE) \//.test(l)).length} requests before the removal, 0 after (${after.split('\n').length - 1} other log lines)`);
    },
  },
  {
    id: 10,
    slug: 'token-url-today',
    name: "Today's stack: paste `jupyter lab`'s token URL (jupyter_server 2.21, ipykernel 7.4), run a cell",
    run: (world, t) => tokenUrlJourney(world, t, world.servers.today, 'Lab Today', 'hello-today.ipynb', [`hello from ${world.servers.today.rootDir} on ipykernel ${world.servers.today.stack.ipykernelVersion()}`]),
  },
];
