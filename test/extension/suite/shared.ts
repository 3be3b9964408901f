// What the extension-host tests share: the servers the runner started (JR_TEST_SERVERS), the extension's API
// once activated, and helpers that run commands and cells and read what they printed.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { activate } from '../../../src/extension';

export type Api = NonNullable<ReturnType<typeof activate>>;
interface TestServer {
  url: string;
  token: string;
  flavor: string;
}
export const servers = JSON.parse(process.env.JR_TEST_SERVERS ?? '{}') as Record<string, TestServer>;
export const EXTENSION_ID = 'jupyter-remote.jupyter-remote';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Runs a command that asks questions in input boxes, accepting each box's default answer. */
export async function runAccepting(command: string, ...args: unknown[]): Promise<void> {
  let settled = false;
  const run = Promise.resolve(vscode.commands.executeCommand(command, ...args)).finally(() => (settled = true));
  while (!settled) {
    await sleep(300);
    if (!settled) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  }
  await run;
}

export function stdoutOf(cell: vscode.NotebookCell): string {
  return cell.outputs
    .flatMap((o) => o.items)
    .filter((i) => i.mime === 'application/vnd.code.notebook.stdout')
    .map((i) => Buffer.from(i.data).toString('utf8'))
    .join('');
}

export function mimesOf(cell: vscode.NotebookCell): string[] {
  return cell.outputs.flatMap((o) => o.items.map((i) => i.mime));
}

export async function runCells(notebook: vscode.NotebookDocument, start: number, end: number): Promise<void> {
  const before = new Map(notebook.getCells().map((c) => [c.index, c.executionSummary?.timing?.endTime]));
  await vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start, end }], document: notebook.uri });
  const cells = () => notebook.getCells(new vscode.NotebookRange(start, end));
  await until(`cells ${start}..${end - 1} to finish`, () => cells().every((c) => c.executionSummary?.timing?.endTime && c.executionSummary.timing.endTime !== before.get(c.index)), 60000).catch((e: Error) => {
    throw new Error(`${e.message}: ${JSON.stringify(cells().map((c) => ({ index: c.index, summary: c.executionSummary, outputs: mimesOf(c) })))}`);
  });
}

export function writeNotebook(file: string, sources: string[]): vscode.Uri {
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
    cells: sources.map((s, i) => ({ cell_type: 'code', id: `c${i}`, metadata: {}, execution_count: null, outputs: [], source: s })),
  };
  fs.writeFileSync(file, JSON.stringify(nb));
  return vscode.Uri.file(file);
}

/** The extension's API: set by activation(), the suite's first hook. */
export let api: Api;
export const workspace = vscode.workspace.workspaceFolders![0].uri.fsPath;
/** A path on the first stored server, through the extension's file system. */
export const uri = (p: string) => vscode.Uri.parse(`jupyter-remote://${api.store.list()[0].id}/${p}`);

/** The suite's first hook: the log at trace level, the extension activated and its API kept in `api`. */
export function activation(): void {
  before(async () => {
    // The most verbose level (as Developer: Set Log Level… → Trace would): run.ts then searches the log for secrets.
    await vscode.commands.executeCommand('_extensionTests.setLogLevel', 'trace');
    const ext = vscode.extensions.getExtension<Api>(EXTENSION_ID);
    assert.ok(ext, 'the extension is installed in this VS Code');
    const started = Date.now();
    api = await ext.activate();
    console.log(`activation returned after ${Date.now() - started} ms`);
    assert.ok(api?.store, 'activation succeeded');
  });
}

/** Connects the runner's server of today's stack (JR_TEST_SERVERS.current) and waits until it is checked; its id. */
export async function connectTodaysServer(): Promise<string> {
  const s = servers.current;
  assert.ok(s, "the runner started a server of today's stack (JR_TEST_SERVERS.current)");
  await runAccepting('jupyterRemote.connect', `${s.url}?token=${s.token}`);
  const record = api.store.list().find((r) => r.baseUrl === s.url);
  assert.ok(record, 'the server was saved');
  await until('the server to be checked', () => api.connections.status(record.id).state === 'connected');
  return record.id;
}
