/**
 * CRC-16/MODBUS (poly 0xA001 reflected, init 0xFFFF), sent low byte first. Table driven, two bytes
 * per step: the CRC is reflected, so after XORing two data bytes (low byte first) into the 16-bit
 * register, the next two byte-steps depend on the register alone, and PAIR holds their result
 * for all 65536 values (128 KiB, built once). Odd tails use the classic 256-entry byte table.
 */
const BYTE = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
  BYTE[i] = c;
}
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
  const pairs = stop - 1;
  for (; i < pairs; i += 2) c = PAIR[c ^ data[i] ^ (data[i + 1] << 8)];
  if (i < stop) c = (c >>> 8) ^ BYTE[(c ^ data[i]) & 0xff];
  return c;
}

/** Feed one more byte into a running CRC. */
export function crc16Step(crc: number, byte: number): number {
  return (crc >>> 8) ^ BYTE[(crc ^ byte) & 0xff];
}
