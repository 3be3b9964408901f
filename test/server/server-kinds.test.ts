// Every kind of server a person starts, on this run's stack (fixtures/stack.ts): `jupyter server`,
// `jupyter notebook` (6.4 classic on Debian, 7 on today's stack) and `jupyter lab` (today's stack).
// For each: what it prints and writes parses, `check` names it, and `run` runs a notebook on it.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { discoverLocalServers, parseServerText } from '../../src/core/servers';
import { runCli } from '../support/cli';
import { RunningJupyter, listServers, startJupyter } from './fixtures/jupyter';
import { Flavor, appOf, stack } from './fixtures/stack';

for (const flavor of Object.keys(stack.apps) as Flavor[]) {
  const app = appOf(flavor);
  describe(`\`jupyter ${flavor}\` of the ${stack.name} stack, as a person starts it`, function () {
    this.timeout(120000);
    let server: RunningJupyter;
    let printedUrl: string; // the token URL it printed at startup

    before(async () => {
      server = await startJupyter({ flavor, token: 'generate' }); // a token of its own making, printed in full
      const log = await server.logMatching(/Control-C/);
      const urls = log.match(/https?:\/\/127\.0\.0\.1:\d+\/\S*token=[0-9a-f]+/g) ?? [];
      assert.ok(urls.length > 0, log);
      printedUrl = urls[0] as string;
    });
    after(async () => {
      await server?.stop();
    });

    it(`prints its token URL in the form ${app.printedPath}?token=, and its startup lines parse to that server`, async () => {
      assert.equal(new URL(printedUrl).pathname, app.printedPath);
      const { servers } = parseServerText(server.log());
      assert.equal(servers.length, 1, JSON.stringify(servers));
      assert.deepEqual([servers[0].baseUrl, servers[0].token, servers[0].kind], [server.url, server.token, app.apiFlavor]);
    });

    it(`\`jupyter ${flavor} list\`${flavor !== 'server' && app.apiFlavor === 'jupyter-server' ? ' and `jupyter server list`' : ''} in text and --json parse to it, with its version`, async () => {
      if (flavor !== 'server' && app.apiFlavor === 'jupyter-server') {
        const viaServer = parseServerText((await listServers({ flavor: 'server', env: server.env }, ['--json'])).stdout).servers;
        assert.deepEqual(viaServer.map((s) => [s.baseUrl, s.token]), [[server.url, server.token]]);
      }
      const text = parseServerText((await listServers(server)).stdout).servers;
      assert.deepEqual(text.map((s) => [s.baseUrl, s.token]), [[server.url, server.token]]);
      const json = parseServerText((await listServers(server, ['--json'])).stdout).servers;
      assert.deepEqual(json.map((s) => [s.baseUrl, s.token, s.kind, s.rootDir]), [[server.url, server.token, app.apiFlavor, server.rootDir]]);
      // jpserver files carry jupyter_server's version; nbserver files (notebook 6.4) none.
      assert.equal(json[0].version, app.apiFlavor === 'jupyter-server' ? stack.serverVersion() : undefined);
    });

    it('its runtime file is found and read', async () => {
      const found = await discoverLocalServers({ env: { JUPYTER_RUNTIME_DIR: server.runtimeDir } });
      assert.deepEqual(found.servers.map((s) => [s.baseUrl, s.token, s.pid]), [[server.url, server.token, server.pid]]);
    });

    it(`\`check\` on the printed URL: ${app.apiFlavor} ${app.app ? `as ${app.app.name} ` : ''}and its version`, async () => {
      const r = await runCli(['check', printedUrl]);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.deepEqual([out.flavor, out.version, out.auth, out.kernelspecs], [app.apiFlavor, stack.apiVersion(flavor), 'token', ['python3']]);
      assert.deepEqual(out.app, app.app ? { name: app.app.name, version: app.app.version() } : undefined);
      if (app.apiFlavor === 'jupyter-server' && stack.serverMajor() >= 2) {
        // jupyter_server 2's identity endpoint: who the token is, and that it may do what we do.
        assert.match(out.username, /^[0-9a-f]{32}$/);
        assert.equal(typeof out.user, 'string');
        assert.deepEqual(out.permissions.kernels, ['read', 'write', 'execute']);
        assert.deepEqual(out.permissions.contents, ['read', 'write']);
      } else {
        assert.equal(out.username, undefined, '1.x and notebook 6.4 have no /api/me');
      }
      assert.ok(!r.stdout.includes(server.token) && !r.stderr.includes(server.token));
    });

    it('`run` runs a notebook on it and writes the result', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'jr-kinds-'));
      const nb = path.join(dir, 'nb.ipynb');
      const cells = ['import sys, ipykernel\nprint(ipykernel.__version__)', 'import os\nos.getcwd()'];
      writeFileSync(nb, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: cells.map((source) => ({ cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null })) }));
      const r = await runCli(['run', nb, '--url', printedUrl, '--out', path.join(dir, 'out.ipynb')]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^${stack.ipykernelVersion().replace(/\./g, '\\.')}$`, 'm'), 'the kernel is the stack\'s ipykernel');
      assert.match(r.stdout, new RegExp(server.rootDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    });
  });
}
