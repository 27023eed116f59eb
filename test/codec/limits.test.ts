import { strict as assert } from 'node:assert';
import {
  CodecError, decodeRequest, decodeResponse, encodeRequest, encodeResponse, type ModbusRequest, type ModbusResponse,
} from '../../src/codec';

/** Assert `fn` throws a CodecError carrying `exceptionCode` (undefined: any CodecError). */
function throwsCodec(fn: () => unknown, exceptionCode?: number): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof CodecError, `expected CodecError, got ${String(e)}`);
    if (exceptionCode !== undefined) assert.equal(e.exceptionCode, exceptionCode, e.message);
    return true;
  });
}

const u16 = (v: number): number[] => [v >>> 8, v & 0xff];
const req = (bytes: number[]): ReturnType<typeof decodeRequest> => decodeRequest(Buffer.from(bytes));
const ILLEGAL_FUNCTION = 0x01;
const ADDRESS = 0x02;
const VALUE = 0x03;

describe('codec limits: reads of bits, FC 1 and 2 (1..2000)', () => {
  for (const fc of [1, 2] as const) {
    it(`FC ${fc}: 2000 is the maximum, 2001 and 0 are exception 03 (server) and refused (client)`, () => {
      assert.deepEqual(req([fc, 0, 0, ...u16(2000)]), { fc, address: 0, quantity: 2000 });
      throwsCodec(() => req([fc, 0, 0, ...u16(2001)]), VALUE);
      throwsCodec(() => req([fc, 0, 0, ...u16(0)]), VALUE);
      encodeRequest({ fc, address: 0, quantity: 2000 });
      throwsCodec(() => encodeRequest({ fc, address: 0, quantity: 2001 }), VALUE);
      throwsCodec(() => encodeRequest({ fc, address: 0, quantity: 0 }), VALUE);
      throwsCodec(() => encodeRequest({ fc, address: 0, quantity: 1.5 }), VALUE);
    });
    it(`FC ${fc}: address + quantity may reach 0x10000, not pass it (02)`, () => {
      assert.deepEqual(req([fc, ...u16(0x10000 - 2000), ...u16(2000)]), { fc, address: 0x10000 - 2000, quantity: 2000 });
      throwsCodec(() => req([fc, ...u16(0x10000 - 1999), ...u16(2000)]), ADDRESS);
      throwsCodec(() => req([fc, 0xff, 0xff, 0, 2]), ADDRESS);
      throwsCodec(() => encodeRequest({ fc, address: 0xffff, quantity: 2 }), ADDRESS);
      throwsCodec(() => encodeRequest({ fc, address: 0x10000, quantity: 1 }), ADDRESS);
      throwsCodec(() => encodeRequest({ fc, address: -1, quantity: 1 }), ADDRESS);
    });
    it(`FC ${fc}: quantity is checked before address (03 before 02)`, () => {
      throwsCodec(() => req([fc, 0xff, 0xff, ...u16(2001)]), VALUE);
    });
    it(`FC ${fc}: response bit count 1..2000`, () => {
      encodeResponse({ fc, values: new Array<boolean>(2000).fill(true) });
      throwsCodec(() => encodeResponse({ fc, values: new Array<boolean>(2001).fill(true) }));
      throwsCodec(() => encodeResponse({ fc, values: [] }));
      throwsCodec(() => decodeResponse(Buffer.from([fc, 251, ...new Array<number>(251).fill(0)])));
    });
  }
  it('a request PDU of the wrong length is exception 03', () => {
    throwsCodec(() => req([1, 0, 0, 0]), VALUE);
    throwsCodec(() => req([1, 0, 0, 0, 1, 0]), VALUE);
  });
});

describe('codec limits: reads of registers, FC 3 and 4 (1..125)', () => {
  for (const fc of [3, 4] as const) {
    it(`FC ${fc}: 125 is the maximum, 126 and 0 are exception 03`, () => {
      assert.deepEqual(req([fc, 0, 0, ...u16(125)]), { fc, address: 0, quantity: 125 });
      throwsCodec(() => req([fc, 0, 0, ...u16(126)]), VALUE);
      throwsCodec(() => req([fc, 0, 0, ...u16(0)]), VALUE);
      throwsCodec(() => encodeRequest({ fc, address: 0, quantity: 126 }), VALUE);
      throwsCodec(() => encodeRequest({ fc, address: 0, quantity: 0 }), VALUE);
    });
    it(`FC ${fc}: address + quantity past 0xFFFF is exception 02, checked after the quantity`, () => {
      assert.deepEqual(req([fc, ...u16(0xffff - 124), ...u16(125)]), { fc, address: 0xffff - 124, quantity: 125 });
      throwsCodec(() => req([fc, ...u16(0xffff - 123), ...u16(125)]), ADDRESS);
      throwsCodec(() => req([fc, ...u16(0xffff), ...u16(126)]), VALUE);
      throwsCodec(() => encodeRequest({ fc, address: 0xffff, quantity: 2 }), ADDRESS);
    });
    it(`FC ${fc}: response of 125 registers is the maximum`, () => {
      const values = new Array<number>(125).fill(0xbeef);
      const pdu = encodeResponse({ fc, values });
      assert.equal(pdu.length, 252);
      assert.deepEqual(decodeResponse(pdu, 0, pdu.length, { fc, address: 0, quantity: 125 }), { fc, values });
      throwsCodec(() => encodeResponse({ fc, values: [...values, 1] }));
      throwsCodec(() => encodeResponse({ fc, values: [] }));
      throwsCodec(() => encodeResponse({ fc, values: [0x10000] }));
      throwsCodec(() => encodeResponse({ fc, values: [-1] }));
      throwsCodec(() => decodeResponse(Buffer.from([fc, 3, 0, 0, 0])));
      throwsCodec(() => decodeResponse(Buffer.from([fc, 0])));
    });
  }
});

describe('codec limits: single writes, FC 5 and 6', () => {
  it('FC 5: the value is 0x0000 or 0xFF00 only; anything else is exception 03', () => {
    assert.deepEqual(req([5, 0, 1, 0xff, 0x00]), { fc: 5, address: 1, value: true });
    assert.deepEqual(req([5, 0, 1, 0x00, 0x00]), { fc: 5, address: 1, value: false });
    for (const v of [0x0001, 0x00ff, 0xff01, 0xffff, 0x0100]) throwsCodec(() => req([5, 0, 1, ...u16(v)]), VALUE);
    throwsCodec(() => decodeResponse(Buffer.from([5, 0, 1, 0x12, 0x34])));
  });
  it('FC 5 and 6: addresses and values must be 16-bit integers', () => {
    throwsCodec(() => encodeRequest({ fc: 5, address: 0x10000, value: true }));
    throwsCodec(() => encodeRequest({ fc: 6, address: 0, value: 0x10000 }));
    throwsCodec(() => encodeRequest({ fc: 6, address: 0, value: 1.5 }));
    throwsCodec(() => encodeResponse({ fc: 6, address: -1, value: 0 }));
  });
});

describe('codec limits: FC 15 write multiple coils (1..1968, byte count ceil(N/8))', () => {
  const frame = (address: number, n: number, byteCount = (n + 7) >>> 3, dataBytes = byteCount): number[] =>
    [0x0f, ...u16(address), ...u16(n), byteCount, ...new Array<number>(dataBytes).fill(0xff)];
  it('1968 coils is the maximum (246 data bytes, 252-byte PDU)', () => {
    const r = req(frame(0, 1968));
    assert.ok('values' in r && r.values.length === 1968);
    assert.equal(encodeRequest({ fc: 15, address: 0, values: new Array<boolean>(1968).fill(true) }).length, 252);
  });
  it('1969 coils and 0 coils are exception 03', () => {
    throwsCodec(() => req(frame(0, 1969)), VALUE);
    throwsCodec(() => req(frame(0, 0, 0, 1)), VALUE);
    throwsCodec(() => encodeRequest({ fc: 15, address: 0, values: new Array<boolean>(1969).fill(true) }), VALUE);
    throwsCodec(() => encodeRequest({ fc: 15, address: 0, values: [] }), VALUE);
  });
  it('a byte count other than ceil(N/8), or data bytes that disagree with it, are exception 03', () => {
    throwsCodec(() => req(frame(0, 9, 1, 1)), VALUE);
    throwsCodec(() => req(frame(0, 8, 2, 2)), VALUE);
    throwsCodec(() => req(frame(0, 16, 2, 3)), VALUE);
    throwsCodec(() => req(frame(0, 16, 2, 1)), VALUE);
  });
  it('address + quantity past 0xFFFF is exception 02, after the counts', () => {
    assert.ok(!('unknown' in req(frame(0x10000 - 16, 16))));
    throwsCodec(() => req(frame(0x10000 - 15, 16)), ADDRESS);
    throwsCodec(() => req(frame(0xffff, 16, 3)), VALUE);
  });
  it('the response echo is checked the same way', () => {
    throwsCodec(() => encodeResponse({ fc: 15, address: 0, quantity: 1969 }), VALUE);
    throwsCodec(() => encodeResponse({ fc: 15, address: 0xffff, quantity: 2 }), ADDRESS);
  });
});

describe('codec limits: FC 16 write multiple registers (1..123, byte count 2N)', () => {
  const frame = (address: number, n: number, byteCount = 2 * n, dataBytes = byteCount): number[] =>
    [0x10, ...u16(address), ...u16(n), byteCount, ...new Array<number>(dataBytes).fill(0x11)];
  it('123 registers is the maximum (252-byte PDU); 124 and 0 are exception 03', () => {
    const r = req(frame(0, 123));
    assert.ok('values' in r && r.values.length === 123);
    assert.equal(encodeRequest({ fc: 16, address: 0, values: new Array<number>(123).fill(1) }).length, 252);
    throwsCodec(() => req(frame(0, 124, 248)), VALUE);
    throwsCodec(() => req(frame(0, 0, 0, 2)), VALUE);
    throwsCodec(() => encodeRequest({ fc: 16, address: 0, values: new Array<number>(124).fill(1) }), VALUE);
  });
  it('a byte count other than 2N is exception 03', () => {
    throwsCodec(() => req(frame(0, 2, 3, 3)), VALUE);
    throwsCodec(() => req(frame(0, 2, 4, 5)), VALUE);
  });
  it('address + quantity past 0xFFFF is exception 02', () => {
    throwsCodec(() => req(frame(0xffff, 2)), ADDRESS);
    throwsCodec(() => encodeRequest({ fc: 16, address: 0xffff, values: [1, 2] }), ADDRESS);
  });
});

describe('codec limits: FC 23 read/write multiple registers (read 1..125, write 1..121)', () => {
  const frame = (ra: number, rq: number, wa: number, wq: number, byteCount = 2 * wq): number[] =>
    [0x17, ...u16(ra), ...u16(rq), ...u16(wa), ...u16(wq), byteCount, ...new Array<number>(byteCount).fill(0)];
  it('read 125 and write 121 are the maxima', () => {
    assert.ok(!('unknown' in req(frame(0, 125, 0, 121))));
    assert.equal(encodeRequest({ fc: 23, readAddress: 0, readQuantity: 125, writeAddress: 0, values: new Array<number>(121).fill(0) }).length, 252);
  });
  it('read 126, write 122, and zero of either are exception 03', () => {
    throwsCodec(() => req(frame(0, 126, 0, 1)), VALUE);
    throwsCodec(() => req(frame(0, 1, 0, 122)), VALUE);
    throwsCodec(() => req(frame(0, 0, 0, 1)), VALUE);
    throwsCodec(() => req(frame(0, 1, 0, 0, 0).concat([0, 0])), VALUE);
    throwsCodec(() => encodeRequest({ fc: 23, readAddress: 0, readQuantity: 126, writeAddress: 0, values: [1] }), VALUE);
    throwsCodec(() => encodeRequest({ fc: 23, readAddress: 0, readQuantity: 1, writeAddress: 0, values: new Array<number>(122).fill(0) }), VALUE);
  });
  it('a write byte count other than 2N is exception 03', () => {
    throwsCodec(() => req(frame(0, 1, 0, 2, 3)), VALUE);
  });
  it('either range past 0xFFFF is exception 02', () => {
    throwsCodec(() => req(frame(0xffff, 2, 0, 1)), ADDRESS);
    throwsCodec(() => req(frame(0, 1, 0xffff, 2)), ADDRESS);
  });
  it('the response holds 1..125 registers', () => {
    throwsCodec(() => encodeResponse({ fc: 23, values: new Array<number>(126).fill(0) }));
    throwsCodec(() => decodeResponse(Buffer.from([0x17, 0x04, 0, 1, 0, 2]), 0, 6, { fc: 23, readAddress: 0, readQuantity: 1, writeAddress: 0, values: [1] }));
  });
});

describe('codec limits: FC 24 read FIFO queue (at most 31)', () => {
  it('31 values is the maximum; 32 is exception 03 for the server', () => {
    const values = new Array<number>(31).fill(7);
    const pdu = encodeResponse({ fc: 24, values });
    assert.deepEqual(decodeResponse(pdu), { fc: 24, values });
    throwsCodec(() => encodeResponse({ fc: 24, values: [...values, 7] }), VALUE);
    const over = [0x18, ...u16(66), ...u16(32), ...new Array<number>(64).fill(0)];
    throwsCodec(() => decodeResponse(Buffer.from(over)));
  });
  it('byte count and FIFO count must agree with the PDU', () => {
    throwsCodec(() => decodeResponse(Buffer.from([0x18, 0, 4, 0, 2, 0, 1, 0, 2])));
    throwsCodec(() => decodeResponse(Buffer.from([0x18, 0, 6, 0, 2, 0, 1])));
    throwsCodec(() => req([0x18, 0]), VALUE);
  });
});

describe('codec limits: FC 20 read file record (byte count 0x07..0xF5)', () => {
  const sub = (type: number, file: number, record: number, length: number): number[] => [type, ...u16(file), ...u16(record), ...u16(length)];
  const frame = (subs: number[][], byteCount = subs.flat().length): number[] => [0x14, byteCount, ...subs.flat()];
  it('35 sub-requests (0xF5 bytes) is the maximum; 36 is exception 03', () => {
    const refs = new Array(35).fill(0).map(() => sub(6, 1, 0, 1));
    assert.ok(!('unknown' in req(frame(refs))));
    throwsCodec(() => req(frame([...refs, sub(6, 1, 0, 1)])), VALUE);
    const references = new Array(35).fill(0).map(() => ({ fileNumber: 1, recordNumber: 0, recordLength: 1 }));
    assert.equal(encodeRequest({ fc: 20, references }).length, 2 + 0xf5);
    throwsCodec(() => encodeRequest({ fc: 20, references: [...references, references[0]] }), VALUE);
    throwsCodec(() => encodeRequest({ fc: 20, references: [] }), VALUE);
  });
  it('a byte count below 7, not a multiple of 7, or disagreeing with the PDU is exception 03', () => {
    throwsCodec(() => req([0x14, 0]), VALUE);
    throwsCodec(() => req([0x14, 6, 6, 0, 1, 0, 0, 0]), VALUE);
    throwsCodec(() => req(frame([sub(6, 1, 0, 1)], 8)), VALUE);
  });
  it('reference type not 6, file 0, record past 9999 are exception 02', () => {
    throwsCodec(() => req(frame([sub(5, 1, 0, 1)])), ADDRESS);
    throwsCodec(() => req(frame([sub(6, 0, 0, 1)])), ADDRESS);
    throwsCodec(() => req(frame([sub(6, 1, 0x2710, 1)])), ADDRESS);
    throwsCodec(() => req(frame([sub(6, 1, 0x270f, 2)])), ADDRESS);
    assert.ok(!('unknown' in req(frame([sub(6, 0xffff, 0x270f, 1)]))));
  });
  it('a request whose response could not fit in a PDU is exception 03', () => {
    throwsCodec(() => req(frame([sub(6, 1, 0, 100), sub(6, 1, 0, 100)])), VALUE);
    assert.ok(!('unknown' in req(frame([sub(6, 1, 0, 124)]))));
    throwsCodec(() => req(frame([sub(6, 1, 0, 125)])), VALUE);
  });
  it('the response data length is at most 0xF5', () => {
    throwsCodec(() => encodeResponse({ fc: 20, records: [new Array<number>(122).fill(0)] }));
    throwsCodec(() => decodeResponse(Buffer.from([0x14, 0x04, 0x04, 0x06, 0x00, 0x01])));
    throwsCodec(() => decodeResponse(Buffer.from([0x14, 0x04, 0x03, 0x05, 0x00, 0x01])));
  });
});

describe('codec limits: FC 21 write file record (byte count 0x09..0xFB)', () => {
  const rec = (n: number): { fileNumber: number; recordNumber: number; values: number[] } => ({ fileNumber: 1, recordNumber: 0, values: new Array<number>(n).fill(0x0102) });
  it('one register (0x09) and 122 registers (0xFB) are the bounds', () => {
    for (const n of [1, 122]) {
      const pdu = encodeRequest({ fc: 21, records: [rec(n)] });
      assert.equal(pdu[1], 7 + 2 * n);
      assert.deepEqual(decodeRequest(pdu), { fc: 21, records: [rec(n)] });
    }
    throwsCodec(() => encodeRequest({ fc: 21, records: [rec(123)] }), VALUE);
    throwsCodec(() => encodeRequest({ fc: 21, records: [] }), VALUE);
  });
  it('a data length below 9 or disagreeing with the sub-requests is exception 03', () => {
    throwsCodec(() => req([0x15, 7, 6, 0, 1, 0, 0, 0, 0]), VALUE);
    throwsCodec(() => req([0x15, 9, 6, 0, 1, 0, 0, 0, 2, 0, 1]), VALUE);
    throwsCodec(() => req([0x15, 10, 6, 0, 1, 0, 0, 0, 1, 0, 1]), VALUE);
  });
  it('reference type not 6 and record past 9999 are exception 02', () => {
    throwsCodec(() => req([0x15, 9, 7, 0, 1, 0, 0, 0, 1, 0, 1]), ADDRESS);
    throwsCodec(() => req([0x15, 9, 6, 0, 1, ...u16(0x2710), 0, 1, 0, 1]), ADDRESS);
  });
});

describe('codec limits: FC 8 diagnostics', () => {
  it('an unknown sub-function is exception 01', () => {
    throwsCodec(() => req([0x08, 0x00, 0x05, 0x00, 0x00]), ILLEGAL_FUNCTION);
    throwsCodec(() => req([0x08, 0x00, 0x13, 0x00, 0x00]), ILLEGAL_FUNCTION);
    throwsCodec(() => encodeRequest({ fc: 8, subFunction: 0x13, data: [0] }));
  });
  it('data the sub-function does not allow is exception 03', () => {
    throwsCodec(() => req([0x08, 0x00, 0x01, 0x12, 0x34]), VALUE);
    throwsCodec(() => req([0x08, 0x00, 0x03, 0x0a, 0x01]), VALUE);
    throwsCodec(() => req([0x08, 0x00, 0x0a, 0x00, 0x01]), VALUE);
    throwsCodec(() => req([0x08, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x00]), VALUE);
    throwsCodec(() => req([0x08, 0x00, 0x00, 0x01]), VALUE);
  });
  it('return query data may carry up to 125 words (a 253-byte PDU)', () => {
    const data = new Array<number>(125).fill(0x5555);
    assert.equal(encodeRequest({ fc: 8, subFunction: 0, data }).length, 253);
    throwsCodec(() => encodeRequest({ fc: 8, subFunction: 0, data: [...data, 1] }), VALUE);
  });
  it('responses other than return query data carry one word', () => {
    throwsCodec(() => encodeResponse({ fc: 8, subFunction: 2, data: [] }));
    throwsCodec(() => decodeResponse(Buffer.from([0x08, 0x00, 0x0b, 0x00, 0x01, 0x00, 0x02])));
  });
});

describe('codec limits: FC 43/14 read device identification', () => {
  it('read device id codes 1..4; 0 and 5 are exception 03', () => {
    for (const code of [1, 2, 3, 4]) assert.ok(!('unknown' in req([0x2b, 0x0e, code, 0])));
    throwsCodec(() => req([0x2b, 0x0e, 0, 0]), VALUE);
    throwsCodec(() => req([0x2b, 0x0e, 5, 0]), VALUE);
    throwsCodec(() => encodeRequest({ fc: 0x2b, meiType: 0x0e, readDeviceIdCode: 5 as 1, objectId: 0 }), VALUE);
  });
  it('more follows must be 00 or FF; objects must fit the PDU exactly', () => {
    throwsCodec(() => decodeResponse(Buffer.from([0x2b, 0x0e, 1, 1, 0x01, 0, 0])));
    throwsCodec(() => decodeResponse(Buffer.from([0x2b, 0x0e, 1, 1, 0, 0, 1, 0, 5, 0x41])));
    throwsCodec(() => decodeResponse(Buffer.from([0x2b, 0x0e, 1, 1, 0, 0, 0, 0])));
  });
  it('object values must be Latin-1 and fit the PDU', () => {
    const base: ModbusResponse = { fc: 0x2b, meiType: 0x0e, readDeviceIdCode: 1, conformityLevel: 1, moreFollows: false, nextObjectId: 0, objects: [] };
    throwsCodec(() => encodeResponse({ ...base, objects: [{ id: 0, value: '\u20ac' }] }));
    encodeResponse({ ...base, objects: [{ id: 0, value: 'x'.repeat(244) }] });
    throwsCodec(() => encodeResponse({ ...base, objects: [{ id: 0, value: 'x'.repeat(245) }] }));
  });
});

describe('codec limits: PDU size and serial-line counts', () => {
  it('a request PDU of more than 253 bytes is exception 03', () => {
    throwsCodec(() => decodeRequest(Buffer.alloc(254, 0x08)), VALUE);
    throwsCodec(() => decodeRequest(Buffer.from([0x03, ...new Array<number>(253).fill(0)])), VALUE);
    throwsCodec(() => decodeResponse(Buffer.from([0x03, 252, ...new Array<number>(252).fill(0)])));
  });
  it('FC 12 carries at most 64 events; FC 7, 11, 12 and 17 requests are the function code alone', () => {
    encodeResponse({ fc: 12, status: 0, eventCount: 0, messageCount: 0, events: new Array<number>(64).fill(1) });
    throwsCodec(() => encodeResponse({ fc: 12, status: 0, eventCount: 0, messageCount: 0, events: new Array<number>(65).fill(1) }));
    for (const fc of [7, 11, 12, 17]) throwsCodec(() => req([fc, 0]), VALUE);
  });
  it('an empty PDU is refused', () => {
    throwsCodec(() => decodeRequest(Buffer.alloc(0)));
    throwsCodec(() => decodeResponse(Buffer.from([3])));
  });
  it('encoders refuse bytes that would be truncated', () => {
    throwsCodec(() => encodeResponse({ fc: 7, status: 256 }));
    throwsCodec(() => encodeResponse({ fc: 17, serverId: [256], runIndicator: true, additionalData: [] }));
    throwsCodec(() => encodeRequest({ fc: 22, address: 0, andMask: 0x10000, orMask: 0 } as ModbusRequest));
  });
});
