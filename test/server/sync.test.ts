// A local project folder kept in sync with a server folder (issue 31), on both stacks: what goes up
// byte-exact and what is left out, a second run that sends nothing, renames and deletes mirrored only for
// the sync's own files, a file changed on the server kept and reported, the kernel importing the synced
// package and reloading it, the CLI (dry run, exit codes, an unreadable file), and a server gone mid-sync.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createSession, deleteSession, statPath } from '../../src/core/api';
import { HttpSession } from '../../src/core/http';
import { KernelConnection, NotebookOutputs } from '../../src/core/kernel';
import { MANIFEST_NAME, ProjectSync, importedModulesOf, reloadModules } from '../../src/core/sync';
import { runCli } from '../support/cli';
import { startFaultProxy } from './fixtures/fault-proxy';
import { RunningJupyter, startJupyter } from './fixtures/jupyter';

/** The requests a session sends, as `METHOD path` lines. */
function countRequests(session: HttpSession): string[] {
  const seen: string[] = [];
  const original = session.request.bind(session);
  session.request = (method, p, options) => {
    seen.push(`${method} ${p.split('?')[0]}`);
    return original(method, p, options);
  };
  return seen;
}

const write = (root: string, rel: string, content: string | Buffer) => {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), content);
};

/** Every file under `dir`, relative, `/`-separated, sorted. */
function filesUnder(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
    .sort();
}

/** Waits until the files under `dir` and their sizes stay the same for 300 ms. */
async function settled(dir: string): Promise<void> {
  const picture = () => filesUnder(dir).map((f) => `${f}:${statSync(path.join(dir, f)).size}`).join(',');
  for (let last = picture(), i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 300));
    const now = picture();
    if (now === last) return;
    last = now;
  }
}

describe('syncing a local project folder to a server folder', function () {
  this.timeout(120000);
  let server: RunningJupyter;
  let session: HttpSession;
  let local: string;
  const binary = Buffer.from(Array.from({ length: 1300 * 1024 }, (_, i) => (i * 7919) % 256)); // over two upload chunks

  const remote = (rel: string) => path.join(server.rootDir, 'proj', rel);
  const newSync = (mirrorDeletes = true) => new ProjectSync(session, { localRoot: local, remoteRoot: 'proj', mirrorDeletes, exclude: ['scratch/'] });

  before(async () => {
    server = await startJupyter({ flavor: 'server' });
    session = new HttpSession({ baseUrl: server.url, credentials: { token: server.token } });
    local = mkdtempSync(path.join(os.tmpdir(), 'jr-sync-'));
    chmodSync(local, 0o755);
    write(local, 'mypkg/__init__.py', 'from .util import twice\n\ndef f():\n    return twice(21)\n');
    write(local, 'mypkg/util.py', 'def twice(x):\n    return 2 * x\n');
    write(local, 'data/weights.bin', binary);
    write(local, 'empty.txt', '');
    write(local, 'notes/é ü.md', 'héllo\n');
    write(local, 'notes.txt', 'to be deleted\n');
    // left out: git's rules (nested too, with a re-inclusion), .git/, hidden files, environments, caches
    write(local, '.gitignore', '*.log\n!keep.log\n/build/\n');
    write(local, 'run.log', 'ignored\n');
    write(local, 'keep.log', 'kept\n');
    write(local, 'build/out.o', 'ignored\n');
    write(local, 'sub/.gitignore', 'secret.txt\n');
    write(local, 'sub/secret.txt', 'ignored\n');
    write(local, 'sub/open.txt', 'kept\n');
    write(local, '.git/HEAD', 'ref: refs/heads/main\n');
    write(local, '.env', 'API_KEY=local-only\n');
    write(local, 'myenv/pyvenv.cfg', 'home = /usr/bin\n');
    write(local, 'myenv/lib/site.py', 'ignored\n');
    write(local, 'mypkg/__pycache__/util.cpython-311.pyc', 'ignored');
    write(local, 'node_modules/x/index.js', 'ignored\n');
    write(local, 'scratch/tmp.csv', 'excluded by the setting\n');
    symlinkSync('/etc/passwd', path.join(local, 'passwd-link'));
  });
  after(async () => {
    await session?.close();
    await server?.stop();
    rmSync(local, { recursive: true, force: true });
  });

  it('a first sync sends every file but the ignored ones, byte-exact, and records them on the server', async () => {
    const sync = newSync();
    const plan = await sync.plan();
    assert.deepEqual(
      plan.uploads.map((u) => u.path),
      ['data/weights.bin', 'empty.txt', 'keep.log', 'mypkg/__init__.py', 'mypkg/util.py', 'notes.txt', 'notes/é ü.md', 'sub/open.txt'],
    );
    assert.deepEqual(plan.skipped.map((s) => [s.path, s.kind]), [['passwd-link', 'link']]);
    assert.ok(!existsSync(remote('')), 'a plan writes nothing');

    const progress: number[] = [];
    const result = await sync.run({ onProgress: (p) => progress.push(p.done) });
    assert.deepEqual(result.uploaded, plan.uploads.map((u) => u.path));
    assert.deepEqual(result.conflicts, []);
    assert.equal(result.stopped, undefined);
    assert.equal(progress.at(-1), 8);
    assert.deepEqual(filesUnder(remote('')), [...plan.uploads.map((u) => u.path), MANIFEST_NAME].sort());
    for (const rel of plan.uploads.map((u) => u.path)) assert.ok(readFileSync(remote(rel)).equals(readFileSync(path.join(local, rel))), `${rel} is byte-exact`);
    const manifest = JSON.parse(readFileSync(remote(MANIFEST_NAME), 'utf8')) as { files: Record<string, { size: number }> };
    assert.equal(manifest.files['data/weights.bin'].size, binary.length);
  });

  it('a second run with nothing changed sends no file: it reads the record and nothing else', async () => {
    const seen = countRequests(session);
    const result = await newSync().run();
    assert.deepEqual(result.uploaded, []);
    assert.equal(result.unchanged, 8);
    assert.deepEqual(seen.filter((r) => !r.startsWith('GET ')), [], 'no write at all');
    assert.ok(seen.length <= 2, `at most the record's two reads (files/, then contents/ as a fallback): ${seen.join(', ')}`);
  });

  it('one changed file: only that file goes up', async () => {
    write(local, 'mypkg/util.py', 'def twice(x):\n    return x + x\n');
    const seen = countRequests(session);
    const result = await newSync().run();
    assert.deepEqual(result.uploaded, ['mypkg/util.py']);
    assert.deepEqual(seen, [`GET files/proj/${MANIFEST_NAME}`, 'GET api/contents/proj/mypkg', 'PUT api/contents/proj/mypkg/util.py', `PUT api/contents/proj/${MANIFEST_NAME}`], 'the record, the folder, the file, the record: no folder asked again');
    assert.equal(readFileSync(remote('mypkg/util.py'), 'utf8'), 'def twice(x):\n    return x + x\n');
  });

  it('a rename and a delete are mirrored, and a server file the sync did not put there is never deleted', async () => {
    writeFileSync(remote('theirs.txt'), 'made on the server\n');
    renameSync(path.join(local, 'notes/é ü.md'), path.join(local, 'notes/renamed.md'));
    unlinkSync(path.join(local, 'notes.txt'));
    const result = await newSync().run();
    assert.deepEqual(result.uploaded, ['notes/renamed.md']);
    assert.deepEqual(result.deleted, ['notes.txt', 'notes/é ü.md']);
    assert.ok(!existsSync(remote('notes.txt')) && !existsSync(remote('notes/é ü.md')));
    assert.equal(readFileSync(remote('notes/renamed.md'), 'utf8'), 'héllo\n');
    assert.equal(readFileSync(remote('theirs.txt'), 'utf8'), 'made on the server\n');
    // without --delete, a local delete leaves the server's copy
    unlinkSync(path.join(local, 'keep.log'));
    assert.deepEqual((await newSync(false).run()).deleted, []);
    assert.ok(existsSync(remote('keep.log')));
  });

  it('a file changed on the server since the sync wrote it is not overwritten: reported, then kept aside when the person overwrites', async () => {
    writeFileSync(remote('mypkg/util.py'), '# edited on the server\n');
    utimesSync(remote('mypkg/util.py'), new Date(), new Date(Date.now() + 5000));
    write(local, 'mypkg/util.py', 'def twice(x):\n    return 2 * x  # local edit\n');
    const sync = newSync();
    const result = await sync.run();
    assert.deepEqual(result.uploaded, []);
    assert.deepEqual(result.conflicts.map((c) => [c.path, c.kind]), [['mypkg/util.py', 'changed-on-server']]);
    assert.match(result.conflicts[0].message, /^proj\/mypkg\/util\.py was changed on the server since it was last synced, so the local version was not sent\.$/);
    assert.equal(readFileSync(remote('mypkg/util.py'), 'utf8'), '# edited on the server\n');
    // a delete of a file changed on the server is left undone too
    writeFileSync(remote('empty.txt'), 'now has content\n');
    unlinkSync(path.join(local, 'empty.txt'));
    const again = await sync.run();
    assert.deepEqual(again.conflicts.map((c) => [c.path, c.deletion]), [['empty.txt', true], ['mypkg/util.py', false]]);
    assert.equal(readFileSync(remote('empty.txt'), 'utf8'), 'now has content\n');

    const aside = await sync.overwrite('mypkg/util.py');
    assert.match(aside, /^proj\/mypkg\/~util\.py\.jr-server-[0-9a-f]{8}$/);
    assert.equal(readFileSync(path.join(server.rootDir, aside), 'utf8'), '# edited on the server\n', 'the server version is kept');
    assert.equal(readFileSync(remote('mypkg/util.py'), 'utf8'), 'def twice(x):\n    return 2 * x  # local edit\n');
    assert.deepEqual((await sync.run()).conflicts.map((c) => c.path), ['empty.txt'], 'the overwritten file is in sync again');
  });

  it('a file already on the server that the sync did not write: identical is adopted, different is a conflict, even one the server leaves out of its listings', async () => {
    mkdirSync(remote('found'), { recursive: true });
    writeFileSync(remote('found/same.txt'), 'same\n');
    writeFileSync(remote('found/differs.txt'), 'theirs\n');
    writeFileSync(remote('found/hidden.txt~'), 'theirs, left out of listings by the server (hide_globs)\n');
    write(local, 'found/same.txt', 'same\n');
    write(local, 'found/differs.txt', 'mine\n');
    write(local, 'found/hidden.txt~', 'mine\n');
    const seen = countRequests(session);
    const result = await newSync().run();
    assert.deepEqual(result.uploaded, []);
    assert.ok(!seen.includes('PUT api/contents/proj/found/same.txt'));
    assert.deepEqual(result.conflicts.filter((c) => c.path.startsWith('found/')).map((c) => [c.path, c.kind]), [['found/differs.txt', 'not-synced'], ['found/hidden.txt~', 'not-synced']]);
    assert.equal(readFileSync(remote('found/differs.txt'), 'utf8'), 'theirs\n');
    assert.match(readFileSync(remote('found/hidden.txt~'), 'utf8'), /^theirs/);
    const manifest = JSON.parse(readFileSync(remote(MANIFEST_NAME), 'utf8')) as { files: Record<string, unknown> };
    assert.ok(manifest.files['found/same.txt'], 'adopted into the record');
    assert.ok(!manifest.files['found/differs.txt']);
    rmSync(path.join(local, 'found'), { recursive: true });
    assert.deepEqual((await newSync().run()).deleted, ['found/same.txt'], 'an adopted file is the sync\'s own');
    assert.equal(readFileSync(remote('found/differs.txt'), 'utf8'), 'theirs\n');
  });

  it('the kernel imports the synced package, and after a change and a reload of the changed modules runs the new code', async () => {
    const s = await createSession(session, { path: 'proj/analysis.ipynb', kernelName: 'python3' });
    const conn = await KernelConnection.connect({ session, kernelId: s.kernel.id });
    const run = async (code: string) => {
      const outputs = new NotebookOutputs().cell();
      await conn.execute(code, { outputs }).done;
      return JSON.stringify(outputs);
    };
    try {
      assert.match(await run('from mypkg import f\nprint(f())'), /42/);
      write(local, 'mypkg/util.py', 'def twice(x):\n    return 2 * x + 1000\n');
      const result = await newSync().run();
      assert.deepEqual(result.uploaded, ['mypkg/util.py']);
      const changed = result.uploaded.filter((p) => p.endsWith('.py')).map((p) => `proj/${p}`);
      assert.deepEqual(await importedModulesOf(conn, changed), ['mypkg.util']);
      assert.deepEqual(await importedModulesOf(conn, ['proj/notes/renamed.md']), []);
      assert.match(await run('print(f())'), /42/, 'before the reload: the old code');
      // the package too, so that its `from .util import twice` takes the new function
      assert.deepEqual(await reloadModules(conn, [...changed, 'proj/mypkg/__init__.py']), { reloaded: ['mypkg.util', 'mypkg'] });
      assert.match(await run('from mypkg import f\nprint(f())'), /1042/);
      assert.doesNotMatch(await run('print(sorted(n for n in dir() if n.startswith("_jr")))'), /_jr/, 'nothing of ours left in the namespace');

      write(local, 'mypkg/util.py', 'def twice(x) oops\n');
      await newSync().run();
      const broken = await reloadModules(conn, ['proj/mypkg/util.py']);
      assert.deepEqual(broken.reloaded, []);
      assert.match(broken.error ?? '', /^Could not reload SyntaxError: .* \(in mypkg\.util\)\.$/);
      assert.match(await run('print(f())'), /1042/, 'the old code still runs');
      write(local, 'mypkg/util.py', 'def twice(x):\n    return 2 * x\n');
      await newSync().run();
    } finally {
      await conn.dispose();
      await deleteSession(session, s.id);
    }
  });

  it('the CLI: a dry run lists and writes nothing, a mapping above the root is one sentence, an unreadable file is left out with exit 1', async () => {
    const url = `${server.url}?token=${server.token}`;
    write(local, 'new/one.py', 'x = 1\n');
    const dry = await runCli(['sync', local, url, 'proj', '--dry-run', '--delete', '--exclude', 'scratch/']);
    assert.equal(dry.stdout, '+ new/one.py\n');
    assert.match(dry.stderr, /would send 1 file\(s\) \(6 B\), would delete 0, \d+ unchanged, 1 conflict\(s\)/);
    assert.equal(dry.code, 1, 'the conflict left over from before leaves something unsynced');
    assert.ok(!existsSync(remote('new/one.py')));

    const above = await runCli(['sync', local, url, '../elsewhere']);
    assert.equal(above.code, 2);
    assert.equal(above.stderr, 'jupyter-remote: "../elsewhere" is not a folder inside the server\'s root: name one that is.\n');

    const fresh = mkdtempSync(path.join(os.tmpdir(), 'jr-sync-cli-'));
    try {
      chmodSync(fresh, 0o755);
      write(fresh, 'ok.py', 'ok = True\n');
      write(fresh, 'locked.py', 'secret = 1\n');
      chmodSync(path.join(fresh, 'locked.py'), 0o000);
      chmodSync(path.join(fresh, 'ok.py'), 0o644);
      // as an unprivileged user, for whom the mode holds (root reads anything)
      const res = await runCli(['sync', fresh, url, 'cli-proj'], {}, 120000, 'nobody');
      assert.equal(res.code, 1, res.stderr);
      assert.equal(res.stdout, 'sent ok.py\n');
      assert.match(res.stderr, /skipped locked\.py: cannot read it \(EACCES\)/);
      assert.equal(readFileSync(path.join(server.rootDir, 'cli-proj/ok.py'), 'utf8'), 'ok = True\n');
      assert.ok(!existsSync(path.join(server.rootDir, 'cli-proj/locked.py')));
      const again = await runCli(['sync', fresh, url, 'cli-proj'], {}, 120000, 'nobody');
      assert.match(again.stderr, /sent 0 file\(s\), deleted 0, 1 unchanged/);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it("a record on the server naming paths outside the mapped folder is not followed: nothing outside it is deleted", async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'jr-sync-hostile-'));
    try {
      writeFileSync(path.join(server.rootDir, 'outside.txt'), 'not the sync\'s\n');
      mkdirSync(path.join(server.rootDir, 'hostile'), { recursive: true });
      const model = await statPath(session, 'outside.txt');
      const entry = { size: 15, sha256: '0'.repeat(64), modified: model.lastModified };
      writeFileSync(path.join(server.rootDir, 'hostile', MANIFEST_NAME), JSON.stringify({ version: 1, files: { '../outside.txt': entry, 'a/../../outside.txt': entry, '/outside.txt': entry } }));
      const result = await new ProjectSync(session, { localRoot: empty, remoteRoot: 'hostile', mirrorDeletes: true }).run();
      assert.deepEqual(result.deleted, []);
      assert.equal(readFileSync(path.join(server.rootDir, 'outside.txt'), 'utf8'), 'not the sync\'s\n');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('the network gone mid-sync: one sentence, every file on the server whole or absent, and the next run sends the rest', async () => {
    const burst = mkdtempSync(path.join(os.tmpdir(), 'jr-sync-burst-'));
    const proxy = await startFaultProxy(server.port);
    const viaProxy = new HttpSession({ baseUrl: server.url.replace(`:${server.port}/`, `:${proxy.port}/`), credentials: { token: server.token } });
    try {
      for (let i = 0; i < 40; i++) write(burst, `pkg/m${String(i).padStart(2, '0')}.py`, `value = ${i}\n${'#'.repeat(200 * 1024)}\n`);
      const sync = new ProjectSync(viaProxy, { localRoot: burst, remoteRoot: 'burst', mirrorDeletes: true });
      const result = await sync.run({ onProgress: (p) => p.done === 5 && proxy.offline(true) });
      assert.match(result.stopped ?? '', /^The sync stopped: [^\n]+\.$/);
      assert.ok(result.uploaded.length >= 5 && result.uploaded.length < 40, `${result.uploaded.length} sent before the stop`);
      const whole = () => {
        const there = filesUnder(path.join(server.rootDir, 'burst', 'pkg'));
        for (const rel of there) assert.ok(readFileSync(path.join(server.rootDir, 'burst', 'pkg', rel)).equals(readFileSync(path.join(burst, 'pkg', rel))), `${rel} is whole`);
        return there;
      };
      // The server finishes the saves whose requests it had whole when the network went (2.x writes them on a thread).
      await settled(path.join(server.rootDir, 'burst', 'pkg'));
      assert.ok(whole().length >= 5);
      proxy.offline(false);
      const rest = await sync.run();
      assert.equal(rest.stopped, undefined);
      assert.equal(rest.uploaded.length + rest.unchanged, 40);
      assert.ok(rest.uploaded.length <= 40 - result.uploaded.length, 'what was sent before the stop is not sent again');
      assert.equal(whole().length, 40);
    } finally {
      await viaProxy.close();
      await proxy.close();
      rmSync(burst, { recursive: true, force: true });
    }
  });
});
