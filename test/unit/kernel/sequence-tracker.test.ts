import assert from 'node:assert/strict';
import { SequenceTracker } from '../../../src/core/kernel/sequence-tracker';

const K = 'kern-session_4242';
const id = (n: number) => `${K}_${n}`;

/** Feeds a run of kernel messages: [n, parent, state?]; skips the numbers listed in `lost`. */
function feed(t: SequenceTracker, msgs: [number, string, string?][], lost: number[] = []) {
  for (const [n, parent, state] of msgs) if (!lost.includes(n)) t.observe(id(n), parent, state);
}

// A cell A of ours, then the server's probe P (its reply, n=7, never reaches us), then our cell B.
const RUN: [number, string, string?][] = [
  [1, 'A', 'busy'], [2, 'A'], [3, 'A'], [4, 'A'], [5, 'A', 'idle'],
  [6, 'P', 'busy'], /* 7: reply to the server */ [8, 'P', 'idle'],
  [9, 'B', 'busy'], [10, 'B'], [11, 'B', 'idle'],
];
const ours = (p: string) => p === 'A' || p === 'B';

describe('SequenceTracker: lost messages across a drop', () => {
  it('flags nothing when nothing was lost, though foreign replies leave gaps', () => {
    const t = new SequenceTracker(ours);
    feed(t, RUN.slice(0, 4));
    t.markDrop();
    feed(t, RUN.slice(4));
    assert.deepEqual([...t.settle()], []);
  });

  it('flags exactly the cell whose message was lost', () => {
    for (const [lost, cell] of [[3, 'A'], [10, 'B'], [5, 'A']] as const) {
      const t = new SequenceTracker(ours);
      feed(t, RUN.slice(0, 2));
      t.markDrop();
      feed(t, RUN.slice(2), [lost]);
      assert.deepEqual([...t.settle()], [cell], `lost ${lost}`);
    }
  });

  it('does not look for gaps without a drop', () => {
    const t = new SequenceTracker(ours);
    feed(t, RUN, [3]);
    assert.deepEqual([...t.settle()], []);
  });

  it("a lost busy belongs to the cell whose idle ends that window", () => {
    const t = new SequenceTracker(ours);
    t.markDrop();
    feed(t, RUN, [9]);
    assert.deepEqual([...t.settle()], ['B']);
  });

  it('a loss between windows goes to our nearest request that started before it', () => {
    // 12 is lost after B's idle (11) and before C's busy (13): no window holds it; B started last before it.
    const u = new SequenceTracker((p) => ours(p) || p === 'C');
    u.markDrop();
    feed(u, [...RUN, [13, 'C', 'busy'], [14, 'C', 'idle']]);
    assert.deepEqual([...u.settle()], ['B']);
  });

  it('our window whose idle was lost is closed by finish(), so later losses go elsewhere', () => {
    const t = new SequenceTracker(ours);
    t.markDrop();
    feed(t, RUN.slice(0, 4)); // A's idle (5) lost
    t.finish('A');
    assert.deepEqual([...t.settle()], [], 'nothing missing below what we saw');
  });

  it('a restarted kernel (new session prefix) starts counting afresh', () => {
    const t = new SequenceTracker(ours);
    feed(t, RUN.slice(0, 5));
    t.markDrop();
    t.observe('new-session_99_1', 'B', 'busy');
    t.observe('new-session_99_2', 'B', 'idle');
    assert.deepEqual([...t.settle()], []);
  });

  it('ignores msg_ids without a counter', () => {
    const t = new SequenceTracker(ours);
    t.observe('159442b7-2340-462e-b730-de70d8c0ef0e', 'A', 'busy');
    t.markDrop();
    assert.deepEqual([...t.settle()], []);
  });
});
