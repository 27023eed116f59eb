import { Buffer } from 'node:buffer';
import { CodecError, dataError } from './errors';
import { ByteQueue, Frame, INCOMPLETE, checkUnitId, type DeframeResult, type Deframer, type Framing } from './framing';
import { lrc } from './lrc';

/** ':' + 2 × (address + 253-byte PDU + LRC) + CR LF (serial line spec, section 2.5.2.1). */
export const MAX_ASCII_ADU_LENGTH = 513;
const COLON = 0x3a;
const CR = 0x0d;
const LF = 0x0a;
const HEX = '0123456789ABCDEF';

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** Decode the characters between ':' and CR LF into a frame; throws CodecError. */
function parseBody(b: Uint8Array, start: number, end: number): Frame {
  const chars = end - start;
  if (chars < 6 || (chars & 1) !== 0) throw dataError('framing', `ASCII frame of ${chars} characters is not address, PDU and LRC in hex pairs`);
  const bytes = Buffer.allocUnsafe(chars >>> 1);
  for (let i = 0; i < bytes.length; i++) {
    const hi = hexValue(b[start + 2 * i]);
    const lo = hexValue(b[start + 2 * i + 1]);
    if (hi < 0 || lo < 0) throw dataError('framing', `ASCII frame has a non-hex character at ${2 * i + 1}`);
    bytes[i] = (hi << 4) | lo;
  }
  const expected = lrc(bytes, 0, bytes.length - 1);
  if (bytes[bytes.length - 1] !== expected) throw dataError('framing', `ASCII LRC 0x${bytes[bytes.length - 1].toString(16)} should be 0x${expected.toString(16)}`);
  return new Frame(bytes[0], 0, bytes, 1, bytes.length - 1);
}

/**
 * ASCII deframer: a frame is ':' to CR LF. A ':' always starts a new frame (serial line spec,
 * section 2.5.2.1), so characters outside a frame, and a frame cut short, are dropped at the next ':'.
 */
class AsciiDeframer implements Deframer {
  private readonly q = new ByteQueue();

  get buffered(): number {
    return this.q.length;
  }

  push(chunk: Uint8Array): void {
    this.q.push(chunk);
  }

  next(): DeframeResult {
    const q = this.q;
    if (q.length === 0) return INCOMPLETE;
    const b = q.buf;
    const start = b.indexOf(COLON, q.off);
    if (start < 0) return this.drop(q.length, 'characters outside an ASCII frame');
    if (start > q.off) return this.drop(start - q.off, 'characters before an ASCII frame start');
    const limit = Math.min(b.length, start + MAX_ASCII_ADU_LENGTH);
    for (let i = start + 1; i < limit; i++) {
      const c = b[i];
      if (c === COLON) return this.drop(i - start, 'ASCII frame interrupted by a new start');
      if (c === LF && i > start + 1 && b[i - 1] === CR) {
        try {
          const frame = parseBody(b, start + 1, i - 1);
          q.consume(i + 1 - q.off);
          return frame;
        } catch (e) {
          q.consume(i + 1 - q.off);
          return { type: 'error', error: e as CodecError, dropped: i + 1 - start, fatal: false };
        }
      }
    }
    if (limit - start >= MAX_ASCII_ADU_LENGTH) return this.drop(MAX_ASCII_ADU_LENGTH, `ASCII frame longer than ${MAX_ASCII_ADU_LENGTH} characters`);
    q.retain();
    return INCOMPLETE;
  }

  private drop(n: number, why: string): DeframeResult {
    this.q.consume(n);
    return { type: 'error', error: dataError('framing', why), dropped: n, fatal: false };
  }

  reset(): number {
    return this.q.clear();
  }
}

/** Modbus ASCII framing. PDU encoders write binary with one byte free each side; seal turns it into characters. */
export const ascii: Framing = {
  name: 'ascii',
  headerLength: 1,
  trailerLength: 1,
  maxAduLength: MAX_ASCII_ADU_LENGTH,
  seal(adu, unitId) {
    checkUnitId(unitId);
    adu[0] = unitId;
    adu[adu.length - 1] = lrc(adu, 0, adu.length - 1);
    const out = Buffer.allocUnsafe(3 + 2 * adu.length);
    out[0] = COLON;
    for (let i = 0; i < adu.length; i++) {
      out[1 + 2 * i] = HEX.charCodeAt(adu[i] >>> 4);
      out[2 + 2 * i] = HEX.charCodeAt(adu[i] & 0x0f);
    }
    out[out.length - 2] = CR;
    out[out.length - 1] = LF;
    return out;
  },
  sealInto(buf, start, end, unitId) {
    checkUnitId(unitId);
    const n = end - start;
    const sealedEnd = start + 3 + 2 * n;
    if (sealedEnd > buf.length) throw new CodecError('limit', `an ASCII ADU of ${n} bytes needs ${3 + 2 * n} characters at offset ${start}; the buffer has ${buf.length - start}`);
    buf[start] = unitId;
    buf[end - 1] = lrc(buf, start, end - 1);
    // Backwards, so each byte is read before the characters of earlier bytes overwrite it.
    for (let i = n - 1; i >= 0; i--) {
      const v = buf[start + i];
      buf[start + 1 + 2 * i] = HEX.charCodeAt(v >>> 4);
      buf[start + 2 + 2 * i] = HEX.charCodeAt(v & 0x0f);
    }
    buf[start] = COLON;
    buf[sealedEnd - 2] = CR;
    buf[sealedEnd - 1] = LF;
    return sealedEnd;
  },
  unwrap(adu) {
    if (adu.length < 3 || adu[0] !== COLON || adu[adu.length - 2] !== CR || adu[adu.length - 1] !== LF) {
      throw dataError('framing', 'ASCII ADU must start with ":" and end with CR LF');
    }
    if (adu.length > MAX_ASCII_ADU_LENGTH) throw dataError('framing', `ASCII ADU longer than ${MAX_ASCII_ADU_LENGTH} characters`);
    return parseBody(adu, 1, adu.length - 2);
  },
  createDeframer() {
    return new AsciiDeframer();
  },
};
