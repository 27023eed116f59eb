import { StoreReadResponse, type ReadRegistersResponse } from '../codec';
import type { MapSection, MemoryMapConfig } from './types';

/** The four tables of the data model (MODBUS Application Protocol, section 4.3). */
export type TableName = 'coils' | 'discreteInputs' | 'holdingRegisters' | 'inputRegisters';
export const TABLE_NAMES: readonly TableName[] = ['coils', 'discreteInputs', 'holdingRegisters', 'inputRegisters'];

const ADDRESS_SPACE = 0x10000;

/**
 * One table: a contiguous block of addresses `start .. start + size - 1`. Bits are kept one per
 * byte; registers as big-endian byte pairs, the order the PDU carries them in, so an FC 3/4
 * answer is one copy from the table into the response ADU. A request is a bounds check and a loop.
 */
export class Table {
  readonly start: number;
  readonly size: number;
  readonly bits: boolean;
  /** Bit tables: one byte per bit. Register tables: two bytes per register, high byte first. */
  private readonly cells: Uint8Array;

  constructor(bits: boolean, start: number, size: number, values: readonly (number | boolean)[] = []) {
    this.bits = bits;
    this.start = start;
    this.size = size;
    this.cells = new Uint8Array(bits ? size : 2 * size);
    this.write(start, values);
  }

  /** True when every address of `address .. address + quantity - 1` is in this table. */
  contains(address: number, quantity: number): boolean {
    return address >= this.start && quantity >= 0 && address + quantity <= this.start + this.size;
  }

  /** Register values at `address` (a bit table answers 0 or 1); throws RangeError outside the table. */
  readWords(address: number, quantity: number): number[] {
    this.check(address, quantity);
    const out = new Array<number>(quantity);
    const o = address - this.start;
    const c = this.cells;
    if (this.bits) {
      for (let i = 0; i < quantity; i++) out[i] = c[o + i];
    } else {
      for (let i = 0, p = 2 * o; i < quantity; i++, p += 2) out[i] = (c[p] << 8) | c[p + 1];
    }
    return out;
  }

  /**
   * The FC 3/4 answer for `address .. address + quantity - 1`, which the encoder copies straight
   * from this table's bytes (no array of numbers per request); throws RangeError outside the
   * table. Encode it before the table is written again, as a server answering at once does.
   */
  readResponse(fc: 0x03 | 0x04, address: number, quantity: number): ReadRegistersResponse {
    this.check(address, quantity);
    if (this.bits) return { fc, values: this.readWords(address, quantity) };
    return new StoreReadResponse(fc, this.cells, 2 * (address - this.start), quantity);
  }

  /** Bit values at `address` (a register table answers value !== 0); throws RangeError outside the table. */
  readBits(address: number, quantity: number): boolean[] {
    this.check(address, quantity);
    const out = new Array<boolean>(quantity);
    const o = address - this.start;
    const c = this.cells;
    if (this.bits) {
      for (let i = 0; i < quantity; i++) out[i] = c[o + i] !== 0;
    } else {
      for (let i = 0, p = 2 * o; i < quantity; i++, p += 2) out[i] = (c[p] | c[p + 1]) !== 0;
    }
    return out;
  }

  /**
   * Store values at `address`. Booleans and numbers both work on either kind of table: a bit
   * table keeps value !== 0, a register table keeps the low 16 bits (so -1 is 0xFFFF).
   */
  write(address: number, values: readonly (number | boolean)[]): void {
    this.check(address, values.length);
    const o = address - this.start;
    const cells = this.cells;
    if (this.bits) {
      for (let i = 0; i < values.length; i++) cells[o + i] = values[i] ? 1 : 0;
    } else {
      for (let i = 0, p = 2 * o; i < values.length; i++, p += 2) {
        const v = values[i];
        const w = typeof v === 'boolean' ? (v ? 1 : 0) : v & 0xffff;
        cells[p] = w >>> 8;
        cells[p + 1] = w & 0xff;
      }
    }
  }

  private check(address: number, quantity: number): void {
    if (!this.contains(address, quantity)) {
      throw new RangeError(`addresses ${address}..${address + quantity - 1} are outside ${this.start}..${this.start + this.size - 1}`);
    }
  }
}

/** The memory of one unit (or of every unit when shared): each table may be absent. */
export class UnitMemory {
  readonly coils: Table | undefined;
  readonly discreteInputs: Table | undefined;
  readonly holdingRegisters: Table | undefined;
  readonly inputRegisters: Table | undefined;

  /** Without a config every table spans the whole address space: a useful default for a test server. */
  constructor(config?: MemoryMapConfig) {
    this.coils = makeTable(true, config, 'coils');
    this.discreteInputs = makeTable(true, config, 'discreteInputs');
    this.holdingRegisters = makeTable(false, config, 'holdingRegisters');
    this.inputRegisters = makeTable(false, config, 'inputRegisters');
  }

  table(name: TableName): Table | undefined {
    return this[name];
  }
}

function makeTable(bits: boolean, config: MemoryMapConfig | undefined, name: TableName): Table | undefined {
  if (!config) return new Table(bits, 0, ADDRESS_SPACE);
  const s: MapSection | undefined = config[name];
  if (!s) return undefined;
  const start = s.start ?? 0;
  const values = s.values ?? [];
  const size = s.size ?? values.length;
  if (!Number.isInteger(start) || start < 0 || !Number.isInteger(size) || size < 0 || start + size > ADDRESS_SPACE) {
    throw new RangeError(`${name}: start ${start} and size ${size} must lie inside 0..65535`);
  }
  if (values.length > size) throw new RangeError(`${name}: ${values.length} values do not fit size ${size}`);
  return new Table(bits, start, size, values);
}

/** The any-unit key of a per-unit map. */
export const ANY_UNIT = '*';

/**
 * The server's memory map: one UnitMemory shared by every unit, or one per unit id with `*` as
 * the fallback. Requests use `forUnit`; flows use `get` and `set`, which do not emit 'write'
 * (that event reports what Modbus clients wrote).
 */
export class ServerMemory {
  private readonly shared: UnitMemory | undefined;
  private readonly units = new Map<number, UnitMemory>();
  private readonly fallback: UnitMemory | undefined;

  constructor(config?: MemoryMapConfig | { units: Record<string, MemoryMapConfig> }) {
    if (config && 'units' in config) {
      for (const [key, unitConfig] of Object.entries(config.units)) {
        if (key === ANY_UNIT) continue;
        const id = Number(key);
        if (!Number.isInteger(id) || id < 0 || id > 255) throw new RangeError(`memory map unit "${key}" is not a unit id 0..255 or "*"`);
        this.units.set(id, new UnitMemory(unitConfig));
      }
      const any = config.units[ANY_UNIT];
      this.fallback = any ? new UnitMemory(any) : undefined;
    } else {
      this.shared = new UnitMemory(config);
    }
  }

  /** The memory a request to `unitId` uses, or undefined when the map has none for it. */
  forUnit(unitId: number): UnitMemory | undefined {
    return this.shared ?? this.units.get(unitId) ?? this.fallback;
  }

  /**
   * Every distinct memory a broadcast (unit 0) write reaches among the units `answers` accepts:
   * a shared map once, otherwise each answered unit's map and the fallback.
   */
  broadcastTargets(answers: (unitId: number) => boolean): UnitMemory[] {
    if (this.shared) return [this.shared];
    const out = new Set<UnitMemory>();
    for (const [id, m] of this.units) if (id !== 0 && answers(id)) out.add(m);
    if (this.fallback) out.add(this.fallback);
    return [...out];
  }

  /** Read values for a flow. `unitId` picks a unit's own map (default: the shared or fallback one). */
  get(table: TableName, address: number, quantity = 1, unitId?: number): number[] | boolean[] {
    const t = this.tableOf(table, unitId);
    return t.bits ? t.readBits(address, quantity) : t.readWords(address, quantity);
  }

  /**
   * Write values from a flow (no 'write' event). Registers take integers -32768..65535 (negative
   * ones as two's complement) or booleans; bits take anything, as truthy. Throws RangeError outside
   * the table or for a value a register cannot hold, writing nothing.
   */
  set(table: TableName, address: number, values: readonly (number | boolean)[], unitId?: number): void {
    const t = this.tableOf(table, unitId);
    if (!t.bits) {
      values.forEach((v, i) => {
        if (typeof v !== 'boolean' && !(Number.isInteger(v) && v >= -0x8000 && v <= 0xffff)) {
          throw new RangeError(`${table} value [${i}] ${String(v)} is not a 16-bit integer`);
        }
      });
    }
    t.write(address, values);
  }

  private tableOf(table: TableName, unitId: number | undefined): Table {
    const m = unitId === undefined ? (this.shared ?? this.fallback) : this.forUnit(unitId);
    const t = m?.table(table);
    if (!t) throw new RangeError(`no ${table} table${unitId === undefined ? '' : ` for unit ${unitId}`}`);
    return t;
  }
}
