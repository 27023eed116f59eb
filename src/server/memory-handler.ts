import { ExceptionCode, functionCodesWhere, writesData, type ModbusRequest, type ModbusResponse } from '../codec';
import type { UnitMemory } from './memory';

/** Called after each write the map takes, with what was written where. */
export type WriteSink = (table: 'coils' | 'holdingRegisters', address: number, values: number[] | boolean[]) => void;

/** Function codes the memory map serves (from the codec's function code table). */
export { MEMORY_FUNCTION_CODES } from '../codec';

const ADDRESS = ExceptionCode.IllegalDataAddress;

/**
 * Serve one data-access request from a unit's memory, synchronously, so each request is atomic.
 * Returns the normal response, or an exception code (02 when any address is outside its table;
 * the codec has already answered 01 and 03). Every range is checked before anything is written.
 */
export function executeOnMemory(mem: UnitMemory | undefined, req: ModbusRequest, onWrite: WriteSink): ModbusResponse | number {
  switch (req.fc) {
    case 0x01: case 0x02: {
      const t = req.fc === 0x01 ? mem?.coils : mem?.discreteInputs;
      if (!t?.contains(req.address, req.quantity)) return ADDRESS;
      return { fc: req.fc, values: t.readBits(req.address, req.quantity) };
    }
    case 0x03: case 0x04: {
      const t = req.fc === 0x03 ? mem?.holdingRegisters : mem?.inputRegisters;
      if (!t?.contains(req.address, req.quantity)) return ADDRESS;
      // Answered synchronously, so the encoder can copy straight from the table.
      return t.readResponse(req.fc, req.address, req.quantity);
    }
    case 0x05: {
      const t = mem?.coils;
      if (!t?.contains(req.address, 1)) return ADDRESS;
      const values = [req.value];
      t.write(req.address, values);
      onWrite('coils', req.address, values);
      return { fc: 0x05, address: req.address, value: req.value };
    }
    case 0x06: {
      const t = mem?.holdingRegisters;
      if (!t?.contains(req.address, 1)) return ADDRESS;
      const values = [req.value];
      t.write(req.address, values);
      onWrite('holdingRegisters', req.address, values);
      return { fc: 0x06, address: req.address, value: req.value };
    }
    case 0x0f: {
      const t = mem?.coils;
      if (!t?.contains(req.address, req.values.length)) return ADDRESS;
      t.write(req.address, req.values);
      onWrite('coils', req.address, req.values);
      return { fc: 0x0f, address: req.address, quantity: req.values.length };
    }
    case 0x10: {
      const t = mem?.holdingRegisters;
      if (!t?.contains(req.address, req.values.length)) return ADDRESS;
      t.write(req.address, req.values);
      onWrite('holdingRegisters', req.address, req.values);
      return { fc: 0x10, address: req.address, quantity: req.values.length };
    }
    case 0x16: {
      const t = mem?.holdingRegisters;
      if (!t?.contains(req.address, 1)) return ADDRESS;
      const current = t.readWords(req.address, 1)[0];
      // Section 6.16: result = (current AND andMask) OR (orMask AND NOT andMask).
      const values = [((current & req.andMask) | (req.orMask & ~req.andMask)) & 0xffff];
      t.write(req.address, values);
      onWrite('holdingRegisters', req.address, values);
      return { fc: 0x16, address: req.address, andMask: req.andMask, orMask: req.orMask };
    }
    case 0x17: {
      const t = mem?.holdingRegisters;
      // Both ranges are checked first, so a refused request writes nothing.
      if (!t?.contains(req.writeAddress, req.values.length) || !t.contains(req.readAddress, req.readQuantity)) return ADDRESS;
      t.write(req.writeAddress, req.values);
      onWrite('holdingRegisters', req.writeAddress, req.values);
      return { fc: 0x17, values: t.readWords(req.readAddress, req.readQuantity) };
    }
    default:
      return ExceptionCode.IllegalFunction;
  }
}

/** Function codes that write the memory map: what a route with `storeWrites` stores. */
export const STORED_WRITE_FUNCTION_CODES: ReadonlySet<number> = new Set(functionCodesWhere((d) => d.memory && writesData(d)));

/**
 * Apply the write part of a request a route acknowledged to a unit's memory (FC 23: its write
 * range only; the route answered the read). Returns undefined when stored or when the request
 * writes nothing, else exception 02 (an address outside its table), having written nothing.
 */
export function storeWrite(mem: UnitMemory | undefined, req: ModbusRequest, onWrite: WriteSink): number | undefined {
  let table: 'coils' | 'holdingRegisters';
  let address: number;
  let values: number[] | boolean[];
  switch (req.fc) {
    case 0x05: table = 'coils'; address = req.address; values = [req.value]; break;
    case 0x0f: table = 'coils'; address = req.address; values = req.values; break;
    case 0x06: table = 'holdingRegisters'; address = req.address; values = [req.value]; break;
    case 0x10: table = 'holdingRegisters'; address = req.address; values = req.values; break;
    case 0x17: table = 'holdingRegisters'; address = req.writeAddress; values = req.values; break;
    case 0x16: {
      const t = mem?.holdingRegisters;
      if (!t?.contains(req.address, 1)) return ADDRESS;
      const current = t.readWords(req.address, 1)[0];
      table = 'holdingRegisters'; address = req.address;
      values = [((current & req.andMask) | (req.orMask & ~req.andMask)) & 0xffff];
      break;
    }
    default: return undefined;
  }
  const t = mem?.[table];
  if (!t?.contains(address, values.length)) return ADDRESS;
  t.write(address, values);
  onWrite(table, address, values);
  return undefined;
}
