// A traceback's frames in files under the server's root, written as links to those files: the file
// (`~/…` or absolute) mapped to its server path, and the frame header rewritten so that VS Code's error
// renderer links the frame's line numbers to it.
import assert from 'node:assert/strict';
import { relinkTraceback, serverPathOfFrame } from '../../../src/core/debug';

const where = { root: '/home/ann/notebooks', home: '/home/ann' };

// As ipykernel 7 (IPython 9) sends a frame in a module: header, then numbered lines.
const FRAME = [
  '\u001b[0;31mZeroDivisionError\u001b[0m                         Traceback (most recent call last)',
  'Cell \u001b[0;32mIn[1], line 2\u001b[0m\n\u001b[1;32m      1\u001b[0m \u001b[38;5;28;01mimport\u001b[39;00m \u001b[38;5;21;01mfailing\u001b[39;00m\n\u001b[0;32m----> 2\u001b[0m failing\u001b[38;5;241m.\u001b[39mdivide(\u001b[38;5;241m1\u001b[39m, \u001b[38;5;241m0\u001b[39m)\n',
  'File \u001b[0;32m~/notebooks/project/failing.py:3\u001b[0m, in \u001b[0;36mdivide\u001b[0;34m(a, b)\u001b[0m\n\u001b[1;32m      2\u001b[0m \u001b[38;5;28;01mdef\u001b[39;00m \u001b[38;5;21mdivide\u001b[39m(a, b):\n\u001b[0;32m----> 3\u001b[0m     \u001b[38;5;28;01mreturn\u001b[39;00m a \u001b[38;5;241m/\u001b[39m b\n',
  'File \u001b[0;32m/usr/lib/python3.11/json/__init__.py:346\u001b[0m, in \u001b[0;36mloads\u001b[0;34m(s)\u001b[0m',
  '\u001b[0;31mZeroDivisionError\u001b[0m: division by zero',
];

describe('traceback frames linked to the server\'s files', () => {
  it('maps a frame\'s file under the root, from ~ or an absolute path, and nothing else', () => {
    assert.equal(serverPathOfFrame('~/notebooks/project/failing.py', where), 'project/failing.py');
    assert.equal(serverPathOfFrame('/home/ann/notebooks/a b/é.py', where), 'a b/é.py');
    assert.equal(serverPathOfFrame('/home/ann/notebooks/x/../y.py', where), 'y.py');
    assert.equal(serverPathOfFrame('/home/ann/notebooks/../secret.py', where), undefined, 'climbs out of the root');
    assert.equal(serverPathOfFrame('/home/ann/notebooksX/a.py', where), undefined, 'a sibling folder that shares the prefix');
    assert.equal(serverPathOfFrame('/home/ann/notebooks', where), undefined, 'the root itself');
    assert.equal(serverPathOfFrame('/usr/lib/python3.11/json/__init__.py', where), undefined);
    assert.equal(serverPathOfFrame('~/notebooks/a.py', { root: '/home/ann/notebooks' }), undefined, 'no home known: ~ means nothing');
    assert.equal(serverPathOfFrame('/tmp/ipykernel_123/456.py', where), undefined, 'a cell file of the debugger');
    assert.equal(serverPathOfFrame('relative/a.py', where), undefined);
  });

  it('rewrites only the header of a frame in a server file, keeping its colours and the numbered lines VS Code links', () => {
    const linked = relinkTraceback(FRAME, (file) => {
      const rel = serverPathOfFrame(file, where);
      return rel && `jupyter-remote://s1/${rel}`;
    });
    assert.equal(linked.length, FRAME.length);
    assert.equal(linked[0], FRAME[0]);
    assert.equal(linked[1], FRAME[1], 'a cell frame is VS Code\'s to link');
    assert.equal(
      linked[2],
      FRAME[2].replace('~/notebooks/project/failing.py', 'jupyter-remote://s1/project/failing.py'),
    );
    assert.equal(linked[3], FRAME[3], 'a file outside the root is left');
    assert.equal(linked[4], FRAME[4]);
    // What VS Code's renderer looks for (extensions/notebook-renderers/src/stackTraceHelper.ts): the path before the last `:<line>`.
    const header = /File\s+(?:\u001b\[.+?m)?(.+):(\d+)/.exec(linked[2].split('\n')[0]);
    assert.equal(header?.[1].replace(/\u001b\[[\d;]*m/g, ''), 'jupyter-remote://s1/project/failing.py');
    assert.equal(header?.[2], '3');
  });

  it('leaves a traceback without frames as it is', () => {
    assert.deepEqual(relinkTraceback(['Traceback', 'KeyError: 1'], () => 'jupyter-remote://x/y'), ['Traceback', 'KeyError: 1']);
  });
});
