/**
 * Editor settings arrive as strings or numbers; these turn them into checked values once, at
 * deploy, so the runtime code works with plain typed settings.
 */
import { BYTE_ORDERS, ConfigError, DATA_TYPES, type ByteOrder, type DataType } from '../../codec';

/** An integer setting; empty or invalid gives the default (0 stays 0). */
export function intSetting(value: unknown, fallback: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isInteger(n) ? n : fallback;
}

/** A decimal setting in [min, max]; empty gives undefined ("use the default"), anything else invalid throws. */
export function optionalNumberSetting(value: unknown, min: number, max: number, what: string): number | undefined {
  // Number(' ') is 0: a field of spaces is blank, not zero.
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new ConfigError(`${what} ${String(value)} is outside ${min}..${max}`);
  return n;
}

export function stringSetting(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}

export function dataTypeSetting(value: unknown): DataType {
  return (DATA_TYPES as readonly unknown[]).includes(value) ? (value as DataType) : 'uint16';
}

export function byteOrderSetting(value: unknown): ByteOrder {
  return (BYTE_ORDERS as readonly unknown[]).includes(value) ? (value as ByteOrder) : 'ABCD';
}

/**
 * A list of integers like "1, 2, 10-12". Empty means "any" and gives undefined. Throws on
 * anything else, so a bad setting is reported at deploy rather than ignored.
 */
export function intListSetting(value: unknown, min: number, max: number): number[] | undefined {
  if (Array.isArray(value)) value = value.join(',');
  if (typeof value === 'number') value = String(value);
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const out: number[] = [];
  for (const part of value.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new ConfigError(`"${part.trim()}" is not a number or range`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (from < min || to > max || from > to) throw new ConfigError(`${part.trim()} is outside ${min}..${max}`);
    for (let n = from; n <= to; n++) out.push(n);
  }
  return out;
}

/** A JSON object setting (e.g. the memory map); empty gives undefined, bad JSON throws. */
export function jsonSetting(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ConfigError('expected a JSON object');
  return parsed as Record<string, unknown>;
}
