import { readStreamContentInPlace } from './large-stream';
import type { Channel, KernelMessage, MessageHeader } from './messages';

/** The binary subprotocol of jupyter_server ≥ 1.13.5 (PROTOCOL.md §5.4). Notebook ≤ 6 offers none. */
export const V1_PROTOCOL = 'v1.kernel.websocket.jupyter.org';

export type WireFormat = 'v1' | 'legacy';

const CHANNELS = new Set(['shell', 'iopub', 'stdin', 'control']);

/** A frame that is not a valid message in the negotiated format. */
export class FrameError extends Error {}

/**
 * Content parsed on first read. Content that is not a JSON object reads as `{}` (what the message
 * carries is then ignored, like any message without the fields it needs) and is reported once through
 * `onError`: the read happens deep in a handler, where a throw would escape into the socket's events.
 */
function lazyContent(msg: Omit<KernelMessage, 'content'>, parse: () => Record<string, unknown>, onError?: (message: string) => void): KernelMessage {
  let content: Record<string, unknown> | undefined;
  let parser: (() => Record<string, unknown>) | undefined = parse;
  return Object.defineProperty(msg, 'content', {
    enumerable: true,
    configurable: true,
    get() {
      if (parser) {
        try {
          content = parser();
        } catch (e) {
          content = {};
          onError?.(`the content of a ${msg.header.msg_type} message is not a JSON object (${(e as Error).message})`);
        }
        parser = undefined; // lets the frame's buffer go: a 50 MB output is not kept twice
      }
      return content;
    },
    set(v: Record<string, unknown>) {
      content = v;
      parser = undefined;
    },
  }) as KernelMessage;
}

/** An object field as itself; anything else (absent, null, a list, a number) as `{}`. */
function asObject(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function parseObject(text: string, what: string): Record<string, unknown> {
  const v = JSON.parse(text) as unknown;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new FrameError(`${what} is not a JSON object`);
  return v as Record<string, unknown>;
}

/**
 * Decodes one received frame: a text frame (legacy JSON) or a binary one (v1, or legacy with buffers).
 * A frame that cannot be routed throws FrameError; v1 content that turns out malformed when read is
 * reported through `onContentError` and reads as `{}`. With `ownsFrame`, the caller gives the frame
 * up: reading a large stream message's content may overwrite its bytes (large-stream.ts).
 */
export function decodeFrame(data: Buffer | string, format: WireFormat, isBinary: boolean, options: DecodeOptions = {}): KernelMessage {
  if (!isBinary) return decodeLegacyJson(typeof data === 'string' ? data : data.toString('utf8'), []);
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  return format === 'v1' ? decodeV1(buf, options) : decodeLegacyBinary(buf);
}

export interface DecodeOptions {
  onContentError?: (message: string) => void;
  ownsFrame?: boolean;
}

/** Stream content from this size on is read in place when the frame is ours to spend. */
const IN_PLACE_MIN = 1024 * 1024;

function decodeLegacyJson(text: string, buffers: Buffer[]): KernelMessage {
  let o: Record<string, unknown>;
  try {
    o = parseObject(text, 'the message');
  } catch (e) {
    throw new FrameError(`invalid JSON frame: ${(e as Error).message}`);
  }
  return checked({
    channel: o.channel as Channel,
    header: o.header as MessageHeader,
    parent_header: (o.parent_header ?? {}) as Partial<MessageHeader>,
    metadata: asObject(o.metadata),
    content: asObject(o.content),
    buffers,
  });
}

/** Legacy binary: `u32be n`, `n × u32be offsets`, part 0 the JSON message, parts 1… its buffers. */
function decodeLegacyBinary(buf: Buffer): KernelMessage {
  if (buf.length < 4) throw new FrameError('binary frame too short');
  const n = buf.readUInt32BE(0);
  if (n < 1 || 4 + 4 * n > buf.length) throw new FrameError('binary frame has an invalid part count');
  const offsets: number[] = [];
  for (let i = 0; i < n; i++) offsets.push(buf.readUInt32BE(4 + 4 * i));
  offsets.push(buf.length);
  for (let i = 0; i < n; i++) if (offsets[i] > offsets[i + 1] || offsets[i] < 4 + 4 * n) throw new FrameError('binary frame has invalid offsets');
  const buffers: Buffer[] = [];
  for (let i = 1; i < n; i++) buffers.push(buf.subarray(offsets[i], offsets[i + 1]));
  return decodeLegacyJson(buf.toString('utf8', offsets[0], offsets[1]), buffers);
}

/**
 * v1: `u64le count`, `count × u64le offsets`; parts: channel, header, parent_header, metadata,
 * content, buffers…. Channel and headers are parsed now (to route the message); content only when read.
 */
function decodeV1(buf: Buffer, { onContentError, ownsFrame }: DecodeOptions): KernelMessage {
  if (buf.length < 8) throw new FrameError('v1 frame too short');
  const count = Number(buf.readBigUInt64LE(0));
  if (count < 5 || 8 + 8 * count > buf.length) throw new FrameError('v1 frame has an invalid offset count');
  const offsets: number[] = [];
  for (let i = 0; i < count; i++) offsets.push(Number(buf.readBigUInt64LE(8 + 8 * i)));
  if (offsets[offsets.length - 1] !== buf.length) offsets.push(buf.length); // tolerate a missing final offset
  for (let i = 0; i + 1 < offsets.length; i++) if (offsets[i] > offsets[i + 1] || offsets[i] > buf.length) throw new FrameError('v1 frame has invalid offsets');
  const part = (i: number) => buf.toString('utf8', offsets[i], offsets[i + 1]);
  try {
    const buffers: Buffer[] = [];
    for (let i = 5; i + 1 < offsets.length; i++) buffers.push(buf.subarray(offsets[i], offsets[i + 1]));
    const msg = {
      channel: part(0) as Channel,
      header: parseObject(part(1), 'the header') as unknown as MessageHeader,
      parent_header: parseObject(part(2), 'the parent header') as Partial<MessageHeader>,
      metadata: parseObject(part(3), 'the metadata'),
      buffers,
    };
    checked({ ...msg, content: {} });
    const [contentStart, contentEnd] = [offsets[4], offsets[5]];
    const inPlace = ownsFrame && msg.header.msg_type === 'stream' && contentEnd - contentStart >= IN_PLACE_MIN;
    const parse = () => (inPlace && readStreamContentInPlace(buf, contentStart, contentEnd)) || parseObject(buf.toString('utf8', contentStart, contentEnd), 'the content');
    return lazyContent(msg, parse, onContentError);
  } catch (e) {
    if (e instanceof FrameError) throw e;
    throw new FrameError(`invalid v1 frame: ${(e as Error).message}`);
  }
}

function checked(msg: KernelMessage): KernelMessage {
  if (!msg.header || typeof msg.header !== 'object' || typeof msg.header.msg_type !== 'string') throw new FrameError('message without a header');
  if (!CHANNELS.has(msg.channel)) throw new FrameError(`unknown channel ${String(msg.channel)}`);
  if (typeof msg.parent_header !== 'object' || msg.parent_header === null) msg.parent_header = {};
  return msg;
}

/** Encodes a message to send: a v1 binary frame, or legacy JSON (binary only when it has buffers). */
export function encodeMessage(msg: KernelMessage, format: WireFormat): Buffer | string {
  if (format === 'v1') {
    const parts = [
      Buffer.from(msg.channel),
      Buffer.from(JSON.stringify(msg.header)),
      Buffer.from(JSON.stringify(msg.parent_header)),
      Buffer.from(JSON.stringify(msg.metadata)),
      Buffer.from(JSON.stringify(msg.content)),
      ...msg.buffers,
    ];
    const count = parts.length + 1;
    const head = Buffer.alloc(8 * (count + 1));
    head.writeBigUInt64LE(BigInt(count), 0);
    let at = head.length;
    for (let i = 0; i < parts.length; i++) {
      head.writeBigUInt64LE(BigInt(at), 8 * (i + 1));
      at += parts[i].length;
    }
    head.writeBigUInt64LE(BigInt(at), 8 * count);
    return Buffer.concat([head, ...parts]);
  }
  const json = JSON.stringify({ header: msg.header, parent_header: msg.parent_header, metadata: msg.metadata, content: msg.content, channel: msg.channel });
  if (!msg.buffers.length) return json;
  const parts = [Buffer.from(json), ...msg.buffers];
  const head = Buffer.alloc(4 * (parts.length + 1));
  head.writeUInt32BE(parts.length, 0);
  let at = head.length;
  for (let i = 0; i < parts.length; i++) {
    head.writeUInt32BE(at, 4 * (i + 1));
    at += parts[i].length;
  }
  return Buffer.concat([head, ...parts]);
}
