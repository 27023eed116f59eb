import type {
  MaskWriteRegisterRequest, MaskWriteRegisterResponse, ReadRegistersRequest, ReadRegistersResponse,
  ReadWriteMultipleRegistersRequest, ReadWriteMultipleRegistersResponse, WriteMultipleRegistersRequest,
  WriteMultipleRegistersResponse, WriteSingleRegisterRequest, WriteSingleRegisterResponse,
} from '../types';
import type { FunctionCodec } from './function-codec';
import { encodeEcho } from './bits';
import {
  allocPdu, checkQuantity, checkRange, checkRoom, checkWord, expectLength, malformed, mismatch, put16, readWords, u16, writeWords,
} from './bytes';
import { StoreReadResponse, copyStoreBytes } from './store-read';

/** Spec limits for register access (sections 6.3, 6.4, 6.12, 6.17). */
export const MAX_READ_REGISTERS = 125;
export const MAX_WRITE_REGISTERS = 123;
export const MAX_RW_WRITE_REGISTERS = 121;

/** The byte-count-prefixed register list that answers FC 3, 4 and 23. */
function encodeRegisterList(fc: number, values: readonly number[], head: number, tail: number): Buffer {
  checkQuantity(values.length, 1, MAX_READ_REGISTERS, 'register count');
  const b = allocPdu(head, 2 + values.length * 2, tail);
  writeRegisterList(b, head, fc, values);
  return b;
}

/** Write the register list PDU at `b[at]` (quantity already checked); returns the index after it. */
function writeRegisterList(b: Uint8Array, at: number, fc: number, values: readonly number[]): number {
  const n = values.length * 2;
  b[at] = fc;
  b[at + 1] = n;
  writeWords(b, at + 2, values);
  return at + 2 + n;
}

/** The FC 3/4 response PDU of a register list still in its store, copied straight from it. */
function encodeFromStore(res: StoreReadResponse, head: number, tail: number): Buffer {
  const q = res.quantity;
  checkQuantity(q, 1, MAX_READ_REGISTERS, 'register count');
  const b = allocPdu(head, 2 + q * 2, tail);
  writeStoreList(b, head, res);
  return b;
}

function writeStoreList(b: Uint8Array, at: number, res: StoreReadResponse): number {
  const n = res.quantity * 2;
  b[at] = res.fc;
  b[at + 1] = n;
  copyStoreBytes(b, at + 2, res.bytes, res.byteOffset, n);
  return at + 2 + n;
}

/** Write an FC 3/4 request PDU at `b[at]` (limits already checked); returns the index after it. */
function writeReadRequest(b: Uint8Array, at: number, req: ReadRegistersRequest): number {
  b[at] = req.fc;
  put16(b, at + 1, req.address);
  put16(b, at + 3, req.quantity);
  return at + 5;
}

/** FC 3 and 4 written into a caller's buffer: the hot path of every poll, with no allocation. */
export const readRegistersInto = {
  request(req: ReadRegistersRequest, target: Uint8Array, at: number): number {
    checkQuantity(req.quantity, 1, MAX_READ_REGISTERS);
    checkRange(req.address, req.quantity);
    checkRoom(target, at, 5);
    return writeReadRequest(target, at, req);
  },
  response(res: ReadRegistersResponse, target: Uint8Array, at: number): number {
    if (res instanceof StoreReadResponse && res.direct) {
      checkQuantity(res.quantity, 1, MAX_READ_REGISTERS, 'register count');
      checkRoom(target, at, 2 + res.quantity * 2);
      return writeStoreList(target, at, res);
    }
    checkQuantity(res.values.length, 1, MAX_READ_REGISTERS, 'register count');
    checkRoom(target, at, 2 + res.values.length * 2);
    return writeRegisterList(target, at, res.fc, res.values);
  },
};

function decodeRegisterList(pdu: Uint8Array, start: number, end: number, expected: number | undefined): number[] {
  const fc = pdu[start];
  if (end - start < 4) throw malformed(`FC ${fc} response too short`);
  const n = pdu[start + 1];
  if (n !== end - start - 2 || (n & 1) !== 0) throw malformed(`FC ${fc} byte count ${n} does not match ${end - start - 2} data bytes`);
  if (n > 2 * MAX_READ_REGISTERS) throw malformed(`FC ${fc} byte count ${n} is more than ${MAX_READ_REGISTERS} registers`);
  if (expected !== undefined && n !== expected * 2) throw mismatch(`FC ${fc} returned ${n / 2} registers, ${expected} requested`);
  return readWords(pdu, start + 2, n >>> 1);
}

/** FC 3 and 4. */
export const readRegistersCodec: FunctionCodec<ReadRegistersRequest, ReadRegistersResponse> = {
  encodeRequest(req, head, tail) {
    checkQuantity(req.quantity, 1, MAX_READ_REGISTERS);
    checkRange(req.address, req.quantity);
    const b = allocPdu(head, 5, tail);
    writeReadRequest(b, head, req);
    return b;
  },
  decodeRequest(pdu, start, end) {
    const fc = pdu[start] as 0x03 | 0x04;
    expectLength(fc, end - start, 5);
    const address = u16(pdu, start + 1);
    const quantity = u16(pdu, start + 3);
    checkQuantity(quantity, 1, MAX_READ_REGISTERS);
    checkRange(address, quantity);
    return { fc, address, quantity };
  },
  encodeResponse(res, head, tail) {
    if (res instanceof StoreReadResponse && res.direct) return encodeFromStore(res, head, tail);
    return encodeRegisterList(res.fc, res.values, head, tail);
  },
  decodeResponse(pdu, start, end, req) {
    return { fc: pdu[start] as 0x03 | 0x04, values: decodeRegisterList(pdu, start, end, req?.quantity) };
  },
};

/** FC 6. */
export const writeSingleRegisterCodec: FunctionCodec<WriteSingleRegisterRequest, WriteSingleRegisterResponse> = {
  encodeRequest(req, head, tail) {
    return encodeSingle(req, head, tail);
  },
  decodeRequest(pdu, start, end) {
    expectLength(0x06, end - start, 5);
    return { fc: 0x06, address: u16(pdu, start + 1), value: u16(pdu, start + 3) };
  },
  encodeResponse(res, head, tail) {
    return encodeSingle(res, head, tail);
  },
  decodeResponse(pdu, start, end, req) {
    expectLength(0x06, end - start, 5);
    const res = { fc: 0x06 as const, address: u16(pdu, start + 1), value: u16(pdu, start + 3) };
    if (req && (req.address !== res.address || req.value !== res.value)) throw mismatch('FC 6 response does not echo the request');
    return res;
  },
};

function encodeSingle(r: { address: number; value: number }, head: number, tail: number): Buffer {
  checkWord(r.address, 'address');
  checkWord(r.value, 'register value');
  const b = allocPdu(head, 5, tail);
  b[head] = 0x06;
  put16(b, head + 1, r.address);
  put16(b, head + 3, r.value);
  return b;
}

/** FC 16. */
export const writeMultipleRegistersCodec: FunctionCodec<WriteMultipleRegistersRequest, WriteMultipleRegistersResponse> = {
  encodeRequest(req, head, tail) {
    const q = req.values.length;
    checkQuantity(q, 1, MAX_WRITE_REGISTERS);
    checkRange(req.address, q);
    const b = allocPdu(head, 6 + 2 * q, tail);
    b[head] = 0x10;
    put16(b, head + 1, req.address);
    put16(b, head + 3, q);
    b[head + 5] = 2 * q;
    writeWords(b, head + 6, req.values);
    return b;
  },
  decodeRequest(pdu, start, end) {
    if (end - start < 8) throw malformed('FC 16 request too short');
    const address = u16(pdu, start + 1);
    const quantity = u16(pdu, start + 3);
    const n = pdu[start + 5];
    checkQuantity(quantity, 1, MAX_WRITE_REGISTERS);
    if (n !== quantity * 2) throw malformed(`FC 16 byte count ${n} must be ${quantity * 2} for ${quantity} registers`);
    if (end - start !== 6 + n) throw malformed(`FC 16 byte count ${n} does not match ${end - start - 6} data bytes`);
    checkRange(address, quantity);
    return { fc: 0x10, address, values: readWords(pdu, start + 6, quantity) };
  },
  encodeResponse(res, head, tail) {
    checkQuantity(res.quantity, 1, MAX_WRITE_REGISTERS);
    checkRange(res.address, res.quantity);
    return encodeEcho(0x10, res.address, res.quantity, head, tail);
  },
  decodeResponse(pdu, start, end, req) {
    expectLength(0x10, end - start, 5);
    const res = { fc: 0x10 as const, address: u16(pdu, start + 1), quantity: u16(pdu, start + 3) };
    if (req && (req.address !== res.address || req.values.length !== res.quantity)) throw mismatch('FC 16 response does not echo address and quantity');
    return res;
  },
};

/** FC 22: request and response are the same seven bytes. */
export const maskWriteRegisterCodec: FunctionCodec<MaskWriteRegisterRequest, MaskWriteRegisterResponse> = {
  encodeRequest(req, head, tail) {
    return encodeMask(req, head, tail);
  },
  decodeRequest(pdu, start, end) {
    return decodeMask(pdu, start, end);
  },
  encodeResponse(res, head, tail) {
    return encodeMask(res, head, tail);
  },
  decodeResponse(pdu, start, end, req) {
    const res = decodeMask(pdu, start, end);
    if (req && (req.address !== res.address || req.andMask !== res.andMask || req.orMask !== res.orMask)) {
      throw mismatch('FC 22 response does not echo the request');
    }
    return res;
  },
};

function encodeMask(r: MaskWriteRegisterRequest, head: number, tail: number): Buffer {
  checkWord(r.address, 'address');
  checkWord(r.andMask, 'AND mask');
  checkWord(r.orMask, 'OR mask');
  const b = allocPdu(head, 7, tail);
  b[head] = 0x16;
  put16(b, head + 1, r.address);
  put16(b, head + 3, r.andMask);
  put16(b, head + 5, r.orMask);
  return b;
}

function decodeMask(pdu: Uint8Array, start: number, end: number): MaskWriteRegisterRequest {
  expectLength(0x16, end - start, 7);
  return { fc: 0x16, address: u16(pdu, start + 1), andMask: u16(pdu, start + 3), orMask: u16(pdu, start + 5) };
}

/** FC 23. */
export const readWriteMultipleRegistersCodec: FunctionCodec<ReadWriteMultipleRegistersRequest, ReadWriteMultipleRegistersResponse> = {
  encodeRequest(req, head, tail) {
    const wq = req.values.length;
    checkQuantity(req.readQuantity, 1, MAX_READ_REGISTERS, 'read quantity');
    checkQuantity(wq, 1, MAX_RW_WRITE_REGISTERS, 'write quantity');
    checkRange(req.readAddress, req.readQuantity);
    checkRange(req.writeAddress, wq);
    const b = allocPdu(head, 10 + 2 * wq, tail);
    b[head] = 0x17;
    put16(b, head + 1, req.readAddress);
    put16(b, head + 3, req.readQuantity);
    put16(b, head + 5, req.writeAddress);
    put16(b, head + 7, wq);
    b[head + 9] = 2 * wq;
    writeWords(b, head + 10, req.values);
    return b;
  },
  decodeRequest(pdu, start, end) {
    if (end - start < 12) throw malformed('FC 23 request too short');
    const readAddress = u16(pdu, start + 1);
    const readQuantity = u16(pdu, start + 3);
    const writeAddress = u16(pdu, start + 5);
    const wq = u16(pdu, start + 7);
    const n = pdu[start + 9];
    checkQuantity(readQuantity, 1, MAX_READ_REGISTERS, 'read quantity');
    checkQuantity(wq, 1, MAX_RW_WRITE_REGISTERS, 'write quantity');
    if (n !== wq * 2) throw malformed(`FC 23 byte count ${n} must be ${wq * 2} for ${wq} registers`);
    if (end - start !== 10 + n) throw malformed(`FC 23 byte count ${n} does not match ${end - start - 10} data bytes`);
    checkRange(readAddress, readQuantity);
    checkRange(writeAddress, wq);
    return { fc: 0x17, readAddress, readQuantity, writeAddress, values: readWords(pdu, start + 10, wq) };
  },
  encodeResponse(res, head, tail) {
    return encodeRegisterList(0x17, res.values, head, tail);
  },
  decodeResponse(pdu, start, end, req) {
    return { fc: 0x17, values: decodeRegisterList(pdu, start, end, req?.readQuantity) };
  },
};
