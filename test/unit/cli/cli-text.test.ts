import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { ServerInfo } from '../../../src/core/api';
import { parseServerText } from '../../../src/core/servers';
import { Redactor } from '../../../src/core/util/logger';
import { missingCredentials } from '../../../src/cli/connect';
import { escapeControls, printJson, printLine } from '../../../src/cli/io';

/** What a stream was given, as one string. */
function written(write: (s: PassThrough) => void): string {
  const s = new PassThrough();
  write(s);
  s.end();
  return String(s.read() ?? '');
}

const SHOWN_ESCAPED: [string, string][] = [
  ['a\x1b[2Jb', 'a\\x1b[2Jb'],
  ['one\ntwo\rthree\tfour', 'one\\ntwo\\rthree\\tfour'],
  ['nul\0bel\x07del\x7f', 'nul\\x00bel\\x07del\\x7f'],
  ['csi\u009b31m', 'csi\\x9b31m'],
  ['evil\u202etxt.exe', 'evil\\u202etxt.exe'],
  ['\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200e\u200f\u061c', '\\u202a\\u202b\\u202c\\u202d\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061c'],
  ['line\u2028sep\u2029', 'line\\u2028sep\\u2029'],
];

describe('CLI output of server text', () => {
  it('escapeControls shows C0, DEL, C1, line separators and bidi controls as escapes', () => {
    for (const [raw, shown] of SHOWN_ESCAPED) assert.equal(escapeControls(raw), shown);
  });

  it('leaves ordinary text alone: accents, CJK, emoji, backslashes of Windows paths', () => {
    for (const text of ['café ünïcode', '数据.csv', '📓 notes.ipynb', 'C:\\Users\\ada\\nb.ipynb', 'a  b']) assert.equal(escapeControls(text), text);
  });

  it('printLine writes one line whatever the text holds', () => {
    assert.equal(written((s) => printLine(s, 'x\ny\rz')), 'x\\ny\\rz\n');
  });

  it('printJson: no raw control or bidi character, and the same strings when parsed', () => {
    const value = { names: SHOWN_ESCAPED.map(([raw]) => raw) };
    const text = written((s) => printJson(s, value));
    assert.ok(!/[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(text), JSON.stringify(text));
    assert.deepEqual(JSON.parse(text), value);
  });
});

describe('hints name the token placeholder plainly, and keep it through redaction', () => {
  const info = (auth: ServerInfo['auth']): ServerInfo => ({ baseUrl: 'http://h:8888/', flavor: 'jupyter-server', version: '2.0.0', auth, authenticated: false });
  const hints = [
    missingCredentials(info('token')).message,
    missingCredentials(info('password-or-token')).message,
    parseServerText('').problems[0],
    parseServerText('hello, nothing here').problems[0],
  ];

  for (const hint of hints) {
    it(hint, () => {
      assert.match(hint, /\?token=YOUR_TOKEN\b/);
      assert.equal(new Redactor().redact(hint), hint);
    });
  }
});
