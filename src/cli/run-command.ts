import { promises as fs } from 'node:fs';
import * as readline from 'node:readline';
import * as tty from 'node:tty';
import { kernelPresence, listKernelSpecs, shutdownKernel, startKernel } from '../core/api';
import { CellOutputs, ExecutionFailedError, KernelConnection, NotebookOutputs } from '../core/kernel';
import type { NbOutput, StdinRequest } from '../core/kernel';
import { NotebookCellJson, NotebookFormatError, NotebookJson, cellSource, outputForDisk, parseNotebook } from '../core/kernel/notebook-file';
import { parseArgs } from './args';
import { describeForCli, hubStartOptionsFrom, missingCredentials, probeStartingHubServer, sessionFromOptions } from './connect';
import { CliError } from './io';
import { writeBeside } from './local-file';
import { outputAsText } from './output-printer';

const USAGE = 'Usage: jupyter-remote run NOTEBOOK.ipynb --url URL [--kernel NAME | --kernel-id ID] [--out FILE] [--allow-errors] [--timeout SECONDS] [--profile SLUG] [--option KEY=VALUE]… [--verbose]';

/** Asks at the terminal, hiding what is typed for getpass(). */
function askAtTerminal(request: StdinRequest): Promise<string> {
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    if (request.password) {
      const write = (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput;
      (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => (s.includes(request.prompt) ? write.call(rl, s) : undefined);
    }
    rl.question(request.prompt, (answer) => {
      rl.close();
      if (request.password) process.stderr.write('\n');
      resolve(answer);
    });
  });
}

/**
 * `jupyter-remote run`: starts a kernel on the server, runs the notebook's code cells in order,
 * prints their outputs, writes the executed notebook, and shuts the kernel down. Ctrl-C interrupts
 * the kernel, then shuts it down. With `--kernel-id` it runs them on a kernel already running (its
 * variables and all) and leaves that kernel running.
 */
export async function runCommand(args: string[], out: NodeJS.WritableStream): Promise<number> {
  const { positional, options, lists } = parseArgs(args, { values: ['url', 'kernel', 'kernel-id', 'out', 'timeout', 'ca', 'fingerprint', 'profile'], flags: ['allow-errors', 'allow-insecure-http', 'verbose'], lists: ['option'] });
  if (positional.length !== 1 || typeof options.url !== 'string') throw new CliError(USAGE, 2);
  const userOptions = hubStartOptionsFrom(options, lists);
  const timeoutSeconds = options.timeout === undefined ? undefined : Number(options.timeout);
  if (timeoutSeconds !== undefined && !(timeoutSeconds > 0)) throw new CliError('--timeout takes a number of seconds greater than 0.', 2);
  const attachTo = options['kernel-id'] as string | undefined;
  if (attachTo !== undefined && (typeof attachTo !== 'string' || !attachTo.trim())) throw new CliError('--kernel-id takes the id of a running kernel (`jupyter-remote check` lists them).', 2);
  if (attachTo && options.kernel) throw new CliError('Give --kernel (start a new kernel of that type) or --kernel-id (use a running kernel), not both.', 2);

  let notebook: NotebookJson;
  try {
    notebook = parseNotebook(await fs.readFile(positional[0], 'utf8'));
  } catch (e) {
    if (e instanceof NotebookFormatError) throw new CliError(`${positional[0]}: ${e.message}`);
    throw new CliError(`Cannot read ${positional[0]}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}.`);
  }

  const { session, address } = sessionFromOptions(options.url, options, { timeoutIsConnect: false });
  let connection: KernelConnection | undefined;
  let kernelId: string | undefined;
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130); // a second Ctrl-C: leave now
    interrupted = true;
    process.stderr.write('\njupyter-remote: interrupting the kernel (Ctrl-C again to quit at once)\n');
    void connection?.interrupt().catch(() => undefined);
  };
  process.on('SIGINT', onSigint);
  try {
    const { info } = await probeStartingHubServer(session, address, process.stderr, userOptions);
    if (info.flavor === 'jupyterhub') throw new CliError(`${info.baseUrl} is a JupyterHub: give the URL of a user's server (…/user/NAME/); \`jupyter-remote check\` on the Hub lists them.`);
    if (!info.authenticated) throw missingCredentials(info);
    if (attachTo) {
      const presence = await kernelPresence(session, attachTo);
      if (!presence.present) throw new CliError(`The server has no kernel ${attachTo} (${presence.reason}); \`jupyter-remote check\` lists the running kernels.`);
      // Not ours to shut down: kernelId stays unset.
      connection = await KernelConnection.connect({ session, kernelId: attachTo, resuming: true });
    } else {
      const specs = await listKernelSpecs(session);
      const wanted = (options.kernel as string | undefined) ?? ((notebook.metadata.kernelspec as { name?: string } | undefined)?.name);
      const kernelName = wanted && specs.specs[wanted] ? wanted : options.kernel ? (options.kernel as string) : specs.default;
      if (options.kernel && !specs.specs[options.kernel as string]) {
        throw new CliError(`The server has no kernel "${options.kernel as string}"; it has: ${Object.keys(specs.specs).join(', ') || 'none'}.`);
      }
      const kernel = await startKernel(session, kernelName);
      kernelId = kernel.id;
      connection = await KernelConnection.connect({ session, kernelId });
    }
    // tty.isatty, not process.stdin.isTTY: touching process.stdin opens a handle that keeps a piped run alive.
    const stdinAvailable = tty.isatty(0);
    const outputs = new NotebookOutputs();
    const color = out === process.stdout && tty.isatty(1);
    let failed: number | undefined; // the (1-based) cell that stopped the run
    let ran = 0;
    // Each cell's output area, kept to the end: a later cell may update a display an earlier one shows.
    const areas: [NotebookCellJson, CellOutputs][] = [];

    for (const [index, cell] of notebook.cells.entries()) {
      if (cell.cell_type !== 'code' || failed !== undefined || interrupted) continue;
      const code = cellSource(cell);
      if (!code.trim()) continue;
      const area = outputs.cell(String(index));
      areas.push([cell, area]);
      const execution = connection.execute(code, {
        outputs: area,
        onStdin: stdinAvailable ? askAtTerminal : undefined,
        onMessage: (msg) => {
          if (msg.header.msg_type !== 'stream') return;
          const target = msg.content.name === 'stderr' ? process.stderr : out;
          target.write(String(msg.content.text ?? ''));
        },
      });
      let timer: NodeJS.Timeout | undefined;
      let timedOut = false;
      if (timeoutSeconds) {
        timer = setTimeout(() => {
          timedOut = true;
          process.stderr.write(`jupyter-remote: cell ${index + 1} ran longer than ${timeoutSeconds} s; interrupting it\n`);
          void connection?.interrupt().catch(() => undefined);
        }, timeoutSeconds * 1000);
      }
      let status: string;
      let possiblyIncomplete = false;
      try {
        const result = await execution.done;
        status = result.status;
        possiblyIncomplete = result.possiblyIncomplete;
        cell.execution_count = result.executionCount;
      } catch (e) {
        if (!(e instanceof ExecutionFailedError)) throw e;
        area.handle({ msg_type: 'error', content: { ename: 'KernelError', evalue: e.message, traceback: [] } });
        status = 'error';
        cell.execution_count = execution.executionCount;
      } finally {
        clearTimeout(timer);
      }
      ran++;
      const produced: NbOutput[] = area.toJSON();
      for (const o of produced) if (o.output_type !== 'stream') out.write(outputAsText(o, color));
      if (possiblyIncomplete) {
        process.stderr.write(`jupyter-remote: warning: cell ${index + 1}: output may be incomplete: the connection to the kernel dropped while it ran\n`);
        cell.metadata = { ...cell.metadata, jupyter_remote: { possibly_incomplete: true } };
      }
      // `unknown`: the reply was lost in a dropped connection. It failed if an error output arrived;
      // otherwise nothing says it did, and the warning above already names the cell.
      const errored = status === 'unknown' ? produced.some((o) => o.output_type === 'error') : status !== 'ok';
      if ((errored && !options['allow-errors']) || timedOut) failed = index + 1;
    }

    for (const [cell, area] of areas) cell.outputs = area.toJSON().map(outputForDisk) as unknown as NbOutput[];
    if (connection.kernelInfo?.language_info) notebook.metadata.language_info = connection.kernelInfo.language_info;
    // Written beside it, then renamed: the executed notebook is never half-written.
    if (options.out) {
      const text = `${JSON.stringify(notebook, null, 1)}\n`;
      await writeBeside(options.out as string, async (file) => void (await file.writeFile(text)));
    }
    if (interrupted) {
      process.stderr.write('jupyter-remote: interrupted\n');
      return 130;
    }
    if (failed !== undefined) {
      const left = notebook.cells.slice(failed).filter((c) => c.cell_type === 'code' && cellSource(c).trim()).length;
      const rest = left ? `${left} cell${left === 1 ? '' : 's'} after it not run` : 'it was the last';
      process.stderr.write(`jupyter-remote: cell ${failed} failed (${ran} run, ${rest}); use --allow-errors to run the rest anyway\n`);
      return 1;
    }
    return 0;
  } catch (e) {
    throw describeForCli(e);
  } finally {
    process.off('SIGINT', onSigint);
    await connection?.dispose();
    if (kernelId) await shutdownKernel(session, kernelId).catch(() => undefined);
    await session.close();
  }
}
