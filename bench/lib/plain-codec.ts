/**
 * The codec bench's yardstick: an FC 3 read written by hand for this one function code, the way
 * a competent engineer would write it inline with Buffer's own readers and writers. It checks what
 * a server must check (MBAP protocol id and length, the RTU CRC, the quantity's limits) and nothing
 * more, so a general codec that keeps up with it costs nothing for being general.
 */

const CRC_TABLE = ((): Uint16Array => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
    t[i] = c;
  }
  return t;
})();

/** CRC-16/MODBUS, the textbook byte-at-a-time table. */
function crc(buf: Buffer, end: number): number {
  let c = 0xffff;
  for (let i = 0; i < end; i++) c = (c >>> 8) ^ CRC_TABLE[(c ^ buf[i]) & 0xff];
  return c;
}

export interface PlainRead { unitId: number; transactionId: number; address: number; quantity: number }

/** Client: the FC 3 request ADU. */
export function plainRequest(rtu: boolean, unitId: number, transactionId: number, address: number, quantity: number): Buffer {
  if (rtu) {
    const b = Buffer.allocUnsafe(8);
    b[0] = unitId;
    b[1] = 3;
    b.writeUInt16BE(address, 2);
    b.writeUInt16BE(quantity, 4);
    b.writeUInt16LE(crc(b, 6), 6);
    return b;
  }
  const b = Buffer.allocUnsafe(12);
  b.writeUInt16BE(transactionId, 0);
  b.writeUInt16BE(0, 2);
  b.writeUInt16BE(6, 4);
  b[6] = unitId;
  b[7] = 3;
  b.writeUInt16BE(address, 8);
  b.writeUInt16BE(quantity, 10);
  return b;
}

/** Server: parse one whole FC 3 request ADU, or throw. */
export function plainIndication(rtu: boolean, b: Buffer): PlainRead {
  let o: number;
  let transactionId = 0;
  if (rtu) {
    if (b.length !== 8 || crc(b, 6) !== b.readUInt16LE(6)) throw new Error('bad RTU frame');
    o = 0;
  } else {
    if (b.length < 12 || b.readUInt16BE(2) !== 0 || b.readUInt16BE(4) !== b.length - 6) throw new Error('bad MBAP header');
    transactionId = b.readUInt16BE(0);
    o = 6;
  }
  if (b[o + 1] !== 3) throw new Error('not FC 3');
  const quantity = b.readUInt16BE(o + 4);
  if (quantity < 1 || quantity > 125) throw new Error('quantity out of range');
  return { unitId: b[o], transactionId, address: b.readUInt16BE(o + 2), quantity };
}

/** Server: the FC 3 response ADU, read straight from the register store. */
export function plainResponse(rtu: boolean, ind: PlainRead, store: Uint16Array): Buffer {
  const n = ind.quantity;
  const head = rtu ? 0 : 6;
  const b = Buffer.allocUnsafe(head + 3 + 2 * n + (rtu ? 2 : 0));
  if (!rtu) {
    b.writeUInt16BE(ind.transactionId, 0);
    b.writeUInt16BE(0, 2);
    b.writeUInt16BE(3 + 2 * n, 4);
  }
  b[head] = ind.unitId;
  b[head + 1] = 3;
  b[head + 2] = 2 * n;
  // Byte stores rather than writeUInt16BE: the faster way, so the yardstick is no straw man.
  for (let i = 0, o = head + 3, a = ind.address; i < n; i++, o += 2) {
    const v = store[a + i];
    b[o] = v >>> 8;
    b[o + 1] = v & 0xff;
  }
  if (rtu) b.writeUInt16LE(crc(b, b.length - 2), b.length - 2);
  return b;
}

/** Client: the register values of an FC 3 response ADU, checked against the request. */
export function plainConfirmation(rtu: boolean, b: Buffer, quantity: number): { transactionId: number; values: number[] } {
  const head = rtu ? 0 : 6;
  if (rtu ? crc(b, b.length - 2) !== b.readUInt16LE(b.length - 2) : b.readUInt16BE(4) !== b.length - 6) throw new Error('bad frame');
  if (b[head + 1] !== 3 || b[head + 2] !== 2 * quantity) throw new Error('not the answer to this request');
  const values = new Array<number>(quantity);
  for (let i = 0, o = head + 3; i < quantity; i++, o += 2) values[i] = (b[o] << 8) | b[o + 1];
  return { transactionId: rtu ? 0 : b.readUInt16BE(0), values };
}
