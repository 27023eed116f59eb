/**
 * Values between msgs and registers. 64-bit integers decode as bigint, which JSON (debug
 * sidebar, file, MQTT) cannot carry: they become numbers when inside ±(2^53−1), otherwise
 * decimal strings, so no digit is ever lost.
 */
import { CodecError, registersToValues, valuesToRegisters, type ByteOrder, type DataType, type DataValue } from '../../codec';
import { BadMessageError } from './errors';

export type JsonValue = number | boolean | string;

export function jsonSafe(value: DataValue): JsonValue {
  if (typeof value !== 'bigint') return value;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value.toString();
}

/** One value alone, several as an array: what users expect in msg.payload. */
export function scalarOrArray<T>(values: T[]): T | T[] {
  return values.length === 1 ? values[0] : values;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/** Registers decoded with a data type and byte order, JSON-safe. */
export function decodeRegisters(registers: readonly number[], type: DataType, order: ByteOrder): JsonValue[] {
  return registersToValues(registers, type, order).map(jsonSafe);
}

function isDataValue(v: unknown): v is DataValue {
  return typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || typeof v === 'string';
}

/**
 * A payload as registers: a Buffer is raw big-endian registers; numbers, booleans, strings,
 * bigints and arrays of them are encoded with the data type and byte order.
 */
export function payloadToRegisters(value: unknown, type: DataType, order: ByteOrder): number[] {
  if (Buffer.isBuffer(value)) {
    if (value.length % 2 !== 0) throw new BadMessageError(`a Buffer of ${value.length} bytes is not whole registers`);
    const out: number[] = [];
    for (let i = 0; i < value.length; i += 2) out.push(value.readUInt16BE(i));
    return out;
  }
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new BadMessageError('no values to write');
  if (!list.every(isDataValue)) throw new BadMessageError(`payload must be a number, boolean, string, bigint, Buffer or an array of them`);
  // true is not a register value: writing it as 1 to a uint16 would hide a wired-up mistake.
  if (type !== 'bool' && list.some((v) => typeof v === 'boolean')) {
    throw new BadMessageError(`a boolean cannot be written as ${type}: send a number, or set the data type to bool`);
  }
  try {
    return valuesToRegisters(list, type, order);
  } catch (err) {
    if (err instanceof CodecError) throw new BadMessageError(err.message);
    throw err;
  }
}

function toBool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return v !== 0;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new BadMessageError(`${JSON.stringify(v)} is not a coil value (boolean, 0 or 1)`);
}

/** A payload as coil values: a boolean, number, array of them, or a Buffer (one coil per byte). */
export function payloadToBools(value: unknown): boolean[] {
  const list = Buffer.isBuffer(value) ? [...value] : Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new BadMessageError('no values to write');
  return list.map(toBool);
}
