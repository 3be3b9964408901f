import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { NotebookOutputs } from '../../../src/core/kernel';
import type { NbOutput } from '../../../src/core/kernel';
import { KernelMemory, RememberedKernel } from '../../../src/vscode/notebooks/kernel-memory';

/** The parts of vscode.Memento and vscode.Uri it uses. */
class FakeMemento {
  private readonly values = new Map<string, unknown>();
  get<T>(key: string, fallback: T): T {
    return (this.values.has(key) ? JSON.parse(JSON.stringify(this.values.get(key))) : fallback) as T;
  }
  update(key: string, value: unknown): Promise<void> {
    this.values.set(key, JSON.parse(JSON.stringify(value)));
    return Promise.resolve();
  }
}
const uri = (s: string) => ({ toString: () => s }) as unknown as vscode.Uri;
const unexpected = (problem: string) => assert.fail(`reported: ${problem}`);
const kernel = (id: string, lastSeen = Date.now()): RememberedKernel => ({ serverId: 's1', kernelId: id, specName: 'python3', clientSessionId: 'c', startedByUs: true, startedAt: lastSeen, lastSeen });

describe('kernel memory: which kernel each notebook ran on, across reloads', () => {
  const folder = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'jr-mem-')), 'storage');

  it('remembers, updates, moves with a renamed notebook, forgets', () => {
    const memory = new KernelMemory(new FakeMemento() as unknown as vscode.Memento, folder());
    memory.remember(uri('file:///a.ipynb'), kernel('k1'));
    memory.update(uri('file:///a.ipynb'), { running: { msgId: 'm1', cellIndex: 2, sourceHash: 'h', startTime: 1 } });
    assert.equal(memory.get(uri('file:///a.ipynb'))?.running?.msgId, 'm1');
    memory.update(uri('file:///nothing.ipynb'), { kernelId: 'x' });
    assert.equal(memory.get(uri('file:///nothing.ipynb')), undefined, 'an update makes no entry');
    memory.moved(uri('file:///a.ipynb'), uri('file:///b.ipynb'));
    assert.equal(memory.get(uri('file:///a.ipynb')), undefined);
    assert.equal(memory.get(uri('file:///b.ipynb'))?.kernelId, 'k1');
    memory.forget(uri('file:///b.ipynb'));
    assert.deepEqual(memory.entries(), []);
  });

  it('keeps at most 200 notebooks, forgetting those seen longest ago', () => {
    const memory = new KernelMemory(new FakeMemento() as unknown as vscode.Memento, folder());
    for (let i = 0; i < 205; i++) memory.remember(uri(`file:///${i}.ipynb`), kernel(`k${i}`, 1000 + i));
    const kept = memory.entries().map(([u]) => u);
    assert.equal(kept.length, 200);
    assert.ok(!kept.includes('file:///0.ipynb') && !kept.includes('file:///4.ipynb') && kept.includes('file:///5.ipynb'));
  });

  it("a running cell's outputs: kept whole in a file (no partial file left), taken once, only for the same request", () => {
    const dir = folder();
    const memory = new KernelMemory(new FakeMemento() as unknown as vscode.Memento, dir);
    const outputs = [{ output_type: 'stream' as const, name: 'stdout', text: 'line 0\nline 1\n' }];
    assert.equal(memory.keepOutputs(uri('file:///a.ipynb'), 'm1', outputs, 'k_1_17'), true);
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.partial')), []);
    assert.equal(memory.takeOutputs(uri('file:///a.ipynb'), 'another request', unexpected), undefined);
    assert.equal(memory.keepOutputs(uri('file:///a.ipynb'), 'm1', outputs, 'k_1_17'), true);
    assert.deepEqual(memory.takeOutputs(uri('file:///a.ipynb'), 'm1', unexpected), { outputs, lastMessageId: 'k_1_17' });
    assert.equal(memory.takeOutputs(uri('file:///a.ipynb'), 'm1', unexpected), undefined, 'taken once');
  });

  it('outputs too large to keep, or a folder that cannot be written: false, and nothing half-written', () => {
    const dir = folder();
    const memory = new KernelMemory(new FakeMemento() as unknown as vscode.Memento, dir);
    const huge = [{ output_type: 'stream' as const, name: 'stdout', text: 'x'.repeat(9_000_000) }];
    assert.equal(memory.keepOutputs(uri('file:///a.ipynb'), 'm1', huge, undefined), false);
    const blocked = path.join(mkdtempSync(path.join(os.tmpdir(), 'jr-mem-')), 'a-file');
    writeFileSync(blocked, 'not a folder');
    const unwritable = new KernelMemory(new FakeMemento() as unknown as vscode.Memento, blocked);
    assert.equal(unwritable.keepOutputs(uri('file:///a.ipynb'), 'm1', [], undefined), false);
    assert.ok(!existsSync(dir) || readdirSync(dir).length === 0, 'nothing written for the outputs too large');
  });

  describe("the running cell's outputs file (issue 29 item 11)", () => {
    const stream = (text: string): NbOutput[] => [{ output_type: 'stream', name: 'stdout', text }];
    const files = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);

    it('is written for its owner only, whatever the umask lets others read', function () {
      if (process.platform === 'win32') this.skip();
      const dir = folder();
      const before = process.umask(0o022);
      try {
        const memory = new KernelMemory(new FakeMemento() as unknown as vscode.Memento, dir);
        assert.equal(memory.keepOutputs(uri('file:///a.ipynb'), 'm1', stream('private\n'), undefined), true);
        const [file] = files(dir);
        assert.equal(statSync(path.join(dir, file)).mode & 0o777, 0o600);
        assert.equal(statSync(dir).mode & 0o777, 0o700, 'the folder it made too');
      } finally {
        process.umask(before);
      }
    });

    it('goes when its cell ends or another runs, when its kernel is forgotten or found gone; moves with a renamed notebook', () => {
      const dir = folder();
      const memory = new KernelMemory(new FakeMemento() as unknown as vscode.Memento, dir);
      const a = uri('file:///a.ipynb');
      const running = { msgId: 'm1', cellIndex: 0, sourceHash: 'h', startTime: 1 };
      memory.remember(a, { ...kernel('k1'), running });
      const keep = () => assert.equal(memory.keepOutputs(a, 'm1', stream('x\n'), undefined), true);

      keep();
      memory.update(a, { running: { ...running, executionOrder: 3 } });
      assert.equal(files(dir).length, 1, 'the same cell, its count known: kept');
      memory.update(a, { running: undefined });
      assert.deepEqual(files(dir), [], 'the cell ended (or was not found on take-up)');

      memory.update(a, { running });
      keep();
      memory.update(a, { running: { ...running, msgId: 'm2' } });
      assert.deepEqual(files(dir), [], 'another cell runs');

      memory.update(a, { running });
      keep();
      memory.dropOutputs(a);
      assert.deepEqual(files(dir), [], 'its kernel found gone');

      keep();
      memory.forget(a);
      assert.deepEqual(files(dir), [], 'its kernel shut down, replaced or forgotten');

      const b = uri('file:///b.ipynb');
      memory.remember(a, { ...kernel('k1'), running });
      keep();
      memory.moved(a, b);
      assert.equal(memory.takeOutputs(a, 'm1', unexpected), undefined);
      assert.deepEqual(memory.takeOutputs(b, 'm1', unexpected)?.outputs, stream('x\n'), 'renamed with its notebook');
      assert.deepEqual(files(dir), []);

      memory.remember(a, { ...kernel('k1', 1), running });
      keep();
      for (let i = 0; i < 200; i++) memory.remember(uri(`file:///${i}.ipynb`), kernel(`k${i}`, 1000 + i));
      assert.equal(memory.get(a), undefined);
      assert.deepEqual(files(dir), [], 'its notebook forgotten as one of those seen longest ago');
    });

    it('a malformed file is reported once, ignored and removed; what it gives an output area can always take', () => {
      const dir = folder();
      const memory = new KernelMemory(new FakeMemento() as unknown as vscode.Memento, dir);
      const a = uri('file:///a.ipynb');
      assert.equal(memory.keepOutputs(a, 'm1', [], undefined), true);
      const [name] = files(dir);
      const file = path.join(dir, name);
      const malformed: [string, string][] = [
        ['not JSON', '{"msgId": "m1", "outputs": [{"output_'],
        ['JSON null', 'null'],
        ['no outputs', '{"msgId": "m1"}'],
        ['a null output', '{"msgId": "m1", "outputs": [null]}'],
        ['stream text a number', '{"msgId": "m1", "outputs": [{"output_type": "stream", "name": "stdout", "text": 5}]}'],
        ['display data a string', '{"msgId": "m1", "outputs": [{"output_type": "display_data", "data": "x", "metadata": {}}]}'],
        ['execute count a string', '{"msgId": "m1", "outputs": [{"output_type": "execute_result", "data": {}, "metadata": {}, "execution_count": "1"}]}'],
        ['traceback of numbers', '{"msgId": "m1", "outputs": [{"output_type": "error", "ename": "E", "evalue": "v", "traceback": [1]}]}'],
        ['unknown output type', '{"msgId": "m1", "outputs": [{"output_type": "widget"}]}'],
        ['last message id a number', '{"msgId": "m1", "outputs": [], "lastMessageId": 7}'],
      ];
      for (const [what, text] of malformed) {
        writeFileSync(file, text);
        const problems: string[] = [];
        const kept = memory.takeOutputs(a, 'm1', (p) => problems.push(p));
        assert.equal(kept, undefined, `${what}: ignored`);
        assert.equal(problems.length, 1, `${what}: reported once (${problems.join('; ')})`);
        assert.deepEqual(files(dir), [], `${what}: removed`);
      }
      writeFileSync(file, JSON.stringify({ msgId: 'another request', outputs: [] }));
      assert.equal(memory.takeOutputs(a, 'm1', unexpected), undefined, "another request's outputs: not this cell's, not malformed");
      assert.equal(memory.takeOutputs(a, 'm1', unexpected), undefined, 'no file: nothing to say');

      // Everything a valid file may hold goes back into an output area (a take-up never stops on it).
      const all: NbOutput[] = [
        ...stream('a\r'),
        { output_type: 'display_data', data: { 'text/plain': 'x' }, metadata: {} },
        { output_type: 'execute_result', data: {}, metadata: {}, execution_count: null },
        { output_type: 'error', ename: 'E', evalue: 'v', traceback: ['t'] },
      ];
      assert.equal(memory.keepOutputs(a, 'm1', all, 'k_1_2'), true);
      const kept = memory.takeOutputs(a, 'm1', unexpected);
      assert.ok(kept);
      const area = new NotebookOutputs().cell('c');
      area.restore(kept.outputs);
      assert.deepEqual(area.toJSON(), all);
    });
  });
});
