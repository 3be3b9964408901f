import { StreamText } from './stream-text';

export type MimeBundle = Record<string, unknown>;

/** Outputs in nbformat 4 form (stream text joined into one string). */
export type NbOutput =
  | { output_type: 'stream'; name: string; text: string }
  | { output_type: 'display_data'; data: MimeBundle; metadata: Record<string, unknown> }
  | { output_type: 'execute_result'; data: MimeBundle; metadata: Record<string, unknown>; execution_count: number | null }
  | { output_type: 'error'; ename: string; evalue: string; traceback: string[] };

/** What changed in one cell's outputs, for a view that updates incrementally. */
export type OutputChange =
  | { kind: 'add'; index: number }
  | { kind: 'stream'; index: number; appended: string }
  | { kind: 'update'; index: number }
  | { kind: 'clear' };

type Stored =
  | { output_type: 'stream'; name: string; text: StreamText }
  | { output_type: 'display_data'; data: MimeBundle; metadata: Record<string, unknown>; displayId?: string }
  | { output_type: 'execute_result'; data: MimeBundle; metadata: Record<string, unknown>; execution_count: number | null; displayId?: string }
  | { output_type: 'error'; ename: string; evalue: string; traceback: string[] };

type Listener = (cell: CellOutputs, change: OutputChange) => void;

/** An iopub message's type and content: all the output model needs. */
export interface OutputMessage {
  msg_type: string;
  content: Record<string, unknown>;
}

const asRecord = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/**
 * The outputs of one notebook's cells, built from iopub messages as Jupyter frontends do: stream
 * merging per name, `\r` and backspace, `clear_output` now or (`wait`) before the next output,
 * `update_display_data` applied to every output with that display_id in any cell. Pure: no I/O.
 */
export class NotebookOutputs {
  private readonly displays = new Map<string, Set<{ cell: CellOutputs; output: Stored }>>();
  private readonly listeners = new Set<Listener>();

  /** A fresh output area for one execution of a cell. */
  cell(id = ''): CellOutputs {
    return new CellOutputs(this, id);
  }

  onChange(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Forgets a cell (deleted, or run again): its outputs no longer take display updates. */
  release(cell: CellOutputs): void {
    cell.clearDisplays();
  }

  /** @internal */
  emit(cell: CellOutputs, change: OutputChange): void {
    for (const l of this.listeners) l(cell, change);
  }

  /** @internal */
  register(displayId: string, cell: CellOutputs, output: Stored): void {
    let set = this.displays.get(displayId);
    if (!set) this.displays.set(displayId, (set = new Set()));
    set.add({ cell, output });
  }

  /** @internal */
  unregister(cell: CellOutputs, output: Stored): void {
    const id = 'displayId' in output ? output.displayId : undefined;
    if (!id) return;
    const set = this.displays.get(id);
    if (!set) return;
    for (const ref of set) if (ref.output === output && ref.cell === cell) set.delete(ref);
    if (!set.size) this.displays.delete(id);
  }

  /** @internal Updates every output showing `displayId`; returns how many. */
  updateDisplay(displayId: string, data: MimeBundle, metadata: Record<string, unknown>): number {
    const set = this.displays.get(displayId);
    if (!set) return 0;
    for (const { cell, output } of set) {
      if (output.output_type !== 'display_data' && output.output_type !== 'execute_result') continue;
      output.data = data;
      output.metadata = metadata;
      cell.changed(output);
    }
    return set.size;
  }
}

export class CellOutputs {
  private readonly stored: Stored[] = [];
  private clearPending = false;

  constructor(
    private readonly notebook: NotebookOutputs,
    readonly id: string,
  ) {}

  get length(): number {
    return this.stored.length;
  }

  /** Applies one iopub message; returns false for types that are not outputs. */
  handle(msg: OutputMessage): boolean {
    const c = msg.content;
    switch (msg.msg_type) {
      case 'stream':
        this.stream(String(c.name ?? 'stdout'), String(c.text ?? ''));
        return true;
      case 'display_data':
      case 'execute_result': {
        const data = asRecord(c.data);
        const metadata = asRecord(c.metadata);
        const displayId = asRecord(c.transient).display_id;
        const output: Stored =
          msg.msg_type === 'display_data'
            ? { output_type: 'display_data', data, metadata }
            : { output_type: 'execute_result', data, metadata, execution_count: typeof c.execution_count === 'number' ? c.execution_count : null };
        if (typeof displayId === 'string') {
          output.displayId = displayId;
          // A new display with an id already shown elsewhere updates those too (as JupyterLab does).
          this.notebook.updateDisplay(displayId, data, metadata);
        }
        this.add(output);
        if (typeof displayId === 'string') this.notebook.register(displayId, this, output);
        return true;
      }
      case 'update_display_data': {
        const displayId = asRecord(c.transient).display_id;
        // An update for an id no output shows is ignored (messaging spec).
        if (typeof displayId === 'string') this.notebook.updateDisplay(displayId, asRecord(c.data), asRecord(c.metadata));
        return true;
      }
      case 'error':
        this.add({
          output_type: 'error',
          ename: String(c.ename ?? 'Error'),
          evalue: String(c.evalue ?? ''),
          traceback: Array.isArray(c.traceback) ? c.traceback.map(String) : [],
        });
        return true;
      case 'clear_output':
        if (c.wait === true) this.clearPending = true;
        else this.clear();
        return true;
      default:
        return false;
    }
  }

  /**
   * Starts from outputs already shown (a cell taken up after a window reload), without reporting them as
   * changes: later stream text joins the last stream, `\r` rewrites it, clear_output clears them too.
   */
  restore(outputs: readonly NbOutput[]): void {
    for (const o of outputs) {
      if (o.output_type === 'stream') {
        const text = new StreamText();
        text.append(o.text);
        this.stored.push({ output_type: 'stream', name: o.name, text });
      } else {
        this.stored.push({ ...o });
      }
    }
  }

  /** Adds a note of ours (e.g. "output may be incomplete") as a stderr stream. */
  note(text: string): void {
    this.stream('stderr', text.endsWith('\n') ? text : `${text}\n`);
  }

  /** nbformat 4 outputs. */
  toJSON(): NbOutput[] {
    return this.stored.map((o) => (o.output_type === 'stream' ? { output_type: 'stream', name: o.name, text: o.text.toString() } : strip(o)));
  }

  /** One output in nbformat form (for incremental views). */
  output(index: number): NbOutput | undefined {
    const o = this.stored[index];
    if (!o) return undefined;
    return o.output_type === 'stream' ? { output_type: 'stream', name: o.name, text: o.text.toString() } : strip(o);
  }

  /** An output's type, without building it (a stream's text is not joined). */
  outputTypeOf(index: number): NbOutput['output_type'] | undefined {
    return this.stored[index]?.output_type;
  }

  /** A stream output's name (`stdout`, `stderr`), without joining its text. */
  streamNameOf(index: number): string | undefined {
    const o = this.stored[index];
    return o?.output_type === 'stream' ? o.name : undefined;
  }

  /** The display_id an output shows, if any. */
  displayIdOf(index: number): string | undefined {
    const o = this.stored[index];
    return o && 'displayId' in o ? o.displayId : undefined;
  }

  /** Removes every output now. */
  clear(): void {
    this.clearPending = false;
    if (!this.stored.length) return;
    this.clearDisplays();
    this.stored.length = 0;
    this.notebook.emit(this, { kind: 'clear' });
  }

  /** @internal */
  clearDisplays(): void {
    for (const o of this.stored) this.notebook.unregister(this, o);
  }

  /** @internal */
  changed(output: Stored): void {
    const index = this.stored.indexOf(output);
    if (index >= 0) this.notebook.emit(this, { kind: 'update', index });
  }

  private flushPendingClear(): void {
    if (this.clearPending) this.clear();
  }

  private stream(name: string, text: string): void {
    this.flushPendingClear();
    const last = this.stored[this.stored.length - 1];
    if (last?.output_type === 'stream' && last.name === name) {
      last.text.append(text);
      this.notebook.emit(this, { kind: 'stream', index: this.stored.length - 1, appended: text });
      return;
    }
    const st = new StreamText();
    st.append(text);
    this.add({ output_type: 'stream', name, text: st });
  }

  private add(output: Stored): void {
    this.flushPendingClear();
    this.stored.push(output);
    this.notebook.emit(this, { kind: 'add', index: this.stored.length - 1 });
  }
}

function strip(o: Exclude<Stored, { output_type: 'stream' }>): NbOutput {
  if (o.output_type === 'error') return { output_type: 'error', ename: o.ename, evalue: o.evalue, traceback: o.traceback };
  if (o.output_type === 'display_data') return { output_type: 'display_data', data: o.data, metadata: o.metadata };
  return { output_type: 'execute_result', data: o.data, metadata: o.metadata, execution_count: o.execution_count };
}
