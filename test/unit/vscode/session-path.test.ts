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

  it('outside every workspace folder: its name under the kernel folder, never its local path', () => {
    // What VS Code's asRelativePath answers for a file outside every folder is the whole local path.
    for (const [uriPath, whole] of [
      ['/home/me/secret-project/report.ipynb', '/home/me/secret-project/report.ipynb'],
      ['/c:/Users/me/secret-project/report.ipynb', 'c:\\Users\\me\\secret-project\\report.ipynb'],
    ]) {
      for (const workspacePath of [undefined, whole]) {
        const { path, folder } = localSessionPath({ uriPath, isUntitled: false, workspacePath }, 'work');
        assert.equal(path, 'work/report.ipynb', `${uriPath} (${workspacePath})`);
        assert.equal(folder, 'work');
        assert.ok(!path.includes('secret-project'), path);
      }
    }
    assert.deepEqual(localSessionPath({ uriPath: '/home/me/report.ipynb', isUntitled: false, workspacePath: undefined }, ''), { path: 'report.ipynb', folder: '' });
  });

  it('untitled: its name under the kernel folder', () => {
    assert.deepEqual(localSessionPath({ uriPath: 'Untitled-1.ipynb', isUntitled: true, workspacePath: undefined }, 'work'), { path: 'work/Untitled-1.ipynb', folder: 'work' });
    assert.deepEqual(localSessionPath({ uriPath: '', isUntitled: true, workspacePath: undefined }, ''), { path: 'Untitled.ipynb', folder: '' });
  });

  it('a kernel folder that climbs above the server root is refused, not clamped', () => {
    assert.throws(() => localSessionPath({ uriPath: '/x.ipynb', isUntitled: false, workspacePath: 'x.ipynb' }, '../etc'), /climbs above/);
  });
});
