import { AbortedError, TimeoutError } from '../http';
import type { KernelConnection } from './kernel-connection';
import { OwnSubshell } from './own-subshell';

/** One completion as the kernel offers it, with the range it replaces as UTF-16 offsets into the code. */
export interface Completion {
  text: string;
  /** IPython's `_jupyter_types_experimental` type: function, instance, module, class, keyword, path, magic… */
  type?: string;
  signature?: string;
  start: number;
  end: number;
}

export interface InspectResult {
  /** The kernel's text with its ANSI colours taken out. */
  text: string;
}

/** What a request waits for at most: completions must not hold typing up. */
export const COMPLETE_DEADLINE_MS = 500;
export const INSPECT_DEADLINE_MS = 1500;
/**
 * The first answer on a new subshell may take this long: IPython's completer loads then (seconds), and
 * it holds nothing up there; late is better than none.
 */
const FIRST_ANSWER_DEADLINE_MS = 5000;
/** The completer is warmed once the kernel has run no code for this long. */
const WARM_UP_AFTER_QUIET_MS = 1000;

/** The protocol counts the cursor in Unicode code points (5.2+); JavaScript strings in UTF-16 units. */
export function codePointOffset(text: string, utf16Offset: number): number {
  let points = 0;
  for (let i = 0; i < utf16Offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) i++;
    points++;
  }
  return points;
}

export function utf16Offset(text: string, codePoints: number): number {
  let i = 0;
  for (let p = 0; p < codePoints && i < text.length; p++) {
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
  }
  return i;
}

/** IPython's inspect text without its terminal colours (and other CSI sequences). */
export function stripAnsi(text: string): string {
  return text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
}

/** A call's opening parenthesis before `offset` and which argument the cursor is in, or undefined outside a call. */
export function callAt(code: string, offset: number): { paren: number; argument: number } | undefined {
  let depth = 0;
  let commas = 0;
  for (let i = offset - 1; i >= 0; i--) {
    const c = code[i];
    if (c === ')' || c === ']' || c === '}') depth++;
    else if (c === '[' || c === '{') {
      // Inside a list or dict that is itself one argument: its commas are not the call's.
      if (depth === 0) commas = 0;
      else depth--;
    }
    else if (c === '(') {
      if (depth === 0) return { paren: i, argument: commas };
      depth--;
    } else if (c === ',' && depth === 0) commas++;
  }
  return undefined;
}

/** "Signature: f(a, b=2)" from IPython's inspect text: the call's label and its parameters. */
export function signatureOf(text: string): { label: string; parameters: string[] } | undefined {
  const line = /^Signature:\s*(.+)$/m.exec(text)?.[1]?.trim();
  const open = line?.indexOf('(') ?? -1;
  if (!line || open < 0) return undefined;
  const inner = line.slice(open + 1, line.lastIndexOf(')'));
  const parameters: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= inner.length; i++) {
    const c = inner[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if ((c === ',' && depth === 0) || i === inner.length) {
      const p = inner.slice(start, i).trim();
      if (p) parameters.push(p);
      start = i + 1;
    }
  }
  return { label: line, parameters };
}

/**
 * Completions and documentation from a notebook's kernel, never in the way: each request has a
 * deadline and can be cancelled, at most one of each kind is in flight (a newer one drops the older's
 * answer), and they go to a kernel subshell of this notebook's own (ipykernel 7), which answers while a
 * cell runs; where the kernel has none, they go to its main shell only while no code runs there (they
 * would wait behind the cell).
 */
export class KernelAssist {
  private readonly subshell: OwnSubshell;
  /** Our subshell has answered once (its completer is loaded). */
  private subshellAnswered = false;
  private readonly latest = new Map<string, AbortController>();
  private warmUpAsked = false;
  /** While the completer waits to be warmed: the kernel's idles, and the quiet second after the last. */
  private untilQuiet: { dispose(): void } | undefined;
  private quietTimer: NodeJS.Timeout | undefined;

  private readonly statusSubscription: { dispose(): void };

  constructor(private readonly kernel: KernelConnection) {
    this.subshell = new OwnSubshell(kernel);
    this.statusSubscription = kernel.onStatus((status) => {
      // A restarted kernel has no subshell of ours any more (OwnSubshell forgets it): its completer is cold.
      if (status === 'restarting') this.subshellAnswered = false;
    });
  }

  /** The kernel announces subshells (ipykernel 7 says `kernel subshells` in kernel_info). */
  get hasSubshells(): boolean {
    return this.subshell.available;
  }

  async complete(code: string, cursor: number, signal?: AbortSignal, deadlineMs = COMPLETE_DEADLINE_MS): Promise<Completion[] | undefined> {
    const reply = await this.ask('complete_request', { code, cursor_pos: codePointOffset(code, cursor) }, deadlineMs, signal);
    if (!reply || reply.status !== 'ok') return undefined;
    const start = utf16Offset(code, Number(reply.cursor_start ?? cursor));
    const end = utf16Offset(code, Number(reply.cursor_end ?? cursor));
    const types = new Map<string, { type?: string; signature?: string }>();
    const experimental = (reply.metadata as Record<string, unknown> | undefined)?._jupyter_types_experimental;
    if (Array.isArray(experimental)) {
      for (const t of experimental as { text?: unknown; type?: unknown; signature?: unknown }[]) {
        if (typeof t.text === 'string') types.set(t.text, { type: typeof t.type === 'string' ? t.type : undefined, signature: typeof t.signature === 'string' && t.signature ? t.signature : undefined });
      }
    }
    const matches = Array.isArray(reply.matches) ? (reply.matches as unknown[]).filter((m): m is string => typeof m === 'string') : [];
    return matches.map((text) => ({ text, start, end, ...types.get(text) }));
  }

  /** What the kernel says of the name at the cursor (IPython: its signature and docstring). */
  async inspect(code: string, cursor: number, signal?: AbortSignal, deadlineMs = INSPECT_DEADLINE_MS, detailLevel: 0 | 1 = 0): Promise<InspectResult | undefined> {
    const reply = await this.ask('inspect_request', { code, cursor_pos: codePointOffset(code, cursor), detail_level: detailLevel }, deadlineMs, signal);
    if (!reply || reply.status !== 'ok' || reply.found !== true) return undefined;
    const plain = (reply.data as Record<string, unknown> | undefined)?.['text/plain'];
    return typeof plain === 'string' && plain.trim() ? { text: stripAnsi(plain) } : undefined;
  }

  /**
   * IPython's completer is slow the first time on a subshell (jedi loads: 0.3–2.9 s measured with
   * ipykernel 7.4), longer than a completion may wait (a first answer there may take 5 s, see ask). On a
   * kernel with subshells a name completion is made on ours once the kernel has run no code for a second;
   * without subshells nothing is sent (it would hold up the first cell), and the first completion may
   * come back empty.
   *
   * Not beside a running cell: jupyter_server is not subshell-aware and takes the kernel for idle at our
   * subshell's idle while the cell still runs. Then it would cull the kernel for idleness once no window is
   * connected (`cull_busy` off, its default), and on the next connect its nudge swallows one live message.
   */
  warmUp(): void {
    if (!this.hasSubshells || this.warmUpAsked) return;
    this.warmUpAsked = true;
    const afterQuiet = () => {
      clearTimeout(this.quietTimer);
      this.quietTimer = setTimeout(() => {
        if (this.kernel.isRunningCode || this.kernel.status !== 'idle') return; // tried again at its next idle
        this.untilQuiet?.dispose();
        this.untilQuiet = undefined;
        void this.subshell.id()
          .then((subshellId) => (subshellId ? this.kernel.request('shell', 'complete_request', { code: 'pri', cursor_pos: 3 }, 30000, { subshellId }) : undefined))
          .then((reply) => (this.subshellAnswered ||= reply !== undefined), () => undefined);
      }, WARM_UP_AFTER_QUIET_MS);
      this.quietTimer.unref();
    };
    this.untilQuiet = this.kernel.onStatus((status) => status === 'idle' && afterQuiet());
    afterQuiet();
  }

  /** Ends this notebook's subshell (a kernel keeps a thread for each until it ends: see OwnSubshell.delete). */
  dispose(): void {
    this.statusSubscription.dispose();
    this.untilQuiet?.dispose();
    clearTimeout(this.quietTimer);
    for (const c of this.latest.values()) c.abort();
    this.subshell.dispose();
  }

  /** One request of a kind in flight: the newer wins. Undefined for no answer (busy without subshell, late, cancelled). */
  private async ask(type: string, content: Record<string, unknown>, deadlineMs: number, signal?: AbortSignal): Promise<Record<string, unknown> | undefined> {
    this.latest.get(type)?.abort();
    const controller = new AbortController();
    this.latest.set(type, controller);
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort);
    try {
      // Busy with code (not merely answering a request of ours, whose idle trails its reply).
      const busy = this.kernel.isRunningCode || this.kernel.status === 'starting' || this.kernel.status === 'restarting';
      // Always on our subshell where there is one: it never waits for a cell, never holds one up, and its
      // completer is the one warmed (a warm subshell does not warm the main shell's: 2.9 s measured after).
      const subshellId = this.hasSubshells ? await this.subshell.id() : undefined;
      // Busy with no subshell: on the main shell it would wait behind the running cell.
      if (busy && !subshellId) return undefined;
      if (controller.signal.aborted) return undefined;
      const deadline = subshellId && !this.subshellAnswered ? Math.max(deadlineMs, FIRST_ANSWER_DEADLINE_MS) : deadlineMs;
      const reply = await this.kernel.request('shell', type, content, deadline, { subshellId, signal: controller.signal });
      if (subshellId) this.subshellAnswered = true;
      return reply.content;
    } catch (e) {
      if (e instanceof TimeoutError || e instanceof AbortedError) return undefined;
      throw e;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (this.latest.get(type) === controller) this.latest.delete(type);
    }
  }
}
