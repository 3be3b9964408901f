import * as vscode from 'vscode';
import type { Logger } from '../../core/util/logger';
import { CommMessage, WIDGET_STATE_MIME, WidgetModels, modelsOfDocument, openMessages } from '../../core/widgets';
import { FromRenderer, ToRenderer, WIDGET_RENDERER_ID, WireComm } from '../../renderer/protocol';

/** The ipynb metadata's saved widget state (`metadata.widgets[WIDGET_STATE_MIME]`), if any. */
const savedState = (notebook: vscode.NotebookDocument): unknown =>
  ((notebook.metadata.metadata as Record<string, unknown> | undefined)?.widgets as Record<string, unknown> | undefined)?.[WIDGET_STATE_MIME];

const toWire = (m: CommMessage): WireComm =>
  m.kind === 'close' ? m : { ...m, buffers: m.buffers.map((b) => b.toString('base64')) };

/**
 * Carries ipywidgets' comm traffic between the widget renderer of each notebook editor and the kernel
 * of that notebook (its WidgetModels), and, where `jupyterRemote.widgets.saveState` is on, saves the
 * widgets' state in the notebook's metadata. A renderer says `ready` when it starts (its first widget
 * output, or after VS Code reloaded the outputs webview) and gets every live model, then each change
 * as it happens.
 */
export class WidgetBridge implements vscode.Disposable {
  private readonly messaging = vscode.notebooks.createRendererMessaging(WIDGET_RENDERER_ID);
  /** Editors whose renderer is running, and the kernel's models each was given (undefined: saved state only). */
  private readonly ready = new Map<vscode.NotebookEditor, WidgetModels | undefined>();
  /** The editors whose renderer is running, per notebook's models. */
  private readonly listening = new Map<WidgetModels, { editors: Set<vscode.NotebookEditor>; subscriptions: vscode.Disposable[] }>();
  /** The models we asked their kernel about (ipywidgets 8's control comm), once each. */
  private readonly asked = new WeakSet<WidgetModels>();
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
  ) {
    this.disposables.push(
      onKernelChange((notebook) => this.kernelChanged(notebook)),
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
      this.attach(editor, widgets);
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
   * Gives a running renderer every model: live ones from the kernel, and from then on each change; or,
   * without a kernel of ours, the state saved in the notebook (its last view).
   */
  private attach(editor: vscode.NotebookEditor, widgets: WidgetModels | undefined): void {
    this.ready.set(editor, widgets);
    const replay = widgets ? widgets.replay() : openMessages(modelsOfDocument(savedState(editor.notebook)));
    this.log.debug(`Widget renderer in ${editor.notebook.uri.path}: ${replay.length} model(s) ${widgets ? 'from the kernel' : 'saved in the notebook'}`);
    if (widgets) this.listen(widgets, editor);
    for (const m of replay) this.post(editor, { type: 'comm', message: toWire(m) });
    this.post(editor, { type: 'replayed', known: !!widgets });
    if (widgets && !widgets.size) this.askKernel(widgets);
  }

  /**
   * A kernel we know no widget of may have made some before we listened: after a window reload we go
   * back to the same kernel with new, empty models. Ask it (ipywidgets 8's control comm, as JupyterLab
   * does on connecting) and give the renderers what it describes, so its widgets show live without the
   * state being saved in the notebook. In the background: a busy kernel answers after its cell, and the
   * renderer is not kept waiting for that. A kernel without ipywidgets 8 closes the comm: nothing to do.
   */
  private askKernel(widgets: WidgetModels): void {
    if (this.asked.has(widgets)) return;
    this.asked.add(widgets);
    widgets.requestStates().then(
      (count) => {
        this.log.debug(`Widgets: the kernel described ${count} live model(s)`);
        const editors = this.listening.get(widgets)?.editors;
        if (!count || !editors) return;
        // A renderer skips a model it already has (one opened by the kernel meanwhile).
        const replay = widgets.replay().map(toWire);
        for (const editor of editors) for (const message of replay) this.post(editor, { type: 'comm', message });
      },
      (e: unknown) => this.log.debug(`Widgets: no live models from the kernel: ${(e as Error).message}`),
    );
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
