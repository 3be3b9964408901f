import assert from 'node:assert/strict';
import { SequenceTracker } from '../../../src/core/kernel/sequence-tracker';

const K = 'kern-session_4242';
const id = (n: number) => `${K}_${n}`;

/** Feeds a run of kernel messages: [n, parent, state?]; skips the numbers listed in `lost`. */
function feed(t: SequenceTracker, msgs: [number, string, string?][], lost: number[] = []) {
  for (const [n, parent, state] of msgs) if (!lost.includes(n)) t.observe(id(n), parent, state, parent.startsWith('P') ? 'kernel_info_request' : 'execute_request');
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

  // What jupyter_server 1.23 does on a reconnect: it "nudges" the kernel with kernel_info on shell (PS,
  // answered after the cell) and on control (PC, answered at once, in the middle of the cell's output).
  const NUDGED: [number, string, string?][] = [
    [1, 'A', 'busy'], [2, 'A'], [3, 'A'],
    [4, 'PC', 'busy'], [5, 'A'], /* 6: PC's reply, to the server */ [7, 'A'], [8, 'PC', 'idle'],
    [9, 'A'], [10, 'A', 'idle'],
    [11, 'PS', 'busy'], /* 12: PS's reply */ [13, 'PS', 'idle'],
  ];

  it("a control request answered in the middle of a cell explains its reply, not the cell's lost output", () => {
    for (const lost of [5, 7]) {
      const t = new SequenceTracker(ours);
      feed(t, NUDGED.slice(0, 2));
      t.markDrop();
      feed(t, NUDGED.slice(2), [lost]);
      assert.deepEqual([...t.settle()], ['A'], `lost ${lost}`);
    }
  });

  it('a control request in the middle of a cell: nothing lost, nothing flagged', () => {
    const t = new SequenceTracker(ours);
    feed(t, NUDGED.slice(0, 2));
    t.markDrop();
    feed(t, NUDGED.slice(2));
    assert.deepEqual([...t.settle()], []);
  });

  it("a control request's busy does not end the cell's window", () => {
    // A's busy and the control window are seen; a loss after the control idle is still A's.
    const t = new SequenceTracker(ours);
    t.markDrop();
    feed(t, NUDGED, [9]);
    assert.deepEqual([...t.settle()], ['A']);
  });

  // Seen on jupyter_server 1.23 after a cut: the nudge's control busy (and reply) never reach us,
  // only its idle; the lines lost in the cut sit just before it.
  const SWALLOWED: [number, string, string?][] = [
    [1, 'A', 'busy'], [2, 'A'], [3, 'A'], [4, 'A'], [5, 'A'], /* 6 busy, 7 reply */ [8, 'PC', 'idle'], [9, 'A'], [10, 'A', 'idle'],
  ];

  it("a control request whose busy was swallowed accounts for its busy and reply, and no more", () => {
    const clean = new SequenceTracker(ours);
    feed(clean, SWALLOWED.slice(0, 2));
    clean.markDrop();
    feed(clean, SWALLOWED.slice(2));
    assert.deepEqual([...clean.settle()], [], 'only the busy and reply are missing');
    for (const lost of [4, 5]) {
      const t = new SequenceTracker(ours);
      feed(t, SWALLOWED.slice(0, 2));
      t.markDrop();
      feed(t, SWALLOWED.slice(2), [lost]);
      assert.deepEqual([...t.settle()], ['A'], `lost ${lost}`);
    }
  });

  // A window reloads while cell R runs: the old connection had up to 3; a new one (same client session)
  // gets the server's replay (4, 5), then jupyter_server nudges the kernel it takes for idle with
  // kernel_info on control (PN: busy 6, reply 7 to the server, idle 9) and swallows the first iopub
  // message after, then the cell goes on live (8, 10, 11) and ends (12).
  const RELOADED: [number, string, string?][] = [
    [4, 'R'], [5, 'R'], [6, 'PN', 'busy'], [8, 'R'], [9, 'PN', 'idle'], [10, 'R'], [11, 'R'], [12, 'R', 'idle'],
  ];
  // The connection counts a request it resumes as its own from then on (R's idle may come before).
  const resumed = (oursYet = true) => new SequenceTracker((p) => oursYet && p === 'R');

  it('resumeFrom: a replay that follows on, with the nudge swallowing its own busy: nothing lost', () => {
    for (const lost of [[], [6]]) {
      const t = resumed();
      feed(t, RELOADED.slice(0, 2), lost);
      assert.equal(t.resumeFrom(id(3), 'R'), true);
      feed(t, RELOADED.slice(2), lost);
      assert.deepEqual([...t.settle()], [], `lost ${lost.join(',') || 'nothing'}`);
    }
  });

  it("resumeFrom: a line the nudge swallowed, or a hole before the replay, is the resumed cell's loss", () => {
    for (const lost of [8, 4, 10]) {
      const t = resumed();
      feed(t, RELOADED.slice(0, 2), [lost]);
      assert.equal(t.resumeFrom(id(3), 'R'), true);
      feed(t, RELOADED.slice(2), [lost]);
      assert.deepEqual([...t.settle()], ['R'], `lost ${lost}`);
    }
  });

  it('resumeFrom: the cell ended before the new connection, all of it replayed', () => {
    const ENDED: [number, string, string?][] = [[4, 'R'], [5, 'R'], [6, 'R', 'idle']];
    for (const [lost, flagged] of [[[], []], [[5], ['R']]] as const) {
      const t = resumed(false);
      feed(t, ENDED, [...lost]);
      assert.equal(t.resumeFrom(id(3), 'R'), true);
      assert.deepEqual([...t.settle()], flagged, `lost ${lost.join(',') || 'nothing'}`);
    }
  });

  it('resumeFrom: nothing can be known from an unnumbered id, another kernel process, or numbers already let go', () => {
    assert.equal(resumed().resumeFrom(undefined, 'R'), false);
    assert.equal(resumed().resumeFrom('3f1e2a7c-no-number', 'R'), false);
    const restarted = resumed();
    feed(restarted, RELOADED.slice(0, 2));
    assert.equal(restarted.resumeFrom('another-kernel_1_3', 'R'), false, 'the kernel restarted since');
    const letGo = resumed();
    feed(letGo, RELOADED);
    letGo.checkpoint();
    assert.equal(letGo.resumeFrom(id(3), 'R'), false);
    assert.equal(resumed().resumeFrom(id(3), 'R'), true, 'nothing seen yet: from here on');
  });

  it("settle(ended) stops at that request's idle: a later reply that overtook its busy on another channel is no loss", () => {
    // Our probe Q after R: its reply (14, shell) arrives before its busy (13, iopub).
    const withProbe: [number, string, string?][] = [...RELOADED, [14, 'Q']];
    const t = resumed();
    feed(t, withProbe.slice(0, 2));
    t.resumeFrom(id(3), 'R');
    feed(t, withProbe.slice(2));
    assert.deepEqual([...t.settle('R')], []);
    const early = resumed();
    feed(early, withProbe.slice(0, 2));
    early.resumeFrom(id(3), 'R');
    feed(early, withProbe.slice(2));
    assert.deepEqual([...early.settle()], [''], 'up to the newest number, 13 looks lost');
  });
});
