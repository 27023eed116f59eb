import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import {
  BYTE_ORDERS, CodecError, registersPerValue, registersToValues, valuesToRegisters, type ByteOrder, type DataType,
} from '../../src/codec';

function throwsLimit(fn: () => unknown): void {
  assert.throws(fn, (e: unknown) => e instanceof CodecError && (e.reason === 'limit' || e.reason === 'unsupported'));
}

/** Known wire patterns: bytes A (most significant) .. D, and for 64-bit values A..H. */
const PATTERNS: { type: DataType; value: number | bigint | boolean; regs: Record<ByteOrder, number[]> }[] = [
  { type: 'int32', value: 0x01020304, regs: { ABCD: [0x0102, 0x0304], CDAB: [0x0304, 0x0102], BADC: [0x0201, 0x0403], DCBA: [0x0403, 0x0201] } },
  { type: 'uint32', value: 0xdeadbeef, regs: { ABCD: [0xdead, 0xbeef], CDAB: [0xbeef, 0xdead], BADC: [0xadde, 0xefbe], DCBA: [0xefbe, 0xadde] } },
  { type: 'int32', value: -2, regs: { ABCD: [0xffff, 0xfffe], CDAB: [0xfffe, 0xffff], BADC: [0xffff, 0xfeff], DCBA: [0xfeff, 0xffff] } },
  // 1.0f is 0x3F800000.
  { type: 'float32', value: 1, regs: { ABCD: [0x3f80, 0x0000], CDAB: [0x0000, 0x3f80], BADC: [0x803f, 0x0000], DCBA: [0x0000, 0x803f] } },
  // -123.456f is 0xC2F6E979.
  { type: 'float32', value: Math.fround(-123.456), regs: { ABCD: [0xc2f6, 0xe979], CDAB: [0xe979, 0xc2f6], BADC: [0xf6c2, 0x79e9], DCBA: [0x79e9, 0xf6c2] } },
  { type: 'int16', value: -2, regs: { ABCD: [0xfffe], CDAB: [0xfffe], BADC: [0xfeff], DCBA: [0xfeff] } },
  { type: 'uint16', value: 0x1234, regs: { ABCD: [0x1234], CDAB: [0x1234], BADC: [0x3412], DCBA: [0x3412] } },
  {
    type: 'int64', value: 0x0102030405060708n,
    regs: { ABCD: [0x0102, 0x0304, 0x0506, 0x0708], CDAB: [0x0708, 0x0506, 0x0304, 0x0102], BADC: [0x0201, 0x0403, 0x0605, 0x0807], DCBA: [0x0807, 0x0605, 0x0403, 0x0201] },
  },
  {
    type: 'uint64', value: 0xfedcba9876543210n,
    regs: { ABCD: [0xfedc, 0xba98, 0x7654, 0x3210], CDAB: [0x3210, 0x7654, 0xba98, 0xfedc], BADC: [0xdcfe, 0x98ba, 0x5476, 0x1032], DCBA: [0x1032, 0x5476, 0x98ba, 0xdcfe] },
  },
  { type: 'int64', value: -1n, regs: { ABCD: [0xffff, 0xffff, 0xffff, 0xffff], CDAB: [0xffff, 0xffff, 0xffff, 0xffff], BADC: [0xffff, 0xffff, 0xffff, 0xffff], DCBA: [0xffff, 0xffff, 0xffff, 0xffff] } },
  // 1.0 is 0x3FF0000000000000; -2.5 is 0xC004000000000000.
  { type: 'float64', value: 1, regs: { ABCD: [0x3ff0, 0, 0, 0], CDAB: [0, 0, 0, 0x3ff0], BADC: [0xf03f, 0, 0, 0], DCBA: [0, 0, 0, 0xf03f] } },
  { type: 'float64', value: -2.5, regs: { ABCD: [0xc004, 0, 0, 0], CDAB: [0, 0, 0, 0xc004], BADC: [0x04c0, 0, 0, 0], DCBA: [0, 0, 0, 0x04c0] } },
  { type: 'bool', value: true, regs: { ABCD: [0x0001], CDAB: [0x0001], BADC: [0x0100], DCBA: [0x0100] } },
];

describe('codec data types: known byte patterns for every order', () => {
  for (const p of PATTERNS) {
    for (const order of BYTE_ORDERS) {
      it(`${p.type} ${String(p.value)} in ${order}`, () => {
        assert.deepEqual(valuesToRegisters([p.value], p.type, order), p.regs[order]);
        assert.deepEqual(registersToValues(p.regs[order], p.type, order), [p.value]);
      });
    }
  }

  it('strings: two Latin-1 characters per register, high byte first; BADC/DCBA swap bytes', () => {
    assert.deepEqual(valuesToRegisters('ABC', 'string'), [0x4142, 0x4300]);
    assert.deepEqual(valuesToRegisters('ABC', 'string', 'BADC'), [0x4241, 0x0043]);
    assert.deepEqual(valuesToRegisters('ABC', 'string', 'CDAB'), [0x4142, 0x4300]);
    assert.deepEqual(valuesToRegisters('AB', 'string', 'ABCD', 3), [0x4142, 0, 0]);
    assert.deepEqual(registersToValues([0x4142, 0x4300, 0], 'string'), ['ABC']);
    assert.deepEqual(registersToValues([0x4241, 0x0043], 'string', 'DCBA'), ['ABC']);
    assert.deepEqual(valuesToRegisters('\u00e9', 'string'), [0xe900]);
    assert.equal(registersPerValue('string', 5), 3);
  });

  it('bool decodes any non-zero register as true', () => {
    assert.deepEqual(registersToValues([0, 1, 0x8000, 0xffff], 'bool'), [false, true, true, true]);
    assert.deepEqual(valuesToRegisters([true, false, 0, 5], 'bool'), [1, 0, 0, 1]);
  });

  it('several values pack one after the other', () => {
    assert.deepEqual(valuesToRegisters([1, -1], 'int32', 'CDAB'), [0x0001, 0x0000, 0xffff, 0xffff]);
    assert.deepEqual(registersToValues([0x0001, 0x0000, 0xffff, 0xffff], 'int32', 'CDAB'), [1, -1]);
  });
});

describe('codec data types: range errors', () => {
  it('integers outside their type, non-integers and non-numbers are refused, not wrapped', () => {
    for (const [type, bad] of [
      ['int16', 32768], ['int16', -32769], ['uint16', 65536], ['uint16', -1], ['int32', 2 ** 31], ['int32', -(2 ** 31) - 1],
      ['uint32', 2 ** 32], ['uint32', -1], ['int16', 1.5], ['uint32', NaN], ['int32', Infinity], ['int16', 'abc'], ['int16', ''],
      ['int64', 2n ** 63n], ['int64', -(2n ** 63n) - 1n], ['uint64', -1n], ['uint64', 2n ** 64n], ['uint64', 1.5], ['int64', 'x'],
      ['float32', 1e39], ['float32', -1e39], ['float32', 'abc'],
    ] as [DataType, number | bigint | string][]) {
      throwsLimit(() => valuesToRegisters([bad], type));
    }
  });
  it('accepts the exact bounds', () => {
    assert.deepEqual(valuesToRegisters([32767, -32768], 'int16'), [0x7fff, 0x8000]);
    assert.deepEqual(valuesToRegisters([65535], 'uint16'), [0xffff]);
    assert.deepEqual(valuesToRegisters([2 ** 32 - 1], 'uint32'), [0xffff, 0xffff]);
    assert.deepEqual(valuesToRegisters([2n ** 64n - 1n], 'uint64'), [0xffff, 0xffff, 0xffff, 0xffff]);
    assert.deepEqual(valuesToRegisters([-(2n ** 63n)], 'int64'), [0x8000, 0, 0, 0]);
    assert.deepEqual(valuesToRegisters([3.4028234663852886e38], 'float32'), [0x7f7f, 0xffff]);
    assert.deepEqual(valuesToRegisters([Infinity, NaN], 'float32').slice(0, 2), [0x7f80, 0x0000]);
    assert.deepEqual(valuesToRegisters(['12'], 'int16'), [12]);
  });
  it('refuses register counts that do not hold whole values, and registers that are not words', () => {
    throwsLimit(() => registersToValues([1, 2, 3], 'int32'));
    throwsLimit(() => registersToValues([0x10000], 'uint16'));
    throwsLimit(() => registersToValues([-1, 0], 'float32'));
    throwsLimit(() => registersToValues([1.5], 'string'));
  });
  it('refuses strings that do not fit or are not Latin-1, and unknown types and orders', () => {
    throwsLimit(() => valuesToRegisters('ABCDE', 'string', 'ABCD', 2));
    throwsLimit(() => valuesToRegisters('\u20ac', 'string'));
    throwsLimit(() => valuesToRegisters([1], 'int8' as DataType));
    throwsLimit(() => registersToValues([1], 'int16', 'ABDC' as ByteOrder));
  });
});

describe('codec data types: round trips', () => {
  const orders = fc.constantFrom(...BYTE_ORDERS);
  const cases: [DataType, fc.Arbitrary<number | bigint | boolean>][] = [
    ['bool', fc.boolean()],
    ['int16', fc.integer({ min: -0x8000, max: 0x7fff })],
    ['uint16', fc.integer({ min: 0, max: 0xffff })],
    ['int32', fc.integer()],
    ['uint32', fc.integer({ min: 0, max: 0xffffffff })],
    ['float32', fc.float({ noNaN: true })],
    ['int64', fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })],
    ['uint64', fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })],
    ['float64', fc.double({ noNaN: true })],
  ];
  for (const [type, arb] of cases) {
    it(`${type}: values -> registers -> values in every order`, () => {
      fc.assert(fc.property(fc.array(arb, { maxLength: 8 }), orders, (values, order) => {
        const regs = valuesToRegisters(values, type, order);
        assert.equal(regs.length, values.length * registersPerValue(type));
        assert.ok(regs.every((r) => r === (r & 0xffff)));
        assert.deepEqual(registersToValues(regs, type, order), values);
      }), { numRuns: 200, seed: 42 });
    });
  }
  it('string: Latin-1 text without trailing NULs round-trips in every order', () => {
    const text = fc.array(fc.integer({ min: 1, max: 255 }), { maxLength: 40 }).map((c) => String.fromCharCode(...c));
    fc.assert(fc.property(text, orders, (s, order) => {
      assert.deepEqual(registersToValues(valuesToRegisters(s, 'string', order), 'string', order), [s]);
    }), { numRuns: 200, seed: 43 });
  });
});
