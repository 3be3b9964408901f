import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as vscode from 'vscode';
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
    assert.equal(memory.takeOutputs(uri('file:///a.ipynb'), 'another request'), undefined);
    assert.equal(memory.keepOutputs(uri('file:///a.ipynb'), 'm1', outputs, 'k_1_17'), true);
    assert.deepEqual(memory.takeOutputs(uri('file:///a.ipynb'), 'm1'), { outputs, lastMessageId: 'k_1_17' });
    assert.equal(memory.takeOutputs(uri('file:///a.ipynb'), 'm1'), undefined, 'taken once');
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
});
