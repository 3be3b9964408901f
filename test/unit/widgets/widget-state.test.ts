import assert from 'node:assert/strict';
import { putBuffers, referencesOf, takeBuffers, withOutput } from '../../../src/core/widgets';

const msg = (msg_type: string, content: Record<string, unknown>) => ({ header: { msg_type } as never, content });

describe('widget state', () => {
  it('buffers go to their paths and come out again in order, leaving the original untouched', () => {
    const state = { value: null, nested: { list: [1, null] }, name: 'x' };
    const a = Buffer.from([1]);
    const b = Buffer.from([2, 3]);
    const full = putBuffers(state, [{ path: ['value'], data: a }, { path: ['nested', 'list', 1], data: b }]);
    assert.equal(full.value, a);
    assert.equal((full.nested as { list: unknown[] }).list[1], b);
    assert.equal(state.nested.list[1], null, 'the original state is not changed');
    const out = takeBuffers(full);
    assert.deepEqual(out.paths, [['value'], ['nested', 'list', 1]]);
    assert.deepEqual(out.buffers, [a, b]);
    assert.deepEqual(out.state, { value: null, nested: { list: [1, null] }, name: 'x' });
  });

  it('references are found anywhere in a state', () => {
    assert.deepEqual(referencesOf({ children: ['IPY_MODEL_a', 'IPY_MODEL_b'], layout: 'IPY_MODEL_c', description: 'IPY_MODEL' }), ['a', 'b', 'c']);
  });

  it("an Output widget's outputs: streams continue, clear_output empties, with wait only before the next output", () => {
    let o = withOutput([], msg('stream', { name: 'stdout', text: 'a' }), false);
    o = withOutput(o, msg('stream', { name: 'stdout', text: 'b\n' }), false);
    o = withOutput(o, msg('stream', { name: 'stderr', text: 'e' }), false);
    assert.deepEqual(o, [{ output_type: 'stream', name: 'stdout', text: 'ab\n' }, { output_type: 'stream', name: 'stderr', text: 'e' }]);
    const waited = withOutput(o, msg('clear_output', { wait: true }), false);
    assert.equal(waited, o, 'clear_output(wait=True) changes nothing yet');
    assert.deepEqual(withOutput(waited, msg('display_data', { data: { 'text/plain': 'x' }, metadata: {} }), true), [{ output_type: 'display_data', data: { 'text/plain': 'x' }, metadata: {} }]);
    assert.deepEqual(withOutput(o, msg('clear_output', { wait: false }), false), []);
    assert.equal(withOutput(o, msg('status', {}), false), o);
  });
});
