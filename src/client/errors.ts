/**
 * The client's own errors. Each extends the codec's ModbusError with a stable `.code`, so callers
 * (the Node-RED layer, the CLI) can tell what happened without parsing messages.
 */
import { ModbusError } from '../codec';

/** No response arrived within the request's timeout (after any retries). */
export class TimeoutError extends ModbusError {
  readonly unitId: number;
  readonly functionCode: number;
  readonly timeout: number;
  constructor(unitId: number, functionCode: number, timeout: number) {
    super('EMODBUS_TIMEOUT', `no response from unit ${unitId} to function code ${functionCode} within ${timeout} ms`);
    this.unitId = unitId;
    this.functionCode = functionCode;
    this.timeout = timeout;
  }
}

/** The queue already holds `queueLimit` requests; the request was refused without waiting. */
export class QueueFullError extends ModbusError {
  constructor(limit: number) {
    super('EMODBUS_QUEUE_FULL', `request queue is full (${limit} requests)`);
  }
}

/** The client was closed (by close()) before the request could settle. */
export class ConnectionClosedError extends ModbusError {
  constructor(message = 'client closed') {
    super('EMODBUS_CLOSED', message);
  }
}

/** The link dropped while the request was on the wire; it may or may not have been carried out. */
export class ConnectionLostError extends ModbusError {
  constructor(cause?: Error) {
    super('EMODBUS_CONNECTION_LOST', `connection lost while waiting for the response${cause ? `: ${cause.message}` : ''}`);
    if (cause) this.cause = cause;
  }
}

/** A read was addressed to unit 0, the broadcast address, which never answers. */
export class BroadcastReadError extends ModbusError {
  constructor(functionCode: number) {
    super('EMODBUS_BROADCAST_READ', `function code ${functionCode} does not write, so it cannot be broadcast to unit 0 (no response would come)`);
  }
}

/** The unit kept timing out and is backed off; the request was refused without touching the link. */
export class UnitUnavailableError extends ModbusError {
  readonly unitId: number;
  constructor(unitId: number, retryInMs: number) {
    super('EMODBUS_UNIT_UNAVAILABLE', `unit ${unitId} keeps timing out; backed off for another ${Math.ceil(retryInMs)} ms`);
    this.unitId = unitId;
  }
}

export { ConnectError } from '../transport/errors';

/** The request was still queued (never sent) when flush() was called. */
export class RequestFlushedError extends ModbusError {
  constructor() {
    super('EMODBUS_FLUSHED', 'request flushed from the queue before it was sent');
  }
}
