import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const cli = path.resolve('dist/cli.js');

/**
 * Runs the built `jupyter-remote` with only PATH and `env` in its environment; never throws on a non-zero
 * exit. `asUser` runs it as that (unprivileged) user, through runuser (tests run as root).
 */
export async function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 120000, asUser?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const [file, argv] = asUser ? ['runuser', ['-u', asUser, '--', process.execPath, cli, ...args]] : [process.execPath, [cli, ...args]];
  try {
    const { stdout, stderr } = await execFileAsync(file, argv, { env: { PATH: process.env.PATH, ...env }, timeout: timeoutMs });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
