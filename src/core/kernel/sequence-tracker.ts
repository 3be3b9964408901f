import { messageSequence } from './messages';

interface Window {
  busy?: number;
  idle?: number;
  ours: boolean;
  /** A request that may run on the control channel, beside whatever the shell is running. */
  concurrent: boolean;
}

/**
 * Requests a kernel may take on its control channel, which ipykernel ≥ 6 handles in its own thread
 * while a cell runs: their busy…idle window overlaps the cell's. jupyter_server sends kernel_info on
 * both shell and control each time a client (re)connects (its "nudge"). Each produces one reply,
 * which only its sender receives.
 */
const CONCURRENT = new Set(['kernel_info_request', 'interrupt_request', 'shutdown_request', 'debug_request', 'usage_request']);

/**
 * Finds messages lost across a dropped connection from the kernel's message counter.
 *
 * jupyter_client ≥ 7 numbers everything a kernel sends (`<session>_<pid>_<n>`), including messages
 * we never receive: replies to the server's own kernel_info probes and to other clients. Those are
 * sent inside the busy…idle window of a request that is not ours, whose status messages we do see
 * on iopub. So a number we did not receive is explained when it lies in such a window; any other
 * missing number was lost, and belongs to the cell whose window holds it. Gaps are only looked for
 * after a drop: without one, nothing is lost and nothing is flagged. A control request runs alongside
 * a cell, so its window explains only its own reply, not everything the cell sent meanwhile.
 */
export class SequenceTracker {
  private source: string | undefined;
  private readonly seen = new Set<number>();
  private readonly windows = new Map<string, Window>();
  /** Every number up to here is accounted for. */
  private floor = -1;
  private maxSeen = -1;
  private dropPending = false;
  /** Numbers up to `floor` were let go (accounted for) since this kernel process's first one seen. */
  private forgotten = false;

  constructor(private readonly isOurs: (parentMsgId: string) => boolean) {}

  /**
   * Records a received message. `state` is a status message's execution_state, `parentType` the
   * msg_type in its parent header.
   */
  observe(msgId: string | undefined, parentMsgId: string | undefined, state?: string, parentType?: string): void {
    const seq = messageSequence(msgId);
    if (!seq) return;
    if (seq.source !== this.source) {
      // A new kernel process (restart) counts from the start again.
      this.source = seq.source;
      this.seen.clear();
      this.windows.clear();
      this.floor = seq.n - 1;
      this.maxSeen = seq.n;
      this.forgotten = false;
    }
    this.seen.add(seq.n);
    if (seq.n > this.maxSeen) this.maxSeen = seq.n;
    if (parentMsgId && (state === 'busy' || state === 'idle')) {
      let w = this.windows.get(parentMsgId);
      if (!w) this.windows.set(parentMsgId, (w = { ours: this.isOurs(parentMsgId), concurrent: CONCURRENT.has(parentType ?? '') }));
      if (state === 'busy') {
        w.busy = seq.n;
        // ipykernel runs shell requests one at a time: a new one's busy ends any shell window whose idle
        // was lost. A control request's busy ends nothing: it may come in the middle of a cell.
        if (!w.concurrent) {
          for (const other of this.windows.values()) if (other !== w && !other.concurrent && other.busy !== undefined && other.idle === undefined && other.busy < seq.n) other.idle = seq.n;
        }
      } else w.idle = seq.n;
    }
  }

  /**
   * A new connection takes up our request `parentMsgId`, sent by an earlier connection (a window before
   * its reload) whose last message was `after`: as after a drop, every number since `after` must be
   * received here or explained when the request ends (a replay that does not follow on, or jupyter_server
   * swallowing a live message in its reconnect nudge, is a loss). False when that cannot be known: `after`
   * unnumbered, numbered by another kernel process, or older than what this tracker has let go.
   */
  resumeFrom(after: string | undefined, parentMsgId: string): boolean {
    const last = messageSequence(after);
    if (!last) return false;
    if (this.source === undefined) {
      this.source = last.source;
      this.maxSeen = last.n;
    } else if (this.source !== last.source || (this.forgotten && this.floor > last.n)) {
      return false;
    }
    this.floor = last.n;
    for (const n of this.seen) if (n <= last.n) this.seen.delete(n);
    const window = this.windows.get(parentMsgId);
    if (window) window.ours = true;
    this.dropPending = true;
    return true;
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
   * Accounts for everything below the idle of `ended` (the request that ran across a drop and has just
   * finished), or up to the newest number seen, and returns our requests (parent msg_ids) that lost at
   * least one message. Not past that idle: a message numbered after it may come before what is numbered
   * between (a shell reply overtakes an iopub status), and is no loss of this request's.
   */
  settle(ended?: string): Set<string> {
    const affected = new Set<string>();
    if (this.source === undefined) return affected;
    const idle = ended === undefined ? undefined : this.windows.get(ended)?.idle;
    const upTo = idle === undefined ? this.maxSeen : Math.min(idle, this.maxSeen);
    if (this.dropPending) {
      const missing: number[] = [];
      for (let m = this.floor + 1; m < upTo; m++) if (!this.seen.has(m)) missing.push(m);
      const explained = this.explainedByOthers(missing, upTo);
      for (const m of missing) if (!explained.has(m)) affected.add(this.ownerOf(m));
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
   * The missing numbers that requests not ours account for. A shell request runs alone, so every
   * number inside its window is its own. A control request runs beside a cell, so it accounts for
   * exactly what it sent that we did not see: its reply, plus its busy or idle if those are missing
   * too (jupyter_server swallows the first iopub message after its reconnect "nudge", often the
   * nudge's own busy); taken nearest to the status we did see, where they were sent.
   */
  private explainedByOthers(missing: number[], upTo: number): Set<number> {
    const explained = new Set<number>();
    // Shell windows first: what lies inside one is settled before control requests take their share.
    const others = [...this.windows.values()].filter((w) => !w.ours).sort((a, b) => Number(a.concurrent) - Number(b.concurrent));
    for (const w of others) {
      if (w.busy === undefined && w.idle === undefined) continue;
      const lo = w.busy ?? this.floor;
      const hi = w.idle ?? upTo;
      const inside = missing.filter((m) => m > lo && m < hi && !explained.has(m));
      if (!w.concurrent) {
        if (w.busy !== undefined) for (const m of inside) explained.add(m);
        continue;
      }
      const budget = 1 + (w.busy === undefined ? 1 : 0) + (w.idle === undefined ? 1 : 0);
      const nearest = w.busy !== undefined ? inside : inside.reverse();
      for (const m of nearest.slice(0, budget)) explained.add(m);
    }
    return explained;
  }

  /**
   * Which of our requests a lost number belongs to: the one whose window holds it (one whose busy we
   * saw first, then the earliest-ending one whose busy was lost); else our nearest request that
   * started before it; '' when nothing of ours can own it.
   */
  private ownerOf(m: number): string {
    const holds = (w: Window) => m > (w.busy ?? Number.NEGATIVE_INFINITY) && m < (w.idle ?? Number.POSITIVE_INFINITY);
    let withStart: string | undefined;
    let withoutStart: { id: string; idle: number } | undefined;
    let nearest: { id: string; busy: number } | undefined;
    for (const [id, w] of this.windows) {
      if (!w.ours) continue;
      if (holds(w)) {
        if (w.busy !== undefined) withStart ??= id;
        else if (!withoutStart || (w.idle ?? Infinity) < withoutStart.idle) withoutStart = { id, idle: w.idle ?? Infinity };
      } else if (w.busy !== undefined && w.busy < m && (!nearest || w.busy > nearest.busy)) nearest = { id, busy: w.busy };
    }
    return withStart ?? withoutStart?.id ?? nearest?.id ?? '';
  }

  private advance(to: number): void {
    for (const n of this.seen) if (n <= to) this.seen.delete(n);
    if (to > this.floor) this.forgotten = true;
    this.floor = Math.max(this.floor, to);
    for (const [id, w] of this.windows) {
      // A control request's window whose idle was lost is never closed by a later busy: let it go
      // once it is far behind (control requests take milliseconds).
      const stale = w.concurrent && w.idle === undefined && w.busy !== undefined && w.busy < to - 1000;
      if ((w.idle !== undefined && w.idle <= to) || stale) this.windows.delete(id);
    }
  }
}
