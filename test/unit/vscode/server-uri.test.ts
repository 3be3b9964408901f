import assert from 'node:assert/strict';
import { serverPathOf, sessionPathOnServer } from '../../../src/vscode/files/server-uri';

describe('jupyter-remote:// URIs', () => {
  const uri = (authority: string, path: string, scheme = 'jupyter-remote') => ({ scheme, authority, path });

  it('name a stored server and a normalised path on it', () => {
    assert.deepEqual(serverPathOf(uri('srv-1', '/work//sub/./x.ipynb')), { serverId: 'srv-1', path: 'work/sub/x.ipynb' });
    assert.throws(() => serverPathOf(uri('srv-1', '/../etc/passwd')), /climbs above/);
  });

  it("a notebook on the kernel's server starts its session at its own server path; elsewhere, none", () => {
    assert.equal(sessionPathOnServer(uri('srv-1', '/work/remote.ipynb'), 'srv-1'), 'work/remote.ipynb');
    assert.equal(sessionPathOnServer(uri('srv-2', '/work/remote.ipynb'), 'srv-1'), undefined, 'another server');
    assert.equal(sessionPathOnServer(uri('', '/home/me/work/remote.ipynb', 'file'), 'srv-1'), undefined, 'a local notebook');
  });
});
