// What a folder sync sends from a local project (scanProject): git's rules as git applies them, the
// defaults, virtual environments by what makes them one, links never followed, the size limit.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_EXCLUDE, MANIFEST_NAME, scanProject } from '../../../src/core/sync';

describe('scanProject: the files a sync sends', () => {
  let root: string;
  const write = (rel: string, content = 'x') => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  };
  const sent = async (options = {}) => (await scanProject(root, options)).files.map((f) => f.path);

  beforeEach(() => (root = mkdtempSync(path.join(os.tmpdir(), 'jr-scan-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('nested .gitignore files apply below their folder, a deeper rule wins, and an anchored pattern is relative to its own file', async () => {
    write('.gitignore', '*.csv\n');
    write('data/.gitignore', '!keep.csv\n/local.txt\n');
    write('data/big.csv');
    write('data/keep.csv');
    write('data/local.txt');
    write('data/sub/local.txt');
    write('top.csv');
    write('code.py');
    assert.deepEqual(await sent(), ['code.py', 'data/keep.csv', 'data/sub/local.txt']);
  });

  it('a folder-only pattern leaves out the folder, not a file of that name; what is inside an ignored folder cannot be brought back', async () => {
    write('.gitignore', 'out/\n!out/wanted.txt\n');
    write('out/wanted.txt');
    write('sub/out'); // a file named out
    assert.deepEqual(await sent(), ['sub/out']);
  });

  it('.git/, .git/info/exclude and the manifest are never sent', async () => {
    write('.git/HEAD');
    write('.git/info/exclude', 'private/\n');
    write('private/notes.md');
    write(MANIFEST_NAME, '{}');
    write('sub/jupyter-remote-sync.json', 'a file of the project, deeper down');
    assert.deepEqual(await sent({ exclude: [] }), ['sub/jupyter-remote-sync.json']);
  });

  it('the defaults: hidden files, caches, node_modules, checkpoints; environments by pyvenv.cfg or conda-meta, whatever their name', async () => {
    write('.env', 'SECRET=1');
    write('.vscode/settings.json');
    write('pkg/__pycache__/m.cpython-311.pyc');
    write('pkg/m.pyc');
    write('pkg/m.py');
    write('node_modules/x/index.js');
    write('.ipynb_checkpoints/a-checkpoint.ipynb');
    write('tools/pyvenv.cfg');
    write('tools/lib/site.py');
    write('conda/conda-meta/history');
    write('conda/bin/python');
    write('env/settings.py'); // a package named env is not an environment
    assert.deepEqual(await sent(), ['env/settings.py', 'pkg/m.py']);
  });

  it('a symbolic link is named in the skipped list, never followed; a file over the limit is skipped with its reason', async () => {
    write('ok.py', 'x = 1\n');
    write('big.bin', 'y'.repeat(2048));
    symlinkSync('/etc', path.join(root, 'etc-link'));
    symlinkSync('/etc/hostname', path.join(root, 'host-link'));
    const scan = await scanProject(root, { maxFileBytes: 1024 });
    assert.deepEqual(scan.files.map((f) => f.path), ['ok.py']);
    assert.deepEqual(scan.skipped.map((s) => [s.path, s.kind]).sort(), [['big.bin', 'too-large'], ['etc-link', 'link'], ['host-link', 'link']]);
  });

  it("the person's list adds to the defaults, a `!` pattern takes one back, and a project's .gitignore cannot take back what the list leaves out", async () => {
    write('.gitignore', '!.env\n!secret.key\n');
    write('.env', 'SECRET=1');
    write('secret.key');
    write('.streamlit/config.toml');
    write('raw/a.parquet');
    write('app.py');
    assert.deepEqual(await sent({ exclude: ['secret.key', '*.parquet', '!.streamlit/'] }), ['.streamlit/config.toml', 'app.py']);
  });

  it('a name the server would read as a path (`...`, `a\\b`) is skipped, not a failure of the whole scan', async () => {
    write('.../x.py');
    write('a\\b.py');
    write('ok.py');
    const scan = await scanProject(root);
    assert.deepEqual(scan.files.map((f) => f.path), ['ok.py']);
    assert.deepEqual(scan.skipped.map((s) => [s.path, s.kind]).sort(), [['...', 'bad-name'], ['a\\b.py', 'bad-name']]);
  });

  it("the setting's default is empty: the defaults are the core's, always applied", () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { contributes: { configuration: { properties: Record<string, { default: unknown; markdownDescription: string }> } } };
    const setting = pkg.contributes.configuration.properties['jupyterRemote.sync.exclude'];
    assert.deepEqual(setting.default, []);
    for (const pattern of DEFAULT_EXCLUDE) assert.ok(setting.markdownDescription.includes(`\`${pattern}\``), `the setting names ${pattern}`);
  });
});
