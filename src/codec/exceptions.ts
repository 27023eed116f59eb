/** Exception codes of the MODBUS Application Protocol V1.1b3 (section 7). */
export const ExceptionCode = {
  IllegalFunction: 0x01,
  IllegalDataAddress: 0x02,
  IllegalDataValue: 0x03,
  ServerDeviceFailure: 0x04,
  Acknowledge: 0x05,
  ServerDeviceBusy: 0x06,
  MemoryParityError: 0x08,
  GatewayPathUnavailable: 0x0a,
  GatewayTargetDeviceFailedToRespond: 0x0b,
} as const;
/** One of the spec's exception codes (01-0B), as a number. */
export type ExceptionCode = (typeof ExceptionCode)[keyof typeof ExceptionCode];

const NAMES: Readonly<Record<number, string>> = {
  0x01: 'ILLEGAL FUNCTION',
  0x02: 'ILLEGAL DATA ADDRESS',
  0x03: 'ILLEGAL DATA VALUE',
  0x04: 'SERVER DEVICE FAILURE',
  0x05: 'ACKNOWLEDGE',
  0x06: 'SERVER DEVICE BUSY',
  0x08: 'MEMORY PARITY ERROR',
  0x0a: 'GATEWAY PATH UNAVAILABLE',
  0x0b: 'GATEWAY TARGET DEVICE FAILED TO RESPOND',
};

/** The spec's name of an exception code, or `UNKNOWN EXCEPTION 0xNN` for codes it does not define. */
export function exceptionName(code: number): string {
  return NAMES[code] ?? `UNKNOWN EXCEPTION 0x${code.toString(16).padStart(2, '0').toUpperCase()}`;
}

/** True when `code` is one of the exception codes the spec defines. */
export function isKnownExceptionCode(code: number): code is ExceptionCode {
  return NAMES[code] !== undefined;
}
