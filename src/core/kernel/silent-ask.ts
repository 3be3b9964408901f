import type { KernelConnection } from './kernel-connection';
import type { KernelMessage } from './messages';

/** What a silent question to the kernel came back with. */
export type SilentAnswer = { ok: true; printed: string } | { ok: false; message: string };

/**
 * Runs `code` in the kernel as a silent execute (no history, no execution count, no output shown
 * anywhere) and answers what it printed to stdout, or why there is nothing: the code raised (its
 * `ename: evalue`), or the kernel did not answer within `timeoutMs` (it waits behind a running cell).
 */
export async function askSilently(kernel: KernelConnection, code: string, timeoutMs: number): Promise<SilentAnswer> {
  let printed = '';
  const onMessage = (msg: KernelMessage) => {
    if (msg.header.msg_type === 'stream' && msg.content.name === 'stdout') printed += String(msg.content.text ?? '');
  };
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
  const reply = await Promise.race([kernel.execute(code, { silent: true, storeHistory: false, onMessage }).done.catch((e: unknown) => e as Error), late]).finally(() => clearTimeout(timer));
  if (reply === 'late') return { ok: false, message: 'the kernel did not answer in time (is a cell running?)' };
  if (reply instanceof Error) return { ok: false, message: reply.message };
  if (reply.status !== 'ok') return { ok: false, message: `${String(reply.reply?.ename ?? 'Error')}: ${String(reply.reply?.evalue ?? reply.status)}` };
  return { ok: true, printed };
}
