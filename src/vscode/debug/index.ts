import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { debuggerSupport } from '../../core/debug';
import { JupyterError } from '../../core/http';
import type { KernelConnection } from '../../core/kernel';
import { NOTEBOOK_TYPE, registerGuarded, type ErrorSink } from '../shared';
import { DebugMode, DebugTarget, KernelDebugAdapter } from './kernel-debug-adapter';

export type { DebugTarget } from './kernel-debug-adapter';

/** The debug type contributed in package.json: sessions of a cell on a Jupyter Remote kernel. */
export const DEBUG_TYPE = 'jupyter-remote';
/** True while a Run by Line session runs: the cell toolbar offers its next step and its end. */
const RUN_BY_LINE_KEY = 'jupyterRemote.runByLineInProgress';

export interface DebugDeps extends ErrorSink {
  /** The notebook's kernel (started if it has none yet), when the notebook runs on one of ours. */
  kernelToDebug: (notebook: vscode.NotebookDocument) => Promise<DebugTarget>;
}

/** What a started session was asked to do, found again by the adapter factory. */
interface Pending {
  notebook: vscode.NotebookDocument;
  cell: vscode.NotebookCell;
  mode: DebugMode;
  target: DebugTarget;
}

/**
 * The debug feature: Debug Cell and Run by Line for notebooks on our kernels. The debug adapter runs
 * in the extension (no port, no tunnel): it speaks the Jupyter debug protocol over the kernel
 * connection, and maps cells and server files both ways (see KernelDebugAdapter).
 */
export function registerDebug(context: vscode.ExtensionContext, deps: DebugDeps): void {
  const pending = new Map<string, Pending>();
  /** One debug session per notebook, while it runs. */
  const active = new Map<vscode.NotebookDocument, { session: vscode.DebugSession; mode: DebugMode }>();
  const runningByLine = () => [...active.values()].filter((a) => a.mode === 'runByLine');
  /** Notebooks whose session is being started (between the click and VS Code's adapter). */
  const starting = new Set<vscode.NotebookDocument>();
  /** Kernel connections known to debug (a "no" is asked again next time: it may have been a timeout). */
  const debuggable = new WeakSet<KernelConnection>();

  const cellOf = (arg: unknown): vscode.NotebookCell => {
    if (isCell(arg)) return arg;
    const editor = vscode.window.activeNotebookEditor;
    const cell = editor && editor.notebook.notebookType === NOTEBOOK_TYPE ? editor.notebook.cellAt(editor.selection.start) : undefined;
    if (!cell) throw new JupyterError('Select a code cell of a notebook that runs on a remote kernel first.');
    return cell;
  };

  const start = async (arg: unknown, mode: DebugMode): Promise<void> => {
    const cell = cellOf(arg);
    const notebook = cell.notebook;
    if (cell.kind !== vscode.NotebookCellKind.Code) throw new JupyterError('Only a code cell can be debugged.');
    if (active.has(notebook) || starting.has(notebook)) throw new JupyterError('This notebook is being debugged already: stop that session first.');
    starting.add(notebook);
    try {
      await startSession(notebook, cell, mode);
    } finally {
      starting.delete(notebook);
    }
  };

  const startSession = async (notebook: vscode.NotebookDocument, cell: vscode.NotebookCell, mode: DebugMode): Promise<void> => {
    const target = await deps.kernelToDebug(notebook);
    const connection = target.kernel.connection;
    if (!debuggable.has(connection)) {
      const support = await debuggerSupport(connection);
      if (!support.supported) throw new JupyterError(support.reason ?? 'This kernel does not offer a debugger.');
      debuggable.add(connection);
    }
    const key = randomUUID();
    pending.set(key, { notebook, cell, mode, target });
    const name = `${mode === 'runByLine' ? 'Run by Line' : 'Debug'}: Cell ${cell.index + 1}`;
    const ok = await vscode.debug.startDebugging(
      undefined,
      { type: DEBUG_TYPE, request: 'attach', name, __jupyterRemote: key },
      // Run by Line steps from the cell's own toolbar, with the line shown in the cell.
      { suppressSaveBeforeStart: true, suppressDebugToolbar: mode === 'runByLine', suppressDebugView: mode === 'runByLine' },
    );
    pending.delete(key);
    if (!ok) {
      // A session that failed to start may never say it terminated.
      active.delete(notebook);
      updateRunByLine();
      throw new JupyterError('VS Code did not start the debug session.');
    }
  };

  /** Sends a step of Run by Line to the session of the cell's notebook (the cell toolbar's button gives the cell), else of the notebook in front. */
  const step = async (command: 'next' | 'continue', arg: unknown): Promise<void> => {
    const notebook = isCell(arg) ? arg.notebook : vscode.window.activeNotebookEditor?.notebook;
    const running = notebook && active.get(notebook);
    if (running?.mode !== 'runByLine') throw new JupyterError('No cell of this notebook is being run line by line.');
    // The kernel runs cells on its main thread: debugpy's thread 1 on both stacks.
    await running.session.customRequest(command, { threadId: 1 });
  };

  const updateRunByLine = () => void vscode.commands.executeCommand('setContext', RUN_BY_LINE_KEY, runningByLine().length > 0);

  context.subscriptions.push(
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, {
      createDebugAdapterDescriptor(session) {
        const asked = pending.get(String(session.configuration.__jupyterRemote));
        if (!asked) throw new Error('Start a Jupyter Remote debug session from a cell: Debug Cell or Run by Line.');
        active.set(asked.notebook, { session, mode: asked.mode });
        updateRunByLine();
        return new vscode.DebugAdapterInlineImplementation(new KernelDebugAdapter(asked.notebook, asked.cell, asked.mode, asked.target, deps.log));
      },
    }),
    vscode.debug.onDidTerminateDebugSession((session) => {
      for (const [notebook, a] of active) if (a.session.id === session.id) active.delete(notebook);
      updateRunByLine();
    }),
    registerGuarded(deps, 'jupyterRemote.debugCell', 'Could not debug the cell', (cell?: unknown) => start(cell, 'debug')),
    registerGuarded(deps, 'jupyterRemote.runByLine', 'Could not run the cell by line', (cell?: unknown) => start(cell, 'runByLine')),
    registerGuarded(deps, 'jupyterRemote.runByLineNext', 'Could not run the next line', (cell?: unknown) => step('next', cell)),
    registerGuarded(deps, 'jupyterRemote.runByLineStop', 'Could not run the rest of the cell', (cell?: unknown) => step('continue', cell)),
  );
}

/** A notebook cell, as a cell menu passes it to a command. */
function isCell(arg: unknown): arg is vscode.NotebookCell {
  return !!arg && typeof arg === 'object' && 'notebook' in arg && 'document' in arg;
}
