import { ModbusError } from '../codec';

/** The link could not be opened (refused, unreachable, no such serial port, connect timeout, closed). */
export class ConnectError extends ModbusError {
  /** What we tried to reach, e.g. `tcp 127.0.0.1:502`. */
  readonly target: string;
  constructor(target: string, cause?: Error) {
    super('EMODBUS_CONNECT', `cannot connect to ${target}${cause ? `: ${cause.message}` : ''}`);
    this.target = target;
    if (cause) this.cause = cause;
  }
}
