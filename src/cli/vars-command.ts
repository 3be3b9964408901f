import { kernelPresence } from '../core/api';
import { KernelConnection } from '../core/kernel';
import { VariableInspector, VariableSummary } from '../core/variables';
import { parseArgs } from './args';
import { withServer } from './connect';
import { CliError, printJson, printLine } from './io';

const USAGE = 'Usage: jupyter-remote vars URL --kernel-id ID [--all] [--json]';
/** The text table's widest name and type columns: longer ones are cut (--json has them whole). */
const NAME_WIDTH = 32;
const TYPE_WIDTH = 24;

/** `vars --json`'s entry: the contract in DESIGN.md. */
function entryJson(v: VariableSummary): { name: string; type: string; size?: number; shape?: number[]; value: string } {
  return { name: v.name, type: v.type, ...(v.size !== undefined ? { size: v.size } : {}), ...(v.shape ? { shape: v.shape } : {}), value: v.value };
}

const fit = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width));

/**
 * `jupyter-remote vars URL --kernel-id ID [--all] [--json]`: a running kernel's variables (name, type,
 * size or shape, a short value), answered while a cell runs there. On a kernel without subshells
 * (ipykernel 6) that runs a cell, the list comes from the kernel's control channel, whose values are
 * the objects' own repr (capped): stderr says so.
 */
export async function varsCommand(args: string[], out: NodeJS.WritableStream): Promise<number> {
  const { positional, options } = parseArgs(args, { values: ['kernel-id', 'ca', 'fingerprint', 'timeout'], flags: ['json', 'all', 'allow-insecure-http', 'verbose'] });
  const kernelId = options['kernel-id'];
  if (positional.length !== 1 || typeof kernelId !== 'string' || !kernelId.trim()) throw new CliError(USAGE, 2);
  const list = await withServer(positional[0], options, async (session) => {
    const presence = await kernelPresence(session, kernelId);
    if (!presence.present) throw new CliError(`The server has no kernel ${kernelId} (${presence.reason}); \`jupyter-remote check\` lists the running kernels.`);
    const connection = await KernelConnection.connect({ session, kernelId, resuming: true });
    const inspector = new VariableInspector(connection);
    try {
      return await inspector.list({ all: options.all === true, allowObjectRepr: true });
    } finally {
      inspector.dispose();
      await connection.detach();
    }
  });
  if (list.via === 'control') printLine(process.stderr, 'jupyter-remote: the kernel is running a cell and has no subshells: these values are its objects\' own repr, from its control channel.');
  if (options.json === true) {
    printJson(out, list.variables.map(entryJson));
    return 0;
  }
  for (const v of list.variables) {
    const size = v.shape ? v.shape.join('×') : v.size !== undefined ? String(v.size) : '';
    printLine(out, `${fit(v.name, NAME_WIDTH)}  ${fit(v.type, TYPE_WIDTH)}  ${size.padEnd(10)}  ${v.value}`.trimEnd());
  }
  if (list.total > list.variables.length) printLine(out, `… and ${list.total - list.variables.length} more`);
  return 0;
}
