// Saving a server's files in chunks (issue 29, items 6–8), on a real server of this run's stack whose
// trash is in a folder of ours: a save leaves nothing in the trash, keeps a symlink and a file's mode
// as a single save does, leaves no partial file when it fails, says where the old version is when it
// cannot be put back, and works for names up to 255 bytes. Renames and copies that replace a file
// keep it until the new one is in place.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PreviousVersionKeptError, copyReplacing, deletePath, readFileBytes, renameReplacing, uploadFile } from '../../src/core/api';
import { HttpSession, NetworkError } from '../../src/core/http';
import type { HttpResponse, HttpSessionOptions, RequestOptions } from '../../src/core/http';
import { RunningJupyter, startJupyter } from './fixtures/jupyter';
import { stack } from './fixtures/stack';

const BIG = 1536 * 1024 + 1; // four chunks of 512 KiB
const SMALL = 100 * 1024; // one request

/** A session whose requests fail, as a cut connection does, when `cut` says so (numbered per method). */
class CuttingSession extends HttpSession {
  private readonly counts = new Map<string, number>();
  constructor(
    options: HttpSessionOptions,
    private readonly cut: (method: string, n: number, path: string) => boolean,
  ) {
    super(options);
  }
  override request(method: string, path: string, options?: RequestOptions): Promise<HttpResponse> {
    const n = (this.counts.get(method) ?? 0) + 1;
    this.counts.set(method, n);
    if (this.cut(method, n, path)) return Promise.reject(new NetworkError(`The connection was cut (test) during ${method} ${path}.`, 'ECONNRESET'));
    return super.request(method, path, options);
  }
}

describe(`saving files on the ${stack.name} stack: the trash, links and modes, failures, long names`, function () {
  this.timeout(120000);
  let server: RunningJupyter;
  let session: HttpSession;
  let dataHome: string; // XDG_DATA_HOME: the server's trash is <this>/Trash
  const disk = (p: string) => path.join(server.rootDir, p);
  const cutting = (cut: (method: string, n: number, path: string) => boolean) => new CuttingSession({ baseUrl: server.url, credentials: { token: server.token } }, cut);

  /** What is in the server's trash (both places send2trash could use for this HOME): name → size. */
  const trash = (): Map<string, number> => {
    const found = new Map<string, number>();
    for (const dir of [path.join(dataHome, 'Trash', 'files'), path.join(server.home, '.local', 'share', 'Trash', 'files')]) {
      if (!existsSync(dir)) continue;
      for (const name of readdirSync(dir)) found.set(name, lstatSync(path.join(dir, name)).size);
    }
    return found;
  };
  /** What arrived in the trash while `action` ran. */
  const trashedBy = async (action: () => Promise<unknown>): Promise<Map<string, number>> => {
    const before = new Set(trash().keys());
    await action();
    return new Map([...trash()].filter(([name]) => !before.has(name)));
  };
  const ours = () => readdirSync(server.rootDir).filter((n) => n.includes('.jr-'));

  before(async () => {
    dataHome = mkdtempSync(path.join(os.tmpdir(), 'jr-xdg-data-'));
    server = await startJupyter({ flavor: 'server', env: { XDG_DATA_HOME: dataHome } });
    session = new HttpSession({ baseUrl: server.url, credentials: { token: server.token } });
  });
  after(async () => {
    await session?.close();
    await server?.stop();
    rmSync(dataHome, { recursive: true, force: true });
  });

  it('(the premise) a DELETE through the Contents API goes to this server\'s trash', async () => {
    writeFileSync(disk('doomed.txt'), 'x');
    const trashed = await trashedBy(() => deletePath(session, 'doomed.txt'));
    assert.deepEqual([...trashed.keys()], ['doomed.txt']);
  });

  it('a chunked save over a file and of a new file leave nothing in the trash', async () => {
    writeFileSync(disk('over.bin'), randomBytes(BIG));
    const next = randomBytes(BIG + 1000);
    const trashed = await trashedBy(async () => {
      await uploadFile(session, 'over.bin', next);
      await uploadFile(session, 'fresh.bin', next);
    });
    assert.deepEqual([...trashed.keys()], []);
    assert.ok(readFileSync(disk('over.bin')).equals(next));
    assert.ok(readFileSync(disk('fresh.bin')).equals(next));
    assert.deepEqual(ours(), []);
  });

  it('a failed chunked save over a file leaves it whole, nothing beside it and nothing in the trash', async () => {
    const old = randomBytes(BIG);
    writeFileSync(disk('precious.bin'), old);
    const cut = async function* () {
      yield randomBytes(512 * 1024);
      yield randomBytes(512 * 1024);
      throw new Error('connection cut');
    };
    const trashed = await trashedBy(() => assert.rejects(uploadFile(session, 'precious.bin', cut()), /connection cut/));
    assert.deepEqual([...trashed.keys()], []);
    assert.ok(readFileSync(disk('precious.bin')).equals(old));
    assert.deepEqual(ours(), []);
  });

  it('a failed chunked save of a new file leaves no file, and only an empty one in the trash', async () => {
    const s = cutting((method, n) => method === 'PUT' && n === 3); // chunks 1 and 2 arrive, 3 does not
    try {
      const trashed = await trashedBy(() => assert.rejects(uploadFile(s, 'never.bin', randomBytes(BIG)), NetworkError));
      assert.deepEqual([...trashed.values()], [0], `only an emptied file: ${[...trashed].join('; ')}`);
    } finally {
      await s.close();
    }
    assert.ok(!existsSync(disk('never.bin')));
    assert.deepEqual(ours(), []);
  });

  it('a new file whose sibling cannot be renamed into place leaves no partial file', async () => {
    const s = cutting((method) => method === 'PATCH');
    try {
      await assert.rejects(uploadFile(s, 'unnamed.bin', randomBytes(BIG)), NetworkError);
    } finally {
      await s.close();
    }
    assert.ok(!existsSync(disk('unnamed.bin')));
    assert.deepEqual(ours(), []);
  });

  for (const [label, bytes] of [['one request', SMALL], ['chunks', BIG]] as const) {
    it(`a save in ${label} through a symlink writes its target, keeps the link and the mode; a +x file keeps +x`, async () => {
      const name = `real-${bytes}.sh`;
      writeFileSync(disk(name), '#!/bin/sh\necho old\n');
      chmodSync(disk(name), 0o755);
      symlinkSync(name, disk(`link-${bytes}.sh`));
      const next = randomBytes(bytes);
      await uploadFile(session, `link-${bytes}.sh`, next);
      assert.ok(lstatSync(disk(`link-${bytes}.sh`)).isSymbolicLink(), 'still a link');
      assert.ok(readFileSync(disk(name)).equals(next), "the link's target holds the new bytes");
      assert.equal((statSync(disk(name)).mode & 0o777).toString(8), '755');

      writeFileSync(disk(`tool-${bytes}.sh`), 'old');
      chmodSync(disk(`tool-${bytes}.sh`), 0o750);
      await uploadFile(session, `tool-${bytes}.sh`, next);
      assert.equal((statSync(disk(`tool-${bytes}.sh`)).mode & 0o777).toString(8), '750');
      assert.ok(readFileSync(disk(`tool-${bytes}.sh`)).equals(next));
      assert.deepEqual(ours(), []);
    });
  }

  it('when the old version cannot be put back, the error says where on this machine it is kept', async () => {
    const old = randomBytes(BIG);
    writeFileSync(disk('stranded.bin'), old);
    const s = cutting((method, n) => method === 'PUT' && n >= 2); // chunk 1 lands, then the network is gone
    let kept = '';
    try {
      await assert.rejects(uploadFile(s, 'stranded.bin', randomBytes(BIG)), (e: unknown) => {
        assert.ok(e instanceof PreviousVersionKeptError, String(e));
        kept = e.keptAt;
        assert.ok(e.message.includes(kept), e.message);
        return true;
      });
      assert.ok(readFileSync(kept).equals(old), 'the file named holds the old version');
      assert.equal(statSync(kept).mode & 0o077, 0, 'readable by this user only');
    } finally {
      await s.close();
      if (kept) rmSync(path.dirname(kept), { recursive: true, force: true });
    }
  });

  it('names of 236 to 255 bytes save at any size, new and over an existing file', async () => {
    for (const bytes of [236, 245, 253, 254, 255]) {
      // Two-byte characters, so a name cut short must be cut between characters.
      const stem = 'é'.repeat(Math.floor((bytes - 4) / 2)) + 'x'.repeat((bytes - 4) % 2);
      const name = `${stem}.bin`;
      assert.equal(Buffer.byteLength(name), bytes);
      for (const size of [BIG, SMALL, BIG]) {
        const data = randomBytes(size);
        await uploadFile(session, name, data).catch((e: unknown) => assert.fail(`${bytes} bytes, ${size}: ${(e as Error).message}`));
        assert.ok(readFileSync(disk(name)).equals(data), `${bytes}-byte name, ${size} bytes`);
      }
    }
    assert.deepEqual(ours(), []);
  });

  it('a rename that replaces a file keeps the file until the rename has worked; then only the replaced file goes to the trash', async () => {
    writeFileSync(disk('target.txt'), 'the target');
    const failed = await trashedBy(() => assert.rejects(renameReplacing(session, 'no-such-source.txt', 'target.txt')));
    assert.deepEqual([...failed.keys()], []);
    assert.equal(readFileSync(disk('target.txt'), 'utf8'), 'the target');

    writeFileSync(disk('source.txt'), 'the source');
    const trashed = await trashedBy(() => renameReplacing(session, 'source.txt', 'target.txt'));
    assert.equal(readFileSync(disk('target.txt'), 'utf8'), 'the source');
    assert.ok(!existsSync(disk('source.txt')));
    assert.deepEqual([...trashed.values()], ['the target'.length], 'the replaced file, as a delete would');
    assert.deepEqual(ours(), []);
  });

  it('a copy that replaces a file keeps the file until the copy is made; then the copy takes its place, the source stays', async () => {
    writeFileSync(disk('copy-to.txt'), 'replaced');
    const failed = await trashedBy(() => assert.rejects(copyReplacing(session, 'no-such-source.txt', 'copy-to.txt')));
    assert.deepEqual([...failed.keys()], []);
    assert.equal(readFileSync(disk('copy-to.txt'), 'utf8'), 'replaced');

    writeFileSync(disk('copy-from.txt'), 'copied');
    const model = await copyReplacing(session, 'copy-from.txt', 'copy-to.txt');
    assert.equal(model.path, 'copy-to.txt');
    assert.equal(readFileSync(disk('copy-to.txt'), 'utf8'), 'copied');
    assert.equal(readFileSync(disk('copy-from.txt'), 'utf8'), 'copied');
    assert.ok(!readdirSync(server.rootDir).some((n) => /Copy\d/.test(n)), 'no copy left under the server\'s name');
    assert.deepEqual((await readFileBytes(session, 'copy-to.txt')).toString(), 'copied');
  });
});
