import assert from 'node:assert/strict';
import fc from 'fast-check';
import { callAt, codePointOffset, signatureOf, stripAnsi, utf16Offset } from '../../../src/core/kernel';

describe('the cursor as the kernel counts it (code points) and as VS Code does (UTF-16)', () => {
  it('fixed cases: ASCII, é, an astral character (two UTF-16 units, one code point)', () => {
    const s = "s = '𝄞é'; x";
    assert.equal(codePointOffset(s, s.length), s.length - 1, 'one astral character: one unit fewer');
    assert.equal(codePointOffset('abc', 2), 2);
    assert.equal(utf16Offset(s, codePointOffset(s, s.length)), s.length);
    assert.equal(utf16Offset(s, 6), 7, "after '𝄞': 7 units, 6 code points");
  });

  it('property: at every code point boundary the two conversions undo each other', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(fc.constantFrom('a', 'é', '𝄞', 'あ', '\n', '😀'), fc.string({ unit: 'grapheme', maxLength: 1 })) }), (s) => {
        const units = [...s];
        let offset = 0;
        for (let points = 0; points <= units.length; points++) {
          assert.equal(codePointOffset(s, offset), points);
          assert.equal(utf16Offset(s, points), offset);
          offset += units[points]?.length ?? 0;
        }
      }),
    );
  });

  it("IPython's coloured inspect text comes out plain", () => {
    assert.equal(stripAnsi('\u001b[0;31mSignature:\u001b[0m f(x)\n\u001b[1;32mDocstring:\u001b[0m Adds.'), 'Signature: f(x)\nDocstring: Adds.');
  });
});

describe('signature help: the call around the cursor, and the signature IPython gives', () => {
  it('finds the open call and the argument the cursor is in, past nested brackets and lines', () => {
    assert.deepEqual(callAt('f(', 2), { paren: 1, argument: 0 });
    assert.deepEqual(callAt('f(a, g(b, c), [1, 2], ', 22), { paren: 1, argument: 3 });
    assert.deepEqual(callAt('x = f(\n    1,\n    ', 16), { paren: 5, argument: 1 });
    assert.equal(callAt('f(1) + 2', 8), undefined, 'after a closed call: none');
    assert.equal(callAt('plain', 5), undefined);
    assert.deepEqual(callAt('f(a, [1, 2, ', 12), { paren: 1, argument: 1 }, "inside a list: the list's commas are not the call's");
  });

  it("reads IPython's Signature line into its parameters", () => {
    assert.deepEqual(signatureOf('Signature: documented(x, y=2)\nDocstring: Adds one.'), { label: 'documented(x, y=2)', parameters: ['x', 'y=2'] });
    assert.deepEqual(signatureOf("Signature: f(a, b=(1, 2), *args, c: dict[str, int] = {}, **kw) -> None"), {
      label: 'f(a, b=(1, 2), *args, c: dict[str, int] = {}, **kw) -> None',
      parameters: ['a', 'b=(1, 2)', '*args', 'c: dict[str, int] = {}', '**kw'],
    });
    assert.equal(signatureOf('Type: int\nString form: 3'), undefined);
  });
});
