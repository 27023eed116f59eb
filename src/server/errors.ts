import { ModbusError } from '../codec';

/** listen() on a server that close() has ended, or that close() ended while it was opening the port. */
export class ServerClosedError extends ModbusError {
  constructor(message = 'server is closed') {
    super('EMODBUS_CLOSED', message);
  }
}
