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
