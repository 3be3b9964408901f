/**
 * Text as a Markdown fenced code block that nothing in the text can close, so all of it shows as
 * literal text: no link, image or HTML in it becomes markup.
 *
 * VS Code's `MarkdownString.appendCodeblock` always fences with three backticks, and a line of three
 * backticks in the text (indented by up to three spaces, as CommonMark allows, or not) ends the block
 * there: the rest is Markdown again, and a kernel's inspect text could show links and remote images in
 * a hover. A closing fence must be a run of the opening character at least as long as the opening
 * fence (CommonMark; `marked`, which VS Code renders hovers with, wants the opening run and then any
 * backticks or tildes), so a fence one backtick longer than the longest run of backticks anywhere in
 * the text cannot be matched by any line of it. Tildes in the text never close a backtick fence.
 */
export function fencedCodeBlock(text: string, language = ''): string {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(Math.max(3, longest + 1));
  // The info string of a backtick fence may hold no backtick; a language name never needs one.
  const info = language.replace(/[`\r\n]/g, '');
  // The same shape appendCodeblock writes: a block of its own, whatever came before it.
  return `\n${fence}${info}\n${text}\n${fence}\n`;
}
