import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { getCommand } from '../../src/cli/files-command';
import { runCommand } from '../../src/cli/run-command';
import { RunningJupyter, startJupyter } from './fixtures/jupyter';

/**
 * The local files `get` and `run --out` write: nobody who can write to the target's folder can make
 * them write elsewhere. The commands run in this process, so that `process.pid`, which the old
 * temporary names were made of, is the one a planted link can guess.
 */
describe('jupyter-remote get and run --out: temporary files nobody can plant', function () {
  this.timeout(120000);
  let server: RunningJupyter;
  let url: string;
  let dir: string;
  const VICTIM = 'precious, not to be overwritten\n';

  before(async () => {
    server = await startJupyter({ flavor: 'server' });
    url = `${server.url}?token=${server.token}`;
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'jr-local-'));
    writeFileSync(path.join(dir, 'victim.txt'), VICTIM);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  after(async () => {
    await server?.stop();
  });

  /** Links every name the old code could have used beside `target` to the victim. */
  const plant = (target: string, suffixes: string[]) => {
    for (const s of suffixes) symlinkSync(path.join(dir, 'victim.txt'), path.join(dir, `.${target}.${process.pid}.${s}`));
  };
  const leftovers = () => readdirSync(dir).filter((n) => n.startsWith('.') && !lstatSync(path.join(dir, n)).isSymbolicLink());

  it('get: a link planted at a predictable temporary name is not written through', async () => {
    plant('hello.py', ['jr-download', 'tmp', 'jr-partial']);
    const code = await getCommand([url, 'hello.py', path.join(dir, 'hello.py')], new PassThrough());
    assert.equal(code, 0);
    assert.equal(readFileSync(path.join(dir, 'victim.txt'), 'utf8'), VICTIM);
    assert.ok(lstatSync(path.join(dir, 'hello.py')).isFile(), 'the target is a file of its own, not the link renamed into place');
    assert.equal(readFileSync(path.join(dir, 'hello.py'), 'utf8'), "print('hi')\n");
    assert.deepEqual(leftovers(), []);
  });

  it('get into a folder that does not exist: one sentence, nothing written', async () => {
    await assert.rejects(getCommand([url, 'hello.py', path.join(dir, 'nope', 'hello.py')], new PassThrough()), {
      message: `Cannot write ${path.join(dir, 'nope', 'hello.py')}: its folder does not exist.`,
    });
    assert.deepEqual(readdirSync(dir), ['victim.txt']);
  });

  it('run --out: likewise for the executed notebook', async () => {
    const nb = path.join(dir, 'in.ipynb');
    writeFileSync(nb, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'code', metadata: {}, source: 'print(6 * 7)', outputs: [], execution_count: null }] }));
    plant('out.ipynb', ['tmp', 'jr-download', 'jr-partial']);
    const out = new PassThrough();
    const code = await runCommand([nb, '--url', url, '--out', path.join(dir, 'out.ipynb')], out);
    assert.equal(code, 0);
    assert.equal(readFileSync(path.join(dir, 'victim.txt'), 'utf8'), VICTIM);
    assert.ok(lstatSync(path.join(dir, 'out.ipynb')).isFile());
    assert.deepEqual(JSON.parse(readFileSync(path.join(dir, 'out.ipynb'), 'utf8')).cells[0].outputs[0].text, ['42\n']);
    assert.deepEqual(leftovers(), []);
  });
});
