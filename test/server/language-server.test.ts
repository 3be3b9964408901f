// The server's language server through jupyter-lsp (issue 27): today's stack runs pyright from npm
// (fixtures/stack.ts languageServerArgs); Debian's 1.23 stack has no jupyter-lsp.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HttpSession } from '../../src/core/http';
import { LanguageConnection, LanguageServerAbsentError, LanguageService, languageServerOffer, type CellText, type Diagnostic, type DiagnosticsUpdate } from '../../src/core/language';
import { startFaultProxy } from './fixtures/fault-proxy';
import { RunningJupyter, startJupyter } from './fixtures/jupyter';
import { stack } from './fixtures/stack';

const cells = (...texts: (string | { markdown: string })[]): CellText[] =>
  texts.map((t, index) => (typeof t === 'string' ? { index, text: t, language: 'python' } : { index, text: t.markdown, language: 'markdown' }));

/** The next diagnostics the service publishes for `key` that satisfy `ok`. */
function diagnosticsFor(service: LanguageService, key: string, ok: (cells: Map<number, Diagnostic[]>) => boolean = () => true, ms = 30000): Promise<Map<number, Diagnostic[]>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no diagnostics for ${key} within ${ms} ms; last: ${JSON.stringify(last && [...last])}`));
    }, ms);
    let last: Map<number, Diagnostic[]> | undefined;
    const sub = service.onDiagnostics((u: DiagnosticsUpdate) => {
      if (!('notebook' in u) || u.notebook !== key) return;
      last = u.cells;
      if (!ok(u.cells)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(u.cells);
    });
  });
}

/** Errors and warnings (pyright's hints, such as "is not accessed", are shown faded, not as problems). */
const messages = (d: Diagnostic[] | undefined) => (d ?? []).filter((x) => (x.severity ?? 1) <= 2).map((x) => `${x.range.start.line}:${x.range.start.character} ${x.message}`);

if (!stack.languageServerArgs.length) {
  describe('the language server, on a server without jupyter-lsp', () => {
    let server: RunningJupyter;
    let session: HttpSession;
    before(async () => {
      server = await startJupyter({ flavor: 'server' });
      session = new HttpSession({ baseUrl: server.url, credentials: { token: server.token } });
    });
    after(async () => {
      await session?.close();
      await server?.stop();
    });

    it('is absent, and says why in one sentence', async () => {
      await assert.rejects(languageServerOffer(session), (e: Error) => e instanceof LanguageServerAbsentError && /no jupyter-lsp/.test(e.message) && !e.message.includes('\n'));
    });
  });
} else {
  describe('the language server through jupyter-lsp (pyright on the server)', function () {
    this.timeout(120000);
    let server: RunningJupyter;
    let session: HttpSession;
    let service: LanguageService;
    /** A package only the server's Python can import: on its PYTHONPATH, nowhere the test's Python looks. */
    let serverOnly: string;

    before(async () => {
      serverOnly = mkdtempSync(path.join(os.tmpdir(), 'jr-server-site-'));
      mkdirSync(path.join(serverOnly, 'serveronly_pkg'));
      writeFileSync(path.join(serverOnly, 'serveronly_pkg', '__init__.py'), 'def shout(text: str) -> str:\n    """Shout TEXT back, louder."""\n    return text.upper()\n');
      server = await startJupyter({ flavor: 'server', env: { PYTHONPATH: serverOnly } });
      writeFileSync(path.join(server.rootDir, 'helper.py'), 'def greet(name):\n    """Say hello to NAME."""\n    return "hi " + name\n');
      mkdirSync(path.join(server.rootDir, 'project'));
      writeFileSync(path.join(server.rootDir, 'project', 'nearby.py'), 'def near():\n    return 1\n');
      session = new HttpSession({ baseUrl: server.url, credentials: { token: server.token } });
      service = await LanguageService.start(session);
    });
    after(async () => {
      service?.dispose();
      await session?.close();
      await server?.stop();
    });

    it('finds pyright and the root through lsp/status and the page config', () => {
      assert.equal(service.offer.name, 'pyright');
      assert.equal(service.offer.rootUri, `file://${server.rootDir}`);
      assert.equal(service.offer.documentsOnDisk, false);
    });

    it("checks a notebook with the server's packages: no error for a server-only import, one per undefined name, in the right cell; IPython lines give none", async () => {
      const third = '%time y = serveronly_pkg.shout("a")\nprint(undefined_name)\n!ls -l\nfiles = !ls\nfiles[0]\nobj?';
      const published = diagnosticsFor(service, 'nb', (c) => (c.get(2) ?? []).length > 0);
      service.openNotebook('nb', 'nb.ipynb', cells('import serveronly_pkg\nimport nosuchmodule_xyz', { markdown: '# not code' }, third, 'display(y)\nprint(files)\n%matplotlib inline'));
      const found = await published;
      assert.deepEqual(messages(found.get(0)), ['1:7 Import "nosuchmodule_xyz" could not be resolved']);
      assert.equal(found.has(1), false, 'a markdown cell is not in the document');
      assert.deepEqual(messages(found.get(2)), ['1:6 "undefined_name" is not defined']);
      assert.deepEqual(found.get(2)?.[0].range.end, { line: 1, character: 20 });
      assert.deepEqual(messages(found.get(3)), []);
    });

    it('hovers a server-only function with its docstring, before any kernel ran, and maps the range back into a %time line', async () => {
      const column = '%time y = serveronly_pkg.'.length + 2;
      const hover = await service.hover({ notebook: 'nb', cell: 2, position: { line: 0, character: column } });
      assert.ok(hover, 'a hover');
      assert.match(hover.text.value, /def shout\(text: str\) -> str/);
      assert.match(hover.text.value, /Shout TEXT back, louder\./);
      assert.deepEqual(hover.range, { start: { line: 0, character: column - 2 }, end: { line: 0, character: column + 3 } });
      assert.equal(await service.hover({ notebook: 'nb', cell: 2, position: { line: 2, character: 2 } }), undefined, 'a shell line is masked');
    });

    it('goes to a definition in a server file under the root, and outside it (the package on the server)', async () => {
      service.changeNotebook('nb', cells('from helper import greet\nimport serveronly_pkg\ngreet("x")\nserveronly_pkg.shout("x")'));
      const intoRoot = await service.definition({ notebook: 'nb', cell: 0, position: { line: 2, character: 1 } });
      assert.deepEqual(intoRoot.map((l) => [l.kind, 'path' in l ? l.path : '', l.range.start.line]), [['file', 'helper.py', 0]]);
      const outside = await service.definition({ notebook: 'nb', cell: 0, position: { line: 3, character: 17 } });
      assert.deepEqual(outside.map((l) => [l.kind, 'path' in l ? l.path : '', l.range.start]), [['outside', path.join(serverOnly, 'serveronly_pkg', '__init__.py'), { line: 0, character: 4 }]]);
    });

    it('finds references and symbols across cells, each in its own cell', async () => {
      service.changeNotebook('nb', cells('def twice(v):\n    return 2 * v', 'print(twice(1))', 'class Box:\n    size = twice(3)'));
      const refs = await service.references({ notebook: 'nb', cell: 1, position: { line: 0, character: 7 } });
      assert.deepEqual(refs.map((l) => (l.kind === 'cell' ? [l.cell, l.range.start.line, l.range.start.character] : l.kind)).sort(), [[0, 0, 4], [1, 0, 6], [2, 1, 11]]);
      const symbols = await service.documentSymbols({ notebook: 'nb', cell: 2 });
      assert.deepEqual(symbols.map((s) => [s.name, s.range.start.line, s.children.map((c) => c.name)]), [['Box', 0, ['size']]]);
      assert.deepEqual((await service.documentSymbols({ notebook: 'nb', cell: 0 })).map((s) => s.name), ['twice'], 'the prelude names are in no cell');
      const help = await service.signatureHelp({ notebook: 'nb', cell: 1, position: { line: 0, character: 12 } });
      assert.match(help?.signatures[0].label ?? '', /^\(v\b/);
    });

    it("resolves imports from the notebook's own folder, as the kernel does", async () => {
      const published = diagnosticsFor(service, 'deep');
      service.openNotebook('deep', 'project/analysis.ipynb', cells('import nearby\nnearby.near()\nmissing_here'));
      const found = await published;
      assert.deepEqual(messages(found.get(0)), ['2:0 "missing_here" is not defined']);
      service.closeNotebook('deep');
    });

    it('serves a .py file under the root: diagnostics and symbols on the file itself', async () => {
      const published = new Promise<Diagnostic[]>((resolve) => {
        const sub = service.onDiagnostics((u) => {
          if ('file' in u && u.file === 'helper.py' && u.diagnostics.length) {
            sub.dispose();
            resolve(u.diagnostics);
          }
        });
      });
      service.openFile('helper.py', 'def greet(name):\n    return "hi " + nam\n');
      assert.deepEqual(messages(await published), ['1:19 "nam" is not defined']);
      assert.deepEqual((await service.documentSymbols({ file: 'helper.py' })).map((s) => s.name), ['greet']);
      service.closeFile('helper.py');
    });

    it('two clients on one server and one notebook path keep their own documents; one leaving does not stop the other', async () => {
      const other = await LanguageService.start(session);
      try {
        assert.equal(other.offer.othersConnected, true, 'the second client finds the language server running');
        const mine = diagnosticsFor(service, 'shared', (c) => messages(c.get(0)).some((m) => m.includes('only_a')));
        const theirs = diagnosticsFor(other, 'shared', (c) => messages(c.get(0)).some((m) => m.includes('only_b')));
        service.openNotebook('shared', 'shared.ipynb', cells('a = 1\nonly_a'));
        other.openNotebook('shared', 'shared.ipynb', cells('b = 2\n\n\nonly_b'));
        assert.deepEqual(messages((await mine).get(0)), ['1:0 "only_a" is not defined']);
        assert.deepEqual(messages((await theirs).get(0)), ['3:0 "only_b" is not defined']);
        const hover = await other.hover({ notebook: 'shared', cell: 0, position: { line: 0, character: 0 } });
        assert.match(hover?.text.value ?? '', /\bb\b/);
      } finally {
        other.dispose();
      }
      const after = diagnosticsFor(service, 'shared', (c) => messages(c.get(0)).some((m) => m.includes('only_c')));
      service.changeNotebook('shared', cells('c = 1\nonly_c'));
      assert.deepEqual(messages((await after).get(0)), ['1:0 "only_c" is not defined']);
      assert.match((await service.hover({ notebook: 'shared', cell: 0, position: { line: 0, character: 0 } }))?.text.value ?? '', /\bc\b/);
      assert.ok(!existsSync(path.join(server.rootDir, '.virtual_documents')), 'pyright takes documents from the client: nothing is written on the server');
    });

    it('reconnects after the network drops, opens its documents again, and answers as before', async () => {
      const proxy = await startFaultProxy(server.port);
      const viaProxy = new HttpSession({ baseUrl: server.url.replace(`:${server.port}/`, `:${proxy.port}/`), credentials: { token: server.token } });
      const dropped = await LanguageService.start(viaProxy);
      try {
        const first = diagnosticsFor(dropped, 'nb', (c) => messages(c.get(0)).length > 0);
        dropped.openNotebook('nb', 'dropped.ipynb', cells('value = 1\nbefore_drop'));
        assert.deepEqual(messages((await first).get(0)), ['1:0 "before_drop" is not defined']);
        const states: string[] = [];
        const ready = new Promise<void>((resolve) => dropped.onDidChangeState((s) => (states.push(s), s === 'ready' && resolve())));
        proxy.cut();
        await ready;
        assert.deepEqual(states, ['reconnecting', 'ready']);
        const again = diagnosticsFor(dropped, 'nb', (c) => messages(c.get(0)).some((m) => m.includes('after_drop')));
        dropped.changeNotebook('nb', cells('value = 1\nafter_drop'));
        assert.deepEqual(messages((await again).get(0)), ['1:0 "after_drop" is not defined']);
        assert.match((await dropped.hover({ notebook: 'nb', cell: 0, position: { line: 0, character: 1 } }))?.text.value ?? '', /value/);
      } finally {
        dropped.dispose();
        await viaProxy.close();
        await proxy.close();
      }
    });

    it("another client's initialize (a JupyterLab tab opening) makes the server forget our documents: we send them again", async () => {
      service.openNotebook('kept', 'kept.ipynb', cells('def kept_name():\n    return 1\nkept_name()'));
      const hoverOnKept = () => service.hover({ notebook: 'kept', cell: 0, position: { line: 2, character: 2 } });
      assert.match((await hoverOnKept())?.text.value ?? '', /kept_name/);
      const tab = await LanguageConnection.open(session, 'pyright');
      try {
        await tab.request('initialize', { processId: null, rootUri: service.offer.rootUri, capabilities: {}, workspaceFolders: [{ uri: service.offer.rootUri, name: 'root' }] });
        tab.notify('initialized', {});
        let text = '';
        for (const end = Date.now() + 10000; !text && Date.now() < end; await new Promise((r) => setTimeout(r, 100))) text = (await hoverOnKept())?.text.value ?? '';
        assert.match(text, /kept_name/, 'the hover answers again without an edit');
      } finally {
        tab.close();
        service.closeNotebook('kept');
      }
    });

    it('connects on a password server too: the login cookie and _xsrf carry the WebSocket', async () => {
      const locked = await startJupyter({ flavor: 'server', token: '', password: 'language please' });
      const pwSession = new HttpSession({ baseUrl: locked.url, credentials: { password: 'language please' } });
      try {
        const viaPassword = await LanguageService.start(pwSession);
        try {
          const published = diagnosticsFor(viaPassword, 'nb', (c) => messages(c.get(0)).length > 0);
          viaPassword.openNotebook('nb', 'locked.ipynb', cells('behind_a_password'));
          assert.deepEqual(messages((await published).get(0)), ['0:0 "behind_a_password" is not defined']);
        } finally {
          viaPassword.dispose();
        }
      } finally {
        await pwSession.close();
        await locked.stop();
      }
    });

    it('finds the language server started for a client that never initialized it (or left): initializes it itself', async () => {
      service.dispose();
      const handlers = async () => {
        const status = JSON.parse((await session.request('GET', 'lsp/status')).text()) as { sessions: Record<string, { handler_count: number }> };
        return status.sessions.pyright.handler_count;
      };
      for (const end = Date.now() + 10000; (await handlers()) > 0 && Date.now() < end; ) await new Promise((r) => setTimeout(r, 100));
      assert.equal(await handlers(), 0, 'every client gone: jupyter-lsp stopped pyright');
      const silent = await LanguageConnection.open(session, 'pyright'); // connected, never initializes: a fresh process
      try {
        service = await LanguageService.start(session);
        assert.equal(service.offer.othersConnected, true);
        const published = diagnosticsFor(service, 'late', (c) => messages(c.get(0)).length > 0);
        service.openNotebook('late', 'late.ipynb', cells('late_name'));
        assert.deepEqual(messages((await published).get(0)), ['0:0 "late_name" is not defined']);
      } finally {
        silent.close();
      }
    });
  });
}
