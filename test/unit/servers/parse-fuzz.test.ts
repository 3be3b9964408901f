import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ParseResult, parseServerText } from '../../../src/core/servers';

const SEEDS = [
  '[I 2026-11-22 10:46:39.909 ServerApp] http://localhost:18887/?token=e844c16e6ef229f71e44ab0cb8868c740a7c6fe364cb8db5',
  'Currently running servers:\nhttp://localhost:18881/?token=tok123 :: /srv/notebooks',
  '{"base_url": "/", "hostname": "localhost", "notebook_dir": "/srv", "password": true, "pid": 6646, "port": 18884, "secure": false, "sock": "", "token": "", "url": "http://localhost:18884/"}',
  'http://(f3a1c2e4b5d6 or 127.0.0.1):8888/?token=9e1f',
  'https://hub.example.org/user/alice/gpu-server/lab/tree/x.ipynb',
  'http://[fe80::1%25eth0]:8888/?token=x',
  '\x1b[32m[I 2026-11-22 11:14:33.835 ServerApp]\x1b(B\x1b[m http://127.0.0.1:18892/?token=bb5b\r',
  'http+unix://%2Ftmp%2Fjupyter.sock/ :: /srv',
];

/** Every result must hold these, whatever the input. */
function assertWellFormed(r: ParseResult): void {
  assert.ok(Array.isArray(r.servers) && Array.isArray(r.problems));
  for (const s of r.servers) {
    assert.ok(s.baseUrl.endsWith('/'), s.baseUrl);
    assert.ok(s.basePath.startsWith('/') && s.basePath.endsWith('/'), s.basePath);
    assert.ok(!/[?#]/.test(s.baseUrl), `no query or fragment in ${s.baseUrl}`);
    assert.ok(s.token === null || (typeof s.token === 'string' && s.token.length > 0));
    assert.ok(Number.isInteger(s.port) && s.port >= 0 && s.port <= 65535);
  }
  if (r.servers.length === 0 && !r.sawServerList) assert.ok(r.problems.length > 0, 'no server means a reason');
}

/** Cut, duplicate, insert and replace characters of a real input. */
const mutated = fc
  .tuple(fc.constantFrom(...SEEDS), fc.array(fc.tuple(fc.nat(), fc.nat(6), fc.string({ maxLength: 8, unit: 'binary' })), { maxLength: 8 }))
  .map(([seed, edits]) => {
    let s = seed;
    for (const [pos, len, insert] of edits) {
      const at = pos % (s.length + 1);
      s = s.slice(0, at) + insert + s.slice(at + len);
    }
    return s;
  });

/** Inputs random search once failed on (seed and test named): each stays a fixed case. */
const COUNTEREXAMPLES: [string, string][] = [
  // JR_SEED=-1085088829, "never throws on mutated real inputs": a runtime file whose `sock` holds a lone
  // surrogate made encodeURIComponent throw URIError.
  ['lone surrogate in sock', '{"base_url": "/", " \u{10000}\u{10000}ostname": "localhost", "notebook_dir": "/srv", "password": true, "pid": 6646, "port": 18884, "secure": false, "sock": "\udc00\u{10000}\u{10000}tok", "url": "http://localhost:18884/"}'],
];

describe('parseServerText: property and fuzz tests', () => {
  for (const [name, input] of COUNTEREXAMPLES) {
    it(`regression: ${name}`, () => assertWellFormed(parseServerText(input)));
  }

  it('never throws on random text, and what it returns is well formed', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400, unit: 'binary' }), (s) => assertWellFormed(parseServerText(s))), { numRuns: 3000 });
  });

  it('never throws on mutated real inputs', () => {
    fc.assert(fc.property(mutated, (s) => assertWellFormed(parseServerText(s))), { numRuns: 5000 });
  });

  it('never throws on random JSON values', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => assertWellFormed(parseServerText(JSON.stringify(v)))), { numRuns: 2000 });
  });

  it('a generated URL reads back as the server it names', () => {
    const host = fc.oneof(
      fc.constantFrom('localhost', '127.0.0.1', 'example.org', 'jupyter.lab-1.internal', '::1', '2001:db8::7'),
      fc.domain(),
    );
    const segment = fc.stringMatching(/^[a-z0-9_-]{1,12}$/).filter((s) => !['lab', 'tree', 'api', 'user', 'hub', 'notebooks', 'edit', 'doc', 'files', 'view', 'static', 'login', 'logout', 'voila', 'custom', 'terminals', 'nbclassic', 'retro', 'consoles', 'nbconvert', 'kernelspecs', 'nbextensions'].includes(s));
    const token = fc.option(fc.string({ minLength: 1, maxLength: 60 }).filter((t) => t.trim() === t && t !== '...' && t !== '…'), { nil: undefined });
    fc.assert(
      fc.property(fc.constantFrom('http', 'https'), host, fc.integer({ min: 1, max: 65535 }), fc.array(segment, { maxLength: 3 }), token, fc.constantFrom('', 'lab', 'tree', 'lab/tree/x.ipynb'), (scheme, h, port, segs, tok, suffix) => {
        const basePath = segs.length ? `/${segs.join('/')}/` : '/';
        const hostPart = h.includes(':') ? `[${h}]` : h;
        const query = tok === undefined ? '' : `?token=${encodeURIComponent(tok)}`;
        const url = `${scheme}://${hostPart}:${port}${basePath}${suffix}${query}`;
        const r = parseServerText(url);
        assert.equal(r.servers.length, 1, url);
        const s = r.servers[0];
        assert.equal(s.scheme, scheme);
        assert.equal(s.host, h.toLowerCase());
        assert.equal(s.port, port);
        assert.equal(s.basePath, basePath);
        assert.equal(s.token, tok ?? null);
      }),
      { numRuns: 2000 },
    );
  });

  it('hostile sizes stay bounded: 10 MB paste, one 10 MB line, deep JSON, binary, bracket runs', function () {
    this.timeout(30000);
    const line = '[I 2026-11-22 10:46:39.909 ServerApp] http://localhost:18887/?token=abc :: /srv\n';
    const inputs: [string, string][] = [
      ['10 MB of log lines', line.repeat(Math.ceil((10 * 1024 * 1024) / line.length))],
      ['one 10 MB line', 'x'.repeat(10 * 1024 * 1024)],
      ['a 10 MB URL', `http://h/${'a'.repeat(10 * 1024 * 1024)}`],
      ['a URL ending in 1 MB of brackets', `http://h/${')'.repeat(1024 * 1024)}`],
      ['deeply nested JSON', '['.repeat(100000) + ']'.repeat(100000)],
      ['deeply nested unbalanced JSON', '{"a":'.repeat(200000)],
      ['binary noise', Buffer.from(Array.from({ length: 2 * 1024 * 1024 }, (_, i) => (i * 2654435761) % 256)).toString('latin1')],
      ['many distinct servers', Array.from({ length: 5000 }, (_, i) => `http://h${i}.example.org:8888/?token=t${i}`).join('\n')],
      ['a list of many ports on loopback', Array.from({ length: 3000 }, (_, i) => `http://localhost:${10000 + i}/`).join('\n')],
    ];
    for (const [name, input] of inputs) {
      const started = process.hrtime.bigint();
      const r = parseServerText(input);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      assertWellFormed(r);
      // A bound far above the ~100 ms these take, so only a runaway (quadratic, backtracking) fails it.
      assert.ok(ms < 5000, `${name} took ${ms.toFixed(0)} ms`);
    }
  });
});
