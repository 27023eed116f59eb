/**
 * msg ↔ request for umodbus-write: msg.payload is the value to write; a plain object with a
 * `value` field may also override unitId, fc and address (FC 22 takes {andMask, orMask}).
 */
import { functionCodesWhere, registersPerValue, writesData, type ByteOrder, type DataType, type ModbusRequest, type ModbusResponse } from '../../codec';
import { BadMessageError } from './errors';
import { readSettingsFor } from './read-request';
import { byteOrderSetting, dataTypeSetting, intSetting } from './settings';
import { decodeRegisters, isPlainObject, payloadToBools, payloadToRegisters, scalarOrArray } from './values';

/** The function codes umodbus-write sends: every write in the codec's function code table (FC 23 too). */
export const WRITE_FUNCTION_CODES: readonly number[] = functionCodesWhere(writesData);

export interface WriteSettings {
  unitId: number;
  fc: number;
  address: number;
  dataType: DataType;
  byteOrder: ByteOrder;
  /** FC 21: file number (the record number is `address`). */
  fileNumber: number;
  /** FC 23: the read half, in values of the data type. */
  readAddress: number;
  readQuantity: number;
}

export interface WritePlan {
  unitId: number;
  request: ModbusRequest;
  dataType: DataType;
  byteOrder: ByteOrder;
}

function maskField(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffff) throw new BadMessageError(`${name} must be an integer in 0..65535`);
  return v;
}

export function buildWriteRequest(settings: WriteSettings, payload: unknown): WritePlan {
  let value = payload;
  let s = settings;
  if (isPlainObject(payload) && 'value' in payload) {
    const over = readSettingsFor({ ...settings, quantity: 1, deviceIdCode: 1, objectId: 0, split: false }, { unitId: payload.unitId, fc: payload.fc, address: payload.address });
    s = { ...settings, unitId: over.unitId, fc: over.fc, address: over.address };
    value = payload.value;
  }
  if (value === undefined || value === null) throw new BadMessageError('msg.payload holds no value to write');
  const plan = (request: ModbusRequest): WritePlan => ({ unitId: s.unitId, request, dataType: s.dataType, byteOrder: s.byteOrder });
  switch (s.fc) {
    case 5: {
      const bits = payloadToBools(value);
      if (bits.length !== 1) throw new BadMessageError(`FC 5 writes one coil, got ${bits.length} values; use FC 15`);
      return plan({ fc: 0x05, address: s.address, value: bits[0] });
    }
    case 15:
      return plan({ fc: 0x0f, address: s.address, values: payloadToBools(value) });
    case 6: {
      const regs = payloadToRegisters(value, s.dataType, s.byteOrder);
      if (regs.length !== 1) throw new BadMessageError(`FC 6 writes one register, the value takes ${regs.length}; use FC 16`);
      return plan({ fc: 0x06, address: s.address, value: regs[0] });
    }
    case 16:
      return plan({ fc: 0x10, address: s.address, values: payloadToRegisters(value, s.dataType, s.byteOrder) });
    case 21:
      return plan({ fc: 0x15, records: [{ fileNumber: s.fileNumber, recordNumber: s.address, values: payloadToRegisters(value, s.dataType, s.byteOrder) }] });
    case 22: {
      if (!isPlainObject(value)) throw new BadMessageError('FC 22 needs msg.payload = {andMask, orMask}');
      return plan({ fc: 0x16, address: s.address, andMask: maskField('andMask', value.andMask), orMask: maskField('orMask', value.orMask) });
    }
    case 23: {
      const readQuantity = s.dataType === 'string' ? s.readQuantity : s.readQuantity * registersPerValue(s.dataType);
      return plan({ fc: 0x17, readAddress: s.readAddress, readQuantity, writeAddress: s.address, values: payloadToRegisters(value, s.dataType, s.byteOrder) });
    }
    default:
      throw new BadMessageError(`function code ${s.fc} is not a write; use one of ${WRITE_FUNCTION_CODES.join(', ')}`);
  }
}

/** FC 23 reads as it writes: its payload becomes the values read. Other writes keep the payload. */
export function writeResultPayload(plan: WritePlan, response: ModbusResponse | undefined, payload: unknown): unknown {
  if (response && response.fc === 0x17) return scalarOrArray(decodeRegisters(response.values, plan.dataType, plan.byteOrder));
  return payload;
}

/** The write node's editor settings, checked once at deploy. */
export function writeSettingsFrom(def: Record<string, unknown>): WriteSettings {
  return {
    unitId: intSetting(def.unitId, 1),
    fc: intSetting(def.fc, 6),
    address: intSetting(def.address, 0),
    dataType: dataTypeSetting(def.dataType),
    byteOrder: byteOrderSetting(def.byteOrder),
    fileNumber: intSetting(def.fileNumber, 1),
    readAddress: intSetting(def.readAddress, 0),
    readQuantity: intSetting(def.readQuantity, 1),
  };
}
