import { Buffer } from 'node:buffer';
import { CodecError, dataError } from '../errors';
import { ExceptionCode } from '../exceptions';

/** Largest PDU the spec allows: a 256-byte RTU ADU less address and CRC (section 4.1). */
export const MAX_PDU_LENGTH = 253;

/**
 * Allocate an ADU-sized buffer with `head` bytes free before the PDU and `tail` after, so a
 * framing can fill its header and trailer without copying the PDU.
 */
export function allocPdu(head: number, pduLength: number, tail: number): Buffer {
  if (pduLength > MAX_PDU_LENGTH) {
    throw new CodecError('limit', `PDU of ${pduLength} bytes exceeds the ${MAX_PDU_LENGTH}-byte maximum`, ExceptionCode.IllegalDataValue);
  }
  return Buffer.allocUnsafe(head + pduLength + tail);
}

/** Refuse to write `length` bytes at `target[at]` past its end: a typed array would drop them silently. */
export function checkRoom(target: Uint8Array, at: number, length: number): void {
  if (!(at >= 0 && at + length <= target.length)) {
    throw new CodecError('limit', `${length} bytes at offset ${at} do not fit a ${target.length}-byte buffer`);
  }
}

export function u16(b: Uint8Array, i: number): number {
  return (b[i] << 8) | b[i + 1];
}

export function put16(b: Uint8Array, i: number, v: number): void {
  b[i] = v >>> 8;
  b[i + 1] = v & 0xff;
}

/** Refuse anything that is not an integer in 0..0xFFFF before it is written as a register. */
export function checkWord(v: number, what: string): void {
  if (v !== (v & 0xffff)) throw new CodecError('limit', `${what} must be an integer 0..65535, got ${v}`);
}

export function checkByte(v: number, what: string): void {
  if (v !== (v & 0xff)) throw new CodecError('limit', `${what} must be an integer 0..255, got ${v}`);
}

/** Quantity outside the spec's range: exception 03 for a server. */
export function checkQuantity(q: number, min: number, max: number, what = 'quantity'): void {
  if (!(q >= min && q <= max) || q !== Math.floor(q)) {
    throw new CodecError('limit', `${what} ${q} outside ${min}..${max}`, ExceptionCode.IllegalDataValue);
  }
}

/** Address range running past 0xFFFF: exception 02 for a server. */
export function checkRange(address: number, quantity: number): void {
  if (address !== (address & 0xffff)) {
    throw new CodecError('limit', `address ${address} outside 0..65535`, ExceptionCode.IllegalDataAddress);
  }
  if (address + quantity > 0x10000) {
    throw new CodecError('limit', `address ${address} + quantity ${quantity} runs past 0xFFFF`, ExceptionCode.IllegalDataAddress);
  }
}

/** A PDU whose length cannot be right for its function code: exception 03 for a server. */
export function malformed(message: string): CodecError {
  return dataError('malformed', message, ExceptionCode.IllegalDataValue);
}

export function expectLength(fc: number, actual: number, expected: number): void {
  if (actual !== expected) throw malformed(`FC ${fc} PDU must be ${expected} bytes, got ${actual}`);
}

export function mismatch(message: string): CodecError {
  return dataError('mismatch', message);
}

export function readWords(b: Uint8Array, start: number, count: number): number[] {
  const out = new Array<number>(count);
  for (let i = 0, p = start; i < count; i++, p += 2) out[i] = (b[p] << 8) | b[p + 1];
  return out;
}

export function writeWords(b: Uint8Array, start: number, values: readonly number[], what = 'register value'): void {
  for (let i = 0, p = start; i < values.length; i++, p += 2) {
    const v = values[i];
    if (v !== (v & 0xffff)) throw notAWord(what, i, v);
    b[p] = v >>> 8;
    b[p + 1] = v;
  }
}

// Out of line, so the loop above stays small enough for V8 to inline into its callers.
function notAWord(what: string, i: number, v: unknown): CodecError {
  return new CodecError('limit', `${what} [${i}] must be an integer 0..65535, got ${String(v)}`);
}

/** Bits packed LSB first, as FC 1, 2 and 15 carry them. */
export function readBits(b: Uint8Array, start: number, count: number): boolean[] {
  const out = new Array<boolean>(count);
  for (let i = 0; i < count; i++) out[i] = (b[start + (i >>> 3)] & (1 << (i & 7))) !== 0;
  return out;
}

export function writeBits(b: Uint8Array, start: number, values: readonly boolean[]): void {
  const bytes = (values.length + 7) >>> 3;
  b.fill(0, start, start + bytes);
  for (let i = 0; i < values.length; i++) if (values[i]) b[start + (i >>> 3)] |= 1 << (i & 7);
}

export function readBytes(b: Uint8Array, start: number, end: number): number[] {
  const out = new Array<number>(end - start);
  for (let i = start; i < end; i++) out[i - start] = b[i];
  return out;
}
