import type * as vscode from 'vscode';
import type { KernelStatus } from '../../core/kernel';
import type { Event } from '../../core/util/events';

/**
 * What the servers feature needs to know of notebooks' kernels, to show the server a notebook runs on
 * and its kernel's state: a narrow view that the notebooks feature's controllers provide, so that
 * servers/ never imports notebooks/ (which depends on servers/).
 */
export interface NotebookKernels {
  /** The state of the kernel a notebook runs on, if it has one of ours. */
  statusOf(notebook: vscode.NotebookDocument): KernelStatus | undefined;
  /** The id of the server a notebook's kernel runs on. */
  serverOf(notebook: vscode.NotebookDocument): string | undefined;
  /** The folder on the server its kernel runs in, once started. */
  kernelFolderOf(notebook: vscode.NotebookDocument): string | undefined;
  readonly onDidChangeKernelStatus: Event<vscode.NotebookDocument>;
}

/** Before the notebooks feature is registered: no notebook has a kernel. */
export const NO_NOTEBOOK_KERNELS: NotebookKernels = {
  statusOf: () => undefined,
  serverOf: () => undefined,
  kernelFolderOf: () => undefined,
  onDidChangeKernelStatus: () => ({ dispose() {} }),
};
