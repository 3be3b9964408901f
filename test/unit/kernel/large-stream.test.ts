import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readStreamContentInPlace } from '../../../src/core/kernel/large-stream';
import { makeMessage } from '../../../src/core/kernel/messages';
import { decodeFrame, encodeMessage } from '../../../src/core/kernel/serialize';

/** jupyter_client's layout (`, ` and `: `), optionally with every non-ASCII code unit escaped as Python's default does. */
function pythonStyle(name: string, text: string, asciiOnly: boolean): string {
  let json = JSON.stringify(text);
  if (asciiOnly) json = json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `{"name": "${name}", "text": ${json}}`;
}

/** Runs the in-place reader on a copy; returns its answer and whether it left the bytes as they were. */
function read(json: string | Buffer) {
  const buf = Buffer.isBuffer(json) ? Buffer.from(json) : Buffer.from(json, 'utf8');
  const before = Buffer.from(buf);
  const result = readStreamContentInPlace(buf, 0, buf.length);
  return { result, untouched: buf.equals(before), original: before };
}

const texts = fc.oneof(
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }), // lone surrogates included
  fc.array(fc.constantFrom('a', '\n', '\t', '"', '\\', '/', '\u001b[31m', '\r', '\b', '\f', '\u0000', 'é', '€', '😀', '\ud83d', '\ude00', '\u2028'), { maxLength: 60 }).map((a) => a.join('')),
);

describe('large stream content read in place', () => {
  it('reads what JSON.parse reads, in every layout, or leaves the bytes untouched (lone surrogates)', () => {
    fc.assert(
      fc.property(texts, fc.constantFrom('stdout', 'stderr'), fc.constantFrom('compact', 'python', 'ascii', 'spaced'), (text, name, layout) => {
        const json =
          layout === 'compact' ? JSON.stringify({ name, text }) : layout === 'spaced' ? ` {\n "name" :\t"${name}" ,\r\n "text" : ${JSON.stringify(text)} \n} ` : pythonStyle(name, text, layout === 'ascii');
        const { result, untouched } = read(json);
        if (result === undefined) {
          assert.ok(untouched, 'given up with the bytes as they were');
          assert.ok(/[\ud800-\udfff]/.test(text), `gave up on ${JSON.stringify(json)}`);
        } else {
          assert.deepEqual(result, JSON.parse(json));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('gives up, bytes untouched, on what is not the simple stream shape', () => {
    for (const json of [
      '{"text": "a", "name": "stdout"}',
      '{"name": "stdout", "text": "a", "extra": 1}',
      '{"name": "stdout", "text": "a", "x": "b"}',
      '{"name": "other", "text": "a"}',
      '{"name": "stdout", "text": "a"b"}',
      '{"name": "stdout", "text": "a\\x"}',
      '{"name": "stdout", "text": "a\\u12"}',
      '{"name": "stdout", "text": "a\\u12g4"}',
      '{"name": "stdout", "text": "a\\"}',
      '{"name": "stdout", "text": "a\\\\\\"}',
      '{"name": "stdout", "text": "\\ud83d"}',
      '{"name": "stdout", "text": "\\ude00x"}',
      '{"name": "stdout", "text": "\\ud83d\\u0041"}',
      '{"name": "stdout", "text": "a"} x',
      '{"name": "stdout", "text": "a"',
      '{"name": "stdout", "text": "',
      '{"name":\u00a0"stdout", "text": "a"}',
      '[{"name": "stdout", "text": "a"}]',
    ]) {
      const { result, untouched } = read(json);
      assert.equal(result, undefined, json);
      assert.ok(untouched, json);
    }
  });

  it('on mutated content: the answer is JSON.parse’s, or nothing with the bytes untouched', () => {
    const base = Buffer.from(pythonStyle('stdout', 'line 1\n\t"quoted" \\ \u001b[1mbold é€😀\n', false));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(base.length - 1), fc.constantFrom(0x22, 0x5c, 0x75, 0x6e, 0x7d, 0x20, 0x30, 0x64, 0x38, 0xc3, 0x80, 0x01)), { minLength: 1, maxLength: 4 }), (edits) => {
        const bytes = Buffer.from(base);
        for (const [at, byte] of edits) bytes[at] = byte;
        const { result, untouched, original } = read(bytes);
        if (result === undefined) return assert.ok(untouched);
        let parsed: unknown;
        try {
          parsed = JSON.parse(original.toString('utf8'));
        } catch {
          // The one leniency: a raw control character, which JSON.parse refuses.
          return assert.ok(original.includes(0x01), `accepted what JSON.parse refuses: ${original.toString()}`);
        }
        assert.deepEqual(result, parsed);
      }),
      { numRuns: 3000 },
    );
  });

  it('decodeFrame reads a large stream in place only when the frame is given up', () => {
    const text = 'row\t"x"\\ é😀\n'.repeat(100_000);
    const frame = () => encodeMessage(makeMessage('iopub', 'stream', { name: 'stdout', text }, 's'), 'v1') as Buffer;
    const kept = frame();
    const copy = Buffer.from(kept);
    assert.equal(decodeFrame(kept, 'v1', true).content.text, text);
    assert.ok(kept.equals(copy), 'not given up: the frame is left as it was');
    const given = frame();
    assert.equal(decodeFrame(given, 'v1', true, { ownsFrame: true }).content.text, text);
    assert.ok(!given.equals(copy), 'given up: the text was unescaped in the frame itself');
  });
});
