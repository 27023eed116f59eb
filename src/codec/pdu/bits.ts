import type {
  ReadBitsRequest, ReadBitsResponse, WriteMultipleCoilsRequest, WriteMultipleCoilsResponse,
  WriteSingleCoilRequest, WriteSingleCoilResponse,
} from '../types';
import type { FunctionCodec } from './function-codec';
import {
  allocPdu, checkQuantity, checkRange, checkWord, expectLength, malformed, mismatch, put16, readBits, u16, writeBits,
} from './bytes';

/** Spec limits for bit access (sections 6.1, 6.2, 6.11). */
export const MAX_READ_BITS = 2000;
export const MAX_WRITE_COILS = 1968;
const COIL_ON = 0xff00;

/** FC 1 and 2. */
export const readBitsCodec: FunctionCodec<ReadBitsRequest, ReadBitsResponse> = {
  encodeRequest(req, head, tail) {
    checkQuantity(req.quantity, 1, MAX_READ_BITS);
    checkRange(req.address, req.quantity);
    const b = allocPdu(head, 5, tail);
    b[head] = req.fc;
    put16(b, head + 1, req.address);
    put16(b, head + 3, req.quantity);
    return b;
  },
  decodeRequest(pdu, start, end) {
    const fc = pdu[start] as 0x01 | 0x02;
    expectLength(fc, end - start, 5);
    const address = u16(pdu, start + 1);
    const quantity = u16(pdu, start + 3);
    checkQuantity(quantity, 1, MAX_READ_BITS);
    checkRange(address, quantity);
    return { fc, address, quantity };
  },
  encodeResponse(res, head, tail) {
    checkQuantity(res.values.length, 1, MAX_READ_BITS, 'bit count');
    const n = (res.values.length + 7) >>> 3;
    const b = allocPdu(head, 2 + n, tail);
    b[head] = res.fc;
    b[head + 1] = n;
    writeBits(b, head + 2, res.values);
    return b;
  },
  decodeResponse(pdu, start, end, req) {
    const fc = pdu[start] as 0x01 | 0x02;
    if (end - start < 3) throw malformed(`FC ${fc} response too short`);
    const n = pdu[start + 1];
    if (n !== end - start - 2) throw malformed(`FC ${fc} byte count ${n} does not match ${end - start - 2} data bytes`);
    if (n > MAX_READ_BITS / 8) throw malformed(`FC ${fc} byte count ${n} is more than ${MAX_READ_BITS} bits`);
    let count = n * 8;
    if (req) {
      if (n !== (req.quantity + 7) >>> 3) throw mismatch(`FC ${fc} byte count ${n} does not answer quantity ${req.quantity}`);
      count = req.quantity;
    }
    return { fc, values: readBits(pdu, start + 2, count) };
  },
};

/** FC 5. */
export const writeSingleCoilCodec: FunctionCodec<WriteSingleCoilRequest, WriteSingleCoilResponse> = {
  encodeRequest(req, head, tail) {
    checkWord(req.address, 'address');
    return encodeCoil(req.address, req.value, head, tail);
  },
  decodeRequest(pdu, start, end) {
    expectLength(0x05, end - start, 5);
    return decodeCoil(pdu, start);
  },
  encodeResponse(res, head, tail) {
    checkWord(res.address, 'address');
    return encodeCoil(res.address, res.value, head, tail);
  },
  decodeResponse(pdu, start, end, req) {
    expectLength(0x05, end - start, 5);
    const res = decodeCoil(pdu, start);
    if (req && (req.address !== res.address || req.value !== res.value)) throw mismatch('FC 5 response does not echo the request');
    return res;
  },
};

function encodeCoil(address: number, value: boolean, head: number, tail: number): Buffer {
  const b = allocPdu(head, 5, tail);
  b[head] = 0x05;
  put16(b, head + 1, address);
  put16(b, head + 3, value ? COIL_ON : 0);
  return b;
}

function decodeCoil(pdu: Uint8Array, start: number): WriteSingleCoilRequest {
  const v = u16(pdu, start + 3);
  if (v !== 0 && v !== COIL_ON) throw malformed(`FC 5 value must be 0x0000 or 0xFF00, got 0x${v.toString(16)}`);
  return { fc: 0x05, address: u16(pdu, start + 1), value: v === COIL_ON };
}

/** FC 15. */
export const writeMultipleCoilsCodec: FunctionCodec<WriteMultipleCoilsRequest, WriteMultipleCoilsResponse> = {
  encodeRequest(req, head, tail) {
    const q = req.values.length;
    checkQuantity(q, 1, MAX_WRITE_COILS);
    checkRange(req.address, q);
    const n = (q + 7) >>> 3;
    const b = allocPdu(head, 6 + n, tail);
    b[head] = 0x0f;
    put16(b, head + 1, req.address);
    put16(b, head + 3, q);
    b[head + 5] = n;
    writeBits(b, head + 6, req.values);
    return b;
  },
  decodeRequest(pdu, start, end) {
    if (end - start < 7) throw malformed('FC 15 request too short');
    const address = u16(pdu, start + 1);
    const quantity = u16(pdu, start + 3);
    const n = pdu[start + 5];
    checkQuantity(quantity, 1, MAX_WRITE_COILS);
    if (n !== (quantity + 7) >>> 3) throw malformed(`FC 15 byte count ${n} must be ${(quantity + 7) >>> 3} for ${quantity} coils`);
    if (end - start !== 6 + n) throw malformed(`FC 15 byte count ${n} does not match ${end - start - 6} data bytes`);
    checkRange(address, quantity);
    return { fc: 0x0f, address, values: readBits(pdu, start + 6, quantity) };
  },
  encodeResponse(res, head, tail) {
    checkQuantity(res.quantity, 1, MAX_WRITE_COILS);
    checkRange(res.address, res.quantity);
    return encodeEcho(0x0f, res.address, res.quantity, head, tail);
  },
  decodeResponse(pdu, start, end, req) {
    expectLength(0x0f, end - start, 5);
    const res = { fc: 0x0f as const, address: u16(pdu, start + 1), quantity: u16(pdu, start + 3) };
    if (req && (req.address !== res.address || req.values.length !== res.quantity)) throw mismatch('FC 15 response does not echo address and quantity');
    return res;
  },
};

/** The address + quantity echo that answers FC 15 and FC 16. */
export function encodeEcho(fc: number, address: number, quantity: number, head: number, tail: number): Buffer {
  const b = allocPdu(head, 5, tail);
  b[head] = fc;
  put16(b, head + 1, address);
  put16(b, head + 3, quantity);
  return b;
}
