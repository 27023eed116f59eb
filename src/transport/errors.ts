import { ModbusError } from '../codec';
import { TlsError } from './tls-error';

/**
 * The link could not be opened (refused, unreachable, no such serial port, connect timeout,
 * closed). Its code is EMODBUS_TLS when the cause is a TLS handshake that failed (TlsError).
 */
export class ConnectError extends ModbusError {
  /** What we tried to reach, e.g. `tcp 127.0.0.1:502`. */
  readonly target: string;
  constructor(target: string, cause?: Error) {
    super(cause instanceof TlsError ? 'EMODBUS_TLS' : 'EMODBUS_CONNECT', `cannot connect to ${target}${cause ? `: ${cause.message}` : ''}`);
    this.target = target;
    if (cause) this.cause = cause;
  }
}
