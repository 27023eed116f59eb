/**
 * CRC-16/MODBUS (poly 0xA001 reflected, init 0xFFFF), table driven: one lookup per byte instead of
 * eight shift-and-xor steps. Sent low byte first.
 */
const TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
    t[i] = c;
  }
  return t;
})();

/** CRC-16/MODBUS of `data[start..end)`; `crc` continues a running CRC. */
export function crc16(data: Uint8Array, start = 0, end = data.length, crc = 0xffff): number {
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ data[i]) & 0xff];
  return crc;
}

/** Feed one more byte into a running CRC. */
export function crc16Step(crc: number, byte: number): number {
  return (crc >>> 8) ^ TABLE[(crc ^ byte) & 0xff];
}
