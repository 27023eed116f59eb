/** fast-check arbitraries for every valid request and response the codec knows, within the spec's limits. */
import fc from 'fast-check';
import type { DiagnosticsRequest, FileRecordWrite, ModbusRequest, ModbusResponse } from '../../src/codec';

const word = fc.integer({ min: 0, max: 0xffff });
const byte = fc.integer({ min: 0, max: 0xff });
const words = (min: number, max: number): fc.Arbitrary<number[]> => fc.array(word, { minLength: min, maxLength: max });
const booleans = (min: number, max: number): fc.Arbitrary<boolean[]> => fc.array(fc.boolean(), { minLength: min, maxLength: max });
const latin1 = fc.array(byte, { maxLength: 30 }).map((codes) => String.fromCharCode(...codes));

/** An address range of `quantity` that does not run past 0xFFFF. */
function range(quantity: fc.Arbitrary<number>): fc.Arbitrary<{ address: number; quantity: number }> {
  return quantity.chain((q) => fc.integer({ min: 0, max: 0x10000 - q }).map((address) => ({ address, quantity: q })));
}

function placed<T>(values: fc.Arbitrary<T[]>): fc.Arbitrary<{ address: number; values: T[] }> {
  return values.chain((v) => fc.integer({ min: 0, max: 0x10000 - v.length }).map((address) => ({ address, values: v })));
}

const diagnostics: fc.Arbitrary<DiagnosticsRequest> = fc.oneof(
  words(0, 125).map((data) => ({ fc: 0x08 as const, subFunction: 0, data })),
  fc.constantFrom(0, 0xff00).map((d) => ({ fc: 0x08 as const, subFunction: 1, data: [d] })),
  byte.map((ch) => ({ fc: 0x08 as const, subFunction: 3, data: [ch << 8] })),
  fc.constantFrom(2, 4, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x14).map((sub) => ({ fc: 0x08 as const, subFunction: sub, data: [0] })),
);

const fileRecordWrites: fc.Arbitrary<FileRecordWrite[]> = fc.array(
  words(1, 20).chain((values) => fc.record({
    fileNumber: fc.integer({ min: 1, max: 0xffff }),
    recordNumber: fc.integer({ min: 0, max: 10000 - values.length }),
    values: fc.constant(values),
  })),
  { minLength: 1, maxLength: 5 },
);

/** Every valid request. */
export const requestArb: fc.Arbitrary<ModbusRequest> = fc.oneof(
  fc.tuple(fc.constantFrom(0x01 as const, 0x02 as const), range(fc.integer({ min: 1, max: 2000 }))).map(([f, r]) => ({ fc: f, ...r })),
  fc.tuple(fc.constantFrom(0x03 as const, 0x04 as const), range(fc.integer({ min: 1, max: 125 }))).map(([f, r]) => ({ fc: f, ...r })),
  fc.record({ fc: fc.constant(0x05 as const), address: word, value: fc.boolean() }),
  fc.record({ fc: fc.constant(0x06 as const), address: word, value: word }),
  fc.constantFrom({ fc: 0x07 as const }, { fc: 0x0b as const }, { fc: 0x0c as const }, { fc: 0x11 as const }),
  diagnostics,
  placed(booleans(1, 1968)).map((p) => ({ fc: 0x0f as const, ...p })),
  placed(words(1, 123)).map((p) => ({ fc: 0x10 as const, ...p })),
  fc.array(
    fc.integer({ min: 1, max: 5 }).chain((len) => fc.record({
      fileNumber: fc.integer({ min: 1, max: 0xffff }),
      recordNumber: fc.integer({ min: 0, max: 10000 - len }),
      recordLength: fc.constant(len),
    })),
    { minLength: 1, maxLength: 20 },
  ).map((references) => ({ fc: 0x14 as const, references })),
  fileRecordWrites.map((records) => ({ fc: 0x15 as const, records })),
  fc.record({ fc: fc.constant(0x16 as const), address: word, andMask: word, orMask: word }),
  fc.tuple(range(fc.integer({ min: 1, max: 125 })), placed(words(1, 121))).map(([r, w]) => ({
    fc: 0x17 as const, readAddress: r.address, readQuantity: r.quantity, writeAddress: w.address, values: w.values,
  })),
  fc.record({ fc: fc.constant(0x18 as const), address: word }),
  fc.record({ fc: fc.constant(0x2b as const), meiType: fc.constant(0x0e as const), readDeviceIdCode: fc.constantFrom(1 as const, 2 as const, 3 as const, 4 as const), objectId: byte }),
);

/** A valid response, with the request it answers when decoding needs one (bit counts). */
export interface ResponseCase { res: ModbusResponse; req?: ModbusRequest }

export const responseArb: fc.Arbitrary<ResponseCase> = fc.oneof(
  fc.tuple(fc.constantFrom(0x01 as const, 0x02 as const), booleans(1, 2000)).map(([f, values]) => ({
    res: { fc: f, values }, req: { fc: f, address: 0, quantity: values.length },
  })),
  fc.tuple(fc.constantFrom(0x03 as const, 0x04 as const, 0x17 as const), words(1, 125)).map(([f, values]) => ({ res: { fc: f, values } as ModbusResponse })),
  fc.record({ fc: fc.constant(0x05 as const), address: word, value: fc.boolean() }).map((res) => ({ res })),
  fc.record({ fc: fc.constant(0x06 as const), address: word, value: word }).map((res) => ({ res })),
  byte.map((status) => ({ res: { fc: 0x07 as const, status } })),
  fc.oneof(
    words(0, 125).map((data) => ({ fc: 0x08 as const, subFunction: 0, data })),
    fc.tuple(fc.constantFrom(1, 2, 3, 4, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x14), word).map(([sub, w]) => ({ fc: 0x08 as const, subFunction: sub, data: [w] })),
  ).map((res) => ({ res })),
  fc.record({ fc: fc.constant(0x0b as const), status: fc.constantFrom(0, 0xffff), eventCount: word }).map((res) => ({ res })),
  fc.record({ fc: fc.constant(0x0c as const), status: word, eventCount: word, messageCount: word, events: fc.array(byte, { maxLength: 64 }) }).map((res) => ({ res })),
  fc.tuple(fc.constantFrom(0x0f as const, 0x10 as const), range(fc.integer({ min: 1, max: 123 }))).map(([f, r]) => ({ res: { fc: f, ...r } })),
  fc.record({ fc: fc.constant(0x11 as const), serverId: byte.map((b) => [b]), runIndicator: fc.boolean(), additionalData: fc.array(byte, { maxLength: 249 }) }).map((res) => ({ res })),
  fc.array(words(1, 10), { minLength: 1, maxLength: 10 }).map((records) => ({ res: { fc: 0x14 as const, records } })),
  fileRecordWrites.map((records) => ({ res: { fc: 0x15 as const, records } })),
  fc.record({ fc: fc.constant(0x16 as const), address: word, andMask: word, orMask: word }).map((res) => ({ res })),
  words(0, 31).map((values) => ({ res: { fc: 0x18 as const, values } })),
  fc.record({
    readDeviceIdCode: fc.constantFrom(1 as const, 2 as const, 3 as const, 4 as const),
    conformityLevel: fc.constantFrom(0x01, 0x02, 0x03, 0x81, 0x82, 0x83),
    more: fc.option(fc.integer({ min: 1, max: 0xff }), { nil: undefined }),
    objects: fc.array(fc.record({ id: byte, value: latin1 }), { maxLength: 5 }),
  }).map(({ readDeviceIdCode, conformityLevel, more, objects }) => ({
    res: {
      fc: 0x2b as const, meiType: 0x0e as const, readDeviceIdCode, conformityLevel,
      moreFollows: more !== undefined, nextObjectId: more ?? 0, objects,
    },
  })),
);
