import { exceptionName } from './exceptions';

/** What kind of failure an error is: what a flow or a person does about it. */
export type ErrorKind =
  | 'exception' // the server answered with a Modbus exception
  | 'timeout' // no answer in time (a client request, or a server route's flow)
  | 'queue-full' // refused at once: too many requests waiting
  | 'bad-msg' // input that cannot be a request or reply (a msg, a PDU, a route reply)
  | 'closed' // the request ended with its client (closed, flushed)
  | 'connection-lost' // the link dropped while the request was on the wire
  | 'unit-unavailable' // the unit is backed off after repeated timeouts
  | 'connect-failed' // the link could not be opened
  | 'broadcast-read' // a read addressed to unit 0
  | 'config' // settings that cannot run (a node's config, a memory map)
  | 'usage' // a command line the CLI cannot run
  | 'error'; // anything that is not ours

/**
 * The one table of codes: every code a ModbusError carries, and the kind it is. A code is added
 * here when something raises it, and removed when nothing does.
 */
export const ERROR_KINDS = {
  EMODBUS_CODEC: 'bad-msg',
  EMODBUS_EXCEPTION: 'exception',
  EMODBUS_TIMEOUT: 'timeout',
  EMODBUS_QUEUE_FULL: 'queue-full',
  EMODBUS_CLOSED: 'closed',
  EMODBUS_FLUSHED: 'closed',
  EMODBUS_CONNECTION_LOST: 'connection-lost',
  EMODBUS_UNIT_UNAVAILABLE: 'unit-unavailable',
  EMODBUS_CONNECT: 'connect-failed',
  EMODBUS_TLS: 'connect-failed',
  EMODBUS_BROADCAST_READ: 'broadcast-read',
  EMODBUS_BAD_MSG: 'bad-msg',
  EMODBUS_BAD_REPLY: 'bad-msg',
  EMODBUS_CONFIG: 'config',
  EMODBUS_USAGE: 'usage',
} as const satisfies Record<string, ErrorKind>;

/** A code from the table. */
export type ErrorCode = keyof typeof ERROR_KINDS;

/** The kind of a code; 'error' for a code not in the table (a socket's ECONNREFUSED, say). */
export function errorKind(code: string): ErrorKind {
  return Object.prototype.hasOwnProperty.call(ERROR_KINDS, code) ? ERROR_KINDS[code as ErrorCode] : 'error';
}

/**
 * Base class of every error this package raises, so callers can tell ours from anything else.
 * Its name is its own class's name, never another's; what it is comes from `code`.
 */
export class ModbusError extends Error {
  /** A stable machine-readable code from ERROR_KINDS, e.g. `EMODBUS_CODEC`, `EMODBUS_TIMEOUT`. */
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }

  /** What kind of failure this is, from the one table. */
  get kind(): ErrorKind {
    return ERROR_KINDS[this.code];
  }
}

/**
 * Settings that cannot run: a node's config, a server's memory map or routes. Raised at deploy or
 * start, never for one request; a flow node whose config node failed raises it for each msg.
 */
export class ConfigError extends ModbusError {
  constructor(message: string) {
    super('EMODBUS_CONFIG', message);
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
