import { EventEmitter } from 'node:events';
import { Backoff } from './backoff';
import { ConnectError } from './errors';
import type { Connection, ConnectionHandlers, LinkState, Medium } from './types';

/** Reconnect and connect-timeout settings of a Transport. */
export interface TransportOptions {
  /** Backoff bounds between attempts, ms (default 100 .. 10000). */
  reconnect?: { minDelay?: number; maxDelay?: number };
  /** Give up one attempt after this many ms (default 3000). */
  connectTimeout?: number;
}

const noop = (): void => {};
/** close() resolves within this many ms whatever the medium does. */
const CLOSE_BOUND = 1500;

/**
 * Handlers for one connection. Once the transport lets go of that connection (close, drop, or
 * it was lost) `live` turns false, so a late event from an old socket cannot touch the new one.
 */
class Handlers implements ConnectionHandlers {
  live = true;
  constructor(private readonly t: Transport) {}
  data(chunk: Buffer): void {
    if (this.live) this.t.onData(chunk);
  }
  lost(error: Error): void {
    if (!this.live) return;
    this.live = false;
    this.t.onLost(error);
  }
}

/**
 * A byte pipe over one medium that keeps itself connected: once asked to connect it reopens
 * the link after every loss or failed attempt, with exponential backoff and jitter, until close().
 *
 * Events: 'state' (state: LinkState, error?: Error) on every change; 'data' (chunk: Buffer).
 */
export class Transport extends EventEmitter {
  /** Current link state. */
  state: LinkState = 'idle';
  /** True from a failed attempt until the next success: callers may fail fast instead of queueing. */
  failing = false;
  /** Why the last attempt failed or the last link was lost. */
  lastError: Error | undefined;

  private conn: Connection | undefined;
  private handlers: Handlers | undefined;
  private attempt: Promise<void> | undefined;
  private abort: AbortController | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private connectTimer: NodeJS.Timeout | undefined;
  /** Data seen on the current link: only then is the backoff reset, so accept-and-drop peers stay backed off. */
  private proven = false;
  private readonly backoff: Backoff;
  private readonly connectTimeout: number;

  constructor(readonly medium: Medium, options: TransportOptions = {}) {
    super();
    const min = Math.max(1, options.reconnect?.minDelay ?? 100);
    this.backoff = new Backoff(min, Math.max(min, options.reconnect?.maxDelay ?? 10_000));
    this.connectTimeout = options.connectTimeout ?? 3000;
  }

  /** Open the link (or join the attempt under way). Rejects with ConnectError if this attempt fails. */
  connect(): Promise<void> {
    if (this.state === 'connected') return Promise.resolve();
    if (this.state === 'closed') return Promise.reject(new ConnectError(this.medium.target, new Error('transport closed')));
    if (this.attempt) return this.attempt;
    if (this.reconnectTimer) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = undefined;
    }
    return this.startAttempt();
  }

  /** Send bytes on the open link; false when there is none. `alone`: see Connection.write. */
  write(data: Buffer, alone = false): boolean {
    const c = this.conn;
    if (!c) return false;
    c.write(data, alone);
    return true;
  }

  /** Throw the current link away (the byte stream can no longer be trusted) and reconnect. */
  drop(error: Error): void {
    const h = this.handlers;
    const c = this.conn;
    if (!h || !c) return;
    h.live = false;
    void c.close();
    this.onLost(error);
  }

  /** Close the link for good; resolves once every handle is released. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    this.abort?.abort();
    const c = this.conn;
    if (this.handlers) this.handlers.live = false;
    this.conn = undefined;
    this.handlers = undefined;
    this.setState('closed');
    const pending = this.attempt;
    // An attempt under way has been aborted; wait for it to let go of what it opened, but
    // never longer than CLOSE_BOUND: a serial open cannot be cancelled and may hang in the OS.
    const released = Promise.all([c?.close(), pending?.catch(noop)]);
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_BOUND);
    });
    await Promise.race([released, bound]);
    clearTimeout(timer);
  }

  /** @internal */
  onData(chunk: Buffer): void {
    if (!this.proven) {
      this.proven = true;
      this.backoff.reset();
    }
    this.emit('data', chunk);
  }

  /** @internal */
  onLost(error: Error): void {
    this.conn = undefined;
    this.handlers = undefined;
    this.lastError = error;
    this.setState('disconnected', error);
    this.scheduleReconnect();
  }

  private startAttempt(): Promise<void> {
    const ac = new AbortController();
    this.abort = ac;
    const handlers = new Handlers(this);
    this.setState('connecting');
    const timer = setTimeout(() => ac.abort(), this.connectTimeout);
    this.connectTimer = timer;
    const p = this.medium.open(handlers, ac.signal).then(
      (conn) => {
        clearTimeout(timer);
        this.connectTimer = undefined;
        this.attempt = undefined;
        this.abort = undefined;
        if (this.state === 'closed') {
          handlers.live = false;
          return conn.close().then(() => {
            throw new ConnectError(this.medium.target, new Error('transport closed'));
          });
        }
        this.conn = conn;
        this.handlers = handlers;
        this.failing = false;
        this.proven = false;
        this.setState('connected');
        return undefined;
      },
      (err: unknown) => {
        clearTimeout(timer);
        this.connectTimer = undefined;
        this.attempt = undefined;
        this.abort = undefined;
        handlers.live = false;
        const cause = ac.signal.aborted && this.state !== 'closed'
          ? new Error(`no connection within ${this.connectTimeout} ms`)
          : err instanceof Error ? err : new Error(String(err));
        const e = new ConnectError(this.medium.target, cause);
        if (this.state !== 'closed') {
          this.failing = true;
          this.lastError = e;
          this.setState('disconnected', e);
          this.scheduleReconnect();
        }
        throw e;
      },
    );
    this.attempt = p;
    return p;
  }

  private scheduleReconnect(): void {
    if (this.state === 'closed' || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.startAttempt().catch(noop); // reported through 'state'
    }, this.backoff.next());
  }

  private setState(state: LinkState, error?: Error): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('state', state, error);
  }
}
