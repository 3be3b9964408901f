import * as vscode from 'vscode';
import type { KernelSpec } from '../../core/api';

/** The context key listing, as `notebookKernel` values, our controllers whose kernel type says it has no debugger (menus hide Debug Cell for them). */
export const CONTROLLERS_WITHOUT_DEBUGGER = 'jupyterRemote.controllersWithoutDebugger';

/**
 * Whether a kernel type says it has no debugger: its kernelspec's `metadata.debugger` is not true (ipykernel ≥ 6
 * writes it; ipykernel 7 also lists `debugger` in kernel_info, known only once the kernel runs). A running
 * kernel whose type is unknown is not said to lack one: Debug Cell then asks the kernel, and says why if it cannot.
 */
export function saysNoDebugger(spec: KernelSpec | undefined): boolean {
  return spec !== undefined && spec.metadata?.debugger !== true;
}

/** Keeps CONTROLLERS_WITHOUT_DEBUGGER current as each server's controllers come and go. */
export class DebuggerMarks {
  /** Controller id → its server's id, for the controllers without a debugger. */
  private readonly without = new Map<string, string>();

  /** `extensionId`: a notebook's `notebookKernel` context value is `<extension id>/<controller id>`. */
  constructor(private readonly extensionId: string) {}

  /** One server's controllers now, by id, with their kernel types. */
  mark(serverId: string, controllers: ReadonlyMap<string, { spec?: KernelSpec }>): void {
    const before = [...this.without.keys()].join('\n');
    for (const [id, server] of [...this.without]) if (server === serverId && !controllers.has(id)) this.without.delete(id);
    for (const [id, { spec }] of controllers) {
      if (saysNoDebugger(spec)) this.without.set(id, serverId);
      else this.without.delete(id);
    }
    if ([...this.without.keys()].join('\n') === before) return;
    void vscode.commands.executeCommand('setContext', CONTROLLERS_WITHOUT_DEBUGGER, [...this.without.keys()].map((id) => `${this.extensionId}/${id}`));
  }
}
