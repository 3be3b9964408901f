import { TimeoutError } from '../http';
import type { KernelConnection } from '../kernel';
import { InspectorChannel, VariableInspectorError } from './inspector-channel';
import type { KernelUsage, TablePage, TableQuery, VariableList, VariablePath, VariableSummary } from './types';

export { VariableInspectorError } from './inspector-channel';

/** Every request's time limit: a kernel that does not answer in time gets no second wait. */
const DEADLINE_MS = 5000;
/** A table's page may sort a million rows first. */
const TABLE_DEADLINE_MS = 30000;
/** On a kernel without subshells that seems idle: how long the main shell may take before we take it for busy. */
const SHELL_DEADLINE_MS = 1500;
const PREVIEW_CAP = 120;

/** The kernel runs a cell and has no subshells: only inspectVariables could answer now (see VariableInspector). */
export class KernelBusyError extends VariableInspectorError {
  override readonly name: string = 'KernelBusyError';
  constructor() {
    super('The kernel is running a cell and has no subshells (ipykernel 7 has them): its variables can be looked at when the cell ends.');
  }
}

/**
 * Looks inside a kernel without getting in its way: the kernel's variables, the items inside one, a
 * page of a table, and the kernel's resources. It asks inspector.py in the kernel (see InspectorChannel),
 * which describes values without calling their own code. Where the requests go:
 * - a kernel with subshells (ipykernel 7): our own subshell, which answers while a cell runs;
 * - otherwise, while no code runs: the main shell (a comm message: no history, no execution count);
 * - otherwise (ipykernel 6 while a cell runs): only the list, and only when the caller accepts it, from
 *   `inspectVariables` on the control channel, which builds each value with the object's own repr on
 *   the kernel's control thread (debugpy's safe repr, capped, but the object's code all the same).
 */
export class VariableInspector {
  private readonly channel: InspectorChannel;

  constructor(private readonly kernel: KernelConnection) {
    this.channel = new InspectorChannel(kernel);
  }

  /** A cell runs on the kernel now (ours or another client's): the list may change as it goes. */
  get cellRunning(): boolean {
    return this.kernel.isRunningCode;
  }

  get hasSubshells(): boolean {
    return this.channel.hasSubshells;
  }

  /**
   * The kernel's variables (modules, functions, classes and IPython's own names only with `all`).
   * `allowObjectRepr`: on a kernel without subshells that runs a cell, accept inspectVariables (see the
   * class); without it such a kernel answers with a VariableInspectorError saying so.
   */
  async list(options: { all?: boolean; allowObjectRepr?: boolean; signal?: AbortSignal } = {}): Promise<VariableList> {
    const request = { op: 'list', all: !!options.all };
    const channel = this.channelNow();
    if (channel !== 'control') {
      try {
        // A kernel without subshells that seems idle may run another client's cell: not waited for long.
        const answer = await this.call<Omit<VariableList, 'via'>>(request, options.signal, channel === 'shell' ? SHELL_DEADLINE_MS : DEADLINE_MS, channel === 'shell');
        return { ...answer, via: channel };
      } catch (e) {
        if (!(e instanceof KernelBusyError)) throw e;
      }
    }
    if (!options.allowObjectRepr) throw new KernelBusyError();
    return this.listFromControl(options.all ?? false, options.signal);
  }

  /** What is inside a variable (items, rows, attributes), a page at a time. */
  children(at: VariablePath, start: number, count: number, signal?: AbortSignal): Promise<{ children: VariableSummary[]; total: number }> {
    return this.call({ op: 'children', path: at, start, count }, signal);
  }

  /** One page of a table, after the query's filter and sort (run in the kernel). `generation`: a new one sorts anew. */
  table(at: VariablePath, query: TableQuery, start: number, count: number, signal?: AbortSignal, generation = 0): Promise<TablePage> {
    return this.call({ op: 'table', path: at, query: { ...query, generation }, start, count }, signal, TABLE_DEADLINE_MS);
  }

  /** The kernel's CPU and memory, and the host's (usage_request); undefined when the kernel does not say. */
  async usage(signal?: AbortSignal): Promise<KernelUsage | undefined> {
    const reply = await Promise.resolve()
      .then(() => this.kernel.request('control', 'usage_request', {}, 2000, { signal }))
      .catch(() => undefined); // a closed or given-up connection throws at once: no figures, not an error
    const c = reply?.content as Record<string, unknown> | undefined;
    if (!c || c.status === 'error') return undefined;
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    const host = (c.host_virtual_memory ?? {}) as Record<string, unknown>;
    const usage: KernelUsage = {
      kernelCpu: num(c.kernel_cpu),
      kernelMemory: num(c.kernel_memory),
      hostCpuPercent: num(c.host_cpu_percent),
      cpuCount: num(c.cpu_count),
      hostMemoryTotal: num(host.total),
      hostMemoryAvailable: num(host.available),
    };
    return Object.values(usage).some((v) => v !== undefined) ? usage : undefined;
  }

  /** Closes our comm and subshell in the kernel (at once: the connection usually closes right after). */
  dispose(): void {
    this.channel.dispose();
  }

  /** Where a request would go now (see the class). */
  private channelNow(): VariableList['via'] {
    if (this.hasSubshells) return 'subshell';
    // Running code (not merely answering a request of ours, whose idle trails its reply).
    const busy = this.kernel.isRunningCode || this.kernel.status === 'starting' || this.kernel.status === 'restarting';
    return busy ? 'control' : 'shell';
  }

  /**
   * One request to the inspector in the kernel, and its answer. `timeoutMeansBusy`: on the main shell, no
   * answer in time means another client's cell holds it (KernelBusyError).
   */
  private async call<T>(request: Record<string, unknown>, signal?: AbortSignal, deadlineMs = DEADLINE_MS, timeoutMeansBusy = false): Promise<T> {
    const channel = this.channelNow();
    if (channel === 'control') throw new KernelBusyError();
    const language = this.kernel.languageName;
    if (language && language !== 'python') throw new VariableInspectorError(`Variables can be looked at in Python kernels; this one runs ${language}.`);
    const text = await this.channel.ask(request, channel === 'subshell', deadlineMs, signal).catch((e: unknown) => {
      throw e instanceof TimeoutError && timeoutMeansBusy ? new KernelBusyError() : e;
    });
    const answer = JSON.parse(text) as { ok?: T; error?: string };
    if (answer.ok === undefined) throw new VariableInspectorError(answer.error ?? 'The variable inspector gave no answer.');
    return answer.ok;
  }

  /** The list from `inspectVariables` (ipykernel 6 while a cell runs): names, types and debugpy's capped repr. */
  private async listFromControl(all: boolean, signal?: AbortSignal): Promise<VariableList> {
    const reply = await this.kernel.request('control', 'debug_request', { type: 'request', seq: 1, command: 'inspectVariables', arguments: {} }, DEADLINE_MS, { signal });
    const body = (reply.content as { success?: boolean; body?: { variables?: unknown } }).body;
    if (!Array.isArray(body?.variables)) throw new VariableInspectorError('The kernel did not list its variables (inspectVariables).');
    const hiddenTypes = new Set(['module', 'function', 'builtin_function_or_method', 'type', 'method']);
    const variables: VariableSummary[] = [];
    for (const v of body.variables as { name?: unknown; type?: unknown; value?: unknown }[]) {
      // debugpy's group headings ("special variables", "function variables") are not names.
      if (typeof v.name !== 'string' || DEBUGPY_GROUPS.has(v.name)) continue;
      const type = typeof v.type === 'string' ? v.type : '';
      const kind = v.name.startsWith('_') || IPYTHON_NAMES.has(v.name) ? 'ipython' : hiddenTypes.has(type) ? (type === 'module' ? 'module' : type === 'type' ? 'class' : 'function') : 'data';
      if (!all && kind !== 'data') continue;
      variables.push({ name: v.name, type, value: cap(typeof v.value === 'string' ? v.value : ''), kind, path: [v.name] });
    }
    variables.sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
    return { variables, total: variables.length, via: 'control' };
  }
}

const IPYTHON_NAMES = new Set(['In', 'Out', 'exit', 'quit', 'get_ipython', 'open']);
const DEBUGPY_GROUPS = new Set(['special variables', 'function variables', 'class variables', 'protected variables']);

function cap(text: string, limit = PREVIEW_CAP): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}
