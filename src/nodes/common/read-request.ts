/**
 * msg ↔ request for umodbus-read: which request a msg asks for (node settings, overridden by
 * fields of a plain-object msg.payload) and what the response puts in msg.payload.
 */
import { functionCodesWhere, registersPerValue, type ByteOrder, type DataType, type ModbusRequest, type ModbusResponse, type ReadDeviceIdCode } from '../../codec';
import { BadMessageError } from './errors';
import { byteOrderSetting, dataTypeSetting, intSetting } from './settings';
import { decodeRegisters, isPlainObject, scalarOrArray, type JsonValue } from './values';

/** The function codes umodbus-read sends: every read in the codec's function code table. */
export const READ_FUNCTION_CODES: readonly number[] = functionCodesWhere((d) => d.access === 'read');

export interface ReadSettings {
  unitId: number;
  fc: number;
  /** 0-based start address (FC 20: the record number). */
  address: number;
  /** Values of the data type to read (FC 1/2: bits; string: registers; FC 20: record length in registers). */
  quantity: number;
  dataType: DataType;
  byteOrder: ByteOrder;
  /** FC 20: file number. */
  fileNumber: number;
  /** FC 43/14: 1 basic, 2 regular, 3 extended, 4 one object. */
  deviceIdCode: number;
  objectId: number;
  /** Split a read above the FC's maximum (125 registers, 2000 bits) into several requests. */
  split: boolean;
}

/** A request ready to send, with what is needed to decode its answer. */
export interface ReadPlan {
  unitId: number;
  request: ModbusRequest;
  dataType: DataType;
  byteOrder: ByteOrder;
}

/** The fields a msg may override; documented in the help. */
export const READ_OVERRIDES = ['unitId', 'fc', 'address', 'quantity'] as const;

function intField(name: string, value: unknown, min: number, max: number): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw new BadMessageError(`${name} must be an integer in ${min}..${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** Settings with msg.payload overrides applied and checked. */
export function readSettingsFor(settings: ReadSettings, payload: unknown): ReadSettings {
  if (!isPlainObject(payload)) return settings;
  const s = { ...settings };
  if (payload.unitId !== undefined) s.unitId = intField('unitId', payload.unitId, 0, 255);
  if (payload.fc !== undefined) s.fc = intField('fc', payload.fc, 1, 127);
  if (payload.address !== undefined) s.address = intField('address', payload.address, 0, 0xffff);
  if (payload.quantity !== undefined) s.quantity = intField('quantity', payload.quantity, 1, s.split ? 0x10000 : 2000);
  return s;
}

export function buildReadRequest(settings: ReadSettings, payload: unknown): ReadPlan {
  const s = readSettingsFor(settings, payload);
  const plan = (request: ModbusRequest): ReadPlan => ({ unitId: s.unitId, request, dataType: s.dataType, byteOrder: s.byteOrder });
  switch (s.fc) {
    case 1: case 2:
      return plan({ fc: s.fc, address: s.address, quantity: s.quantity });
    case 3: case 4: {
      const quantity = s.dataType === 'string' ? s.quantity : s.quantity * registersPerValue(s.dataType);
      return plan({ fc: s.fc, address: s.address, quantity });
    }
    case 7: return plan({ fc: 0x07 });
    case 11: return plan({ fc: 0x0b });
    case 12: return plan({ fc: 0x0c });
    case 17: return plan({ fc: 0x11 });
    case 20:
      return plan({ fc: 0x14, references: [{ fileNumber: s.fileNumber, recordNumber: s.address, recordLength: s.quantity }] });
    case 24: return plan({ fc: 0x18, address: s.address });
    case 43:
      return plan({ fc: 0x2b, meiType: 0x0e, readDeviceIdCode: intField('deviceIdCode', s.deviceIdCode, 1, 4) as ReadDeviceIdCode, objectId: s.objectId });
    default:
      throw new BadMessageError(`function code ${s.fc} is not a read; use one of ${READ_FUNCTION_CODES.join(', ')}`);
  }
}

/** The spec's limits of one read: FC 1, 2 bits and FC 3, 4 registers. */
export const MAX_READ_BITS = 2000;
export const MAX_READ_REGISTERS = 125;

type RangeRead = { fc: 1 | 2 | 3 | 4; address: number; quantity: number };

function isRangeRead(r: ModbusRequest): r is RangeRead {
  return (r.fc === 1 || r.fc === 2 || r.fc === 3 || r.fc === 4) && 'quantity' in r;
}

/**
 * The requests a read takes: one, or with `split` several on the same unit, each within the
 * FC's maximum and none cutting a value of the data type in two.
 */
export function readChunks(plan: ReadPlan, split: boolean): ModbusRequest[] {
  const r = plan.request;
  if (!split || !isRangeRead(r)) return [r];
  const per = registersPerValue(plan.dataType);
  const max = r.fc <= 2 ? MAX_READ_BITS : plan.dataType === 'string' ? MAX_READ_REGISTERS : Math.floor(MAX_READ_REGISTERS / per) * per;
  if (r.quantity <= max) return [r];
  if (r.address + r.quantity > 0x10000) {
    throw new BadMessageError(`address ${r.address} + quantity ${r.quantity} ${r.fc <= 2 ? 'bits' : 'registers'} runs past the last address 65535`);
  }
  const out: ModbusRequest[] = [];
  for (let done = 0; done < r.quantity; done += max) {
    out.push({ fc: r.fc, address: r.address + done, quantity: Math.min(max, r.quantity - done) });
  }
  return out;
}

/** One response from the chunks' responses, as if one request had read it all. */
export function mergeChunks(requests: ModbusRequest[], responses: ModbusResponse[]): ModbusResponse {
  if (responses.length === 1) return responses[0];
  const values: (number | boolean)[] = [];
  responses.forEach((res, i) => {
    const req = requests[i];
    if (!('values' in res) || !isRangeRead(req)) throw new Error(`function code ${res.fc} does not split`);
    // Bits come padded to whole bytes: keep the ones asked for.
    values.push(...(res.values as (number | boolean)[]).slice(0, req.quantity));
  });
  return { ...responses[0], values } as ModbusResponse;
}

const DEVICE_ID_NAMES = ['vendorName', 'productCode', 'majorMinorRevision', 'vendorUrl', 'productName', 'modelName', 'userApplicationName'];

export interface ReadResult {
  payload: unknown;
  /** Registers or bits as they came off the wire (FC 1-4, 24), else undefined. */
  raw?: number[] | boolean[];
}

/** msg.payload from a read response; see the help for the shape per function code. */
export function decodeReadResponse(plan: ReadPlan, response: ModbusResponse): ReadResult {
  const registers = (values: number[]): JsonValue | JsonValue[] => scalarOrArray(decodeRegisters(values, plan.dataType, plan.byteOrder));
  switch (response.fc) {
    case 0x01: case 0x02: {
      const quantity = 'quantity' in plan.request ? plan.request.quantity : response.values.length;
      const bits = response.values.slice(0, quantity);
      return { payload: scalarOrArray(bits), raw: bits };
    }
    case 0x03: case 0x04: case 0x18:
      return { payload: registers(response.values), raw: response.values };
    case 0x07: return { payload: response.status };
    case 0x0b: return { payload: { status: response.status, eventCount: response.eventCount } };
    case 0x0c: return { payload: { status: response.status, eventCount: response.eventCount, messageCount: response.messageCount, events: response.events } };
    case 0x11: return { payload: { serverId: response.serverId, runIndicator: response.runIndicator, additionalData: response.additionalData } };
    case 0x14: return { payload: response.records.map((r) => decodeRegisters(r, plan.dataType, plan.byteOrder)), raw: response.records.flat() };
    case 0x2b: {
      const objects: Record<string, string> = {};
      for (const o of response.objects) objects[DEVICE_ID_NAMES[o.id] ?? `object${o.id}`] = o.value;
      return { payload: objects };
    }
    default:
      return { payload: response };
  }
}

/** The read node's editor settings, checked once at deploy. */
export function readSettingsFrom(def: Record<string, unknown>): ReadSettings {
  return {
    unitId: intSetting(def.unitId, 1),
    fc: intSetting(def.fc, 3),
    address: intSetting(def.address, 0),
    quantity: intSetting(def.quantity, 1),
    dataType: dataTypeSetting(def.dataType),
    byteOrder: byteOrderSetting(def.byteOrder),
    fileNumber: intSetting(def.fileNumber, 1),
    deviceIdCode: intSetting(def.deviceIdCode, 1),
    objectId: intSetting(def.objectId, 0),
    split: def.splitReads === true || def.splitReads === 'true',
  };
}
