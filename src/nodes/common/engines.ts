/**
 * Where the nodes get their engines. One seam, so tests can put a scripted engine in place of the
 * real one for cases a real peer cannot produce on demand.
 */
import type { ClientOptions, ModbusClientApi } from '../../client/types';
import type { ModbusServerApi, ServerOptions } from '../../server/types';
import { ModbusClient } from '../../client/client';
import { ModbusServer } from '../../server/server';

export interface EngineFactory {
  createClient(options: ClientOptions): ModbusClientApi;
  createServer(options: ServerOptions): ModbusServerApi;
}

const real: EngineFactory = {
  createClient: (options) => new ModbusClient(options),
  createServer: (options) => new ModbusServer(options),
};

let factory: EngineFactory = real;

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
