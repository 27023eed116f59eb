/** The Modbus client engine: plain TypeScript, no Node-RED. */
export * from './types';
export * from './errors';
export { ModbusClient } from './client';
export { ModbusMethods } from './methods';
