// The server file system against hostile listings (issue 29 items 1-3), in plain Node: the vscode
// module is a fake (fake-vscode.ts, imported first), the server a stub session answering the Contents API.
import { asked, Uri, FileType } from './fake-vscode';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { LocalPlatform } from '../../../src/core/api/local-names';
import type { HttpResponse, HttpSession } from '../../../src/core/http';
import type { Logger } from '../../../src/core/util/logger';
import { ServerFileSystem } from '../../../src/vscode/files/server-file-system';
import { downloadFromServer } from '../../../src/vscode/files/transfer-commands';
import type { ServerConnections } from '../../../src/vscode/servers';

const STARTUP = '..\\..\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\x.bat';

interface Entry {
  name: string;
  type: 'file' | 'directory';
}
type Listings = Record<string, Entry[]>;

/** A session whose server answers `GET api/contents/<folder>` from `listings` (404 for any other folder). */
function stubSession(listings: Listings): HttpSession {
  const request = (method: string, url: string): Promise<HttpResponse> => {
    const folder = decodeURIComponent(url.replace(/^api\/contents\/?/, '').replace(/\?.*$/, ''));
    const entries = listings[folder];
    const body = entries
      ? { name: path.posix.basename(folder), path: folder, type: 'directory', content: entries.map((e) => ({ ...e, path: `${folder}/${e.name}`, content: null, last_modified: '2025-01-01T00:00:00Z' })) }
      : { message: `file or directory '/${folder}' does not exist`, reason: null };
    const text = JSON.stringify(body);
    return Promise.resolve({
      status: entries ? 200 : 404,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(text),
      url: `http://127.0.0.1:1/${url}`,
      method,
      text: () => text,
      header: (name: string) => (name.toLowerCase() === 'content-type' ? 'application/json' : undefined),
    });
  };
  return { request } as unknown as HttpSession;
}

const logged = { warn: [] as string[] };
const log: Logger = { trace() {}, debug() {}, info() {}, warn: (m) => logged.warn.push(m), error() {} };

function fileSystem(listings: Listings, platform: LocalPlatform): ServerFileSystem {
  const session = stubSession(listings);
  const connections = { session: () => Promise.resolve(session) } as unknown as ServerConnections;
  return new ServerFileSystem(connections, log, platform);
}

const uri = (s: string) => Uri.parse(s) as unknown as vscode.Uri;

/** A hostile server: every folder lists itself, its parent and a climbing name as subfolders. */
const HOSTILE: Listings = {
  '': [
    { name: '.', type: 'directory' },
    { name: '..', type: 'directory' },
    { name: 'a/../..', type: 'directory' },
    { name: '', type: 'file' },
    { name: 'sub', type: 'directory' },
    { name: 'x.txt', type: 'file' },
    { name: STARTUP, type: 'file' },
    { name: 'c:x', type: 'file' },
    { name: 'NUL', type: 'file' },
  ],
  sub: [
    { name: '.', type: 'directory' },
    { name: '..', type: 'directory' },
    { name: 'y.txt', type: 'file' },
  ],
};

/**
 * VS Code's recursive copy of a server folder to a local one (FileService.doCopyFolder): list the
 * folder, join each name to the source URI and to the local folder, recurse into folders. The local
 * side joins as a Windows client does (path.win32). Returns the local files written; throws past `maxDepth`.
 */
async function copyFolder(fs: ServerFileSystem, source: vscode.Uri, local: string, maxDepth = 8): Promise<string[]> {
  if (maxDepth < 0) throw new Error(`the copy went ${8} folders deep: it is listing the same folders again (${source.path})`);
  const written: string[] = [];
  for (const [name, type] of await fs.readDirectory(source)) {
    const child = Uri.joinPath(source as unknown as Uri, name) as unknown as vscode.Uri;
    const target = path.win32.join(local, name);
    if (type === FileType.Directory) written.push(...(await copyFolder(fs, child, target, maxDepth - 1)));
    else written.push(target);
  }
  return written;
}

describe('server file system: listed names never leave the folder (issue 29)', () => {
  let fs: ServerFileSystem | undefined;
  afterEach(() => {
    fs?.dispose();
    fs = undefined;
    logged.warn.length = 0;
  });

  it('readDirectory drops "", ".", "..", names with "/" and, for a Windows client, "\\", ":" and device names; each logged once', async () => {
    fs = fileSystem(HOSTILE, 'win32');
    assert.deepEqual(await fs.readDirectory(uri('jupyter-remote://s/')), [
      ['sub', FileType.Directory],
      ['x.txt', FileType.File],
    ]);
    const warnings = logged.warn.length;
    assert.equal(warnings, 7, logged.warn.join('\n'));
    await fs.readDirectory(uri('jupyter-remote://s/'));
    assert.equal(logged.warn.length, warnings, 'a name already logged is not logged again');
  });

  it('readDirectory for a Linux client keeps "\\", ":" and device names, which are ordinary names there', async () => {
    fs = fileSystem(HOSTILE, 'posix');
    const names = (await fs.readDirectory(uri('jupyter-remote://s/'))).map(([name]) => name);
    assert.deepEqual(names, ['sub', 'x.txt', STARTUP, 'c:x', 'NUL']);
  });

  it('a recursive copy to a Windows folder ends, and writes only inside that folder, each file once', async () => {
    fs = fileSystem(HOSTILE, 'win32');
    const local = 'C:\\Users\\me\\Downloads\\dl';
    const written = await copyFolder(fs, uri('jupyter-remote://s/'), local);
    assert.deepEqual(written.sort(), [`${local}\\sub\\y.txt`, `${local}\\x.txt`]);
  });

  it('a watched folder reports only entries inside it when the server lists "..", "." or climbing names', async () => {
    const listings: Listings = { '': [], sub: [{ name: 'y.txt', type: 'file' }] };
    fs = fileSystem(listings, 'posix');
    const events: vscode.FileChangeEvent[] = [];
    fs.onDidChangeFile((e) => events.push(...e));
    await fs.readDirectory(uri('jupyter-remote://s/sub'));
    listings.sub = [...HOSTILE.sub, { name: 'a/../../z', type: 'file' }, { name: 'new.txt', type: 'file' }];
    await fs.watcher.poll();
    assert.deepEqual(
      events.map((e) => e.uri.toString()),
      ['jupyter-remote://s/sub/new.txt'],
    );
  });
});

describe('server file system: one bad URI does not break the others (issue 29)', () => {
  let fs: ServerFileSystem | undefined;
  afterEach(() => fs?.dispose());

  it('watch() of a URI that climbs above the root gives a disposable that does nothing; listings and polls go on', async () => {
    fs = fileSystem(HOSTILE, 'posix');
    const watch = fs.watch(uri('jupyter-remote://x/..'));
    fs.watch(uri('jupyter-remote://s/sub/y.txt'));
    assert.deepEqual(await fs.readDirectory(uri('jupyter-remote://s/sub')), [['y.txt', FileType.File]]);
    await fs.watcher.poll(); // rejected on every round before
    watch.dispose();
    assert.deepEqual(await fs.readDirectory(uri('jupyter-remote://other/')), [
      ['sub', FileType.Directory],
      ['x.txt', FileType.File],
      [STARTUP, FileType.File],
      ['c:x', FileType.File],
      ['NUL', FileType.File],
    ]);
  });
});

describe('Download… of a server file whose name is a local path (issue 29)', () => {
  it('refuses in one sentence before asking for a folder', async () => {
    const before = asked.openDialogs;
    for (const [source, platform] of [
      [`jupyter-remote://s/dir/${STARTUP}`, 'win32'],
      ['jupyter-remote://s/dir/c:x', 'win32'],
      ['jupyter-remote://s/dir/..', 'posix'],
    ] as const) {
      await assert.rejects(downloadFromServer(uri(source), undefined, platform), (e: Error) => {
        assert.match(e.message, /cannot be downloaded under its own name because .*; rename it on the server, then download it\.$/);
        assert.equal(e.message.split(/\.\s/).length, 1, `one sentence: ${e.message}`);
        return true;
      });
    }
    assert.equal(asked.openDialogs, before, 'no folder was asked for');
    await downloadFromServer(uri('jupyter-remote://s/dir/ok.txt'), undefined, 'win32');
    assert.equal(asked.openDialogs, before + 1, 'a safe name goes on to the folder picker');
  });
});
