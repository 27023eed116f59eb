import { ModbusError } from '../codec';

/**
 * A TLS handshake failed (Modbus/TCP Security): a certificate that did not verify (unknown CA,
 * expired, none sent, wrong host), or a peer that does not speak TLS. On the client it is the
 * cause of the ConnectError, whose code is then EMODBUS_TLS too; on the server it goes to 'error'
 * listeners and is counted, and the connection never reaches the Modbus layer.
 */
export class TlsError extends ModbusError {
  /** OpenSSL's or Node's code for the failure, e.g. `CERT_HAS_EXPIRED`, when there is one. */
  readonly reason: string | undefined;
  constructor(message: string, cause?: Error) {
    super('EMODBUS_TLS', cause ? `${message}: ${cause.message}` : message);
    const code = (cause as { code?: unknown } | undefined)?.code;
    this.reason = typeof code === 'string' ? code : undefined;
    if (cause) this.cause = cause;
  }
}
