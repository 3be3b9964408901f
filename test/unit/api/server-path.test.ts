import assert from 'node:assert/strict';
import { BadServerPathError, baseNameOf, encodeServerPath, normalizeServerPath, parentOf } from '../../../src/core/api/server-path';

describe('server paths', () => {
  it('are normalised: slashes, dots and .. resolved, the root is ""', () => {
    assert.equal(normalizeServerPath('/a//b/./c/'), 'a/b/c');
    assert.equal(normalizeServerPath('a/b/../c'), 'a/c');
    assert.equal(normalizeServerPath('/'), '');
    assert.equal(normalizeServerPath('a/..'), '');
  });

  it('never climb above the root, and hold no NUL', () => {
    for (const p of ['..', '../x', 'a/../../etc/passwd', '/..', 'a/b/../../..']) assert.throws(() => normalizeServerPath(p), BadServerPathError, p);
    assert.throws(() => normalizeServerPath('a\0b'), BadServerPathError);
  });

  it('split into folder and name, and encode each segment for a URL', () => {
    assert.deepEqual([parentOf('a/b/c.txt'), baseNameOf('a/b/c.txt')], ['a/b', 'c.txt']);
    assert.deepEqual([parentOf('c.txt'), baseNameOf('c.txt')], ['', 'c.txt']);
    assert.equal(encodeServerPath('données/sous dossier/#1?.txt'), 'donn%C3%A9es/sous%20dossier/%231%3F.txt');
  });
});
