import { strict as assert } from 'node:assert';
import {
  CodecError, ascii, decodeRequest, decodeResponse, encodeExceptionAdu, encodeRequestAdu, encodeResponseAdu, mbap, rtu,
  type Deframer, type Framing, type ModbusRequest, type Role,
} from '../../src/codec';
import { CASES } from './cases';

/** Bounded in count and in time; CODEC_FUZZ_MS / CODEC_FUZZ_COUNT override for a longer soak. */
const MAX_INPUTS = Number(process.env.CODEC_FUZZ_COUNT ?? 300_000);
const MAX_MS = Number(process.env.CODEC_FUZZ_MS ?? 12_000);
const SEED = Number(process.env.CODEC_FUZZ_SEED ?? 0x5eed);

/** xorshift32: reproducible from SEED, and cheap enough not to dominate the loop. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

const FRAMINGS: Framing[] = [mbap, rtu, ascii];
const ROLES: Role[] = ['indication', 'confirmation'];

/** Only CodecError may come out of the codec; anything else is a bug. */
function onlyCodecErrors(what: string, fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof CodecError)) throw new Error(`${what} threw ${e instanceof Error ? e.stack : String(e)}`);
  }
}

describe('codec fuzz: random and mutated frames through every deframer and decoder', function () {
  this.timeout(MAX_MS + 30_000);

  it(`never throws anything but CodecError, never hangs, stays bounded (${MAX_INPUTS} inputs or ${MAX_MS} ms, seed ${SEED})`, () => {
    const rand = rng(SEED);
    const requests: ModbusRequest[] = CASES.map((c) => c.request);
    // A pool of valid ADUs in every framing, both directions, to mutate.
    const pool: Buffer[] = [];
    for (const framing of FRAMINGS) {
      for (const c of CASES) {
        pool.push(encodeRequestAdu(framing, 1 + (pool.length % 247), pool.length & 0xffff, c.request));
        if (c.response) pool.push(encodeResponseAdu(framing, 1, pool.length & 0xffff, c.response));
      }
      pool.push(encodeExceptionAdu(framing, 3, 4, 0x03, 0x02));
    }
    const deframers: { framing: Framing; role: Role; d: Deframer }[] = [];
    for (const framing of FRAMINGS) for (const role of ROLES) deframers.push({ framing, role, d: framing.createDeframer(role) });
    const maxChars = (f: Framing): number => f.maxAduLength;

    const makeInput = (): Buffer => {
      const kind = rand() % 4;
      if (kind === 0) {
        const b = Buffer.allocUnsafe(rand() % 300);
        for (let i = 0; i < b.length; i++) b[i] = rand() & 0xff;
        return b;
      }
      const base = Buffer.from(pool[rand() % pool.length]);
      let b = base;
      for (let m = 1 + (rand() % 3); m > 0; m--) {
        const op = rand() % 6;
        const at = b.length === 0 ? 0 : rand() % b.length;
        if (op === 0 && b.length > 0) b[at] ^= 1 << (rand() % 8);
        else if (op === 1 && b.length > 0) b[at] = rand() & 0xff;
        else if (op === 2) b = Buffer.concat([b.subarray(0, at), Buffer.from([rand() & 0xff]), b.subarray(at)]);
        else if (op === 3) b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1)]);
        else if (op === 4) b = b.subarray(0, at);
        else b = Buffer.concat([b, pool[rand() % pool.length]]);
      }
      return b;
    };

    const started = Date.now();
    let inputs = 0;
    let frames = 0;
    let errors = 0;
    for (; inputs < MAX_INPUTS; inputs++) {
      if ((inputs & 1023) === 0 && Date.now() - started > MAX_MS) break;
      const input = makeInput();

      // Decoders straight on the bytes, as a PDU, in both roles.
      onlyCodecErrors('decodeRequest', () => decodeRequest(input));
      onlyCodecErrors('decodeResponse', () => decodeResponse(input));
      onlyCodecErrors('decodeResponse with a request', () => decodeResponse(input, 0, input.length, requests[rand() % requests.length]));
      const framing = FRAMINGS[rand() % FRAMINGS.length];
      onlyCodecErrors(`${framing.name}.unwrap`, () => framing.unwrap(input));

      // Every deframer, fed the input in one to three chunks; they keep state across inputs.
      for (const { framing: f, role, d } of deframers) {
        const cut = input.length === 0 ? 0 : rand() % (input.length + 1);
        for (const chunk of [input.subarray(0, cut), input.subarray(cut)]) {
          d.push(chunk);
          // Every result but `incomplete` drops or takes at least one byte, so this ends.
          const limit = d.buffered + 2;
          let steps = 0;
          for (;; steps++) {
            assert.ok(steps <= limit, `${f.name} ${role} next() did not terminate`);
            let r;
            try {
              r = d.next();
            } catch (e) {
              throw new Error(`${f.name} ${role} next() threw ${e instanceof Error ? e.stack : String(e)}`);
            }
            if (r.type === 'incomplete') break;
            if (r.type === 'error') {
              assert.ok(r.error instanceof CodecError && r.dropped >= 1);
              errors++;
              continue;
            }
            frames++;
            const pdu = r.frame.pdu;
            if (role === 'indication') onlyCodecErrors('decodeRequest of a frame', () => decodeRequest(pdu));
            else onlyCodecErrors('decodeResponse of a frame', () => decodeResponse(pdu, 0, pdu.length, requests[rand() % requests.length]));
          }
          assert.ok(d.buffered <= maxChars(f) + chunk.length, `${f.name} ${role} holds ${d.buffered} bytes`);
          assert.ok(d.buffered < maxChars(f), `${f.name} ${role} holds ${d.buffered} bytes after draining`);
        }
      }
      // Now and then a serial line falls silent.
      if (rand() % 64 === 0) for (const { d } of deframers) d.reset();
    }
    const ms = Date.now() - started;
    process.stdout.write(`      fuzz: ${inputs} inputs in ${ms} ms (each through ${deframers.length} deframers, 3 decoders and an unwrap): ${frames} frames, ${errors} deframe errors\n`);
    assert.ok(inputs >= 1000, 'the fuzz loop barely ran');
    assert.ok(frames > 0 && errors > 0, 'the fuzz inputs never produced both frames and errors');
  });
});
