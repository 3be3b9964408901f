import type { Duplex } from 'node:stream';

/**
 * Large kernel messages (a 50 MB print, a 20 MB image) arrive as one WebSocket frame split over
 * hundreds of socket reads. `ws` keeps every read until the last one is in and then copies them into
 * one new buffer: two copies of the frame at its peak. The coalescer copies each read into one buffer
 * sized from the frame header as the reads arrive, so each read can be freed at once, and hands the
 * whole payload on in one piece, which `ws` then takes without a copy.
 *
 * It only moves chunk boundaries: the bytes handed on are the bytes received, in order, none held back
 * except the unfinished payload of a large frame. It reads just the frame headers (RFC 6455 §5.2),
 * to know where frames end; anything it cannot follow (a length past `maxFrame`) turns it into a plain
 * pass-through and `ws` decides what the bytes are.
 */
export class FrameCoalescer {
  /** The header of the next frame as far as it has arrived (at most 14 bytes). */
  private readonly header = Buffer.alloc(14);
  private headerBytes = 0;
  /** Payload bytes of the current small frame still to pass. */
  private passing = 0;
  /** The payload of the current large frame, filled as it arrives. */
  private large?: Buffer;
  private filled = 0;
  private lost = false;

  constructor(
    private readonly hand: (chunk: Buffer) => void,
    private readonly threshold = 1024 * 1024,
    private readonly maxFrame = 1024 * 1024 * 1024,
  ) {}

  /** Bytes of an unfinished large frame held back. */
  get held(): number {
    return this.filled;
  }

  push(chunk: Buffer): void {
    if (this.lost) return this.hand(chunk);
    let pos = 0;
    let from = 0; // start of the bytes to pass on unchanged
    while (pos < chunk.length) {
      if (this.large) {
        const n = Math.min(this.large.length - this.filled, chunk.length - pos);
        chunk.copy(this.large, this.filled, pos, pos + n);
        this.filled += n;
        pos += n;
        from = pos;
        if (this.filled === this.large.length) {
          const payload = this.large;
          this.large = undefined;
          this.filled = 0;
          this.hand(payload);
        }
      } else if (this.passing > 0) {
        const n = Math.min(this.passing, chunk.length - pos);
        this.passing -= n;
        pos += n;
      } else {
        this.header[this.headerBytes++] = chunk[pos++];
        const length = this.payloadLength();
        if (length === undefined) continue; // header not complete yet
        this.headerBytes = 0;
        if (length === -1) {
          this.lost = true;
          break;
        }
        if (length < this.threshold) {
          this.passing = length;
          continue;
        }
        if (pos > from) this.hand(chunk.subarray(from, pos)); // everything up to and including this header
        from = pos;
        try {
          this.large = Buffer.allocUnsafe(length);
        } catch {
          this.lost = true; // no room for it: `ws` gathers it its own way, or refuses it
          break;
        }
      }
    }
    if (from < chunk.length) this.hand(chunk.subarray(from));
  }

  /** The payload length once the header is complete; undefined before; -1 when it is past following. */
  private payloadLength(): number | undefined {
    const h = this.header;
    if (this.headerBytes < 2) return undefined;
    const len7 = h[1] & 0x7f;
    const extended = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
    const size = 2 + extended + (h[1] & 0x80 ? 4 : 0);
    if (this.headerBytes < size) return undefined;
    if (extended === 0) return len7;
    if (extended === 2) return h.readUInt16BE(2);
    const high = h.readUInt32BE(2);
    const length = high * 2 ** 32 + h.readUInt32BE(6);
    return high >= 2 ** 21 || length > this.maxFrame ? -1 : length;
  }
}

/**
 * Puts a coalescer in front of the socket's `data` listeners (`ws`'s receiver). Called once the
 * WebSocket is open, before the first frame is delivered; `ws` still adds and removes its own
 * listener as it likes, it just sees large frames whole.
 */
export function coalesceLargeFrames(socket: Duplex): void {
  const emit = socket.emit;
  const coalescer = new FrameCoalescer((chunk) => emit.call(socket, 'data', chunk));
  socket.emit = function (this: Duplex, event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'data' || !Buffer.isBuffer(args[0])) return emit.call(this, event, ...args);
    coalescer.push(args[0]);
    return this.listenerCount('data') > 0;
  } as Duplex['emit'];
}
