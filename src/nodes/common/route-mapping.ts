/**
 * msg ↔ server route: a request the server received becomes msg.payload (decoded with the route
 * node's data type) plus plain correlation data in msg.modbus; a reply msg becomes a RouteReply.
 */
import { BYTE_ORDERS, DATA_TYPES, functionCodesWhere, readsData, registersPerValue, type ByteOrder, type DataType } from '../../codec';
import type { ServerMemory, TableName } from '../../server/memory';
import type { RemoteAddress, RouteReply, ServerIndication } from '../../server/types';
import { BadMessageError } from './errors';
import { decodeRegisters, isPlainObject, payloadToBools, payloadToRegisters, scalarOrArray } from './values';

export interface RouteCodec {
  dataType: DataType;
  byteOrder: ByteOrder;
}

/** What msg.modbus carries from a route to its reply: ids and request facts, nothing live. */
export interface RouteCorrelation {
  server: string;
  id: string;
  route: string;
  unitId: number;
  fc: number;
  transactionId: number;
  remote: RemoteAddress;
  /** TCP + TLS: the client's role from its certificate, when it has one. */
  role?: string;
}

/** Registers as values of the data type when they divide evenly, else as plain uint16. */
function decodeWritten(registers: number[], codec: RouteCodec): unknown {
  const fits = codec.dataType === 'string' || registers.length % registersPerValue(codec.dataType) === 0;
  return scalarOrArray(fits ? decodeRegisters(registers, codec.dataType, codec.byteOrder) : registers);
}

/** msg.payload for one request; every shape is listed in the help. */
export function indicationPayload(ind: ServerIndication, codec: RouteCodec): Record<string, unknown> {
  const base: Record<string, unknown> = { unitId: ind.unitId, fc: ind.fc };
  if (ind.address !== undefined) base.address = ind.address;
  if (ind.quantity !== undefined) base.quantity = ind.quantity;
  const req = ind.request;
  switch (req.fc) {
    case 0x05: return { ...base, value: req.value };
    case 0x06: return { ...base, value: codec.dataType === 'int16' || codec.dataType === 'bool' ? decodeRegisters([req.value], codec.dataType, codec.byteOrder)[0] : req.value };
    case 0x0f: return { ...base, quantity: req.values.length, value: req.values };
    case 0x10: return { ...base, quantity: req.values.length, value: decodeWritten(req.values, codec) };
    case 0x16: return { ...base, andMask: req.andMask, orMask: req.orMask };
    case 0x17: return { ...base, address: req.readAddress, quantity: req.readQuantity, writeAddress: req.writeAddress, value: decodeWritten(req.values, codec) };
    case 0x01: case 0x02: case 0x03: case 0x04: return base;
    default: return { ...base, request: req };
  }
}

/** Reads of a data model table (FC 1-4 and 23), from the codec's function code table. */
const READS_TABLE_VALUES: ReadonlySet<number> = new Set(functionCodesWhere((d) => readsData(d) && d.table !== undefined));

/** Function codes whose reply is values read, encoded with the route's data type. */
function readsValues(fc: number): boolean {
  return READS_TABLE_VALUES.has(fc);
}

/** Writes: the spec's echo acknowledges them, so any payload will do. */
const ACKNOWLEDGED: ReadonlySet<number> = new Set(functionCodesWhere((d) => d.access === 'write'));

/**
 * The reply a msg asks for. `msg.payload.exception` sends that exception; for reads the payload
 * is the values (encoded with the route's data type, or a Buffer of raw registers); for writes
 * any payload acknowledges; FC 7, 20 and 24 take raw register values; `{response}` sends a full
 * response for the other function codes.
 *
 * This only converts: whether the reply can answer the request (the exception code, the number
 * of values, a FIFO's 31) is the server engine's one check, which answers 04 when it cannot.
 * A BadMessageError here means the payload could not be converted at all.
 */
export function replyFromPayload(payload: unknown, ind: Pick<ServerIndication, 'fc' | 'quantity'>, codec: RouteCodec): RouteReply {
  if (isPlainObject(payload) && payload.exception !== undefined) return { exception: payload.exception as number };
  if (isPlainObject(payload) && isPlainObject(payload.response)) {
    return { response: payload.response as unknown as Extract<RouteReply, { response: unknown }>['response'] };
  }
  if (ACKNOWLEDGED.has(ind.fc)) return { ack: true };
  // FC 7, 20, 24 (raw register values) and the codes that need a full response: as they are.
  if (!readsValues(ind.fc)) return { values: typeof payload === 'number' ? [payload] : payload } as RouteReply;
  if (payload === undefined || payload === null) throw new BadMessageError('a read reply needs msg.payload = the values');
  return { values: ind.fc === 1 || ind.fc === 2 ? payloadToBools(payload) : payloadToRegisters(payload, codec.dataType, codec.byteOrder) };
}

/** The four tables a memory operation may name. */
const TABLES: readonly TableName[] = ['coils', 'discreteInputs', 'holdingRegisters', 'inputRegisters'];

/** A checked msg.memory: set when `value` is there, get otherwise. */
export interface MemoryOperation {
  op: 'set' | 'get';
  table: TableName;
  address: number;
  /** Undefined: the shared map (or the per-unit map's "*" fallback). */
  unitId: number | undefined;
  /** set: the bits or registers to store. */
  cells?: boolean[] | number[];
  /** get: bits, or registers (values × the data type's width). */
  count?: number;
  dataType: DataType;
  byteOrder: ByteOrder;
}

function intField(m: Record<string, unknown>, key: string, min: number, max: number): number | undefined {
  const v = m[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new BadMessageError(`msg.memory.${key} ${JSON.stringify(v)} is not an integer ${min}..${max}`);
  return v;
}

/**
 * msg.memory → a checked memory operation, or BadMessageError naming the field. The data type
 * and byte order default to the route node's; `quantity` counts values (bits for coils and
 * discrete inputs, registers for the string type).
 */
export function memoryOperation(memory: unknown, codec: RouteCodec): MemoryOperation {
  if (!isPlainObject(memory)) throw new BadMessageError('msg.memory must be an object {table, address, value?, quantity?, unitId?, dataType?, byteOrder?}');
  const table = memory.table;
  if (!(TABLES as readonly unknown[]).includes(table)) throw new BadMessageError(`msg.memory.table ${JSON.stringify(table)} is not one of ${TABLES.join(', ')}`);
  const address = intField(memory, 'address', 0, 0xffff);
  if (address === undefined) throw new BadMessageError('msg.memory.address is missing (0..65535)');
  const unitId = intField(memory, 'unitId', 0, 255);
  if (memory.dataType !== undefined && !(DATA_TYPES as readonly unknown[]).includes(memory.dataType)) {
    throw new BadMessageError(`msg.memory.dataType ${JSON.stringify(memory.dataType)} is not one of ${DATA_TYPES.join(', ')}`);
  }
  if (memory.byteOrder !== undefined && !(BYTE_ORDERS as readonly unknown[]).includes(memory.byteOrder)) {
    throw new BadMessageError(`msg.memory.byteOrder ${JSON.stringify(memory.byteOrder)} is not one of ${BYTE_ORDERS.join(', ')}`);
  }
  const dataType = (memory.dataType as DataType | undefined) ?? codec.dataType;
  const byteOrder = (memory.byteOrder as ByteOrder | undefined) ?? codec.byteOrder;
  const bitTable = table === 'coils' || table === 'discreteInputs';
  const op: MemoryOperation = { op: 'get', table: table as TableName, address, unitId, dataType, byteOrder };
  if (memory.value !== undefined) {
    if (memory.quantity !== undefined) throw new BadMessageError('msg.memory has both value (set) and quantity (get)');
    op.op = 'set';
    op.cells = bitTable ? payloadToBools(memory.value) : payloadToRegisters(memory.value, dataType, byteOrder);
    return op;
  }
  const quantity = intField(memory, 'quantity', 1, 0x10000) ?? 1;
  op.count = bitTable || dataType === 'string' ? quantity : quantity * registersPerValue(dataType);
  return op;
}

/**
 * Run a memory operation on the server's map and give what those addresses hold afterwards:
 * booleans for bit tables, values of the data type for register tables. An address outside the
 * map (or a unit without one) is a BadMessageError; nothing is written then.
 */
export function runMemoryOperation(memory: ServerMemory, op: MemoryOperation): unknown {
  const count = op.cells?.length ?? op.count ?? 1;
  let cells: number[] | boolean[];
  try {
    if (op.cells) memory.set(op.table, op.address, op.cells, op.unitId);
    cells = memory.get(op.table, op.address, count, op.unitId);
  } catch (err) {
    if (err instanceof RangeError) throw new BadMessageError(`msg.memory: ${err.message}`);
    throw err;
  }
  if (op.table === 'coils' || op.table === 'discreteInputs') return scalarOrArray(cells as boolean[]);
  return scalarOrArray(decodeRegisters(cells as number[], op.dataType, op.byteOrder));
}
