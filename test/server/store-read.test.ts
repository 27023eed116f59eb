import { strict as assert } from 'node:assert';
import {
  CodecError, StoreReadResponse, decodeResponse, encodeResponse, encodeResponseAdu, encodeResponseAduInto, mbap, rtu,
  type ModbusResponse,
} from '../../src/codec';
import { Table, UnitMemory } from '../../src/server/memory';
import { executeOnMemory } from '../../src/server/memory-handler';

/**
 * The memory map answers FC 3/4 with a StoreReadResponse, which the codec encodes by copying the
 * table's big-endian bytes: the bytes must be exactly those of the plain { fc, values } answer,
 * for every quantity (the copy switches from a loop to TypedArray#set at 20 registers), at every
 * offset into the table and through every encode entry point.
 */
const noWrites = (): void => {};

function values(n: number, seed: number): number[] {
  // High and low bytes that differ, 0 and 0xFFFF: a byte swapped or dropped shows.
  return Array.from({ length: n }, (_, i) => (i === 0 ? 0xffff : i === 1 ? 0 : (i * 40503 + seed) & 0xffff));
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

describe('memory map reads encoded straight from the store', () => {
  const start = 100;
  const size = 300;
  const stored = values(size, 7);
  const mem = new UnitMemory({
    holdingRegisters: { start, values: stored },
    inputRegisters: { start, values: stored.map((v) => v ^ 0x5a5a) },
  });

  for (const fc of [0x03, 0x04] as const) {
    for (const quantity of [1, 2, 19, 20, 21, 64, 124, 125]) {
      for (const address of [start, start + 1, start + size - quantity]) {
        it(`FC ${fc}, ${quantity} registers at ${address}: the same bytes as the plain answer, in every framing`, () => {
          const res = executeOnMemory(mem, { fc, address, quantity }, noWrites);
          assert.ok(res instanceof StoreReadResponse, 'the memory map answers from the store');
          const table = fc === 0x03 ? mem.holdingRegisters! : mem.inputRegisters!;
          const plain: ModbusResponse = { fc, values: table.readWords(address, quantity) };
          assert.equal(hex(encodeResponse(res)), hex(encodeResponse(plain)));
          assert.equal(hex(encodeResponse(res, 7, 2)).slice(14, -4), hex(encodeResponse(plain)));
          for (const framing of [mbap, rtu]) {
            const want = encodeResponseAdu(framing, 17, 4242, plain);
            assert.equal(hex(encodeResponseAdu(framing, 17, 4242, res)), hex(want));
            const into = Buffer.alloc(want.length + 5, 0xee);
            assert.equal(encodeResponseAduInto(framing, into, 3, 17, 4242, res), want.length);
            assert.equal(hex(into.subarray(3, 3 + want.length)), hex(want));
            assert.equal(into[2], 0xee);
            assert.equal(into[3 + want.length], 0xee);
          }
          const pdu = encodeResponse(res);
          const back = decodeResponse(pdu, 0, pdu.length, { fc, address, quantity });
          assert.deepEqual(back, plain);
        });
      }
    }
  }

  it('reads as an ordinary ReadRegistersResponse: values, JSON and deepEqual of its fields', () => {
    const res = executeOnMemory(mem, { fc: 3, address: start + 2, quantity: 3 }, noWrites);
    assert.ok(res instanceof StoreReadResponse);
    assert.equal(res.fc, 3);
    assert.deepEqual(res.values, stored.slice(2, 5));
    assert.deepEqual(JSON.parse(JSON.stringify(res)), { fc: 3, values: stored.slice(2, 5) });
  });

  it('assigned values are what the encoder then sends', () => {
    const res = new Table(false, 0, 4, [1, 2, 3, 4]).readResponse(0x03, 1, 2);
    assert.ok(res instanceof StoreReadResponse && res.direct);
    res.values = [0x1234, 0xabcd];
    assert.equal(res.direct, false);
    assert.equal(hex(encodeResponse(res)), '03041234abcd');
  });

  it('a view: it encodes what the store holds when encoded', () => {
    const t = new Table(false, 0, 4, [1, 2, 3, 4]);
    const res = t.readResponse(0x03, 0, 2);
    t.write(0, [0x0102]);
    assert.equal(hex(encodeResponse(res)), '030401020002');
  });

  it('keeps the codec limits: more than 125 registers is refused', () => {
    const t = new Table(false, 0, 200);
    assert.throws(() => encodeResponse(t.readResponse(0x03, 0, 126)), (e: unknown) => e instanceof CodecError && e.reason === 'limit');
    assert.throws(() => encodeResponseAduInto(mbap, Buffer.alloc(300), 0, 1, 1, t.readResponse(0x03, 0, 126)), CodecError);
  });

  it('refuses a target too small for the copy instead of dropping bytes', () => {
    const t = new Table(false, 0, 125);
    assert.throws(() => encodeResponseAduInto(mbap, Buffer.alloc(100), 0, 1, 1, t.readResponse(0x03, 0, 125)), CodecError);
  });

  it('outside the table: RangeError from the table, exception 02 from the memory map', () => {
    const t = new Table(false, 10, 5);
    assert.throws(() => t.readResponse(0x03, 9, 2), RangeError);
    assert.throws(() => t.readResponse(0x03, 14, 2), RangeError);
    assert.equal(executeOnMemory(mem, { fc: 3, address: start + size - 1, quantity: 2 }, noWrites), 2);
  });

  it('register tables keep the low 16 bits and booleans as 0/1; bit views of them read value !== 0', () => {
    const t = new Table(false, 0, 4, [-1, true, 0x12345, 0x100]);
    assert.deepEqual(t.readWords(0, 4), [0xffff, 1, 0x2345, 0x100]);
    assert.deepEqual(t.readBits(0, 4), [true, true, true, true]);
    t.write(1, [false, 0]);
    assert.deepEqual(t.readBits(0, 4), [true, false, false, true]);
    assert.equal(hex(encodeResponse(t.readResponse(0x04, 0, 4))), '0408ffff000000000100');
  });
});
