/**
 * The client engine's public contract. The Node-RED layer and the CLI code against this file;
 * the engine may add to it but not change what is here.
 */
import type { BroadcastFc, ModbusRequest, ResponseFor } from '../codec';
import type { SerialSettings } from '../transport/serial';
import type { TlsClientSettings } from '../transport/tls';

/** What `request()` resolves with: the response, or for a write that may go to unit 0 (broadcast) also undefined. */
export type ConfirmationFor<R extends ModbusRequest> = R extends { fc: BroadcastFc } ? ResponseFor<R> | undefined : ResponseFor<R>;

/** Serial line settings shared by RTU and ASCII: the transport's own. */
export type { SerialSettings };

export type ClientTransportOptions =
  | { type: 'tcp'; host: string; port: number }
  | { type: 'rtu-tcp'; host: string; port: number }
  /** Modbus/TCP Security: MBAP over TLS 1.2+ with a client certificate (its role inside), port 802 by default. */
  | { type: 'tls'; host: string; port: number; tls: TlsClientSettings }
  | { type: 'udp'; host: string; port: number }
  | ({ type: 'rtu' } & SerialSettings)
  | ({ type: 'ascii' } & SerialSettings);

export interface ClientOptions {
  transport: ClientTransportOptions;
  /** Per-request timeout in ms (default 1000). */
  timeout?: number;
  /** Retries after a timeout for reads (default 0). */
  retries?: number;
  /** Retries after a timeout for writes (default 0: writes are not idempotent). */
  writeRetries?: number;
  /** Requests in flight at once on TCP (default 1). Serial lines always have one. */
  maxInFlight?: number;
  /** Queued requests at most; beyond it a request fails at once with QueueFullError (default 1000). */
  queueLimit?: number;
  /** Reconnect backoff bounds in ms, with jitter (default 100 .. 10000). */
  reconnect?: { minDelay?: number; maxDelay?: number };
  /** Open the link in the constructor ('eager') or at the first request ('lazy', default). */
  connect?: 'lazy' | 'eager';
  /** Serial: pause after a broadcast before the next request, ms (default 100). */
  turnaroundDelay?: number;
  /** Give up one connect attempt after this many ms (default 3000). */
  connectTimeout?: number;
  /**
   * A unit that times out `threshold` times in a row (default 3) is backed off for minDelay ms
   * (default 1000), doubling up to maxDelay (default 30000) while it stays silent: its requests
   * fail at once with UnitUnavailableError instead of holding up the link. `false` turns it off.
   */
  unitBackoff?: { threshold?: number; minDelay?: number; maxDelay?: number } | false;
}

export interface RequestOptions {
  timeout?: number;
  retries?: number;
}

export type ClientState = 'idle' | 'connecting' | 'connected' | 'disconnected' | 'closed';

/** Plain counters, cheap to keep, readable any time. */
export interface ClientCounters {
  requests: number;
  responses: number;
  exceptions: number;
  timeouts: number;
  retries: number;
  reconnects: number;
  droppedFrames: number;
  bytesIn: number;
  bytesOut: number;
  /** Requests that reached their one outcome (a value or an error). */
  settled: number;
  /**
   * A second outcome offered for a request already settled, and refused. Two paths racing for
   * one request (a timeout and a late response, a flush and a reconnect) meet here; a count above
   * 0 means one of them did not know the request was gone.
   */
  settleRepeats: number;
}

/**
 * Events: 'state' (state: ClientState, error?: Error) on every change, plus 'connecting',
 * 'connected', 'disconnected' (error?: Error) and 'error' (error: Error) for the same moments.
 * Rejections are typed: ModbusExceptionError (codec), and the client's own TimeoutError,
 * QueueFullError, ConnectionClosedError, BroadcastReadError (src/client/errors.ts), all ModbusError.
 */
export interface ModbusClientApi {
  readonly state: ClientState;
  connect(): Promise<void>;
  /** Ends every pending request with ConnectionClosedError and releases every handle, within ~2 s. */
  close(): Promise<void>;
  /** The one entry every typed method goes through. Unit id 0 broadcasts writes and resolves with undefined. */
  request<R extends ModbusRequest>(unitId: number, req: R, options?: RequestOptions): Promise<ConfirmationFor<R>>;
  counters(): ClientCounters;
  on(event: 'state', listener: (state: ClientState, error?: Error) => void): this;
  on(event: 'connecting' | 'connected', listener: () => void): this;
  on(event: 'disconnected' | 'error', listener: (error?: Error) => void): this;
  off(event: string, listener: (...args: never[]) => void): this;
}
