import * as vscode from 'vscode';
import type { Logger } from '../../core/util/logger';
import { CommMessage, WIDGET_STATE_MIME, WidgetModels, modelsOfDocument, openMessages } from '../../core/widgets';
import { FromRenderer, ToRenderer, WIDGET_RENDERER_ID, WireComm } from '../../renderer/protocol';

/** The ipynb metadata's saved widget state (`metadata.widgets[WIDGET_STATE_MIME]`), if any. */
const savedState = (notebook: vscode.NotebookDocument): unknown =>
  ((notebook.metadata.metadata as Record<string, unknown> | undefined)?.widgets as Record<string, unknown> | undefined)?.[WIDGET_STATE_MIME];

/** For how long after the window (re)loads a renderer's "is a kernel coming back?" is asked again, and how often. */
const COME_BACK_WINDOW_MS = 10000;
const COME_BACK_RETRY_MS = 500;

const toWire = (m: CommMessage): WireComm =>
  m.kind === 'close' ? m : { ...m, buffers: m.buffers.map((b) => b.toString('base64')) };

/**
 * Carries ipywidgets' comm traffic between the widget renderer of each notebook editor and the kernel
 * of that notebook (its WidgetModels), and, where `jupyterRemote.widgets.saveState` is on, saves the
 * widgets' state in the notebook's metadata. A renderer says `ready` when it starts (its first widget
 * output, or after VS Code reloaded the outputs webview) and gets every live model, then each change
 * as it happens. After a window reload the notebook's kernel is not ours yet: the bridge goes back to
 * it (if remembered) and asks it for its widgets, so they come back live without saved state.
 */
export class WidgetBridge implements vscode.Disposable {
  private readonly messaging = vscode.notebooks.createRendererMessaging(WIDGET_RENDERER_ID);
  /** Editors whose renderer is running, and the kernel's models each was given (undefined: saved state only). */
  private readonly ready = new Map<vscode.NotebookEditor, WidgetModels | undefined>();
  /** The editors whose renderer is running, per notebook's models. */
  private readonly listening = new Map<WidgetModels, { editors: Set<vscode.NotebookEditor>; subscriptions: vscode.Disposable[] }>();
  /** The models we asked their kernel about (ipywidgets 8's control comm), once each: settles on its answer. */
  private readonly asked = new WeakMap<WidgetModels, Promise<void>>();
  /** Renderers waiting to hear whether a kernel comes back for their notebook (each `ready` its own token). */
  private readonly comingBack = new Map<vscode.NotebookEditor, object>();
  /** When this window's bridge started: right after, our controllers are not there yet (see comeBack). */
  private readonly started = Date.now();
  /** How many times each notebook's kernel changed state: a try to go back to a kernel shows as one. */
  private readonly kernelEvents = new WeakMap<vscode.NotebookDocument, number>();
  /** Messages sent for a renderer, by the kernel message id: which editor and request to settle. */
  private readonly requests = new Map<string, { editor: vscode.NotebookEditor; requestId: string }>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    /** The widget models of the kernel a notebook runs on with Jupyter Remote, if any. */
    private readonly widgetsOf: (notebook: vscode.NotebookDocument) => WidgetModels | undefined,
    /** Fires for a notebook whose kernel started, stopped or changed state. */
    onKernelChange: (listener: (notebook: vscode.NotebookDocument) => void) => { dispose(): void },
    private readonly log: Logger,
    /** Whether a save of this notebook writes its widgets' state (`jupyterRemote.widgets.saveState`). */
    private readonly saveState: (notebook: vscode.NotebookDocument) => boolean,
    /** Goes back to the kernel a notebook ran on before a window reload (never starts one); false when there is none. */
    private readonly reattachIfRemembered: (notebook: vscode.NotebookDocument) => Promise<boolean>,
  ) {
    this.disposables.push(
      onKernelChange((notebook) => {
        this.kernelEvents.set(notebook, (this.kernelEvents.get(notebook) ?? 0) + 1);
        this.kernelChanged(notebook);
      }),
      this.messaging.onDidReceiveMessage(({ editor, message }) => this.receive(editor, message as FromRenderer)),
      vscode.window.onDidChangeVisibleNotebookEditors((visible) => this.forgetHidden(visible)),
      vscode.workspace.onWillSaveNotebookDocument((e) => {
        // Off (the default, as in JupyterLab): the save leaves metadata.widgets as it was, neither
        // writing the live state nor removing a state saved before (by JupyterLab, or with this on).
        if (!this.saveState(e.notebook)) return;
        const edit = this.stateEdit(e.notebook);
        if (!edit) return;
        const workspaceEdit = new vscode.WorkspaceEdit();
        workspaceEdit.set(e.notebook.uri, [edit]);
        e.waitUntil(Promise.resolve(workspaceEdit));
      }),
    );
  }

  dispose(): void {
    for (const entry of this.listening.values()) for (const s of entry.subscriptions) s.dispose();
    this.listening.clear();
    for (const d of this.disposables) d.dispose();
  }

  /** The edit that puts the widgets' state in the notebook's metadata, as JupyterLab saves it (Password values left out). */
  stateEdit(notebook: vscode.NotebookDocument): vscode.NotebookEdit | undefined {
    const widgets = this.widgetsOf(notebook);
    if (!widgets?.size) return undefined;
    const ipynb = (notebook.metadata.metadata ?? {}) as Record<string, unknown>;
    const saved = { ...((ipynb.widgets as Record<string, unknown> | undefined) ?? {}), [WIDGET_STATE_MIME]: widgets.snapshot() };
    return vscode.NotebookEdit.updateNotebookMetadata({ ...notebook.metadata, metadata: { ...ipynb, widgets: saved } });
  }

  private receive(editor: vscode.NotebookEditor, message: FromRenderer): void {
    const widgets = this.widgetsOf(editor.notebook);
    if (message.type === 'ready') {
      // The renderer says it again until it hears back: once heard, a repeat changes nothing while we
      // still look for its kernel; an attached renderer that says it again started anew (gets the replay).
      this.post(editor, { type: 'heard' });
      if (widgets) this.attach(editor, widgets);
      else if (!this.comingBack.has(editor)) void this.comeBack(editor);
    } else if (message.type === 'send') {
      if (!widgets) return;
      try {
        const msgId = widgets.send(message.commId, message.data, message.buffers.map((b) => Buffer.from(b, 'base64')));
        this.requests.set(msgId, { editor, requestId: message.requestId });
      } catch (e) {
        // The kernel connection is closed or reconnecting: the widget stays as the person left it.
        this.log.warn(`A widget's message could not reach the kernel: ${(e as Error).message}`);
      }
    }
  }

  /**
   * Gives a running renderer every live model of the notebook's kernel, and from then on each change.
   * The renderer shows that it waits until `replayed`: for a kernel whose models we do not know yet,
   * that is once the kernel has described them.
   */
  private attach(editor: vscode.NotebookEditor, widgets: WidgetModels): void {
    this.comingBack.delete(editor);
    this.ready.set(editor, widgets);
    this.listen(widgets, editor);
    void this.askKernel(widgets).then(() => {
      if (this.ready.get(editor) !== widgets) return; // hidden, or attached to another kernel meanwhile
      // Changes that came while we waited were passed on; the replay has the state they made, and the
      // renderer skips a model it already has (one the kernel opened meanwhile).
      const replay = widgets.replay();
      this.log.debug(`Widget renderer in ${editor.notebook.uri.path}: ${replay.length} model(s) from the kernel`);
      for (const m of replay) this.post(editor, { type: 'comm', message: toWire(m) });
      this.post(editor, { type: 'replayed', known: true });
    });
  }

  /**
   * A renderer started in a notebook that has no kernel of ours: after a window reload its widget
   * outputs are those of a kernel that still runs on the server. Go back to that kernel, if one is
   * remembered (its start fires kernelChanged, which attaches the renderer to it); failing that, the
   * state saved in the notebook, if any, and `replayed` saying no kernel comes.
   *
   * Right after the window (re)loads, the renderer can say `ready` before our controllers exist (they
   * come once each server has been checked) and VS Code has selected the notebook's again: until then
   * there is nothing to go back to. So for the first seconds of the window a quick "no" is asked
   * again; a "no" after a real try (the kernel's state changed meanwhile: it was gone) is final.
   */
  private async comeBack(editor: vscode.NotebookEditor): Promise<void> {
    const token = {};
    this.comingBack.set(editor, token);
    this.ready.set(editor, undefined);
    const waiting = () => this.comingBack.get(editor) === token;
    for (;;) {
      const events = this.kernelEvents.get(editor.notebook) ?? 0;
      const back = await this.reattachIfRemembered(editor.notebook).catch(() => false);
      if (!waiting()) return; // attached, hidden, or the renderer started again
      if (back) {
        // Started: kernelChanged has attached it, unless that fired before we were told.
        const widgets = this.widgetsOf(editor.notebook);
        if (widgets) return this.attach(editor, widgets);
      }
      const tried = (this.kernelEvents.get(editor.notebook) ?? 0) !== events;
      if (back || tried || Date.now() - this.started > COME_BACK_WINDOW_MS) break;
      await new Promise((resolve) => setTimeout(resolve, COME_BACK_RETRY_MS));
      if (!waiting()) return;
    }
    this.comingBack.delete(editor);
    const replay = openMessages(modelsOfDocument(savedState(editor.notebook)));
    this.log.debug(`Widget renderer in ${editor.notebook.uri.path}: no kernel; ${replay.length} model(s) saved in the notebook`);
    for (const m of replay) this.post(editor, { type: 'comm', message: toWire(m) });
    this.post(editor, { type: 'replayed', known: false });
  }

  /**
   * A kernel we know no widget of may have made some before we listened: after a window reload we go
   * back to the same kernel with new, empty models. Ask it (ipywidgets 8's control comm, as JupyterLab
   * does on connecting), once; settles when it has answered, or not (a kernel without ipywidgets 8
   * closes the comm; a busy one answers after its cell, within requestStates' time limit).
   */
  private askKernel(widgets: WidgetModels): Promise<void> {
    let asked = this.asked.get(widgets);
    if (!asked && widgets.size) return Promise.resolve(); // ours from its first widget on
    if (!asked) {
      asked = widgets.requestStates().then(
        (count) => this.log.debug(`Widgets: the kernel described ${count} live model(s)`),
        (e: unknown) => this.log.debug(`Widgets: no live models from the kernel: ${(e as Error).message}`),
      );
      this.asked.set(widgets, asked);
    }
    return asked;
  }

  /** A kernel started (or another was chosen) for a notebook whose renderer already runs: attach it to the new one. */
  private kernelChanged(notebook: vscode.NotebookDocument): void {
    const widgets = this.widgetsOf(notebook);
    if (!widgets) return;
    for (const [editor, attached] of this.ready) if (editor.notebook === notebook && attached !== widgets) this.attach(editor, widgets);
  }

  private listen(widgets: WidgetModels, editor: vscode.NotebookEditor): void {
    let entry = this.listening.get(widgets);
    if (!entry) {
      const editors = new Set<vscode.NotebookEditor>();
      entry = {
        editors,
        subscriptions: [
          widgets.onMessage((m) => {
            const wire = toWire(m);
            for (const e of editors) this.post(e, { type: 'comm', message: wire });
          }),
          widgets.onSettled((msgId) => {
            const request = this.requests.get(msgId);
            this.requests.delete(msgId);
            if (request) this.post(request.editor, { type: 'settled', requestId: request.requestId });
          }),
        ],
      };
      this.listening.set(widgets, entry);
    }
    entry.editors.add(editor);
  }

  private forgetHidden(visible: readonly vscode.NotebookEditor[]): void {
    for (const editor of this.comingBack.keys()) if (!visible.includes(editor)) this.comingBack.delete(editor);
    for (const editor of this.ready.keys()) if (!visible.includes(editor)) this.ready.delete(editor);
    for (const [widgets, entry] of this.listening) {
      for (const editor of entry.editors) if (!visible.includes(editor)) entry.editors.delete(editor);
      if (!entry.editors.size) {
        this.log.debug('Widget renderer: no editor of a notebook left visible; its messages stop');
        for (const s of entry.subscriptions) s.dispose();
        this.listening.delete(widgets);
      }
    }
  }

  private post(editor: vscode.NotebookEditor, message: ToRenderer): void {
    void this.messaging.postMessage(message, editor);
  }
}
