import assert from 'node:assert/strict';
import { HeldMessages } from '../../../src/core/kernel/held-messages';
import type { KernelMessage } from '../../../src/core/kernel';

const msg = (n: number, parent: string, type = 'stream'): KernelMessage =>
  ({ channel: 'iopub', header: { msg_id: `abc-123_4242_${n}`, msg_type: type }, parent_header: { msg_id: parent }, metadata: {}, content: {}, buffers: [] }) as unknown as KernelMessage;

describe('messages held for a cell an earlier window ran', () => {
  it("takes one request's messages, in order, and leaves the others", () => {
    const held = new HeldMessages();
    held.add(msg(5, 'cell'), false);
    held.add(msg(6, 'other'), false);
    held.add(msg(7, 'cell'), true);
    const { messages, maybeIncomplete } = held.take('cell');
    assert.deepEqual(messages.map((m) => [m.msg.header.msg_id, m.claimed]), [['abc-123_4242_5', false], ['abc-123_4242_7', true]]);
    assert.equal(maybeIncomplete, false);
    assert.deepEqual(held.take('cell').messages, [], 'taken once');
    assert.equal(held.take('other').messages.length, 1);
  });
});
