// The kernel's inspect text in a hover (issue 29 item 14): a code block no line of the text can close.
// Rendered with markdown-it (CommonMark) and checked against the closing-fence rules of CommonMark and of
// marked (what VS Code renders hovers with), so no link, image or HTML in the text becomes markup.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { fencedCodeBlock } from '../../../src/core/util/markdown';

// markdown-it comes with @vscode/vsce (a dev dependency); it has no types of its own here.
const MarkdownIt = createRequire(__filename)('markdown-it') as new (preset: string, options: { html: boolean }) => { render(src: string): string };
const commonmark = new MarkdownIt('commonmark', { html: true });

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * What the whole text looks like when it stays one code block: every character literal, nothing else
 * (line ends normalised, as Markdown reads them: a last \r and the block's own \n are one line end).
 */
const asOneBlock = (text: string) => `<pre><code class="language-text">${escapeHtml(`${text}\n`.replace(/\r\n?/g, '\n').replace(/\0/g, '\uFFFD'))}</code></pre>\n`;

/**
 * The lines of the text that would end the block: CommonMark's rule (up to 3 spaces, a run of the fence's
 * character at least as long, then only spaces or tabs) and marked's (up to 3 spaces, the fence itself,
 * then any backticks or tildes and spaces).
 */
function closingLines(markdown: string, text: string): string[] {
  const fence = /^\n(`{3,})/.exec(markdown)?.[1];
  assert.ok(fence, `a backtick fence opens the block: ${JSON.stringify(markdown.slice(0, 20))}`);
  const commonMark = new RegExp(`^ {0,3}\`{${fence.length},}[ \\t]*$`);
  const marked = new RegExp(`^ {0,3}${fence}[\`~]* *$`);
  return text.split(/\r\n|\r|\n/).filter((line) => commonMark.test(line) || marked.test(line));
}

function assertLiteral(text: string): void {
  const markdown = fencedCodeBlock(text, 'text');
  assert.deepEqual(closingLines(markdown, text), [], 'no line of the text closes the fence');
  const html = commonmark.render(markdown);
  assert.equal(html, asOneBlock(text), 'the whole text is one code block');
  assert.doesNotMatch(html, /<a |<img /);
}

/** An inspect text that tries to leave its block: a fence, then a link and a remote image. */
const breakout = (fenceLine: string) => `Docstring:\n${fenceLine}\n[click me](https://example.invalid/x) ![tracker](https://example.invalid/t.png)\n<img src="https://example.invalid/h.png">\nmore`;

describe("the kernel's inspect text in a hover: a code block nothing in it can close", () => {
  it('a line of 3..10 backticks, indented by 0..3 spaces (a closing fence in CommonMark), stays text', () => {
    for (let n = 3; n <= 10; n++) {
      for (let indent = 0; indent <= 3; indent++) assertLiteral(breakout(' '.repeat(indent) + '`'.repeat(n)));
    }
  });

  it('a fence with an info string, trailing spaces or tildes after the backticks, stays text', () => {
    for (const line of ['```python', '```   ', '```~~~', '````````` `', '  ```\t', '```\r']) assertLiteral(breakout(line));
  });

  it('tilde fences, alone or followed by backticks, stay text', () => {
    for (const line of ['~~~', '   ~~~~', '~~~~~~~~~~', '~~~ ```', '~~~\n```']) assertLiteral(breakout(line));
  });

  it('backticks inside lines, at the very end, and runs longer than any line-start run', () => {
    assertLiteral('Use ``````code`````` here\n```\n[a](http://x)');
    assertLiteral('ends with a fence\n```');
    assertLiteral('```');
    assertLiteral('`````````````````````````````````````````````````` long run\n```\n![i](http://x/i.png)');
    assertLiteral('');
  });

  it('Windows and old Mac line ends: a fence after \\r\\n or \\r stays text', () => {
    assertLiteral('a\r\n```\r\n[x](https://example.invalid)\r\n![y](https://example.invalid/y.png)');
    assertLiteral('a\r```\r[x](https://example.invalid)');
  });

  it('the fence is the usual three backticks when the text has no backtick run to beat', () => {
    assert.equal(fencedCodeBlock('plain\n~~~\n', 'text'), '\n```text\nplain\n~~~\n\n```\n');
    assert.equal(fencedCodeBlock('a `b` ``c``', 'text'), '\n```text\na `b` ``c``\n```\n');
    assert.equal(fencedCodeBlock('x ```` y', 'text'), '\n`````text\nx ```` y\n`````\n');
  });

  it('property: any text of fences, brackets, links, images, HTML and line ends is one code block', () => {
    const piece = fc.constantFrom('`', '```', '````', '~~~', ' ', '   ', '\t', '\n', '\r\n', '\r', '[', '](http://x)', '![', '<img src=x>', '<a href=x>', 'a', '\\', '\0', '>', '*', '#');
    fc.assert(fc.property(fc.array(piece, { maxLength: 40 }).map((p) => p.join('')), (text) => assertLiteral(text)), { numRuns: 500 });
  });
});
