import * as vscode from 'vscode';
import type { Event } from '../../core/util/events';
import type { Logger } from '../../core/util/logger';
import type { WidgetModels } from '../../core/widgets';
import { WidgetBridge } from './widget-bridge';

export type { WidgetBridge } from './widget-bridge';

export interface WidgetsDeps {
  log: Logger;
  /** The widget models of the kernel a notebook runs on with Jupyter Remote, if any. */
  widgetsOf: (notebook: vscode.NotebookDocument) => WidgetModels | undefined;
  /** Fires for a notebook whose kernel started, stopped or changed state. */
  onDidChangeKernelStatus: Event<vscode.NotebookDocument>;
  /** Goes back to the kernel a notebook ran on before a window reload, if one is remembered (never starts one); false when there is none. */
  reattachIfRemembered: (notebook: vscode.NotebookDocument) => Promise<boolean>;
}

/** The widgets feature: the bridge between each notebook editor's widget renderer (src/renderer/) and its kernel's widget models. */
export function registerWidgets(context: vscode.ExtensionContext, deps: WidgetsDeps): WidgetBridge {
  // Read at each save, per notebook (a resource setting: a workspace folder can turn it on for its notebooks).
  const saveState = (notebook: vscode.NotebookDocument) => vscode.workspace.getConfiguration('jupyterRemote', notebook.uri).get<boolean>('widgets.saveState', false);
  const bridge = new WidgetBridge(deps.widgetsOf, deps.onDidChangeKernelStatus, deps.log, saveState, deps.reattachIfRemembered);
  context.subscriptions.push(bridge);
  return bridge;
}
