import assert from 'node:assert/strict';
import * as path from 'node:path';
import fc from 'fast-check';
import { isSafeLocalName, LocalNameFilter, localNameProblem } from '../../../src/core/api/local-names';
import { baseNameOf, normalizeServerPath, parentOf } from '../../../src/core/api/server-path';
import type { Logger } from '../../../src/core/util/logger';

const STARTUP = '..\\..\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\x.bat';

/** Names a hostile or odd server may list: path pieces, separators, dots, device names. */
const nameFrom = fc.array(fc.oneof(fc.constantFrom('.', '..', '/', '\\', ':', ' ', 'con', 'NUL', 'com1', 'a', 'x.bat', '\0', '¹', '?'), fc.string({ maxLength: 3 })), { maxLength: 6 }).map((parts) => parts.join(''));

describe('local names: which server names may become local file names', () => {
  it('never a name that is a path on any computer: empty, ".", "..", "/" or NUL', () => {
    for (const platform of ['posix', 'win32'] as const) {
      for (const name of ['', '.', '..', 'a/../..', '../x', 'x/', '/', 'a\0b']) assert.notEqual(localNameProblem(name, platform), undefined, `${platform}: ${JSON.stringify(name)}`);
    }
  });

  it('on Windows, also none with "\\" or ":", no device name, no trailing dot or space', () => {
    for (const name of [STARTUP, 'a\\b', 'c:x', 'x:stream', 'C:', 'CON', 'nul', 'con.txt', 'Aux.tar.gz', 'COM1', 'lpt9.log', 'com¹', 'CON .txt', 'conin$', 'x.bat.', 'x.bat ', '...', 'a. ']) {
      assert.notEqual(localNameProblem(name, 'win32'), undefined, JSON.stringify(name));
    }
    // Ordinary names, and names Windows refuses outright (writing them fails, it never lands elsewhere).
    for (const name of ['x.bat', '.bashrc', '..x', 'x..y', 'console.log', 'CONSOLE', 'nul_file', 'com10', 'a?b', 'é 𝄞.txt', ' lead']) {
      assert.equal(localNameProblem(name, 'win32'), undefined, JSON.stringify(name));
    }
  });

  it('off Windows, "\\", ":" and Windows device names are ordinary names', () => {
    for (const name of [STARTUP, 'a:b', '2024-01-01T12:00:00.log', 'CON', 'x.']) assert.equal(localNameProblem(name, 'posix'), undefined, JSON.stringify(name));
  });

  it('a kept name joined to a local folder (Windows or posix rules) is a file directly in that folder', () => {
    const windowsFolder = 'C:\\Users\\me\\Downloads\\dl';
    const posixFolder = '/home/me/dl';
    fc.assert(
      fc.property(nameFrom, (name) => {
        if (isSafeLocalName(name, 'win32')) {
          const joined = path.win32.join(windowsFolder, name);
          assert.equal(path.win32.dirname(joined), windowsFolder, joined);
          assert.equal(path.win32.basename(joined), name, joined);
        }
        if (isSafeLocalName(name, 'posix')) {
          const joined = path.posix.join(posixFolder, name);
          assert.equal(path.posix.dirname(joined), posixFolder, joined);
          assert.equal(path.posix.basename(joined), name, joined);
        }
      }),
    );
  });

  it('a kept name joined to the listed server folder stays an entry of that folder (no climbing URI)', () => {
    fc.assert(
      fc.property(fc.constantFrom('', 'a', 'a/b'), nameFrom, (folder, name) => {
        if (!isSafeLocalName(name, 'posix')) return;
        const child = normalizeServerPath(`${folder}/${name}`);
        assert.deepEqual([parentOf(child), baseNameOf(child)], [folder, name]);
      }),
    );
  });

  it('a filter drops them from a listing and logs each dropped name once', () => {
    const warned: string[] = [];
    const log: Logger = { trace() {}, debug() {}, info() {}, warn: (m) => warned.push(m), error() {} };
    const filter = new LocalNameFilter('win32', log);
    const listing = ['.', '..', 'ok.txt', STARTUP, 'a/../..'].map((name) => ({ name }));
    assert.deepEqual(filter.keep(listing, 's: /w').map((e) => e.name), ['ok.txt']);
    assert.deepEqual(filter.keep(listing, 's: /w').map((e) => e.name), ['ok.txt']);
    assert.equal(warned.length, 4, warned.join('\n'));
    assert.ok(warned.some((m) => m.includes('Startup') && m.includes('s: /w')), warned.join('\n'));
    filter.keep([{ name: '..' }], 's: /other');
    assert.equal(warned.length, 5, 'the same name in another folder is logged again');
  });
});
