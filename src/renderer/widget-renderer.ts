// The notebook renderer for ipywidgets (`application/vnd.jupyter.widget-view+json`). It runs in VS Code's
// sandboxed output webview, one instance per notebook editor, and starts with the first widget output.
// The widget manager is @jupyter-widgets/html-manager (ipywidgets 8 controls and output, and the
// ipywidgets 7 ones), bundled: nothing is fetched from the network. Its comms are bridged to the
// kernel through the extension host (src/vscode/widgets/widget-bridge.ts), which keeps every model's state.
import type { DOMWidgetView, ICallbacks, IClassicComm, WidgetModel } from '@jupyter-widgets/base';
// The manager alone: the package's index also loads its embedding script, which needs a webpack runtime.
import { HTMLManager } from '@jupyter-widgets/html-manager/lib/htmlmanager';
import type { ActivationFunction, OutputItem, RendererContext } from 'vscode-notebook-renderer';
import type { FromRenderer, ToRenderer, WireComm } from './protocol';

type Json = Record<string, unknown>;

const toBase64 = (b: ArrayBuffer | ArrayBufferView): string => {
  const bytes = b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
};
const toDataView = (b64: string): DataView => {
  const s = atob(b64);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return new DataView(bytes.buffer);
};

/** A comm as the widget manager sees it; its traffic goes through the extension host. */
class BridgedComm implements IClassicComm {
  private onMessage: ((msg: unknown) => void) | undefined;
  private onClose: ((msg: unknown) => void) | undefined;

  constructor(
    readonly comm_id: string,
    readonly target_name: string,
    private readonly bridge: Bridge,
  ) {}

  open(): string {
    return ''; // models are opened by the kernel; the manager never opens one here
  }

  send(data: unknown, callbacks?: ICallbacks, _metadata?: Json, buffers?: (ArrayBuffer | ArrayBufferView)[]): string {
    return this.bridge.send(this.comm_id, data as Json, callbacks, buffers ?? []);
  }

  close(): string {
    return '';
  }

  on_msg(callback: (msg: unknown) => void): void {
    this.onMessage = callback;
  }

  on_close(callback: (msg: unknown) => void): void {
    this.onClose = callback;
  }

  deliver(data: Json, buffers: string[]): void {
    this.onMessage?.({ content: { comm_id: this.comm_id, data }, buffers: buffers.map(toDataView), metadata: {} });
  }

  closed(data: Json): void {
    this.onClose?.({ content: { comm_id: this.comm_id, data } });
  }
}

/** How often, and how many more times, `ready` is said while the extension has not answered. */
const READY_RETRY_MS = 1000;
const READY_TRIES = 30;

class Bridge extends HTMLManager {
  private readonly comms = new Map<string, BridgedComm>();
  private readonly pending = new Map<string, ICallbacks | undefined>();
  private next = 0;
  /**
   * What the extension said after `ready`: undefined until it says (it may first go back to the
   * notebook's kernel, or ask the kernel for its widgets), then whether the models are a live kernel's
   * (false: saved in the notebook, and no kernel of ours runs it). It changes when a kernel starts.
   */
  known: boolean | undefined;
  /** Says `ready` again until the extension answers (see FromRenderer). */
  private readonly sayingReady: ReturnType<typeof setInterval>;
  /** Called each time the extension says `replayed`. */
  onReplayed = (): void => {};
  /** Called when a model becomes known here, whenever that is. */
  onModel = (_modelId: string): void => {};

  constructor(private readonly ctx: RendererContext<unknown>) {
    super();
    ctx.onDidReceiveMessage?.((message: ToRenderer) => {
      clearInterval(this.sayingReady);
      this.receive(message);
    });
    this.post({ type: 'ready' });
    let tries = 0;
    this.sayingReady = setInterval(() => (++tries > READY_TRIES ? clearInterval(this.sayingReady) : this.post({ type: 'ready' })), READY_RETRY_MS);
  }

  send(commId: string, data: Json, callbacks: ICallbacks | undefined, buffers: (ArrayBuffer | ArrayBufferView)[]): string {
    const requestId = `r${++this.next}`;
    this.pending.set(requestId, callbacks);
    this.post({ type: 'send', requestId, commId, data, buffers: buffers.map(toBase64) });
    return requestId;
  }

  override register_model(modelId: string, modelPromise: Promise<WidgetModel>): void {
    super.register_model(modelId, modelPromise);
    this.onModel(modelId);
  }

  override _create_comm(targetName: string, modelId?: string): Promise<IClassicComm> {
    const comm = new BridgedComm(modelId ?? `front-end-${++this.next}`, targetName, this);
    this.comms.set(comm.comm_id, comm);
    return Promise.resolve(comm);
  }

  override _get_comm_info(): Promise<Record<string, never>> {
    return Promise.resolve({});
  }

  private post(message: FromRenderer): void {
    this.ctx.postMessage?.(message);
  }

  private receive(message: ToRenderer): void {
    if (message.type === 'replayed') {
      this.known = message.known;
      this.onReplayed();
    } else if (message.type === 'settled') {
      const callbacks = this.pending.get(message.requestId);
      this.pending.delete(message.requestId);
      callbacks?.iopub?.status?.({ content: { execution_state: 'idle' }, header: { msg_type: 'status' }, parent_header: { msg_id: message.requestId } } as never);
    } else if (message.type === 'comm') this.onComm(message.message);
  }

  private onComm(message: WireComm): void {
    if (message.kind === 'open') {
      if (this.comms.has(message.commId)) return; // a replay of a model this webview already has
      const comm = new BridgedComm(message.commId, message.targetName, this);
      this.comms.set(message.commId, comm);
      const msg = { content: { comm_id: message.commId, target_name: message.targetName, data: message.data }, metadata: message.metadata, buffers: message.buffers.map(toDataView) };
      this.handle_comm_open(comm, msg as never).catch((e: unknown) => console.warn(`Jupyter Remote: widget model ${message.commId}: ${String(e)}`));
    } else if (message.kind === 'msg') {
      this.comms.get(message.commId)?.deliver(message.data, message.buffers);
    } else {
      this.comms.get(message.commId)?.closed(message.data);
      this.comms.delete(message.commId);
    }
  }
}

const ONLY_OURS = 'Jupyter Remote includes the ipywidgets controls and Output; other widget packages are not loaded.';

/**
 * Why ipywidgets drew its "broken widget" view (an icon and "Click to show javascript error.") in place of
 * this model's view, if it did: the code of the widget's model or view could not be loaded, or its view
 * failed to draw. One sentence instead.
 */
function failureOf(view: DOMWidgetView, model: WidgetModel): string | undefined {
  const broken = view as DOMWidgetView & { generateErrorMessage?: () => { msg: string; stack: string } };
  if (typeof broken.generateErrorMessage !== 'function') return undefined;
  const firstLine = (e: unknown) => String((e as Error | undefined)?.message ?? e).split('\n')[0].replace(/^Error: /, '').replace(/\.$/, '');
  const viewName = `${String(model.get('_view_module'))} ${String(model.get('_view_name'))}`;
  // ipywidgets gives a view that threw while drawing an error model of its own.
  if (view.model !== model) return `This widget (${viewName}) could not be drawn: ${firstLine(view.model.get('error'))}.`;
  // A model whose class could not be loaded is ipywidgets' error model, carrying the error.
  if (model.get('_view_name') === 'ErrorWidgetView') {
    return `This widget (${String(model.get('_model_module'))} ${String(model.get('_model_name'))}) could not be shown: ${firstLine(model.get('error'))}. ${ONLY_OURS}`;
  }
  return `This widget (${viewName}) could not be shown: ${firstLine(broken.generateErrorMessage().stack)}. ${ONLY_OURS}`;
}

/** One line in place of a widget that cannot be shown, saying why (or that it waits for the kernel). */
function explain(element: HTMLElement, text: string, className = 'jupyter-remote-widget-missing'): void {
  element.textContent = '';
  const line = document.createElement('div');
  line.className = className;
  line.style.cssText = 'font-family: var(--vscode-editor-font-family); color: var(--vscode-descriptionForeground); padding: 2px 0;';
  line.textContent = text;
  element.appendChild(line);
}

const WAITING = 'Waiting for the kernel…';
const GONE = 'This widget is no longer in the kernel (it was restarted, or the output comes from an earlier session): run the cell again to show it.';
const NOT_SAVED = 'This widget was not saved with the notebook and no Jupyter Remote kernel runs it: run the cell again to show it.';

/** A widget output on screen: drawn once its model is known here, and again when it becomes known later. */
interface Shown {
  id: string;
  modelId: string;
  element: HTMLElement;
  view?: DOMWidgetView;
  /** Counts draws: a draw that finds a newer one started gives up. */
  generation: number;
  timer?: ReturnType<typeof setTimeout>;
}

export const activate: ActivationFunction = (ctx) => {
  const bridge = new Bridge(ctx);
  const shown = new Map<string, Shown>();

  const forget = (id: string) => {
    const s = shown.get(id);
    if (!s) return;
    clearTimeout(s.timer);
    s.view?.remove();
    shown.delete(id);
  };

  const draw = async (s: Shown): Promise<void> => {
    const generation = ++s.generation;
    const current = () => s.generation === generation && shown.get(s.id) === s;
    clearTimeout(s.timer);
    if (!bridge.has_model(s.modelId)) {
      // Drawn when its model comes (bridge.onModel); until then, what the extension has said so far.
      if (bridge.known === undefined) return explain(s.element, WAITING, 'jupyter-remote-widget-waiting');
      if (!bridge.known) return explain(s.element, NOT_SAVED);
      // A live kernel's model can come just after its output: a blank moment before saying it is gone.
      s.element.textContent = '';
      s.timer = setTimeout(() => current() && explain(s.element, GONE), 5000);
      return;
    }
    const model = await bridge.get_model(s.modelId).catch((e: unknown) => e as Error);
    if (!current()) return;
    if (model instanceof Error || typeof model === 'string') {
      return explain(s.element, `This widget could not be shown: ${String((model as Error)?.message ?? model)}. ${ONLY_OURS}`);
    }
    try {
      const view = (await bridge.create_view(model, {})) as DOMWidgetView;
      if (!current()) return view.remove();
      const failure = failureOf(view, model);
      if (failure) {
        view.remove();
        return explain(s.element, failure);
      }
      s.element.textContent = '';
      s.view = view;
      await bridge.display_view(view, s.element);
    } catch (e) {
      if (current()) explain(s.element, `This widget (${String(model.get('_view_module'))} ${String(model.get('_view_name'))}) could not be shown: ${String((e as Error)?.message ?? e)}.`);
    }
  };

  // An output drawn before its model was known gets it now: after a window reload the kernel's models
  // come once the extension is back on the kernel, and a busy kernel describes them after its cell.
  bridge.onModel = (modelId) => {
    for (const s of shown.values()) if (s.modelId === modelId && !s.view) void draw(s);
  };
  bridge.onReplayed = () => {
    for (const s of shown.values()) if (!s.view) void draw(s);
  };

  return {
    async renderOutputItem(item: OutputItem, element: HTMLElement) {
      const { model_id: modelId } = item.json() as { model_id?: string };
      forget(item.id);
      if (!modelId) return explain(element, 'This widget output names no model.');
      const s: Shown = { id: item.id, modelId, element, generation: 0 };
      shown.set(item.id, s);
      await draw(s);
    },
    disposeOutputItem(id?: string) {
      for (const key of [...shown.keys()]) if (!id || key === id) forget(key);
    },
  };
};
