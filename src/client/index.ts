/**
 * The Modbus client engine: plain TypeScript, no Node-RED.
 *
 * ```ts
 * const client = new ModbusClient({ transport: { type: 'tcp', host: '10.0.0.5', port: 502 }, timeout: 500 });
 * const { values } = await client.readHoldingRegisters(1, 0, 10);
 * await client.writeSingleCoil(0, 3, true); // unit 0: broadcast, resolves undefined
 * await client.close();
 * ```
 */
export * from './types';
export * from './errors';
export { ModbusClient } from './client';
export { ModbusMethods } from './methods';
