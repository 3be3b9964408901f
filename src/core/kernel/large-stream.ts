/**
 * The content of a large stream message, read without a second copy of it.
 *
 * `JSON.parse(buf.toString())` holds three copies of a 50 MB print at once: the frame's bytes, the
 * JSON source string and the parsed text. The content of a stream message has one shape,
 * `{"name": "stdout", "text": "…"}` (jupyter_client writes `, ` and `: `; other kernels may write none),
 * so the text's escapes are undone in place in the frame's own bytes — an escape is never shorter
 * than what it stands for in UTF-8 — and the string is made once from them.
 *
 * Anything off that shape (other keys or order, an unescaped quote, an invalid escape, a lone
 * surrogate) returns undefined with the bytes untouched, and the caller parses as usual. One leniency:
 * a raw control character in the text, which JSON.parse refuses, is kept.
 */

const BACKSLASH = 0x5c;
const QUOTE = 0x22;
const HEAD = /^[ \t\n\r]*\{[ \t\n\r]*"name"[ \t\n\r]*:[ \t\n\r]*"(stdout|stderr)"[ \t\n\r]*,[ \t\n\r]*"text"[ \t\n\r]*:[ \t\n\r]*"/;
const SIMPLE: Record<number, number> = { 0x22: 0x22, 0x5c: 0x5c, 0x2f: 0x2f, 0x62: 0x08, 0x66: 0x0c, 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09 };

/**
 * `{ name, text }` of the stream content in `buf[start, end)`, unescaping the text in place (the bytes
 * are spent afterwards); undefined, bytes untouched, when the content is not of that shape.
 */
export function readStreamContentInPlace(buf: Buffer, start: number, end: number): { name: string; text: string } | undefined {
  const head = HEAD.exec(buf.toString('latin1', start, Math.min(end, start + 64)));
  if (!head) return undefined;
  const textStart = start + head[0].length;
  let textEnd = end;
  while (textEnd > textStart && isSpace(buf[textEnd - 1])) textEnd--;
  if (buf[--textEnd] !== 0x7d) return undefined; // }
  while (textEnd > textStart && isSpace(buf[textEnd - 1])) textEnd--;
  if (buf[--textEnd] !== QUOTE || textEnd < textStart) return undefined;
  if (walk(buf, textStart, textEnd, false) < 0) return undefined;
  const written = walk(buf, textStart, textEnd, true);
  return { name: head[1], text: buf.toString('utf8', textStart, written) };
}

/**
 * Goes from escape to escape (native searches between them) and returns where the unescaped text
 * ends, or -1 for an invalid escape or a quote that nothing escapes. Only with `write` does it move the
 * text down over the escapes and write what each stands for in UTF-8; the check runs first, so a
 * write never stops halfway.
 */
function walk(buf: Buffer, from: number, to: number, write: boolean): number {
  let read = from;
  let out = from;
  let quote = write ? to : indexOf(buf, QUOTE, read, to);
  for (;;) {
    const escape = indexOf(buf, BACKSLASH, read, to);
    if (!write && quote < escape) return -1; // a quote inside the text that nothing escapes
    if (write && out !== read) buf.copyWithin(out, read, escape);
    out += escape - read;
    if (escape === to) return out;
    const kind = buf[escape + 1];
    if (kind === 0x75) {
      // \uXXXX, and for a high surrogate its low half \uXXXX right after it
      let code = hex4(buf, escape + 2, to);
      let length = 6;
      if (code >= 0xdc00 && code <= 0xdfff) return -1; // a low surrogate alone
      if (code >= 0xd800 && code <= 0xdbff) {
        const low = buf[escape + 6] === BACKSLASH && buf[escape + 7] === 0x75 ? hex4(buf, escape + 8, to) : -1;
        if (low < 0xdc00 || low > 0xdfff) return -1; // a high surrogate alone
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        length = 12;
      }
      if (code < 0) return -1;
      if (write) out += utf8(buf, out, code);
      read = escape + length;
    } else {
      const byte = SIMPLE[kind];
      if (byte === undefined || escape + 1 >= to) return -1;
      if (write) buf[out] = byte;
      out += 1;
      read = escape + 2;
    }
    if (!write && quote < read) quote = indexOf(buf, QUOTE, read, to); // passed an escaped quote
  }
}

function indexOf(buf: Buffer, byte: number, from: number, to: number): number {
  const at = buf.indexOf(byte, from);
  return at === -1 || at > to ? to : at;
}

/** Four hex digits at `at` (before `to`) as a number; -1 when they are not. */
function hex4(buf: Buffer, at: number, to: number): number {
  if (at + 4 > to) return -1;
  let code = 0;
  for (let i = at; i < at + 4; i++) {
    const c = buf[i];
    const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
    if (digit < 0) return -1;
    code = code * 16 + digit;
  }
  return code;
}

/** Writes `code` as UTF-8 at `at`; returns how many bytes. */
function utf8(buf: Buffer, at: number, code: number): number {
  if (code < 0x80) {
    buf[at] = code;
    return 1;
  }
  if (code < 0x800) {
    buf[at] = 0xc0 | (code >> 6);
    buf[at + 1] = 0x80 | (code & 0x3f);
    return 2;
  }
  if (code < 0x10000) {
    buf[at] = 0xe0 | (code >> 12);
    buf[at + 1] = 0x80 | ((code >> 6) & 0x3f);
    buf[at + 2] = 0x80 | (code & 0x3f);
    return 3;
  }
  buf[at] = 0xf0 | (code >> 18);
  buf[at + 1] = 0x80 | ((code >> 12) & 0x3f);
  buf[at + 2] = 0x80 | ((code >> 6) & 0x3f);
  buf[at + 3] = 0x80 | (code & 0x3f);
  return 4;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
