import type { KernelMessage } from './messages';

/** What is held at most, and for how long after the connection opened. */
const HELD_MESSAGES_MAX = 20000;
const HELD_FOR_MS = 60000;

/**
 * Messages a resuming connection received for requests it did not send (a replay for an earlier window,
 * or live output of a cell another client sent), kept until `resume` takes those of its cell. Each keeps
 * whether an Output widget already claimed it. Kept for a minute at most, and 20 000 messages: beyond
 * that, what a resumed cell gets may be incomplete, and it says so.
 */
export class HeldMessages {
  private messages: { msg: KernelMessage; claimed: boolean }[] | undefined = [];
  private overflowed = false;

  constructor() {
    setTimeout(() => (this.messages = undefined), HELD_FOR_MS).unref();
  }

  add(msg: KernelMessage, claimed: boolean): void {
    if (!this.messages) return;
    if (this.messages.length < HELD_MESSAGES_MAX) this.messages.push({ msg, claimed });
    else this.overflowed = true;
  }

  /** The messages of one request, in order, taken out. */
  take(parentMsgId: string): { messages: { msg: KernelMessage; claimed: boolean }[]; maybeIncomplete: boolean } {
    const ofIt = (h: { msg: KernelMessage }) => h.msg.parent_header?.msg_id === parentMsgId;
    const messages = this.messages?.filter(ofIt) ?? [];
    if (this.messages) this.messages = this.messages.filter((h) => !ofIt(h));
    return { messages, maybeIncomplete: this.overflowed };
  }
}
