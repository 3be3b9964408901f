import { randomUUID } from 'node:crypto';
import type { KernelConnection, KernelMessage } from '../kernel';
import { Disposable, Emitter } from '../util/events';
import { BufferPath, JsonRecord, isJsonObject, putBuffers, takeBuffers } from './buffers';

/** The comm target of widget models (ipywidgets 7 and 8). */
export const WIDGET_TARGET = 'jupyter.widget';
/** ipywidgets 8's control comm: asks the kernel for the state of every live widget. */
export const CONTROL_TARGET = 'jupyter.widget.control';
/** The widget protocol of the models we replay (ipywidgets 8; the manager checks the major version). */
const WIDGET_PROTOCOL_VERSION = '2.1.0';
/** The control comm's protocol (ipywidgets 8 refuses another major version). */
const CONTROL_PROTOCOL_VERSION = '1.0.0';
export const WIDGET_VIEW_MIME = 'application/vnd.jupyter.widget-view+json';
export const WIDGET_STATE_MIME = 'application/vnd.jupyter.widget-state+json';

/** A widget model as the kernel last described it: its JSON state, and its binary buffers apart. */
export interface WidgetModel {
  id: string;
  name: string;
  module: string;
  moduleVersion: string;
  state: JsonRecord;
  buffers: { path: BufferPath; data: Buffer }[];
}

/** A comm message in the kernel's shape, for the renderer's widget manager. */
export type CommMessage =
  | { kind: 'open'; commId: string; targetName: string; data: JsonRecord; metadata: JsonRecord; buffers: Buffer[] }
  | { kind: 'msg'; commId: string; data: JsonRecord; buffers: Buffer[] }
  | { kind: 'close'; commId: string; data: JsonRecord };

/** `application/vnd.jupyter.widget-state+json` (what JupyterLab saves in a notebook's metadata). */
export interface WidgetStateDocument {
  version_major: 2;
  version_minor: 0;
  state: Record<string, { model_name: string; model_module: string; model_module_version: string; state: JsonRecord; buffers?: { path: BufferPath; data: string; encoding: 'base64' }[] }>;
}

const isOutputModel = (m: WidgetModel) => m.name === 'OutputModel' && m.module === '@jupyter-widgets/output';
/**
 * ipywidgets' Password (`PasswordModel` in controls 1.x and 2.x, ipywidgets 7 and 8). Matched by name in
 * any module: a widget of another package by that name is as likely to hold a secret.
 */
const isPasswordModel = (m: WidgetModel) => m.name === 'PasswordModel';

/**
 * The widget models of one kernel connection, kept from the kernel's comm messages so that a renderer
 * that starts late (or again, after VS Code dropped the outputs webview) gets the state of every live
 * model, and a saved notebook keeps the last view. Also the bridge for the renderer's own messages, and
 * the Output widget's capture: outputs whose parent is the message an Output widget is capturing (its
 * `msg_id`) go into that widget, as JupyterLab does, not into the cell.
 */
export class WidgetModels implements Disposable {
  private readonly models = new Map<string, WidgetModel>();
  /** Output widgets capturing now (a non-empty `msg_id`): all an output is checked against, on every output. */
  private readonly capturing = new Set<WidgetModel>();
  /** Output widgets whose last captured message was clear_output(wait=True). */
  private readonly clearPending = new Set<string>();
  private readonly emitter = new Emitter<CommMessage>();
  /** Every comm message for widgets, from the kernel or made here (captured outputs), in order. */
  readonly onMessage = this.emitter.event;
  private readonly settledEmitter = new Emitter<string>();
  /** The id of a message `send` sent, once the kernel is idle after handling it (ipywidgets throttles on this). */
  readonly onSettled = this.settledEmitter.event;
  private readonly awaitingIdle = new Set<string>();
  private readonly subscriptions: Disposable[];

  constructor(private readonly kernel: KernelConnection) {
    this.subscriptions = [
      kernel.onIOPub((msg) => this.receive(msg)),
      kernel.onStatus((status) => {
        // A restarted kernel has no widgets left: its models go, and renderers are told they closed.
        if (status === 'restarting') this.forgetAll();
        // Messages sent before a restart, a death or a lost connection may never see their idle status:
        // settle them now so that no renderer waits on them, and nothing is kept for them.
        if (status === 'restarting' || status === 'dead' || status === 'disconnected' || status === 'closed') this.settleAll();
      }),
    ];
    kernel.claimOutputs((msg) => this.capture(msg));
  }

  get(id: string): WidgetModel | undefined {
    return this.models.get(id);
  }

  get size(): number {
    return this.models.size;
  }

  /**
   * Every live model as a comm_open the renderer can replay, the models a model refers to (children,
   * layout, style) before it, so a widget manager finds each reference already made.
   */
  replay(): CommMessage[] {
    return openMessages(this.models);
  }

  /**
   * The state of every live model, as JupyterLab saves it in `metadata.widgets`, less what a person typed
   * into a Password widget: its `value` is left out (a saved view shows the box empty).
   */
  snapshot(): WidgetStateDocument {
    const state: WidgetStateDocument['state'] = {};
    for (const m of this.models.values()) {
      const secret = isPasswordModel(m);
      const own = secret ? Object.fromEntries(Object.entries(m.state).filter(([key]) => key !== 'value')) : m.state;
      const buffers = secret ? m.buffers.filter((b) => b.path[0] !== 'value') : m.buffers;
      state[m.id] = { model_name: m.name, model_module: m.module, model_module_version: m.moduleVersion, state: own };
      if (buffers.length) state[m.id].buffers = buffers.map((b) => ({ path: b.path, data: b.data.toString('base64'), encoding: 'base64' }));
    }
    return { version_major: 2, version_minor: 0, state };
  }

  /**
   * A comm message from the renderer to the kernel (a changed value, a click); our copy of the state
   * follows it. Returns the message's id, which `onSettled` reports once the kernel is idle after it.
   */
  send(commId: string, data: JsonRecord, buffers: Buffer[] = []): string {
    const model = this.models.get(commId);
    if (model && (data.method === 'update' || data.method === 'echo_update')) this.applyUpdate(model, data, buffers);
    const msgId = this.kernel.sendMessage('shell', 'comm_msg', { comm_id: commId, data }, buffers);
    this.awaitingIdle.add(msgId);
    return msgId;
  }

  /**
   * Asks the kernel for every live widget's state through ipywidgets 8's control comm (for a kernel
   * that made widgets before we listened). Resolves how many models the kernel described; rejects where
   * the kernel has no control comm (ipywidgets 7) or does not answer in time.
   */
  async requestStates(timeoutMs = 10000): Promise<number> {
    const commId = randomUUID();
    const answer = new Promise<KernelMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        sub.dispose();
        reject(new Error(`The kernel did not send its widgets' state within ${Math.round(timeoutMs / 1000)} s.`));
      }, timeoutMs);
      const sub = this.kernel.onIOPub((msg) => {
        if (msg.content.comm_id !== commId) return;
        if (msg.header.msg_type === 'comm_close') {
          clearTimeout(timer);
          sub.dispose();
          reject(new Error('The kernel has no widget control comm (ipywidgets 8 has one).'));
        } else if (msg.header.msg_type === 'comm_msg' && (msg.content.data as JsonRecord | undefined)?.method === 'update_states') {
          clearTimeout(timer);
          sub.dispose();
          resolve(msg);
        }
      });
    });
    this.kernel.sendMessage('shell', 'comm_open', { comm_id: commId, target_name: CONTROL_TARGET, data: {} }, [], { version: CONTROL_PROTOCOL_VERSION });
    this.kernel.sendMessage('shell', 'comm_msg', { comm_id: commId, data: { method: 'request_states' } });
    let reply: KernelMessage;
    try {
      reply = await answer;
    } finally {
      this.kernel.sendMessage('shell', 'comm_close', { comm_id: commId, data: {} });
    }
    const data = reply.content.data as JsonRecord;
    const states = isJsonObject(data.states) ? data.states : {};
    // buffer_paths here are [model id, 'state', ...path inside its state].
    const paths = Array.isArray(data.buffer_paths) ? (data.buffer_paths as BufferPath[]) : [];
    let count = 0;
    for (const [id, entry] of Object.entries(states)) {
      if (!isJsonObject(entry) || !isJsonObject(entry.state)) continue;
      const own = paths.flatMap((p, i) => (p[0] === id && p[1] === 'state' && reply.buffers[i] ? [{ path: p.slice(2), data: reply.buffers[i] }] : []));
      const model = this.models.get(id) ?? this.addModel(id, { _model_name: entry.model_name ?? '', _model_module: entry.model_module ?? '', _model_module_version: entry.model_module_version ?? '' });
      model.state = { ...entry.state };
      model.buffers = own;
      this.trackCapture(model);
      count++;
    }
    return count;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.kernel.claimOutputs(undefined);
    this.emitter.dispose();
    this.settledEmitter.dispose();
    this.models.clear();
    this.capturing.clear();
  }

  private settleAll(): void {
    const pending = [...this.awaitingIdle];
    this.awaitingIdle.clear();
    for (const msgId of pending) this.settledEmitter.fire(msgId);
  }

  /** How many messages `send` sent that the kernel has not yet finished handling. */
  get unsettled(): number {
    return this.awaitingIdle.size;
  }

  private forgetAll(): void {
    const ids = [...this.models.keys()];
    this.models.clear();
    this.capturing.clear();
    this.clearPending.clear();
    for (const commId of ids) this.emitter.fire({ kind: 'close', commId, data: {} });
  }

  private receive(msg: KernelMessage): void {
    const type = msg.header.msg_type;
    if (type === 'status') {
      const parent = msg.parent_header?.msg_id;
      if (msg.content.execution_state === 'idle' && parent && this.awaitingIdle.delete(parent)) this.settledEmitter.fire(parent);
      return;
    }
    const commId = typeof msg.content.comm_id === 'string' ? msg.content.comm_id : undefined;
    if (!commId) return;
    const data = isJsonObject(msg.content.data) ? msg.content.data : {};
    if (type === 'comm_open') {
      if (msg.content.target_name !== WIDGET_TARGET) return;
      const state = isJsonObject(data.state) ? data.state : {};
      const model = this.addModel(commId, state);
      this.applyUpdate(model, { state, buffer_paths: data.buffer_paths ?? [] }, msg.buffers);
      this.emitter.fire({ kind: 'open', commId, targetName: WIDGET_TARGET, data, metadata: isJsonObject(msg.metadata) ? msg.metadata : {}, buffers: msg.buffers });
    } else if (type === 'comm_msg') {
      const model = this.models.get(commId);
      if (!model) return;
      if (data.method === 'update' || data.method === 'echo_update') this.applyUpdate(model, data, msg.buffers);
      this.emitter.fire({ kind: 'msg', commId, data, buffers: msg.buffers });
    } else if (type === 'comm_close') {
      const model = this.models.get(commId);
      if (!model) return;
      this.models.delete(commId);
      this.capturing.delete(model);
      this.clearPending.delete(commId);
      this.emitter.fire({ kind: 'close', commId, data });
    }
  }

  private addModel(id: string, state: JsonRecord): WidgetModel {
    const model: WidgetModel = {
      id,
      name: String(state._model_name ?? ''),
      module: String(state._model_module ?? ''),
      moduleVersion: String(state._model_module_version ?? ''),
      state: {},
      buffers: [],
    };
    this.models.set(id, model);
    return model;
  }

  /** Merges an update (`state`, with `buffer_paths` naming where each buffer goes) into our copy. */
  private applyUpdate(model: WidgetModel, data: JsonRecord, buffers: Buffer[]): void {
    if (!isJsonObject(data.state)) return;
    const paths = Array.isArray(data.buffer_paths) ? (data.buffer_paths as BufferPath[]) : [];
    const keys = new Set(Object.keys(data.state));
    // A key set again replaces the buffers that were under it.
    model.buffers = model.buffers.filter((b) => !keys.has(String(b.path[0])));
    model.state = { ...model.state, ...data.state };
    paths.forEach((path, i) => {
      if (buffers[i]) model.buffers.push({ path, data: buffers[i] });
    });
    this.trackCapture(model);
  }

  private trackCapture(model: WidgetModel): void {
    if (isOutputModel(model) && model.state.msg_id) this.capturing.add(model);
    else this.capturing.delete(model);
  }

  /** An output whose parent an Output widget is capturing goes into it (and its `outputs` state). */
  private capture(msg: KernelMessage): boolean {
    const parent = msg.parent_header?.msg_id;
    if (!parent) return false;
    let target: WidgetModel | undefined;
    for (const model of this.capturing) {
      if (model.state.msg_id === parent) target = model; // the innermost (latest) capture wins
    }
    if (!target) return false;
    const before = Array.isArray(target.state.outputs) ? (target.state.outputs as JsonRecord[]) : [];
    const outputs = withOutput(before, msg, this.clearPending.has(target.id));
    if (msg.header.msg_type === 'clear_output' && msg.content.wait === true) this.clearPending.add(target.id);
    else this.clearPending.delete(target.id);
    if (outputs === before) return true;
    const update: JsonRecord = { method: 'update', state: { outputs }, buffer_paths: [] };
    this.applyUpdate(target, update, []);
    // The kernel's copy follows (`out.outputs` in Python), as with JupyterLab; the renderer is told at once.
    this.kernel.sendMessage('shell', 'comm_msg', { comm_id: target.id, data: update });
    this.emitter.fire({ kind: 'msg', commId: target.id, data: update, buffers: [] });
    return true;
  }
}

/**
 * An Output widget's outputs after one more message (nbformat dicts, as JupyterLab keeps them): a
 * stream continues the last output of the same stream; clear_output empties, or with `wait` empties
 * just before the next output (`clearPending`). The same array when nothing changes.
 */
export function withOutput(outputs: JsonRecord[], msg: Pick<KernelMessage, 'header' | 'content'>, clearPending: boolean): JsonRecord[] {
  const c = msg.content;
  switch (msg.header.msg_type) {
    case 'clear_output':
      return c.wait === true ? outputs : [];
    case 'stream': {
      const base = clearPending ? [] : outputs;
      const last = base.at(-1);
      const text = String(c.text ?? '');
      if (last?.output_type === 'stream' && last.name === c.name) return [...base.slice(0, -1), { ...last, text: String(last.text ?? '') + text }];
      return [...base, { output_type: 'stream', name: String(c.name ?? 'stdout'), text }];
    }
    case 'display_data':
      return [...(clearPending ? [] : outputs), { output_type: 'display_data', data: c.data as JsonRecord, metadata: (c.metadata as JsonRecord) ?? {} }];
    case 'execute_result':
      return [...(clearPending ? [] : outputs), { output_type: 'execute_result', data: c.data as JsonRecord, metadata: (c.metadata as JsonRecord) ?? {}, execution_count: (c.execution_count as number) ?? null }];
    case 'error':
      return [...(clearPending ? [] : outputs), { output_type: 'error', ename: String(c.ename ?? ''), evalue: String(c.evalue ?? ''), traceback: (c.traceback as string[]) ?? [] }];
    default:
      return outputs;
  }
}

/**
 * comm_open messages that make `models` in a widget manager, each after the models it refers to
 * (children, layout, style), so the manager finds every reference already made.
 */
export function openMessages(models: ReadonlyMap<string, WidgetModel>): CommMessage[] {
  const out: CommMessage[] = [];
  const done = new Set<string>();
  const visit = (model: WidgetModel, path: Set<string>) => {
    if (done.has(model.id) || path.has(model.id)) return;
    path.add(model.id);
    for (const ref of referencesOf(model.state)) {
      const child = models.get(ref);
      if (child) visit(child, path);
    }
    done.add(model.id);
    const { state, paths, buffers } = takeBuffers(putBuffers(model.state, model.buffers));
    out.push({
      kind: 'open',
      commId: model.id,
      targetName: WIDGET_TARGET,
      data: { state: { ...state, _model_name: model.name, _model_module: model.module, _model_module_version: model.moduleVersion }, buffer_paths: paths },
      metadata: { version: WIDGET_PROTOCOL_VERSION },
      buffers,
    });
  };
  for (const model of models.values()) visit(model, new Set());
  return out;
}

/** The models of a saved state document (a notebook's `metadata.widgets`), or none if it is not one. */
export function modelsOfDocument(doc: unknown): Map<string, WidgetModel> {
  const models = new Map<string, WidgetModel>();
  if (!isJsonObject(doc) || doc.version_major !== 2 || !isJsonObject(doc.state)) return models;
  for (const [id, entry] of Object.entries(doc.state)) {
    if (!isJsonObject(entry) || !isJsonObject(entry.state) || typeof entry.model_name !== 'string') continue;
    const buffers = Array.isArray(entry.buffers)
      ? entry.buffers.filter((b): b is { path: BufferPath; data: string } => isJsonObject(b) && Array.isArray(b.path) && typeof b.data === 'string').map((b) => ({ path: b.path, data: Buffer.from(b.data, 'base64') }))
      : [];
    models.set(id, { id, name: entry.model_name, module: String(entry.model_module ?? ''), moduleVersion: String(entry.model_module_version ?? ''), state: entry.state, buffers });
  }
  return models;
}

/** The model ids a state refers to (`"IPY_MODEL_<id>"`, anywhere in it). */
export function referencesOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (value.startsWith('IPY_MODEL_')) out.push(value.slice('IPY_MODEL_'.length));
  } else if (Array.isArray(value)) {
    for (const v of value) referencesOf(v, out);
  } else if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const v of Object.values(value)) referencesOf(v, out);
  }
  return out;
}
