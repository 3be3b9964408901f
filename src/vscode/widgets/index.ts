import type * as vscode from 'vscode';
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
}

/** The widgets feature: the bridge between each notebook editor's widget renderer (src/renderer/) and its kernel's widget models. */
export function registerWidgets(context: vscode.ExtensionContext, deps: WidgetsDeps): WidgetBridge {
  const bridge = new WidgetBridge(deps.widgetsOf, deps.onDidChangeKernelStatus, deps.log);
  context.subscriptions.push(bridge);
  return bridge;
}
