/**
 * msg ↔ server route: a request the server received becomes msg.payload (decoded with the route
 * node's data type) plus plain correlation data in msg.modbus; a reply msg becomes a RouteReply.
 */
import { registersPerValue, type ByteOrder, type DataType } from '../../codec';
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

/** Function codes whose reply is values read, encoded with the route's data type. */
function readsValues(fc: number): boolean {
  return fc === 1 || fc === 2 || fc === 3 || fc === 4 || fc === 0x17;
}

/** Writes: the spec's echo acknowledges them, so any payload will do. */
const ACKNOWLEDGED = new Set([0x05, 0x06, 0x0f, 0x10, 0x15, 0x16]);

/** FC 7 (the status byte), 20 (the records' registers, in order), 24 (the FIFO): raw register values. */
function rawValues(payload: unknown, fc: number): number[] {
  const values = typeof payload === 'number' ? [payload] : payload;
  if (!Array.isArray(values) || !values.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= -0x8000 && v <= 0xffff)) {
    throw new BadMessageError(`a reply for FC ${fc} needs msg.payload = register values (integers), or {response}`);
  }
  if (fc === 0x07 && values.length !== 1) throw new BadMessageError('a reply for FC 7 needs msg.payload = the one exception status byte');
  if (fc === 0x18 && values.length > 31) throw new BadMessageError(`a FIFO holds 31 registers at most; the reply holds ${values.length}`);
  return values as number[];
}

/**
 * The reply a msg asks for. `msg.payload.exception` (1..255) sends that exception; for reads the
 * payload is the values (encoded with the route's data type, or a Buffer of raw registers),
 * checked against the quantity asked; for writes any payload acknowledges; FC 7, 20 and 24 take
 * raw register values; `{response}` sends a full response for the other function codes.
 */
export function replyFromPayload(payload: unknown, ind: Pick<ServerIndication, 'fc' | 'quantity'>, codec: RouteCodec): RouteReply {
  if (isPlainObject(payload) && payload.exception !== undefined) {
    const code = payload.exception;
    if (typeof code !== 'number' || !Number.isInteger(code) || code < 1 || code > 255) throw new BadMessageError('msg.payload.exception must be an exception code 1..255');
    return { exception: code };
  }
  if (isPlainObject(payload) && isPlainObject(payload.response)) {
    return { response: payload.response as unknown as Extract<RouteReply, { response: unknown }>['response'] };
  }
  if (ACKNOWLEDGED.has(ind.fc)) return { ack: true };
  if (ind.fc === 0x07 || ind.fc === 0x14 || ind.fc === 0x18) return { values: rawValues(payload, ind.fc) } as RouteReply;
  if (!readsValues(ind.fc)) throw new BadMessageError(`a reply for FC ${ind.fc} needs msg.payload.response, a complete response`);
  if (payload === undefined || payload === null) throw new BadMessageError('a read reply needs msg.payload = the values');
  const values = ind.fc === 1 || ind.fc === 2 ? payloadToBools(payload) : payloadToRegisters(payload, codec.dataType, codec.byteOrder);
  if (ind.quantity !== undefined && values.length !== ind.quantity) {
    throw new BadMessageError(`the request asked for ${ind.quantity} ${ind.fc <= 2 ? 'bits' : 'registers'}, the reply holds ${values.length}`);
  }
  return { values } as RouteReply;
}
