import assert from 'node:assert/strict';
import { localSessionPath } from '../../../src/vscode/notebooks/session-path';

describe("a local notebook's session path on the server", () => {
  it('in a workspace folder: its workspace path inside the kernel folder', () => {
    assert.deepEqual(localSessionPath({ uriPath: '/home/me/proj/analysis/x.ipynb', isUntitled: false, workspacePath: 'analysis/x.ipynb' }, 'work/'), {
      path: 'work/analysis/x.ipynb',
      folder: 'work',
    });
    assert.deepEqual(localSessionPath({ uriPath: '/home/me/proj/x.ipynb', isUntitled: false, workspacePath: 'x.ipynb' }, ''), { path: 'x.ipynb', folder: '' });
  });

  it('outside every workspace folder: its name (and a hash of its local path) under the kernel folder, never its local path', () => {
    // What VS Code's asRelativePath answers for a file outside every folder is the whole local path.
    const seen = new Set<string>();
    for (const [uriPath, whole] of [
      ['/home/me/secret-project/report.ipynb', '/home/me/secret-project/report.ipynb'],
      ['/c:/Users/me/secret-project/report.ipynb', 'c:\\Users\\me\\secret-project\\report.ipynb'],
    ]) {
      for (const workspacePath of [undefined, whole]) {
        const { path, folder } = localSessionPath({ uriPath, isUntitled: false, workspacePath }, 'work');
        assert.match(path, /^work\/report-[0-9a-f]{8}\.ipynb$/, `${uriPath} (${workspacePath})`);
        assert.equal(folder, 'work');
        assert.ok(!path.includes('secret-project'), path);
        seen.add(path);
      }
    }
    assert.equal(seen.size, 2, 'two report.ipynb of different folders get two sessions (one kernel each), the same one each time');
    assert.match(localSessionPath({ uriPath: '/home/me/report', isUntitled: false, workspacePath: undefined }, '').path, /^report-[0-9a-f]{8}$/);
  });

  it('untitled: its name under the kernel folder', () => {
    assert.deepEqual(localSessionPath({ uriPath: 'Untitled-1.ipynb', isUntitled: true, workspacePath: undefined }, 'work'), { path: 'work/Untitled-1.ipynb', folder: 'work' });
    assert.deepEqual(localSessionPath({ uriPath: '', isUntitled: true, workspacePath: undefined }, ''), { path: 'Untitled.ipynb', folder: '' });
  });

  it('a kernel folder that climbs above the server root is refused, not clamped', () => {
    assert.throws(() => localSessionPath({ uriPath: '/x.ipynb', isUntitled: false, workspacePath: 'x.ipynb' }, '../etc'), /climbs above/);
  });
});
