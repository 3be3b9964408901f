import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeBeside } from '../../../src/cli/local-file';

describe('writeBeside: a local file that appears only when whole', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'jr-beside-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('takes another name when one is taken, a planted link included, and never writes through it', async () => {
    writeFileSync(path.join(dir, 'victim'), 'keep');
    symlinkSync(path.join(dir, 'victim'), path.join(dir, '.out.txt.first.jr-partial'));
    const names = ['first', 'second'];
    await writeBeside(path.join(dir, 'out.txt'), async (f) => void (await f.writeFile('new')), () => names.shift() ?? 'later');
    assert.equal(readFileSync(path.join(dir, 'victim'), 'utf8'), 'keep');
    assert.equal(readFileSync(path.join(dir, 'out.txt'), 'utf8'), 'new');
    assert.ok(lstatSync(path.join(dir, '.out.txt.first.jr-partial')).isSymbolicLink(), 'the planted link is not ours to remove');
    assert.deepEqual(readdirSync(dir).sort(), ['.out.txt.first.jr-partial', 'out.txt', 'victim']);
  });

  it('gives up after a few taken names rather than loop', async () => {
    symlinkSync(path.join(dir, 'nowhere'), path.join(dir, '.out.txt.same.jr-partial'));
    await assert.rejects(writeBeside(path.join(dir, 'out.txt'), async () => undefined, () => 'same'), { code: 'EEXIST' });
  });

  it('uses a new random name each time', async () => {
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      await writeBeside(path.join(dir, 'out.txt'), async () => void seen.push(...readdirSync(dir).filter((n) => n.endsWith('.jr-partial'))));
    }
    assert.equal(new Set(seen).size, 3, seen.join(' '));
    for (const name of seen) assert.match(name, /^\.out\.txt\.[0-9a-f]{16}\.jr-partial$/);
  });

  it('on failure leaves the old file as it was and nothing beside it', async () => {
    writeFileSync(path.join(dir, 'out.txt'), 'old');
    await assert.rejects(
      writeBeside(path.join(dir, 'out.txt'), async (f) => {
        await f.writeFile('half');
        throw new Error('cut');
      }),
      /cut/,
    );
    assert.equal(readFileSync(path.join(dir, 'out.txt'), 'utf8'), 'old');
    assert.deepEqual(readdirSync(dir), ['out.txt']);
  });
});
