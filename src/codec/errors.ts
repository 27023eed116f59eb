import { exceptionName } from './exceptions';

/** Base class of every error this package raises, so callers can tell ours from anything else. */
export class ModbusError extends Error {
  /** A stable machine-readable code, e.g. `EMODBUS_CODEC`, `EMODBUS_EXCEPTION`, `EMODBUS_TIMEOUT`. */
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Why the codec refused a PDU or ADU. */
export type CodecErrorReason =
  | 'limit' // a quantity, count or value outside the spec's range
  | 'malformed' // bytes that cannot be the PDU they claim to be
  | 'mismatch' // a response that does not answer the request it was matched to
  | 'framing' // bad protocol id, length, CRC, LRC or ASCII characters
  | 'unsupported'; // a function code or sub-function this side cannot encode

/**
 * A PDU or ADU that the codec will not encode or decode.
 * When the codec decodes a request for a server, `exceptionCode` is the exception the spec
 * says the server answers with (01, 02 or 03); it is undefined for client-side failures.
 */
export class CodecError extends ModbusError {
  readonly reason: CodecErrorReason;
  readonly exceptionCode: number | undefined;
  constructor(reason: CodecErrorReason, message: string, exceptionCode?: number) {
    super('EMODBUS_CODEC', message);
    this.reason = reason;
    this.exceptionCode = exceptionCode;
  }
}

/** A Modbus exception response, raised on the client side when a server answers with one. */
export class ModbusExceptionError extends ModbusError {
  readonly functionCode: number;
  readonly exceptionCode: number;
  readonly exceptionName: string;
  constructor(functionCode: number, exceptionCode: number) {
    const name = exceptionName(exceptionCode);
    super('EMODBUS_EXCEPTION', `Modbus exception ${exceptionCode} (${name}) for function code ${functionCode}`);
    this.functionCode = functionCode;
    this.exceptionCode = exceptionCode;
    this.exceptionName = name;
  }
}

/**
 * A CodecError without a captured stack, for faults found in received bytes: there the stack says
 * nothing the message does not, and capturing it is most of the cost of a garbage-heavy stream.
 */
export function dataError(reason: CodecErrorReason, message: string, exceptionCode?: number): CodecError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new CodecError(reason, message, exceptionCode);
  } finally {
    Error.stackTraceLimit = limit;
  }
}
