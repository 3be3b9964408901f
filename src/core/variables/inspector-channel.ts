import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { AbortedError, JupyterError, TimeoutError } from '../http';
import { OwnSubshell } from '../kernel';
import type { KernelConnection, KernelMessage } from '../kernel';

export class VariableInspectorError extends JupyterError {
  override readonly name: string = 'VariableInspectorError';
}

/** inspector.py, read once: beside this file in the source tree, beside the bundle in dist/ (esbuild.mjs copies it there). */
let inspectorSource: string | undefined;
function source(): string {
  try {
    inspectorSource ??= readFileSync(path.join(__dirname, 'inspector.py'), 'utf8');
  } catch {
    throw new VariableInspectorError('The variable inspector (inspector.py) is missing from this installation: reinstall Jupyter Remote.');
  }
  return inspectorSource;
}

/** The module's name in the kernel, and its comm target: a new version of inspector.py installs anew. */
function moduleName(): string {
  return `_jupyter_remote_inspector_${createHash('sha256').update(source()).digest('hex').slice(0, 12)}`;
}

/** The kernel closed our comm: its target is not registered (the inspector is not installed there). */
class CommClosed extends Error {}

interface Waiting {
  resolve(answer: string): void;
  reject(e: Error): void;
}

/**
 * The way to inspector.py in one kernel: a comm of ours to the inspector's target, on our own subshell
 * where the kernel has subshells (it answers while a cell runs), else on the main shell. A request is a
 * comm message, which runs none of a cell's machinery: an execute_request, even silent and empty, runs
 * IPython's post_execute hooks, and matplotlib's flushes and closes the figure a running cell is drawing.
 * The inspector is installed by one silent execute_request, once per kernel, when the kernel closes our
 * comm for want of its target.
 */
export class InspectorChannel {
  private readonly subshell: OwnSubshell;
  private comm: { id: string; subshellId: string | undefined } | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private next = 0;
  /** Every comm we opened: a late answer on an earlier one still reaches its request. */
  private readonly opened = new Set<string>();
  private readonly subscriptions: { dispose(): void }[];

  constructor(private readonly kernel: KernelConnection) {
    this.subshell = new OwnSubshell(kernel);
    this.subscriptions = [
      kernel.onIOPub((msg) => this.receive(msg)),
      kernel.onStatus((status) => {
        // A restarted kernel has neither our subshell nor our comm (nor the inspector).
        if (status === 'restarting' || status === 'starting') this.forget(new VariableInspectorError('The kernel restarted.'));
      }),
    ];
  }

  /** The kernel has subshells: requests can go to ours while a cell runs. */
  get hasSubshells(): boolean {
    return this.subshell.available;
  }

  /** Sends one request (the inspector's JSON) and resolves to its answer (JSON text); `onSubshell`: on our subshell. */
  async ask(request: Record<string, unknown>, onSubshell: boolean, deadlineMs: number, signal?: AbortSignal): Promise<string> {
    const subshellId = onSubshell ? await this.subshell.id() : undefined;
    if (onSubshell && !subshellId) throw new VariableInspectorError('The kernel did not make a subshell to look into it from.');
    try {
      return await this.send(request, subshellId, deadlineMs, signal);
    } catch (e) {
      if (!(e instanceof CommClosed)) {
        if (e instanceof TimeoutError && subshellId) {
          // A subshell the kernel no longer knows (it restarted while we were away), or a stuck one: another next time.
          this.subshell.delete();
          this.forget(e);
        }
        throw e;
      }
    }
    await this.install(subshellId, deadlineMs, signal);
    return this.send(request, subshellId, deadlineMs, signal).catch((e: unknown) => {
      throw e instanceof CommClosed ? new VariableInspectorError('The kernel refused the variable inspector\'s messages.') : e;
    });
  }

  /** Closes our comm and deletes our subshell, at once (the connection usually closes right after). */
  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    if (this.comm && this.kernel.status !== 'closed' && !this.kernel.hasGivenUp) {
      this.kernel.sendMessage('shell', 'comm_close', { comm_id: this.comm.id, data: {} }, [], undefined, this.comm.subshellId);
    }
    this.subshell.dispose();
    this.forget(new VariableInspectorError('The variable inspector was closed.'));
  }

  private send(request: Record<string, unknown>, subshellId: string | undefined, deadlineMs: number, signal?: AbortSignal): Promise<string> {
    if (!this.comm || this.comm.subshellId !== subshellId) {
      this.comm = { id: randomUUID(), subshellId };
      this.opened.add(this.comm.id);
      this.kernel.sendMessage('shell', 'comm_open', { comm_id: this.comm.id, target_name: moduleName(), data: {} }, [], undefined, subshellId);
    }
    const id = ++this.next;
    const commId = this.comm.id;
    return new Promise<string>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.waiting.delete(id);
      };
      const timer = setTimeout(() => {
        done();
        reject(new TimeoutError(`The kernel did not answer the variable inspector within ${Math.round(deadlineMs / 100) / 10} s.`));
      }, deadlineMs);
      const onAbort = () => {
        done();
        reject(new AbortedError('Cancelled.'));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort);
      this.waiting.set(id, {
        resolve: (answer) => (done(), resolve(answer)),
        reject: (e) => (done(), reject(e)),
      });
      try {
        this.kernel.sendMessage('shell', 'comm_msg', { comm_id: commId, data: { id, request: JSON.stringify(request) } }, [], undefined, subshellId);
      } catch (e) {
        this.waiting.get(id)?.reject(e as Error);
      }
    });
  }

  /** Installs inspector.py in the kernel as its own module and registers its comm target; binds none of the person's names. */
  private async install(subshellId: string | undefined, deadlineMs: number, signal?: AbortSignal): Promise<void> {
    const name = JSON.stringify(moduleName());
    const modules = "__import__('sys').modules";
    const code = `(${modules}.get(${name}) or (lambda m: (exec(${JSON.stringify(source())}, m.__dict__), ${modules}.__setitem__(${name}, m), m)[-1])(__import__('types').ModuleType(${name}))).listen(${name})`;
    const reply = await this.kernel.request('shell', 'execute_request', { code, silent: true, store_history: false, user_expressions: {}, allow_stdin: false, stop_on_error: false }, deadlineMs, { subshellId, signal });
    const content = reply.content as { status?: string; ename?: string };
    if (content.status !== 'ok') throw new VariableInspectorError(`The kernel could not install the variable inspector (${content.ename ?? 'error'}).`);
  }

  private receive(msg: KernelMessage): void {
    const type = msg.header.msg_type;
    if ((type !== 'comm_msg' && type !== 'comm_close') || !this.opened.has(msg.content.comm_id as string)) return;
    if (type === 'comm_close') {
      this.opened.delete(msg.content.comm_id as string);
      if (this.comm?.id !== msg.content.comm_id) return;
      this.comm = undefined;
      for (const w of [...this.waiting.values()]) w.reject(new CommClosed());
      return;
    }
    const data = msg.content.data as { id?: unknown; answer?: unknown } | undefined;
    if (typeof data?.id === 'number' && typeof data.answer === 'string') this.waiting.get(data.id)?.resolve(data.answer);
  }

  /** Drops our subshell and comm (made anew when next asked), failing what waits on them. */
  private forget(why: Error): void {
    this.subshell.forget();
    this.comm = undefined;
    for (const w of [...this.waiting.values()]) w.reject(why);
  }
}
