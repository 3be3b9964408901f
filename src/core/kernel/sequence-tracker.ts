import { messageSequence } from './messages';

interface Window {
  busy?: number;
  idle?: number;
  ours: boolean;
}

/**
 * Finds messages lost across a dropped connection from the kernel's message counter.
 *
 * jupyter_client ≥ 7 numbers everything a kernel sends (`<session>_<pid>_<n>`), including messages
 * we never receive: replies to the server's own kernel_info probes and to other clients. Those are
 * sent inside the busy…idle window of a request that is not ours, whose status messages we do see
 * on iopub. So a number we did not receive is explained when it lies in such a window; any other
 * missing number was lost, and belongs to the cell whose window holds it. Gaps are only looked for
 * after a drop: without one, nothing is lost and nothing is flagged.
 */
export class SequenceTracker {
  private source: string | undefined;
  private readonly seen = new Set<number>();
  private readonly windows = new Map<string, Window>();
  /** Every number up to here is accounted for. */
  private floor = -1;
  private maxSeen = -1;
  private dropPending = false;

  constructor(private readonly isOurs: (parentMsgId: string) => boolean) {}

  /** Records a received message. `state` is a status message's execution_state. */
  observe(msgId: string | undefined, parentMsgId: string | undefined, state?: string): void {
    const seq = messageSequence(msgId);
    if (!seq) return;
    if (seq.source !== this.source) {
      // A new kernel process (restart) counts from the start again.
      this.source = seq.source;
      this.seen.clear();
      this.windows.clear();
      this.floor = seq.n - 1;
      this.maxSeen = seq.n;
    }
    this.seen.add(seq.n);
    if (seq.n > this.maxSeen) this.maxSeen = seq.n;
    if (parentMsgId && (state === 'busy' || state === 'idle')) {
      let w = this.windows.get(parentMsgId);
      if (!w) this.windows.set(parentMsgId, (w = { ours: this.isOurs(parentMsgId) }));
      if (state === 'busy') {
        w.busy = seq.n;
        // ipykernel runs shell requests one at a time: a new busy ends any window whose idle was lost.
        for (const other of this.windows.values()) if (other !== w && other.busy !== undefined && other.idle === undefined && other.busy < seq.n) other.idle = seq.n;
      } else w.idle = seq.n;
    }
  }

  /** Our request finished without its idle (lost in a drop): its window ends at what we have seen. */
  finish(parentMsgId: string): void {
    const w = this.windows.get(parentMsgId);
    if (w && w.idle === undefined) w.idle = this.maxSeen + 1;
  }

  /** The connection dropped: what was in flight may be lost. */
  markDrop(): void {
    this.dropPending = true;
  }

  /**
   * Accounts for everything up to the newest number seen and returns our requests (parent msg_ids)
   * that lost at least one message. Call it when a request that ran across a drop has finished.
   */
  settle(): Set<string> {
    const affected = new Set<string>();
    if (this.source === undefined) return affected;
    const upTo = this.maxSeen;
    if (this.dropPending) {
      for (let m = this.floor + 1; m < upTo; m++) {
        if (this.seen.has(m)) continue;
        const owner = this.ownerOf(m);
        if (owner !== null) affected.add(owner);
      }
      this.dropPending = false;
    }
    this.advance(upTo);
    return affected;
  }

  /** Without a pending drop, forgets what is accounted for (keeps memory flat on long runs). */
  checkpoint(): void {
    if (!this.dropPending && this.source !== undefined) this.advance(this.maxSeen);
  }

  /**
   * Who a lost number belongs to: null when a request that is not ours explains it; else our request
   * whose window holds it (one whose busy we saw first, then the earliest-ending one whose busy was
   * lost); else our nearest request that started before it; '' when nothing of ours can own it.
   */
  private ownerOf(m: number): string | null {
    const holds = (w: Window) => m > (w.busy ?? Number.NEGATIVE_INFINITY) && m < (w.idle ?? Number.POSITIVE_INFINITY);
    let withStart: string | undefined;
    let withoutStart: { id: string; idle: number } | undefined;
    let nearest: { id: string; busy: number } | undefined;
    for (const [id, w] of this.windows) {
      if (!w.ours) {
        if (w.busy !== undefined && holds(w)) return null;
        continue;
      }
      if (holds(w)) {
        if (w.busy !== undefined) withStart ??= id;
        else if (!withoutStart || (w.idle ?? Infinity) < withoutStart.idle) withoutStart = { id, idle: w.idle ?? Infinity };
      } else if (w.busy !== undefined && w.busy < m && (!nearest || w.busy > nearest.busy)) nearest = { id, busy: w.busy };
    }
    return withStart ?? withoutStart?.id ?? nearest?.id ?? '';
  }

  private advance(to: number): void {
    for (const n of this.seen) if (n <= to) this.seen.delete(n);
    this.floor = Math.max(this.floor, to);
    for (const [id, w] of this.windows) if (w.idle !== undefined && w.idle <= to) this.windows.delete(id);
  }
}
