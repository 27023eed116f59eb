/** Public function codes of the MODBUS Application Protocol V1.1b3 (section 5.1). */
export const FunctionCode = {
  ReadCoils: 0x01,
  ReadDiscreteInputs: 0x02,
  ReadHoldingRegisters: 0x03,
  ReadInputRegisters: 0x04,
  WriteSingleCoil: 0x05,
  WriteSingleRegister: 0x06,
  ReadExceptionStatus: 0x07,
  Diagnostics: 0x08,
  GetCommEventCounter: 0x0b,
  GetCommEventLog: 0x0c,
  WriteMultipleCoils: 0x0f,
  WriteMultipleRegisters: 0x10,
  ReportServerId: 0x11,
  ReadFileRecord: 0x14,
  WriteFileRecord: 0x15,
  MaskWriteRegister: 0x16,
  ReadWriteMultipleRegisters: 0x17,
  ReadFifoQueue: 0x18,
  EncapsulatedInterfaceTransport: 0x2b,
} as const;

/** One of the public function codes this codec knows. */
export type FunctionCode = (typeof FunctionCode)[keyof typeof FunctionCode];

/** MEI type of Read Device Identification inside function code 43. */
export const MEI_READ_DEVICE_IDENTIFICATION = 0x0e;

/** Diagnostics (FC 8) sub-function codes defined for serial line devices. */
export const DiagnosticSubFunction = {
  ReturnQueryData: 0x00,
  RestartCommunicationsOption: 0x01,
  ReturnDiagnosticRegister: 0x02,
  ChangeAsciiInputDelimiter: 0x03,
  ForceListenOnlyMode: 0x04,
  ClearCountersAndDiagnosticRegister: 0x0a,
  ReturnBusMessageCount: 0x0b,
  ReturnBusCommunicationErrorCount: 0x0c,
  ReturnBusExceptionErrorCount: 0x0d,
  ReturnServerMessageCount: 0x0e,
  ReturnServerNoResponseCount: 0x0f,
  ReturnServerNakCount: 0x10,
  ReturnServerBusyCount: 0x11,
  ReturnBusCharacterOverrunCount: 0x12,
  ClearOverrunCounterAndFlag: 0x14,
} as const;
/** One of the FC 8 diagnostic sub-function codes, as a number. */
export type DiagnosticSubFunction = (typeof DiagnosticSubFunction)[keyof typeof DiagnosticSubFunction];

const KNOWN = new Set<number>(Object.values(FunctionCode));
const SUB_FUNCTIONS = new Set<number>(Object.values(DiagnosticSubFunction));

/** True when `fc` is a public function code this codec can encode and decode. */
export function isKnownFunctionCode(fc: number): fc is FunctionCode {
  return KNOWN.has(fc);
}

/** True when `sub` is a diagnostics sub-function this codec knows. */
export function isKnownDiagnosticSubFunction(sub: number): sub is DiagnosticSubFunction {
  return SUB_FUNCTIONS.has(sub);
}

/** Function codes that write, and so may be broadcast to unit 0 and are not retried by default. */
export const WRITE_FUNCTION_CODES: ReadonlySet<number> = new Set([0x05, 0x06, 0x0f, 0x10, 0x15, 0x16, 0x17]);
