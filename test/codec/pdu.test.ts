import { strict as assert } from 'node:assert';
import {
  CodecError, ExceptionCode, ascii, decodeRequest, decodeResponse, encodeException, encodeExceptionAdu, encodeRequest,
  encodeRequestAdu, encodeRequestAduInto, encodeResponse, encodeResponseAdu, encodeResponseAduInto, mbap, rtu, type ModbusRequest,
} from '../../src/codec';
import { CASES, EXCEPTION_CODES, FUNCTION_CODES } from './cases';

function hex(b: Uint8Array | number[]): string {
  return Buffer.from(b).toString('hex');
}

describe('codec PDUs: byte tables for every function code', () => {
  for (const c of CASES) {
    describe(c.name, () => {
      it('encodes the request to the table bytes (client)', () => {
        assert.equal(hex(encodeRequest(c.request)), hex(c.requestBytes));
      });
      it('decodes the table bytes to the request (server)', () => {
        assert.deepEqual(decodeRequest(Buffer.from(c.requestBytes)), c.request);
      });
      it('mirrors the request: bytes -> decode -> encode gives the same bytes', () => {
        const req = decodeRequest(Buffer.from(c.requestBytes));
        assert.ok(!('unknown' in req));
        assert.equal(hex(encodeRequest(req as ModbusRequest)), hex(c.requestBytes));
      });
      it('decodes the request from inside a larger buffer (start/end offsets)', () => {
        const padded = Buffer.from([0xee, 0xee, ...c.requestBytes, 0xee]);
        assert.deepEqual(decodeRequest(padded, 2, 2 + c.requestBytes.length), c.request);
      });
      it('reserves head and tail room around the encoded PDU', () => {
        const b = encodeRequest(c.request, 7, 2);
        assert.equal(b.length, 7 + c.requestBytes.length + 2);
        assert.equal(hex(b.subarray(7, 7 + c.requestBytes.length)), hex(c.requestBytes));
      });
      const { response, responseBytes } = c;
      if (!response || !responseBytes) return;
      it('encodes the response to the table bytes (server)', () => {
        assert.equal(hex(encodeResponse(response)), hex(responseBytes));
      });
      it('decodes the table bytes to the response, checked against the request (client)', () => {
        assert.deepEqual(decodeResponse(Buffer.from(responseBytes), 0, responseBytes.length, c.request), response);
      });
      it('mirrors the response: bytes -> decode -> encode gives the same bytes', () => {
        const res = decodeResponse(Buffer.from(responseBytes), 0, responseBytes.length, c.request);
        assert.ok(!('exception' in res));
        assert.equal(hex(encodeResponse(res)), hex(responseBytes));
      });
      it('survives every framing, both directions', () => {
        for (const framing of [mbap, rtu, ascii]) {
          const reqAdu = framing.unwrap(encodeRequestAdu(framing, 0x11, 0x1234, c.request));
          assert.equal(reqAdu.unitId, 0x11);
          assert.equal(reqAdu.transactionId, framing === mbap ? 0x1234 : 0);
          assert.deepEqual(decodeRequest(reqAdu.pdu), c.request);
          const resAdu = framing.unwrap(encodeResponseAdu(framing, 0x11, 0x1234, response));
          assert.deepEqual(decodeResponse(resAdu.pdu, 0, resAdu.pdu.length, c.request), response);
        }
      });
      it('encodes into a caller buffer at an offset, byte for byte as the allocating encoders, in every framing', () => {
        for (const framing of [mbap, rtu, ascii]) {
          const target = Buffer.alloc(3 + framing.maxAduLength + 3, 0xee);
          const want = encodeRequestAdu(framing, 0x11, 0x1234, c.request);
          const n = encodeRequestAduInto(framing, target, 3, 0x11, 0x1234, c.request);
          assert.equal(hex(target.subarray(3, 3 + n)), hex(want), `${framing.name} request`);
          assert.deepEqual([target[2], target[3 + n]], [0xee, 0xee], `${framing.name}: nothing written outside the ADU`);
          const wantRes = encodeResponseAdu(framing, 0x11, 0x1234, response);
          const m = encodeResponseAduInto(framing, target, 3, 0x11, 0x1234, response);
          assert.equal(hex(target.subarray(3, 3 + m)), hex(wantRes), `${framing.name} response`);
          // One byte short anywhere is a typed error, never a silently truncated ADU.
          assert.throws(() => encodeResponseAduInto(framing, Buffer.alloc(wantRes.length - 1), 0, 0x11, 0x1234, response), CodecError);
        }
      });
    });
  }

  it('covers every public function code in both roles', () => {
    const seen = new Set(CASES.map((c) => c.request.fc));
    assert.deepEqual([...seen].sort((a, b) => a - b), FUNCTION_CODES);
    const withResponse = new Set(CASES.filter((c) => c.response).map((c) => c.request.fc));
    assert.deepEqual([...withResponse].sort((a, b) => a - b), FUNCTION_CODES);
    const subs = new Set(CASES.filter((c) => c.request.fc === 8).map((c) => (c.request as { subFunction: number }).subFunction));
    assert.deepEqual([...subs].sort((a, b) => a - b), [0, 1, 2, 3, 4, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x14]);
  });
});

describe('codec PDUs: exception responses', () => {
  it('decodes the spec example: FC 1 at a non-existent address answers 81 02 (spec 7)', () => {
    const req: ModbusRequest = { fc: 1, address: 0x04a1, quantity: 1 };
    assert.equal(hex(encodeRequest(req)), hex([
      0x01, // function code
      0x04, 0xa1, // starting address 1185
      0x00, 0x01, // quantity of outputs
    ]));
    const bytes = [
      0x81, // function code with the exception bit
      0x02, // exception code: illegal data address
    ];
    assert.deepEqual(decodeResponse(Buffer.from(bytes), 0, 2, req), { fc: 1, exception: true, exceptionCode: 2 });
    assert.equal(hex(encodeException(1, ExceptionCode.IllegalDataAddress)), hex(bytes));
  });

  for (const fc of FUNCTION_CODES) {
    it(`FC ${fc}: encodes, decodes and frames every exception code`, () => {
      const req = CASES.find((c) => c.request.fc === fc)?.request;
      assert.ok(req);
      for (const code of EXCEPTION_CODES) {
        const bytes = [
          0x80 | fc, // function code + 0x80
          code, // exception code
        ];
        assert.equal(hex(encodeException(fc, code)), hex(bytes));
        const expected = { fc, exception: true, exceptionCode: code };
        assert.deepEqual(decodeResponse(Buffer.from(bytes)), expected);
        assert.deepEqual(decodeResponse(Buffer.from(bytes), 0, 2, req), expected);
        for (const framing of [mbap, rtu, ascii]) {
          const f = framing.unwrap(encodeExceptionAdu(framing, 7, 9, fc, code));
          assert.equal(hex(f.pdu), hex(bytes));
          assert.deepEqual(decodeResponse(f.pdu, 0, f.pdu.length, req), expected);
        }
      }
    });
  }

  it('refuses an exception for another function code, and one that is not 2 bytes', () => {
    const req: ModbusRequest = { fc: 3, address: 0, quantity: 1 };
    assert.throws(() => decodeResponse(Buffer.from([0x84, 0x02]), 0, 2, req), (e: unknown) => e instanceof CodecError && e.reason === 'mismatch');
    assert.throws(() => decodeResponse(Buffer.from([0x83, 0x02, 0x00])), (e: unknown) => e instanceof CodecError && e.reason === 'malformed');
  });
});

describe('codec PDUs: unknown function codes', () => {
  it('decodes an unknown code as an UnknownRequest for a server to answer with 01', () => {
    assert.deepEqual(decodeRequest(Buffer.from([
      0x41, // function code 65 (user defined)
      0x01, 0x02, // data
    ])), { fc: 0x41, unknown: true, data: [1, 2] });
    assert.deepEqual(decodeRequest(Buffer.from([0x00])), { fc: 0, unknown: true, data: [] });
    assert.deepEqual(decodeRequest(Buffer.from([0x09])), { fc: 9, unknown: true, data: [] });
    assert.deepEqual(decodeRequest(Buffer.from([0xff, 0x01])), { fc: 0xff, unknown: true, data: [1] });
  });

  it('decodes FC 43 with an MEI type other than 14 (e.g. 13, CANopen) as unknown', () => {
    assert.deepEqual(decodeRequest(Buffer.from([
      0x2b, // function code
      0x0d, // MEI type 13: CANopen general reference
      0x00, 0x01,
    ])), { fc: 0x2b, unknown: true, data: [0x0d, 0, 1] });
  });

  it('answers them with exception 01 bytes', () => {
    assert.equal(hex(encodeException(0x41, ExceptionCode.IllegalFunction)), 'c101');
  });

  it('refuses to encode an unknown code, and a client refuses an unknown response', () => {
    assert.throws(() => encodeRequest({ fc: 0x41 } as unknown as ModbusRequest), (e: unknown) => e instanceof CodecError && e.reason === 'unsupported');
    assert.throws(() => decodeResponse(Buffer.from([0x41, 0x00])), (e: unknown) => e instanceof CodecError && e.reason === 'unsupported');
  });
});

describe('codec PDUs: response checks against the request (client)', () => {
  const mismatch = (e: unknown): boolean => e instanceof CodecError && e.reason === 'mismatch';
  it('refuses a response for another function code', () => {
    assert.throws(() => decodeResponse(Buffer.from([0x04, 0x02, 0x00, 0x01]), 0, 4, { fc: 3, address: 0, quantity: 1 }), mismatch);
  });
  it('refuses a register count that does not answer the quantity', () => {
    assert.throws(() => decodeResponse(Buffer.from([0x03, 0x04, 0, 1, 0, 2]), 0, 6, { fc: 3, address: 0, quantity: 1 }), mismatch);
  });
  it('refuses a bit byte count that does not answer the quantity', () => {
    assert.throws(() => decodeResponse(Buffer.from([0x01, 0x02, 0xff, 0x01]), 0, 4, { fc: 1, address: 0, quantity: 8 }), mismatch);
  });
  it('refuses echoes that do not echo (FC 5, 6, 15, 16, 21, 22, 8)', () => {
    assert.throws(() => decodeResponse(Buffer.from([0x05, 0, 1, 0xff, 0]), 0, 5, { fc: 5, address: 2, value: true }), mismatch);
    assert.throws(() => decodeResponse(Buffer.from([0x06, 0, 1, 0, 4]), 0, 5, { fc: 6, address: 1, value: 3 }), mismatch);
    assert.throws(() => decodeResponse(Buffer.from([0x0f, 0, 1, 0, 4]), 0, 5, { fc: 15, address: 1, values: [true] }), mismatch);
    assert.throws(() => decodeResponse(Buffer.from([0x10, 0, 1, 0, 4]), 0, 5, { fc: 16, address: 1, values: [1] }), mismatch);
    assert.throws(() => decodeResponse(Buffer.from([0x16, 0, 1, 0, 4, 0, 0]), 0, 7, { fc: 22, address: 1, andMask: 4, orMask: 1 }), mismatch);
    assert.throws(() => decodeResponse(Buffer.from([0x08, 0, 0, 0x12, 0x34]), 0, 5, { fc: 8, subFunction: 0, data: [0x1235] }), mismatch);
    assert.throws(() => decodeResponse(Buffer.from([0x08, 0, 2, 0x12, 0x34]), 0, 5, { fc: 8, subFunction: 1, data: [0] }), mismatch);
    const rec = { fileNumber: 1, recordNumber: 0, values: [5] };
    const bytes = [...encodeResponse({ fc: 0x15, records: [rec] })];
    assert.throws(() => decodeResponse(Buffer.from(bytes), 0, bytes.length, { fc: 0x15, records: [{ ...rec, values: [6] }] }), mismatch);
  });
  it('refuses FC 20 records that do not answer the references', () => {
    const bytes = [0x14, 0x04, 0x03, 0x06, 0x00, 0x01];
    assert.throws(() => decodeResponse(Buffer.from(bytes), 0, 6, { fc: 0x14, references: [{ fileNumber: 1, recordNumber: 0, recordLength: 2 }] }), mismatch);
  });
  it('refuses FC 43 answering another read device id code', () => {
    const bytes = [0x2b, 0x0e, 0x02, 0x01, 0x00, 0x00, 0x00];
    assert.throws(() => decodeResponse(Buffer.from(bytes), 0, 7, { fc: 0x2b, meiType: 0x0e, readDeviceIdCode: 1, objectId: 0 }), mismatch);
  });
  it('trims FC 1/2 padding bits to the quantity asked, and keeps them all without a request', () => {
    const bytes = Buffer.from([0x01, 0x01, 0x05]);
    assert.deepEqual(decodeResponse(bytes, 0, 3, { fc: 1, address: 0, quantity: 3 }), { fc: 1, values: [true, false, true] });
    assert.deepEqual(decodeResponse(bytes), { fc: 1, values: [true, false, true, false, false, false, false, false] });
  });
});
