import type { ModbusRequest } from './types';

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

/** What a function code does with the data model: reads, writes, both (FC 23), or neither (FC 8). */
export type FunctionCodeAccess = 'read' | 'write' | 'read-write' | 'other';

/** The data model table a function code addresses (file records and FIFO queues address none). */
export type AddressTable = 'coils' | 'discreteInputs' | 'holdingRegisters' | 'inputRegisters';

/**
 * Which routes may claim a function code: `data` ones are claimed by routes without a
 * `functionCodes` filter, `listed` ones only by routes that list them, `never` ones (the server's
 * own communication state) by none.
 */
export type FunctionCodeRouting = 'data' | 'listed' | 'never';

/** The request of one function code. */
type RequestOf<F extends FunctionCode> = ModbusRequest extends infer R ? (R extends { fc: infer G } ? (F extends G ? R : never) : never) : never;

/** Everything the layers above need to know about one function code. */
export interface FunctionCodeDescriptor<F extends FunctionCode = FunctionCode> {
  readonly fc: F;
  /** Its key in `FunctionCode`. */
  readonly name: keyof typeof FunctionCode;
  /** What it reads or writes, in words ("holding registers"). */
  readonly label: string;
  readonly access: FunctionCodeAccess;
  /** May go to unit 0 (no answer comes back). */
  readonly broadcastable: boolean;
  /** The data model table its addresses are in, if any. */
  readonly table?: AddressTable;
  /** The [address, quantity] ranges a request touches; none when absent. */
  readonly ranges?: (req: RequestOf<F>) => [number, number][];
  readonly routing: FunctionCodeRouting;
  /** Served by the server's memory map when no route claims it. */
  readonly memory: boolean;
}

/**
 * One descriptor per function code: the single place the client's broadcast set, the server's
 * memory and route sets, request ranges, the CLI's names and the nodes' lists come from. Adding
 * a function code touches this table, its PDU file, and tests.
 */
export const FUNCTION_CODE_TABLE: { readonly [F in FunctionCode]: FunctionCodeDescriptor<F> } = {
  0x01: {
    fc: 0x01, name: 'ReadCoils', label: 'coils', access: 'read', broadcastable: false, table: 'coils',
    ranges: (r) => [[r.address, r.quantity]], routing: 'data', memory: true,
  },
  0x02: {
    fc: 0x02, name: 'ReadDiscreteInputs', label: 'discrete inputs', access: 'read', broadcastable: false, table: 'discreteInputs',
    ranges: (r) => [[r.address, r.quantity]], routing: 'data', memory: true,
  },
  0x03: {
    fc: 0x03, name: 'ReadHoldingRegisters', label: 'holding registers', access: 'read', broadcastable: false, table: 'holdingRegisters',
    ranges: (r) => [[r.address, r.quantity]], routing: 'data', memory: true,
  },
  0x04: {
    fc: 0x04, name: 'ReadInputRegisters', label: 'input registers', access: 'read', broadcastable: false, table: 'inputRegisters',
    ranges: (r) => [[r.address, r.quantity]], routing: 'data', memory: true,
  },
  0x05: {
    fc: 0x05, name: 'WriteSingleCoil', label: 'single coil', access: 'write', broadcastable: true, table: 'coils',
    ranges: (r) => [[r.address, 1]], routing: 'data', memory: true,
  },
  0x06: {
    fc: 0x06, name: 'WriteSingleRegister', label: 'single register', access: 'write', broadcastable: true, table: 'holdingRegisters',
    ranges: (r) => [[r.address, 1]], routing: 'data', memory: true,
  },
  0x07: { fc: 0x07, name: 'ReadExceptionStatus', label: 'exception status', access: 'read', broadcastable: false, routing: 'listed', memory: false },
  0x08: { fc: 0x08, name: 'Diagnostics', label: 'diagnostics', access: 'other', broadcastable: false, routing: 'never', memory: false },
  0x0b: { fc: 0x0b, name: 'GetCommEventCounter', label: 'comm event counter', access: 'read', broadcastable: false, routing: 'never', memory: false },
  0x0c: { fc: 0x0c, name: 'GetCommEventLog', label: 'comm event log', access: 'read', broadcastable: false, routing: 'never', memory: false },
  0x0f: {
    fc: 0x0f, name: 'WriteMultipleCoils', label: 'coils', access: 'write', broadcastable: true, table: 'coils',
    ranges: (r) => [[r.address, r.values.length]], routing: 'data', memory: true,
  },
  0x10: {
    fc: 0x10, name: 'WriteMultipleRegisters', label: 'registers', access: 'write', broadcastable: true, table: 'holdingRegisters',
    ranges: (r) => [[r.address, r.values.length]], routing: 'data', memory: true,
  },
  0x11: { fc: 0x11, name: 'ReportServerId', label: 'server id', access: 'read', broadcastable: false, routing: 'listed', memory: false },
  0x14: { fc: 0x14, name: 'ReadFileRecord', label: 'file records', access: 'read', broadcastable: false, routing: 'data', memory: false },
  0x15: { fc: 0x15, name: 'WriteFileRecord', label: 'file records', access: 'write', broadcastable: true, routing: 'data', memory: false },
  0x16: {
    fc: 0x16, name: 'MaskWriteRegister', label: 'register mask', access: 'write', broadcastable: true, table: 'holdingRegisters',
    ranges: (r) => [[r.address, 1]], routing: 'data', memory: true,
  },
  0x17: {
    fc: 0x17, name: 'ReadWriteMultipleRegisters', label: 'read/write registers', access: 'read-write', broadcastable: false, table: 'holdingRegisters',
    ranges: (r) => [[r.readAddress, r.readQuantity], [r.writeAddress, r.values.length]], routing: 'data', memory: true,
  },
  0x18: {
    fc: 0x18, name: 'ReadFifoQueue', label: 'FIFO queue', access: 'read', broadcastable: false,
    ranges: (r) => [[r.address, 1]], routing: 'data', memory: false,
  },
  0x2b: {
    fc: 0x2b, name: 'EncapsulatedInterfaceTransport', label: 'device identification', access: 'read', broadcastable: false,
    routing: 'listed', memory: false,
  },
};

/** Every descriptor, in ascending function code order. */
export const FUNCTION_CODE_DESCRIPTORS: readonly FunctionCodeDescriptor[] = (Object.values(FUNCTION_CODE_TABLE) as FunctionCodeDescriptor[])
  .sort((a, b) => a.fc - b.fc);

/** The descriptor of a function code this codec knows, else undefined. */
export function functionCodeDescriptor(fc: number): FunctionCodeDescriptor | undefined {
  return isKnownFunctionCode(fc) ? (FUNCTION_CODE_TABLE[fc] as FunctionCodeDescriptor) : undefined;
}

/** The function codes whose descriptor passes `test`, ascending. */
export function functionCodesWhere(test: (d: FunctionCodeDescriptor) => boolean): number[] {
  return FUNCTION_CODE_DESCRIPTORS.filter(test).map((d) => d.fc);
}

/** True for access 'write' and 'read-write'. */
export function writesData(d: FunctionCodeDescriptor): boolean {
  return d.access === 'write' || d.access === 'read-write';
}

/** True for access 'read' and 'read-write'. */
export function readsData(d: FunctionCodeDescriptor): boolean {
  return d.access === 'read' || d.access === 'read-write';
}

/** Function codes that write (FC 23 too): not retried by default. */
export const WRITE_FUNCTION_CODES: ReadonlySet<number> = new Set(functionCodesWhere(writesData));

/** Function codes that may be sent to unit 0. */
export const BROADCAST_FUNCTION_CODES: ReadonlySet<number> = new Set(functionCodesWhere((d) => d.broadcastable));

/** Function codes the server's memory map serves. */
export const MEMORY_FUNCTION_CODES: ReadonlySet<number> = new Set(functionCodesWhere((d) => d.memory));

/** Function codes a route without a `functionCodes` filter claims: the data-access ones. */
export const DATA_FUNCTION_CODES: ReadonlySet<number> = new Set(functionCodesWhere((d) => d.routing === 'data'));

/** Function codes routes may claim when they list them. */
export const ROUTABLE_FUNCTION_CODES: ReadonlySet<number> = new Set(functionCodesWhere((d) => d.routing !== 'never'));

type RangesOf = (req: ModbusRequest) => [number, number][];
const RANGES: readonly (RangesOf | undefined)[] = (() => {
  const a: (RangesOf | undefined)[] = new Array<RangesOf | undefined>(256).fill(undefined);
  for (const d of FUNCTION_CODE_DESCRIPTORS) a[d.fc] = d.ranges as RangesOf | undefined;
  return a;
})();

/** The address ranges a request touches; FC 23 touches two, requests without addresses none. */
export function requestRanges(req: ModbusRequest): [number, number][] {
  const ranges = RANGES[req.fc];
  return ranges ? ranges(req) : [];
}
