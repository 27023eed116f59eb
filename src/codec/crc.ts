/**
 * CRC-16/MODBUS (poly 0xA001 reflected, init 0xFFFF), sent low byte first. Table driven:
 *
 * - BYTE is the classic 256-entry table: one byte per step.
 * - SLICE[k] is the register after one byte followed by k zero bytes. Because the CRC is linear,
 *   eight bytes fold in with eight lookups that do not wait on each other (slicing-by-8), the
 *   register only touching the first two: the fast path for long frames (FC 3 of 125 registers).
 * - PAIR holds two byte-steps for every 16-bit register value (128 KiB): the CRC is reflected,
 *   so after XORing two data bytes (low first) into the register, the next two steps depend on
 *   the register alone. One lookup per two bytes, best for short frames and tails.
 */
const BYTE = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
  BYTE[i] = c;
}
const SLICE: Uint16Array[] = [BYTE];
for (let k = 1; k < 8; k++) {
  const prev = SLICE[k - 1];
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) t[i] = (prev[i] >>> 8) ^ BYTE[prev[i] & 0xff];
  SLICE.push(t);
}
const [S0, S1, S2, S3, S4, S5, S6, S7] = SLICE;
const PAIR = new Uint16Array(65536);
for (let v = 0; v < 65536; v++) {
  const c = (v >>> 8) ^ BYTE[v & 0xff];
  PAIR[v] = (c >>> 8) ^ BYTE[c & 0xff];
}

/** CRC-16/MODBUS of `data[start..end)`; `crc` continues a running CRC. */
export function crc16(data: Uint8Array, start?: number, end?: number, crc?: number): number {
  let i = start ?? 0;
  const stop = end ?? data.length;
  let c = crc ?? 0xffff;
  for (const blocks = stop - 7; i < blocks; i += 8) {
    const x = c ^ data[i] ^ (data[i + 1] << 8);
    c = S7[x & 0xff] ^ S6[x >>> 8] ^ S5[data[i + 2]] ^ S4[data[i + 3]] ^ S3[data[i + 4]] ^ S2[data[i + 5]] ^ S1[data[i + 6]] ^ S0[data[i + 7]];
  }
  for (const pairs = stop - 1; i < pairs; i += 2) c = PAIR[c ^ data[i] ^ (data[i + 1] << 8)];
  if (i < stop) c = (c >>> 8) ^ BYTE[(c ^ data[i]) & 0xff];
  return c;
}

/** Feed one more byte into a running CRC. */
export function crc16Step(crc: number, byte: number): number {
  return (crc >>> 8) ^ BYTE[(crc ^ byte) & 0xff];
}
