import { EventEmitter } from 'node:events';
import type {
  DiagnosticsResponse, FileRecordReference, FileRecordWrite, GetCommEventCounterResponse, GetCommEventLogResponse,
  MaskWriteRegisterResponse, ModbusRequest, ReadBitsResponse, ReadDeviceIdCode, ReadDeviceIdentificationResponse,
  ReadExceptionStatusResponse, ReadFifoQueueResponse, ReadFileRecordResponse, ReadRegistersResponse,
  ReadWriteMultipleRegistersResponse, ReportServerIdResponse, WriteFileRecordResponse,
  WriteMultipleCoilsResponse, WriteMultipleRegistersResponse, WriteSingleCoilResponse, WriteSingleRegisterResponse,
} from '../codec';
import type { ClientState, ConfirmationFor, RequestOptions } from './types';

/**
 * One typed method per function code the codec knows, each a thin wrapper over request().
 * Writes resolve with undefined when broadcast (unit 0), since no response comes.
 */
export abstract class ModbusMethods extends EventEmitter {
  /** The one entry every method goes through. */
  /** 'state' on every change of link state, with the error that caused it, if any. */
  override on(event: 'state', listener: (state: ClientState, error?: Error) => void): this;
  override on(event: 'connecting' | 'connected', listener: () => void): this;
  /** 'error' is emitted only while someone listens, so an unwatched client never throws from it. */
  override on(event: 'disconnected' | 'error', listener: (error?: Error) => void): this;
  override on(event: string, listener: (...args: never[]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  override once(event: 'state', listener: (state: ClientState, error?: Error) => void): this;
  override once(event: 'connecting' | 'connected', listener: () => void): this;
  override once(event: 'disconnected' | 'error', listener: (error?: Error) => void): this;
  override once(event: string, listener: (...args: never[]) => void): this {
    return super.once(event, listener as (...args: unknown[]) => void);
  }

  /** Remove a listener (typed loosely enough for every event's listener). */
  override off(event: string, listener: (...args: never[]) => void): this {
    return super.off(event, listener as (...args: unknown[]) => void);
  }

  abstract request<R extends ModbusRequest>(unitId: number, req: R, options?: RequestOptions): Promise<ConfirmationFor<R>>;

  /** FC 1. */
  readCoils(unitId: number, address: number, quantity: number, options?: RequestOptions): Promise<ReadBitsResponse> {
    return this.request(unitId, { fc: 0x01, address, quantity }, options);
  }

  /** FC 2. */
  readDiscreteInputs(unitId: number, address: number, quantity: number, options?: RequestOptions): Promise<ReadBitsResponse> {
    return this.request(unitId, { fc: 0x02, address, quantity }, options);
  }

  /** FC 3. */
  readHoldingRegisters(unitId: number, address: number, quantity: number, options?: RequestOptions): Promise<ReadRegistersResponse> {
    return this.request(unitId, { fc: 0x03, address, quantity }, options);
  }

  /** FC 4. */
  readInputRegisters(unitId: number, address: number, quantity: number, options?: RequestOptions): Promise<ReadRegistersResponse> {
    return this.request(unitId, { fc: 0x04, address, quantity }, options);
  }

  /** FC 5. */
  writeSingleCoil(unitId: number, address: number, value: boolean, options?: RequestOptions): Promise<WriteSingleCoilResponse | undefined> {
    return this.request(unitId, { fc: 0x05, address, value }, options);
  }

  /** FC 6. */
  writeSingleRegister(unitId: number, address: number, value: number, options?: RequestOptions): Promise<WriteSingleRegisterResponse | undefined> {
    return this.request(unitId, { fc: 0x06, address, value }, options);
  }

  /** FC 7 (serial line). */
  readExceptionStatus(unitId: number, options?: RequestOptions): Promise<ReadExceptionStatusResponse> {
    return this.request(unitId, { fc: 0x07 }, options);
  }

  /** FC 8: `data` is the data field as 16-bit words. */
  diagnostics(unitId: number, subFunction: number, data: number[], options?: RequestOptions): Promise<DiagnosticsResponse> {
    return this.request(unitId, { fc: 0x08, subFunction, data }, options);
  }

  /** FC 11 (serial line). */
  getCommEventCounter(unitId: number, options?: RequestOptions): Promise<GetCommEventCounterResponse> {
    return this.request(unitId, { fc: 0x0b }, options);
  }

  /** FC 12 (serial line). */
  getCommEventLog(unitId: number, options?: RequestOptions): Promise<GetCommEventLogResponse> {
    return this.request(unitId, { fc: 0x0c }, options);
  }

  /** FC 15. */
  writeMultipleCoils(unitId: number, address: number, values: boolean[], options?: RequestOptions): Promise<WriteMultipleCoilsResponse | undefined> {
    return this.request(unitId, { fc: 0x0f, address, values }, options);
  }

  /** FC 16. */
  writeMultipleRegisters(unitId: number, address: number, values: number[], options?: RequestOptions): Promise<WriteMultipleRegistersResponse | undefined> {
    return this.request(unitId, { fc: 0x10, address, values }, options);
  }

  /** FC 17 (serial line). */
  reportServerId(unitId: number, options?: RequestOptions): Promise<ReportServerIdResponse> {
    return this.request(unitId, { fc: 0x11 }, options);
  }

  /** FC 20. */
  readFileRecord(unitId: number, references: FileRecordReference[], options?: RequestOptions): Promise<ReadFileRecordResponse> {
    return this.request(unitId, { fc: 0x14, references }, options);
  }

  /** FC 21. */
  writeFileRecord(unitId: number, records: FileRecordWrite[], options?: RequestOptions): Promise<WriteFileRecordResponse | undefined> {
    return this.request(unitId, { fc: 0x15, records }, options);
  }

  /** FC 22. */
  maskWriteRegister(unitId: number, address: number, andMask: number, orMask: number, options?: RequestOptions): Promise<MaskWriteRegisterResponse | undefined> {
    return this.request(unitId, { fc: 0x16, address, andMask, orMask }, options);
  }

  /** FC 23: writes `values` at writeAddress, then reads readQuantity registers at readAddress. */
  readWriteMultipleRegisters(
    unitId: number, readAddress: number, readQuantity: number, writeAddress: number, values: number[], options?: RequestOptions,
  ): Promise<ReadWriteMultipleRegistersResponse> {
    return this.request(unitId, { fc: 0x17, readAddress, readQuantity, writeAddress, values }, options);
  }

  /** FC 24. */
  readFifoQueue(unitId: number, address: number, options?: RequestOptions): Promise<ReadFifoQueueResponse> {
    return this.request(unitId, { fc: 0x18, address }, options);
  }

  /** FC 43 / MEI 14. */
  readDeviceIdentification(unitId: number, readDeviceIdCode: ReadDeviceIdCode = 1, objectId = 0, options?: RequestOptions): Promise<ReadDeviceIdentificationResponse> {
    return this.request(unitId, { fc: 0x2b, meiType: 0x0e, readDeviceIdCode, objectId }, options);
  }
}
