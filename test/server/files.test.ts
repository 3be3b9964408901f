// The server's files through the Contents API and /files/, on this run's stack: byte-exact round
// trips, uploads in chunks that never leave a file half-written, clear refusals, and the CLI's
// ls/get/put.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ContentsChange,
  ContentsError,
  EventsUnsupportedError,
  createDirectory,
  deletePath,
  listDirectory,
  readFileBytes,
  renamePath,
  statPath,
  subscribeToContentsEvents,
  uploadFile,
} from '../../src/core/api';
import { HttpSession } from '../../src/core/http';
import { runCli } from '../support/cli';
import { RunningJupyter, startJupyter } from './fixtures/jupyter';
import { stack } from './fixtures/stack';

const problemOf = (problem: string) => (e: unknown) => e instanceof ContentsError && e.problem === problem;

describe(`server files on the ${stack.name} stack`, function () {
  this.timeout(120000);
  let server: RunningJupyter;
  let limited: RunningJupyter; // a 1 MB cap on a request's body, as a Hub's proxy may have
  let session: HttpSession;

  before(async () => {
    [server, limited] = await Promise.all([
      startJupyter({ flavor: 'server' }),
      startJupyter({ flavor: 'server', extraArgs: ['--ServerApp.max_body_size=1048576'] }),
    ]);
    session = new HttpSession({ baseUrl: server.url, credentials: { token: server.token } });
  });
  after(async () => {
    await session?.close();
    await Promise.all([server, limited].filter(Boolean).map((s) => s.stop()));
  });

  it('round trips are byte-exact: binary, text, a notebook, names with spaces and non-ASCII, nested folders', async () => {
    await createDirectory(session, 'données');
    await createDirectory(session, 'données/sous dossier');
    const files: [string, Buffer][] = [
      ['données/sous dossier/bin ärer.bin', randomBytes(3 * 1024 * 1024 + 17)], // 7 chunks
      ['données/notes 📝.txt', Buffer.from('line one\r\nline two\n\ttab é € 😀\n')],
      ['nb.ipynb', Buffer.from('{\n "cells": [],\n "metadata": {"z": 1, "a": 2},\n "nbformat": 4,\n "nbformat_minor": 5\n}\n')], // kept as written, not re-serialised
      ['empty.txt', Buffer.alloc(0)],
    ];
    for (const [p, bytes] of files) {
      const model = await uploadFile(session, p, bytes);
      assert.equal(model.path, p);
      assert.ok((await readFileBytes(session, p)).equals(bytes), p);
      assert.ok(readFileSync(path.join(server.rootDir, p)).equals(bytes), `${p} on the server's disk`);
      assert.equal((await statPath(session, p)).size, bytes.length);
    }
    const listed = await listDirectory(session, 'données');
    assert.deepEqual(listed.map((e) => [e.name, e.type]).sort(), [['notes 📝.txt', 'file'], ['sous dossier', 'directory']]);
    assert.equal((await statPath(session, 'nb.ipynb')).type, 'notebook');
  });

  it('an upload cut halfway leaves the previous file whole, and no partial file behind', async () => {
    const before = Buffer.from('the version that must survive\n');
    await uploadFile(session, 'keep.txt', before);
    const cut = async function* () {
      yield randomBytes(512 * 1024);
      yield randomBytes(512 * 1024);
      throw new Error('connection cut');
    };
    await assert.rejects(uploadFile(session, 'keep.txt', cut()), /connection cut/);
    assert.ok((await readFileBytes(session, 'keep.txt')).equals(before));
    assert.deepEqual(readdirSync(server.rootDir).filter((n) => n.includes('jr-')), [], 'no partial or set-aside file left');
  });

  it('a larger file replaces the old one whole (written over it in place, its old version kept on this machine until done)', async () => {
    const next = randomBytes(1536 * 1024 + 1);
    await uploadFile(session, 'keep.txt', next);
    assert.ok((await readFileBytes(session, 'keep.txt')).equals(next));
    assert.deepEqual(readdirSync(server.rootDir).filter((n) => n.includes('jr-')), []);
  });

  it('under a 1 MB body limit a 3 MB file goes up in chunks (one PUT of it is refused)', async () => {
    const s = new HttpSession({ baseUrl: limited.url, credentials: { token: limited.token } });
    try {
      const bytes = randomBytes(3 * 1024 * 1024);
      const whole = await s.request('PUT', 'api/contents/whole.bin', { json: { type: 'file', format: 'base64', content: bytes.toString('base64') } }).then((r) => r.status, () => 'reset');
      assert.notEqual(whole, 201, 'the limit refuses one big PUT');
      await uploadFile(s, 'chunked.bin', bytes);
      assert.ok((await readFileBytes(s, 'chunked.bin')).equals(bytes));
    } finally {
      await s.close();
    }
  });

  it('a change made elsewhere shows in stat: a newer last_modified and the new size (what VS Code compares before a save)', async () => {
    await uploadFile(session, 'shared.txt', Buffer.from('mine\n'));
    const seen = await statPath(session, 'shared.txt');
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(path.join(server.rootDir, 'shared.txt'), 'changed on the server\n');
    const now = await statPath(session, 'shared.txt');
    assert.ok(Date.parse(now.lastModified!) > Date.parse(seen.lastModified!), `${now.lastModified} after ${seen.lastModified}`);
    assert.equal(now.size, 'changed on the server\n'.length);
  });

  it('refusals are typed with the server\'s reason: missing, exists, hidden', async () => {
    await assert.rejects(statPath(session, 'no/such/file.txt'), problemOf('not-found'));
    await uploadFile(session, 'a.txt', Buffer.from('a'));
    await uploadFile(session, 'b.txt', Buffer.from('b'));
    await assert.rejects(renamePath(session, 'a.txt', 'b.txt'), (e: unknown) => problemOf('exists')(e) && /already exists/.test((e as Error).message));
    await assert.rejects(uploadFile(session, '.secret', Buffer.from('x')), (e: unknown) => problemOf('forbidden')(e) && /hidden files/.test((e as Error).message));
    await deletePath(session, 'a.txt');
    await assert.rejects(statPath(session, 'a.txt'), problemOf('not-found'));
  });

  it(stack.serverMajor() >= 2 ? 'the event stream reports changes made through the Contents API (not our own reads), with their paths' : 'jupyter_server 1 has no event stream: subscribing says so', async () => {
    const changes: ContentsChange[] = [];
    if (stack.serverMajor() < 2) {
      await assert.rejects(subscribeToContentsEvents(session, { onChange: (c) => changes.push(c), onClose: () => undefined }), (e: unknown) => e instanceof EventsUnsupportedError && /needs jupyter_server 2/.test((e as Error).message));
      return;
    }
    let closedByUs: boolean | undefined;
    const events = await subscribeToContentsEvents(session, { onChange: (c) => changes.push(c), onClose: (byUs) => (closedByUs = byUs) });
    try {
      // Another client (its own session, as JupyterLab would be) saves, renames and deletes.
      const other = new HttpSession({ baseUrl: server.url, credentials: { token: server.token } });
      try {
        await uploadFile(other, 'one.txt', Buffer.from('1'));
        await statPath(other, 'one.txt'); // a read: no change
        await renamePath(other, 'one.txt', 'two.txt');
        await deletePath(other, 'two.txt');
      } finally {
        await other.close();
      }
      const deadline = Date.now() + 5000;
      while (!changes.some((c) => c.action === 'delete') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const seen = changes.map((c) => `${c.action} ${c.sourcePath ? `${c.sourcePath} → ` : ''}${c.path}`);
      assert.ok(seen.includes('rename one.txt → two.txt'), seen.join('; '));
      assert.ok(seen.includes('delete two.txt'), seen.join('; '));
      assert.ok(seen.some((c) => /^(save|upload|rename) .*one\.txt$/.test(c)), `the upload of one.txt: ${seen.join('; ')}`);
      assert.ok(!changes.some((c) => (c.action as string) === 'get'), 'reads are not changes');
    } finally {
      events.close();
    }
    const deadline = Date.now() + 3000;
    while (closedByUs === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(closedByUs, true, 'close() ends the stream and says it was ours');
  });

  describe('the command line', () => {
    const url = () => `${server.url}?token=${server.token}`;

    it('ls --json: one entry per file with name, path, type, size and lastModified; a folder lists in one request', async () => {
      const r = await runCli(['ls', url(), 'données', '--json']);
      assert.equal(r.code, 0, r.stderr);
      const entries = JSON.parse(r.stdout) as { name: string; path: string; type: string; size: number | null; lastModified: string }[];
      assert.deepEqual(entries.map((e) => [e.name, e.path, e.type]), [['sous dossier', 'données/sous dossier', 'directory'], ['notes 📝.txt', 'données/notes 📝.txt', 'file']]);
      assert.equal(entries[1].size, Buffer.byteLength('line one\r\nline two\n\ttab é € 😀\n'));
      assert.ok(!Number.isNaN(Date.parse(entries[1].lastModified)));
      assert.ok(!r.stdout.includes(server.token) && !r.stderr.includes(server.token));
    });

    it('put creates missing folders and get reads the bytes back, to a file or to stdout', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'jr-files-'));
      const local = path.join(dir, 'data file.csv');
      const bytes = Buffer.concat([Buffer.from('a,b\n1,2\n'), randomBytes(700 * 1024)]);
      writeFileSync(local, bytes);
      const put = await runCli(['put', url(), local, 'new/deeper/']);
      assert.equal(put.code, 0, put.stderr);
      assert.equal(put.stdout.trim(), 'new/deeper/data file.csv');
      assert.ok(readFileSync(path.join(server.rootDir, 'new', 'deeper', 'data file.csv')).equals(bytes));
      const back = path.join(dir, 'back.csv');
      const get = await runCli(['get', url(), 'new/deeper/data file.csv', back]);
      assert.equal(get.code, 0, get.stderr);
      assert.ok(readFileSync(back).equals(bytes));
      const toStdout = await runCli(['get', url(), 'données/notes 📝.txt', '-']);
      assert.equal(toStdout.stdout, 'line one\r\nline two\n\ttab é € 😀\n');
      assert.deepEqual(readdirSync(dir).sort(), ['back.csv', 'data file.csv'], 'no partial download left');
    });

    it('failures are one sentence: a missing file, a folder for get, a climbing path', async () => {
      const cases: [string[], RegExp][] = [
        [['get', url(), 'nope.txt', '-'], /nope\.txt does not exist on the server/],
        [['get', url(), 'données', '-'], /is a folder on the server/],
        [['ls', url(), '../..'], /climbs above the server's root folder/],
        [['put', url(), '/nonexistent/file'], /No such file: \/nonexistent\/file/],
      ];
      for (const [args, reason] of cases) {
        const r = await runCli(args);
        assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, reason);
        assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      }
    });
  });
});
