import { readFile } from 'node:fs/promises';
import { ConfigError } from '../codec';
import { TABLE_NAMES, ANY_UNIT } from './memory';
import { parseAccessRule } from './authorization';
import type { IdentityConfig, MapSection, MemoryMapConfig } from './types';

/** A map file or config that is not one: `field` names where, e.g. `holdingRegisters.values[3]`. */
export class MapConfigError extends ConfigError {
  constructor(readonly field: string, problem: string) {
    super(`${field}: ${problem}`);
  }
}

const BIT_TABLES = new Set(['coils', 'discreteInputs']);
const IDENTITY_STRINGS = ['vendorName', 'productCode', 'revision', 'vendorUrl', 'productName', 'modelName', 'userApplicationName'] as const;

/**
 * Keys that name an object's prototype machinery rather than data: JSON.parse makes them own
 * properties, and a later spread or assignment could then reach the prototype. Refused wherever
 * they appear, with a message that says so.
 */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** FC 43/14 names the revision object MajorMinorRevision; the map has said `revision`. Both are taken. */
const IDENTITY_ALIASES: Readonly<Record<string, (typeof IDENTITY_STRINGS)[number]>> = { majorMinorRevision: 'revision' };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The object's own entries, refusing a prototype key at `path`. */
function entries(v: Record<string, unknown>, path: string): [string, unknown][] {
  const out = Object.entries(v);
  for (const [k] of out) {
    if (FORBIDDEN_KEYS.has(k)) throw new MapConfigError(path ? `${path}.${k}` : k, 'is not allowed (a prototype key, never a map field)');
  }
  return out;
}

function int(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new MapConfigError(field, `must be an integer ${min}..${max}, got ${JSON.stringify(v)}`);
  }
  return v;
}

function section(v: unknown, name: string, path: string): MapSection {
  if (!isRecord(v)) throw new MapConfigError(path, 'must be an object with start, size and/or values');
  for (const [k] of entries(v, path)) if (!['start', 'size', 'values'].includes(k)) throw new MapConfigError(`${path}.${k}`, 'is not a field (start, size, values)');
  const start = v.start === undefined ? 0 : int(v.start, `${path}.start`, 0, 65535);
  let values: number[] = [];
  if (v.values !== undefined) {
    if (!Array.isArray(v.values)) throw new MapConfigError(`${path}.values`, 'must be an array');
    const bits = BIT_TABLES.has(name);
    values = v.values.map((x: unknown, i) => {
      const f = `${path}.values[${i}]`;
      if (bits) {
        if (x === true || x === 1) return 1;
        if (x === false || x === 0) return 0;
        throw new MapConfigError(f, `must be 0, 1, true or false, got ${JSON.stringify(x)}`);
      }
      return int(x, f, -32768, 65535) & 0xffff;
    });
  }
  const size = v.size === undefined ? values.length : int(v.size, `${path}.size`, 0, 65536);
  if (values.length > size) throw new MapConfigError(`${path}.values`, `has ${values.length} values, more than size ${size}`);
  if (start + size > 65536) throw new MapConfigError(`${path}.size`, `start ${start} + size ${size} runs past address 65535`);
  return { start, size, values };
}

function identity(v: unknown, path: string): IdentityConfig {
  if (!isRecord(v)) throw new MapConfigError(path, 'must be an object');
  const out: IdentityConfig = {};
  for (const [k, x] of entries(v, path)) {
    const f = `${path}.${k}`;
    const name = Object.prototype.hasOwnProperty.call(IDENTITY_ALIASES, k) ? IDENTITY_ALIASES[k] : k;
    if ((IDENTITY_STRINGS as readonly string[]).includes(name)) {
      if (typeof x !== 'string') throw new MapConfigError(f, 'must be a string');
      const key = name as (typeof IDENTITY_STRINGS)[number];
      if (out[key] !== undefined) throw new MapConfigError(f, `names the same object as ${key === 'revision' ? 'revision and majorMinorRevision' : key}: give one of them`);
      out[key] = x;
    } else if (k === 'serverId') {
      out.serverId = int(x, f, 0, 255);
    } else if (k === 'extended') {
      if (!isRecord(x)) throw new MapConfigError(f, 'must be an object of object id (0x80..0xFF) to string');
      const ext: Record<string, string> = {};
      for (const [id, s] of entries(x, f)) {
        const n = Number(id);
        if (!Number.isInteger(n) || n < 0x80 || n > 0xff) throw new MapConfigError(`${f}.${id}`, 'extended object ids are 0x80..0xFF (128..255)');
        if (typeof s !== 'string') throw new MapConfigError(`${f}.${id}`, 'must be a string');
        ext[String(n)] = s;
      }
      out.extended = ext;
    } else {
      throw new MapConfigError(f, `is not an identity field (${[...IDENTITY_STRINGS, ...Object.keys(IDENTITY_ALIASES), 'serverId', 'extended'].join(', ')})`);
    }
  }
  return out;
}

function flatMap(v: unknown, path: string): MemoryMapConfig {
  if (!isRecord(v)) throw new MapConfigError(path || 'map', 'must be a JSON object');
  const out: MemoryMapConfig = {};
  const at = (k: string): string => (path ? `${path}.${k}` : k);
  for (const [k, x] of entries(v, path)) {
    if ((TABLE_NAMES as readonly string[]).includes(k)) out[k as (typeof TABLE_NAMES)[number]] = section(x, k, at(k));
    else if (k === 'identity') out.identity = identity(x, at(k));
    else if (k === 'access') out.access = parseAccessRule(x, at(k), (field, why) => { throw new MapConfigError(field, why); });
    else throw new MapConfigError(at(k), `is not a map field (${[...TABLE_NAMES, 'identity', 'access'].join(', ')})`);
  }
  return out;
}

/**
 * Check a map file's parsed JSON and return it typed: the flat form of MemoryMapConfig, or
 * `{ "units": { "1": {...}, "*": {...} } }` with one map per unit id. Throws MapConfigError
 * naming the offending field.
 */
export function parseMapConfig(json: unknown): MemoryMapConfig | { units: Record<string, MemoryMapConfig> } {
  if (isRecord(json) && Object.prototype.hasOwnProperty.call(json, 'units')) {
    const extra = entries(json, '').map(([k]) => k).find((k) => k !== 'units');
    if (extra) throw new MapConfigError(extra, 'cannot sit beside "units" (put it inside a unit\'s map)');
    if (!isRecord(json.units)) throw new MapConfigError('units', 'must be an object of unit id to map');
    const units: Record<string, MemoryMapConfig> = {};
    for (const [id, m] of entries(json.units, 'units')) {
      const n = Number(id);
      if (id !== ANY_UNIT && !(id.trim() !== '' && Number.isInteger(n) && n >= 0 && n <= 255)) {
        throw new MapConfigError(`units.${id}`, 'is not a unit id 0..255 or "*"');
      }
      units[id] = flatMap(m, `units.${id}`);
    }
    return { units };
  }
  return flatMap(json, '');
}

/** Read, parse and check a map file; every failure is a MapConfigError whose message names the file and field. */
export async function loadMapFile(file: string): Promise<MemoryMapConfig | { units: Record<string, MemoryMapConfig> }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new MapConfigError(`map file ${file}`, (err as Error).message);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new MapConfigError(`map file ${file}`, `not valid JSON (${(err as Error).message})`);
  }
  try {
    return parseMapConfig(json);
  } catch (err) {
    throw new MapConfigError(`map file ${file}`, (err as Error).message);
  }
}
