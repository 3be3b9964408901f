// Messages between the widget renderer (in VS Code's output webview) and the extension host, over
// VS Code's renderer messaging. Plain JSON both ways: binary buffers travel as base64.

/** A comm message in the kernel's shape, buffers base64-encoded. */
export type WireComm =
  | { kind: 'open'; commId: string; targetName: string; data: Record<string, unknown>; metadata: Record<string, unknown>; buffers: string[] }
  | { kind: 'msg'; commId: string; data: Record<string, unknown>; buffers: string[] }
  | { kind: 'close'; commId: string; data: Record<string, unknown> };

/** Renderer → extension. */
export type FromRenderer =
  /**
   * The renderer started (first widget output of this webview, or after VS Code reloaded it): send every
   * live model. Said again each second until the extension answers (`heard`): right after a window
   * reload the extension host may not be listening yet, and a message then is lost.
   */
  | { type: 'ready' }
  /** A comm message to the kernel; `requestId` comes back in `settled` once the kernel is idle after it. */
  | { type: 'send'; requestId: string; commId: string; data: Record<string, unknown>; buffers: string[] };

/** Extension → renderer. */
export type ToRenderer =
  /** The extension got `ready` (the models follow, perhaps a while later: see `replayed`). */
  | { type: 'heard' }
  | { type: 'comm'; message: WireComm }
  /**
   * Every model has been sent (after `ready`): live ones (`known`: the notebook runs on a kernel of ours),
   * or those saved in the notebook (`known` false: no kernel of ours runs it, none is coming).
   * It can come a while after `ready`: the extension first goes back to the kernel the notebook ran on
   * before a window reload, if one is remembered, and asks a kernel whose models it does not know for
   * them (a busy kernel answers after its cell). Until it comes the renderer shows that it waits for the
   * kernel. It comes again when a kernel starts for the notebook later. A model's `open` can come at any
   * time, before or after `replayed`: the renderer draws each output whose model it had not yet then.
   */
  | { type: 'replayed'; known: boolean }
  /** The kernel went idle after the renderer's message (what ipywidgets waits for before sending the next). */
  | { type: 'settled'; requestId: string };

export const WIDGET_RENDERER_ID = 'jupyter-remote-widgets';

/**
 * Our own name for a widget view, given as the first item of a widget output beside the standard
 * `application/vnd.jupyter.widget-view+json` when Microsoft's Jupyter extension is installed: VS Code
 * ranks that extension's renderers first for .ipynb notebooks, and only ours renders this one.
 */
export const OWN_WIDGET_VIEW_MIME = 'application/vnd.jupyter-remote.widget-view+json';
