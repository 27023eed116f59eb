/**
 * The pure Modbus codec: PDUs for both roles, the MBAP, RTU and ASCII framings with streaming
 * deframers, and data-type packing. No I/O, no timers.
 */
export * from './function-codes';
export * from './exceptions';
export * from './errors';
export * from './types';
export * from './framing';
export * from './pdu';
export * from './adu';
export * from './datatypes';
export { crc16 } from './crc';
export { lrc } from './lrc';
export { mbap, MBAP_HEADER_LENGTH, MAX_TCP_ADU_LENGTH } from './mbap';
export { rtu, MAX_RTU_ADU_LENGTH } from './rtu';
export { ascii, MAX_ASCII_ADU_LENGTH } from './ascii';
export { rtuAduLength, NEED_MORE, BY_CRC } from './rtu-length';
