import { promises as fs } from 'node:fs';
import * as tty from 'node:tty';

/** A failure the user can act on: printed as one line on stderr, never with a stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export async function readInput(file: string | undefined, stdin: NodeJS.ReadStream): Promise<string> {
  if (file && file !== '-') {
    try {
      return await fs.readFile(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new CliError(code === 'ENOENT' ? `No such file: ${file}.` : `Cannot read ${file}: ${(e as Error).message}.`);
    }
  }
  if (tty.isatty(0)) {
    throw new CliError('Nothing to read: give a file, or pipe the text in (e.g. `jupyter server list | jupyter-remote parse`).', 2);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

// What a terminal acts on instead of showing: C0 controls (ESC starts escape sequences, CR and LF
// make fake lines), DEL, C1 controls (U+009B is a one-character CSI for some terminals), the line and
// paragraph separators, and the bidi marks, embeddings, overrides and isolates that reorder what is
// shown (`evil\u202Etxt.exe` reads as `evilexe.txt`).
const CONTROLS = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// The same less C0, which JSON.stringify escapes itself (and whose \n is the indentation's outside strings).
const CONTROLS_JSON_KEEPS = /[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Text from the server (file names, paths, its error reasons) as it may reach a terminal: each control
 * or bidi character shown as an escape (`\n`, `\x1b`, `\u202e`), everything else unchanged. A
 * backslash is left as it is: messages carry Windows paths, and a name that spells `\x1b` with its
 * own characters does the terminal no harm.
 */
export function escapeControls(text: string): string {
  return text.replace(CONTROLS, (c) => NAMED[c] ?? (c.charCodeAt(0) < 0x100 ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`));
}

const hex = (c: string, width: number) => c.charCodeAt(0).toString(16).padStart(width, '0');

/** Writes one line of text for a person, escaped (see escapeControls). */
export function printLine(stream: NodeJS.WritableStream, text: string): void {
  stream.write(`${escapeControls(text)}\n`);
}

/**
 * Writes JSON for scripts. JSON.stringify escapes C0 controls but passes DEL, C1 and bidi characters
 * through as they are; those become `\uXXXX` escapes, which parse back to the same strings.
 */
export function printJson(stream: NodeJS.WritableStream, value: unknown): void {
  const text = JSON.stringify(value, null, 2).replace(CONTROLS_JSON_KEEPS, (c) => `\\u${hex(c, 4)}`);
  stream.write(`${text}\n`);
}
