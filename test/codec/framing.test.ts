import { strict as assert } from 'node:assert';
import { createRequire } from 'node:module';
import {
  CodecError, MAX_ASCII_ADU_LENGTH, MAX_RTU_ADU_LENGTH, MAX_TCP_ADU_LENGTH, ascii, crc16, decodeRequest, decodeResponse,
  encodeExceptionAdu, encodeRequestAdu, encodeResponseAdu, lrc, mbap, rtu, type DeframeResult, type Deframer, Frame,
} from '../../src/codec';
import { CASES, EXCEPTION_CODES, FUNCTION_CODES } from './cases';

const loadCjs = createRequire(__filename);
/** modbus-serial's bit-by-bit CRC: an independent implementation to check ours against. */
const referenceCrc16 = loadCjs('modbus-serial/utils/crc16.js') as (b: Buffer) => number;

function hex(b: Uint8Array | number[]): string {
  return Buffer.from(b).toString('hex');
}

/** Push `bytes` in chunks of `size`, draining next() after each; returns every result but `incomplete`. */
function feed(d: Deframer, bytes: Uint8Array, size = bytes.length): DeframeResult[] {
  const out: DeframeResult[] = [];
  for (let at = 0; at < bytes.length; at += size) {
    d.push(bytes.subarray(at, Math.min(bytes.length, at + size)));
    for (let guard = 0; guard < 10_000; guard++) {
      const r = d.next();
      if (r.type === 'incomplete') break;
      out.push(r.type === 'frame' ? Frame.of(r.unitId, r.transactionId, Buffer.from(r.pdu)) : r);
    }
  }
  return out;
}

function frames(results: DeframeResult[]): Frame[] {
  return results.flatMap((r) => (r.type === 'frame' ? [r.frame] : []));
}

function errors(results: DeframeResult[]): Extract<DeframeResult, { type: 'error' }>[] {
  return results.flatMap((r) => (r.type === 'error' ? [r] : []));
}

describe('codec framing: MBAP (TCP implementation guide)', () => {
  const example = [
    0x00, 0x01, // transaction id
    0x00, 0x00, // protocol id: Modbus
    0x00, 0x06, // length: unit id + 5-byte PDU
    0x11, // unit id
    0x03, 0x00, 0x6b, 0x00, 0x03, // PDU: read 3 holding registers from 107
  ];

  it('encodes, unwraps and deframes the FC 3 example', () => {
    assert.equal(hex(encodeRequestAdu(mbap, 0x11, 1, { fc: 3, address: 0x6b, quantity: 3 })), hex(example));
    const f = mbap.unwrap(Buffer.from(example));
    assert.deepEqual({ unitId: f.unitId, transactionId: f.transactionId, pdu: hex(f.pdu) }, { unitId: 0x11, transactionId: 1, pdu: '03006b0003' });
    assert.deepEqual(frames(feed(mbap.createDeframer('indication'), Buffer.from(example))).map((x) => x.transactionId), [1]);
  });

  it('reassembles a request split into single bytes, and many requests in one chunk', () => {
    const adus = [1, 2, 3].map((tid) => encodeRequestAdu(mbap, tid, tid, { fc: 3, address: tid, quantity: tid }));
    const all = Buffer.concat(adus);
    for (const size of [1, 2, 5, 11, all.length]) {
      const d = mbap.createDeframer('indication');
      const got = feed(d, all, size);
      assert.equal(errors(got).length, 0);
      assert.deepEqual(frames(got).map((f) => [f.unitId, f.transactionId, decodeRequest(f.pdu)]), [1, 2, 3].map((n) => [n, n, { fc: 3, address: n, quantity: n }]));
      assert.equal(d.buffered, 0);
    }
  });

  it('keeps a split leftover safe when the caller reuses its chunk buffer', () => {
    const adu = encodeRequestAdu(mbap, 1, 7, { fc: 3, address: 1, quantity: 2 });
    const d = mbap.createDeframer('indication');
    const chunk = Buffer.from(adu.subarray(0, 6));
    d.push(chunk);
    assert.equal(d.next().type, 'incomplete');
    chunk.fill(0xee);
    d.push(adu.subarray(6));
    const r = d.next();
    assert.ok(r.type === 'frame');
    assert.equal(r.frame.transactionId, 7);
  });

  it('a bad protocol id is a fatal error that drops everything buffered', () => {
    const bad = Buffer.from([0x00, 0x01, 0x00, 0x01, 0x00, 0x06, 0x11, 0x03, 0x00, 0x6b, 0x00, 0x03]);
    const d = mbap.createDeframer('indication');
    d.push(Buffer.concat([bad, Buffer.from(example)]));
    const r = d.next();
    assert.ok(r.type === 'error' && r.fatal && r.error instanceof CodecError && r.error.reason === 'framing');
    assert.equal(r.dropped, bad.length + example.length);
    assert.equal(d.buffered, 0);
    assert.throws(() => mbap.unwrap(bad), CodecError);
  });

  it('an impossible length (0, 1, over 254) is fatal; 254 (a 253-byte PDU, 260-byte ADU) is the maximum', () => {
    for (const len of [0, 1, 255, 0xffff]) {
      const d = mbap.createDeframer('confirmation');
      d.push(Buffer.from([0, 1, 0, 0, len >>> 8, len & 0xff, 1]));
      const r = d.next();
      assert.ok(r.type === 'error' && r.fatal, `length ${len}`);
    }
    const max = encodeRequestAdu(mbap, 1, 1, { fc: 8, subFunction: 0, data: new Array<number>(125).fill(1) });
    assert.equal(max.length, MAX_TCP_ADU_LENGTH);
    assert.equal(frames(feed(mbap.createDeframer('indication'), max, 100)).length, 1);
  });

  it('unwrap refuses a short ADU and a length that disagrees', () => {
    assert.throws(() => mbap.unwrap(Buffer.from([0, 1, 0, 0, 0, 1, 1])), CodecError);
    assert.throws(() => mbap.unwrap(Buffer.from([...example, 0])), CodecError);
  });

  it('refuses unit ids that do not fit; wraps transaction ids modulo 65536', () => {
    assert.throws(() => encodeRequestAdu(mbap, 256, 1, { fc: 7 }), CodecError);
    assert.equal(mbap.unwrap(encodeRequestAdu(mbap, 1, 0x10002, { fc: 7 })).transactionId, 2);
    assert.throws(() => encodeRequestAdu(rtu, -1, 0, { fc: 7 }), CodecError);
    assert.equal(encodeRequestAdu(mbap, 0, 0xffff, { fc: 7 })[6], 0);
  });

  it('reset drops what is buffered and says how much', () => {
    const d = mbap.createDeframer('indication');
    d.push(Buffer.from(example.slice(0, 9)));
    assert.equal(d.next().type, 'incomplete');
    assert.equal(d.buffered, 9);
    assert.equal(d.reset(), 9);
    assert.equal(d.buffered, 0);
  });
});

describe('codec framing: CRC-16/MODBUS and LRC', () => {
  it('matches the catalogue check value 0x4B37 for "123456789"', () => {
    assert.equal(crc16(Buffer.from('123456789')), 0x4b37);
  });
  it('matches modbus-serial\'s bit-by-bit CRC on every length 0..300 and any slice', () => {
    const data = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 73 + 19) & 0xff));
    for (let n = 0; n <= 300; n++) assert.equal(crc16(data, 0, n), referenceCrc16(data.subarray(0, n)), `length ${n}`);
    assert.equal(crc16(data, 3, 40), referenceCrc16(data.subarray(3, 40)));
    assert.equal(crc16(data, 13, 40, crc16(data, 3, 13)), referenceCrc16(data.subarray(3, 40)));
  });
  it('puts the RTU CRC low byte first: 11 03 006B 0003 -> 76 87', () => {
    assert.equal(hex(encodeRequestAdu(rtu, 0x11, 0, { fc: 3, address: 0x6b, quantity: 3 })), hex([
      0x11, // server address
      0x03, 0x00, 0x6b, 0x00, 0x03, // PDU
      0x76, 0x87, // CRC 0x8776, low byte first
    ]));
  });
  it('computes the ASCII LRC as the two\'s complement of the byte sum: 11 03 006B 0003 -> 7E', () => {
    assert.equal(lrc(Buffer.from([0x11, 0x03, 0x00, 0x6b, 0x00, 0x03])), 0x7e);
  });
});

describe('codec framing: RTU deframer', () => {
  it('knows every function code\'s length in both roles: frames come out on the last byte, never before', () => {
    for (const c of CASES) {
      const pairs: [Buffer, 'indication' | 'confirmation'][] = [[encodeRequestAdu(rtu, 5, 0, c.request), 'indication']];
      if (c.response) pairs.push([encodeResponseAdu(rtu, 5, 0, c.response), 'confirmation']);
      for (const [adu, role] of pairs) {
        const d = rtu.createDeframer(role);
        for (let i = 0; i < adu.length; i++) {
          d.push(adu.subarray(i, i + 1));
          const r = d.next();
          if (i < adu.length - 1) {
            assert.equal(r.type, 'incomplete', `${c.name} (${role}) at byte ${i}`);
          } else {
            assert.ok(r.type === 'frame', `${c.name} (${role})`);
            assert.equal(hex(r.frame.pdu), hex(adu.subarray(1, adu.length - 2)));
          }
        }
        assert.equal(d.buffered, 0);
      }
    }
  });

  it('frames exception responses (5 bytes) for every function code and exception code', () => {
    for (const fc of FUNCTION_CODES) {
      for (const code of EXCEPTION_CODES) {
        const adu = encodeExceptionAdu(rtu, 1, 0, fc, code);
        assert.equal(adu.length, 5);
        const got = feed(rtu.createDeframer('confirmation'), Buffer.concat([adu, adu]), 1);
        assert.deepEqual(frames(got).map((f) => decodeResponse(f.pdu)), [0, 1].map(() => ({ fc, exception: true, exceptionCode: code })));
      }
    }
  });

  it('finds the end of an unknown request by its CRC, so a server can answer 01', () => {
    const pdu = Buffer.from([0x00, 0x41, 0x01, 0x02, 0x03, 0x00, 0x00]);
    const crc = crc16(pdu, 0, 5);
    pdu[5] = crc & 0xff;
    pdu[6] = crc >>> 8;
    const got = feed(rtu.createDeframer('indication'), pdu, 1);
    assert.deepEqual(frames(got).map((f) => decodeRequest(f.pdu)), [{ fc: 0x41, unknown: true, data: [1, 2, 3] }]);
  });

  it('resynchronises after a bad CRC: the next good frame comes out', () => {
    const good = encodeRequestAdu(rtu, 1, 0, { fc: 3, address: 0, quantity: 10 });
    const bad = Buffer.from(good);
    bad[bad.length - 1] ^= 0xff;
    for (const size of [1, 3, bad.length * 2]) {
      const got = feed(rtu.createDeframer('indication'), Buffer.concat([bad, good, good]), size);
      assert.ok(errors(got).length >= 1);
      assert.ok(errors(got).every((e) => !e.fatal && e.error.reason === 'framing'));
      assert.equal(frames(got).length, 2, `chunk size ${size}`);
    }
  });

  it('resynchronises after garbage in both roles', () => {
    const garbage = Buffer.from([0x00, 0xff, 0x13, 0x37, 0x42, 0x00, 0x99, 0x11]);
    const req = encodeRequestAdu(rtu, 7, 0, { fc: 16, address: 1, values: [1, 2, 3] });
    const res = encodeResponseAdu(rtu, 7, 0, { fc: 4, values: [1, 2, 3, 4] });
    // Enough good frames after the garbage that no bogus length can swallow them all.
    const reqStream = Buffer.concat([garbage, ...new Array<Buffer>(20).fill(req)]);
    const resStream = Buffer.concat([garbage, ...new Array<Buffer>(20).fill(res)]);
    const gotReq = frames(feed(rtu.createDeframer('indication'), reqStream, 7));
    const gotRes = frames(feed(rtu.createDeframer('confirmation'), resStream, 7));
    assert.ok(gotReq.length >= 19, `${gotReq.length} requests`);
    assert.ok(gotRes.length >= 19, `${gotRes.length} responses`);
    assert.deepEqual(decodeRequest(gotReq[gotReq.length - 1].pdu), { fc: 16, address: 1, values: [1, 2, 3] });
  });

  it('a client skips the echo of its own request (2-wire adapters) as one whole frame', () => {
    // Address 0 makes the echo's first bytes a complete (bad) response candidate; with a large
    // address the candidate would wait for more bytes, and the transport's silence reset drops it.
    const req = encodeRequestAdu(rtu, 1, 0, { fc: 3, address: 0x0000, quantity: 2 });
    const res = encodeResponseAdu(rtu, 1, 0, { fc: 3, values: [7, 8] });
    const got = feed(rtu.createDeframer('confirmation'), Buffer.concat([req, res]));
    assert.equal(errors(got).length, 1);
    assert.equal(errors(got)[0].dropped, req.length);
    assert.deepEqual(frames(got).map((f) => decodeResponse(f.pdu)), [{ fc: 3, values: [7, 8] }]);
  });

  it('a server skips another server\'s response on a multi-drop line', () => {
    const other = encodeResponseAdu(rtu, 2, 0, { fc: 1, values: [true, false, true] });
    const mine = encodeRequestAdu(rtu, 1, 0, { fc: 1, address: 0, quantity: 3 });
    const got = feed(rtu.createDeframer('indication'), Buffer.concat([other, mine]));
    assert.deepEqual(frames(got).map((f) => f.unitId), [1]);
  });

  it('a client drops a start that no response can have (function code 0, unknown codes)', () => {
    const res = encodeResponseAdu(rtu, 1, 0, { fc: 6, address: 1, value: 2 });
    const got = feed(rtu.createDeframer('confirmation'), Buffer.concat([Buffer.from([0x01, 0x00, 0x01, 0x41]), ...new Array<Buffer>(10).fill(res)]));
    assert.ok(frames(got).length >= 9);
    // The four bytes before the first response go as one error: a run of drops is one report.
    const first = errors(got)[0];
    assert.equal(first.dropped, 4);
    assert.match(first.error.message, /4 bytes dropped; first: RTU function code 0 cannot start/);
  });

  it('holds less than one maximal ADU after next() says incomplete, even fed noise', () => {
    let seed = 12345;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) >>> 16;
    for (const role of ['indication', 'confirmation'] as const) {
      const d = rtu.createDeframer(role);
      for (let i = 0; i < 200; i++) {
        const chunk = Buffer.from(Array.from({ length: 1 + (rand() % 40) }, () => rand() & 0xff));
        d.push(chunk);
        for (let guard = 0; guard < 10_000 && d.next().type !== 'incomplete'; guard++);
        assert.ok(d.buffered < MAX_RTU_ADU_LENGTH, `${d.buffered} buffered`);
      }
    }
  });

  it('unwrap refuses bad CRCs and impossible lengths', () => {
    const adu = encodeRequestAdu(rtu, 1, 0, { fc: 3, address: 0, quantity: 1 });
    assert.deepEqual(decodeRequest(rtu.unwrap(adu).pdu), { fc: 3, address: 0, quantity: 1 });
    adu[2] ^= 1;
    assert.throws(() => rtu.unwrap(adu), CodecError);
    assert.throws(() => rtu.unwrap(Buffer.from([1, 2, 3])), CodecError);
    assert.throws(() => rtu.unwrap(Buffer.alloc(257)), CodecError);
  });

  it('the largest RTU ADU is 256 bytes', () => {
    const max = encodeRequestAdu(rtu, 1, 0, { fc: 8, subFunction: 0, data: new Array<number>(125).fill(0x0102) });
    assert.equal(max.length, MAX_RTU_ADU_LENGTH);
    assert.equal(frames(feed(rtu.createDeframer('indication'), max, 13)).length, 1);
  });
});

describe('codec framing: ASCII', () => {
  const example = ':1103006B00037E\r\n';

  it('encodes and decodes the FC 3 example, LRC 7E', () => {
    assert.equal(encodeRequestAdu(ascii, 0x11, 0, { fc: 3, address: 0x6b, quantity: 3 }).toString('latin1'), example);
    const f = ascii.unwrap(Buffer.from(example, 'latin1'));
    assert.deepEqual(decodeRequest(f.pdu), { fc: 3, address: 0x6b, quantity: 3 });
    assert.equal(f.unitId, 0x11);
  });

  it('deframes character by character, and accepts lower-case hex', () => {
    const got = feed(ascii.createDeframer('indication'), Buffer.from(example + example.toLowerCase(), 'latin1'), 1);
    assert.equal(errors(got).length, 0);
    assert.equal(frames(got).length, 2);
  });

  it('drops characters outside a frame, a bad LRC, non-hex characters and a frame cut short by a new start', () => {
    const stream = 'noise' + ':1103006B00037F\r\n' + ':11030G6B00037E\r\n' + ':1103006B' + example;
    const whole = feed(ascii.createDeframer('indication'), Buffer.from(stream, 'latin1'));
    assert.equal(frames(whole).length, 1);
    assert.equal(errors(whole).length, 4);
    assert.ok(errors(whole).every((e) => e.error instanceof CodecError && !e.fatal));
    const chunked = feed(ascii.createDeframer('indication'), Buffer.from(stream, 'latin1'), 4);
    assert.equal(frames(chunked).length, 1);
    assert.equal(errors(chunked).reduce((n, e) => n + e.dropped, 0), stream.length - example.length);
  });

  it('drops a frame that runs past 513 characters without CR LF, and stays bounded', () => {
    const d = ascii.createDeframer('indication');
    const got = feed(d, Buffer.from(':' + '0'.repeat(600), 'latin1'), 50);
    assert.ok(errors(got).length >= 1);
    assert.ok(d.buffered < MAX_ASCII_ADU_LENGTH);
    const max = encodeRequestAdu(ascii, 1, 0, { fc: 8, subFunction: 0, data: new Array<number>(125).fill(0xabcd) });
    assert.equal(max.length, MAX_ASCII_ADU_LENGTH);
    assert.equal(frames(feed(ascii.createDeframer('indication'), max, 64)).length, 1);
  });

  it('unwrap refuses a missing colon, missing CR LF, odd character counts and too-short frames', () => {
    for (const s of ['1103006B00037E\r\n', ':1103006B00037E', ':1103006B00037\r\n', ':117E\r\n']) {
      assert.throws(() => ascii.unwrap(Buffer.from(s, 'latin1')), CodecError, s);
    }
  });
});
