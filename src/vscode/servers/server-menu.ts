import * as vscode from 'vscode';
import type { ServerRecord } from './server-store';

export interface MenuItem {
  label: string;
  run: () => Promise<unknown>;
}

/** The items a feature adds to the server menu, for the server it shows and the notebook in front. */
export type MenuContribution = (shown: ServerRecord | undefined, notebook: vscode.NotebookDocument | undefined) => MenuItem[];

/**
 * The items other features put in the server menu (the status bar item's menu), in the order of their
 * `order` numbers: the servers feature does not know the kernels, folders or terminals it offers.
 */
export class ServerMenuItems {
  private readonly contributions: { order: number; items: MenuContribution }[] = [];

  add(order: number, items: MenuContribution): vscode.Disposable {
    const entry = { order, items };
    this.contributions.push(entry);
    this.contributions.sort((a, b) => a.order - b.order);
    return new vscode.Disposable(() => {
      const at = this.contributions.indexOf(entry);
      if (at >= 0) this.contributions.splice(at, 1);
    });
  }

  for(shown: ServerRecord | undefined, notebook: vscode.NotebookDocument | undefined): MenuItem[] {
    return this.contributions.flatMap((c) => c.items(shown, notebook));
  }
}
