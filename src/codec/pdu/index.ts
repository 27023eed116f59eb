import { CodecError, dataError } from '../errors';
import { ExceptionCode } from '../exceptions';
import { MEI_READ_DEVICE_IDENTIFICATION } from '../function-codes';
import type { ExceptionResponse, ModbusRequest, ModbusResponse, ReadRegistersRequest, ResponseFor, UnknownRequest } from '../types';
import { readBitsCodec, writeMultipleCoilsCodec, writeSingleCoilCodec } from './bits';
import { MAX_PDU_LENGTH, allocPdu, checkByte, checkRoom, malformed, readBytes } from './bytes';
import { readDeviceIdentificationCodec } from './device-identification';
import { readFifoQueueCodec, readFileRecordCodec, writeFileRecordCodec } from './file-records';
import type { FunctionCodec } from './function-codec';
import { readRegistersCodec, readRegistersInto, maskWriteRegisterCodec, readWriteMultipleRegistersCodec, writeMultipleRegistersCodec, writeSingleRegisterCodec } from './registers';
import { diagnosticsCodec, getCommEventCounterCodec, getCommEventLogCodec, readExceptionStatusCodec, reportServerIdCodec } from './serial-line';

type AnyCodec = FunctionCodec<ModbusRequest, ModbusResponse>;

/** Dispatch by function code, indexed directly so the hot path is one array load. */
const CODECS: (AnyCodec | undefined)[] = new Array(128).fill(undefined);
function register(fcs: number[], codec: unknown): void {
  for (const fc of fcs) CODECS[fc] = codec as AnyCodec;
}
register([0x01, 0x02], readBitsCodec);
register([0x03, 0x04], readRegistersCodec);
register([0x05], writeSingleCoilCodec);
register([0x06], writeSingleRegisterCodec);
register([0x07], readExceptionStatusCodec);
register([0x08], diagnosticsCodec);
register([0x0b], getCommEventCounterCodec);
register([0x0c], getCommEventLogCodec);
register([0x0f], writeMultipleCoilsCodec);
register([0x10], writeMultipleRegistersCodec);
register([0x11], reportServerIdCodec);
register([0x14], readFileRecordCodec);
register([0x15], writeFileRecordCodec);
register([0x16], maskWriteRegisterCodec);
register([0x17], readWriteMultipleRegistersCodec);
register([0x18], readFifoQueueCodec);
register([0x2b], readDeviceIdentificationCodec);

function codecFor(fc: number): AnyCodec {
  const c = fc < 128 ? CODECS[fc] : undefined;
  if (!c) throw new CodecError('unsupported', `function code ${fc} is not one this codec knows`, ExceptionCode.IllegalFunction);
  return c;
}

/**
 * Encode a request PDU (client side), checking the spec's limits. `head` and `tail` reserve room
 * for a framing's header and trailer; the PDU starts at `head`.
 */
export function encodeRequest(req: ModbusRequest, head = 0, tail = 0): Buffer {
  // FC 3 and 4 are most of the traffic: a direct call the JIT can inline, not a table dispatch.
  if (req.fc === 0x03 || req.fc === 0x04) return readRegistersCodec.encodeRequest(req, head, tail);
  return codecFor(req.fc).encodeRequest(req, head, tail);
}

/**
 * Decode a request PDU (server side). Unknown function codes, and FC 43 with an MEI type other
 * than 14, come back as an UnknownRequest for the server to answer with exception 01. A request
 * that breaks the spec throws CodecError whose `exceptionCode` is the spec's answer, checked in
 * the spec's order: function code (01: unknown diagnostics sub-function), then quantity, byte
 * count and values (03), then address range (02).
 */
export function decodeRequest(pdu: Uint8Array, start = 0, end = pdu.length): ModbusRequest | UnknownRequest {
  if (end - start < 1) throw dataError('malformed', 'empty PDU');
  const fc = pdu[start];
  const c = fc < 128 ? CODECS[fc] : undefined;
  if (!c || (fc === 0x2b && (end - start < 2 || pdu[start + 1] !== MEI_READ_DEVICE_IDENTIFICATION))) {
    return { fc, unknown: true, data: readBytes(pdu, start + 1, end) };
  }
  if (end - start > MAX_PDU_LENGTH) throw malformed(`request PDU of ${end - start} bytes exceeds ${MAX_PDU_LENGTH}`);
  if (fc === 0x03 || fc === 0x04) return readRegistersCodec.decodeRequest(pdu, start, end);
  return c.decodeRequest(pdu, start, end);
}

/**
 * Encode a request PDU into `target` at `at` (client side); returns the index after it. FC 3 and
 * 4 write in place; other function codes are encoded and copied.
 */
export function encodeRequestInto(req: ModbusRequest, target: Uint8Array, at: number): number {
  if (req.fc === 0x03 || req.fc === 0x04) return readRegistersInto.request(req, target, at);
  return copyInto(codecFor(req.fc).encodeRequest(req, 0, 0), target, at);
}

/** Encode a normal response PDU into `target` at `at` (server side); returns the index after it. */
export function encodeResponseInto(res: ModbusResponse, target: Uint8Array, at: number): number {
  if (res.fc === 0x03 || res.fc === 0x04) return readRegistersInto.response(res, target, at);
  return copyInto(codecFor(res.fc).encodeResponse(res, 0, 0), target, at);
}

function copyInto(pdu: Buffer, target: Uint8Array, at: number): number {
  checkRoom(target, at, pdu.length);
  target.set(pdu, at);
  return at + pdu.length;
}

/** Encode a normal response PDU (server side). */
export function encodeResponse(res: ModbusResponse, head = 0, tail = 0): Buffer {
  if (res.fc === 0x03 || res.fc === 0x04) return readRegistersCodec.encodeResponse(res, head, tail);
  return codecFor(res.fc).encodeResponse(res, head, tail);
}

/** Encode an exception response PDU: the function code with 0x80 set, then the exception code. */
export function encodeException(fc: number, exceptionCode: number, head = 0, tail = 0): Buffer {
  checkByte(exceptionCode, 'exception code');
  const b = allocPdu(head, 2, tail);
  b[head] = (fc | 0x80) & 0xff;
  b[head + 1] = exceptionCode;
  return b;
}

/** True when the PDU is an exception response. */
export function isExceptionPdu(pdu: Uint8Array, start = 0): boolean {
  return (pdu[start] & 0x80) !== 0;
}

/**
 * Decode a response PDU (client side). Given the request it answers, it also checks that it does
 * (function code, byte counts, echoes) and trims bit lists to the quantity asked.
 */
export function decodeResponse<R extends ModbusRequest>(pdu: Uint8Array, start: number, end: number, req: R): ResponseFor<R> | ExceptionResponse;
export function decodeResponse(pdu: Uint8Array, start?: number, end?: number): ModbusResponse | ExceptionResponse;
export function decodeResponse(pdu: Uint8Array, start = 0, end = pdu.length, req?: ModbusRequest): ModbusResponse | ExceptionResponse {
  if (end - start < 2) throw dataError('malformed', `response PDU of ${end - start} bytes is too short`);
  if (end - start > MAX_PDU_LENGTH) throw dataError('malformed', `response PDU of ${end - start} bytes exceeds ${MAX_PDU_LENGTH}`);
  const fc = pdu[start];
  if (fc & 0x80) {
    if (end - start !== 2) throw dataError('malformed', `exception PDU must be 2 bytes, got ${end - start}`);
    if (req && (fc & 0x7f) !== req.fc) throw dataError('mismatch', `exception for FC ${fc & 0x7f} answers FC ${req.fc}`);
    return { fc: fc & 0x7f, exception: true, exceptionCode: pdu[start + 1] };
  }
  if (req && fc !== req.fc) throw dataError('mismatch', `response FC ${fc} answers FC ${req.fc}`);
  if (fc === 0x03 || fc === 0x04) return readRegistersCodec.decodeResponse(pdu, start, end, req as ReadRegistersRequest | undefined);
  const c = CODECS[fc];
  if (!c) throw dataError('unsupported', `function code ${fc} is not one this codec knows`);
  return c.decodeResponse(pdu, start, end, req);
}

export { MAX_PDU_LENGTH } from './bytes';
export { MAX_READ_BITS, MAX_WRITE_COILS } from './bits';
export { MAX_READ_REGISTERS, MAX_WRITE_REGISTERS, MAX_RW_WRITE_REGISTERS } from './registers';
export { MAX_FIFO_COUNT } from './file-records';
export { MAX_COMM_EVENTS } from './serial-line';
export { DeviceObjectId } from './device-identification';
