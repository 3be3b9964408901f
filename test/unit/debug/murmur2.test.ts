// Cell file names as the kernel computes them: fixed cases recorded from live kernels (ipykernel 6.17 and
// 7.4 named these files in answer to dumpCell, with debugInfo's seed 3339675911), and a property test
// against the kernel's own Python function over random Unicode text.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { CellFiles } from '../../../src/core/debug/cell-files';
import { murmur2 } from '../../../src/core/debug/murmur2';

const SEED = 3339675911; // 0xC70F6907, ipykernel's get_tmp_hash_seed()

// [cell text, the number in the file name the kernel gave it]
const FROM_LIVE_KERNELS: [string, number][] = [
  ['', 3990065800],
  ['a', 2167009006],
  ['x = 1', 3427300630],
  ['a = 1\nb = a + 1\nc = b * 2\nprint("out", c)\n', 2113615461],
  ['def helper(n):\n    m = n + 10\n    return m\n', 1941944638],
  ["s = 'é'\n", 3093524077],
  ["clef = '𝄞'  # U+1D11E, four UTF-8 bytes\n", 797321190],
  ["naïve = '日本語'\r\nprint(naïve)", 909686673],
  ['\ufeffbom\u0000nul\u2028ls', 4090226107],
];

describe('murmur2: cell file names as the kernel computes them', () => {
  it('gives the numbers live kernels gave (ASCII, each tail length, non-ASCII, astral, CRLF, NUL)', () => {
    for (const [code, expected] of FROM_LIVE_KERNELS) assert.equal(murmur2(code, SEED), expected, JSON.stringify(code));
  });

  it('agrees with the kernel\'s own murmur2_x86 on random Unicode text (ipykernel/compiler.py, run by Python)', function () {
    this.timeout(30000); // importing ipykernel imports IPython: seconds
    const python = '/usr/bin/python3';
    const samples = fc.sample(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ maxLength: 9 })), 300)
      .filter((s) => Buffer.from(s, 'utf8').toString('utf8') === s); // lone surrogates are no cell's text
    let out: string;
    try {
      out = execFileSync(python, ['-c', 'import sys, json\nfrom ipykernel.compiler import murmur2_x86\nfor s in json.load(sys.stdin): print(murmur2_x86(s, 0xC70F6907))'], { input: JSON.stringify(samples), encoding: 'utf8', timeout: 25000, stdio: ['pipe', 'pipe', 'ignore'] });
    } catch {
      return this.skip(); // no Python ipykernel here: the fixed cases above still hold
    }
    const theirs = out.trim().split('\n').map(Number);
    assert.equal(theirs.length, samples.length);
    samples.forEach((s, i) => assert.equal(murmur2(s, SEED), theirs[i], JSON.stringify(s)));
  });
});

describe('CellFiles: cell text ↔ the kernel\'s file', () => {
  const scheme = { hashMethod: 'Murmur2', hashSeed: SEED, tmpFilePrefix: '/tmp/ipykernel_4242/', tmpFileSuffix: '.py' };

  it('names a cell as the kernel does, and finds a remembered cell from its path', () => {
    const files = new CellFiles(scheme);
    assert.equal(files.pathOf('x = 1'), '/tmp/ipykernel_4242/3427300630.py');
    const path = files.remember("s = 'é'\n", 'cell-7');
    assert.equal(path, '/tmp/ipykernel_4242/3093524077.py');
    assert.deepEqual(files.cellAt(path), { code: "s = 'é'\n", cellId: 'cell-7' });
    assert.equal(files.cellAt(files.pathOf('x = 1')), undefined, 'named, but never seen');
  });

  it('one character more is another file (the text dumped must be the text run)', () => {
    const files = new CellFiles(scheme);
    assert.notEqual(files.pathOf('x = 1'), files.pathOf('x = 1\n'));
    assert.notEqual(files.pathOf('a\nb'), files.pathOf('a\r\nb'));
  });

  it('tells a cell file from other files in the same folder or elsewhere', () => {
    const files = new CellFiles(scheme);
    assert.equal(files.isCellFile('/tmp/ipykernel_4242/3427300630.py'), true);
    assert.equal(files.isCellFile('/tmp/ipykernel_4242/helper.py'), false);
    assert.equal(files.isCellFile('/tmp/ipykernel_99/3427300630.py'), false, "another kernel's (before a restart)");
    assert.equal(files.isCellFile('/usr/lib/python3.11/json/__init__.py'), false);
  });

  it('refuses a hash method it does not know', () => {
    assert.throws(() => new CellFiles({ ...scheme, hashMethod: 'SHA1' }), /SHA1/);
  });
});
