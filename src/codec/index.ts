/**
 * The pure Modbus codec: PDUs for both roles, the MBAP, RTU and ASCII framings with streaming
 * deframers, and data-type packing. No I/O, no timers.
 *
 * The hot functions are re-exported as plain constants rather than `export ... from`, which
 * CommonJS output turns into a getter that every call through this index would pay for.
 */
import * as aduModule from './adu';
import * as asciiModule from './ascii';
import * as crcModule from './crc';
import * as lrcModule from './lrc';
import * as mbapModule from './mbap';
import * as pduModule from './pdu';
import * as rtuModule from './rtu';
import * as rtuLengthModule from './rtu-length';

export * from './function-codes';
export * from './exceptions';
export * from './errors';
export * from './types';
export * from './framing';
export * from './datatypes';
export { StoreReadResponse } from './pdu/store-read';

export const encodeRequest = pduModule.encodeRequest;
export const decodeRequest = pduModule.decodeRequest;
export const encodeResponse = pduModule.encodeResponse;
export const encodeRequestInto = pduModule.encodeRequestInto;
export const encodeResponseInto = pduModule.encodeResponseInto;
export const decodeResponse = pduModule.decodeResponse;
export const encodeException = pduModule.encodeException;
export const isExceptionPdu = pduModule.isExceptionPdu;
export const MAX_PDU_LENGTH = pduModule.MAX_PDU_LENGTH;
export const MAX_READ_BITS = pduModule.MAX_READ_BITS;
export const MAX_WRITE_COILS = pduModule.MAX_WRITE_COILS;
export const MAX_READ_REGISTERS = pduModule.MAX_READ_REGISTERS;
export const MAX_WRITE_REGISTERS = pduModule.MAX_WRITE_REGISTERS;
export const MAX_RW_WRITE_REGISTERS = pduModule.MAX_RW_WRITE_REGISTERS;
export const MAX_FIFO_COUNT = pduModule.MAX_FIFO_COUNT;
export const MAX_COMM_EVENTS = pduModule.MAX_COMM_EVENTS;
export const DeviceObjectId = pduModule.DeviceObjectId;

export const encodeRequestAdu = aduModule.encodeRequestAdu;
export const encodeResponseAdu = aduModule.encodeResponseAdu;
export const encodeExceptionAdu = aduModule.encodeExceptionAdu;
export const encodeRequestAduInto = aduModule.encodeRequestAduInto;
export const encodeResponseAduInto = aduModule.encodeResponseAduInto;

export const crc16 = crcModule.crc16;
export const lrc = lrcModule.lrc;
export const mbap = mbapModule.mbap;
export const MBAP_HEADER_LENGTH = mbapModule.MBAP_HEADER_LENGTH;
export const MAX_TCP_ADU_LENGTH = mbapModule.MAX_TCP_ADU_LENGTH;
export const rtu = rtuModule.rtu;
export const MAX_RTU_ADU_LENGTH = rtuModule.MAX_RTU_ADU_LENGTH;
export const ascii = asciiModule.ascii;
export const MAX_ASCII_ADU_LENGTH = asciiModule.MAX_ASCII_ADU_LENGTH;
export const rtuAduLength = rtuLengthModule.rtuAduLength;
export const NEED_MORE = rtuLengthModule.NEED_MORE;
export const BY_CRC = rtuLengthModule.BY_CRC;
export const INVALID = rtuLengthModule.INVALID;
