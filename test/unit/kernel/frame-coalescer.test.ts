import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import fc from 'fast-check';
import WebSocket, { WebSocketServer } from 'ws';
import { FrameCoalescer, coalesceLargeFrames } from '../../../src/core/kernel/frame-coalescer';

/** A server→client frame (unmasked unless asked), its length in the shortest form RFC 6455 allows. */
function frame(opcode: number, payload: Buffer, fin = true, mask?: Buffer): Buffer {
  const n = payload.length;
  const lengthBytes = n < 126 ? Buffer.from([n]) : n < 65536 ? Buffer.from([126, n >> 8, n & 0xff]) : Buffer.concat([Buffer.from([127]), (() => { const b = Buffer.alloc(8); b.writeUInt32BE(Math.floor(n / 2 ** 32), 0); b.writeUInt32BE(n >>> 0, 4); return b; })()]);
  lengthBytes[0] |= mask ? 0x80 : 0;
  return Buffer.concat([Buffer.from([(fin ? 0x80 : 0) | opcode]), lengthBytes, mask ?? Buffer.alloc(0), payload]);
}

/** Cuts `stream` at the given points (sorted, deduplicated) and feeds the pieces through a coalescer. */
function feed(stream: Buffer, cuts: number[], threshold: number, maxFrame = 1024 * 1024): { out: Buffer[]; held: number } {
  const out: Buffer[] = [];
  const coalescer = new FrameCoalescer((chunk) => out.push(Buffer.from(chunk)), threshold, maxFrame);
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
  let at = 0;
  for (const p of [...points, stream.length]) {
    if (p > at) coalescer.push(stream.subarray(at, p));
    at = Math.max(at, p);
  }
  return { out, held: coalescer.held };
}

const THRESHOLD = 1000;
const arbFrame = fc.record({
  opcode: fc.constantFrom(0, 1, 2, 9, 10),
  size: fc.oneof(fc.integer({ min: 0, max: 125 }), fc.integer({ min: 126, max: 2000 }), fc.integer({ min: 65530, max: 70000 })),
  fin: fc.boolean(),
  masked: fc.boolean(),
});

describe('large WebSocket frames arrive whole (frame coalescer)', () => {
  it('hands on exactly the bytes received, in order, with every large payload in one piece, however the reads are cut', () => {
    fc.assert(
      fc.property(fc.array(arbFrame, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 40 }), (specs, cuts) => {
        const payloads = specs.map((s) => randomBytes(s.size));
        const stream = Buffer.concat(specs.map((s, i) => frame(s.opcode, payloads[i], s.fin, s.masked ? randomBytes(4) : undefined)));
        const { out, held } = feed(stream, cuts, THRESHOLD);
        assert.equal(held, 0);
        assert.ok(Buffer.concat(out).equals(stream), 'the bytes handed on are the bytes received');
        for (const p of payloads.filter((p) => p.length >= THRESHOLD)) {
          assert.ok(out.some((chunk) => chunk.equals(p)), `a ${p.length}-byte payload arrives as one chunk`);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('holds back only the unfinished payload of a large frame, and passes everything through after a length it cannot follow', () => {
    const big = randomBytes(5000);
    const stream = frame(2, big);
    const { out, held } = feed(stream, [3, 10, 2000], THRESHOLD);
    assert.ok(Buffer.concat(out).equals(stream));
    assert.equal(held, 0);
    const partial = feed(stream.subarray(0, 3000), [5, 100], THRESHOLD);
    assert.equal(Buffer.concat(partial.out).length + partial.held, 3000);
    assert.ok(partial.held > 0);

    // A 64-bit length past any real message (2^62): nothing is allocated, every byte goes on as it came.
    const absurd = Buffer.concat([Buffer.from([0x82, 127, 0x40, 0, 0, 0, 0, 0, 0, 0]), randomBytes(3000)]);
    const through = feed(absurd, [1, 4, 11, 1500], THRESHOLD);
    assert.equal(through.held, 0);
    assert.ok(Buffer.concat(through.out).equals(absurd));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), fc.array(fc.nat(), { maxLength: 20 }), (bytes, cuts) => {
        const input = Buffer.from(bytes);
        const { out, held } = feed(input, cuts, THRESHOLD);
        assert.equal(Buffer.concat(out).length + held, input.length);
        assert.ok(Buffer.concat(out).equals(input.subarray(0, input.length - held)), 'random bytes: a prefix handed on unchanged, the rest held as an unfinished frame');
      }),
      { numRuns: 300 },
    );
  });

  it('under a real `ws` client: large, fragmented, control and small messages arrive intact and in order', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as net.AddressInfo;
    const big = randomBytes(6 * 1024 * 1024);
    const text = 'line\n'.repeat(600_000);
    const parts = [randomBytes(1_500_000), randomBytes(2_000_000)];
    server.on('connection', (peer) => {
      peer.send('first');
      peer.send(big);
      peer.ping(Buffer.from('are you there'));
      peer.send(text);
      peer.send(parts[0], { fin: false });
      peer.send(parts[1], { fin: true });
      peer.send('last');
    });
    try {
      let raw: net.Socket | undefined;
      const client = new WebSocket(`ws://127.0.0.1:${port}/`, {
        perMessageDeflate: false,
        createConnection: (options: object) => (raw = net.connect(options as net.NetConnectOpts)),
      });
      client.once('open', () => coalesceLargeFrames(raw!));
      const received: Buffer[] = [];
      let pinged = '';
      client.on('ping', (data) => (pinged = data.toString()));
      await new Promise<void>((resolve, reject) => {
        client.on('error', reject);
        client.on('message', (data: Buffer) => {
          received.push(data);
          if (received.length === 5) resolve();
        });
      });
      client.close();
      assert.equal(received[0].toString(), 'first');
      assert.ok(received[1].equals(big));
      assert.equal(received[2].toString(), text);
      assert.ok(received[3].equals(Buffer.concat(parts)));
      assert.equal(received[4].toString(), 'last');
      assert.equal(pinged, 'are you there');
    } finally {
      for (const peer of server.clients) peer.terminate();
      await new Promise((r) => server.close(r));
    }
  });
});
