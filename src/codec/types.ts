/**
 * Plain-object requests and responses, discriminated by `fc`. They hold only numbers, booleans,
 * strings and arrays, so they are safe to clone into Node-RED messages.
 */

/** FC 1 and 2. */
export interface ReadBitsRequest { fc: 0x01 | 0x02; address: number; quantity: number }
/** FC 3 and 4. */
export interface ReadRegistersRequest { fc: 0x03 | 0x04; address: number; quantity: number }
/** FC 5: `value` true is sent as 0xFF00, false as 0x0000. */
export interface WriteSingleCoilRequest { fc: 0x05; address: number; value: boolean }
/** FC 6. */
export interface WriteSingleRegisterRequest { fc: 0x06; address: number; value: number }
/** FC 7 (serial line only). */
export interface ReadExceptionStatusRequest { fc: 0x07 }
/** FC 8: `data` is the data field as 16-bit words (one word for every sub-function but 00). */
export interface DiagnosticsRequest { fc: 0x08; subFunction: number; data: number[] }
/** FC 11 (serial line only). */
export interface GetCommEventCounterRequest { fc: 0x0b }
/** FC 12 (serial line only). */
export interface GetCommEventLogRequest { fc: 0x0c }
/** FC 15. */
export interface WriteMultipleCoilsRequest { fc: 0x0f; address: number; values: boolean[] }
/** FC 16. */
export interface WriteMultipleRegistersRequest { fc: 0x10; address: number; values: number[] }
/** FC 17 (serial line only). */
export interface ReportServerIdRequest { fc: 0x11 }
/** One sub-request of FC 20. The reference type is always 6. */
export interface FileRecordReference { fileNumber: number; recordNumber: number; recordLength: number }
/** FC 20. */
export interface ReadFileRecordRequest { fc: 0x14; references: FileRecordReference[] }
/** One sub-request of FC 21, and of its echoed response: `values` are the record's registers. */
export interface FileRecordWrite { fileNumber: number; recordNumber: number; values: number[] }
/** FC 21. */
export interface WriteFileRecordRequest { fc: 0x15; records: FileRecordWrite[] }
/** FC 22: result = (current AND andMask) OR (orMask AND NOT andMask). */
export interface MaskWriteRegisterRequest { fc: 0x16; address: number; andMask: number; orMask: number }
/** FC 23: the write is performed before the read. */
export interface ReadWriteMultipleRegistersRequest {
  fc: 0x17; readAddress: number; readQuantity: number; writeAddress: number; values: number[];
}
/** FC 24. */
export interface ReadFifoQueueRequest { fc: 0x18; address: number }
/** Read device id codes of FC 43/14: 1 basic, 2 regular, 3 extended (stream access), 4 one object. */
export type ReadDeviceIdCode = 1 | 2 | 3 | 4;
/** FC 43 with MEI type 14. */
export interface ReadDeviceIdentificationRequest { fc: 0x2b; meiType: 0x0e; readDeviceIdCode: ReadDeviceIdCode; objectId: number }

/** Every request the codec knows. */
export type ModbusRequest =
  | ReadBitsRequest | ReadRegistersRequest | WriteSingleCoilRequest | WriteSingleRegisterRequest
  | ReadExceptionStatusRequest | DiagnosticsRequest | GetCommEventCounterRequest | GetCommEventLogRequest
  | WriteMultipleCoilsRequest | WriteMultipleRegistersRequest | ReportServerIdRequest
  | ReadFileRecordRequest | WriteFileRecordRequest | MaskWriteRegisterRequest
  | ReadWriteMultipleRegistersRequest | ReadFifoQueueRequest | ReadDeviceIdentificationRequest;

/**
 * A request whose function code (or FC 43 MEI type) the codec does not know. A server answers it
 * with exception 01; `data` is the PDU after the function code.
 */
export interface UnknownRequest { fc: number; unknown: true; data: number[] }

export interface ReadBitsResponse { fc: 0x01 | 0x02; values: boolean[] }
export interface ReadRegistersResponse { fc: 0x03 | 0x04; values: number[] }
export interface WriteSingleCoilResponse { fc: 0x05; address: number; value: boolean }
export interface WriteSingleRegisterResponse { fc: 0x06; address: number; value: number }
/** FC 7: eight exception status outputs, bit 0 first. */
export interface ReadExceptionStatusResponse { fc: 0x07; status: number }
export interface DiagnosticsResponse { fc: 0x08; subFunction: number; data: number[] }
/** FC 11: `status` is 0xFFFF while a previous command is still being processed, else 0. */
export interface GetCommEventCounterResponse { fc: 0x0b; status: number; eventCount: number }
/** FC 12: `events` holds up to 64 event bytes, most recent first. */
export interface GetCommEventLogResponse { fc: 0x0c; status: number; eventCount: number; messageCount: number; events: number[] }
export interface WriteMultipleCoilsResponse { fc: 0x0f; address: number; quantity: number }
export interface WriteMultipleRegistersResponse { fc: 0x10; address: number; quantity: number }
/** FC 17: `serverId` is device specific; `additionalData` may be empty. */
export interface ReportServerIdResponse { fc: 0x11; serverId: number[]; runIndicator: boolean; additionalData: number[] }
/** FC 20: one register array per requested reference, in request order. */
export interface ReadFileRecordResponse { fc: 0x14; records: number[][] }
export interface WriteFileRecordResponse { fc: 0x15; records: FileRecordWrite[] }
export interface MaskWriteRegisterResponse { fc: 0x16; address: number; andMask: number; orMask: number }
export interface ReadWriteMultipleRegistersResponse { fc: 0x17; values: number[] }
/** FC 24: at most 31 values. */
export interface ReadFifoQueueResponse { fc: 0x18; values: number[] }
/** One device identification object; `value` is its bytes as Latin-1 text. */
export interface DeviceIdentificationObject { id: number; value: string }
export interface ReadDeviceIdentificationResponse {
  fc: 0x2b; meiType: 0x0e; readDeviceIdCode: ReadDeviceIdCode;
  /** 0x01-0x03, with 0x80 set when individual access (code 4) is supported. */
  conformityLevel: number;
  moreFollows: boolean;
  nextObjectId: number;
  objects: DeviceIdentificationObject[];
}

/** Every normal (non-exception) response the codec knows. */
export type ModbusResponse =
  | ReadBitsResponse | ReadRegistersResponse | WriteSingleCoilResponse | WriteSingleRegisterResponse
  | ReadExceptionStatusResponse | DiagnosticsResponse | GetCommEventCounterResponse | GetCommEventLogResponse
  | WriteMultipleCoilsResponse | WriteMultipleRegistersResponse | ReportServerIdResponse
  | ReadFileRecordResponse | WriteFileRecordResponse | MaskWriteRegisterResponse
  | ReadWriteMultipleRegistersResponse | ReadFifoQueueResponse | ReadDeviceIdentificationResponse;

/** An exception response: function code with 0x80 removed, and the exception code. */
export interface ExceptionResponse { fc: number; exception: true; exceptionCode: number }

/**
 * The response type that answers request type `R`: every response whose function code can be
 * the request's (so `{ fc: 3 }` gets ReadRegistersResponse, whose fc is 3 | 4).
 */
export type ResponseFor<R extends { fc: number }> = ModbusResponse extends infer T
  ? T extends { fc: infer F } ? ([F & R['fc']] extends [never] ? never : T) : never
  : never;

/** Function codes that may be broadcast to unit 0: the writes that return no data. */
export type BroadcastFc = 0x05 | 0x06 | 0x0f | 0x10 | 0x15 | 0x16;
