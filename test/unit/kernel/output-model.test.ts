import assert from 'node:assert/strict';
import { NotebookOutputs, OutputChange } from '../../../src/core/kernel/output-model';
import { StreamText, resolveControls } from '../../../src/core/kernel/stream-text';

const stream = (text: string, name = 'stdout') => ({ msg_type: 'stream', content: { name, text } });
const display = (id: string | undefined, text: string, type = 'display_data') => ({
  msg_type: type,
  content: { data: { 'text/plain': text }, metadata: {}, ...(id ? { transient: { display_id: id } } : {}), execution_count: 3 },
});

describe('stream text', () => {
  it('\\r overwrites the line from its start; \\r\\n is a newline; backspace deletes', () => {
    assert.equal(resolveControls('10%\r20%'), '20%');
    assert.equal(resolveControls('100%\r5%'), '5%0%');
    assert.equal(resolveControls('a\r\nb'), 'a\nb');
    assert.equal(resolveControls('abc\b\bX'), 'aX');
    assert.equal(resolveControls('line1\nprog 1\rprog 2\nend'), 'line1\nprog 2\nend');
  });

  it('a trailing \\r waits for the next chunk, across appends', () => {
    const t = new StreamText();
    for (const chunk of ['0%\r', '50%\r', '100%\n', 'done']) t.append(chunk);
    assert.equal(t.toString(), '100%\ndone');
  });

  it('stays linear: 200 000 appends of progress lines', () => {
    const t = new StreamText();
    for (let i = 0; i < 200000; i++) t.append(i % 1000 === 999 ? `${i}\n` : `${i}\r`);
    const lines = t.toString().split('\n');
    assert.equal(lines.length, 201);
    assert.equal(lines[0], '999');
    assert.equal(lines[199], '199999');
  });
});

describe('output model', () => {
  it('merges consecutive streams of the same name, keeps stdout and stderr apart', () => {
    const nb = new NotebookOutputs();
    const cell = nb.cell('a');
    for (const m of [stream('a\n'), stream('b\n'), stream('oops\n', 'stderr'), stream('c\n')]) cell.handle(m);
    assert.deepEqual(cell.toJSON(), [
      { output_type: 'stream', name: 'stdout', text: 'a\nb\n' },
      { output_type: 'stream', name: 'stderr', text: 'oops\n' },
      { output_type: 'stream', name: 'stdout', text: 'c\n' },
    ]);
  });

  it('restored outputs (a cell taken up after a reload) are not reported; later text joins the last stream, \\r rewrites its line', () => {
    const nb = new NotebookOutputs();
    const cell = nb.cell();
    const changes: string[] = [];
    nb.onChange((_, change) => changes.push(change.kind));
    cell.restore([{ output_type: 'display_data', data: { 'text/plain': 'x' }, metadata: {} }, { output_type: 'stream', name: 'stdout', text: 'L0\n 40%' }]);
    assert.deepEqual(changes, []);
    cell.handle(stream('\r 80%'));
    cell.handle(stream('\nL1\n'));
    assert.deepEqual(changes, ['stream', 'stream']);
    assert.deepEqual(cell.toJSON(), [
      { output_type: 'display_data', data: { 'text/plain': 'x' }, metadata: {} },
      { output_type: 'stream', name: 'stdout', text: 'L0\n 80%\nL1\n' },
    ]);
  });

  it('clear_output clears now; with wait, just before the next output', () => {
    const nb = new NotebookOutputs();
    const cell = nb.cell();
    cell.handle(stream('first\n'));
    cell.handle({ msg_type: 'clear_output', content: { wait: true } });
    assert.equal(cell.length, 1, 'still shown until something replaces it');
    cell.handle(stream('second\n'));
    assert.deepEqual(cell.toJSON(), [{ output_type: 'stream', name: 'stdout', text: 'second\n' }]);
    cell.handle({ msg_type: 'clear_output', content: { wait: false } });
    assert.equal(cell.length, 0);
  });

  it('update_display_data updates every output with that display_id, in any cell', () => {
    const nb = new NotebookOutputs();
    const one = nb.cell('1');
    const two = nb.cell('2');
    one.handle(display('d1', 'a'));
    two.handle(display('d1', 'a again'));
    assert.equal((one.toJSON()[0] as { data: Record<string, string> }).data['text/plain'], 'a again', 'a new display with the id updates the old one');
    two.handle({ msg_type: 'update_display_data', content: { data: { 'text/plain': 'b' }, metadata: {}, transient: { display_id: 'd1' } } });
    for (const c of [one, two]) assert.equal((c.toJSON()[0] as { data: Record<string, string> }).data['text/plain'], 'b');
    two.handle({ msg_type: 'update_display_data', content: { data: { 'text/plain': 'x' }, transient: { display_id: 'unknown' } } });
    assert.equal(two.length, 1, 'an update for an unknown id adds nothing');
  });

  it('a cleared or released output no longer takes display updates', () => {
    const nb = new NotebookOutputs();
    const cell = nb.cell();
    cell.handle(display('d', 'a'));
    cell.handle({ msg_type: 'clear_output', content: {} });
    cell.handle(display(undefined, 'plain'));
    const changes: OutputChange[] = [];
    nb.onChange((_c, ch) => changes.push(ch));
    cell.handle({ msg_type: 'update_display_data', content: { data: { 'text/plain': 'b' }, transient: { display_id: 'd' } } });
    assert.deepEqual(changes, []);
    const other = nb.cell();
    other.handle(display('e', '1'));
    nb.release(other);
    cell.handle({ msg_type: 'update_display_data', content: { data: { 'text/plain': '2' }, transient: { display_id: 'e' } } });
    assert.equal((other.toJSON()[0] as { data: Record<string, string> }).data['text/plain'], '1');
  });

  it('execute_result and error in nbformat form; all MIME types kept', () => {
    const nb = new NotebookOutputs();
    const cell = nb.cell();
    cell.handle({ msg_type: 'execute_result', content: { data: { 'text/plain': '2', 'text/html': '<b>2</b>', 'image/png': 'iVBOR' }, metadata: { 'image/png': { width: 2 } }, execution_count: 7 } });
    cell.handle({ msg_type: 'error', content: { ename: 'ZeroDivisionError', evalue: 'division by zero', traceback: ['\u001b[0;31m---\u001b[0m', 'ZeroDivisionError: division by zero'] } });
    assert.deepEqual(cell.toJSON(), [
      { output_type: 'execute_result', data: { 'text/plain': '2', 'text/html': '<b>2</b>', 'image/png': 'iVBOR' }, metadata: { 'image/png': { width: 2 } }, execution_count: 7 },
      { output_type: 'error', ename: 'ZeroDivisionError', evalue: 'division by zero', traceback: ['\u001b[0;31m---\u001b[0m', 'ZeroDivisionError: division by zero'] },
    ]);
  });

  it('reports incremental changes: add, stream append, update, clear', () => {
    const nb = new NotebookOutputs();
    const changes: OutputChange[] = [];
    nb.onChange((_c, ch) => changes.push(ch));
    const cell = nb.cell();
    cell.handle(stream('a'));
    cell.handle(stream('b'));
    cell.handle(display('d', 'x'));
    cell.handle({ msg_type: 'update_display_data', content: { data: {}, transient: { display_id: 'd' } } });
    cell.handle({ msg_type: 'clear_output', content: {} });
    assert.deepEqual(changes, [
      { kind: 'add', index: 0 },
      { kind: 'stream', index: 0, appended: 'b' },
      { kind: 'add', index: 1 },
      { kind: 'update', index: 1 },
      { kind: 'clear' },
    ]);
  });

  it('ignores what is not an output; survives malformed content', () => {
    const cell = new NotebookOutputs().cell();
    assert.equal(cell.handle({ msg_type: 'status', content: { execution_state: 'busy' } }), false);
    assert.equal(cell.handle({ msg_type: 'display_data', content: { data: 'nope', transient: 5 } as Record<string, unknown> }), true);
    assert.equal(cell.handle({ msg_type: 'error', content: {} }), true);
    assert.equal(cell.length, 2);
  });
});
