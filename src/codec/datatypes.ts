import { Buffer } from 'node:buffer';
import { CodecError } from './errors';

/** Value types that span one or more 16-bit registers. */
export type DataType = 'bool' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'int64' | 'uint64' | 'float64' | 'string';

/**
 * Byte and word order, named by where the bytes A (most significant) .. D land on the wire.
 * ABCD: big-endian bytes and words (the spec's own order). CDAB: words swapped. BADC: bytes
 * swapped inside each word. DCBA: both. For 64-bit values the word order applies to all four words.
 */
export type ByteOrder = 'ABCD' | 'CDAB' | 'BADC' | 'DCBA';

/** One decoded value: a number, a bigint for 64-bit integers, a boolean for bool, a string for string. */
export type DataValue = number | bigint | boolean | string;

/** Every data type the register packer knows, for editors and argument parsers. */
export const DATA_TYPES: readonly DataType[] = ['bool', 'int16', 'uint16', 'int32', 'uint32', 'float32', 'int64', 'uint64', 'float64', 'string'];
/** Every byte/word order: ABCD big-endian, CDAB word-swapped, BADC byte-swapped, DCBA little-endian. */
export const BYTE_ORDERS: readonly ByteOrder[] = ['ABCD', 'CDAB', 'BADC', 'DCBA'];

const WIDTH: Record<Exclude<DataType, 'string'>, number> = {
  bool: 1, int16: 1, uint16: 1, int32: 2, uint32: 2, float32: 2, int64: 4, uint64: 4, float64: 4,
};

/** Registers one value of `type` takes; a string takes `Math.ceil(length / 2)`. */
export function registersPerValue(type: DataType, stringLength = 2): number {
  return type === 'string' ? Math.ceil(stringLength / 2) : WIDTH[type];
}

function checkType(type: string): asserts type is DataType {
  if (!(DATA_TYPES as readonly string[]).includes(type)) throw new CodecError('unsupported', `unknown data type "${type}"`);
}

function checkOrder(order: string): asserts order is ByteOrder {
  if (!(BYTE_ORDERS as readonly string[]).includes(order)) throw new CodecError('unsupported', `unknown byte order "${order}"`);
}

const scratch = Buffer.alloc(8);

function checkRegister(r: number, i: number): void {
  if (r !== (r & 0xffff)) throw new CodecError('limit', `register [${i}] must be an integer 0..65535, got ${r}`);
}

/** Registers (in wire order) → big-endian bytes in `scratch`, undoing the byte and word order. */
function gather(regs: ArrayLike<number>, at: number, words: number, order: ByteOrder): void {
  const swapBytes = order === 'BADC' || order === 'DCBA';
  const swapWords = order === 'CDAB' || order === 'DCBA';
  for (let w = 0; w < words; w++) {
    const i = at + (swapWords ? words - 1 - w : w);
    const r = regs[i];
    checkRegister(r, i);
    scratch[2 * w] = swapBytes ? r & 0xff : r >>> 8;
    scratch[2 * w + 1] = swapBytes ? r >>> 8 : r & 0xff;
  }
}

/** Big-endian bytes in `scratch` → registers in wire order. */
function scatter(out: number[], words: number, order: ByteOrder): void {
  const swapBytes = order === 'BADC' || order === 'DCBA';
  const swapWords = order === 'CDAB' || order === 'DCBA';
  const start = out.length;
  for (let w = 0; w < words; w++) {
    const hi = scratch[2 * w];
    const lo = scratch[2 * w + 1];
    out[start + (swapWords ? words - 1 - w : w)] = swapBytes ? (lo << 8) | hi : (hi << 8) | lo;
  }
}

/**
 * Decode registers into values of `type`. A string decodes all registers into one Latin-1 string
 * (two characters per register, high byte first unless the order swaps bytes; word order does not
 * apply), with trailing NULs removed; `bool` is one value per register (non-zero is true).
 */
export function registersToValues(regs: ArrayLike<number>, type: DataType, order: ByteOrder = 'ABCD'): DataValue[] {
  checkType(type);
  checkOrder(order);
  if (type === 'string') return [registersToString(regs, order)];
  const words = WIDTH[type];
  if (regs.length % words !== 0) throw new CodecError('limit', `${regs.length} registers do not hold whole ${type} values (${words} each)`);
  const out: DataValue[] = [];
  for (let at = 0; at < regs.length; at += words) {
    gather(regs, at, words, order);
    switch (type) {
      case 'bool': out.push(((scratch[0] << 8) | scratch[1]) !== 0); break;
      case 'int16': out.push(scratch.readInt16BE(0)); break;
      case 'uint16': out.push(scratch.readUInt16BE(0)); break;
      case 'int32': out.push(scratch.readInt32BE(0)); break;
      case 'uint32': out.push(scratch.readUInt32BE(0)); break;
      case 'float32': out.push(scratch.readFloatBE(0)); break;
      case 'int64': out.push(scratch.readBigInt64BE(0)); break;
      case 'uint64': out.push(scratch.readBigUInt64BE(0)); break;
      case 'float64': out.push(scratch.readDoubleBE(0)); break;
    }
  }
  return out;
}

function registersToString(regs: ArrayLike<number>, order: ByteOrder): string {
  const swapBytes = order === 'BADC' || order === 'DCBA';
  const bytes = Buffer.allocUnsafe(regs.length * 2);
  for (let i = 0; i < regs.length; i++) {
    const r = regs[i];
    checkRegister(r, i);
    bytes[2 * i] = swapBytes ? r & 0xff : r >>> 8;
    bytes[2 * i + 1] = swapBytes ? r >>> 8 : r & 0xff;
  }
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  return bytes.toString('latin1', 0, end);
}

function toNumber(v: DataValue, type: DataType): number {
  // Number('') and Number(' ') are 0: an empty string is no number, not zero.
  if (typeof v === 'string' && v.trim() === '') throw new CodecError('limit', `an empty string is not a number for ${type}`);
  const n = typeof v === 'boolean' ? (v ? 1 : 0) : Number(v);
  if (Number.isNaN(n) && !(typeof v === 'number' || (typeof v === 'string' && v.trim() === 'NaN'))) {
    throw new CodecError('limit', `${String(v)} is not a number for ${type}`);
  }
  if (!Number.isFinite(n) && type !== 'float32' && type !== 'float64') throw new CodecError('limit', `${String(v)} is not a finite number for ${type}`);
  return n;
}

/** Largest finite float32; a finite number above it would silently become Infinity. */
const FLOAT32_MAX = 3.4028234663852886e38;

const INT_RANGE: Record<string, [number, number]> = {
  int16: [-0x8000, 0x7fff], uint16: [0, 0xffff], int32: [-0x80000000, 0x7fffffff], uint32: [0, 0xffffffff],
};

/**
 * Encode values of `type` into registers in wire order. Integers out of range, and non-integers
 * for integer types, throw CodecError rather than wrapping silently.
 */
export function valuesToRegisters(values: readonly DataValue[] | DataValue, type: DataType, order: ByteOrder = 'ABCD', stringRegisters?: number): number[] {
  checkType(type);
  checkOrder(order);
  const list = Array.isArray(values) ? values : [values as DataValue];
  if (type === 'string') return stringToRegisters(list.map(String).join(''), order, stringRegisters);
  const words = WIDTH[type];
  const out: number[] = [];
  for (const v of list) {
    switch (type) {
      case 'bool': scratch.writeUInt16BE(v === true || (typeof v !== 'boolean' && toNumber(v, type) !== 0) ? 1 : 0, 0); break;
      case 'float32': {
        const n = toNumber(v, type);
        // Values that round to FLOAT32_MAX are fine; beyond half an ulp above it they overflow.
        if (Number.isFinite(n) && Math.abs(n) > FLOAT32_MAX && !Number.isFinite(Math.fround(n))) {
          throw new CodecError('limit', `${n} is outside the float32 range`);
        }
        scratch.writeFloatBE(n, 0);
        break;
      }
      case 'float64': scratch.writeDoubleBE(toNumber(v, type), 0); break;
      case 'int64': case 'uint64': {
        let big: bigint;
        try {
          big = typeof v === 'bigint' ? v : BigInt(typeof v === 'boolean' ? Number(v) : v);
        } catch {
          throw new CodecError('limit', `${String(v)} is not an integer for ${type}`);
        }
        const [lo, hi] = type === 'int64' ? [-(1n << 63n), (1n << 63n) - 1n] : [0n, (1n << 64n) - 1n];
        if (big < lo || big > hi) throw new CodecError('limit', `${big} outside the ${type} range`);
        if (type === 'int64') scratch.writeBigInt64BE(big, 0); else scratch.writeBigUInt64BE(big, 0);
        break;
      }
      default: {
        const n = toNumber(v, type);
        const [lo, hi] = INT_RANGE[type];
        if (!Number.isInteger(n) || n < lo || n > hi) throw new CodecError('limit', `${String(v)} is not an integer in ${lo}..${hi} for ${type}`);
        if (words === 1) scratch.writeUInt16BE(n & 0xffff, 0); else scratch.writeUInt32BE(n >>> 0, 0);
      }
    }
    scatter(out, words, order);
  }
  return out;
}

function stringToRegisters(s: string, order: ByteOrder, registers?: number): number[] {
  // One byte per character: anything wider than Latin-1 would be silently cut to its low byte.
  if (/[^\u0000-\u00ff]/.test(s)) throw new CodecError('limit', 'string has characters outside Latin-1 (one byte per character)');
  if (registers !== undefined && !(Number.isInteger(registers) && registers >= 0)) throw new CodecError('limit', `string register count ${registers} is not a whole number`);
  const bytes = Buffer.from(s, 'latin1');
  const n = registers ?? Math.ceil(bytes.length / 2);
  if (bytes.length > n * 2) throw new CodecError('limit', `string of ${bytes.length} bytes does not fit ${n} registers`);
  const swapBytes = order === 'BADC' || order === 'DCBA';
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const hi = bytes[2 * i] ?? 0;
    const lo = bytes[2 * i + 1] ?? 0;
    out[i] = swapBytes ? (lo << 8) | hi : (hi << 8) | lo;
  }
  return out;
}
