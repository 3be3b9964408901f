import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../support/cli';
import { FakeServer, startFakeServer } from './fixtures/fake-http';

// Names a real server lists if the files exist; a fake hands them out on demand.
const HOSTILE = [
  'red\x1b[31mname',
  'two\nfake line.txt',
  'cr\rover.txt',
  'evil\u202etxt.exe',
  'iso\u2066late\u2069.py',
  'csi\u009b2J.txt',
  'del\x7f.txt',
  'bell\x07.txt',
];
const entry = (name: string) => ({ name, path: name, type: 'file', size: 3, last_modified: '2026-01-02T03:04:05Z', content: null, format: null, mimetype: null, writable: true });

/** Anything a terminal would act on rather than show: C0, DEL, C1, line separators, bidi controls. */
const TERMINAL_CONTROLS = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('jupyter-remote prints server text safely', function () {
  this.timeout(60000);
  let fake: FakeServer;
  let url: string;

  before(async () => {
    fake = await startFakeServer((req, res) => {
      const json = (status: number, body: unknown) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      const u = req.url ?? '';
      if (u === '/api') return json(200, { version: '2.14.0' });
      if (u === '/api/status') return json(200, { started: '2026-01-01T00:00:00Z', last_activity: '2026-01-01T00:00:00Z', connections: 0, kernels: 0 });
      if (u.startsWith('/api/contents/?') || u === '/api/contents/') return json(200, { name: '', path: '', type: 'directory', content: u.includes('content=0') ? null : HOSTILE.map(entry), format: 'json', mimetype: null, writable: true });
      if (u.startsWith('/api/contents/broken')) return json(500, { message: 'disk\x1b[2J on fire\njupyter-remote: all good, nothing to see\u202e' });
      return json(404, { message: 'No such file or directory' });
    });
    url = `${fake.url}?token=fake-token-123456`;
  });
  after(async () => {
    await fake?.close();
  });

  it('ls: one line per entry, each name with its control and bidi characters escaped', async () => {
    const r = await runCli(['ls', url]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!TERMINAL_CONTROLS.test(r.stdout), JSON.stringify(r.stdout));
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, HOSTILE.length, r.stdout);
    const names = lines.map((l) => /^- +3 2026-01-02 03:04:05 {2}(.*)$/.exec(l)?.[1]).sort();
    assert.deepEqual(names, ['bell\\x07.txt', 'cr\\rover.txt', 'csi\\x9b2J.txt', 'del\\x7f.txt', 'evil\\u202etxt.exe', 'iso\\u2066late\\u2069.py', 'red\\x1b[31mname', 'two\\nfake line.txt']);
  });

  it('ls --json: the same names, parsed back exactly, with no raw C1, DEL or bidi character in the output', async () => {
    const r = await runCli(['ls', url, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!TERMINAL_CONTROLS.test(r.stdout), JSON.stringify(r.stdout));
    assert.deepEqual((JSON.parse(r.stdout) as { name: string }[]).map((e) => e.name).sort(), [...HOSTILE].sort());
  });

  it("the server's error reason reaches stderr as one escaped line", async () => {
    const r = await runCli(['get', url, 'broken.txt', '-']);
    assert.equal(r.code, 1);
    assert.ok(!TERMINAL_CONTROLS.test(r.stderr), JSON.stringify(r.stderr));
    assert.equal(r.stderr.split('\n').length, 2, r.stderr);
    assert.match(r.stderr, /^jupyter-remote: .*HTTP 500 \(disk\\x1b\[2J on fire\\njupyter-remote: all good, nothing to see\\u202e\)/);
  });

  it('parse: with no address, the hint names the placeholder plainly (the redactor leaves it alone)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jr-parse-'));
    try {
      writeFileSync(path.join(dir, 'paste.txt'), 'hello, nothing here\n');
      const r = await runCli(['parse', path.join(dir, 'paste.txt')]);
      assert.equal(r.code, 1);
      assert.equal(
        r.stderr,
        'jupyter-remote: No Jupyter server address was found in the input: paste a URL such as http://host:8888/?token=YOUR_TOKEN or the output of `jupyter server list`.\n',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
