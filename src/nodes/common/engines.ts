/**
 * Where the nodes get their engines. One seam, so tests can put a scripted engine in place of the
 * real one for cases a real peer cannot produce on demand.
 */
import type { ClientOptions, ModbusClientApi } from '../../client/types';
import type { ModbusServerApi, ServerOptions } from '../../server/types';

export interface EngineFactory {
  createClient(options: ClientOptions): ModbusClientApi;
  createServer(options: ServerOptions): ModbusServerApi;
}

const unavailable: EngineFactory = {
  createClient() {
    throw new Error('the Modbus client engine is not part of this build');
  },
  createServer() {
    throw new Error('the Modbus server engine is not part of this build');
  },
};

let factory: EngineFactory = unavailable;

export function createClient(options: ClientOptions): ModbusClientApi {
  return factory.createClient(options);
}

export function createServer(options: ServerOptions): ModbusServerApi {
  return factory.createServer(options);
}

/** Replace the factory (tests); returns the previous one so it can be put back. */
export function setEngineFactory(next: EngineFactory): EngineFactory {
  const previous = factory;
  factory = next;
  return previous;
}
