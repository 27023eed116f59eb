import { CodecError } from '../errors';
import { ExceptionCode } from '../exceptions';
import { DiagnosticSubFunction, isKnownDiagnosticSubFunction } from '../function-codes';
import type {
  DiagnosticsRequest, DiagnosticsResponse, GetCommEventCounterRequest, GetCommEventCounterResponse,
  GetCommEventLogRequest, GetCommEventLogResponse, ReadExceptionStatusRequest, ReadExceptionStatusResponse,
  ReportServerIdRequest, ReportServerIdResponse,
} from '../types';
import type { FunctionCodec } from './function-codec';
import { allocPdu, checkByte, checkQuantity, checkWord, expectLength, malformed, mismatch, put16, readBytes, readWords, u16, writeWords } from './bytes';

/** Requests that are the function code alone: FC 7, 11, 12 and 17. */
function bareRequest<R extends { fc: number }>(fc: R['fc']): Pick<FunctionCodec<R, unknown>, 'encodeRequest' | 'decodeRequest'> {
  return {
    encodeRequest(_req, head, tail) {
      const b = allocPdu(head, 1, tail);
      b[head] = fc;
      return b;
    },
    decodeRequest(_pdu, start, end) {
      expectLength(fc, end - start, 1);
      return { fc } as R;
    },
  };
}

/** FC 7. */
export const readExceptionStatusCodec: FunctionCodec<ReadExceptionStatusRequest, ReadExceptionStatusResponse> = {
  ...bareRequest<ReadExceptionStatusRequest>(0x07),
  encodeResponse(res, head, tail) {
    checkByte(res.status, 'exception status');
    const b = allocPdu(head, 2, tail);
    b[head] = 0x07;
    b[head + 1] = res.status;
    return b;
  },
  decodeResponse(pdu, start, end) {
    expectLength(0x07, end - start, 2);
    return { fc: 0x07, status: pdu[start + 1] };
  },
};

const COIL_ON = 0xff00;

/** Sub-function data the spec constrains; anything else in `data` is a single free word. */
function checkDiagnosticData(sub: number, data: readonly number[]): void {
  if (sub === DiagnosticSubFunction.ReturnQueryData) {
    checkQuantity(data.length, 0, 125, 'diagnostic data words');
    return;
  }
  if (data.length !== 1) throw malformed(`diagnostics sub-function ${sub} carries exactly one data word, got ${data.length}`);
  const d = data[0];
  if (sub === DiagnosticSubFunction.RestartCommunicationsOption) {
    if (d !== 0 && d !== COIL_ON) throw malformed('restart communications data must be 0x0000 or 0xFF00');
  } else if (sub === DiagnosticSubFunction.ChangeAsciiInputDelimiter) {
    if ((d & 0xff) !== 0) throw malformed('change ASCII delimiter data must be CHAR 0x00');
  } else if (d !== 0) {
    throw malformed(`diagnostics sub-function ${sub} request data must be 0x0000`);
  }
}

function encodeDiagnostics(r: DiagnosticsRequest | DiagnosticsResponse, head: number, tail: number): Buffer {
  checkWord(r.subFunction, 'sub-function');
  const b = allocPdu(head, 3 + 2 * r.data.length, tail);
  b[head] = 0x08;
  put16(b, head + 1, r.subFunction);
  writeWords(b, head + 3, r.data, 'diagnostic data');
  return b;
}

function decodeDiagnostics(pdu: Uint8Array, start: number, end: number, knownOnly = false): DiagnosticsRequest {
  const len = end - start;
  // An unknown sub-function is 01 before its data is looked at: the spec checks the function first.
  if (knownOnly && len >= 3 && !isKnownDiagnosticSubFunction(u16(pdu, start + 1))) {
    throw new CodecError('unsupported', `unknown diagnostics sub-function ${u16(pdu, start + 1)}`, ExceptionCode.IllegalFunction);
  }
  if (len < 3 || ((len - 3) & 1) !== 0) throw malformed(`FC 8 PDU of ${len} bytes is not sub-function plus whole words`);
  return { fc: 0x08, subFunction: u16(pdu, start + 1), data: readWords(pdu, start + 3, (len - 3) >>> 1) };
}

/** FC 8, serial-line diagnostics. Unknown sub-functions are exception 01, as the spec says. */
export const diagnosticsCodec: FunctionCodec<DiagnosticsRequest, DiagnosticsResponse> = {
  encodeRequest(req, head, tail) {
    if (!isKnownDiagnosticSubFunction(req.subFunction)) throw new CodecError('unsupported', `unknown diagnostics sub-function ${req.subFunction}`);
    checkDiagnosticData(req.subFunction, req.data);
    return encodeDiagnostics(req, head, tail);
  },
  decodeRequest(pdu, start, end) {
    const req = decodeDiagnostics(pdu, start, end, true);
    checkDiagnosticData(req.subFunction, req.data);
    return req;
  },
  encodeResponse(res, head, tail) {
    if (res.subFunction === DiagnosticSubFunction.ReturnQueryData) checkQuantity(res.data.length, 0, 125, 'diagnostic data words');
    else if (res.data.length !== 1) throw new CodecError('limit', `FC 8 sub-function ${res.subFunction} answers exactly one data word, got ${res.data.length}`);
    return encodeDiagnostics(res, head, tail);
  },
  decodeResponse(pdu, start, end, req) {
    const res = decodeDiagnostics(pdu, start, end);
    const sub = res.subFunction;
    if (sub !== DiagnosticSubFunction.ReturnQueryData && isKnownDiagnosticSubFunction(sub) && res.data.length !== 1) {
      throw malformed(`FC 8 sub-function ${sub} answers exactly one data word, got ${res.data.length}`);
    }
    if (req) {
      if (req.subFunction !== sub) throw mismatch(`FC 8 answered sub-function ${sub}, asked ${req.subFunction}`);
      // Return Query Data is a loop-back test: the answer must be the question.
      if (sub === DiagnosticSubFunction.ReturnQueryData && (res.data.length !== req.data.length || res.data.some((w, i) => w !== req.data[i]))) {
        throw mismatch('FC 8 sub-function 0 did not echo the query data');
      }
    }
    return res;
  },
};

/** FC 11. */
export const getCommEventCounterCodec: FunctionCodec<GetCommEventCounterRequest, GetCommEventCounterResponse> = {
  ...bareRequest<GetCommEventCounterRequest>(0x0b),
  encodeResponse(res, head, tail) {
    checkWord(res.status, 'status');
    checkWord(res.eventCount, 'event count');
    const b = allocPdu(head, 5, tail);
    b[head] = 0x0b;
    put16(b, head + 1, res.status);
    put16(b, head + 3, res.eventCount);
    return b;
  },
  decodeResponse(pdu, start, end) {
    expectLength(0x0b, end - start, 5);
    return { fc: 0x0b, status: u16(pdu, start + 1), eventCount: u16(pdu, start + 3) };
  },
};

export const MAX_COMM_EVENTS = 64;

/** FC 12. */
export const getCommEventLogCodec: FunctionCodec<GetCommEventLogRequest, GetCommEventLogResponse> = {
  ...bareRequest<GetCommEventLogRequest>(0x0c),
  encodeResponse(res, head, tail) {
    checkQuantity(res.events.length, 0, MAX_COMM_EVENTS, 'event count in log');
    checkWord(res.status, 'status');
    checkWord(res.eventCount, 'event count');
    checkWord(res.messageCount, 'message count');
    const b = allocPdu(head, 8 + res.events.length, tail);
    b[head] = 0x0c;
    b[head + 1] = 6 + res.events.length;
    put16(b, head + 2, res.status);
    put16(b, head + 4, res.eventCount);
    put16(b, head + 6, res.messageCount);
    res.events.forEach((e, i) => { checkByte(e, 'event'); b[head + 8 + i] = e; });
    return b;
  },
  decodeResponse(pdu, start, end) {
    const n = pdu[start + 1];
    if (end - start < 8 || n !== end - start - 2 || n > 6 + MAX_COMM_EVENTS) throw malformed(`FC 12 byte count ${n} does not fit ${end - start} bytes`);
    return {
      fc: 0x0c, status: u16(pdu, start + 2), eventCount: u16(pdu, start + 4), messageCount: u16(pdu, start + 6),
      events: readBytes(pdu, start + 8, end),
    };
  },
};

/**
 * FC 17. The server id's length is device specific and the PDU does not say it, so decoding takes
 * the first byte as the server id, the next as the run indicator and the rest as additional data.
 */
export const reportServerIdCodec: FunctionCodec<ReportServerIdRequest, ReportServerIdResponse> = {
  ...bareRequest<ReportServerIdRequest>(0x11),
  encodeResponse(res, head, tail) {
    const body = [...res.serverId, res.runIndicator ? 0xff : 0x00, ...res.additionalData];
    const b = allocPdu(head, 2 + body.length, tail);
    b[head] = 0x11;
    b[head + 1] = body.length;
    body.forEach((v, i) => { checkByte(v, 'server id byte'); b[head + 2 + i] = v; });
    return b;
  },
  decodeResponse(pdu, start, end) {
    const n = pdu[start + 1];
    if (end - start < 4 || n !== end - start - 2) throw malformed(`FC 17 byte count ${n} does not fit ${end - start} bytes`);
    return {
      fc: 0x11, serverId: [pdu[start + 2]], runIndicator: pdu[start + 3] === 0xff,
      additionalData: readBytes(pdu, start + 4, end),
    };
  },
};
