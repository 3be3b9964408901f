/**
 * MurmurHash2 (32-bit, x86) over the UTF-8 bytes of a string: what ipykernel names a cell's file
 * with (`ipykernel/compiler.py` `murmur2_x86`, the same in 6.17 and 7.4). The kernel hashes the
 * cell's raw text exactly as it arrived in `execute_request` or `dumpCell`, so the bytes here must be
 * the bytes it got: JSON carries the string, and both sides encode it as UTF-8 (a lone surrogate,
 * which UTF-8 cannot carry, is not a text a cell holds).
 */
export function murmur2(text: string, seed: number): number {
  const data = Buffer.from(text, 'utf8');
  const m = 0x5bd1e995;
  const length = data.length;
  let h = (seed ^ length) >>> 0;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data.readUInt32LE(i);
    k = Math.imul(k, m) >>> 0;
    k = (k ^ (k >>> 24)) >>> 0;
    k = Math.imul(k, m) >>> 0;
    h = (Math.imul(h, m) ^ k) >>> 0;
  }
  const rest = length & 3;
  if (rest) {
    let k = 0;
    if (rest === 3) k |= data[whole + 2] << 16;
    if (rest >= 2) k |= data[whole + 1] << 8;
    k |= data[whole];
    h = Math.imul((h ^ k) >>> 0, m) >>> 0;
  }
  h = (h ^ (h >>> 13)) >>> 0;
  h = Math.imul(h, m) >>> 0;
  return (h ^ (h >>> 15)) >>> 0;
}
