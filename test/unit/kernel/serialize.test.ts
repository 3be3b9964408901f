import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import * as path from 'node:path';
import { makeMessage, messageSequence } from '../../../src/core/kernel/messages';
import { FrameError, decodeFrame, encodeMessage } from '../../../src/core/kernel/serialize';

/** Frames recorded from jupyter_server 1.23 and notebook 6.4 (copied from the team's protocol brief). */
const frameFile = (name: string) => path.resolve(__dirname, '../../fixtures/frames', name);

interface Recorded {
  dir: string;
  kind: string;
  data: Record<string, unknown>;
}

describe('wire formats (PROTOCOL.md §5.3–5.4)', () => {
  it('v1: encodes the recorded layout (56-byte head for 5 parts, offsets after it) and decodes it back', () => {
    const msg = makeMessage('shell', 'kernel_info_request', {}, 'sess-1');
    const frame = encodeMessage(msg, 'v1') as Buffer;
    assert.equal(frame.readBigUInt64LE(0), 6n);
    const offsets = Array.from({ length: 6 }, (_, i) => Number(frame.readBigUInt64LE(8 + 8 * i)));
    assert.equal(offsets[0], 56);
    assert.equal(offsets[1], 61, '"shell" is 5 bytes');
    assert.equal(offsets[5], frame.length);
    assert.equal(frame.toString('utf8', offsets[4], offsets[5]), '{}');
    const back = decodeFrame(frame, 'v1', true);
    assert.equal(back.channel, 'shell');
    assert.deepEqual(back.header, msg.header);
    assert.deepEqual(back.content, {});
  });

  it('v1: buffers round-trip, and a missing final offset is tolerated', () => {
    const msg = makeMessage('iopub', 'comm_msg', { comm_id: 'c', data: { y: 2 } }, 's', { buffers: [Buffer.from([0, 1, 2]), Buffer.from('xyz')] });
    const frame = encodeMessage(msg, 'v1') as Buffer;
    const back = decodeFrame(frame, 'v1', true);
    assert.deepEqual(back.buffers.map((b) => [...b]), [[0, 1, 2], [...Buffer.from('xyz')]]);
    assert.deepEqual(back.content, { comm_id: 'c', data: { y: 2 } });

    const plain = encodeMessage(makeMessage('iopub', 'status', { execution_state: 'idle' }, 's'), 'v1') as Buffer;
    const shortened = Buffer.from(plain); // same bytes, count says 5 offsets: the last one is implied
    shortened.writeBigUInt64LE(5n, 0);
    const withoutLast = Buffer.concat([shortened.subarray(0, 8 + 8 * 5), shortened.subarray(56)]);
    // rewrite offsets to account for the 8 bytes removed from the head
    for (let i = 0; i < 5; i++) withoutLast.writeBigUInt64LE(BigInt(Number(plain.readBigUInt64LE(8 + 8 * i)) - 8), 8 + 8 * i);
    assert.deepEqual(decodeFrame(withoutLast, 'v1', true).content, { execution_state: 'idle' });
  });

  it('legacy: text frames, and binary frames when a message has buffers (big-endian u32 offsets)', () => {
    const msg = makeMessage('shell', 'execute_request', { code: 'print(1)' }, 's');
    const text = encodeMessage(msg, 'legacy');
    assert.equal(typeof text, 'string');
    assert.deepEqual(decodeFrame(text, 'legacy', false).content, { code: 'print(1)' });

    const withBuffers = makeMessage('shell', 'comm_msg', { comm_id: 'c' }, 's', { buffers: [Buffer.from([0, 1, 2])] });
    const bin = encodeMessage(withBuffers, 'legacy') as Buffer;
    assert.equal(bin.readUInt32BE(0), 2);
    const back = decodeFrame(bin, 'legacy', true);
    assert.deepEqual([...back.buffers[0]], [0, 1, 2]);
    assert.equal(back.header.msg_type, 'comm_msg');
  });

  it('decodes every recorded legacy frame from jupyter_server 1.23 and notebook 6.4 as the server sent it', () => {
    let decoded = 0;
    for (const file of ['js_legacy_basic.json', 'js_legacy_rich.json', 'js_legacy_stdin.json', 'nb_legacy_basic.json', 'nb_legacy_rich.json', 'js_legacy_die.json', 'nb_legacy_restart.json']) {
      const events = JSON.parse(readFileSync(frameFile(file), 'utf8')) as Recorded[];
      for (const e of events.filter((x) => x.dir === 'recv')) {
        const data = e.data as Record<string, unknown> & { buffers?: string[] };
        const wire = { ...data, buffers: undefined };
        const text = JSON.stringify(wire);
        const buffers = (data.buffers ?? []).map((b) => Buffer.from(b, 'base64'));
        const frame = buffers.length ? legacyBinary(text, buffers) : text;
        const msg = decodeFrame(frame, 'legacy', buffers.length > 0);
        assert.equal(msg.header.msg_type, (data.header as { msg_type: string }).msg_type);
        assert.equal(msg.channel, data.channel);
        assert.deepEqual(msg.content, data.content);
        decoded++;
      }
    }
    assert.ok(decoded > 50, `decoded ${decoded} frames`);
  });

  it('rejects malformed frames with FrameError, never another exception', () => {
    const bad: [Buffer | string, 'v1' | 'legacy', boolean][] = [
      ['not json', 'legacy', false],
      ['[1,2]', 'legacy', false],
      ['{"channel":"shell"}', 'legacy', false],
      ['{"channel":"nope","header":{"msg_type":"x"}}', 'legacy', false],
      [Buffer.alloc(3), 'v1', true],
      [Buffer.from([255, 255, 255, 255, 255, 255, 255, 127]), 'v1', true],
      [Buffer.alloc(3), 'legacy', true],
      [Buffer.from([0, 0, 0, 9, 0, 0, 0, 0]), 'legacy', true],
    ];
    for (const [frame, format, binary] of bad) assert.throws(() => decodeFrame(frame, format, binary), FrameError);
    // random bytes: FrameError or a message, nothing else
    for (let i = 0; i < 2000; i++) {
      const len = (i * 7919) % 300;
      const buf = Buffer.from(Array.from({ length: len }, (_, j) => (i * 31 + j * 17) % 256));
      for (const format of ['v1', 'legacy'] as const) {
        try {
          const m = decodeFrame(buf, format, true);
          void m.content;
        } catch (e) {
          assert.ok(e instanceof FrameError, String(e));
        }
      }
    }
  });

  it('fuzz: mutated real v1 and legacy frames decode to a message or a FrameError; reading content never throws', () => {
    const seeds: [Buffer | string, 'v1' | 'legacy', boolean][] = [
      [encodeMessage(makeMessage('iopub', 'stream', { name: 'stdout', text: 'hello\n' }, 'k_1_2'), 'v1') as Buffer, 'v1', true],
      [encodeMessage(makeMessage('iopub', 'comm_msg', { comm_id: 'c', data: {} }, 's', { buffers: [Buffer.from([1, 2, 3])] }), 'v1') as Buffer, 'v1', true],
      [encodeMessage(makeMessage('shell', 'execute_reply', { status: 'ok', execution_count: 3 }, 's'), 'legacy') as string, 'legacy', false],
      [encodeMessage(makeMessage('iopub', 'display_data', { data: { 'image/png': 'AA==' } }, 's', { buffers: [Buffer.from('xy')] }), 'legacy') as Buffer, 'legacy', true],
    ];
    const contentErrors: string[] = [];
    let inputs = 0;
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.nat(8), fc.uint8Array({ maxLength: 8 })), { maxLength: 6 }), ([seed, format, binary], edits) => {
        let buf = Buffer.from(seed);
        for (const [pos, len, insert] of edits) {
          const at = pos % (buf.length + 1);
          buf = Buffer.concat([buf.subarray(0, at), Buffer.from(insert), buf.subarray(at + len)]);
        }
        inputs++;
        let msg;
        try {
          msg = decodeFrame(binary ? buf : buf.toString('utf8'), format, binary, { onContentError: (m) => contentErrors.push(m) });
        } catch (e) {
          assert.ok(e instanceof FrameError, String(e));
          return;
        }
        assert.equal(typeof msg.header.msg_type, 'string');
        assert.equal(typeof msg.content, 'object');
        assert.ok(msg.content !== null && !Array.isArray(msg.content));
      }),
      { numRuns: 5000 },
    );
    assert.equal(inputs, 5000);
  });

  it('reads the kernel message counter from jupyter_client ≥ 7 msg_ids', () => {
    assert.deepEqual(messageSequence('fef7cc3d-b3139c7e32baa066f96da01c_7864_9'), { source: 'fef7cc3d-b3139c7e32baa066f96da01c_7864', n: 9 });
    assert.equal(messageSequence('159442b7-2340-462e-b730-de70d8c0ef0e'), undefined);
  });
});

function legacyBinary(json: string, buffers: Buffer[]): Buffer {
  const parts = [Buffer.from(json), ...buffers];
  const head = Buffer.alloc(4 * (parts.length + 1));
  head.writeUInt32BE(parts.length, 0);
  let at = head.length;
  parts.forEach((p, i) => {
    head.writeUInt32BE(at, 4 * (i + 1));
    at += p.length;
  });
  return Buffer.concat([head, ...parts]);
}
