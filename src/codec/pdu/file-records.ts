import { CodecError } from '../errors';
import { ExceptionCode } from '../exceptions';
import type {
  FileRecordReference, FileRecordWrite, ReadFifoQueueRequest, ReadFifoQueueResponse, ReadFileRecordRequest,
  ReadFileRecordResponse, WriteFileRecordRequest, WriteFileRecordResponse,
} from '../types';
import type { FunctionCodec } from './function-codec';
import { MAX_PDU_LENGTH, allocPdu, checkQuantity, checkWord, expectLength, malformed, mismatch, put16, readWords, u16, writeWords } from './bytes';

/**
 * File record limits (sections 6.14, 6.15): reference type 6, files 1..0xFFFF, records 0..9999,
 * request byte count 0x07..0xF5 (FC 20) and 0x09..0xFB (FC 21). The spec also prints 0x07..0xF5
 * for the FC 20 response data length, but a one-register read answers with 4 bytes, so only the
 * upper bound is enforced there.
 */
const REFERENCE_TYPE = 6;
const MAX_RECORD_NUMBER = 0x270f;
const READ_BYTE_COUNT = { min: 0x07, max: 0xf5 };
const WRITE_BYTE_COUNT = { min: 0x09, max: 0xfb };
export const MAX_FIFO_COUNT = 31;

/** File, record and length that a server must refuse with exception 02. */
function checkReference(fileNumber: number, recordNumber: number, recordLength: number): void {
  if (fileNumber < 1 || fileNumber > 0xffff || recordNumber < 0 || recordNumber > MAX_RECORD_NUMBER || recordLength < 1 ||
      recordNumber + recordLength > MAX_RECORD_NUMBER + 1) {
    throw new CodecError('limit', `file ${fileNumber} record ${recordNumber} length ${recordLength} outside file 1..65535, records 0..9999`, ExceptionCode.IllegalDataAddress);
  }
}

function checkByteCount(n: number, range: { min: number; max: number }, fc: number): void {
  if (n < range.min || n > range.max) throw malformed(`FC ${fc} byte count ${n} outside 0x${range.min.toString(16)}..0x${range.max.toString(16)}`);
}

/** FC 20. */
export const readFileRecordCodec: FunctionCodec<ReadFileRecordRequest, ReadFileRecordResponse> = {
  encodeRequest(req, head, tail) {
    const n = req.references.length * 7;
    checkByteCount(n, READ_BYTE_COUNT, 0x14);
    const b = allocPdu(head, 2 + n, tail);
    b[head] = 0x14;
    b[head + 1] = n;
    let p = head + 2;
    for (const r of req.references) {
      checkReference(r.fileNumber, r.recordNumber, r.recordLength);
      b[p] = REFERENCE_TYPE;
      put16(b, p + 1, r.fileNumber);
      put16(b, p + 3, r.recordNumber);
      put16(b, p + 5, r.recordLength);
      p += 7;
    }
    return b;
  },
  decodeRequest(pdu, start, end) {
    const n = pdu[start + 1];
    if (end - start < 2 || n !== end - start - 2 || n % 7 !== 0) throw malformed(`FC 20 byte count ${n} does not fit ${end - start} bytes`);
    checkByteCount(n, READ_BYTE_COUNT, 0x14);
    const references: FileRecordReference[] = [];
    let responseLength = 2;
    for (let p = start + 2; p < end; p += 7) {
      const r = { fileNumber: u16(pdu, p + 1), recordNumber: u16(pdu, p + 3), recordLength: u16(pdu, p + 5) };
      responseLength += 2 + 2 * r.recordLength;
      references.push(r);
    }
    if (responseLength > MAX_PDU_LENGTH) throw malformed(`FC 20 response of ${responseLength} bytes would exceed the PDU limit`);
    for (let i = 0, p = start + 2; i < references.length; i++, p += 7) {
      const r = references[i];
      if (pdu[p] !== REFERENCE_TYPE) throw new CodecError('limit', `FC 20 reference type ${pdu[p]} must be 6`, ExceptionCode.IllegalDataAddress);
      checkReference(r.fileNumber, r.recordNumber, r.recordLength);
    }
    return { fc: 0x14, references };
  },
  encodeResponse(res, head, tail) {
    let n = 0;
    for (const rec of res.records) {
      checkQuantity(rec.length, 1, 126, 'record length');
      n += 2 + 2 * rec.length;
    }
    if (n > READ_BYTE_COUNT.max) throw new CodecError('limit', `FC 20 response data length ${n} exceeds 0xF5`);
    const b = allocPdu(head, 2 + n, tail);
    b[head] = 0x14;
    b[head + 1] = n;
    let p = head + 2;
    for (const rec of res.records) {
      b[p] = 1 + 2 * rec.length;
      b[p + 1] = REFERENCE_TYPE;
      writeWords(b, p + 2, rec);
      p += 2 + 2 * rec.length;
    }
    return b;
  },
  decodeResponse(pdu, start, end, req) {
    const n = pdu[start + 1];
    if (end - start < 2 || n !== end - start - 2) throw malformed(`FC 20 data length ${n} does not fit ${end - start} bytes`);
    const records: number[][] = [];
    for (let p = start + 2; p < end;) {
      const len = pdu[p];
      if (len < 3 || (len & 1) === 0 || p + 1 + len > end || pdu[p + 1] !== REFERENCE_TYPE) throw malformed(`FC 20 sub-response at byte ${p - start} is malformed`);
      records.push(readWords(pdu, p + 2, (len - 1) >>> 1));
      p += 1 + len;
    }
    if (req) {
      if (records.length !== req.references.length || records.some((r, i) => r.length !== req.references[i].recordLength)) {
        throw mismatch('FC 20 response records do not answer the references asked');
      }
    }
    return { fc: 0x14, records };
  },
};

function encodeRecords(records: readonly FileRecordWrite[], head: number, tail: number): Buffer {
  let n = 0;
  for (const r of records) n += 7 + 2 * r.values.length;
  checkByteCount(n, WRITE_BYTE_COUNT, 0x15);
  const b = allocPdu(head, 2 + n, tail);
  b[head] = 0x15;
  b[head + 1] = n;
  let p = head + 2;
  for (const r of records) {
    checkReference(r.fileNumber, r.recordNumber, r.values.length);
    b[p] = REFERENCE_TYPE;
    put16(b, p + 1, r.fileNumber);
    put16(b, p + 3, r.recordNumber);
    put16(b, p + 5, r.values.length);
    writeWords(b, p + 7, r.values);
    p += 7 + 2 * r.values.length;
  }
  return b;
}

function decodeRecords(pdu: Uint8Array, start: number, end: number): FileRecordWrite[] {
  const n = pdu[start + 1];
  if (end - start < 2 || n !== end - start - 2) throw malformed(`FC 21 data length ${n} does not fit ${end - start} bytes`);
  checkByteCount(n, WRITE_BYTE_COUNT, 0x15);
  const records: FileRecordWrite[] = [];
  const types: number[] = [];
  for (let p = start + 2; p < end;) {
    if (p + 7 > end) throw malformed(`FC 21 sub-request at byte ${p - start} is truncated`);
    const len = u16(pdu, p + 5);
    if (p + 7 + 2 * len > end) throw malformed(`FC 21 record length ${len} runs past the PDU`);
    types.push(pdu[p]);
    records.push({ fileNumber: u16(pdu, p + 1), recordNumber: u16(pdu, p + 3), values: readWords(pdu, p + 7, len) });
    p += 7 + 2 * len;
  }
  records.forEach((r, i) => {
    if (types[i] !== REFERENCE_TYPE) throw new CodecError('limit', `FC 21 reference type ${types[i]} must be 6`, ExceptionCode.IllegalDataAddress);
    checkReference(r.fileNumber, r.recordNumber, r.values.length);
  });
  return records;
}

function sameRecords(a: readonly FileRecordWrite[], b: readonly FileRecordWrite[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x.fileNumber !== y.fileNumber || x.recordNumber !== y.recordNumber || x.values.length !== y.values.length) return false;
    for (let k = 0; k < x.values.length; k++) if (x.values[k] !== y.values[k]) return false;
  }
  return true;
}

/** FC 21: the normal response echoes the request. */
export const writeFileRecordCodec: FunctionCodec<WriteFileRecordRequest, WriteFileRecordResponse> = {
  encodeRequest(req, head, tail) {
    return encodeRecords(req.records, head, tail);
  },
  decodeRequest(pdu, start, end) {
    return { fc: 0x15, records: decodeRecords(pdu, start, end) };
  },
  encodeResponse(res, head, tail) {
    return encodeRecords(res.records, head, tail);
  },
  decodeResponse(pdu, start, end, req) {
    const records = decodeRecords(pdu, start, end);
    if (req && !sameRecords(records, req.records)) throw mismatch('FC 21 response does not echo the request');
    return { fc: 0x15, records };
  },
};

/** FC 24. */
export const readFifoQueueCodec: FunctionCodec<ReadFifoQueueRequest, ReadFifoQueueResponse> = {
  encodeRequest(req, head, tail) {
    checkWord(req.address, 'FIFO pointer address');
    const b = allocPdu(head, 3, tail);
    b[head] = 0x18;
    put16(b, head + 1, req.address);
    return b;
  },
  decodeRequest(pdu, start, end) {
    expectLength(0x18, end - start, 3);
    return { fc: 0x18, address: u16(pdu, start + 1) };
  },
  encodeResponse(res, head, tail) {
    checkQuantity(res.values.length, 0, MAX_FIFO_COUNT, 'FIFO count');
    const b = allocPdu(head, 5 + 2 * res.values.length, tail);
    b[head] = 0x18;
    put16(b, head + 1, 2 + 2 * res.values.length);
    put16(b, head + 3, res.values.length);
    writeWords(b, head + 5, res.values);
    return b;
  },
  decodeResponse(pdu, start, end) {
    if (end - start < 5) throw malformed('FC 24 response too short');
    const n = u16(pdu, start + 1);
    const count = u16(pdu, start + 3);
    if (n !== end - start - 3 || n !== 2 + 2 * count) throw malformed(`FC 24 byte count ${n} and FIFO count ${count} do not fit ${end - start} bytes`);
    if (count > MAX_FIFO_COUNT) throw new CodecError('limit', `FC 24 FIFO count ${count} exceeds ${MAX_FIFO_COUNT}`);
    return { fc: 0x18, values: readWords(pdu, start + 5, count) };
  },
};
