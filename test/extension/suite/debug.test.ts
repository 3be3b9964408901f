// Debugging cells on the remote kernel (Debian's ipykernel 6.17 with debugpy 1.6): Debug Cell with a
// breakpoint, stepping into another cell, Run by Line, and an interrupt that ends a session.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, EXTENSION_ID, runCells, sleep, stdoutOf, until, uri, workspace, writeNotebook } from './shared';

interface Frame {
  id: number;
  line: number;
  source?: { path?: string };
}

/** The top frame once the kernel's thread stops where `path` says (asked until it does; a running thread has no stack). */
async function stoppedIn(session: vscode.DebugSession, what: string, where: (top: Frame) => boolean): Promise<Frame> {
  let last: Frame | undefined;
  return until(what, async () => {
    const trace = (await session.customRequest('stackTrace', { threadId: 1 }).then(
      (r: { stackFrames: Frame[] }) => r,
      () => undefined,
    )) as { stackFrames: Frame[] } | undefined;
    last = trace?.stackFrames[0] ?? last;
    return last && where(last) ? last : undefined;
  }).catch((e: Error) => {
    throw new Error(`${e.message} (the top frame last seen: ${JSON.stringify(last)})`);
  });
}

/** An expression's value in a frame, as the Watch view shows it. */
async function valueOf(session: vscode.DebugSession, expression: string, frameId: number): Promise<string> {
  const answer = (await session.customRequest('evaluate', { expression, frameId, context: 'watch' })) as { result: string };
  return answer.result;
}

/** Ends whatever debug session a failed test left, so the next starts clean. */
async function noSessionLeft(): Promise<void> {
  vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
  if (vscode.debug.activeDebugSession) await vscode.debug.stopDebugging();
}

async function ended(what: string): Promise<void> {
  await until(what, () => vscode.debug.activeDebugSession === undefined, 30000);
}

/** On the server connected by serverConnectTests. */
export function debugTests(): void {
  let opened: vscode.NotebookDocument | undefined;
  /** The notebook the debug tests share, opened on the first server's kernel with its first cell run (once; the suite's hooks are its own). */
  const debugNotebook = async (): Promise<vscode.NotebookDocument> => {
    if (opened) return opened;
    const uri = writeNotebook(path.join(workspace, 'debugging.ipynb'), [
      'def double(x):\n    y = x * 2\n    return y',
      'total = 0\nfor i in range(3):\n    total += double(i)\nprint("total", total)',
      '# three lines, run one by one\na = 1\nb = a + 1\nc = b * 10\nprint(a, b, c)',
      'import time\nfor k in range(100):\n    time.sleep(0.05)\nprint("after", k)',
    ]);
    opened = await vscode.workspace.openNotebookDocument(uri);
    await vscode.window.showNotebookDocument(opened);
    const [record] = api.store.list();
    await vscode.commands.executeCommand('notebook.selectKernel', { id: `jupyterRemote.${record.id}.spec.python3`, extension: EXTENSION_ID });
    await runCells(opened, 0, 1);
    return opened;
  };

  it('Debug Cell stops at a breakpoint in the cell, shows its variables, steps into another cell, and the cell ends with its output', async () => {
    await noSessionLeft();
    const notebook = await debugNotebook();
    const cell = notebook.cellAt(1);
    const breakpoint = new vscode.SourceBreakpoint(new vscode.Location(cell.document.uri, new vscode.Position(2, 0)));
    vscode.debug.addBreakpoints([breakpoint]);
    const started = Date.now();
    await vscode.commands.executeCommand('jupyterRemote.debugCell', cell);
    const session = await until('a debug session', () => vscode.debug.activeDebugSession);
    assert.equal(session.type, 'jupyter-remote');
    const top = await stoppedIn(session, 'the stop at the breakpoint', (f) => f.line === 3);
    console.log(`Debug Cell → stopped at the breakpoint: ${Date.now() - started} ms`);
    assert.equal(top.source?.path, cell.document.uri.toString(), "the frame is the cell's, as VS Code opens it");
    assert.equal(await valueOf(session, 'i', top.id), '0');

    // Removed now, so that VS Code has told the adapter by the time the test continues (it sends the
    // change beside the next request, not before it).
    vscode.debug.removeBreakpoints([breakpoint]);
    await session.customRequest('stepIn', { threadId: 1 });
    const inner = await stoppedIn(session, 'the step into double(), defined in the first cell', (f) => f.source?.path === notebook.cellAt(0).document.uri.toString());
    assert.equal(inner.line, 2);
    assert.equal(await valueOf(session, 'x', inner.id), '0');

    await session.customRequest('continue', { threadId: 1 });
    await ended('the session to end with the cell');
    await until("the cell's output", () => stdoutOf(cell) === 'total 6\n');
    assert.equal(cell.executionSummary?.success, true);
  });

  it('Run by Line runs one line of the cell per step, then the rest', async () => {
    await noSessionLeft();
    const notebook = await debugNotebook();
    const cell = notebook.cellAt(2);
    await vscode.commands.executeCommand('jupyterRemote.runByLine', cell);
    const session = await until('a Run by Line session', () => vscode.debug.activeDebugSession);
    // Its first line is a comment: the first stop is on the first line of code.
    let top = await stoppedIn(session, 'the stop on the first line of code', (f) => f.line === 2);
    assert.equal(top.source?.path, cell.document.uri.toString());
    await vscode.commands.executeCommand('jupyterRemote.runByLineNext');
    top = await stoppedIn(session, 'line 3', (f) => f.line === 3);
    assert.equal(await valueOf(session, 'a', top.id), '1', "the first line's effect is visible");
    await vscode.commands.executeCommand('jupyterRemote.runByLineNext');
    top = await stoppedIn(session, 'line 4', (f) => f.line === 4);
    assert.equal(await valueOf(session, 'b', top.id), '2');
    await vscode.commands.executeCommand('jupyterRemote.runByLineStop');
    await ended('the Run by Line session to end with the cell');
    await until("the cell's output", () => stdoutOf(cell) === '1 2 20\n');
  });

  it('an interrupt during a debug session ends it, and the kernel runs cells after', async () => {
    await noSessionLeft();
    const notebook = await debugNotebook();
    const cell = notebook.cellAt(3);
    const breakpoint = new vscode.SourceBreakpoint(new vscode.Location(cell.document.uri, new vscode.Position(2, 0)));
    vscode.debug.addBreakpoints([breakpoint]);
    await vscode.commands.executeCommand('jupyterRemote.debugCell', cell);
    const session = await until('a debug session', () => vscode.debug.activeDebugSession);
    await stoppedIn(session, 'the stop in the loop', (f) => f.line === 3);
    vscode.debug.removeBreakpoints([breakpoint]);
    await vscode.commands.executeCommand('jupyterRemote.interruptKernel');
    await ended('the session to end on the interrupt');
    await until('the cell to end', () => cell.executionSummary?.timing?.endTime);
    await sleep(200);
    await runCells(notebook, 2, 3);
    assert.equal(stdoutOf(notebook.cellAt(2)), '1 2 20\n', 'the kernel runs cells after the interrupt');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it("a breakpoint in a .py file of the server's folder is hit when a cell calls into it, and the frame opens that file on the server", async () => {
    await noSessionLeft();
    const fsx = vscode.workspace.fs;
    await fsx.createDirectory(uri('dbg'));
    await fsx.writeFile(uri('dbg/helper.py'), Buffer.from('def triple(x):\n    y = x * 3\n    return y\n'));
    const nb = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'code', id: 'h0', metadata: {}, execution_count: null, outputs: [], source: 'import helper\nprint(helper.triple(4))' }] };
    await fsx.writeFile(uri('dbg/uses-helper.ipynb'), Buffer.from(JSON.stringify(nb)));
    const notebook = await vscode.workspace.openNotebookDocument(uri('dbg/uses-helper.ipynb'));
    await vscode.window.showNotebookDocument(notebook);
    const [record] = api.store.list();
    await vscode.commands.executeCommand('notebook.selectKernel', { id: `jupyterRemote.${record.id}.spec.python3`, extension: EXTENSION_ID });
    const helper = uri('dbg/helper.py');
    vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(helper, new vscode.Position(1, 0)))]);
    await vscode.commands.executeCommand('jupyterRemote.debugCell', notebook.cellAt(0));
    const session = await until('a debug session', () => vscode.debug.activeDebugSession);
    const top = await stoppedIn(session, 'the stop in helper.py', (f) => f.line === 2);
    assert.equal(top.source?.path, helper.toString(), 'the frame is the server file, as VS Code opens it');
    assert.equal(await valueOf(session, 'x', top.id), '4');
    await session.customRequest('continue', { threadId: 1 }); // triple() is called once: nothing stops it again
    await ended('the session to end with the cell');
    await until("the cell's output", () => stdoutOf(notebook.cellAt(0)) === '12\n');
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
}
