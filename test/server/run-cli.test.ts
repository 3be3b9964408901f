import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { RunningJupyter, startJupyter } from './fixtures/jupyter';
import { stack } from './fixtures/stack';
import { DISPLAY_UPDATED_BY_LATER_CELLS } from '../support/notebooks';

const execFileAsync = promisify(execFile);
const cli = path.resolve('dist/cli.js');
const demo = path.resolve('examples/demo.ipynb');

/** Runs the CLI with stdin as a pipe (as in CI and scripts): it must still exit by itself. */
function run(args: string[], env: Record<string, string> = {}, timeoutMs = 90000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, 'run', ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function notebook(cells: string[]): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'jr-nb-')), 'nb.ipynb');
  writeFileSync(file, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: cells.map((source) => ({ cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null })) }));
  return file;
}

describe('jupyter-remote run', function () {
  this.timeout(180000);
  let server: RunningJupyter;
  let url: string;
  before(async () => {
    server = await startJupyter({ flavor: 'server' });
    url = `${server.url}?token=${server.token}`;
  });
  after(async () => {
    await server?.stop();
  });

  it('runs the demo: stream, display update, clear_output, rich output, error → exit 1, valid nbformat written', async () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'jr-out-')), 'out.ipynb');
    const r = await run([demo, '--url', url, '--out', out]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /line 0\nline 1\nline 2\n/);
    assert.match(r.stdout, /'step 3 of 3'/);
    assert.match(r.stdout, /5050/);
    assert.match(r.stdout, /ZeroDivisionError/);
    assert.match(r.stderr, /to stderr/);
    assert.match(r.stderr, /cell \d+ failed \(\d+ run, .*\); use --allow-errors/);
    assert.ok(!r.stdout.includes(server.token) && !r.stderr.includes(server.token));
    const nb = JSON.parse(readFileSync(out, 'utf8'));
    const code = nb.cells.filter((c: { cell_type: string }) => c.cell_type === 'code');
    assert.deepEqual(code.map((c: { execution_count: number }) => c.execution_count), [1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(code[2].outputs, [{ output_type: 'display_data', data: { 'text/plain': ["'step 3 of 3'"] }, metadata: {} }]);
    assert.deepEqual(code[3].outputs, [{ output_type: 'stream', name: 'stdout', text: ['progress 100%\n'] }]);
    assert.ok(code[4].outputs[0].data['text/html'].join('').includes('<table>'));
    assert.equal(nb.metadata.language_info.name, 'python');
    // Jupyter's own validator agrees
    await execFileAsync(stack.python, ['-c', 'import nbformat,sys; nbformat.validate(nbformat.read(sys.argv[1], 4))', out]);
  });

  it('a display updated by later cells is written in its final state, in the cell that shows it (as nbclient writes it)', async () => {
    const nb = notebook(DISPLAY_UPDATED_BY_LATER_CELLS);
    const out = path.join(path.dirname(nb), 'out.ipynb');
    const r = await run([nb, '--url', url, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const cells = JSON.parse(readFileSync(out, 'utf8')).cells as { outputs: { output_type: string; data?: Record<string, string[]> }[] }[];
    assert.equal(cells[2].outputs.length, 1);
    assert.equal(cells[2].outputs[0].data?.['text/html'].join(''), '<b>v3</b>');
    assert.deepEqual([cells[4].outputs, cells[6].outputs], [[], []], 'an update is no output of the cell that sends it');
  });

  it('--allow-errors runs every cell and exits 0; a failing cell stops the rest without it', async () => {
    const nb = notebook(['print("a")', 'raise ValueError("boom")', 'print("after")']);
    const stopped = await run([nb, '--url', url]);
    assert.equal(stopped.code, 1);
    assert.ok(!stopped.stdout.includes('after'));
    assert.match(stopped.stderr, /jupyter-remote: cell 2 failed \(2 run, 1 cell after it not run\); use --allow-errors to run the rest anyway/);
    const all = await run([nb, '--url', url, '--allow-errors']);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /a\n[\s\S]*ValueError: boom[\s\S]*after\n/);
  });

  it('--timeout interrupts a cell that runs too long', async () => {
    const nb = notebook(['import time\ntime.sleep(60)', 'print("not reached")']);
    const started = Date.now();
    const r = await run([nb, '--url', url, '--timeout', '2']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ran longer than 2 s; interrupting it/);
    assert.match(r.stdout, /KeyboardInterrupt/);
    assert.ok(Date.now() - started < 30000);
  });

  it('Ctrl-C interrupts the kernel, then shuts it down', async () => {
    const nb = notebook(['import time\nprint("started", flush=True)\ntime.sleep(60)']);
    const child = spawn(process.execPath, [cli, 'run', nb, '--url', url], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    await new Promise<void>((resolve) => child.stdout.on('data', (d) => {
      stdout += d;
      if (stdout.includes('started')) resolve();
    }));
    child.kill('SIGINT');
    assert.equal(await exited, 130);
    assert.match(stderr, /interrupting the kernel/);
    const kernels = await fetch(`${server.url}api/kernels`, { headers: { Authorization: `token ${server.token}` } }).then((r) => r.json());
    assert.deepEqual(kernels, [], 'the kernel was shut down');
  });

  it('--kernel-id runs on a running kernel (its variables are there) and leaves it running; check lists the kernels', async () => {
    const auth = { Authorization: `token ${server.token}` };
    const kernel = (await fetch(`${server.url}api/kernels`, { method: 'POST', headers: auth, body: '{}' }).then((r) => r.json())) as { id: string };
    try {
      const checked = JSON.parse((await execFileAsync(process.execPath, [cli, 'check', url])).stdout) as { kernels: { id: string; name: string }[] };
      assert.ok(checked.kernels.some((k) => k.id === kernel.id && k.name === 'python3'), `check lists the running kernel: ${JSON.stringify(checked.kernels)}`);
      const setup = await run([notebook(['secret_sauce = 6 * 7']), '--url', url, '--kernel-id', kernel.id]);
      assert.equal(setup.code, 0, setup.stderr);
      const r = await run([notebook(['print("found", secret_sauce)']), '--url', url, '--kernel-id', kernel.id]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /found 42/);
      const kernels = (await fetch(`${server.url}api/kernels`, { headers: auth }).then((res) => res.json())) as { id: string }[];
      assert.ok(kernels.some((k) => k.id === kernel.id), 'still running: not ours to shut down');
      const gone = await run([notebook(['1']), '--url', url, '--kernel-id', 'not-a-kernel']);
      assert.equal(gone.code, 1);
      assert.match(gone.stderr, /The server has no kernel not-a-kernel \(.*\); `jupyter-remote check` lists the running kernels/);
      assert.equal(gone.stderr.trim().split('\n').length, 1, gone.stderr);
    } finally {
      await fetch(`${server.url}api/kernels/${kernel.id}`, { method: 'DELETE', headers: auth });
    }
  });

  it('bad input: missing notebook, not a notebook, unknown kernel — one sentence each', async () => {
    const notJson = path.join(mkdtempSync(path.join(os.tmpdir(), 'jr-bad-')), 'x.ipynb');
    writeFileSync(notJson, '{"cells": 3');
    const cases: [string[], RegExp][] = [
      [['/nonexistent.ipynb', '--url', url], /Cannot read \/nonexistent\.ipynb: no such file/],
      [[notJson, '--url', url], /not valid JSON/],
      [[demo, '--url', url, '--kernel', 'cobol'], /The server has no kernel "cobol"; it has: python3/],
      [[demo], /Usage: jupyter-remote run/],
    ];
    for (const [args, reason] of cases) {
      const r = await run(args);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, reason);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });
});
